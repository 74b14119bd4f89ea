package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/sim"
)

// fakeIssues is an httptest GitHub REST API (mounted under /api/v3/, where
// go-github puts a GHES base URL) that keeps the issues of one repository,
// o/r, and fails the test on any other path. GET /user answers 403, as it
// does for the workflow's GITHUB_TOKEN, so hopcheck's identity is
// github-actions[bot].
type fakeIssues struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	issues    []*fakeIssue
	calls     []string // "METHOD /path" without the prefix, in order
	forbidden bool     // answer 403 to every write
	token     string   // the token every request must carry
}

type fakeIssue struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	State       string   `json:"state"`
	StateReason string   `json:"state_reason,omitempty"`
	Labels      []string `json:"-"`
	Author      string   `json:"-"`
	PR          bool     `json:"-"`
	Comments    []string `json:"-"`
}

const botLogin = "github-actions[bot]"

func newFakeIssues(t *testing.T, token string) *fakeIssues {
	f := &fakeIssues{t: t, token: token}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

var issuePathRE = regexp.MustCompile(`^/repos/o/r/issues/(\d+)(/comments)?$`)

func (f *fakeIssues) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v3")
	if !ok {
		f.t.Errorf("API call outside /api/v3: %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	f.calls = append(f.calls, r.Method+" "+path)
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		f.t.Errorf("%s %s: Authorization %q, want the token", r.Method, path, got)
	}
	body, _ := io.ReadAll(r.Body)
	if f.forbidden && r.Method != http.MethodGet {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}`)
		return
	}
	var req struct {
		Title       *string   `json:"title"`
		Body        *string   `json:"body"`
		State       *string   `json:"state"`
		StateReason *string   `json:"state_reason"`
		Labels      *[]string `json:"labels"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, path, err)
		}
	}
	switch m := issuePathRE.FindStringSubmatch(path); {
	case r.Method == "GET" && path == "/user":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"message":"Resource not accessible by integration"}`)
	case r.Method == "GET" && path == "/repos/o/r/issues":
		if r.URL.Query().Get("state") != "open" {
			f.t.Errorf("issues listed with %q, want state=open", r.URL.RawQuery)
		}
		var out []map[string]any
		for _, is := range f.issues {
			if is.State != "open" {
				continue
			}
			item := map[string]any{"number": is.Number, "title": is.Title, "body": is.Body, "state": is.State,
				"user": map[string]any{"login": is.Author}}
			if is.PR {
				item["pull_request"] = map[string]any{"url": "https://example.invalid/pr"}
			}
			out = append(out, item)
		}
		writeJSONResp(w, http.StatusOK, out)
	case r.Method == "POST" && path == "/repos/o/r/issues":
		if req.Title == nil || req.Body == nil {
			f.t.Errorf("issue created without title or body: %s", body)
			return
		}
		is := &fakeIssue{Number: len(f.issues) + 1, Title: *req.Title, Body: *req.Body, State: "open", Author: botLogin}
		if req.Labels != nil {
			is.Labels = *req.Labels
		}
		f.issues = append(f.issues, is)
		writeJSONResp(w, http.StatusCreated, map[string]any{"number": is.Number, "user": map[string]any{"login": botLogin}})
	case m != nil:
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(f.issues) {
			f.t.Errorf("%s %s: no such issue", r.Method, path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		is := f.issues[n-1]
		if is.Author != botLogin {
			f.t.Errorf("%s %s: hopcheck wrote to issue #%d by %s", r.Method, path, n, is.Author)
		}
		switch {
		case r.Method == "POST" && m[2] != "":
			var c struct{ Body string }
			_ = json.Unmarshal(body, &c)
			is.Comments = append(is.Comments, c.Body)
			writeJSONResp(w, http.StatusCreated, map[string]any{"id": 1})
		case r.Method == "PATCH" && m[2] == "":
			if req.Title != nil {
				is.Title = *req.Title
			}
			if req.Body != nil {
				is.Body = *req.Body
			}
			if req.State != nil {
				is.State = *req.State
			}
			if req.StateReason != nil {
				is.StateReason = *req.StateReason
			}
			if req.Labels != nil {
				f.t.Errorf("PATCH %s changes the labels", path)
			}
			writeJSONResp(w, http.StatusOK, map[string]any{"number": n})
		default:
			f.t.Errorf("unexpected API call %s %s", r.Method, path)
			w.WriteHeader(http.StatusNotFound)
		}
	default:
		f.t.Errorf("unexpected API call %s %s", r.Method, path)
		w.WriteHeader(http.StatusNotFound)
	}
}

func writeJSONResp(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// takeCalls returns the calls since the last takeCalls.
func (f *fakeIssues) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.calls
	f.calls = nil
	return out
}

func (f *fakeIssues) snapshot() []fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]fakeIssue, len(f.issues))
	for i, is := range f.issues {
		out[i] = *is
		out[i].Comments = append([]string(nil), is.Comments...)
	}
	return out
}

// writes keeps the calls that change something.
func writes(calls []string) []string {
	var out []string
	for _, c := range calls {
		if !strings.HasPrefix(c, "GET ") {
			out = append(out, c)
		}
	}
	return out
}

// swapHandler lets a test change the simulated provider between runs
// without racing the server's goroutines.
type swapHandler struct {
	mu sync.Mutex
	h  http.Handler
}

func (s *swapHandler) set(h http.Handler) { s.mu.Lock(); s.h = h; s.mu.Unlock() }
func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.h
	s.mu.Unlock()
	h.ServeHTTP(w, r)
}

// monitorRepo writes a hopcheck.yml with two chains straight to a
// simulated OpenRouter: review-bot (whose account the test changes) and
// evals (always healthy).
func monitorRepo(t *testing.T) (dir string, prov *swapHandler, reviewKey, evalsKey string) {
	t.Helper()
	dir = t.TempDir()
	prov = &swapHandler{}
	srv, err := sim.Listen("127.0.0.1", prov)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := fmt.Sprintf(`version: 1
defaults: {timeout: 5s}
chains:
  - name: review-bot
    model: anthropic/claude-sonnet-4.5
    hops:
      - name: openrouter
        type: openrouter
        url: %[1]s/api/v1
        key_env: OPENROUTER_API_KEY
  - name: evals
    model: openai/gpt-4o-mini
    canary: auth-only
    hops:
      - name: openrouter
        type: openrouter
        url: %[1]s/api/v1
        key_env: EVALS_OPENROUTER_KEY
`, srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, prov, sim.FakeOpenRouterKey("monitor-review"), sim.FakeOpenRouterKey("monitor-evals")
}

// account returns a simulated OpenRouter where evalsKey is healthy and
// reviewKey has the given account, or is unknown when acct is nil.
func account(reviewKey, evalsKey string, acct *sim.Account) http.Handler {
	o := sim.NewOpenRouter(evalsKey)
	if acct != nil {
		o.Keys[reviewKey] = *acct
	}
	return o
}

func actionVars(t *testing.T, dir, api, token string, extra map[string]string) map[string]string {
	ev := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(ev, []byte(`{"schedule":"17 6 * * *"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "schedule", "GITHUB_EVENT_PATH": ev,
		"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": api, "GITHUB_WORKSPACE": dir,
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
		"INPUT_MODE": "monitor", "INPUT_GITHUB-TOKEN": token, "INPUT_LABELS": "hopcheck, llm-chain",
		"HOPCHECK_ALLOW_HOSTS": sim.LoopbackNet,
	}
	for k, v := range extra {
		vars[k] = v
	}
	return vars
}

// TestMonitorIssueLifecycle runs the action in monitor mode as a
// scheduled workflow would, several times against the same fake GitHub:
// broken → still broken with another cause → same again → warning only →
// recovered → still fine → broken again. A marked issue written by someone
// else is there from the start and must never be touched.
func TestMonitorIssueLifecycle(t *testing.T) {
	dir, prov, reviewKey, evalsKey := monitorRepo(t)
	token := "ghs_" + strings.Repeat("T", 36)
	gh := newFakeIssues(t, token)
	foreignBody := "<!-- hopcheck:monitor key=chain:review%2Dbot state=fail cause=credential-rejected -->\nplease edit me"
	gh.issues = append(gh.issues,
		&fakeIssue{Number: 1, Title: "hopcheck: chain review-bot is broken", Body: foreignBody, State: "open", Author: "mallory"},
		&fakeIssue{Number: 2, Title: "a PR with the marker", Body: foreignBody, State: "open", Author: botLogin, PR: true})
	vars := actionVars(t, dir, gh.srv.URL, token, map[string]string{
		"OPENROUTER_API_KEY": reviewKey, "EVALS_OPENROUTER_KEY": evalsKey,
	})

	type step struct {
		name      string
		acct      *sim.Account
		wantCode  int
		wantWrite []string
		check     func(t *testing.T, issues []fakeIssue)
	}
	ours := func(issues []fakeIssue, n int) fakeIssue {
		t.Helper()
		if n > len(issues) {
			t.Fatalf("issue #%d does not exist; issues: %+v", n, issues)
		}
		return issues[n-1]
	}
	steps := []step{
		{name: "broken: the key is unknown", acct: nil, wantCode: ExitFailed,
			wantWrite: []string{"POST /repos/o/r/issues"},
			check: func(t *testing.T, issues []fakeIssue) {
				is := ours(issues, 3)
				for _, want := range []string{"review-bot", "credential-rejected", "openrouter"} {
					if !strings.Contains(is.Title, want) {
						t.Errorf("title %q lacks %q", is.Title, want)
					}
				}
				if strings.Join(is.Labels, ",") != "hopcheck,llm-chain" {
					t.Errorf("labels %v, want the input's", is.Labels)
				}
				for _, want := range []string{"<!-- hopcheck:monitor key=chain:review%2Dbot state=fail cause=credential-rejected -->",
					"| Hop | Link | Verdict | Cause |", "**Fix:**", "[this workflow run](https://github.com/o/r/actions/runs/4242)"} {
					if !strings.Contains(is.Body, want) {
						t.Errorf("body lacks %q:\n%s", want, is.Body)
					}
				}
			}},
		{name: "still broken, another cause", acct: &sim.Account{NoCredits: true}, wantCode: ExitFailed,
			wantWrite: []string{"PATCH /repos/o/r/issues/3", "POST /repos/o/r/issues/3/comments"},
			check: func(t *testing.T, issues []fakeIssue) {
				is := ours(issues, 3)
				if !strings.Contains(is.Title, "credits-exhausted") || !strings.Contains(is.Body, "cause=credits-exhausted") {
					t.Errorf("issue not updated to the new cause: %q\n%s", is.Title, is.Body)
				}
				if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "credits-exhausted") || !strings.Contains(is.Comments[0], "credential-rejected") {
					t.Errorf("want one comment naming the new and the old cause, got %q", is.Comments)
				}
			}},
		{name: "same again: updated in place, no comment", acct: &sim.Account{NoCredits: true}, wantCode: ExitFailed,
			wantWrite: []string{"PATCH /repos/o/r/issues/3"}},
		{name: "warning only: the key expires soon", acct: &sim.Account{ExpiresAt: time.Now().Add(50 * time.Hour)}, wantCode: ExitOK,
			wantWrite: []string{"PATCH /repos/o/r/issues/3", "POST /repos/o/r/issues/3/comments"},
			check: func(t *testing.T, issues []fakeIssue) {
				is := ours(issues, 3)
				if is.State != "open" || !strings.Contains(is.Title, "key-expiring") || !strings.Contains(is.Body, "state=warn") {
					t.Errorf("a warning must keep the issue open and say so: %s %q\n%s", is.State, is.Title, is.Body)
				}
			}},
		{name: "recovered", acct: &sim.Account{}, wantCode: ExitOK,
			wantWrite: []string{"POST /repos/o/r/issues/3/comments", "PATCH /repos/o/r/issues/3"},
			check: func(t *testing.T, issues []fakeIssue) {
				is := ours(issues, 3)
				if is.State != "closed" || is.StateReason != "completed" {
					t.Errorf("recovered issue is %s (%s), want closed (completed)", is.State, is.StateReason)
				}
				if last := is.Comments[len(is.Comments)-1]; !strings.Contains(last, "Recovered") {
					t.Errorf("closing comment %q", last)
				}
			}},
		{name: "still fine: nothing to write", acct: &sim.Account{}, wantCode: ExitOK},
		{name: "broken again: a new issue", acct: nil, wantCode: ExitFailed,
			wantWrite: []string{"POST /repos/o/r/issues"},
			check: func(t *testing.T, issues []fakeIssue) {
				if len(issues) != 4 || issues[3].State != "open" || !strings.Contains(issues[3].Title, "credential-rejected") {
					t.Errorf("want a fourth, open issue; got %+v", issues)
				}
			}},
	}
	for _, s := range steps {
		prov.set(account(reviewKey, evalsKey, s.acct))
		r := run(t, dir, vars)
		calls := gh.takeCalls()
		if r.code != s.wantCode {
			t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", s.name, r.code, s.wantCode, r.stdout, r.stderr)
		}
		if got := strings.Join(writes(calls), "; "); got != strings.Join(s.wantWrite, "; ") {
			t.Errorf("%s: writes %q, want %q (all calls %q)\n%s", s.name, got, strings.Join(s.wantWrite, "; "), calls, r.stdout)
		}
		issues := gh.snapshot()
		if s.check != nil {
			s.check(t, issues)
		}
		if f := issues[0]; f.Body != foreignBody || f.State != "open" || len(f.Comments) != 0 {
			t.Errorf("%s: the foreign issue was changed: %+v", s.name, f)
		}
		for _, is := range issues {
			all := is.Title + is.Body + strings.Join(is.Comments, "")
			for _, secret := range []string{token, reviewKey, evalsKey} {
				if strings.Contains(all, secret) {
					t.Errorf("%s: issue #%d contains a credential", s.name, is.Number)
				}
			}
			if regexp.MustCompile("@[^\u200d]").MatchString(all) {
				t.Errorf("%s: issue #%d can mention someone: %q", s.name, is.Number, all)
			}
		}
		// The token appears once, in the ::add-mask:: that hides it.
		if strings.Count(r.stdout+r.stderr, token) != 1 || !strings.Contains(r.stdout, "::add-mask::"+token+"\n") {
			t.Errorf("%s: the token is in the log", s.name)
		}
	}
}

// TestMonitorCLI runs `hopcheck monitor` as a plain command: labels from
// --label, the repository from GITHUB_REPOSITORY, the token from
// GITHUB_TOKEN, and a chain that leaves the configuration closes its issue.
func TestMonitorCLI(t *testing.T) {
	dir, prov, reviewKey, evalsKey := monitorRepo(t)
	token := "ghp_" + strings.Repeat("P", 36)
	gh := newFakeIssues(t, token)
	vars := map[string]string{"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": gh.srv.URL, "GITHUB_TOKEN": token,
		"OPENROUTER_API_KEY": reviewKey, "EVALS_OPENROUTER_KEY": evalsKey}
	prov.set(account(reviewKey, evalsKey, nil))
	r := run(t, dir, vars, "monitor", "--label", "ci,llm", "--label", "ci")
	if r.code != ExitFailed {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "credential-rejected") || !strings.Contains(r.stderr, "opened the issue of chain review-bot") {
		t.Errorf("want the report on stdout and what happened on stderr:\n%s\n%s", r.stdout, r.stderr)
	}
	issues := gh.snapshot()
	if len(issues) != 1 || strings.Join(issues[0].Labels, ",") != "ci,llm" {
		t.Fatalf("want one issue labelled ci,llm; got %+v", issues)
	}
	gh.takeCalls()

	// The chain is renamed: its old issue is closed as not planned, and
	// the renamed chain (broken) gets an issue of its own.
	cfg, _ := os.ReadFile(filepath.Join(dir, "hopcheck.yml"))
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte(strings.Replace(string(cfg), "name: review-bot", "name: reviewer", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, vars, "monitor")
	if r.code != ExitFailed {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := strings.Join(writes(gh.takeCalls()), "; ")
	want := "POST /repos/o/r/issues; POST /repos/o/r/issues/1/comments; PATCH /repos/o/r/issues/1"
	if got != want {
		t.Errorf("writes %q, want %q", got, want)
	}
	issues = gh.snapshot()
	if issues[0].State != "closed" || issues[0].StateReason != "not_planned" || strings.Join(issues[1].Labels, ",") != "hopcheck" {
		t.Errorf("want #1 closed as not planned and #2 with the default label: %+v", issues)
	}

	// A configuration error: one issue for the run, the chain's left open.
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte("version: 1\nchains: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, vars, "monitor")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	if got := strings.Join(writes(gh.takeCalls()), "; "); got != "POST /repos/o/r/issues" {
		t.Errorf("writes %q, want one new issue for the run", got)
	}
	issues = gh.snapshot()
	if is := issues[2]; !strings.Contains(is.Title, "cannot run") || !strings.Contains(is.Body, "key=run ") || !strings.Contains(is.Body, "hopcheck.yml:2") {
		t.Errorf("run issue: %q\n%s", is.Title, is.Body)
	}
	if issues[1].State != "open" {
		t.Errorf("a configuration error closed a chain's issue")
	}

	for _, args := range [][]string{{"monitor", "--repo", "nope"}, {"monitor", "--label", strings.Repeat("x", 51)}} {
		if r := run(t, dir, vars, args...); r.code != ExitUsage || !strings.Contains(r.stderr, "hopcheck monitor:") {
			t.Errorf("%v: exit %d, want a usage error\n%s", args, r.code, r.stderr)
		}
	}
	noToken := map[string]string{"GITHUB_REPOSITORY": "o/r"}
	if r := run(t, dir, noToken, "monitor"); r.code != ExitUsage || !strings.Contains(r.stderr, "GITHUB_TOKEN") {
		t.Errorf("no token: exit %d\n%s", r.code, r.stderr)
	}
}

// TestMonitorWithoutIssuesPermission: a token without issues: write gets
// 403 on every write. The run reports exactly one notice naming the
// permission and keeps its exit code, in action mode and as a command.
func TestMonitorWithoutIssuesPermission(t *testing.T) {
	dir, prov, reviewKey, evalsKey := monitorRepo(t)
	token := "ghs_" + strings.Repeat("F", 36)
	gh := newFakeIssues(t, token)
	gh.forbidden = true
	// Both chains broken: two issues would be opened.
	prov.set(sim.NewOpenRouter())
	keys := map[string]string{"OPENROUTER_API_KEY": reviewKey, "EVALS_OPENROUTER_KEY": evalsKey}

	r := run(t, dir, actionVars(t, dir, gh.srv.URL, token, keys))
	if r.code != ExitFailed {
		t.Fatalf("exit %d, want 1 (the chains' verdict)\n%s", r.code, r.stdout)
	}
	notices := regexp.MustCompile(`(?m)^::notice::.*issues: write.*$`).FindAllString(r.stdout, -1)
	if len(notices) != 1 {
		t.Errorf("want exactly one notice naming issues: write, got %d:\n%s", len(notices), r.stdout)
	}
	if strings.Count(r.stdout, "lacks `issues: write`") != 1 || strings.Contains(r.stdout, "::warning::hopcheck monitor") {
		t.Errorf("the missing permission is reported more than once:\n%s", r.stdout)
	}
	if got := writes(gh.takeCalls()); len(got) != 1 {
		t.Errorf("after the first 403 nothing more is tried; writes %q", got)
	}

	cli := map[string]string{"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": gh.srv.URL, "GITHUB_TOKEN": token}
	for k, v := range keys {
		cli[k] = v
	}
	r = run(t, dir, cli, "monitor")
	if r.code != ExitFailed || strings.Count(r.stderr, "lacks `issues: write`") != 1 || !strings.Contains(r.stderr, "hopcheck: notice:") {
		t.Errorf("CLI: exit %d, want 1 and one notice\n%s", r.code, r.stderr)
	}
	if len(gh.snapshot()) != 0 {
		t.Errorf("issues were created despite 403")
	}
}
