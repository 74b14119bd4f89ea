package finding

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// Severity orders findings; reporters and --fail-on use it.
type Severity string

const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevNotice  Severity = "notice"
	SevInfo    Severity = "info"
)

// Rank gives severities a total order (higher is worse).
func (s Severity) Rank() int {
	switch s {
	case SevError:
		return 3
	case SevWarning:
		return 2
	case SevNotice:
		return 1
	}
	return 0
}

// Status is a verdict for a hop, a link, a chain or the whole run.
type Status string

const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Warn          Status = "warn"
	Neutral       Status = "neutral"
	Skipped       Status = "skipped" // not checked because an earlier hop failed or the run is neutral
	Indeterminate Status = "unknown" // checked, indeterminate
	// Unverified: hopcheck could not verify it (a provider it cannot sign
	// requests for, an auth-only canary that stops before it, a static-only
	// run). Never a pass; --fail-on decides whether it fails the run.
	Unverified Status = "unverified"
)

// Timings are per-request phases in milliseconds. Phases that were not
// reached are nil (absent in JSON), never 0.
type Timings struct {
	DNS     *float64 `json:"dns,omitempty"`
	Connect *float64 `json:"connect,omitempty"`
	TLS     *float64 `json:"tls,omitempty"`
	TTFB    *float64 `json:"ttfb,omitempty"`
	Total   *float64 `json:"total,omitempty"`
}

// Evidence is what a live check saw, already scrubbed of secrets.
type Evidence struct {
	Method   string `json:"method,omitempty"`
	URL      string `json:"url,omitempty"`
	Status   int    `json:"status,omitempty"`
	Excerpt  string `json:"excerpt,omitempty"`  // short scrubbed body excerpt
	Phase    string `json:"phase,omitempty"`    // network phase of a failure: dns, connect, tls, ttfb, body
	Redirect string `json:"redirect,omitempty"` // Location of a refused redirect
}

// Finding is one result of one check. It never contains a secret: messages
// are built from fingerprints and scrubbed text.
type Finding struct {
	Check    string      `json:"check"`
	Chain    string      `json:"-"`
	Hop      string      `json:"hop,omitempty"`
	Link     *chain.Link `json:"link,omitempty"`
	Cause    Cause       `json:"cause"`
	Severity Severity    `json:"severity"`
	Message  string      `json:"message"`
	Fix      string      `json:"fix,omitempty"`
	File     string      `json:"file,omitempty"`
	Line     int         `json:"line,omitempty"`
	Col      int         `json:"col,omitempty"`
	Timings  *Timings    `json:"timings_ms,omitempty"`
	Evidence *Evidence   `json:"evidence,omitempty"`
	// Root marks the finding that explains the chain's failing link; root
	// causes are reported first.
	Root bool `json:"root,omitempty"`
}

// At sets the finding's source position.
func (f *Finding) At(p chain.Pos) *Finding {
	f.File, f.Line, f.Col = p.File, p.Line, p.Col
	return f
}

// Credential describes a credential without revealing it.
type Credential struct {
	Env         string `json:"env"`
	Fingerprint string `json:"fingerprint"` // e.g. sk-or-v1-ab…f3; empty when unset
	Set         bool   `json:"set"`
}

// HopResult is the verdict for one hop.
type HopResult struct {
	Name       string      `json:"name"`
	Type       string      `json:"type"`
	URL        string      `json:"url,omitempty"`
	Status     Status      `json:"status"`
	Cause      Cause       `json:"cause"`
	Timings    *Timings    `json:"timings_ms,omitempty"`
	Credential *Credential `json:"credential,omitempty"`
	// Credits is what the hop's key check said about the credit behind
	// the key and its runway; nil when it said nothing about credit.
	Credits *Credits `json:"credits,omitempty"`
	File    string   `json:"file,omitempty"`
	Line    int      `json:"line,omitempty"`
	Col     int      `json:"col,omitempty"`
}

// LinkResult is the verdict for one link.
type LinkResult struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Status Status `json:"status"`
	Cause  Cause  `json:"cause"`
}

// ChainResult is the verdict for one chain.
type ChainResult struct {
	Name        string       `json:"name"`
	Model       string       `json:"model,omitempty"`
	Status      Status       `json:"status"`
	Cause       Cause        `json:"cause"`
	FailingHop  string       `json:"failing_hop,omitempty"`
	FailingLink *chain.Link  `json:"failing_link"`
	Hops        []HopResult  `json:"hops"`
	Links       []LinkResult `json:"links"`
	Findings    []Finding    `json:"findings"`
	File        string       `json:"file,omitempty"`
	Line        int          `json:"line,omitempty"`
}

// Report is the whole run. Its JSON form is documented in
// docs/report-schema.json and is stable.
type Report struct {
	Schema     string        `json:"schema"`
	Version    string        `json:"version,omitempty"`
	Status     Status        `json:"status"`
	Config     string        `json:"config,omitempty"`
	DurationMS float64       `json:"duration_ms"`
	Chains     []ChainResult `json:"chains"`
	// Findings not tied to one chain (config-level, fork detection, …).
	Findings []Finding `json:"findings,omitempty"`
	// Scrubber knows the credentials the run read (checks.Run sets it).
	// Every reporter scrubs what it renders with it, after its own
	// normalisation; nil redacts credential shapes only. Not part of the
	// JSON form.
	Scrubber *secret.Scrubber `json:"-"`
}

// SchemaID is the report schema identifier.
const SchemaID = "hopcheck/report/v1"

// All returns every finding of the report, run-level first.
func (r *Report) All() []Finding {
	out := append([]Finding(nil), r.Findings...)
	for _, c := range r.Chains {
		out = append(out, c.Findings...)
	}
	return out
}

// Worst returns the highest severity among all findings ("" when none).
func (r *Report) Worst() Severity {
	var w Severity
	for _, f := range r.All() {
		if f.Severity.Rank() > w.Rank() {
			w = f.Severity
		}
	}
	return w
}

// Locate is where a finding points, the one rule every reporter uses: its
// own position, else the definition of its hop, else its chain's, else the
// configuration file (a zero position when there is none). c is the chain
// the finding belongs to (nil for a run-level finding).
func Locate(f Finding, c *ChainResult, config string) chain.Pos {
	if f.File != "" {
		return chain.Pos{File: f.File, Line: f.Line, Col: f.Col}
	}
	if c != nil {
		for _, h := range c.Hops {
			if f.Hop != "" && h.Name == f.Hop && h.File != "" {
				return chain.Pos{File: h.File, Line: h.Line, Col: h.Col}
			}
		}
		if c.File != "" {
			return chain.Pos{File: c.File, Line: c.Line}
		}
	}
	return chain.Pos{File: config}
}
