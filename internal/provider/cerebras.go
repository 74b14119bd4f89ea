package provider

import "github.com/hopcheck/hopcheck/internal/chain"

// Cerebras is the hop type of Cerebras Inference's OpenAI-compatible API (https://inference-docs.cerebras.ai/api-reference).
const Cerebras chain.HopType = "cerebras"

func init() {
	register(&Spec{
		Type: Cerebras,
		Name: "Cerebras",
		Role: Provider,
		// LiteLLM reads CEREBRAS_API_BASE (default https://api.cerebras.ai/v1)
		// and CEREBRAS_API_KEY (litellm/litellm_core_utils/get_llm_provider_logic.py).
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"cerebras"}, BaseVar: "CEREBRAS_API_BASE", KeyVars: []string{"CEREBRAS_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"cerebras"}},
		BaseURL:  "https://api.cerebras.ai/v1",
		Hosts:    []string{"api.cerebras.ai"},
		KeyVars:  []string{"CEREBRAS_API_KEY"},
		Keys: Keys{
			// Keys start csk- (gitleaks/betterleaks' cerebras-api-key rule);
			// the length is not documented, so only the prefix is checked.
			Prefixes:    []string{"csk-"},
			Distinctive: []string{"csk-"},
			Fake:        "csk-0fake0key00000000000000000000",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/models needs a valid key
		// (https://inference-docs.cerebras.ai/api-reference/models/list-models).
		// No documented error body was found: the OpenAI-style envelope is
		// classified by the shared families and the status fallback.
		KeyCheck: Call{Method: "GET", Path: "/models"},
	})
}
