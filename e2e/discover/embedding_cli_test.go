package discover

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// kindRoutes are LiteLLM routes of every kind, by model_info.mode: %[1]s
// is the simulated OpenAI, %[2]s a simulated Ollama whose engine answers
// embeddings calls without a vector.
var kindRoutes = map[string]string{
	"docs-embed": `  - model_name: docs-embed
    litellm_params:
      model: openai/text-embedding-3-small
      api_key: os.environ/OPENAI_API_KEY
      api_base: %[1]s/v1
    model_info:
      mode: embedding
`,
	"hollow-embed": `  - model_name: hollow-embed
    litellm_params:
      model: ollama/all-minilm
      api_base: %[2]s
    model_info:
      mode: embedding
`,
	"pictures": `  - model_name: pictures
    litellm_params:
      model: openai/dall-e-3
      api_key: os.environ/OPENAI_API_KEY
      api_base: %[1]s/v1
    model_info:
      mode: image_generation
`,
	"transcribe": `  - model_name: transcribe
    litellm_params:
      model: openai/whisper-1
      api_key: os.environ/OPENAI_API_KEY
      api_base: %[1]s/v1
    model_info:
      mode: audio_transcription
`,
}

type cliReport struct {
	Status string `json:"status"`
	Chains []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Cause  string `json:"cause"`
		Hops   []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"hops"`
		Links []struct {
			From   string `json:"from"`
			To     string `json:"to"`
			Status string `json:"status"`
		} `json:"links"`
		Findings []struct {
			Check   string `json:"check"`
			Cause   string `json:"cause"`
			Message string `json:"message"`
			Fix     string `json:"fix"`
		} `json:"findings"`
	} `json:"chains"`
}

// kindsRepo writes a repository whose only config is a LiteLLM config
// with the named routes, starts the simulated providers and a simulated
// proxy built from the same file, and returns the repository, the job's
// environment (with HOPCHECK_ALLOW_HOSTS for the loopback providers) and
// the simulated OpenAI.
func kindsRepo(t *testing.T, routes ...string) (string, map[string]string, *sim.Provider) {
	t.Helper()
	key := "sk-proj-" + strings.Repeat("k", 48)
	oa := sim.NewProvider(provider.OpenAI, key)
	oa.Models = []string{"dall-e-3", "whisper-1"}
	oa.Embedders = []string{"text-embedding-3-small"}
	ol := sim.NewProvider(provider.Ollama)
	ol.Embedders = []string{"all-minilm"}
	ol.NoVector = true
	var urls []any
	for _, p := range []*sim.Provider{oa, ol} {
		srv, err := sim.Listen("127.0.0.1", p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		urls = append(urls, srv.URL)
	}
	cfg := "model_list:\n"
	for _, r := range routes {
		cfg += fmt.Sprintf(kindRoutes[r], urls...)
	}
	cfg += "\ngeneral_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LITELLM_MASTER_KEY": sim.FakeLiteLLMKey("e2e-kinds"), "OPENAI_API_KEY": key}
	proxy, err := sim.NewLiteLLMFromYAML("config.yaml", []byte(cfg), env)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Listen("127.0.0.1", proxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env["LITELLM_BASE_URL"] = srv.URL
	env["HOPCHECK_ALLOW_HOSTS"] = "127.0.0.1"
	return dir, env, oa
}

// hopcheck runs the CLI's check in dir with env and returns its exit code
// and output; no credential of env may appear in it.
func hopcheck(t *testing.T, dir string, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(t.Context(), append([]string{"check"}, args...), cli.Env{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Stdout:    &out, Stderr: &errb, Dir: dir,
	})
	all := out.String() + errb.String()
	for _, v := range env {
		if strings.HasPrefix(v, "sk-") && strings.Contains(all, v) {
			t.Fatalf("the output contains a credential (%s)", secret.Fingerprint(v))
		}
	}
	return code, out.String()
}

func cliJSON(t *testing.T, dir string, env map[string]string, args ...string) (int, cliReport, string) {
	t.Helper()
	code, out := hopcheck(t, dir, env, append([]string{"--format", "json"}, args...)...)
	var rep cliReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return code, rep, out
}

// The CLI on a repository with an embedding route: the route gets the
// embedding canary, which reaches OpenAI's /v1/embeddings through the
// proxy, and the chain passes with every hop and link verified. An
// embedding route whose server answers 200 without a vector fails the run.
func TestCLIEmbeddingRoutes(t *testing.T) {
	dir, env, oa := kindsRepo(t, "docs-embed")
	code, rep, out := cliJSON(t, dir, env)
	if code != cli.ExitOK || rep.Status != "pass" || len(rep.Chains) != 1 {
		t.Fatalf("exit %d status %s, want 0 pass:\n%s", code, rep.Status, out)
	}
	c := rep.Chains[0]
	for _, h := range c.Hops {
		if h.Status != "pass" {
			t.Errorf("hop %s %s, want pass", h.Name, h.Status)
		}
	}
	for _, l := range c.Links {
		if l.Status != "pass" {
			t.Errorf("link %s → %s %s, want pass (the canary crossed it)", l.From, l.To, l.Status)
		}
	}
	var embedded, chatted int
	for _, r := range oa.Requests() {
		switch {
		case r.Method == http.MethodPost && r.Path == "/v1/embeddings" && r.Model == "text-embedding-3-small" && r.Status == http.StatusOK:
			embedded++
		case r.Method == http.MethodPost:
			chatted++
		}
	}
	if embedded != 1 || chatted != 0 {
		t.Errorf("OpenAI got %d embeddings calls and %d other POSTs, want 1 and 0: %+v", embedded, chatted, oa.Requests())
	}

	dir, env, _ = kindsRepo(t, "docs-embed", "hollow-embed")
	code, rep, out = cliJSON(t, dir, env)
	if code != cli.ExitFailed || rep.Status != "fail" {
		t.Fatalf("exit %d status %s, want 1 fail:\n%s", code, rep.Status, out)
	}
	for _, c := range rep.Chains {
		want, cause := "pass", "ok"
		if c.Name == "hollow-embed" {
			want, cause = "fail", "upstream-error"
		}
		if c.Status != want || c.Cause != cause {
			t.Errorf("chain %s %s/%s, want %s/%s:\n%s", c.Name, c.Status, c.Cause, want, cause, out)
		}
	}
}

// Image and audio routes refuse both canaries through the chain: the CLI
// checks them auth-only (keys and the proxy's model list, nothing billed
// reaches the provider) and reports the proxy's link to the provider and
// the chain unverified, never pass; fail-on unverified fails the run.
func TestCLIImageAndAudioRoutesAreUnverified(t *testing.T) {
	dir, env, oa := kindsRepo(t, "pictures", "transcribe")
	code, rep, out := cliJSON(t, dir, env)
	if code != cli.ExitOK || rep.Status != "unverified" || len(rep.Chains) != 2 {
		t.Fatalf("exit %d status %s, want 0 unverified (fail-on: error):\n%s", code, rep.Status, out)
	}
	for _, c := range rep.Chains {
		if c.Status != "unverified" || c.Cause != "unverified" {
			t.Errorf("chain %s %s/%s, want unverified", c.Name, c.Status, c.Cause)
		}
		if n := len(c.Links); n != 2 || c.Links[0].Status != "pass" || c.Links[1].Status != "unverified" {
			t.Errorf("chain %s links %+v, want ci → litellm pass, litellm → provider unverified", c.Name, c.Links)
		}
		var notice, verify bool
		for _, f := range c.Findings {
			notice = notice || (f.Check == "litellm.mode" && f.Cause == "unverified" && strings.Contains(f.Message, "auth-only canary"))
			verify = verify || (f.Check == "verify" && f.Cause == "unverified" && strings.Contains(f.Message, "auth-only canary stops at litellm") &&
				!strings.Contains(f.Fix, "canary: inference"))
		}
		if !notice || !verify {
			t.Errorf("chain %s: notice %v verify %v, want both:\n%+v", c.Name, notice, verify, c.Findings)
		}
	}
	for _, r := range oa.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("an auth-only check sent %s %s (model %q) to the provider", r.Method, r.Path, r.Model)
		}
	}

	// --canary inference does not turn them into chat completions.
	if code, rep, out := cliJSON(t, dir, env, "--canary", "inference"); code != cli.ExitOK || rep.Status != "unverified" {
		t.Errorf("--canary inference: exit %d status %s:\n%s", code, rep.Status, out)
	}
	if code, rep, out := cliJSON(t, dir, env, "--fail-on", "unverified"); code != cli.ExitFailed || rep.Status != "fail" {
		t.Errorf("--fail-on unverified: exit %d status %s, want 1 fail:\n%s", code, rep.Status, out)
	}
	_, text := hopcheck(t, dir, env)
	for _, name := range []string{"pictures", "transcribe"} {
		var line string // the chain's heading
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "chain "+name+" ") && strings.Contains(l, "UNVERIFIED") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("the text report has no line saying chain %s is unverified:\n%s", name, text)
		}
	}
	for _, r := range oa.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("a later run sent %s %s (model %q) to the provider", r.Method, r.Path, r.Model)
		}
	}
}
