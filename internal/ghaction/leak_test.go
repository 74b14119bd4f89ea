package ghaction

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"unicode"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// leakyReport builds a failing report whose provider text echoes key in
// several shapes; scrub is applied to every free-text field the way the
// checks do at the source (identity when the Publisher is the one
// scrubbing).
func leakyReport(key string, scrub func(string) string) *finding.Report {
	link := &chain.Link{From: "litellm", To: "openrouter"}
	fp := secret.Fingerprint(key)
	return &finding.Report{
		Status: finding.Fail, Config: "hopcheck.yml",
		Chains: []finding.ChainResult{{
			Name: "review-bot", Status: finding.Fail, Cause: finding.CredentialRejected, FailingHop: "openrouter", FailingLink: link,
			Hops: []finding.HopResult{
				{Name: "litellm", Status: finding.Pass, Cause: finding.OK},
				{Name: "openrouter", Status: finding.Fail, Cause: finding.CredentialRejected,
					URL:        scrub("https://openrouter.ai/api/v1?key=" + key),
					Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: fp, Set: true}},
			},
			Links: []finding.LinkResult{{From: "litellm", To: "openrouter", Status: finding.Fail, Cause: finding.CredentialRejected}},
			Findings: []finding.Finding{{
				Hop: "openrouter", Link: link, Cause: finding.CredentialRejected, Severity: finding.SevError, Root: true,
				Message: scrub(`litellm.AuthenticationError: OpenrouterException - {"error":{"message":"User not found.","code":401}} Received API Key = ` + key[:30] + "…, key=" + key),
				Fix:     scrub("Create a new key; the one sent (" + key + ") is unknown to OpenRouter."),
				File:    "hopcheck.yml", Line: 12, Col: 7,
				Evidence: &finding.Evidence{Status: 401, URL: scrub("http://127.0.0.1:4000/v1/chat/completions"),
					Excerpt: scrub(`{"detail":"Authentication Error, Invalid proxy server token passed. Received API Key = ` + key + `"}`)},
			}},
		}},
	}
}

// TestNoSecretInAnyOutput registers a unique fake key, publishes a report
// whose provider text echoed it, and searches stdout, the step summary, the
// outputs and every GitHub API payload for the key or any 12-character
// piece of it.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	key := "sk-or-v1-" + hex.EncodeToString(raw)
	var sc secret.Scrubber
	sc.Add(key)

	for _, tc := range []struct {
		name      string
		report    *finding.Report
		publisher *secret.Scrubber
	}{
		{"findings scrubbed at the source", leakyReport(key, sc.Scrub), nil},
		{"raw findings scrubbed by the publisher", leakyReport(key, func(s string) string { return s }), &sc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := testutil.NewGitHub(t)
			api.ServePR("acme/review-bot", 42)
			api.ServeCheckRuns("acme/review-bot")
			s := newStep(t)
			var stdout strings.Builder
			p := &Publisher{Stdout: &stdout, Getenv: s.getenv, APIURL: api.APIURL(), Scrubber: tc.publisher}
			err := p.Publish(t.Context(), PublishInput{
				Report: tc.report, Inputs: Inputs{GitHubToken: "ghs_test", CheckRun: true},
				Event:        prEvent(t, "event_pull_request.json"),
				Fingerprints: []finding.Credential{{Env: "OPENROUTER_API_KEY", Fingerprint: secret.Fingerprint(key), Set: true}},
				ReportPath:   "hopcheck-report.json",
			})
			if err != nil {
				t.Fatal(err)
			}
			surfaces := map[string]string{"stdout": stdout.String(), "summary": s.summaryText(t), "outputs": s.outputText(t)}
			for _, r := range api.Requests() {
				surfaces[r.Method+" "+r.Path] = string(r.Body)
			}
			if len(surfaces) != 6 {
				t.Fatalf("expected stdout, summary, outputs and 3 API payloads, got %d surfaces", len(surfaces))
			}
			if !strings.Contains(surfaces["summary"], "User not found.") || !strings.Contains(surfaces["stdout"], "User not found.") {
				t.Fatal("the provider text did not reach the outputs; the test would prove nothing")
			}
			for name, text := range surfaces {
				if strings.Contains(text, key) {
					t.Errorf("%s contains the key", name)
					continue
				}
				for i := 0; i+12 <= len(key); i++ {
					if strings.Contains(text, key[i:i+12]) {
						t.Errorf("%s contains the 12-character piece %q of the key", name, key[i:i+12])
						break
					}
				}
			}
		})
	}
}

// TestNoForeignCredentialInAnyOutput publishes, without a Scrubber, a report
// whose provider text carries credentials hopcheck never held (a proxy's
// own upstream keys echoed in an error): the render-time pass must keep
// every one out of stdout, the summary, the outputs and the API payloads.
func TestNoForeignCredentialInAnyOutput(t *testing.T) {
	t.Parallel()
	an := strings.Repeat("Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0Lm", 4)
	creds := map[string]string{
		"sk-or-v1-":     strings.Repeat("9c1de2f3", 8),
		"sk-proj-":      an[:100],
		"sk-ant-api03-": an[:93] + "AA",
		"ghp_":          an[:36],
		"github_pat_":   an[:22] + "_" + an[22:81],
		"AKIA":          "Q7XZ2M4N6P8R0T3V",
		"eyJ":           "hbGciOiJSUzI1NiJ9.eyJzdWIiOiJydW5uZXIifQ." + an[:86],
		"AIza":          an[:35],
	}
	var parts []string
	for pre, body := range creds {
		parts = append(parts, pre+body)
	}
	text := "upstream said: " + strings.Join(parts, " ; ")
	// The link is named after a credential too: it reaches the outputs
	// (failing-link) and the check run title.
	r := leakyReport("sk-or-v1-"+strings.Repeat("0", 64), func(s string) string { return s + " " + text })
	r.Chains[0].FailingLink.To += " ghp_" + creds["ghp_"]

	api := testutil.NewGitHub(t)
	api.ServePR("acme/review-bot", 42)
	api.ServeCheckRuns("acme/review-bot")
	s := newStep(t)
	var stdout strings.Builder
	p := &Publisher{Stdout: &stdout, Getenv: s.getenv, APIURL: api.APIURL()}
	if err := p.Publish(t.Context(), PublishInput{
		Report: r, Inputs: Inputs{GitHubToken: "ghs_test", CheckRun: true},
		Event: prEvent(t, "event_pull_request.json"), ReportPath: "hopcheck-report.json",
	}); err != nil {
		t.Fatal(err)
	}
	surfaces := map[string]string{"stdout": stdout.String(), "summary": s.summaryText(t), "outputs": s.outputText(t)}
	for _, r := range api.Requests() {
		surfaces[r.Method+" "+r.Path] = string(r.Body)
	}
	if !strings.Contains(surfaces["summary"], "upstream said") || !strings.Contains(surfaces["stdout"], "upstream said") {
		t.Fatal("the provider text did not reach the outputs; the test would prove nothing")
	}
	for name, out := range surfaces {
		for pre, body := range creds {
			if strings.Contains(out, body[:16]) || strings.Contains(out, body[len(body)-16:]) {
				t.Errorf("%s: the credential after %q leaked", name, pre)
			}
		}
	}
	if !strings.Contains(surfaces["stdout"], "sk-or-v1-[REDACTED]") {
		t.Errorf("annotations should keep the public prefix of a redacted key:\n%s", surfaces["stdout"])
	}
}

func TestRedactMarkdownEscapesItsMarker(t *testing.T) {
	body := "| cell | ghp_" + strings.Repeat("a1B2", 9) + "(https://example.com) |"
	got := redactMarkdown(body, nil)
	if got != "| cell | ghp_\\[REDACTED\\](https://example.com) |" {
		t.Errorf("redactMarkdown = %q", got)
	}
	if redactMarkdown(got, nil) != got {
		t.Errorf("not idempotent: %q", redactMarkdown(got, nil))
	}
}

// TestOwnKeyScrubbedWithTheReportsScrubber publishes, with no Publisher
// Scrubber, a report that carries the job's Scrubber (as checks.Run sets
// it) and whose provider text echoed a key with no known shape with
// zero-width spaces, colour resets or spaces between its characters, or in
// fullwidth letters. Rendering makes the text inert, which joins the first
// two; every surface must still be free of the key, in any case or width.
func TestOwnKeyScrubbedWithTheReportsScrubber(t *testing.T) {
	t.Parallel()
	const key = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
	var sc secret.Scrubber
	sc.Add(key)
	join := func(sep string) string { return strings.Join(strings.Split(key, ""), sep) }
	var wide strings.Builder
	for _, r := range key {
		wide.WriteRune(r + 0xFEE0)
	}
	echo := "User not found. bad " + join("\u200b") + " | " + join("\x1b[0m") + " | " + join(" ") + " | " + wide.String()
	r := leakyReport(key, func(s string) string { return s + " " + echo })
	r.Scrubber = &sc

	api := testutil.NewGitHub(t)
	api.ServePR("acme/review-bot", 42)
	api.ServeCheckRuns("acme/review-bot")
	s := newStep(t)
	var stdout strings.Builder
	p := &Publisher{Stdout: &stdout, Getenv: s.getenv, APIURL: api.APIURL()}
	if err := p.Publish(t.Context(), PublishInput{
		Report: r, Inputs: Inputs{GitHubToken: "ghs_test", CheckRun: true},
		Event: prEvent(t, "event_pull_request.json"), ReportPath: "hopcheck-report.json",
	}); err != nil {
		t.Fatal(err)
	}
	surfaces := map[string]string{"stdout": stdout.String(), "summary": s.summaryText(t), "outputs": s.outputText(t)}
	for _, r := range api.Requests() {
		surfaces[r.Method+" "+r.Path] = string(r.Body)
	}
	if !strings.Contains(surfaces["summary"], "User not found.") || !strings.Contains(surfaces["stdout"], "User not found.") {
		t.Fatal("the provider text did not reach the outputs; the test would prove nothing")
	}
	fold := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r >= 0xFF01 && r <= 0xFF5E {
				r -= 0xFEE0
			}
			if r < 0x80 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
	lkey := strings.ToLower(key)
	for name, text := range surfaces {
		// \u escapes (JSON payloads) are undone; only letters and digits count.
		plain := fold(strings.NewReplacer(`\u200b`, "", `\u001b`, "", `\\`, "").Replace(text))
		for i := 0; i+12 <= len(lkey); i++ {
			if strings.Contains(plain, lkey[i:i+12]) {
				t.Errorf("%s carries %q of the key after normalisation", name, lkey[i:i+12])
				break
			}
		}
	}
}
