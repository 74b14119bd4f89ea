// Package report turns one *finding.Report into its outputs: the terminal
// text report (Text), the stable JSON report (JSON, documented by
// docs/report-schema.json) and the atomic file writer every output uses
// (WriteFile). Subpackages (report/github, …) render the same report for
// other consumers and reuse Inert for text that came from outside.
//
// Reporters never change the report they are given: they render a
// sanitized copy in which every string has passed through InertScrub with
// the report's Scrubber (the job's own credentials, after the text is made
// inert), and scrub once more over what they write (final).
package report

import (
	"errors"
	"math"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// errNilReport is returned by every reporter given a nil report.
var errNilReport = errors.New("report: nil report")

// final is the last pass over a rendered report before it is written: the
// report's Scrubber (the job's own credentials, then every credential
// shape) runs once more over the whole output, so a field that did not go
// through InertScrub cannot carry one either, nor can characters that the
// rendering put next to each other. The markers it writes are plain text
// in JSON, XML and the terminal.
func final(b []byte, sc *secret.Scrubber) []byte {
	return []byte(sc.Scrub(string(b)))
}

// sanitize returns a deep copy of r in which every free-text string is
// inert and scrubbed with r's Scrubber (InertScrub), timings are rounded to
// microseconds, nil lists that the JSON form documents as arrays are
// empty, and an empty overall status is derived from the chains.
func sanitize(r *finding.Report) *finding.Report {
	inert := func(s string) string { return InertScrub(s, r.Scrubber) }
	out := *r
	out.Schema = inert(r.Schema)
	if out.Schema == "" {
		out.Schema = finding.SchemaID
	}
	out.Version = inert(r.Version)
	out.Config = inert(r.Config)
	out.DurationMS = round3(r.DurationMS)
	if out.Status == "" {
		out.Status = overall(r.Chains)
	}
	out.Chains = make([]finding.ChainResult, len(r.Chains))
	for i, c := range r.Chains {
		out.Chains[i] = sanitizeChain(c, inert)
	}
	if r.Findings != nil {
		out.Findings = sanitizeFindings(r.Findings, inert)
	}
	return &out
}

func sanitizeChain(c finding.ChainResult, inert func(string) string) finding.ChainResult {
	c.Name = inert(c.Name)
	c.Model = inert(c.Model)
	c.FailingHop = inert(c.FailingHop)
	c.File = inert(c.File)
	c.FailingLink = sanitizeLink(c.FailingLink, inert)
	hops := make([]finding.HopResult, len(c.Hops))
	for i, h := range c.Hops {
		h.Name = inert(h.Name)
		h.Type = inert(h.Type)
		h.URL = inert(h.URL)
		h.File = inert(h.File)
		h.Timings = roundTimings(h.Timings)
		if h.Credential != nil {
			cr := *h.Credential
			cr.Env = inert(cr.Env)
			cr.Fingerprint = inert(cr.Fingerprint)
			h.Credential = &cr
		}
		h.Credits = sanitizeCredits(h.Credits, inert)
		hops[i] = h
	}
	c.Hops = hops
	links := make([]finding.LinkResult, len(c.Links))
	for i, l := range c.Links {
		l.From = inert(l.From)
		l.To = inert(l.To)
		links[i] = l
	}
	c.Links = links
	c.Findings = sanitizeFindings(c.Findings, inert)
	return c
}

// sanitizeFindings never returns nil.
func sanitizeFindings(fs []finding.Finding, inert func(string) string) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		f.Check = inert(f.Check)
		f.Chain = inert(f.Chain)
		f.Hop = inert(f.Hop)
		f.Link = sanitizeLink(f.Link, inert)
		f.Message = inert(f.Message)
		f.Fix = inert(f.Fix)
		f.File = inert(f.File)
		f.Timings = roundTimings(f.Timings)
		if f.Evidence != nil {
			e := *f.Evidence
			e.Method = inert(e.Method)
			e.URL = inert(e.URL)
			e.Excerpt = inert(e.Excerpt)
			e.Phase = inert(e.Phase)
			e.Redirect = inert(e.Redirect)
			f.Evidence = &e
		}
		out[i] = f
	}
	return out
}

// sanitizeCredits copies c with its strings inert and its numbers finite
// (JSON has no NaN or infinity; a number that is not finite is absent).
func sanitizeCredits(c *finding.Credits, inert func(string) string) *finding.Credits {
	if c == nil {
		return nil
	}
	out := *c
	out.Kind, out.Currency, out.Window = inert(c.Kind), inert(c.Currency), inert(c.Window)
	out.Reset, out.ResetsAt, out.Estimate = inert(c.Reset), inert(c.ResetsAt), inert(c.Estimate)
	num := func(p *float64) *float64 {
		if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
			return nil
		}
		v := *p
		return &v
	}
	out.Limit, out.Remaining, out.WindowUsage = num(c.Limit), num(c.Remaining), num(c.WindowUsage)
	out.RatePerDay, out.RunwayDays = num(c.RatePerDay), num(c.RunwayDays)
	return &out
}

func sanitizeLink(l *chain.Link, inert func(string) string) *chain.Link {
	if l == nil {
		return nil
	}
	return &chain.Link{From: inert(l.From), To: inert(l.To)}
}

func roundTimings(t *finding.Timings) *finding.Timings {
	if t == nil {
		return nil
	}
	r := func(p *float64) *float64 {
		if p == nil {
			return nil
		}
		v := round3(*p)
		return &v
	}
	return &finding.Timings{DNS: r(t.DNS), Connect: r(t.Connect), TLS: r(t.TLS), TTFB: r(t.TTFB), Total: r(t.Total)}
}

// round3 rounds milliseconds to microseconds so the JSON shows 12.9, not
// 12.900000000000002.
func round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}

// overall derives a run status from chain statuses: any fail → fail, else
// any warn → warn, else all pass → pass, else neutral.
func overall(chains []finding.ChainResult) finding.Status {
	if len(chains) == 0 {
		return finding.Neutral
	}
	pass := true
	warn := false
	for _, c := range chains {
		switch c.Status {
		case finding.Fail:
			return finding.Fail
		case finding.Warn:
			warn = true
		case finding.Pass:
		default:
			pass = false
		}
	}
	switch {
	case warn:
		return finding.Warn
	case pass:
		return finding.Pass
	}
	return finding.Neutral
}
