package provider

import (
	"encoding/json"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// SiliconFlow is the hop type of SiliconFlow's OpenAI-compatible API
// (https://docs.siliconflow.com, China: https://docs.siliconflow.cn).
const SiliconFlow chain.HopType = "siliconflow"

func init() {
	register(&Spec{
		Type:    SiliconFlow,
		Name:    "SiliconFlow",
		Aliases: []string{"siliconcloud"},
		Role:    Provider,
		// LiteLLM's siliconflow/ route reads SILICONFLOW_API_KEY
		// (docs/my-website/docs/providers/siliconflow.md); OpenClaw has no
		// built-in SiliconFlow provider.
		LiteLLM: LiteLLMRoute{Prefixes: []string{"siliconflow"}, KeyVars: []string{"SILICONFLOW_API_KEY"}},
		// siliconflow.com (international, with the regional
		// api.ap.siliconflow.com of its docs) and siliconflow.cn (China)
		// are separate accounts with separate keys: a .com key answers 401
		// on .cn (https://github.com/chatboxai/chatbox/issues/2573,
		// https://github.com/langgenius/dify-official-plugins/issues/3603).
		BaseURL: "https://api.siliconflow.com/v1",
		Hosts:   []string{"api.siliconflow.com", "api.ap.siliconflow.com", "api.siliconflow.cn"},
		KeyVars: []string{"SILICONFLOW_API_KEY"},
		// sk- is shared with OpenAI, DeepSeek, Moonshot…: not distinctive.
		Keys: Keys{Prefixes: []string{"sk-"}},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/user/info needs a valid key and reports the balance
		// (https://docs.siliconflow.com/en/api-reference/userinfo/get-user-info).
		KeyCheck: Call{Method: "GET", Path: "/user/info"},
		ReadKey:  readSiliconFlowUser,
		// SiliconFlow's 401 body is a bare JSON string ("Invalid token",
		// "Api key is invalid"), its 400 {"code":20012,"message":"Model does
		// not exist. …","data":null}: the shared families read both. A 403
		// means the model needs real-name verification or a paid balance
		// (https://docs.siliconflow.com/en/faqs/error-code), often with an
		// empty body: the status fallback's forbidden.
		Samples: siliconflowSamples,
		Fixes: map[finding.Cause]string{
			finding.CredentialRejected: "SiliconFlow keys work only on the platform that issued them: a key from cloud.siliconflow.com on https://api.siliconflow.com/v1, one from cloud.siliconflow.cn on https://api.siliconflow.cn/v1. Make the base URL match the key's platform, or create a new key there.",
		},
	})
}

// readSiliconFlowUser reads {"code":20000,"status":true,"data":{"balance",
// "chargeBalance","totalBalance","status",…}}; the amounts are strings and
// totalBalance (granted plus charged) is what calls draw on.
func readSiliconFlowUser(body []byte) KeyFacts {
	var u struct {
		Data struct {
			Total any `json:"totalBalance"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &u) != nil {
		return KeyFacts{}
	}
	return KeyFacts{Balance: amount(u.Data.Total)}
}

var siliconflowSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401, Body: `"Invalid token"`,
		Source: "https://github.com/chatboxai/chatbox/issues/2573"},
	{Cause: finding.CredentialRejected, Status: 401, Body: `"Api key is invalid"`,
		Source: "https://github.com/agno-agi/agno/issues/6259"},
	{Cause: finding.ModelUnavailable, Status: 400,
		Body:   `{"code":20012,"message":"Model does not exist. Please check it carefully.","data":null}`,
		Header: map[string][]string{"Content-Type": {"application/json; charset=utf-8"}},
		Source: "https://docs.siliconflow.com/en/faqs/error-code"},
}
