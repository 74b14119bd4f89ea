package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// OpenAI is the hop type of OpenAI's API (https://platform.openai.com/docs/api-reference).
const OpenAI chain.HopType = "openai"

func init() {
	register(&Spec{
		Type:     OpenAI,
		Name:     "OpenAI",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"openai", "chatgpt", "text-completion-openai"}, BaseVar: "OPENAI_BASE_URL", KeyVars: []string{"OPENAI_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"openai"}},
		BaseURL:  "https://api.openai.com/v1",
		Hosts:    []string{"api.openai.com"},
		KeyVars:  []string{"OPENAI_API_KEY"},
		BaseVars: []string{"OPENAI_BASE_URL"},
		Keys: Keys{
			// Project, service-account and admin keys, and the legacy sk-
			// (https://platform.openai.com/docs/api-reference/authentication).
			Prefixes:    []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"},
			Distinctive: []string{"sk-proj-", "sk-svcacct-", "sk-admin-"},
		},
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    openaiRules,
		Samples: []Sample{
			// An embeddings call with a chat model (shared.model-kind).
			{Cause: finding.ModelUnavailable, Status: 403, For: ForEmbedding,
				Body:   `{"error":{"message":"You are not allowed to generate embeddings from this model","type":"invalid_request_error","param":null,"code":null}}`,
				Source: "https://github.com/infiniflow/ragflow/issues/1835"},
		},
	})
}

// OpenAI's envelope is {"error":{"message","type","param","code"}}
// (https://platform.openai.com/docs/guides/error-codes): "You didn't
// provide an API key" without one, "Incorrect API key provided: sk-…" with
// the key's ends for a wrong one
// (https://github.com/openai/openai-python/issues/1968).
var openaiRules = []classify.Rule{
	// An OpenRouter key echoed by OpenAI: the base URL was not applied and
	// the request went to the SDK's default host
	// (https://github.com/continuedev/continue/issues/9684).
	{ID: "openai.key-for-openrouter", Msg: classify.Re(`(?:incorrect api[ _-]?key provided|your api[ _-]?key)\s*:?\s*sk-or-`), Cause: finding.WrongEndpoint},
	// `https://****` = a URL pasted as the key
	// (https://github.com/continuedev/continue/issues/10250).
	{ID: "openai.key-is-url", Msg: classify.Re(`(?:incorrect api[ _-]?key provided|your api[ _-]?key)\s*:?\s*\**https?:`), Cause: finding.CredentialMalformed},
	// Another provider's key (Anthropic, Groq, Gemini, xAI prefixes).
	{ID: "openai.key-other-provider", Msg: classify.Re(`incorrect api[ _-]?key provided\s*:?\s*(?:sk-ant|gsk_|aiza|xai-)`), Cause: finding.CredentialMalformed},
	{ID: "openai.no-key", Msg: classify.Re(`missing bearer|(?:didn't|did not) provide an api[ _-]?key`), Cause: finding.HeaderMissing},
	{ID: "openai.invalid-key", Msg: classify.Re(`incorrect api[ _-]?key provided`), Cause: finding.CredentialRejected},
	{ID: "openai.invalid-key-code", Fields: []classify.Field{classify.In("error.code", "invalid_api_key")}, Cause: finding.CredentialRejected},
	{ID: "openai.invalid-url", Msg: classify.Re(`invalid url \(|unrecognized request url`), Cause: finding.WrongEndpoint},
	{ID: "openai.model-not-found", Fields: []classify.Field{classify.In("error.code", "model_not_found")}, Cause: finding.ModelUnavailable, Model: true},
	{ID: "openai.insufficient-quota", Fields: []classify.Field{classify.In("error.code", "insufficient_quota")}, Cause: finding.CreditsExhausted},
	{ID: "openai.insufficient-quota-type", Fields: []classify.Field{classify.In("error.type", "insufficient_quota")}, Cause: finding.CreditsExhausted},
}
