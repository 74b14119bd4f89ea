package finding

import (
	"fmt"
	"strconv"
	"strings"
)

// Credits is what a hop's key check said about the money behind the key,
// and how long it lasts at the recent rate. docs/credits.md describes the
// rule; docs/report-schema.json the fields.
type Credits struct {
	// Kind is KindKey (a per-key limit: OpenRouter) or KindAccount (the
	// account's prepaid balance: DeepSeek, Moonshot, SiliconFlow).
	Kind string `json:"kind"`
	// Currency is the unit of the amounts ("" when the provider does not
	// say).
	Currency string `json:"currency,omitempty"`
	// Limit is the key's credit limit; nil for a key without one and for
	// an account balance.
	Limit *float64 `json:"limit"`
	// Remaining is what is left: of the limit (KindKey), or the balance
	// (KindAccount); nil when the key has no limit.
	Remaining *float64 `json:"remaining"`
	// Window is the usage window the rate comes from: WindowDaily,
	// WindowWeekly or WindowMonthly ("" when no rate was estimated), and
	// WindowUsage what was spent in it.
	Window      string   `json:"window,omitempty"`
	WindowUsage *float64 `json:"window_usage,omitempty"`
	// RatePerDay is the spending rate (Currency per day) estimated from
	// Window; nil when none could be.
	RatePerDay *float64 `json:"rate_per_day"`
	// RunwayDays is how many days the remaining credit lasts at
	// RatePerDay, rounded to a tenth; nil unless Estimate is
	// EstimateRunway or EstimateExhausted (0).
	RunwayDays *float64 `json:"runway_days"`
	// Reset is how often the key's limit starts afresh ("daily",
	// "weekly", "monthly"; "" when never) and ResetsAt (RFC 3339, UTC)
	// when it next does.
	Reset    string `json:"reset,omitempty"`
	ResetsAt string `json:"resets_at,omitempty"`
	// Estimate says what RunwayDays means (one of the Estimate values).
	Estimate string `json:"estimate"`
}

// Kinds of Credits.
const (
	KindKey     = "key"
	KindAccount = "account"
)

// Usage windows, most recent first.
const (
	WindowDaily   = "daily"
	WindowWeekly  = "weekly"
	WindowMonthly = "monthly"
)

// Values of Credits.Estimate.
const (
	// EstimateRunway: RunwayDays is the days until the remaining credit
	// is spent at RatePerDay.
	EstimateRunway = "runway"
	// EstimateExhausted: nothing is left (RunwayDays 0).
	EstimateExhausted = "exhausted"
	// EstimateResetsFirst: the limit resets (ResetsAt) before the
	// remaining credit is spent at RatePerDay: no runway to warn about.
	EstimateResetsFirst = "resets-first"
	// EstimateUnlimited: the key has no limit (it draws on the account's
	// credit, which its key check does not report).
	EstimateUnlimited = "unlimited"
	// EstimateNoUsage: no usage window has enough spending to estimate a
	// rate from (nothing spent yet, or too early in every window).
	EstimateNoUsage = "no-usage"
	// EstimateNoRate: the provider reports what is left but no usage, so
	// no rate can be estimated.
	EstimateNoRate = "no-rate"
	// EstimateUnknownReset: the limit resets on a schedule hopcheck does
	// not know, so it does not guess a runway.
	EstimateUnknownReset = "unknown-reset"
)

// Estimates lists every value of Credits.Estimate (for the schema test).
func Estimates() []string {
	return []string{EstimateRunway, EstimateExhausted, EstimateResetsFirst, EstimateUnlimited, EstimateNoUsage, EstimateNoRate, EstimateUnknownReset}
}

// Money formats an amount with its currency ("12.50 USD"); small amounts
// keep enough digits to be non-zero.
func Money(v float64, currency string) string {
	s := Amount(v)
	if currency != "" {
		s += " " + currency
	}
	return s
}

// Amount formats an amount: two decimals, more for amounts under 0.01.
func Amount(v float64) string {
	a := v
	if a < 0 {
		a = -a
	}
	switch {
	case a == 0 || a >= 0.01:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a >= 0.0001:
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// Days formats a number of days ("3.2 days", "1 day").
func Days(d float64) string {
	s := strconv.FormatFloat(d, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "1" {
		return "1 day"
	}
	return s + " days"
}

// WindowPhrase says in prose what a usage window covers.
func WindowPhrase(w string) string {
	switch w {
	case WindowDaily:
		return "today since 00:00 UTC"
	case WindowWeekly:
		return "this week since Monday 00:00 UTC"
	case WindowMonthly:
		return "this month since the 1st, 00:00 UTC"
	}
	return w
}

// Summary is the one-line prose form of c for the text report, the step
// summary and the annotations: what is left, the rate and its window, and
// the runway or why there is none.
func (c *Credits) Summary() string {
	if c == nil {
		return ""
	}
	var parts []string
	switch {
	case c.Kind == KindAccount && c.Remaining != nil:
		parts = append(parts, "balance "+Money(*c.Remaining, c.Currency))
	case c.Remaining != nil && c.Limit != nil:
		parts = append(parts, fmt.Sprintf("%s of %s left", Money(*c.Remaining, c.Currency), Money(*c.Limit, c.Currency)))
	case c.Remaining != nil:
		parts = append(parts, Money(*c.Remaining, c.Currency)+" left")
	case c.Estimate == EstimateUnlimited:
		parts = append(parts, "no limit on the key")
	}
	if c.RatePerDay != nil {
		p := fmt.Sprintf("spending %s/day", Money(*c.RatePerDay, c.Currency))
		if c.WindowUsage != nil {
			p += fmt.Sprintf(" (%s %s)", Money(*c.WindowUsage, c.Currency), WindowPhrase(c.Window))
		}
		parts = append(parts, p)
	}
	switch c.Estimate {
	case EstimateRunway:
		if c.RunwayDays != nil {
			parts = append(parts, "runway "+Days(*c.RunwayDays))
		}
	case EstimateExhausted:
		parts = append(parts, "runway 0 days: nothing left")
	case EstimateResetsFirst:
		parts = append(parts, "the "+c.Reset+" limit resets at "+c.ResetsAt+" before it runs out")
	case EstimateUnlimited:
		parts = append(parts, "no runway (the account's credit is not in the key check)")
	case EstimateNoUsage:
		parts = append(parts, "no runway: not enough recent spending to estimate a rate")
	case EstimateNoRate:
		parts = append(parts, "no runway can be estimated: the provider reports no usage")
	case EstimateUnknownReset:
		parts = append(parts, "no runway: the limit resets on a schedule hopcheck does not know ("+c.Reset+")")
	}
	return strings.Join(parts, "; ")
}
