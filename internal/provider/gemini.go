package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Gemini is the hop type of the Google Gemini API (https://ai.google.dev/api).
const Gemini chain.HopType = "gemini"

func init() {
	register(&Spec{
		Type:     Gemini,
		Name:     "Google Gemini",
		Aliases:  []string{"google"},
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"gemini"}, KeyVars: []string{"GEMINI_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"google"}},
		BaseURL:  "https://generativelanguage.googleapis.com/v1beta",
		Hosts:    []string{"generativelanguage.googleapis.com"},
		KeyVars:  []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"},
		Keys: Keys{
			Prefixes:    []string{"AIza"},
			Distinctive: []string{"AIza"},
		},
		// The key goes in a header, never in the query string, where logs
		// and proxies record it.
		Auth:     Auth{Name: "x-goog-api-key"},
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    geminiRules,
	})
}

// Google's error envelope {"error":{"code","message","status","details"}}:
// "API key not valid. Please pass a valid API key." with reason
// API_KEY_INVALID (https://github.com/google-gemini/gemini-cli/issues/25198).
var geminiRules = []classify.Rule{
	{ID: "gemini.unregistered", Msg: classify.Re(`unregistered callers`), Cause: finding.HeaderMissing},
	{ID: "gemini.invalid-key", Msg: classify.Re(`api[ _-]?key not valid|api[ _-]?key not found|api[ _-]?key expired|api_key_invalid`), Cause: finding.CredentialRejected},
	// The reason sits in error.details[], whatever the message says.
	{ID: "gemini.reason-key-invalid", Body: classify.Re(`"reason"\s*:\s*"API_KEY_INVALID"`), Cause: finding.CredentialRejected},
}
