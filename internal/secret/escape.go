package secret

import "unicode/utf8"

// Terminal escape sequences, as report.Inert removes them from outside text
// and as the normalised view (see normalise) skips them. Both use this one
// grammar, so no sequence Inert removes can join characters that the
// Scrubber saw apart.
//
// It is written by hand: the standard library has no escape-sequence
// parser, and the small regexp-based packages drop only CSI sequences,
// leaving OSC/DCS payloads (a window title, a hyperlink target) as text and
// missing the C1 forms.

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

// Escapes finds the terminal escape sequences of one text, front to back.
// It remembers the offset after which no control string is terminated, so
// a text full of unterminated OSC introducers costs one pass, not one per
// introducer.
type Escapes struct {
	s      string
	noTerm int // no string terminator at or after this offset (len(s)+1: unknown)
}

// NewEscapes returns an Escapes for s.
func NewEscapes(s string) *Escapes { return &Escapes{s: s, noTerm: len(s) + 1} }

// At returns the length in bytes of the escape sequence that starts at
// offset i, or 0 when none does. A lone or malformed introducer counts as a
// sequence of its own length (it is dropped; what follows stays as plain
// text). An unterminated control string (OSC, DCS, SOS, PM, APC) is not
// swallowed either: only its introducer counts. Calls must come with
// non-decreasing i.
func (e *Escapes) At(i int) int {
	s := e.s[i:]
	if s == "" {
		return 0
	}
	intro := 0 // length of a control-string introducer
	if s[0] == 0x1b {
		if len(s) == 1 {
			return 1
		}
		c := s[1]
		switch {
		case c == '[': // CSI
			return 2 + csiLen(s[2:])
		case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_': // OSC, DCS, SOS, PM, APC
			intro = 2
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
		default:
			return 1
		}
	} else {
		if s[0] < 0x80 {
			return 0
		}
		r, n := utf8.DecodeRuneInString(s)
		switch r {
		case c1CSI:
			return n + csiLen(s[n:])
		case c1OSC, c1DCS, c1SOS, c1PM, c1APC:
			intro = n
		default:
			return 0
		}
	}
	if i >= e.noTerm {
		return intro
	}
	n := stringLen(s[intro:])
	if n == 0 {
		e.noTerm = i
	}
	return intro + n
}

// EscapeLen returns the length of the escape sequence s starts with, or 0
// (see Escapes.At).
func EscapeLen(s string) int { return NewEscapes(s).At(0) }

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
// its terminator (BEL, ESC \ or C1 ST), or 0 when it is not terminated.
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
