package provider

import (
	"encoding/json"
	"testing"
)

// The answer shapes HasEmbedding recognises come from each API's
// documented embeddings answer (see HasEmbedding); an answer without a
// vector, however well-formed otherwise, is not one.
func TestHasEmbedding(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"openai", `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023,-0.0093]}],"model":"text-embedding-3-small"}`, true},
		{"openai base64", `{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AAAAAA=="}]}`, true},
		{"openai second item", `{"data":[{"embedding":[]},{"embedding":[1]}]}`, true},
		{"gemini embedContent", `{"embedding":{"values":[0.013,-0.008]}}`, true},
		{"gemini batch", `{"embeddings":[{"values":[0.013,-0.008]}]}`, true},
		{"vertex predict", `{"predictions":[{"embeddings":{"values":[0.1],"statistics":{"token_count":4}}}]}`, true},
		{"cohere v2", `{"id":"x","embeddings":{"float":[[0.016,-0.008]]},"texts":["hi"]}`, true},
		{"cohere v2 int8", `{"embeddings":{"int8":[[12,-8]]}}`, true},
		{"cohere v1 and on bedrock", `{"embeddings":[[0.016,-0.008]],"id":"x"}`, true},
		{"ollama api/embed", `{"model":"nomic-embed-text","embeddings":[[0.01,-0.002]]}`, true},
		{"ollama api/embeddings", `{"embedding":[0.56,0.21]}`, true},
		{"titan on bedrock", `{"embedding":[0.12,0.4],"inputTextTokenCount":4}`, true},

		{"openai empty list", `{"object":"list","data":[],"model":"m"}`, false},
		{"openai empty vector", `{"data":[{"object":"embedding","embedding":[]}]}`, false},
		{"openai null vector", `{"data":[{"object":"embedding","embedding":null}]}`, false},
		{"ollama empty list", `{"model":"llama3","embeddings":[]}`, false},
		{"ollama list of empty vectors", `{"model":"llama3","embeddings":[[]]}`, false},
		{"gemini no values", `{"embedding":{"values":[]}}`, false},
		{"cohere no floats", `{"embeddings":{"float":[]}}`, false},
		{"not numbers", `{"data":[{"embedding":["a","b"]}]}`, false},
		{"a chat completion", `{"object":"chat.completion","choices":[{"message":{"role":"assistant","content":"OK"}}]}`, false},
		{"an error", `{"error":{"message":"no"}}`, false},
		{"empty object", `{}`, false},
		{"not json", `OK`, false},
		{"a list", `[[0.1]]`, false},
	}
	for _, tc := range tests {
		if got := HasEmbedding([]byte(tc.body)); got != tc.want {
			t.Errorf("%s: HasEmbedding(%s) = %v, want %v", tc.name, tc.body, got, tc.want)
		}
	}
}

// The gateways' embedding canaries: LiteLLM's OpenAI embeddings route (past its cache),
// OpenClaw's with the agent target as model and the upstream model in
// x-openclaw-model, as its chat canary.
func TestGatewayEmbeddingCalls(t *testing.T) {
	ll := For(LiteLLM)
	c := ll.Embedding(RequestInput{Base: "http://127.0.0.1:4000/v1", Model: "text-embedding-3-small"})
	b, _ := json.Marshal(c.Body)
	if u := ll.URL("http://127.0.0.1:4000/v1", c); c.Method != "POST" || u != "http://127.0.0.1:4000/v1/embeddings" ||
		string(b) != `{"cache":{"no-cache":true},"input":"Reply with OK.","model":"text-embedding-3-small"}` {
		t.Errorf("litellm embedding: %s %s %s", c.Method, u, b)
	}

	oc := For(OpenClaw)
	for next, want := range map[string]string{"openai": "openai/text-embedding-3-small", "": "text-embedding-3-small"} {
		in := RequestInput{Base: "http://127.0.0.1:18789", Model: "text-embedding-3-small", Next: chainType(next)}
		c := oc.Embedding(in)
		b, _ := json.Marshal(c.Body)
		if u := oc.URL(in.Base, c); u != "http://127.0.0.1:18789/v1/embeddings" || string(b) != `{"input":"Reply with OK.","model":"openclaw"}` {
			t.Errorf("openclaw embedding: %s %s", u, b)
		}
		if got := c.Header.Get("x-openclaw-model"); got != want {
			t.Errorf("openclaw embedding before %q: x-openclaw-model %q, want %q", next, got, want)
		}
		if chat := oc.Canary(in); chat.Header.Get("x-openclaw-model") != want {
			t.Errorf("openclaw chat before %q: x-openclaw-model %q, want %q", next, chat.Header.Get("x-openclaw-model"), want)
		}
	}
}

// Every embedding canary says its answer must carry a vector, and that
// answer's Read accepts a vector in the documented shapes and refuses a
// 2xx without one.
func TestEmbeddingAnswer(t *testing.T) {
	for _, s := range All() {
		if a := s.Embedding(RequestInput{Base: s.BaseURL, Model: "m"}).Answer; a != AnswerEmbedding {
			t.Errorf("%s: the embedding canary's answer is %v", s.Type, a)
		}
	}
	for body, ok := range map[string]bool{
		`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2]}]}`: true,
		`{"embedding":{"values":[0.5]}}`:                                true,
		`{"model":"m","embeddings":[[0.1]]}`:                            true,
		`{"object":"list","data":[]}`:                                   false,
		`{"choices":[{"message":{"role":"assistant","content":"OK"}}]}`: false,
		`{}`: false,
		`OK`: false,
	} {
		if _, err := AnswerEmbedding.Read([]byte(body), nil); (err == nil) != ok {
			t.Errorf("%s: err %v, want ok %v", body, err, ok)
		}
	}
}
