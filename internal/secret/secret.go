// Package secret keeps credentials out of every output. Fingerprint gives
// the only printable form of a credential; Scrubber removes the job's own
// credentials (and their encodings) from text at the point an error or
// excerpt is created; Redact removes every credential of a known shape,
// whoever it belongs to, and runs again in every reporter.
package secret

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
)

// knownPrefixes are the public, non-secret prefixes of provider keys, longest
// first. A fingerprint shows them so a reader can tell which provider a key
// belongs to.
var knownPrefixes = []string{"bedrock-api-key-", "sk-ant-api03-", "sk-svcacct-", "sk-or-v1-", "sk-proj-", "sk-ant-", "nvapi-",
	"pplx-", "ABSK", "AIza", "csk-", "fpk_", "gsk_", "xai-", "fw_", "sk-"}

// maxReveal bounds how many leading characters a fingerprint shows, so a
// fingerprint never contains 12 consecutive characters of the secret.
const maxReveal = 11

// Fingerprint returns a non-reversible display form: the provider prefix,
// two more characters, an ellipsis and the last two characters
// (sk-or-v1-ab…f3). Short values show only their length.
func Fingerprint(s string) string {
	if s == "" {
		return "(empty)"
	}
	r := []rune(s)
	if len(r) < 16 {
		return "…(" + itoa(len(r)) + " chars)"
	}
	head := 2
	for _, p := range knownPrefixes {
		if strings.HasPrefix(s, p) {
			head = len([]rune(p)) + 2
			break
		}
	}
	if head > maxReveal {
		head = maxReveal
	}
	if head > len(r)/3 {
		head = len(r) / 3
	}
	return string(r[:head]) + "…" + string(r[len(r)-2:])
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// minSecret is the shortest value the scrubber treats as a secret; shorter
// values (e.g. "1") would scrub ordinary text.
const minSecret = 6

// Window lengths: a run of text is a leak when it shares partialWindow
// bytes with a secret, or the base64 (b64Window characters) or hex
// (hexWindow digits) encoding of partialWindow bytes of one.
const (
	partialWindow = 12
	b64Window     = 16
	hexWindow     = 24
	// minNeedle bounds the encoded needles of a secret shorter than
	// partialWindow: shorter ones would match ordinary text.
	minNeedle = 8
	// A secret with at least normMin significant characters (see
	// normalise) is also searched in the normalised view of a text, by
	// windows of normWindow significant characters. Shorter secrets would
	// match ordinary text once separators no longer count.
	normMin    = 16
	normWindow = partialWindow
	// maxNest bounds how deep an encoded token (base64, base32, hex) is
	// decoded and searched again: base64 of hex, base32 of base64.
	maxNest = 2
	// maxScrubRounds bounds the passes Scrub makes until nothing changes.
	maxScrubRounds = 4
)

// Scrubber replaces registered secrets, their pieces and their encodings
// with fingerprints or Marker, then redacts every credential shape (see
// Redact). It is safe for concurrent use. The zero value is usable; a nil
// *Scrubber only redacts shapes.
type Scrubber struct {
	mu      sync.RWMutex
	secrets map[string]string   // plain value → fingerprint
	masks   map[string]struct{} // values and encodings for ::add-mask::
	plain   *windowSet          // every partialWindow-byte substring of every secret
	b64     *windowSet          // every b64Window-character substring of their base64
	hex     *windowSet          // every hexWindow-digit substring of their hex, any case
	norm    *windowSet          // every normWindow substring of their normalised forms (see addNorm)
	needles []needle            // whole encodings of secrets shorter than partialWindow
}

type needle struct {
	s     string
	lower bool // search the lower-cased view (hex)
	b64   bool // extend a hit over the whole base64 token
}

// Add registers credential values. Empty or very short values are ignored.
func (s *Scrubber) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secrets == nil {
		s.secrets, s.masks = map[string]string{}, map[string]struct{}{}
		s.plain, s.b64, s.hex = newWindowSet(partialWindow, false), newWindowSet(b64Window, false), newWindowSet(hexWindow, true)
		s.norm = newWindowSet(normWindow, false)
	}
	for _, v := range values {
		for _, t := range []string{v, strings.TrimSpace(v), strings.Trim(strings.TrimSpace(v), `"'`)} {
			if len(t) < minSecret {
				continue
			}
			if _, ok := s.secrets[t]; ok {
				continue
			}
			fp := Fingerprint(t)
			s.secrets[t] = fp
			for _, m := range maskVariants(t) {
				if len(m) >= minSecret {
					s.masks[m] = struct{}{}
				}
			}
			s.addForms(t)
			// A value with escape introducers (a password with % or \)
			// is itself decoded when it appears in text: search for the
			// decoded form too.
			if d := string(newView(t).b); d != t && len(d) >= minSecret {
				s.secrets[d] = fp
				s.addForms(d)
			}
		}
	}
}

// addForms indexes t: windows for values of partialWindow bytes or more,
// whole needles for shorter ones.
func (s *Scrubber) addForms(t string) {
	if !s.plain.add(t) {
		s.needles = append(s.needles, needle{s: t})
	}
	if h := hex.EncodeToString([]byte(t)); !s.hex.add(h) {
		s.needles = append(s.needles, needle{s: h, lower: true})
	}
	for _, m := range b64Middles(t) {
		if !s.b64.add(m) && len(m) >= minNeedle {
			s.needles = append(s.needles, needle{s: m, b64: true})
		}
	}
	s.addNorm(t)
}

// addNorm indexes, for a secret of normMin significant characters or more,
// the forms searched in the normalised view of a text: the normalised
// value, the same reversed, its hex (also as C-style 0x bytes) and its
// base32 (any alignment). In that view they survive separators, case
// changes and compatibility forms (see normalise).
func (s *Scrubber) addNorm(t string) {
	n := normString(t)
	if len(n) < normMin {
		return
	}
	r := []byte(n)
	slices.Reverse(r)
	h := hex.EncodeToString([]byte(t))
	var h0x strings.Builder
	for i := 0; i < len(h); i += 2 {
		h0x.WriteString("0x" + h[i:i+2])
	}
	for _, f := range append([]string{n, string(r), h, h0x.String()}, b32Middles(t)...) {
		s.norm.add(f)
	}
}

// b32Middles is b64Middles for base32 (RFC 4648, lower case as the
// normalised view has it): for each of the five alignments, the characters
// that depend on the value's bytes alone.
func b32Middles(t string) []string {
	var out []string
	for k := 0; k < 5; k++ {
		buf := make([]byte, k+len(t))
		copy(buf[k:], t)
		enc := base32.StdEncoding.EncodeToString(buf)
		first := (8*k + 4) / 5
		last := 8 * (k + len(t)) / 5
		if last-first >= normWindow {
			out = append(out, strings.ToLower(enc[first:last]))
		}
	}
	return out
}

// b64Middles returns, for each of the three alignments a value can have
// inside a longer base64 string, the characters that depend on the value's
// bytes alone (the ones at either end also encode neighbouring bytes), in
// the standard and the URL alphabet. Padding never falls inside them.
func b64Middles(t string) []string {
	var out []string
	for k := 0; k < 3; k++ {
		buf := make([]byte, k+len(t))
		copy(buf[k:], t)
		enc := base64.StdEncoding.EncodeToString(buf)
		first := (8*k + 5) / 6       // first character whose 6 bits are all the value's
		last := 8 * (k + len(t)) / 6 // characters before this are complete
		if last <= first {
			continue
		}
		m := enc[first:last]
		out = append(out, m)
		if u := strings.NewReplacer("+", "-", "/", "_").Replace(m); u != m {
			out = append(out, u)
		}
	}
	return out
}

// maskVariants lists the forms given to ::add-mask:: (the runner masks
// exact strings in the log): plain, URL-encoded and base64.
func maskVariants(v string) []string {
	out := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	for _, in := range []string{v, ":" + v} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			out = append(out, enc.EncodeToString([]byte(in)))
		}
	}
	return out
}

// Scrub returns text with every registered secret replaced by its
// fingerprint and every other run that carries a piece of one replaced by
// Marker, then every credential shape redacted (Redact), so credentials the
// job never held are removed too. A run is a leak when it has, after
// decoding \u, \U, \x, octal, %HH, &#…; and backslash escapes (in any mix,
// see view):
//   - partialWindow bytes of a secret;
//   - the base64 (b64Window characters, any alignment, either alphabet,
//     padded or not) or hex (hexWindow digits, either case) of
//     partialWindow bytes of one; an encoded hit masks its whole token;
//   - for a secret of normMin significant characters or more, normWindow
//     consecutive characters of its normalised form, of that form
//     reversed, of its hex or of its base32, in the normalised view of the
//     text (see normalise: separators, format and control characters and
//     escape sequences between the characters, any case, fullwidth and
//     other compatibility forms); the run from the first to the last of
//     those characters is masked;
//   - a base64, base32 or hex token that decodes (up to maxNest levels
//     deep) to text with any of the above; the whole token is masked.
//
// Scrub repeats until nothing changes, so Scrub(Scrub(x)) == Scrub(x).
func (s *Scrubber) Scrub(text string) string {
	if s == nil || text == "" {
		return Redact(text)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.secrets) > 0 {
		for round := 0; round < maxScrubRounds; round++ {
			out := s.scrubOwn(text)
			if out == text {
				break
			}
			text = out
		}
	}
	return Redact(text)
}

// Cover kinds: which search marked a byte of the view.
const (
	coverPlain = 1 << iota
	coverEnc
)

// scrubOwn masks the registered secrets once.
func (s *Scrubber) scrubOwn(text string) string {
	runs := s.find(text, 0)
	if len(runs) == 0 {
		return text
	}
	var out strings.Builder
	out.Grow(len(text))
	last := 0
	for _, r := range runs {
		out.WriteString(text[last:r[0]])
		seg := text[r[0]:r[1]]
		fp, ok := s.secrets[seg]
		if !ok {
			fp, ok = s.secrets[string(newView(seg).b)]
		}
		if !ok {
			fp = Marker
		}
		out.WriteString(fp)
		last = r[1]
	}
	out.WriteString(text[last:])
	return out.String()
}

// find returns the sorted, disjoint byte ranges of text that carry a
// registered secret or a piece of one (see Scrub). It is written by hand
// because no library does substring-of-secret redaction across encodings.
// Every search is one pass over a view of the text (see windowSet): linear
// in the text, however many and however long the secrets are.
func (s *Scrubber) find(text string, depth int) [][2]int {
	v := newView(text)
	var runs [][2]int
	for _, r := range s.viewRuns(v.b, depth) {
		a, b := v.span(r[0], r[1])
		runs = append(runs, [2]int{a, b})
	}
	if len(s.norm.set) > 0 {
		// The normalised view of the text itself, and of its decoded view
		// when it had escapes: a format character may be escaped (\u200b)
		// or not, and an escape may sit inside a terminal sequence.
		runs = s.normRuns(text, nil, runs)
		if v.lo != nil {
			runs = s.normRuns(string(v.b), v, runs)
		}
	}
	return mergeRuns(runs)
}

// normRuns appends the ranges of text (mapped through v when text is a
// decoded view) whose normalised view has a window of s.norm.
func (s *Scrubber) normRuns(text string, v *view, runs [][2]int) [][2]int {
	var hits []int
	s.norm.scan(normalise(text, false).b, func(i int) { hits = append(hits, i) })
	if len(hits) == 0 {
		return runs
	}
	n := normalise(text, true)
	for _, i := range hits {
		a, b := n.span(i, i+normWindow)
		if v != nil {
			a, b = v.span(a, b)
		}
		runs = append(runs, [2]int{a, b})
	}
	return runs
}

// mergeRuns sorts runs and merges the ones that overlap or touch.
func mergeRuns(runs [][2]int) [][2]int {
	if len(runs) < 2 {
		return runs
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i][0] < runs[j][0] })
	out := runs[:1]
	for _, r := range runs[1:] {
		last := &out[len(out)-1]
		if r[0] <= last[1] {
			last[1] = max(last[1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// viewRuns returns the ranges of the decoded view b that carry a secret in
// plain, base64 or hex form, or, below maxNest, a token that decodes to
// text that does.
func (s *Scrubber) viewRuns(b []byte, depth int) [][2]int {
	var cover []byte
	mark := func(a, n int, kind byte) {
		if cover == nil {
			cover = make([]byte, len(b))
		}
		for k := a; k < a+n; k++ {
			cover[k] |= kind
		}
	}
	s.plain.scan(b, func(i int) { mark(i, partialWindow, coverPlain) })
	s.b64.scan(b, func(i int) { mark(i, b64Window, coverEnc) })
	s.hex.scan(b, func(i int) { mark(i, hexWindow, coverEnc) })
	var lower []byte
	if len(s.needles) > 0 {
		// ASCII only, so offsets stay those of b (bytes.ToLower replaces
		// invalid UTF-8, which changes the length); the needles searched
		// here are hex.
		lower = make([]byte, len(b))
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
	}
	for _, n := range s.needles {
		hay := b
		if n.lower {
			hay = lower
		}
		kind := byte(coverPlain)
		if n.lower || n.b64 {
			kind = coverEnc
		}
		for off := 0; ; {
			k := bytes.Index(hay[off:], []byte(n.s))
			if k < 0 {
				break
			}
			mark(off+k, len(n.s), kind)
			off += k + 1
		}
	}
	if depth < maxNest {
		s.markDecoded(b, depth, cover, mark)
	}
	if cover == nil {
		return nil
	}
	var runs [][2]int
	for i := 0; i < len(b); {
		if cover[i] == 0 {
			i++
			continue
		}
		j, enc := i, false
		for j < len(b) && cover[j] != 0 {
			enc = enc || cover[j]&coverEnc != 0
			j++
		}
		if enc { // an encoded secret: mask its whole token
			for i > 0 && isB64(b[i-1]) {
				i--
			}
			for j < len(b) && (isB64(b[j]) || b[j] == '=') {
				j++
			}
			if len(runs) > 0 && i < runs[len(runs)-1][1] {
				i = runs[len(runs)-1][0]
				runs = runs[:len(runs)-1]
			}
		}
		runs = append(runs, [2]int{i, j})
		i = j
	}
	return runs
}

// markDecoded marks every base64, base32 or hex token of b (a maximal run
// of the base64 alphabet, minEncoded characters or more, nothing of it
// marked yet) whose decoded bytes carry a secret (find, one level deeper).
func (s *Scrubber) markDecoded(b []byte, depth int, cover []byte, mark func(a, n int, kind byte)) {
	for i := 0; i < len(b); {
		if !isB64(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isB64(b[j]) {
			j++
		}
		if j-i >= minEncoded && (cover == nil || bytes.IndexFunc(cover[i:j], func(r rune) bool { return r != 0 }) < 0) {
			for _, d := range decodings(b[i:j]) {
				if len(s.find(string(d), depth+1)) > 0 {
					mark(i, j-i, coverEnc)
					break
				}
			}
		}
		i = j
	}
	for _, r := range decimalRuns(b) {
		if cover != nil && bytes.IndexFunc(cover[r.a:r.b], func(r rune) bool { return r != 0 }) >= 0 {
			continue
		}
		if len(s.find(string(r.d), depth+1)) > 0 {
			mark(r.a, r.b-r.a, coverEnc)
		}
	}
}

// decodings returns what tok (a run of the base64 alphabet) decodes to as
// hex, base32 and base64, where it is valid as each.
func decodings(tok []byte) [][]byte {
	var out [][]byte
	if len(tok)%2 == 0 && isHex(tok) {
		if d, err := hex.DecodeString(string(tok)); err == nil {
			out = append(out, d)
		}
	}
	if up, ok := base32Token(tok); ok {
		n := len(up)
		if r := n % 8; r == 1 || r == 3 || r == 6 { // a last character without a whole byte
			n--
		}
		if d, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(up[:n]); err == nil {
			out = append(out, d)
		}
	}
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(tok, "-_") {
		if bytes.ContainsAny(tok, "+/") {
			return out
		}
		enc = base64.RawURLEncoding
	}
	n := len(tok)
	if n%4 == 1 { // a lone last character carries no whole byte
		n--
	}
	if d, err := enc.DecodeString(string(tok[:n])); err == nil {
		out = append(out, d)
	}
	return out
}

// base32Token returns tok in upper case when it is base32 in one case.
func base32Token(tok []byte) (string, bool) {
	upper, lower := true, true
	for _, c := range tok {
		switch {
		case c >= '2' && c <= '7':
		case c >= 'A' && c <= 'Z':
			lower = false
		case c >= 'a' && c <= 'z':
			upper = false
		default:
			return "", false
		}
	}
	if !upper && !lower {
		return "", false
	}
	return strings.ToUpper(string(tok)), true
}

// Values returns the registered secrets and their URL and base64 forms
// (for masking commands). The caller must not print them anywhere but an
// ::add-mask:: command.
func (s *Scrubber) Values() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.masks))
	for n := range s.masks {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
