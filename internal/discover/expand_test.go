package discover

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
)

const expandLiteLLM = `model_list:
  - model_name: review
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: review
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: os.environ/ANTHROPIC_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

func parseYML(t *testing.T, yml string) *chain.Config {
	t.Helper()
	cfg, err := hopcheckyml.Parse(".github/hopcheck.yml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestExpandDerivesHopsBehindProxy(t *testing.T) {
	dir := write(t, map[string]string{"deploy/litellm.yaml": expandLiteLLM})
	cfg := parseYML(t, `version: 1
chains:
  - name: review-bot
    model: review
    hops:
      - name: proxy
        type: litellm
        url: http://127.0.0.1:4000
        key_env: LITELLM_KEY
        config: deploy/litellm.yaml
`)
	r, err := Expand(cfg, dir, envOf(map[string]string{"LITELLM_MASTER_KEY": masterKey, "LITELLM_KEY": masterKey}))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Chains) != 1 || len(cfg.Chains[0].Hops) != 1 {
		t.Fatalf("Expand modified its input: %+v", cfg.Chains)
	}
	if r.Config.File != ".github/hopcheck.yml" || len(r.Config.Chains) != 2 {
		t.Fatalf("config %q with %d chains", r.Config.File, len(r.Config.Chains))
	}
	c := r.Config.Chains[0]
	if c.Name != "review-bot" || len(c.Hops) != 2 {
		t.Fatalf("chain: %+v", c)
	}
	if p := c.Hops[0]; p.URL != "http://127.0.0.1:4000" || p.KeyEnv != "LITELLM_KEY" || p.Pos.File != ".github/hopcheck.yml" {
		t.Errorf("the proxy hop from hopcheck.yml must stay as written: %+v", p)
	}
	up := c.Hops[1]
	if up.Name != "openrouter" || up.KeyEnv != "OPENROUTER_API_KEY" || up.KeyEnvPos != pos("deploy/litellm.yaml", 5, 16) {
		t.Errorf("derived hop: %+v", up)
	}
	// The second deployment of the model group is its own chain.
	c2 := r.Config.Chains[1]
	if c2.Name != "review-bot-2" || len(c2.Hops) != 2 || c2.Hops[1].Type != provider.Anthropic || c2.Hops[1].KeyEnvPos.Line != 9 {
		t.Errorf("second deployment: %+v", c2)
	}
	// The engine blames the right link at the api_key line.
	rep := checks.Run(context.Background(), r.Config, checks.Options{LookupEnv: envOf(map[string]string{"LITELLM_KEY": masterKey}), StaticOnly: true, Findings: r.Findings})
	found := false
	for _, f := range rep.Chains[0].Findings {
		if f.Cause == finding.CredentialMissing && f.File == "deploy/litellm.yaml" && f.Line == 5 && f.Link != nil && *f.Link == (chain.Link{From: "proxy", To: "openrouter"}) {
			found = true
		}
	}
	if !found {
		t.Errorf("no credential-missing at deploy/litellm.yaml:5 on proxy → openrouter: %+v", rep.Chains[0].Findings)
	}
	// The master key reference is unset in this job.
	po := findingsWith(r.Findings, finding.ProxyOpen)
	if len(po) != 0 {
		t.Errorf("master key set: %+v", po)
	}
}

func TestExpandModelMissing(t *testing.T) {
	dir := write(t, map[string]string{"deploy/litellm.yaml": expandLiteLLM})
	cfg := parseYML(t, `version: 1
chains:
  - name: review-bot
    model: gpt-4o
    hops:
      - name: litellm
        type: litellm
        url: http://127.0.0.1:4000
        config: deploy/litellm.yaml
`)
	r, err := Expand(cfg, dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	mu := findingsWith(r.Findings, finding.ModelUnavailable)
	if len(mu) != 1 || mu[0].File != ".github/hopcheck.yml" || mu[0].Line != 4 || mu[0].Chain != "review-bot" ||
		mu[0].Severity != finding.SevError || !strings.Contains(mu[0].Message, `"review"`) {
		t.Errorf("model-unavailable: %+v", mu)
	}
	po := findingsWith(r.Findings, finding.ProxyOpen)
	if len(po) != 1 || po[0].File != "deploy/litellm.yaml" || po[0].Line != 11 {
		t.Errorf("proxy-open at the master_key line: %+v", po)
	}
}

func TestExpandCrossChecksListedHops(t *testing.T) {
	dir := write(t, map[string]string{"deploy/litellm.yaml": expandLiteLLM})
	cfg := parseYML(t, `version: 1
chains:
  - name: review-bot
    model: review
    hops:
      - name: litellm
        type: litellm
        url: http://127.0.0.1:4000
        config: deploy/litellm.yaml
      - name: openrouter
        type: openrouter
        url: https://openrouter.ai/api/v1
        key_env: OR_TOKEN
`)
	r, err := Expand(cfg, dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Config.Chains[0].Hops) != 2 {
		t.Errorf("listed hops must not be replaced: %+v", r.Config.Chains[0].Hops)
	}
	var w *finding.Finding
	for i, f := range r.Findings {
		if f.Check == "discover.key_env" {
			w = &r.Findings[i]
		}
	}
	if w == nil || w.Line != 13 || w.File != ".github/hopcheck.yml" || !strings.Contains(w.Message, "OPENROUTER_API_KEY") {
		t.Errorf("key_env cross-check: %+v", w)
	}
}

func TestExpandMissingConfig(t *testing.T) {
	cfg := parseYML(t, `version: 1
chains:
  - name: c
    model: m
    hops:
      - name: litellm
        type: litellm
        url: http://127.0.0.1:4000
        config: nope.yaml
`)
	r, err := Expand(cfg, t.TempDir(), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	ci := findingsWith(r.Findings, finding.ConfigInvalid)
	if len(ci) != 1 || ci[0].File != ".github/hopcheck.yml" || ci[0].Line != 6 || ci[0].Severity != finding.SevError {
		t.Errorf("missing config: %+v", ci)
	}
	if _, err := Expand(nil, ".", nil); err == nil {
		t.Error("nil config: no error")
	}
}

func TestExpandOpenClawHop(t *testing.T) {
	oc := `{
  gateway: {
    port: 18789,
    auth: { mode: 'token', token: '${OPENCLAW_GATEWAY_TOKEN}' },
    http: { endpoints: { chatCompletions: { enabled: true } } },
  },
  models: {
    providers: {
      openrouter: { baseUrl: 'https://openrouter.ai/api/v1', apiKey: '${OPENROUTER_API_KEY}', api: 'openai-completions' },
    },
  },
}
`
	dir := write(t, map[string]string{"ops/openclaw.json": oc})
	cfg := parseYML(t, `version: 1
chains:
  - name: agent
    model: openrouter/anthropic/claude-sonnet-4.5
    hops:
      - name: gw
        type: openclaw
        url: http://127.0.0.1:18789
        key_env: OPENCLAW_GATEWAY_TOKEN
        config: ops/openclaw.json
`)
	r, err := Expand(cfg, dir, envOf(map[string]string{"OPENCLAW_GATEWAY_TOKEN": "tok-0123456789abcdef", "OPENROUTER_API_KEY": orKey}))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Config.Chains[0]
	if len(c.Hops) != 2 || c.Hops[0].Name != "gw" || c.Hops[1].Type != provider.OpenRouter || c.Hops[1].KeyEnvPos.File != "ops/openclaw.json" {
		t.Fatalf("hops behind the gateway not derived: %+v", c.Hops)
	}
	for _, f := range r.Findings {
		if f.Chain != "" && f.Chain != "agent" {
			t.Errorf("finding not moved to the hopcheck.yml chain: %+v", f)
		}
		if f.Link != nil && (f.Link.From == "openclaw" || f.Link.To == "openclaw") {
			t.Errorf("link still names the reader's hop: %+v", f)
		}
	}
}

// TestProxyModelsExpandToTheSameRoute: a hopcheck.yml chain that lists a
// discovered chain's hops up to its proxy, with Result.ProxyModels as its
// model, expands to the same hops behind the proxy. The chain's own model
// would not do for a wildcard route (it has none) nor for an OpenClaw
// model written without its provider.
func TestProxyModelsExpandToTheSameRoute(t *testing.T) {
	lite := `model_list:
  - model_name: review
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: "anthropic/*"
    litellm_params:
      model: "anthropic/*"
      api_key: os.environ/ANTHROPIC_API_KEY
  - model_name: "*"
    litellm_params:
      model: "groq/*"
      api_key: os.environ/GROQ_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`
	oc := `{
  gateway: {
    auth: { mode: 'token', token: '${OPENCLAW_GATEWAY_TOKEN}' },
    http: { endpoints: { chatCompletions: { enabled: true } } },
  },
  agents: { defaults: { model: { primary: 'amazon-bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0', fallbacks: ['kimi-k2'] } } },
  models: {
    providers: {
      moonshot: { baseUrl: 'https://api.moonshot.ai/v1', apiKey: '${MOONSHOT_API_KEY}', api: 'openai-completions', models: [{ id: 'kimi-k2' }] },
    },
  },
}
`
	env := envOf(map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": orKey, "ANTHROPIC_API_KEY": "set", "GROQ_API_KEY": "set",
		"OPENCLAW_GATEWAY_TOKEN": "tok-0123456789abcdef", "MOONSHOT_API_KEY": "set"})
	for name, files := range map[string]map[string]string{"litellm": {"deploy/litellm.yaml": lite}, "openclaw": {"openclaw.json": oc}} {
		t.Run(name, func(t *testing.T) {
			dir := write(t, files)
			r, err := Discover(dir, env)
			if err != nil {
				t.Fatal(err)
			}
			own := 0 // chains whose own model would not name their route
			for _, c := range r.Config.Chains {
				k := slices.IndexFunc(c.Hops, func(h chain.Hop) bool { return h.Config != "" })
				if k < 0 {
					continue
				}
				ref, ok := r.ProxyModels[c.Name]
				if !ok || ref == "" {
					t.Errorf("chain %s through %s: no proxy model", c.Name, c.Hops[k].Name)
					continue
				}
				if ref != c.Model {
					own++
				}
				in := &chain.Config{Version: 1, Chains: []*chain.Chain{{Name: c.Name, Model: ref, Canary: c.Canary, Timeout: c.Timeout, Hops: slices.Clone(c.Hops[:k+1])}}}
				x, err := Expand(in, dir, env)
				if err != nil {
					t.Fatal(err)
				}
				got := x.Config.Chains[0]
				if len(got.Hops) != len(c.Hops) {
					t.Errorf("chain %s (model %q): %d hops, discovery %d: %+v", c.Name, ref, len(got.Hops), len(c.Hops), got.Hops)
					continue
				}
				for i, h := range c.Hops {
					g := got.Hops[i]
					if g.Name != h.Name || g.Type != h.Type || g.URL != h.URL || g.KeyEnv != h.KeyEnv {
						t.Errorf("chain %s (model %q), hop %d: %s %s %s %s, discovery %s %s %s %s", c.Name, ref, i, g.Name, g.Type, g.URL, g.KeyEnv, h.Name, h.Type, h.URL, h.KeyEnv)
					}
				}
			}
			if own < 2 {
				t.Errorf("only %d chains need a model other than their own: the configs no longer exercise ProxyModels", own)
			}
		})
	}
}

// A hopcheck.yml chain whose canary the deployment's kind of model refuses
// gets a warning at its model line naming the canary to use; a chain whose
// canary fits, or whose model is only presumed to chat, gets none.
func TestExpandWarnsOfACanaryTheModelRefuses(t *testing.T) {
	dir := write(t, map[string]string{"deploy/litellm.yaml": `model_list:
  - model_name: docs-embed
    litellm_params: {model: openai/text-embedding-3-small}
  - model_name: chat
    litellm_params: {model: openai/gpt-4o}
    model_info: {mode: chat}
  - model_name: other
    litellm_params: {model: openai/my-model}
  - model_name: img
    litellm_params: {model: openai/gpt-image-1}
    model_info: {mode: image_generation}
`})
	yml := func(model, canary string) string {
		c := ""
		if canary != "" {
			c = "\n    canary: " + canary
		}
		return `version: 1
chains:
  - name: bot
    model: ` + model + c + `
    hops:
      - name: litellm
        type: litellm
        url: http://127.0.0.1:4000
        config: deploy/litellm.yaml
`
	}
	for _, tc := range []struct {
		model, canary, want string // want: the canary the fix names ("" no warning)
	}{
		{"docs-embed", "", "embedding"},
		{"docs-embed", "inference", "embedding"},
		{"docs-embed", "embedding", ""},
		{"docs-embed", "auth-only", ""},
		{"chat", "embedding", "inference"},
		{"chat", "", ""},
		{"other", "embedding", ""},
		{"img", "", "auth-only"},
		{"img", "auth-only", ""},
	} {
		r, err := Expand(parseYML(t, yml(tc.model, tc.canary)), dir, envOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		var got []finding.Finding
		for _, f := range r.Findings {
			if f.Check == "discover.canary" {
				got = append(got, f)
			}
		}
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("%s with canary %q: unexpected %+v", tc.model, tc.canary, got)
		case tc.want != "" && (len(got) != 1 || got[0].Line != 4 || got[0].Severity != finding.SevWarning ||
			!strings.Contains(got[0].Fix, "canary: "+tc.want)):
			t.Errorf("%s with canary %q: %+v, want one warning at line 4 naming canary: %s", tc.model, tc.canary, got, tc.want)
		}
	}
}
