package secret

// Character codes written as decimal numbers: a Node.js Buffer serialised
// as JSON ({"type":"Buffer","data":[115,107,45,…]}), a byte array in a
// debug dump, "bad key 115,107,45,…". The other encodings a server may echo
// a key in are tokens of one alphabet (hex, base32, base64: decodings) or
// read as one run in the normalised view (spaced hex); decimal codes are
// neither, since their numbers differ in length, so runs of them are
// decoded here. Written by hand: no library decodes this informal form.

// minDecimal is the fewest numbers a run must hold to be decoded: the
// shortest piece of a secret the scrubber matches (partialWindow).
const minDecimal = partialWindow

// decRun is a run of decimal character codes in a text: [a, b) and the
// bytes it stands for.
type decRun struct {
	a, b int
	d    []byte
}

// decimalRuns finds the runs of at least minDecimal numbers of 1 to 3
// digits, each 0–255, separated by commas, blanks, semicolons or brackets
// (one to three of them), and decodes them.
func decimalRuns(s []byte) []decRun {
	var out []decRun
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || i > 0 && (isDigit(s[i-1]) || isAlnum(s[i-1])) {
			i++
			continue
		}
		start, end := i, i
		var d []byte
		j := i
		for {
			k := j
			n := 0
			for k < len(s) && isDigit(s[k]) && k-j < 4 {
				n = n*10 + int(s[k]-'0')
				k++
			}
			if k == j || k-j > 3 || n > 255 || k < len(s) && (isDigit(s[k]) || isAlnum(s[k])) {
				break
			}
			d = append(d, byte(n))
			end = k
			sep := k
			for sep < len(s) && sep-k < 3 && isDecSep(s[sep]) {
				sep++
			}
			if sep == k || sep >= len(s) || !isDigit(s[sep]) {
				break
			}
			j = sep
		}
		if len(d) >= minDecimal {
			out = append(out, decRun{start, end, d})
		}
		i = max(end, i+1)
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDecSep(c byte) bool {
	switch c {
	case ',', ' ', '\t', '\n', '\r', ';', '[', ']':
		return true
	}
	return false
}
