package provider

import (
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Mistral is the hop type of Mistral AI's API (https://docs.mistral.ai/api).
const Mistral chain.HopType = "mistral"

func init() {
	register(&Spec{
		Type: Mistral,
		Name: "Mistral AI",
		Role: Provider,
		// LiteLLM's chat route reads MISTRAL_AZURE_API_BASE (for Mistral on
		// Azure AI) and MISTRAL_AZURE_API_KEY before MISTRAL_API_KEY, and
		// appends /v1 to a base without it (litellm/llms/mistral/chat/transformation.py).
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"mistral"}, BaseVar: "MISTRAL_AZURE_API_BASE", KeyVars: []string{"MISTRAL_AZURE_API_KEY", "MISTRAL_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"mistral"}, KeyVars: []string{"MISTRAL_API_KEY"}},
		BaseURL:  "https://api.mistral.ai/v1",
		Hosts:    []string{"api.mistral.ai"},
		KeyVars:  []string{"MISTRAL_API_KEY"},
		Keys: Keys{
			// Mistral keys have no prefix (32 letters and digits, per
			// trufflehog's mistral detector), so nothing but the host
			// tells them apart.
			Fake: strings.Repeat("0Fake", 6) + "00",
		},
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    mistralRules,
		Samples:  mistralSamples,
	})
}

// Mistral answers in two shapes: its gateway's {"message":"Unauthorized",
// "request_id":…} (older: {"detail":"Unauthorized"}) and the API's
// {"object":"error","message","type","param","code"}. "Invalid model: …",
// "Rate limit exceeded" and "Unauthorized" are the shared families'.
var mistralRules = []classify.Rule{
	// Mistral's own capacity for a model is exhausted, not the caller's
	// rate limit: retrying later or another model helps, the key is fine
	// (https://github.com/continuedev/continue/issues/6185).
	{ID: "mistral.capacity", Msg: classify.Re(`service tier capacity exceeded`), Cause: finding.UpstreamError},
}

var mistralSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401, Body: `{"detail":"Unauthorized"}`,
		Source: "https://github.com/nextcloud/integration_openai/issues/332"},
	{Cause: finding.ModelUnavailable, Status: 400,
		Body:   `{"object":"error","message":"Invalid model: mistral-medium-3.5","type":"invalid_model","param":null,"code":"1500","raw_status_code":400}`,
		Source: "https://github.com/mistralai/mistral-vibe/issues/617"},
	{Cause: finding.RateLimited, Status: 429,
		Body:   `{"object":"error","message":"Rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}`,
		Source: "https://github.com/cline/cline/issues/9085"},
}
