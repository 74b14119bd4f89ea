package classify

import (
	"strings"
	"testing"
)

// Every pattern of the tables compiles: they are compiled at first use, so
// a broken one would otherwise surface only when a rule reaches it.
func TestCompileAll(t *testing.T) {
	if err := CompileAll(); err != nil {
		t.Fatal(err)
	}
	patternsMu.Lock()
	n := len(patterns)
	patternsMu.Unlock()
	if n < 30 {
		t.Fatalf("%d patterns registered, want the tables' (dozens)", n)
	}
}

func TestCompileAllReportsBrokenPattern(t *testing.T) {
	patternsMu.Lock()
	saved := patterns
	patterns = append([]*Pattern(nil), saved...)
	patternsMu.Unlock()
	defer func() {
		patternsMu.Lock()
		patterns = saved
		patternsMu.Unlock()
	}()
	Re(`unclosed (group`)
	err := CompileAll()
	if err == nil || !strings.Contains(err.Error(), "unclosed (group") {
		t.Fatalf("CompileAll() = %v, want the broken pattern named", err)
	}
}

// A Pattern matches as the expression compiled eagerly does.
func TestPatternLazy(t *testing.T) {
	p := Re(`^no (?:api )?key\b`)
	if p.String() != `(?is)^no (?:api )?key\b` {
		t.Errorf("String() = %q", p.String())
	}
	for s, want := range map[string]bool{"No API key found": true, "no key": true, "a key": false, "NO\nKEY": false} {
		if got := p.MatchString(s); got != want {
			t.Errorf("MatchString(%q) = %v, want %v", s, got, want)
		}
	}
	if m := Lazy(`(\d+) models?`).FindStringSubmatch("found 12 models"); len(m) != 2 || m[1] != "12" {
		t.Errorf("FindStringSubmatch = %q", m)
	}
}
