package ghaction

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

func days(v float64) *float64 { return &v }

// runwayReport: two chains whose key checks reported credit. review-bot's
// key runs out in 4.5 days and expires soon; nightly's lasts 12.
func runwayReport() *finding.Report {
	toOR := chain.Link{From: "ci", To: "openrouter"}
	low := &finding.Credits{Kind: finding.KindKey, Currency: "USD", Limit: days(50), Remaining: days(9), Window: finding.WindowDaily,
		WindowUsage: days(1.5), RatePerDay: days(2), RunwayDays: days(4.5), Estimate: finding.EstimateRunway}
	long := &finding.Credits{Kind: finding.KindKey, Currency: "USD", Limit: days(50), Remaining: days(24), Window: finding.WindowWeekly,
		WindowUsage: days(5.5), RatePerDay: days(2), RunwayDays: days(12), Estimate: finding.EstimateRunway}
	balance := &finding.Credits{Kind: finding.KindAccount, Currency: "CNY", Remaining: days(12.5), Estimate: finding.EstimateNoRate}
	return &finding.Report{Status: finding.Pass, Config: "hopcheck.yml", Chains: []finding.ChainResult{
		{Name: "review-bot", Status: finding.Pass, Cause: finding.OK,
			Hops: []finding.HopResult{{Name: "openrouter", Type: "openrouter", Status: finding.Pass, Cause: finding.OK, Credits: low,
				File: "hopcheck.yml", Line: 6, Col: 9}},
			Links: []finding.LinkResult{{From: "ci", To: "openrouter", Status: finding.Pass, Cause: finding.OK}},
			Findings: []finding.Finding{
				{Check: "live.key", Hop: "openrouter", Link: &toOR, Cause: finding.KeyExpiring, Severity: finding.SevWarning,
					Message: "The key in OPENROUTER_API_KEY (sk-or-v1-0e…96) expires in 3 days (2025-03-15T18:00:00Z).", Fix: "Rotate the key."},
				{Check: "live.key", Hop: "openrouter", Link: &toOR, Cause: finding.CreditsLow, Severity: finding.SevWarning,
					Message: "The key in OPENROUTER_API_KEY (sk-or-v1-0e…96) runs out of credit in about 4.5 days at the recent rate.", Fix: "Add credits."},
			}},
		{Name: "nightly", Status: finding.Pass, Cause: finding.OK,
			Hops: []finding.HopResult{
				{Name: "openrouter", Type: "openrouter", Status: finding.Pass, Cause: finding.OK, Credits: long},
				{Name: "deepseek", Type: "deepseek", Status: finding.Pass, Cause: finding.OK, Credits: balance},
			}},
	}}
}

// The smallest runway over all chains is the runway-days output; the
// credits-low warning is an annotation of its own next to the expiry
// warning on the same link; the summary lists each hop's credit.
func TestPublishRunway(t *testing.T) {
	t.Parallel()
	s := newStep(t)
	stdout, err := publish(t, s, PublishInput{Report: runwayReport(), Inputs: Inputs{FailOn: "error"}, ReportPath: "r.json",
		Event: Event{Name: "schedule"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := s.outputs(t)
	if out[OutputRunwayDays] != "4.5" || out[OutputStatus] != "pass" {
		t.Errorf("outputs %v, want runway-days 4.5 and status pass", out)
	}
	cmds, _ := testutil.MustParseCommands(t, stdout)
	titles := map[string]string{}
	for _, c := range cmds {
		if c.Name == "warning" {
			titles[c.Props["title"]] = c.Message
		}
	}
	low, ok := titles["hopcheck [review-bot] ci → openrouter: credits-low"]
	if !ok || !strings.Contains(low, "4.5 days") || !strings.Contains(low, "Fix: Add credits.") {
		t.Errorf("no credits-low warning annotation with the runway and the fix: %+v", cmds)
	}
	if _, ok := titles["hopcheck [review-bot] ci → openrouter: key-expiring"]; !ok || len(titles) != 2 {
		t.Errorf("want the expiry and the credit warnings as two annotations, got %+v", cmds)
	}
	sum := s.summaryText(t)
	for _, w := range []string{
		"**Credits**",
		"- **openrouter**: 9.00 USD of 50.00 USD left; spending 2.00 USD/day (1.50 USD today since 00:00 UTC); runway 4.5 days",
		"- **openrouter**: 24.00 USD of 50.00 USD left; spending 2.00 USD/day (5.50 USD this week since Monday 00:00 UTC); runway 12 days",
		"- **deepseek**: balance 12.50 CNY; no runway can be estimated: the provider reports no usage",
	} {
		if !strings.Contains(sum, w) {
			t.Errorf("summary lacks %q:\n%s", w, sum)
		}
	}
}

// Without any runway the output is not written (an unset output reads as
// empty in the workflow); a spent key's runway is 0.
func TestRunwayDaysOutput(t *testing.T) {
	t.Parallel()
	r := runwayReport()
	for i := range r.Chains {
		for j := range r.Chains[i].Hops {
			if c := r.Chains[i].Hops[j].Credits; c != nil {
				c.RunwayDays, c.Estimate = nil, finding.EstimateUnlimited
			}
		}
	}
	s := newStep(t)
	if _, err := publish(t, s, PublishInput{Report: r, Inputs: Inputs{FailOn: "error"}}, nil); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.outputs(t)[OutputRunwayDays]; ok {
		t.Errorf("runway-days = %q, want it unset", v)
	}
	r.Chains[1].Hops[0].Credits.RunwayDays = days(0)
	if got := minRunway(r); got != "0" {
		t.Errorf("minRunway = %q, want 0", got)
	}
}

func TestReadCreditsWarnDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    string
		want *float64
		err  bool
	}{
		{"", nil, false}, {"7", days(7), false}, {" 2.5 ", days(2.5), false}, {"0", days(0), false}, {"3650", days(3650), false},
		{"-1", nil, true}, {"3651", nil, true}, {"NaN", nil, true}, {"Inf", nil, true}, {"a week", nil, true},
	} {
		in, err := ReadInputs(envOf(map[string]string{"INPUT_CREDITS-WARN-DAYS": tc.v}))
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), `input "credits-warn-days" must be a number of days`) {
				t.Errorf("%q: err %v", tc.v, err)
			}
			continue
		}
		if err != nil || (in.CreditsWarnDays == nil) != (tc.want == nil) || (tc.want != nil && *in.CreditsWarnDays != *tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.v, in.CreditsWarnDays, err, tc.want)
		}
	}
}
