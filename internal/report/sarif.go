package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// SARIF constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// sarifInfoURI is where the rules are documented.
	sarifInfoURI = "https://github.com/hopcheck/hopcheck"
	// sarifSrcRoot is the uriBaseId of repository-relative paths.
	sarifSrcRoot = "%SRCROOT%"
	// sarifFingerprint is the partialFingerprints key hopcheck fills.
	sarifFingerprint = "hopcheck/v1"
)

// SARIF writes the report as a SARIF 2.1.0 log for code scanning (GitHub
// code scanning, GitLab, Azure DevOps):
//
//   - one run; tool.driver is hopcheck with the report's version and one
//     rule per cause code (id = the code, descriptions and help from
//     finding.Explain), in the stable order of finding.Causes;
//   - one result per finding of severity notice or worse (info findings
//     and passing checks are not alerts): ruleId = cause, level from the
//     severity (error → error, warning → warning, notice → note), message =
//     the finding's message, link and fix;
//   - the location is the finding's file:line:col, relative to the
//     repository (uriBaseId %SRCROOT%; an absolute path becomes a file://
//     URI). A finding without a position points at its hop's definition,
//     else its chain's, else the configuration file, because code scanning
//     rejects results without a location; a report with no file at all
//     gives results without locations;
//   - partialFingerprints["hopcheck/v1"] identifies the finding by cause,
//     check, chain, link, hop and file — not by line or message — so an
//     alert survives edits elsewhere in the file and a reworded message;
//   - properties carry chain, hop, link and check.
//
// Output is deterministic (no timestamps) and all text has passed through
// Inert.
func SARIF(w io.Writer, r *finding.Report) error {
	if r == nil {
		return errNilReport
	}
	s := sanitize(r)
	driver := sarifDriver{Name: "hopcheck", Version: s.Version, InformationURI: sarifInfoURI}
	for _, c := range finding.Causes() {
		info, _ := finding.Explain(c)
		driver.Rules = append(driver.Rules, sarifRule{
			ID:               string(c),
			Name:             ruleName(c),
			ShortDescription: sarifText{Text: info.Meaning},
			FullDescription:  sarifText{Text: info.Meaning + " Typical causes: " + info.Typical},
			Help:             sarifText{Text: info.Fix},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, f := range s.Findings {
		if res, ok := sarifResultOf(f, nil, s.Config); ok {
			run.Results = append(run.Results, res)
		}
	}
	for i := range s.Chains {
		c := &s.Chains[i]
		for _, f := range c.Findings {
			if res, ok := sarifResultOf(f, c, s.Config); ok {
				run.Results = append(run.Results, res)
			}
		}
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("report: encode sarif: %w", err)
	}
	if _, err := w.Write(final(buf.Bytes(), r.Scrubber)); err != nil {
		return fmt.Errorf("report: write sarif: %w", err)
	}
	return nil
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	ShortDescription sarifText `json:"shortDescription"`
	FullDescription  sarifText `json:"fullDescription"`
	Help             sarifText `json:"help"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// ruleName turns a cause code into the PascalCase name SARIF viewers show
// (credential-missing → CredentialMissing).
func ruleName(c finding.Cause) string {
	var b strings.Builder
	for _, part := range strings.Split(string(c), "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func sarifLevel(s finding.Severity) (string, bool) {
	switch s {
	case finding.SevError:
		return "error", true
	case finding.SevWarning:
		return "warning", true
	case finding.SevNotice:
		return "note", true
	}
	return "", false
}

// sarifResultOf converts one finding; ok is false for findings that are
// not alerts (info).
func sarifResultOf(f finding.Finding, c *finding.ChainResult, config string) (sarifResult, bool) {
	level, ok := sarifLevel(f.Severity)
	if !ok {
		return sarifResult{}, false
	}
	msg := f.Message
	if msg == "" {
		info, _ := finding.Explain(f.Cause)
		msg = info.Meaning
	}
	if f.Link != nil {
		msg += " (link " + f.Link.String() + ")"
	}
	if f.Fix != "" {
		msg += " Fix: " + f.Fix
	}
	res := sarifResult{RuleID: string(f.Cause), Level: level, Message: sarifText{Text: msg}, Properties: map[string]string{}}
	p := finding.Locate(f, c, config)
	if p.File != "" {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(p.File)}}
		if p.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: p.Line, StartColumn: p.Col}
		}
		res.Locations = []sarifLocation{loc}
	}
	chainName := f.Chain
	if c != nil {
		chainName = c.Name
	}
	link := ""
	if f.Link != nil {
		link = f.Link.String()
	}
	for k, v := range map[string]string{"chain": chainName, "hop": f.Hop, "link": link, "check": f.Check} {
		if v != "" {
			res.Properties[k] = v
		}
	}
	if len(res.Properties) == 0 {
		res.Properties = nil
	}
	h := sha256.Sum256([]byte(strings.Join([]string{string(f.Cause), f.Check, chainName, link, f.Hop, p.File}, "\x00")))
	res.PartialFingerprints = map[string]string{sarifFingerprint: hex.EncodeToString(h[:16])}
	return res, true
}

// artifact turns a file path into a SARIF artifact location: relative
// paths (the normal case: positions are relative to the repository) are
// cleaned, slash-separated and percent-encoded under %SRCROOT%; absolute
// paths become file:// URIs.
func artifact(p string) sarifArtifact {
	slash := filepath.ToSlash(p)
	if filepath.IsAbs(p) || strings.HasPrefix(slash, "/") {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: slash}).String()}
	}
	clean := strings.TrimPrefix(path.Clean(slash), "./")
	return sarifArtifact{URI: (&url.URL{Path: clean}).String(), URIBaseID: sarifSrcRoot}
}
