package checks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// gauge counts the requests in flight at one or more fake servers and
// keeps the maximum it saw.
type gauge struct {
	mu       sync.Mutex
	now, max int
	done     int
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
	g.done++
	g.mu.Unlock()
}

func (g *gauge) read() (now, maxSeen, done int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.now, g.max, g.done
}

// server is a fake origin: it counts its requests into every gauge and,
// when gate is not nil, holds each until it takes a token from gate (or
// the test ends).
func server(t *testing.T, gate chan struct{}, gs ...*gauge) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, g := range gs {
			g.enter()
		}
		defer func() {
			for _, g := range gs {
				g.leave()
			}
		}()
		if gate != nil {
			select {
			case <-gate:
			case <-stop:
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: no handler keeps Close waiting
	return srv
}

// requests plans n distinct GETs to base (distinct paths, so none is
// de-duplicated), each with its own result slot.
func requests(r *run, base string, n int) ([]job, []*probe.Result) {
	res := make([]*probe.Result, n)
	jobs := make([]job, n)
	for i := range jobs {
		jobs[i] = job{r: r, req: probe.Request{Method: http.MethodGet, URL: fmt.Sprintf("%s/r/%d", base, i)}, into: &res[i]}
	}
	return jobs, res
}

// waitFor polls cond until it holds; the limit only keeps a broken
// scheduler from hanging the test, it measures nothing.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func allAnswered(t *testing.T, name string, res []*probe.Result) {
	t.Helper()
	for i, r := range res {
		if r == nil || r.Status != http.StatusNoContent {
			t.Errorf("%s request %d: %+v, want HTTP 204", name, i, r)
		}
	}
}

func testRun() *run {
	return &run{c: &chain.Chain{Name: "t", Timeout: time.Minute}}
}

func testOptions(overall, perOrigin int) Options {
	sc := &secret.Scrubber{}
	o := Options{Scrubber: sc, Client: probe.New(sc), Concurrency: overall, OriginConcurrency: perOrigin}
	o.Client.MaxRetries = 0
	return o
}

// Many requests to a slow origin never have more than the per-origin bound
// in flight there, and they do not hold up the requests to another origin,
// although the slow origin's requests come first in the order.
func TestOriginBoundHoldsWhileOtherOriginsProceed(t *testing.T) {
	var slow, fast gauge
	gate := make(chan struct{})
	slowSrv := server(t, gate, &slow)
	fastSrv := server(t, nil, &fast)
	r := testRun()
	slowJobs, slowRes := requests(r, slowSrv.URL, 12)
	fastJobs, fastRes := requests(r, fastSrv.URL, 6)

	const perOrigin = 3
	done := make(chan struct{})
	go func() {
		execute(context.Background(), append(slowJobs, fastJobs...), testOptions(16, perOrigin))
		close(done)
	}()
	// While the slow origin holds its first requests, every request to
	// the fast one is answered; the slow origin fills up to its bound.
	waitFor(t, "the fast origin's requests", func() bool { _, _, n := fast.read(); return n == len(fastJobs) })
	if _, _, n := slow.read(); n != 0 {
		t.Fatalf("slow origin: %d answered before it was let go", n)
	}
	waitFor(t, "the slow origin's bound to fill", func() bool { now, _, _ := slow.read(); return now == perOrigin })
	close(gate)
	<-done
	if _, m, n := slow.read(); m != perOrigin || n != len(slowJobs) {
		t.Errorf("slow origin: at most %d in flight, %d answered; want at most %d (the bound, reached), %d answered", m, n, perOrigin, len(slowJobs))
	}
	allAnswered(t, "slow", slowRes)
	allAnswered(t, "fast", fastRes)
}

// The overall bound holds across origins, each of which has room left
// under its own bound; requests start as slots free up, one by one.
func TestOverallBoundHolds(t *testing.T) {
	const overall, perOrigin, each = 5, 4, 6
	var total gauge
	gate := make(chan struct{})
	var jobs []job
	var results [][]*probe.Result
	origins := make([]*gauge, 3)
	r := testRun()
	for i := range origins {
		origins[i] = &gauge{}
		srv := server(t, gate, &total, origins[i])
		js, res := requests(r, srv.URL, each)
		jobs = append(jobs, js...)
		results = append(results, res)
	}
	done := make(chan struct{})
	go func() {
		execute(context.Background(), jobs, testOptions(overall, perOrigin))
		close(done)
	}()
	// Let one request finish at a time once the bound is full (or all
	// the rest are in flight), so every refill is observed.
	for {
		_, _, n := total.read()
		if n == len(jobs) {
			break
		}
		// What can be in flight now: each origin's rest up to its
		// bound, all of it up to the overall bound. Nothing finishes
		// between tokens, so the counts hold still while we wait.
		want := 0
		for _, g := range origins {
			_, _, d := g.read()
			want += min(perOrigin, each-d)
		}
		want = min(overall, want)
		waitFor(t, fmt.Sprintf("%d requests in flight", want), func() bool { now, _, _ := total.read(); return now >= want })
		gate <- struct{}{}
		waitFor(t, "a request to finish", func() bool { _, _, m := total.read(); return m > n })
	}
	<-done
	if _, m, _ := total.read(); m != overall {
		t.Errorf("at most %d requests in flight overall, want %d (the bound, reached)", m, overall)
	}
	for i, g := range origins {
		if _, m, _ := g.read(); m > perOrigin {
			t.Errorf("origin %d: %d in flight, above its bound %d", i, m, perOrigin)
		}
		allAnswered(t, fmt.Sprintf("origin %d", i), results[i])
	}
	// Longest first, then in plan order: the first origin got its full
	// bound before the overall bound was reached.
	if _, m, _ := origins[0].read(); m != perOrigin {
		t.Errorf("first origin: at most %d in flight, want %d", m, perOrigin)
	}
}

// A request waiting for a slot at its origin does not spend its budget
// (timeout + 1 s from its start): one slot per origin, seven requests of
// 300 ms to it — 2.1 s in a row — and a 500 ms timeout pass.
func TestOriginQueueingDoesNotEatTheTimeout(t *testing.T) {
	key := sim.FakeOpenRouterKey("origin-queue")
	or := sim.NewOpenRouter(key)
	or.Latency = 300 * time.Millisecond
	for i := range 6 {
		or.Models = append(or.Models, sim.Model{ID: fmt.Sprintf("vendor/model-%d", i), ContextLength: 8192})
	}
	srvURL := listen(t, or)
	var b strings.Builder
	b.WriteString("version: 1\ndefaults: {timeout: 500ms, canary: inference}\nchains:\n")
	for i := range 6 {
		fmt.Fprintf(&b, "  - name: c%d\n    model: vendor/model-%d\n    hops:\n      - {name: openrouter, type: openrouter, url: %s/api/v1, key_env: OPENROUTER_API_KEY}\n", i, i, srvURL)
	}
	rep := runConfig(t, b.String(), map[string]string{"OPENROUTER_API_KEY": key}, func(o *Options) { o.OriginConcurrency = 1 })
	if rep.Status != finding.Pass {
		t.Fatalf("requests queued for their origin failed: %+v", rep.Chains)
	}
	if n := len(or.Requests()); n != 7 {
		t.Errorf("%d requests, want 7 (one shared key check, six canaries)", n)
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://OpenRouter.ai/api/v1/chat/completions": "https://openrouter.ai:443",
		"https://openrouter.ai:443/api/v1/key":          "https://openrouter.ai:443",
		"http://127.0.0.1:4000/v1/models":               "http://127.0.0.1:4000",
		"http://localhost/v1":                           "http://localhost:80",
		"http://[::1]:8080/v1":                          "http://[::1]:8080",
		"HTTPS://user:pw@api.example.com/v1":            "https://api.example.com:443",
	} {
		if got := origin(in); got != want {
			t.Errorf("origin(%q) = %q, want %q", in, got, want)
		}
	}
	if origin("https://a.example/v1") == origin("http://a.example/v1") || origin("https://a.example:8443/") == origin("https://a.example/") {
		t.Error("scheme and port must tell origins apart")
	}
}

// A chain is judged as soon as its last result arrives, while requests of
// other chains are still in flight, not after the slowest of all.
func TestChainJudgedWhenItsResultsArrive(t *testing.T) {
	gate := make(chan struct{})
	fastSrv, slowSrv := server(t, nil), server(t, gate)
	fast, slow := testRun(), testRun()
	fastJobs, fastRes := requests(fast, fastSrv.URL, 3)
	slowJobs, slowRes := requests(slow, slowSrv.URL, 1)
	jobs := append(slowJobs, fastJobs...)
	for _, j := range jobs {
		j.r.pending.Add(1)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		execute(context.Background(), jobs, testOptions(16, 16))
	}()
	waitFor(t, "the fast chain's verdict", func() bool { return fast.result.Load() != nil })
	if slow.result.Load() != nil {
		t.Fatal("the slow chain was judged before its request was answered")
	}
	close(gate)
	<-done
	if slow.result.Load() == nil {
		t.Fatal("the slow chain was not judged when its result arrived")
	}
	allAnswered(t, "fast", fastRes)
	allAnswered(t, "slow", slowRes)
}
