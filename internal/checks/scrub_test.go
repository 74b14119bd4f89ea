package checks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestVerdictsAreScrubbedWhereMade: an upstream echoes the job's key with
// format characters or escape sequences between its characters, raw or
// escaped once or twice (a JSON string inside a JSON string). The
// classifier decodes and cleans the body into a one-line message, which
// joins the key again; the findings the checks make must carry no piece of
// it even before any reporter runs (the report's JSON form has no
// Scrubber).
func TestVerdictsAreScrubbedWhereMade(t *testing.T) {
	const key = "AbCdEfGhIjKlMnOpQrStUvWxYz012345" // no shape a scanner knows
	join := func(sep string) string { return strings.Join(strings.Split(key, ""), sep) }
	// What a reader's decoding drops from the JSON form: the separators,
	// however many backslashes escape them.
	seps := regexp.MustCompile(`\\*(u200b|u00ad|u001b|x1b)(\[[0-9;]*m)?|\x{200b}|\x{ad}`)
	for name, echo := range map[string]string{
		"zwsp":          join("\u200b"),
		"zwsp-escaped":  join(`\u200b`),
		"zwsp-nested":   join(`\\u200b`),
		"zwsp-nested2":  join(`\\\\u200b`),
		"soft-hyphen":   join("\u00ad"),
		"ansi-escaped":  join(`\u001b[0m`),
		"ansi-nested":   join(`\\u001b[0m`),
		"ansi-x-escape": join(`\\x1b[0m`),
	} {
		t.Run(name, func(t *testing.T) {
			srv := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"error":{"message":"Unauthorized: no such key %s","type":"invalid_request_error"}}`, echo)
			}))
			yml := "version: 1\nchains:\n  - name: bot\n    model: mistral-small-latest\n    hops:\n" +
				"      - {name: mistral, type: mistral, url: " + srv + "/v1, key_env: MISTRAL_API_KEY}\n"
			rep := runConfig(t, yml, map[string]string{"MISTRAL_API_KEY": key}, nil)
			b, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "no such key") {
				t.Fatalf("the upstream's message is not in the findings; the test would prove nothing:\n%s", b)
			}
			var plain strings.Builder
			for _, r := range seps.ReplaceAllString(string(b), "") {
				if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
					plain.WriteRune(unicode.ToLower(r))
				}
			}
			lkey := strings.ToLower(key)
			for i := 0; i+12 <= len(lkey); i++ {
				if strings.Contains(plain.String(), lkey[i:i+12]) {
					t.Fatalf("the findings carry %q of the key:\n%s", key[i:i+12], b)
				}
			}
		})
	}
}
