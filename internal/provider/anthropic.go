package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Anthropic is the hop type of Anthropic's Messages API (https://docs.anthropic.com/en/api/overview).
const Anthropic chain.HopType = "anthropic"

// anthropicVersion is the API version header Anthropic requires.
const anthropicVersion = "2023-06-01"

func init() {
	register(&Spec{
		Type:      Anthropic,
		Name:      "Anthropic",
		Role:      Provider,
		LiteLLM:   LiteLLMRoute{Prefixes: []string{"anthropic"}, BaseVar: "ANTHROPIC_API_BASE", KeyVars: []string{"ANTHROPIC_API_KEY"}},
		OpenClaw:  OpenClawRoute{IDs: []string{"anthropic"}},
		BaseURL:   "https://api.anthropic.com",
		Hosts:     []string{"api.anthropic.com"},
		RootTrims: []string{"/v1"},
		KeyVars:   []string{"ANTHROPIC_API_KEY"},
		BaseVars:  []string{"ANTHROPIC_BASE_URL"},
		Keys: Keys{
			Prefixes:    []string{"sk-ant-api03-", "sk-ant-"},
			Distinctive: []string{"sk-ant-"},
		},
		Auth:     Auth{Name: "x-api-key"},
		Headers:  map[string]string{"anthropic-version": anthropicVersion},
		KeyCheck: Call{Method: "GET", Path: "/v1/models"},
		// The canary is a message (https://docs.anthropic.com/en/api/messages).
		Shape:       ShapeAnthropic,
		BuildCanary: anthropicMessage,
		NoEmbeddings: "Anthropic offers no embedding model and points to Voyage AI " +
			"(https://docs.anthropic.com/en/docs/build-with-claude/embeddings)",

		Rules: anthropicRules,
	})
}

// Anthropic answers {"type":"error","error":{"type","message"}}
// (https://docs.anthropic.com/en/api/errors): authentication_error with
// "x-api-key header is required" or "invalid x-api-key".
var anthropicRules = []classify.Rule{
	{ID: "anthropic.no-key", Msg: classify.Re(`x-api-key header is required|missing x-api-key`), Cause: finding.HeaderMissing},
	{ID: "anthropic.credits", Msg: classify.Re(`credit balance is too low`), Cause: finding.CreditsExhausted},
	{ID: "anthropic.invalid-key", Msg: classify.Re(`invalid x-api-key|invalid bearer token`), Cause: finding.CredentialRejected},
	{ID: "anthropic.auth", Fields: []classify.Field{classify.In("type", "error"), classify.In("error.type", "authentication_error")}, Cause: finding.CredentialRejected},
	{ID: "anthropic.permission", Fields: []classify.Field{classify.In("error.type", "permission_error")}, Cause: finding.Forbidden},
	{ID: "anthropic.model-not-found", Fields: []classify.Field{classify.In("error.type", "not_found_error")}, Msg: classify.Re(`\bmodel\b`), Cause: finding.ModelUnavailable, Model: true},
	{ID: "anthropic.overloaded", Fields: []classify.Field{classify.In("error.type", "overloaded_error")}, Cause: finding.UpstreamError},
	{ID: "anthropic.rate-limit", Fields: []classify.Field{classify.In("error.type", "rate_limit_error")}, Cause: finding.RateLimited},
}
