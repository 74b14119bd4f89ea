package openclaw_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/openclaw"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// authSeen records the Authorization headers a simulated provider got.
type authSeen struct {
	mu   sync.Mutex
	auth []string
	h    http.Handler
}

func (a *authSeen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.auth = append(a.auth, r.Header.Get("Authorization"))
	a.mu.Unlock()
	a.h.ServeHTTP(w, r)
}

func (a *authSeen) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.auth...)
}

// serve starts a simulated provider of type t on loopback.
func serve(t *testing.T, t2 chain.HopType, keys ...string) (*authSeen, string) {
	t.Helper()
	a := &authSeen{h: sim.NewProvider(t2, keys...)}
	s, err := sim.Listen("127.0.0.1", a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return a, s.URL
}

// check derives the chains of an openclaw.json and runs the engine on
// them with the job environment vars (the simulator's loopback allowed, as
// a user allows a self-hosted endpoint).
func check(t *testing.T, src string, vars map[string]string) *finding.Report {
	t.Helper()
	env := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	res, err := openclaw.Analyze("openclaw.json", []byte(src), openclaw.Options{LookupEnv: env})
	if err != nil {
		t.Fatal(err)
	}
	allow, err := trust.ParseAllow(sim.LoopbackNet)
	if err != nil {
		t.Fatal(err)
	}
	sc := &secret.Scrubber{}
	sc.Add(res.Secrets...)
	o := checks.Options{LookupEnv: env, Scrubber: sc, Client: probe.New(sc), Allow: allow, Findings: res.Findings}
	o.Client.MaxRetries = 1
	return checks.Run(context.Background(), &chain.Config{File: "openclaw.json", Chains: res.Chains}, o)
}

// TestLiveNoKeyServer: a local Ollama whose apiKey is the variable's name
// (a stand-in) is checked without any key, and passes.
func TestLiveNoKeyServer(t *testing.T) {
	seen, url := serve(t, provider.Ollama)
	rep := check(t, `{
  agents: {defaults: {model: {primary: "ollama/charaf/qwen3:instruct"}}},
  models: {providers: {ollama: {baseUrl: "`+url+`", api: "ollama", apiKey: "OLLAMA_API_KEY"}}},
}`, nil)
	if len(rep.Chains) != 1 || rep.Chains[0].Status != finding.Pass {
		t.Fatalf("report: %+v", rep.Chains)
	}
	for _, a := range seen.list() {
		if a != "" {
			t.Errorf("a no-key server got a credential: %q", a)
		}
	}
	if len(seen.list()) == 0 {
		t.Error("nothing reached the server")
	}
}

// TestLiveBuiltinProvider: a built-in provider (moonshot) at its
// configured base, its key from ${MOONSHOT_API_KEY}: passes with the key,
// fails as credential-missing without it, and the placeholder of the env
// block is never sent.
func TestLiveBuiltinProvider(t *testing.T) {
	const key = "sk-moonshotfixture0123456789abcdefghijklmnopqrst"
	seen, url := serve(t, provider.Moonshot, key)
	src := `{
  env: {MOONSHOT_API_KEY: "sk-..."},
  agents: {defaults: {model: {primary: "moonshot/kimi-k2.5"}}},
  models: {providers: {moonshot: {baseUrl: "` + url + `/v1", apiKey: "${MOONSHOT_API_KEY}", api: "openai-completions"}}},
}`
	rep := check(t, src, map[string]string{"MOONSHOT_API_KEY": key})
	if c := rep.Chains[0]; c.Status != finding.Pass || c.Name != openclaw.DirectChainName {
		t.Fatalf("with the key: %s %s %+v", c.Status, c.Cause, c.Findings)
	}
	n := len(seen.list())
	rep = check(t, src, nil)
	if c := rep.Chains[0]; c.Status != finding.Fail || c.Cause != finding.CredentialMissing {
		t.Fatalf("without the key: %s %s %+v", c.Status, c.Cause, c.Findings)
	}
	for _, a := range seen.list()[n:] {
		if strings.Contains(a, "sk-...") {
			t.Errorf("the placeholder was sent: %q", a)
		}
	}
}

// TestLiveBareModel: a model id without a provider runs on openai, as
// OpenClaw resolves it; the key checked is OPENAI_API_KEY.
func TestLiveBareModel(t *testing.T) {
	const key = "sk-proj-openaifixture0123456789abcdefghijklmnopqrstuvwxyz"
	_, url := serve(t, provider.OpenAI, key)
	src := `{agents: {defaults: {model: "gpt-4o-mini"}}, models: {providers: {openai: {baseUrl: "` + url + `/v1"}}}}`
	rep := check(t, src, map[string]string{"OPENAI_API_KEY": key})
	c := rep.Chains[0]
	if c.Status != finding.Pass || c.Hops[0].Type != string(provider.OpenAI) || c.Model != "gpt-4o-mini" {
		t.Fatalf("chain: %+v", c)
	}
	var warned bool
	for _, f := range c.Findings {
		warned = warned || (f.Check == "openclaw.model" && f.Severity == finding.SevWarning)
	}
	if !warned {
		t.Errorf("no warning about the missing provider prefix: %+v", c.Findings)
	}
}
