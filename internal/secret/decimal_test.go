package secret

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// decimalCodes writes s as decimal character codes joined by sep.
func decimalCodes(s, sep string) string {
	parts := make([]string, len(s))
	for i := 0; i < len(s); i++ {
		parts[i] = fmt.Sprint(s[i])
	}
	return strings.Join(parts, sep)
}

// A key echoed as decimal character codes (a Node.js Buffer serialised as
// JSON, a byte dump) is scrubbed when it is the job's own value and
// redacted when it has a known shape; runs of ordinary numbers are left
// alone.
func TestDecimalCodes(t *testing.T) {
	own := "sk-or-v1-" + strings.Repeat("0a1b2c3d", 8)
	buffer, _ := json.Marshal(map[string]any{"error": map[string]any{"message": "invalid api key", "key": map[string]any{"type": "Buffer", "data": []byte(own)}}})
	var s Scrubber
	s.Add(own)
	for name, in := range map[string]string{
		"buffer json":   string(buffer),
		"comma list":    "bad key " + decimalCodes(own, ","),
		"spaced list":   "key: [" + decimalCodes(own, ", ") + "]",
		"partial":       "key " + decimalCodes(own[20:40], " ") + " …",
		"escaped json":  strings.ReplaceAll(string(buffer), `"`, `\"`),
		"in a sentence": "the bytes were " + decimalCodes(own, ";") + "; retry",
	} {
		out := s.Scrub(in)
		if strings.Contains(out, decimalCodes(own[20:32], ",")) || strings.Contains(out, decimalCodes(own[20:32], " ")) ||
			strings.Contains(out, decimalCodes(own[20:32], ", ")) || strings.Contains(out, decimalCodes(own[20:32], ";")) {
			t.Errorf("%s: the key's codes survive: %q", name, out)
		}
	}
	shaped := "sk-ant-api03-" + strings.Repeat("AbCdEfGh12", 9) + "-AAAAAA"
	if out := Redact("echo: [" + decimalCodes(shaped, ",") + "]"); strings.Contains(out, decimalCodes(shaped[13:30], ",")) {
		t.Errorf("a shaped key's codes survive Redact: %q", out)
	}
	for _, in := range []string{
		`{"usage":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}`,
		"ports 8080, 8081, 8082, 8083, 8084, 8085, 8086, 8087, 8088, 8089, 8090, 8091, 8092",
		"retry after " + decimalCodes("a perfectly ordinary sentence", ","),
	} {
		if out := s.Scrub(in); out != in {
			t.Errorf("Scrub changed ordinary text %q to %q", in, out)
		}
		if out := Redact(in); out != in {
			t.Errorf("Redact changed ordinary text %q to %q", in, out)
		}
	}
}
