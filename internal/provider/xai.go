package provider

import "github.com/hopcheck/hopcheck/internal/chain"

// XAI is the hop type of xAI's API (https://docs.x.ai/docs/api-reference).
const XAI chain.HopType = "xai"

func init() {
	register(&Spec{
		Type:     XAI,
		Name:     "xAI",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"xai"}, BaseVar: "XAI_API_BASE"},
		OpenClaw: OpenClawRoute{IDs: []string{"xai"}},
		BaseURL:  "https://api.x.ai/v1",
		Hosts:    []string{"api.x.ai"},
		KeyVars:  []string{"XAI_API_KEY"},
		Keys:     Keys{Prefixes: []string{"xai-"}, Distinctive: []string{"xai-"}},
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
	})
}
