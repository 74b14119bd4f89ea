package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/provider"
)

// embeddingsList is OpenAI's embeddings answer.
type embeddingsList struct {
	Object string `json:"object"`
	Model  string `json:"model"`
	Data   []struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
}

func startProvider(t *testing.T, p *Provider) string {
	t.Helper()
	srv, err := Listen("", p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv.URL
}

// A provider simulator answers embeddings calls in its spec's shape, and a
// call of the wrong kind for the model with the provider's documented
// answer for it.
func TestProviderEmbeddings(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("s", 48)
	p := NewProvider(provider.OpenAI, key)
	p.Models, p.Embedders = []string{"gpt-4o-mini"}, []string{"text-embedding-3-small"}
	base := startProvider(t, p)
	auth := ptr("Bearer " + key)
	emb := func(model string) string { return fmt.Sprintf(`{"model":%q,"input":"hi"}`, model) }

	got := do(t, "POST", base+"/v1/embeddings", auth, emb("text-embedding-3-small"))
	if got.status != 200 || !provider.HasEmbedding([]byte(got.body)) {
		t.Errorf("embedding model: %d %s", got.status, got.body)
	}
	// OpenAI's shape (https://platform.openai.com/docs/api-reference/embeddings/create):
	// a list whose data[i] is an embedding object with a float vector.
	var list embeddingsList
	if err := json.Unmarshal([]byte(got.body), &list); err != nil || list.Object != "list" || list.Model != "text-embedding-3-small" ||
		len(list.Data) != 1 || list.Data[0].Object != "embedding" || list.Data[0].Index != 0 || len(list.Data[0].Embedding) == 0 {
		t.Errorf("embeddings answer not in OpenAI's shape (%v): %s", err, got.body)
	}
	got = do(t, "POST", base+"/v1/embeddings", auth, emb("gpt-4o-mini"))
	if got.status != 403 || !strings.Contains(got.body, "not allowed to generate embeddings") || provider.HasEmbedding([]byte(got.body)) {
		t.Errorf("chat model asked to embed: %d %s", got.status, got.body)
	}
	got = do(t, "POST", base+"/v1/chat/completions", auth, liteChat("text-embedding-3-small", false))
	if got.status != 400 || !strings.Contains(got.body, `does not support chat`) || strings.Contains(got.body, `"choices"`) {
		t.Errorf("embedding model asked to chat: %d %s", got.status, got.body)
	}
	// Each model still answers the call of its kind.
	if got = do(t, "POST", base+"/v1/chat/completions", auth, liteChat("gpt-4o-mini", false)); got.status != 200 || !strings.Contains(got.body, `"choices"`) {
		t.Errorf("chat model asked to chat: %d %s", got.status, got.body)
	}
	if got = do(t, "POST", base+"/v1/embeddings", ptr("Bearer sk-proj-"+strings.Repeat("w", 48)), emb("text-embedding-3-small")); got.status != 401 {
		t.Errorf("wrong key: %d %s", got.status, got.body)
	}
	got = do(t, "POST", base+"/v1/embeddings", auth, emb("nope"))
	if got.status != 404 {
		t.Errorf("unknown model: %d %s", got.status, got.body)
	}
	got = do(t, "GET", base+"/v1/models", auth, "")
	if !strings.Contains(got.body, `"text-embedding-3-small"`) || !strings.Contains(got.body, `"gpt-4o-mini"`) {
		t.Errorf("model list lacks a served model: %s", got.body)
	}
	p.NoVector = true
	got = do(t, "POST", base+"/v1/embeddings", auth, emb("text-embedding-3-small"))
	list = embeddingsList{}
	if got.status != 200 || provider.HasEmbedding([]byte(got.body)) || json.Unmarshal([]byte(got.body), &list) != nil || list.Object != "list" || len(list.Data) != 0 {
		t.Errorf("NoVector: %d %s, want 200 with an empty list", got.status, got.body)
	}

	// Ollama's native shape.
	ol := NewProvider(provider.Ollama)
	ol.Embedders = []string{"nomic-embed-text"}
	obase := startProvider(t, ol)
	got = do(t, "POST", obase+"/api/embed", nil, emb("nomic-embed-text"))
	var oa struct {
		Embeddings [][]float64 `json:"embeddings"`
	}
	if got.status != 200 || json.Unmarshal([]byte(got.body), &oa) != nil || len(oa.Embeddings) != 1 || len(oa.Embeddings[0]) == 0 {
		t.Errorf("ollama /api/embed: %d %s", got.status, got.body)
	}
	got = do(t, "POST", obase+"/api/chat", nil, liteChat("nomic-embed-text", false))
	if got.status != 400 || !strings.Contains(got.body, "does not support") {
		t.Errorf("ollama chat with an embedding model: %d %s", got.status, got.body)
	}
}

// The proxy serves /v1/embeddings: it calls the deployment's provider in
// that provider's embeddings shape (Gemini's embedContent here) and answers
// in OpenAI's shape; an upstream failure is wrapped as for chat.
func TestLiteLLMEmbeddings(t *testing.T) {
	gkey := provider.For(provider.Gemini).Keys.Fake
	g := NewProvider(provider.Gemini, gkey)
	g.Embedders = []string{"text-embedding-004"}
	gbase := startProvider(t, g)
	cfg := fmt.Sprintf(`model_list:
  - model_name: emb
    litellm_params:
      model: gemini/text-embedding-004
      api_base: %s
      api_key: os.environ/GEMINI_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, gbase)
	_, base := startLite(t, cfg, map[string]string{"LITELLM_MASTER_KEY": masterKey, "GEMINI_API_KEY": gkey})
	auth := ptr("Bearer " + masterKey)
	for _, path := range []string{"/v1/embeddings", "/embeddings"} {
		got := do(t, "POST", base+path, auth, `{"model":"emb","input":"hi"}`)
		if got.status != 200 || !strings.Contains(got.body, `"object":"list"`) || !provider.HasEmbedding([]byte(got.body)) {
			t.Errorf("%s: %d %s", path, got.status, got.body)
		}
	}
	reqs := g.Requests()
	if len(reqs) == 0 || !strings.HasSuffix(reqs[len(reqs)-1].Path, "/models/text-embedding-004:embedContent") || !reqs[len(reqs)-1].HasAuth {
		t.Errorf("gemini received %+v, want an authenticated embedContent", reqs)
	}
	if got := do(t, "POST", base+"/v1/embeddings", nil, `{"model":"emb","input":"hi"}`); got.status != 401 {
		t.Errorf("no proxy key: %d %s", got.status, got.body)
	}
	got := do(t, "POST", base+"/v1/embeddings", auth, `{"model":"nope","input":"hi"}`)
	if got.status != 400 || !strings.Contains(got.body, "/embeddings: Invalid model name passed in model=nope") {
		t.Errorf("unknown model: %d %s", got.status, got.body)
	}

	// The proxy answers in OpenAI's shape whatever the provider's.
	var list embeddingsList
	got = do(t, "POST", base+"/v1/embeddings", auth, `{"model":"emb","input":"hi"}`)
	if json.Unmarshal([]byte(got.body), &list) != nil || list.Model != "emb" || len(list.Data) != 1 || list.Data[0].Object != "embedding" || len(list.Data[0].Embedding) == 0 {
		t.Errorf("proxy answer not in OpenAI's shape: %s", got.body)
	}

	// Without its upstream key the proxy relays Gemini's refusal.
	_, base = startLite(t, cfg, map[string]string{"LITELLM_MASTER_KEY": masterKey})
	got = do(t, "POST", base+"/v1/embeddings", auth, `{"model":"emb","input":"hi"}`)
	if got.status/100 != 4 || !strings.Contains(got.body, "Exception - Error code:") {
		t.Errorf("no upstream key: %d %s", got.status, got.body)
	}
	// An upstream 200 without a vector becomes an empty list.
	g.NoVector = true
	_, base = startLite(t, cfg, map[string]string{"LITELLM_MASTER_KEY": masterKey, "GEMINI_API_KEY": gkey})
	got = do(t, "POST", base+"/v1/embeddings", auth, `{"model":"emb","input":"hi"}`)
	if got.status != 200 || !strings.Contains(got.body, `"data":[]`) {
		t.Errorf("upstream without a vector: %d %s", got.status, got.body)
	}
}

// OpenRouter's embeddings endpoint checks the key, the model and the
// account like a chat completion.
func TestOpenRouterEmbeddings(t *testing.T) {
	key := FakeOpenRouterKey("emb")
	or := NewOpenRouter(key)
	base := startOR(t, or)
	body := `{"model":"openrouter/auto","input":"hi"}`
	if got := do(t, "POST", base+"/embeddings", ptr("Bearer "+key), body); got.status != 200 || !provider.HasEmbedding([]byte(got.body)) {
		t.Errorf("embeddings: %d %s", got.status, got.body)
	}
	if got := do(t, "POST", base+"/embeddings", nil, body); got.status != 401 {
		t.Errorf("no key: %d %s", got.status, got.body)
	}
	if got := do(t, "POST", base+"/embeddings", ptr("Bearer "+key), `{"model":"no/such-model","input":"hi"}`); got.status != 400 {
		t.Errorf("unknown model: %d %s", got.status, got.body)
	}
}

// A call of the wrong kind for the deployment's model goes upstream like
// any other, and the proxy relays the provider's refusal wrapped in its own
// error (never a 200): embeddings for a chat model, a chat completion for
// an embedding model.
func TestLiteLLMWrongKind(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("q", 48)
	oa := NewProvider(provider.OpenAI, key)
	oa.Models, oa.Embedders = []string{"gpt-4o-mini"}, []string{"text-embedding-3-small"}
	obase := startProvider(t, oa)
	cfg := fmt.Sprintf(`model_list:
  - model_name: chat
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: %[1]s/v1
      api_key: os.environ/OPENAI_API_KEY
  - model_name: emb
    litellm_params:
      model: openai/text-embedding-3-small
      api_base: %[1]s/v1
      api_key: os.environ/OPENAI_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, obase)
	_, base := startLite(t, cfg, map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENAI_API_KEY": key})
	auth := ptr("Bearer " + masterKey)
	for _, tc := range []struct {
		name, path, body, want string
	}{
		{"embeddings for a chat model", "/v1/embeddings", `{"model":"chat","input":"hi"}`, "not allowed to generate embeddings"},
		{"chat for an embedding model", "/v1/chat/completions", liteChat("emb", false), "does not support chat"},
	} {
		got := do(t, "POST", base+tc.path, auth, tc.body)
		if got.status/100 != 4 || !strings.Contains(got.body, tc.want) || !strings.Contains(got.body, "Exception") || provider.HasEmbedding([]byte(got.body)) {
			t.Errorf("%s: %d %s", tc.name, got.status, got.body)
		}
	}
	// The right kind passes through the same proxy.
	if got := do(t, "POST", base+"/v1/embeddings", auth, `{"model":"emb","input":"hi"}`); got.status != 200 || !provider.HasEmbedding([]byte(got.body)) {
		t.Errorf("embeddings for an embedding model: %d %s", got.status, got.body)
	}
	if got := do(t, "POST", base+"/v1/chat/completions", auth, liteChat("chat", false)); got.status != 200 || !strings.Contains(got.body, `"choices"`) {
		t.Errorf("chat for a chat model: %d %s", got.status, got.body)
	}
}

// With litellm_settings.cache on, the proxy answers a repeated embeddings
// call from its cache, so only a call that skips it (the canary's
// cache.no-cache) shows what the upstream answers now.
func TestLiteLLMEmbeddingsCache(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("c", 48)
	oa := NewProvider(provider.OpenAI, key)
	oa.Embedders = []string{"text-embedding-3-small"}
	obase := startProvider(t, oa)
	cfg := fmt.Sprintf(`model_list:
  - model_name: emb
    litellm_params:
      model: openai/text-embedding-3-small
      api_base: %s/v1
      api_key: os.environ/OPENAI_API_KEY
litellm_settings:
  cache: true
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, obase)
	_, base := startLite(t, cfg, map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENAI_API_KEY": key})
	auth := ptr("Bearer " + masterKey)
	// The canary, and the same call without its cache control.
	canary := provider.For(provider.LiteLLM).Embedding(provider.RequestInput{Base: base, Model: "emb"})
	cb, _ := json.Marshal(canary.Body)
	var plain map[string]any
	_ = json.Unmarshal(cb, &plain)
	if _, ok := plain["cache"]; !ok {
		t.Fatalf("the LiteLLM embedding canary does not skip the cache: %s", cb)
	}
	delete(plain, "cache")
	pb, _ := json.Marshal(plain)
	if got := do(t, "POST", base+canary.Path, auth, string(pb)); !provider.HasEmbedding([]byte(got.body)) {
		t.Fatalf("first call: %d %s", got.status, got.body)
	}
	oa.NoVector = true // the upstream stops embedding
	if got := do(t, "POST", base+canary.Path, auth, string(pb)); !provider.HasEmbedding([]byte(got.body)) {
		t.Errorf("a repeated call should come from the cache: %d %s", got.status, got.body)
	}
	if got := do(t, "POST", base+canary.Path, auth, string(cb)); got.status != 200 || provider.HasEmbedding([]byte(got.body)) {
		t.Errorf("the embedding canary must skip the cache and see the upstream's empty answer: %d %s", got.status, got.body)
	}
}
