package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// Fireworks' bodies (fireworks.go).
var fireworksCases = []tcase{
	{name: "fireworks gateway invalid apikey", t: Fireworks, status: 401, ct: ctJSON,
		body:  `{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}`,
		cause: finding.CredentialRejected, Rule: "fireworks.invalid-apikey"},
	// Without the rule "API keys are not authorized" would read as a
	// rejected key; the Fire Pass key is valid, the route is not for it.
	{name: "fireworks fire pass key on models route", t: Fireworks, status: 403, ct: ctJSON,
		body:  `{"error":{"code":"FORBIDDEN","message":"Fire Pass API keys are not authorized for this route."}}`,
		cause: finding.Forbidden, Rule: "fireworks.fire-pass-route"},
	// https://github.com/can1357/oh-my-pi/issues/3219: the model list fails
	// for a valid key; hopcheck does not use it as a key check.
	{name: "fireworks deployed models listing error", t: Fireworks, status: 500, ct: ctText, body: `Error listing deployed models`,
		cause: finding.UpstreamError, Rule: "generic.5xx"},
}

func init() { cases = append(cases, fireworksCases...) }

func TestFireworksVerifiesByCanary(t *testing.T) {
	s, _ := Lookup(Fireworks)
	if !s.KeyCheck.Zero() {
		t.Error("the inference model list is no key check")
	}
	for _, k := range []string{"fw_abc", "fpk_abc"} {
		if o, ok := OwnerOfKey(k); !ok || o != s {
			t.Errorf("%s is not Fireworks' key", k)
		}
	}
	c := s.Canary(RequestInput{Base: s.BaseURL, Model: "accounts/fireworks/models/qwen3-8b"})
	if got := s.URL(s.BaseURL, c); got != "https://api.fireworks.ai/inference/v1/chat/completions" {
		t.Errorf("canary %s", got)
	}
}
