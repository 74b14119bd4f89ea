package ghaction

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// stepEnv is one simulated action step: temp files for GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY and the env a runner passes.
type stepEnv struct {
	env     map[string]string
	output  string
	summary string
}

func newStep(t *testing.T) *stepEnv {
	t.Helper()
	dir := t.TempDir()
	s := &stepEnv{output: filepath.Join(dir, "output"), summary: filepath.Join(dir, "summary.md")}
	for _, f := range []string{s.output, s.summary} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.env = map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_OUTPUT":       s.output,
		"GITHUB_STEP_SUMMARY": s.summary,
		"GITHUB_REPOSITORY":   "acme/review-bot",
		"GITHUB_WORKSPACE":    "/github/workspace",
	}
	return s
}

func (s *stepEnv) getenv(k string) string { return s.env[k] }

func (s *stepEnv) summaryText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.summary)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (s *stepEnv) outputText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.output)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outputs parses GITHUB_OUTPUT as the runner does.
func (s *stepEnv) outputs(t *testing.T) map[string]string {
	t.Helper()
	return testutil.MustParseOutputs(t, s.outputText(t))
}

// countCmds counts the workflow commands called name.
func countCmds(cmds []testutil.Command, name string) int { return len(testutil.Named(cmds, name)) }

func fptr(v float64) *float64 { return &v }

// failingReport is the canonical failure: ci → litellm → openrouter, the
// proxy drops the key, so the link litellm → openrouter fails with
// header-missing; the hop is defined at hopcheck.yml:12:7.
func failingReport() *finding.Report {
	link := &chain.Link{From: "litellm", To: "openrouter"}
	return &finding.Report{
		Schema: finding.SchemaID,
		Status: finding.Fail,
		Config: "hopcheck.yml",
		Chains: []finding.ChainResult{{
			Name:        "review-bot",
			Model:       "anthropic/claude-sonnet-4.5",
			Status:      finding.Fail,
			Cause:       finding.HeaderMissing,
			FailingHop:  "openrouter",
			FailingLink: link,
			Hops: []finding.HopResult{
				{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Pass, Cause: finding.OK,
					Timings:    &finding.Timings{DNS: fptr(0.4), Connect: fptr(0.8), TTFB: fptr(12.3)},
					Credential: &finding.Credential{Env: "LITELLM_MASTER_KEY", Fingerprint: "sk-Ab…9z", Set: true},
					File:       "hopcheck.yml", Line: 8, Col: 7},
				{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
					Timings:    &finding.Timings{DNS: fptr(3.2), Connect: fptr(10.6), TLS: fptr(25.9), TTFB: fptr(180.2)},
					Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: "sk-or-v1-0e…96", Set: true},
					File:       "hopcheck.yml", Line: 12, Col: 7},
			},
			Links: []finding.LinkResult{
				{From: "ci", To: "litellm", Status: finding.Pass, Cause: finding.OK},
				{From: "litellm", To: "openrouter", Status: finding.Fail, Cause: finding.HeaderMissing},
			},
			Findings: []finding.Finding{
				{Check: "canary", Chain: "review-bot", Hop: "openrouter", Link: link, Cause: finding.HeaderMissing,
					Severity: finding.SevError, Root: true,
					Message: "OpenRouter answered 401 `No auth credentials found` through litellm, but accepts OPENROUTER_API_KEY (sk-or-v1-0e…96) directly.",
					Fix:     "Set the upstream key in LiteLLM's environment (os.environ/OPENROUTER_API_KEY).",
					File:    "hopcheck.yml", Line: 12, Col: 7,
					Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:4000/v1/chat/completions", Status: 401,
						Excerpt: `{"error":{"message":"No auth credentials found","code":401}}`}},
				{Check: "canary", Chain: "review-bot", Hop: "openrouter", Link: link, Cause: finding.HeaderMissing,
					Severity: finding.SevWarning, Message: "A second symptom on the same link.", File: "hopcheck.yml", Line: 12, Col: 7},
			},
		}},
	}
}
