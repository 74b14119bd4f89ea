package checks

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// The bounds of the live phase (see execute). A provider's limits apply to
// one origin: its per-minute quotas count requests however many are in
// flight (a run sends one key check per key and one canary per model, all
// within seconds), so the per-origin bound is what protects a server that
// limits or queues concurrent requests (DeepInfra allows 200 per model, a
// small gateway or a local Ollama far fewer; --origin-concurrency lowers
// it). 32 keeps hopcheck well under the published concurrency limits it
// knows of while a config with a few dozen models behind one proxy still
// goes out in one wave; the overall bound of 64 caps the runner's sockets
// and buffered bodies and lets two origins run at their full bound at once.
const (
	DefaultConcurrency       = 64
	DefaultOriginConcurrency = 32
)

// Options configures a run.
type Options struct {
	// LookupEnv reads the job's environment (os.LookupEnv in production; a
	// map in the demo and in tests).
	LookupEnv func(string) (string, bool)
	// Client sends the live requests; its Scrubber must be the one passed
	// here so bodies are scrubbed at creation.
	Client *probe.Client
	// Scrubber learns every credential value read from the environment.
	Scrubber *secret.Scrubber
	// Concurrency bounds the requests in flight across all chains and
	// origins (default DefaultConcurrency).
	Concurrency int
	// OriginConcurrency bounds the requests in flight to one origin, the
	// scheme, host and port of the request URL (default
	// DefaultOriginConcurrency; Concurrency caps it too).
	OriginConcurrency int
	// Deadline, when > 0, caps the whole live phase. Without it every
	// request has its own budget of timeout + 1 s from the moment it
	// starts (retries happen only while they fit), so a hung hop ends its
	// checks within timeout + 1 s and queueing never eats into it.
	Deadline time.Duration
	// Canary overrides the chains' canary modes when set (one of
	// chain.OverrideModes; see chain.Override: auth-only applies to every
	// chain, inference never turns an embedding chain, or one whose model
	// cannot take a chat completion, into a chat completion).
	Canary string
	// Timeout overrides every chain's per-request timeout when > 0.
	Timeout time.Duration
	// ForkPR: the run checks a pull request from a fork, whose files the
	// fork's author wrote. No credential is sent on any request: every
	// chain is neutral (secrets-unavailable), its live checks skipped, its
	// static checks run; one run-level notice says why.
	ForkPR bool
	// DeadlineName names the setting that raises Deadline, for messages
	// (default "--deadline").
	DeadlineName string
	// Now is the clock (for key expiry); default time.Now.
	Now func() time.Time
	// StaticOnly skips every live request (every hop is then unverified).
	StaticOnly bool
	// Findings are findings about the configuration itself (discovery's):
	// one whose Chain names a chain joins it before its verdict (an error
	// fails it), the rest are run-level.
	Findings []finding.Finding
	// Allow lists the hosts allowed from outside the repository to
	// receive credentials the key-pinning rule would refuse (see
	// trust.Decide).
	Allow *trust.Allow
	// CreditsWarnDays is the runway, in days, under which a key's credit
	// raises credits-low (0: DefaultCreditsWarnDays; negative: never).
	CreditsWarnDays float64
}

// lookup reads a variable the configuration names, refusing the runner's
// own variables: whatever a file says, they are never credentials. (The
// config readers report such a reference as an error; this is the second
// line.)
func (o Options) lookup(name string) (string, bool) {
	if name == "" || trust.RunnerVar(name) {
		return "", false
	}
	return o.LookupEnv(name)
}

// expiryWarning is how close a key's expiry must be to warn.
const expiryWarning = 7 * 24 * time.Hour

// run is the working state of one chain.
type run struct {
	c          *chain.Chain
	creds      []credState
	staticFail []bool // fatal static problem: no request is sent to the hop
	findings   []finding.Finding
	direct     []*probe.Result // key check with the CI-held key, per hop
	public     []*probe.Result // unauthenticated reachability, per hop
	via        []*probe.Result // key check of the fronted hop, sent through a reverse proxy
	canary     *probe.Result
	canaryReq  *probe.Request
	canaryOK   bool // set by attribute: the canary's answer was a success
	neutral    bool
	now        time.Time
	allow      *trust.Allow
	refused    map[string]bool    // hop index + host already reported as not allowed
	creditWarn float64            // runway in days under which credits-low is raised (≤ 0: never)
	credits    []*finding.Credits // what each hop's key check said about credit

	// answer is what a successful canary answer must be (AnswerAny:
	// anything). After a successful canary, why says for a hop behind a
	// gateway that it does not show reached what hopcheck lacks, and
	// verifyHints are the fixes for those (see behind).
	answer      provider.Answer
	why         map[int]string
	verifyHints []string

	// scrub knows every credential the run read. Classify cleans the
	// (already scrubbed) body for a one-line message, and that cleaning
	// can join a key an upstream echoed with format characters or escape
	// sequences between its characters, so each verdict is scrubbed again
	// where it is made (r.classify).
	scrub *secret.Scrubber
	// pending counts the live results still to come (set by Run); the
	// goroutine that delivers the last one evaluates the chain into result
	// (see delivered).
	pending atomic.Int32
	result  atomic.Pointer[finding.ChainResult]
	// seen is what the chains of one Run read from the live results they
	// share (nil: each chain reads its own).
	seen *readings
}

type job struct {
	r    *run
	req  probe.Request
	into **probe.Result
}

// Run checks every chain of cfg and returns the report.
func Run(ctx context.Context, cfg *chain.Config, o Options) *finding.Report {
	start := time.Now()
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.OriginConcurrency <= 0 {
		o.OriginConcurrency = DefaultOriginConcurrency
	}
	if o.Scrubber == nil {
		o.Scrubber = &secret.Scrubber{}
	}
	if o.Client == nil {
		o.Client = probe.New(o.Scrubber)
	}
	runs := make([]*run, 0, len(cfg.Chains))
	var jobs []job
	seen := &readings{}
	for _, orig := range cfg.Chains {
		// The overrides apply to a copy: the caller's config is not changed.
		c := *orig
		c.Hops = slices.Clone(orig.Hops)
		// A chain without a model has no canary through it: the override
		// inference leaves its auth-only canary alone.
		c.Canary = chain.Override(c.Canary, c.CanaryFixed || c.Model == "", o.Canary)
		if o.Timeout > 0 {
			c.Timeout = o.Timeout
		}
		r := newRun(&c, o)
		r.seen = seen
		runs = append(runs, r)
		if !o.StaticOnly && !r.neutral {
			jobs = append(jobs, r.plan()...)
		}
	}
	if len(jobs) > 0 {
		for _, j := range jobs {
			j.r.pending.Add(1)
		}
		execute(ctx, jobs, o)
	}
	rep := &finding.Report{Schema: finding.SchemaID, Config: cfg.File, Scrubber: o.Scrubber}
	if o.ForkPR {
		rep.Findings = append(rep.Findings, forkNotice(len(runs)))
	}
	for _, r := range runs {
		var cr finding.ChainResult
		if p := r.result.Load(); p != nil {
			cr = *p
		} else {
			cr = r.evaluate()
		}
		place(&cr, o.Findings)
		r.unverified(&cr, o.StaticOnly)
		rep.Chains = append(rep.Chains, cr)
	}
	for _, f := range o.Findings {
		if f.Chain == "" || !slices.ContainsFunc(runs, func(r *run) bool { return r.c.Name == f.Chain }) {
			rep.Findings = append(rep.Findings, f)
		}
	}
	rep.Status = rollUp(rep.Chains, rep.Findings)
	rep.DurationMS = ms(time.Since(start))
	return rep
}

// place adds the findings about the configuration (discovery's) that
// belong to chain cr to it; an error fails the chain (naming its link when
// the chain had none).
func place(cr *finding.ChainResult, fs []finding.Finding) {
	for _, f := range fs {
		if f.Chain == "" || f.Chain != cr.Name {
			continue
		}
		cr.Findings = append(cr.Findings, f)
		if f.Severity == finding.SevError && cr.Status != finding.Fail {
			cr.Status, cr.Cause = finding.Fail, f.Cause
			if cr.FailingLink == nil && f.Link != nil {
				l := *f.Link
				cr.FailingLink, cr.FailingHop = &l, f.Hop
			}
		}
	}
	sortFindings(cr.Findings)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func newRun(c *chain.Chain, o Options) *run {
	n := len(c.Hops)
	r := &run{c: c, creds: make([]credState, n), staticFail: make([]bool, n),
		direct: make([]*probe.Result, n), public: make([]*probe.Result, n), via: make([]*probe.Result, n), now: o.Now(),
		allow: o.Allow, refused: map[string]bool{}, credits: make([]*finding.Credits, n), creditWarn: o.CreditsWarnDays,
		scrub: o.Scrubber}
	if r.creditWarn == 0 {
		r.creditWarn = DefaultCreditsWarnDays
	}
	for i, h := range c.Hops {
		if h.KeyEnv == "" {
			if h.KeyValue != "" {
				// A credential written in the hop's own config file (e.g.
				// a literal gateway token): usable, never printed, unless
				// it is a stand-in for a server that checks no key.
				if !h.KeyStandIn {
					o.Scrubber.Add(h.KeyValue)
				}
				r.creds[i] = credState{env: "the key in " + h.Pos.File, value: h.KeyValue, set: true}
			}
			continue
		}
		v, _ := o.lookup(h.KeyEnv)
		o.Scrubber.Add(v)
		r.creds[i] = credState{env: h.KeyEnv, value: v, set: v != "", companions: companions(spec(h), h, o)}
	}
	// A fork's files decide where requests go, so no request is sent at
	// all (not even unauthenticated ones, which would let the fork probe
	// the runner's network), whether or not the variables are set.
	r.neutral = o.ForkPR
	for i, h := range c.Hops {
		api := r.api(i)
		if h.URL == "" && configSaid(o.Findings, c.Name, h.Name) {
			// The configuration's own finding says why the hop has no
			// URL (an api_base reading an unset variable, a provider
			// without a default endpoint); no request goes to it, and no
			// second finding repeats it.
			r.staticFail[i] = true
		} else if msg, fatal := endpointProblem(h, api); msg != "" {
			r.add(finding.Finding{Check: "static.url", Hop: h.Name, Link: ptr(c.LinkInto(i)), Cause: finding.WrongEndpoint,
				Severity: sev(fatal), Message: msg, Fix: api.Fix(finding.WrongEndpoint)}, h.URLPos)
			if fatal {
				r.staticFail[i] = true
			}
		}
		cs := r.creds[i]
		if h.KeyEnv == "" {
			continue
		}
		if !cs.set {
			if r.neutral {
				continue
			}
			l := credLink(c, i)
			msg := fmt.Sprintf("%s is unset or empty in this job, so hop %q gets no credential.", h.KeyEnv, h.Name)
			fix := fmt.Sprintf("Add %s to the job's env (env: %s: ${{ secrets.%s }}) and make sure the secret exists.", h.KeyEnv, h.KeyEnv, h.KeyEnv)
			if hi := holder(c, i); hi >= 0 {
				msg = fmt.Sprintf("%s is unset or empty in this job, so %s has no key to send to %q.", h.KeyEnv, c.Hops[hi].Name, h.Name)
				fix = fmt.Sprintf("Set %s where %s runs (its config reads it) and in this job's env.", h.KeyEnv, c.Hops[hi].Name)
			}
			r.add(finding.Finding{Check: "static.credential", Hop: h.Name, Link: &l, Cause: finding.CredentialMissing,
				Severity: finding.SevError, Message: msg, Fix: fix}, h.KeyEnvPos)
			r.staticFail[i] = true
			continue
		}
		if msg, fatal := credentialProblem(api, h, cs.value); msg != "" {
			l := credLink(c, i)
			r.add(finding.Finding{Check: "static.credential", Hop: h.Name, Link: &l, Cause: finding.CredentialMalformed,
				Severity: sev(fatal), Message: msg, Fix: finding.Fix(finding.CredentialMalformed)}, h.KeyEnvPos)
			if fatal {
				r.staticFail[i] = true
			}
		}
		if need := spec(h).NeedsCompanions; need != nil && !r.neutral {
			for _, name := range need(cs.value) {
				if cs.companions[name] != "" {
					continue
				}
				name = companionVar(h, name)
				l := credLink(c, i)
				r.add(finding.Finding{Check: "static.credential", Hop: h.Name, Link: &l, Cause: finding.CredentialMissing, Severity: finding.SevError,
					Message: fmt.Sprintf("%s holds a %s key that signs requests with %s, which is unset or empty in this job.", h.KeyEnv, spec(h).Name, name),
					Fix:     fmt.Sprintf("Add %s to the job's env (env: %s: ${{ secrets.%s }}) next to %s.", name, name, name, h.KeyEnv)}, h.KeyEnvPos)
				r.staticFail[i] = true
			}
		}
	}
	return r
}

// configSaid reports whether the configuration's findings (discovery's)
// hold an error that hop of chain has a wrong endpoint.
func configSaid(fs []finding.Finding, chainName, hop string) bool {
	return slices.ContainsFunc(fs, func(f finding.Finding) bool {
		return f.Chain == chainName && f.Hop == hop && f.Cause == finding.WrongEndpoint && f.Severity == finding.SevError
	})
}

func sev(fatal bool) finding.Severity {
	if fatal {
		return finding.SevError
	}
	return finding.SevWarning
}

func ptr[T any](v T) *T { return &v }

// add records a finding positioned at p (or at the hop when p is empty).
func (r *run) add(f finding.Finding, p chain.Pos) {
	f.Chain = r.c.Name
	if p.IsZero() && f.Hop != "" {
		if i := r.c.Index(f.Hop); i >= 0 {
			p = r.c.Hops[i].Pos
		}
	}
	if p.IsZero() {
		p = r.c.Pos
	}
	f.At(p)
	r.findings = append(r.findings, f)
}

// api is the API spoken at hop i: its own type's, or for a reverse proxy
// that of the hop it fronts.
func (r *run) api(i int) *provider.Spec {
	if t := target(r.c, i); t >= 0 {
		return spec(r.c.Hops[t])
	}
	return spec(r.c.Hops[i])
}

// plan lists the live requests of this chain. All of them run at once:
// attribution happens afterwards, so the wall time is that of the slowest
// request, not the sum.
func (r *run) plan() []job {
	c := r.c
	var jobs []job
	for i, h := range c.Hops {
		if r.staticFail[i] {
			continue
		}
		if spec(h).Verify == provider.StaticOnly {
			continue // hopcheck cannot sign its requests: only a canary through a gateway verifies it
		}
		if spec(h).Terminates() {
			if r.creds[i].set {
				if req := keyCheck(h.URL, spec(h), h, r.cred(i)); req.URL != "" && r.allowed(i, i, req.URL) {
					jobs = append(jobs, job{r, req, &r.direct[i]})
				}
			} else if i > 0 {
				if req := publicCheck(h.URL, spec(h), h); req.URL != "" {
					jobs = append(jobs, job{r, req, &r.public[i]})
				}
			}
			continue
		}
		// A reverse proxy: send the fronted hop's key check through it,
		// when the job holds that key, to see whether it passes auth on.
		t := target(c, i)
		if t >= 0 && r.creds[t].set && !r.staticFail[t] {
			if req := keyCheck(h.URL, spec(c.Hops[t]), c.Hops[t], r.cred(t)); req.URL != "" && r.allowed(t, i, req.URL) {
				jobs = append(jobs, job{r, req, &r.via[i]})
			}
		}
	}
	if r.staticFail[0] {
		return jobs
	}
	t0 := target(c, 0)
	if t0 < 0 {
		return jobs
	}
	if r.staticFail[t0] && r.creds[t0].env != "" {
		return jobs // the first credential is missing or malformed: nothing to learn
	}
	if spec(c.Hops[t0]).Verify == provider.StaticOnly {
		return jobs // hopcheck cannot sign a request to it
	}
	var req probe.Request
	if c.Canary == chain.CanaryAuthOnly {
		req = keyCheck(c.Hops[0].URL, spec(c.Hops[t0]), c.Hops[t0], r.cred(t0))
		if req.URL == "" {
			return jobs // the API offers no authenticated call but inference
		}
	} else {
		var next chain.HopType
		if t0+1 < len(c.Hops) {
			if tn := target(c, t0+1); tn >= 0 {
				next = c.Hops[tn].Type
			}
		}
		req, r.answer = canaryRequest(c, spec(c.Hops[t0]), c.Hops[t0], r.cred(t0), next)
	}
	if r.creds[t0].set && !r.allowed(t0, 0, req.URL) {
		return jobs
	}
	r.canaryReq = &req
	jobs = append(jobs, job{r, req, &r.canary})
	return jobs
}

// cred is the credential of hop i, as a request carries it.
func (r *run) cred(i int) cred {
	return cred{hdr: r.c.Hops[i].KeyHeader, key: r.creds[i].value, companions: r.creds[i].companions}
}

// companions reads the companion variables of s (signing material that
// goes with the key, scrubbed like the key) and its settings (the region,
// not secret, never scrubbed) that are set, by the spec's names. A
// companion the hop's config renames is read from the variable it names
// instead (never a runner variable: o.lookup refuses those).
func companions(s *provider.Spec, h chain.Hop, o Options) map[string]string {
	var out map[string]string
	for _, names := range [][]string{s.Companions, s.Settings} {
		for _, name := range names {
			from := name
			if slices.Contains(s.Companions, name) {
				from = companionVar(h, name)
			}
			if v, ok := o.lookup(from); ok && v != "" {
				if out == nil {
					out = map[string]string{}
				}
				if slices.Contains(s.Companions, name) {
					o.Scrubber.Add(v)
				}
				out[name] = v
			}
		}
	}
	return out
}

// companionVar is the variable hop h reads the companion name from: the
// one its config names, else name itself.
func companionVar(h chain.Hop, name string) string {
	if v := h.Companions[name]; v != "" {
		return v
	}
	return name
}

// allowed applies the key-pinning rule to sending hop k's credential to
// rawURL, the address of hop dest. A refusal is reported once per hop and
// host, and nothing is sent.
func (r *run) allowed(k, dest int, rawURL string) bool {
	h := r.c.Hops[k]
	ref := trust.Decide(trust.Credential{Var: h.KeyEnv, Value: r.creds[k].value, For: spec(h)}, rawURL, r.allow)
	if ref == nil {
		return true
	}
	key := fmt.Sprintf("%d\x00%s", k, ref.Host)
	if r.refused[key] {
		return false
	}
	r.refused[key] = true
	d := r.c.Hops[dest]
	what := r.creds[k].env
	if fp := r.creds[k].fingerprint(); fp != "" {
		what += " (" + fp + ")"
	}
	msg, fix := refusal(ref, what, d.Name, spec(h).Name)
	r.add(finding.Finding{Check: "trust.host", Hop: d.Name, Link: ptr(r.c.LinkInto(dest)), Cause: finding.HostNotAllowed, Severity: finding.SevError,
		Message: msg, Fix: fix}, d.URLPos)
	if k == dest {
		r.staticFail[k] = true
	}
	return false
}

// refusal words the host-not-allowed finding for ref: what was not sent
// (what: the variable and the key's fingerprint) to hop, why (what ties
// the key to its providers) and what to add. typeName is the type of the
// hop the key is configured for.
func refusal(ref *trust.Refusal, what, hop, typeName string) (msg, fix string) {
	if len(ref.Owners) == 0 {
		return fmt.Sprintf("hopcheck did not send %s to %s (hop %q): the key of a %s goes only to loopback, private addresses and CI service names, and %s is a public host.", what, ref.Host, hop, typeName, ref.Host),
			trust.AllowHint(ref.Host) + "; otherwise point the hop at the provider's own URL."
	}
	var names, hosts []string
	for _, o := range ref.Owners {
		names = append(names, o.Name)
		hosts = append(hosts, o.Hosts...)
	}
	owners, where := strings.Join(names, " and "), strings.Join(hosts, ", ")
	switch ref.Tie {
	case trust.ByVar:
		if o := ref.HostOwner; o != nil {
			alt := ""
			if len(o.KeyVars) > 0 {
				alt = " — or keep the key in " + o.KeyVars[0]
			}
			return fmt.Sprintf("hopcheck did not send %s to %s (hop %q): %s is the key variable of %s, so the key in it goes only to %s, and %s is %s's.", what, ref.Host, hop, ref.Var, owners, where, ref.Host, o.Name),
				fmt.Sprintf("If %s holds a %s key (a client of %s reading %s), allow the host from outside the repository: `--allow-host %s` (CLI), the action input `allow-hosts: %s`, or %s=%s in the job's env%s. Otherwise point the hop at %s's own URL.",
					ref.Var, o.Name, o.Name, ref.Var, ref.Host, ref.Host, trust.AllowEnv, ref.Host, alt, names[0])
		}
		return fmt.Sprintf("hopcheck did not send %s to %s (hop %q): %s is the key variable of %s, so the key in it goes only to %s, whatever the hop's type (loopback and private hosts too).", what, ref.Host, hop, ref.Var, owners, where),
			fmt.Sprintf("%s. Or, if it is a gateway with a key of its own (say a LiteLLM proxy the OpenAI SDK is pointed at), keep that key in a variable that names no provider (e.g. GATEWAY_API_KEY) and reference it instead of %s. If the host is not yours, point the hop at %s's own URL.", trust.AllowHint(ref.Host), ref.Var, names[0])
	case trust.ByPrefix:
		return fmt.Sprintf("hopcheck did not send %s to %s (hop %q): the value has the prefix of a %s key, so it goes only to %s, whatever variable holds it.", what, ref.Host, hop, owners, where),
			trust.AllowHint(ref.Host) + "; otherwise point the hop at " + names[0] + "'s own URL, or give it the key it takes."
	}
	return fmt.Sprintf("hopcheck did not send %s to %s (hop %q): it is a key of %s, which goes only to %s.", what, ref.Host, hop, owners, where),
		trust.AllowHint(ref.Host) + "; otherwise point the hop at the provider's own URL."
}

// forkNotice is the one notice of a run that checks a fork's pull request.
func forkNotice(chains int) finding.Finding {
	return finding.Finding{Check: "fork.secrets", Cause: finding.SecretsUnavailable, Severity: finding.SevNotice,
		Message: fmt.Sprintf("This run checks a pull request from a fork, so hopcheck sent no credential and skipped the live checks of all %d chain(s); the static checks ran.", chains),
		Fix:     "Nothing to fix in this pull request: the live checks run where the workflow has its secrets and its own files (pushes and same-repository pull requests)."}
}

// outcome is a probe result reduced to a cause.
type outcome struct {
	cause   finding.Cause
	verdict classify.Verdict
	msg     string // what happened, one sentence, scrubbed
	ev      *finding.Evidence
}

func (o outcome) ok() bool { return o.cause == finding.OK }

// classify classifies resp with api's table and scrubs the verdict's
// message, which is made from a cleaned (normalised) view of the body.
func (r *run) classify(api *provider.Spec, resp classify.Response) classify.Verdict {
	v := api.Classify(resp)
	v.Message = r.scrub.Scrub(v.Message)
	return v
}

// assess classifies one result from a hop speaking api.
func (r *run) assess(api *provider.Spec, req *probe.Request, res *probe.Result) outcome {
	ev := &finding.Evidence{Status: res.Status}
	if req != nil {
		ev.Method = req.Method
		ev.URL = redactURL(req.URL)
	}
	if res.Err != nil {
		ev.Phase = res.Err.Phase
		return outcome{cause: res.Err.Cause, msg: res.Err.Message, ev: ev}
	}
	if rd := res.Redirect; rd != nil {
		ev.Redirect = rd.Location
		if rd.CrossHost {
			return outcome{cause: finding.RedirectDroppedAuth, ev: ev,
				msg: fmt.Sprintf("%s redirected (HTTP %d) from %s to another host, %s; clients drop the credential on such redirects.", ev.URL, rd.Status, rd.FromHost, rd.ToHost)}
		}
		return outcome{cause: finding.WrongEndpoint, ev: ev,
			msg: fmt.Sprintf("%s keeps redirecting (HTTP %d to %s).", ev.URL, rd.Status, rd.Location)}
	}
	v := r.classify(api, classify.Response{Status: res.Status, Header: res.Header, Body: res.Body})
	ev.Excerpt = r.scrub.Scrub(excerpt(res.Body))
	return outcome{cause: v.Cause, verdict: v, msg: v.Message, ev: ev}
}

// excerpt is a short single-line view of a (scrubbed) body.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// modelList is the OpenAI-style model list (LiteLLM, OpenAI, OpenClaw).
type modelList struct {
	Data []struct {
		ID string `json:"id"`
	} `json:"data"`
}

// hopVerdict collects the per-hop state while evaluating.
type hopVerdict struct {
	status finding.Status
	cause  finding.Cause
	tm     *finding.Timings
}

func (r *run) evaluate() finding.ChainResult {
	c := r.c
	n := len(c.Hops)
	hv := make([]hopVerdict, n)
	for i := range hv {
		hv[i] = hopVerdict{status: finding.Skipped, cause: finding.OK}
		if r.staticFail[i] {
			hv[i].status = finding.Fail
			for _, f := range r.findings {
				if f.Hop == c.Hops[i].Name && f.Severity == finding.SevError {
					hv[i].cause = f.Cause
					break
				}
			}
		}
	}
	// probe evidence per position k: did the fronted hop's key check pass
	// when sent to hop k (direct for terminating hops, via for proxies)?
	entered := make([]*outcome, n)
	// reach: the hop's own check (key or public), for network evidence.
	reach := make([]*outcome, n)

	for i, h := range c.Hops {
		if res := r.direct[i]; res != nil {
			req := keyCheck(h.URL, spec(h), h, cred{})
			o := r.seen.assess(r, spec(h), &req, res)
			entered[i], reach[i] = &o, &o
			hv[i].tm = timings(res)
			r.judgeDirect(i, o, res, &hv[i])
		} else if res := r.public[i]; res != nil {
			req := publicCheck(h.URL, spec(h), h)
			o := r.seen.assess(r, spec(h), &req, res)
			reach[i] = &o
			hv[i].tm = timings(res)
			// Reachable is not verified: the credential path to the hop is
			// proven only by a canary that came back through it.
			if !o.ok() && (isNetwork(o.cause) || o.cause == finding.WrongEndpoint || o.cause == finding.RedirectDroppedAuth) {
				hv[i].status, hv[i].cause = finding.Fail, o.cause
				r.add(finding.Finding{Check: "live.reachable", Hop: h.Name, Link: ptr(c.LinkInto(i)), Cause: o.cause, Severity: finding.SevError,
					Message: fmt.Sprintf("Hop %q is not reachable: %s", h.Name, o.msg), Fix: fixFor(c, o.cause, i, o), Timings: hv[i].tm, Evidence: o.ev}, chain.Pos{})
			}
		} else if res := r.via[i]; res != nil {
			t := target(c, i)
			req := keyCheck(h.URL, spec(c.Hops[t]), c.Hops[t], cred{})
			o := r.seen.assess(r, spec(c.Hops[t]), &req, res)
			entered[i] = &o
			hv[i].tm = timings(res)
			if o.ok() {
				hv[i].status = finding.Pass
			}
		}
	}

	cr := finding.ChainResult{Name: c.Name, Model: c.Model, Status: finding.Pass, Cause: finding.OK,
		File: c.Pos.File, Line: c.Pos.Line}
	failing := r.attribute(hv, entered, reach)
	if r.neutral {
		cr.Status, cr.Cause = finding.Neutral, finding.SecretsUnavailable
	}
	if failing != nil {
		cr.FailingLink = &failing.link
		cr.FailingHop = failing.hop
		cr.Cause = failing.cause
	}
	for _, f := range r.findings {
		if f.Severity == finding.SevError {
			cr.Status = finding.Fail
			if cr.FailingLink == nil && f.Link != nil {
				cr.FailingLink, cr.FailingHop, cr.Cause = f.Link, f.Hop, f.Cause
			}
		}
	}
	if cr.Status == finding.Fail && cr.Cause == finding.OK {
		for _, f := range r.findings {
			if f.Severity == finding.SevError {
				cr.Cause = f.Cause
				break
			}
		}
	}
	r.dropEchoes()
	// Root causes first, then path order (stable).
	sortFindings(r.findings)
	cr.Findings = r.findings
	if cr.Findings == nil {
		cr.Findings = []finding.Finding{}
	}
	for i, h := range c.Hops {
		hr := finding.HopResult{Name: h.Name, Type: string(h.Type), URL: redactURL(h.URL), Status: hv[i].status, Cause: hv[i].cause,
			Timings: hv[i].tm, Credits: r.credits[i], File: h.Pos.File, Line: h.Pos.Line, Col: h.Pos.Col}
		if h.KeyEnv != "" || h.KeyValue != "" {
			hr.Credential = &finding.Credential{Env: r.creds[i].env, Set: r.creds[i].set, Fingerprint: r.creds[i].fingerprint()}
		}
		if cr.FailingHop == h.Name && cr.Status == finding.Fail {
			hr.Status = finding.Fail
			if hr.Cause == finding.OK {
				hr.Cause = cr.Cause
			}
		}
		if r.neutral && hr.Status == finding.Skipped {
			hr.Status, hr.Cause = finding.Neutral, finding.SecretsUnavailable
		}
		cr.Hops = append(cr.Hops, hr)
	}
	cr.Links = r.linkResults(cr)
	return cr
}

// judgeDirect turns the direct key check of hop i into findings.
func (r *run) judgeDirect(i int, o outcome, res *probe.Result, v *hopVerdict) {
	c := r.c
	h := c.Hops[i]
	l := credLink(c, i)
	if !o.ok() {
		v.status, v.cause = finding.Fail, o.cause
		msg := fmt.Sprintf("%s rejected the key check with %s (%s): %s", h.Name, r.creds[i].env, r.creds[i].fingerprint(), o.msg)
		if isNetwork(o.cause) || o.cause == finding.RedirectDroppedAuth || o.cause == finding.WrongEndpoint {
			msg = fmt.Sprintf("Key check of hop %q failed: %s", h.Name, o.msg)
			l = c.LinkInto(i)
		}
		r.add(finding.Finding{Check: "live.key", Hop: h.Name, Link: &l, Cause: o.cause, Severity: finding.SevError,
			Message: msg, Fix: fixFor(c, o.cause, i, o), Timings: timings(res), Evidence: o.ev}, chain.Pos{})
		return
	}
	v.status = finding.Pass
	sp := spec(h)
	if sp.ReadKey != nil {
		r.judgeKeyFacts(i, r.seen.keyFacts(sp, res), res, v)
	}
	if sp.ListsModels {
		r.judgeModelList(i, res, v)
	}
}

// judgeKeyFacts turns what a key check said about the key (credit left,
// its runway, expiry) into findings.
func (r *run) judgeKeyFacts(i int, kf provider.KeyFacts, res *probe.Result, v *hopVerdict) {
	h := r.c.Hops[i]
	l := credLink(r.c, i)
	if kf.Limit != nil && kf.Remaining != nil && *kf.Remaining <= 0 {
		v.status, v.cause = finding.Fail, finding.CreditsExhausted
		r.add(finding.Finding{Check: "live.key", Hop: h.Name, Link: &l, Cause: finding.CreditsExhausted, Severity: finding.SevError,
			Message: fmt.Sprintf("The key in %s (%s) has no credit left (limit_remaining %.2f of %.2f).", h.KeyEnv, r.creds[i].fingerprint(), *kf.Remaining, *kf.Limit),
			Fix:     spec(h).Fix(finding.CreditsExhausted), Timings: timings(res)}, chain.Pos{})
	}
	if kf.Balance != nil && *kf.Balance <= 0 {
		v.status, v.cause = finding.Fail, finding.CreditsExhausted
		r.add(finding.Finding{Check: "live.key", Hop: h.Name, Link: &l, Cause: finding.CreditsExhausted, Severity: finding.SevError,
			Message: fmt.Sprintf("The account of the key in %s (%s) has no balance left (%.2f %s); %s refuses paid calls.", h.KeyEnv, r.creds[i].fingerprint(), *kf.Balance, kf.Currency, spec(h).Name),
			Fix:     spec(h).Fix(finding.CreditsExhausted), Timings: timings(res)}, chain.Pos{})
	}
	r.judgeRunway(i, estimateCredits(kf, r.now), res)
	if kf.ExpiresAt == "" {
		return
	}
	t, err := time.Parse(time.RFC3339, kf.ExpiresAt)
	if err != nil {
		return
	}
	switch left := t.Sub(r.now); {
	case left <= 0:
		v.status, v.cause = finding.Fail, finding.CredentialRejected
		r.add(finding.Finding{Check: "live.key", Hop: h.Name, Link: &l, Cause: finding.CredentialRejected, Severity: finding.SevError,
			Message: fmt.Sprintf("The key in %s (%s) expired at %s.", h.KeyEnv, r.creds[i].fingerprint(), t.UTC().Format(time.RFC3339)),
			Fix:     "Create a new key and update the secret."}, chain.Pos{})
	case left < expiryWarning:
		r.add(finding.Finding{Check: "live.key", Hop: h.Name, Link: &l, Cause: finding.KeyExpiring, Severity: finding.SevWarning,
			Message: fmt.Sprintf("The key in %s (%s) expires in %s (%s).", h.KeyEnv, r.creds[i].fingerprint(), roundDays(left), t.UTC().Format(time.RFC3339)),
			Fix:     "Rotate the key and update the secret before it expires."}, chain.Pos{})
	}
}

// judgeModelList checks that the model CI asks the first hop for is one it
// lists.
func (r *run) judgeModelList(i int, res *probe.Result, v *hopVerdict) {
	c := r.c
	h := c.Hops[i]
	if target(c, 0) != i || c.Model == "" {
		return
	}
	names := r.seen.models(res)
	if len(names) == 0 || slices.Contains(names, c.Model) {
		return
	}
	v.status, v.cause = finding.Fail, finding.ModelUnavailable
	lk := c.LinkInto(i)
	r.add(finding.Finding{Check: "live.models", Hop: h.Name, Link: &lk, Cause: finding.ModelUnavailable, Severity: finding.SevError,
		Message: fmt.Sprintf("%s does not serve model %q; it lists %s.", h.Name, c.Model, listShort(names)),
		Fix:     fmt.Sprintf("Set the chain's model to one of the proxy's model_name values, or add %q to its model_list.", c.Model)}, c.ModelPos)
}

func roundDays(d time.Duration) string {
	if d < 72*time.Hour {
		return fmt.Sprintf("%d hours", int(d.Hours()+0.5))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func listShort(s []string) string {
	if len(s) > 6 {
		return strings.Join(s[:6], ", ") + fmt.Sprintf(" and %d more", len(s)-6)
	}
	return strings.Join(s, ", ")
}

func isNetwork(c finding.Cause) bool {
	return c == finding.Unreachable || c == finding.Timeout || c == finding.TLSError
}

func isCredential(c finding.Cause) bool {
	return c == finding.HeaderMissing || c == finding.CredentialRejected || c == finding.CredentialMissing
}

func timings(res *probe.Result) *finding.Timings {
	t := res.Timings
	if t.DNS == nil && t.Connect == nil && t.TLS == nil && t.TTFB == nil && t.Total == nil {
		return nil
	}
	return &t
}

// redactURL drops user info and query strings (which may carry keys).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

// dropEchoes removes live findings that repeat the root finding (same link
// and cause): the root's message already cites that evidence.
func (r *run) dropEchoes() {
	var root *finding.Finding
	for k := range r.findings {
		if r.findings[k].Root {
			root = &r.findings[k]
		}
	}
	if root == nil || root.Link == nil {
		return
	}
	rl, rc := *root.Link, root.Cause
	out := r.findings[:0]
	for _, f := range r.findings {
		if !f.Root && strings.HasPrefix(f.Check, "live.") && f.Link != nil && *f.Link == rl && f.Cause == rc {
			continue
		}
		out = append(out, f)
	}
	r.findings = out
}

// execute sends the planned requests. Identical requests (same method, URL,
// headers and body — e.g. the key check of a provider shared by several
// chains) are sent once and their result shared. At most o.Concurrency
// requests are in flight, and at most o.OriginConcurrency to one origin, so
// many chains behind one provider never burst it while requests to other
// origins proceed. Each request gets its own budget of timeout + 1 s from
// the moment it starts, so time spent waiting for a free slot never counts
// against it; --deadline, when set, caps the whole phase, and requests it
// keeps from starting are reported as such.
func execute(ctx context.Context, jobs []job, o Options) {
	type group struct {
		req    probe.Request
		jobs   []job  // whose results this request is
		cost   int    // expected relative duration: the hops the request crosses
		origin string // where the per-origin bound applies
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, j := range jobs {
		req := j.req
		req.Timeout = j.r.c.Timeout
		cost := j.r.hopsCrossed(j.into)
		k := requestKey(req)
		if g, ok := byKey[k]; ok {
			g.jobs = append(g.jobs, j)
			g.cost = max(g.cost, cost)
			continue
		}
		g := &group{req: req, jobs: []job{j}, cost: cost, origin: origin(req.URL)}
		byKey[k] = g
		groups = append(groups, g)
	}
	// Longest first: canaries through several hops take the longest, so
	// starting them first keeps the critical path short when the bounds
	// make requests queue.
	sort.SliceStable(groups, func(a, b int) bool { return groups[a].cost > groups[b].cost })
	name, queuedFix := o.DeadlineName, o.DeadlineName
	if name == "" {
		name, queuedFix = "--deadline", "--deadline, --concurrency or --origin-concurrency"
	}
	var cut func() bool // the overall deadline (not the caller) ended the phase
	if o.Deadline > 0 {
		parent := ctx
		dctx, cancel := context.WithTimeout(parent, o.Deadline)
		defer cancel()
		cut = func() bool { return errors.Is(dctx.Err(), context.DeadlineExceeded) && parent.Err() == nil }
		ctx = dctx
	}
	notSent := func() probe.Result {
		msg := "not sent: the run was cancelled before a slot was free"
		if cut != nil && cut() {
			msg = fmt.Sprintf("not sent: the overall deadline of %s passed before a slot was free (raise %s)", o.Deadline, queuedFix)
		}
		return probe.Result{Err: &probe.NetError{Cause: finding.Timeout, Phase: "queued", Message: msg}}
	}
	deliver := func(g *group, res probe.Result) {
		// One result for every chain that planned the request, so what
		// they read from it is read once (readings).
		shared := &res
		for _, j := range g.jobs {
			*j.into = shared
			j.r.delivered()
		}
	}
	send := func(g *group) probe.Result {
		if ctx.Err() != nil {
			return notSent()
		}
		// The request's own budget starts now, not when it was queued.
		rctx, cancel := context.WithTimeout(ctx, g.req.Timeout+time.Second)
		res := o.Client.Do(rctx, g.req)
		cancel()
		if e := res.Err; e != nil && e.Cause == finding.Timeout && cut != nil && cut() {
			cp := *e
			cp.Message = fmt.Sprintf("%s; the overall deadline of %s ended the live checks (raise %s)", e.Message, o.Deadline, name)
			res.Err = &cp
		}
		return res
	}

	// One dispatcher owns both counts and starts, in the order above, every
	// waiting request that has a free slot overall and at its origin; a
	// request whose origin is full is passed over, not waited for. This is
	// hand-written because no semaphore (x/sync/semaphore, errgroup's
	// limit) gives both at once: acquiring origin slots in order would let
	// one busy origin hold up every request behind it, acquiring them from
	// a goroutine per request would lose the longest-first order.
	perOrigin := max(1, min(o.OriginConcurrency, o.Concurrency))
	finished := make(chan string, len(groups)) // origins of finished requests; never blocks a sender
	inFlight, atOrigin := 0, map[string]int{}
	var wg sync.WaitGroup
	pending := groups
	for len(pending) > 0 && ctx.Err() == nil {
		waiting := pending[:0]
		for i, g := range pending {
			if inFlight >= o.Concurrency {
				waiting = append(waiting, pending[i:]...)
				break
			}
			if atOrigin[g.origin] >= perOrigin {
				waiting = append(waiting, g)
				continue
			}
			inFlight++
			atOrigin[g.origin]++
			wg.Go(func() {
				res := send(g)
				// Free the slot first: delivering may evaluate chains.
				finished <- g.origin
				deliver(g, res)
			})
		}
		pending = waiting
		if len(pending) == 0 {
			break
		}
		select {
		case org := <-finished:
			inFlight--
			atOrigin[org]--
		case <-ctx.Done():
		}
	}
	for _, g := range pending {
		deliver(g, notSent())
	}
	wg.Wait()
}

// delivered records that one live result of r has arrived. The last one
// evaluates r at once, in the goroutine that delivered it: a chain whose
// requests are done is judged while the slower ones are still in flight,
// and the chains that finish together are judged in parallel, instead of
// all of them one after another after the last answer.
func (r *run) delivered() {
	if r.pending.Add(-1) == 0 {
		cr := r.evaluate()
		r.result.Store(&cr)
	}
}

// origin is the scheme, host and port a request URL names (the default
// port made explicit, case folded): the unit the per-origin bound counts.
// A URL that does not parse is its own origin; sending it fails anyway.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	scheme, port := strings.ToLower(u.Scheme), u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// requestKey identifies a request for de-duplication. The credential is
// part of the key (two chains with different keys are two requests) but
// only as a hash, so the key itself is never kept around as a map key.
func requestKey(r probe.Request) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", r.Method, r.URL, r.Timeout)
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(h, "%s=%q\x00", k, r.Header[k])
	}
	h.Write(r.Body)
	return string(h.Sum(nil))
}

// hopsCrossed estimates how many hops a planned request crosses (each adds
// its latency): the canary crosses the whole chain, a key check sent through
// a reverse proxy crosses it and the hops up to the provider, a direct check
// one hop.
func (r *run) hopsCrossed(into **probe.Result) int {
	if into == &r.canary {
		return len(r.c.Hops)
	}
	for i := range r.via {
		if into == &r.via[i] {
			return target(r.c, i) - i + 1
		}
	}
	return 1
}
