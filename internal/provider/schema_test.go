package provider

import (
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the hop-type enum of the JSON Schemas")

// The hopcheck.yml JSON Schema (for editors) lists exactly the registry's hop types and aliases, so adding a
// provider file is enough to make its type valid everywhere.
func TestSchemaListsEveryHopType(t *testing.T) {
	var want []string
	for _, s := range All() {
		want = append(want, string(s.Type))
	}
	for _, s := range All() {
		want = append(want, s.Aliases...)
	}
	b, _ := json.Marshal(want)
	enum := `"enum": ` + string(b)
	re := regexp.MustCompile(`(?m)("type": \{\n\s+"description": "The kind of service[^\n]*\n\s+"type": "string",\n\s+)"enum": \[[^\]]*\]`)
	for _, path := range []string{"../../docs/hopcheck.schema.json"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s: no hop type enum found", path)
		}
		if *update {
			data = re.ReplaceAll(data, []byte("${1}"+enum))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got := string(re.Find(data)[len(m[1]):]); got != enum {
			t.Errorf("%s: hop type %s, want %s (run go test ./internal/provider -run TestSchema -update)", path, got, enum)
		}
	}
}
