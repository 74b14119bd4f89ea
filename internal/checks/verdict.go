package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// This file is the one owner of the verdict: how findings and hop verdicts
// roll up into a chain's and the run's status, and how --fail-on (the
// action's fail-on input) turns that into the exit code and the status
// every output shows.

// FailOn values, from the most lenient gate to the strictest: never fail;
// fail on errors (the default); also on unverified chains; also on warnings.
var FailOnValues = []string{"never", "error", "unverified", "warning"}

// DefaultFailOn is the gate when none is given.
const DefaultFailOn = "error"

// ValidFailOn reports whether v is a fail-on value.
func ValidFailOn(v string) bool { return slices.Contains(FailOnValues, v) }

// Gate is how a run's result becomes its exit code and status.
type Gate struct {
	// FailOn is one of FailOnValues ("" = DefaultFailOn).
	FailOn string
	// FailNeutral fails a neutral run (fork-behavior: fail).
	FailNeutral bool
}

// Verdict decides, once for every output, whether the run fails (exit code
// 1) and sets rep.Status to the status every output shows: a run the gate
// fails is "fail" whatever its roll-up was (a warning under fail-on
// warning, an unverified chain under fail-on unverified), so the exit code
// and the status output never disagree. Chain and hop verdicts are left as
// they are. With fail-on never nothing fails and the roll-up is kept.
func Verdict(rep *finding.Report, g Gate) (failed bool) {
	base := rep.Status
	switch g.FailOn {
	case "never":
		return false
	case "warning":
		failed = base == finding.Unverified || rep.Worst().Rank() >= finding.SevWarning.Rank()
	case "unverified":
		failed = base == finding.Unverified
	}
	failed = failed || base == finding.Fail || (g.FailNeutral && base == finding.Neutral)
	if failed {
		rep.Status = finding.Fail
	}
	return failed
}

// rollUp derives the run's status from its chains and run-level findings:
// any failure (a failed chain or a run-level error) fails the run; else a
// chain hopcheck could not fully verify makes it unverified; else a
// neutral chain (a fork's pull request) makes it neutral; else it passes.
// A run without chains verified nothing: unverified.
func rollUp(chains []finding.ChainResult, run []finding.Finding) finding.Status {
	for _, f := range run {
		if f.Severity == finding.SevError {
			return finding.Fail
		}
	}
	if len(chains) == 0 {
		return finding.Unverified
	}
	st := finding.Pass
	for _, c := range chains {
		switch c.Status {
		case finding.Fail:
			return finding.Fail
		case finding.Unverified:
			st = finding.Unverified
		case finding.Neutral:
			if st == finding.Pass {
				st = finding.Neutral
			}
		}
	}
	return st
}

// unverified turns the hops no request and no canary verified into
// unverified hops, with one finding per chain saying why each could not be
// verified and what would make it verifiable. A chain that failed or is
// neutral is left alone: its verdict already says more.
func (r *run) unverified(cr *finding.ChainResult, static bool) {
	if cr.Status == finding.Fail || cr.Status == finding.Neutral {
		return
	}
	c := r.c
	// The first hop's pass rests on the job's key for it (its key check,
	// the canary sent to it directly): when the real client sends another
	// credential, that pass verifies nothing about the chain.
	if len(cr.Hops) > 0 && c.Hops[0].KeyShadow != "" && cr.Hops[0].Status == finding.Pass {
		cr.Hops[0].Status = finding.Skipped
		if cr.Links[0].Status == finding.Pass {
			cr.Links[0].Status = finding.Skipped
		}
		if r.why == nil {
			r.why = map[int]string{}
		}
		r.why[0] = c.Hops[0].KeyShadow
	}
	var why []string
	for i := range cr.Hops {
		h := &cr.Hops[i]
		if h.Status != finding.Skipped {
			continue
		}
		h.Status, h.Cause = finding.Unverified, finding.NotVerified
		why = append(why, fmt.Sprintf("%s (%s)", h.Name, r.whyUnverified(i, static)))
	}
	// A link no request crossed (past an auth-only canary's stop) is not
	// verified even when each hop on it passed its own key check: the hop
	// before it was never seen to reach the hop after it with its own key.
	for i, l := range cr.Links {
		if l.Status == finding.Skipped && i > 0 && cr.Hops[i-1].Status != finding.Unverified && cr.Hops[i].Status != finding.Unverified {
			why = append(why, fmt.Sprintf("the link %s → %s (%s)", l.From, l.To, r.whyLinkUnverified(i-1)))
		}
	}
	if len(why) == 0 {
		return
	}
	cr.Status, cr.Cause = finding.Unverified, finding.NotVerified
	for i := range cr.Links {
		if cr.Links[i].Status == finding.Skipped {
			cr.Links[i].Status, cr.Links[i].Cause = finding.Unverified, finding.NotVerified
		}
	}
	f := finding.Finding{Check: "verify", Chain: c.Name, Cause: finding.NotVerified, Severity: finding.SevWarning,
		Message: fmt.Sprintf("Chain %s is not verified: hopcheck could not check %s.", c.Name, strings.Join(why, "; ")),
		Fix:     r.verifyFix(static)}
	f.At(c.Pos)
	cr.Findings = append(cr.Findings, f)
}

// whyUnverified says why hop i got no verdict.
func (r *run) whyUnverified(i int, static bool) string {
	c := r.c
	s := spec(c.Hops[i])
	switch {
	case static:
		return "a static-only run sends no request"
	case r.why[i] != "":
		return r.why[i]
	case s.Verify != 0 && s.Unverifiable != "":
		return s.Unverifiable
	case !chain.EndToEnd(c.Canary) && i > target(c, 0):
		return fmt.Sprintf("reachable or not, its credential path is untested: the auth-only canary stops at %s", c.Hops[target(c, 0)].Name)
	case r.creds[i].env != "" && !r.creds[i].set:
		return fmt.Sprintf("%s is not set in this job and no canary went through it", r.creds[i].env)
	}
	return "no request reached it"
}

// whyLinkUnverified says why no request crossed the link out of hop i.
func (r *run) whyLinkUnverified(i int) string {
	c := r.c
	if !chain.EndToEnd(c.Canary) && i >= target(c, 0) {
		return fmt.Sprintf("the auth-only canary stops at %s, so no call of model %q went past it", c.Hops[target(c, 0)].Name, c.Model)
	}
	return "no request crossed it"
}

func (r *run) verifyFix(static bool) string {
	switch {
	case len(r.verifyHints) > 0 && !static:
		return strings.Join(r.verifyHints, " ")
	case static:
		return "Run without --static-only to verify the chain live."
	case !chain.EndToEnd(r.c.Canary) && r.c.CanaryFixed:
		return fmt.Sprintf("Nothing to fix if the keys are right: model %q refuses a chat completion and an embeddings call (an image or audio model), so no canary can cross the chain; a chat route through the same hops verifies that path end to end. fail-on: error (the default) accepts the unverified part.", r.c.Model)
	case !chain.EndToEnd(r.c.Canary):
		return "Use canary: inference (one tiny completion through the whole chain; embedding for an embedding model) to verify every hop, or accept unverified hops with fail-on: error."
	case r.c.Canary == chain.CanaryEmbedding:
		return "Give hopcheck a way to reach each hop (its key in the job's env, or the embedding canary through the chain), or accept unverified hops with fail-on: error (the default)."
	}
	return "Give hopcheck a way to reach each hop (its key in the job's env, or an inference canary through the chain), or accept unverified hops with fail-on: error (the default)."
}
