package openclaw

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// withModel is a gateway with its OpenAI endpoint on and a primary model.
const on = `gateway: {http: {endpoints: {chatCompletions: {enabled: true}}}}`

func TestChainsRecipeLiteralToken(t *testing.T) {
	cfg := load(t, "recipe-3.1.json")
	f := filepath.Join("testdata", "recipe-3.1.json")
	chains, notes := Chains(cfg, env("OPENROUTER_API_KEY", "sk-or-v1-x"))
	if len(chains) != 1 {
		t.Fatalf("chains = %+v", chains)
	}
	c := chains[0]
	if c.Name != ChainName || c.Model != "openrouter/auto" || c.Canary != chain.CanaryInference || c.Timeout != ChainTimeout ||
		c.Pos != pos(f, 2, 3) || c.ModelPos != pos(f, 8, 27) || len(c.Hops) != 2 {
		t.Fatalf("chain = %+v", c)
	}
	gw, or := c.Hops[0], c.Hops[1]
	if gw.Name != "openclaw" || gw.Type != provider.OpenClaw || gw.URL != "http://127.0.0.1:18789" || gw.KeyEnv != "" ||
		gw.KeyValue != "gw-test-token-123" || gw.KeyHeader != (chain.Header{Name: "Authorization", Prefix: "Bearer "}) ||
		gw.Pos != pos(f, 2, 3) || gw.URLPos != pos(f, 3, 30) || gw.KeyEnvPos != pos(f, 4, 41) || gw.Config != f {
		t.Errorf("gateway hop = %+v", gw)
	}
	// The key is unset in the file: it is reported at the provider's entry.
	if or.Name != "openrouter" || or.Type != provider.OpenRouter || or.URL != "http://127.0.0.1:18999/api/v1" || or.KeyEnv != "OPENROUTER_API_KEY" ||
		or.KeyValue != "" || or.Pos != pos(f, 14, 20) || or.URLPos != pos(f, 14, 47) || or.KeyEnvPos != pos(f, 14, 20) {
		t.Errorf("openrouter hop = %+v", or)
	}
	if got := c.Links(); len(got) != 2 || got[0] != (chain.Link{From: "ci", To: "openclaw"}) || got[1] != (chain.Link{From: "openclaw", To: "openrouter"}) {
		t.Errorf("links = %v", got)
	}
	sec := byCheck(notes, "openclaw.secret")
	if len(notes) != 1 || len(sec) != 1 || sec[0].Cause != finding.SecretInConfig || sec[0].Severity != finding.SevWarning ||
		sec[0].Line != 4 || sec[0].Col != 41 || sec[0].Chain != ChainName || *sec[0].Link != (chain.Link{From: "ci", To: "openclaw"}) {
		t.Errorf("notes = %+v", notes)
	}
	noLeak(t, "gw-test-token-123", chains, notes)
}

func TestChainsEnvRefs(t *testing.T) {
	cfg := load(t, "handwritten.json5")
	chains, notes := Chains(cfg, env("OPENCLAW_GATEWAY_TOKEN", "t", "OPENROUTER_API_KEY", "k"))
	if len(notes) != 0 {
		t.Errorf("notes = %+v", notes)
	}
	c := chains[0]
	gw, or := c.Hops[0], c.Hops[1]
	if gw.URL != "http://127.0.0.1:18973" || gw.KeyEnv != "OPENCLAW_GATEWAY_TOKEN" || gw.KeyValue != "" {
		t.Errorf("gateway hop = %+v", gw)
	}
	if or.URL != "https://openrouter.ai/api/v1" || or.KeyEnv != "OPENROUTER_API_KEY" || c.Model != "anthropic/claude-sonnet-4.5" {
		t.Errorf("openrouter hop = %+v, model %q", or, c.Model)
	}
	// An unset ${VAR} is left to the engine's static check (credential-missing
	// at KeyEnvPos): no duplicate note here.
	_, notes = Chains(cfg, nil)
	if len(notes) != 0 {
		t.Errorf("notes without env = %+v", notes)
	}
}

func TestChainsEndpointDisabled(t *testing.T) {
	const model = `agents: {defaults: {model: "openrouter/auto"}}`
	for _, src := range []string{
		`{gateway: {mode: "local", http: {endpoints: {chatCompletions: {enabled: false}}}}, ` + model + `}`,
		`{gateway: {mode: "local"}, ` + model + `}`,
		`{` + model + `}`,
	} {
		cfg := parse(t, src)
		chains, notes := Chains(cfg, nil)
		if len(chains) != 1 || chains[0].Name != DirectChainName || len(chains[0].Hops) != 1 || chains[0].Hops[0].Type != provider.OpenRouter ||
			chains[0].Hops[0].URL != defaultOpenRouterBase || chains[0].Hops[0].KeyEnv != "OPENROUTER_API_KEY" {
			t.Fatalf("%s: chains = %+v", src, chains)
		}
		ep := byCheck(notes, "openclaw.endpoint")
		if len(ep) != 1 || ep[0].Cause != finding.WrongEndpoint || ep[0].Severity != finding.SevWarning || ep[0].Chain != DirectChainName {
			t.Fatalf("%s: notes = %+v", src, notes)
		}
		want := cfg.Gateway.ChatCompletionsPos
		if want.IsZero() {
			want = chain.Pos{File: "openclaw.json"}
		}
		if ep[0].File != want.File || ep[0].Line != want.Line || ep[0].Col != want.Col {
			t.Errorf("%s: finding at %s:%d:%d, want %v", src, ep[0].File, ep[0].Line, ep[0].Col, want)
		}
		// A direct chain is positioned at its model, not at line 1.
		if c := chains[0]; c.Pos != cfg.Defaults.Primary.Pos {
			t.Errorf("%s: chain at %v, want the model at %v", src, c.Pos, cfg.Defaults.Primary.Pos)
		}
	}
	// The finding points at the `enabled: false` value.
	cfg := parse(t, "{gateway: {http: {endpoints: {\n chatCompletions: {enabled: false}}}}, "+model+"}")
	_, notes := Chains(cfg, nil)
	if ep := byCheck(notes, "openclaw.endpoint"); ep[0].Line != 2 || ep[0].Col != 29 {
		t.Errorf("endpoint finding at %d:%d", ep[0].Line, ep[0].Col)
	}
	// Derived for a hopcheck.yml chain that names the gateway: through it
	// anyway, and the finding stays.
	d := Derive(cfg, Options{Through: true, Model: "openrouter/auto"})
	if len(d.Plans) != 1 || len(d.Plans[0].Chain.Hops) != 2 || d.Plans[0].Chain.Name != ChainName {
		t.Fatalf("through: %+v", d.Plans)
	}
	if ep := byCheck(Judge(cfg, d), "openclaw.endpoint"); len(ep) != 1 || !strings.Contains(ep[0].Message, "no request passes through") {
		t.Errorf("through: endpoint finding = %+v", ep)
	}
}

func TestChainsLiteralAPIKey(t *testing.T) {
	const key = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
	cfg := parse(t, `{`+on+`, agents: {defaults: {model: "openrouter/auto"}},
models: {providers: {openrouter: {apiKey: '`+key+`'}}}}`)
	chains, notes := Chains(cfg, nil)
	or := chains[0].Hops[1]
	if or.KeyEnv != "" || or.KeyValue != key || or.KeyEnvPos != pos("openclaw.json", 2, 43) {
		t.Errorf("openrouter hop = %+v", or)
	}
	sec := byCheck(notes, "openclaw.secret")
	if len(sec) != 1 || sec[0].Cause != finding.SecretInConfig || sec[0].Severity != finding.SevError || sec[0].Line != 2 ||
		*sec[0].Link != (chain.Link{From: "openclaw", To: "openrouter"}) || !strings.Contains(sec[0].Message, "sk-or-v1-01") ||
		!strings.Contains(sec[0].Fix, "${OPENROUTER_API_KEY}") {
		t.Errorf("notes = %+v", notes)
	}
	// The gateway token is unset: OpenClaw falls back to OPENCLAW_GATEWAY_TOKEN.
	if gw := chains[0].Hops[0]; gw.KeyEnv != GatewayTokenEnv || gw.KeyEnvPos.IsZero() {
		t.Errorf("gateway hop = %+v", gw)
	}
	noLeak(t, key, chains, notes)
	if s := Secrets(cfg); len(s) != 1 || s[0] != key {
		t.Errorf("secrets = %q", s)
	}
}

func TestChainsEnvVarsFallback(t *testing.T) {
	const key = "sk-or-v1-inline-secret-value-0000"
	for _, form := range []string{`env: {vars: {OPENROUTER_API_KEY: "` + key + `"}}`, `env: {OPENROUTER_API_KEY: "` + key + `"}`} {
		cfg := parse(t, `{`+on+`, agents: {defaults: {model: "openrouter/auto"}},
`+form+`}`)
		// Unset in the job: OpenClaw uses the committed inline value.
		chains, notes := Chains(cfg, nil)
		or := chains[0].Hops[1]
		sec := byCheck(notes, "openclaw.secret")
		ev := cfg.EnvVar("OPENROUTER_API_KEY")
		if or.KeyEnv != "" || or.KeyValue != key || or.KeyEnvPos != ev.Pos || len(sec) != 1 || sec[0].Cause != finding.SecretInConfig ||
			sec[0].Severity != finding.SevError || sec[0].Line != 2 || !strings.Contains(sec[0].Message, ev.Setting) {
			t.Errorf("%s: hop %+v, notes %+v", form, or, notes)
		}
		noLeak(t, key, chains, notes)
		// Set in the job: the process environment wins, as in OpenClaw; the
		// committed value is still reported, once.
		chains, notes = Chains(cfg, env("OPENROUTER_API_KEY", "sk-or-v1-job"))
		if or := chains[0].Hops[1]; or.KeyEnv != "OPENROUTER_API_KEY" || or.KeyValue != "" || len(byCheck(notes, "openclaw.secret")) != 1 {
			t.Errorf("%s: hop %+v, notes %+v", form, or, notes)
		}
	}
	// A placeholder in the env block is no key: the job's variable is what
	// is checked, and the placeholder is named.
	cfg := parse(t, `{env: {MOONSHOT_API_KEY: "sk-..."}, agents: {defaults: {model: {primary: "moonshot/kimi-k2.5"}}},
models: {providers: {moonshot: {baseUrl: "https://api.moonshot.ai/v1", apiKey: "${MOONSHOT_API_KEY}"}}}}`)
	chains, notes := Chains(cfg, nil)
	h := chains[0].Hops[0]
	sec := byCheck(notes, "openclaw.secret")
	if h.Type != provider.Moonshot || h.KeyEnv != "MOONSHOT_API_KEY" || h.KeyValue != "" || len(sec) != 1 ||
		sec[0].Cause != finding.CredentialMalformed || sec[0].Line != 1 || !strings.Contains(sec[0].Message, "placeholder") {
		t.Errorf("placeholder: hop %+v, notes %+v", h, notes)
	}
	if s := Secrets(cfg); len(s) != 0 {
		t.Errorf("a placeholder is registered as a secret: %q", s)
	}
}

func TestChainsGatewayAuthModes(t *testing.T) {
	for _, tc := range []struct {
		name, gw string
		env      []string
		direct   bool
		keyEnv   string
		keyValue string
		url      string
		check    string
	}{
		{name: "none", gw: `auth: {mode: "none"}`, url: "http://127.0.0.1:18789"},
		{name: "password literal", gw: `auth: {mode: "password", password: "pw-1"}`, keyValue: "pw-1", check: "openclaw.secret"},
		{name: "password fallback env", gw: `auth: {mode: "password"}`, keyEnv: GatewayPasswordEnv},
		{name: "mode from password", gw: `auth: {password: "${PW}"}`, keyEnv: "PW"},
		{name: "trusted proxy without password", gw: `auth: {mode: "trusted-proxy"}`, direct: true, check: "openclaw.auth"},
		{name: "trusted proxy with password", gw: `auth: {mode: "trusted-proxy", password: "${PW}"}`, keyEnv: "PW"},
		{name: "unknown mode", gw: `auth: {mode: "magic", token: "${T}"}`, keyEnv: "T", check: "openclaw.auth"},
		{name: "port from env", gw: `port: 1000`, env: []string{GatewayPortEnv, "2000"}, keyEnv: GatewayTokenEnv, url: "http://127.0.0.1:2000", check: "openclaw.port"},
		{name: "bind lan still serves loopback", gw: `bind: "lan", port: 3000`, keyEnv: GatewayTokenEnv, url: "http://127.0.0.1:3000"},
		{name: "remote mode", gw: `mode: "remote"`, keyEnv: GatewayTokenEnv, check: "openclaw.mode"},
		{name: "template token unset", gw: `auth: {token: "tok-${A}-${B}"}`, env: []string{"A", "x"}, check: "openclaw.secret"},
		{name: "token from the env block", gw: `auth: {mode: "token"}`, keyValue: "gw-from-env-block", check: "openclaw.secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			extra := ""
			if tc.name == "token from the env block" {
				extra = `env: {vars: {OPENCLAW_GATEWAY_TOKEN: "gw-from-env-block"}}, `
			}
			cfg := parse(t, "{"+extra+"agents: {defaults: {model: 'openrouter/auto'}}, gateway: {"+tc.gw+", http: {endpoints: {chatCompletions: {enabled: true}}}}}")
			chains, notes := Chains(cfg, env(append([]string{"OPENROUTER_API_KEY", "k"}, tc.env...)...))
			if tc.direct {
				if chains[0].Name != DirectChainName {
					t.Fatalf("chain %s, want the direct chain", chains[0].Name)
				}
			} else {
				gw := chains[0].Hops[0]
				if gw.KeyEnv != tc.keyEnv || gw.KeyValue != tc.keyValue || (tc.url != "" && gw.URL != tc.url) {
					t.Errorf("gateway hop = %+v", gw)
				}
			}
			if tc.check != "" && len(byCheck(notes, tc.check)) != 1 {
				t.Errorf("want one %s finding; notes = %+v", tc.check, notes)
			}
			if tc.check == "" && len(notes) != 0 {
				t.Errorf("notes = %+v", notes)
			}
		})
	}
	// A template with an unset variable is an error naming only that variable.
	cfg := parse(t, `{agents: {defaults: {model: 'openrouter/auto'}}, gateway: {auth: {token: "tok-${A}-${B}"}, http: {endpoints: {chatCompletions: {enabled: true}}}}}`)
	_, notes := Chains(cfg, env("A", "x"))
	if f := byCheck(notes, "openclaw.secret")[0]; f.Severity != finding.SevError || f.Cause != finding.CredentialMissing || !strings.Contains(f.Message, "references B,") {
		t.Errorf("template finding = %+v", f)
	}
}

// TestModelChoice covers where OpenClaw takes the model from and how it
// resolves a ref to a provider.
func TestModelChoice(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		// want is provider/model of each chain, in order ("" entries: none).
		want    []string
		setting string // the primary's setting
		how     How
		noModel bool
		check   string // a finding that must be there
	}{
		{name: "defaults string", src: `agents: {defaults: {model: "anthropic/claude-sonnet-4-5"}}`, want: []string{"anthropic/claude-sonnet-4-5"}, setting: "agents.defaults.model"},
		{name: "defaults object with fallbacks", src: `agents: {defaults: {model: {primary: "anthropic/a", fallbacks: ["anthropic/b", "openai/c", "anthropic/a"]}}}`,
			want: []string{"anthropic/a", "anthropic/b", "openai/c"}, setting: "agents.defaults.model.primary"},
		{name: "legacy agent.model.primary", src: `agent: {model: {primary: "anthropic/x"}}`, want: []string{"anthropic/x"}, setting: "agent.model.primary", check: "openclaw.legacy"},
		{name: "legacy agent.model string", src: `agent: {model: "openai/gpt-4o"}`, want: []string{"openai/gpt-4o"}, setting: "agent.model", check: "openclaw.legacy"},
		{name: "current key wins over legacy", src: `agent: {model: "openai/gpt-4o"}, agents: {defaults: {model: "anthropic/x"}}`, want: []string{"anthropic/x"}, setting: "agents.defaults.model", check: "openclaw.legacy"},
		{name: "models.default", src: `models: {default: "moonshot/kimi-k2.5"}`, want: []string{"moonshot/kimi-k2.5"}, setting: "models.default", check: "openclaw.legacy"},
		{name: "default agent of agents.list", src: `agents: {defaults: {model: "openai/x"}, list: [{id: "a", model: "openai/y"}, {id: "b", default: true, model: "anthropic/z"}]}`,
			want: []string{"anthropic/z"}, setting: "agents.list[1].model"},
		{name: "first agent without a marker", src: `agents: {list: [{id: "a", model: {primary: "openai/y"}}, {id: "b", model: "anthropic/z"}]}`,
			want: []string{"openai/y"}, setting: "agents.list[0].model.primary"},
		{name: "default agent without a model inherits", src: `agents: {defaults: {model: {primary: "zai/glm-5"}}, list: [{id: "main", default: true}, {id: "x", model: "openai/y"}]}`,
			want: []string{"zai/glm-5"}, setting: "agents.defaults.model.primary"},
		{name: "agents.entries", src: `agents: {entries: {main: {model: "google/gemini-2.5-pro"}}}`, want: []string{"google/gemini-2.5-pro"}, setting: "agents.entries.main.model"},
		{name: "agent keeps the defaults' fallbacks", src: `agents: {defaults: {model: {primary: "openai/a", fallbacks: ["anthropic/b"]}}, list: [{id: "m", model: "openai/c"}]}`,
			want: []string{"openai/c", "anthropic/b"}, setting: "agents.list[0].model"},
		{name: "alias", src: `agents: {defaults: {model: "Opus", models: {"anthropic/claude-opus-4-6": {alias: "opus"}}}}`, want: []string{"anthropic/claude-opus-4-6"}, how: HowAlias, setting: "agents.defaults.model"},
		{name: "auth profile suffix", src: `agents: {defaults: {model: "anthropic/claude-x@work"}}`, want: []string{"anthropic/claude-x"}, setting: "agents.defaults.model"},
		{name: "date suffix kept", src: `agents: {defaults: {model: "anthropic/claude@20250514"}}`, want: []string{"anthropic/claude@20250514"}, setting: "agents.defaults.model"},
		{name: "bare id listed by one provider", src: `agents: {defaults: {model: "glm-5"}}, models: {providers: {zai: {baseUrl: "https://api.z.ai/api/paas/v4", models: [{id: "glm-5"}]}}}`,
			want: []string{"zai/glm-5"}, how: HowConfigured, setting: "agents.defaults.model"},
		{name: "bare id goes to openai", src: `agents: {defaults: {model: {primary: "claude-sonnet-4-6"}}}`, want: []string{"openai/claude-sonnet-4-6"}, how: HowDefaultProvider,
			setting: "agents.defaults.model.primary", check: "openclaw.model"},
		{name: "bare id listed by two providers", src: `agents: {defaults: {model: "m"}}, models: {providers: {a: {baseUrl: "http://127.0.0.1:1/v1", models: [{id: "m"}]}, b: {baseUrl: "http://127.0.0.1:2/v1", models: [{id: "m"}]}}}`,
			want: []string{"openai/m"}, how: HowDefaultProvider, setting: "agents.defaults.model", check: "openclaw.model"},
		{name: "openrouter:auto", src: `agents: {defaults: {model: "openrouter:auto"}}`, want: []string{"openrouter/auto"}, setting: "agents.defaults.model"},
		{name: "provider id in capitals", src: `agents: {defaults: {model: "Anthropic/claude-x"}}`, want: []string{"anthropic/claude-x"}, setting: "agents.defaults.model"},
		{name: "no model: first configured provider", src: `models: {providers: {empty: {baseUrl: "http://127.0.0.1:9/v1"}, lm: {baseUrl: "http://127.0.0.1:1234/v1", models: [{id: "qwen"}, {id: "other"}]}}}`,
			want: []string{"lm/qwen"}, how: HowFirstConfigured, setting: "models.providers.lm.models[0].id", check: "openclaw.model"},
		{name: "no model at all", src: `gateway: {port: 18789}, models: {providers: {openrouter: {apiKey: "${OPENROUTER_API_KEY}"}}}`, noModel: true, check: "openclaw.model"},
		{name: "empty file", src: ``, noModel: true, check: "openclaw.model"},
		{name: "not a ref", src: `agents: {defaults: {model: "anthropic/"}}`, want: []string{}, check: "openclaw.model"},
		{name: "unknown provider", src: `agents: {defaults: {model: "mystery/x"}}`, want: []string{}, check: "openclaw.provider"},
		{name: "known provider without a default endpoint", src: `agents: {defaults: {model: "google-vertex/gemini-2.5-pro"}}`, want: []string{}, check: "openclaw.provider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(t, "{"+tc.src+"}")
			d := Derive(cfg, Options{})
			var got []string
			for _, p := range d.Plans {
				got = append(got, p.Choice.Label())
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") || d.NoModel != tc.noModel {
				t.Fatalf("chains %v (no model %t), want %v", got, d.NoModel, tc.want)
			}
			if tc.setting != "" && (len(d.Choices) == 0 || d.Choices[0].Setting != tc.setting || d.Choices[0].How != tc.how) {
				t.Errorf("choice = %+v, want setting %s how %q", d.Choices, tc.setting, tc.how)
			}
			fs := Judge(cfg, d)
			if tc.check != "" && len(byCheck(fs, tc.check)) == 0 {
				t.Errorf("no %s finding: %+v", tc.check, fs)
			}
			for _, f := range fs {
				if f.Line == 1 && f.Col == 1 {
					t.Errorf("finding at 1:1: %+v", f)
				}
				if strings.Contains(f.Message, "openrouter/auto") && !strings.Contains(tc.src, "openrouter") {
					t.Errorf("invented openrouter/auto: %s", f.Message)
				}
			}
			for i, p := range d.Plans {
				if i > 0 && !strings.Contains(p.Chain.Name, "-fallback-") {
					t.Errorf("chain %d named %s", i, p.Chain.Name)
				}
			}
		})
	}
}

// TestProviders covers how a provider id becomes a hop: OpenClaw's
// built-in providers from the registry, with their default URLs and key
// variables, and custom providers from models.providers.
func TestProviders(t *testing.T) {
	for _, tc := range []struct {
		name, src, ref string
		env            []string
		typ            chain.HopType
		url, keyEnv    string
		keyless        bool
	}{
		{name: "anthropic", ref: "anthropic/claude-sonnet-4-5", typ: provider.Anthropic, url: "https://api.anthropic.com", keyEnv: "ANTHROPIC_API_KEY"},
		{name: "moonshot", ref: "moonshot/kimi-k2.5", typ: provider.Moonshot, url: "https://api.moonshot.ai/v1", keyEnv: "MOONSHOT_API_KEY"},
		{name: "zai", ref: "zai/glm-5", typ: provider.ZAI, url: "https://api.z.ai/api/paas/v4", keyEnv: "ZAI_API_KEY"},
		{name: "zai older variable set", ref: "zai/glm-5", env: []string{"Z_AI_API_KEY", "k"}, typ: provider.ZAI, url: "https://api.z.ai/api/paas/v4", keyEnv: "Z_AI_API_KEY"},
		{name: "google", ref: "google/gemini-2.5-pro", typ: provider.Gemini, url: "https://generativelanguage.googleapis.com/v1beta", keyEnv: "GEMINI_API_KEY"},
		// No AWS credential in the job: OpenClaw's gateway may sign with a
		// profile or a role, so none is asked for (the chain is unverified).
		{name: "bedrock default region", ref: "amazon-bedrock/us.anthropic.claude", typ: provider.Bedrock, url: provider.BedrockRuntimeURL(provider.BedrockDefaultRegion), keyless: true},
		{name: "bedrock job region and access key", ref: "amazon-bedrock/x", env: []string{"AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "AKIA"},
			typ: provider.Bedrock, url: provider.BedrockRuntimeURL("eu-west-1"), keyEnv: "AWS_ACCESS_KEY_ID"},
		{name: "ollama needs no key", ref: "ollama/llama3", typ: provider.Ollama, url: "http://localhost:11434", keyless: true},
		{name: "ollama key set in the job", ref: "ollama/llama3", env: []string{"OLLAMA_API_KEY", "k"}, typ: provider.Ollama, url: "http://localhost:11434", keyEnv: "OLLAMA_API_KEY"},
		{name: "ollama variable name as a dummy", ref: "ollama/charaf/qwen:instruct", src: `ollama: {baseUrl: "http://host.docker.internal:11434", api: "ollama", apiKey: "OLLAMA_API_KEY"}`,
			typ: provider.Ollama, url: "http://host.docker.internal:11434", keyless: true},
		{name: "lmstudio dummy", ref: "lmstudio/m", src: `lmstudio: {baseUrl: "http://127.0.0.1:1234/v1", apiKey: "lmstudio"}`, typ: provider.LMStudio, url: "http://127.0.0.1:1234/v1", keyless: true},
		{name: "builtin with its own base", ref: "minimax/MiniMax-M2.1", src: `minimax: {baseUrl: "https://api.minimax.io/anthropic", api: "anthropic-messages", apiKey: "${MINIMAX_API_KEY}"}`,
			typ: provider.MiniMax, url: "https://api.minimax.io/anthropic", keyEnv: "MINIMAX_API_KEY"},
		{name: "custom on a provider's host", ref: "kimi/k2", src: `kimi: {baseUrl: "https://api.moonshot.ai/v1", apiKey: "${KIMI_KEY}"}`, typ: provider.Moonshot, url: "https://api.moonshot.ai/v1", keyEnv: "KIMI_KEY"},
		{name: "custom anthropic api", ref: "proxy/claude", src: `proxy: {baseUrl: "http://127.0.0.1:9/anthropic", api: "anthropic-messages"}`, typ: provider.Anthropic, url: "http://127.0.0.1:9/anthropic", keyless: true},
		{name: "custom public without key", ref: "acme/m", src: `acme: {baseUrl: "https://llm.acme.example/v1"}`, typ: provider.OpenAICompatible, url: "https://llm.acme.example/v1", keyEnv: "ACME_API_KEY"},
		{name: "custom local without key", ref: "local-vllm/llama", src: `'local-vllm': {baseUrl: "http://127.0.0.1:8000/v1"}`, typ: provider.OpenAICompatible, url: "http://127.0.0.1:8000/v1", keyless: true},
		{name: "custom local dummy", ref: "loc/m", src: `loc: {baseUrl: "http://192.168.1.5:8080/v1", apiKey: "ollama-local"}`, typ: provider.OpenAICompatible, url: "http://192.168.1.5:8080/v1", keyless: true},
		{name: "env secretref", ref: "loc/m", src: `loc: {baseUrl: "http://127.0.0.1:8000/v1", apiKey: {source: "env", id: "VLLM_KEY"}}`, typ: provider.OpenAICompatible, url: "http://127.0.0.1:8000/v1", keyEnv: "VLLM_KEY"},
		{name: "known variable name as a marker", ref: "anthropic/x", src: `anthropic: {apiKey: "ANTHROPIC_API_KEY"}`, typ: provider.Anthropic, url: "https://api.anthropic.com", keyEnv: "ANTHROPIC_API_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `{agents: {defaults: {model: "` + tc.ref + `"}}`
			if tc.src != "" {
				src += `, models: {providers: {` + tc.src + `}}`
			}
			cfg := parse(t, src+"}")
			d := Derive(cfg, Options{LookupEnv: env(tc.env...)})
			if len(d.Plans) != 1 {
				t.Fatalf("plans = %+v, unusable %+v", d.Plans, d.Unusable)
			}
			h := d.Plans[0].Chain.Hops[0]
			if h.Type != tc.typ || h.URL != tc.url || h.KeyEnv != tc.keyEnv || (tc.keyless && (h.KeyEnv != "" || h.KeyValue != "")) {
				t.Errorf("hop = %+v", h)
			}
			for _, f := range Judge(cfg, d) {
				if f.Cause == finding.SecretInConfig || (tc.keyless && f.Cause == finding.CredentialMalformed) {
					t.Errorf("finding about a stand-in key: %+v", f)
				}
			}
			if tc.keyless && len(Secrets(cfg)) != 0 {
				t.Errorf("a stand-in key is registered as a secret: %q", Secrets(cfg))
			}
		})
	}
}

// TestCredentialWords covers literal apiKey values that are words: a word
// OpenClaw does not know is sent verbatim, a placeholder is no key.
func TestCredentialWords(t *testing.T) {
	for _, tc := range []struct {
		key   string
		kind  CredKind
		cause finding.Cause
		value bool // the hop carries the literal
	}{
		{key: "LITELLM_KEY", kind: CredWord, cause: finding.CredentialMalformed, value: true},
		{key: "sk-...", kind: CredPlaceholder, cause: finding.CredentialMalformed},
		{key: "<your-api-key>", kind: CredPlaceholder, cause: finding.CredentialMalformed},
		// Written like a variable's name, but a placeholder all the same.
		{key: "ZHIPU_API_KEY_PLACEHOLDER", kind: CredPlaceholder, cause: finding.CredentialMalformed},
		{key: "sk-proxy-0123456789abcdef0123", kind: CredLiteral, cause: finding.SecretInConfig, value: true},
		// Upper case with underscores, but digits all over: a token, not a name.
		{key: "PROD_9F8A7B6C5D4E3F2A1B0C9D8E7F6A", kind: CredLiteral, cause: finding.SecretInConfig, value: true},
	} {
		cfg := parse(t, `{agents: {defaults: {model: "p/m"}}, models: {providers: {p: {baseUrl: "https://llm.example.com/v1", apiKey: "`+tc.key+`"}}}}`)
		d := Derive(cfg, Options{})
		p := d.Plans[0]
		if p.Up.Cred.Kind != tc.kind || (p.Chain.Hops[0].KeyValue != "") != tc.value || p.Chain.Hops[0].KeyEnv != "" {
			t.Errorf("%s: cred %+v hop %+v", tc.key, p.Up.Cred, p.Chain.Hops[0])
		}
		fs := byCheck(Judge(cfg, d), "openclaw.secret")
		if len(fs) != 1 || fs[0].Cause != tc.cause || fs[0].Line != 1 {
			t.Errorf("%s: findings %+v", tc.key, fs)
		}
		// Whatever the value is, the findings show a fingerprint only.
		if tc.kind != CredPlaceholder {
			noLeak(t, tc.key, nil, fs)
		}
	}
}

// TestSourcesShowDefaults: a value nobody wrote is shown as a default
// (Origin), never at a position in the file.
func TestSourcesShowDefaults(t *testing.T) {
	cfg := parse(t, "{\n agents: {defaults: {model: 'anthropic/claude-x'}},\n gateway: {http: {endpoints: {chatCompletions: {enabled: true}}}},\n}")
	d := Derive(cfg, Options{})
	got := map[string]Source{}
	for _, s := range d.Sources {
		got[s.Hop+"."+s.What] = s
	}
	for k, want := range map[string]string{
		"openclaw.url":      "default port 18789",
		"openclaw.key_env":  "OpenClaw's variable",
		"anthropic.url":     "default of OpenClaw's anthropic provider",
		"anthropic.type":    "built-in anthropic provider",
		"anthropic.key_env": "OpenClaw's variable",
	} {
		s, ok := got[k]
		if !ok || !s.Pos.IsZero() || !strings.Contains(s.Origin, want) {
			t.Errorf("%s: %+v, want a default saying %q", k, s, want)
		}
	}
	if s := got[".model"]; s.Pos != pos("openclaw.json", 2, 29) || s.Value != "claude-x" {
		t.Errorf("model source = %+v", s)
	}
	// Hops never point at line 1 for values that come from defaults.
	for _, h := range d.Plans[0].Chain.Hops {
		for _, p := range []chain.Pos{h.Pos, h.URLPos, h.KeyEnvPos, h.TypePos} {
			if p.Line == 1 {
				t.Errorf("hop %s at line 1: %+v", h.Name, h)
			}
		}
	}
}

// TestUnknownOnlyWhenUnknown: "which hopcheck does not know" is said only
// of provider ids the registry lacks.
func TestUnknownOnlyWhenUnknown(t *testing.T) {
	for _, s := range provider.All() {
		for _, id := range s.OpenClaw.IDs {
			cfg := parse(t, `{agents: {defaults: {model: "`+id+`/some-model"}}}`)
			for _, f := range Judge(cfg, Derive(cfg, Options{})) {
				if strings.Contains(f.Message, "does not know") {
					t.Errorf("%s: %s", id, f.Message)
				}
			}
		}
	}
	cfg := parse(t, `{agents: {defaults: {model: "no-such-provider/m"}}}`)
	if fs := byCheck(Judge(cfg, Derive(cfg, Options{})), "openclaw.provider"); len(fs) != 1 || !strings.Contains(fs[0].Message, "does not know") {
		t.Errorf("unknown provider: %+v", fs)
	}
}

func TestChainsModelsAndProviders(t *testing.T) {
	for _, tc := range []struct {
		name, src   string
		model, hop  string
		typ         chain.HopType
		url, keyEnv string
		check       string
		none        bool
	}{
		{name: "no model", src: `{` + on + `}`, none: true, check: "openclaw.model"},
		{name: "vendor model", src: `{` + on + `, agents: {defaults: {model: {primary: "openrouter/openai/gpt-4o-mini"}}}}`, model: "openai/gpt-4o-mini", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, keyEnv: "OPENROUTER_API_KEY"},
		{name: "custom provider", src: `{` + on + `, agents: {defaults: {model: "local-vllm/llama"}}, models: {providers: {'local-vllm': {baseUrl: "http://127.0.0.1:8000/v1", apiKey: {source: "env", id: "VLLM_KEY"}}}}}`,
			model: "local-vllm/llama", hop: "local-vllm", typ: provider.OpenAICompatible, url: "http://127.0.0.1:8000/v1", keyEnv: "VLLM_KEY"},
		{name: "responses api", src: `{` + on + `, agents: {defaults: {model: "p/m"}}, models: {providers: {p: {baseUrl: "https://p.example.com/v1", api: "openai-responses"}}}}`,
			model: "p/m", hop: "p", typ: provider.OpenAICompatible, url: "https://p.example.com/v1", keyEnv: "P_API_KEY", check: "openclaw.provider"},
		{name: "unknown provider", src: `{` + on + `, agents: {defaults: {model: "mystery/x"}}}`, none: true, check: "openclaw.provider"},
		{name: "base url without v1", src: `{` + on + `, agents: {defaults: {model: "openrouter/auto"}}, models: {providers: {openrouter: {baseUrl: "https://openrouter.ai/api/"}}}}`,
			model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: "https://openrouter.ai/api/", keyEnv: "OPENROUTER_API_KEY", check: "openclaw.baseurl"},
		{name: "secretref file", src: `{` + on + `, agents: {defaults: {model: "openrouter/auto"}}, models: {providers: {openrouter: {apiKey: {source: "file", id: "/k"}}}}}`,
			model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, check: "openclaw.secret"},
		{name: "stored profile", src: `{` + on + `, agents: {defaults: {model: "openrouter/auto"}}, auth: {profiles: {"openrouter:default": {provider: "openrouter", mode: "api_key"}, "x:oauth": {provider: "openrouter", mode: "oauth"}}}}`,
			model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, keyEnv: "OPENROUTER_API_KEY", check: "openclaw.profile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(t, tc.src)
			chains, notes := Chains(cfg, nil)
			if tc.check != "" && len(byCheck(notes, tc.check)) != 1 {
				t.Errorf("want one %s finding; notes = %+v", tc.check, notes)
			}
			if tc.check == "" && len(notes) != 0 {
				t.Errorf("notes = %+v", notes)
			}
			if tc.none {
				if len(chains) != 0 || Direct(cfg, nil) != nil {
					t.Fatalf("chains = %+v", chains)
				}
				return
			}
			c := chains[0]
			up := c.Hops[len(c.Hops)-1]
			if c.Model != tc.model || up.Name != tc.hop || up.Type != tc.typ || up.URL != tc.url || up.KeyEnv != tc.keyEnv {
				t.Errorf("model %q, upstream hop %+v", c.Model, up)
			}
			if d := Direct(cfg, nil); d == nil || d.Name != DirectChainName || len(d.Hops) != 1 || d.Hops[0].Name != tc.hop {
				t.Errorf("Direct = %+v", d)
			}
			// A stored (non-OAuth) profile for the provider is the key
			// OpenClaw sends: the hop's key check cannot verify the chain.
			if shadowed := strings.Contains(tc.src, `mode: "api_key"`); (up.KeyShadow != "") != shadowed || shadowed && !strings.Contains(up.KeyShadow, "openrouter:default") {
				t.Errorf("KeyShadow %q, want it set: %v", up.KeyShadow, shadowed)
			}
		})
	}
	cfg := parse(t, `{`+on+`, agents: {defaults: {model: "openrouter/auto"}}, models: {providers: {openrouter: {baseUrl: "https://openrouter.ai/api/"}}}}`)
	_, notes := Chains(cfg, nil)
	if f := byCheck(notes, "openclaw.baseurl")[0]; !strings.Contains(f.Message, "calls https://openrouter.ai/api/chat/completions") || f.Severity != finding.SevNotice {
		t.Errorf("baseurl finding = %+v", f)
	}
}

// defaultOpenRouterBase is the bundled openrouter provider's base URL.
const defaultOpenRouterBase = "https://openrouter.ai/api/v1"
