package ghaction

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Event is what hopcheck needs from the workflow event.
type Event struct {
	// Name is GITHUB_EVENT_NAME (push, pull_request, pull_request_target, …).
	Name string
	// PR is the pull request number on pull_request(_target) events, else 0.
	PR int
	// HeadSHA is the commit to report on: the PR head from the payload on
	// PR events (GITHUB_SHA is the test merge commit there), else GITHUB_SHA.
	HeadSHA string
	// Fork is true for a PR whose head lives in another repository than
	// its base: the run gets no secrets and a read-only token.
	Fork bool
	// Owner and Repo name the repository the workflow runs in.
	Owner, Repo string
}

// IsPR reports whether the event is a pull request event with a number.
func (e Event) IsPR() bool { return isPREvent(e.Name) && e.PR > 0 }

func isPREvent(name string) bool { return name == "pull_request" || name == "pull_request_target" }

// payload is the part of the event JSON hopcheck reads. It decodes its own
// small struct, as reviewdog does, rather than go-githubactions' untyped map.
type payload struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
		Head   struct {
			SHA  string       `json:"sha"`
			Repo *payloadRepo `json:"repo"`
		} `json:"head"`
		Base struct {
			Repo *payloadRepo `json:"repo"`
		} `json:"base"`
	} `json:"pull_request"`
	Repository *payloadRepo `json:"repository"`
}

type payloadRepo struct {
	ID       int64  `json:"id"`
	FullName string `json:"full_name"`
	Fork     bool   `json:"fork"`
}

// ReadEvent reads GITHUB_EVENT_NAME, GITHUB_REPOSITORY, GITHUB_SHA and the
// JSON payload at GITHUB_EVENT_PATH. A missing GITHUB_EVENT_PATH yields an
// event without payload data; an unreadable or malformed payload is an
// error.
//
// Fork detection compares the PR's head and base repositories. A head
// repository that is gone (null: the fork was deleted) counts as a fork.
// head.repo.fork alone is not used: it is also true for a same-repository
// PR inside a repository that is itself a fork, which does get secrets.
func ReadEvent(getenv func(string) string) (Event, error) {
	if getenv == nil {
		return Event{}, fmt.Errorf("ghaction: nil getenv")
	}
	ev := Event{Name: getenv("GITHUB_EVENT_NAME"), HeadSHA: getenv("GITHUB_SHA")}
	ev.Owner, ev.Repo = splitRepo(getenv("GITHUB_REPOSITORY"))

	var p payload
	if path := getenv("GITHUB_EVENT_PATH"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return ev, fmt.Errorf("reading the event payload (GITHUB_EVENT_PATH): %w", err)
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return ev, fmt.Errorf("parsing the event payload %s: %w", path, err)
		}
	}
	if ev.Owner == "" && p.Repository != nil {
		ev.Owner, ev.Repo = splitRepo(p.Repository.FullName)
	}
	if isPREvent(ev.Name) && p.PullRequest != nil {
		ev.PR = p.PullRequest.Number
		if ev.PR == 0 {
			ev.PR = p.Number
		}
		if sha := p.PullRequest.Head.SHA; sha != "" {
			ev.HeadSHA = sha
		}
		ev.Fork = isFork(p.PullRequest.Head.Repo, p.PullRequest.Base.Repo)
	}
	return ev, nil
}

func isFork(head, base *payloadRepo) bool {
	if head == nil {
		return true // the head repository was deleted: it was a fork
	}
	if base == nil {
		return false
	}
	if head.ID != 0 && base.ID != 0 {
		return head.ID != base.ID
	}
	return !strings.EqualFold(head.FullName, base.FullName)
}

func splitRepo(full string) (owner, repo string) {
	o, r, ok := strings.Cut(full, "/")
	if !ok {
		return "", ""
	}
	return o, r
}
