package provider

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// Zhipu's bodies (zai.go). Codes from https://docs.z.ai/api-reference/api-code;
// "variant" bodies carry a documented code with its documented message.
var zaiCases = []tcase{
	{name: "zai invalid token (zh)", t: ZAI, status: 401, ct: ctJSON,
		body:  `{"error":{"code":"1002","message":"Authorization Token非法，请确认Authorization Token正确传递。"}}`,
		cause: finding.CredentialRejected, Rule: "zai.auth"},
	{name: "zai expired token (zh)", t: ZAI, status: 401, ct: ctJSON,
		body:  `{"error":{"code":"1003","message":"Authorization Token已过期，请重新生成/获取。"}}`,
		cause: finding.CredentialRejected, Rule: "zai.auth"},
	{name: "zai old gateway token (zh)", t: ZAI, status: 401, ct: ctJSON,
		body:  `{"error":{"code":"401","message":"令牌已过期或验证不正确！"}}`,
		cause: finding.CredentialRejected, Rule: "zai.token-invalid-zh"},
	// Variant: 1001 with the documented English text.
	{name: "zai no auth header", t: ZAI, status: 401, ct: ctJSON,
		body:  `{"error":{"code":"1001","message":"Authentication parameter not received in Header, unable to authenticate"}}`,
		cause: finding.HeaderMissing, Rule: "zai.no-auth-header"},
	{name: "zai no auth header, anthropic envelope", t: ZAI, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"1001","message":"Header中未收到Authentication参数，无法进行身份验证"}}`,
		cause: finding.HeaderMissing, Rule: "zai.no-auth-header-type"},
	{name: "zai key of the other platform, anthropic envelope", t: ZAI, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"1000","message":"Authentication Failed"}}`,
		cause: finding.CredentialRejected, Rule: "zai.auth-type"},
	// 1113 arrives with 429 but is spent credit: https://github.com/7836246/cursor2api/issues/30
	{name: "zai insufficient balance on 429", t: ZAI, status: 429, ct: ctJSON,
		body:  `{"error":{"code":"1113","message":"Insufficient balance or no resource package. Please recharge."},"request_id":"202603142338501da90b7ebe1d473d"}`,
		cause: finding.CreditsExhausted, Rule: "zai.balance"},
	{name: "zai insufficient balance, anthropic envelope", t: ZAI, status: 429, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"1113","message":"Insufficient balance or no resource package. Please recharge."},"request_id":"2025111018552386057cb666f04003"}`,
		cause: finding.CreditsExhausted, Rule: "zai.balance-type"},
	// Variant: the China platform's wording of 1113.
	{name: "zai arrears (zh)", t: ZAI, status: 429, ct: ctJSON,
		body:  `{"error":{"code":"1113","message":"您的账户已欠费，请充值后重试。"}}`,
		cause: finding.CreditsExhausted, Rule: "zai.balance"},
	{name: "zai model does not exist", t: ZAI, status: 400, ct: ctJSON,
		body:  `{"error":{"code":"1211","message":"模型不存在，请检查模型代码。"}}`,
		cause: finding.ModelUnavailable, Rule: "zai.model"},
	{name: "zai model does not exist, anthropic envelope", t: ZAI, status: 400, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"1211","message":"Model does not exist, please check the model code"}}`,
		cause: finding.ModelUnavailable, Rule: "zai.model-type"},
	{name: "zai account locked", t: ZAI, status: 429, ct: ctJSON,
		body:  `{"error":{"code":"1112","message":"Your account has been locked, please contact customer service to unlock"}}`,
		cause: finding.Forbidden, Rule: "zai.account-blocked"},
	{name: "zai no api permission, anthropic envelope", t: ZAI, status: 403, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"1220","message":"You do not have permission to access glm-4-plus"}}`,
		cause: finding.Forbidden, Rule: "zai.account-blocked-type"},
	{name: "zai high concurrency", t: ZAI, status: 429, ct: ctJSON,
		body:  `{"error":{"code":"1302","message":"您当前使用该API的并发数过高，请降低并发，或联系客服增加限额。"}}`,
		cause: finding.RateLimited, Rule: "zai.concurrency"},
	{name: "zai high concurrency, anthropic envelope", t: ZAI, status: 429, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"1302","message":"High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits"}}`,
		cause: finding.RateLimited, Rule: "zai.concurrency-type"},
}

func init() { cases = append(cases, zaiCases...) }

func TestZAIPlatforms(t *testing.T) {
	s, _ := Lookup(ZAI)
	for _, h := range []string{"api.z.ai", "open.bigmodel.cn"} {
		if !s.OwnsHost(h) {
			t.Errorf("%s is not Zhipu's", h)
		}
	}
	if z, _ := Lookup("zhipu"); z != s {
		t.Error("zhipu is not an alias")
	}
	for _, base := range []string{"https://api.z.ai/api/paas/v4", "https://open.bigmodel.cn/api/paas/v4/", "https://api.z.ai/api/coding/paas/v4"} {
		got := s.URL(base, s.Canary(RequestInput{Base: base, Model: "glm-4.5-flash"}))
		if want := strings.TrimSuffix(base, "/") + "/chat/completions"; got != want {
			t.Errorf("canary %s, want %s", got, want)
		}
	}
	in := RequestInput{Base: "https://open.bigmodel.cn/api/anthropic", Model: "glm-4.6"}
	if got := s.URL(in.Base, s.Canary(in)); got != "https://open.bigmodel.cn/api/anthropic/v1/messages" {
		t.Errorf("Anthropic route canary %s", got)
	}
	if !strings.Contains(s.Fix(finding.CreditsExhausted), "coding") {
		t.Error("the credits fix does not mention the coding plan endpoint")
	}
}
