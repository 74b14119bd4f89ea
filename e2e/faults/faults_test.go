// Package faults injects upstream faults (sim.StartFault) into whole chains
// and runs the complete engine (hopcheckyml.Parse → checks.Run) against them:
// every fault must end in its named cause on the right link, within the
// configured budget plus one second, without a panic or a leaked goroutine.
package faults

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

func TestMain(m *testing.M) {
	// The engine's transport honours HTTP(S)_PROXY. Loopback is never
	// proxied, but the unresolvable-host case uses a public-looking name:
	// with a proxy set, that request would leave the machine.
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"} {
		os.Unsetenv(k)
	}
	goleak.VerifyTestMain(m)
}

// Budget of every run: the per-request timeout of the chains and the
// overall deadline of the live phase (the engine's default, 3 × timeout,
// set explicitly so the bound below does not depend on it).
const (
	timeout  = time.Second
	deadline = 3 * timeout
	// slack is the correctness bound on top of the configured budget.
	slack = time.Second
)

const model = "claude-sonnet-4.5"

var (
	orKey     = sim.FakeOpenRouterKey("e2e-faults")
	masterKey = sim.FakeLiteLLMKey("e2e-faults/master")
)

// direct is `ci → openrouter` with the CI job holding the key.
func direct(orBase string) string {
	return fmt.Sprintf(`version: 1
defaults:
  timeout: %s
  canary: inference
chains:
  - name: direct
    model: anthropic/%s
    hops:
      - name: openrouter
        type: openrouter
        url: %s
        key_env: OPENROUTER_API_KEY
`, timeout, model, orBase)
}

// viaLiteLLM is `ci → litellm → openrouter`; CI holds both keys, so the
// engine can test OpenRouter directly as well as through the proxy.
func viaLiteLLM(llURL, orBase string) string {
	return fmt.Sprintf(`version: 1
defaults:
  timeout: %s
  canary: inference
chains:
  - name: proxied
    model: %s
    hops:
      - name: litellm
        type: litellm
        url: %s
        key_env: LITELLM_KEY
      - name: openrouter
        type: openrouter
        url: %s
        key_env: OPENROUTER_API_KEY
`, timeout, model, llURL, orBase)
}

func liteLLMConfig(orBase string) []byte {
	return []byte(fmt.Sprintf(`model_list:
  - model_name: %s
    litellm_params:
      model: openrouter/anthropic/%s
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: %s
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, model, model, orBase))
}

// nxBase is an https URL whose host (nxHost) the NXDOMAIN resolver refuses.
const (
	nxHost = "api.openrouter.nx.invalid"
	nxBase = "https://" + nxHost + "/api/v1"
)

type want struct {
	cause finding.Cause
	link  chain.Link
	phase string // evidence phase of the root finding ("" = not checked)
}

type faultCase struct {
	name  string
	fault sim.Fault // "" for the unresolvable host
	// direct: ci → openrouter(fault). proxied: ci → litellm → openrouter(fault);
	// nil when the case is not meaningful behind the simulated proxy.
	direct, proxied *want
	// stalls: the upstream never finishes, so the engine waits out its
	// timeouts (retried) and the bound is the overall deadline + slack.
	// Every other fault must end within one request timeout + slack.
	stalls bool
	// noWait: the fault asks the client to wait (Retry-After) and must be
	// reported at once, within slack alone.
	noWait bool
}

var (
	ciOR = chain.Link{From: chain.CIHop, To: "openrouter"}
	ciLL = chain.Link{From: chain.CIHop, To: "litellm"}
	llOR = chain.Link{From: "litellm", To: "openrouter"}
	orUp = chain.Link{From: "openrouter", To: "upstream"}
)

var cases = []faultCase{
	{name: "connection refused", fault: sim.FaultRefused,
		direct:  &want{finding.Unreachable, ciOR, "connect"},
		proxied: &want{finding.Unreachable, llOR, ""}},
	{name: "reset after accept", fault: sim.FaultReset,
		direct:  &want{finding.Unreachable, ciOR, "request"},
		proxied: &want{finding.Unreachable, llOR, ""}},
	{name: "accept then silence", fault: sim.FaultSilent, stalls: true,
		direct:  &want{finding.Timeout, ciOR, "ttfb"},
		proxied: &want{finding.Timeout, llOR, ""}},
	{name: "headers never end (slow)", fault: sim.FaultSlowHeaders, stalls: true,
		direct:  &want{finding.Timeout, ciOR, "ttfb"},
		proxied: &want{finding.Timeout, llOR, ""}},
	// Headers arriving faster than they end: the client's 256 KiB header
	// cap aborts the read (Go: "server response headers exceeded …"). The
	// server did answer, with a response no client can read, so directly it
	// is the upstream's error at the first byte, not an unreachable host.
	// The simulated proxy cannot read it either and answers as LiteLLM does
	// for an upstream connection error.
	{name: "headers never end (flood)", fault: sim.FaultHeaderFlood,
		direct:  &want{finding.UpstreamError, ciOR, "ttfb"},
		proxied: &want{finding.Unreachable, llOR, ""}},
	{name: "body trickles", fault: sim.FaultTrickleBody, stalls: true,
		direct:  &want{finding.Timeout, ciOR, "body"},
		proxied: &want{finding.Timeout, llOR, ""}},
	// The body is read up to 64 KiB; the cut JSON is not a usable answer.
	// Behind the simulated proxy, as behind LiteLLM, the proxy parses the
	// upstream's answer and relays a 500 "Invalid response object": the
	// link out of the proxy.
	{name: "10 MB body", fault: sim.FaultHugeBody,
		direct:  &want{finding.UpstreamError, ciOR, ""},
		proxied: &want{finding.UpstreamError, llOR, ""}},
	// Behind LiteLLM the proxy only says "APIConnectionError … Connection
	// error." (as the OpenAI SDK does for a failed certificate check), but
	// hopcheck's own check of the same URL names the TLS failure; the
	// verdict must use it (see the report: checks/attribute.go).
	{name: "self-signed TLS certificate", fault: sim.FaultSelfSignedTLS,
		direct:  &want{finding.TLSError, ciOR, "tls"},
		proxied: &want{finding.TLSError, llOR, ""}},
	// Not behind the simulated proxy: it refuses every non-loopback
	// upstream before resolving it.
	{name: "unresolvable host", fault: "",
		direct: &want{finding.Unreachable, ciOR, "dns"}},
	{name: "redirect loop", fault: sim.FaultRedirectLoop,
		direct:  &want{finding.WrongEndpoint, ciOR, ""},
		proxied: &want{finding.WrongEndpoint, llOR, ""}},
	// LiteLLM does not follow redirects for API calls: it fails on the 307
	// itself, so behind it the api_base is simply wrong.
	{name: "cross-host redirect", fault: sim.FaultCrossHostRedirect,
		direct:  &want{finding.RedirectDroppedAuth, ciOR, ""},
		proxied: &want{finding.WrongEndpoint, llOR, ""}},
	// "Provider returned error" with metadata.raw: the provider behind
	// OpenRouter failed, which the engine names as the link out of
	// OpenRouter to its (unmodelled) upstream.
	{name: "200 with JSON error", fault: sim.FaultJSONError200,
		direct:  &want{finding.UpstreamError, orUp, ""},
		proxied: &want{finding.UpstreamError, orUp, ""}},
	{name: "200 with SSE error event", fault: sim.FaultSSEError200,
		direct:  &want{finding.UpstreamError, ciOR, ""},
		proxied: &want{finding.UpstreamError, llOR, ""}},
	// As for the 10 MB body: the proxy relays the broken 2xx as its error.
	{name: "truncated JSON on 200", fault: sim.FaultTruncatedJSON,
		direct:  &want{finding.UpstreamError, ciOR, ""},
		proxied: &want{finding.UpstreamError, llOR, ""}},
	{name: "HTML 502 page", fault: sim.FaultHTMLErrorPage,
		direct:  &want{finding.UpstreamError, ciOR, ""},
		proxied: &want{finding.UpstreamError, llOR, ""}},
	// Capped, reported, not waited out.
	{name: "429 Retry-After 3600", fault: sim.FaultRetryAfterHour, noWait: true,
		direct:  &want{finding.RateLimited, ciOR, ""},
		proxied: &want{finding.RateLimited, llOR, ""}},
}

// result is what one run produced, for the assertions and the log.
type result struct {
	rep  *finding.Report
	wall time.Duration
}

// run parses yml and runs the whole engine with the CI job's env.
func run(t *testing.T, yml string, vars map[string]string, resolver bool) result {
	t.Helper()
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(yml))
	if err != nil {
		t.Fatalf("config: %v\n%s", err, yml)
	}
	sc := &secret.Scrubber{}
	client := probe.New(sc)
	if resolver {
		client.Resolver = sim.NXDomainResolver()
	}
	o := checks.Options{
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Allow:     testutil.AllowLoopback(t, nxHost), Scrubber: sc, Client: client, Deadline: deadline,
	}
	start := time.Now()
	var rep *finding.Report
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("checks.Run panicked: %v", p)
			}
		}()
		rep = checks.Run(context.Background(), cfg, o)
	}()
	return result{rep: rep, wall: time.Since(start)}
}

// startFault starts the fault in front of a healthy simulated OpenRouter
// and returns its /api/v1 base URL.
func startFault(t *testing.T, f sim.Fault) string {
	t.Helper()
	if f == "" {
		return nxBase
	}
	fs, err := sim.StartFault("", f, sim.NewOpenRouter(orKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fs.Close(); err != nil {
			t.Errorf("closing the fault server: %v", err)
		}
	})
	return fs.URL + "/api/v1"
}

func TestFaultsDirect(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := startFault(t, tc.fault)
			r := run(t, direct(base), map[string]string{"OPENROUTER_API_KEY": orKey}, tc.fault == "")
			check(t, tc, *tc.direct, r)
		})
	}
}

func TestFaultsBehindLiteLLM(t *testing.T) {
	for _, tc := range cases {
		if tc.proxied == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := startFault(t, tc.fault)
			ll, err := sim.NewLiteLLMFromYAML("litellm-config.yaml", liteLLMConfig(base),
				map[string]string{"OPENROUTER_API_KEY": orKey, "LITELLM_MASTER_KEY": masterKey})
			if err != nil {
				t.Fatal(err)
			}
			srv, err := sim.Listen("", ll)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			r := run(t, viaLiteLLM(srv.URL, base), map[string]string{"OPENROUTER_API_KEY": orKey, "LITELLM_KEY": masterKey}, false)
			check(t, tc, *tc.proxied, r)
		})
	}
}

// check asserts the verdict, the bound and the evidence of one run.
func check(t *testing.T, tc faultCase, w want, r result) {
	t.Helper()
	if len(r.rep.Chains) != 1 {
		t.Fatalf("%d chains", len(r.rep.Chains))
	}
	c := r.rep.Chains[0]
	var root *finding.Finding
	for i := range c.Findings {
		if c.Findings[i].Root {
			root = &c.Findings[i]
			break
		}
	}
	phase := ""
	if root != nil && root.Evidence != nil {
		phase = root.Evidence.Phase
	}
	link := "-"
	if c.FailingLink != nil {
		link = c.FailingLink.String()
	}
	t.Logf("observed %s: cause=%s link=%s hop=%s phase=%q wall=%s", t.Name(), c.Cause, link, c.FailingHop, phase, r.wall.Round(time.Millisecond))

	if c.Status != finding.Fail || r.rep.Status != finding.Fail {
		t.Errorf("status chain=%s report=%s, want fail", c.Status, r.rep.Status)
	}
	if c.Cause != w.cause {
		t.Errorf("cause %s, want %s", c.Cause, w.cause)
	}
	if c.FailingLink == nil || *c.FailingLink != w.link {
		t.Errorf("failing link %s, want %s", link, w.link)
	}
	if root == nil {
		t.Fatalf("no root finding: %+v", c.Findings)
	}
	if root.Cause != w.cause || root.Link == nil || *root.Link != w.link {
		t.Errorf("root finding %s on %v, want %s on %s: %s", root.Cause, root.Link, w.cause, w.link, root.Message)
	}
	if root.Message == "" || root.Fix == "" || root.Line == 0 {
		t.Errorf("root finding lacks message, fix or position: %+v", *root)
	}
	if w.phase != "" && phase != w.phase {
		t.Errorf("phase %q, want %q (%s)", phase, w.phase, root.Message)
	}
	// The bound: one request timeout plus slack, the overall deadline plus
	// slack for an upstream that stalls (timeouts are retried), and no
	// wait at all when the upstream asks for an hour.
	bound := timeout + slack
	switch {
	case tc.stalls:
		bound = deadline + slack
	case tc.noWait:
		bound = slack
	}
	if r.wall > bound {
		t.Errorf("took %s, bound %s", r.wall.Round(time.Millisecond), bound)
	}
	// A single request never outlives its own timeout.
	if tm := root.Timings; tm != nil && tm.Total != nil && time.Duration(*tm.Total*float64(time.Millisecond)) > timeout+slack {
		t.Errorf("the root request took %.0f ms, timeout %s", *tm.Total, timeout)
	}
	// No credential in any finding.
	for _, f := range c.Findings {
		text := f.Message + f.Fix
		if f.Evidence != nil {
			text += f.Evidence.Excerpt + f.Evidence.URL + f.Evidence.Redirect
		}
		for _, k := range []string{orKey, masterKey} {
			for i := 0; i+12 <= len(k); i++ {
				if strings.Contains(text, k[i:i+12]) {
					t.Errorf("finding leaks 12 characters of a credential: %s", f.Message)
					break
				}
			}
		}
	}
}

// behindEdge is `ci → edge → openrouter` with edge a reverse proxy (nginx).
func behindEdge(edgeURL, orBase string) string {
	return fmt.Sprintf(`version: 1
defaults:
  timeout: %s
  canary: inference
chains:
  - name: edged
    model: anthropic/%s
    hops:
      - name: edge
        type: reverse-proxy
        url: %s/api/v1
      - name: openrouter
        type: openrouter
        url: %s
        key_env: OPENROUTER_API_KEY
`, timeout, model, edgeURL, orBase)
}

// An nginx in front of a faulty OpenRouter answers its own HTML 502 page
// (upstream refused or reset) or stalls with it (silence): the broken link
// is the one out of the proxy, not the one into it, and hopcheck's own
// request to the upstream names the network failure behind the 502.
func TestFaultsBehindReverseProxy(t *testing.T) {
	edgeOR := chain.Link{From: "edge", To: "openrouter"}
	for _, tc := range []faultCase{
		{name: "connection refused", fault: sim.FaultRefused, direct: &want{finding.Unreachable, edgeOR, ""}},
		{name: "reset after accept", fault: sim.FaultReset, direct: &want{finding.Unreachable, edgeOR, ""}},
		{name: "accept then silence", fault: sim.FaultSilent, stalls: true, direct: &want{finding.Timeout, edgeOR, ""}},
		{name: "HTML 502 page", fault: sim.FaultHTMLErrorPage, direct: &want{finding.UpstreamError, edgeOR, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := startFault(t, tc.fault)
			edge, err := sim.Listen("", sim.ReverseProxy(strings.TrimSuffix(base, "/api/v1"), false))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { edge.Close() })
			r := run(t, behindEdge(edge.URL, base), map[string]string{"OPENROUTER_API_KEY": orKey}, false)
			check(t, tc, *tc.direct, r)
		})
	}
}

// The overall deadline wins over retries: with Deadline equal to one
// request timeout, a silent upstream is reported within that timeout +
// slack, not after three attempts.
func TestDeadlineCutsRetries(t *testing.T) {
	base := startFault(t, sim.FaultSilent)
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(direct(base)))
	if err != nil {
		t.Fatal(err)
	}
	sc := &secret.Scrubber{}
	vars := map[string]string{"OPENROUTER_API_KEY": orKey}
	start := time.Now()
	rep := checks.Run(context.Background(), cfg, checks.Options{
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Allow:     testutil.AllowLoopback(t, nxHost), Scrubber: sc, Client: probe.New(sc), Deadline: timeout,
	})
	wall := time.Since(start)
	c := rep.Chains[0]
	t.Logf("observed: cause=%s link=%v wall=%s", c.Cause, c.FailingLink, wall.Round(time.Millisecond))
	if c.Cause != finding.Timeout || c.FailingLink == nil || *c.FailingLink != ciOR {
		t.Errorf("cause %s link %v, want timeout on %s", c.Cause, c.FailingLink, ciOR)
	}
	if wall > timeout+slack {
		t.Errorf("took %s with a deadline of %s", wall.Round(time.Millisecond), timeout)
	}
}

// A cancelled context (the job was cancelled) ends a stalled run at once.
func TestCancelEndsStalledRun(t *testing.T) {
	base := startFault(t, sim.FaultSilent)
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(direct(base)))
	if err != nil {
		t.Fatal(err)
	}
	sc := &secret.Scrubber{}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	rep := checks.Run(ctx, cfg, checks.Options{
		LookupEnv: func(k string) (string, bool) { return orKey, k == "OPENROUTER_API_KEY" },
		Allow:     testutil.AllowLoopback(t, nxHost), Scrubber: sc, Client: probe.New(sc), Deadline: deadline,
	})
	wall := time.Since(start)
	if c := rep.Chains[0]; c.Status != finding.Fail || c.Cause != finding.Timeout {
		t.Errorf("status %s cause %s, want fail/timeout", c.Status, c.Cause)
	}
	if wall > 200*time.Millisecond+slack {
		t.Errorf("took %s after cancel at 200ms", wall.Round(time.Millisecond))
	}
}
