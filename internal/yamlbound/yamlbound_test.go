package yamlbound

import (
	"fmt"
	"strings"
	"testing"
)

func TestTokenizeYAMLBounds(t *testing.T) {
	keys := func(n int) string {
		var b strings.Builder
		b.WriteString("top:\n")
		for i := range n {
			fmt.Fprintf(&b, "  k%d: v\n", i)
		}
		return b.String()
	}
	anchors := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "- &a%d x\n", i)
		}
		return b.String()
	}
	bigScalar := "a: |\n" + strings.Repeat("  text\n", 50000)
	cases := []struct {
		name      string
		src       string
		line, col int    // where the refusal points; 0: accepted
		msg       string // part of the message
	}{
		{"flow at the depth limit", strings.Repeat("[", 64) + strings.Repeat("]", 64), 0, 0, ""},
		// The mapping model_list opens is a level too.
		{"flow past the depth limit", "model_list: " + strings.Repeat("[", 65) + strings.Repeat("]", 65), 1, 13 + 63, "nested deeper than 64 levels"},
		{"open flow bomb", "model_list: " + strings.Repeat("[", 64<<10), 1, 13 + 63, "nested deeper than 64 levels"},
		{"mixed flow", strings.Repeat("{a: [", 33), 1, 1 + 5*32, "nested deeper than 64 levels"},
		{"block past the depth limit", strings.Repeat("- ", 65) + "x", 1, 129, "nested deeper than 64 levels"},
		{"indented past the depth limit", func() string {
			var b strings.Builder
			for i := range 70 {
				b.WriteString(strings.Repeat(" ", i) + "k:\n")
			}
			return b.String()
		}(), 65, 65, "nested deeper than 64 levels"},
		{"keys at the limit", keys(400), 0, 0, ""},
		{"keys past the limit", keys(401), 402, 3, "more than 400 keys"},
		{"many small mappings", strings.Repeat("- a: b\n  c: d\n", 2000), 0, 0, ""},
		{"anchors past the limit", anchors(1001), 1001, 3, "more than 1000 YAML anchors and aliases"},
		{"too many tokens", strings.Repeat("a,", 600<<10), 1, 200000, "more than 50000 YAML tokens"},
		{"tokens after lexing", strings.Repeat("- a\n", 50001), 25001, 1, "more than 50000 YAML tokens"},
		{"a run of '<'", "a: " + strings.Repeat("<", 65), 1, 4 + 64, "more than 64 '<' in a row"},
		{"a short run of '<'", "a: <<<<<<< HEAD\n", 0, 0, ""},
		{"empty lines after a big block scalar", bigScalar + strings.Repeat("\n", 20) + "b: c\n", 50015, 1, "too many empty lines"},
		{"a few empty lines", bigScalar + "\n\n\nb: c\n", 0, 0, ""},
		{"a huge block scalar", "a:\n  b: >-\n" + strings.Repeat("    text text text\n", 32<<10) + "c: d\n", 4 + (512<<10)/19, 19, "block scalars (| or >) hold more than 512 KiB"},
		{"a block scalar header in a comment", "# a >\n" + strings.Repeat("- text text text\n", 24000), 0, 0, ""},
		{"a long quoted comment", "a: b # " + strings.Repeat("x, ", 1000) + "\n", 0, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Tokenize([]byte(c.src), DefaultLimits)
			if c.line == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Line != c.line || err.Col != c.col || !strings.Contains(err.Msg, c.msg) || err.Fix == "" {
				t.Errorf("refusal %v (fix %q), want %d:%d: …%s…", err, err.Fix, c.line, c.col, c.msg)
			}
		})
	}
}
