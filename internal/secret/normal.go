package secret

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The normalised view of a text keeps only its significant characters: the
// ASCII letters and digits, with compatibility forms folded to them
// (fullwidth ｓｋ, mathematical 𝐬𝐤, circled ⓢⓚ, super- and subscript
// digits) and letters lower-cased. Everything else is left out: white
// space, punctuation and separators, control and format characters
// (zero-width space, soft hyphen, bidi marks), terminal escape sequences
// with their parameters (Escapes) and named character references (&shy;,
// &ZeroWidthSpace;).
//
// A credential an upstream echoes with something between its characters
// (one space or a zero-width space each, a soft hyphen, a colour reset, a
// line break every 11 characters, a JSON array of single characters),
// upper-cased or in fullwidth letters, reads as one contiguous run here, and
// so does its hex with separators (73 6b 2d …; 0x73, 0x6b reads 0x730x6b).
// No rule looks at a character's neighbours beyond an escape sequence or a
// character reference, so dropping invisible characters (as report.Inert
// does) never joins more here than the view already did. Matching on this
// view is what makes scrubbing independent of the normalisations a reporter
// applies later (report.Inert drops format characters and escape sequences
// with the same grammar).
//
// Written by hand: golang.org/x/text/unicode/norm (NFKC) would add ~90 KB of
// tables to an image that must stay under 10 MiB, and NFKC alone neither
// drops separators nor folds case; the fold below covers the compatibility
// forms that map to single ASCII letters and digits.
type normView struct {
	b   []byte  // significant characters, folded
	at  []int32 // b[i] stands for the character that starts at src[at[i]]; nil unless pos
	s   string  // src
	pos bool    // record at
	cut []cut   // foldedView only: see there
	// foldedView only: glued (see there); sep builds the separated view.
	glued, sep bool
}

// A cut is an escape sequence foldedView left out that took letters or
// digits with it: at is its offset in the view, text what a terminal that
// drops only its introducer and terminator would show of it.
type cut struct {
	at   int
	text string
	// src, end: where the sequence is in the view's source.
	src, end int
}

// normalise builds the normalised view of s, with the offsets of its
// characters when pos is set (a search first runs without: most texts have
// no hit, and the offsets are four times the size of the view).
func normalise(s string, pos bool) *normView {
	n := &normView{s: s, pos: pos}
	var esc *Escapes
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				n.add(c, i)
			case c >= 'A' && c <= 'Z':
				n.add(c+'a'-'A', i)
			case c == 0x1b:
				if esc == nil {
					esc = NewEscapes(s)
				}
				i += max(1, esc.At(i))
				continue
			case c == '&':
				if k := entityLen(s[i:]); k > 0 {
					i += k
					continue
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == c1CSI || r == c1OSC || r == c1DCS || r == c1SOS || r == c1PM || r == c1APC {
			if esc == nil {
				esc = NewEscapes(s)
			}
			i += max(size, esc.At(i))
			continue
		}
		if f := fold(r); f != 0 {
			n.add(f, i)
		}
		i += size
	}
	return n
}

func (n *normView) add(c byte, at int) {
	if n.b == nil {
		n.b = make([]byte, 0, len(n.s))
		if n.pos {
			n.at = make([]int32, 0, len(n.s))
		}
	}
	n.b = append(n.b, c)
	if n.pos {
		n.at = append(n.at, int32(at))
	}
}

// span maps the view range [a, b) to the source range from the start of
// its first character to the end of its last (pos views only).
func (n *normView) span(a, b int) (int, int) {
	last := int(n.at[b-1])
	_, size := utf8.DecodeRuneInString(n.s[last:])
	return int(n.at[a]), last + size
}

// normString returns the normalised form of s.
func normString(s string) string { return string(normalise(s, false).b) }

// entityLen returns the length of the HTML named character reference s
// starts with (&shy;, &ZeroWidthSpace;), or 0. No named reference stands
// for an ASCII letter or digit, so each is left out whole.
func entityLen(s string) int {
	j := 1
	for j < len(s) && j <= 32 && isAlnum(s[j]) {
		j++
	}
	if j < 3 || j >= len(s) || s[j] != ';' || !(s[1] >= 'a' && s[1] <= 'z' || s[1] >= 'A' && s[1] <= 'Z') {
		return 0
	}
	return j + 1
}

// isSGR reports whether seq is a complete Select Graphic Rendition
// sequence (colours and styles: ESC [ 1;31 m), the one sequence common in
// ordinary text.
func isSGR(seq string) bool {
	switch {
	case strings.HasPrefix(seq, "\x1b["):
		seq = seq[2:]
	case strings.HasPrefix(seq, "\u009b"):
		seq = seq[len("\u009b"):]
	default:
		return false
	}
	if !strings.HasSuffix(seq, "m") {
		return false
	}
	return strings.Trim(seq[:len(seq)-1], "0123456789;:") == ""
}

// fold returns the ASCII letter (lower case) or digit a character stands
// for under compatibility decomposition and case folding (see compat), or
// 0 when it stands for none.
func fold(r rune) byte {
	c := compat(r)
	switch {
	case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		return byte(c)
	case c >= 'A' && c <= 'Z':
		return byte(c + 'a' - 'A')
	}
	return 0
}

// compat returns the ASCII character a non-ASCII character stands for
// under compatibility decomposition (NFKC), case kept, or r itself when it
// stands for no single ASCII character. Covered: the fullwidth forms
// (U+FF01–FF5E) and the ideographic space, the mathematical alphanumeric
// symbols (U+1D400–1D6A3, U+1D7CE–1D7FF), circled and parenthesised
// letters and digits (U+2460–24EA), and super- and subscript digits.
func compat(r rune) rune {
	switch {
	case r < 0x80:
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // ！-～
		return r - 0xFEE0
	case r == 0x3000: // ideographic space
		return ' '
	case r >= 0x1D400 && r <= 0x1D6A3: // 13 styles of A-Z a-z (𝐀 … 𝚣)
		if k := (r - 0x1D400) % 52; k < 26 {
			return 'A' + k
		} else {
			return 'a' + k - 26
		}
	case r >= 0x1D7CE && r <= 0x1D7FF: // 5 styles of 0-9 (𝟎 … 𝟿)
		return '0' + (r-0x1D7CE)%10
	case r >= 0x2460 && r <= 0x2468: // ①-⑨
		return '1' + r - 0x2460
	case r >= 0x2474 && r <= 0x247C: // ⑴-⑼
		return '1' + r - 0x2474
	case r >= 0x2488 && r <= 0x2490: // ⒈-⒐
		return '1' + r - 0x2488
	case r >= 0x249C && r <= 0x24B5: // ⒜-⒵
		return 'a' + r - 0x249C
	case r >= 0x24B6 && r <= 0x24CF: // Ⓐ-Ⓩ
		return 'A' + r - 0x24B6
	case r >= 0x24D0 && r <= 0x24E9: // ⓐ-ⓩ
		return 'a' + r - 0x24D0
	case r == 0x24EA: // ⓪
		return '0'
	case r == 0x00B9: // ¹
		return '1'
	case r == 0x00B2 || r == 0x00B3: // ² ³
		return '2' + r - 0x00B2
	case r == 0x2070: // ⁰
		return '0'
	case r >= 0x2074 && r <= 0x2079: // ⁴-⁹
		return '4' + r - 0x2074
	case r >= 0x2080 && r <= 0x2089: // ₀-₉
		return '0' + r - 0x2080
	}
	return r
}

// foldedView is the view Redact searches for credential shapes in besides
// the decoded one: case, punctuation and white space kept; terminal escape
// sequences (as report.Inert drops them), control characters (other than
// tab, LF and CR) and format characters left out; and compatibility forms
// folded (compat). A credential with a zero-width space or a colour reset
// between its characters, or written in fullwidth letters, has its shape
// here. b[i] stands for the character that starts at s[at[i]]; cut lists
// the offsets in b where a sequence that took a letter or digit with it
// was left out (ESC SP s, CSI s, an OSC payload): there a credential may
// have lost the prefix that gives it its shape. glued is set when
// something left out stood right after a letter or digit (0 ESC[0m gsk_…,
// 0 ZWSP ｇｓｋ＿…): a credential's shape starts at a word boundary, and
// leaving the sequence out glues the credential to the word before it, so
// such a text is searched once more in its separatedView. nil when s has
// nothing to fold (pure printable ASCII), so the common case costs one
// scan.
func foldedView(s string) *normView { return folded(s, false) }

// separatedView is foldedView with a space, standing for the left-out
// sequence, wherever foldedView set glued.
func separatedView(s string) *normView { return folded(s, true) }

func folded(s string, sep bool) *normView {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			plain = false
			break
		}
	}
	if plain {
		return nil
	}
	n := &normView{s: s, pos: true, sep: sep}
	esc := NewEscapes(s)
	for i := 0; i < len(s); {
		if k := esc.At(i); k > 0 {
			if seq := s[i : i+k]; !isSGR(seq) && strings.IndexFunc(seq, func(r rune) bool { return r < 0x80 && isAlnum(byte(r)) }) >= 0 {
				// The sequence as such a terminal shows it, folded as the
				// view is: no control or format characters, compatibility
				// forms as the ASCII they stand for.
				text := strings.Map(func(r rune) rune {
					if r < 0x20 || r >= 0x7f && r < 0xa0 || unicode.Is(unicode.Cf, r) {
						return -1
					}
					return compat(r)
				}, seq)
				n.cut = append(n.cut, cut{len(n.b), text, i, i + k})
			} else {
				n.boundary(i)
			}
			i += k
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			n.boundary(i)
			i += size
			continue
		}
		if c := compat(r); c < 0x80 {
			n.add(byte(c), i)
		} else {
			for k := 0; k < size; k++ {
				n.add(s[i+k], i)
			}
		}
		i += size
	}
	return n
}

// boundary notes, in a folded view under construction, that the
// sequence or character at s[i] is left out: after a letter or digit, the
// view is glued there, and a separated view gets a space for it.
func (n *normView) boundary(i int) {
	if len(n.b) == 0 || !isAlnum(n.b[len(n.b)-1]) {
		return
	}
	n.glued = true
	if n.sep {
		n.add(' ', i)
	}
}
