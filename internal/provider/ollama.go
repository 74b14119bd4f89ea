package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Ollama is the hop type of an Ollama server (https://github.com/ollama/ollama/blob/main/docs/api.md).
const Ollama chain.HopType = "ollama"

func init() {
	register(&Spec{
		Type:   Ollama,
		Name:   "Ollama",
		Role:   Provider,
		Verify: NoKey,
		// LiteLLM routes ollama/… (generate) and ollama_chat/… (chat) to
		// OLLAMA_API_BASE, default http://localhost:11434; OLLAMA_API_KEY is
		// sent when set (Ollama's cloud, or an authenticating proxy).
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"ollama", "ollama_chat"}, BaseVar: "OLLAMA_API_BASE", KeyVars: []string{"OLLAMA_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"ollama"}, KeyVars: []string{"OLLAMA_API_KEY"}},
		// Self-hosted: no official host; its own key (if any) goes only to
		// loopback, private and single-label hosts.
		BaseURL: "http://localhost:11434",
		// Users write the native root and the OpenAI-compatible …/v1
		// alike; the calls below use the native API at the root.
		RootTrims: []string{"/v1", "/api"},
		KeyVars:   []string{"OLLAMA_API_KEY"},
		BaseVars:  []string{"OLLAMA_HOST"},
		Keys: Keys{
			// Ollama's OpenAI-compatibility docs set api_key "ollama"
			// ("required, but unused",
			// https://github.com/ollama/ollama/blob/main/docs/openai.md);
			// OpenClaw's docs use "ollama-local" (docs/providers/ollama.md).
			Dummies: []string{"ollama", "ollama-local"},
		},
		Auth:  Auth{Name: "Authorization", Prefix: "Bearer "},
		Shape: ShapeOllama,
		// GET /api/version answers without a key; GET /api/tags lists the
		// pulled models (and passes an authenticating proxy's check).
		Public:   Call{Method: "GET", Path: "/api/version"},
		KeyCheck: Call{Method: "GET", Path: "/api/tags"},
		BuildCanary: func(in RequestInput) Call {
			return Call{Method: "POST", Path: "/api/chat", Body: map[string]any{
				"model": in.Model, "messages": messages(in), "stream": false,
				"options": map[string]any{"num_predict": in.maxTokens()}}}
		},
		BuildEmbedding: func(in RequestInput) Call {
			return Call{Method: "POST", Path: "/api/embed", Body: map[string]any{"model": in.Model, "input": CanaryPrompt}}
		},
		// Ollama answers {"error":"…"}; a model that is not pulled is a 404
		// "model '…' not found" (shared family).
		Samples: []Sample{
			{Cause: finding.ModelUnavailable, Status: 404, Body: `{"error":"model 'custom-phi3-32k-Q4_K_M' not found"}`,
				Source: "https://github.com/TheBlewish/Automated-AI-Web-Researcher-Ollama/issues/42"},
			// An embedding model asked for a completion (shared.model-kind).
			{Cause: finding.ModelUnavailable, Status: 400, For: ForChat, Body: `{"error":"\"quentinz/bge-large-zh-v1.5:latest\" does not support generate"}`,
				Source: "https://github.com/ollama/ollama/issues/7909"},
		},
	})
}
