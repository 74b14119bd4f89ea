package checks

import (
	"regexp"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// One owner decides the exit code and the status every output shows: they
// never disagree, whatever the gate.
func TestVerdict(t *testing.T) {
	warn := []finding.Finding{{Cause: finding.KeyExpiring, Severity: finding.SevWarning}}
	for _, c := range []struct {
		status  finding.Status
		run     []finding.Finding
		gate    Gate
		failed  bool
		outcome finding.Status
	}{
		{finding.Pass, nil, Gate{}, false, finding.Pass},
		{finding.Fail, nil, Gate{}, true, finding.Fail},
		{finding.Fail, nil, Gate{FailOn: "never"}, false, finding.Fail},
		{finding.Unverified, nil, Gate{FailOn: "error"}, false, finding.Unverified},
		{finding.Unverified, nil, Gate{FailOn: "unverified"}, true, finding.Fail},
		{finding.Unverified, nil, Gate{FailOn: "warning"}, true, finding.Fail},
		{finding.Pass, warn, Gate{FailOn: "error"}, false, finding.Pass},
		{finding.Pass, warn, Gate{FailOn: "unverified"}, false, finding.Pass},
		{finding.Pass, warn, Gate{FailOn: "warning"}, true, finding.Fail},
		{finding.Neutral, nil, Gate{}, false, finding.Neutral},
		{finding.Neutral, nil, Gate{FailNeutral: true}, true, finding.Fail},
		{finding.Neutral, nil, Gate{FailOn: "never", FailNeutral: true}, false, finding.Neutral},
	} {
		rep := &finding.Report{Status: c.status, Findings: c.run}
		if got := Verdict(rep, c.gate); got != c.failed || rep.Status != c.outcome {
			t.Errorf("%s %+v with %d run findings: failed %v status %s, want %v %s", c.status, c.gate, len(c.run), got, rep.Status, c.failed, c.outcome)
		}
	}
	for _, v := range FailOnValues {
		if !ValidFailOn(v) {
			t.Errorf("%s not valid", v)
		}
	}
	if ValidFailOn("critical") {
		t.Error("critical is valid")
	}
}

func TestRollUp(t *testing.T) {
	ch := func(s ...finding.Status) []finding.ChainResult {
		var out []finding.ChainResult
		for _, x := range s {
			out = append(out, finding.ChainResult{Status: x})
		}
		return out
	}
	for _, c := range []struct {
		chains []finding.ChainResult
		run    []finding.Finding
		want   finding.Status
	}{
		{nil, nil, finding.Unverified},
		{ch(finding.Pass, finding.Pass), nil, finding.Pass},
		{ch(finding.Pass, finding.Unverified), nil, finding.Unverified},
		{ch(finding.Neutral, finding.Unverified), nil, finding.Unverified},
		{ch(finding.Pass, finding.Neutral), nil, finding.Neutral},
		{ch(finding.Unverified, finding.Fail), nil, finding.Fail},
		{ch(finding.Pass), []finding.Finding{{Severity: finding.SevError}}, finding.Fail},
	} {
		if got := rollUp(c.chains, c.run); got != c.want {
			t.Errorf("rollUp(%v, %d findings) = %s, want %s", c.chains, len(c.run), got, c.want)
		}
	}
}

// What hopcheck could not verify is unverified, never pass: an auth-only
// canary stops at the proxy, so the provider behind it (whose key the job
// does not hold) is unverified, with a finding that says why and what to
// change; a static-only run verifies nothing.
func TestNothingUnverifiedPasses(t *testing.T) {
	env, err := sim.Start(sim.ScenarioHealthy)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	// The job holds only the proxy's key: the provider hop declares none.
	yml := regexp.MustCompile(`(?m)^\s+key_env: OPENROUTER_API_KEY\n`).ReplaceAllString(string(env.Config), "")
	rep := runConfig(t, yml, env.Vars, func(o *Options) { o.Canary = "auth-only" })
	c := rep.Chains[0]
	if rep.Status != finding.Unverified || c.Status != finding.Unverified {
		t.Fatalf("run %s chain %s, want unverified; hops %+v findings %+v", rep.Status, c.Status, c.Hops, c.Findings)
	}
	last := c.Hops[len(c.Hops)-1]
	if last.Status != finding.Unverified || c.Hops[0].Status != finding.Pass {
		t.Errorf("hops %+v", c.Hops)
	}
	if !hasFinding(c, finding.NotVerified, finding.SevWarning) {
		t.Errorf("no unverified finding: %+v", c.Findings)
	}
	rep = runConfig(t, string(env.Config), env.Vars, func(o *Options) { o.StaticOnly = true })
	if rep.Status != finding.Unverified {
		t.Errorf("static-only run: %s", rep.Status)
	}
	for _, h := range rep.Chains[0].Hops {
		if h.Status != finding.Unverified {
			t.Errorf("static-only hop %s: %s", h.Name, h.Status)
		}
	}
}
