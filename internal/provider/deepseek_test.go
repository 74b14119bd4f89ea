package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// DeepSeek's bodies (deepseek.go); "variant" cases reword them.
var deepseekCases = []tcase{
	{name: "deepseek no bearer header", t: DeepSeek, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails (auth header format should be Bearer sk-...)","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.HeaderMissing, Rule: "deepseek.no-bearer"},
	{name: "deepseek no such user", t: DeepSeek, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails (no such user)","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialRejected, Rule: "deepseek.invalid-key"},
	// https://github.com/continuedev/continue/issues/11820: the key's last
	// characters echoed.
	{name: "deepseek key echoed", t: DeepSeek, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails, Your api key: ****fcc2 is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialRejected, Rule: "deepseek.invalid-key"},
	// Variant: the value sent was a variable name.
	{name: "deepseek variable name as key", t: DeepSeek, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails, Your api key: ****_API_KEY is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialMalformed, Rule: "deepseek.key-not-a-key"},
	{name: "deepseek insufficient balance", t: DeepSeek, status: 402, ct: ctJSON,
		body:  `{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CreditsExhausted, Rule: "shared.credits"},
	{name: "deepseek model not exist", t: DeepSeek, status: 400, ct: ctJSON,
		body:  `{"error":{"message":"Model Not Exist","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.ModelUnavailable, Rule: "shared.model-unavailable"},
}

func init() { cases = append(cases, deepseekCases...) }

func TestDeepSeekBalance(t *testing.T) {
	s, _ := Lookup(DeepSeek)
	// https://api-docs.deepseek.com/api/get-user-balance
	body := `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"}]}`
	kf := s.ReadKey([]byte(body))
	if kf.Balance == nil || *kf.Balance != 110 || kf.Currency != "CNY" {
		t.Errorf("balance %v %q, want 110 CNY", kf.Balance, kf.Currency)
	}
	if kf.Limit != nil || kf.Remaining != nil {
		t.Error("an account balance is not a key limit")
	}
	for _, b := range []string{`{}`, `{"balance_infos":[]}`, `not json`, `{"balance_infos":[{"total_balance":"n/a"}]}`} {
		if kf := s.ReadKey([]byte(b)); kf.Balance != nil {
			t.Errorf("%s: balance %v", b, *kf.Balance)
		}
	}
}

func TestDeepSeekCalls(t *testing.T) {
	s, _ := Lookup(DeepSeek)
	// LiteLLM's default base is …/beta; the documented base the root.
	for _, base := range []string{"https://api.deepseek.com", "https://api.deepseek.com/v1", "https://api.deepseek.com/beta/"} {
		in := RequestInput{Base: base, Model: "deepseek-chat"}
		if got := s.URL(base, s.KeyCheckCall(in)); got != "https://api.deepseek.com/user/balance" {
			t.Errorf("%s: key check %s", base, got)
		}
		if got := s.URL(base, s.Canary(in)); got != "https://api.deepseek.com/chat/completions" {
			t.Errorf("%s: canary %s", base, got)
		}
	}
	if !s.Keys.Pattern.MatchString(s.Keys.Fake) || s.Keys.Pattern.MatchString("sk-ABCDEF") {
		t.Error("key pattern")
	}
	if _, ok := OwnerOfKey(s.Keys.Fake); ok {
		t.Error("sk- is not distinctive")
	}
}
