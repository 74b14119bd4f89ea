package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/ghaction"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
	"github.com/hopcheck/hopcheck/internal/version"
	"github.com/sethvargo/go-githubactions"
)

// ReportFile is the JSON report written into the workspace in action mode.
const ReportFile = "hopcheck-report.json"

// publishBudget bounds the GitHub API calls of one action run (comment
// search, comment, check run).
const publishBudget = time.Minute

// runAction runs hopcheck as a GitHub Action: inputs from INPUT_*, the
// workspace from GITHUB_WORKSPACE, results as annotations, step summary,
// outputs, an optional sticky PR comment and check run, and the exit code
// as the merge gate.
func runAction(ctx context.Context, env Env) int {
	getenv := env.getenv
	in, err := ghaction.ReadInputs(getenv)
	mode, merr := ghaction.ReadMonitorInputs(getenv)
	if err = errors.Join(err, merr); err != nil {
		command(env, "error", "hopcheck: invalid input", err.Error())
		return ExitUsage
	}
	ev, err := ghaction.ReadEvent(getenv)
	if err != nil {
		command(env, "warning", "hopcheck", "cannot read the event payload: "+err.Error())
	}
	// A fork's files may point any key at any host: send none (see
	// docs/security.md). Only an input can lift that on the events that
	// have secrets.
	noSecret := ev.SendsNoSecret(in.TrustForkConfigs)
	workspace := getenv("GITHUB_WORKSPACE")
	if workspace == "" {
		workspace = env.Dir
	}
	dir := workspace
	if in.WorkingDirectory != "" {
		dir = filepath.Join(workspace, in.WorkingDirectory)
	}
	pub := &ghaction.Publisher{Stdout: env.Stdout, Getenv: getenv}
	cfgPath := in.Config
	if cfgPath != "" && !filepath.IsAbs(cfgPath) {
		cfgPath = filepath.Join(dir, cfgPath)
	}
	res, err := prepareCtx(ctx, dir, cfgPath, env.LookupEnv)
	if errors.Is(err, errInterrupted) {
		command(env, "error", "hopcheck: interrupted", err.Error())
		return ExitUsage
	}
	if err != nil {
		rep := configErrorReport(err, dir)
		printConfigError(env.Stdout, relErr(err, dir))
		if perr := pub.Publish(ctx, ghaction.PublishInput{Report: rep, Inputs: in, Event: ev}); perr != nil {
			fmt.Fprintf(env.Stderr, "hopcheck: %s\n", secret.Redact(perr.Error()))
		}
		actionMonitor(ctx, env, pub, mode, in, ev, rep, false)
		return ExitUsage
	}
	cfg := res.Config

	// Mask every credential before anything else is printed.
	sc := &secret.Scrubber{}
	var values []string
	for _, c := range cfg.Chains {
		for _, h := range c.Hops {
			if h.KeyEnv != "" {
				if v, ok := env.LookupEnv(h.KeyEnv); ok && v != "" {
					values = append(values, v)
				}
			}
			if h.KeyValue != "" {
				values = append(values, h.KeyValue)
			}
		}
	}
	if in.GitHubToken != "" {
		values = append(values, in.GitHubToken)
	}
	ghaction.Mask(env.Stdout, values)
	sc.Add(values...)
	res.AddSecrets(sc)

	// Hosts allowed to receive credentials come from outside the
	// repository only: the step's input and the job's environment.
	fromEnv, _ := env.LookupEnv(trust.AllowEnv)
	allow, err := trust.ParseAllow(in.AllowHosts, fromEnv)
	if err != nil {
		command(env, "error", "hopcheck: invalid input", "input \"allow-hosts\" / "+trust.AllowEnv+": "+err.Error())
		return ExitUsage
	}
	if ev.Fork && !noSecret {
		command(env, "notice", "hopcheck", fmt.Sprintf("This %s run checks a pull request from a fork and trust-fork-configs is true: credentials are sent to the hosts its files name.", ev.Name))
	}
	opts := checks.Options{LookupEnv: env.LookupEnv, Scrubber: sc, Client: probe.New(sc), Canary: in.Canary, ForkPR: noSecret, Allow: allow,
		Deadline: in.Deadline, DeadlineName: "the action's `" + ghaction.InputDeadline + "` input", Findings: res.Findings, Now: env.Now}
	if d := in.CreditsWarnDays; d != nil {
		opts.CreditsWarnDays = *d
		if *d == 0 {
			opts.CreditsWarnDays = -1 // 0 turns the warning off
		}
	}
	if in.Timeout != "" {
		if d, err := ghaction.ParseTimeout(in.Timeout); err == nil {
			opts.Timeout = d
		}
	}
	rep := checks.Run(ctx, cfg, opts)
	rep.Version = version.Version
	if err := interrupted(ctx); err != nil {
		command(env, "error", "hopcheck: interrupted", err.Error())
		return ExitUsage
	}
	// The one verdict every output below shows, and the exit code.
	failed := checks.Verdict(rep, checks.Gate{FailOn: in.FailOn, FailNeutral: noSecret && in.ForkBehavior == "fail"})

	if err := report.Text(env.Stdout, rep, report.Options{}); err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck: %s\n", sc.Scrub(err.Error()))
	}
	reportPath := ReportFile
	if err := report.WriteFile(filepath.Join(workspace, reportPath), func(w io.Writer) error { return report.JSON(w, rep) }); err != nil {
		command(env, "warning", "hopcheck", "cannot write the JSON report: "+sc.Scrub(err.Error()))
		reportPath = ""
	}
	var creds []finding.Credential
	for _, c := range rep.Chains {
		for _, h := range c.Hops {
			if h.Credential != nil {
				creds = append(creds, *h.Credential)
			}
		}
	}
	pub.Scrubber = sc
	// Publishing has its own budget: the results are out even when the
	// live checks used the whole deadline.
	pctx, cancel := context.WithTimeout(ctx, publishBudget)
	defer cancel()
	if err := pub.Publish(pctx, ghaction.PublishInput{Report: rep, Inputs: in, Event: ev, ReportPath: reportPath, Fingerprints: creds}); err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck: %s\n", sc.Scrub(err.Error()))
		return ExitUsage
	}
	actionMonitor(ctx, env, pub, mode, in, ev, rep, true)
	if failed {
		return ExitFailed
	}
	return ExitOK
}

// relativise makes the positions in cfg relative to the workspace so
// annotations resolve in the PR.
func relativise(cfg *chain.Config, dir string) {
	rel := func(p *chain.Pos) {
		if p.File != "" && filepath.IsAbs(p.File) {
			if r, err := filepath.Rel(dir, p.File); err == nil && !strings.HasPrefix(r, "..") {
				p.File = r
			}
		}
	}
	for _, c := range cfg.Chains {
		rel(&c.Pos)
		rel(&c.ModelPos)
		for i := range c.Hops {
			h := &c.Hops[i]
			for _, p := range []*chain.Pos{&h.Pos, &h.URLPos, &h.KeyEnvPos, &h.KeyHeaderPos, &h.TypePos} {
				rel(p)
			}
		}
	}
	if r, err := filepath.Rel(dir, cfg.File); err == nil && filepath.IsAbs(cfg.File) && !strings.HasPrefix(r, "..") {
		cfg.File = r
	}
}

func relErr(err error, dir string) error {
	var ces *chain.ConfigErrors
	if !errors.As(err, &ces) {
		return err
	}
	out := &chain.ConfigErrors{}
	for _, e := range ces.Errors {
		c := *e
		if r, rerr := filepath.Rel(dir, c.Pos.File); rerr == nil && filepath.IsAbs(c.Pos.File) && !strings.HasPrefix(r, "..") {
			c.Pos.File = r
		}
		out.Errors = append(out.Errors, &c)
	}
	return out
}

// configErrorReport turns a config error into a failing report so the
// action can annotate the exact lines.
func configErrorReport(err error, dir string) *finding.Report {
	rep := &finding.Report{Schema: finding.SchemaID, Status: finding.Fail, Version: version.Version}
	var ces *chain.ConfigErrors
	if errors.As(relErr(err, dir), &ces) {
		for _, e := range ces.Errors {
			f := finding.Finding{Check: "config", Cause: finding.ConfigInvalid, Severity: finding.SevError, Message: e.Msg, Fix: e.Fix}
			f.At(e.Pos)
			rep.Findings = append(rep.Findings, f)
		}
		return rep
	}
	fix := "Fix the configuration."
	if errors.Is(err, chain.ErrNoConfig) {
		fix = "Create .github/hopcheck.yml or set the action's `config` input."
	}
	rep.Findings = append(rep.Findings, finding.Finding{Check: "config", Cause: finding.ConfigInvalid, Severity: finding.SevError, Message: err.Error(), Fix: fix})
	return rep
}

// command prints one workflow command through go-githubactions, which
// escapes the message and the title property the way the runner expects.
func command(env Env, level, title, msg string) {
	a := githubactions.New(githubactions.WithWriter(env.Stdout), githubactions.WithGetenv(env.getenv)).
		WithFieldsMap(map[string]string{"title": title})
	switch level {
	case "error":
		a.Errorf("%s", msg)
	case "notice":
		a.Noticef("%s", msg)
	default:
		a.Warningf("%s", msg)
	}
}
