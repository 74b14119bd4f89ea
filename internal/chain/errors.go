package chain

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/internal/fsafe"
)

// ErrNoConfig is returned (wrapped) by Find when no hopcheck.yml exists in
// the places it looks and no --config flag was given. Callers may fall back
// to discovering other configurations (LiteLLM, OpenClaw) when
// errors.Is(err, ErrNoConfig).
var ErrNoConfig = errors.New("no hopcheck.yml found")

// MaxConfigSize is the largest configuration file Load and Parse accept.
const MaxConfigSize = fsafe.MaxSize

// MaxReported caps how many errors one ConfigErrors carries; past it the
// rest are summed up in one last error.
const MaxReported = 50

// ConfigError is one problem in a configuration file, at a position.
type ConfigError struct {
	Pos Pos
	Msg string
	// Fix is one sentence saying what to change; may be empty.
	Fix string
}

// Error formats the error compiler-style: file:line:col: message (fix: …).
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString(" (fix: ")
		b.WriteString(e.Fix)
		b.WriteString(")")
	}
	return b.String()
}

// ConfigErrors is every problem found in one configuration file, in file
// order. Load and Parse return a *ConfigErrors whenever the file is invalid
// (including YAML syntax errors); errors.As(err, new(*ConfigError)) finds
// the first one.
type ConfigErrors struct {
	Errors []*ConfigError
}

// Error returns one line per error.
func (e *ConfigErrors) Error() string {
	lines := make([]string, len(e.Errors))
	for i, ce := range e.Errors {
		lines[i] = ce.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the individual errors to errors.Is and errors.As.
func (e *ConfigErrors) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, ce := range e.Errors {
		out[i] = ce
	}
	return out
}

// NewConfigErrors sorts errs by position, drops exact duplicates and caps
// the list. It returns nil for an empty list.
func NewConfigErrors(errs []*ConfigError) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *ConfigError) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	errs = slices.CompactFunc(errs, func(a, b *ConfigError) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg
	})
	if len(errs) > MaxReported {
		rest := len(errs) - MaxReported
		last := &ConfigError{Pos: errs[MaxReported].Pos, Msg: "too many errors (" + strconv.Itoa(rest) + " more not shown)"}
		errs = append(errs[:MaxReported:MaxReported], last)
	}
	return &ConfigErrors{Errors: errs}
}
