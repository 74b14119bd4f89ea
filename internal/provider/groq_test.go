package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// Groq's bodies (groq.go); "variant" cases reword them.
var groqCases = []tcase{
	{name: "groq invalid key (verbatim)", t: Groq, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`,
		cause: finding.CredentialRejected, Rule: "shared.rejected"},
	// https://github.com/valentinfrlch/ha-llmvision/issues/332 (message verbatim).
	{name: "groq decommissioned model", t: Groq, status: 400, ct: ctJSON,
		body:  `{"error":{"message":"The model ` + "`llama-3.2-11b-vision-preview`" + ` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.","type":"invalid_request_error","code":"model_decommissioned"}}`,
		cause: finding.ModelUnavailable, Rule: "groq.model", model: "llama-3.2-11b-vision-preview"},
	{name: "groq model not found", t: Groq, status: 404, ct: ctJSON,
		body:  `{"error":{"message":"The model ` + "`llama-3.1-405b-reasoning`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}`,
		cause: finding.ModelUnavailable, Rule: "groq.model", model: "llama-3.1-405b-reasoning"},
	// https://github.com/ago19800/HomeMind/issues/29: a tokens-per-minute
	// limit that mentions billing is still a rate limit (organisation id and
	// numbers variant).
	{name: "groq TPM rate limit mentioning billing", t: Groq, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"Rate limit reached for model ` + "`llama-3.3-70b-versatile`" + ` in organization ` + "`org_01hxxxxxxxxxxxxxxxxxxxxxxx`" + ` service tier ` + "`on_demand`" + ` on tokens per minute (TPM): Limit 12000, Used 11880, Requested 1523. Please try again in 11.455s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing","type":"tokens","code":"rate_limit_exceeded"}}`,
		cause: finding.RateLimited, Rule: "shared.rate-limited"},
}

func init() { cases = append(cases, groqCases...) }

func TestGroqKeyShape(t *testing.T) {
	s, _ := Lookup(Groq)
	if o, ok := OwnerOfKey(s.Keys.Fake); !ok || o != s {
		t.Errorf("a gsk_ key is not Groq's: %v", o)
	}
	if s.Keys.Pattern.MatchString("gsk_short") {
		t.Error("a truncated gsk_ key fits the pattern")
	}
}
