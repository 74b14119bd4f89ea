package ghaction

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/google/go-github/v62/github"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/sethvargo/go-githubactions"
)

// Monitor mode: for scheduled runs (on: schedule, workflow_dispatch) where
// nobody reads the log, hopcheck keeps one GitHub issue per chain that is
// broken or warns. The first failing run opens it, later runs update it in
// place (a comment only when the status or the cause changes), and the
// first clean run comments and closes it. A chain that breaks again later
// gets a new issue. Problems of the run itself (a configuration hopcheck
// cannot load) get an issue of their own.
//
// An issue is hopcheck's when its body carries the hidden monitor marker
// AND it was opened by the token's own account (tokenLogin, the identity
// the sticky PR comment uses). A marked issue by anyone else is never
// edited, commented on or closed: anybody can open an issue with that
// marker, and editing it would put hopcheck's words under their name.

// Action inputs of monitor mode (action.yml).
const (
	InputMode   = "mode"
	InputLabels = "labels"
)

// Values of the mode input.
const (
	ModeCheck   = "check"
	ModeMonitor = "monitor"
)

// ModeValues are the accepted values of the mode input.
var ModeValues = []string{ModeCheck, ModeMonitor}

// DefaultLabels are put on a new monitor issue when no label is given.
var DefaultLabels = []string{"hopcheck"}

// Label bounds: GitHub refuses label names longer than 50 characters; a
// handful of labels is all an issue needs.
const (
	maxLabelLen = 50
	maxLabels   = 10
)

// maxIssuePages bounds the search for hopcheck's open issues (100 per page).
const maxIssuePages = 30

// MonitorInputs are the inputs only monitor mode reads.
type MonitorInputs struct {
	// Mode is check (default) or monitor.
	Mode string
	// Labels go on every issue the monitor opens (default DefaultLabels).
	Labels []string
}

// ReadMonitorInputs reads and validates the mode and labels inputs.
func ReadMonitorInputs(getenv func(string) string) (MonitorInputs, error) {
	if getenv == nil {
		return MonitorInputs{}, errors.New("ghaction: nil getenv")
	}
	a := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(io.Discard))
	in := MonitorInputs{Mode: strings.ToLower(a.GetInput(InputMode))}
	if in.Mode == "" {
		in.Mode = ModeCheck
	}
	err := checkEnum(InputMode, in.Mode, ModeValues)
	labels, lerr := ParseLabels(a.GetInput(InputLabels))
	if lerr != nil {
		lerr = fmt.Errorf("input %q: %w", InputLabels, lerr)
	}
	in.Labels = labels
	return in, errors.Join(err, lerr)
}

// ParseLabels splits label lists (comma- or newline-separated), trims and
// de-duplicates them (GitHub compares label names case-insensitively) and
// checks their length. No label at all gives DefaultLabels.
func ParseLabels(values ...string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
			l = strings.TrimSpace(l)
			if l == "" || seen[strings.ToLower(l)] {
				continue
			}
			if utf8.RuneCountInString(l) > maxLabelLen || report.Inert(l) != l {
				return nil, fmt.Errorf("label %s must be at most %d printable characters", shown(l), maxLabelLen)
			}
			seen[strings.ToLower(l)] = true
			out = append(out, l)
		}
	}
	if len(out) > maxLabels {
		return nil, fmt.Errorf("at most %d labels (got %d)", maxLabels, len(out))
	}
	if len(out) == 0 {
		return append([]string(nil), DefaultLabels...), nil
	}
	return out, nil
}

// MonitorInput is one monitor run.
type MonitorInput struct {
	// Report is the run's report (already through checks.Verdict).
	Report *finding.Report
	// Token authenticates the API calls; it needs issues: write.
	Token string
	// Owner and Repo name the repository the issues live in.
	Owner, Repo string
	// Labels go on new issues (nil: DefaultLabels).
	Labels []string
	// RunURL links the workflow run in issue bodies and comments ("" when
	// unknown). Use RunURL(getenv).
	RunURL string
	// Complete is true when Report covers the whole configuration (it
	// loaded), so an open issue of a chain that is no longer in it can be
	// closed. A report of a configuration error leaves chain issues alone.
	Complete bool
	// Notify receives the notice or warning when the API cannot be used
	// (nil: a workflow command on the Publisher's Stdout). level is
	// "notice" or "warning"; msg is plain text.
	Notify func(level, msg string)
}

// MonitorResult says what a monitor run did: the subjects of the issues
// ("chain review-bot", "the run") it opened, updated and closed.
type MonitorResult struct {
	Opened, Updated, Closed []string
	// Degraded: the API refused or failed; the one notice or warning
	// saying so was written and nothing further was tried.
	Degraded bool
}

// RunURL returns the URL of the current workflow run from the runner's
// variables, or "" when they are missing or malformed.
func RunURL(getenv func(string) string) string {
	server, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
	if server == "" {
		server = "https://github.com"
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		!repoRE.MatchString(repo) || !runIDRE.MatchString(id) {
		return ""
	}
	return strings.TrimSuffix(server, "/") + "/" + repo + "/actions/runs/" + id
}

var (
	repoRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	runIDRE = regexp.MustCompile(`^[0-9]{1,20}$`)
)

// Issue states, as the marker records them.
const (
	stateFail = "fail"
	stateWarn = "warn"
	stateOK   = "ok"
	stateNone = "" // nothing to say (neutral, skipped): leave any issue as it is
)

// runKey is the issue key of problems of the run itself.
const runKey = "run"

// MonitorMarker starts the hidden line that identifies a monitor issue:
//
//	<!-- hopcheck:monitor key=chain:review-bot state=fail cause=header-missing -->
//
// The key names the chain (escaped, see issueKey) or the run; state and
// cause are what the issue last said, so the next run comments only when
// they change.
const MonitorMarker = "<!-- hopcheck:monitor "

// markerRE matches a marker. It is compiled at its first use (monitor mode
// reading its issues): the bounded repetitions make a program of some
// 500 instructions, ~1 ms and 230 KB at every process start otherwise.
var markerRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<!-- hopcheck:monitor key=([A-Za-z0-9._:%]{1,400}) state=(fail|warn) cause=([a-z0-9-]{0,64}) -->`)
})

// issueKey is the marker key of a chain: "chain:" and the name with every
// byte outside [A-Za-z0-9._] as %XX, so a name can never end the comment
// or forge the fields after it.
func issueKey(chainName string) string {
	var b strings.Builder
	b.WriteString("chain:")
	for i := 0; i < len(chainName); i++ {
		c := chainName[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// subject names the issue of a key in messages: "chain NAME" or "the run".
func subject(key string) string {
	name, ok := strings.CutPrefix(key, "chain:")
	if !ok {
		return "the run"
	}
	if u, err := url.PathUnescape(name); err == nil {
		name = u
	}
	return "chain " + report.Inert(name)
}

func marker(key, state string, cause finding.Cause) string {
	return fmt.Sprintf("%skey=%s state=%s cause=%s -->", MonitorMarker, key, state, cause)
}

// want is what a run says about one issue key.
type want struct {
	key   string
	name  string // the chain's name; "" for the run
	state string
	cause finding.Cause
	where string // "litellm → openrouter", a hop, or ""
	title string
	body  string
}

// own is one of hopcheck's open issues.
type own struct {
	number int
	state  string
	cause  finding.Cause
}

// Monitor opens, updates and closes hopcheck's issues for the report: see
// the comment at the top of this file. It never fails the step: a 403
// (the token lacks issues: write) ends it with one notice naming the
// permission, any other API error with one warning.
func (p *Publisher) Monitor(ctx context.Context, in MonitorInput) MonitorResult {
	var res MonitorResult
	notify := in.Notify
	if notify == nil {
		notify = p.commandNotify()
	}
	if in.Report == nil {
		notify("warning", "hopcheck monitor: no report to publish.")
		res.Degraded = true
		return res
	}
	if in.Token == "" {
		notify("notice", "hopcheck monitor did not open or update an issue: no token (the github-token input, or GITHUB_TOKEN for the CLI). The results are in the log and the step summary.")
		res.Degraded = true
		return res
	}
	if in.Owner == "" || in.Repo == "" {
		notify("warning", "hopcheck monitor did not open or update an issue: the repository is unknown (GITHUB_REPOSITORY is not set).")
		res.Degraded = true
		return res
	}
	r := in.Report
	if sc := p.scrubber(r); sc != nil {
		r = scrubReport(r, sc)
	}
	labels := in.Labels
	if len(labels) == 0 {
		labels = DefaultLabels
	}
	gh, err := p.apiClient(in.Token)
	if err != nil {
		notify("warning", "hopcheck monitor did not open or update an issue: "+err.Error())
		res.Degraded = true
		return res
	}
	fail := func(what string, err error) MonitorResult {
		res.Degraded = true
		if isForbidden(err) {
			notify("notice", fmt.Sprintf("hopcheck monitor could not %s: the token lacks `issues: write`. Add `issues: write` to the monitor job's `permissions:` (keep `contents: read`); the results are in the log and the step summary.", what))
			return res
		}
		notify("warning", fmt.Sprintf("hopcheck monitor could not %s: %s", what, p.scrub(err.Error())))
		return res
	}

	wants := monitorWants(r, in.RunURL)
	existing, err := p.ownIssues(ctx, gh, in.Owner, in.Repo)
	if err != nil {
		return fail("list the repository's issues", err)
	}
	seen := map[string]bool{}
	for _, w := range wants {
		seen[w.key] = true
		is, open := existing[w.key]
		switch {
		case w.state == stateNone:
			continue
		case w.state == stateOK && open:
			if err := closeIssue(ctx, gh, in, is.number, recoveredComment(w, in.RunURL), "completed"); err != nil {
				return fail("close issue #"+fmt.Sprint(is.number), err)
			}
			res.Closed = append(res.Closed, subject(w.key))
		case w.state == stateOK:
			continue
		case open:
			body := marker(w.key, w.state, w.cause) + "\n" + w.body
			if _, _, err := gh.Issues.Edit(ctx, in.Owner, in.Repo, is.number, &github.IssueRequest{Title: github.String(w.title), Body: github.String(body)}); err != nil {
				return fail("update issue #"+fmt.Sprint(is.number), err)
			}
			if is.state != w.state || is.cause != w.cause {
				if _, _, err := gh.Issues.CreateComment(ctx, in.Owner, in.Repo, is.number, &github.IssueComment{Body: github.String(changeComment(is, w, in.RunURL))}); err != nil {
					return fail("comment on issue #"+fmt.Sprint(is.number), err)
				}
			}
			res.Updated = append(res.Updated, subject(w.key))
		default:
			body := marker(w.key, w.state, w.cause) + "\n" + w.body
			ls := append([]string(nil), labels...)
			if _, _, err := gh.Issues.Create(ctx, in.Owner, in.Repo, &github.IssueRequest{Title: github.String(w.title), Body: github.String(body), Labels: &ls}); err != nil {
				return fail("open an issue", err)
			}
			res.Opened = append(res.Opened, subject(w.key))
		}
	}
	// Issues of chains this run no longer has: closed only when the run
	// loaded the whole configuration (a chain renamed or removed), never
	// after a configuration error, which says nothing about the chains.
	if in.Complete {
		for _, key := range sortedKeys(existing) {
			if seen[key] || key == runKey {
				continue
			}
			msg := "This chain is no longer in hopcheck's configuration, so this issue is closed."
			if err := closeIssue(ctx, gh, in, existing[key].number, msg+runLink(in.RunURL), "not_planned"); err != nil {
				return fail("close issue #"+fmt.Sprint(existing[key].number), err)
			}
			res.Closed = append(res.Closed, subject(key))
		}
	}
	return res
}

func (p *Publisher) scrub(s string) string { return scrubText(p.Scrubber, s) }

// commandNotify writes notices and warnings as workflow commands, escaped
// and inert.
func (p *Publisher) commandNotify() func(level, msg string) {
	return func(level, msg string) {
		a := githubactions.New(githubactions.WithWriter(p.out()), githubactions.WithGetenv(p.getenv))
		_ = guard(func() { a.IssueCommand(&githubactions.Command{Name: level, Message: inertLines(p.scrub(msg))}) })
	}
}

func sortedKeys(m map[string]own) []string { return slices.Sorted(maps.Keys(m)) }

// out is where workflow commands go.
func (p *Publisher) out() io.Writer {
	if p.Stdout == nil {
		return os.Stdout
	}
	return p.Stdout
}

func closeIssue(ctx context.Context, gh *github.Client, in MonitorInput, number int, comment, reason string) error {
	if _, _, err := gh.Issues.CreateComment(ctx, in.Owner, in.Repo, number, &github.IssueComment{Body: github.String(comment)}); err != nil {
		return err
	}
	_, _, err := gh.Issues.Edit(ctx, in.Owner, in.Repo, number, &github.IssueRequest{State: github.String("closed"), StateReason: github.String(reason)})
	return err
}

// ownIssues finds hopcheck's open issues: marked, and opened by the
// token's own account. The token's login is asked once, and only when a
// marked issue exists; when it cannot be told, the run stops with the
// error rather than open duplicates of issues it cannot recognise.
func (p *Publisher) ownIssues(ctx context.Context, gh *github.Client, owner, repo string) (map[string]own, error) {
	out := map[string]own{}
	opts := &github.IssueListByRepoOptions{State: "open", Sort: "created", Direction: "asc", ListOptions: github.ListOptions{PerPage: 100}}
	var me string
	known := false
	for page := 0; page < maxIssuePages; page++ {
		issues, resp, err := gh.Issues.ListByRepo(ctx, owner, repo, opts)
		if err != nil {
			return nil, err
		}
		for _, is := range issues {
			if is.IsPullRequest() {
				continue
			}
			m := markerRE().FindStringSubmatch(is.GetBody())
			if m == nil {
				continue
			}
			if !known {
				me, err = tokenLogin(ctx, gh)
				if err != nil {
					return nil, fmt.Errorf("cannot tell which issues are hopcheck's own (GET /user: %w)", err)
				}
				known = true
			}
			if !strings.EqualFold(is.GetUser().GetLogin(), me) {
				continue // someone else's issue carrying the marker
			}
			if _, dup := out[m[1]]; dup {
				continue // the oldest one is the issue
			}
			out[m[1]] = own{number: is.GetNumber(), state: m[2], cause: finding.Cause(m[3])}
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

// monitorWants derives, in report order, what each chain (and the run)
// should look like on GitHub.
func monitorWants(r *finding.Report, runURL string) []want {
	var out []want
	for i := range r.Chains {
		c := &r.Chains[i]
		w := want{key: issueKey(c.Name), name: c.Name}
		w.state, w.cause, w.where = chainState(c)
		if w.state == stateFail || w.state == stateWarn {
			w.title = issueTitle(w)
			sub := &finding.Report{Schema: r.Schema, Version: r.Version, Status: c.Status, Config: r.Config, Scrubber: r.Scrubber, Chains: []finding.ChainResult{*c}}
			w.body = issueBody(w, sub, runURL)
		}
		out = append(out, w)
	}
	run := want{key: runKey, state: stateOK}
	for _, f := range failures(r.Findings) {
		if f.Severity == finding.SevError {
			run.state, run.cause = stateFail, f.Cause
			break
		}
	}
	if run.state == stateFail {
		run.title = issueTitle(run)
		sub := &finding.Report{Schema: r.Schema, Version: r.Version, Status: finding.Fail, Config: r.Config, Scrubber: r.Scrubber, Findings: r.Findings}
		run.body = issueBody(run, sub, runURL)
	}
	return append(out, run)
}

// chainState classifies a chain: fail (it is broken), warn (it works but a
// finding warns, e.g. a key about to expire or credits running low, or
// hopcheck could not verify it), ok, or none (neutral or skipped: nothing
// is known). Any warning cause counts; none is special-cased.
func chainState(c *finding.ChainResult) (state string, cause finding.Cause, where string) {
	switch c.Status {
	case finding.Fail:
		where = c.FailingHop
		if c.FailingLink != nil {
			where = linkString(c.FailingLink)
		}
		return stateFail, c.Cause, where
	case finding.Neutral, finding.Skipped:
		return stateNone, "", ""
	}
	for _, f := range failures(c.Findings) {
		if f.Severity.Rank() >= finding.SevWarning.Rank() {
			switch {
			case f.Link != nil:
				where = linkString(f.Link)
			default:
				where = f.Hop
			}
			return stateWarn, f.Cause, where
		}
	}
	if c.Status != finding.Pass && c.Status != finding.Warn {
		return stateWarn, c.Cause, c.FailingHop
	}
	return stateOK, finding.OK, ""
}

// issueTitle is plain text (GitHub does not render Markdown in titles),
// inert, with no @mention, at most 256 characters.
func issueTitle(w want) string {
	var t string
	switch {
	case w.key == runKey:
		t = "hopcheck: the scheduled check cannot run — " + string(w.cause)
	case w.state == stateFail:
		t = "hopcheck: chain " + w.name + " is broken — "
		if w.where != "" {
			t += w.where + ": "
		}
		t += string(w.cause)
	default:
		t = "hopcheck: chain " + w.name + " warns — "
		if w.where != "" {
			t += w.where + ": "
		}
		t += string(w.cause)
	}
	t = strings.ReplaceAll(report.Inert(t), "@", "@\u200d")
	return truncateRunes(t, 256)
}

// issueLimit bounds an issue body (GitHub: 65536 characters).
const issueLimit = commentLimit

// issueBody renders the issue for one chain (or the run) from the report
// through the same inert, escaped and redacted Markdown as the step
// summary: the hop table, the failing link and the fix.
func issueBody(w want, sub *finding.Report, runURL string) string {
	var b strings.Builder
	icon := "❌"
	if w.state == stateWarn {
		icon = "⚠️"
	}
	switch {
	case w.key == runKey:
		fmt.Fprintf(&b, "## %s hopcheck: the scheduled check cannot run\n\n", icon)
	case w.state == stateFail:
		fmt.Fprintf(&b, "## %s hopcheck: chain %s is broken\n\n", icon, md(w.name))
	default:
		fmt.Fprintf(&b, "## %s hopcheck: chain %s works, with a warning\n\n", icon, md(w.name))
	}
	if w.where != "" {
		fmt.Fprintf(&b, "**%s**: %s", md(w.where), code(string(w.cause)))
	} else {
		b.WriteString(code(string(w.cause)))
	}
	b.WriteString(" · checked by the scheduled hopcheck monitor")
	b.WriteString(runLink(runURL))
	b.WriteString("\n\n")
	b.WriteString("hopcheck updates this issue on every scheduled run and closes it once the chain passes with no warning.\n\n")
	rendered := renderMarkdown(sub, StepStatus(sub), hopCredentials(sub), mdOptions{limit: issueLimit - b.Len() - 512})
	// renderMarkdown opens with the step summary's status heading; the
	// issue has its own.
	if strings.HasPrefix(rendered, "## ") {
		if i := strings.IndexByte(rendered, '\n'); i >= 0 {
			rendered = strings.TrimLeft(rendered[i+1:], "\n")
		}
	}
	b.WriteString(rendered)
	return truncateMarkdown(redactMarkdown(b.String(), sub.Scrubber), issueLimit-256, "> ⚠️ Truncated: the report is larger than an issue allows.\n")
}

// runLink is " in [this workflow run](URL)." or "." when the URL is
// unknown. RunURL only returns URLs built from validated parts.
func runLink(runURL string) string {
	if runURL == "" {
		return "."
	}
	return " in [this workflow run](" + runURL + ")."
}

func changeComment(was own, w want, runURL string) string {
	cause := code(string(w.cause))
	where := ""
	if w.where != "" {
		where = " on **" + md(w.where) + "**"
	}
	var msg string
	switch {
	case w.state == stateFail && was.state == stateFail:
		msg = fmt.Sprintf("❌ Still broken, now with cause %s%s (was %s).", cause, where, code(string(was.cause)))
	case w.state == stateFail:
		msg = fmt.Sprintf("❌ Now broken: %s%s.", cause, where)
	case was.state == stateFail:
		msg = fmt.Sprintf("⚠️ Works again, with a warning: %s%s. This issue stays open until the warning is gone.", cause, where)
	default:
		msg = fmt.Sprintf("⚠️ The warning changed to %s%s (was %s).", cause, where, code(string(was.cause)))
	}
	return redactMarkdown(msg+" Checked"+runLink(runURL), nil)
}

func recoveredComment(w want, runURL string) string {
	if w.key == runKey {
		return "✅ The scheduled check runs again, so this issue is closed. Checked" + runLink(runURL)
	}
	return redactMarkdown("✅ Recovered: chain "+md(w.name)+" passes with no warning, so this issue is closed. Checked"+runLink(runURL), nil)
}
