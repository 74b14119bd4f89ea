package litellm

import (
	"strings"
	"testing"
)

// FuzzParse: the LiteLLM reader never panics, and every position it reports
// lies inside the input.
func FuzzParse(f *testing.F) {
	f.Add([]byte("model_list:\n  - model_name: a\n    litellm_params:\n      model: openrouter/x/y\n      api_key: os.environ/K\n"))
	f.Add([]byte("general_settings: {master_key: sk-1}\nmodel_list: [{model_name: b, litellm_params: {model: openai/gpt}}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("config.yaml", data)
		if err != nil || cfg == nil {
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range cfg.ModelList {
			for _, v := range []Value{d.ModelName, d.Model, d.APIKey, d.APIBase} {
				if v.Pos.Line < 0 || v.Pos.Line > lines {
					t.Fatalf("position %v outside a %d-line file", v.Pos, lines)
				}
			}
		}
	})
}
