package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/cli"
)

func TestIdealMakespan(t *testing.T) {
	// p plans requests of the given milliseconds; hops follow the
	// duration (100 ms a hop), origins are given as "ms@origin".
	p := func(specs ...string) []planned {
		var out []planned
		for _, sp := range specs {
			var ms int
			org := "o"
			if i := strings.IndexByte(sp, '@'); i >= 0 {
				sp, org = sp[:i], sp[i+1:]
			}
			fmt.Sscan(sp, &ms)
			out = append(out, planned{d: time.Duration(ms) * time.Millisecond, hops: ms / 100, origin: org})
		}
		return out
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, tc := range []struct {
		name string
		ds   []planned
		b    bounds
		want time.Duration
	}{
		{"all in flight", p("100", "300", "200"), bounds{3, 3}, ms(300)},
		{"bound larger than jobs", p("100", "300"), bounds{64, 64}, ms(300)},
		{"one slot sums", p("100", "300", "200"), bounds{1, 1}, ms(600)},
		// Longest first, two slots: 300 | 200, then 100 at 200 on the
		// second slot and 100 at 300 on the first: 400.
		{"longest first to the first free slot", p("100", "300", "200", "100"), bounds{2, 2}, ms(400)},
		// One slot per origin: a's two requests run in a row while b's
		// runs beside them.
		{"per-origin bound", p("200@a", "200@a", "200@b"), bounds{8, 1}, ms(400)},
		// The overall bound of 2 lets the third wait although its origin
		// is free: 200, then 200.
		{"overall bound across origins", p("200@a", "200@b", "200@c"), bounds{2, 8}, ms(400)},
		// A full origin is passed over, not waited for: b's request (fewer
		// hops, so last in the order, but the longest) starts at once.
		{"a full origin does not hold up the rest", []planned{{d: ms(300), hops: 2, origin: "a"}, {d: ms(300), hops: 2, origin: "a"},
			{d: ms(700), hops: 1, origin: "b"}}, bounds{8, 1}, ms(700)},
		{"defaults: 32 per origin", p(strings.Split(strings.Repeat("100@a ", 33), " ")[:33]...), bounds{}, ms(200)},
		{"empty", nil, bounds{}, 0},
	} {
		if got := idealMakespan(tc.ds, tc.b); got != tc.want {
			t.Errorf("%s: idealMakespan = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestChainsCycleShapesAndModels(t *testing.T) {
	cs := chains(24)
	n := map[kind]int{}
	models := map[kind]map[int]bool{}
	for i, c := range cs {
		n[c.kind]++
		if models[c.kind] == nil {
			models[c.kind] = map[int]bool{}
		}
		models[c.kind][c.model] = true
		if i > 0 && cs[i-1].kind > c.kind {
			t.Fatalf("chains not grouped by shape: %v before %v", cs[i-1], c)
		}
	}
	for k := kindLiteLLM; k <= kindDirect; k++ {
		if n[k] != 8 || len(models[k]) != 8 {
			t.Errorf("shape %s: %d chains over %d models, want 8 over 8", kindNames[k], n[k], len(models[k]))
		}
	}
	if got := chains(1); len(got) != 1 || got[0].kind != kindLiteLLM {
		t.Errorf("chains(1) = %v, want one litellm chain (the slowest shape)", got)
	}
}

func TestDedupKeepsFirstOfEachInOrder(t *testing.T) {
	p := []planned{{id: "a"}, {id: "b"}, {id: "a"}, {id: "c"}, {id: "b"}}
	var got []string
	for _, x := range dedup(p) {
		got = append(got, x.id)
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("dedup = %v, want a,b,c", got)
	}
}

func TestRequestSetDiff(t *testing.T) {
	a := requestSet{"x": 1, "y": 2}
	if d := a.diff(requestSet{"y": 2, "x": 1}, 5); d != "" {
		t.Errorf("equal sets differ: %s", d)
	}
	d := a.diff(requestSet{"x": 1, "y": 1, "z": 1}, 5)
	if !strings.Contains(d, "y: 2, want 1") || !strings.Contains(d, "z: 0, want 1") || strings.Contains(d, "x:") {
		t.Errorf("diff = %q", d)
	}
}

// runInProcess runs hopcheck (in process, --concurrency 64) on a config for
// cs written with hopcheck's default timeout, checks that every chain
// passes and that no key is printed, and returns what the servers received.
func runInProcess(t *testing.T, w *world, cs []benchChain) (counts, requestSet) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := w.writeSetup(dir, cs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if y, _ := os.ReadFile(cfg); strings.Contains(string(y), "timeout") {
		t.Fatalf("config written with timeout 0 names a timeout:\n%s", y)
	}
	env := w.env()
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "report.json")
	w.resetCounts()
	code := cli.Main(context.Background(), []string{"check", "--config", cfg, "--format", "json", "--output", out, "--concurrency", "64"},
		cli.Env{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, Stdout: &stdout, Stderr: &stderr, Dir: dir})
	if code != 0 {
		t.Fatalf("hopcheck exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "pass" || len(rep.Chains) != len(cs) {
		t.Fatalf("report: status %s with %d chains, want pass with %d", rep.Status, len(rep.Chains), len(cs))
	}
	for _, s := range []string{w.orKey, w.master} {
		if strings.Contains(stdout.String()+stderr.String()+string(data), s) {
			t.Error("a key appears in hopcheck's output")
		}
	}
	return w.counts(), w.requests()
}

// TestPlanMatchesHopcheck runs hopcheck on a generated config and checks
// that it sends exactly the requests the benchmark's plan (ideal schedule,
// expected counts) assumes: identical key checks shared by chains once.
// If the engine changes what it sends, the benchmark's model must change
// with it.
func TestPlanMatchesHopcheck(t *testing.T) {
	w, err := startWorld(0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	cs := chains(9)
	got, seen := runInProcess(t, w, cs)
	plan := w.plan(cs)
	if want := total(plan); got != want {
		t.Errorf("requests at litellm/edge/openrouter = %s, want %s (the bench's plan)", got, want)
	}
	// 3 chains per shape: the litellm key, the openrouter key and the key
	// check through edge once each, plus 9 canaries; each litellm and edge
	// request also reaches openrouter.
	if want := (counts{LiteLLM: 1 + 3, Edge: 1 + 3, OR: 1 + 3 + 1 + 3 + 3}); got != want {
		t.Errorf("requests at litellm/edge/openrouter = %s, want %s", got, want)
	}
	if len(plan) != 12 {
		t.Errorf("plan has %d requests, want 12", len(plan))
	}
	naive := w.perChain(cs)
	if len(naive) != 3*3+3*3+3*2 || total(naive) != (counts{LiteLLM: 6, Edge: 6, OR: 21}) {
		t.Errorf("per-chain plan: %d requests, %s at the servers; want 24, 6/6/21", len(naive), total(naive))
	}
	for sig, n := range seen {
		if strings.HasPrefix(sig, "litellm GET") || strings.HasPrefix(sig, "edge GET") {
			if n != 1 {
				t.Errorf("%s arrived %d times, want once", sig, n)
			}
		}
	}
}

// TestPreflightSendsTheSameRequests runs hopcheck and then bench/preflight.sh
// against the simulator: every request of the script must succeed and the
// servers must receive exactly the same requests (endpoint, model, key and
// count) from both; with PER_CHAIN=1 the script repeats the key checks per
// chain.
func TestPreflightSendsTheSameRequests(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed (apt-get install curl)")
	}
	w, err := startWorld(0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	cs := chains(9)
	_, hop := runInProcess(t, w, cs)
	script, err := filepath.Abs("preflight.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, perChain := range []bool{false, true} {
		want := w.plan(cs)
		if perChain {
			want = w.perChain(cs)
		}
		w.resetCounts()
		p, err := runProc(context.Background(), time.Minute, t.TempDir(), envList(preflightEnv(w, cs, 5*time.Second, perChain)), bash, script)
		if err != nil {
			t.Fatal(err)
		}
		if p.Exit != 0 {
			t.Fatalf("PER_CHAIN=%v preflight.sh exit %d:\n%s%s", perChain, p.Exit, p.Stdout, p.Stderr)
		}
		if got := w.counts(); got != total(want) {
			t.Errorf("PER_CHAIN=%v: requests at litellm/edge/openrouter = %s, want %s", perChain, got, total(want))
		}
		if n := strings.Count(string(p.Stdout), "ok    "); n != len(want) {
			t.Errorf("PER_CHAIN=%v: preflight.sh reported %d successful requests, want %d:\n%s", perChain, n, len(want), p.Stdout)
		}
		if !perChain {
			if d := w.requests().diff(hop, 10); d != "" {
				t.Errorf("preflight.sh (n) and hopcheck (want) sent different requests: %s", d)
			}
		}
		if strings.Contains(string(p.Stdout)+string(p.Stderr), w.orKey) || strings.Contains(string(p.Stdout)+string(p.Stderr), w.master) {
			t.Error("preflight.sh printed a key")
		}
	}
}

func TestOpenClawConfigPointsAtSimulator(t *testing.T) {
	b, err := openclawConfig("http://127.0.0.1:1234/api/v1", "/tmp/x.log", 3)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Agents struct {
			Defaults struct {
				Model struct {
					Primary   string   `json:"primary"`
					Fallbacks []string `json:"fallbacks"`
				} `json:"model"`
			} `json:"defaults"`
		} `json:"agents"`
		Models struct {
			Providers map[string]struct {
				BaseURL string `json:"baseUrl"`
			} `json:"providers"`
		} `json:"models"`
		Tools struct {
			Web struct {
				Search struct {
					Enabled bool `json:"enabled"`
				} `json:"search"`
			} `json:"web"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if got := cfg.Models.Providers["openrouter"].BaseURL; got != "http://127.0.0.1:1234/api/v1" {
		t.Errorf("openrouter baseUrl = %q", got)
	}
	if m := cfg.Agents.Defaults.Model; m.Primary != "openrouter/bench/model-01" || len(m.Fallbacks) != 2 {
		t.Errorf("model = %+v, want primary openrouter/bench/model-01 and 2 fallbacks", m)
	}
	if cfg.Tools.Web.Search.Enabled {
		t.Error("web search must be off (it installs a plugin from clawhub.ai)")
	}
}

// The commands -serve prints run hopcheck on the simulator from wherever
// they are pasted (here: the module root, where `go run ./bench -serve`
// runs), although hopcheck refuses a config outside its working directory.
func TestServeHintRuns(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	w, err := startWorld(0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	dir := filepath.Join(t.TempDir(), "it's here") // a path the shell must quote
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	root, err := moduleRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := &bench{opt: options{short: true}, root: root, dir: dir, log: io.Discard}
	if err := b.build(context.Background(), &results{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.writeSetup(dir, chains(3), 8*time.Second); err != nil {
		t.Fatal(err)
	}
	hint := serveHint(dir, b.bin)
	if !strings.Contains(hint, "./hopcheck check --config hopcheck.yml") {
		t.Errorf("hint does not run the binary built in the directory:\n%s", hint)
	}
	cmd := exec.Command("bash", "-euc", hint)
	cmd.Dir = root
	// Only what a shell needs: the keys come from bench.env.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the hint failed: %v\n%s\n%s", err, hint, out)
	}
	if !strings.Contains(string(out), "hopcheck: PASS (3 chains passed)") {
		t.Errorf("hopcheck did not report the chains passing:\n%s", out)
	}
	for _, k := range []string{w.orKey, w.master} {
		if strings.Contains(string(out), k) {
			t.Error("a key appears in hopcheck's output")
		}
	}
}
