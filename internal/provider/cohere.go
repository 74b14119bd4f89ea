package provider

import (
	"encoding/json"
	"net/http"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Cohere is the hop type of Cohere's API (https://docs.cohere.com/reference/about).
const Cohere chain.HopType = "cohere"

func init() {
	register(&Spec{
		Type: Cohere,
		Name: "Cohere",
		Role: Provider,
		// LiteLLM's cohere/ and cohere_chat/ routes read COHERE_API_KEY,
		// then CO_API_KEY, and COHERE_API_BASE
		// (https://github.com/BerriAI/litellm/blob/main/litellm/main.py).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"cohere", "cohere_chat"}, BaseVar: "COHERE_API_BASE", KeyVars: []string{"COHERE_API_KEY", "CO_API_KEY"}},
		// OpenClaw's cohere provider talks to the Compatibility API at
		// https://api.cohere.ai/compatibility/v1 with COHERE_API_KEY
		// (https://github.com/openclaw/openclaw/blob/main/docs/providers/cohere.md).
		OpenClaw: OpenClawRoute{IDs: []string{"cohere"}, KeyVars: []string{"COHERE_API_KEY"}},
		BaseURL:  "https://api.cohere.com",
		Hosts:    []string{"api.cohere.com", "api.cohere.ai"},
		// Every call's path carries its version; users also write the v1
		// or v2 root, LiteLLM's chat endpoint (…/v1/chat) or the
		// Compatibility API root.
		RootTrims: []string{"/compatibility/v1", "/v2/chat", "/v1/chat", "/v2", "/v1"},
		// The Python SDK reads CO_API_KEY
		// (https://github.com/cohere-ai/cohere-python/pull/417).
		KeyVars: []string{"COHERE_API_KEY", "CO_API_KEY"},
		// Keys have no prefix (40 letters and digits), so nothing but a
		// fake is declared.
		Keys:  Keys{Fake: "0fake0cohere0key000000000000000000000000"},
		Auth:  Auth{Name: "Authorization", Prefix: "Bearer "},
		Shape: ShapeCohere,
		// List Models needs the key and costs nothing
		// (https://docs.cohere.com/reference/list-models).
		KeyCheck: Call{Method: "GET", Path: "/v1/models"},
		ReadKey:  readCohereModels,
		// Chat v2 (https://docs.cohere.com/reference/chat).
		BuildCanary: func(in RequestInput) Call {
			return Call{Method: "POST", Path: "/v2/chat",
				Body: map[string]any{"model": in.Model, "messages": messages(in), "max_tokens": in.maxTokens(), "stream": false}}
		},
		// Embed v2 (https://docs.cohere.com/reference/embed).
		BuildEmbedding: func(in RequestInput) Call {
			return Call{Method: "POST", Path: "/v2/embed",
				Body: map[string]any{"model": in.Model, "texts": []string{CanaryPrompt}, "input_type": "search_query", "embedding_types": []string{"float"}}}
		},
		Samples: cohereSamples,
	})
}

// readCohereModels lists the model names List Models answers
// ({"models":[{"name":…}]}).
func readCohereModels(body []byte) KeyFacts {
	var ml struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if json.Unmarshal(body, &ml) != nil || len(ml.Models) == 0 {
		return KeyFacts{}
	}
	f := KeyFacts{Models: make([]string, 0, len(ml.Models))}
	for _, m := range ml.Models {
		f.Models = append(f.Models, m.Name)
	}
	return f
}

// Cohere answers {"message":"…"}. The shared families name its rejected
// key ("invalid api token") and its unknown model ("model 'x' not found"),
// so it needs no rules of its own; no documented body for a missing key or
// a trial key's rate limit was found, so none is claimed.
var cohereSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: http.StatusUnauthorized,
		Body:   `{"message":"invalid api token"}`,
		Source: "https://github.com/cohere-ai/cohere-toolkit/issues/857"},
	{Cause: finding.ModelUnavailable, Status: http.StatusNotFound,
		Body:   `{"message":"model 'command-xlarge-beta' not found, make sure the correct model ID was used and that you have access to the model."}`,
		Source: "https://github.com/BerriAI/litellm/issues/2515"},
}
