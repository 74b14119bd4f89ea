package report

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hopcheck/hopcheck/internal/finding"
)

const sarifSchemaPath = "testdata/sarif-schema/sarif-schema-2.1.0.subset.json"

func TestSARIFGolden(t *testing.T) {
	goldenCompare(t, "sarif", ".sarif", SARIF)
}

// compileSARIFSchema compiles the vendored SARIF 2.1.0 schema subset (see
// testdata/sarif-schema/NOTICE.md) with format assertions on, so uri and
// uri-reference values are checked too.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatalf("%s does not compile: %v", sarifSchemaPath, err)
	}
	return s
}

func validateSARIF(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return s.Validate(v)
}

func TestSARIFGoldenFilesValidate(t *testing.T) {
	s := compileSARIFSchema(t)
	for _, path := range goldenFiles(t, "sarif-*.sarif") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateSARIF(t, s, data); err != nil {
			t.Errorf("%s does not match the SARIF 2.1.0 schema: %v", path, err)
		}
	}
}

// TestSARIFSchemaRejects proves the schema check can fail.
func TestSARIFSchemaRejects(t *testing.T) {
	s := compileSARIFSchema(t)
	var b bytes.Buffer
	if err := SARIF(&b, failReport()); err != nil {
		t.Fatal(err)
	}
	good := b.String()
	for name, edit := range map[string][2]string{
		"wrong version":      {`"version": "2.1.0"`, `"version": "2.0.0"`},
		"unknown level":      {`"level": "error"`, `"level": "fatal"`},
		"result without msg": {`"message": {`, `"msg": {`},
		"line zero":          {`"startLine": 6`, `"startLine": 0`},
		"unknown property":   {`"ruleId":`, `"rule_id": "x", "ruleId":`},
		"bad informationUri": {`"informationUri": "https://github.com/hopcheck/hopcheck"`, `"informationUri": "not a uri"`},
	} {
		bad := strings.Replace(good, edit[0], edit[1], 1)
		if bad == good {
			t.Fatalf("%s: edit did not apply", name)
		}
		if err := validateSARIF(t, s, []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID  string `json:"ruleId"`
			Level   string `json:"level"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          map[string]string `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func sarifOf(t *testing.T, r *finding.Report) sarifDoc {
	t.Helper()
	var b bytes.Buffer
	if err := SARIF(&b, r); err != nil {
		t.Fatal(err)
	}
	var d sarifDoc
	if err := json.Unmarshal(b.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSARIFMapping(t *testing.T) {
	d := sarifOf(t, failReport())
	if d.Version != "2.1.0" || len(d.Runs) != 1 {
		t.Fatalf("log: %+v", d)
	}
	run := d.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "hopcheck" || drv.Version != "v0.0.0-test" || len(drv.Rules) != len(finding.Causes()) {
		t.Errorf("driver %s %s with %d rules", drv.Name, drv.Version, len(drv.Rules))
	}
	for _, rule := range drv.Rules {
		info, ok := finding.Explain(finding.Cause(rule.ID))
		if !ok || rule.ShortDescription.Text != info.Meaning || rule.Help.Text != info.Fix {
			t.Errorf("rule %s does not come from finding.Explain", rule.ID)
		}
	}
	// fail has three findings: info (dropped), warning, error.
	if len(run.Results) != 2 {
		t.Fatalf("results: %+v", run.Results)
	}
	var root = run.Results[1]
	if root.RuleID != "header-missing" || root.Level != "error" || len(root.Locations) != 1 {
		t.Fatalf("root result: %+v", root)
	}
	loc := root.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "litellm/config.yaml" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region == nil || loc.Region.StartLine != 6 || loc.Region.StartColumn != 17 {
		t.Errorf("location: %+v", loc)
	}
	if !strings.Contains(root.Message.Text, "(link litellm → openrouter)") || !strings.Contains(root.Message.Text, "Fix: Set OPENROUTER_API_KEY") {
		t.Errorf("message: %s", root.Message.Text)
	}
	if root.Properties["chain"] != "review-bot" || root.Properties["link"] != "litellm → openrouter" || root.PartialFingerprints["hopcheck/v1"] == "" {
		t.Errorf("properties %v fingerprints %v", root.Properties, root.PartialFingerprints)
	}
	// A finding without a position points at its hop's definition.
	warn := run.Results[0]
	if warn.Level != "warning" || warn.Locations[0].PhysicalLocation.ArtifactLocation.URI != ".github/hopcheck.yml" || warn.Locations[0].PhysicalLocation.Region.StartLine != 10 {
		t.Errorf("unpositioned finding: %+v", warn)
	}

	// The fingerprint ignores the line and the wording.
	moved := failReport()
	f := &moved.Chains[0].Findings[2]
	f.Line, f.Message = 60, "reworded"
	if got := sarifOf(t, moved).Runs[0].Results[1].PartialFingerprints["hopcheck/v1"]; got != root.PartialFingerprints["hopcheck/v1"] {
		t.Error("fingerprint changed with the line")
	}
	other := failReport()
	other.Chains[0].Findings[2].Cause = finding.CredentialRejected
	if got := sarifOf(t, other).Runs[0].Results[1].PartialFingerprints["hopcheck/v1"]; got == root.PartialFingerprints["hopcheck/v1"] {
		t.Error("fingerprint ignores the cause")
	}

	// Levels and locations of run-level findings.
	dd := sarifOf(t, discoveredReport()).Runs[0]
	levels := map[string]string{}
	for _, r := range dd.Results {
		levels[r.RuleID] = r.Level
	}
	if levels["secret-in-config"] != "error" || levels["proxy-open"] != "warning" || levels["config-invalid"] != "note" || levels["unknown"] != "error" {
		t.Errorf("levels: %v", levels)
	}
	for _, r := range dd.Results {
		if len(r.Locations) == 0 {
			t.Errorf("result without location (code scanning rejects it): %+v", r)
		} else if r.RuleID == "config-invalid" && r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "deploy/config.yaml" {
			t.Errorf("a run-level finding without a position points at the config file: %+v", r.Locations)
		}
	}
}

func TestSARIFArtifactURIs(t *testing.T) {
	for in, want := range map[string]sarifArtifact{
		"./deploy/litellm.yaml": {URI: "deploy/litellm.yaml", URIBaseID: "%SRCROOT%"},
		"dir with space/c.yaml": {URI: "dir%20with%20space/c.yaml", URIBaseID: "%SRCROOT%"},
		"/abs/repo/config.yaml": {URI: "file:///abs/repo/config.yaml"},
		".github/hopcheck.yml":  {URI: ".github/hopcheck.yml", URIBaseID: "%SRCROOT%"},
		"a/../b/openclaw.json":  {URI: "b/openclaw.json", URIBaseID: "%SRCROOT%"},
	} {
		if got := artifact(in); got != want {
			t.Errorf("artifact(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestSARIFHostileIsInert(t *testing.T) {
	s := compileSARIFSchema(t)
	var b bytes.Buffer
	if err := SARIF(&b, hostileReport()); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`\u001b`, `\u0000`, `\u0007`, "\u202e", "##["} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("SARIF output contains %q", bad)
		}
	}
	if err := validateSARIF(t, s, b.Bytes()); err != nil {
		t.Error(err)
	}
}

func TestSARIFErrors(t *testing.T) {
	if err := SARIF(io.Discard, nil); err == nil {
		t.Error("nil report: no error")
	}
	if err := SARIF(failWriter{}, passReport()); err == nil {
		t.Error("write error not returned")
	}
}
