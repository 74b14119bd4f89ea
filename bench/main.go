// Command bench measures hopcheck against what users run today, on the
// simulator with an injected per-hop latency:
//
//	go run ./bench            # full: medians of 3, the naive script, the real OpenClaw when installed (a few minutes)
//	go run ./bench -short     # CI: one run each, < 60 s (also BENCH_SHORT=1)
//	go run ./bench -serve     # only the simulator + hopcheck.yml + bench.env, to try by hand
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
// (endpoint, model, which key), so the benchmark checks that hopcheck and
// the script sent the same requests. A last check runs hopcheck with its
// defaults (timeout, --concurrency 8, no --deadline) on 64 chains at
// -queue-latency per hop, a queue longer than one request's budget, and
// fails the run if any of these healthy chains is reported failing. It
// prints ratios, PASS/FAIL against the targets and a Markdown table for
// the README. It is a program, not a timed test: the numbers depend on the
// machine, the ratios much less.
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

// defaultConcurrency is hopcheck's --concurrency default (cli, checks).
const defaultConcurrency = 8

// queueChains is the size of the queue check's config: the largest
// scaling step.
const queueChains = 64

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
	fs.DurationVar(&o.queueLatency, "queue-latency", time.Second, "per-hop latency of the check that hopcheck with its defaults passes 64 healthy chains (0: skip it)")
	fs.StringVar(&o.naive, "naive", "auto", "also run the naive per-chain variant of preflight.sh: auto (not with -short), on, off")
	fs.IntVar(&o.models, "models", 8, "models per chain shape (3 shapes)")
	fs.IntVar(&o.runs, "runs", 0, "runs per hopcheck measurement, the median is kept (default 3, 1 with -short)")
	fs.DurationVar(&o.timeout, "timeout", 8*time.Second, "per-request timeout written into hopcheck.yml (hopcheck's default) and used by preflight.sh")
	fs.StringVar(&o.image, "image", "hopcheck:local", "docker image whose size is reported (n/a when absent)")
	fs.StringVar(&o.openclaw, "openclaw", "auto", "run the real OpenClaw probe: auto (when installed, not with -short), on, off")
	fs.StringVar(&o.binary, "binary", "", "use this hopcheck binary instead of building one")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (hopcheck.yml, bench.env, reports)")
	fs.StringVar(&o.mdFile, "md", "", "also write the Markdown tables to this file")
	fs.BoolVar(&o.serve, "serve", false, "only start the simulator, write hopcheck.yml + bench.env for 3 × -models chains and serve until interrupted")
	fs.BoolVar(&o.strict, "strict", false, "exit 1 when a target FAILs (default: only when a run is wrong)")
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
	if res.broken || (o.strict && res.failed) {
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
	curlNote     string
	curlWork     time.Duration // zero-overhead sequential time of the plan
	naive        *proc
	naiveCounts  counts
	naiveNote    string
	naiveWork    time.Duration
	oc           *openclawRun
	ocNote       string
	scale        []scaleRow
	queue        *queueRow
	queueNote    string
	fitConc      int
	broken       bool // a run did not do what it must (wrong result, wrong requests)
	// requestProblem: hopcheck or preflight.sh did not send the planned
	// requests, or they sent different ones.
	requestProblem bool
	failed         bool // a target FAILed
	problems       []string
	mainChains     int
	mainIdeal      map[int]time.Duration
	wantReqs       counts // at litellm/edge/openrouter, of the plan
	naiveWant      counts // of the per-chain plan
	benchElapsed   time.Duration
	load           string // "; load average x at start" when known
}

type scaleRow struct {
	chains, requests int
	runs             []hopcheckRun // per concurrency in scaleConcs
	concs            []int
	ideal            []time.Duration
}

// queueRow is the check that hopcheck with its defaults passes healthy
// chains whose requests queue for longer than one request's budget.
type queueRow struct {
	chains   int
	requests int
	latency  time.Duration
	budget   time.Duration // a request's own budget: the default timeout + 1 s
	ideal    time.Duration // zero-overhead schedule at --concurrency 8
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
	r := &results{start: time.Now(), mainIdeal: map[int]time.Duration{}}
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
	r.fitConc = min(len(plan), 256)
	for _, c := range uniq(r.fitConc, defaultConcurrency) {
		b.progress("hopcheck, %d chains, --concurrency %d (%d run(s))", len(cs), c, b.opt.runs)
		hr, err := b.measureHopcheck(ctx, cfg, len(cs), c)
		if err != nil {
			return nil, err
		}
		b.verify(r, hr, r.wantReqs)
		if r.hopReqs == nil {
			r.hopReqs = hr.Seen
		} else if d := hr.Seen.diff(r.hopReqs, 5); d != "" {
			r.mismatch("hopcheck --concurrency %d sent other requests than at --concurrency %d: %s", c, r.main[0].Concurrency, d)
		}
		r.main = append(r.main, hr)
		r.mainIdeal[c] = idealMakespan(plan, c)
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
		row := scaleRow{chains: nChains, requests: len(plan)}
		row.concs = uniq(defaultConcurrency, 64, min(len(plan), 256))
		for _, c := range row.concs {
			b.progress("scaling: hopcheck, %d chains, --concurrency %d", nChains, c)
			hr, err := b.measureHopcheck(ctx, cfg, nChains, c)
			if err != nil {
				return nil, err
			}
			b.verify(r, hr, total(plan))
			row.runs = append(row.runs, hr)
			row.ideal = append(row.ideal, idealMakespan(plan, c))
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

// measureHopcheck runs hopcheck opt.runs times and keeps the median run.
func (b *bench) measureHopcheck(ctx context.Context, cfg string, nChains, conc int) (hopcheckRun, error) {
	return bestOf(b.opt.runs, func(r hopcheckRun) time.Duration { return r.Wall }, func() (hopcheckRun, error) {
		return b.runHopcheck(ctx, b.w, cfg, nChains, conc)
	})
}

// verify records a problem when a run did not pass every chain or did not
// send exactly the planned requests.
func (b *bench) verify(r *results, hr hopcheckRun, want counts) {
	if !hr.ok() {
		r.problem("hopcheck --concurrency %d on %d chains: exit %d, status %s (%s): %s",
			hr.Concurrency, hr.Chains, hr.Exit, hr.Status, hr.causeSummary(), firstLine(hr.Stderr))
	}
	if hr.Requests != want {
		r.mismatch("hopcheck --concurrency %d on %d chains sent litellm/edge/openrouter %s requests, want %s",
			hr.Concurrency, hr.Chains, hr.Requests, want)
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
		args := []string{"build", "-trimpath", "-ldflags", "-s -w -X github.com/hopcheck/hopcheck/internal/version.Version=bench", "-o", b.bin, "./cmd/hopcheck"}
		r.buildNote = `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w", as in the Dockerfile`
		if b.opt.short {
			args = append(args[:1], args[2:]...)
			r.buildNote = `CGO_ENABLED=0 go build -ldflags "-s -w"; the Dockerfile adds -trimpath, ~12 KB less`
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
	r.curlCounts = b.w.counts()
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
	r.naiveCounts = b.w.counts()
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

// queueStep checks that queueing for a --concurrency slot never turns
// into a false failure: hopcheck with its defaults (no timeout in the
// config, no --concurrency, no --deadline) on 64 healthy chains at
// -queue-latency per hop, whose requests take longer to get through the
// bound of 8 than one request's own budget (the default timeout + 1 s).
// Every chain must pass; one that does not is a problem (exit 1).
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
	cs := chains(queueChains)
	plan := w.plan(cs)
	dir := filepath.Join(b.dir, "queue")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	cfg, err := w.writeSetup(dir, cs, 0)
	if err != nil {
		return err
	}
	q := &queueRow{chains: len(cs), requests: len(plan), latency: w.latency,
		budget: chain.DefaultTimeout + time.Second, ideal: idealMakespan(plan, defaultConcurrency)}
	b.progress("queue: hopcheck with its defaults, %d chains, %s per hop (ideal %s at --concurrency %d, a request's budget %s)",
		len(cs), w.latency, round(q.ideal), defaultConcurrency, round(q.budget))
	if q.run, err = b.runHopcheck(ctx, w, cfg, len(cs), 0); err != nil {
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
	fmt.Fprintf(b.out, "set -a; . %s; set +a\n", filepath.Join(dir, "bench.env"))
	fmt.Fprintf(b.out, "go run ./cmd/hopcheck check --config %s --concurrency 64\n", cfg)
	env := preflightEnv(b.w, cs, b.opt.timeout, false)
	fmt.Fprintf(b.out, "LITELLM_URL=%s EDGE_URL=%s OPENROUTER_URL=%s LITELLM_MODELS='%s' EDGE_MODELS='%s' DIRECT_MODELS='%s' bash %s   # PER_CHAIN=1: the naive variant\n\nCtrl-C stops.\n",
		env["LITELLM_URL"], env["EDGE_URL"], env["OPENROUTER_URL"], env["LITELLM_MODELS"], env["EDGE_MODELS"], env["DIRECT_MODELS"], filepath.Join(root, "bench", "preflight.sh"))
	<-ctx.Done()
	return nil
}
