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
	// Parse does not follow $include: the directive is listed, unread.
	if len(cfg.Includes) != 1 || cfg.Includes[0].Pos != pos("openclaw.json", 13, 46) || cfg.Includes[0].NotFollowed == "" {
		t.Errorf("includes = %+v", cfg.Includes)
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

// writeTree writes files (slash paths) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIncludes(t *testing.T) {
	const root = ".openclaw/openclaw.json"
	for _, tc := range []struct {
		name  string
		files map[string]string
		check func(t *testing.T, cfg *Config)
		err   string // an *Error (or syntax error) containing this
		at    string // its position
	}{
		{name: "single file under a key", files: map[string]string{
			root:                     "{\n  agents: { $include: './agents.json5' },\n}",
			".openclaw/agents.json5": "{ defaults: { model: 'anthropic/claude-x' } }",
		}, check: func(t *testing.T, cfg *Config) {
			if cfg.Defaults.Primary.Value != "anthropic/claude-x" || cfg.Defaults.Primary.Pos != pos(".openclaw/agents.json5", 1, 22) {
				t.Errorf("model = %+v (positions stay in the included file)", cfg.Defaults.Primary)
			}
			if strings.Join(cfg.Files, ",") != root+",.openclaw/agents.json5" {
				t.Errorf("files = %v", cfg.Files)
			}
		}},
		{name: "array of arrays concatenates", files: map[string]string{
			root:                    "{ agents: { list: { $include: ['./a.json5', './sub/b.json5'] } } }",
			".openclaw/a.json5":     "[{ id: 'a' }]",
			".openclaw/sub/b.json5": "[{ id: 'b', default: true, model: 'openai/gpt-4o' }]",
		}, check: func(t *testing.T, cfg *Config) {
			if len(cfg.Agents) != 2 || cfg.Agents[1].ID != "b" || !cfg.Agents[1].Default || cfg.Agents[1].Model.Primary.Pos.File != ".openclaw/sub/b.json5" {
				t.Errorf("agents = %+v", cfg.Agents)
			}
		}},
		{name: "siblings override, objects merge deeply", files: map[string]string{
			root:                   "{ $include: './base.json5', gateway: { port: 19000 } }",
			".openclaw/base.json5": "{ gateway: { port: 18789, auth: { token: '${GW}' } }, agents: { defaults: { model: 'zai/glm-5' } } }",
		}, check: func(t *testing.T, cfg *Config) {
			g := cfg.Gateway
			if g.Port != 19000 || g.PortPos.File != root || g.Token.Env != "GW" || g.Token.Pos.File != ".openclaw/base.json5" || cfg.Defaults.Primary.Value != "zai/glm-5" {
				t.Errorf("gateway %+v, model %+v", g, cfg.Defaults.Primary)
			}
		}},
		{name: "nested includes", files: map[string]string{
			root:                          "{ models: { $include: './m/models.json5' } }",
			".openclaw/m/models.json5":    "{ providers: { $include: './providers.json5' } }",
			".openclaw/m/providers.json5": "{ zai: { baseUrl: 'https://api.z.ai/api/paas/v4', models: [{ id: 'glm-5' }] } }",
		}, check: func(t *testing.T, cfg *Config) {
			if p := cfg.Provider("zai"); p == nil || p.BaseURL.Pos.File != ".openclaw/m/providers.json5" {
				t.Errorf("providers = %+v", cfg.Providers)
			}
		}},
		{name: "missing file is listed, the rest is read", files: map[string]string{
			root:                "{\n gateway: { port: 1 },\n agents: { list: { $include: ['./a.json5', './missing.json5'] } } }",
			".openclaw/a.json5": "[{ id: 'a', model: 'openai/gpt-4o' }]",
		}, check: func(t *testing.T, cfg *Config) {
			var missing []Include
			for _, in := range cfg.Includes {
				if in.Missing {
					missing = append(missing, in)
				}
			}
			if len(missing) != 1 || missing[0].File != ".openclaw/missing.json5" || missing[0].Pos != pos(root, 3, 44) || len(cfg.Agents) != 1 || cfg.Gateway.Port != 1 {
				t.Errorf("includes %+v, agents %+v", cfg.Includes, cfg.Agents)
			}
		}},
		{name: "absolute path not followed", files: map[string]string{
			root: "{ agents: { $include: '/home/me/.openclaw/agents.json5' } }",
		}, check: func(t *testing.T, cfg *Config) {
			if len(cfg.Includes) != 1 || cfg.Includes[0].NotFollowed == "" {
				t.Errorf("includes = %+v", cfg.Includes)
			}
		}},
		{name: "cycle refused", files: map[string]string{
			root:                "{ a: { $include: './a.json5' } }",
			".openclaw/a.json5": "{ b: { $include: './openclaw.json' } }",
		}, err: "circular $include", at: ".openclaw/a.json5:1:18"},
		{name: "self include refused", files: map[string]string{root: "{ $include: './openclaw.json' }"}, err: "circular $include", at: root + ":1:13"},
		{name: "leaving the config directory refused", files: map[string]string{
			root: "{ a: { $include: '../secrets.json' } }", "secrets.json": "{}",
		}, err: "leaves the directory", at: root + ":1:18"},
		{name: "siblings need an object", files: map[string]string{
			root: "{ list: { $include: './a.json5', extra: 1 } }", ".openclaw/a.json5": "[1]",
		}, err: "need it to be an object", at: root + ":1:21"},
		{name: "not a path", files: map[string]string{root: "{ a: { $include: 5 } }"}, err: "must be a path", at: root + ":1:18"},
		{name: "syntax error in an included file", files: map[string]string{
			root: "{ a: { $include: './a.json5' } }", ".openclaw/a.json5": "{\n  x: ,\n}",
		}, err: "", at: ".openclaw/a.json5:2:6"},
		{name: "too many includes", files: map[string]string{
			root: "{ a: { $include: [" + strings.Repeat("'./a.json5',", MaxIncludes+1) + "] } }", ".openclaw/a.json5": "{}",
		}, err: "more than", at: root},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			cfg, err := Load(dir, root)
			if tc.at == "" {
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, cfg)
				return
			}
			var e *Error
			var se *json5.SyntaxError
			switch {
			case errors.As(err, &e):
				if !strings.Contains(e.Msg, tc.err) || !strings.HasPrefix(e.Pos.String(), tc.at) {
					t.Errorf("err = %v at %v, want %q at %s", e.Msg, e.Pos, tc.err, tc.at)
				}
			case errors.As(err, &se):
				if se.Pos.String() != tc.at {
					t.Errorf("syntax error at %v, want %s", se.Pos, tc.at)
				}
			default:
				t.Errorf("err = %v, want %q at %s", err, tc.err, tc.at)
			}
		})
	}
}

// TestIncludeRefused: an included file fsafe refuses (a link out of the
// workspace) stops the read at the $include, naming no content.
func TestIncludeRefused(t *testing.T) {
	dir := writeTree(t, map[string]string{".openclaw/openclaw.json": "{ a: { $include: './link.json5' } }"})
	outside := filepath.Join(t.TempDir(), "secret.json5")
	if err := os.WriteFile(outside, []byte(`{ token: "ghs_0123456789abcdefghij" }`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, ".openclaw", "link.json5")); err != nil {
		t.Skip(err)
	}
	_, err := Load(dir, ".openclaw/openclaw.json")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "refused") || e.Pos.Line != 1 || strings.Contains(err.Error(), "ghs_") {
		t.Errorf("err = %v", err)
	}
}

func TestEnvForms(t *testing.T) {
	cfg := parse(t, `{env: {
  OPENROUTER_API_KEY: "sk-or-...",
  vars: {GROQ_API_KEY: "gsk-...", OPENROUTER_API_KEY: "${OTHER}"},
  shellEnv: {enabled: true},
  files: [".env"],
}}`)
	if len(cfg.EnvVars) != 3 || cfg.EnvVars[0].Setting != "env.OPENROUTER_API_KEY" || cfg.EnvVars[1].Setting != "env.vars.GROQ_API_KEY" {
		t.Errorf("env vars = %+v", cfg.EnvVars)
	}
	// Both forms set it: env.vars wins.
	if ev := cfg.EnvVar("OPENROUTER_API_KEY"); ev == nil || ev.Setting != "env.vars.OPENROUTER_API_KEY" || ev.Value.Env != "OTHER" {
		t.Errorf("EnvVar = %+v", ev)
	}
	if cfg.EnvVar("files") != nil || len(cfg.Ignored) != 1 || cfg.Ignored[0].Path != "env.files" || cfg.Ignored[0].Pos != pos("openclaw.json", 5, 3) {
		t.Errorf("env.files: ignored %+v", cfg.Ignored)
	}
}

func TestAgentsAndLegacy(t *testing.T) {
	cfg := parse(t, `{
  agent: {model: {primary: "anthropic/a", fallbacks: ["minimax/b"]}},
  models: {default: "openai/c"},
  agents: {
    defaults: {model: "zai/glm-5", models: {"anthropic/claude-opus-4-6": {alias: "opus"}, "stray": 1}},
    list: [{id: "x"}, {id: "y", default: true, model: {primary: "openai/d"}}],
    bindings: [],
  },
}`)
	if !cfg.Legacy.Set || cfg.Legacy.Primary.Value != "anthropic/a" || len(cfg.Legacy.Fallbacks) != 1 || cfg.Legacy.PrimarySetting != "agent.model.primary" || cfg.LegacyAgentPos != pos("openclaw.json", 2, 3) {
		t.Errorf("legacy = %+v", cfg.Legacy)
	}
	if !cfg.ModelsDefault.Set || cfg.ModelsDefault.Primary.Value != "openai/c" {
		t.Errorf("models.default = %+v", cfg.ModelsDefault)
	}
	if len(cfg.Agents) != 2 || !cfg.Agents[1].Default || cfg.Agents[1].Model.Primary.Value != "openai/d" || cfg.Agents[1].Setting != "agents.list[1]" {
		t.Errorf("agents = %+v", cfg.Agents)
	}
	if len(cfg.ModelEntries) != 2 || cfg.ModelEntries[0].Alias != "opus" {
		t.Errorf("model entries = %+v", cfg.ModelEntries)
	}
	if len(cfg.Ignored) != 1 || cfg.Ignored[0].Path != "agents.bindings" {
		t.Errorf("ignored = %+v", cfg.Ignored)
	}
	for _, tc := range []struct{ src, msg string }{
		{`{agents: {list: {}}}`, "agents.list must be an array"},
		{`{agents: {list: [1]}}`, "agents.list[0] must be an object"},
		{`{agents: {list: [{id: "a", default: "yes"}]}}`, "agents.list[0].default must be true or false"},
		{`{agents: {defaults: {model: {fallbacks: "openai/x"}}}}`, "fallbacks must be an array"},
		{`{agent: {model: 5}}`, "agent.model must be a string or an object"},
		{`{agent: "x"}`, "agent must be an object"},
	} {
		_, err := Parse("c.json5", []byte(tc.src))
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s: err = %v, want %q", tc.src, err, tc.msg)
		}
	}
}

// TestCredentialsListed: every string at a credential key is listed with
// its path, wherever it is; other strings are not.
func TestCredentialsListed(t *testing.T) {
	cfg := parse(t, `{
  channels: {telegram: {accounts: {a: {botToken: "1:AA"}}}, slack: {appToken: "xapp-1"}},
  hooks: {token: "h", mappings: [{sessionKey: "hook:{{id}}", maxTokens: 5}], gmail: {pushToken: "p"}},
  skills: {entries: {s: {apiKey: "k", env: {GEMINI_API_KEY: "g"}}}},
}`)
	var got []string
	for _, c := range cfg.Credentials {
		got = append(got, c.Path)
	}
	want := "channels.telegram.accounts.a.botToken,channels.slack.appToken,hooks.token,hooks.gmail.pushToken,skills.entries.s.apiKey,skills.entries.s.env.GEMINI_API_KEY"
	if strings.Join(got, ",") != want {
		t.Errorf("credentials = %s\nwant          %s", strings.Join(got, ","), want)
	}
}
