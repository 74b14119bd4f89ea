package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// maxModels is how many models the simulated OpenRouter and LiteLLM serve:
// as many as the chains one hopcheck run checks at most.
const maxModels = chain.MaxChains

// kind is one of the three chain shapes of the benchmark.
type kind int

const (
	kindLiteLLM kind = iota // ci → litellm → openrouter
	kindEdge                // ci → edge (reverse proxy) → openrouter
	kindDirect              // ci → openrouter
)

var kindNames = [...]string{"litellm", "edge", "direct"}

// orModel is model i's OpenRouter id, liteLLMModel its LiteLLM model_name.
func orModel(i int) string      { return fmt.Sprintf("bench/model-%02d", i+1) }
func liteLLMModel(i int) string { return fmt.Sprintf("model-%02d", i+1) }

// world is the simulated chain: OpenRouter, a LiteLLM proxy in front of it
// and an nginx-like reverse proxy in front of it, each answering after
// latency (OpenRouter through its own Latency field, the two proxies
// through delayed), so a request through a proxy costs two latencies.
// OpenRouter listens twice: once for hopcheck (orBase) and once for the
// proxies' upstream calls, so the requests in flight at each origin
// hopcheck talks to are hopcheck's own (see inflight).
type world struct {
	latency time.Duration
	orKey   string // OPENROUTER_API_KEY, valid at the simulated OpenRouter
	master  string // LITELLM_KEY, the proxy's master key

	or      *sim.OpenRouter
	orBase  string // http://127.0.0.1:P/api/v1
	orUp    string // the proxies' upstream: http://127.0.0.1:Q/api/v1
	llURL   string // LiteLLM root
	edgeURL string // reverse proxy, …/api/v1

	// Requests that arrived at each server (the proxies' own upstream
	// calls included in openrouter's count).
	nLiteLLM, nEdge, nOR atomic.Int64
	// seen is every request that arrived, by signature (see signature).
	mu   sync.Mutex
	seen requestSet
	// In flight at each origin hopcheck talks to, and at OpenRouter's
	// listener for the proxies.
	inLiteLLM, inEdge, inOR, inUpstream gauge

	servers []*sim.Server
}

// counts is a snapshot of the request counters.
type counts struct{ LiteLLM, Edge, OR int64 }

func (c counts) String() string {
	return fmt.Sprintf("%d/%d/%d", c.LiteLLM, c.Edge, c.OR)
}

func (c counts) add(o counts) counts {
	return counts{c.LiteLLM + o.LiteLLM, c.Edge + o.Edge, c.OR + o.OR}
}

func (w *world) resetCounts() {
	w.nLiteLLM.Store(0)
	w.nEdge.Store(0)
	w.nOR.Store(0)
	w.or.ResetRequests()
	w.mu.Lock()
	w.seen = requestSet{}
	w.mu.Unlock()
	for _, g := range []*gauge{&w.inLiteLLM, &w.inEdge, &w.inOR, &w.inUpstream} {
		g.reset()
	}
}

// gauge counts requests in flight at a server and keeps the maximum.
type gauge struct {
	mu       sync.Mutex
	now, max int
}

func (g *gauge) enter() {
	g.mu.Lock()
	g.now++
	g.max = max(g.max, g.now)
	g.mu.Unlock()
}

func (g *gauge) leave() {
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
}

func (g *gauge) peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

func (g *gauge) reset() {
	g.mu.Lock()
	g.max = g.now
	g.mu.Unlock()
}

// peaks is the most requests in flight seen at each origin hopcheck talks
// to (litellm, edge, openrouter) since the last resetCounts.
type peaks struct{ LiteLLM, Edge, OR int }

func (p peaks) String() string { return fmt.Sprintf("%d/%d/%d", p.LiteLLM, p.Edge, p.OR) }

func (p peaks) max() int { return max(p.LiteLLM, p.Edge, p.OR) }

func (w *world) inflight() peaks {
	return peaks{w.inLiteLLM.peak(), w.inEdge.peak(), w.inOR.peak()}
}

func (w *world) counts() counts {
	return counts{w.nLiteLLM.Load(), w.nEdge.Load(), w.nOR.Load()}
}

// requests returns a copy of the requests that arrived since the last
// resetCounts.
func (w *world) requests() requestSet {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(requestSet, len(w.seen))
	for k, v := range w.seen {
		out[k] = v
	}
	return out
}

// requestSet counts requests by signature: a multiset.
type requestSet map[string]int

// diff describes how got differs from want (at most max lines), "" when
// they are equal.
func (got requestSet) diff(want requestSet, max int) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var lines []string
	for k := range keys {
		if got[k] != want[k] {
			lines = append(lines, fmt.Sprintf("%s: %d, want %d", k, got[k], want[k]))
		}
	}
	sort.Strings(lines)
	if len(lines) > max {
		lines = append(lines[:max], fmt.Sprintf("… %d more", len(lines)-max))
	}
	return strings.Join(lines, "; ")
}

// signature is what makes a request distinct for the comparison of the
// tools: the server it arrived at, method, path, the model of a chat
// completion and which key it carried (named, never the key itself).
// Headers a tool adds on its own (User-Agent, OpenRouter's attribution
// headers) are left out: they do not change the work.
func (w *world) signature(server string, r *http.Request) string {
	sig := server + " " + r.Method + " " + r.URL.Path
	if r.Body != nil && r.Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		var m struct {
			Model string `json:"model"`
		}
		if err == nil && json.Unmarshal(body, &m) == nil && m.Model != "" {
			sig += " model=" + m.Model
		}
	}
	auth := "none"
	switch strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") {
	case "":
	case w.orKey:
		auth = "openrouter-key"
	case w.master:
		auth = "litellm-key"
	default:
		auth = "other"
	}
	return sig + " key=" + auth
}

// counted counts requests into n and records their signature, then delays
// them by d (or until the client goes away) before h answers: the
// simulated per-hop latency. g counts them in flight until h has answered.
func (w *world) counted(server string, n *atomic.Int64, g *gauge, d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		g.enter()
		left := false
		leave := func() {
			if !left {
				left = true
				g.leave()
			}
		}
		defer leave()
		n.Add(1)
		sig := w.signature(server, r)
		w.mu.Lock()
		w.seen[sig]++
		w.mu.Unlock()
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		// The answer is buffered and the request leaves the gauge before
		// any of it reaches the client: a handler that flushes its answer
		// would otherwise let the client read it and send its next request
		// while this one still counts as in flight, a peak hopcheck never
		// had. Counted this way a request is in flight here only while it
		// is in flight at the client too, so the peak never overstates.
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		leave()
		for k, v := range res.Header {
			rw.Header()[k] = v
		}
		rw.WriteHeader(res.StatusCode)
		_, _ = rw.Write(rec.Body.Bytes())
	})
}

// liteLLMConfig is the proxy's config.yaml: one model_name per model,
// routed to OpenRouter with the key from the proxy's environment.
func liteLLMConfig(orBase string) []byte {
	var b strings.Builder
	b.WriteString("model_list:\n")
	for i := 0; i < maxModels; i++ {
		fmt.Fprintf(&b, "  - model_name: %s\n    litellm_params:\n      model: openrouter/%s\n"+
			"      api_key: os.environ/OPENROUTER_API_KEY\n      api_base: %s\n", liteLLMModel(i), orModel(i), orBase)
	}
	b.WriteString("general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n")
	return []byte(b.String())
}

// startWorld starts the three servers on 127.0.0.1.
func startWorld(latency time.Duration) (w *world, err error) {
	w = &world{
		latency: latency,
		orKey:   sim.FakeOpenRouterKey("bench"),
		master:  sim.FakeLiteLLMKey("bench/master"),
		seen:    requestSet{},
	}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	w.or = sim.NewOpenRouter(w.orKey)
	w.or.Latency = latency
	for i := 0; i < maxModels; i++ {
		w.or.Models = append(w.or.Models, sim.Model{ID: orModel(i), Name: "Bench model " + liteLLMModel(i),
			ContextLength: 128000, PromptPrice: "0.000001", CompletionPrice: "0.000002"})
	}
	orSrv, err := w.serve(w.counted("openrouter", &w.nOR, &w.inOR, 0, w.or))
	if err != nil {
		return nil, err
	}
	w.orBase = orSrv.URL + "/api/v1"
	upSrv, err := w.serve(w.counted("openrouter", &w.nOR, &w.inUpstream, 0, w.or))
	if err != nil {
		return nil, err
	}
	w.orUp = upSrv.URL + "/api/v1"

	ll, err := sim.NewLiteLLMFromYAML("litellm-config.yaml", liteLLMConfig(w.orUp),
		map[string]string{"LITELLM_MASTER_KEY": w.master, "OPENROUTER_API_KEY": w.orKey})
	if err != nil {
		return nil, err
	}
	llSrv, err := w.serve(w.counted("litellm", &w.nLiteLLM, &w.inLiteLLM, latency, ll))
	if err != nil {
		return nil, err
	}
	w.llURL = llSrv.URL

	edge, err := w.serve(w.counted("edge", &w.nEdge, &w.inEdge, latency, sim.ReverseProxy(upSrv.URL, false)))
	if err != nil {
		return nil, err
	}
	w.edgeURL = edge.URL + "/api/v1"
	return w, nil
}

func (w *world) serve(h http.Handler) (*sim.Server, error) {
	s, err := sim.Listen("127.0.0.1", h)
	if err != nil {
		return nil, err
	}
	w.servers = append(w.servers, s)
	return s, nil
}

func (w *world) close() {
	for i := len(w.servers) - 1; i >= 0; i-- {
		_ = w.servers[i].Close()
	}
}

// benchChain is one chain entry of a generated hopcheck.yml.
type benchChain struct {
	name  string
	kind  kind
	model int
}

// chains returns n chains cycling through the three shapes: chain i has
// shape i mod 3 and model i / 3 (so 24 chains are 3 shapes × 8 models).
// For 24 the chains are grouped by shape, which reads better in reports.
func chains(n int) []benchChain {
	out := make([]benchChain, n)
	for i := range out {
		k, m := kind(i%3), i/3
		out[i] = benchChain{name: fmt.Sprintf("%s-%02d", kindNames[k], m+1), kind: k, model: m}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].kind < out[j].kind })
	return out
}

// chainsOf returns n chains of one shape over models 1..n.
func chainsOf(k kind, n int) []benchChain {
	out := make([]benchChain, n)
	for i := range out {
		out[i] = benchChain{name: fmt.Sprintf("%s-%02d", kindNames[k], i+1), kind: k, model: i}
	}
	return out
}

// config renders a hopcheck.yml for cs with per-request timeout (0:
// none written, hopcheck's default applies).
func (w *world) config(cs []benchChain, timeout time.Duration) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by `go run ./bench`: %d chains against the simulator, %s per hop.\n", len(cs), w.latency)
	if timeout > 0 {
		fmt.Fprintf(&b, "version: 1\ndefaults: {timeout: %s, canary: inference}\nchains:\n", timeout)
	} else {
		b.WriteString("version: 1\ndefaults: {canary: inference}\nchains:\n")
	}
	orHop := fmt.Sprintf("      - {name: openrouter, type: openrouter, url: %q, key_env: OPENROUTER_API_KEY}\n", w.orBase)
	for _, c := range cs {
		switch c.kind {
		case kindLiteLLM:
			fmt.Fprintf(&b, "  - name: %s\n    model: %s\n    hops:\n", c.name, liteLLMModel(c.model))
			fmt.Fprintf(&b, "      - {name: litellm, type: litellm, url: %q, key_env: LITELLM_KEY}\n", w.llURL)
		case kindEdge:
			fmt.Fprintf(&b, "  - name: %s\n    model: %s\n    hops:\n", c.name, orModel(c.model))
			fmt.Fprintf(&b, "      - {name: edge, type: reverse-proxy, url: %q}\n", w.edgeURL)
		case kindDirect:
			fmt.Fprintf(&b, "  - name: %s\n    model: %s\n    hops:\n", c.name, orModel(c.model))
		}
		b.WriteString(orHop)
	}
	return []byte(b.String())
}

// env is the CI job's environment for the generated config.
func (w *world) env() map[string]string {
	return map[string]string{"LITELLM_KEY": w.master, "OPENROUTER_API_KEY": w.orKey, trust.AllowEnv: sim.LoopbackNet}
}

// writeSetup writes hopcheck.yml, bench.env (the variables the config
// reads; fake keys) and the proxy's litellm-config.yaml into dir.
func (w *world) writeSetup(dir string, cs []benchChain, timeout time.Duration) (string, error) {
	path := filepath.Join(dir, "hopcheck.yml")
	if err := os.WriteFile(path, w.config(cs, timeout), 0o600); err != nil {
		return "", err
	}
	var env strings.Builder
	env.WriteString("# Fake keys of the simulator (not credentials).\n")
	for _, k := range []string{"LITELLM_KEY", "OPENROUTER_API_KEY", trust.AllowEnv} {
		fmt.Fprintf(&env, "%s=%s\n", k, w.env()[k])
	}
	if err := os.WriteFile(filepath.Join(dir, "bench.env"), []byte(env.String()), 0o600); err != nil {
		return "", err
	}
	return path, os.WriteFile(filepath.Join(dir, "litellm-config.yaml"), liteLLMConfig(w.orUp), 0o600)
}

// planned is one request: what it is (method, URL, the key it carries
// and, for canaries, the model), its simulated duration, the hops it
// crosses (hopcheck starts those crossing most first), the origin it is
// sent to and the requests it causes at each simulated server (a proxy's
// upstream call included).
type planned struct {
	id     string
	d      time.Duration
	hops   int
	origin string
	at     counts
}

// perChain is what a chain-by-chain preflight sends for cs, in order
// (checks.run.plan per chain: each hop's key check with the key the job
// holds, a reverse proxy's key check of the hop behind it, then the
// canary). Chains that share a hop repeat its key check.
func (w *world) perChain(cs []benchChain) []planned {
	L := w.latency
	orKey := planned{"GET " + w.orBase + "/key (openrouter key)", L, 1, "openrouter", counts{OR: 1}}
	var p []planned
	for _, c := range cs {
		switch c.kind {
		case kindLiteLLM:
			p = append(p, planned{"GET " + w.llURL + "/v1/models (litellm key)", L, 1, "litellm", counts{LiteLLM: 1}}, orKey,
				planned{"POST " + w.llURL + "/v1/chat/completions " + liteLLMModel(c.model), 2 * L, 2, "litellm", counts{LiteLLM: 1, OR: 1}})
		case kindEdge:
			p = append(p, planned{"GET " + w.edgeURL + "/key (openrouter key)", 2 * L, 2, "edge", counts{Edge: 1, OR: 1}}, orKey,
				planned{"POST " + w.edgeURL + "/chat/completions " + orModel(c.model), 2 * L, 2, "edge", counts{Edge: 1, OR: 1}})
		case kindDirect:
			p = append(p, orKey, planned{"POST " + w.orBase + "/chat/completions " + orModel(c.model), L, 1, "openrouter", counts{OR: 1}})
		}
	}
	return p
}

// plan is the requests hopcheck sends for cs, in the order it starts them:
// perChain with every repeat of an earlier identical request dropped
// (checks.execute sends identical requests once and shares the result).
// It drives the ideal-schedule computation and the expected counts, which
// the benchmark checks against what the simulator received.
func (w *world) plan(cs []benchChain) []planned {
	return dedup(w.perChain(cs))
}

// dedup keeps the first of each run of identical requests, in order.
func dedup(p []planned) []planned {
	seen := map[string]bool{}
	var out []planned
	for _, x := range p {
		if !seen[x.id] {
			seen[x.id] = true
			out = append(out, x)
		}
	}
	return out
}

// total is the requests p causes at the simulated servers.
func total(p []planned) counts {
	var c counts
	for _, x := range p {
		c = c.add(x.at)
	}
	return c
}

// work is the sum of the durations of p: the wall time of sending p one
// request after another with zero overhead.
func work(p []planned) time.Duration {
	var d time.Duration
	for _, x := range p {
		d += x.d
	}
	return d
}

// bounds are hopcheck's concurrency settings for one run: the overall
// bound (--concurrency) and the per-origin bound (--origin-concurrency);
// 0 leaves the flag out, so hopcheck's default applies.
type bounds struct{ overall, origin int }

// effective is b with hopcheck's defaults filled in.
func (b bounds) effective() bounds {
	if b.overall <= 0 {
		b.overall = checks.DefaultConcurrency
	}
	if b.origin <= 0 {
		b.origin = checks.DefaultOriginConcurrency
	}
	b.origin = min(b.origin, b.overall)
	return b
}

// args are the flags that set b.
func (b bounds) args() []string {
	var a []string
	if b.overall > 0 {
		a = append(a, "--concurrency", strconv.Itoa(b.overall))
	}
	if b.origin > 0 {
		a = append(a, "--origin-concurrency", strconv.Itoa(b.origin))
	}
	return a
}

func (b bounds) String() string {
	if b == (bounds{}) {
		e := b.effective()
		return fmt.Sprintf("defaults (%d overall, %d per origin)", e.overall, e.origin)
	}
	return strings.Join(b.args(), " ")
}

// idealMakespan is the wall time of ds under the bounds b with zero
// overhead, scheduled as checks.execute does: requests crossing the most
// hops first (stable), and whenever a request finishes, every waiting one
// whose origin and the run have a free slot starts, in that order. It is
// the floor any implementation with these bounds has.
func idealMakespan(ds []planned, b bounds) time.Duration {
	b = b.effective()
	pending := slices.Clone(ds)
	sort.SliceStable(pending, func(i, j int) bool { return pending[i].hops > pending[j].hops })
	type running struct {
		end    time.Duration
		origin string
	}
	var now, end time.Duration
	var run []running
	at := map[string]int{}
	for len(pending) > 0 || len(run) > 0 {
		waiting := pending[:0]
		for _, x := range pending {
			if len(run) < b.overall && at[x.origin] < b.origin {
				run = append(run, running{now + x.d, x.origin})
				at[x.origin]++
				continue
			}
			waiting = append(waiting, x)
		}
		pending = waiting
		// Advance to the next finish and retire everything ending then.
		next := run[0].end
		for _, r := range run {
			next = min(next, r.end)
		}
		now, end = next, max(end, next)
		kept := run[:0]
		for _, r := range run {
			if r.end == now {
				at[r.origin]--
				continue
			}
			kept = append(kept, r)
		}
		run = kept
	}
	return end
}
