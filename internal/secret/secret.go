// Package secret keeps credentials out of every output. Fingerprint gives
// the only printable form of a credential; Scrubber removes the job's own
// credentials (and their encodings) from text at the point an error or
// excerpt is created; Redact removes every credential of a known shape,
// whoever it belongs to, and runs again in every reporter.
package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
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
// fingerprint and every other run that shares partialWindow bytes with a
// secret (a partial echo such as "Received API Key = sk-or-v1-0e6f44a47a05…")
// replaced by Marker. Secrets are found after decoding \u, %HH, &#…; and
// backslash escapes (in any mix, see view), and in base64 (any alignment,
// either alphabet, padded or not) and hex (either case); an encoded hit masks
// its whole token. Then every credential shape is redacted (Redact), so
// credentials the job never held are removed too.
func (s *Scrubber) Scrub(text string) string {
	if s == nil || text == "" {
		return Redact(text)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.secrets) > 0 {
		text = s.scrubOwn(text)
	}
	return Redact(text)
}

// Cover kinds: which search marked a byte of the view.
const (
	coverPlain = 1 << iota
	coverEnc
)

// scrubOwn masks the registered secrets. It is written by hand because no
// library does substring-of-secret redaction across encodings. One pass
// over the decoded view per window set (see windowSet): linear in the text,
// however many and however long the secrets are.
func (s *Scrubber) scrubOwn(text string) string {
	v := newView(text)
	b := v.b
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
		lower = bytes.ToLower(b)
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
	if cover == nil {
		return text
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
	return v.mask(text, runs, func(a, c int) string {
		if fp, ok := s.secrets[string(b[a:c])]; ok {
			return fp
		}
		return Marker
	})
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
