package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// OpenAICompatible is the hop type of an OpenAI-shaped API whose vendor
// hopcheck does not model (a self-hosted server, claude-code-router, a
// gateway declared by its API shape).
const OpenAICompatible chain.HopType = "openai-compatible"

func init() {
	register(&Spec{
		Type:      OpenAICompatible,
		Name:      "OpenAI-compatible API",
		Role:      Provider,
		Auth:      Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck:  Call{Method: "GET", Path: "/models"},
		AnyVendor: true,
		Rules:     classify.Compose(ccrRules, litellmRelayRules),
		LiteLLM:   LiteLLMRoute{Prefixes: []string{"openai_like", "custom_openai"}},
	})
}

// claude-code-router answers plain text for its own auth ("apikey is
// missing", "Invalid API key") and wraps an upstream's answer in "Error
// from provider(…: N): {body}"
// (https://github.com/musistudio/claude-code-router/blob/main/src/middleware/auth.ts,
// https://github.com/musistudio/claude-code-router/issues/442).
var ccrRules = []classify.Rule{
	{ID: "ccr.apikey-missing", Kinds: classify.KindText, Msg: classify.Re(`^apikey is missing`), Cause: finding.HeaderMissing},
	{ID: "ccr.invalid-key", Kinds: classify.KindText, Msg: classify.Re(`^invalid api[ _-]?key\.?$`), Cause: finding.CredentialRejected},
	{ID: "ccr.provider-error", Msg: classify.Re(`^error from provider`), Origin: classify.Relayed, Act: classify.ActInnerProviderError},
	// An empty provider api_key drops the provider; nothing is sent
	// (observed with @musistudio/claude-code-router 2.0.0).
	{ID: "ccr.provider-not-found", Msg: classify.Re(`^provider '[^']*' not found`), Origin: classify.Relayed, Cause: finding.CredentialMissing},
	{ID: "ccr.cors", Msg: classify.Re(`cors not allowed`), Cause: finding.Forbidden},
}
