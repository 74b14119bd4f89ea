package provider

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// Moonshot's bodies (moonshot.go); "variant" cases reword them.
var moonshotCases = []tcase{
	{name: "moonshot invalid authentication", t: Moonshot, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}`,
		cause: finding.CredentialRejected, Rule: "moonshot.invalid-authentication"},
	// A key of platform.moonshot.cn sent to api.moonshot.ai (or the other
	// way round) gets the same answer
	// (https://github.com/VectifyAI/OpenKB/issues/196); relayed with
	// another status it still names the key.
	{name: "moonshot other platform's key relayed", t: Moonshot, status: 400, ct: ctJSON,
		body:  `{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}`,
		cause: finding.CredentialRejected, Rule: "moonshot.invalid-authentication"},
	// https://github.com/MoonshotAI/Kimi-K2/issues/5 (ids variant).
	{name: "moonshot exceeded current quota on 403", t: Moonshot, status: 403, ct: ctJSON,
		body:  `{"error":{"message":"Your account org-0f0e0d0c <ak-0f0e0d0c> is not active, organization <org-0f0e0d0c> exceeded current quota, please check your plan and billing details","type":"exceeded_current_quota_error"}}`,
		cause: finding.CreditsExhausted, Rule: "moonshot.quota"},
	{name: "moonshot suspended for balance on 429", t: Moonshot, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"Your account org-ea6a80cc0e7544d6b5e5ea529f8566ab <ak-f8tyo15zao8111h11q4i> is suspended due to insufficient balance, please recharge your account or check your plan and billing details"}}`,
		cause: finding.CreditsExhausted, Rule: "moonshot.quota-message"},
	{name: "moonshot TPM rate limit", t: Moonshot, status: 429, ct: ctJSON,
		body:  `{"error":{"type":"rate_limit_reached_error","message":"Your account xxxxx / proj-xxxxxx <ak-xxxxx> request reached project TPM rate limit, current: 1410, limit: 100, see https://platform.moonshot.cn/docs/pricing/limits"}}`,
		cause: finding.RateLimited, Rule: "moonshot.rate-limit"},
	// https://github.com/harry0703/MoneyPrinterTurbo/issues/339 (the message
	// names no rate limit; the type does).
	{name: "moonshot max request", t: Moonshot, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"Your account org-0f0e0d0c <ak-0f0e0d0c> request reached max request: 3, please try again after 1 seconds","type":"rate_limit_reached_error"}}`,
		cause: finding.RateLimited, Rule: "moonshot.rate-limit"},
	// "…or Permission denied" would otherwise read as forbidden.
	{name: "moonshot model not found", t: Moonshot, status: 404, ct: ctJSON,
		body:  `{"error":{"message":"Not found the model kimi-thinking-preview or Permission denied","type":"resource_not_found_error"}}`,
		cause: finding.ModelUnavailable, Rule: "moonshot.model-not-found"},
}

func init() { cases = append(cases, moonshotCases...) }

func TestMoonshotBothPlatforms(t *testing.T) {
	s, _ := Lookup(Moonshot)
	for _, h := range []string{"api.moonshot.ai", "api.moonshot.cn"} {
		if o, ok := ByHost(h); !ok || o != s {
			t.Errorf("%s is not Moonshot's", h)
		}
	}
	if s.OwnsHost("api.moonshot.ai.example.com") || s.OwnsHost("moonshot.cn") {
		t.Error("lookalike host owned")
	}
	if !strings.Contains(s.Fix(finding.CredentialRejected), "api.moonshot.cn") {
		t.Error("the rejected-key fix does not name the other platform")
	}
	for _, base := range []string{"https://api.moonshot.ai/v1", "https://api.moonshot.cn/v1/"} {
		got := s.URL(base, s.KeyCheckCall(RequestInput{Base: base}))
		if want := strings.TrimSuffix(base, "/") + "/users/me/balance"; got != want {
			t.Errorf("key check %s, want %s", got, want)
		}
	}
}

func TestMoonshotBalance(t *testing.T) {
	s, _ := Lookup(Moonshot)
	// https://platform.moonshot.cn/docs/api/balance
	kf := s.ReadKey([]byte(`{"code":0,"data":{"available_balance":49.58894,"voucher_balance":46.58893,"cash_balance":3.00001},"scode":"0x0","status":true}`))
	if kf.Balance == nil || *kf.Balance != 49.58894 {
		t.Errorf("balance %v", kf.Balance)
	}
	// An account in arrears: nothing available.
	kf = s.ReadKey([]byte(`{"code":0,"data":{"available_balance":0,"voucher_balance":0,"cash_balance":-31.14918},"scode":"0x0","status":true}`))
	if kf.Balance == nil || *kf.Balance != 0 {
		t.Errorf("balance %v, want 0", kf.Balance)
	}
	if kf := s.ReadKey([]byte(`{"code":0}`)); kf.Balance != nil {
		t.Error("balance read from nothing")
	}
}
