package ghaction

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/testutil"
	"github.com/sethvargo/go-githubactions"
)

func publish(t *testing.T, s *stepEnv, in PublishInput, api *testutil.GitHub) (string, error) {
	t.Helper()
	var out bytes.Buffer
	p := &Publisher{Stdout: &out, Getenv: s.getenv}
	if api != nil {
		p.APIURL = api.APIURL()
	}
	err := p.Publish(context.Background(), in)
	return out.String(), err
}

func TestPublishFailingChain(t *testing.T) {
	t.Parallel()
	s := newStep(t)
	stdout, err := publish(t, s, PublishInput{
		Report: failingReport(), Inputs: Inputs{FailOn: "error"},
		Event: Event{Name: "push", Owner: "acme", Repo: "review-bot"}, ReportPath: "hopcheck-report.json",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}

	// One annotation for the failing link (two findings share it), at the
	// hop's definition, naming link and cause, with the fix.
	cmds, plain := testutil.MustParseCommands(t, stdout)
	if len(plain) != 0 {
		t.Errorf("plain lines on stdout: %q", plain)
	}
	want := []testutil.Command{{
		Name: "error",
		Props: map[string]string{"file": "hopcheck.yml", "line": "12", "col": "7",
			"title": "hopcheck: litellm → openrouter: header-missing"},
		Message: "OpenRouter answered 401 `No auth credentials found` through litellm, but accepts OPENROUTER_API_KEY (sk-or-v1-0e…96) directly. Fix: Set the upstream key in LiteLLM's environment (os.environ/OPENROUTER_API_KEY).",
	}}
	if d := cmp.Diff(want, cmds, cmpopts.IgnoreFields(testutil.Command{}, "Raw")); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	if !strings.Contains(stdout, "title=hopcheck%3A litellm → openrouter%3A header-missing") {
		t.Errorf("title property not escaped as the runner expects: %q", stdout)
	}

	// Outputs.
	wantOut := map[string]string{"status": "fail", "failing-hop": "openrouter", "failing-link": "litellm → openrouter",
		"cause": "header-missing", "report-path": "hopcheck-report.json"}
	if d := cmp.Diff(wantOut, s.outputs(t)); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}

	// Summary: the table row of the failing hop shows the link's failure,
	// timings in ms, absent phases as –, the fix and the fingerprints.
	sum := s.summaryText(t)
	for _, w := range []string{
		"## ❌ hopcheck: fail",
		"### Chain review-bot · model anthropic/claude-sonnet-4.5 · ❌ fail (header-missing)",
		"Failing link: **litellm → openrouter**",
		"| Hop | Link | Verdict | Cause | DNS (ms) | Connect (ms) | TLS (ms) | TTFB (ms) |",
		"| litellm | ci → litellm | ✅ pass | ok | 0.4 | 0.8 | – | 12 |",
		"| openrouter | litellm → openrouter | ❌ fail | header-missing | 3.2 | 11 | 26 | 180 |",
		"**Fix:** Set the upstream key in LiteLLM's environment (os.environ/OPENROUTER\\_API\\_KEY).",
		"`header-missing` (`hopcheck.yml:12`)",
		"| OPENROUTER\\_API\\_KEY | sk-or-v1-0e…96 | yes |",
		"| LITELLM\\_MASTER\\_KEY | sk-Ab…9z | yes |",
	} {
		if !strings.Contains(sum, w) {
			t.Errorf("summary lacks %q:\n%s", w, sum)
		}
	}
	if strings.Contains(sum, "did not fit") {
		t.Error("summary lists omitted annotations although none were omitted")
	}
}

func TestPublishPassAndNeutral(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		report *finding.Report
		failOn string
		want   map[string]string
		notice string
	}{
		{
			name:   "pass",
			report: &finding.Report{Status: finding.Pass, Chains: []finding.ChainResult{{Name: "a", Status: finding.Pass, Cause: finding.OK}}},
			want:   map[string]string{"status": "pass", "failing-hop": "", "failing-link": "", "cause": "ok", "report-path": "r.json"},
		},
		{
			name: "fork PR without secrets is neutral with the reason",
			report: &finding.Report{Status: finding.Neutral,
				Chains: []finding.ChainResult{{Name: "a", Status: finding.Skipped, Cause: finding.SecretsUnavailable}},
				Findings: []finding.Finding{{Check: "fork", Cause: finding.SecretsUnavailable, Severity: finding.SevNotice,
					Message: "This pull request comes from a fork: GitHub passes no secrets, so live checks were skipped.",
					Fix:     "Nothing to fix in the PR."}}},
			want:   map[string]string{"status": "neutral", "failing-hop": "", "failing-link": "", "cause": "secrets-unavailable", "report-path": "r.json"},
			notice: "This pull request comes from a fork",
		},
		{
			name: "warn fails only with fail-on warning",
			report: &finding.Report{Status: finding.Warn, Chains: []finding.ChainResult{{Name: "a", Status: finding.Warn, Cause: finding.KeyExpiring, FailingHop: "openrouter",
				Findings: []finding.Finding{{Check: "live.key", Hop: "openrouter", Cause: finding.KeyExpiring, Severity: finding.SevWarning, Message: "expires soon"}}}}},
			failOn: "warning",
			want:   map[string]string{"status": "fail", "failing-hop": "openrouter", "failing-link": "", "cause": "key-expiring", "report-path": "r.json"},
		},
		{
			name: "warn passes with fail-on error",
			report: &finding.Report{Status: finding.Warn, Chains: []finding.ChainResult{{Name: "a", Status: finding.Warn, Cause: finding.KeyExpiring, FailingHop: "openrouter",
				Findings: []finding.Finding{{Check: "live.key", Hop: "openrouter", Cause: finding.KeyExpiring, Severity: finding.SevWarning, Message: "expires soon"}}}}},
			failOn: "error",
			want:   map[string]string{"status": "pass", "failing-hop": "", "failing-link": "", "cause": "ok", "report-path": "r.json"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStep(t)
			checks.Verdict(tc.report, checks.Gate{FailOn: tc.failOn}) // the caller decides the verdict before publishing
			stdout, err := publish(t, s, PublishInput{Report: tc.report, Inputs: Inputs{FailOn: tc.failOn}, ReportPath: "r.json",
				Event: Event{Name: "pull_request", PR: 0}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, s.outputs(t)); d != "" {
				t.Errorf("outputs (-want +got):\n%s", d)
			}
			cmds, _ := testutil.MustParseCommands(t, stdout)
			if tc.notice != "" {
				if countCmds(cmds, "notice") != 1 || !strings.Contains(cmds[0].Message, tc.notice) {
					t.Errorf("want one notice containing %q, got %+v", tc.notice, cmds)
				}
			} else if len(cmds) != countCmds(cmds, "warning") || countCmds(cmds, "warning") != len(tc.report.All()) {
				t.Errorf("want one warning annotation per warning finding, got %+v", cmds)
			}
			if !strings.Contains(s.summaryText(t), "hopcheck: "+tc.want["status"]) {
				t.Errorf("summary does not state %s:\n%s", tc.want["status"], s.summaryText(t))
			}
		})
	}
}

// TestAnnotationEscaping feeds hostile provider text through every field
// that reaches a workflow command and checks what the runner would parse.
func TestAnnotationEscaping(t *testing.T) {
	t.Parallel()
	hostile := "boom\r\n::error::pwned\n  ::add-mask::x 100% done ##[error]legacy \x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil"
	r := &finding.Report{Status: finding.Fail, Chains: []finding.ChainResult{{
		Name: "c", Status: finding.Fail,
		Findings: []finding.Finding{{
			Cause: finding.UpstreamError, Severity: finding.SevError, Hop: "prox,y:1",
			Link:    &chain.Link{From: "ci", To: "prox,line=99,title=forged:1"},
			Message: hostile, Fix: "retry, later: 50%",
			File: "conf,ig:x.yml", Line: 3, Col: 2,
		}},
	}}}
	s := newStep(t)
	stdout, err := publish(t, s, PublishInput{Report: r}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout, "\r") || strings.Contains(stdout, "\x1b") || strings.Contains(stdout, "\u202e") {
		t.Errorf("raw control characters on stdout: %q", stdout)
	}
	if strings.Contains(stdout, "##[") {
		t.Errorf("legacy command marker on stdout: %q", stdout)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "::error ") {
		t.Fatalf("want exactly one ::error line, got %q", lines)
	}
	cmds, _ := testutil.MustParseCommands(t, stdout)
	c := cmds[0]
	wantProps := map[string]string{"file": "conf,ig:x.yml", "line": "3", "col": "2",
		"title": "hopcheck: ci → prox,line=99,title=forged:1: upstream-error"}
	if d := cmp.Diff(wantProps, c.Props); d != "" {
		t.Errorf("properties as parsed by the runner (-want +got):\n%s", d)
	}
	if !strings.Contains(lines[0], "title=hopcheck%3A ci → prox%2Cline=99%2Ctitle=forged%3A1%3A upstream-error") ||
		!strings.Contains(lines[0], "file=conf%2Cig%3Ax.yml") {
		t.Errorf("properties not escaped: %q", lines[0])
	}
	// The message keeps its line structure (escaped %0A), with every line
	// inert: no line of it can start a command once unescaped.
	if !strings.Contains(lines[0], "100%25 done") || !strings.Contains(lines[0], "%0A") {
		t.Errorf("message data not escaped: %q", lines[0])
	}
	for _, ml := range strings.Split(c.Message, "\n") {
		if strings.HasPrefix(strings.TrimSpace(ml), "::") || strings.Contains(ml, "##[") {
			t.Errorf("message line %q could start a workflow command", ml)
		}
	}
	if !strings.Contains(c.Message, "Fix: retry, later: 50%") {
		t.Errorf("message = %q, want the fix with : and , kept literally", c.Message)
	}
}

// TestLibraryEscaping pins go-githubactions' escaping, which the runner
// reverses (actions/runner ActionCommand.cs): data % CR LF; properties also
// : and ,.
func TestLibraryEscaping(t *testing.T) {
	t.Parallel()
	c := &githubactions.Command{Name: "warning", Message: "a%b\rc\nd:e,f",
		Properties: githubactions.CommandProperties{"title": "x%y\rz\nw:v,u"}}
	want := "::warning title=x%25y%0Dz%0Aw%3Av%2Cu::a%25b%0Dc%0Ad:e,f"
	if got := c.String(); got != want {
		t.Errorf("command = %q, want %q", got, want)
	}
}

// manyReport builds nErr failing links with errors and nWarn with
// warnings, spread over two chains; the last error of the second chain is
// the root cause.
func manyReport(nErr, nWarn int) *finding.Report {
	r := &finding.Report{Status: finding.Fail}
	for ci, name := range []string{"alpha", "beta"} {
		c := finding.ChainResult{Name: name, Status: finding.Fail, Cause: finding.Unreachable}
		for i := 0; i < nErr/2; i++ {
			hop := fmt.Sprintf("e%02d", i)
			c.Hops = append(c.Hops, finding.HopResult{Name: hop, Status: finding.Fail, Cause: finding.Unreachable})
			c.Findings = append(c.Findings, finding.Finding{Hop: hop, Cause: finding.Unreachable, Severity: finding.SevError,
				Message: fmt.Sprintf("%s/%s unreachable", name, hop), File: "hopcheck.yml", Line: 10*ci + i + 1, Col: 5,
				Root: ci == 1 && i == nErr/2-1})
		}
		for i := 0; i < nWarn/2; i++ {
			hop := fmt.Sprintf("w%02d", i)
			c.Hops = append(c.Hops, finding.HopResult{Name: hop, Status: finding.Warn, Cause: finding.KeyExpiring})
			c.Findings = append(c.Findings, finding.Finding{Hop: hop, Cause: finding.KeyExpiring, Severity: finding.SevWarning,
				Message: fmt.Sprintf("%s/%s expiring", name, hop), File: "hopcheck.yml", Line: 100*ci + i + 1})
		}
		r.Chains = append(r.Chains, c)
	}
	return r
}

func TestAnnotationCapsAndOrder(t *testing.T) {
	t.Parallel()
	s := newStep(t)
	stdout, err := publish(t, s, PublishInput{Report: manyReport(16, 14)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmds, _ := testutil.MustParseCommands(t, stdout)
	if n := countCmds(cmds, "error"); n != 10 {
		t.Errorf("%d ::error, want 10", n)
	}
	if n := countCmds(cmds, "warning"); n != 10 {
		t.Errorf("%d ::warning, want 10", n)
	}
	if n := countCmds(cmds, "notice"); n != 1 {
		t.Fatalf("%d ::notice, want 1", n)
	}
	last := cmds[len(cmds)-1]
	if last.Name != "notice" || !strings.Contains(last.Message, "10 more annotation(s)") {
		t.Errorf("omission notice = %+v, want 10 omitted (6 errors + 4 warnings)", last)
	}
	// Root cause first, then chain order: alpha's errors before beta's.
	if cmds[0].Props["title"] != "hopcheck [beta] e07: unreachable" {
		t.Errorf("first annotation %q, want the root cause (beta/e07)", cmds[0].Props["title"])
	}
	if cmds[1].Props["title"] != "hopcheck [alpha] e00: unreachable" {
		t.Errorf("second annotation %q, want alpha/e00", cmds[1].Props["title"])
	}
	sum := s.summaryText(t)
	if !strings.Contains(sum, "### Annotations that did not fit") {
		t.Fatalf("summary lacks the omitted annotations:\n%s", sum)
	}
	omitted := sum[strings.Index(sum, "### Annotations that did not fit"):]
	if n := strings.Count(omitted, "\n- "); n != 10 {
		t.Errorf("summary lists %d omitted annotations, want 10", n)
	}
	if !strings.Contains(omitted, "beta/e06 unreachable") || !strings.Contains(omitted, "at `hopcheck.yml:17:5`") {
		t.Errorf("omitted list lacks beta/e06 with its position:\n%s", omitted)
	}
}

func TestAnnotationPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, workdir, want string }{
		{"hopcheck.yml", "", "hopcheck.yml"},
		{"./ci/hopcheck.yml", "", "ci/hopcheck.yml"},
		{"hopcheck.yml", "services/bot", "services/bot/hopcheck.yml"},
		{"/github/workspace/services/bot/hopcheck.yml", "services/bot", "services/bot/hopcheck.yml"},
		{"/etc/litellm/config.yaml", "", "/etc/litellm/config.yaml"},
	} {
		if got := annotationPath(tc.file, tc.workdir, "/github/workspace"); got != tc.want {
			t.Errorf("annotationPath(%q, %q) = %q, want %q", tc.file, tc.workdir, got, tc.want)
		}
	}
}

func TestSummaryEscapesProviderText(t *testing.T) {
	t.Parallel()
	r := failingReport()
	r.Chains[0].Findings[0].Message = "upstream said <img src=x onerror=alert(1)> @octocat see #1\n```\nrm -rf /\n``` a|b [x](http://evil) ![t](http://evil/p.png) &amp;"
	r.Chains[0].Hops[1].Name = "open|router"
	s := newStep(t)
	if _, err := publish(t, s, PublishInput{Report: r}, nil); err != nil {
		t.Fatal(err)
	}
	sum := s.summaryText(t)
	for _, bad := range []string{"<img", "@octocat", "#1", "``", "a|b", "open|router"} {
		if strings.Contains(sum, bad) {
			t.Errorf("summary contains live %q", bad)
		}
	}
	if strings.Count(sum, "](http") != strings.Count(sum, `\](http`) {
		t.Error("summary contains a live Markdown link")
	}
	for _, good := range []string{"&lt;img src=x onerror=alert(1)&gt;", "@\u200doctocat", "a\\|b", "\\[x\\](http://evil)",
		"\\!\\[t\\]", "&amp;amp;", "<br>\\`\\`\\`<br>rm -rf /<br>", "| open\\|router |"} {
		if !strings.Contains(sum, good) {
			t.Errorf("summary lacks %q:\n%s", good, sum)
		}
	}
	// Every table row still has exactly the 9 cell separators.
	for _, l := range strings.Split(sum, "\n") {
		if strings.HasPrefix(l, "| open") {
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 9 {
				t.Errorf("row %q has %d separators, want 9", l, n)
			}
		}
	}
}

func TestSummaryStaysUnderLimit(t *testing.T) {
	t.Parallel()
	r := manyReport(4000, 0)
	for ci := range r.Chains {
		for i := range r.Chains[ci].Findings {
			r.Chains[ci].Findings[i].Message = strings.Repeat("long provider message ", 30)
		}
	}
	s := newStep(t)
	if _, err := publish(t, s, PublishInput{Report: r, ReportPath: "out/report.json"}, nil); err != nil {
		t.Fatal(err)
	}
	sum := s.summaryText(t)
	if len(sum) > 1<<20 {
		t.Errorf("summary is %d bytes, over 1 MiB", len(sum))
	}
	if len(sum) < 1<<19 {
		t.Errorf("summary is %d bytes; truncation cut far too much", len(sum))
	}
	if !strings.Contains(sum, "Truncated") || !strings.Contains(sum, "out/report.json") {
		t.Errorf("summary lacks the truncation note: %q", sum[len(sum)-300:])
	}
}

func TestOutputsCannotForgeTheHeredoc(t *testing.T) {
	t.Parallel()
	r := failingReport()
	r.Chains[0].FailingHop = "x\n_GitHubActionsFileCommandDelimeter_\nstatus<<EOF\npass\nEOF"
	s := newStep(t)
	if _, err := publish(t, s, PublishInput{Report: r, ReportPath: "r.json\r\nstatus=pass"}, nil); err != nil {
		t.Fatal(err)
	}
	out := s.outputs(t)
	if len(out) != 5 || out["status"] != "fail" {
		t.Fatalf("outputs = %q, want exactly the 5 outputs with status fail", out)
	}
	if strings.ContainsAny(out["failing-hop"], "\r\n") || strings.Contains(out["failing-hop"], fileCmdDelimiter) {
		t.Errorf("failing-hop = %q", out["failing-hop"])
	}
	if out["report-path"] != "r.json status=pass" {
		t.Errorf("report-path = %q", out["report-path"])
	}
}

func TestFileCommandGuards(t *testing.T) {
	t.Parallel()
	t.Run("unset files are skipped, not a panic", func(t *testing.T) {
		var out bytes.Buffer
		p := &Publisher{Stdout: &out, Getenv: envOf(map[string]string{"GITHUB_ACTIONS": "true"})}
		if err := p.Publish(context.Background(), PublishInput{Report: failingReport()}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "::error ") {
			t.Errorf("annotations missing: %q", out.String())
		}
	})
	t.Run("unwritable GITHUB_OUTPUT is an error", func(t *testing.T) {
		s := newStep(t)
		s.env["GITHUB_OUTPUT"] = t.TempDir() // a directory cannot be opened for append
		_, err := publish(t, s, PublishInput{Report: failingReport()}, nil)
		if err == nil || !strings.Contains(err.Error(), "GITHUB_OUTPUT") {
			t.Errorf("err = %v, want an error naming GITHUB_OUTPUT", err)
		}
	})
	t.Run("unwritable summary is a warning", func(t *testing.T) {
		s := newStep(t)
		s.env["GITHUB_STEP_SUMMARY"] = filepath.Join(t.TempDir(), "missing-dir", "summary.md")
		stdout, err := publish(t, s, PublishInput{Report: failingReport()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		cmds, _ := testutil.MustParseCommands(t, stdout)
		if countCmds(cmds, "warning") != 1 || !strings.Contains(stdout, "could not write the step summary") {
			t.Errorf("want one warning about the summary, got %q", stdout)
		}
		if s.outputs(t)["status"] != "fail" {
			t.Error("outputs not written after the summary failed")
		}
	})
	t.Run("stdout failure is an error, not a panic", func(t *testing.T) {
		s := newStep(t)
		p := &Publisher{Stdout: failWriter{}, Getenv: s.getenv}
		if err := p.Publish(context.Background(), PublishInput{Report: failingReport()}); err == nil {
			t.Error("no error for a failing stdout")
		}
	})
	t.Run("nil report", func(t *testing.T) {
		if err := (&Publisher{Stdout: &bytes.Buffer{}}).Publish(context.Background(), PublishInput{}); err == nil {
			t.Error("no error for a nil report")
		}
	})
}

func prEvent(t *testing.T, fixture string) Event {
	t.Helper()
	ev, err := ReadEvent(envOf(map[string]string{
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": filepath.Join("testdata", fixture),
		"GITHUB_SHA": mergeSHA, "GITHUB_REPOSITORY": "acme/review-bot",
	}))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestStickyComment(t *testing.T) {
	t.Parallel()
	const base = "/repos/acme/review-bot/issues"
	t.Run("marker on page 2 is edited, not duplicated", func(t *testing.T) {
		api := testutil.NewGitHub(t)
		api.Handle("GET "+base+"/42/comments", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("per_page") != "100" {
				t.Errorf("per_page = %q, want 100", r.URL.Query().Get("per_page"))
			}
			switch r.URL.Query().Get("page") {
			case "", "1":
				w.Header().Set("Link", api.NextLink(base+"/42/comments", 2))
				testutil.WriteJSON(w, 200, []map[string]any{{"id": 1, "body": "LGTM"}, {"id": 2, "body": "hopcheck is great"}})
			case "2":
				testutil.WriteJSON(w, 200, []map[string]any{{"id": 3, "body": "nit"},
					{"id": 9001, "body": StickyMarker + "\nforged by a stranger", "user": map[string]any{"login": "mallory", "type": "User"}},
					{"id": 9002, "body": StickyMarker + "\nold", "user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}},
					{"id": 9003, "body": StickyMarker + "\nsecond copy", "user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}}})
			default:
				t.Errorf("unexpected page %q", r.URL.Query().Get("page"))
			}
		})
		// The workflow's GITHUB_TOKEN cannot read /user: it writes as
		// github-actions[bot].
		api.Handle("GET /user", testutil.Forbidden)
		var edited map[string]string
		api.Handle("PATCH "+base+"/comments/9002", func(w http.ResponseWriter, r *http.Request) {
			_ = json.NewDecoder(r.Body).Decode(&edited)
			testutil.WriteJSON(w, 200, map[string]any{"id": 9002})
		})
		s := newStep(t)
		stdout, err := publish(t, s, PublishInput{Report: failingReport(), Inputs: Inputs{GitHubToken: "ghs_test"},
			Event: prEvent(t, "event_pull_request.json")}, api)
		if err != nil {
			t.Fatal(err)
		}
		wantCalls := []string{"GET " + base + "/42/comments", "GET " + base + "/42/comments",
			"GET /user", "PATCH " + base + "/comments/9002"}
		if d := cmp.Diff(wantCalls, api.Calls()); d != "" {
			t.Errorf("API calls (-want +got):\n%s", d)
		}
		for _, r := range api.Requests() {
			if r.Auth != "Bearer ghs_test" {
				t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
			}
		}
		body := edited["body"]
		if !strings.HasPrefix(body, StickyMarker+"\n") || !strings.Contains(body, "| openrouter | litellm → openrouter | ❌ fail | header-missing |") {
			t.Errorf("comment body lacks marker or table:\n%s", body)
		}
		if strings.Contains(stdout, "::notice") || strings.Contains(stdout, "::warning") {
			t.Errorf("unexpected notice/warning: %q", stdout)
		}
	})
	t.Run("no marker: one comment is created", func(t *testing.T) {
		api := testutil.NewGitHub(t)
		api.Handle("GET "+base+"/42/comments", func(w http.ResponseWriter, r *http.Request) {
			testutil.WriteJSON(w, 200, []map[string]any{{"id": 1, "body": "LGTM"}})
		})
		var created map[string]string
		api.Handle("POST "+base+"/42/comments", func(w http.ResponseWriter, r *http.Request) {
			_ = json.NewDecoder(r.Body).Decode(&created)
			testutil.WriteJSON(w, 201, map[string]any{"id": 77})
		})
		s := newStep(t)
		if _, err := publish(t, s, PublishInput{Report: failingReport(), Inputs: Inputs{GitHubToken: "ghs_test"},
			Event: prEvent(t, "event_pull_request.json")}, api); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"GET " + base + "/42/comments", "POST " + base + "/42/comments"}, api.Calls()); d != "" {
			t.Errorf("API calls (-want +got):\n%s", d)
		}
		if !strings.HasPrefix(created["body"], StickyMarker) {
			t.Errorf("created body lacks the marker: %q", created["body"])
		}
	})
	// A marked comment is edited only when the token's own account wrote
	// it; otherwise hopcheck creates its own.
	for _, tc := range []struct {
		name   string
		user   http.HandlerFunc // GET /user
		author string
		edit   bool
	}{
		{"a stranger's marked comment is left alone", testutil.Forbidden, "mallory", false},
		{"another app's marked comment is left alone", testutil.Forbidden, "evil-app[bot]", false},
		{"a personal access token edits its own", func(w http.ResponseWriter, r *http.Request) {
			testutil.WriteJSON(w, 200, map[string]any{"login": "Maintainer", "id": 5, "type": "User"})
		}, "maintainer", true},
		{"a personal access token leaves github-actions' comment", func(w http.ResponseWriter, r *http.Request) {
			testutil.WriteJSON(w, 200, map[string]any{"login": "maintainer", "id": 5, "type": "User"})
		}, "github-actions[bot]", false},
		{"an unknown identity edits nothing", func(w http.ResponseWriter, r *http.Request) {
			testutil.WriteJSON(w, 500, map[string]string{"message": "Server Error"})
		}, "github-actions[bot]", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := testutil.NewGitHub(t)
			api.Handle("GET "+base+"/42/comments", func(w http.ResponseWriter, r *http.Request) {
				testutil.WriteJSON(w, 200, []map[string]any{{"id": 5, "body": StickyMarker, "user": map[string]any{"login": tc.author}}})
			})
			api.Handle("GET /user", tc.user)
			api.Handle("PATCH "+base+"/comments/5", func(w http.ResponseWriter, r *http.Request) { testutil.WriteJSON(w, 200, map[string]any{"id": 5}) })
			api.Handle("POST "+base+"/42/comments", func(w http.ResponseWriter, r *http.Request) { testutil.WriteJSON(w, 201, map[string]any{"id": 6}) })
			if _, err := publish(t, newStep(t), PublishInput{Report: failingReport(), Inputs: Inputs{GitHubToken: "ghs_test"},
				Event: prEvent(t, "event_pull_request.json")}, api); err != nil {
				t.Fatal(err)
			}
			last := "POST " + base + "/42/comments"
			if tc.edit {
				last = "PATCH " + base + "/comments/5"
			}
			want := []string{"GET " + base + "/42/comments", "GET /user", last}
			if d := cmp.Diff(want, api.Calls()); d != "" {
				t.Errorf("API calls (-want +got):\n%s", d)
			}
		})
	}
	t.Run("comment input false, push events and missing token post nothing", func(t *testing.T) {
		fal := false
		for _, in := range []PublishInput{
			{Report: failingReport(), Inputs: Inputs{GitHubToken: "t", Comment: &fal}, Event: prEvent(t, "event_pull_request.json")},
			{Report: failingReport(), Inputs: Inputs{GitHubToken: "t"}, Event: Event{Name: "push", Owner: "acme", Repo: "review-bot"}},
		} {
			api := testutil.NewGitHub(t)
			stdout, err := publish(t, newStep(t), in, api)
			if err != nil || len(api.Calls()) != 0 || strings.Contains(stdout, "::notice") {
				t.Errorf("calls %v, stdout %q, err %v", api.Calls(), stdout, err)
			}
		}
		api := testutil.NewGitHub(t)
		stdout, err := publish(t, newStep(t), PublishInput{Report: failingReport(), Event: prEvent(t, "event_pull_request.json")}, api)
		if err != nil || len(api.Calls()) != 0 {
			t.Errorf("calls %v, err %v", api.Calls(), err)
		}
		cmds, _ := testutil.MustParseCommands(t, stdout)
		if countCmds(cmds, "notice") != 1 || !strings.Contains(stdout, "github-token input is empty") {
			t.Errorf("want one notice about the empty token, got %q", stdout)
		}
	})
	t.Run("size cap", func(t *testing.T) {
		r := manyReport(2000, 0)
		for ci := range r.Chains {
			for i := range r.Chains[ci].Findings {
				r.Chains[ci].Findings[i].Message = strings.Repeat("x", 200)
			}
		}
		body := renderMarkdown(r, "fail", nil, mdOptions{marker: true, limit: commentLimit})
		if n := len([]rune(body)); n > 65536 {
			t.Errorf("comment body has %d characters", n)
		}
		if !strings.HasPrefix(body, StickyMarker) || !strings.Contains(body, "Truncated") {
			t.Error("truncated comment lost its marker or note")
		}
	})
}

func TestForbiddenDegradesToOneNotice(t *testing.T) {
	t.Parallel()
	api := testutil.NewGitHub(t)
	api.Handle("GET /repos/acme/review-bot/issues/57/comments", testutil.Forbidden)
	api.Handle("POST /repos/acme/review-bot/check-runs", testutil.Forbidden)
	s := newStep(t)
	stdout, err := publish(t, s, PublishInput{Report: failingReport(), Inputs: Inputs{GitHubToken: "ghs_ro", CheckRun: true},
		Event: prEvent(t, "event_pull_request_fork.json")}, api)
	if err != nil {
		t.Fatalf("a 403 must not fail the step: %v", err)
	}
	cmds, _ := testutil.MustParseCommands(t, stdout)
	if countCmds(cmds, "notice") != 1 || countCmds(cmds, "warning") != 0 {
		t.Fatalf("want exactly one notice and no warning, got %+v", cmds)
	}
	n := cmds[len(cmds)-1].Message
	for _, w := range []string{"could not post the PR comment and the check run", "pull-requests: write", "checks: write", "fork PRs never have them", "permissions:"} {
		if !strings.Contains(n, w) {
			t.Errorf("notice %q lacks %q", n, w)
		}
	}
	// Annotations, summary and outputs are all still there.
	if countCmds(cmds, "error") != 1 || s.outputs(t)["status"] != "fail" || !strings.Contains(s.summaryText(t), "header-missing") {
		t.Error("degraded run lost its annotations, outputs or summary")
	}
}

func TestOtherAPIErrorsWarn(t *testing.T) {
	t.Parallel()
	api := testutil.NewGitHub(t)
	api.Handle("GET /repos/acme/review-bot/issues/42/comments", func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteJSON(w, 500, map[string]string{"message": "Server Error"})
	})
	stdout, err := publish(t, newStep(t), PublishInput{Report: failingReport(), Inputs: Inputs{GitHubToken: "t"},
		Event: prEvent(t, "event_pull_request.json")}, api)
	if err != nil {
		t.Fatal(err)
	}
	cmds, _ := testutil.MustParseCommands(t, stdout)
	if countCmds(cmds, "warning") != 1 || !strings.Contains(stdout, "could not post the PR comment") || countCmds(cmds, "notice") != 0 {
		t.Errorf("want one warning, got %q", stdout)
	}
}

func TestCheckRun(t *testing.T) {
	t.Parallel()
	api := testutil.NewGitHub(t)
	type payload struct {
		Name       string  `json:"name"`
		HeadSHA    string  `json:"head_sha"`
		Status     *string `json:"status"`
		Conclusion *string `json:"conclusion"`
		Output     struct {
			Title       string `json:"title"`
			Summary     string `json:"summary"`
			Annotations []struct {
				Path        string `json:"path"`
				StartLine   int    `json:"start_line"`
				EndLine     int    `json:"end_line"`
				StartColumn *int   `json:"start_column"`
				Level       string `json:"annotation_level"`
				Title       string `json:"title"`
				Message     string `json:"message"`
			} `json:"annotations"`
		} `json:"output"`
	}
	var created payload
	var updates []payload
	api.Handle("POST /repos/acme/review-bot/check-runs", func(w http.ResponseWriter, r *http.Request) {
		if err := json.NewDecoder(r.Body).Decode(&created); err != nil {
			t.Error(err)
		}
		testutil.WriteJSON(w, 201, map[string]any{"id": 4242, "name": "hopcheck"})
	})
	api.Handle("PATCH /repos/acme/review-bot/check-runs/4242", func(w http.ResponseWriter, r *http.Request) {
		var p payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Error(err)
		}
		updates = append(updates, p)
		testutil.WriteJSON(w, 200, map[string]any{"id": 4242})
	})
	fal := false
	stdout, err := publish(t, newStep(t), PublishInput{Report: manyReport(120, 0),
		Inputs: Inputs{GitHubToken: "t", CheckRun: true, Comment: &fal}, Event: prEvent(t, "event_pull_request.json")}, api)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout, "::warning") || strings.Contains(stdout, "could not") {
		t.Errorf("unexpected degradation: %q", stdout)
	}
	if created.HeadSHA != "c0ffee1234567890abcdef1234567890abcdef12" {
		t.Errorf("head_sha = %q, want the PR head from the payload (not GITHUB_SHA %s)", created.HeadSHA, mergeSHA)
	}
	if created.Name != CheckRunName || created.Conclusion == nil || *created.Conclusion != "failure" ||
		created.Status == nil || *created.Status != "completed" {
		t.Errorf("create = %+v", created)
	}
	if created.Output.Title != "hopcheck: fail: unreachable" || !strings.Contains(created.Output.Summary, "### Chain alpha") {
		t.Errorf("output title %q / summary %.80q", created.Output.Title, created.Output.Summary)
	}
	got := []int{len(created.Output.Annotations)}
	for _, u := range updates {
		got = append(got, len(u.Output.Annotations))
		if u.Name != CheckRunName || u.Output.Title == "" || u.Output.Summary == "" {
			t.Errorf("update lacks name/title/summary: %+v", u)
		}
	}
	if d := cmp.Diff([]int{50, 50, 20}, got); d != "" {
		t.Errorf("annotations per request (-want +got):\n%s", d)
	}
	a := created.Output.Annotations[0]
	if a.Path != "hopcheck.yml" || a.StartLine != 70 || a.EndLine != 70 || a.StartColumn == nil || *a.StartColumn != 5 ||
		a.Level != "failure" || a.Title != "hopcheck [beta] e59: unreachable" {
		t.Errorf("first annotation = %+v, want the root cause beta/e59 at hopcheck.yml:70:5", a)
	}
	seen := map[string]bool{}
	for _, p := range append([]payload{created}, updates...) {
		for _, a := range p.Output.Annotations {
			if seen[a.Title] {
				t.Errorf("annotation %q sent twice", a.Title)
			}
			seen[a.Title] = true
		}
	}
	if len(seen) != 120 {
		t.Errorf("%d distinct annotations sent, want 120", len(seen))
	}
}

func TestCheckAnnotationFallback(t *testing.T) {
	t.Parallel()
	a := annotation{Level: finding.SevWarning, Title: "t", Message: "m"}
	if _, ok := checkAnnotation(a, ""); ok {
		t.Error("annotation without any path accepted")
	}
	ca, ok := checkAnnotation(a, "hopcheck.yml")
	if !ok || ca.GetPath() != "hopcheck.yml" || ca.GetStartLine() != 1 || ca.StartColumn != nil || ca.GetAnnotationLevel() != "warning" {
		t.Errorf("fallback annotation = %+v", ca)
	}
}

func TestAPIURLFromEnvironment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ env, want string }{
		{"", "https://api.github.com/"},
		{"https://api.github.com", "https://api.github.com/"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/"},
	} {
		p := &Publisher{Getenv: envOf(map[string]string{"GITHUB_API_URL": tc.env})}
		c, err := p.apiClient("t")
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL.String() != tc.want {
			t.Errorf("GITHUB_API_URL=%q: base %q, want %q", tc.env, c.BaseURL, tc.want)
		}
	}
	p := &Publisher{APIURL: "http://127.0.0.1:1/api-v3"}
	c, err := p.apiClient("t")
	if err != nil || c.BaseURL.String() != "http://127.0.0.1:1/api-v3/" {
		t.Errorf("override: %v %v", c.BaseURL, err)
	}
}
