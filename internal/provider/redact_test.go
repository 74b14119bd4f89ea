package provider

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/secret"
)

// Every key format the registry knows is also known to the redactor, so a
// key of any registered provider that an upstream echoes back is redacted
// even when hopcheck never held it; and its fingerprint shows the
// provider's public prefix. Adding a provider with a new distinctive
// prefix fails here until internal/secret/shapes.go knows it.
func TestRedactorKnowsEveryRegisteredKeyShape(t *testing.T) {
	for _, s := range All() {
		keys := append([]string(nil), s.Keys.Distinctive...)
		if s.Keys.Fake != "" && s.Keys.Pattern != nil {
			keys = append(keys, s.Keys.Fake)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, s.Keys.Fake) || len(k) < 30 {
				k += "Q7m" + strings.Repeat("x9Rz", 10) // a realistic tail
			}
			text := "upstream said: invalid key " + k + " (check your settings)"
			if got := secret.Redact(text); strings.Contains(got, k[len(k)-20:]) {
				t.Errorf("%s: a key shaped %q… is not redacted: %s", s.Type, k[:min(len(k), 16)], got)
			}
		}
	}
}
