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
	// Fork is true when the code under check comes from another
	// repository: a PR (pull_request, pull_request_target and the PR
	// review events) whose head lives in another repository than its base,
	// or a workflow_run triggered from such a head. When the payload that
	// would tell is missing or unreadable on those events, Fork is true:
	// hopcheck cannot prove the files are the repository's own.
	Fork bool
	// Owner and Repo name the repository the workflow runs in.
	Owner, Repo string
}

// IsPR reports whether the event is a pull request event with a number.
func (e Event) IsPR() bool { return isPREvent(e.Name) && e.PR > 0 }

func isPREvent(name string) bool { return name == "pull_request" || name == "pull_request_target" }

// forkableEvent reports whether an event can run a fork's code: its payload
// names the head repository (pull_request, pull_request_target,
// pull_request_review, pull_request_review_comment, workflow_run).
func forkableEvent(name string) bool {
	switch name {
	case "pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "workflow_run":
		return true
	}
	return false
}

// SendsNoSecret reports whether hopcheck must send no credential at all:
// the files it reads (hopcheck.yml, proxy configs, .env) may be a fork's,
// so they may point a key at any host. On pull_request and its review
// events GitHub withholds secrets from forks anyway and that never
// changes. pull_request_target and workflow_run do have secrets, and a
// workflow that checked out the fork's head hands hopcheck the fork's
// files; only trustForkConfigs — an action input, set in the workflow,
// never by a repository file — lets those runs send credentials.
func (e Event) SendsNoSecret(trustForkConfigs bool) bool {
	if !e.Fork {
		return false
	}
	switch e.Name {
	case "pull_request_target", "workflow_run":
		return !trustForkConfigs
	}
	return true
}

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
	Repository  *payloadRepo `json:"repository"`
	WorkflowRun *struct {
		HeadRepository *payloadRepo `json:"head_repository"`
		Repository     *payloadRepo `json:"repository"`
	} `json:"workflow_run"`
}

type payloadRepo struct {
	ID       int64  `json:"id"`
	FullName string `json:"full_name"`
	Fork     bool   `json:"fork"`
}

// ReadEvent reads GITHUB_EVENT_NAME, GITHUB_REPOSITORY, GITHUB_SHA and the
// JSON payload at GITHUB_EVENT_PATH. A missing GITHUB_EVENT_PATH yields an
// event without payload data; an unreadable or malformed payload is an
// error. Either way the returned Event is usable, and on events that can
// run a fork's code it counts as a fork (fail closed).
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

	// Until the payload proves otherwise, an event that can run a fork's
	// code counts as a fork.
	ev.Fork = forkableEvent(ev.Name)
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
	}
	switch {
	case !ev.Fork:
	case ev.Name == "workflow_run" && p.WorkflowRun != nil:
		base := p.WorkflowRun.Repository
		if base == nil {
			base = p.Repository
		}
		ev.Fork = base == nil || isFork(p.WorkflowRun.HeadRepository, base)
	case ev.Name != "workflow_run" && p.PullRequest != nil:
		ev.Fork = p.PullRequest.Base.Repo == nil || isFork(p.PullRequest.Head.Repo, p.PullRequest.Base.Repo)
	}
	return ev, nil
}

// isFork compares head and base (base must not be nil).
func isFork(head, base *payloadRepo) bool {
	if head == nil {
		return true // the head repository was deleted: it was a fork
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
