package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Fireworks is the hop type of Fireworks AI's OpenAI-compatible inference API (https://docs.fireworks.ai/api-reference).
const Fireworks chain.HopType = "fireworks"

func init() {
	register(&Spec{
		Type:    Fireworks,
		Name:    "Fireworks AI",
		Aliases: []string{"fireworks-ai", "fireworksai"},
		Role:    Provider,
		// LiteLLM reads FIREWORKS_API_BASE (default
		// https://api.fireworks.ai/inference/v1) and the key from the first
		// set of four variables (litellm/llms/fireworks_ai/chat/transformation.py).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"fireworks_ai"}, BaseVar: "FIREWORKS_API_BASE",
			KeyVars: []string{"FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY", "FIREWORKSAI_API_KEY", "FIREWORKS_AI_TOKEN"}},
		OpenClaw: OpenClawRoute{IDs: []string{"fireworks"}, KeyVars: []string{"FIREWORKS_API_KEY"}},
		BaseURL:  "https://api.fireworks.ai/inference/v1",
		Hosts:    []string{"api.fireworks.ai"},
		KeyVars:  []string{"FIREWORKS_API_KEY"},
		Keys: Keys{
			// API keys start fw_ (OpenClaw's docs/providers/fireworks.md);
			// Fire Pass keys fpk_ (https://github.com/typeclaw/typeclaw/pull/388).
			Prefixes:    []string{"fw_", "fpk_"},
			Distinctive: []string{"fw_", "fpk_"},
			Fake:        "fw_0Fake0Key0000000000000000",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// No key check: GET /inference/v1/models lists the account's
		// deployed models and answers 500 "Error listing deployed models"
		// for a valid key of an account without deployments
		// (https://github.com/can1357/oh-my-pi/issues/3219), and Fire Pass
		// keys get 403 there; the account-scoped list needs the account id.
		// The canary verifies the key.
		Rules:   fireworksRules,
		Samples: fireworksSamples,
	})
}

var fireworksRules = []classify.Rule{
	// The API gateway's own rejection of a key, {"fault":{"faultstring":
	// "Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}.
	{ID: "fireworks.invalid-apikey", Body: classify.Re(`oauth\.v2\.InvalidApiKey`), Cause: finding.CredentialRejected},
	// A Fire Pass key on a route it may not use is a valid key.
	{ID: "fireworks.fire-pass-route", Msg: classify.Re(`fire pass api keys are not authorized for this route`), Cause: finding.Forbidden},
}

var fireworksSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}`,
		Source: "https://github.com/langchain-ai/langchain/issues/15239"},
	{Cause: finding.Forbidden, Status: 403,
		Body:   `{"error":{"code":"FORBIDDEN","message":"Fire Pass API keys are not authorized for this route."}}`,
		Source: "https://github.com/typeclaw/typeclaw/pull/388"},
}
