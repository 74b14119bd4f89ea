package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// VLLM is the hop type of a vLLM OpenAI-compatible server (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html).
const VLLM chain.HopType = "vllm"

func init() {
	register(&Spec{
		Type:    VLLM,
		Name:    "vLLM",
		Aliases: []string{"hosted-vllm"},
		Role:    Provider,
		Verify:  NoKey,
		// LiteLLM's hosted_vllm/ route reads HOSTED_VLLM_API_BASE (no
		// default) and HOSTED_VLLM_API_KEY, sending "fake-api-key" without
		// one; its vllm/ prefix runs the engine in-process and is no HTTP
		// hop. OpenClaw's vllm provider reads VLLM_API_KEY.
		LiteLLM:   LiteLLMRoute{Prefixes: []string{"hosted_vllm"}, BaseVar: "HOSTED_VLLM_API_BASE", KeyVars: []string{"HOSTED_VLLM_API_KEY"}},
		OpenClaw:  OpenClawRoute{IDs: []string{"vllm"}, KeyVars: []string{"VLLM_API_KEY"}},
		BaseURL:   "http://localhost:8000/v1",
		RootTrims: []string{"/v1"},
		// A server started with --api-key (or VLLM_API_KEY) checks the
		// Bearer token on /v1 paths only.
		KeyVars: []string{"VLLM_API_KEY"},
		Keys: Keys{
			// vLLM's docs pass api_key "EMPTY" and show --api-key
			// token-abc123; OpenClaw's docs "vllm-local"; LiteLLM sends
			// "fake-api-key".
			Dummies: []string{"EMPTY", "token-abc123", "vllm-local", "fake-api-key"},
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /health is never guarded and answers 200 with an empty body.
		Public: Call{Method: "GET", Path: "/health"},
		// GET /v1/models checks the key of a server that has one and lists
		// exactly the served model names.
		KeyCheck:    Call{Method: "GET", Path: "/v1/models"},
		ListsModels: true,
		BuildCanary: func(in RequestInput) Call {
			return chatCanary("/v1/chat/completions", in.Model, in)
		},
		BuildEmbedding: func(in RequestInput) Call {
			return embeddingCanary("/v1/embeddings", in.Model)
		},
		// Both bodies are the shared families'.
		Samples: []Sample{
			{Cause: finding.CredentialRejected, Status: 401, Body: `{"error":"Unauthorized"}`,
				Source: "https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/api_server.py"},
			{Cause: finding.ModelUnavailable, Status: 404,
				Body:   "{\"object\":\"error\",\"message\":\"The model `Qwen1.5-14B-Chat-GPTQ-Int8` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
				Source: "https://github.com/vllm-project/vllm/issues/3485"},
		},
	})
}
