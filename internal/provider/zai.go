package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// ZAI is the hop type of Zhipu AI's GLM API: Z.ai internationally
// (https://docs.z.ai/api-reference), BigModel in China
// (https://docs.bigmodel.cn).
const ZAI chain.HopType = "zai"

func init() {
	register(&Spec{
		Type:    ZAI,
		Name:    "Z.ai / Zhipu AI (GLM)",
		Aliases: []string{"zhipu", "zhipuai", "bigmodel"},
		Role:    Provider,
		// LiteLLM routes zai/… with ZAI_API_BASE (default
		// https://api.z.ai/api/paas/v4) and ZAI_API_KEY
		// (litellm/llms/zai/chat/transformation.py); it has no zhipu/
		// prefix. OpenClaw's zai provider also reads the older Z_AI_API_KEY.
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"zai"}, BaseVar: "ZAI_API_BASE", KeyVars: []string{"ZAI_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"zai"}, KeyVars: []string{"ZAI_API_KEY", "Z_AI_API_KEY"}},
		// api.z.ai and open.bigmodel.cn are separate platforms with
		// separate keys; each also serves the GLM Coding Plan under
		// /api/coding/paas/v4 and an Anthropic-compatible API under
		// /api/anthropic.
		BaseURL: "https://api.z.ai/api/paas/v4",
		Roots:   []string{"/api/coding/paas/v4", "/api/anthropic"},
		Hosts:   []string{"api.z.ai", "open.bigmodel.cn"},
		KeyVars: []string{"ZAI_API_KEY"},
		Auth:    Auth{Name: "Authorization", Prefix: "Bearer "},
		// No key check: Z.ai documents no free authenticated call (no
		// balance API for pay-as-you-go keys); the canary verifies the key,
		// as an Anthropic message when the base is the Anthropic-compatible
		// …/api/anthropic (what Claude Code is pointed at, with the key as
		// a Bearer token).
		BuildCanary: func(in RequestInput) Call {
			if c, ok := anthropicRouteCanary(in, "/api/anthropic"); ok {
				return c
			}
			return chatCanary("/chat/completions", in.Model, in)
		},
		Rules:   zaiRules,
		Samples: zaiSamples,
		Fixes: map[finding.Cause]string{
			finding.CredentialRejected: "Z.ai (api.z.ai) and Zhipu BigModel (open.bigmodel.cn) issue separate keys: use the key on the platform that issued it, or create a new key there.",
			finding.CreditsExhausted:   "Recharge the account or buy a resource package. A GLM Coding Plan key works only on the coding endpoint (…/api/coding/paas/v4) and answers 1113 on the general one (…/api/paas/v4), and a pay-as-you-go key the other way round: check that the base URL matches the key's plan.",
		},
	})
}

// Zhipu's business codes come as strings in error.code ({"error":{"code",
// "message"}}) or, on its Anthropic-compatible API, in error.type; the
// messages of the China platform are in Chinese, so the code decides
// (https://docs.z.ai/api-reference/api-code, https://docs.bigmodel.cn/cn/faq/api-code).
// 1113 ("account in arrears" / "Insufficient balance or no resource
// package") comes with HTTP 429, yet is spent credit, not a rate limit.
var zaiRules = classify.Compose(
	zaiCode("zai.no-auth-header", finding.HeaderMissing, "1001"),
	zaiCode("zai.auth", finding.CredentialRejected, "1000", "1002", "1003", "1004", "1111"),
	zaiCode("zai.account-blocked", finding.Forbidden, "1110", "1112", "1121", "1220", "1301"),
	zaiCode("zai.balance", finding.CreditsExhausted, "1113"),
	zaiCode("zai.model", finding.ModelUnavailable, "1211"),
	zaiCode("zai.concurrency", finding.RateLimited, "1302"),
	[]classify.Rule{
		// The old gateway's 401, "令牌已过期或验证不正确！" ("token expired
		// or invalid").
		{ID: "zai.token-invalid-zh", Msg: classify.Re(`令牌已过期或验证不正确`), Cause: finding.CredentialRejected},
	},
)

// zaiCode matches Zhipu business codes in error.code or error.type.
func zaiCode(id string, cause finding.Cause, codes ...string) []classify.Rule {
	model := cause == finding.ModelUnavailable
	return []classify.Rule{
		{ID: id, Fields: []classify.Field{classify.In("error.code", codes...)}, Cause: cause, Model: model},
		{ID: id + "-type", Fields: []classify.Field{classify.In("error.type", codes...)}, Cause: cause, Model: model},
	}
}

var zaiSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"error":{"code":"1002","message":"Authorization Token非法，请确认Authorization Token正确传递。"}}`,
		Source: "https://github.com/FoundationAgents/MetaGPT/issues/1373"},
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"error":{"code":"1003","message":"Authorization Token已过期，请重新生成/获取。"}}`,
		Source: "https://github.com/MetaGLM/zhipuai-sdk-python-v4/issues/8"},
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"error":{"code":"401","message":"令牌已过期或验证不正确！"}}`,
		Source: "https://github.com/zhipuai/zhipuai-sdk-python/issues/25"},
	// Through the Anthropic-compatible API (a GLM key in Claude Code).
	{Cause: finding.CreditsExhausted, Status: 429,
		Body:   `{"type":"error","error":{"type":"1113","message":"Insufficient balance or no resource package. Please recharge."},"request_id":"2025111018552386057cb666f04003"}`,
		Source: "https://github.com/anthropics/claude-code/issues/11345"},
}
