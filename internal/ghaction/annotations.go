package ghaction

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/sethvargo/go-githubactions"
)

// GitHub shows at most 10 error and 10 warning annotations per step and
// drops the rest silently; notices are held to the same number. Two notice
// slots are kept for hopcheck's own notices (omitted annotations, missing
// permissions).
const (
	maxErrorAnnotations   = 10
	maxWarningAnnotations = 10
	maxNoticeAnnotations  = 8
)

// annotation is one failing link (or hop, or free-standing finding), ready
// for a workflow command and a check-run annotation.
type annotation struct {
	Level   finding.Severity // error, warning or notice
	File    string           // workspace-relative when it could be made so
	Line    int
	Col     int
	Title   string // inert, one line
	Message string // inert lines: finding message + " Fix: " + fix
	Cause   finding.Cause

	root     bool
	chainIdx int // -1 for run-level findings
	linkIdx  int
	seq      int
}

// location renders file:line:col for the summary.
func (a annotation) location() string {
	if a.File == "" {
		return ""
	}
	s := a.File
	if a.Line > 0 {
		s += ":" + strconv.Itoa(a.Line)
		if a.Col > 0 {
			s += ":" + strconv.Itoa(a.Col)
		}
	}
	return s
}

// buildAnnotations groups the report's findings into one annotation per
// failing link: findings with the same chain and link share one; findings
// without a link are grouped per hop, and findings with neither stand
// alone. Warnings about what will break (key-expiring, credits-low) keep
// an annotation of their own. The representative of a group is its
// root-cause finding, else its most severe, else its first; the group's
// level is its worst severity.
// Info findings are not annotated. The result is ordered root causes
// first, then by chain order, then by position on the chain.
func buildAnnotations(r *finding.Report, workdir, workspace string) []annotation {
	multi := len(r.Chains) > 1
	type group struct {
		a   annotation
		rep finding.Finding
	}
	var order []string
	groups := map[string]*group{}
	seq := 0
	add := func(chainIdx int, chainName string, linkIdx func(finding.Finding) int, f finding.Finding) {
		seq++
		if f.Severity.Rank() < finding.SevNotice.Rank() {
			return
		}
		var key string
		switch {
		case ownAnnotation[f.Cause]:
			// A warning about the key's future is not an echo of the
			// link's failure: it keeps its own annotation.
			key = fmt.Sprintf("%d\x00own\x00%s\x00%s", chainIdx, f.Cause, f.Hop)
		case f.Link != nil:
			key = fmt.Sprintf("%d\x00link\x00%s\x00%s", chainIdx, f.Link.From, f.Link.To)
		case f.Hop != "":
			key = fmt.Sprintf("%d\x00hop\x00%s", chainIdx, f.Hop)
		default:
			key = fmt.Sprintf("%d\x00seq\x00%d", chainIdx, seq)
		}
		g, ok := groups[key]
		if !ok {
			g = &group{rep: f, a: annotation{chainIdx: chainIdx, seq: seq, linkIdx: linkIdx(f)}}
			g.a.Title = title(multi, chainName, f, r.Scrubber)
			groups[key] = g
			order = append(order, key)
		} else if better(f, g.rep) {
			g.rep = f
		}
		if f.Root {
			g.a.root = true
		}
		if f.Severity.Rank() > g.a.Level.Rank() {
			g.a.Level = f.Severity
		}
	}
	none := func(finding.Finding) int { return -1 }
	for _, f := range r.Findings {
		add(-1, f.Chain, none, f)
	}
	for ci, c := range r.Chains {
		pos := map[string]int{}
		for i, h := range c.Hops {
			pos[h.Name] = i
		}
		linkIdx := func(f finding.Finding) int {
			name := f.Hop
			if f.Link != nil {
				name = f.Link.To
			}
			if i, ok := pos[name]; ok {
				return i
			}
			return len(c.Hops)
		}
		for _, f := range c.Findings {
			add(ci, c.Name, linkIdx, f)
		}
	}

	out := make([]annotation, 0, len(order))
	for _, k := range order {
		g := groups[k]
		a := g.a
		f := g.rep
		a.Cause = f.Cause
		a.File = annotationPath(report.Inert(f.File), workdir, workspace)
		if a.File != "" {
			a.Line, a.Col = max(f.Line, 0), max(f.Col, 0)
		}
		a.Message = message(f, r.Scrubber)
		a.Title = truncateRunes(a.Title, 255)
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.root != y.root {
			return x.root
		}
		if x.chainIdx != y.chainIdx {
			return x.chainIdx < y.chainIdx
		}
		if x.linkIdx != y.linkIdx {
			return x.linkIdx < y.linkIdx
		}
		return x.seq < y.seq
	})
	return out
}

// ownAnnotation are the causes annotated on their own rather than grouped
// with the other findings on their link: warnings about what will break
// (an expiring key, credit running out), which the same link's other
// findings neither explain nor repeat.
var ownAnnotation = map[finding.Cause]bool{finding.KeyExpiring: true, finding.CreditsLow: true}

// better reports whether f should represent its group instead of cur.
func better(f, cur finding.Finding) bool {
	if f.Root != cur.Root {
		return f.Root
	}
	return f.Severity.Rank() > cur.Severity.Rank()
}

// title is `hopcheck: litellm → openrouter: header-missing`, with the chain
// name when the report has more than one chain:
// `hopcheck [review-bot] litellm → openrouter: header-missing`.
func title(multi bool, chainName string, f finding.Finding, sc *secret.Scrubber) string {
	var b strings.Builder
	b.WriteString("hopcheck")
	if multi && chainName != "" {
		b.WriteString(" [" + report.Inert(chainName) + "] ")
	} else {
		b.WriteString(": ")
	}
	switch {
	case f.Link != nil:
		b.WriteString(report.Inert(f.Link.From) + " → " + report.Inert(f.Link.To) + ": ")
	case f.Hop != "":
		b.WriteString(report.Inert(f.Hop) + ": ")
	}
	b.WriteString(report.Inert(string(f.Cause)))
	return sc.Scrub(b.String()) // final pass over the joined parts
}

// message is the finding's message and its fix sentence.
func message(f finding.Finding, sc *secret.Scrubber) string {
	m := inertLines(f.Message)
	if fix := inertLines(f.Fix); fix != "" {
		if m != "" {
			m += " "
		}
		m += "Fix: " + fix
	}
	if m == "" {
		if info, ok := finding.Explain(f.Cause); ok {
			m = info.Meaning + " Fix: " + info.Fix
		}
	}
	// Final pass over the joined text: the workflow command, the check
	// run annotation and the summary's overflow list all render from it.
	return sc.Scrub(m)
}

// annotationPath makes a config path workspace-relative: paths relative to
// the working directory get it prepended; absolute paths inside the
// workspace are made relative to it (the Checks API wants repository
// paths; the runner also maps /github/workspace/… back for commands).
func annotationPath(file, workdir, workspace string) string {
	if file == "" {
		return ""
	}
	if filepath.IsAbs(file) {
		if workspace != "" {
			if rel, err := filepath.Rel(workspace, file); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
		return filepath.ToSlash(file)
	}
	file = filepath.ToSlash(file)
	if workdir != "" && workdir != "." {
		return path.Join(filepath.ToSlash(workdir), file)
	}
	return path.Clean(file)
}

// command renders a as a workflow command with go-githubactions, which
// escapes the message (% CR LF) and the properties (also : and ,).
func (a annotation) command() *githubactions.Command {
	props := githubactions.CommandProperties{"title": a.Title}
	if a.File != "" {
		props["file"] = a.File
		if a.Line > 0 {
			props["line"] = strconv.Itoa(a.Line)
			if a.Col > 0 {
				props["col"] = strconv.Itoa(a.Col)
			}
		}
	}
	return &githubactions.Command{Name: string(a.Level), Message: a.Message, Properties: props}
}

// capAnnotations splits the ordered annotations into those that fit the
// per-step limits and those that go to the summary only.
func capAnnotations(all []annotation) (shown, omitted []annotation) {
	limit := map[finding.Severity]int{
		finding.SevError:   maxErrorAnnotations,
		finding.SevWarning: maxWarningAnnotations,
		finding.SevNotice:  maxNoticeAnnotations,
	}
	used := map[finding.Severity]int{}
	for _, a := range all {
		if used[a.Level] < limit[a.Level] {
			used[a.Level]++
			shown = append(shown, a)
		} else {
			omitted = append(omitted, a)
		}
	}
	return shown, omitted
}
