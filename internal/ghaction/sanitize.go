package ghaction

import (
	"strings"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/report"
)

// All text that reaches GitHub passes through one of these helpers. The
// heavy lifting (escape sequences, control and format characters, `##[` and
// a leading `::`) is report.Inert, shared with the other reporters.

// inertLines makes each line of s inert and keeps the line structure, so an
// annotation message can span lines (go-githubactions escapes LF as %0A).
// CR is dropped (CRLF and lone CR become a line break).
func inertLines(s string) string {
	lines := splitLines(s)
	out := lines[:0]
	for _, l := range lines {
		if l = report.Inert(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// mdReplacer makes inert text literal in GitHub-flavoured Markdown:
//   - backslash escapes for Markdown punctuation, so provider text cannot
//     open code spans or fences, emphasis, links or images (`![](…)`);
//   - `|` escaped so it cannot end a table cell;
//   - `<`, `>` and `&` as entities, so `<img …>`, `<details>` or an entity
//     stays text;
//   - a zero-width joiner after `@` and `#`, so `@user`, `@org/team` and
//     `#123` neither notify anyone nor cross-reference an issue.
//
// Inert has already removed every format character, so the only ZWJs in the
// output are the ones added here.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `~`, `\~`,
	`[`, `\[`, `]`, `\]`, `!`, `\!`, `|`, `\|`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`,
	`@`, "@\u200d", `#`, "#\u200d",
)

// md renders outside text for a Markdown table cell or list item: inert,
// escaped, one line (line breaks become <br>).
func md(s string) string {
	var parts []string
	for _, l := range splitLines(s) {
		if l = report.Inert(l); l != "" {
			parts = append(parts, mdReplacer.Replace(l))
		}
	}
	return strings.Join(parts, "<br>")
}

// fileCmdDelimiter is go-githubactions' fixed heredoc delimiter for
// GITHUB_OUTPUT. A value must never contain it on a line of its own.
const fileCmdDelimiter = "_GitHubActionsFileCommandDelimeter_"

// maxOutput bounds one output value (outputs share 1 MB per job).
const maxOutput = 1024

// outputValue makes s safe for the heredoc form of GITHUB_OUTPUT: one inert
// line (so it cannot contain the delimiter on a line of its own), without
// the delimiter at all, and bounded.
func outputValue(s string) string {
	s = report.Inert(s)
	for strings.Contains(s, fileCmdDelimiter) {
		s = strings.ReplaceAll(s, fileCmdDelimiter, "")
	}
	return truncateRunes(s, maxOutput)
}

// truncateRunes cuts s to at most n bytes without splitting a rune.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// truncateMarkdown keeps s under limit bytes, cutting at a line boundary and
// appending note (which must itself be short).
func truncateMarkdown(s string, limit int, note string) string {
	if len(s) <= limit {
		return s
	}
	cut := limit - len(note) - 2
	if cut < 0 {
		cut = 0
	}
	head := truncateRunes(s, cut)
	if i := strings.LastIndexByte(head, '\n'); i >= 0 {
		head = head[:i+1]
	}
	return head + "\n" + note
}
