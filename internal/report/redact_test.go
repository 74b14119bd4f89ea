package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// foreign are credentials hopcheck never held, as an upstream might echo
// them (its own key in an error): the part after the public prefix must
// not reach any output. Built at run time; none is a real credential.
func foreign() map[string]string {
	r := func(a string, n int) string { return strings.Repeat(a, n/len(a)+1)[:n] }
	const an = "Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0Lm"
	return map[string]string{
		"sk-or-v1-":      r("9c1de2f3a4b5c6d7", 64),
		"sk-proj-":       r(an+"_-", 120),
		"sk-ant-api03-":  r(an, 93) + "AA",
		"ghp_":           r(an, 36),
		"github_pat_":    r(an, 22) + "_" + r(an, 59),
		"AKIA":           "Q7XZ2M4N6P8R0T3V",
		"eyJ":            "hbGciOiJSUzI1NiJ9.eyJzdWIiOiJydW5uZXIifQ." + r(an, 86),
		"AIza":           r(an+"-_", 35),
		"aws_secret=":    r("Ab3/Cd5+Ef7", 40),
		"xoxb-":          "1234567890-" + r(an, 24),
		"hf_":            r("AbCdEfGhIjKlMn", 34),
		"gsk_":           r(an, 52),
		"xai-":           r(an, 80),
		"sk_live_":       r(an, 24),
		"\\u0073k-proj-": r(an, 60), // JSON-escaped as it came in a body
	}
}

// foreignReport puts every foreign credential into every free-text field.
func foreignReport(creds map[string]string) *finding.Report {
	var all []string
	for pre, body := range creds {
		all = append(all, pre+body)
	}
	text := "upstream said: " + strings.Join(all, " | ") + " (end)"
	zw := "ghp_\u200b" + creds["ghp_"] // a zero-width space cannot split a key past Inert
	link := &chain.Link{From: "litellm", To: "openrouter " + zw}
	f := finding.Finding{Check: "live.canary", Chain: text, Hop: text, Link: link, Cause: finding.CredentialRejected,
		Severity: finding.SevError, Root: true, Message: text, Fix: text, File: "hopcheck.yml", Line: 3,
		Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:4000/v1?k=" + all[0], Status: 401, Excerpt: text, Redirect: text}}
	return &finding.Report{
		Schema: finding.SchemaID, Version: "v0-test", Status: finding.Fail, Config: "hopcheck.yml",
		Findings: []finding.Finding{f},
		Chains: []finding.ChainResult{{
			Name: "bot " + zw, Model: "m", Status: finding.Fail, Cause: finding.CredentialRejected, FailingHop: text, FailingLink: link,
			Hops: []finding.HopResult{{Name: text, Type: "litellm", URL: text, Status: finding.Fail, Cause: finding.CredentialRejected,
				Credential: &finding.Credential{Env: "KEY", Fingerprint: all[1], Set: true}}},
			Links:    []finding.LinkResult{{From: "ci", To: text, Status: finding.Fail, Cause: finding.CredentialRejected}},
			Findings: []finding.Finding{f},
		}},
	}
}

func TestNoForeignCredentialInAnyReport(t *testing.T) {
	creds := foreign()
	renderers := map[string]func(*bytes.Buffer, *finding.Report) error{
		"text": func(b *bytes.Buffer, r *finding.Report) error { return Text(b, r, Options{Verbose: true}) },
		"text-color": func(b *bytes.Buffer, r *finding.Report) error {
			return Text(b, r, Options{Verbose: true, Color: true})
		},
		"json":  func(b *bytes.Buffer, r *finding.Report) error { return JSON(b, r) },
		"junit": func(b *bytes.Buffer, r *finding.Report) error { return JUnit(b, r) },
		"sarif": func(b *bytes.Buffer, r *finding.Report) error { return SARIF(b, r) },
	}
	for name, render := range renderers {
		var b bytes.Buffer
		if err := render(&b, foreignReport(creds)); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "upstream said") {
			t.Fatalf("%s: the provider text did not reach the output; the test would prove nothing", name)
		}
		for pre, body := range creds {
			if strings.Contains(out, body[:16]) || strings.Contains(out, body[len(body)-16:]) {
				t.Errorf("%s: the credential after %q leaked", name, pre)
			}
		}
		if !strings.Contains(out, "sk-or-v1-[REDACTED]") || !strings.Contains(out, "ghp_[REDACTED]") {
			t.Errorf("%s: redacted credentials should keep their public prefix:\n%s", name, out)
		}
	}
}

func TestInertRedactsAndStaysIdempotent(t *testing.T) {
	for pre, body := range foreign() {
		in := fmt.Sprintf("key \x1b[31m%s%s\x1b[0m rejected", pre, body)
		once := Inert(in)
		if strings.Contains(once, body[:16]) {
			t.Errorf("Inert(%q) = %q", in, once)
		}
		if Inert(once) != once {
			t.Errorf("Inert is not idempotent on %q", once)
		}
	}
	// A key split by a format character is joined by Inert, then redacted.
	if got := Inert("ghp_\u200d" + strings.Repeat("a1B2", 9)); got != "ghp_[REDACTED]" {
		t.Errorf("split key: %q", got)
	}
	// The legacy workflow-command guard still applies after a redaction.
	// (base64 of an OpenRouter-shaped key right after "##")
	if got := Inert("##" + "c2stb3ItdjEtOWMxZGUyZjNhNGI1YzZkNzljMWRlMmYzYTRiNWM2ZDc5YzFkZTJmM2E0YjVjNmQ3"); got != "# #[REDACTED]" {
		t.Errorf("##[ survived: %q", got)
	}
}

// ownKeyReport is a failing report whose provider text echoed key the way
// the red team's upstream did: a zero-width space between its characters
// (as the body came, and as a JSON escape), and already joined, as the
// classifier's message cleaning leaves it. key has no shape Redact knows,
// so only the report's Scrubber can remove it.
func ownKeyReport(key string, sc *secret.Scrubber) *finding.Report {
	zw := strings.Join(strings.Split(key, ""), "\u200b")
	zwEsc := strings.Join(strings.Split(key, ""), `\u200b`)
	text := "bad " + zw + " | " + zwEsc + " | " + key + " (end)"
	f := finding.Finding{Check: "live.canary", Chain: "mistral", Hop: "mistral", Cause: finding.CredentialRejected,
		Severity: finding.SevError, Root: true, Message: "the credential was rejected — " + text, Fix: text, File: "hopcheck.yml", Line: 6, Col: 9,
		Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:18002/zwsp/v1/chat/completions", Status: 401, Excerpt: `{"error":"bad ` + zwEsc + `"}`}}
	return &finding.Report{
		Schema: finding.SchemaID, Version: "v0-test", Status: finding.Fail, Config: "hopcheck.yml", Scrubber: sc,
		Chains: []finding.ChainResult{{
			Name: "mistral", Model: "mistral-small-latest", Status: finding.Fail, Cause: finding.CredentialRejected, FailingHop: "mistral",
			Hops: []finding.HopResult{{Name: "mistral", Type: "mistral", URL: "http://127.0.0.1:18002/zwsp/v1", Status: finding.Fail, Cause: finding.CredentialRejected,
				Credential: &finding.Credential{Env: "MISTRAL_API_KEY", Fingerprint: secret.Fingerprint(key), Set: true}}},
			Findings: []finding.Finding{f},
		}},
	}
}

// TestOwnKeyInEveryReport: every format, written to a writer and through
// WriteFile (--output, the action's report file), applies the report's
// Scrubber after making provider text inert, so a key that dropping format
// characters joins back together is removed. Without the Scrubber the
// same report shows the key, so the test can fail.
func TestOwnKeyInEveryReport(t *testing.T) {
	const key = "AbCdEfGhIjKlMnOpQrStUvWxYz012345" // a Mistral-style key: 32 alphanumerics
	var sc secret.Scrubber
	sc.Add(key)
	renderers := map[string]func(io.Writer, *finding.Report) error{
		"text":       func(w io.Writer, r *finding.Report) error { return Text(w, r, Options{Verbose: true}) },
		"text-color": func(w io.Writer, r *finding.Report) error { return Text(w, r, Options{Verbose: true, Color: true}) },
		"json":       JSON,
		"junit":      JUnit,
		"sarif":      SARIF,
	}
	for name, render := range renderers {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := render(&b, ownKeyReport(key, nil)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), key) {
				t.Fatalf("without the Scrubber the joined key should show; the test would prove nothing:\n%s", b.String())
			}
			path := filepath.Join(t.TempDir(), "report."+name)
			if err := WriteFile(path, func(w io.Writer) error { return render(w, ownKeyReport(key, &sc)) }); err != nil {
				t.Fatal(err)
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := render(&b, ownKeyReport(key, &sc)); err != nil {
				t.Fatal(err)
			}
			for where, out := range map[string]string{"writer": b.String(), "file": string(file)} {
				if !strings.Contains(out, "(end)") {
					t.Fatalf("%s: the provider text did not reach the output; the test would prove nothing:\n%s", where, out)
				}
				joined := strings.NewReplacer("\u200b", "", `\u200b`, "", `\\u200b`, "").Replace(out)
				for i := 0; i+12 <= len(key); i++ {
					if strings.Contains(joined, key[i:i+12]) || strings.Contains(strings.ToLower(joined), strings.ToLower(key[i:i+12])) {
						t.Errorf("%s: %q of the key is readable:\n%s", where, key[i:i+12], out)
						break
					}
				}
				if !strings.Contains(out, secret.Fingerprint(key)) {
					t.Errorf("%s: the credential's fingerprint should still be shown:\n%s", where, out)
				}
			}
		})
	}
}

// TestInertScrubJoinsThenScrubs: InertScrub removes a key that dropping
// format characters, escape sequences or control characters joins, and a
// redaction marker cannot complete a workflow command.
func TestInertScrubJoinsThenScrubs(t *testing.T) {
	const key = "lk_8GfTq2Vx9LmZ4rW7pN3sK6yHb"
	var sc secret.Scrubber
	sc.Add(key)
	for _, sep := range []string{"\u200b", "\u00ad", "\x1b[0m", "\u202e", "\x00"} {
		in := "bad " + strings.Join(strings.Split(key, ""), sep) + " end"
		if got := InertScrub(in, &sc); got != "bad "+secret.Fingerprint(key)+" end" {
			t.Errorf("InertScrub(%q) = %q", in, got)
		}
		if Inert(in) != "bad "+key+" end" {
			t.Errorf("Inert(%q) = %q: without the Scrubber the key is joined (the case InertScrub covers)", in, Inert(in))
		}
	}
	// A title sequence between the characters: the rest of the key after
	// one that swallowed letters is masked even by the shape pass.
	in := "bad " + strings.Join(strings.Split(key, ""), "\x1b]0;t\x07") + " end"
	if got := InertScrub(in, &sc); !strings.HasPrefix(got, "bad ") || !strings.HasSuffix(got, " end") || strings.Contains(got, key[3:15]) {
		t.Errorf("InertScrub(%q) = %q", in, got)
	}
	if got := InertScrub("##\u200b"+key[:20], &sc); got != "# #"+secret.Marker {
		t.Errorf("a marker completed ##[: %q", got)
	}
	// A sequence that takes the first letter of a foreign key's prefix as
	// its final byte must not leave the body behind.
	body := strings.Repeat("a1B2", 9)
	for _, in := range []string{"\x1b sk-or-v1-" + strings.Repeat("0e6f44a4", 8), "\x1b[gghp_" + body, "x\x1b(ghp_" + body} {
		if got := Inert(in); strings.Contains(got, body[:12]) || strings.Contains(got, "0e6f44a40e6f") {
			t.Errorf("Inert(%q) = %q", in, got)
		}
	}
}
