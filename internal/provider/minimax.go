package provider

import (
	"net/http"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// MiniMax is the hop type of MiniMax's API (https://platform.minimax.io/docs,
// China: https://platform.minimaxi.com/docs).
const MiniMax chain.HopType = "minimax"

func init() {
	register(&Spec{
		Type: MiniMax,
		Name: "MiniMax",
		Role: Provider,
		// LiteLLM reads MINIMAX_API_BASE (default https://api.minimax.io/v1)
		// and MINIMAX_API_KEY (litellm/llms/minimax/chat/transformation.py).
		// OpenClaw's minimax provider reads MINIMAX_API_KEY; minimax-portal
		// signs in with MINIMAX_OAUTH_TOKEN or takes MINIMAX_API_KEY.
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"minimax"}, BaseVar: "MINIMAX_API_BASE", KeyVars: []string{"MINIMAX_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"minimax", "minimax-portal"}, KeyVars: []string{"MINIMAX_API_KEY", "MINIMAX_OAUTH_TOKEN"}},
		// International (api.minimax.io) and China (api.minimaxi.com)
		// accounts and keys are separate; api.minimax.chat and
		// api.minimaxi.chat are their older names
		// (https://github.com/MiniMax-AI/MiniMax-01/issues/44).
		BaseURL: "https://api.minimax.io/v1",
		Roots:   []string{"/anthropic", "/anthropic/v1"},
		Hosts:   []string{"api.minimax.io", "api.minimaxi.com", "api.minimax.chat", "api.minimaxi.chat"},
		KeyVars: []string{"MINIMAX_API_KEY"},
		Auth:    Auth{Name: "Authorization", Prefix: "Bearer "},
		// No key check: MiniMax documents no free authenticated call for an
		// API key; the canary verifies it.
		BuildCanary: minimaxCanary,
		Rules:       minimaxRules,
		Samples:     minimaxSamples,
		Fixes: map[finding.Cause]string{
			finding.CredentialRejected: "MiniMax keys are regional: a key from platform.minimax.io works on api.minimax.io, one from platform.minimaxi.com on api.minimaxi.com. Make the base URL match the key's platform, or create a new key there.",
		},
	})
}

// minimaxCanary is the OpenAI chat completion, or, when the hop's base is
// MiniMax's Anthropic-compatible API (…/anthropic, OpenClaw's default for
// minimax), an Anthropic message. That API takes the key as a Bearer
// token (https://github.com/MiniMax-AI/cli/issues/59).
func minimaxCanary(in RequestInput) Call {
	if c, ok := anthropicRouteCanary(in, "/anthropic"); ok {
		return c
	}
	return chatCanary("/chat/completions", in.Model, in)
}

// anthropicRouteCanary is an Anthropic message for a provider whose base
// URL, ending in suffix, is its Anthropic-compatible API rather than its
// OpenAI one; ok is false for any other base.
func anthropicRouteCanary(in RequestInput, suffix string) (Call, bool) {
	if !strings.HasSuffix(strings.ToLower(strings.TrimRight(in.Base, "/")), suffix) {
		return Call{}, false
	}
	c := anthropicMessage(in)
	c.Header = http.Header{"Anthropic-Version": {anthropicVersion}}
	return c, true
}

// MiniMax's errors carry its business code
// (https://platform.minimax.io/docs/api-reference/errorcode: 1002 rate
// limit, 1004 not authorized, 1008 insufficient balance, 2049 invalid api
// key): in its native {"base_resp":{"status_code","status_msg"}}, which
// it also sends inside an HTTP 200 (classify reads such a body as an
// error), and at the end of the message of its OpenAI and Anthropic
// envelopes ("invalid api key (2049)", "login fail: Please carry the API
// secret key in the 'Authorization' field of the request header (1004)").
// 1004 is MiniMax's answer to a wrong key as well as to none: its docs
// say "check your API key", so it is a rejection.
var minimaxRules = []classify.Rule{
	{ID: "minimax.auth-code", Fields: []classify.Field{classify.In("base_resp.status_code", "1004", "2049")}, Cause: finding.CredentialRejected},
	{ID: "minimax.balance-code", Fields: []classify.Field{classify.In("base_resp.status_code", "1008")}, Cause: finding.CreditsExhausted},
	{ID: "minimax.rate-code", Fields: []classify.Field{classify.In("base_resp.status_code", "1002")}, Cause: finding.RateLimited},
	{ID: "minimax.auth", Msg: classify.Re(`\((?:1004|2049)\)\s*$`), Cause: finding.CredentialRejected},
	{ID: "minimax.balance", Msg: classify.Re(`\(1008\)\s*$`), Cause: finding.CreditsExhausted},
	{ID: "minimax.authorized-error", Fields: []classify.Field{classify.In("error.type", "authorized_error")}, Cause: finding.CredentialRejected},
}

var minimaxSamples = []Sample{
	// The OpenAI-compatible /v1/chat/completions.
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"type":"error","error":{"type":"authorized_error","message":"login fail: Please carry the API secret key in the 'Authorization' field of the request header (1004)","http_code":"401"},"request_id":"063432299e74d9b466b94f06aa8d7835"}`,
		Source: "https://github.com/wavetermdev/waveterm/issues/3238"},
	// The native API, inside an HTTP 200.
	{Cause: finding.CredentialRejected, Status: 200,
		Body:   `{"base_resp":{"status_code":2049,"status_msg":"invalid api key"}}`,
		Source: "https://github.com/MiniMax-AI/MiniMax-01/issues/37"},
	// The Anthropic-compatible API.
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"type":"error","error":{"type":"authorized_error","message":"invalid api key (2049)","http_code":"401"},"request_id":"0620512b477e40b8b39996b15758f133"}`,
		Source: "https://github.com/RightNow-AI/openfang/issues/981"},
	{Cause: finding.CreditsExhausted, Status: 500,
		Body:   `{"type":"error","error":{"type":"api_error","message":"insufficient balance (1008)"},"request_id":"05997465cd2ee4bd50b24b216c911b75"}`,
		Source: "https://github.com/MiniMax-AI/MiniMax-M2/issues/62"},
}
