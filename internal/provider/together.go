package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Together is the hop type of Together AI's OpenAI-compatible API (https://docs.together.ai/reference).
const Together chain.HopType = "together"

func init() {
	register(&Spec{
		Type:    Together,
		Name:    "Together AI",
		Aliases: []string{"together-ai", "togetherai"},
		Role:    Provider,
		// LiteLLM reads TOGETHER_AI_API_BASE (default
		// https://api.together.xyz/v1) and the key from the first set of
		// four variables (litellm/litellm_core_utils/get_llm_provider_logic.py).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"together_ai"}, BaseVar: "TOGETHER_AI_API_BASE",
			KeyVars: []string{"TOGETHER_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHERAI_API_KEY", "TOGETHER_AI_TOKEN"}},
		OpenClaw: OpenClawRoute{IDs: []string{"together"}, KeyVars: []string{"TOGETHER_API_KEY"}},
		BaseURL:  "https://api.together.xyz/v1",
		Hosts:    []string{"api.together.xyz"},
		KeyVars:  []string{"TOGETHER_API_KEY"},
		// Together's key format is not documented (older keys were 64 hex
		// characters, newer ones are seen with a tgp_v1_ prefix): no shape.
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    togetherRules,
		Samples:  togetherSamples,
		Fixes: map[finding.Cause]string{
			finding.CreditsExhausted: "Add credit or upgrade the plan at https://api.together.xyz/settings/billing.",
		},
	})
}

// Together answers OpenAI's envelope. Its type "credit_limit" is used for
// spent credit (402 "Credit limit exceeded") and for rate limits (429
// "You have been rate limited") alike, so the message decides, never the
// type.
var togetherRules = []classify.Rule{
	{ID: "together.credit-limit", Msg: classify.Re(`credit limit exceeded`), Cause: finding.CreditsExhausted},
}

var togetherSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{ "error": { "message": "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key" } }`,
		Source: "https://github.com/harshitv804/LawGPT/issues/4"},
	{Cause: finding.CreditsExhausted, Status: 402,
		Body:   `{"id":"o3LiXw4-62bZhn-96040daf687810ab","error":{"message":"Credit limit exceeded. Please navigate to https://api.together.xyz/settings/billing to add credit or upgrade your plan.","type":"credit_limit","param":null,"code":null}}`,
		Source: "https://github.com/expectedparrot/edsl/issues/2098"},
	{Cause: finding.RateLimited, Status: 429,
		Body:   `{"error":{"message":"You have been rate limited. Your rate limit is 60 queries per minute. Please navigate to https://api.together.xyz/settings/billing to upgrade to a paid plan.","type":"credit_limit","param":null,"code":null}}`,
		Source: "https://github.com/togethercomputer/MoA/issues/27"},
}
