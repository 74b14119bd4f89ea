package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// Targets of issue 5.
const (
	targetSlowest = 1.3  // hopcheck ≤ 1.3 × the slowest single request
	targetCurl    = 8.0  // ≥ 8 × faster than the sequential script
	targetImage   = 10.0 // MiB
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

// mainRun returns the main comparison's run at concurrency c.
func (r *results) mainRun(c int) *hopcheckRun {
	for i := range r.main {
		if r.main[i].Concurrency == c {
			return &r.main[i]
		}
	}
	return nil
}

// at returns the row's run at concurrency c, or the run with the
// smallest concurrency ≥ c that the row has (the same schedule when c
// exceeds the request count).
func (s scaleRow) at(c int) (*hopcheckRun, time.Duration) {
	best := -1
	for i, x := range s.concs {
		if x == c {
			return &s.runs[i], s.ideal[i]
		}
		if x >= min(c, s.requests) && (best < 0 || x < s.concs[best]) {
			best = i
		}
	}
	if best < 0 {
		return nil, 0
	}
	return &s.runs[best], s.ideal[best]
}

func (b *bench) print(r *results) {
	var md strings.Builder
	o := b.opt
	mode := "full"
	if o.short {
		mode = "short"
	}
	fit := r.mainRun(r.fitConc)
	def := r.mainRun(defaultConcurrency)
	L := o.latency

	fmt.Fprintf(&md, "### hopcheck benchmark (%s mode)\n\n", mode)
	fmt.Fprintf(&md, "Simulator on 127.0.0.1 with %s per request at each hop (a request through a proxy: %s); "+
		"3 chain shapes × %d models = %d chains, %d distinct requests (%d checked chain by chain); %s; hopcheck: median of %d run(s). Measured %s%s.\n\n",
		L, 2*L, o.models, r.mainChains, r.reqs, r.perChainReqs, platform(), o.runs, r.start.UTC().Format("2006-01-02"), r.load)

	fmt.Fprintf(&md, "| %d chains | Requests at litellm/edge/openrouter | Wall | × slowest request | hopcheck (c=%d) faster by | CPU user+sys | Peak RSS |\n",
		r.mainChains, r.fitConc)
	md.WriteString("|---|---|--:|--:|--:|--:|--:|\n")
	fmt.Fprintf(&md, "| slowest single request alone (canary ci → litellm → openrouter) | 1/0/1 each | %s | 1.00× | | | |\n", round(r.single))
	for _, hr := range r.main {
		label := fmt.Sprintf("hopcheck check --concurrency %d", hr.Concurrency)
		if hr.Concurrency == defaultConcurrency {
			label += " (default)"
		}
		if hr.Concurrency == r.fitConc {
			label += fmt.Sprintf(" (all %d requests in flight)", r.reqs)
		}
		fmt.Fprintf(&md, "| %s | %s | %s | %s | %s | %s | %s |\n", label, hr.Requests, round(hr.Wall),
			times(ratio(hr.Wall, r.single)), times(ratio(hr.Wall, fit.Wall)), round(hr.CPU), mib(hr.PeakRS))
	}
	if r.curl != nil {
		fmt.Fprintf(&md, "| sequential curl, the same %d requests: bench/preflight.sh (sum of latencies %s) | %s | %s | %s | %s | %s | %s |\n",
			r.reqs, round(r.curlWork), r.curlCounts, round(r.curl.Wall), times(ratio(r.curl.Wall, r.single)), times(ratio(r.curl.Wall, fit.Wall)),
			round(r.curl.CPU), mib(r.curl.PeakRS))
	} else {
		fmt.Fprintf(&md, "| sequential curl: bench/preflight.sh | %s | | | | | |\n", r.curlNote)
	}
	if r.naive != nil {
		fmt.Fprintf(&md, "| naive sequential curl, every key check per chain, %d requests: PER_CHAIN=1 bench/preflight.sh (sum of latencies %s) | %s | %s | %s | %s | %s | %s |\n",
			r.perChainReqs, round(r.naiveWork), r.naiveCounts, round(r.naive.Wall), times(ratio(r.naive.Wall, r.single)), times(ratio(r.naive.Wall, fit.Wall)),
			round(r.naive.CPU), mib(r.naive.PeakRS))
	} else {
		fmt.Fprintf(&md, "| naive sequential curl: PER_CHAIN=1 bench/preflight.sh | %s | | | | | |\n", r.naiveNote)
	}
	if r.oc != nil && r.oc.Exit >= 0 {
		fmt.Fprintf(&md, "| `openclaw models status --probe --json` (%d models configured; probed %d target(s): %s; OpenRouter only, its own requests) | %s | %s | %s | %s | %s | %s |\n",
			r.oc.Models, r.oc.Targets, countSummary(r.oc.Statuses), r.oc.Requests, round(r.oc.Wall), times(ratio(r.oc.Wall, r.single)),
			times(ratio(r.oc.Wall, fit.Wall)), round(r.oc.CPU), mib(r.oc.PeakRS))
	} else {
		fmt.Fprintf(&md, "| `openclaw models status --probe` | %s | | | | | |\n", r.ocNote)
	}

	// Scaling.
	fmt.Fprintf(&md, "\nWall time from 1 to 64 models (chains cycle through the 3 shapes; requests as hopcheck sends them, shared key checks once; "+
		"× = ratio to the slowest single request, %s; ideal = zero-overhead schedule of the same requests under the bound):\n\n", round(r.single))
	md.WriteString("| Chains | Requests | --concurrency 8 (default) | ideal | --concurrency 64 | ideal | all in flight | CPU, RSS (all in flight) |\n")
	md.WriteString("|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.scale {
		c8, i8 := s.at(8)
		c64, i64 := s.at(64)
		all, _ := s.at(min(s.requests, 256))
		cell := func(h *hopcheckRun) string {
			if h == nil {
				return "—"
			}
			return fmt.Sprintf("%s (%s)", round(h.Wall), times(ratio(h.Wall, r.single)))
		}
		allLabel := cell(all)
		if all != nil {
			allLabel = fmt.Sprintf("%s, c=%d", cell(all), all.Concurrency)
		}
		res := "—"
		if all != nil {
			res = fmt.Sprintf("%s, %s", round(all.CPU), mib(all.PeakRS))
		}
		fmt.Fprintf(&md, "| %d | %d | %s | %s | %s | %s | %s | %s |\n", s.chains, s.requests, cell(c8), round(i8), cell(c64), round(i64), allLabel, res)
	}

	// Targets and checks.
	md.WriteString("\n| Target | Measured | Verdict |\n|---|--:|---|\n")
	rf := ratio(fit.Wall, r.single)
	okSlow := rf <= targetSlowest
	fmt.Fprintf(&md, "| hopcheck ≤ %.1f× the slowest single request (%d chains, --concurrency %d: every request in flight) | %s | %s |\n",
		targetSlowest, r.mainChains, r.fitConc, times(rf), verdict(okSlow))
	r.failed = r.failed || !okSlow
	if def != nil && def != fit {
		rd := ratio(def.Wall, r.single)
		fmt.Fprintf(&md, "| (same at the default --concurrency 8: %d waves; ideal %s) | %s | %s (informational) |\n",
			waves(r.reqs, defaultConcurrency), times(ratio(r.mainIdeal[defaultConcurrency], r.single)), times(rd), verdict(rd <= targetSlowest))
	}
	if r.curl != nil {
		rc := ratio(r.curl.Wall, fit.Wall)
		okCurl := rc >= targetCurl
		r.failed = r.failed || !okCurl
		fmt.Fprintf(&md, "| hopcheck ≥ %.0f× faster than sequential curl sending the same requests (%d chains, --concurrency %d) | %s | %s |\n",
			targetCurl, r.mainChains, r.fitConc, times(rc), verdict(okCurl))
		if def != nil && def != fit {
			rd := ratio(r.curl.Wall, def.Wall)
			fmt.Fprintf(&md, "| (same at the default --concurrency 8) | %s | %s (informational) |\n", times(rd), verdict(rd >= targetCurl))
		}
	} else {
		fmt.Fprintf(&md, "| hopcheck ≥ %.0f× faster than sequential curl | %s | n/a |\n", targetCurl, r.curlNote)
	}
	if r.naive != nil {
		fmt.Fprintf(&md, "| (against the naive per-chain script: --concurrency %d / default 8) | %s / %s | informational |\n",
			r.fitConc, times(ratio(r.naive.Wall, fit.Wall)), times(ratio(r.naive.Wall, def.Wall)))
	}
	same, sameMsg := r.sameRequests()
	fmt.Fprintf(&md, "| every tool sent the same requests: hopcheck at each --concurrency and preflight.sh (endpoint, model, key and count of each request, recorded by the servers) | %s | %s |\n",
		sameMsg, verdictNA(same))
	if q := r.queue; q != nil {
		fmt.Fprintf(&md, "| no false failures from queueing, hopcheck's defaults (timeout %s, --concurrency %d, no --deadline): %d healthy chains at %s per hop, whose %d requests need %s to get through the bound (a request's own budget: %s) | %d/%d chains pass in %s (exit %d) | %s |\n",
			round(chain.DefaultTimeout), defaultConcurrency, q.chains, q.latency, q.requests, round(q.ideal), round(q.budget),
			q.run.Causes["ok"], q.chains, round(q.run.Wall), q.run.Exit, verdict(q.pass))
	} else {
		fmt.Fprintf(&md, "| no false failures from queueing at hopcheck's defaults | %s | n/a |\n", r.queueNote)
	}
	if r.imageSize > 0 {
		ok := float64(r.imageSize)/(1<<20) <= targetImage
		r.failed = r.failed || !ok
		fmt.Fprintf(&md, "| image ≤ %.0f MiB | %s | %s |\n", targetImage, r.image, verdict(ok))
	} else {
		est := float64(r.binSize)/(1<<20) <= targetImage
		fmt.Fprintf(&md, "| image ≤ %.0f MiB | %s; the image is FROM scratch + the binary, which is %s | n/a (estimate: %s) |\n",
			targetImage, r.image, mib(r.binSize), verdict(est))
	}
	fmt.Fprintf(&md, "| binary size (%s) | %s | |\n", r.buildNote, mib(r.binSize))
	if fit != nil {
		fmt.Fprintf(&md, "| hopcheck CPU time / peak RSS (%d chains, --concurrency %d) | %s / %s | |\n", r.mainChains, r.fitConc, round(fit.CPU), mib(fit.PeakRS))
	}

	var notes []string
	if fit != nil && fit.EngineMS > 0 {
		eng := time.Duration(fit.EngineMS * float64(time.Millisecond))
		notes = append(notes, fmt.Sprintf("Overhead at --concurrency %d: of hopcheck's %s wall time the checks took %s (report duration_ms; the ideal is %s), "+
			"the remaining %s are process start, config load and writing the report. The simulator shares the machine's CPUs with hopcheck.",
			r.fitConc, round(fit.Wall), round(eng), round(r.mainIdeal[r.fitConc]), round(fit.Wall-eng)))
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
	if def != nil && fit != nil && def != fit {
		notes = append(notes, fmt.Sprintf("The bound: at the default --concurrency 8 the %d requests of %d chains run in %d waves, %s (ideal %s) instead of %s with every request in flight.",
			r.reqs, r.mainChains, waves(r.reqs, defaultConcurrency), round(def.Wall), round(r.mainIdeal[defaultConcurrency]), round(fit.Wall)))
	}
	if q := r.queue; q != nil {
		eng := time.Duration(q.run.EngineMS * float64(time.Millisecond))
		n := fmt.Sprintf("Queueing at the defaults: %d chains at %s per hop, a config without `timeout` and hopcheck without --concurrency or --deadline. "+
			"Its %d requests take %s (ideal %s) to get through the bound of %d, ",
			q.chains, q.latency, q.requests, round(eng), round(q.ideal), defaultConcurrency)
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
	// The human summary after the table.
	fmt.Fprintf(b.out, "\nratios: hopcheck(c=%d) = %s the slowest single request (%s); sequential curl (same %d requests) / hopcheck = %s",
		r.fitConc, times(rf), round(r.single), r.reqs, func() string {
			if r.curl == nil {
				return "n/a"
			}
			return times(ratio(r.curl.Wall, fit.Wall))
		}())
	if r.naive != nil {
		fmt.Fprintf(b.out, "; naive per-chain curl (%d requests) / hopcheck = %s", r.perChainReqs, times(ratio(r.naive.Wall, fit.Wall)))
	}
	if def != nil && def != fit {
		fmt.Fprintf(b.out, "; at the default --concurrency 8: %s the slowest request", times(ratio(def.Wall, r.single)))
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
	fit := r.mainRun(r.fitConc)
	var out []string
	add := func(v, what string) { out = append(out, fmt.Sprintf("%s  %s", v, what)) }
	rf := ratio(fit.Wall, r.single)
	add(verdict(rf <= targetSlowest), fmt.Sprintf("hopcheck ≤ %.1f× the slowest single request: %s", targetSlowest, times(rf)))
	if r.curl != nil {
		rc := ratio(r.curl.Wall, fit.Wall)
		add(verdict(rc >= targetCurl), fmt.Sprintf("hopcheck ≥ %.0f× faster than sequential curl (same requests): %s", targetCurl, times(rc)))
	} else {
		add("n/a ", "hopcheck against sequential curl: "+r.curlNote)
	}
	if def := r.mainRun(defaultConcurrency); def != nil && def != fit {
		info := fmt.Sprintf("at the default --concurrency 8: %s the slowest single request (target %.1f×)", times(ratio(def.Wall, r.single)), targetSlowest)
		if r.curl != nil {
			info += fmt.Sprintf(", %s faster than sequential curl with the same requests (target %.0f×)", times(ratio(r.curl.Wall, def.Wall)), targetCurl)
		}
		if r.naive != nil {
			info += fmt.Sprintf(", %s faster than the naive per-chain curl", times(ratio(r.naive.Wall, def.Wall)))
		}
		add("info", info)
	}
	same, msg := r.sameRequests()
	add(verdictNA(same), "every tool sent the same requests (hopcheck, preflight.sh): "+msg)
	if q := r.queue; q != nil {
		add(verdict(q.pass), fmt.Sprintf("no false failures at the defaults: %d/%d healthy chains pass at %s per hop, checks %s vs a request's budget %s",
			q.run.Causes["ok"], q.chains, q.latency, round(time.Duration(q.run.EngineMS*float64(time.Millisecond))), round(q.budget)))
	} else {
		add("n/a ", "no false failures at the defaults: "+r.queueNote)
	}
	if r.imageSize > 0 {
		add(verdict(float64(r.imageSize)/(1<<20) <= targetImage), fmt.Sprintf("image ≤ %.0f MiB: %s", targetImage, r.image))
	} else {
		add("n/a ", fmt.Sprintf("image ≤ %.0f MiB: %s (binary %s)", targetImage, r.image, mib(r.binSize)))
	}
	return out
}
