// Command bench measures hopcheck against what users run today, on the
// simulator with an injected per-hop latency:
//
//	go run ./bench            # full: medians of 3, the naive script, the real OpenClaw when installed (a few minutes)
//	go run ./bench -short     # CI: one run each, < 60 s (also BENCH_SHORT=1)
//	go run ./bench -serve     # only the simulator + hopcheck.yml + bench.env + a hopcheck binary, to try by hand
//	go run ./bench -coldstart # only the action step's cold start: prebuilt image vs image: Dockerfile (docker, crane; minutes; not in CI)
//
// It starts a simulated OpenRouter, a LiteLLM proxy and an nginx-like
// reverse proxy on 127.0.0.1, each answering after -latency (so a request
// through a proxy costs two latencies), writes a hopcheck.yml with
// 3 chain shapes × -models models (ci → litellm → openrouter,
// ci → edge → openrouter, ci → openrouter), builds hopcheck as the
// Dockerfile does, and runs side by side: hopcheck (a subprocess: wall
// time, its own CPU time and peak RSS), bench/preflight.sh (sequential
// curl sending the same de-duplicated requests; in full mode also its
// naive variant, PER_CHAIN=1, that repeats every key check per chain) and,
// where installed, the real `openclaw models status --probe --json`
// against the same simulated OpenRouter. The servers record every request
// (endpoint, model, which key) and how many are in flight at each origin,
// so the benchmark checks that hopcheck and the script sent the same
// requests and that hopcheck never had more in flight at an origin than
// its bound. hopcheck runs at its defaults (--concurrency 64 overall,
// --origin-concurrency 32 per origin), with every request in flight, and
// with the former default of one bound of 8; then on 1 to 64 chains. A
// last check runs hopcheck with its defaults (timeout, bounds, no
// --deadline) on enough healthy chains behind one proxy at -queue-latency
// per hop that they queue for their origin longer than one request's
// budget, and fails the run if any of them is reported failing. It prints
// ratios, PASS/FAIL against the targets and Markdown tables for
// docs/benchmark.md; it exits 1 when a run is wrong or hopcheck at its
// defaults misses the 1.3× target (-strict: any target). It is a program,
// not a timed test: the numbers depend on the machine, the ratios much
// less.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// formerDefault is the single bound hopcheck had before it bounded each
// origin: --concurrency 8, measured for comparison.
var formerDefault = bounds{overall: 8}

// targetChains is the scaling step whose ratio at the defaults is a target
// next to the main comparison's: the most chains one run checks.
const targetChains = chain.MaxChains

type options struct {
	short        bool
	latency      time.Duration
	queueLatency time.Duration
	naive        string
	models       int
	runs         int
	timeout      time.Duration
	image        string
	openclaw     string
	binary       string
	keep         bool
	mdFile       string
	strict       bool
	serve        bool
	coldstart    bool
	scaleModels  []int
}

type bench struct {
	opt  options
	root string // module root
	dir  string // work dir: binary, configs, reports
	bin  string
	w    *world
	out  io.Writer
	log  io.Writer
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.short, "short", os.Getenv("BENCH_SHORT") == "1", "short mode for CI: one run each, no OpenClaw unless -openclaw=on (also BENCH_SHORT=1)")
	fs.DurationVar(&o.latency, "latency", 150*time.Millisecond, "simulated latency of each hop, per request")
	fs.DurationVar(&o.queueLatency, "queue-latency", 2*time.Second, "per-hop latency of the check that hopcheck with its defaults passes healthy chains queued for one origin (0: skip it)")
	fs.StringVar(&o.naive, "naive", "auto", "also run the naive per-chain variant of preflight.sh: auto (not with -short), on, off")
	fs.IntVar(&o.models, "models", 8, "models per chain shape (3 shapes)")
	fs.IntVar(&o.runs, "runs", 0, "runs per hopcheck measurement, the median is kept (default 3, 1 with -short)")
	fs.DurationVar(&o.timeout, "timeout", 8*time.Second, "per-request timeout written into hopcheck.yml (hopcheck's default) and used by preflight.sh")
	fs.StringVar(&o.image, "image", "hopcheck:local", "docker image whose size is reported (n/a when absent)")
	fs.StringVar(&o.openclaw, "openclaw", "auto", "run the real OpenClaw probe: auto (when installed, not with -short), on, off")
	fs.StringVar(&o.binary, "binary", "", "use this hopcheck binary instead of building one")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (hopcheck.yml, bench.env, reports)")
	fs.StringVar(&o.mdFile, "md", "", "also write the Markdown tables to this file")
	fs.BoolVar(&o.serve, "serve", false, "only start the simulator, write hopcheck.yml + bench.env for 3 × -models chains, build hopcheck beside them, print the commands to run it and serve until interrupted")
	fs.BoolVar(&o.strict, "strict", false, "exit 1 when any target FAILs (default: when a run is wrong or hopcheck at its defaults misses 1.3× the slowest request)")
	fs.BoolVar(&o.coldstart, "coldstart", false, "only measure the action step's cold start, offline: the prebuilt image pulled from a local registry + run (median of -runs) vs docker build of the Dockerfile + run (once); needs docker and crane; see coldstart.go")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.models < 1 || o.models > maxModels || o.latency < 0 {
		fmt.Fprintf(stderr, "bench: -models must be 1..%d and -latency ≥ 0\n", maxModels)
		return 2
	}
	if o.queueLatency < 0 || 2*o.queueLatency >= chain.DefaultTimeout {
		// Beyond that a request through a proxy no longer fits its own
		// timeout: the chains would not be healthy.
		fmt.Fprintf(stderr, "bench: -queue-latency must be 0 (skip) or below %s (half the default timeout)\n", chain.DefaultTimeout/2)
		return 2
	}
	for name, v := range map[string]string{"openclaw": o.openclaw, "naive": o.naive} {
		switch v {
		case "auto", "on", "off":
		default:
			fmt.Fprintf(stderr, "bench: -%s must be auto, on or off\n", name)
			return 2
		}
	}
	if o.runs <= 0 {
		o.runs = 3
		if o.short {
			o.runs = 1
		}
	}
	o.scaleModels = []int{1, 8, 24, 64}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.coldstart {
		return runColdStart(ctx, o, stdout, stderr)
	}
	b := &bench{opt: o, out: stdout, log: stderr}
	if o.serve {
		if err := b.serve(ctx); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	}
	res, err := b.run(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	if res.broken || res.defaultsFailed || (o.strict && res.failed) {
		return 1
	}
	return 0
}

// results are the measurements the report is made of.
type results struct {
	start        time.Time
	binSize      int64
	buildNote    string
	image        string // size or n/a with the reason
	imageSize    int64  // 0 when unknown
	single       time.Duration
	reqs         int // requests hopcheck sends for the main (3 × models) config
	perChainReqs int // requests of the same config checked chain by chain
	main         []hopcheckRun
	hopReqs      requestSet // what the servers received from hopcheck's first main run
	curl         *proc
	curlCounts   counts
	curlPeaks    peaks
	curlNote     string
	curlWork     time.Duration // zero-overhead sequential time of the plan
	naive        *proc
	naiveCounts  counts
	naivePeaks   peaks
	naiveNote    string
	naiveWork    time.Duration
	oc           *openclawRun
	ocNote       string
	scale        []scaleRow
	queue        *queueRow
	queueNote    string
	allIn        bounds  // every request of the main config in flight
	limit        float64 // the slowest-request ratio this mode fails on (set by evaluate)
	broken       bool    // a run did not do what it must (wrong result, wrong requests, an origin over its bound)
	// requestProblem: hopcheck or preflight.sh did not send the planned
	// requests, or they sent different ones.
	requestProblem bool
	failed         bool // a target FAILed
	// defaultsFailed: hopcheck at its defaults missed targetSlowest.
	defaultsFailed bool
	problems       []string
	mainChains     int
	mainIdeal      map[bounds]time.Duration
	wantReqs       counts // at litellm/edge/openrouter, of the plan
	naiveWant      counts // of the per-chain plan
	benchElapsed   time.Duration
	load           string // "; load average x at start" when known
}

// scaleRow is one scaling step: hopcheck at its defaults, at the former
// default and with every request in flight.
type scaleRow struct {
	chains, requests int
	def, former, all hopcheckRun
	idealDef         time.Duration
	idealFormer      time.Duration
}

// queueRow is the check that hopcheck with its defaults passes healthy
// chains whose requests queue for longer than one request's budget.
type queueRow struct {
	chains   int
	requests int
	latency  time.Duration
	budget   time.Duration // a request's own budget: the default timeout + 1 s
	ideal    time.Duration // zero-overhead schedule at the default bounds
	run      hopcheckRun
	pass     bool
}

func (b *bench) progress(format string, a ...any) {
	fmt.Fprintf(b.log, "· "+format+"\n", a...)
}

func (r *results) problem(format string, a ...any) {
	r.broken = true
	r.problems = append(r.problems, fmt.Sprintf(format, a...))
}

// mismatch is a problem with the requests a tool sent.
func (r *results) mismatch(format string, a ...any) {
	r.requestProblem = true
	r.problem(format, a...)
}

func (b *bench) run(ctx context.Context) (*results, error) {
	r := &results{start: time.Now(), mainIdeal: map[bounds]time.Duration{}}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(la)); len(f) > 0 {
			r.load = "; load average " + f[0] + " at start"
		}
	}
	var err error
	if b.root, err = moduleRoot(ctx); err != nil {
		return nil, err
	}
	if b.dir, err = os.MkdirTemp("", "hopcheck-bench-"); err != nil {
		return nil, err
	}
	if b.opt.keep {
		fmt.Fprintf(b.log, "· work directory (kept): %s\n", b.dir)
	} else {
		defer os.RemoveAll(b.dir)
	}

	if err := b.build(ctx, r); err != nil {
		return nil, err
	}
	b.progress("starting the simulator (%s per hop)", b.opt.latency)
	if b.w, err = startWorld(b.opt.latency); err != nil {
		return nil, err
	}
	defer b.w.close()
	// Warm up: page in the binary, the loopback stack, the servers.
	if _, err := runProc(ctx, time.Minute, b.dir, envList(nil), b.bin, "version"); err != nil {
		return nil, err
	}
	if _, err := b.singleRequest(ctx, 2); err != nil {
		return nil, err
	}
	n := 7
	if b.opt.short {
		n = 3
	}
	if r.single, err = b.singleRequest(ctx, n); err != nil {
		return nil, err
	}
	b.progress("slowest single request (canary through litellm → openrouter) alone: %s", round(r.single))

	// The main comparison: 3 shapes × models.
	cs := chains(3 * b.opt.models)
	r.mainChains = len(cs)
	mainDir := filepath.Join(b.dir, fmt.Sprintf("main-%d", len(cs)))
	if err := os.MkdirAll(mainDir, 0o700); err != nil {
		return nil, err
	}
	cfg, err := b.w.writeSetup(mainDir, cs, b.opt.timeout)
	if err != nil {
		return nil, err
	}
	plan, naive := b.w.plan(cs), b.w.perChain(cs)
	r.reqs, r.perChainReqs = len(plan), len(naive)
	r.wantReqs, r.naiveWant = total(plan), total(naive)
	r.curlWork, r.naiveWork = work(plan), work(naive)
	n = min(len(plan), 256)
	r.allIn = bounds{n, n}
	for _, bo := range []bounds{{}, r.allIn, formerDefault} {
		hr, err := b.measureHopcheck(ctx, cfg, len(cs), bo)
		if err != nil {
			return nil, err
		}
		b.verify(r, hr, r.wantReqs)
		if r.hopReqs == nil {
			r.hopReqs = hr.Seen
		} else if d := hr.Seen.diff(r.hopReqs, 5); d != "" {
			r.mismatch("hopcheck %s sent other requests than at %s: %s", bo, r.main[0].Bounds, d)
		}
		r.main = append(r.main, hr)
		r.mainIdeal[bo] = idealMakespan(plan, bo)
	}
	b.runCurlStep(ctx, r, cs)
	b.runOpenClawStep(ctx, r)

	// Scaling: 1 → 64 models.
	for _, nChains := range b.opt.scaleModels {
		cs := chains(nChains)
		dir := filepath.Join(b.dir, fmt.Sprintf("scale-%d", nChains))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		cfg, err := b.w.writeSetup(dir, cs, b.opt.timeout)
		if err != nil {
			return nil, err
		}
		plan := b.w.plan(cs)
		row := scaleRow{chains: nChains, requests: len(plan), idealDef: idealMakespan(plan, bounds{}), idealFormer: idealMakespan(plan, formerDefault)}
		// Bounds no smaller than the plan schedule alike: measure once.
		done := map[bounds]hopcheckRun{}
		for _, x := range []struct {
			into *hopcheckRun
			bo   bounds
		}{{&row.def, bounds{}}, {&row.former, formerDefault}, {&row.all, bounds{min(len(plan), 256), min(len(plan), 256)}}} {
			e := x.bo.effective()
			key := bounds{min(e.overall, len(plan)), min(e.origin, len(plan))}
			if hr, ok := done[key]; ok {
				*x.into = hr
				continue
			}
			hr, err := b.measureHopcheck(ctx, cfg, nChains, x.bo)
			if err != nil {
				return nil, err
			}
			b.verify(r, hr, total(plan))
			*x.into, done[key] = hr, hr
		}
		r.scale = append(r.scale, row)
	}
	if err := b.queueStep(ctx, r); err != nil {
		return nil, err
	}
	b.imageSize(ctx, r)
	r.benchElapsed = time.Since(r.start)
	b.print(r)
	return r, nil
}

// measureHopcheck runs hopcheck opt.runs times (at its defaults, whose
// ratio is a target, at least 5 times: on a loaded machine one slow process
// start is enough to miss it) and keeps the median run.
func (b *bench) measureHopcheck(ctx context.Context, cfg string, nChains int, bo bounds) (hopcheckRun, error) {
	n := b.opt.runs
	if bo == (bounds{}) {
		n = max(n, 5)
	}
	var walls []string
	hr, err := bestOf(n, func(r hopcheckRun) time.Duration { return r.Wall }, func() (hopcheckRun, error) {
		hr, err := b.runHopcheck(ctx, b.w, cfg, nChains, bo)
		walls = append(walls, round(hr.Wall))
		return hr, err
	})
	b.progress("hopcheck, %d chains, %s: %s (median of %s)", nChains, bo, round(hr.Wall), strings.Join(walls, ", "))
	return hr, err
}

// verify records a problem when a run did not pass every chain, did not
// send exactly the planned requests or had more requests in flight at an
// origin than its bound.
func (b *bench) verify(r *results, hr hopcheckRun, want counts) {
	if !hr.ok() {
		r.problem("hopcheck %s on %d chains: exit %d, status %s (%s): %s",
			hr.Bounds, hr.Chains, hr.Exit, hr.Status, hr.causeSummary(), firstLine(hr.Stderr))
	}
	if hr.Requests != want {
		r.mismatch("hopcheck %s on %d chains sent litellm/edge/openrouter %s requests, want %s",
			hr.Bounds, hr.Chains, hr.Requests, want)
	}
	e := hr.Bounds.effective()
	if p := hr.Peaks; p.max() > e.origin {
		r.problem("hopcheck %s on %d chains had litellm/edge/openrouter %s requests in flight at once, above its per-origin bound of %d",
			hr.Bounds, hr.Chains, p, e.origin)
	}
}

func (b *bench) build(ctx context.Context, r *results) error {
	if b.opt.binary != "" {
		abs, err := filepath.Abs(b.opt.binary)
		if err != nil {
			return err
		}
		b.bin = abs
		r.buildNote = "given with -binary"
	} else {
		b.bin = filepath.Join(b.dir, "hopcheck")
		// The Dockerfile's flags. Short mode drops -trimpath: it changes
		// every compile's cache key, so a CI machine whose cache is warm
		// from `go test` would recompile everything (~50 s on 2 cores);
		// without it the binary is ~12 KB larger.
		args := []string{"build", "-trimpath", "-tags", "nethttpomithttp2", "-ldflags", "-s -w -X github.com/hopcheck/hopcheck/internal/version.Version=bench", "-o", b.bin, "./cmd/hopcheck"}
		r.buildNote = `CGO_ENABLED=0 go build -trimpath -tags nethttpomithttp2 -ldflags "-s -w", as in the Dockerfile`
		if b.opt.short {
			args = append(args[:1], args[2:]...)
			r.buildNote = `CGO_ENABLED=0 go build -tags nethttpomithttp2 -ldflags "-s -w"; the Dockerfile adds -trimpath, ~12 KB less`
		}
		b.progress("building hopcheck (%s)", r.buildNote)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = b.root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("go build ./cmd/hopcheck: %v\n%s", err, out)
		}
	}
	st, err := os.Stat(b.bin)
	if err != nil {
		return err
	}
	r.binSize = st.Size()
	return nil
}

// preflightEnv is preflight.sh's environment for cs on w.
func preflightEnv(w *world, cs []benchChain, timeout time.Duration, perChain bool) map[string]string {
	var lm, em, dm []string
	for _, c := range cs {
		switch c.kind {
		case kindLiteLLM:
			lm = append(lm, liteLLMModel(c.model))
		case kindEdge:
			em = append(em, orModel(c.model))
		case kindDirect:
			dm = append(dm, orModel(c.model))
		}
	}
	env := w.env()
	env["LITELLM_URL"], env["EDGE_URL"], env["OPENROUTER_URL"] = w.llURL, w.edgeURL, w.orBase
	env["LITELLM_MODELS"], env["EDGE_MODELS"], env["DIRECT_MODELS"] = strings.Join(lm, " "), strings.Join(em, " "), strings.Join(dm, " ")
	env["TIMEOUT"] = strconv.Itoa(int(max(timeout.Seconds(), 1)))
	if perChain {
		env["PER_CHAIN"] = "1"
	}
	return env
}

// runCurlStep runs preflight.sh, which must send exactly hopcheck's
// requests, and (full mode or -naive=on) its naive per-chain variant.
func (b *bench) runCurlStep(ctx context.Context, r *results, cs []benchChain) {
	if _, err := exec.LookPath("curl"); err != nil {
		r.curlNote = "curl: not installed (apt-get install curl), skipped"
		r.naiveNote = r.curlNote
		fmt.Fprintln(b.out, r.curlNote)
		return
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		r.curlNote = "curl: bash not installed, skipped"
		r.naiveNote = r.curlNote
		fmt.Fprintln(b.out, r.curlNote)
		return
	}
	script := filepath.Join(b.root, "bench", "preflight.sh")
	b.progress("sequential curl: bench/preflight.sh, %d chains, %d requests", len(cs), r.reqs)
	b.w.resetCounts()
	p, err := runProc(ctx, 10*time.Minute, b.dir, envList(preflightEnv(b.w, cs, b.opt.timeout, false)), bash, script)
	r.curlCounts, r.curlPeaks = b.w.counts(), b.w.inflight()
	if err != nil {
		r.problem("preflight.sh: %v", err)
		return
	}
	if p.Exit != 0 {
		r.problem("preflight.sh exited %d: %s", p.Exit, firstLine(p.Stdout))
	}
	if r.curlCounts != r.wantReqs {
		r.mismatch("preflight.sh sent litellm/edge/openrouter %s requests, hopcheck's plan %s", r.curlCounts, r.wantReqs)
	}
	if d := b.w.requests().diff(r.hopReqs, 5); d != "" {
		r.mismatch("preflight.sh did not send the requests hopcheck sent (preflight.sh: n, hopcheck: want): %s", d)
	}
	r.curl = &p

	switch {
	case b.opt.naive == "off":
		r.naiveNote = "off (-naive=off)"
		return
	case b.opt.naive == "auto" && b.opt.short:
		r.naiveNote = "full mode only (-naive=on runs it)"
		return
	}
	b.progress("naive sequential curl: PER_CHAIN=1 bench/preflight.sh, %d chains, %d requests", len(cs), r.perChainReqs)
	b.w.resetCounts()
	np, err := runProc(ctx, 10*time.Minute, b.dir, envList(preflightEnv(b.w, cs, b.opt.timeout, true)), bash, script)
	r.naiveCounts, r.naivePeaks = b.w.counts(), b.w.inflight()
	if err != nil {
		r.problem("PER_CHAIN=1 preflight.sh: %v", err)
		return
	}
	if np.Exit != 0 {
		r.problem("PER_CHAIN=1 preflight.sh exited %d: %s", np.Exit, firstLine(np.Stdout))
	}
	if r.naiveCounts != r.naiveWant {
		r.problem("PER_CHAIN=1 preflight.sh sent litellm/edge/openrouter %s requests, want %s", r.naiveCounts, r.naiveWant)
	}
	r.naive = &np
}

func (b *bench) runOpenClawStep(ctx context.Context, r *results) {
	if b.opt.openclaw == "off" {
		r.ocNote = "openclaw: off (-openclaw=off), skipped"
		fmt.Fprintln(b.out, r.ocNote)
		return
	}
	oc, found := findOpenClaw()
	switch {
	case !found:
		r.ocNote = "openclaw: not installed, skipped"
		if b.opt.openclaw == "on" {
			r.problem("openclaw: -openclaw=on but no install found (HOPCHECK_OPENCLAW_DIR, ~/.cache/hopcheck-openclaw, PATH)")
		}
		fmt.Fprintln(b.out, r.ocNote)
		return
	case b.opt.short && b.opt.openclaw == "auto":
		r.ocNote = "openclaw: installed, skipped in short mode (-openclaw=on runs it)"
		fmt.Fprintln(b.out, r.ocNote)
		return
	}
	b.progress("openclaw models status --probe --json (%s), %d models configured", oc.where, b.opt.models)
	or, err := b.runOpenClaw(ctx, oc, b.opt.models)
	r.oc = &or
	if err != nil {
		r.ocNote = fmt.Sprintf("openclaw: %v", err)
		r.problem("%s", r.ocNote)
		return
	}
	if !or.ok() {
		r.problem("openclaw: exit %d, %d targets, statuses %v: %s", or.Exit, or.Targets, or.Statuses, firstLine(or.Stderr))
	}
}

// queueStep checks that queueing for a slot never turns into a false
// failure: hopcheck with its defaults (no timeout in the config, no
// bounds, no --deadline) on as many healthy chains as one run checks, all
// through the LiteLLM proxy at -queue-latency per hop, so that their
// requests take longer to get through the per-origin bound than one
// request's own budget (the default timeout + 1 s; at 2 s per hop: two
// waves of 4 s canaries, then the proxy's key check, 10 s). Every chain
// must pass, and the proxy's origin must have seen its bound reached but
// never exceeded; otherwise it is a problem (exit 1).
func (b *bench) queueStep(ctx context.Context, r *results) error {
	if b.opt.queueLatency <= 0 {
		r.queueNote = "skipped (-queue-latency 0)"
		return nil
	}
	w, err := startWorld(b.opt.queueLatency)
	if err != nil {
		return err
	}
	defer w.close()
	budget := chain.DefaultTimeout + time.Second
	perOrigin := bounds{}.effective().origin
	cs := chainsOf(kindLiteLLM, chain.MaxChains)
	plan := w.plan(cs)
	dir := filepath.Join(b.dir, "queue")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	cfg, err := w.writeSetup(dir, cs, 0)
	if err != nil {
		return err
	}
	q := &queueRow{chains: len(cs), requests: len(plan), latency: w.latency, budget: budget, ideal: idealMakespan(plan, bounds{})}
	b.progress("queue: hopcheck with its defaults, %d chains through litellm, %s per hop (ideal %s, a request's budget %s)",
		len(cs), w.latency, round(q.ideal), round(q.budget))
	if q.run, err = b.runHopcheck(ctx, w, cfg, len(cs), bounds{}); err != nil {
		return err
	}
	q.pass = q.run.ok()
	if !q.pass {
		r.problem("hopcheck with its defaults on %d healthy chains at %s per hop: exit %d, status %s (%s): %s",
			len(cs), w.latency, q.run.Exit, q.run.Status, q.run.causeSummary(), firstLine(q.run.Stderr))
	}
	if q.run.Requests != total(plan) {
		r.problem("hopcheck with its defaults on %d chains sent litellm/edge/openrouter %s requests, want %s", len(cs), q.run.Requests, total(plan))
	}
	if got := q.run.Peaks.LiteLLM; got != min(perOrigin, len(cs)+1) {
		r.problem("hopcheck with its defaults on %d chains through litellm had at most %d requests in flight there, want its per-origin bound %d",
			len(cs), got, perOrigin)
	}
	r.queue = q
	return nil
}

func (b *bench) imageSize(ctx context.Context, r *results) {
	r.image = "n/a"
	if _, err := exec.LookPath("docker"); err != nil {
		r.image = "n/a (docker not installed)"
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "image", "inspect", "--format", "{{.Size}}", b.opt.image).Output()
	if err != nil {
		r.image = fmt.Sprintf("n/a (no image %s)", b.opt.image)
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		r.image = fmt.Sprintf("n/a (docker: %s)", firstLine(out))
		return
	}
	r.imageSize = n
	r.image = fmt.Sprintf("%s (%s)", mib(n), b.opt.image)
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the benchmark inside the hopcheck module (go run ./bench)")
	}
	root := filepath.Dir(mod)
	if _, err := os.Stat(filepath.Join(root, "bench", "preflight.sh")); err != nil {
		return "", fmt.Errorf("bench/preflight.sh not found under %s", root)
	}
	return root, nil
}

func uniq(xs ...int) []int {
	var out []int
	seen := map[int]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func platform() string {
	return fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}

// serve starts the simulator and writes the setup for 3 × models chains,
// then waits for an interrupt: for trying hopcheck or preflight.sh by hand.
func (b *bench) serve(ctx context.Context) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hopcheck-bench-serve-")
	if err != nil {
		return err
	}
	if !b.opt.keep {
		defer os.RemoveAll(dir)
	}
	// hopcheck reads files only inside its working directory, so the
	// commands run it from dir, with a binary built there (quickly: the
	// flags of -short).
	b.root, b.dir = root, dir
	b.opt.short = true
	if err := b.build(ctx, &results{}); err != nil {
		return err
	}
	if b.w, err = startWorld(b.opt.latency); err != nil {
		return err
	}
	defer b.w.close()
	cs := chains(3 * b.opt.models)
	cfg, err := b.w.writeSetup(dir, cs, b.opt.timeout)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "simulator up (%s per hop); %d chains in %s\n\n", b.opt.latency, len(cs), cfg)
	fmt.Fprint(b.out, serveHint(dir, b.bin))
	env := preflightEnv(b.w, cs, b.opt.timeout, false)
	fmt.Fprintf(b.out, "LITELLM_URL=%s EDGE_URL=%s OPENROUTER_URL=%s LITELLM_MODELS='%s' EDGE_MODELS='%s' DIRECT_MODELS='%s' bash %s   # PER_CHAIN=1: the naive variant\n\nCtrl-C stops.\n",
		env["LITELLM_URL"], env["EDGE_URL"], env["OPENROUTER_URL"], env["LITELLM_MODELS"], env["EDGE_MODELS"], env["DIRECT_MODELS"], filepath.Join(root, "bench", "preflight.sh"))
	<-ctx.Done()
	return nil
}

// serveHint is how to run hopcheck by hand on the setup in dir: from dir
// (hopcheck refuses a config outside its working directory), with the
// simulator's keys from bench.env.
func serveHint(dir, bin string) string {
	run := bin
	if filepath.Dir(bin) == dir {
		run = "./" + filepath.Base(bin)
	}
	return fmt.Sprintf("cd %s\nset -a; . ./bench.env; set +a\n%s check --config hopcheck.yml   # --format json: duration_ms and per-hop timings\n", shellQuote(dir), shellQuote(run))
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and /._-.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
