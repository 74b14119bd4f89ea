package openclaw

import (
	"slices"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// Runner variables referenced in any decoded string (a JSON5 \u escape
// resolved) and in env SecretRefs, anywhere in the file, at the value's
// position; provider variables are not runner references.
func TestRunnerRefsInDecodedValues(t *testing.T) {
	src := `{
  env: {MYKEY: "\u0024{GITHUB_TOKEN}", OK: "${OPENAI_API_KEY}"},
  channels: {telegram: {botToken: {source: "env", provider: "default", id: "ACTIONS_RUNTIME_TOKEN"}}},
  models: {providers: {p: {baseUrl: "http://127.0.0.1:1/v1", apiKey: {source: "env", id: "MISTRAL_API_KEY"}}}},
  agents: {defaults: {model: "p/m"}},
}`
	cfg, err := Parse("openclaw.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []trust.DecodedRef{{Name: "GITHUB_TOKEN", Pos: chain.Pos{File: "openclaw.json", Line: 2, Col: 16}},
		{Name: "ACTIONS_RUNTIME_TOKEN", Pos: chain.Pos{File: "openclaw.json", Line: 3, Col: 35}}}
	if !slices.Equal(cfg.RunnerRefs, want) {
		t.Errorf("RunnerRefs = %+v\nwant %+v", cfg.RunnerRefs, want)
	}
}
