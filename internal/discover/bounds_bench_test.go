package discover

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
)

func fill(head, unit, tail string) string {
	n := (chain.MaxConfigSize - len(head) - len(tail)) / len(unit)
	return head + strings.Repeat(unit, n) + tail
}

// BenchmarkDotenvAdversarial runs discovery over a repository holding one
// .env file of at most 1 MiB built to be costly, and fails when it is not
// read or refused within a second and 100 MB (the budget every reader of
// repository files keeps; see chain's BenchmarkAdversarialInputs):
//
//	go test ./internal/discover -run '^$' -bench DotenvAdversarial -benchtime 3x
func BenchmarkDotenvAdversarial(b *testing.B) {
	inputs := map[string]string{
		"assignments":       fill("", "A=b\n", ""),
		"keyish-values":     fill("", "OPENAI_API_KEY=sk-0123456789\n", ""),
		"in-bound":          strings.Repeat("OPENAI_API_KEY_X=sk-0123456789abcdef\n", maxDotenvEntries),
		"unterminated":      fill("A=\"", "x\n", ""),
		"escapes":           fill("A=\"", `\n`, "\""),
		"comments":          fill("", "# A=b c d e f\n", ""),
		"one-line":          fill("A=", "x", "\n"),
		"quotes-every-line": fill("", "A='\n", ""),
	}
	for name, src := range inputs {
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(src), 0o600); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			var r *Result
			for i := 0; i < b.N; i++ {
				r, _ = Discover(dir, envOf(map[string]string{"OPENAI_API_KEY": "sk-job"}))
			}
			perOp := time.Since(start) / time.Duration(b.N)
			runtime.ReadMemStats(&after)
			bytesPerOp := (after.TotalAlloc - before.TotalAlloc) / uint64(b.N)
			outcome := "read"
			if len(r.Files) == 0 {
				outcome = "not read"
			}
			b.ReportMetric(float64(bytesPerOp)/(1<<20), "MiB/op")
			b.Logf("%7d bytes  %8.1f ms  %6.1f MiB  %s, %d values kept", len(src), float64(perOp)/1e6, float64(bytesPerOp)/(1<<20), outcome, len(r.secrets))
			if perOp > time.Second || bytesPerOp > 100<<20 {
				b.Errorf("took %s and %d MiB; the budget is 1s and 100 MiB", perOp, bytesPerOp>>20)
			}
		})
	}
}
