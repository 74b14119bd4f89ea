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
//     strings, two- and three-byte ESC sequences, and their 8-bit C1 forms)
//     and no other C0/C1 control or Unicode format character (bidi
//     overrides, zero-width characters), so it cannot restyle, move the
//     cursor, retitle the window or reorder what the reader sees;
//   - is a single line: every run of white space (CR, LF, tabs, Unicode
//     line and paragraph separators, other spaces) becomes one ASCII space,
//     and both ends are trimmed;
//   - carries no credential of a known shape (secret.Redact: the provider
//     prefix stays, the rest becomes [REDACTED]), also when it was escaped
//     or encoded; this runs after format characters are dropped, so a
//     zero-width space cannot split a key past it;
//   - cannot be read by the GitHub Actions runner as a workflow command: the
//     legacy form `##[` (matched anywhere in a line) becomes `# #[`, and a
//     leading `::` (the current form, matched after leading blanks) becomes
//     `: :`.
//
// Inert is idempotent. Every reporter passes outside text through it.
//
// It is written by hand: the stdlib has no escape-sequence stripper, and the
// small regexp-based packages that exist drop only CSI sequences, leaving
// OSC/DCS payloads (a window title, a hyperlink target) as visible text and
// missing the C1 forms.
func Inert(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false // a separator is pending
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if skip := escapeLen(s[i:]); skip > 0 {
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
	out := secret.Redact(b.String())
	if strings.Contains(out, "##[") {
		out = strings.ReplaceAll(out, "##[", "# #[")
	}
	if strings.HasPrefix(out, "::") {
		out = ": :" + out[2:]
	}
	return out
}

// C1 control characters that introduce sequences, as runes.
const (
	c1DCS = 0x90
	c1SOS = 0x98
	c1CSI = 0x9B
	c1ST  = 0x9C
	c1OSC = 0x9D
	c1PM  = 0x9E
	c1APC = 0x9F
)

// escapeLen returns the length in bytes of the escape sequence s starts
// with, or 0 when s does not start with one. A lone or malformed introducer
// counts as a sequence of its own length (it is dropped; what follows stays
// as plain text and is filtered like any other text).
func escapeLen(s string) int {
	if s == "" {
		return 0
	}
	if s[0] == 0x1b { // ESC
		if len(s) == 1 {
			return 1
		}
		c := s[1]
		switch {
		case c == '[': // CSI
			return 2 + csiLen(s[2:])
		case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_': // OSC, DCS, SOS, PM, APC
			return 2 + stringLen(s[2:])
		case c >= 0x20 && c <= 0x2f: // intermediates, then one final byte (e.g. ESC ( B)
			j := 1
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
				j++
			}
			return j
		case c >= 0x30 && c <= 0x7e: // two-byte sequence (ESC 7, ESC c, ESC M, …)
			return 2
		}
		return 1
	}
	r, n := utf8.DecodeRuneInString(s)
	switch r {
	case c1CSI:
		return n + csiLen(s[n:])
	case c1OSC, c1DCS, c1SOS, c1PM, c1APC:
		return n + stringLen(s[n:])
	}
	return 0
}

// csiLen returns the length of a CSI body: parameter bytes, intermediate
// bytes and the final byte. It stops at the first byte that does not fit.
func csiLen(s string) int {
	j := 0
	for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
		j++
	}
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
		j++
	}
	return j
}

// stringLen returns the length of a control-string body up to and including
// its terminator (BEL, ESC \ or C1 ST). An unterminated string is not
// swallowed: 0 is returned so only its introducer is dropped and the rest of
// the message stays readable.
func stringLen(s string) int {
	for j := 0; j < len(s); {
		if s[j] == 0x07 {
			return j + 1
		}
		if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
			return j + 2
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		if r == c1ST {
			return j + n
		}
		j += n
	}
	return 0
}
