package checks

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// DefaultCreditsWarnDays is the runway (in days) under which a key's
// credit raises credits-low.
const DefaultCreditsWarnDays = 7.0

// usageWindow is one of the calendar windows a provider reports usage for
// (OpenRouter's usage_daily, usage_weekly, usage_monthly: the current UTC
// day, week from Monday, month).
type usageWindow struct {
	name  string
	usage *float64
	start time.Time
	// min is how much of the window must have passed before its usage is
	// taken as a rate: a few minutes of a day say nothing about the day.
	min time.Duration
}

// Minimum elapsed time of each window before it counts (docs/credits.md).
const (
	minDaily  = 12 * time.Hour
	minLonger = 24 * time.Hour
)

func windows(kf provider.KeyFacts, now time.Time) []usageWindow {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	// Weeks run Monday to Sunday (time.Weekday has Sunday = 0).
	week := day.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return []usageWindow{
		{finding.WindowDaily, kf.UsageDaily, day, minDaily},
		{finding.WindowWeekly, kf.UsageWeekly, week, minLonger},
		{finding.WindowMonthly, kf.UsageMonthly, month, minLonger},
	}
}

// spendRate estimates the recent spending rate per day. A window has
// enough data when at least its minimum has passed (12 hours of the day,
// one day of the week or month) and something was spent in it; its rate
// is what was spent divided by the days elapsed. Of the windows with
// enough data the busiest wins, the most recent on a tie: the daily window
// reacts first to a jump in spending, and a quiet day (a weekend) cannot
// hide what the week or month spent. reported says whether the provider
// reports usage at all.
func spendRate(kf provider.KeyFacts, now time.Time) (w usageWindow, rate float64, ok, reported bool) {
	for _, c := range windows(kf, now) {
		if c.usage == nil {
			continue
		}
		reported = true
		elapsed := now.Sub(c.start)
		if elapsed < c.min || *c.usage <= 0 {
			continue
		}
		r := *c.usage / (elapsed.Hours() / 24)
		// Strictly busier (beyond rounding noise) to replace a more
		// recent window.
		if !ok || r > rate*(1+1e-9) {
			w, rate, ok = c, r, true
		}
	}
	return w, rate, ok, reported
}

// nextReset is when a limit that resets on schedule starts afresh after
// now: midnight UTC, the next Monday, the first of the next month.
func nextReset(schedule string, now time.Time) (time.Time, bool) {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch schedule {
	case "daily":
		return day.AddDate(0, 0, 1), true
	case "weekly":
		return day.AddDate(0, 0, 7-(int(now.Weekday())+6)%7), true
	case "monthly":
		return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

// estimateCredits turns what a key check said about credit into the
// report's credits object (nil when it said nothing about credit): what
// is left, the recent rate and its window, and the runway — the days until
// the remaining credit is spent at that rate. A key without a limit has
// no runway; nor has a limit that resets before it is spent.
func estimateCredits(kf provider.KeyFacts, now time.Time) *finding.Credits {
	account := kf.Balance != nil
	if !account && !kf.Limited && kf.Limit == nil && kf.Remaining == nil {
		return nil
	}
	c := &finding.Credits{Kind: finding.KindKey, Currency: kf.Currency, Limit: kf.Limit, Remaining: kf.Remaining}
	if account {
		c.Kind, c.Limit, c.Remaining = finding.KindAccount, nil, kf.Balance
	}
	if !account && c.Limit != nil && c.Remaining == nil && kf.Usage != nil && kf.LimitReset == "" {
		// A limit that never resets: what is left is the limit less the
		// lifetime usage.
		c.Remaining = ptr(*c.Limit - *kf.Usage)
	}
	w, rate, ok, reported := spendRate(kf, now)
	if ok {
		c.Window, c.WindowUsage, c.RatePerDay = w.name, ptr(*w.usage), ptr(roundTo(rate, 1e6))
	}
	if !account && kf.LimitReset != "" {
		c.Reset = kf.LimitReset
		if t, known := nextReset(kf.LimitReset, now); known {
			c.ResetsAt = t.Format(time.RFC3339)
		}
	}
	switch {
	case !account && c.Limit == nil:
		c.Estimate = finding.EstimateUnlimited
	case c.Remaining == nil:
		c.Estimate = finding.EstimateNoRate
	case *c.Remaining <= 0:
		c.Estimate, c.RunwayDays = finding.EstimateExhausted, ptr(0.0)
	case c.Reset != "" && c.ResetsAt == "":
		c.Estimate = finding.EstimateUnknownReset
	case !ok && reported:
		c.Estimate = finding.EstimateNoUsage
	case !ok:
		c.Estimate = finding.EstimateNoRate
	default:
		days := *c.Remaining / rate
		if c.ResetsAt != "" {
			reset, _ := nextReset(c.Reset, now)
			if days >= reset.Sub(now).Hours()/24 {
				c.Estimate = finding.EstimateResetsFirst
				return c
			}
		}
		// A tenth of a day at least: something is left.
		c.Estimate, c.RunwayDays = finding.EstimateRunway, ptr(math.Max(roundTo(days, 10), 0.1))
	}
	return c
}

// roundTo rounds v to 1/per.
func roundTo(v, per float64) float64 { return math.Round(v*per) / per }

// judgeRunway records hop i's credits and raises credits-low when the
// runway is under the threshold. A spent key or balance is already
// credits-exhausted (an error); a limit that resets first, a key without a
// limit and a balance without a usage rate have no runway to warn about.
func (r *run) judgeRunway(i int, c *finding.Credits, res *probe.Result) {
	r.credits[i] = c
	if c == nil || c.Estimate != finding.EstimateRunway || c.RunwayDays == nil || r.creditWarn <= 0 || *c.RunwayDays >= r.creditWarn {
		return
	}
	h := r.c.Hops[i]
	l := credLink(r.c, i)
	// The variable, or the file a literal credential is written in.
	where := h.KeyEnv
	if where == "" {
		where = strings.TrimPrefix(r.creds[i].env, "the key in ")
	}
	whose := fmt.Sprintf("The key in %s (%s)", where, r.creds[i].fingerprint())
	left := finding.Money(*c.Remaining, c.Currency) + " left"
	if c.Kind == finding.KindAccount {
		whose = "The account of t" + whose[1:]
	} else if c.Limit != nil {
		left = fmt.Sprintf("%s of its %s limit left", finding.Money(*c.Remaining, c.Currency), finding.Money(*c.Limit, c.Currency))
	}
	msg := fmt.Sprintf("%s runs out of credit in about %s at the recent rate (the warning threshold is %s): %s, spending %s/day (%s spent %s, the %s window).",
		whose, finding.Days(*c.RunwayDays), finding.Days(r.creditWarn), left, finding.Money(*c.RatePerDay, c.Currency),
		finding.Money(*c.WindowUsage, c.Currency), finding.WindowPhrase(c.Window), c.Window)
	r.add(finding.Finding{Check: "live.key", Hop: h.Name, Link: &l, Cause: finding.CreditsLow, Severity: finding.SevWarning,
		Message: msg, Fix: spec(h).Fix(finding.CreditsLow), Timings: timings(res)}, chain.Pos{})
}
