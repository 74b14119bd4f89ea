package provider

import "github.com/hopcheck/hopcheck/internal/chain"

// Groq is the hop type of GroqCloud's OpenAI-compatible API (https://console.groq.com/docs/api-reference).
const Groq chain.HopType = "groq"

func init() {
	register(&Spec{
		Type:     Groq,
		Name:     "Groq",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"groq"}, BaseVar: "GROQ_API_BASE"},
		OpenClaw: OpenClawRoute{IDs: []string{"groq"}},
		BaseURL:  "https://api.groq.com/openai/v1",
		Hosts:    []string{"api.groq.com"},
		KeyVars:  []string{"GROQ_API_KEY"},
		Keys:     Keys{Prefixes: []string{"gsk_"}, Distinctive: []string{"gsk_"}},
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
	})
}
