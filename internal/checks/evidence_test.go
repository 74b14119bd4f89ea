package checks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// runChains is runConfig with a change to every chain before the run (a
// route the proxy's config would give a hop).
func runChains(t *testing.T, yml string, vars map[string]string, mod func(*chain.Chain)) *finding.Report {
	t.Helper()
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(yml))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	for _, c := range cfg.Chains {
		mod(c)
	}
	sc := &secret.Scrubber{}
	o := Options{LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, Scrubber: sc, Client: probe.New(sc), Allow: testutil.AllowLoopback(t)}
	o.Client.MaxRetries = 1
	return Run(context.Background(), cfg, o)
}

// garbage is what answers 200 at a provider's URL without being a
// completion: a mock, a health route, the OpenRouter key endpoint, a
// message whose content is null.
var garbage = []struct{ name, body, ct string }{
	{"empty object", `{}`, ""},
	{"null", `null`, ""},
	{"empty choices", `{"id":"x","choices":[]}`, ""},
	{"plain text", `OK`, "text/plain"},
	{"key endpoint", `{"data":{"label":"x","usage":0,"limit":null}}`, ""},
	{"null content", `{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}`, ""},
	{"model list", `{"object":"list","data":[{"id":"m","object":"model"}]}`, ""},
}

// A 2xx to the canary that is not a completion in the wire format the
// canary speaks is never a pass: the hop that answered fails with
// upstream-error on the link into it, for every provider type.
func TestCanary200WithoutCompletionFails(t *testing.T) {
	for _, typ := range []chain.HopType{provider.OpenRouter, provider.OpenAICompatible, provider.Anthropic, provider.Gemini, provider.Cohere, provider.Ollama} {
		for _, g := range garbage {
			t.Run(string(typ)+"/"+g.name, func(t *testing.T) {
				s := provider.For(typ)
				key := s.Keys.Fake
				if key == "" {
					key = "sk-test-0123456789abcdef"
				}
				p := sim.NewProvider(typ, key)
				p.Fake200, p.Fake200Type = g.body, g.ct
				url := listen(t, p)
				if s.RequiredPath != "" {
					url += s.RequiredPath
				}
				yml := fmt.Sprintf("version: 1\nchains:\n  - name: c\n    model: m\n    hops:\n      - name: up\n        type: %s\n        url: %s\n        key_env: KEY\n", typ, url)
				rep := runConfig(t, yml, map[string]string{"KEY": key}, nil)
				c := rep.Chains[0]
				if c.Status != finding.Fail || c.Cause != finding.UpstreamError || c.FailingLink == nil || *c.FailingLink != (chain.Link{From: chain.CIHop, To: "up"}) {
					t.Fatalf("status %s, cause %s, link %v; findings %+v", c.Status, c.Cause, c.FailingLink, c.Findings)
				}
				if c.Hops[0].Status != finding.Fail {
					t.Errorf("hop up is %s, want fail", c.Hops[0].Status)
				}
				f := c.Findings[0]
				if !f.Root || f.Check != "live.canary.answer" || !strings.Contains(f.Message, "without a chat completion") {
					t.Errorf("root finding: %+v", f)
				}
				if canaries := postCount(p.Requests()); canaries == 0 {
					t.Error("the canary was never sent")
				}
			})
		}
	}
}

func postCount(rs []sim.Request) int {
	n := 0
	for _, r := range rs {
		if r.Method == http.MethodPost {
			n++
		}
	}
	return n
}

// The answers working models give that are not a plain text reply still
// pass: a reasoning model whose budget ran out (empty or null content,
// finish_reason length), a tool call.
func TestCanaryWorkingModelShapesPass(t *testing.T) {
	for name, body := range map[string]string{
		"empty content, length": `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"length"}],"usage":{"completion_tokens":16,"completion_tokens_details":{"reasoning_tokens":16}}}`,
		"null content, length":  `{"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"length"}]}`,
		"reasoning only":        `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning":"The user wants"},"finish_reason":"length"}]}`,
		"tool call":             `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			key := sim.FakeOpenRouterKey("shape")
			p := sim.NewProvider(provider.OpenRouter, key)
			p.Fake200 = body
			yml := directYML(listen(t, p)+"/api/v1", "")
			rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, nil)
			if c := rep.Chains[0]; c.Status != finding.Pass {
				t.Fatalf("a working model's answer failed: %s %s %+v", c.Status, c.Cause, c.Findings)
			}
		})
	}
}

// A reverse proxy relays what it gets (or answers a page of its own): a
// 200 without a completion through it is blamed on the link into the
// provider whose API the canary spoke.
func TestCanary200WithoutCompletionThroughReverseProxy(t *testing.T) {
	key := sim.FakeOpenRouterKey("relay")
	p := sim.NewProvider(provider.OpenRouter, key)
	p.Fake200 = `{}`
	up := listen(t, p)
	target, err := url.Parse(up)
	if err != nil {
		t.Fatal(err)
	}
	px := listen(t, httputil.NewSingleHostReverseProxy(target))
	yml := `version: 1
chains:
  - name: c
    model: m
    hops:
      - name: nginx
        type: reverse-proxy
        url: ` + px + `/api/v1
      - name: openrouter
        type: openrouter
        url: ` + up + `/api/v1
        key_env: OPENROUTER_API_KEY
`
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, nil)
	c := rep.Chains[0]
	if c.Cause != finding.UpstreamError || c.FailingLink == nil || *c.FailingLink != (chain.Link{From: "nginx", To: "openrouter"}) || c.FailingHop != "openrouter" {
		t.Fatalf("cause %s link %v hop %s: %+v", c.Cause, c.FailingLink, c.FailingHop, c.Findings)
	}
	if !strings.Contains(c.Findings[0].Message, "through nginx") {
		t.Errorf("the message does not say the answer came through nginx: %s", c.Findings[0].Message)
	}
}

// A gateway that answers 200 without a completion is the hop that
// answered: the link into it fails, and nothing behind it passes.
func TestGatewayAnswering200WithoutCompletion(t *testing.T) {
	gw := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			fmt.Fprint(w, `{"choices":[]}`)
			return
		}
		fmt.Fprint(w, `{"data":[{"id":"m"}]}`)
	}))
	yml := `version: 1
chains:
  - name: c
    model: m
    hops:
      - name: litellm
        type: litellm
        url: ` + gw + `
        key_env: LITELLM_KEY
      - name: openrouter
        type: openrouter
        url: https://openrouter.ai/api/v1
`
	rep := runConfig(t, yml, map[string]string{"LITELLM_KEY": "sk-lite-0123456789"}, nil)
	c := rep.Chains[0]
	if c.Status != finding.Fail || c.Cause != finding.UpstreamError || c.FailingHop != "litellm" {
		t.Fatalf("status %s cause %s hop %s: %+v", c.Status, c.Cause, c.FailingHop, c.Findings)
	}
	if c.Hops[1].Status == finding.Pass {
		t.Error("the hop behind the gateway passed")
	}
}

// liteEnv is a simulated LiteLLM proxy in front of a simulated OpenRouter
// and a simulated Ollama, built from cfg (with %[1]s the OpenRouter base
// URL and %[2]s the Ollama one), and the chain through it to OpenRouter
// with the route the config gives that hop.
type liteEnv struct {
	or      *sim.Provider
	ol      *sim.Provider
	lite    *sim.LiteLLM
	liteURL string // where the chain reaches the proxy
	route   *chain.Route
	orKey   string
	orBase  string
}

func startLiteEnv(t *testing.T, cfg string, proxyHasKey bool) *liteEnv {
	t.Helper()
	e := &liteEnv{orKey: sim.FakeOpenRouterKey("lite")}
	e.or = sim.NewProvider(provider.OpenRouter, e.orKey)
	e.orBase = listen(t, e.or) + "/api/v1"
	e.ol = sim.NewProvider(provider.Ollama)
	olBase := listen(t, e.ol)
	text := fmt.Sprintf(cfg, e.orBase, olBase)
	env := map[string]string{"LITELLM_MASTER_KEY": "sk-lite-master-0123"}
	if proxyHasKey {
		env["OPENROUTER_API_KEY"] = e.orKey
	}
	var err error
	e.lite, err = sim.NewLiteLLMFromYAML("config.yaml", []byte(text), env)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := litellm.Parse("config.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	e.route = litellm.New(lc, nil).RouteOf(lc.Deployments("m")[0])
	e.liteURL = listen(t, e.lite)
	return e
}

func (e *liteEnv) yml() string {
	return `version: 1
chains:
  - name: c
    model: m
    hops:
      - name: litellm
        type: litellm
        url: ` + e.liteURL + `
        key_env: LITELLM_MASTER_KEY
      - name: openrouter
        type: openrouter
        url: ` + e.orBase + `
        key_env: OPENROUTER_API_KEY
`
}

// run checks the chain; jobHasKey puts the OpenRouter key in the job's
// environment too (its direct key check then runs).
func (e *liteEnv) run(t *testing.T, jobHasKey bool) finding.ChainResult {
	t.Helper()
	vars := map[string]string{"LITELLM_MASTER_KEY": "sk-lite-master-0123"}
	if jobHasKey {
		vars["OPENROUTER_API_KEY"] = e.orKey
	}
	return runChains(t, e.yml(), vars, func(c *chain.Chain) { c.Hops[1].Route = e.route }).Chains[0]
}

const liteMock = `model_list:
  - model_name: m
    litellm_params:
      model: openrouter/anthropic/claude-3.5-haiku
      api_base: %[1]s
      api_key: os.environ/OPENROUTER_API_KEY
      mock_response: "hello"
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

// mock_response: LiteLLM answers itself and never calls OpenRouter, so
// the hop is unverified — even when its own key check passes — with a
// warning at the mock_response line.
func TestMockResponseLeavesUpstreamUnverified(t *testing.T) {
	e := startLiteEnv(t, liteMock, false)
	for _, jobHasKey := range []bool{false, true} {
		c := e.run(t, jobHasKey)
		if c.Status != finding.Unverified || c.Hops[1].Status != finding.Unverified || c.Links[1].Status != finding.Unverified {
			t.Fatalf("job has key %v: chain %s, hop %s, link %s: %+v", jobHasKey, c.Status, c.Hops[1].Status, c.Links[1].Status, c.Findings)
		}
		if c.Hops[0].Status != finding.Pass {
			t.Errorf("the proxy itself answered and is %s", c.Hops[0].Status)
		}
		if f, ok := findingAt(c, "live.route", 7); !ok || f.Severity != finding.SevWarning || !strings.Contains(f.Message, "mock_response") {
			t.Errorf("no warning at the mock_response line: %+v", c.Findings)
		}
	}
	if n := postCount(e.or.Requests()); n != 0 {
		t.Errorf("OpenRouter got %d completions although the route is mocked", n)
	}
}

func findingAt(c finding.ChainResult, check string, line int) (finding.Finding, bool) {
	for _, f := range c.Findings {
		if f.Check == check && f.Line == line && f.File == "config.yaml" {
			return f, true
		}
	}
	return finding.Finding{}, false
}

const liteFallback = `model_list:
  - model_name: m
    litellm_params:
      model: openrouter/anthropic/claude-3.5-haiku
      api_base: %[1]s
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: fb
    litellm_params:
      model: ollama/llama3
      api_base: %[2]s
router_settings:
  fallbacks: [{"m": ["fb"]}]
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

// With a fallback, LiteLLM answers from another model when the route
// fails: its x-litellm-model-api-base header names the deployment that
// answered. The route answered → pass; the fallback answered (the proxy
// lacks the OpenRouter key) → unverified, even with the job's own key
// passing its check, with a warning at the fallback.
func TestFallbackNeedsTheAnswerToNameTheRoute(t *testing.T) {
	e := startLiteEnv(t, liteFallback, true)
	if c := e.run(t, false); c.Status != finding.Pass || c.Hops[1].Status != finding.Pass {
		t.Fatalf("the route answered itself: chain %s, hop %s: %+v", c.Status, c.Hops[1].Status, c.Findings)
	}

	e = startLiteEnv(t, liteFallback, false)
	for _, jobHasKey := range []bool{false, true} {
		c := e.run(t, jobHasKey)
		if c.Status != finding.Unverified || c.Hops[1].Status != finding.Unverified {
			t.Fatalf("job has key %v: the fallback answered, yet chain %s, hop %s: %+v", jobHasKey, c.Status, c.Hops[1].Status, c.Findings)
		}
		if f, ok := findingAt(c, "live.route", 12); !ok || !strings.Contains(f.Message, "another deployment") {
			t.Errorf("no warning at the fallback line: %+v", c.Findings)
		}
	}
	if postCount(e.ol.Requests()) == 0 {
		t.Error("the fallback never answered: the test proves nothing")
	}
}

// Two deployments behind one model group on different hosts, and an
// answer that names neither: unverified.
func TestFallbackWithoutServedHeaderIsUnverified(t *testing.T) {
	e := startLiteEnv(t, liteFallback, true)
	e.liteURL = listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.lite.ServeHTTP(&headerStripper{ResponseWriter: w}, r)
	}))
	c := e.run(t, false)
	if c.Status != finding.Unverified || c.Hops[1].Status != finding.Unverified {
		t.Fatalf("chain %s, hop %s: %+v", c.Status, c.Hops[1].Status, c.Findings)
	}
	if _, ok := findingAt(c, "live.route", 12); !ok {
		t.Errorf("no warning at the fallback line: %+v", c.Findings)
	}
}

const litePlain = `model_list:
  - model_name: m
    litellm_params:
      model: openrouter/anthropic/claude-3.5-haiku
      api_base: %[1]s
      api_key: os.environ/OPENROUTER_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

// A route nothing else can answer still needs LiteLLM's answer to name
// its deployment: an answer that names none may come from whatever listens
// at the proxy's URL, and one that names another base URL came from a
// deployment the config hopcheck read does not have. The hop's own key
// check verifies it anyway.
func TestPlainRouteNeedsTheAnswerToNameIt(t *testing.T) {
	e := startLiteEnv(t, litePlain, true)
	if c := e.run(t, false); c.Status != finding.Pass || c.Hops[1].Status != finding.Pass {
		t.Fatalf("LiteLLM named the route: chain %s, hop %s: %+v", c.Status, c.Hops[1].Status, c.Findings)
	}
	lite := e.lite
	for name, rewrite := range map[string]func(http.Header){
		"no header":    func(h http.Header) { h.Del("x-litellm-model-api-base"); h.Del("x-litellm-model-id") },
		"another base": func(h http.Header) { h.Set("x-litellm-model-api-base", "https://api.groq.com/openai/v1") },
	} {
		t.Run(name, func(t *testing.T) {
			e.liteURL = listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				lite.ServeHTTP(&headerRewriter{ResponseWriter: w, rewrite: rewrite}, r)
			}))
			c := e.run(t, false)
			if c.Status != finding.Unverified || c.Hops[1].Status != finding.Unverified || c.Links[1].Status != finding.Unverified || c.Hops[0].Status != finding.Pass {
				t.Fatalf("chain %s, hops %s/%s, link %s: %+v", c.Status, c.Hops[0].Status, c.Hops[1].Status, c.Links[1].Status, c.Findings)
			}
			if c := e.run(t, true); c.Status != finding.Pass {
				t.Errorf("the hop's own key check passed, yet chain %s: %+v", c.Status, c.Findings)
			}
		})
	}
}

// headerRewriter changes the headers of an answer before they are sent.
type headerRewriter struct {
	http.ResponseWriter
	rewrite func(http.Header)
	done    bool
}

func (h *headerRewriter) WriteHeader(code int) {
	if !h.done {
		h.done = true
		h.rewrite(h.Header())
	}
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerRewriter) Write(b []byte) (int, error) {
	if !h.done {
		h.WriteHeader(http.StatusOK)
	}
	return h.ResponseWriter.Write(b)
}

// headerStripper drops the x-litellm-* headers, as a proxy in front of
// LiteLLM (or another gateway) would.
type headerStripper struct {
	http.ResponseWriter
}

func (h *headerStripper) WriteHeader(code int) {
	for k := range h.Header() {
		if strings.HasPrefix(strings.ToLower(k), "x-litellm-") {
			h.Header().Del(k)
		}
	}
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerStripper) Write(b []byte) (int, error) {
	for k := range h.Header() {
		if strings.HasPrefix(strings.ToLower(k), "x-litellm-") {
			h.Header().Del(k)
		}
	}
	return h.ResponseWriter.Write(b)
}

const liteCache = `model_list:
  - model_name: m
    litellm_params:
      model: openrouter/anthropic/claude-3.5-haiku
      api_base: %[1]s
      api_key: os.environ/OPENROUTER_API_KEY
litellm_settings:
  cache: true
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

// With litellm_settings.cache on, a cached completion must not stand in
// for the upstream: the canary asks LiteLLM to skip the cache, so a route
// that broke after the cache filled fails.
func TestCacheCannotAnswerTheCanary(t *testing.T) {
	e := startLiteEnv(t, liteCache, true)
	if c := e.run(t, false); c.Status != finding.Pass {
		t.Fatalf("healthy route with a cache: %s %+v", c.Status, c.Findings)
	}
	// Fill the cache with the canary's own messages, the way any client
	// of the proxy would, then break the route.
	body := `{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"` + provider.CanaryPrompt + `"}],"stream":false}`
	req, _ := http.NewRequest(http.MethodPost, e.liteURL+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer sk-lite-master-0123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	before := postCount(e.or.Requests())
	e.or.NoCredits = true
	resp, err = http.DefaultClient.Do(mustReq(t, req, body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || postCount(e.or.Requests()) != before {
		t.Fatalf("the simulated cache did not answer a repeated request (status %d): the test proves nothing", resp.StatusCode)
	}
	c := e.run(t, true)
	if c.Status != finding.Fail || c.Cause != finding.CreditsExhausted || c.FailingLink == nil || c.FailingLink.To != "openrouter" {
		t.Fatalf("a cached answer stood in for a broken route: %s %s %+v", c.Status, c.Cause, c.Findings)
	}
	if postCount(e.or.Requests()) == before {
		t.Error("the canary never reached OpenRouter")
	}
}

func mustReq(t *testing.T, r *http.Request, body string) *http.Request {
	t.Helper()
	n, err := http.NewRequest(r.Method, r.URL.String(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	n.Header = r.Header.Clone()
	return n
}

// A hop whose credential the real client does not take from where
// hopcheck reads it (an OpenClaw auth profile stored outside the config)
// is unverified even when the job's key for it passes its check and the
// canary sent to it directly: the pass says nothing about the chain.
func TestShadowedKeyLeavesTheHopUnverified(t *testing.T) {
	key := sim.FakeOpenRouterKey("shadowed")
	or := sim.NewOpenRouter(key)
	srvURL := listen(t, or)
	yml := directYML(srvURL, "")
	vars := map[string]string{"OPENROUTER_API_KEY": key}
	if rep := runChains(t, yml, vars, func(*chain.Chain) {}); rep.Status != finding.Pass {
		t.Fatalf("without a shadow: %s", rep.Status)
	}
	const why = "OpenClaw sends the key its auth profile p stores outside openclaw.json"
	rep := runChains(t, yml, vars, func(c *chain.Chain) { c.Hops[0].KeyShadow = why })
	c := rep.Chains[0]
	if rep.Status != finding.Unverified || c.Status != finding.Unverified || c.Hops[0].Status != finding.Unverified || c.Links[0].Status != finding.Unverified {
		t.Fatalf("run %s, chain %s, hop %s, link %s", rep.Status, c.Status, c.Hops[0].Status, c.Links[0].Status)
	}
	var said bool
	for _, f := range c.Findings {
		said = said || f.Check == "verify" && strings.Contains(f.Message, why)
	}
	if !said {
		t.Errorf("no verify finding gives the reason: %+v", c.Findings)
	}
}

// The fix for a refused redirect names the base URL to configure, not the
// endpoint the request was redirected at (a url ending in
// /chat/completions is itself refused).
func TestRedirectBase(t *testing.T) {
	for _, tc := range []struct{ target, req, hop, want string }{
		{"http://b:2/api/v1/chat/completions", "http://a:1/api/v1/chat/completions", "http://a:1/api/v1", "http://b:2/api/v1"},
		{"https://b/api/v1/key", "http://a/api/v1/key", "http://a/api/v1/", "https://b/api/v1"},
		{"https://b/v2/chat/completions?x=1", "http://a/chat/completions", "http://a", "https://b/v2"},
		{"https://b/elsewhere", "http://a/api/v1/chat/completions", "http://a/api/v1", "https://b/elsewhere"},
		{"https://b/api/v1/models", "http://a/api/v1/models", "http://a/other", "https://b/api/v1/models"},
		// The base URL named in a fix carries no user info.
		{"https://u:p@b/api/v1/chat/completions", "http://a/api/v1/chat/completions", "http://a/api/v1", "https://b/api/v1"},
	} {
		if got := redirectBase(tc.target, tc.req, tc.hop); got != tc.want {
			t.Errorf("redirectBase(%q, %q, %q) = %q, want %q", tc.target, tc.req, tc.hop, got, tc.want)
		}
	}
}
