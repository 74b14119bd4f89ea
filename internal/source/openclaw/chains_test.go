package openclaw

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

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
	for _, src := range []string{
		`{gateway: {mode: "local", http: {endpoints: {chatCompletions: {enabled: false}}}}}`,
		`{gateway: {mode: "local"}}`,
		`{}`,
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
	}
	// The finding points at the `enabled: false` value.
	cfg := parse(t, "{gateway: {http: {endpoints: {\n chatCompletions: {enabled: false}}}}}")
	_, notes := Chains(cfg, nil)
	if ep := byCheck(notes, "openclaw.endpoint"); ep[0].Line != 2 || ep[0].Col != 29 {
		t.Errorf("endpoint finding at %d:%d", ep[0].Line, ep[0].Col)
	}
}

func TestChainsLiteralAPIKey(t *testing.T) {
	const key = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
	cfg := parse(t, `{gateway: {http: {endpoints: {chatCompletions: {enabled: true}}}},
models: {providers: {openrouter: {apiKey: '`+key+`'}}}}`)
	chains, notes := Chains(cfg, nil)
	or := chains[0].Hops[1]
	if or.KeyEnv != "" || or.KeyValue != key || or.KeyEnvPos != pos("openclaw.json", 2, 43) {
		t.Errorf("openrouter hop = %+v", or)
	}
	sec := byCheck(notes, "openclaw.secret")
	if len(sec) != 1 || sec[0].Cause != finding.SecretInConfig || sec[0].Severity != finding.SevError || sec[0].Line != 2 ||
		*sec[0].Link != (chain.Link{From: "openclaw", To: "openrouter"}) || !strings.Contains(sec[0].Message, "sk-or-v1-01") {
		t.Errorf("notes = %+v", notes)
	}
	// The gateway token is unset: OpenClaw falls back to OPENCLAW_GATEWAY_TOKEN.
	if gw := chains[0].Hops[0]; gw.KeyEnv != GatewayTokenEnv || gw.KeyEnvPos.IsZero() {
		t.Errorf("gateway hop = %+v", gw)
	}
	noLeak(t, key, chains, notes)
}

func TestChainsEnvVarsFallback(t *testing.T) {
	const key = "sk-or-v1-inline-secret-value-0000"
	cfg := parse(t, `{gateway: {http: {endpoints: {chatCompletions: {enabled: true}}}},
env: {vars: {OPENROUTER_API_KEY: "`+key+`"}}}`)
	// Unset in the job: OpenClaw uses the committed env.vars value.
	chains, notes := Chains(cfg, nil)
	or := chains[0].Hops[1]
	sec := byCheck(notes, "openclaw.secret")
	if or.KeyEnv != "" || or.KeyValue != key || len(sec) != 1 || sec[0].Cause != finding.SecretInConfig || sec[0].Line != 2 || sec[0].Col != 14 {
		t.Errorf("hop %+v, notes %+v", or, notes)
	}
	noLeak(t, key, chains, notes)
	// Set in the job: the process environment wins, as in OpenClaw.
	chains, notes = Chains(cfg, env("OPENROUTER_API_KEY", "sk-or-v1-job"))
	if or := chains[0].Hops[1]; or.KeyEnv != "OPENROUTER_API_KEY" || or.KeyValue != "" || len(byCheck(notes, "openclaw.secret")) != 0 {
		t.Errorf("hop %+v, notes %+v", or, notes)
	}
}

func TestChainsGatewayAuthModes(t *testing.T) {
	on := `http: {endpoints: {chatCompletions: {enabled: true}}}`
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(t, "{gateway: {"+tc.gw+", "+on+"}}")
			chains, notes := Chains(cfg, env(tc.env...))
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
	cfg := parse(t, `{gateway: {auth: {token: "tok-${A}-${B}"}, `+on+`}}`)
	_, notes := Chains(cfg, env("A", "x"))
	if f := notes[0]; f.Severity != finding.SevError || f.Cause != finding.CredentialMissing || !strings.Contains(f.Message, "references B,") {
		t.Errorf("template finding = %+v", f)
	}
}

func TestChainsModelsAndProviders(t *testing.T) {
	on := `gateway: {http: {endpoints: {chatCompletions: {enabled: true}}}}`
	for _, tc := range []struct {
		name, src   string
		model, hop  string
		typ         chain.HopType
		url, keyEnv string
		check       string
		none        bool
	}{
		{name: "default model", src: `{` + on + `}`, model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, keyEnv: "OPENROUTER_API_KEY"},
		{name: "vendor model", src: `{` + on + `, agents: {defaults: {model: {primary: "openrouter/openai/gpt-4o-mini"}}}}`, model: "openai/gpt-4o-mini", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, keyEnv: "OPENROUTER_API_KEY"},
		{name: "custom provider", src: `{` + on + `, agents: {defaults: {model: "local-vllm/llama"}}, models: {providers: {'local-vllm': {baseUrl: "http://127.0.0.1:8000/v1", apiKey: {source: "env", id: "VLLM_KEY"}}}}}`,
			model: "llama", hop: "local-vllm", typ: provider.OpenAICompatible, url: "http://127.0.0.1:8000/v1", keyEnv: "VLLM_KEY"},
		{name: "custom anthropic", src: `{` + on + `, agents: {defaults: {model: "proxy/claude"}}, models: {providers: {proxy: {baseUrl: "http://127.0.0.1:9/anthropic", api: "anthropic-messages"}}}}`,
			model: "claude", hop: "proxy", typ: provider.Anthropic, url: "http://127.0.0.1:9/anthropic", keyEnv: "PROXY_API_KEY"},
		{name: "responses api", src: `{` + on + `, agents: {defaults: {model: "p/m"}}, models: {providers: {p: {baseUrl: "http://127.0.0.1:9/v1", api: "openai-responses"}}}}`,
			model: "m", hop: "p", typ: provider.OpenAICompatible, url: "http://127.0.0.1:9/v1", keyEnv: "P_API_KEY", check: "openclaw.provider"},
		{name: "unknown provider", src: `{` + on + `, agents: {defaults: {model: "mystery/x"}}}`, none: true, check: "openclaw.provider"},
		{name: "no prefix", src: `{` + on + `, agents: {defaults: {model: "gpt-4o"}}}`, none: true, check: "openclaw.model"},
		{name: "base url without v1", src: `{` + on + `, models: {providers: {openrouter: {baseUrl: "https://openrouter.ai/api/"}}}}`,
			model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: "https://openrouter.ai/api/", keyEnv: "OPENROUTER_API_KEY", check: "openclaw.baseurl"},
		{name: "bare env name api key", src: `{` + on + `, models: {providers: {openrouter: {apiKey: "OPENROUTER_API_KEY"}}}}`,
			model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, keyEnv: "OPENROUTER_API_KEY", check: "openclaw.secret"},
		{name: "secretref file", src: `{` + on + `, models: {providers: {openrouter: {apiKey: {source: "file", id: "/k"}}}}}`,
			model: "openrouter/auto", hop: "openrouter", typ: provider.OpenRouter, url: defaultOpenRouterBase, check: "openclaw.secret"},
		{name: "stored profile", src: `{` + on + `, auth: {profiles: {"openrouter:default": {provider: "openrouter", mode: "api_key"}, "x:oauth": {provider: "openrouter", mode: "oauth"}}}}`,
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
		})
	}
	cfg := parse(t, `{`+on+`, models: {providers: {openrouter: {baseUrl: "https://openrouter.ai/api/"}}}}`)
	_, notes := Chains(cfg, nil)
	if f := byCheck(notes, "openclaw.baseurl")[0]; !strings.Contains(f.Message, "calls https://openrouter.ai/api/chat/completions") || f.Severity != finding.SevNotice {
		t.Errorf("baseurl finding = %+v", f)
	}
}

// defaultOpenRouterBase is the bundled openrouter provider's base URL.
const defaultOpenRouterBase = "https://openrouter.ai/api/v1"
