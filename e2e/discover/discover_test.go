// Package discover is the end-to-end test of zero-config discovery: a
// repository that holds only a LiteLLM config.yaml, the simulated LiteLLM
// proxy started from that very file (so reader and proxy cannot disagree)
// and the simulated OpenRouter behind it. Discover → checks.Run → Merge →
// JSON must point at the offending line of config.yaml.
package discover

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/discover"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// configTmpl is the repository's only LLM config. api_base carries the
// simulated OpenRouter's port; api_key is on line apiKeyLine.
const configTmpl = `# LiteLLM proxy config (started with: litellm --config config.yaml)
model_list:
  - model_name: claude-sonnet
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: %s

general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

const (
	apiKeyLine = 6
	apiKeyCol  = 16
)

// setup writes the repository, starts OpenRouter and a LiteLLM proxy built
// from the same config.yaml with the job's environment (the proxy runs in
// the job), and returns the repository dir and the job environment.
func setup(t *testing.T, proxyHasORKey bool) (string, map[string]string, *sim.OpenRouter) {
	t.Helper()
	orKey := sim.FakeOpenRouterKey("e2e-discover")
	master := sim.FakeLiteLLMKey("e2e-discover")
	or := sim.NewOpenRouter(orKey)
	orSrv, err := sim.Listen("127.0.0.1", or)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orSrv.Close() })

	dir := t.TempDir()
	data := []byte(fmt.Sprintf(configTmpl, orSrv.URL+"/api/v1"))
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LITELLM_MASTER_KEY": master}
	if proxyHasORKey {
		env["OPENROUTER_API_KEY"] = orKey
	}
	// The very same file, read back from the repository.
	onDisk, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := sim.NewLiteLLMFromYAML("config.yaml", onDisk, env)
	if err != nil {
		t.Fatal(err)
	}
	proxySrv, err := sim.Listen("127.0.0.1", proxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxySrv.Close() })
	env["LITELLM_BASE_URL"] = proxySrv.URL
	return dir, env, or
}

// run is what `hopcheck check` does without a hopcheck.yml.
func run(t *testing.T, dir string, env map[string]string) (*finding.Report, []byte) {
	t.Helper()
	if _, err := hopcheckyml.Find(dir, ""); err == nil {
		t.Fatal("the repository must not have a hopcheck.yml")
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	res, err := discover.Discover(dir, lookup)
	if err != nil {
		t.Fatal(err)
	}
	sc := &secret.Scrubber{}
	res.AddSecrets(sc)
	rep := checks.Run(context.Background(), res.Config, checks.Options{LookupEnv: lookup, Scrubber: sc, Client: probe.New(sc), Allow: testutil.AllowLoopback(t), Findings: res.Findings})
	var b bytes.Buffer
	if err := report.JSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	for _, v := range env {
		if strings.HasPrefix(v, "sk-") && strings.Contains(b.String(), v) {
			t.Fatalf("the JSON report contains a credential (%s)", secret.Fingerprint(v))
		}
	}
	return rep, b.Bytes()
}

type jsonFinding struct {
	Cause    string      `json:"cause"`
	Severity string      `json:"severity"`
	File     string      `json:"file"`
	Line     int         `json:"line"`
	Col      int         `json:"col"`
	Link     *chain.Link `json:"link"`
	Message  string      `json:"message"`
}

type jsonReport struct {
	Status string `json:"status"`
	Chains []struct {
		Name        string        `json:"name"`
		Status      string        `json:"status"`
		FailingLink *chain.Link   `json:"failing_link"`
		Findings    []jsonFinding `json:"findings"`
	} `json:"chains"`
	Findings []jsonFinding `json:"findings"`
}

func TestLiteLLMOnlyRepoUnsetUpstreamKey(t *testing.T) {
	dir, env, or := setup(t, false)
	_, out := run(t, dir, env)
	var rep jsonReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "fail" || len(rep.Chains) != 1 {
		t.Fatalf("report:\n%s", out)
	}
	c := rep.Chains[0]
	want := chain.Link{From: "litellm", To: "openrouter"}
	if c.Name != "claude-sonnet" || c.Status != "fail" || c.FailingLink == nil || *c.FailingLink != want {
		t.Fatalf("chain %s %s failing link %v, want fail on %v:\n%s", c.Name, c.Status, c.FailingLink, want, out)
	}
	var hit *jsonFinding
	for i, f := range c.Findings {
		if f.Cause == string(finding.CredentialMissing) {
			hit = &c.Findings[i]
		}
	}
	if hit == nil {
		t.Fatalf("no credential-missing finding:\n%s", out)
	}
	if hit.File != "config.yaml" || hit.Line != apiKeyLine || hit.Col != apiKeyCol || hit.Link == nil || *hit.Link != want || hit.Severity != "error" {
		t.Errorf("finding %+v, want config.yaml:%d:%d on %v", hit, apiKeyLine, apiKeyCol, want)
	}
	if !strings.Contains(hit.Message, "OPENROUTER_API_KEY") {
		t.Errorf("message should name the variable: %s", hit.Message)
	}
	// The canary really went through the proxy, which called OpenRouter
	// without a key: the simulated proxy decided that from the same file.
	sawNoAuth := false
	for _, r := range or.Requests() {
		sawNoAuth = sawNoAuth || (r.Method == "POST" && !r.HasAuth)
	}
	if !sawNoAuth {
		t.Errorf("OpenRouter never saw the keyless request from the proxy: %+v", or.Requests())
	}
}

func TestLiteLLMOnlyRepoHealthy(t *testing.T) {
	dir, env, _ := setup(t, true)
	_, out := run(t, dir, env)
	var rep jsonReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "pass" || len(rep.Chains) != 1 || rep.Chains[0].Status != "pass" || rep.Chains[0].FailingLink != nil {
		t.Fatalf("healthy chain should pass:\n%s", out)
	}
}
