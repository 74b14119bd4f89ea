package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// MiniMax's bodies (minimax.go). Its native errors come inside an HTTP
// 200 as {"base_resp":{"status_code":N,"status_msg":…}}; a 200 with
// status_code 0 is a success.
var minimaxCases = []tcase{
	{name: "minimax 200 base_resp invalid api key", t: MiniMax, status: 200, ct: ctJSON,
		body:  `{"base_resp":{"status_code":2049,"status_msg":"invalid api key"}}`,
		cause: finding.CredentialRejected, Rule: "minimax.auth-code", msg: "invalid api key"},
	// https://github.com/MiniMax-AI/cli/issues/59 (the CN text endpoint
	// without an Authorization header; status_msg variant from the docs'
	// 1004 text).
	{name: "minimax 200 base_resp not authorized", t: MiniMax, status: 200, ct: ctJSON,
		body:  `{"id":"","choices":null,"base_resp":{"status_code":1004,"status_msg":"login fail: Please carry the API secret key in the 'Authorization' field of the request header"}}`,
		cause: finding.CredentialRejected, Rule: "minimax.auth-code"},
	// Variant: a chat completion whose base_resp carries 1008
	// (https://platform.minimax.io/docs/api-reference/errorcode) in a 200.
	{name: "minimax 200 base_resp insufficient balance", t: MiniMax, status: 200, ct: ctJSON,
		body:  `{"id":"0653b2c6e0a4","choices":null,"created":1735700000,"model":"MiniMax-M2","object":"chat.completion","usage":{"total_tokens":0},"base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}`,
		cause: finding.CreditsExhausted, Rule: "minimax.balance-code"},
	{name: "minimax 200 base_resp rate limit", t: MiniMax, status: 200, ct: ctJSON,
		body:  `{"base_resp":{"status_code":1002,"status_msg":"rate limit"}}`,
		cause: finding.RateLimited, Rule: "minimax.rate-code"},
	// An unlisted code inside a 200 is still no success.
	{name: "minimax 200 base_resp other error", t: MiniMax, status: 200, ct: ctJSON,
		body:  `{"base_resp":{"status_code":1024,"status_msg":"internal error"}}`,
		cause: finding.UpstreamError, Rule: "generic.embedded-error"},
	{name: "minimax 200 success", t: MiniMax, status: 200, ct: ctJSON,
		body:  `{"id":"1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}],"base_resp":{"status_code":0,"status_msg":""}}`,
		cause: finding.OK, Rule: "generic.2xx"},
	{name: "minimax openai route login fail", t: MiniMax, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"authorized_error","message":"login fail: Please carry the API secret key in the 'Authorization' field of the request header (1004)","http_code":"401"},"request_id":"063432299e74d9b466b94f06aa8d7835"}`,
		cause: finding.CredentialRejected, Rule: "minimax.auth"},
	// A China key on api.minimax.io (or the reverse) answers 2049
	// (https://github.com/MiniMax-AI/MiniMax-01/issues/44).
	{name: "minimax anthropic route other region's key", t: MiniMax, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"authorized_error","message":"invalid api key (2049)","http_code":"401"},"request_id":"0620512b477e40b8b39996b15758f133"}`,
		cause: finding.CredentialRejected, Rule: "minimax.auth"},
	// https://github.com/langgenius/dify/issues/33074
	{name: "minimax anthropic authentication_error", t: MiniMax, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"authentication_error","message":"invalid api key"},"request_id":"05f97c3c6b0bc90d3a9e291c0cb09e5c"}`,
		cause: finding.CredentialRejected, Rule: "shared.rejected"},
	// Variant: the authorized_error type without a code in the message.
	{name: "minimax authorized_error", t: MiniMax, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"authorized_error","message":"login fail","http_code":"401"}}`,
		cause: finding.CredentialRejected, Rule: "minimax.authorized-error"},
	// Spent balance comes as a 500 on the Anthropic route.
	{name: "minimax insufficient balance on 500", t: MiniMax, status: 500, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"api_error","message":"insufficient balance (1008)"},"request_id":"05997465cd2ee4bd50b24b216c911b75"}`,
		cause: finding.CreditsExhausted, Rule: "minimax.balance"},
	// A proxy's rewording keeps the code: https://github.com/modelscope/modelscope/issues/1691
	{name: "minimax insufficient balance via proxy", t: OpenAICompatible, status: 429, ct: ctJSON,
		body:  `{"error":{"http_code":"429","message":"insufficient balance (1008)","type":"insufficient_balance_error"},"request_id":"xxxx"}`,
		cause: finding.CreditsExhausted},
}

func init() { cases = append(cases, minimaxCases...) }

func TestMiniMaxCanary(t *testing.T) {
	s, _ := Lookup(MiniMax)
	in := RequestInput{Base: "https://api.minimax.io/v1", Model: "MiniMax-M2"}
	c := s.Canary(in)
	if got := s.URL(in.Base, c); got != "https://api.minimax.io/v1/chat/completions" {
		t.Errorf("OpenAI route canary %s", got)
	}
	// OpenClaw's minimax provider uses the Anthropic-compatible API.
	in.Base = "https://api.minimaxi.com/anthropic/"
	c = s.Canary(in)
	if got := s.URL(in.Base, c); got != "https://api.minimaxi.com/anthropic/v1/messages" {
		t.Errorf("Anthropic route canary %s", got)
	}
	if c.Header.Get("anthropic-version") == "" {
		t.Error("no anthropic-version header")
	}
	body := c.Body.(map[string]any)
	if body["model"] != "MiniMax-M2" || body["max_tokens"] != CanaryMaxTokens {
		t.Errorf("body %v", body)
	}
	if !s.KeyCheck.Zero() {
		t.Error("MiniMax documents no free key check")
	}
	for _, h := range []string{"api.minimax.io", "api.minimaxi.com"} {
		if !s.OwnsHost(h) {
			t.Errorf("%s not owned", h)
		}
	}
}
