package checks

import (
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// This file decides what a successful canary proves. A 2xx proves a
// working model only when it is a completion in the wire format the canary
// speaks (notCompletion), and a completion that came back through a
// gateway proves the hops behind the gateway were reached only when
// nothing else could have written it (behind).

// notCompletion records a 2xx canary answer that is not a completion in
// the wire format the canary speaks. The hop whose API the canary spoke
// answered it, directly or through the reverse proxies in front of it
// (which relay what they get, or answer with a page of their own): the
// fault is on the link into that hop.
func (r *run) notCompletion(err error, o outcome, tm *finding.Timings) *failure {
	c := r.c
	t0 := target(c, 0)
	h := c.Hops[t0]
	via := ""
	if t0 > 0 {
		names := make([]string, t0)
		for i := range names {
			names[i] = c.Hops[i].Name
		}
		via = " through " + strings.Join(names, " → ")
	}
	o.cause = finding.UpstreamError
	what := "a chat completion"
	fix := fmt.Sprintf("Check what answers at %s: a chat request there must return %s. A mock, a health or key endpoint, or another service at that address answers 200 without one.", redactURL(c.Hops[0].URL), r.answer)
	if r.answer == provider.AnswerEmbedding {
		// A 200 without a vector: the model did not embed (an engine that
		// cannot embed with it may answer an empty list), or the answer is
		// not an embeddings answer at all.
		what = "an embedding"
		fix = fmt.Sprintf("Make sure %q is an embedding model wherever the chain routes it (a server that cannot embed with a model may answer an empty list); if it is a chat model, use canary: inference. A mock, a health or key endpoint, or another service at %s also answers 200 without %s.", c.Model, redactURL(c.Hops[0].URL), r.answer)
	}
	o.msg = fmt.Sprintf("%s answered HTTP %d%s without %s: %s", h.Name, r.canary.Status, via, what, err)
	f := r.root(c.LinkInto(t0), t0, finding.UpstreamError, o, tm, "answer")
	if k := len(r.findings) - 1; k >= 0 && r.findings[k].Check == "live.canary.answer" {
		r.findings[k].Fix = fix
	}
	return f
}

// reach is what a successful canary's answer shows about the hops behind a
// gateway.
type reach uint8

const (
	// shown: the answer came from the hop (nothing else could have
	// written it, or the gateway names it as the deployment that answered).
	shown reach = iota
	// unshown: something else could have written it (a fallback, another
	// deployment of the model group), or hopcheck does not know the
	// gateway's config; the hop's own key check may still verify it.
	unshown
	// elsewhere: the gateway says another deployment answered: the hop's
	// route did not (a fallback answers when it fails).
	elsewhere
	// mocked: the gateway answers the route itself and never calls the
	// hop.
	mocked
)

// behind decides, after the canary came back with a completion, which hops
// behind the gateway it was sent to were reached. A gateway answers with
// its own key for the hop behind it, so the completion shows that hop was
// reached only when the config hopcheck read lets nothing else answer the
// chain's model — no mock answer, no fallback, no other deployment of the
// model group — or when the gateway's answer names the hop's deployment
// among those that could. A hop whose own key check passed is verified
// anyway, unless the gateway answers its route with a mock or says another
// deployment answered. What is not shown stays unverified, with the
// reason.
func (r *run) behind(hv []hopVerdict) {
	c := r.c
	t0 := target(c, 0)
	served := provider.Served{}
	if f := spec(c.Hops[t0]).Served; f != nil && r.canary != nil {
		served = f(r.canary.Header)
	}
	upstreamShown := true // the gateway of the segment was itself reached
	for g := t0; g >= 0 && g+1 < len(c.Hops); {
		next := target(c, g+1)
		end := next
		if end < 0 {
			end = len(c.Hops) - 1
		}
		got, why, hint := unshown, fmt.Sprintf("nothing shows the canary got past %s", c.Hops[g].Name), ""
		var doubt *pending
		if upstreamShown {
			var s provider.Served
			if g == t0 {
				s = served // the headers are those of the gateway the canary was sent to
			}
			got, why, hint, doubt = r.evidence(g, g+1, end, s)
		}
		unverified := false
		for k := g + 1; k <= end; k++ {
			unverified = r.judgeBehind(k, got, why, hv) || unverified
		}
		// Only what leaves a hop unverified is worth a word (a hop whose
		// own key check passed needs none).
		if unverified && doubt != nil {
			r.add(doubt.f, doubt.at)
		}
		if unverified && hint != "" && !containsStr(r.verifyHints, hint) {
			r.verifyHints = append(r.verifyHints, hint)
		}
		upstreamShown = got == shown
		g = next
	}
}

// judgeBehind gives hop k, behind a gateway, its verdict from what the
// canary's answer shows, and reports whether that leaves it unverified.
func (r *run) judgeBehind(k int, got reach, why string, hv []hopVerdict) bool {
	switch {
	case got == shown:
		if hv[k].status == finding.Skipped {
			hv[k].status = finding.Pass
		}
		return false
	case hv[k].status == finding.Pass && got == unshown && r.c.Hops[k].KeyShadow == "":
		return false // its own key check verified it
	case hv[k].status == finding.Pass, hv[k].status == finding.Skipped:
		// A key check of a key the gateway does not send verifies nothing.
		if s := r.c.Hops[k].KeyShadow; s != "" && hv[k].status == finding.Pass && got == unshown {
			why = s + "; and " + why
		}
		hv[k].status, hv[k].cause = finding.Skipped, finding.OK
	default:
		return false // failed on its own
	}
	if r.why == nil {
		r.why = map[int]string{}
	}
	r.why[k] = why
	return true
}

// evidence says whether the canary's answer, which gateway g sent back,
// came from the hops first..end behind it, read from the route the
// gateway's config gives them and from what the gateway says served the
// request. why explains anything but shown; hint is the fix.
func (r *run) evidence(g, first, end int, served provider.Served) (got reach, why, hint string, doubt *pending) {
	c := r.c
	gw, hop := c.Hops[g], c.Hops[first]
	var route *chain.Route
	for k := first; k <= end && route == nil; k++ {
		route = c.Hops[k].Route
	}
	if route == nil {
		why = fmt.Sprintf("hopcheck did not read %s's config, so nothing shows the canary's answer came from %s rather than from a mock, a cache or another model", gw.Name, hop.Name)
		hint = fmt.Sprintf("Add config: (the proxy's config file) to hop %q so hopcheck knows how it routes the model, or give this job %s's key (key_env on hop %q) so hopcheck checks it directly.", gw.Name, hop.Name, hop.Name)
		return unshown, why, hint, nil
	}
	for _, d := range route.Doubts {
		if d.Mock {
			fix := fmt.Sprintf("Remove the mock answer from the route in %s (it is for tests), or accept this hop as unverified.", route.Config)
			return mocked, fmt.Sprintf("%s answers the model itself and never calls it (%s)", gw.Name, d.Pos), fix,
				r.doubtFinding(g, first, d.Pos, fmt.Sprintf("%s answers model %q itself: %s, so the canary's completion says nothing about %s.", gw.Name, c.Model, d.What, hop.Name), fix)
		}
	}
	url := route.URL
	if url == "" {
		url = hop.URL
	}
	// A gateway that names the deployment it used (LiteLLM's headers) must
	// name the route's: the config hopcheck read may not be the one the
	// gateway runs, and whatever answers at the gateway's URL may have
	// called nothing at all. A gateway that names none (OpenClaw) is taken
	// at its config's word.
	reports := spec(gw).Served != nil
	if served.ID != "" && route.ID != "" && served.ID == route.ID {
		return shown, "", "", nil
	}
	for _, d := range route.Doubts {
		byID := served.ID != "" && d.ID != "" && d.ID == served.ID
		byURL := served.URL != "" && d.URL != "" && sameOrigin(d.URL, served.URL) && !sameOrigin(d.URL, url)
		if byID || byURL {
			fix := fmt.Sprintf("Check %s's route to %s (the key and base URL it uses there): the canary was answered from elsewhere.", gw.Name, hop.Name)
			return elsewhere, fmt.Sprintf("%s answered from another deployment (%s at %s)", gw.Name, d.What, d.Pos), fix,
				r.doubtFinding(g, first, d.Pos, fmt.Sprintf("%s says another deployment answered the canary, not its route to %s: %s.", gw.Name, hop.Name, d.What), fix)
		}
	}
	keyFix := fmt.Sprintf("Give this job %s's key (key_env on hop %q) so hopcheck checks it directly, or accept this hop as unverified.", hop.Name, hop.Name)
	if served.URL != "" && !sameOrigin(served.URL, url) {
		// The header is the gateway's and comes from outside: it is
		// never quoted.
		return unshown, fmt.Sprintf("%s says a deployment other than its route to %s answered (its answer names another base URL than %s in %s)", gw.Name, hop.Name, redactURL(url), route.Config), keyFix, nil
	}
	if len(route.Doubts) == 0 {
		if !reports || served.URL != "" {
			return shown, "", "", nil
		}
		return unshown, fmt.Sprintf("%s's answer does not name the deployment that answered (%s), so nothing shows it came from %s rather than from a mock or a cache", gw.Name, servedHeaders, hop.Name), keyFix, nil
	}
	if served.URL != "" {
		unique := true
		for _, d := range route.Doubts {
			if d.URL == "" || sameOrigin(d.URL, url) {
				unique = false
			}
		}
		if unique {
			return shown, "", "", nil
		}
	}
	d := route.Doubts[0]
	more := ""
	if n := len(route.Doubts) - 1; n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	return unshown, fmt.Sprintf("%s can answer the model from elsewhere (%s at %s%s) and does not say which deployment answered", gw.Name, d.What, d.Pos, more), keyFix,
		r.doubtFinding(g, first, d.Pos, fmt.Sprintf("%s can answer model %q without %s: %s%s; its answer does not say which deployment answered.", gw.Name, c.Model, hop.Name, d.What, more), keyFix)
}

// servedHeaders names, for messages, where a gateway says which deployment
// answered.
const servedHeaders = "no x-litellm-model-api-base or x-litellm-model-id header"

// pending is a finding to record at a position, once it is known to
// matter.
type pending struct {
	f  finding.Finding
	at chain.Pos
}

// doubtFinding is the finding, at the line of the gateway's config that
// says so (at), of why the canary's answer does not show hop first behind
// gateway g was reached.
func (r *run) doubtFinding(g, first int, at chain.Pos, msg, fix string) *pending {
	c := r.c
	l := chain.Link{From: c.Hops[g].Name, To: c.Hops[first].Name}
	return &pending{f: finding.Finding{Check: "live.route", Hop: c.Hops[first].Name, Link: &l, Cause: finding.NotVerified, Severity: finding.SevWarning,
		Message: msg, Fix: fix}, at: at}
}

// sameOrigin reports whether two URLs name the same scheme, host and port.
func sameOrigin(a, b string) bool {
	return strings.Contains(a, "://") && strings.Contains(b, "://") && origin(a) == origin(b)
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
