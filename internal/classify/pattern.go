package classify

import (
	"errors"
	"fmt"
	"regexp"
	"sync"
)

// Pattern is a regular expression compiled at its first use. The signature
// tables hold a few hundred patterns; compiling them when the package loads
// cost every hopcheck process milliseconds before main (hopcheck version
// included), while a run classifies a handful of answers and evaluates a
// rule's pattern only when the rule's status and body conditions hold.
// A Pattern is safe for concurrent use, like the *regexp.Regexp it wraps.
type Pattern struct {
	expr string
	re   func() *regexp.Regexp
}

var (
	patternsMu sync.Mutex
	patterns   []*Pattern // every Pattern made, for CompileAll
)

// Lazy returns a Pattern for expr, compiled as written on first use. expr
// is a constant of the program: an invalid one panics at its first use,
// and CompileAll, which the tests call, reports it before that.
func Lazy(expr string) *Pattern {
	p := &Pattern{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	patternsMu.Lock()
	patterns = append(patterns, p)
	patternsMu.Unlock()
	return p
}

// Re returns a case-insensitive, dot-matches-newline Pattern.
func Re(pattern string) *Pattern { return Lazy(`(?is)` + pattern) }

// CompileAll compiles every Pattern made so far (every table of the
// packages loaded) and returns the errors of those that do not compile.
func CompileAll() error {
	patternsMu.Lock()
	ps := append([]*Pattern(nil), patterns...)
	patternsMu.Unlock()
	var errs []error
	for _, p := range ps {
		if _, err := regexp.Compile(p.expr); err != nil {
			errs = append(errs, fmt.Errorf("pattern %q: %w", p.expr, err))
		}
	}
	return errors.Join(errs...)
}

// String returns the expression as compiled.
func (p *Pattern) String() string { return p.expr }

// Regexp returns the compiled expression.
func (p *Pattern) Regexp() *regexp.Regexp { return p.re() }

func (p *Pattern) MatchString(s string) bool { return p.re().MatchString(s) }

func (p *Pattern) FindStringSubmatch(s string) []string { return p.re().FindStringSubmatch(s) }

func (p *Pattern) FindStringSubmatchIndex(s string) []int { return p.re().FindStringSubmatchIndex(s) }

func (p *Pattern) FindStringIndex(s string) []int { return p.re().FindStringIndex(s) }

func (p *Pattern) ReplaceAllString(src, repl string) string {
	return p.re().ReplaceAllString(src, repl)
}
