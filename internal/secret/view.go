package secret

// A view is text with its escapes decoded and a map from every decoded byte
// back to the span of original bytes it came from. Searching the view finds
// a credential however a server escaped it (`\u0073k-…`, `sk%2Dor…`,
// `&#115;k-…`, or a mix), and masking the mapped span removes every byte
// of it from the original text.
//
// Decoded forms, applied in up to maxRounds rounds so that nested escapes
// (`%5Cu0073`, `\\u0073` in JSON inside JSON) decode too:
//   - JSON/JavaScript `\uXXXX` and `\xHH` below U+0080;
//   - a backslash before ASCII punctuation (`\/`, `\"`, `\\`, Markdown's `\_`)
//     other than the introducers % and &;
//   - URL percent-encoding `%HH` (upper or lower case);
//   - HTML numeric character references `&#NNN;` and `&#xHH;` below U+0080.
//
// Non-ASCII escapes stay as they are: no credential format uses them.
// Written by hand because no library decodes a mix of escapes while keeping
// byte offsets.
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
	first := indexIntro(in, 0)
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
		c, n := escapeAt(in[k:])
		if n == 0 {
			copyRun(k, k+1)
			i = k + 1
			continue
		}
		out = append(out, c)
		if v.lo == nil {
			lo, hi = append(lo, int32(k)), append(hi, int32(k+n))
		} else {
			lo, hi = append(lo, v.lo[k]), append(hi, v.hi[k+n-1])
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

// escapeAt decodes one escape at the start of b into an ASCII byte (or, for
// %HH and \xHH, any byte) and returns its length, or 0 when b does not start
// with a decodable escape.
func escapeAt(b []byte) (byte, int) {
	if len(b) < 2 {
		return 0, 0
	}
	switch b[0] {
	case '%':
		if len(b) >= 3 {
			if h, ok := hexByte(b[1], b[2]); ok {
				return h, 3
			}
		}
	case '\\':
		switch c := b[1]; {
		case c == 'u' && len(b) >= 6:
			h1, ok1 := hexByte(b[2], b[3])
			h2, ok2 := hexByte(b[4], b[5])
			if ok1 && ok2 && h1 == 0 && h2 < 0x80 {
				return h2, 6
			}
		case c == 'x' && len(b) >= 4:
			if h, ok := hexByte(b[2], b[3]); ok {
				return h, 4
			}
		case isPunct(c) && c != '%' && c != '&':
			// `\%75…` is a \u escape with its u percent-encoded: leave
			// the backslash for the next round.
			return c, 2
		}
	case '&':
		if len(b) < 4 || b[1] != '#' {
			return 0, 0
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
		if j > start && j < len(b) && b[j] == ';' && val < 0x80 {
			return byte(val), j + 1
		}
	}
	return 0, 0
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
