package secret

import (
	"fmt"
	"strings"
	"testing"
)

// reportFields are the strings a report of n chains redacts one by one
// (names, models, URLs, environment variable names, fingerprints,
// messages): short text that rarely holds anything to redact.
func reportFields(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("litellm-%02d", i), fmt.Sprintf("bench/model-%02d", i), "litellm", "http://127.0.0.1:38003",
			"openrouter", "http://127.0.0.1:37823/api/v1", "OPENROUTER_API_KEY", "sk-or-v1-7e…8b", "LITELLM_KEY", "sk-Cp…Uj",
			"ci → litellm", "no limit on the key; no runway (the account's credit is not in the key check)",
			`Hop "litellm" answered the canary with HTTP 200 in 301 ms.`)
	}
	return out
}

// BenchmarkRedactReportFields redacts the fields of a 64-chain report one
// by one, as the report writers do.
func BenchmarkRedactReportFields(b *testing.B) {
	fields := reportFields(64)
	for b.Loop() {
		for _, f := range fields {
			_ = Redact(f)
		}
	}
}

// BenchmarkRedactReportJSON redacts a 64-chain JSON report whole (the last
// pass before it is written): URLs, fingerprints with an escaped ellipsis,
// escaped quotes.
func BenchmarkRedactReportJSON(b *testing.B) {
	var sb strings.Builder
	for _, f := range reportFields(64) {
		fmt.Fprintf(&sb, "      %q: \"%s\",\n", "field", strings.ReplaceAll(strings.ReplaceAll(f, `"`, `\"`), "…", `\u2026`))
	}
	body := sb.String()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_ = Redact(body)
	}
}
