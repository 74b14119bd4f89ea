package secret

import (
	"unicode/utf16"
	"unicode/utf8"
)

// A view is text with its escapes decoded and a map from every decoded byte
// back to the span of original bytes it came from. Searching the view finds
// a credential however a server escaped it (`\u0073k-…`, `sk%2Dor…`,
// `&#115;k-…`, or a mix), and masking the mapped span removes every byte
// of it from the original text.
//
// Decoded forms, applied in up to maxRounds rounds so that nested escapes
// (`%5Cu0073`, `\\u0073` in JSON inside JSON) decode too:
//   - JSON/JavaScript `\uXXXX` (a surrogate pair as one character), Python's
//     `\UXXXXXXXX`, `\xHH` and octal `\NNN` (C, Python bytes, shells);
//   - a backslash before ASCII punctuation (`\/`, `\"`, `\\`, Markdown's `\_`)
//     other than the introducers % and &;
//   - URL percent-encoding `%HH` (upper or lower case);
//   - HTML numeric character references `&#NNN;` and `&#xHH;`.
//
// Non-ASCII characters are decoded too (as UTF-8), so that the normalised
// view (see normalise) sees an escaped zero-width space or fullwidth letter
// as the character it is. Written by hand because no library decodes a mix
// of escapes while keeping byte offsets.
type view struct {
	b      []byte
	lo, hi []int32 // b[i] came from orig[lo[i]:hi[i]]; nil: identity
}

const maxRounds = 3

// newView decodes s. Text without any escape introducer costs one scan.
func newView(s string) *view {
	v := &view{b: []byte(s)}
	for round := 0; round < maxRounds; round++ {
		if !v.decode() {
			break
		}
	}
	return v
}

// span maps the view range [a, b) to the original byte range.
func (v *view) span(a, b int) (int, int) {
	if v.lo == nil {
		return a, b
	}
	return int(v.lo[a]), int(v.hi[b-1])
}

// decode runs one round and reports whether anything was decoded. Text
// between escapes is copied in bulk.
func (v *view) decode() bool {
	in := v.b
	// The first introducer that starts an escape: text whose %, & and
	// backslashes are all literal (a "\u2026" in JSON) is not copied.
	first := indexIntro(in, 0)
	var scratch [utf8.UTFMax]byte
	for first >= 0 {
		if _, n := escapeAt(scratch[:0], in[first:]); n > 0 {
			break
		}
		first = indexIntro(in, first+1)
	}
	if first < 0 {
		return false
	}
	out := make([]byte, 0, len(in))
	lo := make([]int32, 0, len(in))
	hi := make([]int32, 0, len(in))
	copyRun := func(a, b int) { // in[a:b] unchanged
		out = append(out, in[a:b]...)
		if v.lo == nil {
			for k := a; k < b; k++ {
				lo, hi = append(lo, int32(k)), append(hi, int32(k+1))
			}
		} else {
			lo, hi = append(lo, v.lo[a:b]...), append(hi, v.hi[a:b]...)
		}
	}
	changed := false
	i := 0
	for k := first; k >= 0; k = indexIntro(in, i) {
		copyRun(i, k)
		before := len(out)
		var n int
		out, n = escapeAt(out, in[k:])
		if n == 0 {
			copyRun(k, k+1)
			i = k + 1
			continue
		}
		for range len(out) - before {
			if v.lo == nil {
				lo, hi = append(lo, int32(k)), append(hi, int32(k+n))
			} else {
				lo, hi = append(lo, v.lo[k]), append(hi, v.hi[k+n-1])
			}
		}
		i = k + n
		changed = true
	}
	copyRun(i, len(in))
	if !changed {
		return false
	}
	v.b, v.lo, v.hi = out, lo, hi
	return true
}

// indexIntro returns the index of the next escape introducer at or after
// from, or -1.
func indexIntro(b []byte, from int) int {
	for k := from; k < len(b); k++ {
		switch b[k] {
		case '\\', '%', '&':
			return k
		}
	}
	return -1
}

// escapeAt decodes one escape at the start of b, appends what it stands
// for to dst (a byte for %HH, \xHH and \NNN; the UTF-8 form of a
// character otherwise) and returns its length, or 0 when b does not start
// with a decodable escape.
func escapeAt(dst, b []byte) ([]byte, int) {
	if len(b) < 2 {
		return dst, 0
	}
	switch b[0] {
	case '%':
		if len(b) >= 3 {
			if h, ok := hexByte(b[1], b[2]); ok {
				return append(dst, h), 3
			}
		}
	case '\\':
		switch c := b[1]; {
		case c == 'u' && len(b) >= 6:
			r, ok := hexRune(b[2:6])
			if !ok {
				break
			}
			if utf16.IsSurrogate(r) {
				if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
					if r2, ok := hexRune(b[8:12]); ok {
						if p := utf16.DecodeRune(r, r2); p != utf8.RuneError {
							return utf8.AppendRune(dst, p), 12
						}
					}
				}
				break
			}
			return utf8.AppendRune(dst, r), 6
		case c == 'U' && len(b) >= 10:
			if r, ok := hexRune(b[2:10]); ok && utf8.ValidRune(r) {
				return utf8.AppendRune(dst, r), 10
			}
		case c == 'x' && len(b) >= 4:
			if h, ok := hexByte(b[2], b[3]); ok {
				return append(dst, h), 4
			}
		case c >= '0' && c <= '3' && len(b) >= 4 && isOctal(b[2]) && isOctal(b[3]):
			return append(dst, (c-'0')<<6|(b[2]-'0')<<3|(b[3]-'0')), 4
		case isPunct(c) && c != '%' && c != '&':
			// `\%75…` is a \u escape with its u percent-encoded: leave
			// the backslash for the next round.
			return append(dst, c), 2
		}
	case '&':
		if len(b) < 4 || b[1] != '#' {
			return dst, 0
		}
		val, j, base := 0, 2, 10
		if b[2] == 'x' || b[2] == 'X' {
			j, base = 3, 16
		}
		start := j
		for j < len(b) && j-start < 7 {
			d, ok := digit(b[j], base)
			if !ok {
				break
			}
			val = val*base + d
			j++
		}
		if j > start && j < len(b) && b[j] == ';' && utf8.ValidRune(rune(val)) {
			return utf8.AppendRune(dst, rune(val)), j + 1
		}
	}
	return dst, 0
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// hexRune parses hex digits (at most 8) as a code point.
func hexRune(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		d, ok := digit(c, 16)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')
}

func digit(c byte, base int) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case base == 16 && c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case base == 16 && c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

func hexByte(a, b byte) (byte, bool) {
	x, ok1 := digit(a, 16)
	y, ok2 := digit(b, 16)
	return byte(x<<4 | y), ok1 && ok2
}

// mask returns the original text with each view range in runs (sorted,
// disjoint, half-open) replaced by repl(run).
func (v *view) mask(orig string, runs [][2]int, repl func(a, b int) string) string {
	var out []byte
	last := 0
	for _, r := range runs {
		a, b := v.span(r[0], r[1])
		if a < last { // cannot happen with disjoint runs; stay safe
			a = last
		}
		out = append(out, orig[last:a]...)
		out = append(out, repl(r[0], r[1])...)
		last = b
	}
	out = append(out, orig[last:]...)
	return string(out)
}
