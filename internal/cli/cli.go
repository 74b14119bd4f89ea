// Package cli wires hopcheck's subcommands: flags in, a run of the library,
// an exit code out. cmd/hopcheck only calls Main.
package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/discover"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/ghaction"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/trust"
	"github.com/hopcheck/hopcheck/internal/version"
)

// Exit codes.
const (
	ExitOK     = 0 // pass or neutral
	ExitFailed = 1 // a check failed at or above --fail-on
	ExitUsage  = 2 // usage or configuration error
)

// The probe's User-Agent names this build.
func init() { probe.Version = version.Version }

// Env is the process environment the CLI sees (injected for tests).
type Env struct {
	LookupEnv func(string) (string, bool)
	Stdout    io.Writer
	Stderr    io.Writer
	// Stdout is a terminal (colour allowed unless NO_COLOR).
	StdoutFile *os.File
	Dir        string // working directory
	// Now is the clock the checks read (key expiry, credit runway); nil
	// means time.Now. Tests fix it.
	Now func() time.Time
}

func (e Env) getenv(k string) string {
	v, _ := e.LookupEnv(k)
	return v
}

// OSEnv is the real process environment.
func OSEnv() Env {
	dir, _ := os.Getwd()
	return Env{LookupEnv: os.LookupEnv, Stdout: os.Stdout, Stderr: os.Stderr, StdoutFile: os.Stdout, Dir: dir}
}

const usage = `hopcheck — can this CI reach its LLM models through the configured chain?

Usage:
  hopcheck check   [--config F] [--format text|json|junit|sarif] [--output F] [--fail-on error|unverified|warning|never]
                   [--timeout D] [--deadline D] [--canary inference|auth-only] [--static-only] [--print-chains]
                   [--concurrency N] [--origin-concurrency N] [--credits-warn-days N]
                   [--allow-host HOST]... [--fork-behavior neutral|fail] [--trust-fork-configs]
  hopcheck monitor [check's flags] [--label L]... [--repo OWNER/NAME]
                   check, then open, update or close one GitHub issue per broken or warning chain
                   (for scheduled workflows; GITHUB_TOKEN with issues: write, GITHUB_REPOSITORY, GITHUB_API_URL)
  hopcheck init    [--force] [--dir D]
                   write .github/hopcheck.yml and .github/workflows/hopcheck.yml from the repository's configs
  hopcheck demo    [--scenario NAME|list] [--format text|json|junit|sarif] [--output F]

With no hopcheck.yml (and no --config), check derives the chains from the repository's
LiteLLM config.yaml, openclaw.json and .env files and the conventional variables.
  hopcheck explain CODE        (hopcheck explain --list for all codes)
  hopcheck version

Exit codes: 0 pass, neutral, or unverified under --fail-on error; 1 the run failed under --fail-on; 2 usage or config error,
or the run was interrupted (SIGINT, SIGTERM) before it completed: then no report is written.
Run as a GitHub Action (GITHUB_ACTIONS=true, no arguments) it reads its inputs from INPUT_*.
`

// Main runs hopcheck with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		if env.getenv("GITHUB_ACTIONS") == "true" {
			return runAction(ctx, env)
		}
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "check":
		return runCheck(ctx, args[1:], env)
	case "monitor":
		return runMonitor(ctx, args[1:], env)
	case "init":
		return runInit(args[1:], env)
	case "demo":
		return runDemo(ctx, args[1:], env)
	case "explain":
		return runExplain(args[1:], env)
	case "version", "--version", "-v":
		fmt.Fprintf(env.Stdout, "hopcheck %s\n", version.Version)
		return ExitOK
	case "help", "--help", "-h":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "hopcheck: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

// common are the flags shared by check and demo.
type common struct {
	format, output, failOn, canary string
	timeout, deadline              time.Duration
	concurrency, originConcurrency int
	allowHosts                     stringList
	creditsWarnDays                float64
}

// creditsWarn is the checks' threshold for --credits-warn-days: 0 turns
// the warning off.
func (c *common) creditsWarn() float64 {
	if c.creditsWarnDays == 0 {
		return -1
	}
	return c.creditsWarnDays
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// allow parses the hosts allowed from outside the repository: --allow-host
// flags and the HOPCHECK_ALLOW_HOSTS variable of the process environment
// (never a file in the repository).
func (c *common) allow(env Env) (*trust.Allow, error) {
	v, _ := env.LookupEnv(trust.AllowEnv)
	a, err := trust.ParseAllow(append([]string{v}, c.allowHosts...)...)
	if err != nil {
		return nil, fmt.Errorf("--allow-host / %s: %w", trust.AllowEnv, err)
	}
	return a, nil
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "text", "report format: text, json, junit or sarif")
	fs.StringVar(&c.output, "output", "", "write the report to this file (atomically); stdout then gets the text report for the log when --format is json, junit or sarif, nothing when it is text")
	fs.StringVar(&c.failOn, "fail-on", checks.DefaultFailOn, "what fails the run: error (default), unverified (also chains hopcheck could not verify), warning (also warnings) or never")
	fs.StringVar(&c.canary, "canary", "", "override the chains' canary: auth-only (every chain) or inference (chains with an auth-only canary; embedding chains keep their embeddings call, and chains whose model refuses a chat completion keep auth-only)")
	fs.DurationVar(&c.timeout, "timeout", 0, "override the per-request timeout (e.g. 8s)")
	fs.IntVar(&c.concurrency, "concurrency", checks.DefaultConcurrency, "requests in flight at most, across all origins")
	fs.IntVar(&c.originConcurrency, "origin-concurrency", checks.DefaultOriginConcurrency, "requests in flight at most to one origin (scheme://host:port), e.g. 1 for a local server that handles one request at a time")
	fs.DurationVar(&c.deadline, "deadline", 0, "hard cap on the whole live phase (default none: each request has its own timeout + 1s budget)")
	fs.Var(&c.allowHosts, "allow-host", "host, host:port or CIDR that may receive credentials beyond the provider's official hosts (repeatable; also HOPCHECK_ALLOW_HOSTS)")
	fs.Float64Var(&c.creditsWarnDays, "credits-warn-days", checks.DefaultCreditsWarnDays, "warn (credits-low) when a key's credit runs out within this many days at its recent rate; 0 turns the warning off")
}

// formats are the report formats --format accepts.
var formats = []string{"text", "json", "junit", "sarif"}

// SupportsFormat reports whether --format accepts f.
func SupportsFormat(f string) bool {
	for _, k := range formats {
		if k == f {
			return true
		}
	}
	return false
}

func (c *common) validate() error {
	if !SupportsFormat(c.format) {
		return fmt.Errorf("--format %q: use %s", c.format, strings.Join(formats, ", "))
	}
	if !checks.ValidFailOn(c.failOn) {
		return fmt.Errorf("--fail-on %q: use %s", c.failOn, strings.Join(checks.FailOnValues, ", "))
	}
	if c.canary != "" && !slices.Contains(chain.OverrideModes, c.canary) {
		return fmt.Errorf("--canary %q: use %s (embedding is a chain's own setting in hopcheck.yml)", c.canary, chain.ModeList(chain.OverrideModes))
	}
	if c.timeout < 0 || c.timeout > 10*time.Minute {
		return fmt.Errorf("--timeout %s: use a duration between 1ms and 10m", c.timeout)
	}
	if c.deadline < 0 || c.deadline > 30*time.Minute {
		return fmt.Errorf("--deadline %s: use a duration up to 30m", c.deadline)
	}
	if c.concurrency < 1 || c.concurrency > 256 {
		return fmt.Errorf("--concurrency %d: use 1 to 256", c.concurrency)
	}
	if c.originConcurrency < 1 || c.originConcurrency > 256 {
		return fmt.Errorf("--origin-concurrency %d: use 1 to 256", c.originConcurrency)
	}
	if _, err := ghaction.ParseCreditsWarnDays(strconv.FormatFloat(c.creditsWarnDays, 'g', -1, 64)); err != nil {
		return fmt.Errorf("--credits-warn-days %v %w", c.creditsWarnDays, err)
	}
	return nil
}

func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func runCheck(ctx context.Context, args []string, env Env) int {
	return runChecks(ctx, "check", args, env, nil)
}

// runChecks is `hopcheck check`, and `hopcheck monitor` when mon is set:
// the same run, then the monitor's issues.
func runChecks(ctx context.Context, name string, args []string, env Env, mon *monitorOpts) int {
	fs := newFlagSet(name, env)
	var c common
	c.register(fs)
	mon.register(fs)
	cfgFlag := fs.String("config", "", "config file (default .github/hopcheck.yml, then hopcheck.yml)")
	staticOnly := fs.Bool("static-only", false, "run only the static checks (no network)")
	forkBehavior := fs.String("fork-behavior", "neutral", "under GitHub Actions, a pull request from a fork (no credential is sent): neutral (exit 0) or fail (exit 1)")
	trustFork := fs.Bool("trust-fork-configs", false, "under GitHub Actions on pull_request_target or workflow_run, send credentials although the files may be a fork's (see docs/security.md)")
	printChains := fs.Bool("print-chains", false, "print the chains hopcheck derived and where every value came from, then exit")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "hopcheck %s: unexpected argument %q\n", name, fs.Arg(0))
		return ExitUsage
	}
	if err := errors.Join(c.validate(), mon.validate(env)); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(env.Stderr, "hopcheck %s: %s\n", name, line)
		}
		return ExitUsage
	}
	allow, err := c.allow(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck %s: %v\n", name, err)
		return ExitUsage
	}
	if *forkBehavior != "neutral" && *forkBehavior != "fail" {
		fmt.Fprintf(env.Stderr, "hopcheck %s: --fork-behavior %q: use neutral or fail\n", name, *forkBehavior)
		return ExitUsage
	}
	res, err := prepareCtx(ctx, env.Dir, *cfgFlag, env.LookupEnv)
	if err != nil {
		printConfigError(env.Stderr, relErr(err, env.Dir))
		if !errors.Is(err, errInterrupted) {
			mon.publish(ctx, env, configErrorReport(err, env.Dir), nil, false)
		}
		return ExitUsage
	}
	if *printChains {
		if err := discover.PrintChains(env.Stdout, res); err != nil {
			fmt.Fprintf(env.Stderr, "hopcheck: %v\n", err)
			return ExitUsage
		}
		return ExitOK
	}
	// Run as a plain step of a workflow, check applies the action's fork
	// rule: on a fork's pull request no credential is sent.
	noSecret := false
	if ghaction.Detect(env.getenv) {
		ev, err := ghaction.ReadEvent(env.getenv)
		if err != nil {
			fmt.Fprintf(env.Stderr, "hopcheck: cannot read the event payload: %v\n", err)
		}
		noSecret = ev.SendsNoSecret(*trustFork)
	}
	sc := &secret.Scrubber{}
	res.AddSecrets(sc)
	rep := checks.Run(ctx, res.Config, checks.Options{
		LookupEnv: env.LookupEnv, Scrubber: sc, Client: probe.New(sc),
		Concurrency: c.concurrency, OriginConcurrency: c.originConcurrency, Canary: c.canary, Timeout: c.timeout, Deadline: c.deadline, StaticOnly: *staticOnly,
		Allow: allow, ForkPR: noSecret, Findings: res.Findings, CreditsWarnDays: c.creditsWarn(), Now: env.Now,
	})
	rep.Version = version.Version
	if err := interrupted(ctx); err != nil {
		printConfigError(env.Stderr, err)
		return ExitUsage
	}
	code := emit(rep, c, checks.Gate{FailOn: c.failOn, FailNeutral: noSecret && *forkBehavior == "fail"}, env, sc)
	if code != ExitUsage {
		mon.publish(ctx, env, rep, sc, true)
	}
	return code
}

// errInterrupted marks a run ended by its context (SIGINT or SIGTERM in
// cmd/hopcheck) before it completed. Nothing is written after it: a report
// of a run cut short would show unfinished checks as results.
var errInterrupted = errors.New("interrupted before the run completed; no report was written")

// interrupted returns errInterrupted with the context's cause once ctx is
// done, else nil.
func interrupted(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("%w (%v)", errInterrupted, context.Cause(ctx))
}

// prepareCtx runs prepare but returns as soon as ctx is done. Loading reads
// bounded files (see package fsafe) and parses them within bounds, yet the
// walk of a large repository can take seconds; it writes nothing, so it is
// left to finish on its own while the run ends.
func prepareCtx(ctx context.Context, dir, flagPath string, lookup func(string) (string, bool)) (*discover.Result, error) {
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	type result struct {
		res *discover.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := prepare(dir, flagPath, lookup)
		done <- result{res, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case <-ctx.Done():
		return nil, interrupted(ctx)
	}
}

// prepare loads hopcheck.yml (expanding hops that point at a proxy's own
// config) or, when there is none and no --config was given, discovers the
// chains from the repository's LiteLLM, OpenClaw and .env files and the
// conventional variables. Positions are relative to dir.
func prepare(dir, flagPath string, lookup func(string) (string, bool)) (*discover.Result, error) {
	cfg, err := loadConfig(dir, flagPath)
	var res *discover.Result
	switch {
	case errors.Is(err, chain.ErrNoConfig) && flagPath == "":
		res, err = discover.Discover(dir, lookup)
	case err != nil:
		return nil, err
	default:
		relativise(cfg, dir)
		res, err = discover.Expand(cfg, dir, lookup)
	}
	if err != nil {
		return res, err
	}
	return res, trustErrors(res)
}

// trustErrors refuses a configuration that names a runner variable
// (GITHUB_*, ACTIONS_*, RUNNER_*, INPUT_*, …) as a credential anywhere: a
// hop's key_env, or a reference inside a LiteLLM, OpenClaw or .env file.
func trustErrors(res *discover.Result) error {
	errs := slices.Clone(res.Errors)
	for _, c := range res.Config.Chains {
		for _, h := range c.Hops {
			if h.KeyEnv != "" && trust.RunnerVar(h.KeyEnv) {
				errs = append(errs, &chain.ConfigError{Pos: h.KeyEnvPos,
					Msg: fmt.Sprintf("key_env %s of hop %q is a variable the CI runner sets, not a provider credential; hopcheck never sends it", h.KeyEnv, h.Name),
					Fix: trust.RunnerVarFix})
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *chain.ConfigError) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	errs = slices.CompactFunc(errs, func(a, b *chain.ConfigError) bool { return a.Pos == b.Pos })
	return &chain.ConfigErrors{Errors: errs}
}

func loadConfig(dir, flagPath string) (*chain.Config, error) {
	if flagPath != "" && !filepath.IsAbs(flagPath) {
		flagPath = filepath.Join(dir, flagPath)
	}
	path, err := hopcheckyml.Find(dir, flagPath)
	if err != nil {
		return nil, err
	}
	return hopcheckyml.Load(dir, path)
}

// printConfigError prints one compiler-style line per problem.
// Config errors quote values from the file, so every line is redacted for
// credential shapes first.
func printConfigError(w io.Writer, err error) {
	if errors.Is(err, chain.ErrNoConfig) {
		fmt.Fprintf(w, "hopcheck: %s\n  fix: create .github/hopcheck.yml (see README) or pass --config FILE\n", secret.Redact(err.Error()))
		return
	}
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(w, "hopcheck: %s\n", secret.Redact(line))
	}
}

// emit decides the verdict (the exit code and the status every output
// shows, checks.Verdict), writes the report and returns the exit code.
func emit(rep *finding.Report, c common, gate checks.Gate, env Env, sc *secret.Scrubber) int {
	failed := checks.Verdict(rep, gate)
	write := func(w io.Writer) error {
		switch c.format {
		case "json":
			return report.JSON(w, rep)
		case "junit":
			return report.JUnit(w, rep)
		case "sarif":
			return report.SARIF(w, rep)
		}
		color := c.output == "" && env.StdoutFile != nil && report.ColorEnabled(env.StdoutFile, env.getenv)
		return report.Text(w, rep, report.Options{Color: color})
	}
	if c.output != "" {
		if err := report.WriteFile(c.output, write); err != nil {
			fmt.Fprintf(env.Stderr, "hopcheck: %s\n", sc.Scrub(err.Error()))
			return ExitUsage
		}
		if c.format != "text" {
			_ = report.Text(env.Stdout, rep, report.Options{})
		}
	} else if err := write(env.Stdout); err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck: %s\n", sc.Scrub(err.Error()))
		return ExitUsage
	}
	if failed {
		return ExitFailed
	}
	return ExitOK
}

func runDemo(ctx context.Context, args []string, env Env) int {
	fs := newFlagSet("demo", env)
	var c common
	c.register(fs)
	scenario := fs.String("scenario", "", "scenario to run (list: show all)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if err := c.validate(); err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck demo: %v\n", err)
		return ExitUsage
	}
	all := sim.Scenarios()
	if *scenario == "list" {
		for _, s := range all {
			want := "pass"
			if s.WantLink != nil {
				want = "fail, " + s.WantLink.String() + ": " + string(s.WantCause)
			}
			path, _, _ := strings.Cut(s.Description, ". ")
			path, _, _ = strings.Cut(path, " with ")
			path, _, _ = strings.Cut(path, ", ")
			fmt.Fprintf(env.Stdout, "%-26s %-36s expect %s\n", s.Name, strings.TrimSuffix(path, "."), want)
		}
		return ExitOK
	}
	name := *scenario
	if name == "" {
		name = all[0].Name
	}
	var sc *sim.Scenario
	for i := range all {
		if all[i].Name == name {
			sc = &all[i]
		}
	}
	if sc == nil {
		names := make([]string, len(all))
		for i, s := range all {
			names[i] = s.Name
		}
		sort.Strings(names)
		fmt.Fprintf(env.Stderr, "hopcheck demo: unknown scenario %q; choose one of: %s\n", name, strings.Join(names, ", "))
		return ExitUsage
	}
	senv, err := sim.Start(name)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck demo: cannot start the simulated chain: %v\n", err)
		return ExitUsage
	}
	defer senv.Close()
	cfg, err := hopcheckyml.Parse(senv.ConfigName, senv.Config)
	if err != nil {
		printConfigError(env.Stderr, err)
		return ExitUsage
	}
	if c.format == "text" && c.output == "" {
		fmt.Fprintf(env.Stdout, "hopcheck demo — scenario %q: %s\n(simulated providers on 127.0.0.1; no keys or network needed; run `hopcheck demo --scenario list` for the others)\n\n", sc.Name, sc.Description)
	}
	lookup := func(k string) (string, bool) { v, ok := senv.Vars[k]; return v, ok }
	scr := &secret.Scrubber{}
	// The simulated providers listen on loopback: the demo allows them
	// explicitly, as a user allows a self-hosted gateway.
	allow, err := c.allow(env)
	if err == nil {
		allow, err = trust.ParseAllow(allow.String(), sim.LoopbackNet)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "hopcheck demo: %v\n", err)
		return ExitUsage
	}
	rep := checks.Run(ctx, cfg, checks.Options{LookupEnv: lookup, Scrubber: scr, Client: probe.New(scr),
		Concurrency: c.concurrency, OriginConcurrency: c.originConcurrency, Canary: c.canary, Timeout: c.timeout, Deadline: c.deadline, Allow: allow, CreditsWarnDays: c.creditsWarn(), Now: env.Now})
	rep.Version = version.Version
	if err := interrupted(ctx); err != nil {
		printConfigError(env.Stderr, err)
		return ExitUsage
	}
	code := emit(rep, c, checks.Gate{FailOn: c.failOn}, env, scr)
	if code != ExitUsage && c.format == "text" && c.output == "" {
		fmt.Fprintln(env.Stdout, demoNext)
	}
	return code
}

// demoNext ends the demo's text report: the step after trying it.
const demoNext = "Next: run `hopcheck init` in your repository to write .github/hopcheck.yml and a workflow from its own LiteLLM, OpenClaw or .env configs."

func runExplain(args []string, env Env) int {
	if len(args) != 1 {
		fmt.Fprintln(env.Stderr, "usage: hopcheck explain CODE   (hopcheck explain --list)")
		return ExitUsage
	}
	if args[0] == "--list" || args[0] == "list" {
		for _, c := range finding.Causes() {
			i, _ := finding.Explain(c)
			fmt.Fprintf(env.Stdout, "%-22s %s\n", c, i.Meaning)
		}
		return ExitOK
	}
	i, ok := finding.Explain(finding.Cause(args[0]))
	if !ok {
		fmt.Fprintf(env.Stderr, "hopcheck explain: unknown cause code %q; run `hopcheck explain --list`\n", args[0])
		return ExitUsage
	}
	fmt.Fprintf(env.Stdout, "%s\n\nMeaning: %s\nTypical causes: %s\nFix: %s\n", i.Code, i.Meaning, i.Typical, i.Fix)
	return ExitOK
}
