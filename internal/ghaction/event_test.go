package ghaction

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mergeSHA is what GITHUB_SHA holds on pull_request events: the test merge
// commit, which must never be used for PR check runs.
const mergeSHA = "3333333333333333333333333333333333333333"

func TestReadEvent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, event, fixture string
		repo                 string // GITHUB_REPOSITORY; acme/review-bot when empty
		want                 Event
	}{
		{
			name: "push", event: "push", fixture: "event_push.json",
			want: Event{Name: "push", HeadSHA: mergeSHA, Owner: "acme", Repo: "review-bot"},
		},
		{
			name: "pull_request from the same repository", event: "pull_request", fixture: "event_pull_request.json",
			want: Event{Name: "pull_request", PR: 42, HeadSHA: "c0ffee1234567890abcdef1234567890abcdef12",
				Owner: "acme", Repo: "review-bot"},
		},
		{
			name: "pull_request from a fork", event: "pull_request", fixture: "event_pull_request_fork.json",
			want: Event{Name: "pull_request", PR: 57, HeadSHA: "fa11babe00000000000000000000000000000057",
				Fork: true, Owner: "acme", Repo: "review-bot"},
		},
		{
			name: "pull_request_target from a fork", event: "pull_request_target", fixture: "event_pull_request_fork.json",
			want: Event{Name: "pull_request_target", PR: 57, HeadSHA: "fa11babe00000000000000000000000000000057",
				Fork: true, Owner: "acme", Repo: "review-bot"},
		},
		{
			name: "branch PR inside a repository that is itself a fork is not a fork PR", event: "pull_request",
			fixture: "event_pull_request_in_fork_repo.json", repo: "outsider/review-bot",
			want: Event{Name: "pull_request", PR: 3, HeadSHA: "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b003",
				Owner: "outsider", Repo: "review-bot"},
		},
		{
			name: "PR whose fork was deleted", event: "pull_request", fixture: "event_pull_request_deleted_fork.json",
			want: Event{Name: "pull_request", PR: 61, HeadSHA: "dead000000000000000000000000000000000061",
				Fork: true, Owner: "acme", Repo: "review-bot"},
		},
		{
			name: "push payload read under a PR-less event keeps GITHUB_SHA", event: "workflow_dispatch",
			fixture: "event_pull_request.json",
			want:    Event{Name: "workflow_dispatch", HeadSHA: mergeSHA, Owner: "acme", Repo: "review-bot"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := tc.repo
			if repo == "" {
				repo = "acme/review-bot"
			}
			got, err := ReadEvent(envOf(map[string]string{
				"GITHUB_EVENT_NAME": tc.event,
				"GITHUB_EVENT_PATH": filepath.Join("testdata", tc.fixture),
				"GITHUB_SHA":        mergeSHA,
				"GITHUB_REPOSITORY": repo,
			}))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestReadEventRepositoryFromPayload(t *testing.T) {
	t.Parallel()
	got, err := ReadEvent(envOf(map[string]string{
		"GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_EVENT_PATH": filepath.Join("testdata", "event_pull_request.json"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Owner != "acme" || got.Repo != "review-bot" || !got.IsPR() {
		t.Errorf("got %+v, want acme/review-bot PR", got)
	}
}

func TestReadEventErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "event.json")
	if err := os.WriteFile(bad, []byte(`{"pull_request": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.json"), "reading the event payload"},
		{bad, "parsing the event payload"},
	} {
		_, err := ReadEvent(envOf(map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": tc.path}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadEvent(%s) error = %v, want %q", tc.path, err, tc.want)
		}
	}
	ev, err := ReadEvent(envOf(map[string]string{"GITHUB_EVENT_NAME": "push", "GITHUB_SHA": "abc"}))
	if err != nil || ev.HeadSHA != "abc" || ev.IsPR() || ev.Fork {
		t.Errorf("no payload: got %+v, %v", ev, err)
	}
	// Without a payload that proves otherwise, events that can run a
	// fork's code count as a fork.
	for _, name := range []string{"pull_request", "pull_request_target", "pull_request_review", "workflow_run"} {
		ev, _ := ReadEvent(envOf(map[string]string{"GITHUB_EVENT_NAME": name}))
		if !ev.Fork {
			t.Errorf("%s without a payload: Fork false, want true", name)
		}
		ev, _ = ReadEvent(envOf(map[string]string{"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": bad}))
		if !ev.Fork {
			t.Errorf("%s with a malformed payload: Fork false, want true", name)
		}
	}
}

// TestReadEventForkKinds: the review events and workflow_run tell a fork's
// head from the repository's own.
func TestReadEventForkKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const (
		own  = `{"id":1,"full_name":"acme/review-bot"}`
		fork = `{"id":2,"full_name":"mallory/review-bot"}`
	)
	for _, tc := range []struct {
		name, event, payload string
		fork                 bool
	}{
		{"review from a fork", "pull_request_review", `{"pull_request":{"number":4,"head":{"repo":` + fork + `},"base":{"repo":` + own + `}}}`, true},
		{"review comment on a same-repo PR", "pull_request_review_comment", `{"pull_request":{"number":4,"head":{"repo":` + own + `},"base":{"repo":` + own + `}}}`, false},
		{"workflow_run from a fork", "workflow_run", `{"workflow_run":{"head_repository":` + fork + `,"repository":` + own + `},"repository":` + own + `}`, true},
		{"workflow_run from the repository", "workflow_run", `{"workflow_run":{"head_repository":` + own + `,"repository":` + own + `},"repository":` + own + `}`, false},
		{"workflow_run without head repository", "workflow_run", `{"workflow_run":{"repository":` + own + `}}`, true},
		{"pull_request without base", "pull_request", `{"pull_request":{"number":4,"head":{"repo":` + own + `}}}`, true},
		{"push is never a fork", "push", `{"repository":` + own + `}`, false},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
		if err := os.WriteFile(p, []byte(tc.payload), 0o600); err != nil {
			t.Fatal(err)
		}
		ev, err := ReadEvent(envOf(map[string]string{"GITHUB_EVENT_NAME": tc.event, "GITHUB_EVENT_PATH": p, "GITHUB_REPOSITORY": "acme/review-bot"}))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if ev.Fork != tc.fork {
			t.Errorf("%s: Fork %v, want %v", tc.name, ev.Fork, tc.fork)
		}
	}
}

// TestSendsNoSecret: only an input lets pull_request_target and
// workflow_run send credentials for a fork; pull_request never does.
func TestSendsNoSecret(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		fork, trust bool
		noSecret    bool
	}{
		{"pull_request", true, false, true},
		{"pull_request", true, true, true},
		{"pull_request_review", true, true, true},
		{"pull_request_target", true, false, true},
		{"pull_request_target", true, true, false},
		{"workflow_run", true, false, true},
		{"workflow_run", true, true, false},
		{"pull_request", false, false, false},
		{"pull_request_target", false, false, false},
		{"push", false, false, false},
	} {
		if got := (Event{Name: tc.name, Fork: tc.fork}).SendsNoSecret(tc.trust); got != tc.noSecret {
			t.Errorf("%s fork=%v trust=%v: SendsNoSecret %v, want %v", tc.name, tc.fork, tc.trust, got, tc.noSecret)
		}
	}
}
