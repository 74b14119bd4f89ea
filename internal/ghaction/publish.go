package ghaction

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/sethvargo/go-githubactions"
)

// Values of the status output.
const (
	statusPass    = "pass"
	statusFail    = "fail"
	statusNeutral = "neutral"
	// statusUnverified: hopcheck could not verify every chain; never a
	// pass (fail-on unverified makes it fail).
	statusUnverified = "unverified"
)

// Output names (action.yml outputs).
const (
	OutputStatus      = "status"
	OutputFailingHop  = "failing-hop"
	OutputFailingLink = "failing-link"
	OutputCause       = "cause"
	OutputReportPath  = "report-path"
	// OutputRunwayDays is the smallest credit runway, in days, over every
	// hop of every chain (see finding.Credits); unset, so empty, when no
	// key check reported one.
	OutputRunwayDays = "runway-days"
)

// Publisher publishes a report to GitHub from inside an action step.
type Publisher struct {
	// Stdout receives the workflow commands (annotations, notices).
	Stdout io.Writer
	// Getenv reads GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_API_URL,
	// GITHUB_WORKSPACE (os.Getenv when nil).
	Getenv func(string) string
	// HTTPClient is used for the GitHub API (tests); nil means a client
	// with a 30 s timeout.
	HTTPClient *http.Client
	// APIURL overrides the API base URL verbatim (tests mount the API under
	// a prefix); "" means GITHUB_API_URL.
	APIURL string
	// Scrubber, when set, scrubs every free-text field of the report before
	// it is rendered: a second line of defence behind the checks, which
	// scrub at the source. When nil, the report's own Scrubber is used.
	Scrubber *secret.Scrubber
}

// PublishInput is one report and its context.
type PublishInput struct {
	Report *finding.Report
	Inputs Inputs
	Event  Event
	// ReportPath is the workspace-relative path of the JSON report, for the
	// report-path output.
	ReportPath string
	// Fingerprints are the credentials used (never their values). When
	// empty, the hops' credentials from the report are listed.
	Fingerprints []finding.Credential
}

func (p *Publisher) getenv(k string) string {
	if p.Getenv == nil {
		return os.Getenv(k)
	}
	return p.Getenv(k)
}

// Publish writes the annotations (stdout), the step summary
// (GITHUB_STEP_SUMMARY), the step outputs (GITHUB_OUTPUT: status,
// failing-hop, failing-link, cause, report-path, runway-days) and, when enabled, the
// sticky PR comment and the check run.
//
// GitHub API failures never fail the step: a 403 degrades to one ::notice
// naming the permission to add, other errors to a ::warning. Publish
// returns an error only when the step's contract is broken: the outputs
// cannot be written, or stdout fails.
func (p *Publisher) Publish(ctx context.Context, in PublishInput) error {
	if in.Report == nil {
		return errors.New("ghaction: nil report")
	}
	stdout := p.Stdout
	if stdout == nil {
		stdout = os.Stdout
	}
	r := in.Report
	creds := in.Fingerprints
	if len(creds) == 0 {
		creds = hopCredentials(r)
	}
	sc := p.scrubber(r)
	if sc != nil {
		r = scrubReport(r, sc)
		creds = scrubCreds(creds, sc)
	}
	a := githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(p.getenv))
	var stdoutErr, outputErr error
	issue := func(c *githubactions.Command) {
		if stdoutErr != nil {
			return
		}
		if err := guard(func() { a.IssueCommand(c) }); err != nil {
			stdoutErr = fmt.Errorf("writing workflow commands to stdout: %w", err)
		}
	}
	notice := func(msg string) {
		issue(&githubactions.Command{Name: "notice", Message: inertLines(scrubText(sc, msg))})
	}
	warning := func(msg string) {
		issue(&githubactions.Command{Name: "warning", Message: inertLines(scrubText(sc, msg))})
	}

	out := computeOutputs(r, in.ReportPath)

	// 1. Annotations, root causes first, within the per-step caps.
	all := buildAnnotations(r, in.Inputs.WorkingDirectory, p.getenv("GITHUB_WORKSPACE"))
	shown, omitted := capAnnotations(all)
	for _, an := range shown {
		issue(an.command())
	}
	if len(omitted) > 0 {
		notice(fmt.Sprintf("hopcheck: %d more annotation(s) did not fit GitHub's limit of %d errors and %d warnings per step; they are listed in the step summary.",
			len(omitted), maxErrorAnnotations, maxWarningAnnotations))
	}

	// 2. Step summary: needs no token, so it works on fork PRs.
	if p.getenv("GITHUB_STEP_SUMMARY") != "" {
		body := renderMarkdown(r, out.Status, creds, mdOptions{omitted: omitted, limit: summaryLimit, reportPath: in.ReportPath})
		if err := guard(func() { a.AddStepSummary(body) }); err != nil {
			warning("hopcheck could not write the step summary: " + err.Error())
		}
	}

	// 3. Step outputs. Values are single inert lines, so the fixed heredoc
	// delimiter of go-githubactions cannot be forged.
	if p.getenv("GITHUB_OUTPUT") != "" {
		for _, kv := range out.pairs() {
			if err := guard(func() { a.SetOutput(kv[0], outputValue(kv[1])) }); err != nil {
				outputErr = fmt.Errorf("writing step output %s to GITHUB_OUTPUT: %w", kv[0], err)
				break
			}
		}
	}

	// 4. Sticky PR comment and check run: optional extras.
	commentOn := in.Event.IsPR()
	if in.Inputs.Comment != nil {
		commentOn = *in.Inputs.Comment && in.Event.IsPR()
	}
	if commentOn || in.Inputs.CheckRun {
		p.postToAPI(ctx, r, in, out, creds, commentOn, notice, warning)
	}

	return errors.Join(outputErr, stdoutErr)
}

// postToAPI posts the sticky comment and the check run. It reports missing
// permissions in one notice and other failures as warnings.
func (p *Publisher) postToAPI(ctx context.Context, r *finding.Report, in PublishInput, out outputs, creds []finding.Credential,
	commentOn bool, notice, warning func(string)) {
	var what []string
	if commentOn {
		what = append(what, "the PR comment")
	}
	if in.Inputs.CheckRun {
		what = append(what, "the check run")
	}
	if in.Inputs.GitHubToken == "" {
		notice("hopcheck did not post " + strings.Join(what, " or ") + ": the github-token input is empty. The results are in the annotations and the step summary.")
		return
	}
	if in.Event.Owner == "" || in.Event.Repo == "" {
		warning("hopcheck did not post " + strings.Join(what, " or ") + ": GITHUB_REPOSITORY is not set.")
		return
	}
	gh, err := p.apiClient(in.Inputs.GitHubToken)
	if err != nil {
		warning("hopcheck did not post " + strings.Join(what, " or ") + ": " + err.Error())
		return
	}
	var denied, perms []string
	if commentOn {
		body := renderMarkdown(r, out.Status, creds, mdOptions{marker: true, limit: commentLimit, reportPath: in.ReportPath})
		if _, err := upsertComment(ctx, gh, in.Event, body); err != nil {
			if isForbidden(err) {
				denied, perms = append(denied, "the PR comment"), append(perms, "pull-requests: write")
			} else {
				warning("hopcheck could not post the PR comment: " + err.Error())
			}
		}
	}
	if in.Inputs.CheckRun {
		summary := renderMarkdown(r, out.Status, creds, mdOptions{limit: checkRunLimit, reportPath: in.ReportPath})
		var anns []*github.CheckRunAnnotation
		for _, a := range buildAnnotations(r, in.Inputs.WorkingDirectory, p.getenv("GITHUB_WORKSPACE")) {
			if ca, ok := checkAnnotation(a, annotationPath(r.Config, in.Inputs.WorkingDirectory, p.getenv("GITHUB_WORKSPACE"))); ok {
				anns = append(anns, ca)
			}
		}
		if err := createCheckRun(ctx, gh, in.Event, out.Status, out.title(), summary, anns); err != nil {
			if isForbidden(err) {
				denied, perms = append(denied, "the check run"), append(perms, "checks: write")
			} else {
				warning("hopcheck could not create the check run: " + err.Error())
			}
		}
	}
	if len(denied) > 0 {
		them := "it"
		if len(perms) > 1 {
			them = "them"
		}
		notice(fmt.Sprintf("hopcheck could not post %s: the token lacks %s (fork PRs never have %s). Add `%s` to the job's `permissions:` (keep `contents: read`); the results are in the annotations and the step summary.",
			strings.Join(denied, " and "), strings.Join(perms, " and "), them, strings.Join(perms, "`, `")))
	}
}

// outputs are the step outputs.
type outputs struct {
	Status, FailingHop, FailingLink, Cause, ReportPath string
	RunwayDays                                         string
}

func (o outputs) pairs() [][2]string {
	p := [][2]string{
		{OutputStatus, o.Status},
		{OutputFailingHop, o.FailingHop},
		{OutputFailingLink, o.FailingLink},
		{OutputCause, o.Cause},
		{OutputReportPath, o.ReportPath},
	}
	// An output never set reads as empty in the workflow, as the others
	// do when empty; it is written only when there is a runway.
	if o.RunwayDays != "" {
		p = append(p, [2]string{OutputRunwayDays, o.RunwayDays})
	}
	return p
}

// minRunway is the smallest runway_days over every hop of every chain, as
// a decimal number ("4.5", "0"), or "" when no hop has one.
func minRunway(r *finding.Report) string {
	var best *float64
	for _, c := range r.Chains {
		for _, h := range c.Hops {
			if h.Credits == nil || h.Credits.RunwayDays == nil {
				continue
			}
			if v := *h.Credits.RunwayDays; !math.IsNaN(v) && !math.IsInf(v, 0) && (best == nil || v < *best) {
				best = &v
			}
		}
	}
	if best == nil {
		return ""
	}
	return strconv.FormatFloat(*best, 'f', -1, 64)
}

// title is the check run's title.
func (o outputs) title() string {
	t := "hopcheck: " + o.Status
	if o.FailingLink != "" {
		t += " — " + o.FailingLink
	} else if o.FailingHop != "" {
		t += " — " + o.FailingHop
	}
	if o.Cause != "" && o.Cause != string(finding.OK) {
		t += ": " + o.Cause
	}
	return outputValue(t)
}

// StepStatus maps a report to the status output: pass, fail, unverified
// or neutral. The report's status is already the verdict (checks.Verdict
// applied fail-on), so the output and the exit code agree.
func StepStatus(r *finding.Report) string {
	switch r.Status {
	case finding.Pass, finding.Warn:
		return statusPass
	case finding.Fail:
		return statusFail
	case finding.Unverified:
		return statusUnverified
	}
	return statusNeutral
}

// computeOutputs picks the failing chain (the first that failed, else the
// first that is not clean) for failing-hop, failing-link and cause; with no
// such chain the cause comes from the worst run-level finding, or is "ok"
// for a passing run.
func computeOutputs(r *finding.Report, reportPath string) outputs {
	o := outputs{Status: StepStatus(r), ReportPath: reportPath, RunwayDays: minRunway(r)}
	var pick *finding.ChainResult
	for i := range r.Chains {
		if r.Chains[i].Status == finding.Fail {
			pick = &r.Chains[i]
			break
		}
	}
	if pick == nil && o.Status != statusPass {
		for i := range r.Chains {
			c := &r.Chains[i]
			if statusRank(c.Status) > statusRank(finding.Pass) && c.Cause != "" && c.Cause != finding.OK {
				pick = c
				break
			}
		}
	}
	if pick != nil {
		o.FailingHop = pick.FailingHop
		if pick.FailingLink != nil {
			o.FailingLink = linkString(pick.FailingLink)
		}
		o.Cause = string(pick.Cause)
	}
	if (o.Cause == "" || o.Cause == string(finding.OK)) && o.Status != statusPass {
		var worst *finding.Finding
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Severity.Rank() >= finding.SevNotice.Rank() && (worst == nil || f.Severity.Rank() > worst.Severity.Rank()) {
				worst = f
			}
		}
		if worst != nil {
			o.Cause = string(worst.Cause)
		}
	}
	if o.Cause == "" && o.Status == statusPass {
		o.Cause = string(finding.OK)
	}
	return o
}

func linkString(l *chain.Link) string { return l.From + " → " + l.To }

// hopCredentials lists the credentials of the report's hops, once per
// variable.
func hopCredentials(r *finding.Report) []finding.Credential {
	var out []finding.Credential
	seen := map[string]bool{}
	for _, c := range r.Chains {
		for _, h := range c.Hops {
			if h.Credential == nil || h.Credential.Env == "" || seen[h.Credential.Env] {
				continue
			}
			seen[h.Credential.Env] = true
			out = append(out, *h.Credential)
		}
	}
	return out
}

// scrubber returns the Scrubber for r: the Publisher's, else the report's.
func (p *Publisher) scrubber(r *finding.Report) *secret.Scrubber {
	if p.Scrubber != nil || r == nil {
		return p.Scrubber
	}
	return r.Scrubber
}

// scrubText makes each line of x inert and scrubs it with s
// (report.InertScrub; nil s: credential shapes only). The scrubber runs
// after the characters that rendering drops (escape sequences, control
// and format characters) are gone, so rendering, which makes the text
// inert again, cannot join a credential back together. Line breaks stay
// for the renderers that keep them.
func scrubText(s *secret.Scrubber, x string) string {
	if x == "" {
		return x
	}
	lines := splitLines(x)
	for i, l := range lines {
		lines[i] = report.InertScrub(l, s)
	}
	return strings.Join(lines, "\n")
}

// scrubReport returns a copy of r whose free-text fields went through
// scrubText with s.
func scrubReport(r *finding.Report, s *secret.Scrubber) *finding.Report {
	out := *r
	out.Scrubber = s // for the final passes over what is rendered from it
	out.Config = scrubText(s, r.Config)
	out.Findings = scrubFindings(r.Findings, s)
	out.Chains = make([]finding.ChainResult, len(r.Chains))
	for i, c := range r.Chains {
		c.Name, c.Model, c.FailingHop = scrubText(s, c.Name), scrubText(s, c.Model), scrubText(s, c.FailingHop)
		if c.FailingLink != nil {
			c.FailingLink = &chain.Link{From: scrubText(s, c.FailingLink.From), To: scrubText(s, c.FailingLink.To)}
		}
		hops := make([]finding.HopResult, len(c.Hops))
		for j, h := range c.Hops {
			h.Name, h.Type, h.URL = scrubText(s, h.Name), scrubText(s, h.Type), scrubText(s, h.URL)
			if h.Credential != nil {
				cr := *h.Credential
				cr.Fingerprint = scrubText(s, cr.Fingerprint)
				h.Credential = &cr
			}
			if h.Credits != nil {
				cc := *h.Credits
				cc.Kind, cc.Currency, cc.Window = scrubText(s, cc.Kind), scrubText(s, cc.Currency), scrubText(s, cc.Window)
				cc.Reset, cc.ResetsAt, cc.Estimate = scrubText(s, cc.Reset), scrubText(s, cc.ResetsAt), scrubText(s, cc.Estimate)
				h.Credits = &cc
			}
			hops[j] = h
		}
		c.Hops = hops
		links := make([]finding.LinkResult, len(c.Links))
		for j, l := range c.Links {
			l.From, l.To = scrubText(s, l.From), scrubText(s, l.To)
			links[j] = l
		}
		c.Links = links
		c.Findings = scrubFindings(c.Findings, s)
		out.Chains[i] = c
	}
	return &out
}

func scrubFindings(fs []finding.Finding, s *secret.Scrubber) []finding.Finding {
	if fs == nil {
		return nil
	}
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		f.Message, f.Fix, f.Hop, f.File = scrubText(s, f.Message), scrubText(s, f.Fix), scrubText(s, f.Hop), scrubText(s, f.File)
		f.Check, f.Chain = scrubText(s, f.Check), scrubText(s, f.Chain)
		if f.Link != nil {
			f.Link = &chain.Link{From: scrubText(s, f.Link.From), To: scrubText(s, f.Link.To)}
		}
		if f.Evidence != nil {
			e := *f.Evidence
			e.URL, e.Excerpt, e.Redirect = scrubText(s, e.URL), scrubText(s, e.Excerpt), scrubText(s, e.Redirect)
			e.Method, e.Phase = scrubText(s, e.Method), scrubText(s, e.Phase)
			f.Evidence = &e
		}
		out[i] = f
	}
	return out
}

func scrubCreds(cs []finding.Credential, s *secret.Scrubber) []finding.Credential {
	out := make([]finding.Credential, len(cs))
	for i, c := range cs {
		c.Fingerprint = scrubText(s, c.Fingerprint)
		out[i] = c
	}
	return out
}
