package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// jsonCredits renders rep as the JSON report and returns the credits
// object of the first chain's first hop, as a consumer reads it.
func jsonCredits(t *testing.T, rep *finding.Report) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := report.JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Chains []struct {
			Hops []struct {
				Credits map[string]any `json:"credits"`
			} `json:"hops"`
		} `json:"chains"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Chains) == 0 || len(doc.Chains[0].Hops) == 0 {
		t.Fatalf("no hop in %s", buf.String())
	}
	return doc.Chains[0].Hops[0].Credits
}

// The runway of OpenRouter keys of several usage shapes, read from the
// simulated GET /api/v1/key at a fixed clock (Wednesday 18:00 UTC: 0.75
// days into the day, 2.75 into the week, 11.75 into the month), as numbers
// in the JSON report and as a credits-low warning under the threshold.
func TestRunwayAgainstSimulator(t *testing.T) {
	limit := func(v float64) *float64 { return &v }
	tests := []struct {
		name     string
		acct     sim.Account
		warnDays float64
		want     map[string]any // JSON fields of the credits object
		warn     bool
	}{
		{"steady, short runway", sim.Account{Limit: limit(50), Usage: 41, UsageDaily: 1.5, UsageWeekly: 5.5, UsageMonthly: 23.5}, 0,
			map[string]any{"kind": "key", "currency": "USD", "limit": 50.0, "remaining": 9.0, "window": "daily", "window_usage": 1.5,
				"rate_per_day": 2.0, "runway_days": 4.5, "estimate": "runway"}, true},
		{"steady, long runway", sim.Account{Limit: limit(100), Usage: 70, UsageDaily: 1.5, UsageWeekly: 5.5, UsageMonthly: 23.5}, 0,
			map[string]any{"remaining": 30.0, "rate_per_day": 2.0, "runway_days": 15.0, "estimate": "runway"}, false},
		{"steady, long runway, higher threshold", sim.Account{Limit: limit(100), Usage: 70, UsageDaily: 1.5, UsageWeekly: 5.5, UsageMonthly: 23.5}, 20,
			map[string]any{"runway_days": 15.0}, true},
		{"spike today", sim.Account{Limit: limit(50), Usage: 30, UsageDaily: 6, UsageWeekly: 7.5, UsageMonthly: 20}, 0,
			map[string]any{"remaining": 20.0, "window": "daily", "rate_per_day": 8.0, "runway_days": 2.5}, true},
		{"spike today, warning off", sim.Account{Limit: limit(50), Usage: 30, UsageDaily: 6, UsageWeekly: 7.5, UsageMonthly: 20}, -1,
			map[string]any{"runway_days": 2.5}, false},
		{"quiet today after a busy week", sim.Account{Limit: limit(50), Usage: 30, UsageDaily: 0.3, UsageWeekly: 12, UsageMonthly: 15}, 0,
			map[string]any{"window": "weekly", "window_usage": 12.0, "rate_per_day": 4.363636, "runway_days": 4.6}, true},
		{"monthly limit resets first", sim.Account{Limit: limit(13), LimitReset: "monthly", Usage: 200, UsageDaily: 0.3, UsageWeekly: 1.1, UsageMonthly: 4}, 0,
			map[string]any{"limit": 13.0, "remaining": 9.0, "rate_per_day": 0.4, "runway_days": nil, "reset": "monthly",
				"resets_at": "2025-04-01T00:00:00Z", "estimate": "resets-first"}, false},
		{"monthly limit runs out first", sim.Account{Limit: limit(10), LimitReset: "monthly", Usage: 200, UsageDaily: 0.3, UsageWeekly: 1.1, UsageMonthly: 9}, 0,
			map[string]any{"remaining": 1.0, "window": "monthly", "runway_days": 1.3, "resets_at": "2025-04-01T00:00:00Z", "estimate": "runway"}, true},
		{"unlimited", sim.Account{Usage: 300, UsageDaily: 1.5, UsageWeekly: 5.5, UsageMonthly: 23.5}, 0,
			map[string]any{"limit": nil, "remaining": nil, "rate_per_day": 2.0, "runway_days": nil, "estimate": "unlimited"}, false},
		{"nothing spent yet", sim.Account{Limit: limit(10), Usage: 2}, 0,
			map[string]any{"remaining": 8.0, "rate_per_day": nil, "runway_days": nil, "estimate": "no-usage"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := sim.FakeOpenRouterKey("runway")
			or := sim.NewOpenRouter(key)
			or.Keys[key] = tt.acct
			yml := directYML(listen(t, or), "")
			rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, func(o *Options) {
				o.Now = func() time.Time { return wednesday }
				o.CreditsWarnDays = tt.warnDays
			})
			c := rep.Chains[0]
			if c.Status != finding.Pass {
				t.Fatalf("a key with credit left must not fail the chain: %s %+v", c.Status, c.Findings)
			}
			got := jsonCredits(t, rep)
			for k, v := range tt.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("credits.%s = %v (present %v), want %v; credits %v", k, g, ok, v, got)
				}
			}
			if has := hasFinding(c, finding.CreditsLow, finding.SevWarning); has != tt.warn {
				t.Fatalf("credits-low warning %v, want %v: %+v", has, tt.warn, c.Findings)
			}
			if !tt.warn {
				return
			}
			for _, f := range c.Findings {
				if f.Cause != finding.CreditsLow {
					continue
				}
				days := fmt.Sprint(got["runway_days"])
				if !strings.Contains(f.Message, days+" days") || !strings.Contains(f.Message, got["window"].(string)+" window") ||
					!strings.Contains(f.Message, "OPENROUTER_API_KEY") || strings.Contains(f.Message, key[9:20]) {
					t.Errorf("message %q does not state the runway %s days, the window and the variable (and only its fingerprint)", f.Message, days)
				}
				if f.Link == nil || f.Link.To != "openrouter" || !strings.Contains(f.Fix, "openrouter.ai/settings") {
					t.Errorf("finding %+v", f)
				}
			}
		})
	}
}

// A key about to expire whose credit also runs low gets both warnings,
// side by side; the chain still passes.
func TestRunwayNextToExpiry(t *testing.T) {
	// 18:00 UTC of the current day: the simulator checks the expiry on the
	// real clock, so the key must still be valid now. 3 of the 10 left
	// spent today is 4 a day (no longer window is busier: each holds the
	// same 3 over at least as long).
	now := time.Now().UTC().Truncate(24 * time.Hour).Add(18 * time.Hour)
	limit := 20.0
	key := sim.FakeOpenRouterKey("both")
	or := sim.NewOpenRouter(key)
	or.Keys[key] = sim.Account{Limit: &limit, Usage: 10, UsageDaily: 3, UsageWeekly: 3, UsageMonthly: 3, ExpiresAt: now.Add(72 * time.Hour)}
	rep := runConfig(t, directYML(listen(t, or), ""), map[string]string{"OPENROUTER_API_KEY": key}, func(o *Options) {
		o.Now = func() time.Time { return now }
	})
	c := rep.Chains[0]
	if c.Status != finding.Pass || !hasFinding(c, finding.KeyExpiring, finding.SevWarning) || !hasFinding(c, finding.CreditsLow, finding.SevWarning) {
		t.Fatalf("want a passing chain with key-expiring and credits-low warnings: %s %+v", c.Status, c.Findings)
	}
	got := jsonCredits(t, rep)
	if got["runway_days"] != 2.5 || got["rate_per_day"] != 4.0 || got["window"] != "daily" {
		t.Errorf("credits %v", got)
	}
}

// A spent key is credits-exhausted (an error), not also credits-low.
func TestRunwayOfSpentKey(t *testing.T) {
	limit := 10.0
	key := sim.FakeOpenRouterKey("spent")
	or := sim.NewOpenRouter(key)
	or.Keys[key] = sim.Account{Limit: &limit, Usage: 10, UsageDaily: 1, UsageWeekly: 4, UsageMonthly: 10, KeyLimitReached: true}
	rep := runConfig(t, directYML(listen(t, or), ""), map[string]string{"OPENROUTER_API_KEY": key}, func(o *Options) {
		o.Now = func() time.Time { return wednesday }
	})
	c := rep.Chains[0]
	if c.Status != finding.Fail || hasFinding(c, finding.CreditsLow, finding.SevWarning) {
		t.Fatalf("status %s findings %+v", c.Status, c.Findings)
	}
	if got := jsonCredits(t, rep); got["runway_days"] != 0.0 || got["estimate"] != "exhausted" || got["remaining"] != 0.0 {
		t.Errorf("credits %v", got)
	}
}

// A provider that reports only a balance (DeepSeek's GET /user/balance,
// https://api-docs.deepseek.com/api/get-user-balance) gets its balance in
// the report and no runway: it reports no usage to estimate a rate from.
func TestBalanceWithoutRunway(t *testing.T) {
	srv := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			fmt.Fprint(w, `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"12.50","granted_balance":"2.50","topped_up_balance":"10.00"}]}`)
			return
		}
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}`)
	}))
	yml := `version: 1
chains:
  - name: ds
    model: deepseek-chat
    hops:
      - name: deepseek
        type: deepseek
        url: ` + srv + `
        key_env: DEEPSEEK_API_KEY
`
	rep := runConfig(t, yml, map[string]string{"DEEPSEEK_API_KEY": "sk-" + strings.Repeat("0fake", 6) + "00"}, func(o *Options) {
		o.Now = func() time.Time { return wednesday }
		o.CreditsWarnDays = 1000
	})
	c := rep.Chains[0]
	if c.Status != finding.Pass || hasFinding(c, finding.CreditsLow, finding.SevWarning) {
		t.Fatalf("status %s findings %+v", c.Status, c.Findings)
	}
	got := jsonCredits(t, rep)
	want := map[string]any{"kind": "account", "currency": "CNY", "limit": nil, "remaining": 12.5, "rate_per_day": nil, "runway_days": nil, "estimate": "no-rate"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("credits.%s = %v, want %v", k, got[k], v)
		}
	}
}
