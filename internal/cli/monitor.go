package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/ghaction"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// `hopcheck monitor` is `hopcheck check` for scheduled workflows: the same
// run, report and exit code, then one GitHub issue per broken or warning
// chain is opened, updated or closed (ghaction.Publisher.Monitor). The
// token comes from GITHUB_TOKEN (or GH_TOKEN), the repository from --repo
// or GITHUB_REPOSITORY, the API from GITHUB_API_URL (default
// api.github.com). In action mode the same happens with `mode: monitor`.

// monitorOpts are the flags only monitor has. A nil *monitorOpts is plain
// check: every method is a no-op then.
type monitorOpts struct {
	labels stringList
	repo   string

	// Set by validate.
	owner, name, token string
	parsedLabels       []string
}

func runMonitor(ctx context.Context, args []string, env Env) int {
	return runChecks(ctx, "monitor", args, env, &monitorOpts{})
}

func (m *monitorOpts) register(fs *flag.FlagSet) {
	if m == nil {
		return
	}
	fs.Var(&m.labels, "label", "label for the issues monitor opens (repeatable, or comma-separated; default hopcheck)")
	fs.StringVar(&m.repo, "repo", "", "repository OWNER/NAME for the issues (default GITHUB_REPOSITORY)")
}

// validate reads the repository, the token and the labels. Missing ones
// are usage errors: a monitor that cannot reach its issues is not running.
func (m *monitorOpts) validate(env Env) error {
	if m == nil {
		return nil
	}
	var errs []error
	labels, err := ghaction.ParseLabels(m.labels...)
	if err != nil {
		errs = append(errs, fmt.Errorf("--label: %w", err))
	}
	m.parsedLabels = labels
	repo := m.repo
	if repo == "" {
		repo = env.getenv("GITHUB_REPOSITORY")
	}
	owner, name, ok := strings.Cut(repo, "/")
	switch {
	case repo == "":
		errs = append(errs, errors.New("no repository for the issues: pass --repo OWNER/NAME or set GITHUB_REPOSITORY"))
	case !ok || owner == "" || name == "" || strings.Contains(name, "/") || report.Inert(repo) != repo || strings.ContainsAny(repo, " \t"):
		errs = append(errs, fmt.Errorf("--repo %q: use OWNER/NAME", report.Inert(repo)))
	}
	m.owner, m.name = owner, name
	for _, v := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
		if t := env.getenv(v); t != "" {
			m.token = t
			break
		}
	}
	if m.token == "" {
		errs = append(errs, errors.New("no GitHub token: set GITHUB_TOKEN to a token that may write issues (in a workflow: env: GITHUB_TOKEN: ${{ github.token }} with permissions: issues: write)"))
	}
	return errors.Join(errs...)
}

// publish opens, updates or closes the issues for rep. complete is false
// for the report of a configuration error. API problems are reported (one
// notice or warning) and never change the exit code.
func (m *monitorOpts) publish(ctx context.Context, env Env, rep *finding.Report, sc *secret.Scrubber, complete bool) {
	if m == nil {
		return
	}
	if sc == nil {
		sc = &secret.Scrubber{}
	}
	sc.Add(m.token)
	actions := ghaction.Detect(env.getenv)
	in := ghaction.MonitorInput{Report: rep, Token: m.token, Owner: m.owner, Repo: m.name, Labels: m.parsedLabels,
		RunURL: ghaction.RunURL(env.getenv), Complete: complete}
	if !actions {
		in.Notify = func(level, msg string) {
			fmt.Fprintf(env.Stderr, "hopcheck: %s: %s\n", level, report.Inert(sc.Scrub(msg)))
		}
	}
	pub := &ghaction.Publisher{Stdout: env.Stdout, Getenv: env.getenv, Scrubber: sc}
	pctx, cancel := context.WithTimeout(ctx, publishBudget)
	defer cancel()
	res := pub.Monitor(pctx, in)
	printMonitorResult(env, res)
}

// printMonitorResult says on stderr what happened to which issue.
func printMonitorResult(env Env, res ghaction.MonitorResult) {
	for _, part := range []struct {
		what string
		keys []string
	}{{"opened", res.Opened}, {"updated", res.Updated}, {"closed", res.Closed}} {
		if len(part.keys) == 0 {
			continue
		}
		fmt.Fprintf(env.Stderr, "hopcheck monitor: %s the issue of %s\n", part.what, report.Inert(strings.Join(part.keys, ", ")))
	}
}

// actionMonitor is monitor mode of the action (input mode: monitor): the
// issues are published after the annotations, summary and outputs, with
// the github-token input and the workflow's repository.
func actionMonitor(ctx context.Context, env Env, pub *ghaction.Publisher, mode ghaction.MonitorInputs, in ghaction.Inputs, ev ghaction.Event, rep *finding.Report, complete bool) {
	if mode.Mode != ghaction.ModeMonitor {
		return
	}
	if pub.Scrubber == nil {
		pub.Scrubber = &secret.Scrubber{}
	}
	pub.Scrubber.Add(in.GitHubToken)
	pctx, cancel := context.WithTimeout(ctx, publishBudget)
	defer cancel()
	res := pub.Monitor(pctx, ghaction.MonitorInput{Report: rep, Token: in.GitHubToken, Owner: ev.Owner, Repo: ev.Repo,
		Labels: mode.Labels, RunURL: ghaction.RunURL(env.getenv), Complete: complete})
	printMonitorResult(Env{Stderr: env.Stdout}, res)
}
