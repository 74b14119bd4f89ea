package secret

import (
	"encoding/base64"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"testing"
)

// fill draws n characters of alphabet from seed (cycled), so the fuzzer
// controls the credential's body while its shape stays valid.
func fill(seed []byte, alphabet string, n int) string {
	if len(seed) == 0 {
		seed = []byte{7, 3, 11, 5}
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[int(seed[i%len(seed)])*(i+1)%len(alphabet)]
	}
	return string(b)
}

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	lowerHex    = "0123456789abcdef"
	alnumSet    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64url      = alnumSet + "-_"
	b64std      = alnumSet + "+/"
)

// generators build one credential of each shape from a seed: the text that
// must disappear (secret) and the full credential.
var generators = []func(seed []byte) (cred, secret string){
	func(s []byte) (string, string) { k := fill(s, lowerHex, 64); return "sk-or-v1-" + k, k },
	func(s []byte) (string, string) { k := fill(s, b64url, 93) + "AA"; return "sk-ant-api03-" + k, k },
	func(s []byte) (string, string) { k := fill(s, b64url, 93) + "AA"; return "sk-ant-admin01-" + k, k },
	func(s []byte) (string, string) {
		k := fill(s, b64url, 74) + "T3BlbkFJ" + fill(s[min(1, len(s)):], b64url, 74)
		return "sk-proj-" + k, k
	},
	func(s []byte) (string, string) { k := fill(s, b64url, 58); return "sk-svcacct-" + k, k },
	func(s []byte) (string, string) { k := fill(s, alnumSet, 48); return "sk-" + k, k },
	func(s []byte) (string, string) { k := fill(s, alnumSet, 36); return "ghp_" + k, k },
	func(s []byte) (string, string) { k := fill(s, alnumSet, 36); return "ghs_" + k, k },
	func(s []byte) (string, string) {
		k := fill(s, alnumSet, 22) + "_" + fill(s, alnumSet, 59)
		return "github_pat_" + k, k
	},
	func(s []byte) (string, string) { k := fill(s, upperDigits, 16); return "AKIA" + k, k },
	func(s []byte) (string, string) {
		k := fill(s, b64std, 40)
		return "ASIA" + fill(s, upperDigits, 16) + "," + k, k
	},
	func(s []byte) (string, string) { k := fill(s, b64std, 40); return `"SecretAccessKey": "` + k + `"`, k },
	func(s []byte) (string, string) {
		k := fill(s, b64url, 20) + "." + "eyJ" + fill(s, b64url, 60) + "." + fill(s, b64url, 43)
		return "eyJ" + k, k
	},
	func(s []byte) (string, string) { k := fill(s, b64url, 35); return "AIza" + k, k },
	func(s []byte) (string, string) { k := fill(s, alnumSet, 52); return "gsk_" + k, k },
	func(s []byte) (string, string) { k := fill(s, alnumSet, 80); return "xai-" + k, k },
	func(s []byte) (string, string) {
		k := fill(s, "0123456789", 12) + "-" + fill(s, alnumSet, 24)
		return "xoxb-" + k, k
	},
	func(s []byte) (string, string) { k := fill(s, alnumSet, 34); return "hf_" + k, k },
	func(s []byte) (string, string) { k := fill(s, alnumSet, 24); return "sk_live_" + k, k },
	func(s []byte) (string, string) { k := fill(s, b64url, 40); return "Authorization: Bearer " + k, k },
	func(s []byte) (string, string) {
		k := fill(s, alnumSet, 24)
		return "postgres://app:" + k + "@db:5432/x", k
	},
}

// carriers put a credential into text the way a server might. The first
// four keep it readable, the next two encode it (the whole token must go),
// the rest put format characters or escape sequences between its
// characters or write it in fullwidth letters (the folded view).
var carriers = []func(string) string{
	func(c string) string { return c },
	func(c string) string { return escapeSome(c, uEsc, every(2)) },
	func(c string) string { return escapeSome(c, pctUpper, every(3)) },
	func(c string) string {
		return escapeSome(c, func(b byte) string { return [...]string{pct(b), uEsc(b)}[int(b)%2] }, all)
	},
	func(c string) string { return base64.StdEncoding.EncodeToString([]byte("user:" + c)) },
	func(c string) string { return hex.EncodeToString([]byte(c)) },
	func(c string) string { return joinChars(c, "\u200b") },
	func(c string) string { return joinChars(c, `\u00ad`) },
	func(c string) string { return joinChars(c, "\x1b[0m") },
	func(c string) string {
		return mapASCII(c, func(r rune) rune { return r + 0xFEE0*b2i(r > 0x20 && r < 0x7f) })
	},
}

// foldedString is the folded views of the decoded view of s (what Redact
// searches besides the decoded view), one per line.
func foldedString(s string) string {
	d := string(newView(s).b)
	out := d
	if f := foldedView(d); f != nil {
		out += "\n" + string(f.b)
	}
	// A reader whose terminal takes only the ESC and shows the rest.
	out += "\n" + strings.Map(func(r rune) rune {
		if r == 0x1b || r >= 0x80 && r < 0xa0 || r == 0xad || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e {
			return -1
		}
		return r
	}, d)
	return out
}

func FuzzRedact(f *testing.F) {
	f.Add("Incorrect API key provided: ", uint8(0), uint8(0), uint16(28), []byte("seed"))
	f.Add(`{"error":{"message":"bad \u0073k"}}`, uint8(9), uint8(1), uint16(5), []byte{1, 2, 3})
	f.Add("AKIA", uint8(10), uint8(2), uint16(0), []byte{})
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJ", uint8(12), uint8(4), uint16(3), []byte{255, 0})
	f.Add("sk-or-v1-ab…f3 %25%5Cu0073 \\\\u &#x73;", uint8(3), uint8(5), uint16(9), []byte("x"))
	f.Fuzz(func(t *testing.T, text string, which, how uint8, at uint16, seed []byte) {
		out := Redact(text)
		if again := Redact(out); again != out {
			t.Fatalf("not idempotent:\n in   %q\n once %q\n twice %q", text, out, again)
		}
		cred, secret := generators[int(which)%len(generators)](seed)
		carried := carriers[int(how)%len(carriers)](cred)
		pos := int(at) % (len(text) + 1)
		in := text[:pos] + " " + carried + " " + text[pos:]
		out = Redact(in)
		if again := Redact(out); again != out {
			t.Fatalf("not idempotent:\n in   %q\n once %q\n twice %q", in, out, again)
		}
		view := string(newView(out).b)
		// The text around the credential may hold the secret itself; count
		// it with a neutral token in the credential's place.
		ctx := text[:pos] + " . " + text[pos:]
		before := strings.Count(string(newView(ctx).b), secret) + strings.Count(ctx, secret) + strings.Count(foldedString(ctx), secret)
		if strings.Count(out, secret)+strings.Count(view, secret)+strings.Count(foldedString(out), secret) > before {
			t.Fatalf("credential %q (carried as %q) survived:\n in  %q\n out %q", cred, carried, in, out)
		}
		if k := how % uint8(len(carriers)); k >= 4 && k < 6 && strings.Contains(out, carried) {
			t.Fatalf("encoded credential %q survived in %q", carried, out)
		}
	})
}

// FuzzScrub embeds a registered secret, in one of several encodings or
// normalisable forms, in random text: no 12-byte piece of it (plain, or its
// base64 or hex) may survive, the normalised view of the output (and of its
// decoded view) never holds normWindow characters of the normalised secret,
// reversed or not, or of its hex (for a secret of normMin significant
// characters), and Scrub is idempotent.
func FuzzScrub(f *testing.F) {
	f.Add("Received API Key = ", orKey, uint8(0), uint16(19))
	f.Add(`{"error":{"message":"`, "pa+ss/w0rd=with:odd~chars0123", uint8(5), uint16(3))
	f.Add("%%%\\\\\\&&&", "Zq8#Lm2!vR9xYz", uint8(9), uint16(4))
	f.Add("bad ", "AbCdEfGhIjKlMnOpQrStUvWxYz012345", uint8(20), uint16(4))
	f.Add("\x1b]0;", "lk_8GfTq2Vx9LmZ4rW7pN3sK6yHb", uint8(33), uint16(1))
	f.Fuzz(func(t *testing.T, text, key string, how uint8, at uint16) {
		key = strings.TrimSpace(key)
		if len(key) < partialWindow || len(key) > 256 || strings.ContainsAny(key, "\\%&") {
			return // escape introducers in a key: see TestScrubKeyWithIntroducers
		}
		var s Scrubber
		s.Add(key)
		names := []string{"plain", "json-u-all", "json-u-some", "json-double", "pct-all", "pct-some", "query-escape",
			"mixed-per-char", "mixed-all", "html-dec", "hex-lower", "hex-upper", "b64-std", "b64-url-raw",
			"b64-align-1", "b64-align-2", "b64-basic", "b64-pct", "prefix-partial", "suffix-partial"}
		forms := make([]func(string) string, 0, len(names)+len(normalisedEchoes))
		for _, n := range names {
			forms = append(forms, encodings[n])
		}
		echoes := slices.Sorted(maps.Keys(normalisedEchoes))
		for _, n := range echoes {
			forms = append(forms, normalisedEchoes[n])
		}
		carried := forms[int(how)%len(forms)](key)
		pos := int(at) % (len(text) + 1)
		in := text[:pos] + " " + carried + " " + text[pos:]
		out := s.Scrub(in)
		if l := leak(out, key); l != "" {
			t.Fatalf("secret %q carried as %q leaked %q:\n in  %q\n out %q", key, carried, l, in, out)
		}
		if len(normString(key)) >= normMin {
			if l := normLeak(out, key); l != "" {
				t.Fatalf("secret %q carried as %q: the normalised output holds %q:\n in  %q\n out %q", key, carried, l, in, out)
			}
		}
		if again := s.Scrub(out); again != out {
			t.Fatalf("not idempotent:\n once %q\n twice %q", out, again)
		}
	})
}

func TestScrubKeyWithIntroducers(t *testing.T) {
	for _, key := range []string{`p%40ss&w0rd\with-escapes`, `abc%2Fdef%2Fghi%2Fjkl`, `a\"quoted\"password!`} {
		var s Scrubber
		s.Add(key)
		for _, name := range []string{"plain", "json-u-all", "pct-all", "query-escape", "hex-lower", "b64-std"} {
			in := "x " + encodings[name](key) + " y"
			out := s.Scrub(in)
			if strings.Contains(out, key) || strings.Contains(out, encodings[name](key)) || leak(out, key) != "" {
				t.Errorf("%s of %q: %q", name, key, out)
			}
		}
	}
}
