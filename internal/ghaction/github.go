package ghaction

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// CheckRunName is the name of the optional check run.
const CheckRunName = "hopcheck"

// maxAnnotationsPerRequest is the Checks API limit: more answers 422.
const maxAnnotationsPerRequest = 50

// maxCommentPages bounds the search for the sticky comment (100 per page).
const maxCommentPages = 100

// apiClient builds the go-github client: the Publisher's HTTP client (a
// fresh one with a timeout by default), the token, and the API URL —
// APIURL as the exact base (tests), else GITHUB_API_URL through
// WithEnterpriseURLs (github.com and GHES alike), else api.github.com.
func (p *Publisher) apiClient(token string) (*github.Client, error) {
	hc := p.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := github.NewClient(hc).WithAuthToken(token)
	if p.APIURL != "" {
		base := p.APIURL
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("invalid API URL: %w", err)
		}
		c.BaseURL = u
		return c, nil
	}
	if api := p.getenv("GITHUB_API_URL"); api != "" {
		return c.WithEnterpriseURLs(api, api)
	}
	return c, nil
}

// isForbidden reports a 403 that is about permissions (not a rate limit,
// which go-github returns as *RateLimitError / *AbuseRateLimitError).
func isForbidden(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusForbidden
}

// actionsBot is the account the workflow's GITHUB_TOKEN writes as (the
// github-actions app's bot user, on github.com and GHES alike).
const actionsBot = "github-actions[bot]"

// tokenLogin returns the login the token writes comments as. GET /user
// answers for a personal access token; an installation token (the
// workflow's GITHUB_TOKEN) gets 403 "Resource not accessible by
// integration" there, and its comments are written by github-actions[bot].
// (An installation token of another GitHub App cannot name its app without
// the app's private key; its runs then create a new comment instead of
// editing one.) Any other failure leaves the identity unknown: "" and the
// error.
func tokenLogin(ctx context.Context, gh *github.Client) (string, error) {
	u, _, err := gh.Users.Get(ctx, "")
	switch {
	case isForbidden(err):
		return actionsBot, nil
	case err != nil:
		return "", err
	case u.GetLogin() == "":
		return "", errors.New("GET /user named no login")
	}
	return u.GetLogin(), nil
}

// upsertComment creates or updates the sticky comment on the PR: the first
// comment (oldest first, all pages) that contains StickyMarker AND was
// written by the token's own account (tokenLogin) is edited, otherwise a
// new one is created. A marked comment by anyone else is never touched:
// editing it would put hopcheck's result under another author, who could
// then rewrite it. Nothing is ever deleted. It returns "created" or
// "updated".
func upsertComment(ctx context.Context, gh *github.Client, ev Event, body string) (string, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	var me string
	var known bool
	for page := 0; page < maxCommentPages; page++ {
		comments, resp, err := gh.Issues.ListComments(ctx, ev.Owner, ev.Repo, ev.PR, opts)
		if err != nil {
			return "", err
		}
		for _, c := range comments {
			if !strings.Contains(c.GetBody(), StickyMarker) {
				continue
			}
			if !known {
				// Asked once, and only when a marked comment exists.
				me, _ = tokenLogin(ctx, gh)
				known = true
			}
			if me == "" || !strings.EqualFold(c.GetUser().GetLogin(), me) {
				continue
			}
			_, _, err := gh.Issues.EditComment(ctx, ev.Owner, ev.Repo, c.GetID(), &github.IssueComment{Body: github.String(body)})
			return "updated", err
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	_, _, err := gh.Issues.CreateComment(ctx, ev.Owner, ev.Repo, ev.PR, &github.IssueComment{Body: github.String(body)})
	return "created", err
}

// conclusion maps the step status to a check-run conclusion.
func conclusion(status string) string {
	switch status {
	case statusPass:
		return "success"
	case statusFail:
		return "failure"
	}
	return "neutral"
}

// checkAnnotation converts an annotation for the Checks API. The API needs
// a path and a line; annotations without a file fall back to the config
// file at line 1, or are skipped (ok false) when that is unknown too.
func checkAnnotation(a annotation, configPath string) (*github.CheckRunAnnotation, bool) {
	file, line, col := a.File, a.Line, a.Col
	if file == "" {
		if configPath == "" {
			return nil, false
		}
		file, line, col = configPath, 1, 0
	}
	if line <= 0 {
		line, col = 1, 0
	}
	level := map[finding.Severity]string{
		finding.SevError:   "failure",
		finding.SevWarning: "warning",
	}[a.Level]
	if level == "" {
		level = "notice"
	}
	ca := &github.CheckRunAnnotation{
		Path:            github.String(file),
		StartLine:       github.Int(line),
		EndLine:         github.Int(line),
		AnnotationLevel: github.String(level),
		Title:           github.String(truncateRunes(a.Title, 255)),
		Message:         github.String(truncateRunes(a.Message, 64*1024-1)),
	}
	// Columns are allowed only on single-line annotations, which these are.
	if col > 0 {
		ca.StartColumn, ca.EndColumn = github.Int(col), github.Int(col)
	}
	return ca, true
}

// createCheckRun creates the completed check run on the event's head SHA
// carrying the first 50 annotations, then appends the rest 50 per
// UpdateCheckRun (Name is always set: v62 sends it without omitempty).
// It never looks up existing check runs: the only run it ever updates is
// the one this call created (by the id the API returned), so a check run
// of another app or user named "hopcheck" is never touched.
func createCheckRun(ctx context.Context, gh *github.Client, ev Event, status, title, summary string, anns []*github.CheckRunAnnotation) error {
	if ev.HeadSHA == "" {
		return errors.New("no head SHA: neither the event payload nor GITHUB_SHA names a commit")
	}
	first, rest := anns, []*github.CheckRunAnnotation(nil)
	if len(first) > maxAnnotationsPerRequest {
		first, rest = anns[:maxAnnotationsPerRequest], anns[maxAnnotationsPerRequest:]
	}
	now := github.Timestamp{Time: time.Now()}
	run, _, err := gh.Checks.CreateCheckRun(ctx, ev.Owner, ev.Repo, github.CreateCheckRunOptions{
		Name:        CheckRunName,
		HeadSHA:     ev.HeadSHA,
		Status:      github.String("completed"),
		Conclusion:  github.String(conclusion(status)),
		CompletedAt: &now,
		Output: &github.CheckRunOutput{
			Title:       github.String(title),
			Summary:     github.String(summary),
			Annotations: first,
		},
	})
	if err != nil {
		return err
	}
	for len(rest) > 0 {
		batch := rest
		if len(batch) > maxAnnotationsPerRequest {
			batch = rest[:maxAnnotationsPerRequest]
		}
		rest = rest[len(batch):]
		_, _, err := gh.Checks.UpdateCheckRun(ctx, ev.Owner, ev.Repo, run.GetID(), github.UpdateCheckRunOptions{
			Name: CheckRunName,
			Output: &github.CheckRunOutput{
				Title:       github.String(title),
				Summary:     github.String(summary),
				Annotations: batch,
			},
		})
		if err != nil {
			return err
		}
	}
	return nil
}
