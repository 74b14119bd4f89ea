package provider

import (
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// XAI is the hop type of xAI's API (https://docs.x.ai/docs/api-reference).
const XAI chain.HopType = "xai"

func init() {
	register(&Spec{
		Type:     XAI,
		Name:     "xAI",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"xai"}, BaseVar: "XAI_API_BASE", KeyVars: []string{"XAI_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"xai"}},
		BaseURL:  "https://api.x.ai/v1",
		Hosts:    []string{"api.x.ai"},
		KeyVars:  []string{"XAI_API_KEY"},
		Keys: Keys{
			// xai- and 80 letters, digits and underscores (trufflehog's
			// xai detector).
			Prefixes:    []string{"xai-"},
			Distinctive: []string{"xai-"},
			Pattern:     classify.Lazy(`^xai-[0-9A-Za-z_]{80}$`),
			Shape:       "xai- and 80 letters, digits or underscores",
			Fake:        "xai-" + strings.Repeat("0Fake_", 13) + "00",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/models needs a valid key. (GET /v1/api-key describes the
		// key, but answers 200 for a key that is blocked or disabled, with
		// flags KeyFacts has no field for, so it would pass such a key.)
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Rules:    xaiRules,
		Samples:  xaiSamples,
		Fixes: map[finding.Cause]string{
			finding.CreditsExhausted: "Purchase credits or raise the team's monthly spending limit at https://console.x.ai.",
		},
	})
}

// xAI answers {"code":"<gRPC status text>","error":"<message>"}: an
// invalid key is HTTP 400 "Incorrect API key provided: ba***na …" (the
// key's ends echoed), spent credits 403 or 429 "Your team … has either
// used all available credits or reached its monthly spending limit …
// please purchase more credits …" (sometimes a bare JSON string), an
// unknown route 404 "No handler found on route". Those are the shared
// families' and the status fallback's; a new team's "doesn't have any
// credits or licenses yet" is not.
var xaiRules = []classify.Rule{
	{ID: "xai.no-credits-yet", Msg: classify.Re(`(?:doesn't|does not) have any credits`), Cause: finding.CreditsExhausted},
}

var xaiSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 400,
		Body:   `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: ba***na. You can obtain an API key from https://console.x.ai."}`,
		Source: "https://github.com/i-am-bee/beeai-framework/issues/447"},
	{Cause: finding.CreditsExhausted, Status: 429,
		Body:   `"Your team 16f2151a-40f4-4a80-8ad0-cae00c27e8dd has either used all available credits or reached its monthly spending limit. To continue making API requests, please purchase more credits or raise your spending limit."`,
		Source: "https://github.com/continuedev/continue/issues/10373"},
	{Cause: finding.ModelUnavailable, Status: 404,
		Body:   `{"code":"Some requested entity was not found","error":"The model grok-2-image-1212 does not exist or your team XXXX does not have access to it. Please ensure you're using the correct API key. If you believe this is a mistake, please contact support and quote your team ID and the model name."}`,
		Source: "https://github.com/ChatGPTNextWeb/NextChat/issues/6397"},
	{Cause: finding.WrongEndpoint, Status: 404,
		Body:   `{"code":"Some requested entity was not found","error":"No handler found on route. Please double check your URL and consult https://api.x.ai/docs for more information."}`,
		Source: "https://github.com/iniwap/AIWriteX/issues/26"},
}
