package checks

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// failure is the chain's first broken link.
type failure struct {
	link  chain.Link
	hop   string
	cause finding.Cause
}

// attribute walks the canary's answer along the chain, then compares it
// with the per-hop probes to name the first broken link. It records the
// root finding and returns the failure (nil when the chain works).
func (r *run) attribute(hv []hopVerdict, entered, reach []*outcome) *failure {
	c := r.c
	if r.canary == nil {
		return nil
	}
	o := r.seen.assess(r, r.api(0), r.canaryReq, r.canary)
	tm := timings(r.canary)
	if o.ok() {
		if _, err := r.answer.Read(r.canary.Body, r.canary.Header); err != nil {
			return r.notCompletion(err, o, tm)
		}
	}
	r.canaryOK = o.ok()
	if o.ok() {
		// The canary came back: every hop up to the one whose API it
		// spoke carried it. What it shows about the hops behind that one
		// (a gateway's upstreams) is for behind to say.
		t0 := target(c, 0)
		for i := range hv {
			if hv[i].status == finding.Skipped && i <= t0 {
				hv[i].status = finding.Pass
			}
		}
		if chain.EndToEnd(c.Canary) {
			r.softenProxyKeys(hv)
			r.behind(hv)
		}
		return nil
	}
	// No HTTP answer: the canary stalled or failed somewhere. If a later
	// hop fails the same way on its own, the fault is on the link into it
	// (a proxy waiting on a dead upstream); else on the link into the first.
	if r.canary.Err != nil {
		for j := 1; j < len(c.Hops); j++ {
			if p := reach[j]; p != nil && isNetwork(p.cause) {
				p.msg = fmt.Sprintf("the canary through %s failed (%s) and %s alone fails too: %s", c.Hops[0].Name, o.msg, c.Hops[j].Name, p.msg)
				return r.root(c.LinkInto(j), j, p.cause, *p, tm, "canary")
			}
		}
		return r.root(c.LinkInto(0), 0, o.cause, o, tm, "canary")
	}
	if r.canary.Redirect != nil {
		return r.root(c.LinkInto(0), 0, o.cause, o, tm, "canary")
	}
	// Walk the relayed answers inward, each with the table of the hop it
	// passes (a reverse proxy relays unless the page is its own).
	i := 0
	cur := classify.Response{Status: r.canary.Status, Header: r.canary.Header, Body: r.canary.Body}
	v := r.classify(spec(c.Hops[0]), cur)
	for {
		if v.Cause == finding.OK {
			return nil
		}
		switch v.Origin {
		case classify.Relayed:
			if v.Inner != nil && i+1 < len(c.Hops) {
				cur = *v.Inner
				i++
				v = r.classify(spec(c.Hops[i]), cur)
				if v.Cause == finding.OK {
					// The inner answer looks fine but the hop failed: the
					// fault is between the two.
					v = classify.Verdict{Cause: finding.UpstreamError, Origin: classify.Self, Message: o.msg}
					i--
				}
				o = outcome{cause: v.Cause, verdict: v, msg: v.Message, ev: o.ev}
				continue
			}
			if i+1 < len(c.Hops) {
				// The hop says its upstream failed without a body to walk
				// (e.g. it had no key to send): the link out of it. A proxy
				// words every network failure alike ("Connection error."),
				// so hopcheck's own request to the next hop names it better.
				l := chain.Link{From: c.Hops[i].Name, To: c.Hops[i+1].Name}
				oo := outcome{cause: v.Cause, verdict: v, msg: v.Message, ev: o.ev}
				if p := reach[i+1]; isNetwork(v.Cause) && p != nil && isNetwork(p.cause) {
					oo.cause = p.cause
					oo.msg = fmt.Sprintf("%s; hopcheck's own request to %s fails too: %s", v.Message, c.Hops[i+1].Name, p.msg)
					if o.ev != nil && p.ev != nil {
						ev := *o.ev
						ev.Phase = p.ev.Phase
						oo.ev = &ev
					}
				}
				return r.root(l, i+1, oo.cause, oo, tm, "relayed")
			}
			if spec(c.Hops[i]).Role == provider.Relay {
				// A reverse proxy at the end of the chain passed on an
				// answer nobody else is modelled to have written.
				return r.root(c.LinkInto(i), i, v.Cause, outcome{cause: v.Cause, verdict: v, msg: v.Message, ev: o.ev}, tm, "relayed")
			}
			// The last modelled hop is a proxy that relayed its upstream's
			// failure: the fault is on its link out, to a provider the
			// chain does not list.
			l := chain.Link{From: c.Hops[i].Name, To: "upstream"}
			f := r.root(l, i, v.Cause, outcome{cause: v.Cause, verdict: v, msg: c.Hops[i].Name + " relayed its upstream's answer: " + v.Message, ev: o.ev}, tm, "relayed")
			r.findings[len(r.findings)-1].Fix = fmt.Sprintf("Fix %s's upstream configuration (its key or base URL for the provider), or add the provider as the next hop so hopcheck can check it directly.", c.Hops[i].Name)
			return f
		case classify.Behind:
			// A provider behind hop i that the chain does not model (e.g.
			// a BYOK provider behind OpenRouter) failed: the chain's own
			// credentials are fine, hop i's upstream configuration is not.
			l := chain.Link{From: c.Hops[i].Name, To: "upstream"}
			oo := outcome{cause: v.Cause, verdict: v, msg: "the provider behind " + c.Hops[i].Name + " answered: " + v.Message, ev: o.ev}
			f := r.root(l, i, v.Cause, oo, tm, "behind")
			fix := fmt.Sprintf("Fix the provider configured inside %s (for OpenRouter: the BYOK key under Settings → Integrations), or route to another provider.", c.Hops[i].Name)
			switch v.Cause {
			case finding.RateLimited:
				fix = fmt.Sprintf("The provider behind %s is rate-limited for this model, usually for a short time: retry later (do not tight-retry in CI), or let %s route the model to another provider.", c.Hops[i].Name, c.Hops[i].Name)
			case finding.UpstreamError, finding.Timeout:
				fix = fmt.Sprintf("The provider behind %s failed or did not answer in time, usually for a short time: retry later, or let %s route the model to another provider.", c.Hops[i].Name, c.Hops[i].Name)
			}
			r.findings[len(r.findings)-1].Fix = fix
			return f
		default: // Self: hop i wrote it.
			return r.blame(i, v.Cause, outcome{cause: v.Cause, verdict: v, msg: v.Message, ev: o.ev}, entered, reach, tm)
		}
	}
}

// blame names the link for a failure written by hop j. For credential
// failures it uses the per-hop probes: the credential for j leaves its
// holder and crosses reverse proxies; the broken link is just before the
// innermost hop at which a probe carrying the same key still worked.
func (r *run) blame(j int, cause finding.Cause, o outcome, entered, reach []*outcome, tm *finding.Timings) *failure {
	c := r.c
	if spec(c.Hops[j]).Role == provider.Relay {
		// The proxy's own error page (bad gateway, its own auth).
		if isNetwork(cause) || cause == finding.UpstreamError {
			if j+1 < len(c.Hops) {
				// "502 Bad Gateway" says little; hopcheck's own request
				// to the next hop names the network failure.
				if p := reach[j+1]; p != nil && isNetwork(p.cause) {
					o.msg = fmt.Sprintf("%s; hopcheck's own request to %s fails too: %s", o.msg, c.Hops[j+1].Name, p.msg)
					cause = p.cause
				}
				return r.root(chain.Link{From: c.Hops[j].Name, To: c.Hops[j+1].Name}, j+1, cause, o, tm, "proxy")
			}
		}
		return r.root(c.LinkInto(j), j, cause, o, tm, "proxy")
	}
	if !isCredential(cause) {
		return r.root(c.LinkInto(j), j, cause, o, tm, "self")
	}
	h := holder(c, j)
	if p := entered[j]; p != nil && !p.ok() && isCredential(p.cause) {
		// The provider rejects the key even when hopcheck sends it directly:
		// the key itself is bad, wherever it comes from.
		o.msg = fmt.Sprintf("%s; the same answer comes back when hopcheck sends %s (%s) to %s directly", o.msg, r.creds[j].env, r.creds[j].fingerprint(), c.Hops[j].Name)
		return r.root(c.LinkInto(h+1), j, p.cause, o, tm, "key")
	}
	directOK := entered[j] != nil && entered[j].ok()
	good := -1
	if directOK {
		good = j
	}
	for k := j - 1; k > h; k-- {
		p := entered[k]
		switch {
		case p == nil:
			continue
		case p.ok():
			good = k
		default:
			into := good
			if into < 0 {
				into = k + 1
			}
			l := c.LinkInto(into)
			o.msg = fmt.Sprintf("%s; %s passes the key check when sent to %s but not through %s", o.msg, r.creds[j].env, c.Hops[into].Name, c.Hops[k].Name)
			return r.root(l, into-1, cause, o, tm, "dropped")
		}
	}
	l := c.LinkInto(h + 1)
	switch {
	case directOK && h >= 0:
		o.msg = fmt.Sprintf("%s; %s accepts %s (%s) from this job, so %s does not send it (or sends another key)", o.msg, c.Hops[j].Name, r.creds[j].env, r.creds[j].fingerprint(), c.Hops[h].Name)
	case h >= 0 && h+1 < j:
		o.msg = fmt.Sprintf("%s; hopcheck cannot tell whether %s did not send the key or a hop after it dropped it: declare key_env on hop %q to let it test each hop", o.msg, c.Hops[h].Name, c.Hops[j].Name)
	}
	hop := j
	if h+1 < j && directOK {
		hop = h + 1
	}
	return r.root(l, hop, cause, o, tm, "credential")
}

// root records the finding that explains the chain's failure.
func (r *run) root(l chain.Link, hop int, cause finding.Cause, o outcome, tm *finding.Timings, how string) *failure {
	c := r.c
	if hop < 0 {
		hop = 0
	}
	if hop >= len(c.Hops) {
		hop = len(c.Hops) - 1
	}
	// A static finding about the same link is more specific (e.g. the env
	// var is unset): keep it as the root and add the canary as evidence.
	for k := range r.findings {
		f := &r.findings[k]
		if f.Link == nil || *f.Link != l || !strings.HasPrefix(f.Check, "static.") {
			continue
		}
		// A shape warning (a truncated key, say) that the provider then
		// rejects is the root cause: promote it.
		if f.Severity == finding.SevWarning && f.Cause == finding.CredentialMalformed && isCredential(cause) {
			f.Severity = finding.SevError
			f.Message += " The provider rejects it: " + o.msg
		}
		if f.Severity == finding.SevError {
			f.Root = true
			f.Evidence = o.ev
			return &failure{link: l, hop: f.Hop, cause: f.Cause}
		}
	}
	hopName := c.Hops[hop].Name
	msg := fmt.Sprintf("%s: %s", l, describe(cause))
	if o.msg != "" {
		msg += " — " + o.msg
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	r.add(finding.Finding{Check: "live.canary." + how, Hop: hopName, Link: &l, Cause: cause, Severity: finding.SevError,
		Message: msg, Fix: fixFor(c, cause, c.Index(l.To), o), Timings: tm, Evidence: o.ev, Root: true}, c.Hops[hop].Pos)
	return &failure{link: l, hop: hopName, cause: cause}
}

func describe(c finding.Cause) string {
	switch c {
	case finding.HeaderMissing:
		return "the credential did not arrive"
	case finding.CredentialRejected:
		return "the credential was rejected"
	case finding.CredentialMissing:
		return "no credential to send"
	case finding.CreditsExhausted:
		return "no credits left"
	case finding.KeyLimit:
		return "the key's spend limit is reached"
	case finding.RateLimited:
		return "rate limited"
	case finding.ModelUnavailable:
		return "model not available"
	case finding.WrongEndpoint:
		return "wrong endpoint"
	case finding.RedirectDroppedAuth:
		return "redirected to another host, which drops the credential"
	case finding.Unreachable:
		return "unreachable"
	case finding.Timeout:
		return "timed out"
	case finding.TLSError:
		return "TLS handshake failed"
	case finding.Forbidden:
		return "forbidden"
	case finding.UpstreamError:
		return "upstream error"
	}
	return string(c)
}

// fixFor is the one-sentence fix for a failure whose link ends at hop i.
func fixFor(c *chain.Chain, cause finding.Cause, i int, o outcome) string {
	if i < 0 || i >= len(c.Hops) {
		return finding.Fix(cause)
	}
	h := c.Hops[i]
	from := chain.CIHop
	var fromHop *chain.Hop
	if i > 0 {
		fromHop = &c.Hops[i-1]
		from = fromHop.Name
	}
	switch cause {
	case finding.HeaderMissing, finding.CredentialMissing:
		switch {
		case fromHop != nil && spec(*fromHop).UpstreamKeyFix != nil:
			return spec(*fromHop).UpstreamKeyFix(from, h, envOr(h.KeyEnv, spec(h).KeyVars...))
		case h.KeyEnv != "":
			return fmt.Sprintf("Make sure %s holds a %s key and is sent as `%s: %s…`.", h.KeyEnv, spec(h).Name, h.KeyHeader.Name, h.KeyHeader.Prefix)
		}
		return fmt.Sprintf("Configure the credential %s sends to %s.", from, h.Name)
	case finding.CredentialRejected:
		if spec(h).Role == provider.Relay && h.KeyEnv == "" {
			// The reverse proxy refused the request itself: it checks a
			// credential of its own (nginx auth_basic, an auth proxy), not
			// the LLM key behind it.
			return fmt.Sprintf("%s asks for a credential of its own (HTTP auth in front of the API, e.g. nginx auth_basic or an auth proxy): give hop %q that credential with key_env and key_header, or let the CI runner's requests through without it.", h.Name, h.Name)
		}
		if fromHop != nil && spec(*fromHop).Role == provider.Gateway {
			return fmt.Sprintf("Replace the upstream key %s uses for %s with a live one (create a new key; update %s where the proxy runs).", from, h.Name, envOr(h.KeyEnv, "its api_key"))
		}
		if h.KeyEnv != "" {
			return fmt.Sprintf("Replace the secret %s with a live %s key (the current one is rejected).", h.KeyEnv, h.Name)
		}
	case finding.ModelUnavailable:
		if fromHop != nil && spec(*fromHop).Role == provider.Gateway {
			return fmt.Sprintf("Make the model %s routes %q to available on %s, or change that route in %s's config.", from, c.Model, h.Name, from)
		}
		return fmt.Sprintf("Use a model id that %s serves; %q is not one.", h.Name, c.Model)
	case finding.RedirectDroppedAuth:
		if o.ev != nil && o.ev.Redirect != "" {
			return fmt.Sprintf("Set url of hop %q to the redirect's target (%s) so no redirect is needed.", h.Name, redirectBase(o.ev.Redirect, o.ev.URL, h.URL))
		}
	case finding.Unreachable:
		return fmt.Sprintf("Start %s before hopcheck runs and check its url (%s).", h.Name, redactURL(h.URL))
	case finding.Timeout:
		if o.ev != nil && o.ev.Phase != "" {
			return fmt.Sprintf("%s did not answer in time (stalled in phase %s): check its health, or raise the timeout if it is only slow.", h.Name, o.ev.Phase)
		}
	}
	return spec(h).Fix(cause)
}

// envOr is env, or the first conventional variable, or a description.
func envOr(env string, conventional ...string) string {
	if env != "" {
		return env
	}
	if len(conventional) > 0 {
		return conventional[0]
	}
	return "its key variable"
}

// linkResults gives every link a verdict: links before the failing one
// carried the request, the failing one is broken, later ones are unknown.
func (r *run) linkResults(cr finding.ChainResult) []finding.LinkResult {
	c := r.c
	links := c.Links()
	out := make([]finding.LinkResult, len(links))
	failAt := -1
	if cr.FailingLink != nil {
		for k, l := range links {
			if l == *cr.FailingLink {
				failAt = k
			}
		}
	}
	// The links the canary is known to have crossed: those into every hop
	// up to the one it was sent to, and into the hops behind it that it
	// shows it reached (and that nothing else made unverified).
	carried := func(k int) bool {
		if !r.canaryOK {
			return false
		}
		if k <= target(c, 0) {
			return true
		}
		return chain.EndToEnd(c.Canary) && r.why[k] == "" && k < len(cr.Hops) && cr.Hops[k].Status == finding.Pass
	}
	for k, l := range links {
		lr := finding.LinkResult{From: l.From, To: l.To, Status: finding.Skipped, Cause: finding.OK}
		switch {
		case cr.Status == finding.Neutral && failAt < 0:
			lr.Status = finding.Neutral
		case failAt >= 0 && k < failAt && r.canary != nil && r.canary.Status != 0:
			// The canary's answer came back through these links.
			lr.Status = finding.Pass
		case k == failAt:
			lr.Status, lr.Cause = finding.Fail, cr.Cause
		case failAt < 0 && carried(k):
			lr.Status = finding.Pass
		}
		out[k] = lr
	}
	return out
}

// sortFindings puts root causes first, then errors before warnings, keeping
// path order otherwise.
func sortFindings(fs []finding.Finding) {
	sort.SliceStable(fs, func(a, b int) bool {
		if fs[a].Root != fs[b].Root {
			return fs[a].Root
		}
		return fs[a].Severity.Rank() > fs[b].Severity.Rank()
	})
}

// softenProxyKeys handles a key_env declared for a hop behind a proxy that
// is empty in this job while the canary came back through the proxy with
// its answer (a completion, an embedding): the proxy may well have its own
// key (it runs elsewhere, with its own environment). That is worth a
// warning, not a failed chain; whether the hop passes is for behind to say.
func (r *run) softenProxyKeys(hv []hopVerdict) {
	c := r.c
	for k := range r.findings {
		f := &r.findings[k]
		if f.Check != "static.credential" || f.Cause != finding.CredentialMissing || f.Severity != finding.SevError {
			continue
		}
		i := c.Index(f.Hop)
		if i < 0 || holder(c, i) < 0 {
			continue // the job itself sends this key: it must have it
		}
		f.Severity = finding.SevWarning
		f.Message += fmt.Sprintf(" The canary still came back through %s with a completion, so %s may well have a key of its own; hopcheck could not check that key directly.", c.Hops[holder(c, i)].Name, c.Hops[holder(c, i)].Name)
		f.Fix = fmt.Sprintf("Export %s to this job too (so hopcheck can check the key %s uses), or drop key_env from hop %q.", c.Hops[i].KeyEnv, c.Hops[holder(c, i)].Name, f.Hop)
		if hv[i].status == finding.Fail && hv[i].cause == finding.CredentialMissing {
			// Neither failed nor verified: what the canary shows about
			// the hop (see behind) decides.
			hv[i].status, hv[i].cause = finding.Skipped, finding.OK
		}
	}
}

// redirectBase is the base URL a hop's url should be for the request to
// reqURL (the hop's url plus an endpoint path such as /chat/completions)
// not to be redirected to target: target without that endpoint path. A
// target that does not end with it is returned as it is.
func redirectBase(target, reqURL, hopURL string) string {
	t, err1 := url.Parse(target)
	q, err2 := url.Parse(reqURL)
	b, err3 := url.Parse(hopURL)
	if err1 != nil || err2 != nil || err3 != nil {
		return target
	}
	endpoint, ok := strings.CutPrefix(q.Path, strings.TrimRight(b.Path, "/"))
	if !ok || endpoint == "" || endpoint == "/" {
		return target
	}
	base, ok := strings.CutSuffix(t.Path, endpoint)
	if !ok {
		return target
	}
	t.Path, t.RawPath, t.RawQuery, t.User = base, "", "", nil
	return t.String()
}
