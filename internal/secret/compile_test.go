package secret

import (
	"regexp/syntax"
	"strings"
	"testing"
)

// Every shape compiles and has its secret group: shapes are compiled at
// first use, so a broken one would otherwise surface only when a text
// holds its keyword.
func TestShapesCompile(t *testing.T) {
	for i := range shapes {
		sh := &shapes[i]
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("shape %s: %v", sh.id, r)
				}
			}()
			c := sh.re()
			if c.re == nil || c.secret < 0 || (c.keep >= 0 && c.keep == c.secret) {
				t.Errorf("shape %s: compiled %+v", sh.id, c)
			}
		}()
	}
}

// A shape's must byte is a literal every match of its pattern contains (a
// direct part of the top-level sequence, not inside an alternative or a
// repetition), so skipping the windows without it changes nothing.
func TestMustByteIsRequired(t *testing.T) {
	n := 0
	for _, sh := range shapes {
		if sh.must == 0 {
			continue
		}
		n++
		re, err := syntax.Parse(sh.pattern, syntax.Perl)
		if err != nil {
			t.Fatalf("shape %s: %v", sh.id, err)
		}
		re = re.Simplify()
		required := false
		if re.Op == syntax.OpConcat {
			for _, sub := range re.Sub {
				if sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 && strings.ContainsRune(string(sub.Rune), rune(sh.must)) {
					required = true
				}
			}
		}
		if !required {
			t.Errorf("shape %s: %q is not a literal every match of %s contains", sh.id, sh.must, sh.pattern)
		}
	}
	if n == 0 {
		t.Fatal("no shape has a must byte")
	}
}

// Text mayHoldShape passes over is text the full search leaves unchanged.
func FuzzMayHoldShape(f *testing.F) {
	for _, s := range append(reportFields(1), "sk-or-v1-"+strings.Repeat("0f", 32), "x ghp_"+strings.Repeat("a", 36),
		`\u0073k-proj-`+strings.Repeat("a", 40), "dXNlcjpzay1vci12MS0wZjBmMGYwZjBmMGYwZjBmMGYw", "https://u:p4ssw0rd@example.com",
		"plain words, nothing to see here at all", "AKIAABCDEFGHIJKLMNOP", "a&#115;k-proj-x", "%73k-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaa",
		// Split by zero-width spaces or colour codes (no run of the base64
		// alphabet long enough to decode either), or in fullwidth letters:
		// only the folded view has their shape.
		"s\u200bk-or-v1-"+strings.Repeat("0f0f0f0f0f\u200b", 7), "s\x1b[0mk-or-v1-"+strings.Repeat("0f0f0f0f0f\x1b[0m", 7),
		"\uff53\uff4b-or-v1-"+strings.Repeat("\uff10f", 32)) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !mayHoldShape(s) {
			if out := redactView(s); out != s {
				t.Fatalf("mayHoldShape(%q) = false, but the search redacts it to %q", s, out)
			}
		}
	})
}
