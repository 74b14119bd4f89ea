package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
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
