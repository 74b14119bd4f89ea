package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

const schemaPath = "../../docs/report-schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report-schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("report-schema.json") // also checks it against the 2020-12 meta-schema
	if err != nil {
		t.Fatalf("%s does not compile: %v", schemaPath, err)
	}
	return s
}

// rawSchema is the schema as plain JSON, for structural assertions.
type rawSchema struct {
	Properties map[string]rawProp `json:"properties"`
	Required   []string           `json:"required"`
	Defs       map[string]struct {
		Description string             `json:"description"`
		Enum        []string           `json:"enum"`
		Properties  map[string]rawProp `json:"properties"`
		Required    []string           `json:"required"`
	} `json:"$defs"`
}

type rawProp struct {
	Description string `json:"description"`
}

func loadRawSchema(t *testing.T) rawSchema {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s rawSchema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGoldenJSONMatchesSchema validates every golden JSON report.
func TestGoldenJSONMatchesSchema(t *testing.T) {
	s := compileSchema(t)
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) < len(fixtures) {
		t.Fatalf("golden JSON files: %v %v", files, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("%s does not match %s: %v", name, schemaPath, err)
		}
	}
}

// TestSchemaRejects: the schema is strict enough to catch the mistakes
// consumers would trip on.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	valid := string(jsonOut(t, failReport()))
	tests := []struct{ name, from, to string }{
		{"unknown cause", `"cause": "header-missing"`, `"cause": "header-gone"`},
		{"unknown status", `"status": "fail"`, `"status": "failed"`},
		{"null hops", `"hops": [`, `"hops": null, "x": [`},
		{"omitted failing_link", `"failing_link": null,`, ``},
		{"unknown timing field", `"ttfb"`, `"ttfb_ms"`},
		{"wrong schema id", `"hopcheck/report/v1"`, `"hopcheck/report/v2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(valid, tt.from, tt.to, 1)
			if bad == valid {
				t.Fatalf("fixture lacks %q", tt.from)
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
			if err != nil {
				t.Fatal(err)
			}
			if s.Validate(inst) == nil {
				t.Errorf("schema accepts a report with %s", tt.name)
			}
		})
	}
}

// TestSchemaCauseEnum: adding a cause code forces a schema update.
func TestSchemaCauseEnum(t *testing.T) {
	got := loadRawSchema(t).Defs["cause"].Enum
	var want []string
	for _, c := range finding.Causes() {
		want = append(want, string(c))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("schema cause enum\n %v\nwant finding.Causes() (sorted)\n %v", got, want)
	}
}

func TestSchemaStatusAndSeverityEnums(t *testing.T) {
	s := loadRawSchema(t)
	statuses := []finding.Status{finding.Pass, finding.Fail, finding.Warn, finding.Neutral, finding.Unverified, finding.Skipped, finding.Indeterminate}
	severities := []finding.Severity{finding.SevError, finding.SevWarning, finding.SevNotice, finding.SevInfo}
	var ws, wv []string
	for _, x := range statuses {
		ws = append(ws, string(x))
	}
	for _, x := range severities {
		wv = append(wv, string(x))
	}
	if got := s.Defs["status"].Enum; strings.Join(got, ",") != strings.Join(ws, ",") {
		t.Errorf("status enum %v, want %v", got, ws)
	}
	if got := s.Defs["severity"].Enum; strings.Join(got, ",") != strings.Join(wv, ",") {
		t.Errorf("severity enum %v, want %v", got, wv)
	}
}

// TestSchemaCoversStructs: every JSON field of the report types is
// documented in the schema and nothing else is, so a field added to
// finding/ or chain/ fails here until the schema documents it.
func TestSchemaCoversStructs(t *testing.T) {
	s := loadRawSchema(t)
	types := map[string]reflect.Type{
		"":            reflect.TypeOf(finding.Report{}),
		"chain":       reflect.TypeOf(finding.ChainResult{}),
		"hop":         reflect.TypeOf(finding.HopResult{}),
		"link_result": reflect.TypeOf(finding.LinkResult{}),
		"finding":     reflect.TypeOf(finding.Finding{}),
		"timings":     reflect.TypeOf(finding.Timings{}),
		"evidence":    reflect.TypeOf(finding.Evidence{}),
		"credential":  reflect.TypeOf(finding.Credential{}),
		"credits":     reflect.TypeOf(finding.Credits{}),
		"link":        reflect.TypeOf(chain.Link{}),
	}
	for def, typ := range types {
		props := s.Properties
		required := s.Required
		if def != "" {
			props = s.Defs[def].Properties
			required = s.Defs[def].Required
		}
		var got []string
		for k, p := range props {
			got = append(got, k)
			if strings.TrimSpace(p.Description) == "" {
				t.Errorf("schema %q.%s has no description", def, k)
			}
		}
		sort.Strings(got)
		want := jsonFields(typ)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("schema %q properties %v, want the JSON fields of %v: %v", def, got, typ, want)
		}
		// Fields without omitempty are always written, so they must be
		// required (and the others must not be).
		var always []string
		for i := 0; i < typ.NumField(); i++ {
			tag := typ.Field(i).Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name != "-" && !strings.Contains(opts, "omitempty") {
				always = append(always, name)
			}
		}
		sort.Strings(always)
		req := append([]string(nil), required...)
		sort.Strings(req)
		if strings.Join(req, ",") != strings.Join(always, ",") {
			t.Errorf("schema %q required %v, want the always-written fields %v", def, req, always)
		}
	}
	for name, d := range s.Defs {
		if strings.TrimSpace(d.Description) == "" {
			t.Errorf("schema $defs.%s has no description", name)
		}
	}
}

// TestSchemaCreditsEnums: the credits object's enums are the values the
// checks write, so a new estimate or window forces a schema update.
func TestSchemaCreditsEnums(t *testing.T) {
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs struct {
			Credits struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"credits"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"estimate": finding.Estimates(),
		"window":   {finding.WindowDaily, finding.WindowWeekly, finding.WindowMonthly},
		"kind":     {finding.KindKey, finding.KindAccount},
	}
	for prop, w := range want {
		if got := s.Defs.Credits.Properties[prop].Enum; strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("credits.%s enum %v, want %v", prop, got, w)
		}
	}
	// The schema rejects what a consumer would trip on.
	sch := compileSchema(t)
	valid := string(jsonOut(t, runwayReport()))
	for _, tt := range []struct{ name, from, to string }{
		{"unknown estimate", `"estimate": "runway"`, `"estimate": "soon"`},
		{"runway as text", `"runway_days": 4.5`, `"runway_days": "4.5 days"`},
		{"negative rate", `"rate_per_day": 2`, `"rate_per_day": -2`},
		{"omitted runway", `"runway_days": 4.5,`, ``},
	} {
		bad := strings.Replace(valid, tt.from, tt.to, 1)
		if bad == valid {
			t.Fatalf("%s: fixture lacks %q", tt.name, tt.from)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepts credits with %s", tt.name)
		}
	}
}
