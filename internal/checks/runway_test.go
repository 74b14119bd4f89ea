package checks

import (
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

func f64(v float64) *float64 { return &v }

// wednesday is 18:00 UTC on Wednesday 12 March 2025: 0.75 days into the
// UTC day, 2.75 into the week (Monday the 10th), 11.75 into the month.
var wednesday = time.Date(2025, 3, 12, 18, 0, 0, 0, time.UTC)

// orKey is an OpenRouter key with a limit and the given usage windows.
func orKey(limit, remaining float64, daily, weekly, monthly float64) provider.KeyFacts {
	return provider.KeyFacts{Limited: true, Limit: f64(limit), Remaining: f64(remaining), Currency: "USD",
		Usage: f64(monthly), UsageDaily: f64(daily), UsageWeekly: f64(weekly), UsageMonthly: f64(monthly)}
}

func TestEstimateCredits(t *testing.T) {
	type want struct {
		estimate string
		window   string
		rate     float64 // 0: nil
		runway   float64 // -1: nil
		resetsAt string
	}
	withReset := func(kf provider.KeyFacts, r string) provider.KeyFacts { kf.LimitReset = r; return kf }
	expiring := orKey(100, 60, 1.5, 5.5, 23.5)
	expiring.ExpiresAt = wednesday.Add(48 * time.Hour).Format(time.RFC3339)
	tests := []struct {
		name string
		kf   provider.KeyFacts
		now  time.Time
		want want
	}{
		// 2 USD a day in every window: the most recent window wins the tie.
		{"steady, long runway", orKey(50, 30, 1.5, 5.5, 23.5), wednesday, want{finding.EstimateRunway, "daily", 2, 15, ""}},
		{"steady, short runway", orKey(50, 9, 1.5, 5.5, 23.5), wednesday, want{finding.EstimateRunway, "daily", 2, 4.5, ""}},
		// A spike today: 6 USD in 0.75 days is 8 a day.
		{"spike today", orKey(50, 20, 6, 7.5, 20), wednesday, want{finding.EstimateRunway, "daily", 8, 2.5, ""}},
		// A quiet day after a busy week: the week's 12 USD in 2.75 days
		// (4.363636 a day) is not hidden by today's 0.3.
		{"quiet today after a spike", orKey(50, 20, 0.3, 12, 15), wednesday, want{finding.EstimateRunway, "weekly", 4.363636, 4.6, ""}},
		// A busy month, a quiet week.
		{"busy month", orKey(100, 40, 0.1, 0.5, 47), wednesday, want{finding.EstimateRunway, "monthly", 4, 10, ""}},
		// The monthly limit resets on 1 April, 19.25 days away; at 0.4 a
		// day the 9 left last 22.5: it resets first.
		{"monthly limit resets first", withReset(orKey(13, 9, 0.3, 1.1, 4), "monthly"), wednesday,
			want{finding.EstimateResetsFirst, "daily", 0.4, -1, "2025-04-01T00:00:00Z"}},
		{"monthly limit runs out first", withReset(orKey(10, 1, 0.3, 1.1, 9), "monthly"), wednesday,
			want{finding.EstimateRunway, "monthly", 0.765957, 1.3, "2025-04-01T00:00:00Z"}},
		// 4 of a daily 5 spent in 0.75 days: the 1 left lasts 4.5 hours,
		// the reset is 6 hours away.
		{"daily limit runs out before midnight", withReset(orKey(5, 1, 4, 4, 4), "daily"), wednesday,
			want{finding.EstimateRunway, "daily", 5.333333, 0.2, "2025-03-13T00:00:00Z"}},
		{"daily limit lasts to midnight", withReset(orKey(5, 3, 2, 2, 2), "daily"), wednesday,
			want{finding.EstimateResetsFirst, "daily", 2.666667, -1, "2025-03-13T00:00:00Z"}},
		{"weekly limit", withReset(orKey(10, 3, 1, 7, 20), "weekly"), wednesday,
			want{finding.EstimateRunway, "weekly", 2.545455, 1.2, "2025-03-17T00:00:00Z"}},
		{"unknown reset schedule", withReset(orKey(10, 3, 1, 7, 20), "yearly"), wednesday,
			want{finding.EstimateUnknownReset, "weekly", 2.545455, -1, ""}},
		// A key without a limit has no runway; its rate is still shown.
		{"unlimited", provider.KeyFacts{Limited: true, Currency: "USD", UsageDaily: f64(1.5), UsageWeekly: f64(5.5), UsageMonthly: f64(23.5)}, wednesday,
			want{finding.EstimateUnlimited, "daily", 2, -1, ""}},
		// Expiry is judged on its own (key-expiring): it does not shorten
		// the credit's runway.
		{"expiring", expiring, wednesday, want{finding.EstimateRunway, "daily", 2, 30, ""}},
		{"nothing spent", orKey(10, 10, 0, 0, 0), wednesday, want{finding.EstimateNoUsage, "", 0, -1, ""}},
		// Monday 1 September 2025, 06:00: too early in every window.
		{"too early in every window", orKey(10, 5, 1, 1, 1), time.Date(2025, 9, 1, 6, 0, 0, 0, time.UTC), want{finding.EstimateNoUsage, "", 0, -1, ""}},
		// Monday 3 March, 06:00: only the month (2.25 days) has enough.
		{"early in the day and week", orKey(10, 5, 1, 1, 4.5), time.Date(2025, 3, 3, 6, 0, 0, 0, time.UTC), want{finding.EstimateRunway, "monthly", 2, 2.5, ""}},
		{"exhausted", orKey(10, 0, 1, 1, 10), wednesday, want{finding.EstimateExhausted, "daily", 1.333333, 0, ""}},
		// A limit that never resets and no limit_remaining: limit less usage.
		{"remaining from lifetime usage", provider.KeyFacts{Limited: true, Limit: f64(10), Usage: f64(4), UsageWeekly: f64(2.75)}, wednesday,
			want{finding.EstimateRunway, "weekly", 1, 6, ""}},
		{"no usage reported", provider.KeyFacts{Limited: true, Limit: f64(10), Remaining: f64(4)}, wednesday, want{finding.EstimateNoRate, "", 0, -1, ""}},
		// A prepaid balance (DeepSeek, Moonshot, SiliconFlow): no usage, no runway.
		{"balance", provider.KeyFacts{Balance: f64(12.5), Currency: "CNY"}, wednesday, want{finding.EstimateNoRate, "", 0, -1, ""}},
		{"spent balance", provider.KeyFacts{Balance: f64(-0.5)}, wednesday, want{finding.EstimateExhausted, "", 0, 0, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := estimateCredits(tt.kf, tt.now)
			if c == nil {
				t.Fatal("no credits")
			}
			w := tt.want
			if c.Estimate != w.estimate || c.Window != w.window || c.ResetsAt != w.resetsAt {
				t.Errorf("estimate %q window %q resets_at %q, want %q %q %q", c.Estimate, c.Window, c.ResetsAt, w.estimate, w.window, w.resetsAt)
			}
			switch {
			case w.rate == 0 && c.RatePerDay != nil:
				t.Errorf("rate %v, want none", *c.RatePerDay)
			case w.rate != 0 && (c.RatePerDay == nil || *c.RatePerDay != w.rate):
				t.Errorf("rate %v, want %v", c.RatePerDay, w.rate)
			}
			switch {
			case w.runway < 0 && c.RunwayDays != nil:
				t.Errorf("runway %v, want none", *c.RunwayDays)
			case w.runway >= 0 && (c.RunwayDays == nil || *c.RunwayDays != w.runway):
				t.Errorf("runway %v, want %v", c.RunwayDays, w.runway)
			}
			if (c.Window == "") != (c.WindowUsage == nil) {
				t.Errorf("window %q with usage %v", c.Window, c.WindowUsage)
			}
		})
	}
}

func TestEstimateCreditsShape(t *testing.T) {
	if c := estimateCredits(provider.KeyFacts{Models: []string{"m"}}, wednesday); c != nil {
		t.Errorf("a model list says nothing about credit: %+v", c)
	}
	c := estimateCredits(orKey(50, 20, 6, 7.5, 20), wednesday)
	if c.Kind != finding.KindKey || *c.Limit != 50 || *c.Remaining != 20 || c.Currency != "USD" || *c.WindowUsage != 6 {
		t.Errorf("key credits %+v", c)
	}
	c = estimateCredits(provider.KeyFacts{Balance: f64(12.5), Currency: "CNY"}, wednesday)
	if c.Kind != finding.KindAccount || c.Limit != nil || *c.Remaining != 12.5 || c.Currency != "CNY" {
		t.Errorf("account credits %+v", c)
	}
}

func TestNextReset(t *testing.T) {
	tests := []struct {
		schedule string
		now      time.Time
		want     string
	}{
		{"daily", wednesday, "2025-03-13T00:00:00Z"},
		{"daily", time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC), "2026-01-01T00:00:00Z"},
		{"weekly", wednesday, "2025-03-17T00:00:00Z"},
		{"weekly", time.Date(2025, 3, 16, 23, 0, 0, 0, time.UTC), "2025-03-17T00:00:00Z"}, // Sunday
		{"weekly", time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC), "2025-03-24T00:00:00Z"},  // Monday midnight
		{"monthly", wednesday, "2025-04-01T00:00:00Z"},
		{"monthly", time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC), "2026-01-01T00:00:00Z"},
		// Another zone is read in UTC: 20:00 in New York on the 31st is
		// the 1st in UTC.
		{"monthly", time.Date(2025, 1, 31, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), "2025-03-01T00:00:00Z"},
	}
	for _, tt := range tests {
		got, ok := nextReset(tt.schedule, tt.now)
		if !ok || got.Format(time.RFC3339) != tt.want {
			t.Errorf("%s after %s = %s, want %s", tt.schedule, tt.now, got.Format(time.RFC3339), tt.want)
		}
	}
	if _, ok := nextReset("yearly", wednesday); ok {
		t.Error("unknown schedule")
	}
}
