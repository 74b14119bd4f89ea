package provider

import "github.com/hopcheck/hopcheck/internal/chain"

// Mistral is the hop type of Mistral AI's API (https://docs.mistral.ai/api).
const Mistral chain.HopType = "mistral"

func init() {
	register(&Spec{
		Type:     Mistral,
		Name:     "Mistral AI",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"mistral"}, BaseVar: "MISTRAL_API_BASE"},
		OpenClaw: OpenClawRoute{IDs: []string{"mistral"}},
		BaseURL:  "https://api.mistral.ai/v1",
		Hosts:    []string{"api.mistral.ai"},
		KeyVars:  []string{"MISTRAL_API_KEY"},
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
	})
}
