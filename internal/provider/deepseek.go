package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// DeepSeek is the hop type of the DeepSeek API (https://api-docs.deepseek.com).
const DeepSeek chain.HopType = "deepseek"

func init() {
	register(&Spec{
		Type:     DeepSeek,
		Name:     "DeepSeek",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"deepseek"}, BaseVar: "DEEPSEEK_API_BASE"},
		OpenClaw: OpenClawRoute{IDs: []string{"deepseek"}},
		BaseURL:  "https://api.deepseek.com/v1",
		Hosts:    []string{"api.deepseek.com"},
		KeyVars:  []string{"DEEPSEEK_API_KEY"},
		Keys:     Keys{Prefixes: []string{"sk-"}},
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    deepseekRules,
	})
}

// DeepSeek answers "Authentication Fails, Your api key: ****xxxx is
// invalid", echoing the key's last characters
// (https://github.com/deepseek-ai/DeepSeek-R1/issues/82).
var deepseekRules = []classify.Rule{
	// `****_KEY` is a variable name, `****json` a file path: the value sent
	// is not a key.
	{ID: "deepseek.key-not-a-key", Msg: classify.Re(`your api[ _-]?key:?\s*\*+(?:[a-z_]*_key\b|\S*?(?:json|ya?ml|txt|env)\b)`), Cause: finding.CredentialMalformed},
	{ID: "deepseek.invalid-key", Msg: classify.Re(`authentication fails`), Cause: finding.CredentialRejected},
}
