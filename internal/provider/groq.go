package provider

import (
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Groq is the hop type of GroqCloud's OpenAI-compatible API (https://console.groq.com/docs/api-reference).
const Groq chain.HopType = "groq"

func init() {
	register(&Spec{
		Type: Groq,
		Name: "Groq",
		Role: Provider,
		// LiteLLM reads GROQ_API_BASE, default https://api.groq.com/openai/v1,
		// and GROQ_API_KEY (litellm/llms/groq/chat/transformation.py).
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"groq"}, BaseVar: "GROQ_API_BASE", KeyVars: []string{"GROQ_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"groq"}},
		BaseURL:  "https://api.groq.com/openai/v1",
		Hosts:    []string{"api.groq.com"},
		KeyVars:  []string{"GROQ_API_KEY"},
		BaseVars: []string{"GROQ_BASE_URL"},
		Keys: Keys{
			// gsk_ and 52 alphanumerics (trufflehog's groq detector,
			// gitleaks' groq-api-key rule).
			Prefixes:    []string{"gsk_"},
			Distinctive: []string{"gsk_"},
			Pattern:     classify.Lazy(`^gsk_[A-Za-z0-9]{52}$`),
			Shape:       "gsk_ and 52 letters and digits",
			Fake:        "gsk_" + strings.Repeat("0Fake", 10) + "00",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /openai/v1/models needs a valid key and costs nothing.
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    groqRules,
		Samples:  groqSamples,
	})
}

// Groq's envelope is OpenAI's without param. "Invalid API Key" and the
// rate-limit messages are the shared families'; a model's error names it
// with its dotted id ("The model `llama-3.2-11b-vision-preview` has been
// decommissioned …"), which the shared model family cannot read across,
// so the code decides.
var groqRules = []classify.Rule{
	{ID: "groq.model", Fields: []classify.Field{classify.In("error.code", "model_not_found", "model_decommissioned")}, Cause: finding.ModelUnavailable, Model: true},
}

var groqSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`,
		Source: "https://github.com/ag5826000/resume-commentor/issues/4"},
	{Cause: finding.ModelUnavailable, Status: 404,
		Body:   `{"error":{"message":"The model ` + "`llama-3.1-405b-reasoning`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}`,
		Source: "https://github.com/BerriAI/litellm/issues/5312"},
}
