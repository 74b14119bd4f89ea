package ghaction

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// Size limits of GitHub's Markdown surfaces, with room for the truncation
// note: the step summary is capped at 1 MiB per step, a PR comment at 65536
// characters and a check run's output.summary at 65535 characters (we count
// bytes, which is stricter).
const (
	summaryLimit  = 1<<20 - 4096
	commentLimit  = 65536 - 512
	checkRunLimit = 65535 - 512
)

// StickyMarker is the hidden marker that identifies hopcheck's PR comment.
const StickyMarker = "<!-- hopcheck:sticky -->"

// mdOptions select the sections of a rendering.
type mdOptions struct {
	marker     bool         // start with StickyMarker (PR comment)
	omitted    []annotation // annotations that did not fit the step
	limit      int          // byte limit, truncation note included
	reportPath string       // named in the truncation note
}

var verdictIcon = map[finding.Status]string{
	finding.Pass:          "✅",
	finding.Fail:          "❌",
	finding.Warn:          "⚠️",
	finding.Neutral:       "⚪",
	finding.Unverified:    "🔶",
	finding.Skipped:       "⏭️",
	finding.Indeterminate: "❔",
}

var sevIcon = map[finding.Severity]string{
	finding.SevError:   "❌",
	finding.SevWarning: "⚠️",
	finding.SevNotice:  "ℹ️",
	finding.SevInfo:    "ℹ️",
}

func verdict(s finding.Status) string {
	if s == "" {
		return ""
	}
	if i, ok := verdictIcon[s]; ok {
		return i + " " + md(string(s))
	}
	return md(string(s))
}

// statusRank orders statuses for a table row that shows the worse of a hop
// and the link into it.
func statusRank(s finding.Status) int {
	switch s {
	case finding.Fail:
		return 5
	case finding.Indeterminate:
		return 4
	case finding.Unverified:
		return 3
	case finding.Warn:
		return 3
	case finding.Neutral:
		return 2
	case finding.Skipped:
		return 1
	}
	return 0
}

// renderMarkdown renders the report for the step summary, the PR comment
// and the check run: a heading with the overall status, then per chain the
// table of hops (hop, link into it, verdict, cause, timings), the credit
// and runway of each hop whose key check reported them, the failing
// link and the fix of each failure, then the credentials used (fingerprints
// only), then the annotations that did not fit the step.
func renderMarkdown(r *finding.Report, status string, creds []finding.Credential, o mdOptions) string {
	var b strings.Builder
	if o.marker {
		b.WriteString(StickyMarker + "\n")
	}
	icon := map[string]string{"pass": "✅", "fail": "❌", "neutral": "⚪"}[status]
	fmt.Fprintf(&b, "## %s hopcheck: %s\n\n", icon, md(status))
	if r.Config != "" {
		fmt.Fprintf(&b, "Configuration: %s\n\n", md(r.Config))
	}

	if gen := failures(r.Findings); len(gen) > 0 {
		b.WriteString("### General\n\n")
		writeFixes(&b, gen)
	}

	for _, c := range r.Chains {
		fmt.Fprintf(&b, "### Chain %s", md(c.Name))
		if c.Model != "" {
			fmt.Fprintf(&b, " · model %s", md(c.Model))
		}
		fmt.Fprintf(&b, " · %s", verdict(c.Status))
		if c.Cause != "" && c.Cause != finding.OK {
			fmt.Fprintf(&b, " (%s)", md(string(c.Cause)))
		}
		b.WriteString("\n\n")
		if c.FailingLink != nil {
			fmt.Fprintf(&b, "Failing link: **%s → %s**\n\n", md(c.FailingLink.From), md(c.FailingLink.To))
		} else if c.FailingHop != "" {
			fmt.Fprintf(&b, "Failing hop: **%s**\n\n", md(c.FailingHop))
		}
		writeHopTable(&b, c)
		writeCredits(&b, c)
		if fs := failures(c.Findings); len(fs) > 0 {
			b.WriteString("**Fixes**\n\n")
			writeFixes(&b, fs)
		}
	}

	if len(creds) > 0 {
		b.WriteString("### Credentials used\n\nFingerprints only; values are never shown.\n\n")
		b.WriteString("| Variable | Fingerprint | Set |\n|---|---|---|\n")
		for _, c := range creds {
			set := "no"
			if c.Set {
				set = "yes"
			}
			fp := c.Fingerprint
			if fp == "" {
				fp = "-"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", md(c.Env), md(fp), set)
		}
		b.WriteString("\n")
	}

	if len(o.omitted) > 0 {
		fmt.Fprintf(&b, "### Annotations that did not fit\n\nGitHub shows at most %d error and %d warning annotations per step; these %d are listed here only.\n\n",
			maxErrorAnnotations, maxWarningAnnotations, len(o.omitted))
		for _, a := range o.omitted {
			fmt.Fprintf(&b, "- %s **%s**", sevIcon[a.Level], md(a.Title))
			if loc := a.location(); loc != "" {
				fmt.Fprintf(&b, " at %s", code(loc))
			}
			fmt.Fprintf(&b, ": %s\n", md(a.Message))
		}
		b.WriteString("\n")
	}

	note := "> ⚠️ Truncated: the report is larger than GitHub allows here."
	if o.reportPath != "" {
		note += " The full report is in " + md(o.reportPath) + "."
	}
	return truncateMarkdown(redactMarkdown(b.String(), r.Scrubber), o.limit, note+"\n")
}

// escapedMarker is secret.Marker as md renders it.
var escapedMarker = mdReplacer.Replace(secret.Marker)

// redactMarkdown is the final pass over a rendered summary, comment or
// check-run body: the job's credentials (sc; nil: shapes only) and every
// credential shape are scrubbed once more over the whole text (every cell
// already went through md, hence report.Inert). A marker this pass adds is
// escaped like md would, so it cannot become a link.
func redactMarkdown(s string, sc *secret.Scrubber) string {
	out := sc.Scrub(s)
	if out == s {
		return s
	}
	out = strings.ReplaceAll(out, escapedMarker, secret.Marker)
	return strings.ReplaceAll(out, secret.Marker, escapedMarker)
}

// failures returns the findings worth a fix line (notice and above).
func failures(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Severity.Rank() >= finding.SevNotice.Rank() {
			out = append(out, f)
		}
	}
	// Root causes first; the rest keep their order.
	roots := make([]finding.Finding, 0, len(out))
	rest := make([]finding.Finding, 0, len(out))
	for _, f := range out {
		if f.Root {
			roots = append(roots, f)
		} else {
			rest = append(rest, f)
		}
	}
	return append(roots, rest...)
}

func writeFixes(b *strings.Builder, fs []finding.Finding) {
	for _, f := range fs {
		fmt.Fprintf(b, "- %s ", sevIcon[f.Severity])
		switch {
		case f.Link != nil:
			fmt.Fprintf(b, "**%s → %s** ", md(f.Link.From), md(f.Link.To))
		case f.Hop != "":
			fmt.Fprintf(b, "**%s** ", md(f.Hop))
		}
		b.WriteString(code(string(f.Cause)))
		if f.File != "" {
			loc := f.File
			if f.Line > 0 {
				loc += ":" + strconv.Itoa(f.Line)
			}
			fmt.Fprintf(b, " (%s)", code(loc))
		}
		if m := md(f.Message); m != "" {
			fmt.Fprintf(b, ": %s", m)
		}
		if fix := md(f.Fix); fix != "" {
			fmt.Fprintf(b, " **Fix:** %s", fix)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func writeHopTable(b *strings.Builder, c finding.ChainResult) {
	if len(c.Hops) == 0 {
		return
	}
	b.WriteString("| Hop | Link | Verdict | Cause | DNS (ms) | Connect (ms) | TLS (ms) | TTFB (ms) |\n")
	b.WriteString("|---|---|---|---|---:|---:|---:|---:|\n")
	links := map[string]finding.LinkResult{}
	for _, l := range c.Links {
		links[l.To] = l
	}
	for _, h := range c.Hops {
		st, cause := h.Status, h.Cause
		linkCell := ""
		if l, ok := links[h.Name]; ok {
			linkCell = md(l.From) + " → " + md(l.To)
			// A row shows the worse of the hop and the link into it: a hop
			// that answers alone behind a link that drops the key is a
			// failure of that row.
			if statusRank(l.Status) > statusRank(st) {
				st, cause = l.Status, l.Cause
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			md(h.Name), linkCell, verdict(st), md(string(cause)),
			ms(h.Timings, func(t *finding.Timings) *float64 { return t.DNS }),
			ms(h.Timings, func(t *finding.Timings) *float64 { return t.Connect }),
			ms(h.Timings, func(t *finding.Timings) *float64 { return t.TLS }),
			ms(h.Timings, func(t *finding.Timings) *float64 { return t.TTFB }))
	}
	b.WriteString("\n")
}

// writeCredits lists, per hop whose key check reported credit, what is
// left, the spending rate and the runway (or why there is none).
func writeCredits(b *strings.Builder, c finding.ChainResult) {
	n := 0
	for _, h := range c.Hops {
		if h.Credits == nil {
			continue
		}
		if n == 0 {
			b.WriteString("**Credits**\n\n")
		}
		n++
		fmt.Fprintf(b, "- **%s**: %s\n", md(h.Name), md(h.Credits.Summary()))
	}
	if n > 0 {
		b.WriteString("\n")
	}
}

// ms formats one timing phase; absent phases show as "–".
func ms(t *finding.Timings, phase func(*finding.Timings) *float64) string {
	if t == nil {
		return "–"
	}
	v := phase(t)
	if v == nil {
		return "–"
	}
	if *v < 10 {
		return strconv.FormatFloat(*v, 'f', 1, 64)
	}
	return strconv.FormatFloat(*v, 'f', 0, 64)
}

// code renders s as a code span when it consists only of characters that
// are literal both in and out of one (cause codes, most paths), and as
// escaped text otherwise: backslash escapes do not work inside code spans.
func code(s string) string {
	if s == "" {
		return ""
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._/:", r)) {
			return md(s)
		}
	}
	return "`" + s + "`"
}
