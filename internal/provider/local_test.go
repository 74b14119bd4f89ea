package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Bodies of the local no-key servers (ollama.go, lmstudio.go, vllm.go).
var localCases = []tcase{
	{name: "ollama model not pulled", t: Ollama, status: 404, ct: ctJSON, body: `{"error":"model 'custom-phi3-32k-Q4_K_M' not found"}`,
		cause: finding.ModelUnavailable, Rule: "shared.model-unavailable"},
	// https://github.com/ollama/ollama-python/issues/149
	{name: "ollama model not found, try pulling", t: Ollama, status: 404, ct: ctJSON, body: `{"error":"model 'llama2' not found, try pulling it first"}`,
		cause: finding.ModelUnavailable},
	// https://github.com/netease-youdao/QAnything/issues/555: the
	// OpenAI-compatible route.
	{name: "ollama openai route model not found", t: Ollama, status: 404, ct: ctJSON,
		body:  `{"error":{"message":"model \"ollama\" not found, try pulling it first","type":"api_error","param":null,"code":null}}`,
		cause: finding.ModelUnavailable},
	{name: "ollama version is reachability", t: Ollama, status: 200, ct: ctJSON, body: `{"version":"0.9.0"}`,
		cause: finding.OK, Rule: "generic.2xx"},
	{name: "lmstudio model not found", t: LMStudio, status: 404, ct: ctJSON,
		body:  `{"error":{"message":"Model \"default\" not found. Please specify a valid model.\n\nYour models:\n\ngemma-3-27b-it-qat\nqwen3-32b","type":"invalid_request_error","param":"model","code":"model_not_found"}}`,
		cause: finding.ModelUnavailable, Rule: "shared.model-unavailable"},
	// https://github.com/lmstudio-ai/lms/issues/107 (404, message verbatim)
	// and https://github.com/tinyhumansai/openhuman/issues/4181 (400).
	{name: "lmstudio no models loaded on 404", t: LMStudio, status: 404, ct: ctJSON,
		body:  "{\"error\":{\"message\":\"No models loaded. Please load a model in the developer page or use the `lms load` command\",\"type\":\"invalid_request_error\",\"param\":\"model\"}}",
		cause: finding.ModelUnavailable, Rule: "lmstudio.no-models-loaded"},
	{name: "lmstudio no models loaded on 400", t: LMStudio, status: 400, ct: ctJSON,
		body:  `{"error":{"message":"No models loaded. Please load a model in the developer page or use the ` + "`lms load`" + ` command","type":"invalid_request_error","param":"model"}}`,
		cause: finding.ModelUnavailable, Rule: "lmstudio.no-models-loaded"},
	{name: "vllm unauthorized", t: VLLM, status: 401, ct: ctJSON, body: `{"error":"Unauthorized"}`,
		cause: finding.CredentialRejected, Rule: "shared.unauthorized"},
	{name: "vllm model does not exist", t: VLLM, status: 404, ct: ctJSON,
		body:  "{\"object\":\"error\",\"message\":\"The model `Qwen1.5-14B-Chat-GPTQ-Int8` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
		cause: finding.ModelUnavailable},
	{name: "vllm health", t: VLLM, status: 200, ct: "", body: ``,
		cause: finding.OK, Rule: "generic.2xx"},
}

func init() { cases = append(cases, localCases...) }

func TestLocalServersAreSelfHosted(t *testing.T) {
	for _, typ := range []string{"ollama", "lmstudio", "vllm"} {
		s, ok := Lookup(chainType(typ))
		if !ok {
			t.Fatalf("%s not registered", typ)
		}
		if s.Verify != NoKey || s.Pinned() || len(s.Keys.Dummies) == 0 || s.Public.Zero() {
			t.Errorf("%s: verify %s, pinned %v, dummies %v, public %v", typ, s.Verify, s.Pinned(), s.Keys.Dummies, s.Public)
		}
	}
	for prefix, want := range map[string]string{"hosted_vllm": "vllm", "lm_studio": "lmstudio", "ollama": "ollama", "ollama_chat": "ollama"} {
		if s, ok := ByLiteLLM(prefix); !ok || string(s.Type) != want {
			t.Errorf("LiteLLM prefix %s → %v, want %s", prefix, s, want)
		}
	}
}

func TestLocalServerCalls(t *testing.T) {
	tests := []struct {
		t          string
		base       string
		public     string
		keyCheck   string
		canary     string
		embedding  string
		canaryBody string
	}{
		{"ollama", "http://localhost:11434", "http://localhost:11434/api/version", "http://localhost:11434/api/tags", "http://localhost:11434/api/chat", "http://localhost:11434/api/embed", "num_predict"},
		// An OpenAI-style base for Ollama still reaches the native API.
		{"ollama", "http://gpu-box:11434/v1/", "http://gpu-box:11434/api/version", "http://gpu-box:11434/api/tags", "http://gpu-box:11434/api/chat", "http://gpu-box:11434/api/embed", "num_predict"},
		{"lmstudio", "http://localhost:1234/v1", "http://localhost:1234/v1/models", "http://localhost:1234/v1/models", "http://localhost:1234/v1/chat/completions", "http://localhost:1234/v1/embeddings", "max_tokens"},
		// vLLM's /health lives at the root, outside /v1.
		{"vllm", "http://10.0.0.5:8000/v1", "http://10.0.0.5:8000/health", "http://10.0.0.5:8000/v1/models", "http://10.0.0.5:8000/v1/chat/completions", "http://10.0.0.5:8000/v1/embeddings", "max_tokens"},
		{"vllm", "http://vllm:8000", "http://vllm:8000/health", "http://vllm:8000/v1/models", "http://vllm:8000/v1/chat/completions", "http://vllm:8000/v1/embeddings", "max_tokens"},
	}
	for _, tc := range tests {
		s := For(chainType(tc.t))
		in := RequestInput{Base: tc.base, Model: "m"}
		for name, pair := range map[string][2]string{
			"public":    {s.URL(tc.base, s.PublicCall(in)), tc.public},
			"key check": {s.URL(tc.base, s.KeyCheckCall(in)), tc.keyCheck},
			"canary":    {s.URL(tc.base, s.Canary(in)), tc.canary},
			"embedding": {s.URL(tc.base, s.Embedding(in)), tc.embedding},
		} {
			if pair[0] != pair[1] {
				t.Errorf("%s at %s: %s %s, want %s", tc.t, tc.base, name, pair[0], pair[1])
			}
		}
		body := s.Canary(in).Body.(map[string]any)
		if _, ok := body[tc.canaryBody]; !ok {
			if o, _ := body["options"].(map[string]any); o[tc.canaryBody] == nil {
				t.Errorf("%s canary body %v lacks %s", tc.t, body, tc.canaryBody)
			}
		}
	}
}

func TestDummyKeys(t *testing.T) {
	ollama, lm, vllm := For(Ollama), For(LMStudio), For(VLLM)
	dummies := []struct {
		s *Spec
		v string
	}{
		{ollama, "ollama"}, {ollama, "ollama-local"}, {ollama, " OLLAMA "},
		{lm, "lm-studio"}, {lm, "lmstudio"}, {lm, "fake-api-key"},
		{vllm, "EMPTY"}, {vllm, "empty"}, {vllm, "token-abc123"}, {vllm, "vllm-local"},
		// Placeholders are dummies on a no-key server too.
		{ollama, "not-needed"}, {lm, "none"}, {vllm, "<your-key>"},
	}
	for _, d := range dummies {
		if !d.s.IsDummyKey(d.v) {
			t.Errorf("%s: %q is a dummy", d.s.Type, d.v)
		}
	}
	real := []struct {
		s *Spec
		v string
	}{
		// A server started with --api-key, or an authenticating proxy,
		// holds a real key.
		{vllm, "sk-8f3a0c1d2e4b5a6978c0d1e2f3a4b5c6"}, {ollama, "3f9c2b7a1d4e6f8a0b2c4d6e8f0a1b3c"}, {lm, "lms_0a1b2c3d4e5f"},
		{ollama, ""}, {ollama, "ollama-prod-7f3a"},
	}
	for _, r := range real {
		if r.s.IsDummyKey(r.v) {
			t.Errorf("%s: %q is not a dummy", r.s.Type, r.v)
		}
	}
	// A keyed provider never has dummies: its placeholders are
	// IsPlaceholder's, and a value is a key or not one.
	if For(OpenAI).IsDummyKey("ollama") || For(Moonshot).IsDummyKey("EMPTY") {
		t.Error("dummy key on a keyed provider")
	}
	if s, ok := DummyKeyOf("ollama-local"); !ok || s != ollama {
		t.Errorf("ollama-local → %v", s)
	}
	if s, ok := DummyKeyOf("vllm-local"); !ok || s != vllm {
		t.Errorf("vllm-local → %v", s)
	}
	if _, ok := DummyKeyOf("sk-8f3a0c1d2e4b5a6978c0d1e2f3a4b5c6"); ok {
		t.Error("a key is no dummy")
	}
}

func chainType(s string) chain.HopType { return chain.HopType(s) }
