package openclaw

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/json5"
)

func load(t *testing.T, name string) *Config {
	t.Helper()
	cfg, err := Load(".", filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func parse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse("openclaw.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func pos(file string, line, col int) chain.Pos { return chain.Pos{File: file, Line: line, Col: col} }

// noLeak fails when any finding or the JSON of the chains contains s.
func noLeak(t *testing.T, s string, chains []*chain.Chain, fs []finding.Finding) {
	t.Helper()
	b, _ := json.Marshal(struct {
		C []*chain.Chain
		F []finding.Finding
	}{chains, fs})
	if strings.Contains(string(b), s) || strings.Contains(fmt.Sprint(fs), s) {
		t.Fatalf("output leaks the credential %q", s)
	}
}

func byCheck(fs []finding.Finding, check string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func TestParseRecipe(t *testing.T) {
	cfg := load(t, "recipe-3.1.json")
	f := filepath.Join("testdata", "recipe-3.1.json")
	g := cfg.Gateway
	if g.Mode.Value != "local" || g.Port != 18789 || !g.PortSet || g.Bind.Value != "loopback" || g.AuthMode.Value != "token" ||
		g.Token.Literal != "gw-test-token-123" || g.Token.Env != "" || !g.ChatCompletions || !g.ChatCompletionsSet {
		t.Errorf("gateway = %+v", g)
	}
	for _, c := range []struct {
		what      string
		got, want chain.Pos
	}{
		{"gateway", g.Pos, pos(f, 2, 3)},
		{"port", g.PortPos, pos(f, 3, 30)},
		{"token", g.Token.Pos, pos(f, 4, 41)},
		{"enabled", g.ChatCompletionsPos, pos(f, 5, 62)},
		{"primary", cfg.PrimaryModel.Pos, pos(f, 8, 27)},
		{"providers", cfg.ProvidersPos, pos(f, 14, 5)},
		{"openrouter", cfg.Provider("openrouter").Pos, pos(f, 14, 20)},
		{"baseUrl", cfg.Provider("openrouter").BaseURL.Pos, pos(f, 14, 47)},
	} {
		if c.got != c.want {
			t.Errorf("%s at %v, want %v", c.what, c.got, c.want)
		}
	}
	if cfg.PrimaryModel.Value != "openrouter/auto" || cfg.Provider("openrouter").BaseURL.Value != "http://127.0.0.1:18999/api/v1" {
		t.Errorf("primary %q, providers %+v", cfg.PrimaryModel.Value, cfg.Providers)
	}
}

func TestParseOnboarded(t *testing.T) {
	cfg := load(t, "onboarded.json")
	f := filepath.Join("testdata", "onboarded.json")
	if len(cfg.AuthProfiles) != 1 || cfg.AuthProfiles[0].ID != "openrouter:default" || cfg.AuthProfiles[0].Provider.Value != "openrouter" ||
		cfg.AuthProfiles[0].Mode.Value != "api_key" || cfg.AuthProfiles[0].Pos != pos(f, 32, 27) {
		t.Errorf("auth profiles = %+v", cfg.AuthProfiles)
	}
	if cfg.Gateway.Pos != pos(f, 25, 3) || cfg.Gateway.PortPos != pos(f, 28, 13) {
		t.Errorf("gateway at %v, port at %v", cfg.Gateway.Pos, cfg.Gateway.PortPos)
	}
}

func TestParseHandwrittenJSON5(t *testing.T) {
	cfg := load(t, "handwritten.json5")
	f := filepath.Join("testdata", "handwritten.json5")
	g := cfg.Gateway
	if g.Port != 0x4A1D || g.PortPos != pos(f, 6, 11) || g.Token.Env != "OPENCLAW_GATEWAY_TOKEN" || g.Token.Pos != pos(f, 10, 14) || !g.ChatCompletions {
		t.Errorf("gateway = %+v", g)
	}
	or := cfg.Provider("openrouter")
	if or.APIKey.Env != "OPENROUTER_API_KEY" || or.APIKey.Pos != pos(f, 24, 17) || or.API.Value != "openai-completions" || len(or.Models) != 2 ||
		or.Models[1].Value != "openai/gpt-4o-mini" || or.Models[1].Pos != pos(f, 28, 17) {
		t.Errorf("openrouter = %+v", or)
	}
	v := cfg.Provider("local-vllm")
	if v == nil || v.APIKey.Env != "VLLM_API_KEY" || v.APIKey.Pos != pos(f, 33, 17) || v.Pos != pos(f, 31, 7) {
		t.Errorf("local-vllm = %+v", v)
	}
	if cfg.PrimaryModel.Value != "openrouter/anthropic/claude-sonnet-4.5" {
		t.Errorf("primary = %q", cfg.PrimaryModel.Value)
	}
}

func TestParseSecrets(t *testing.T) {
	cfg := parse(t, `{
  models: { providers: {
    a: { apiKey: "sk-or-v1-literal" },
    b: { apiKey: "Bearer ${TOKEN_A}-${TOKEN_B}" },
    c: { apiKey: "$${NOT_A_REF}" },
    d: { apiKey: { source: "file", provider: "filemain", id: "/providers/d/apiKey" } },
    e: { apiKey: { source: "exec", id: "vault#key" } },
    f: { apiKey: "${lower_case}" },
    g: { apiKey: null },
    h: {},
  } },
  env: { vars: { OPENROUTER_API_KEY: "sk-or-v1-inline", REF: "${OTHER}" } },
  gateway: { port: 1234, agents: { $include: "./x.json5" } },
}`)
	p := func(id string) Secret { return cfg.Provider(id).APIKey }
	if s := p("a"); !s.IsLiteral() || s.Literal != "sk-or-v1-literal" || s.Env != "" {
		t.Errorf("a = %+v", s)
	}
	if s := p("b"); !s.Template || strings.Join(s.Vars, ",") != "TOKEN_A,TOKEN_B" || s.Literal != "" {
		t.Errorf("b = %+v", s)
	}
	if s := p("c"); s.Literal != "$${NOT_A_REF}" || s.Template || s.Env != "" {
		t.Errorf("c (escaped) = %+v", s)
	}
	if s := p("d"); s.Ref != "file:filemain:/providers/d/apiKey" || s.Env != "" || !s.Set {
		t.Errorf("d = %+v", s)
	}
	if s := p("e"); s.Ref != "exec:default:vault#key" {
		t.Errorf("e = %+v", s)
	}
	if s := p("f"); !s.IsLiteral() { // OpenClaw substitutes only upper-case names
		t.Errorf("f = %+v", s)
	}
	if s := p("g"); s.Set || s.Pos != pos("openclaw.json", 9, 10) {
		t.Errorf("g (null) = %+v", s)
	}
	if s := p("h"); s.Set || s.Pos != pos("openclaw.json", 10, 8) {
		t.Errorf("h (absent) = %+v", s)
	}
	if ev := cfg.EnvVar("OPENROUTER_API_KEY"); ev == nil || ev.Value.Literal != "sk-or-v1-inline" || ev.Pos != pos("openclaw.json", 12, 18) {
		t.Errorf("env.vars = %+v", cfg.EnvVars)
	}
	if len(cfg.Includes) != 1 || cfg.Includes[0] != pos("openclaw.json", 13, 36) {
		t.Errorf("includes = %v", cfg.Includes)
	}
}

func TestParseTypeErrors(t *testing.T) {
	for _, tc := range []struct{ src, msg string }{
		{`[]`, "must hold an object, not array"},
		{`{gateway: 1}`, "gateway must be an object, not number"},
		{`{gateway: {port: "18789"}}`, "gateway.port must be a port number"},
		{`{gateway: {port: 70000}}`, "gateway.port must be a port number"},
		{`{gateway: {port: 1.5}}`, "gateway.port must be a port number"},
		{`{gateway: {auth: {token: 5}}}`, "gateway.auth.token must be a string or a SecretRef object, not number"},
		{`{gateway: {http: {endpoints: {chatCompletions: {enabled: "yes"}}}}}`, "chatCompletions.enabled must be true or false, not string"},
		{`{gateway: {http: {endpoints: []}}}`, "gateway.http.endpoints must be an object, not array"},
		{`{models: {providers: {openrouter: "x"}}}`, "models.providers.openrouter must be an object"},
		{`{models: {providers: {openrouter: {baseUrl: 1}}}}`, "models.providers.openrouter.baseUrl must be a string"},
		{`{models: {providers: {openrouter: {models: {}}}}}`, "models.providers.openrouter.models must be an array"},
		{`{models: {providers: {openrouter: {models: [1]}}}}`, "models.providers.openrouter.models[0] must be an object"},
		{`{agents: {defaults: {model: 3}}}`, "agents.defaults.model must be a string or an object"},
		{`{auth: {profiles: {x: true}}}`, "auth.profiles.x must be an object"},
		{`{env: {vars: {A: 1}}}`, "env.vars.A must be a string"},
	} {
		_, err := Parse("c.json5", []byte(tc.src))
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, tc.msg) || e.Pos.File != "c.json5" || e.Pos.Line != 1 || e.Pos.Col < 1 {
			t.Errorf("%s: err = %v, want %q", tc.src, err, tc.msg)
		}
	}
	var se *json5.SyntaxError
	if _, err := Parse("c.json5", []byte(`{a: }`)); !errors.As(err, &se) {
		t.Errorf("syntax error not passed through: %v", err)
	}
	if _, err := Load(t.TempDir(), "missing.json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestParseDefaults(t *testing.T) {
	cfg := parse(t, `{agents: {defaults: {model: "openrouter/openai/gpt-4o-mini"}}}`)
	g := cfg.Gateway
	if g.Port != DefaultPort || g.PortSet || g.ChatCompletions || g.ChatCompletionsSet || g.Token.Set || !g.Pos.IsZero() {
		t.Errorf("defaults = %+v", g)
	}
	if cfg.PrimaryModel.Value != "openrouter/openai/gpt-4o-mini" || cfg.PrimaryModel.Pos != pos("openclaw.json", 1, 29) {
		t.Errorf("short model form = %+v", cfg.PrimaryModel)
	}
}
