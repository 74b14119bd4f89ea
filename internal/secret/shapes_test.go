package secret

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// rep repeats an alphabet to n characters: realistic-length test keys
// without any real credential.
func rep(alphabet string, n int) string {
	return strings.Repeat(alphabet, n/len(alphabet)+1)[:n]
}

const (
	alnum  = "a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ"
	b64set = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY+EXAMPLEKEY"
)

// shapeCases: for every shape, credentials in its published form (kept
// prefix → credential) that must be redacted, and look-alikes that must
// not. The expected output keeps exactly the public prefix.
var shapeCases = []struct {
	id   string
	keys map[string]string // credential → what replaces it
	not  []string
}{
	{"openrouter", map[string]string{
		"sk-or-v1-" + rep("0e6f44a47a05f1da", 64): "sk-or-v1-" + Marker,
		"sk-or-v1-" + rep("abcdef0123", 24):       "sk-or-v1-" + Marker,
	}, []string{"sk-or-v1-ab…f3", "sk-or-v1-0e6f44a47a05…", "sk-or-v1-" + rep("ab", 12)}},
	{"anthropic", map[string]string{
		"sk-ant-api03-" + rep(alnum+"_-", 93) + "AA": "sk-ant-api03-" + Marker,
		"sk-ant-admin01-" + rep(alnum, 93) + "AA":    "sk-ant-admin01-" + Marker,
		"sk-ant-oat01-" + rep(alnum, 40):             "sk-ant-oat01-" + Marker,
	}, []string{"sk-ant-api0…89", "sk-ant-api03-short"}},
	{"openai", map[string]string{
		"sk-proj-" + rep(alnum+"_-", 74) + "T3BlbkFJ" + rep(alnum, 74): "sk-proj-" + Marker,
		"sk-svcacct-" + rep(alnum, 58) + "T3BlbkFJ" + rep(alnum, 58):   "sk-svcacct-" + Marker,
		"sk-admin-" + rep(alnum, 58) + "T3BlbkFJ" + rep(alnum, 58):     "sk-admin-" + Marker,
		"sk-proj-" + rep(alnum, 40):                                    "sk-proj-" + Marker,
	}, []string{"sk-proj-ab…yz", "sk-proj-tiny"}},
	{"openai-legacy", map[string]string{
		"sk-" + rep(alnum, 20) + "T3BlbkFJ" + rep(alnum, 20): "sk-" + Marker,
		"sk-" + rep("0123456789abcdef", 32):                  "sk-" + Marker,
		"sk-" + rep(alnum, 22):                               "sk-" + Marker, // LiteLLM virtual key
	}, []string{"sk-ab…yz", "task-" + rep("abcdefghij", 24), "desk-" + rep("abc123", 30), "sk-1234", "sk-local-master-key-0000"}},
	{"provider-prefixed", map[string]string{
		"nvapi-" + rep(alnum+"_-", 64): "nvapi-" + Marker,
		"pplx-" + rep(alnum, 48):       "pplx-" + Marker,
		"csk-" + rep(alnum, 48):        "csk-" + Marker,
		"fw_" + rep(alnum, 24):         "fw_" + Marker,
		"fpk_" + rep(alnum, 24):        "fpk_" + Marker,
	}, []string{"nvapi-ab…yz", "pplx-short", "task-csk-short", "rfw_" + rep(alnum, 24)}},
	{"bedrock-api-key", map[string]string{
		"ABSK" + rep(b64set, 132) + "==":            "ABSK" + Marker,
		"bedrock-api-key-" + rep(b64set, 200) + "=": "bedrock-api-key-" + Marker,
	}, []string{"ABSKab…yz", "XABSK" + rep(b64set, 60)}},
	{"stripe", map[string]string{
		"sk_live_" + rep(alnum, 24): "sk_live_" + Marker,
		"rk_test_" + rep(alnum, 99): "rk_test_" + Marker,
	}, []string{"sk_live_short", "pk_live_" + rep(alnum, 24)}},
	{"github", map[string]string{
		"ghp_" + rep(alnum, 36): "ghp_" + Marker,
		"gho_" + rep(alnum, 36): "gho_" + Marker,
		"ghu_" + rep(alnum, 36): "ghu_" + Marker,
		"ghs_" + rep(alnum, 36): "ghs_" + Marker,
		"ghr_" + rep(alnum, 36): "ghr_" + Marker,
	}, []string{"ghp_short", "ghx_" + rep(alnum, 36), "ghp_ab…yz"}},
	{"github-pat", map[string]string{
		"github_pat_" + rep(alnum, 22) + "_" + rep(alnum, 59): "github_pat_" + Marker,
	}, []string{"github_pat_short"}},
	{"aws-access-key-id", map[string]string{
		"AKIAIOSFODNN7EXAMPLE": "AKIA" + Marker,
		"ASIAY34FZKBOKMUTVV7A": "ASIA" + Marker,
	}, []string{"AKIAIOSFODNN7EXAMPLEX", "ASIAPACIFIC", "xAKIAIOSFODNN7EXAMPLE", "AKIA…MPLE"}},
	{"jwt", map[string]string{
		"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0." + rep(alnum+"_-", 86): "eyJ" + Marker,
		"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.": "eyJ" + Marker,
	}, []string{"eyJhbGciOiJIUzI1NiJ9", "eyJ.eyJ.", "eyJhbGciOiJI…"}},
	{"google-api-key", map[string]string{
		"AIza" + rep(alnum+"_-", 35): "AIza" + Marker,
	}, []string{"AIzaShort", "AIza…xyz"}},
	{"groq", map[string]string{"gsk_" + rep(alnum, 52): "gsk_" + Marker}, []string{"gsk_short", "xgsk_" + rep(alnum, 52)}},
	{"xai", map[string]string{"xai-" + rep(alnum, 80): "xai-" + Marker}, []string{"xai-grok-4", "xai-" + rep("a", 10)}},
	{"slack", map[string]string{
		"xoxb-" + rep("1234567890", 12) + "-" + rep("1234567890", 13) + "-" + rep(alnum, 24):          "xoxb-" + Marker,
		"xapp-1-A0" + rep("ABCDEF123", 9) + "-" + rep("0123456789", 13) + "-" + rep("abcdef0123", 64): "xapp-" + Marker,
	}, []string{"xoxb-short", "xoxz-" + rep(alnum, 30)}},
	{"huggingface", map[string]string{"hf_" + rep("AbCdEfGhIjKlMnOpQrStUvWxYz", 34): "hf_" + Marker}, []string{"hf_hub_download", "hf_…"}},
	{"authorization", map[string]string{
		"Bearer " + rep(alnum, 32): "Bearer " + Marker,
		"Basic " + base64.StdEncoding.EncodeToString([]byte("admin:hunter2-hunter2")): "Basic " + Marker,
		"bearer " + rep("abc123XYZ.", 39) + "Q":                                       "bearer " + Marker,
	}, []string{"Bearer Bearer …", "Bearer token", "Basic auth is not supported", "Bearer sk-or-v1-0e…96"}},
	{"url-password", map[string]string{
		"redis://default:" + rep("hunter2", 12) + "@": "redis://default:" + Marker + "@",
		"x://:hunter2@": "x://:" + Marker + "@",
	}, []string{"https://user:xxxxx@example.com/", "https://example.com:8443/path", "mailto:x@y.z"}},
	{"private-key", map[string]string{
		"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----": "-----BEGIN PRIVATE KEY-----" + Marker,
		"-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmU= -----END OPENSSH PRIVATE KEY-----":         "-----BEGIN OPENSSH PRIVATE KEY-----" + Marker,
	}, []string{"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----"}},
}

func TestShapeTable(t *testing.T) {
	ids := map[string]bool{}
	for _, sh := range shapes {
		ids[sh.id] = true
	}
	tested := map[string]bool{}
	for _, c := range shapeCases {
		if !ids[c.id] {
			t.Errorf("case for unknown shape %q", c.id)
		}
		tested[c.id] = true
		for key, repl := range c.keys {
			for _, ctx := range [][2]string{{"", ""}, {"Incorrect API key provided: ", ". You can find your API key at https://example.com."}, {`{"key":"`, `"}`}, {"k=", "&x=1"}, {"(", ")"}} {
				in := ctx[0] + key + ctx[1]
				want := ctx[0] + repl + ctx[1]
				if got := Redact(in); got != want {
					t.Errorf("%s: Redact(%.60q…)\n got %q\nwant %q", c.id, in, got, want)
				}
			}
		}
		for _, s := range c.not {
			if got := Redact("x " + s + " y"); got != "x "+s+" y" {
				t.Errorf("%s: Redact changed look-alike %q: %q", c.id, s, got)
			}
		}
	}
	for id := range ids {
		if !tested[id] && !strings.HasPrefix(id, "aws-secret") {
			t.Errorf("shape %q has no test case", id)
		}
	}
}

func TestRedactAWSSecret(t *testing.T) {
	const id, sec = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	for _, in := range []string{
		id + ":" + sec,
		id + " " + sec,
		id + "," + sec + "\n",
		`{"AccessKeyId":"` + id + `","SecretAccessKey":"` + sec + `","SessionToken":"x"}`,
		"aws_secret_access_key = " + sec,
		"AWS_SECRET_ACCESS_KEY=" + sec,
		"<SecretAccessKey>" + sec + "</SecretAccessKey>",
		`secret_access_key: "` + sec + `"`,
	} {
		out := Redact(in)
		if strings.Contains(out, sec[:12]) || strings.Contains(out, sec[28:]) || strings.Contains(out, id[4:]) {
			t.Errorf("Redact(%q) = %q", in, out)
		}
	}
	// A 40-character token with no access key id or name beside it is not
	// taken for a secret (commit SHAs, hashes).
	for _, in := range []string{"commit " + rep("0123456789abcdef", 40), "token " + sec} {
		if got := Redact(in); got != in {
			t.Errorf("Redact(%q) = %q, want unchanged", in, got)
		}
	}
}

func TestRedactEscapedAndEncoded(t *testing.T) {
	foreign := "sk-proj-" + rep(alnum, 60)
	for name, enc := range encodings {
		if strings.Contains(name, "partial") || strings.HasPrefix(name, "b64-align") || name == "b64-url-align-2" || name == "b64-pct" || name == "b64-json-escaped" {
			// Pieces of a key have no shape; base64 at an odd
			// alignment inside a longer token cannot be told apart
			// from noise without knowing the key (the Scrubber does
			// that for the job's own keys).
			continue
		}
		in := `{"error":{"message":"upstream said: ` + enc(foreign) + `"}}`
		out := Redact(in)
		if strings.Contains(string(newView(out).b), foreign[8:28]) {
			t.Errorf("%s: Redact left the key in %q", name, out)
		}
	}
	b := base64.StdEncoding.EncodeToString([]byte("user:" + foreign))
	if got := Redact("Authorization: Basic " + b); got != "Authorization: Basic "+Marker {
		t.Errorf("basic auth: %q", got)
	}
	h := hex.EncodeToString([]byte("key=" + foreign))
	if got := Redact("dump " + h + " end"); got != "dump "+Marker+" end" {
		t.Errorf("hex: %q", got)
	}
	if got := Redact(`"\u0073k-proj-` + rep(alnum, 40) + `"`); got != `"sk-proj-`+Marker+`"` {
		t.Errorf("escaped prefix: %q", got)
	}
}

func TestRedactLeavesOrdinaryText(t *testing.T) {
	for _, s := range []string{
		"",
		"Provider returned error: No endpoints found for anthropic/claude-sonnet-4.5.",
		"sk-or-v1-0e…96 sk-proj-ab…yz ghp_ab…yz AIza…yz hopcheck fingerprints",
		"the task-management-subsystem-initialisation failed; risk-assessment-framework",
		"model openai/gpt-4o-mini via https://openrouter.ai/api/v1/chat/completions",
		"request id req_0123456789abcdef0123456789abcdef, trace 4bf92f3577b34da6a3ce929d0e0e4736",
		"commit 0123456789abcdef0123456789abcdef01234567 by @octocat in #123",
		"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
		"ASIAPACIFIC region is not AKIA-shaped; OPENROUTER_API_KEY is unset",
	} {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) = %q, want unchanged", s, got)
		}
	}
}

func TestNoShapeMatchesItsMarker(t *testing.T) {
	// Redact's second round must find nothing: no pattern may match the
	// text it leaves behind.
	for _, c := range shapeCases {
		for key := range c.keys {
			once := redactOnce("a " + key + " b")
			if twice := redactOnce(once); twice != once {
				t.Errorf("%s: %q redacts again to %q", c.id, once, twice)
			}
		}
	}
}

// BenchmarkRedact64KiB redacts a full-size body (the probe's cap) with a few
// credentials in it: the cost must stay linear in the body.
func BenchmarkRedact64KiB(b *testing.B) {
	body := strings.Repeat(`{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"upstream said no"}}} `, 64<<10/100)
	body += "ghp_" + rep(alnum, 36) + " sk-or-v1-" + rep("0e6f44a4", 64) + ` \u0073k-proj-` + rep(alnum, 60)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Redact(body)
	}
}

// BenchmarkRedactKeywords64KiB redacts a body with a shape's keyword every
// few bytes (a hostile upstream): still one linear pass per shape.
func BenchmarkRedactKeywords64KiB(b *testing.B) {
	body := strings.Repeat(`AKIA secret: eyJ.sk-or-v1-xai-gsk_ ghp_`, 64<<10/40)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Redact(body)
	}
}

// BenchmarkRedactEscaped64KiB redacts a body that is escapes throughout, the
// worst case for the decoded view.
func BenchmarkRedactEscaped64KiB(b *testing.B) {
	body := strings.Repeat(escapeSome(`{"message":"échec"}`, uEsc, all)+"%41%42&#67;", 64<<10/150)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Redact(body)
	}
}

// BenchmarkRedactGlued64KiB: a body where an invisible character or a
// colour code follows every word, each a place where the folded view is
// glued (see separatedView); the search stays linear.
func BenchmarkRedactGlued64KiB(b *testing.B) {
	body := strings.Repeat("gsk_\u200bok\x1b[0m sk-", 64<<10/16)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Redact(body)
	}
}

// TestRedactAfterLeftOutSequence: a terminal escape sequence or an
// invisible character between a word and a credential is left out of the
// folded view (and out of the output by report.Inert), which glues the
// credential to the word; the credential is still found there.
func TestRedactAfterLeftOutSequence(t *testing.T) {
	key := "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"
	var wide strings.Builder
	for _, r := range key {
		if r == '_' {
			wide.WriteRune('＿')
		} else {
			wide.WriteRune(r - 0x21 + 0xFF01)
		}
	}
	for _, form := range []string{key, wide.String()} {
		for _, sep := range []string{"\x1b ", "\x1b[0m", "\x1b[31m", "\u200b", "\u00ad", "\x07"} {
			in := "token0" + sep + form + " end"
			out := Redact(in)
			if strings.Contains(out, form) || !strings.HasSuffix(out, " end") || !strings.HasPrefix(out, "token0") {
				t.Errorf("Redact(%q) = %q", in, out)
			}
		}
	}
	// Nothing is masked after a left-out sequence that only glues ordinary
	// words.
	for _, in := range []string{"step0\x1b[0mcompleted without errors in the first attempt", "abc\u200bdefghijklmnopqrstuvwxyz0123456789"} {
		if out := Redact(in); out != in {
			t.Errorf("Redact(%q) = %q, want it unchanged", in, out)
		}
	}
}
