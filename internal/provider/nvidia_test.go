package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// NVIDIA's RFC 7807 bodies (nvidia.go).
var nvidiaCases = []tcase{
	{name: "nvidia authentication failed", t: NvidiaNIM, status: 401, ct: ctJSON,
		body:  `{"status":401,"title":"Unauthorized","detail":"Authentication failed"}`,
		cause: finding.CredentialRejected, Rule: "shared.rejected"},
	{name: "nvidia authorization failed", t: NvidiaNIM, status: 403, ct: ctJSON,
		body:  `{"status":403,"title":"Forbidden","detail":"Authorization failed"}`,
		cause: finding.CredentialRejected, Rule: "nvidia.authorization-failed"},
	// https://github.com/diegosouzapw/OmniRoute/issues/6242 (message
	// verbatim, in NVIDIA's problem envelope).
	{name: "nvidia authorization header missing", t: NvidiaNIM, status: 401, ct: ctJSON,
		body:  "{\"status\":401,\"title\":\"Unauthorized\",\"detail\":\"Header of type `authorization` was missing\"}",
		cause: finding.HeaderMissing, Rule: "nvidia.header-missing"},
	// Another API's 403 with the same words but no problem envelope stays
	// forbidden.
	{name: "other 403 authorization failed", t: OpenAICompatible, status: 403, ct: ctJSON,
		body:  `{"error":{"message":"Authorization failed"}}`,
		cause: finding.Forbidden, Rule: "generic.403"},
}

func init() { cases = append(cases, nvidiaCases...) }

func TestNvidiaModelListIsPublic(t *testing.T) {
	s, _ := Lookup(NvidiaNIM)
	if !s.KeyCheck.Zero() {
		t.Error("GET /v1/models answers without a key: it cannot check one")
	}
	if got := s.URL(s.BaseURL, s.PublicCall(RequestInput{Base: s.BaseURL})); got != "https://integrate.api.nvidia.com/v1/models" {
		t.Errorf("public call %s", got)
	}
	if got := s.OpenClawKeyVars(); len(got) != 1 || got[0] != "NVIDIA_API_KEY" {
		t.Errorf("OpenClaw key variables %v", got)
	}
	if got := s.LiteLLMKeyVars(); len(got) != 1 || got[0] != "NVIDIA_NIM_API_KEY" {
		t.Errorf("LiteLLM key variables %v", got)
	}
}
