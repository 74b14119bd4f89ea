package discover

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// embeddingConfig is a repository's LiteLLM config with two embedding
// routes: one declared by model_info.mode, one known by its name.
const embeddingConfig = `model_list:
  - model_name: docs-embed
    litellm_params:
      model: openai/text-embedding-3-small
      api_key: os.environ/OPENAI_API_KEY
      api_base: %s/v1
    model_info:
      mode: embedding
  - model_name: local-embed
    litellm_params:
      model: ollama/nomic-embed-text
      api_base: %s

general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`

// embeddingRepo writes the repository, starts the providers and a LiteLLM
// proxy built from the same file with the job's environment, and returns
// the repository, the job's environment and the simulated providers.
// embedders are the models the OpenAI simulator embeds with.
func embeddingRepo(t *testing.T, openaiKey string, embedders ...string) (string, map[string]string, *sim.Provider, *sim.Provider) {
	t.Helper()
	good := "sk-proj-" + strings.Repeat("d", 48)
	oa := sim.NewProvider(provider.OpenAI, good)
	oa.Models, oa.Embedders = []string{"gpt-4o-mini"}, embedders
	ol := sim.NewProvider(provider.Ollama)
	ol.Embedders = []string{"nomic-embed-text"}
	var urls []string
	for _, p := range []*sim.Provider{oa, ol} {
		srv, err := sim.Listen("127.0.0.1", p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		urls = append(urls, srv.URL)
	}
	dir := t.TempDir()
	data := []byte(fmt.Sprintf(embeddingConfig, urls[0], urls[1]))
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if openaiKey == "" {
		openaiKey = good
	}
	env := map[string]string{"LITELLM_MASTER_KEY": sim.FakeLiteLLMKey("e2e-embedding"), "OPENAI_API_KEY": openaiKey}
	proxy, err := sim.NewLiteLLMFromYAML("config.yaml", data, env)
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
	return dir, env, oa, ol
}

func chainNamed(t *testing.T, rep jsonReport, name string, out []byte) int {
	t.Helper()
	for i, c := range rep.Chains {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no chain %s:\n%s", name, out)
	return -1
}

// A repository whose LiteLLM config routes embedding models: discovery
// gives each route the embedding canary, which goes through the proxy to
// each provider's embeddings API, and the chains pass end to end.
func TestEmbeddingRoutesPass(t *testing.T) {
	dir, env, oa, ol := embeddingRepo(t, "", "text-embedding-3-small")
	_, out := run(t, dir, env)
	var rep jsonReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "pass" || len(rep.Chains) != 2 {
		t.Fatalf("embedding routes should pass:\n%s", out)
	}
	for _, p := range []struct {
		p    *sim.Provider
		path string
	}{{oa, "/v1/embeddings"}, {ol, "/api/embed"}} {
		var hit bool
		for _, r := range p.p.Requests() {
			hit = hit || (r.Method == "POST" && r.Path == p.path)
		}
		if !hit {
			t.Errorf("no embeddings call %s reached %s: %+v", p.path, p.p.Spec.Name, p.p.Requests())
		}
	}
}

// The route says embedding, but the model behind it only chats: the
// provider refuses the embeddings call, and the chain fails on the link
// from the proxy to it with model-unavailable (the other route passes).
func TestEmbeddingRouteToAChatModel(t *testing.T) {
	dir, env, _, _ := embeddingRepo(t, "", "text-embedding-3-large")
	_, out := run(t, dir, env)
	var rep jsonReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Chains[chainNamed(t, rep, "docs-embed", out)]
	want := chain.Link{From: "litellm", To: "openai-compatible"}
	if rep.Status != "fail" || c.Status != "fail" || c.FailingLink == nil || *c.FailingLink != want {
		t.Fatalf("chain %s %s link %v, want fail on %v:\n%s", c.Name, c.Status, c.FailingLink, want, out)
	}
	var cause string
	for _, f := range c.Findings {
		if f.Link != nil && *f.Link == want && f.Severity == "error" {
			cause = f.Cause
		}
	}
	if cause != "model-unavailable" {
		t.Errorf("cause %q, want model-unavailable:\n%s", cause, out)
	}
	if l := rep.Chains[chainNamed(t, rep, "local-embed", out)]; l.Status != "pass" {
		t.Errorf("local-embed: %s:\n%s", l.Status, out)
	}
}

// The proxy's OpenAI key is dead: the embedding chain fails on the proxy's
// link to OpenAI, not on the CI job's link to the proxy.
func TestEmbeddingRouteWithADeadUpstreamKey(t *testing.T) {
	dir, env, _, _ := embeddingRepo(t, "sk-proj-"+strings.Repeat("x", 48), "text-embedding-3-small")
	_, out := run(t, dir, env)
	var rep jsonReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Chains[chainNamed(t, rep, "docs-embed", out)]
	want := chain.Link{From: "litellm", To: "openai-compatible"}
	if c.Status != "fail" || c.FailingLink == nil || *c.FailingLink != want {
		t.Fatalf("chain %s %s link %v, want fail on %v:\n%s", c.Name, c.Status, c.FailingLink, want, out)
	}
}
