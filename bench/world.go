package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// maxModels is how many models the simulated OpenRouter and LiteLLM serve
// (the largest scaling step).
const maxModels = 64

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
type world struct {
	latency time.Duration
	orKey   string // OPENROUTER_API_KEY, valid at the simulated OpenRouter
	master  string // LITELLM_KEY, the proxy's master key

	or      *sim.OpenRouter
	orBase  string // http://127.0.0.1:P/api/v1
	llURL   string // LiteLLM root
	edgeURL string // reverse proxy, …/api/v1

	// Requests that arrived at each server (the proxies' own upstream
	// calls included in openrouter's count).
	nLiteLLM, nEdge, nOR atomic.Int64
	// seen is every request that arrived, by signature (see signature).
	mu   sync.Mutex
	seen requestSet

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
// simulated per-hop latency.
func (w *world) counted(server string, n *atomic.Int64, d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
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
		h.ServeHTTP(rw, r)
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
	orSrv, err := w.serve(w.counted("openrouter", &w.nOR, 0, w.or))
	if err != nil {
		return nil, err
	}
	w.orBase = orSrv.URL + "/api/v1"

	ll, err := sim.NewLiteLLMFromYAML("litellm-config.yaml", liteLLMConfig(w.orBase),
		map[string]string{"LITELLM_MASTER_KEY": w.master, "OPENROUTER_API_KEY": w.orKey})
	if err != nil {
		return nil, err
	}
	llSrv, err := w.serve(w.counted("litellm", &w.nLiteLLM, latency, ll))
	if err != nil {
		return nil, err
	}
	w.llURL = llSrv.URL

	edge, err := w.serve(w.counted("edge", &w.nEdge, latency, sim.ReverseProxy(orSrv.URL, false)))
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
	return path, os.WriteFile(filepath.Join(dir, "litellm-config.yaml"), liteLLMConfig(w.orBase), 0o600)
}

// planned is one request: what it is (method, URL, the key it carries
// and, for canaries, the model), its simulated duration and the requests
// it causes at each simulated server (a proxy's upstream call included).
type planned struct {
	id string
	d  time.Duration
	at counts
}

// perChain is what a chain-by-chain preflight sends for cs, in order
// (checks.run.plan per chain: each hop's key check with the key the job
// holds, a reverse proxy's key check of the hop behind it, then the
// canary). Chains that share a hop repeat its key check.
func (w *world) perChain(cs []benchChain) []planned {
	L := w.latency
	orKey := planned{"GET " + w.orBase + "/key (openrouter key)", L, counts{OR: 1}}
	var p []planned
	for _, c := range cs {
		switch c.kind {
		case kindLiteLLM:
			p = append(p, planned{"GET " + w.llURL + "/v1/models (litellm key)", L, counts{LiteLLM: 1}}, orKey,
				planned{"POST " + w.llURL + "/v1/chat/completions " + liteLLMModel(c.model), 2 * L, counts{LiteLLM: 1, OR: 1}})
		case kindEdge:
			p = append(p, planned{"GET " + w.edgeURL + "/key (openrouter key)", 2 * L, counts{Edge: 1, OR: 1}}, orKey,
				planned{"POST " + w.edgeURL + "/chat/completions " + orModel(c.model), 2 * L, counts{Edge: 1, OR: 1}})
		case kindDirect:
			p = append(p, orKey, planned{"POST " + w.orBase + "/chat/completions " + orModel(c.model), L, counts{OR: 1}})
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

// idealMakespan is the wall time of ds run in order by c workers with zero
// overhead (the errgroup in checks.Run starts jobs in plan order, each as
// soon as a slot frees): the floor any implementation with this bound has.
func idealMakespan(ds []planned, c int) time.Duration {
	if c <= 0 || c > len(ds) {
		c = len(ds)
	}
	if c == 0 {
		return 0
	}
	free := make([]time.Duration, c) // when each worker is next free
	var end time.Duration
	for _, x := range ds {
		i := 0
		for j := range free {
			if free[j] < free[i] {
				i = j
			}
		}
		free[i] += x.d
		if free[i] > end {
			end = free[i]
		}
	}
	return end
}
