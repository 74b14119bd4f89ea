// Package ghaction makes hopcheck a GitHub Action citizen: it reads the
// action's inputs and event, masks credentials, and publishes one
// *finding.Report to GitHub's surfaces — annotations at the failing hop's
// definition, the step summary, step outputs, a sticky PR comment and an
// optional check run.
//
// Everything goes through github.com/sethvargo/go-githubactions (commands,
// file commands, inputs) and github.com/google/go-github/v62 (REST). The
// sharp edges of go-githubactions are guarded here: its file commands panic
// when GITHUB_OUTPUT / GITHUB_STEP_SUMMARY are unset or unwritable, its
// command writers panic on write errors, and its Errorf-style helpers treat
// the message as a format string. This package never passes outside text as
// a format string and turns those panics into errors.
//
// The gate is the process exit code, decided by the caller. Nothing here
// fails because a GitHub API call failed: a 403 (fork PR, missing
// permission) becomes one ::notice naming the permission to add, any other
// API error one ::warning.
package ghaction

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/sethvargo/go-githubactions"
)

// Detect reports whether we run as an action (GITHUB_ACTIONS=true).
func Detect(getenv func(string) string) bool {
	return getenv != nil && getenv("GITHUB_ACTIONS") == "true"
}

// Accepted values of the enum inputs.
var (
	FailOnValues       = checks.FailOnValues
	CanaryValues       = chain.OverrideModes
	ForkBehaviorValues = []string{"neutral", "fail"}
)

// Defaults applied by ReadInputs when an input is unset or empty.
const (
	DefaultFailOn       = checks.DefaultFailOn
	DefaultForkBehavior = "neutral"
	// DefaultDeadline bounds the live checks of an action run, so a config
	// with many slow or unreachable hops cannot hold a runner for hours.
	DefaultDeadline = "2m"
	// MaxDeadline is the largest deadline input accepted (the CLI's
	// --deadline has the same cap).
	MaxDeadline = 30 * time.Minute
	// DefaultCreditsWarnDays is the credits-warn-days input's default
	// (checks.DefaultCreditsWarnDays); MaxCreditsWarnDays its largest
	// value (the CLI's --credits-warn-days has the same cap).
	DefaultCreditsWarnDays = "7"
	MaxCreditsWarnDays     = 3650
)

// Inputs are the action's inputs (action.yml), read from INPUT_* variables.
type Inputs struct {
	// Config is the path of the hopcheck configuration ("" = the CLI's default).
	Config string
	// FailOn is error|warning|never (default error).
	FailOn string
	// Canary is inference|auth-only, or "" to keep the configuration's choice.
	Canary string
	// Timeout is a Go duration ("20s") or a whole number of seconds, or "".
	Timeout string
	// GitHubToken authenticates the PR comment and check run ("" = none).
	GitHubToken string
	// ForkBehavior is neutral|fail (default neutral).
	ForkBehavior string
	// WorkingDirectory is where hopcheck runs, relative to the workspace.
	WorkingDirectory string
	// Comment enables the sticky PR comment; nil means the default (true on
	// pull_request events).
	Comment *bool
	// CheckRun enables the extra check run (default false).
	CheckRun bool
	// AllowHosts lists hosts (host, host:port or CIDR, comma- or
	// newline-separated) that may receive credentials beyond a provider's
	// official hosts; validated by the caller (trust.ParseAllow).
	AllowHosts string
	// Deadline caps the whole live phase (default DefaultDeadline).
	Deadline time.Duration
	// TrustForkConfigs lets a run that has secrets but checks a fork's
	// pull request (pull_request_target, workflow_run) send them to the
	// hosts the fork's files name. It can only be set in the workflow, an
	// input, never by a file of the repository. Default false.
	TrustForkConfigs bool
	// CreditsWarnDays is the runway, in days, under which a key's credit
	// raises credits-low; 0 turns the warning off; nil (the input unset)
	// is the checks' default, DefaultCreditsWarnDays.
	CreditsWarnDays *float64
}

// Input names as declared in action.yml. The runner passes them as
// INPUT_<UPPER(name)>, keeping hyphens (INPUT_FAIL-ON).
const (
	InputConfig           = "config"
	InputFailOn           = "fail-on"
	InputCanary           = "canary"
	InputTimeout          = "timeout"
	InputGitHubToken      = "github-token"
	InputComment          = "comment"
	InputCheckRun         = "check-run"
	InputForkBehavior     = "fork-behavior"
	InputWorkingDirectory = "working-directory"
	InputAllowHosts       = "allow-hosts"
	InputDeadline         = "deadline"
	InputTrustForkConfigs = "trust-fork-configs"
	InputCreditsWarnDays  = "credits-warn-days"
)

// ReadInputs reads the action inputs through go-githubactions with the
// given getenv and validates them. Every invalid input is reported (joined),
// each error naming the input and its accepted values.
func ReadInputs(getenv func(string) string) (Inputs, error) {
	if getenv == nil {
		return Inputs{}, errors.New("ghaction: nil getenv")
	}
	a := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(io.Discard))
	in := Inputs{
		Config:           a.GetInput(InputConfig),
		FailOn:           strings.ToLower(a.GetInput(InputFailOn)),
		Canary:           strings.ToLower(a.GetInput(InputCanary)),
		Timeout:          a.GetInput(InputTimeout),
		GitHubToken:      a.GetInput(InputGitHubToken),
		ForkBehavior:     strings.ToLower(a.GetInput(InputForkBehavior)),
		WorkingDirectory: a.GetInput(InputWorkingDirectory),
		AllowHosts:       a.GetInput(InputAllowHosts),
	}
	if in.FailOn == "" {
		in.FailOn = DefaultFailOn
	}
	if in.ForkBehavior == "" {
		in.ForkBehavior = DefaultForkBehavior
	}
	var errs []error
	errs = append(errs, checkEnum(InputFailOn, in.FailOn, FailOnValues))
	if in.Canary != "" {
		errs = append(errs, checkEnum(InputCanary, in.Canary, CanaryValues))
	}
	errs = append(errs, checkEnum(InputForkBehavior, in.ForkBehavior, ForkBehaviorValues))
	if in.Timeout != "" {
		if _, err := ParseTimeout(in.Timeout); err != nil {
			errs = append(errs, err)
		}
	}
	deadline := a.GetInput(InputDeadline)
	if deadline == "" {
		deadline = DefaultDeadline
	}
	if d, err := parseDuration(InputDeadline, deadline); err != nil {
		errs = append(errs, err)
	} else if d > MaxDeadline {
		errs = append(errs, fmt.Errorf("input %q must be at most %s (got %s)", InputDeadline, MaxDeadline, shown(deadline)))
	} else {
		in.Deadline = d
	}
	if v := a.GetInput(InputCreditsWarnDays); v != "" {
		if d, err := ParseCreditsWarnDays(v); err != nil {
			errs = append(errs, fmt.Errorf("input %q %w (got %s)", InputCreditsWarnDays, err, shown(v)))
		} else {
			in.CreditsWarnDays = &d
		}
	}
	if v := a.GetInput(InputTrustForkConfigs); v != "" {
		b, err := parseBool(InputTrustForkConfigs, v)
		if err != nil {
			errs = append(errs, err)
		} else {
			in.TrustForkConfigs = b
		}
	}
	if v := a.GetInput(InputComment); v != "" {
		b, err := parseBool(InputComment, v)
		if err != nil {
			errs = append(errs, err)
		} else {
			in.Comment = &b
		}
	}
	if v := a.GetInput(InputCheckRun); v != "" {
		b, err := parseBool(InputCheckRun, v)
		if err != nil {
			errs = append(errs, err)
		} else {
			in.CheckRun = b
		}
	}
	return in, errors.Join(errs...)
}

// ParseTimeout parses the timeout input: a Go duration ("20s", "1m30s") or
// a whole number of seconds ("20"). It must be positive.
func ParseTimeout(v string) (time.Duration, error) { return parseDuration(InputTimeout, v) }

// ParseCreditsWarnDays parses a number of days for the credits-low
// threshold: a decimal number from 0 (no warning) to MaxCreditsWarnDays.
// The error completes a sentence naming the input or flag.
func ParseCreditsWarnDays(v string) (float64, error) {
	d, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(d) || d < 0 || d > MaxCreditsWarnDays {
		return 0, fmt.Errorf("must be a number of days from 0 (no warning) to %d", MaxCreditsWarnDays)
	}
	return d, nil
}

// parseDuration parses a duration input: a Go duration or a whole number
// of seconds, positive.
func parseDuration(name, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		if secs, serr := strconv.Atoi(v); serr == nil {
			d, err = time.Duration(secs)*time.Second, nil
		}
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("input %q must be a positive duration such as 20s or 1m, or a number of seconds (got %s)", name, shown(v))
	}
	return d, nil
}

func checkEnum(name, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("input %q must be one of %s (got %s)", name, strings.Join(allowed, ", "), shown(v))
}

// parseBool accepts the YAML 1.2 core booleans, as @actions/core's
// getBooleanInput does.
func parseBool(name, v string) (bool, error) {
	switch v {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("input %q must be true or false (got %s)", name, shown(v))
}

// shown quotes a rejected input value for an error message. Long values are
// shown by length only: a misplaced credential must not reach the log.
func shown(v string) string {
	if len(v) > 12 {
		return fmt.Sprintf("a value of %d characters", len(v))
	}
	return fmt.Sprintf("%q", v)
}

// Mask emits ::add-mask:: for every value, so the runner replaces it with
// *** in the log from now on. Call it before anything else is printed.
// Empty values are skipped (the runner warns on them), duplicates are masked
// once, and each line of a multi-line value is masked on its own because the
// runner matches log lines one by one. Write errors are ignored: there is
// nowhere left to report them.
func Mask(w io.Writer, values []string) {
	a := githubactions.New(githubactions.WithWriter(w), githubactions.WithGetenv(func(string) string { return "" }))
	seen := map[string]bool{}
	mask := func(v string) {
		if strings.TrimSpace(v) == "" || seen[v] {
			return
		}
		seen[v] = true
		_ = guard(func() { a.AddMask(v) })
	}
	for _, v := range values {
		mask(v)
		if strings.ContainsAny(v, "\r\n") {
			for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
				mask(line)
				mask(strings.TrimSpace(line))
			}
		}
		if t := strings.TrimSpace(v); t != v {
			mask(t)
		}
	}
}

// guard runs f and turns a panic from go-githubactions (its writers and
// file commands panic on I/O errors) into an error.
func guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}
