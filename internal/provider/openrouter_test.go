package provider

import (
	"strings"
	"testing"
)

// GET /api/v1/key's data object, in the shape of the reference
// (https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key).
func TestOpenRouterKeyFacts(t *testing.T) {
	s := For(OpenRouter)
	body := `{"data":{"label":"sk-or-v1-0e6...c96","limit":100,"limit_remaining":74.5,"limit_reset":"monthly",
		"include_byok_in_limit":false,"usage":25.5,"usage_daily":1.25,"usage_weekly":6.5,"usage_monthly":25.5,
		"byok_usage":17.38,"byok_usage_daily":17.38,"byok_usage_weekly":17.38,"byok_usage_monthly":17.38,
		"is_free_tier":false,"expires_at":"2027-12-31T23:59:59Z","rate_limit":{"requests":-1,"interval":"10s"}}}`
	kf := s.ReadKey([]byte(body))
	eq := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	eq("limit", kf.Limit, 100)
	eq("remaining", kf.Remaining, 74.5)
	eq("usage", kf.Usage, 25.5)
	eq("usage_daily", kf.UsageDaily, 1.25)
	eq("usage_weekly", kf.UsageWeekly, 6.5)
	eq("usage_monthly", kf.UsageMonthly, 25.5)
	if !kf.Limited || kf.LimitReset != "monthly" || kf.ExpiresAt != "2027-12-31T23:59:59Z" || kf.Currency != "USD" || kf.Balance != nil {
		t.Errorf("facts %+v", kf)
	}

	// A key without a limit: limit null, and the answer says so.
	kf = s.ReadKey([]byte(`{"data":{"limit":null,"limit_remaining":null,"limit_reset":null,"usage":3.2,"usage_daily":0.1,"usage_weekly":0.4,"usage_monthly":1.1,"expires_at":null}}`))
	if !kf.Limited || kf.Limit != nil || kf.Remaining != nil || kf.LimitReset != "" || kf.ExpiresAt != "" {
		t.Errorf("unlimited key facts %+v", kf)
	}
	// An older answer without the limit field says nothing about limits.
	if kf := s.ReadKey([]byte(`{"data":{"label":"x","usage":1}}`)); kf.Limited || kf.Limit != nil {
		t.Errorf("no limit field: %+v", kf)
	}
	// An open enum: an unknown schedule is kept, lower-cased.
	if kf := s.ReadKey([]byte(`{"data":{"limit":5,"limit_remaining":5,"limit_reset":"Yearly"}}`)); kf.LimitReset != "yearly" {
		t.Errorf("limit_reset %q", kf.LimitReset)
	}
	// Anything else is not repeated.
	if kf := s.ReadKey([]byte(`{"data":{"limit":5,"limit_remaining":5,"limit_reset":"every \u001b[31m full moon ` + strings.Repeat("x", 100) + `"}}`)); kf.LimitReset != "other" {
		t.Errorf("limit_reset %q", kf.LimitReset)
	}
	for _, b := range []string{`not json`, `{"data":[]}`, `{"data":{"limit":"ten"}}`} {
		if kf := s.ReadKey([]byte(b)); kf.Limited || kf.Limit != nil || kf.Remaining != nil {
			t.Errorf("%s: %+v", b, kf)
		}
	}
}
