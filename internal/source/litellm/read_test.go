package litellm

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/chain"
)

func mustParse(t *testing.T, file string) *Config {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(file, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return cfg
}

func TestParseDocsShapedConfig(t *testing.T) {
	cfg := mustParse(t, "config.yaml")
	p := func(line, col int) chain.Pos { return chain.Pos{File: "config.yaml", Line: line, Col: col} }
	want := []Deployment{
		{
			Pos:       p(3, 5),
			ModelName: Value{"claude-sonnet-4.5", p(3, 17), true},
			Model:     Value{"openrouter/anthropic/claude-sonnet-4.5", p(5, 14), true},
			APIKey:    Value{"os.environ/OPENROUTER_API_KEY", p(6, 16), true},
			APIBase:   Value{"https://openrouter.ai/api/v1", p(7, 17), true},
		},
		{
			Pos:       p(8, 5),
			ModelName: Value{"gpt-4o", p(8, 17), true},
			Model:     Value{"openai/gpt-4o", p(10, 14), true},
			APIKey:    Value{"os.environ/OPENAI_API_KEY", p(11, 16), true},
			Params:    map[string]Value{"rpm": {"60", p(12, 12), true}},
		},
		{
			Pos:        p(13, 5),
			ModelName:  Value{"gpt-4o", p(13, 17), true},
			Model:      Value{"azure/gpt-4o-eu", p(15, 14), true},
			APIBase:    Value{"os.environ/AZURE_API_BASE", p(16, 17), true},
			APIKey:     Value{"os.environ/AZURE_API_KEY", p(17, 16), true},
			APIVersion: Value{"2024-02-15-preview", p(18, 20), true},
		},
		{
			Pos:       p(19, 5),
			ModelName: Value{"local-llama", p(19, 17), true},
			Model:     Value{"ollama/llama3", p(21, 14), true},
		},
	}
	if diff := cmp.Diff(want, cfg.ModelList); diff != "" {
		t.Errorf("model_list (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Value{"os.environ/LITELLM_MASTER_KEY", p(31, 15), true}, cfg.MasterKey); diff != "" {
		t.Errorf("master_key (-want +got):\n%s", diff)
	}
	if got := cfg.MasterKey.Ref(); got != "LITELLM_MASTER_KEY" {
		t.Errorf("MasterKey.Ref() = %q", got)
	}
	wantEnv := []EnvVar{
		{Name: "OR_APP_NAME", Value: Value{"hopcheck-fixture", p(35, 16), true}, NamePos: p(35, 3)},
		{Name: "OPENROUTER_API_BASE", Value: Value{"os.environ/MY_OR_BASE", p(36, 24), true}, NamePos: p(36, 3)},
	}
	if diff := cmp.Diff(wantEnv, cfg.EnvironmentVariables); diff != "" {
		t.Errorf("environment_variables (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"claude-sonnet-4.5", "gpt-4o", "local-llama"}, cfg.ModelNames()); diff != "" {
		t.Errorf("ModelNames (-want +got):\n%s", diff)
	}
	if got := len(cfg.Deployments("gpt-4o")); got != 2 {
		t.Errorf("Deployments(gpt-4o) = %d entries, want 2", got)
	}
	if got := len(cfg.Deployments("nope")); got != 0 {
		t.Errorf("Deployments(nope) = %d entries, want 0", got)
	}
}

func TestProviderAndUpstreamModel(t *testing.T) {
	for _, tc := range []struct{ model, provider, upstream string }{
		{"openrouter/anthropic/claude-sonnet-4.5", "openrouter", "anthropic/claude-sonnet-4.5"},
		{"openai/gpt-4o", "openai", "gpt-4o"},
		{"anthropic/claude-3-5-haiku-20241022", "anthropic", "claude-3-5-haiku-20241022"},
		{"gpt-4o-mini", "", "gpt-4o-mini"},
	} {
		d := Deployment{Model: Value{Value: tc.model, Set: true}}
		if got := d.Provider(); got != tc.provider {
			t.Errorf("Provider(%q) = %q, want %q", tc.model, got, tc.provider)
		}
		if got := d.UpstreamModel(); got != tc.upstream {
			t.Errorf("UpstreamModel(%q) = %q, want %q", tc.model, got, tc.upstream)
		}
	}
}

func TestParseAnchorsMergeAndNull(t *testing.T) {
	cfg := mustParse(t, "anchors.yaml")
	if len(cfg.ModelList) != 3 {
		t.Fatalf("got %d deployments, want 3", len(cfg.ModelList))
	}
	claude := cfg.ModelList[0]
	if claude.APIKey.Value != "os.environ/OPENROUTER_API_KEY" || claude.APIKey.Pos.Line != 2 {
		t.Errorf("merged api_key = %+v, want the anchored value at line 2", claude.APIKey)
	}
	if claude.APIBase.Value != "https://openrouter.ai/api/v1" || claude.Model.Pos.Line != 9 {
		t.Errorf("claude = %+v", claude)
	}
	free := cfg.ModelList[1]
	if free.APIKey.Value != "sk-or-v1-literal-override" || free.APIKey.Pos.Line != 14 {
		t.Errorf("explicit key must win over the merged one: %+v", free.APIKey)
	}
	bare := cfg.ModelList[2]
	if bare.APIKey.Set || bare.APIKey.Pos.Line != 18 {
		t.Errorf("null api_key = %+v, want unset at its key (line 18)", bare.APIKey)
	}
	if bare.APIBase.Set || bare.Provider() != "" {
		t.Errorf("bare = %+v", bare)
	}
	if cfg.MasterKey.Value != "sk-1234" || cfg.MasterKey.Ref() != "" {
		t.Errorf("master_key = %+v", cfg.MasterKey)
	}
}

func TestParseEmptyAndMinimal(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "model_list:\n", "general_settings: {}\n"} {
		cfg, err := Parse("c.yaml", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if len(cfg.ModelList) != 0 || cfg.MasterKey.Set || cfg.File != "c.yaml" {
			t.Errorf("Parse(%q) = %+v", src, cfg)
		}
	}
	cfg, err := Parse("flow.yaml", []byte(`{model_list: [{model_name: m, litellm_params: {model: openrouter/x/y, api_key: 12345}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d := cfg.ModelList[0]; d.APIKey.Value != "12345" || d.Provider() != "openrouter" || d.Model.Pos.Line != 1 {
		t.Errorf("flow style: %+v", d)
	}
}

func TestParseErrorsCarryPositions(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"syntax", "model_list:\n  - model_name: a\n   bad: [\n", "bad.yaml:"},
		{"top list", "- a\n- b\n", "bad.yaml:1:1: the top level must be a mapping"},
		{"model_list map", "model_list:\n  a: b\n", "bad.yaml:2:3: model_list must be a list of models"},
		{"params scalar", "model_list:\n  - model_name: a\n    litellm_params: openrouter/x\n", "bad.yaml:3:21: model_list[0].litellm_params must be a mapping"},
		{"model list value", "model_list:\n  - model_name: [a, b]\n", "bad.yaml:2:17: model_list[0].model_name must be a single value"},
		{"master_key map", "general_settings:\n  master_key: {a: b}\n", "bad.yaml:2:15: general_settings.master_key must be a single value"},
	} {
		_, err := Parse("bad.yaml", []byte(tc.src))
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %T is not *Error", tc.name, err)
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want prefix %q", tc.name, err, tc.want)
		}
		if e != nil && e.Pos.Line == 0 {
			t.Errorf("%s: error has no line: %v", tc.name, err)
		}
	}
}

func TestResolve(t *testing.T) {
	env := MapEnv(map[string]string{"SET": "sk-or-v1-abc", "EMPTY": ""})
	for _, tc := range []struct {
		in, value, ref string
		set            bool
	}{
		{"os.environ/SET", "sk-or-v1-abc", "SET", true},
		{"os.environ/EMPTY", "", "EMPTY", true},
		{"os.environ/UNSET", "", "UNSET", false}, // silently empty, like LiteLLM's get_secret
		{"sk-1234", "sk-1234", "", true},
		{"", "", "", false},
		{"OS.ENVIRON/SET", "OS.ENVIRON/SET", "", true}, // the prefix is case-sensitive
	} {
		v, ref, set := Resolve(tc.in, env)
		if v != tc.value || ref != tc.ref || set != tc.set {
			t.Errorf("Resolve(%q) = %q, %q, %v; want %q, %q, %v", tc.in, v, ref, set, tc.value, tc.ref, tc.set)
		}
	}
	if v, ref, set := Resolve("os.environ/X", nil); v != "" || ref != "X" || set {
		t.Errorf("nil env: %q %q %v", v, ref, set)
	}
}

func TestConfigEnvOverlay(t *testing.T) {
	cfg := mustParse(t, "config.yaml")
	env := cfg.Env(MapEnv(map[string]string{"MY_OR_BASE": "http://127.0.0.1:9/api/v1", "OR_APP_NAME": "from-process"}))
	if v, ok := env("OR_APP_NAME"); v != "hopcheck-fixture" || !ok {
		t.Errorf("environment_variables must override the process env: %q %v", v, ok)
	}
	if v, ok := env("OPENROUTER_API_BASE"); v != "http://127.0.0.1:9/api/v1" || !ok {
		t.Errorf("os.environ/ inside environment_variables must resolve: %q %v", v, ok)
	}
	if _, ok := env("OPENROUTER_API_KEY"); ok {
		t.Error("unset variable reported as set")
	}
	if v, _, set := Resolve(cfg.MasterKey.Value, env); v != "" || set {
		t.Errorf("master key with LITELLM_MASTER_KEY unset = %q, %v", v, set)
	}
}
