package litellm

import (
	"slices"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// Runner variables referenced in any string value, as YAML decodes it
// (escapes resolved, block scalars included), in every section and in
// included files, each at its value's position.
func TestRunnerRefsInDecodedValues(t *testing.T) {
	root := "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, api_key: \"os.environ\\x2fGITHUB_TOKEN\"}\n" +
		"environment_variables:\n  K: \"os.environ\\u002FACTIONS_RUNTIME_TOKEN\"\n" +
		"router_settings:\n  note: |\n    uses ${RUNNER_TEMP}\n  ok: os.environ/OPENAI_API_KEY\ninclude: [more.yaml]\n"
	more := "litellm_settings:\n  x: 'os.environ/GITHUB_TOKEN'\n"
	cfg, err := Load("config.yaml", []byte(root), func(rel string, _ chain.Pos) ([]byte, error) { return []byte(more), nil })
	if err != nil {
		t.Fatal(err)
	}
	at := func(file string, line, col int) chain.Pos { return chain.Pos{File: file, Line: line, Col: col} }
	want := []trust.DecodedRef{{Name: "GITHUB_TOKEN", Pos: at("config.yaml", 3, 48)}, {Name: "ACTIONS_RUNTIME_TOKEN", Pos: at("config.yaml", 5, 6)},
		{Name: "RUNNER_TEMP", Pos: at("config.yaml", 8, 5)}, {Name: "GITHUB_TOKEN", Pos: at("more.yaml", 2, 6)}}
	if !slices.Equal(cfg.RunnerRefs, want) {
		t.Errorf("RunnerRefs = %+v\nwant %+v", cfg.RunnerRefs, want)
	}
}
