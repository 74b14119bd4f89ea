package secret

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// leak returns a piece of key that out still carries, in plain text or
// after decoding escapes, base64 or hex, or "" when there is none.
func leak(out, key string) string {
	views := []string{out, string(newView(out).b)}
	for _, v := range views {
		lv := strings.ToLower(v)
		for i := 0; i+partialWindow <= len(key); i++ {
			if strings.Contains(v, key[i:i+partialWindow]) {
				return key[i : i+partialWindow]
			}
		}
		h := hex.EncodeToString([]byte(key))
		for i := 0; i+hexWindow <= len(h); i++ {
			if strings.Contains(lv, h[i:i+hexWindow]) {
				return "hex " + h[i:i+hexWindow]
			}
		}
		for _, m := range b64Middles(key) {
			for i := 0; i+b64Window <= len(m); i++ {
				if strings.Contains(v, m[i:i+b64Window]) {
					return "base64 " + m[i:i+b64Window]
				}
			}
		}
	}
	return ""
}

// escapeSome applies esc to the characters of s at the positions where
// pick is true, and leaves the rest as they are.
func escapeSome(s string, esc func(byte) string, pick func(int) bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if pick(i) {
			b.WriteString(esc(s[i]))
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func uEsc(c byte) string      { return fmt.Sprintf(`\u%04x`, c) }
func uEscUpper(c byte) string { return fmt.Sprintf(`\u%04X`, c) }
func pct(c byte) string       { return fmt.Sprintf("%%%02x", c) }
func pctUpper(c byte) string  { return fmt.Sprintf("%%%02X", c) }
func all(int) bool            { return true }
func every(n int) func(int) bool {
	return func(i int) bool { return i%n == 0 }
}

// encodings are the forms in which a server can hand a secret back. Each
// maps the secret to text that carries it.
var encodings = map[string]func(string) string{
	"plain":         func(k string) string { return k },
	"json-u-all":    func(k string) string { return escapeSome(k, uEsc, all) },
	"json-u-some":   func(k string) string { return escapeSome(k, uEsc, every(3)) },
	"json-u-upper":  func(k string) string { return escapeSome(k, uEscUpper, every(2)) },
	"json-u-first":  func(k string) string { return escapeSome(k, uEsc, func(i int) bool { return i == 0 }) },
	"json-double":   func(k string) string { return strings.ReplaceAll(escapeSome(k, uEsc, every(2)), `\`, `\\`) },
	"pct-all":       func(k string) string { return escapeSome(k, pct, all) },
	"pct-all-upper": func(k string) string { return escapeSome(k, pctUpper, all) },
	"pct-some":      func(k string) string { return escapeSome(k, pctUpper, every(4)) },
	"query-escape":  url.QueryEscape,
	"pct-double":    func(k string) string { return strings.ReplaceAll(escapeSome(k, pct, every(2)), "%", "%25") },
	"mixed-pct-u": func(k string) string {
		return escapeSome(escapeSome(k, uEsc, every(3)), pct, func(i int) bool { return i%5 == 1 })
	},
	"mixed-per-char": func(k string) string {
		return escapeSome(k, func(c byte) string { return [...]string{pct(c), uEsc(c)}[int(c)%2] }, every(2))
	},
	"mixed-all": func(k string) string {
		return escapeSome(k, func(c byte) string { return [...]string{pctUpper(c), uEscUpper(c), string(c)}[int(c)%3] }, all)
	},
	"u-letter-pct": func(k string) string {
		return escapeSome(k, func(c byte) string { return fmt.Sprintf(`\%%75%04x`, c) }, every(2))
	},
	"u-of-backslash": func(k string) string { return strings.ReplaceAll(escapeSome(k, uEsc, every(2)), `\`, `%5C`) },
	"html-dec": func(k string) string {
		return escapeSome(k, func(c byte) string { return fmt.Sprintf("&#%d;", c) }, every(2))
	},
	"html-hex": func(k string) string {
		return escapeSome(k, func(c byte) string { return fmt.Sprintf("&#x%x;", c) }, all)
	},
	"x-escape": func(k string) string {
		return escapeSome(k, func(c byte) string { return fmt.Sprintf(`\x%02x`, c) }, every(2))
	},
	"hex-lower":        func(k string) string { return hex.EncodeToString([]byte(k)) },
	"hex-upper":        func(k string) string { return strings.ToUpper(hex.EncodeToString([]byte(k))) },
	"hex-in-dump":      func(k string) string { return "0a0d" + hex.EncodeToString([]byte("Authorization: Bearer "+k)) + "0d0a" },
	"b64-std":          func(k string) string { return base64.StdEncoding.EncodeToString([]byte(k)) },
	"b64-url-raw":      func(k string) string { return base64.RawURLEncoding.EncodeToString([]byte(k)) },
	"b64-align-1":      func(k string) string { return base64.StdEncoding.EncodeToString([]byte("x" + k + "yz")) },
	"b64-align-2":      func(k string) string { return base64.RawStdEncoding.EncodeToString([]byte("xy" + k)) },
	"b64-basic":        func(k string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+k)) },
	"b64-url-align-2":  func(k string) string { return base64.URLEncoding.EncodeToString([]byte("ab" + k + "\xff\xfe")) },
	"b64-json-escaped": func(k string) string { return escapeSome(base64.StdEncoding.EncodeToString([]byte(k)), uEsc, every(5)) },
	"b64-pct": func(k string) string {
		return url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("\xfb\xff" + k)))
	},
	"prefix-partial": func(k string) string { return k[:len(k)/2] + "…" },
	"suffix-partial": func(k string) string { return "…" + k[len(k)-min(14, len(k)):] },
	"partial-u":      func(k string) string { return escapeSome(k[5:25], uEsc, every(2)) },
}

// ownKeys are secrets of different forms: a provider key, one that contains
// bytes base64 and URLs care about, and a short one (under partialWindow).
var ownKeys = []string{
	orKey,
	"pa+ss/w0rd=with:odd&chars~" + "0123456789",
	"Zq8#Lm2!vR9",
}

func TestScrubEncodings(t *testing.T) {
	for _, key := range ownKeys {
		var s Scrubber
		s.Add(key)
		for name, enc := range encodings {
			if len(key) < 20 && strings.Contains(name, "partial") {
				continue
			}
			carried := enc(key)
			for _, wrap := range []string{`{"error":{"message":"bad key %s","code":401}}`, "%s", "x%s,", `"%s"`} {
				in := fmt.Sprintf(wrap, carried)
				out := s.Scrub(in)
				if l := leak(out, key); l != "" && (len(key) >= partialWindow || strings.Contains(out, key)) {
					t.Errorf("%s of %.12q… in %q: output %q still carries %q", name, key, wrap, out, l)
				}
				if len(key) < partialWindow {
					v := string(newView(out).b)
					for _, f := range append(b64Middles(key), key, hex.EncodeToString([]byte(key))) {
						if len(f) >= minNeedle && strings.Contains(strings.ToLower(v), strings.ToLower(f)) {
							t.Errorf("%s of short key: output %q carries %q", name, out, f)
						}
					}
				}
			}
		}
	}
}

func TestScrubKeepsTextAroundAndIsStable(t *testing.T) {
	var s Scrubber
	s.Add(orKey)
	in := `{"error":{"message":"Incorrect API key provided: ` + escapeSome(orKey, uEsc, every(2)) + `. See docs.","code":401}}`
	out := s.Scrub(in)
	if !strings.HasPrefix(out, `{"error":{"message":"Incorrect API key provided: `) || !strings.HasSuffix(out, `. See docs.","code":401}}`) {
		t.Fatalf("text around the secret changed: %q", out)
	}
	if !strings.Contains(out, Fingerprint(orKey)) {
		t.Errorf("an escaped whole secret should become its fingerprint: %q", out)
	}
	if again := s.Scrub(out); again != out {
		t.Errorf("Scrub is not idempotent: %q → %q", out, again)
	}
	b := base64.StdEncoding.EncodeToString([]byte("user:" + orKey))
	out = s.Scrub("Authorization: Basic " + b + " rejected")
	if out != "Authorization: Basic "+Marker+" rejected" {
		t.Errorf("an encoded secret should mask its whole token: %q", out)
	}
}

func TestScrubInnocentText(t *testing.T) {
	var s Scrubber
	s.Add(orKey, "pa+ss/w0rd=with:odd&chars~0123456789")
	for _, in := range []string{
		`{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"rate limited \u2014 retry"}}}`,
		"100% of %s requests failed; see https://example.com/a%20b?x=1&y=2",
		`C:\path\to\file "quoted" \u00e9t\u00e9 &amp; &#9731;`,
		"deadbeef0123456789abcdef0123456789abcdef request-id 0e6f44a4",
		"sk-or-v1-0e…96 is the fingerprint and stays",
	} {
		if got := s.Scrub(in); got != in {
			t.Errorf("Scrub(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestValuesIncludesEncodings(t *testing.T) {
	var s Scrubber
	s.Add(orKey)
	vals := strings.Join(s.Values(), "\n")
	for _, want := range []string{orKey, url.QueryEscape(orKey), base64.StdEncoding.EncodeToString([]byte(orKey))} {
		if !strings.Contains(vals, want) {
			t.Errorf("Values() lacks %q", want)
		}
	}
}

func TestViewMapsBack(t *testing.T) {
	in := `a\u0062%63&#100;\x65\/f\\u0067`
	v := newView(in)
	if got := string(v.b); got != "abcde/fg" {
		t.Fatalf("view = %q", got)
	}
	a, b := v.span(1, 3) // "bc"
	if in[a:b] != `\u0062%63` {
		t.Errorf("span(1,3) = %q", in[a:b])
	}
	a, b = v.span(7, 8) // "g", decoded in the second round
	if in[a:b] != `\\u0067` {
		t.Errorf("span(7,8) = %q", in[a:b])
	}
}
