package hopcheckyml_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
	"github.com/hopcheck/hopcheck/internal/source/openclaw"
)

// Budget every input of at most 1 MiB must be parsed or refused within, by
// every reader of repository files.
const (
	budgetTime  = time.Second
	budgetBytes = 100 << 20
)

// fill repeats unit between head and tail up to 1 MiB in all.
func fill(head, unit, tail string) string {
	n := (chain.MaxConfigSize - len(head) - len(tail)) / len(unit)
	return head + strings.Repeat(unit, n) + tail
}

// upTo repeats unit n times between head and tail, or as often as fits
// in 1 MiB.
func upTo(head, unit, tail string, n int) string {
	n = min(n, (chain.MaxConfigSize-len(head)-len(tail))/len(unit))
	return head + strings.Repeat(unit, n) + tail
}

func numbered(head, format, tail string, n int) string {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < n && b.Len() < chain.MaxConfigSize-len(tail)-64; i++ {
		fmt.Fprintf(&b, format, i)
	}
	b.WriteString(tail)
	return b.String()
}

func indented(unit string) string {
	var b strings.Builder
	for i := 0; b.Len()+i+len(unit)+1 < chain.MaxConfigSize; i++ {
		b.WriteString(strings.Repeat(" ", i) + unit + "\n")
	}
	return b.String()
}

// adversarialYAML are inputs of at most 1 MiB shaped after what
// goccy/go-yaml handles worst (see yamlbound.go), each once at full size
// and, where the caps would refuse that, once just within the caps.
func adversarialYAML() map[string]string {
	nest := strings.Repeat("[", 60) + strings.Repeat("]", 60)
	return map[string]string{
		"flow-open":             fill("model_list: ", "[", ""),
		"flow-closed":           upTo("", "[", "", 512<<10) + upTo("", "]", "", 512<<10),
		"flow-map-open":         fill("model_list: ", "{a: ", ""),
		"flow-nests-in-caps":    upTo("model_list:\n", "- "+nest+"\n", "", 380),
		"block-dashes":          fill("", "- ", "x\n"),
		"block-dashes-in-caps":  upTo("", "- "+strings.Repeat("- ", 60)+"x\n", "", 700),
		"block-indent":          indented("k:"),
		"many-keys":             numbered("", "k%d: v\n", "", 1<<20),
		"keys-in-caps":          numbered("", "m%d:\n"+numbered("", "  k%d: v\n", "", 399), "", 41),
		"many-sequence-maps":    numbered("model_list:\n", "  - model_name: m%d\n    litellm_params: {model: openai/x}\n", "", 1<<20),
		"many-aliases":          fill("a: &x {model: openai/x}\nb: [", "*x, ", "*x]\n"),
		"aliases-in-caps":       upTo("a: &x {model: openai/x}\nb: [", "*x, ", "*x]\n", 998),
		"merge-bomb":            mergeBomb(9),
		"many-anchors-one-name": numbered("", "a%d: &x v\n", "", 900) + upTo("b: [", "*x, ", "*x]\n", 98),
		"long-plain-scalar":     fill("a: ", "x", "\n"),
		"long-quoted-scalar":    fill("a: \"", "x", "\"\n"),
		"long-block-scalar":     fill("a: |\n", "  text text text\n", "b: c\n"),
		"blank-lines-in-block":  fill("a: |\n"+strings.Repeat("  x\n", 32<<10), "\n", "b: c\n"),
		"lt-run":                fill("a: ", "<", "\n"),
		"lt-runs-in-caps":       fill("a: ", strings.Repeat("<", 64)+" ", "\n"),
		"documents":             fill("", "---\n", ""),
		"comments":              fill("", "# a, b: [c] - d {e}\n", ""),
		"flow-items":            fill("a: [", "b, ", "b]\n"),
		"flow-items-in-caps":    upTo("a: [", "b, ", "b]\n", 24000),
		"tags":                  fill("", "!t ", "x\n"),
		"directives":            fill("", "%A b c d e f g h\n", "---\n"),
	}
}

func mergeBomb(levels int) string {
	var b strings.Builder
	b.WriteString("x0: &x0 {model: openrouter/openai/gpt-4o-mini, api_key: os.environ/OPENROUTER_API_KEY}\n")
	for l := 1; l <= levels; l++ {
		refs := make([]string, 10)
		for i := range refs {
			refs[i] = fmt.Sprintf("*x%d", l-1)
		}
		fmt.Fprintf(&b, "x%d: &x%d {<<: [%s]}\n", l, l, strings.Join(refs, ", "))
	}
	fmt.Fprintf(&b, "model_list:\n  - model_name: m\n    litellm_params: *x%d\n", levels)
	return b.String()
}

func adversarialJSON5() map[string]string {
	return map[string]string{
		"array-open":      fill("{a: ", "[", ""),
		"object-open":     fill("", "{a: ", ""),
		"nests-in-caps":   upTo("[", strings.Repeat("[", 120)+strings.Repeat("]", 120)+",", "0]", 800),
		"many-values":     fill("[", "0,", "0]"),
		"values-in-caps":  upTo("[", "0,", "0]", 99990),
		"many-members":    numbered("{", "k%d: 0,", "}", 1<<20),
		"long-string":     fill("{a: \"", "x", "\"}"),
		"escapes":         fill("{a: \"", `\u00e9`, "\"}"),
		"comments":        fill("{", "/* c */ // d\n", "}"),
		"line-continuing": fill("{a: '", "\\\n", "'}"),
	}
}

// measure runs parse b.N times and reports the time and bytes allocated
// per input, failing the benchmark when either passes its budget.
func measure(b *testing.B, size int, parse func() error) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	var err error
	for i := 0; i < b.N; i++ {
		err = parse()
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	perOp := elapsed / time.Duration(b.N)
	bytesPerOp := (after.TotalAlloc - before.TotalAlloc) / uint64(b.N)
	outcome := "parsed"
	if err != nil {
		outcome = "refused: " + firstLine(err.Error())
	}
	b.ReportMetric(float64(bytesPerOp)/(1<<20), "MiB/op")
	b.Logf("%7d bytes  %8.1f ms  %6.1f MiB  %s", size, float64(perOp)/1e6, float64(bytesPerOp)/(1<<20), outcome)
	if perOp > budgetTime || bytesPerOp > budgetBytes {
		b.Errorf("%d bytes took %s and %d MiB; the budget is %s and %d MiB", size, perOp, bytesPerOp>>20, budgetTime, budgetBytes>>20)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	if len(l) > 100 {
		l = l[:100] + "…"
	}
	return l
}

// BenchmarkAdversarialInputs feeds every reader of repository files
// (hopcheck.yml, LiteLLM config.yaml, openclaw.json) inputs of at most
// 1 MiB built to make parsers slow or large, and fails when one is not
// parsed or refused within a second and 100 MB:
//
//	go test ./internal/chain -run '^$' -bench Adversarial -benchtime 3x
func BenchmarkAdversarialInputs(b *testing.B) {
	for name, src := range adversarialYAML() {
		data := []byte(src)
		if len(data) > chain.MaxConfigSize {
			b.Fatalf("%s: %d bytes", name, len(data))
		}
		b.Run("hopcheck.yml/"+name, func(b *testing.B) {
			measure(b, len(data), func() error { _, err := hopcheckyml.Parse("hopcheck.yml", data); return err })
		})
		b.Run("litellm/"+name, func(b *testing.B) {
			measure(b, len(data), func() error { _, err := litellm.Parse("config.yaml", data); return err })
		})
	}
	for name, src := range adversarialJSON5() {
		data := []byte(src)
		if len(data) > chain.MaxConfigSize {
			b.Fatalf("%s: %d bytes", name, len(data))
		}
		b.Run("openclaw/"+name, func(b *testing.B) {
			measure(b, len(data), func() error { _, err := openclaw.Parse("openclaw.json", data); return err })
		})
	}
}
