package provider

import (
	"encoding/json"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// DeepSeek is the hop type of the DeepSeek API (https://api-docs.deepseek.com).
const DeepSeek chain.HopType = "deepseek"

func init() {
	register(&Spec{
		Type: DeepSeek,
		Name: "DeepSeek",
		Role: Provider,
		// LiteLLM reads DEEPSEEK_API_BASE and defaults to
		// https://api.deepseek.com/beta, not the documented root
		// (litellm/litellm_core_utils/get_llm_provider_logic.py).
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"deepseek"}, BaseVar: "DEEPSEEK_API_BASE", KeyVars: []string{"DEEPSEEK_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"deepseek"}},
		// The documented base is the root; /v1 is accepted for OpenAI
		// compatibility and /beta serves FIM and prefix completion
		// (https://api-docs.deepseek.com).
		BaseURL:   "https://api.deepseek.com",
		Hosts:     []string{"api.deepseek.com"},
		RootTrims: []string{"/v1", "/beta"},
		KeyVars:   []string{"DEEPSEEK_API_KEY"},
		Keys: Keys{
			// sk- is shared with OpenAI, Moonshot, SiliconFlow…: not
			// distinctive. sk- and 32 lowercase letters and digits
			// (trufflehog's deepseek detector).
			Prefixes: []string{"sk-"},
			Pattern:  classify.Lazy(`^sk-[a-z0-9]{32}$`),
			Shape:    "sk- and 32 lowercase letters and digits",
			Fake:     "sk-" + strings.Repeat("0fake", 6) + "00",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /user/balance needs a valid key, costs nothing and says
		// what is left (https://api-docs.deepseek.com/api/get-user-balance).
		KeyCheck: Call{Method: "GET", Path: "/user/balance"},
		ReadKey:  readDeepSeekBalance,
		Rules:    deepseekRules,
		Samples:  deepseekSamples,
		Fixes: map[finding.Cause]string{
			finding.CreditsExhausted: "Top up the DeepSeek account at https://platform.deepseek.com/top_up.",
		},
	})
}

// readDeepSeekBalance reads {"is_available":bool,"balance_infos":[{"currency",
// "total_balance","granted_balance","topped_up_balance"}]}; the amounts are
// strings. The first entry is the account's (one per currency).
func readDeepSeekBalance(body []byte) KeyFacts {
	var b struct {
		BalanceInfos []struct {
			Currency     string `json:"currency"`
			TotalBalance any    `json:"total_balance"`
		} `json:"balance_infos"`
	}
	if json.Unmarshal(body, &b) != nil || len(b.BalanceInfos) == 0 {
		return KeyFacts{}
	}
	bi := b.BalanceInfos[0]
	return KeyFacts{Balance: amount(bi.TotalBalance), Currency: bi.Currency}
}

// DeepSeek's error codes (https://api-docs.deepseek.com/quick_start/error_codes):
// 401 Authentication Fails, 402 Insufficient Balance, 422 Invalid
// Parameters, 429 Rate Limit Reached. The 401 message has several forms:
// "Authentication Fails (no such user)", "Authentication Fails, Your api
// key: ****fcc2 is invalid" (the key's last characters echoed) and, when
// the header is absent or not a Bearer token, "Authentication Fails (auth
// header format should be Bearer sk-...)".
var deepseekRules = []classify.Rule{
	{ID: "deepseek.no-bearer", Msg: classify.Re(`auth(?:orization)? header format should be bearer`), Cause: finding.HeaderMissing},
	// `****_KEY` is a variable name, `****json` a file path: the value sent
	// is not a key.
	{ID: "deepseek.key-not-a-key", Msg: classify.Re(`your api[ _-]?key:?\s*\*+(?:[a-z_]*_key\b|\S*?(?:json|ya?ml|txt|env)\b)`), Cause: finding.CredentialMalformed},
	{ID: "deepseek.invalid-key", Msg: classify.Re(`authentication fails`), Cause: finding.CredentialRejected},
}

var deepseekSamples = []Sample{
	// The message is verbatim (continuedev/continue#10056, also
	// linshenkx/prompt-optimizer#170, where no key was set); the envelope is
	// DeepSeek's, as in the 401 below.
	{Cause: finding.HeaderMissing, Status: 401,
		Body:   `{"error":{"message":"Authentication Fails (auth header format should be Bearer sk-...)","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		Source: "https://github.com/continuedev/continue/issues/10056"},
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"error":{"message":"Authentication Fails (no such user)","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		Source: "https://github.com/ChatGPTNextWeb/NextChat/issues/6149"},
	{Cause: finding.CreditsExhausted, Status: 402,
		Body:   `{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}`,
		Source: "https://github.com/Aider-AI/aider/issues/4851"},
	{Cause: finding.ModelUnavailable, Status: 400,
		Body:   `{"error":{"message":"Model Not Exist","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}`,
		Source: "https://github.com/ConardLi/easy-dataset/issues/9"},
}
