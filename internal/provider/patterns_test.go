package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/classify"
)

// Every pattern of every provider (signature rules, key shapes, host and
// placeholder patterns) compiles: they are compiled at first use, so a
// broken one would otherwise surface only when a run reaches it.
func TestPatternsCompile(t *testing.T) {
	if err := classify.CompileAll(); err != nil {
		t.Fatal(err)
	}
	for _, s := range All() {
		for _, r := range s.Rules {
			for _, p := range []*classify.Pattern{r.Msg, r.NotMsg, r.Body} {
				if p != nil && p.Regexp() == nil {
					t.Errorf("%s: rule %s has a pattern that does not compile", s.Type, r.ID)
				}
			}
		}
		if s.Keys.Pattern != nil && s.Keys.Fake != "" && !s.Keys.Pattern.MatchString(s.Keys.Fake) {
			t.Errorf("%s: the fake key %q does not fit the key pattern %s", s.Type, s.Keys.Fake, s.Keys.Pattern)
		}
	}
}
