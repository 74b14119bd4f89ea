package chain

import (
	"strings"
	"testing"
)

// The run-wide override: auth-only applies to every chain; inference only
// asks for a canary through the chain, so it never turns an embedding
// chain (or one whose canary follows from its model) into a chat
// completion, which such a model refuses.
func TestOverride(t *testing.T) {
	tests := []struct {
		mode     string
		fixed    bool
		override string
		want     string
	}{
		{CanaryInference, false, "", CanaryInference},
		{CanaryEmbedding, false, "", CanaryEmbedding},
		{CanaryAuthOnly, true, "", CanaryAuthOnly},

		{CanaryInference, false, CanaryAuthOnly, CanaryAuthOnly},
		{CanaryEmbedding, false, CanaryAuthOnly, CanaryAuthOnly},
		{CanaryAuthOnly, true, CanaryAuthOnly, CanaryAuthOnly},

		{CanaryAuthOnly, false, CanaryInference, CanaryInference},
		{CanaryInference, false, CanaryInference, CanaryInference},
		{CanaryEmbedding, false, CanaryInference, CanaryEmbedding},
		{CanaryAuthOnly, true, CanaryInference, CanaryAuthOnly},
	}
	for _, tc := range tests {
		if got := Override(tc.mode, tc.fixed, tc.override); got != tc.want {
			t.Errorf("Override(%q, fixed %v, %q) = %q, want %q", tc.mode, tc.fixed, tc.override, got, tc.want)
		}
	}
	for _, m := range OverrideModes {
		if m == CanaryEmbedding {
			t.Errorf("embedding must not be an override value")
		}
	}
	if !EndToEnd(CanaryInference) || !EndToEnd(CanaryEmbedding) || EndToEnd(CanaryAuthOnly) {
		t.Errorf("EndToEnd: inference and embedding cross every hop, auth-only does not")
	}
}

func TestModeList(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "a b": "a or b", "a b c": "a, b or c"} {
		if got := ModeList(strings.Fields(in)); got != want {
			t.Errorf("ModeList(%q) = %q, want %q", in, got, want)
		}
	}
}
