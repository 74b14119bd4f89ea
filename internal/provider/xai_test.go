package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// xAI's bodies (xai.go); "variant" cases reword them.
var xaiCases = []tcase{
	{name: "xai invalid key on 400", t: XAI, status: 400, ct: ctJSON,
		body:  `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: ba***na. You can obtain an API key from https://console.x.ai."}`,
		cause: finding.CredentialRejected, Rule: "shared.rejected"},
	// https://github.com/warpdotdev/warp/issues/14867 (403; team id variant).
	{name: "xai credits spent on 403", t: XAI, status: 403, ct: ctJSON,
		body:  `{"code":"The caller does not have permission to execute the specified operation","error":"Your team 0f0e0d0c-0b0a-0908-0706-050403020100 has either used all available credits or reached its monthly spending limit. To continue making API requests, please purchase more credits or raise your spending limit."}`,
		cause: finding.CreditsExhausted, Rule: "shared.credits"},
	{name: "xai credits spent, bare string on 429", t: XAI, status: 429, ct: ctJSON,
		body:  `"Your team 16f2151a-40f4-4a80-8ad0-cae00c27e8dd has either used all available credits or reached its monthly spending limit. To continue making API requests, please purchase more credits or raise your spending limit."`,
		cause: finding.CreditsExhausted, Rule: "shared.credits"},
	// https://github.com/pajeronda/xai_conversation/issues/7 (message start
	// verbatim, team path variant).
	{name: "xai new team without credits", t: XAI, status: 403, ct: ctJSON,
		body:  `{"code":"The caller does not have permission to execute the specified operation","error":"Your newly created team doesn't have any credits or licenses yet. You can purchase those on https://console.x.ai/team/0f0e0d0c."}`,
		cause: finding.CreditsExhausted, Rule: "xai.no-credits-yet"},
	{name: "xai unknown model", t: XAI, status: 404, ct: ctJSON,
		body:  `{"code":"Some requested entity was not found","error":"The model grok-2-image-1212 does not exist or your team XXXX does not have access to it. Please ensure you're using the correct API key. If you believe this is a mistake, please contact support and quote your team ID and the model name."}`,
		cause: finding.ModelUnavailable, Rule: "shared.model-unavailable"},
	{name: "xai no handler on route", t: XAI, status: 404, ct: ctJSON,
		body:  `{"code":"Some requested entity was not found","error":"No handler found on route. Please double check your URL and consult https://api.x.ai/docs for more information."}`,
		cause: finding.WrongEndpoint, Rule: "generic.404"},
}

func init() { cases = append(cases, xaiCases...) }

func TestXAIKeyShape(t *testing.T) {
	s, _ := Lookup(XAI)
	if !s.Keys.Pattern.MatchString(s.Keys.Fake) || s.Keys.Pattern.MatchString("xai-tooshort") {
		t.Error("key pattern")
	}
}
