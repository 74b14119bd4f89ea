package checks

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
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

// Each hop passing its own key check does not verify the link between
// them: behind an auth-only canary that stops at the proxy, nothing shows
// the proxy reaching the provider with its key, so the link and the chain
// are unverified (the hops keep their pass). A chain whose model takes no
// canary through it (CanaryFixed: an image or audio model) says so rather
// than advising the inference canary its model would refuse.
func TestAuthOnlyLeavesTheProxysLinkUnverified(t *testing.T) {
	env, err := sim.Start(sim.ScenarioHealthy)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for _, fixed := range []bool{false, true} {
		cfg, err := hopcheckyml.Parse("hopcheck.yml", env.Config)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Chains[0].CanaryFixed = fixed
		rep := runParsed(t, cfg, env.Vars, func(o *Options) { o.Canary = chain.CanaryAuthOnly })
		c := rep.Chains[0]
		if rep.Status != finding.Unverified || c.Status != finding.Unverified {
			t.Fatalf("fixed %v: run %s chain %s, want unverified; hops %+v links %+v findings %+v", fixed, rep.Status, c.Status, c.Hops, c.Links, c.Findings)
		}
		for _, h := range c.Hops {
			if h.Status != finding.Pass {
				t.Errorf("fixed %v: hop %s %s, want pass (its key was checked)", fixed, h.Name, h.Status)
			}
		}
		last := c.Links[len(c.Links)-1]
		if c.Links[0].Status != finding.Pass || last.Status != finding.Unverified {
			t.Errorf("fixed %v: links %+v, want ci's pass and the last unverified", fixed, c.Links)
		}
		var v *finding.Finding
		for i := range c.Findings {
			if c.Findings[i].Check == "verify" {
				v = &c.Findings[i]
			}
		}
		link := last.From + " → " + last.To
		switch {
		case v == nil || v.Cause != finding.NotVerified || !strings.Contains(v.Message, link) || !strings.Contains(v.Message, "auth-only canary stops"):
			t.Errorf("fixed %v: verify finding %+v, want one naming %s and the auth-only canary", fixed, v, link)
		case fixed == strings.Contains(v.Fix, "Use canary: inference"):
			t.Errorf("fixed %v: fix %q", fixed, v.Fix)
		}
	}
	// The inference canary crosses the link: the same chain passes.
	if rep := runConfig(t, string(env.Config), env.Vars, nil); rep.Status != finding.Pass {
		t.Errorf("inference canary: %s; findings %+v", rep.Status, rep.Chains[0].Findings)
	}
}
