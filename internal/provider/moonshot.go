package provider

import (
	"encoding/json"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Moonshot is the hop type of Moonshot AI's Kimi API (https://platform.moonshot.ai/docs/api/chat).
const Moonshot chain.HopType = "moonshot"

func init() {
	register(&Spec{
		Type: Moonshot,
		Name: "Moonshot AI (Kimi)",
		Role: Provider,
		// LiteLLM reads MOONSHOT_API_BASE (default https://api.moonshot.ai/v1
		// in code; its provider page shows https://api.moonshot.cn/) and
		// MOONSHOT_API_KEY (litellm/llms/moonshot/chat/transformation.py).
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"moonshot"}, BaseVar: "MOONSHOT_API_BASE", KeyVars: []string{"MOONSHOT_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"moonshot"}, KeyVars: []string{"MOONSHOT_API_KEY"}},
		// The international platform (platform.moonshot.ai) and the China
		// platform (platform.moonshot.cn) are separate accounts with
		// separate keys: a key answers 401 "Invalid Authentication" on the
		// other platform's host (https://github.com/VectifyAI/OpenKB/issues/196).
		BaseURL: "https://api.moonshot.ai/v1",
		Hosts:   []string{"api.moonshot.ai", "api.moonshot.cn"},
		KeyVars: []string{"MOONSHOT_API_KEY"},
		// sk- is shared with OpenAI, DeepSeek, SiliconFlow…: not distinctive.
		Keys: Keys{Prefixes: []string{"sk-"}},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/users/me/balance needs a valid key, costs nothing and
		// reports the balance (https://platform.moonshot.cn/docs/api/balance).
		KeyCheck: Call{Method: "GET", Path: "/users/me/balance"},
		ReadKey:  readMoonshotBalance,
		Rules:    moonshotRules,
		Samples:  moonshotSamples,
		Fixes: map[finding.Cause]string{
			finding.CredentialRejected: "Moonshot keys work only on the platform that issued them: a key from platform.moonshot.ai on https://api.moonshot.ai/v1, one from platform.moonshot.cn on https://api.moonshot.cn/v1. Make the base URL match the key's platform, or create a new key there.",
			finding.CreditsExhausted:   "Recharge the Moonshot account on the platform the key belongs to (platform.moonshot.ai or platform.moonshot.cn); calls are refused while available_balance is 0 or less.",
		},
	})
}

// readMoonshotBalance reads {"code":0,"data":{"available_balance",
// "voucher_balance","cash_balance"},"scode":"0x0","status":true}.
// available_balance (cash plus vouchers) is what calls draw on; the
// currency is the platform's (USD on .ai, CNY on .cn), which the body does
// not name.
func readMoonshotBalance(body []byte) KeyFacts {
	var b struct {
		Data struct {
			Available any `json:"available_balance"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &b) != nil {
		return KeyFacts{}
	}
	return KeyFacts{Balance: amount(b.Data.Available)}
}

// Moonshot answers {"error":{"message","type"}}; the type names the case.
// "Invalid Authentication" and "exceeded current quota" are not in the
// shared families, and "Not found the model X or Permission denied" would
// read as a permission problem.
var moonshotRules = []classify.Rule{
	{ID: "moonshot.invalid-authentication", Fields: []classify.Field{classify.In("error.type", "invalid_authentication_error")}, Cause: finding.CredentialRejected},
	{ID: "moonshot.quota", Fields: []classify.Field{classify.In("error.type", "exceeded_current_quota_error")}, Cause: finding.CreditsExhausted},
	{ID: "moonshot.quota-message", Msg: classify.Re(`exceeded current quota|suspended due to insufficient balance`), Cause: finding.CreditsExhausted},
	{ID: "moonshot.rate-limit", Fields: []classify.Field{classify.In("error.type", "rate_limit_reached_error")}, Cause: finding.RateLimited},
	{ID: "moonshot.model-not-found", Fields: []classify.Field{classify.In("error.type", "resource_not_found_error")}, Msg: classify.Re(`\bmodel\b`), Cause: finding.ModelUnavailable, Model: true},
}

var moonshotSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}`,
		Source: "https://github.com/can1357/oh-my-pi/issues/6292"},
	// The message is verbatim; the report shows only status and message,
	// so the envelope here is Moonshot's {"error":{"message"}} without a type.
	{Cause: finding.CreditsExhausted, Status: 429,
		Body:   `{"error":{"message":"Your account org-ea6a80cc0e7544d6b5e5ea529f8566ab <ak-f8tyo15zao8111h11q4i> is suspended due to insufficient balance, please recharge your account or check your plan and billing details"}}`,
		Source: "https://github.com/continuedev/continue/issues/11443"},
	{Cause: finding.RateLimited, Status: 429,
		Body:   `{"error":{"type":"rate_limit_reached_error","message":"Your account xxxxx / proj-xxxxxx <ak-xxxxx> request reached project TPM rate limit, current: 1410, limit: 100, see https://platform.moonshot.cn/docs/pricing/limits"}}`,
		Source: "https://github.com/LLM-Red-Team/kimi-cc/issues/41"},
	{Cause: finding.ModelUnavailable, Status: 404,
		Body:   `{"error":{"message":"Not found the model kimi-thinking-preview or Permission denied","type":"resource_not_found_error"}}`,
		Source: "https://github.com/mozilla-ai/any-llm/issues/778"},
}
