package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

func jsonOut(t *testing.T, r *finding.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestJSONShape checks the parts of the documented shape that consumers
// rely on: null failing_link, [] for empty lists, one trailing newline.
func TestJSONShape(t *testing.T) {
	out := jsonOut(t, failReport())
	if !bytes.HasSuffix(out, []byte("}\n")) || bytes.HasSuffix(out, []byte("\n\n")) {
		t.Errorf("want exactly one trailing newline")
	}
	var doc struct {
		Schema string `json:"schema"`
		Status string `json:"status"`
		Chains []map[string]json.RawMessage
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != finding.SchemaID || doc.Status != "fail" {
		t.Errorf("schema/status = %q/%q", doc.Schema, doc.Status)
	}
	var fl *chain.Link
	if err := json.Unmarshal(doc.Chains[0]["failing_link"], &fl); err != nil || fl == nil || *fl != (chain.Link{From: "litellm", To: "openrouter"}) {
		t.Errorf("failing chain failing_link = %s (%v)", doc.Chains[0]["failing_link"], err)
	}
	pass := doc.Chains[1]
	if got, ok := pass["failing_link"]; !ok || string(got) != "null" {
		t.Errorf("passing chain failing_link = %q (present %v), want null", got, ok)
	}
	if got := string(pass["findings"]); got != "[]" {
		t.Errorf("nil findings encoded as %s, want []", got)
	}

	// An empty chain and an empty report: every list is [], never null.
	empty := jsonOut(t, &finding.Report{Chains: []finding.ChainResult{{Name: "x", Status: finding.Skipped, Cause: finding.OK}}})
	for _, want := range []string{`"hops": []`, `"links": []`, `"findings": []`, `"failing_link": null`, `"schema": "hopcheck/report/v1"`, `"status": "neutral"`} {
		if !bytes.Contains(empty, []byte(want)) {
			t.Errorf("empty chain JSON lacks %s:\n%s", want, empty)
		}
	}
	if out := jsonOut(t, &finding.Report{}); !bytes.Contains(out, []byte(`"chains": []`)) {
		t.Errorf("empty report: chains not []:\n%s", out)
	}
}

// TestJSONFieldOrder: keys come out in struct order, the stable order the
// schema documents.
func TestJSONFieldOrder(t *testing.T) {
	out := jsonOut(t, failReport())
	dec := json.NewDecoder(bytes.NewReader(out))
	var top []string
	depth := 0
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
				expectKey = v == '{'
			} else {
				depth--
			}
			continue
		case string:
			if depth == 1 && expectKey {
				top = append(top, v)
			}
		}
		if depth == 1 {
			expectKey = !expectKey
		}
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(out, &present); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range jsonFields(reflect.TypeOf(finding.Report{})) {
		if _, ok := present[f]; ok {
			want = append(want, f)
		}
	}
	if len(want) < 5 {
		t.Fatalf("too few top-level keys: %v", want)
	}
	if strings.Join(top, ",") != strings.Join(want, ",") {
		t.Errorf("top-level keys %v, want struct order %v", top, want)
	}
}

// TestJSONRoundTrip: the JSON decodes back into a finding.Report equal to
// the sanitized input, so nothing is lost but what Inert removes.
func TestJSONRoundTrip(t *testing.T) {
	in := passReport()
	var back finding.Report
	if err := json.Unmarshal(jsonOut(t, in), &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sanitize(in), &back); d != "" {
		t.Errorf("round trip lost data (-sent +decoded):\n%s", d)
	}
	if back.Chains[0].Hops[1].Credential.Fingerprint != "sk-or-v1-0e…96" || *back.Chains[0].Hops[0].Timings.Total != 12.9 {
		t.Errorf("round trip: %+v", back.Chains[0].Hops)
	}
}

func TestJSONErrors(t *testing.T) {
	if err := JSON(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil report: no error")
	}
	if err := JSON(failWriter{}, passReport()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("writer error not returned: %v", err)
	}
}

// jsonFields lists the JSON names of t's encoded fields, in order.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}
