package provider

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// SiliconFlow's bodies (siliconflow.go): its 401 is a bare JSON string,
// which the shared families read without a rule of SiliconFlow's.
var siliconflowCases = []tcase{
	{name: "siliconflow invalid token (bare string)", t: SiliconFlow, status: 401, ct: ctJSON, body: `"Invalid token"`,
		cause: finding.CredentialRejected, Rule: "shared.rejected", msg: "Invalid token"},
	{name: "siliconflow api key is invalid (bare string)", t: SiliconFlow, status: 401, ct: ctJSON, body: `"Api key is invalid"`,
		cause: finding.CredentialRejected, Rule: "shared.rejected", msg: "Api key is invalid"},
	// Variant: the same string served as text.
	{name: "siliconflow bare string as text", t: SiliconFlow, status: 401, ct: ctText, body: `"Invalid token"`,
		cause: finding.CredentialRejected, Rule: "shared.rejected"},
	// A .com key on api.siliconflow.cn: the same 401
	// (https://github.com/chatboxai/chatbox/issues/2573), relayed.
	{name: "siliconflow other platform's key relayed", t: OpenAICompatible, status: 401, ct: ctJSON, body: `"Invalid token"`,
		cause: finding.CredentialRejected},
	{name: "siliconflow model does not exist", t: SiliconFlow, status: 400, ct: "application/json; charset=utf-8",
		body:  `{"code":20012,"message":"Model does not exist. Please check it carefully.","data":null}`,
		cause: finding.ModelUnavailable, Rule: "shared.model-unavailable"},
	// https://github.com/langgenius/dify/issues/13734: a paid model without
	// balance or real-name verification, empty body.
	{name: "siliconflow 403 empty", t: SiliconFlow, status: 403, ct: ctJSON, body: ``,
		cause: finding.Forbidden, Rule: "generic.403"},
}

func init() { cases = append(cases, siliconflowCases...) }

func TestSiliconFlowUserInfo(t *testing.T) {
	s, _ := Lookup(SiliconFlow)
	// https://docs.siliconflow.com/en/api-reference/userinfo/get-user-info
	body := `{"code":20000,"message":"OK","status":true,"data":{"id":"userid","name":"username","image":"user_avatar_image_url","email":"user_email_address","isAdmin":false,"balance":"0.88","status":"normal","introduction":"","role":"","chargeBalance":"88.00","totalBalance":"88.88"}}`
	kf := s.ReadKey([]byte(body))
	if kf.Balance == nil || *kf.Balance != 88.88 {
		t.Errorf("balance %v, want 88.88", kf.Balance)
	}
	for _, base := range []string{"https://api.siliconflow.com/v1", "https://api.siliconflow.cn/v1"} {
		got := s.URL(base, s.KeyCheckCall(RequestInput{Base: base}))
		if got != base+"/user/info" {
			t.Errorf("key check %s", got)
		}
		if h := strings.TrimPrefix(base, "https://"); !s.OwnsHost(strings.TrimSuffix(h, "/v1")) {
			t.Errorf("%s not owned", base)
		}
	}
}
