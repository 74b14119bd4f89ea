package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// Mistral's bodies (mistral.go); "variant" cases reword them.
var mistralCases = []tcase{
	{name: "mistral unauthorized (old gateway)", t: Mistral, status: 401, ct: ctJSON, body: `{"detail":"Unauthorized"}`,
		cause: finding.CredentialRejected, Rule: "shared.unauthorized"},
	// https://github.com/coolcline/coolcline/issues/36 (request id variant).
	{name: "mistral unauthorized with request id", t: Mistral, status: 401, ct: ctJSON, body: `{"message":"Unauthorized","request_id":"933f0a1b2c3d4e5f"}`,
		cause: finding.CredentialRejected, Rule: "shared.unauthorized"},
	{name: "mistral invalid model", t: Mistral, status: 400, ct: ctJSON,
		body:  `{"object":"error","message":"Invalid model: mistral-medium-3.5","type":"invalid_model","param":null,"code":"1500","raw_status_code":400}`,
		cause: finding.ModelUnavailable, Rule: "shared.model-unavailable"},
	{name: "mistral rate limit", t: Mistral, status: 429, ct: ctJSON,
		body:  `{"object":"error","message":"Rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}`,
		cause: finding.RateLimited, Rule: "shared.rate-limited"},
	// https://github.com/dnakov/anon-kode/issues/53
	{name: "mistral older rate limit", t: Mistral, status: 429, ct: ctJSON, body: `{"message":"Requests rate limit exceeded"}`,
		cause: finding.RateLimited, Rule: "shared.rate-limited"},
	// https://github.com/continuedev/continue/issues/6185 (message verbatim,
	// the rest of the envelope variant): Mistral's capacity, not the key's.
	{name: "mistral service tier capacity", t: Mistral, status: 429, ct: ctJSON,
		body:  `{"object":"error","message":"Service tier capacity exceeded for this model.","type":"invalid_request_error","param":null,"code":"3505"}`,
		cause: finding.UpstreamError, Rule: "mistral.capacity"},
}

func init() { cases = append(cases, mistralCases...) }

func TestMistralHasNoKeyShape(t *testing.T) {
	s, _ := Lookup(Mistral)
	if len(s.Keys.Prefixes) != 0 || s.Keys.PrefixRequired {
		t.Error("Mistral keys have no prefix")
	}
	if got := s.LiteLLMKeyVars(); len(got) != 2 || got[1] != "MISTRAL_API_KEY" {
		t.Errorf("LiteLLM key variables %v", got)
	}
}
