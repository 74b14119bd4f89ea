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
	if err != nil || ev.HeadSHA != "abc" || ev.IsPR() {
		t.Errorf("no payload: got %+v, %v", ev, err)
	}
}
