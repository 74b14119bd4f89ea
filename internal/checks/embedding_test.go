package checks

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// embeddingPath is the path of the embedding canary of s at base for
// model, as the simulator records it.
func embeddingPath(t *testing.T, s *provider.Spec, base, model string) string {
	t.Helper()
	u, err := url.Parse(s.URL(base, s.Embedding(provider.RequestInput{Base: base, Model: model})))
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// posts lists the paths of the POSTs a simulator received.
func posts(reqs []sim.Request) []string {
	var out []string
	for _, r := range reqs {
		if r.Method == http.MethodPost {
			out = append(out, r.Path)
		}
	}
	return out
}

// TestEmbeddingCanaryAgainstTheSimulator runs a direct chain ci → provider
// with the embedding canary for every provider of the registry that can be
// verified live, against the simulator built from its spec: the canary is
// the spec's embeddings call; an embedding model passes, a chat-only model
// and an unknown one are model-unavailable, a wrong key is
// credential-rejected, and a 200 without a vector is never a pass.
func TestEmbeddingCanaryAgainstTheSimulator(t *testing.T) {
	for _, s := range provider.All() {
		if s.Role != provider.Provider || s.AnyVendor || s.Verify == provider.StaticOnly {
			continue
		}
		t.Run(string(s.Type), func(t *testing.T) {
			key := fakeKey(s)
			basePath := ""
			if u, err := url.Parse(s.BaseURL); err == nil {
				basePath = u.Path
			}
			p := sim.NewProvider(s.Type, key)
			p.Models = []string{"sim-chat"}
			p.Embedders = []string{"sim-embed"}
			base := listen(t, p) + basePath
			yml := func(model string) string {
				keyLine := "        key_env: SIM_KEY\n"
				if s.Verify == provider.NoKey {
					keyLine = ""
				}
				return fmt.Sprintf(`version: 1
chains:
  - name: direct
    model: %s
    canary: embedding
    hops:
      - name: p
        type: %s
        url: %s
%s`, model, s.Type, base, keyLine)
			}
			vars := map[string]string{"SIM_KEY": key}
			check := func(name string, rep *finding.Report, want finding.Cause) {
				t.Helper()
				c := rep.Chains[0]
				if c.Cause != want {
					t.Errorf("%s: cause %s, want %s; findings %+v", name, c.Cause, want, c.Findings)
				}
				switch {
				case want == finding.OK && c.Status != finding.Pass:
					t.Errorf("%s: status %s, want pass", name, c.Status)
				case want != finding.OK && (c.Status != finding.Fail || c.FailingLink == nil || c.FailingLink.To != "p"):
					t.Errorf("%s: status %s link %v, want fail on ci → p", name, c.Status, c.FailingLink)
				}
			}

			if s.NoEmbeddings != "" {
				// No embeddings API: the canary cannot pass.
				if c := runConfig(t, yml("sim-embed"), vars, nil).Chains[0]; c.Status != finding.Fail {
					t.Errorf("an API without embeddings: status %s cause %s, want fail", c.Status, c.Cause)
				}
				return
			}
			before := len(p.Requests())
			check("embedding model", runConfig(t, yml("sim-embed"), vars, nil), finding.OK)
			want := embeddingPath(t, s, base, "sim-embed")
			if got := posts(p.Requests()[before:]); len(got) != 1 || got[0] != want {
				t.Errorf("canary POSTs %v, want one to %s", got, want)
			}
			check("chat-only model", runConfig(t, yml("sim-chat"), vars, nil), finding.ModelUnavailable)
			check("unknown model", runConfig(t, yml("no-such-model"), vars, nil), finding.ModelUnavailable)
			if s.Verify != provider.NoKey {
				check("wrong key", runConfig(t, yml("sim-embed"), map[string]string{"SIM_KEY": strings.Replace(key, "0", "1", 8)}, nil), finding.CredentialRejected)
			}
			p.NoVector = true
			rep := runConfig(t, yml("sim-embed"), vars, nil)
			check("200 without a vector", rep, finding.UpstreamError)
			if c := rep.Chains[0]; len(c.Findings) == 0 || !strings.Contains(c.Findings[0].Message, "no embedding vector") || !strings.Contains(c.Findings[0].Fix, "embedding model") {
				t.Errorf("200 without a vector: findings %+v", c.Findings)
			}
		})
	}
}

// litellmEmbeddingConfig routes three embedding models and a chat model to
// the simulated providers: OpenAI's shape, Gemini's embedContent, Ollama's
// /api/embed.
const litellmEmbeddingConfig = `model_list:
  - model_name: emb
    litellm_params:
      model: openai/text-embedding-3-small
      api_base: %[1]s/v1
      api_key: os.environ/OPENAI_API_KEY
    model_info: {mode: embedding}
  - model_name: gemini-emb
    litellm_params:
      model: gemini/text-embedding-004
      api_base: %[2]s
      api_key: os.environ/GEMINI_API_KEY
  - model_name: local-emb
    litellm_params:
      model: ollama/nomic-embed-text
      api_base: %[3]s
  - model_name: chat
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: %[1]s/v1
      api_key: os.environ/OPENAI_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

// TestEmbeddingThroughLiteLLM: the embedding canary goes through the
// simulated LiteLLM proxy, which calls each provider in its own embeddings
// shape; the chain passes end to end, and each failure lands on the right
// link with the right cause.
func TestEmbeddingThroughLiteLLM(t *testing.T) {
	oaKey, gmKey := "sk-proj-"+strings.Repeat("e", 48), fakeKey(provider.For(provider.Gemini))
	master := sim.FakeLiteLLMKey("embedding")
	oa := sim.NewProvider(provider.OpenAI, oaKey)
	oa.Models, oa.Embedders = []string{"gpt-4o-mini"}, []string{"text-embedding-3-small"}
	gm := sim.NewProvider(provider.Gemini, gmKey)
	gm.Embedders = []string{"text-embedding-004"}
	ol := sim.NewProvider(provider.Ollama)
	ol.Embedders = []string{"nomic-embed-text"}
	oaURL, gmURL, olURL := listen(t, oa), listen(t, gm), listen(t, ol)
	cfg := fmt.Sprintf(litellmEmbeddingConfig, oaURL, gmURL, olURL)

	proxy := func(t *testing.T, env map[string]string) string {
		t.Helper()
		ll, err := sim.NewLiteLLMFromYAML("config.yaml", []byte(cfg), env)
		if err != nil {
			t.Fatal(err)
		}
		return listen(t, ll)
	}
	healthy := map[string]string{"LITELLM_MASTER_KEY": master, "OPENAI_API_KEY": oaKey, "GEMINI_API_KEY": gmKey}
	yml := func(proxyURL, model, upType, upURL string) string {
		return fmt.Sprintf(`version: 1
chains:
  - name: emb
    model: %s
    canary: embedding
    hops:
      - name: litellm
        type: litellm
        url: %s
        key_env: LITELLM_KEY
      - name: up
        type: %s
        url: %s
`, model, proxyURL, upType, upURL)
	}
	vars := map[string]string{"LITELLM_KEY": master}

	tests := []struct {
		name     string
		env      map[string]string // the proxy's environment
		model    string
		upType   string
		upURL    string
		vars     map[string]string
		noVector bool
		cause    finding.Cause
		link     chain.Link
	}{
		{name: "openai embedding model", env: healthy, model: "emb", upType: "openai", upURL: oaURL + "/v1", cause: finding.OK},
		{name: "gemini embedding model", env: healthy, model: "gemini-emb", upType: "gemini", upURL: gmURL, cause: finding.OK},
		{name: "ollama embedding model", env: healthy, model: "local-emb", upType: "ollama", upURL: olURL, cause: finding.OK},
		{name: "proxy without its upstream key", env: map[string]string{"LITELLM_MASTER_KEY": master}, model: "emb", upType: "openai", upURL: oaURL + "/v1",
			cause: finding.HeaderMissing, link: chain.Link{From: "litellm", To: "up"}},
		{name: "proxy with a wrong upstream key", env: map[string]string{"LITELLM_MASTER_KEY": master, "OPENAI_API_KEY": "sk-proj-" + strings.Repeat("x", 48)},
			model: "emb", upType: "openai", upURL: oaURL + "/v1", cause: finding.CredentialRejected, link: chain.Link{From: "litellm", To: "up"}},
		{name: "wrong proxy key", env: healthy, model: "emb", upType: "openai", upURL: oaURL + "/v1", vars: map[string]string{"LITELLM_KEY": sim.FakeLiteLLMKey("other")},
			cause: finding.CredentialRejected, link: chain.Link{From: "ci", To: "litellm"}},
		{name: "a chat model behind the proxy", env: healthy, model: "chat", upType: "openai", upURL: oaURL + "/v1",
			cause: finding.ModelUnavailable, link: chain.Link{From: "litellm", To: "up"}},
		{name: "a model the proxy lacks", env: healthy, model: "no-such-group", upType: "openai", upURL: oaURL + "/v1",
			cause: finding.ModelUnavailable, link: chain.Link{From: "ci", To: "litellm"}},
		{name: "the provider answers without a vector", env: healthy, model: "local-emb", upType: "ollama", upURL: olURL, noVector: true,
			cause: finding.UpstreamError, link: chain.Link{From: "ci", To: "litellm"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ol.NoVector = tc.noVector
			defer func() { ol.NoVector = false }()
			v := vars
			if tc.vars != nil {
				v = tc.vars
			}
			// The route the proxy's config gives the hop (what discovery
			// reads from config.yaml): only it answers the model group.
			rep := runChains(t, yml(proxy(t, tc.env), tc.model, tc.upType, tc.upURL), v, func(c *chain.Chain) {
				c.Hops[1].Route = &chain.Route{Config: "config.yaml", URL: tc.upURL}
			})
			c := rep.Chains[0]
			if c.Cause != tc.cause {
				t.Fatalf("cause %s, want %s; findings %+v", c.Cause, tc.cause, c.Findings)
			}
			if tc.cause == finding.OK {
				if c.Status != finding.Pass {
					t.Errorf("status %s, want pass; findings %+v", c.Status, c.Findings)
				}
				for _, h := range c.Hops {
					if h.Status != finding.Pass {
						t.Errorf("hop %s: %s, want pass (the canary crossed it)", h.Name, h.Status)
					}
				}
				return
			}
			if c.Status != finding.Fail || c.FailingLink == nil || *c.FailingLink != tc.link {
				t.Errorf("status %s link %v, want fail on %s; findings %+v", c.Status, c.FailingLink, tc.link, c.Findings)
			}
		})
	}
}

// A reverse proxy forwards the shape of the hop it fronts: the embedding
// canary sent to nginx is OpenAI's embeddings call, and it passes when
// the provider embeds.
func TestEmbeddingThroughAReverseProxy(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("r", 48)
	oa := sim.NewProvider(provider.OpenAI, key)
	oa.Embedders = []string{"text-embedding-3-small"}
	up := listen(t, oa)
	edge := listen(t, sim.ReverseProxy(up, false))
	yml := fmt.Sprintf(`version: 1
chains:
  - name: emb
    model: text-embedding-3-small
    canary: embedding
    hops:
      - name: nginx
        type: reverse-proxy
        url: %s/v1
      - name: openai
        type: openai
        url: %s/v1
        key_env: OPENAI_API_KEY
`, edge, up)
	rep := runConfig(t, yml, map[string]string{"OPENAI_API_KEY": key}, nil)
	if c := rep.Chains[0]; c.Status != finding.Pass {
		t.Fatalf("status %s cause %s; findings %+v", c.Status, c.Cause, c.Findings)
	}
	var embedded bool
	for _, r := range oa.Requests() {
		embedded = embedded || (r.Method == http.MethodPost && r.Path == "/v1/embeddings" && r.Model == "text-embedding-3-small")
	}
	if !embedded {
		t.Errorf("no embeddings call reached OpenAI through nginx: %+v", oa.Requests())
	}
}

// The run-wide override: --canary inference leaves an embedding chain's
// embeddings call alone (a chat completion would fail it falsely);
// --canary auth-only replaces it with the key check, which leaves the hops
// behind the first unverified.
func TestCanaryOverrideOnEmbeddingChains(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("o", 48)
	oa := sim.NewProvider(provider.OpenAI, key)
	oa.Models, oa.Embedders = []string{"gpt-4o-mini"}, []string{"text-embedding-3-small"}
	up := listen(t, oa)
	yml := fmt.Sprintf(`version: 1
chains:
  - name: emb
    model: text-embedding-3-small
    canary: embedding
    hops:
      - name: openai
        type: openai
        url: %s/v1
        key_env: OPENAI_API_KEY
`, up)
	vars := map[string]string{"OPENAI_API_KEY": key}
	for _, tc := range []struct {
		override string
		status   finding.Status
		post     string // the canary's path ("" none)
	}{
		{"", finding.Pass, "/v1/embeddings"},
		{chain.CanaryInference, finding.Pass, "/v1/embeddings"},
		{chain.CanaryAuthOnly, finding.Pass, ""},
	} {
		before := len(oa.Requests())
		rep := runConfig(t, yml, vars, func(o *Options) { o.Canary = tc.override })
		if c := rep.Chains[0]; c.Status != tc.status {
			t.Errorf("--canary %q: status %s cause %s; findings %+v", tc.override, c.Status, c.Cause, c.Findings)
		}
		got := posts(oa.Requests()[before:])
		if (tc.post == "" && len(got) != 0) || (tc.post != "" && (len(got) != 1 || got[0] != tc.post)) {
			t.Errorf("--canary %q: POSTs %v, want %q", tc.override, got, tc.post)
		}
	}
}

// A chain whose auth-only canary follows from its model (an image model
// behind LiteLLM), or that names no model, keeps it under --canary
// inference; a chain whose auth-only canary was only a choice gets the
// completion.
func TestInferenceOverrideKeepsFixedAuthOnly(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("i", 48)
	oa := sim.NewProvider(provider.OpenAI, key)
	up := listen(t, oa)
	cfg := chainConfig(up)
	cfg.Chains[0].CanaryFixed = true
	cfg.Chains[2].Model = ""
	rep := runParsed(t, cfg, map[string]string{"OPENAI_API_KEY": key}, func(o *Options) { o.Canary = chain.CanaryInference })
	if len(rep.Chains) != 3 {
		t.Fatalf("%d chains", len(rep.Chains))
	}
	if got := posts(oa.Requests()); len(got) != 1 || got[0] != "/v1/chat/completions" {
		t.Errorf("POSTs %v, want one completion (the chain whose auth-only canary was a choice)", got)
	}
}

// chainConfig is three auth-only chains ci → openai at base/v1.
func chainConfig(base string) *chain.Config {
	cfg := &chain.Config{File: "hopcheck.yml", Version: 1}
	for i, m := range []string{"gpt-image-1", "gpt-4o-mini", "gpt-4o"} {
		cfg.Chains = append(cfg.Chains, &chain.Chain{Name: fmt.Sprintf("c%d", i), Model: m, Canary: chain.CanaryAuthOnly, Timeout: chain.DefaultTimeout,
			Hops: []chain.Hop{{Name: "openai", Type: provider.OpenAI, URL: base + "/v1", KeyEnv: "OPENAI_API_KEY", KeyHeader: provider.For(provider.OpenAI).Auth}}})
	}
	return cfg
}

// runParsed is runConfig for a config built in code.
func runParsed(t *testing.T, cfg *chain.Config, vars map[string]string, mod func(*Options)) *finding.Report {
	t.Helper()
	sc := &secret.Scrubber{}
	o := Options{LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, Scrubber: sc, Client: probe.New(sc), Allow: testutil.AllowLoopback(t)}
	o.Client.MaxRetries = 1
	if mod != nil {
		mod(&o)
	}
	return Run(context.Background(), cfg, o)
}
