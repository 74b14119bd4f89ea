package provider

import "encoding/json"

// HasEmbedding reports whether body, a successful answer to an embedding
// canary, carries at least one embedding vector: a non-empty array of
// numbers (or, for an API asked for base64, a non-empty string) where one
// of the documented answer shapes puts it:
//
//   - OpenAI and every OpenAI-compatible API (LiteLLM, OpenRouter, Azure,
//     Mistral, vLLM, LM Studio, Ollama's /v1): data[i].embedding
//     (https://platform.openai.com/docs/api-reference/embeddings/object);
//   - Gemini embedContent: embedding.values; batchEmbedContents:
//     embeddings[i].values (https://ai.google.dev/api/embeddings);
//   - Vertex AI predict: predictions[i].embeddings.values
//     (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api);
//   - Cohere Embed v2: embeddings.float (or another embedding type's list);
//     v1 and Cohere on Bedrock: embeddings[i]
//     (https://docs.cohere.com/reference/embed);
//   - Ollama /api/embed: embeddings[i]; the older /api/embeddings and
//     Titan on Bedrock: embedding
//     (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings,
//     https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html).
//
// A 200 without one is no proof that the model embeds: Ollama answered an
// empty list for models its engine could not embed with
// (https://github.com/ollama/ollama/pull/9742), and a gateway that
// mis-routes the call may answer 200 with anything.
func HasEmbedding(body []byte) bool {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	return hasEmbedding(m)
}

// hasEmbedding is HasEmbedding for a decoded answer.
func hasEmbedding(m map[string]any) bool {
	if anyItem(m["data"], func(d any) bool { return vector(field(d, "embedding")) }) {
		return true
	}
	switch e := m["embedding"].(type) {
	case []any, string:
		if vector(e) {
			return true
		}
	case map[string]any:
		if vector(e["values"]) {
			return true
		}
	}
	switch e := m["embeddings"].(type) {
	case []any:
		if anyItem(e, func(v any) bool { return vector(v) || vector(field(v, "values")) }) {
			return true
		}
	case map[string]any:
		for _, v := range e {
			if anyItem(v, vector) {
				return true
			}
		}
	}
	return anyItem(m["predictions"], func(p any) bool { return vector(field(field(p, "embeddings"), "values")) })
}

// field is v's member name when v is an object (nil otherwise).
func field(v any, name string) any {
	if m, ok := v.(map[string]any); ok {
		return m[name]
	}
	return nil
}

// anyItem reports whether v is an array with an element for which ok holds.
func anyItem(v any, ok func(any) bool) bool {
	list, _ := v.([]any)
	for _, e := range list {
		if ok(e) {
			return true
		}
	}
	return false
}

// vector reports whether v is an embedding: a non-empty array of numbers,
// or a non-empty (base64) string.
func vector(v any) bool {
	switch x := v.(type) {
	case string:
		return x != ""
	case []any:
		if len(x) == 0 {
			return false
		}
		for _, n := range x {
			if _, ok := n.(float64); !ok {
				return false
			}
		}
		return true
	}
	return false
}
