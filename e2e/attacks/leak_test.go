// Package attacks runs hopcheck against loopback fakes that play the
// attacker: an upstream, a proxy or a file in the pull request trying to
// make hopcheck leak or misuse a credential. Each test fails on a hopcheck
// without the defence it names.
package attacks

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/testutil/surfaces"
)

func leakRand(t *testing.T, alphabet string, n int) string {
	t.Helper()
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

const (
	leakAlnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	leakB64URL      = leakAlnum + "-_"
	leakB64Std      = leakAlnum + "+/"
	leakUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	leakHex         = "0123456789abcdef"
	leakTag         = "upstream-echo"
)

// leakEchoed is a credential in the form an upstream hands it back: the text
// in the body, and the secret part that must never reach an output.
type leakEchoed struct {
	name, text, secret string
}

// leakForeignCredentials are fresh credentials of every common shape that
// hopcheck never holds: a proxy's own upstream keys, a runner token, cloud
// keys, as a misconfigured or hostile upstream prints them in an error.
func leakForeignCredentials(t *testing.T) []leakEchoed {
	var out []leakEchoed
	add := func(name, prefix, secret string) {
		out = append(out, leakEchoed{name, prefix + secret, secret})
	}
	add("openrouter", "sk-or-v1-", leakRand(t, leakHex, 64))
	add("openai-project", "sk-proj-", leakRand(t, leakB64URL, 74)+"T3BlbkFJ"+leakRand(t, leakB64URL, 74))
	add("anthropic", "sk-ant-api03-", leakRand(t, leakB64URL, 93)+"AA")
	add("github-classic", "ghp_", leakRand(t, leakAlnum, 36))
	add("github-fine-grained", "github_pat_", leakRand(t, leakAlnum, 22)+"_"+leakRand(t, leakAlnum, 59))
	id, sec := leakRand(t, leakUpperDigits, 16), leakRand(t, leakB64Std, 40)
	add("aws-access-key-id", "AKIA", id)
	out = append(out, leakEchoed{"aws-secret-access-key", "AKIA" + id + ":" + sec, sec})
	jwtBody := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://token.actions.githubusercontent.com","sub":"repo:o/r","scp":"Actions.Results:`+leakRand(t, leakAlnum, 24)+`"}`)) + "." +
		leakRand(t, leakB64URL, 86)
	out = append(out, leakEchoed{"jwt", jwtBody, jwtBody[3:]})
	add("google", "AIza", leakRand(t, leakB64URL, 35))
	return out
}

// leakEchoServer answers every request under /<n>/ with status and the
// body body(n, request) gives.
func leakEchoServer(t *testing.T, status int, body func(n int, r *http.Request) string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		n, err := strconv.Atoi(seg)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body(n, r))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// leakChainsConfig writes one single-hop chain per echo path, alternating a
// LiteLLM proxy and an OpenRouter hop.
func leakChainsConfig(url string, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\ndefaults: {timeout: 3s}\nchains:\n")
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "  - name: c%d\n    model: openrouter/anthropic/claude-sonnet-4.5\n    hops:\n      - name: litellm%d\n        type: litellm\n        url: %s/%d\n        key_env: LITELLM_KEY\n", i, i, url, i)
		} else {
			fmt.Fprintf(&b, "  - name: c%d\n    model: anthropic/claude-sonnet-4.5\n    hops:\n      - name: openrouter%d\n        type: openrouter\n        url: %s/%d/api/v1\n        key_env: OPENROUTER_API_KEY\n", i, i, url, i)
		}
	}
	return b.String()
}

var (
	leakReU   = regexp.MustCompile(`\\[uU]00([0-7][0-9a-fA-F])`)
	leakRePct = regexp.MustCompile(`%([0-9a-fA-F]{2})`)
)

// leakDecoded undoes JSON \u escapes, percent-encoding and doubled backslashes
// (a few rounds, for nested forms), so an escaped credential in an output
// is found like a plain one.
func leakDecoded(s string) string {
	unhex := func(m string) string {
		v, _ := strconv.ParseUint(m[len(m)-2:], 16, 8)
		return string(rune(v))
	}
	for i := 0; i < 3; i++ {
		s = strings.ReplaceAll(s, `\\`, `\`)
		s = leakReU.ReplaceAllStringFunc(s, unhex)
		s = leakRePct.ReplaceAllStringFunc(s, unhex)
	}
	return s
}

// leakFind returns a 12-character piece of secret (plain, or its 24-digit hex
// in either case) found in text or in its decoded form, or "".
func leakFind(text, secret string) string {
	views := []string{text, leakDecoded(text)}
	for _, v := range views {
		for i := 0; i+12 <= len(secret); i++ {
			if strings.Contains(v, secret[i:i+12]) {
				return secret[i : i+12]
			}
		}
		lv, h := strings.ToLower(v), hex.EncodeToString([]byte(secret))
		for i := 0; i+24 <= len(h); i += 2 {
			if strings.Contains(lv, h[i:i+24]) {
				return "hex " + h[i:i+24]
			}
		}
	}
	return ""
}

func leakCheckSurfaces(t *testing.T, outputs map[string]string, secrets []leakEchoed) {
	t.Helper()
	for surface, text := range outputs {
		for _, s := range secrets {
			if piece := leakFind(text, s.secret); piece != "" {
				k := strings.Index(leakDecoded(text), piece)
				if k < 0 {
					k = 0
				}
				t.Errorf("%s: %s leakFind (%q) near …%s…", surface, s.name, piece, leakDecoded(text)[max(0, k-50):min(len(leakDecoded(text)), k+30)])
			}
		}
	}
}

// TestForeignCredentialsInErrorBodies: upstreams echo credentials hopcheck
// never held (a proxy's own upstream keys, cloud keys, a runner JWT) in
// their error bodies. None may reach the text, JSON, SARIF or JUnit report,
// the report files, the annotations, the step summary, the step outputs or
// the PR comment and check run payloads.
func TestForeignCredentialsInErrorBodies(t *testing.T) {
	creds := leakForeignCredentials(t)
	srv := leakEchoServer(t, http.StatusUnauthorized, func(n int, _ *http.Request) string {
		c := creds[n%len(creds)]
		return fmt.Sprintf(`{"error":{"message":"%s: upstream rejected %s (retry later)","type":"auth_error","code":401}}`, leakTag, c.text)
	})
	vars := map[string]string{
		"LITELLM_KEY":        "sk-" + leakRand(t, leakAlnum, 22),
		"OPENROUTER_API_KEY": "sk-or-v1-" + leakRand(t, leakHex, 64),
	}
	outputs := surfaces.Collect(t, leakChainsConfig(srv.URL, len(creds)), vars)
	for _, s := range []string{"check text stdout", "check json stdout", "action summary.md", "GitHub API payloads", "action stdout"} {
		if !strings.Contains(outputs[s], leakTag) {
			t.Fatalf("%s does not show the upstream's error text; the test would prove nothing:\n%s", s, outputs[s])
		}
	}
	leakCheckSurfaces(t, outputs, creds)
}

// TestOwnKeyEchoedEncoded: upstreams echo the job's own key back escaped or
// encoded — JSON \u escapes (every character or some), hex (lower and
// upper case), a mix of percent and \u escapes, JSON inside JSON. No piece
// of the key may reach any output, stderr included.
func TestOwnKeyEchoedEncoded(t *testing.T) {
	escape := func(k string, pick func(i int) bool, esc func(c byte, i int) string) string {
		var b strings.Builder
		for i := 0; i < len(k); i++ {
			if pick(i) {
				b.WriteString(esc(k[i], i))
			} else {
				b.WriteByte(k[i])
			}
		}
		return b.String()
	}
	all := func(int) bool { return true }
	uesc := func(c byte, _ int) string { return fmt.Sprintf(`\u%04x`, c) }
	forms := []func(string) string{
		func(k string) string { return escape(k, all, uesc) },
		func(k string) string { return escape(k, func(i int) bool { return i%3 == 1 }, uesc) },
		func(k string) string { return escape(k, func(i int) bool { return i < 2 }, uesc) },
		func(k string) string { return hex.EncodeToString([]byte(k)) },
		func(k string) string { return strings.ToUpper(hex.EncodeToString([]byte(k))) },
		func(k string) string {
			return escape(k, all, func(c byte, i int) string {
				if i%2 == 0 {
					return fmt.Sprintf("%%%02X", c)
				}
				return fmt.Sprintf(`\u%04X`, c)
			})
		},
		func(k string) string {
			return strings.ReplaceAll(escape(k, func(i int) bool { return i%2 == 0 }, uesc), `\`, `\\`)
		},
	}
	srv := leakEchoServer(t, http.StatusUnauthorized, func(n int, r *http.Request) string {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		return fmt.Sprintf(`{"error":{"message":"%s: Incorrect API key provided: %s","code":401}}`, leakTag, forms[n%len(forms)](key))
	})
	orKey := "sk-or-v1-" + leakRand(t, leakHex, 64)
	liteKey := "sk-" + leakRand(t, leakAlnum, 40)
	outputs := surfaces.Collect(t, leakChainsConfig(srv.URL, 2*len(forms)), map[string]string{"LITELLM_KEY": liteKey, "OPENROUTER_API_KEY": orKey})
	if !strings.Contains(outputs["check text stdout"], leakTag) || !strings.Contains(outputs["GitHub API payloads"], leakTag) {
		t.Fatalf("the upstream's error text did not reach the outputs; the test would prove nothing:\n%s", outputs["check text stdout"])
	}
	leakCheckSurfaces(t, outputs, []leakEchoed{{"OPENROUTER_API_KEY", orKey, orKey}, {"LITELLM_KEY", liteKey, liteKey}})
}

// leakNormalised is the normalised form of s: escapes undone (leakDecoded),
// fullwidth letters folded, lower case, only letters and digits kept. A key
// whose characters an output keeps apart (spaces, zero-width spaces, colour
// codes, one JSON string each) or writes in another case or width is one
// contiguous run here.
func leakNormalised(s string) string {
	var b strings.Builder
	for _, r := range width.Fold.String(leakDecoded(s)) {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// leakNormFind returns a 12-character piece of secret that text still
// carries after normalisation: of the secret, the secret reversed, or its
// hex; or a 24-character piece of its base32 or of the base64 of its hex.
func leakNormFind(text, secret string) string {
	n := leakNormalised(secret)
	rev := []rune(n)
	slices.Reverse(rev)
	nt := leakNormalised(text)
	for _, f := range []string{n, string(rev), hex.EncodeToString([]byte(secret))} {
		for i := 0; i+12 <= len(f); i++ {
			if strings.Contains(nt, f[i:i+12]) {
				return "normalised " + f[i:i+12]
			}
		}
	}
	for i := 0; i+12 <= len(secret); i++ {
		for _, sep := range []string{",", ", ", " ", ";"} {
			if d := leakDecimal(secret[i:i+12], sep); strings.Contains(text, d) {
				return "decimal codes " + d
			}
		}
	}
	for _, f := range []string{strings.ToLower(base32.StdEncoding.EncodeToString([]byte(secret))),
		leakNormalised(base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString([]byte(secret)))))} {
		for i := 0; i+24 <= len(f); i++ {
			if strings.Contains(nt, f[i:i+24]) {
				return "encoded " + f[i:i+24]
			}
		}
	}
	return ""
}

// leakOrdinary is provider text with words, a model name, a URL, a request
// id and a region: with the job's keys registered, scrubbing on the
// normalised view (which joins words) must leave all of it alone.
const leakOrdinary = "Incorrect API key provided for model mistral-small-latest. See https://docs.mistral.ai/api/ (request 0e6f44a4-7c1d-4b9e-9f3a-1d2c3b4a5f60, region eu-west-1)"

// TestOwnKeyEchoedNormalised: upstreams echo the job's own keys in forms a
// later normalisation makes readable again — a zero-width space, a soft
// hyphen or a colour reset between the characters (raw or as JSON escapes,
// which the report's JSON decoding and terminal sanitising remove), one
// space between the characters, pieces shorter than 12 characters, a JSON
// array of single characters, reversed, upper-cased, fullwidth, hex with
// spaces, octal escapes, base32, base64 of the hex. Keys with no shape a
// scanner knows (a Mistral key, a gateway key) are found only by the job's
// Scrubber: no piece of any key may reach any output surface.
func TestOwnKeyEchoedNormalised(t *testing.T) {
	fullwidth := func(k string) string {
		var b strings.Builder
		for _, r := range k {
			if r > 0x20 && r < 0x7f {
				r += 0xFEE0
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	join := func(k, sep string) string { return strings.Join(strings.Split(k, ""), sep) }
	chunk := func(k string, n int, sep string) string {
		var parts []string
		for i := 0; i < len(k); i += n {
			parts = append(parts, k[i:min(len(k), i+n)])
		}
		return strings.Join(parts, sep)
	}
	jsonStr := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	type form struct {
		name string
		body func(key string) string
	}
	forms := []form{
		{"zwsp", func(k string) string { return `{"error":` + jsonStr("bad "+join(k, "\u200b")) + `}` }},
		{"zwsp-escaped", func(k string) string { return `{"error":"bad ` + join(k, `\u200b`) + `"}` }},
		{"soft-hyphen", func(k string) string { return `{"error":` + jsonStr("bad "+join(k, "\u00ad")) + `}` }},
		{"ansi-escaped", func(k string) string { return `{"error":"bad ` + join(k, `\u001b[0m`) + `"}` }},
		{"spaced", func(k string) string { return `{"error":"bad ` + join(k, " ") + `"}` }},
		{"chunk10", func(k string) string { return `{"error":"bad ` + chunk(k, 10, " ") + `"}` }},
		{"chunk11-lines", func(k string) string { return "bad\n" + chunk(k, 11, "\n") }},
		{"json-array", func(k string) string {
			b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": "bad", "chars": strings.Split(k, "")}})
			return string(b)
		}},
		{"reversed", func(k string) string { b := []byte(k); slices.Reverse(b); return `{"error":"bad ` + string(b) + `"}` }},
		{"upper", func(k string) string { return `{"error":"bad ` + strings.ToUpper(k) + `"}` }},
		{"fullwidth", func(k string) string { return `{"error":` + jsonStr("bad "+fullwidth(k)) + `}` }},
		{"hex-spaced", func(k string) string { return `{"error":"bad ` + chunk(hex.EncodeToString([]byte(k)), 2, " ") + `"}` }},
		{"octal", func(k string) string {
			var b strings.Builder
			for i := 0; i < len(k); i++ {
				fmt.Fprintf(&b, `\%03o`, k[i])
			}
			return `{"error":"bad ` + b.String() + `"}`
		}},
		{"base32", func(k string) string { return `{"error":"bad ` + base32.StdEncoding.EncodeToString([]byte(k)) + `"}` }},
		// A Node.js Buffer serialised as JSON, and a byte dump.
		{"decimal-buffer", func(k string) string {
			b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": "bad", "key": map[string]any{"type": "Buffer", "data": []byte(k)}}})
			return string(b)
		}},
		{"decimal-list", func(k string) string { return `{"error":"bad ` + leakDecimal(k, ", ") + `"}` }},
		{"base64-of-hex", func(k string) string {
			return `{"error":"bad ` + base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString([]byte(k)))) + `"}`
		}},
	}
	keys := map[string]string{
		"MISTRAL_API_KEY":    leakRand(t, leakAlnum, 32),
		"GATEWAY_KEY":        "lk_" + leakRand(t, leakAlnum, 28),
		"OPENROUTER_API_KEY": "sk-or-v1-" + leakRand(t, leakHex, 64),
	}
	hops := []struct{ typ, path, env string }{
		{"mistral", "/v1", "MISTRAL_API_KEY"},
		{"openai-compatible", "/v1", "GATEWAY_KEY"},
		{"openrouter", "/api/v1", "OPENROUTER_API_KEY"},
	}
	srv := leakEchoServer(t, http.StatusUnauthorized, func(n int, r *http.Request) string {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if key == "" {
			key = r.Header.Get("x-api-key")
		}
		f := forms[(n/len(hops))%len(forms)]
		body := f.body(key)
		if !strings.HasPrefix(body, "{") {
			return body
		}
		return strings.Replace(body, `"bad`, `"`+leakOrdinary+" "+leakTag+` bad`, 1)
	})
	var cfg strings.Builder
	cfg.WriteString("version: 1\ndefaults: {timeout: 3s}\nchains:\n")
	for i := 0; i < len(forms)*len(hops); i++ {
		h := hops[i%len(hops)]
		fmt.Fprintf(&cfg, "  - name: c%d-%s\n    model: m\n    hops:\n      - name: h%d\n        type: %s\n        url: %s/%d%s\n        key_env: %s\n",
			i, forms[i/len(hops)].name, i, h.typ, srv.URL, i, h.path, h.env)
	}
	outputs := surfaces.Collect(t, cfg.String(), keys)
	for _, s := range []string{"check text stdout", "check json stdout", "action summary.md", "action " + cli.ReportFile, "GitHub API payloads",
		"monitor issue payloads", "action monitor summary.md"} {
		if !strings.Contains(outputs[s], leakTag) {
			t.Fatalf("%s does not show the upstream's error text; the test would prove nothing:\n%s", s, outputs[s])
		}
	}
	// No false redaction: wherever the upstream's text is shown, the
	// ordinary words before the echo are shown as they were sent.
	for surface, text := range outputs {
		if strings.Contains(text, leakTag) && !strings.Contains(leakDecoded(text), leakOrdinary) {
			t.Errorf("%s shows the upstream's text but not the ordinary words before the echo intact (%q):\n%s", surface, leakOrdinary, text)
		}
	}
	var secrets []leakEchoed
	for env, k := range keys {
		secrets = append(secrets, leakEchoed{env, k, k})
	}
	leakCheckSurfaces(t, outputs, secrets)
	for surface, text := range outputs {
		for _, s := range secrets {
			if piece := leakNormFind(text, s.secret); piece != "" {
				t.Errorf("%s: %s readable after normalisation (%s)", surface, s.name, piece)
			}
		}
	}
}

// leakDecimal writes s as decimal character codes joined by sep.
func leakDecimal(s, sep string) string {
	parts := make([]string, len(s))
	for i := 0; i < len(s); i++ {
		parts[i] = strconv.Itoa(int(s[i]))
	}
	return strings.Join(parts, sep)
}
