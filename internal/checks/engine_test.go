package checks

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/testutil"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// runConfig parses yml and runs every check with the given job env.
func runConfig(t *testing.T, yml string, vars map[string]string, mod func(*Options)) *finding.Report {
	t.Helper()
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(yml))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	sc := &secret.Scrubber{}
	o := Options{LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, Scrubber: sc, Client: probe.New(sc), Allow: testutil.AllowLoopback(t)}
	o.Client.MaxRetries = 1
	if mod != nil {
		mod(&o)
	}
	return Run(context.Background(), cfg, o)
}

func TestScenarios(t *testing.T) {
	for _, sc := range sim.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			env, err := sim.Start(sc.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			rep := runConfig(t, string(env.Config), env.Vars, nil)
			if len(rep.Chains) == 0 {
				t.Fatal("no chains")
			}
			c := rep.Chains[0]
			if c.Cause != sc.WantCause {
				t.Errorf("cause = %s, want %s; findings: %+v", c.Cause, sc.WantCause, c.Findings)
			}
			switch {
			case sc.WantLink == nil && c.FailingLink != nil:
				t.Errorf("failing link = %v, want none", *c.FailingLink)
			case sc.WantLink != nil && (c.FailingLink == nil || *c.FailingLink != *sc.WantLink):
				t.Errorf("failing link = %v, want %v", c.FailingLink, *sc.WantLink)
			}
			wantStatus := finding.Fail
			if sc.WantCause == finding.OK {
				wantStatus = finding.Pass
			}
			if c.Status != wantStatus || rep.Status != wantStatus {
				t.Errorf("status chain=%s report=%s, want %s", c.Status, rep.Status, wantStatus)
			}
			if wantStatus == finding.Fail {
				root := c.Findings[0]
				if !root.Root || root.Line == 0 || root.Fix == "" || root.Message == "" {
					t.Errorf("first finding is not a positioned root cause with a fix: %+v", root)
				}
			}
			// No finding may carry a key of the job.
			for _, f := range c.Findings {
				for _, v := range env.Vars {
					if len(v) >= 12 && (strings.Contains(f.Message, v[:12]) || strings.Contains(evidenceText(f.Evidence), v[:12])) {
						t.Errorf("finding leaks a credential: %+v", f)
					}
				}
			}
		})
	}
}

// edge → openrouter through several reverse proxies: the one that drops the
// header is named, whichever position it has.
func TestReverseProxyChainNamesTheDroppingHop(t *testing.T) {
	key := sim.FakeOpenRouterKey("multi")
	or := sim.NewOpenRouter(key)
	up, err := sim.Listen("127.0.0.1", or)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	for _, tc := range []struct {
		name         string
		drop1, drop2 bool
		want         *chain.Link
	}{
		{"none", false, false, nil},
		{"outer", true, false, &chain.Link{From: "edge", To: "ingress"}},
		{"inner", false, true, &chain.Link{From: "ingress", To: "openrouter"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := sim.Listen("127.0.0.1", sim.ReverseProxy(up.URL, tc.drop2))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			ed, err := sim.Listen("127.0.0.1", sim.ReverseProxy(in.URL, tc.drop1))
			if err != nil {
				t.Fatal(err)
			}
			defer ed.Close()
			yml := `version: 1
chains:
  - name: bot
    model: anthropic/claude-sonnet-4.5
    hops:
      - name: edge
        type: reverse-proxy
        url: ` + ed.URL + `/api/v1
      - name: ingress
        type: reverse-proxy
        url: ` + in.URL + `/api/v1
      - name: openrouter
        type: openrouter
        url: ` + up.URL + `/api/v1
        key_env: OPENROUTER_API_KEY
`
			rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, nil)
			c := rep.Chains[0]
			if tc.want == nil {
				if c.Status != finding.Pass {
					t.Fatalf("want pass, got %s %s %+v", c.Status, c.Cause, c.Findings)
				}
				return
			}
			if c.FailingLink == nil || *c.FailingLink != *tc.want || c.Cause != finding.HeaderMissing {
				t.Fatalf("failing %v %s, want %v header-missing; %+v", c.FailingLink, c.Cause, *tc.want, c.Findings)
			}
			if c.FailingHop != tc.want.From {
				t.Errorf("failing hop %q, want the dropping proxy %q", c.FailingHop, tc.want.From)
			}
		})
	}
}

func TestStaticCredentialChecks(t *testing.T) {
	good := sim.FakeOpenRouterKey("static")
	cases := []struct {
		name  string
		value string
		set   bool
		cause finding.Cause
		sev   finding.Severity
	}{
		{"unset", "", false, finding.CredentialMissing, finding.SevError},
		{"empty", "", true, finding.CredentialMissing, finding.SevError},
		{"trailing newline", good + "\n", true, finding.CredentialMalformed, finding.SevError},
		{"crlf", good + "\r\n", true, finding.CredentialMalformed, finding.SevError},
		{"leading space", " " + good, true, finding.CredentialMalformed, finding.SevError},
		{"quoted", `"` + good + `"`, true, finding.CredentialMalformed, finding.SevError},
		{"bearer prefix", "Bearer " + good, true, finding.CredentialMalformed, finding.SevError},
		{"placeholder", "changeme", true, finding.CredentialMalformed, finding.SevError},
		{"placeholder sk-...", "sk-...", true, finding.CredentialMalformed, finding.SevError},
		{"placeholder angle", "<key>", true, finding.CredentialMalformed, finding.SevError},
		{"lost prefix", strings.TrimPrefix(good, "sk-or-"), true, finding.CredentialMalformed, finding.SevError},
		{"anthropic key in openrouter slot", "sk-ant-api03-" + strings.Repeat("a", 90), true, finding.CredentialMalformed, finding.SevError},
		{"truncated", good[:40], true, finding.CredentialMalformed, finding.SevWarning},
	}
	yml := directYML("http://127.0.0.1:9", "")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{}
			if tc.set {
				vars["OPENROUTER_API_KEY"] = tc.value
			}
			rep := runConfig(t, yml, vars, func(o *Options) { o.StaticOnly = true })
			c := rep.Chains[0]
			var got *finding.Finding
			for i := range c.Findings {
				if c.Findings[i].Check == "static.credential" {
					got = &c.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("no static credential finding: %+v", c.Findings)
			}
			if got.Cause != tc.cause || got.Severity != tc.sev {
				t.Errorf("got %s/%s, want %s/%s: %s", got.Cause, got.Severity, tc.cause, tc.sev, got.Message)
			}
			if got.Line != 9 || got.File != "hopcheck.yml" {
				t.Errorf("position %s:%d, want the key_env line 9", got.File, got.Line)
			}
			if want := (chain.Link{From: "ci", To: "openrouter"}); got.Link == nil || *got.Link != want {
				t.Errorf("link %v, want %v", got.Link, want)
			}
			if len(tc.value) >= 12 && strings.Contains(got.Message, strings.TrimSpace(tc.value)) {
				t.Errorf("message leaks the value: %s", got.Message)
			}
		})
	}
}

// A hop that fails statically gets no request at all.
func TestStaticFailureSendsNothing(t *testing.T) {
	or := sim.NewOpenRouter(sim.FakeOpenRouterKey("x"))
	yml := directYML(listen(t, or), "")
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": sim.FakeOpenRouterKey("x") + "\n"}, nil)
	if n := len(or.Requests()); n != 0 {
		t.Fatalf("%d requests reached a statically failed hop", n)
	}
	if rep.Chains[0].Cause != finding.CredentialMalformed || rep.Status != finding.Fail {
		t.Fatalf("cause %s status %s", rep.Chains[0].Cause, rep.Status)
	}
}

func TestEndpointProblems(t *testing.T) {
	for url, want := range map[string]bool{
		"https://openrouter.ai/api/v1":                  false,
		"https://openrouter.ai/api/v1/":                 false,
		"https://openrouter.ai/api/v1/chat/completions": true,
		"https://openrouter.ai/v1":                      true,
		"https://openrouter.ai/api/v1/v1":               true,
		"http://openrouter.example.com/api/v1":          true,
		"http://litellm:4000/api/v1":                    false,
		"http://10.1.2.3:4000/api/v1":                   false,
		"::not a url":                                   true,
		"https://openrouter.ai/api/v1?key=abc":          true,
		"https://user:pw@openrouter.ai/api/v1":          true,
	} {
		msg, fatal := endpointProblem(chain.Hop{Name: "or", URL: url}, provider.For(provider.OpenRouter))
		if fatal != want {
			t.Errorf("%s: fatal=%v (%q), want %v", url, fatal, msg, want)
		}
	}
}

// TestForkPRIsNeutral: on a fork's pull request no request is sent even
// though every variable is set (the fork's files choose the URLs); every
// chain is neutral with secrets-unavailable and one run-level notice says
// why. Static errors still fail their chain.
func TestForkPRIsNeutral(t *testing.T) {
	env, err := sim.Start("healthy")
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if len(env.Vars) == 0 {
		t.Fatal("the scenario sets no variables: the test needs keys the job holds")
	}
	rep := runConfig(t, string(env.Config), env.Vars, func(o *Options) { o.ForkPR = true })
	if rep.Status != finding.Neutral {
		t.Fatalf("status %s, want neutral", rep.Status)
	}
	for _, c := range rep.Chains {
		if c.Status != finding.Neutral || c.Cause != finding.SecretsUnavailable || c.FailingLink != nil {
			t.Errorf("chain %s: status %s cause %s link %v", c.Name, c.Status, c.Cause, c.FailingLink)
		}
		for _, f := range c.Findings {
			if f.Severity == finding.SevError {
				t.Errorf("fork run has an error: %+v", f)
			}
		}
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Cause != finding.SecretsUnavailable || rep.Findings[0].Severity != finding.SevNotice {
		t.Errorf("run findings %+v, want one secrets-unavailable notice", rep.Findings)
	}
	if env.OpenRouter != nil && len(env.OpenRouter.Requests()) != 0 {
		t.Errorf("fork run sent %d requests to OpenRouter", len(env.OpenRouter.Requests()))
	}
	if env.LiteLLM != nil && len(env.LiteLLM.Requests()) != 0 {
		t.Errorf("fork run sent %d requests to LiteLLM", len(env.LiteLLM.Requests()))
	}

	// A static error (a URL with /chat/completions appended) still fails.
	bad := strings.Replace(string(env.Config), "/api/v1", "/api/v1/chat/completions", 1)
	if bad == string(env.Config) {
		t.Fatal("the scenario config has no /api/v1 URL to break")
	}
	rep = runConfig(t, bad, env.Vars, func(o *Options) { o.ForkPR = true })
	if rep.Status != finding.Fail {
		t.Errorf("fork run with a wrong endpoint: status %s, want fail", rep.Status)
	}
}

func TestAuthOnlyCanaryUsesKeyCheck(t *testing.T) {
	key := sim.FakeOpenRouterKey("authonly")
	or := sim.NewOpenRouter(key)
	srvURL := listen(t, or)
	yml := directYML(srvURL, "defaults: {canary: auth-only}\n")
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, nil)
	if rep.Status != finding.Pass {
		t.Fatalf("status %s: %+v", rep.Status, rep.Chains[0].Findings)
	}
	for _, r := range or.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("auth-only canary sent a completion: %+v", r)
		}
	}
}

func TestKeyExpiryWarning(t *testing.T) {
	key := sim.FakeOpenRouterKey("expiring")
	or := sim.NewOpenRouter(key)
	or.Keys[key] = sim.Account{ExpiresAt: time.Now().Add(48 * time.Hour)}
	srvURL := listen(t, or)
	yml := directYML(srvURL, "")
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, nil)
	c := rep.Chains[0]
	if c.Status != finding.Pass {
		t.Fatalf("an expiring key must not fail the chain: %s %+v", c.Status, c.Findings)
	}
	if !hasFinding(c, finding.KeyExpiring, finding.SevWarning) {
		t.Fatalf("no key-expiring warning: %+v", c.Findings)
	}
}

func evidenceText(e *finding.Evidence) string {
	if e == nil {
		return ""
	}
	return e.URL + " " + e.Excerpt + " " + e.Redirect
}

func twoChainsOneProvider(url string) string {
	return `version: 1
defaults: {timeout: 500ms}
chains:
  - name: a
    model: openai/gpt-4o-mini
    canary: auth-only
    hops:
      - name: openrouter
        type: openrouter
        url: ` + url + `/api/v1
        key_env: OPENROUTER_API_KEY
  - name: b
    model: anthropic/claude-sonnet-4.5
    canary: auth-only
    hops:
      - name: openrouter
        type: openrouter
        url: ` + url + `/api/v1
        key_env: OPENROUTER_API_KEY
`
}

// The key check of a provider shared by several chains is sent once.
func TestSharedRequestsAreSentOnce(t *testing.T) {
	key := sim.FakeOpenRouterKey("shared")
	or := sim.NewOpenRouter(key)
	srvURL := listen(t, or)
	rep := runConfig(t, twoChainsOneProvider(srvURL), map[string]string{"OPENROUTER_API_KEY": key}, nil)
	if rep.Status != finding.Pass || len(rep.Chains) != 2 {
		t.Fatalf("status %s", rep.Status)
	}
	if n := len(or.Requests()); n != 1 {
		t.Fatalf("%d requests for two identical key checks, want 1", n)
	}
}

// Waiting for a free slot does not count against a request's timeout: with
// one slot and requests of 300 ms, a 500 ms timeout still passes them all.
func TestQueueingDoesNotEatTheTimeout(t *testing.T) {
	key := sim.FakeOpenRouterKey("queue")
	or := sim.NewOpenRouter(key)
	or.Latency = 300 * time.Millisecond
	srvURL := listen(t, or)
	yml := strings.ReplaceAll(twoChainsOneProvider(srvURL), "canary: auth-only", "canary: inference")
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, func(o *Options) { o.Concurrency = 1 })
	if rep.Status != finding.Pass {
		t.Fatalf("queued requests failed: %+v", rep.Chains)
	}
	// An explicit --deadline does cap the phase; what it keeps from
	// starting is reported as not sent, not as a slow hop.
	rep = runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, func(o *Options) { o.Concurrency = 1; o.Deadline = 400 * time.Millisecond })
	if rep.Status != finding.Fail {
		t.Fatalf("a 400 ms deadline over 900 ms of work must fail")
	}
	var queued bool
	for _, c := range rep.Chains {
		for _, f := range c.Findings {
			queued = queued || (f.Evidence != nil && f.Evidence.Phase == "queued")
		}
	}
	if !queued {
		t.Errorf("no finding says a request was not sent for lack of time: %+v", rep.Chains)
	}
}

// A truncated key that the provider rejects is reported as malformed (the
// root cause), not merely as rejected.
func TestTruncatedKeyRejectedIsMalformed(t *testing.T) {
	key := sim.FakeOpenRouterKey("trunc")
	or := sim.NewOpenRouter(key)
	srvURL := listen(t, or)
	yml := directYML(srvURL, "")
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key[:50]}, nil)
	c := rep.Chains[0]
	if c.Cause != finding.CredentialMalformed || c.FailingLink == nil || c.FailingLink.String() != "ci → openrouter" {
		t.Fatalf("got %s on %v: %+v", c.Cause, c.FailingLink, c.Findings)
	}
	if f := c.Findings[0]; !f.Root || f.Severity != finding.SevError || f.Line != 9 {
		t.Errorf("root finding should be the key_env line's malformed error: %+v", f)
	}
}

// A key_env behind a proxy that is empty in the job, while the chain works
// (the proxy runs elsewhere with its own key): a warning, not a failure.
// Without the proxy's config nothing shows the completion came from the
// hop behind it, so that hop is unverified; with a route that lets nothing
// else answer, it passes.
func TestProxyKeyElsewhereIsAWarning(t *testing.T) {
	env, err := sim.Start("healthy")
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	vars := map[string]string{}
	for k, v := range env.Vars {
		vars[k] = v
	}
	yml := string(env.Config)
	if !strings.Contains(yml, "key_env: OPENROUTER_API_KEY") {
		yml = strings.Replace(yml, "type: openrouter\n", "type: openrouter\n        key_env: OPENROUTER_API_KEY\n", 1)
	}
	delete(vars, "OPENROUTER_API_KEY")
	rep := runConfig(t, yml, vars, nil)
	c := rep.Chains[0]
	if c.Status != finding.Unverified || c.FailingLink != nil {
		t.Fatalf("without the proxy's config: status %s (%s), want unverified: %+v", c.Status, c.Cause, c.Findings)
	}
	if h := c.Hops[1]; h.Name != "openrouter" || h.Status != finding.Unverified {
		t.Errorf("hop %s is %s, want unverified", h.Name, h.Status)
	}
	if l := c.Links[1]; l.Status != finding.Unverified {
		t.Errorf("link %s → %s is %s, want unverified", l.From, l.To, l.Status)
	}
	if c.Hops[0].Status != finding.Pass {
		t.Errorf("the proxy the canary came back from is %s, want pass", c.Hops[0].Status)
	}
	if !hasFinding(c, finding.CredentialMissing, finding.SevWarning) {
		t.Errorf("no warning about the key the job lacks: %+v", c.Findings)
	}
	rep = runChains(t, yml, vars, func(c *chain.Chain) { c.Hops[1].Route = &chain.Route{Config: "config.yaml"} })
	if c := rep.Chains[0]; c.Status != finding.Pass || !hasFinding(c, finding.CredentialMissing, finding.SevWarning) {
		t.Fatalf("with a route only the hop answers: status %s, findings %+v", c.Status, c.Findings)
	}
}

// directYML is the smallest config: ci → openrouter at url, with the key
// in OPENROUTER_API_KEY (line 9), after optional top-level lines.
func directYML(url, top string) string {
	return "version: 1\n" + top + `chains:
  - name: bot
    model: openai/gpt-4o-mini
    hops:
      - name: openrouter
        type: openrouter
        url: ` + url + `/api/v1
        key_env: OPENROUTER_API_KEY
`
}

// hasFinding reports whether c has a finding with this cause and severity.
func hasFinding(c finding.ChainResult, cause finding.Cause, sev finding.Severity) bool {
	for _, f := range c.Findings {
		if f.Cause == cause && f.Severity == sev {
			return true
		}
	}
	return false
}

// A provider's key goes only to its official hosts: without an allowance
// the simulated OpenRouter on loopback gets no request, the chain fails
// with host-not-allowed at the hop's url line and says what to add; with
// one (host:port) it passes.
func TestKeysArePinnedToProviderHosts(t *testing.T) {
	key := sim.FakeOpenRouterKey("pin")
	or := sim.NewOpenRouter(key)
	base := listen(t, or)
	yml := directYML(base, "")
	vars := map[string]string{"OPENROUTER_API_KEY": key}
	rep := runConfig(t, yml, vars, func(o *Options) { o.Allow = nil })
	if n := len(or.Requests()); n != 0 {
		t.Fatalf("%d requests carried the key to a host that is not OpenRouter's", n)
	}
	c := rep.Chains[0]
	if c.Status != finding.Fail || c.Cause != finding.HostNotAllowed || c.FailingLink == nil || c.FailingLink.To != "openrouter" {
		t.Fatalf("status %s cause %s link %v", c.Status, c.Cause, c.FailingLink)
	}
	var f finding.Finding
	for _, x := range c.Findings {
		if x.Cause == finding.HostNotAllowed {
			f = x
		}
	}
	host := strings.TrimPrefix(base, "http://")
	if f.Line != 8 || !strings.Contains(f.Fix, "--allow-host "+host) || !strings.Contains(f.Fix, "allow-hosts: "+host) ||
		strings.Contains(f.Message, key) || !strings.Contains(f.Message, "openrouter.ai") {
		t.Errorf("finding: %+v", f)
	}
	for _, h := range c.Hops {
		if h.Status == finding.Pass {
			t.Errorf("hop %s passed without a request", h.Name)
		}
	}
	allow, err := trust.ParseAllow(host)
	if err != nil {
		t.Fatal(err)
	}
	rep = runConfig(t, yml, vars, func(o *Options) { o.Allow = allow })
	if rep.Status != finding.Pass || len(or.Requests()) == 0 {
		t.Fatalf("with the allowance: status %s, %d requests", rep.Status, len(or.Requests()))
	}
}

// The key's own shape pins it too: an OpenRouter key declared on a
// gateway hop (which may get its own key on private hosts) still goes
// only to OpenRouter; the gateway's own key goes to loopback freely.
func TestKeyShapePinsWhateverTheHopType(t *testing.T) {
	orKey := sim.FakeOpenRouterKey("shape")
	var got []string
	srv := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			fmt.Fprint(w, `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}`)
			return
		}
		fmt.Fprint(w, `{"data":[{"id":"m"}]}`)
	}))
	yml := func(env string) string {
		return `version: 1
chains:
  - name: bot
    model: m
    hops:
      - name: gw
        type: litellm
        url: ` + srv + `
        key_env: ` + env + `
`
	}
	rep := runConfig(t, yml("PROXY_KEY"), map[string]string{"PROXY_KEY": orKey}, func(o *Options) { o.Allow = nil })
	if len(got) != 0 || rep.Chains[0].Cause != finding.HostNotAllowed {
		t.Fatalf("an OpenRouter key reached a gateway on loopback: %d requests, cause %s", len(got), rep.Chains[0].Cause)
	}
	rep = runConfig(t, yml("PROXY_KEY"), map[string]string{"PROXY_KEY": "sk-gateway-master-0123"}, func(o *Options) { o.Allow = nil })
	if len(got) == 0 || rep.Status != finding.Pass {
		t.Fatalf("the gateway's own key on loopback: %d requests, status %s, findings %+v", len(got), rep.Status, rep.Chains[0].Findings)
	}
}

// A key_env naming a runner variable is never read, even if a config
// reached the engine without the readers' check.
func TestRunnerVariablesAreNeverRead(t *testing.T) {
	var got []string
	srv := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	yml := strings.Replace(`version: 1
chains:
  - name: bot
    model: m
    hops:
      - name: gw
        type: litellm
        url: URL
        key_env: ACTIONS_RUNTIME_TOKEN
`, "URL", srv, 1)
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJydW5uZXIifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	rep := runConfig(t, yml, map[string]string{"ACTIONS_RUNTIME_TOKEN": jwt}, nil)
	for _, a := range got {
		if strings.Contains(a, jwt) {
			t.Fatal("the runner's token was sent")
		}
	}
	if c := rep.Chains[0]; c.Cause != finding.CredentialMissing {
		t.Errorf("cause %s, want credential-missing (the variable is treated as unset)", c.Cause)
	}
}

// TestDeadlineCutNamesTheSetting: hops that accept and never answer, with
// per-request timeouts of minutes, are ended by the overall deadline; none
// passes, and what the deadline cut or kept from starting names the
// setting to raise.
func TestDeadlineCutNamesTheSetting(t *testing.T) {
	hole := testutil.Blackhole(t)
	var b strings.Builder
	b.WriteString("version: 1\ndefaults: {timeout: 5m}\nchains:\n")
	for i := range 6 {
		fmt.Fprintf(&b, "  - name: c%d\n    model: m%d\n    hops:\n      - name: gw\n        type: openai-compatible\n        url: http://%s/v1\n        key_env: GW_KEY\n", i, i, hole.Addr())
	}
	const setting = "the `deadline` input"
	rep := runConfig(t, b.String(), map[string]string{"GW_KEY": "gw-key-0123456789"}, func(o *Options) {
		o.Concurrency = 2
		o.Deadline = 300 * time.Millisecond
		o.DeadlineName = setting
	})
	if rep.Status != finding.Fail {
		t.Fatalf("status %s, want fail", rep.Status)
	}
	for _, c := range rep.Chains {
		for _, h := range c.Hops {
			if h.Status == finding.Pass {
				t.Errorf("chain %s: hop %s passed although it never answered", c.Name, h.Name)
			}
		}
		var named bool
		for _, f := range c.Findings {
			if f.Cause == finding.Timeout && strings.Contains(f.Message, setting) {
				named = true
			}
		}
		if !named {
			t.Errorf("chain %s: no timeout finding names %s: %+v", c.Name, setting, c.Findings)
		}
	}
}
