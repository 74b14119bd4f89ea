package checks

import "github.com/hopcheck/hopcheck/internal/finding"

// Merge adds findings produced outside the engine (config readers,
// discovery) to rep: a finding whose Chain names a chain joins it, the rest
// are run-level. Chain and run statuses are recomputed: an error fails its
// chain (and names the failing link when the chain had none).
func Merge(rep *finding.Report, fs []finding.Finding) {
	for _, f := range fs {
		placed := false
		for i := range rep.Chains {
			c := &rep.Chains[i]
			if f.Chain == "" || f.Chain != c.Name {
				continue
			}
			c.Findings = append(c.Findings, f)
			if f.Severity == finding.SevError && c.Status != finding.Fail {
				c.Status = finding.Fail
				c.Cause = f.Cause
				if c.FailingLink == nil && f.Link != nil {
					l := *f.Link
					c.FailingLink, c.FailingHop = &l, f.Hop
				}
			}
			sortFindings(c.Findings)
			placed = true
		}
		if !placed {
			rep.Findings = append(rep.Findings, f)
		}
	}
	rep.Status = overall(rep.Chains)
	for _, f := range rep.Findings {
		if f.Severity == finding.SevError {
			rep.Status = finding.Fail
		}
	}
}
