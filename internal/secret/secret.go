// Package secret keeps credentials out of every output. Fingerprint gives
// the only printable form of a credential; Scrubber removes known
// credentials (and their common encodings) from text at the point an error
// or excerpt is created.
package secret

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// knownPrefixes are the public, non-secret prefixes of provider keys, longest
// first. A fingerprint shows them so a reader can tell which provider a key
// belongs to.
var knownPrefixes = []string{"sk-or-v1-", "sk-ant-api03-", "sk-ant-", "sk-proj-", "sk-svcacct-", "sk-", "gsk_", "AIza"}

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

// Scrubber replaces registered secrets and their encodings with their
// fingerprints. It is safe for concurrent use. The zero value is usable.
type Scrubber struct {
	mu      sync.RWMutex
	secrets map[string]string   // needle → replacement
	needles []string            // sorted longest first
	windows map[string]struct{} // every partialWindow-byte substring of every secret
}

// Add registers credential values. Empty or very short values are ignored.
func (s *Scrubber) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secrets == nil {
		s.secrets = map[string]string{}
	}
	for _, v := range values {
		for _, t := range []string{v, strings.TrimSpace(v), strings.Trim(strings.TrimSpace(v), `"'`)} {
			if len(t) < minSecret {
				continue
			}
			fp := Fingerprint(t)
			if s.windows == nil {
				s.windows = map[string]struct{}{}
			}
			for i := 0; i+partialWindow <= len(t); i++ {
				s.windows[t[i:i+partialWindow]] = struct{}{}
			}
			for _, n := range variants(t) {
				if len(n) >= minSecret {
					s.secrets[n] = fp
				}
			}
		}
	}
	s.needles = s.needles[:0]
	for n := range s.secrets {
		s.needles = append(s.needles, n)
	}
	sort.Slice(s.needles, func(i, j int) bool { return len(s.needles[i]) > len(s.needles[j]) })
}

// variants lists the encodings under which a secret can come back in a body
// or an error: plain, URL-encoded, base64 (std and URL alphabets, with and
// without padding), the base64 of "user:secret" style basic auth is covered
// by the secret's own base64 only when aligned, so the basic form ":secret"
// is added too.
func variants(v string) []string {
	out := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	for _, in := range []string{v, ":" + v} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			e := enc.EncodeToString([]byte(in))
			// Drop the first/last 4 chars that depend on neighbouring
			// bytes; the middle is stable wherever the secret sits.
			out = append(out, e)
			if len(e) > 16 {
				out = append(out, e[4:len(e)-4])
			}
		}
	}
	return out
}

// Scrub returns text with every registered secret replaced. It also removes
// any run of 12 or more characters shared with a secret (partial echoes such
// as "Received API Key = sk-or-v1-0e6f44a47a05…").
func (s *Scrubber) Scrub(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, n := range s.needles {
		if strings.Contains(text, n) {
			text = strings.ReplaceAll(text, n, s.secrets[n])
		}
	}
	return s.scrubPartial(text)
}

// partialWindow is the length of a shared substring treated as a leak.
const partialWindow = 12

// scrubPartial masks every run of text that shares partialWindow or more
// consecutive bytes with a registered secret. It is written by hand because
// no library does substring-of-secret redaction. One pass over text with a
// set of all the secrets' windows: O(len(text)) map lookups, however many
// and however long the secrets are.
func (s *Scrubber) scrubPartial(text string) string {
	if len(s.windows) == 0 || len(text) < partialWindow {
		return text
	}
	var cover []bool // bytes of text that belong to some secret's window
	for i := 0; i+partialWindow <= len(text); i++ {
		if _, ok := s.windows[text[i:i+partialWindow]]; ok {
			if cover == nil {
				cover = make([]bool, len(text))
			}
			for k := i; k < i+partialWindow; k++ {
				cover[k] = true
			}
		}
	}
	if cover == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		if !cover[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		for i < len(text) && cover[i] {
			i++
		}
		b.WriteString("[REDACTED]")
	}
	return b.String()
}

// Values returns the registered raw secrets (for masking commands). The
// caller must not print them anywhere but an ::add-mask:: command.
func (s *Scrubber) Values() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.secrets))
	for n := range s.secrets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
