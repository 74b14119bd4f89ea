package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// The benchmark's targets.
const (
	targetSlowest = 1.3 // hopcheck ≤ 1.3 × the slowest single request
	// regressionSlowest is what the short (CI) mode fails on: one run each
	// on a shared CI machine is too noisy for 1.3×, but the bound of 8
	// requests in flight this replaced measured 3.1× (3 × 8) and 8× (64
	// chains), so a scheduler regression still fails CI.
	regressionSlowest = 2.0
	targetCurl        = 8.0  // ≥ 8 × faster than the sequential script
	targetImage       = 10.0 // MiB
)

func round(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func mib(n int64) string {
	if n <= 0 {
		return "n/a"
	}
	if n >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func times(x float64) string {
	if x == 0 {
		return "—"
	}
	if x < 10 {
		return fmt.Sprintf("%.2f×", x)
	}
	return fmt.Sprintf("%.0f×", x)
}

func countSummary(m map[string]int) string {
	r := hopcheckRun{Causes: m}
	if len(m) == 0 {
		return "none"
	}
	return r.causeSummary()
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// mainRun returns the main comparison's run with the flags bo.
func (r *results) mainRun(bo bounds) *hopcheckRun {
	for i := range r.main {
		if r.main[i].Bounds == bo {
			return &r.main[i]
		}
	}
	return nil
}

// targetRow is the scaling step whose ratio at the defaults is a target.
func (r *results) targetRow() *scaleRow {
	for i := range r.scale {
		if r.scale[i].chains == targetChains {
			return &r.scale[i]
		}
	}
	return nil
}

// defaultsLabel names hopcheck's default bounds.
func defaultsLabel() string {
	e := bounds{}.effective()
	return fmt.Sprintf("--concurrency %d, --origin-concurrency %d", e.overall, e.origin)
}

// defaultPeaks is the most requests in flight seen at any origin in any
// run at the defaults, per origin.
func (r *results) defaultPeaks() peaks {
	var p peaks
	add := func(h *hopcheckRun) {
		if h == nil || h.Bounds != (bounds{}) {
			return
		}
		p = peaks{max(p.LiteLLM, h.Peaks.LiteLLM), max(p.Edge, h.Peaks.Edge), max(p.OR, h.Peaks.OR)}
	}
	add(r.mainRun(bounds{}))
	for i := range r.scale {
		add(&r.scale[i].def)
	}
	if r.queue != nil {
		add(&r.queue.run)
	}
	return p
}

// evaluate sets the verdicts of the targets: hopcheck at its defaults
// within targetSlowest of the slowest single request (3 × models chains
// and targetChains chains; missing it fails the run) and faster than the
// sequential script by targetCurl, the image size.
func (r *results) evaluate(short bool) {
	limit := targetSlowest
	if short {
		limit = regressionSlowest
	}
	r.limit = limit
	if def := r.mainRun(bounds{}); def == nil || ratio(def.Wall, r.single) > limit {
		r.defaultsFailed = true
	}
	if t := r.targetRow(); t != nil && ratio(t.def.Wall, r.single) > limit {
		r.defaultsFailed = true
	}
	r.failed = r.failed || r.defaultsFailed
	if def := r.mainRun(bounds{}); def != nil && r.curl != nil && ratio(r.curl.Wall, def.Wall) < targetCurl {
		r.failed = true
	}
	if r.imageSize > 0 && float64(r.imageSize)/(1<<20) > targetImage {
		r.failed = true
	}
}

func (b *bench) print(r *results) {
	r.evaluate(b.opt.short)
	var md strings.Builder
	o := b.opt
	mode := "full"
	if o.short {
		mode = "short"
	}
	def := r.mainRun(bounds{})
	all := r.mainRun(r.allIn)
	former := r.mainRun(formerDefault)
	L := o.latency
	cell := func(h *hopcheckRun) string {
		if h == nil {
			return "—"
		}
		return fmt.Sprintf("%s (%s)", round(h.Wall), times(ratio(h.Wall, r.single)))
	}

	fmt.Fprintf(&md, "### hopcheck benchmark (%s mode)\n\n", mode)
	fmt.Fprintf(&md, "Simulator on 127.0.0.1 with %s per request at each hop (a request through a proxy: %s); "+
		"3 chain shapes × %d models = %d chains, %d distinct requests (%d checked chain by chain); hopcheck's defaults: %s; %s; "+
		"hopcheck: median of %d run(s), at its defaults of at least 5. Measured %s%s.\n\n",
		L, 2*L, o.models, r.mainChains, r.reqs, r.perChainReqs, defaultsLabel(), platform(), o.runs, r.start.UTC().Format("2006-01-02"), r.load)

	fmt.Fprintf(&md, "| %d chains | Requests at litellm/edge/openrouter | Most in flight at litellm/edge/openrouter | Wall | × slowest request | × hopcheck at its defaults | CPU user+sys | Peak RSS |\n", r.mainChains)
	md.WriteString("|---|---|---|--:|--:|--:|--:|--:|\n")
	fmt.Fprintf(&md, "| slowest single request alone (canary ci → litellm → openrouter) | 1/0/1 each | 1/0/0 | %s | 1.00× | | | |\n", round(r.single))
	for _, hr := range r.main {
		var label string
		switch hr.Bounds {
		case bounds{}:
			label = fmt.Sprintf("hopcheck check, defaults (%s)", defaultsLabel())
		case r.allIn:
			label = fmt.Sprintf("hopcheck check %s (all %d requests in flight)", hr.Bounds, r.reqs)
		case formerDefault:
			label = fmt.Sprintf("hopcheck check %s (the former default: one bound of 8)", hr.Bounds)
		default:
			label = "hopcheck check " + hr.Bounds.String()
		}
		fmt.Fprintf(&md, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, hr.Requests, hr.Peaks, round(hr.Wall),
			times(ratio(hr.Wall, r.single)), times(ratio(hr.Wall, def.Wall)), round(hr.CPU), mib(hr.PeakRS))
	}
	if r.curl != nil {
		fmt.Fprintf(&md, "| sequential curl, the same %d requests: bench/preflight.sh (sum of latencies %s) | %s | %s | %s | %s | %s | %s | %s |\n",
			r.reqs, round(r.curlWork), r.curlCounts, r.curlPeaks, round(r.curl.Wall), times(ratio(r.curl.Wall, r.single)), times(ratio(r.curl.Wall, def.Wall)),
			round(r.curl.CPU), mib(r.curl.PeakRS))
	} else {
		fmt.Fprintf(&md, "| sequential curl: bench/preflight.sh | %s | | | | | | |\n", r.curlNote)
	}
	if r.naive != nil {
		fmt.Fprintf(&md, "| naive sequential curl, every key check per chain, %d requests: PER_CHAIN=1 bench/preflight.sh (sum of latencies %s) | %s | %s | %s | %s | %s | %s | %s |\n",
			r.perChainReqs, round(r.naiveWork), r.naiveCounts, r.naivePeaks, round(r.naive.Wall), times(ratio(r.naive.Wall, r.single)), times(ratio(r.naive.Wall, def.Wall)),
			round(r.naive.CPU), mib(r.naive.PeakRS))
	} else {
		fmt.Fprintf(&md, "| naive sequential curl: PER_CHAIN=1 bench/preflight.sh | %s | | | | | | |\n", r.naiveNote)
	}
	if r.oc != nil && r.oc.Exit >= 0 {
		fmt.Fprintf(&md, "| `openclaw models status --probe --json` (%d models configured; probed %d target(s): %s; OpenRouter only, its own requests) | %s | | %s | %s | %s | %s | %s |\n",
			r.oc.Models, r.oc.Targets, countSummary(r.oc.Statuses), r.oc.Requests, round(r.oc.Wall), times(ratio(r.oc.Wall, r.single)),
			times(ratio(r.oc.Wall, def.Wall)), round(r.oc.CPU), mib(r.oc.PeakRS))
	} else {
		fmt.Fprintf(&md, "| `openclaw models status --probe` | %s | | | | | | |\n", r.ocNote)
	}

	// Scaling.
	fmt.Fprintf(&md, "\nWall time from 1 to %d chains (chains cycle through the 3 shapes; requests as hopcheck sends them, shared key checks once; "+
		"× = ratio to the slowest single request, %s; ideal = zero-overhead schedule of the same requests under the same bounds):\n\n", targetChains, round(r.single))
	md.WriteString("| Chains | Requests | defaults | ideal | most in flight at litellm/edge/openrouter | `--concurrency 8` (former default) | ideal | all in flight | CPU, RSS (defaults) |\n")
	md.WriteString("|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for i := range r.scale {
		s := &r.scale[i]
		fmt.Fprintf(&md, "| %d | %d | %s | %s | %s | %s | %s | %s | %s, %s |\n", s.chains, s.requests, cell(&s.def), round(s.idealDef), s.def.Peaks,
			cell(&s.former), round(s.idealFormer), cell(&s.all), round(s.def.CPU), mib(s.def.PeakRS))
	}

	// Targets and checks.
	md.WriteString("\n| Target | Measured | Verdict |\n|---|--:|---|\n")
	rd := ratio(def.Wall, r.single)
	fmt.Fprintf(&md, "| hopcheck at its defaults ≤ %.1f× the slowest single request, %d chains (ideal %s) | %s | %s |\n",
		targetSlowest, r.mainChains, times(ratio(r.mainIdeal[bounds{}], r.single)), times(rd), verdict(rd <= targetSlowest))
	if t := r.targetRow(); t != nil {
		rt := ratio(t.def.Wall, r.single)
		fmt.Fprintf(&md, "| hopcheck at its defaults ≤ %.1f× the slowest single request, %d chains (ideal %s) | %s | %s |\n",
			targetSlowest, t.chains, times(ratio(t.idealDef, r.single)), times(rt), verdict(rt <= targetSlowest))
	} else {
		fmt.Fprintf(&md, "| hopcheck at its defaults ≤ %.1f× the slowest single request, %d chains | not measured | n/a |\n", targetSlowest, targetChains)
	}
	dp := r.defaultPeaks()
	fmt.Fprintf(&md, "| no origin above its bound: most requests in flight at litellm/edge/openrouter in any run at the defaults (bound %d per origin) | %s | %s |\n",
		bounds{}.effective().origin, dp, verdict(dp.max() <= bounds{}.effective().origin))
	if all != nil && all != def {
		fmt.Fprintf(&md, "| (every request in flight, %s) | %s | informational |\n", all.Bounds, times(ratio(all.Wall, r.single)))
	}
	if former != nil {
		fmt.Fprintf(&md, "| (the former default %s: %d waves; ideal %s) | %s | informational |\n",
			former.Bounds, waves(r.reqs, formerDefault.overall), times(ratio(r.mainIdeal[formerDefault], r.single)), times(ratio(former.Wall, r.single)))
	}
	if r.curl != nil {
		rc := ratio(r.curl.Wall, def.Wall)
		fmt.Fprintf(&md, "| hopcheck at its defaults ≥ %.0f× faster than sequential curl sending the same requests (%d chains) | %s | %s |\n",
			targetCurl, r.mainChains, times(rc), verdict(rc >= targetCurl))
	} else {
		fmt.Fprintf(&md, "| hopcheck ≥ %.0f× faster than sequential curl | %s | n/a |\n", targetCurl, r.curlNote)
	}
	if r.naive != nil {
		fmt.Fprintf(&md, "| (against the naive per-chain script, at the defaults) | %s | informational |\n", times(ratio(r.naive.Wall, def.Wall)))
	}
	same, sameMsg := r.sameRequests()
	fmt.Fprintf(&md, "| every tool sent the same requests: hopcheck with each setting and preflight.sh (endpoint, model, key and count of each request, recorded by the servers) | %s | %s |\n",
		sameMsg, verdictNA(same))
	if q := r.queue; q != nil {
		fmt.Fprintf(&md, "| no false failures from queueing, hopcheck's defaults (timeout %s, %s, no --deadline): %d healthy chains through litellm at %s per hop, whose %d requests need %s to get through the bound (a request's own budget: %s) | %d/%d chains pass in %s (exit %d), at most %d in flight at litellm | %s |\n",
			round(chain.DefaultTimeout), defaultsLabel(), q.chains, q.latency, q.requests, round(q.ideal), round(q.budget),
			q.run.Causes["ok"], q.chains, round(q.run.Wall), q.run.Exit, q.run.Peaks.LiteLLM, verdict(q.pass))
	} else {
		fmt.Fprintf(&md, "| no false failures from queueing at hopcheck's defaults | %s | n/a |\n", r.queueNote)
	}
	if r.imageSize > 0 {
		ok := float64(r.imageSize)/(1<<20) <= targetImage
		fmt.Fprintf(&md, "| image ≤ %.0f MiB | %s | %s |\n", targetImage, r.image, verdict(ok))
	} else {
		est := float64(r.binSize)/(1<<20) <= targetImage
		fmt.Fprintf(&md, "| image ≤ %.0f MiB | %s; the image is FROM scratch + the binary, which is %s | n/a (estimate: %s) |\n",
			targetImage, r.image, mib(r.binSize), verdict(est))
	}
	fmt.Fprintf(&md, "| binary size (%s) | %s | |\n", r.buildNote, mib(r.binSize))
	fmt.Fprintf(&md, "| hopcheck CPU time / peak RSS (%d chains, defaults) | %s / %s | |\n", r.mainChains, round(def.CPU), mib(def.PeakRS))

	var notes []string
	if def.EngineMS > 0 {
		eng := time.Duration(def.EngineMS * float64(time.Millisecond))
		notes = append(notes, fmt.Sprintf("Overhead at the defaults: of hopcheck's %s wall time the checks took %s (report duration_ms; the ideal is %s), "+
			"the remaining %s are process start, config load and writing the report. The simulator shares the machine's CPUs with hopcheck.",
			round(def.Wall), round(eng), round(r.mainIdeal[bounds{}]), round(def.Wall-eng)))
	}
	if r.perChainReqs > r.reqs {
		n := fmt.Sprintf("Shared key checks: checked chain by chain, the %d chains are %d requests; %d of them repeat an identical earlier one "+
			"(the key checks of the hops several chains share: litellm, openrouter, openrouter through edge). hopcheck sends each once and shares the result "+
			"(checks/engine.go, execute), so it sends %d; preflight.sh checks each key once too, so the comparison is the same work, sequential against concurrent.",
			r.mainChains, r.perChainReqs, r.perChainReqs-r.reqs, r.reqs)
		if r.naive != nil {
			n += fmt.Sprintf(" Its PER_CHAIN=1 variant repeats them per chain, as a script written chain by chain does: %d requests in %s.", r.perChainReqs, round(r.naive.Wall))
		}
		notes = append(notes, n)
	}
	if former != nil {
		notes = append(notes, fmt.Sprintf("The bounds: hopcheck keeps at most %d requests in flight to one origin (scheme, host and port) and %d overall; "+
			"the %d requests of %d chains go to 3 origins (litellm, edge, openrouter; the proxies' own calls to OpenRouter are theirs, on a listener of their own), "+
			"so they all go out at once: %s (ideal %s). The former single bound of 8 ran them in %d waves: %s (ideal %s).",
			bounds{}.effective().origin, bounds{}.effective().overall, r.reqs, r.mainChains, round(def.Wall), round(r.mainIdeal[bounds{}]),
			waves(r.reqs, formerDefault.overall), round(former.Wall), round(r.mainIdeal[formerDefault])))
	}
	if q := r.queue; q != nil {
		eng := time.Duration(q.run.EngineMS * float64(time.Millisecond))
		n := fmt.Sprintf("Queueing at the defaults: %d chains through litellm at %s per hop, a config without `timeout` and hopcheck without flags. "+
			"Their %d canaries take %s (ideal %s) to get through the per-origin bound of %d, ",
			q.chains, q.latency, q.chains, round(eng), round(q.ideal), bounds{}.effective().origin)
		switch {
		case !q.pass:
			n += fmt.Sprintf("and only %d of %d healthy chains passed (%s; exit %d): FAIL.", q.run.Causes["ok"], q.chains, q.run.causeSummary(), q.run.Exit)
		case eng > q.budget:
			n += fmt.Sprintf("longer than a request's own budget of %s, and all %d chains passed: time spent waiting for a slot does not count against a request.",
				round(q.budget), q.chains)
		default:
			n += fmt.Sprintf("not longer than a request's own budget of %s, so this run does not exercise the queue (raise -queue-latency); all %d chains passed.",
				round(q.budget), q.chains)
		}
		notes = append(notes, n)
	}
	if len(notes) > 0 {
		md.WriteString("\n")
		for _, n := range notes {
			md.WriteString("- " + n + "\n")
		}
	}

	fmt.Fprint(b.out, "\n"+md.String())
	// The human summary after the tables.
	fmt.Fprintf(b.out, "\nratios at the defaults (%s): %d chains = %s the slowest single request (%s)", defaultsLabel(), r.mainChains, times(rd), round(r.single))
	if t := r.targetRow(); t != nil {
		fmt.Fprintf(b.out, ", %d chains = %s", t.chains, times(ratio(t.def.Wall, r.single)))
	}
	fmt.Fprintf(b.out, "; most in flight per origin (litellm/edge/openrouter) at the defaults: %s (bound %d)", dp, bounds{}.effective().origin)
	if r.curl != nil {
		fmt.Fprintf(b.out, "; sequential curl (same %d requests) / hopcheck = %s", r.reqs, times(ratio(r.curl.Wall, def.Wall)))
	}
	if r.naive != nil {
		fmt.Fprintf(b.out, "; naive per-chain curl (%d requests) / hopcheck = %s", r.perChainReqs, times(ratio(r.naive.Wall, def.Wall)))
	}
	if former != nil {
		fmt.Fprintf(b.out, "; the former default %s: %s the slowest request", former.Bounds, times(ratio(former.Wall, r.single)))
	}
	fmt.Fprintln(b.out)
	for _, l := range r.checkLines() {
		fmt.Fprintln(b.out, l)
	}
	fmt.Fprintf(b.out, "bench finished in %s\n", round(r.benchElapsed))
	for _, p := range r.problems {
		fmt.Fprintf(b.out, "PROBLEM: %s\n", p)
	}
	if b.opt.mdFile != "" {
		if err := os.WriteFile(b.opt.mdFile, []byte(md.String()), 0o644); err != nil {
			fmt.Fprintf(b.log, "bench: write %s: %v\n", b.opt.mdFile, err)
		}
	}
}

func waves(n, c int) int { return (n + c - 1) / c }

// verdictNA is verdict for a check that may not have run (nil).
func verdictNA(ok *bool) string {
	if ok == nil {
		return "n/a"
	}
	return verdict(*ok)
}

// sameRequests tells whether hopcheck's runs and preflight.sh sent the same
// requests (nil when preflight.sh did not run) and what was compared.
func (r *results) sameRequests() (*bool, string) {
	if r.curl == nil {
		return nil, r.curlNote
	}
	ok := !r.requestProblem
	n := 0
	for _, v := range r.hopReqs {
		n += v
	}
	if !ok {
		return &ok, fmt.Sprintf("different: see PROBLEM lines (preflight.sh: litellm/edge/openrouter %s, plan %s)", r.curlCounts, r.wantReqs)
	}
	return &ok, fmt.Sprintf("identical: %d sent, %d arrivals at the servers, litellm/edge/openrouter %s = the plan", r.reqs, n, r.curlCounts)
}

// checkLines are the PASS/FAIL lines printed after the tables.
func (r *results) checkLines() []string {
	def := r.mainRun(bounds{})
	var out []string
	add := func(v, what string) { out = append(out, fmt.Sprintf("%s  %s", v, what)) }
	limit := r.limit
	if limit == 0 {
		limit = targetSlowest
	}
	note := ""
	if limit != targetSlowest {
		note = fmt.Sprintf(" (short mode's regression bound; the target %.1f× is enforced by the full run)", targetSlowest)
	}
	rd := ratio(def.Wall, r.single)
	add(verdict(rd <= limit), fmt.Sprintf("hopcheck at its defaults ≤ %.1f× the slowest single request%s, %d chains: %s", limit, note, r.mainChains, times(rd)))
	if t := r.targetRow(); t != nil {
		rt := ratio(t.def.Wall, r.single)
		add(verdict(rt <= limit), fmt.Sprintf("hopcheck at its defaults ≤ %.1f× the slowest single request%s, %d chains: %s", limit, note, t.chains, times(rt)))
	} else {
		add("FAIL", fmt.Sprintf("hopcheck at its defaults ≤ %.1f× the slowest single request, %d chains: not measured", limit, targetChains))
	}
	dp, bound := r.defaultPeaks(), bounds{}.effective().origin
	add(verdict(dp.max() <= bound), fmt.Sprintf("no origin above its bound at the defaults: at most %s in flight at litellm/edge/openrouter (bound %d)", dp, bound))
	if r.curl != nil {
		rc := ratio(r.curl.Wall, def.Wall)
		add(verdict(rc >= targetCurl), fmt.Sprintf("hopcheck at its defaults ≥ %.0f× faster than sequential curl (same requests): %s", targetCurl, times(rc)))
	} else {
		add("n/a ", "hopcheck against sequential curl: "+r.curlNote)
	}
	var info []string
	if all := r.mainRun(r.allIn); all != nil {
		info = append(info, fmt.Sprintf("every request in flight (%s): %s the slowest single request", all.Bounds, times(ratio(all.Wall, r.single))))
	}
	if former := r.mainRun(formerDefault); former != nil {
		info = append(info, fmt.Sprintf("the former default %s: %s", former.Bounds, times(ratio(former.Wall, r.single))))
	}
	if len(info) > 0 {
		add("info", strings.Join(info, "; "))
	}
	same, msg := r.sameRequests()
	add(verdictNA(same), "every tool sent the same requests (hopcheck, preflight.sh): "+msg)
	if q := r.queue; q != nil {
		add(verdict(q.pass), fmt.Sprintf("no false failures at the defaults: %d/%d healthy chains pass at %s per hop, checks %s vs a request's budget %s, at most %d in flight at litellm",
			q.run.Causes["ok"], q.chains, q.latency, round(time.Duration(q.run.EngineMS*float64(time.Millisecond))), round(q.budget), q.run.Peaks.LiteLLM))
	} else {
		add("n/a ", "no false failures at the defaults: "+r.queueNote)
	}
	if r.imageSize > 0 {
		add(verdict(float64(r.imageSize)/(1<<20) <= targetImage), fmt.Sprintf("image ≤ %.0f MiB: %s", targetImage, r.image))
	} else {
		add("n/a ", fmt.Sprintf("image ≤ %.0f MiB: %s (binary %s)", targetImage, r.image, mib(r.binSize)))
	}
	if r.defaultsFailed {
		add("FAIL", fmt.Sprintf("hopcheck at its defaults missed %.1f× the slowest single request: exit 1", limit))
	}
	return out
}
