package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/secret"
)

// Inert returns s made safe to print on a terminal or in a CI log, for text
// that came from outside hopcheck (provider messages, body excerpts,
// redirect targets). The result:
//
//   - is valid UTF-8 (invalid bytes become U+FFFD);
//   - contains no escape sequence (ANSI CSI such as colours and cursor
//     moves, OSC such as window titles and hyperlinks, DCS/SOS/PM/APC
//     strings, two- and three-byte ESC sequences, and their 8-bit C1 forms;
//     the grammar is secret.Escapes) and no other C0/C1 control or Unicode
//     format character (bidi overrides, zero-width characters), so it
//     cannot restyle, move the cursor, retitle the window or reorder what
//     the reader sees;
//   - is a single line: every run of white space (CR, LF, tabs, Unicode
//     line and paragraph separators, other spaces) becomes one ASCII space,
//     and both ends are trimmed;
//   - carries no credential of a known shape (secret.Redact: the provider
//     prefix stays, the rest becomes [REDACTED]), also when it was escaped
//     or encoded; this runs before and again after format characters and
//     escape sequences are dropped, so neither a zero-width space between
//     its characters nor a sequence that swallows its first letter hides
//     a key;
//   - cannot be read by the GitHub Actions runner as a workflow command: the
//     legacy form `##[` (matched anywhere in a line) becomes `# #[`, and a
//     leading `::` (the current form, matched after leading blanks) becomes
//     `: :`.
//
// Inert is idempotent. Every reporter passes outside text through it, or
// through InertScrub when it has the job's Scrubber.
func Inert(s string) string { return InertScrub(s, nil) }

// InertScrub is Inert that also removes the job's own credentials (sc, see
// secret.Scrubber; nil: shapes only). The scrubber runs after the text is
// made inert, because dropping format characters and escape sequences can
// join characters that were apart, and before the workflow-command guards,
// because a redaction marker can complete a `##[`.
func InertScrub(s string, sc *secret.Scrubber) string {
	if s == "" {
		return s
	}
	// Shapes first, on the text as it came: dropping an escape sequence
	// can take a credential's first letter with it (ESC SP s, CSI s) and
	// leave a body no shape recognises.
	s = secret.Redact(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	space := false // a separator is pending
	esc := secret.NewEscapes(s)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if skip := esc.At(i); skip > 0 {
			i += skip
			continue
		}
		i += n
		switch {
		case unicode.IsSpace(r): // blanks, CR, LF, NEL, U+2028/2029, NBSP, …
			space = true
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// Dropped: C0/C1 controls, DEL, bidi and zero-width format
			// characters.
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	out := sc.Scrub(b.String()) // a nil Scrubber redacts shapes only
	if strings.Contains(out, "##[") {
		out = strings.ReplaceAll(out, "##[", "# #[")
	}
	if strings.HasPrefix(out, "::") {
		out = ": :" + out[2:]
	}
	return out
}
