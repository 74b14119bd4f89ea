package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// LMStudio is the hop type of LM Studio's local server (https://lmstudio.ai/docs/app/api/endpoints/openai).
const LMStudio chain.HopType = "lmstudio"

func init() {
	register(&Spec{
		Type:    LMStudio,
		Name:    "LM Studio",
		Aliases: []string{"lm-studio", "lm_studio"},
		Role:    Provider,
		Verify:  NoKey,
		// LiteLLM reads LM_STUDIO_API_BASE (no default) and
		// LM_STUDIO_API_KEY, sending "fake-api-key" without one
		// (litellm/llms/lm_studio/chat/transformation.py); OpenClaw's
		// lmstudio provider takes LM_API_TOKEN, LM Studio's optional
		// server token.
		LiteLLM:   LiteLLMRoute{Prefixes: []string{"lm_studio"}, BaseVar: "LM_STUDIO_API_BASE", KeyVars: []string{"LM_STUDIO_API_KEY"}},
		OpenClaw:  OpenClawRoute{IDs: []string{"lmstudio"}, KeyVars: []string{"LM_API_TOKEN"}},
		BaseURL:   "http://localhost:1234/v1",
		RootTrims: []string{"/v1"},
		KeyVars:   []string{"LM_API_TOKEN"},
		Keys: Keys{
			// LM Studio's examples pass api_key "lm-studio"; OpenClaw's
			// docs "lmstudio"; LiteLLM sends "fake-api-key".
			Dummies: []string{"lm-studio", "lmstudio", "fake-api-key"},
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/models answers without a token unless the server
		// requires one.
		Public:   Call{Method: "GET", Path: "/v1/models"},
		KeyCheck: Call{Method: "GET", Path: "/v1/models"},
		BuildCanary: func(in RequestInput) Call {
			return chatCanary("/v1/chat/completions", in.Model, in)
		},
		BuildEmbedding: func(in RequestInput) Call {
			return embeddingCanary("/v1/embeddings", in.Model)
		},
		Rules:   lmstudioRules,
		Samples: lmstudioSamples,
	})
}

// LM Studio answers OpenAI's envelope. A server with no model loaded (and
// just-in-time loading off) answers "No models loaded. Please load a model
// …" with 400 or 404 (https://github.com/lmstudio-ai/lms/issues/107,
// https://github.com/tinyhumansai/openhuman/issues/4181): the requested
// model is not available there.
var lmstudioRules = []classify.Rule{
	{ID: "lmstudio.no-models-loaded", Msg: classify.Re(`^no models loaded`), Cause: finding.ModelUnavailable},
}

var lmstudioSamples = []Sample{
	{Cause: finding.ModelUnavailable, Status: 404,
		Body:   `{"error":{"message":"Model \"default\" not found. Please specify a valid model.\n\nYour models:\n\ngemma-3-27b-it-qat\nqwen2.5-coder-3b-instruct\nqwen3-32b\ntext-embedding-nomic-embed-text-v1.5\nqwen2.5-coder-32b-instruct\ndeepseek-r1-distill-qwen-32b","type":"invalid_request_error","param":"model","code":"model_not_found"}}`,
		Source: "https://github.com/gitbutlerapp/gitbutler/issues/8706"},
}
