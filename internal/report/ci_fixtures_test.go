package report

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// ciFixtures are the reports rendered by the JUnit and SARIF goldens: the
// shared fixtures plus one shaped like a discovered LiteLLM repository
// (run-level findings in config files, an indeterminate hop, a skipped
// chain).
var ciFixtures = append(append([]struct {
	name string
	r    func() *finding.Report
}{}, fixtures...), struct {
	name string
	r    func() *finding.Report
}{"discovered", discoveredReport})

func discoveredReport() *finding.Report {
	toOR := chain.Link{From: "litellm", To: "openrouter"}
	return &finding.Report{
		Schema:     finding.SchemaID,
		Version:    "v0.0.0-test",
		Status:     finding.Fail,
		Config:     "deploy/config.yaml",
		DurationMS: 2412.5,
		Findings: []finding.Finding{
			{Check: "litellm.secret", Hop: "openai", Link: &chain.Link{From: "litellm", To: "openai"}, Cause: finding.SecretInConfig, Severity: finding.SevError,
				Message: "api_key of model_name committed is a literal credential (sk-ho…89) committed in deploy/config.yaml; anyone who can read the repository can use it.",
				Fix:     "Revoke the key, replace it with an environment reference (os.environ/VAR or ${VAR}) and store it as a CI secret.",
				File:    "deploy/config.yaml", Line: 24, Col: 16},
			{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ProxyOpen, Severity: finding.SevWarning,
				Message: "deploy/config.yaml sets no general_settings.master_key: the LiteLLM proxy accepts every request.",
				File:    "deploy/config.yaml", Line: 1, Col: 1},
			{Check: "discover.litellm", Hop: "litellm", Cause: finding.OK, Severity: finding.SevInfo,
				Message: "model \"ollama/llama3\" uses provider ollama, which hopcheck does not probe directly.", File: "deploy/config.yaml", Line: 27, Col: 14},
			{Check: "discover.walk", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
				Message: "Discovery stopped after 20000 directory entries."},
		},
		Chains: []finding.ChainResult{
			{
				Name: "claude-sonnet", Model: "claude-sonnet", Status: finding.Indeterminate, Cause: finding.Unknown, FailingLink: &toOR, FailingHop: "openrouter",
				Hops: []finding.HopResult{
					{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Pass, Cause: finding.OK,
						Timings: &finding.Timings{Connect: ms64(0.4), TTFB: ms64(3.5), Total: ms64(3.9)},
						File:    "deploy/config.yaml", Line: 3, Col: 5},
					{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Indeterminate, Cause: finding.Unknown,
						Timings: &finding.Timings{DNS: ms64(2), Connect: ms64(9), TLS: ms64(20), TTFB: ms64(2380), Total: ms64(2381.25)},
						File:    "deploy/config.yaml", Line: 5, Col: 14},
				},
				Links: []finding.LinkResult{
					{From: "ci", To: "litellm", Status: finding.Pass, Cause: finding.OK},
					{From: "litellm", To: "openrouter", Status: finding.Indeterminate, Cause: finding.Unknown},
				},
				Findings: []finding.Finding{
					{Check: "live.canary", Hop: "openrouter", Link: &toOR, Cause: finding.Unknown, Severity: finding.SevError,
						Message:  "litellm answered HTTP 500 with a body no signature matches.",
						Timings:  &finding.Timings{TTFB: ms64(2401), Total: ms64(2402.5)},
						Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:4000/v1/chat/completions", Status: 500, Excerpt: "<html>oops</html>"},
						Root:     true},
					{Check: "litellm.api_key", Hop: "openrouter", Link: &toOR, Cause: finding.CredentialMissing, Severity: finding.SevWarning,
						Message: "api_key reads OR_KEY, which is unset or empty in this job; LiteLLM falls back to OPENROUTER_API_KEY.",
						Fix:     "Set OR_KEY where the proxy runs, or reference OPENROUTER_API_KEY directly.",
						File:    "deploy/config.yaml", Line: 11, Col: 16},
				},
				File: "deploy/config.yaml", Line: 3,
			},
			{
				Name: "gpt-4o-mini", Model: "gpt-4o-mini", Status: finding.Neutral, Cause: finding.SecretsUnavailable,
				Hops: []finding.HopResult{
					{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Neutral, Cause: finding.SecretsUnavailable, File: "deploy/config.yaml", Line: 8, Col: 5},
				},
				Links: []finding.LinkResult{{From: "ci", To: "litellm", Status: finding.Skipped, Cause: finding.SecretsUnavailable}},
				Findings: []finding.Finding{{Check: "fork.secrets", Cause: finding.SecretsUnavailable, Severity: finding.SevNotice,
					Message: "This run is a pull request from a fork, so GitHub withholds secrets."}},
				File: "deploy/config.yaml", Line: 8,
			},
		},
	}
}

// goldenCompare renders every CI fixture with render and compares it with
// testdata/<prefix>-<fixture><ext> (rewritten with -update).
func goldenCompare(t *testing.T, prefix, ext string, render func(io.Writer, *finding.Report) error) {
	t.Helper()
	for _, f := range ciFixtures {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := render(&b, f.r()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", prefix+"-"+f.name+ext)
			if *update {
				if err := WriteFile(path, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(string(want), b.String()); d != "" {
				t.Errorf("%s differs from golden (-want +got):\n%s", path, d)
			}
			// Rendering works on a copy.
			if d := cmp.Diff(f.r(), func() *finding.Report { r := f.r(); _ = render(io.Discard, r); return r }()); d != "" {
				t.Errorf("rendering modified the report:\n%s", d)
			}
		})
	}
}

// goldenFiles returns the golden files of one output.
func goldenFiles(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(ciFixtures) {
		t.Fatalf("%d golden files match %s, want %d (run with -update)", len(files), pattern, len(ciFixtures))
	}
	return files
}
