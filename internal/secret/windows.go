package secret

// windowSet holds every w-byte substring of some strings and finds them in
// a text in one pass: a rolling hash (Rabin–Karp) over the text checks a
// bit filter, and only a filter hit costs a map lookup. Written by hand: the
// standard library's strings.Index finds one needle; a scrubber with
// several keys searches hundreds of windows of each at once.
type windowSet struct {
	w     int
	pow   uint64 // hashBase^w, to roll the oldest byte out
	lower bool   // compare ASCII case-insensitively (the set holds lower case)
	set   map[string]struct{}
	bits  []uint64
}

const (
	hashBase   = 1099511628211 // FNV-64 prime
	filterBits = 18            // 2^18 bits = 32 KiB per set
)

func newWindowSet(w int, lower bool) *windowSet {
	p := uint64(1)
	for i := 0; i < w; i++ {
		p *= hashBase
	}
	return &windowSet{w: w, pow: p, lower: lower, set: map[string]struct{}{}, bits: make([]uint64, 1<<filterBits/64)}
}

func (ws *windowSet) slot(h uint64) (int, uint64) {
	x := (h * 0x9E3779B97F4A7C15) >> (64 - filterBits)
	return int(x / 64), 1 << (x % 64)
}

// add registers every window of form and reports whether form had one
// (len(form) >= w).
func (ws *windowSet) add(form string) bool {
	for i := 0; i+ws.w <= len(form); i++ {
		win := form[i : i+ws.w]
		if _, ok := ws.set[win]; ok {
			continue
		}
		ws.set[win] = struct{}{}
		var h uint64
		for k := 0; k < len(win); k++ {
			h = h*hashBase + uint64(win[k])
		}
		word, bit := ws.slot(h)
		ws.bits[word] |= bit
	}
	return len(form) >= ws.w
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// scan calls hit(i) for every i where b[i:i+w] is in the set.
func (ws *windowSet) scan(b []byte, hit func(i int)) {
	if len(ws.set) == 0 || len(b) < ws.w {
		return
	}
	var h uint64
	var buf []byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		if ws.lower {
			c = lowerASCII(c)
		}
		h = h*hashBase + uint64(c)
		if i >= ws.w {
			old := b[i-ws.w]
			if ws.lower {
				old = lowerASCII(old)
			}
			h -= uint64(old) * ws.pow
		}
		if i+1 < ws.w {
			continue
		}
		if word, bit := ws.slot(h); ws.bits[word]&bit == 0 {
			continue
		}
		win := b[i+1-ws.w : i+1]
		if ws.lower {
			buf = append(buf[:0], win...)
			for k := range buf {
				buf[k] = lowerASCII(buf[k])
			}
			win = buf
		}
		if _, ok := ws.set[string(win)]; ok {
			hit(i + 1 - ws.w)
		}
	}
}
