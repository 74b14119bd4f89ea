// Package secrets proves that no credential leaves hopcheck: every scenario
// runs with a unique canary secret against upstreams that echo the key back
// (in full, in part, URL-encoded, base64, in headers and redirects), and
// every output — text, JSON, JUnit, SARIF, annotations, step summary, step
// outputs, PR-comment and check-run payloads, stderr, the report file — is
// searched for the secret and for every 12-character piece of it.
package secrets

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/testutil/surfaces"
)

// canary returns a unique OpenRouter-shaped key.
func canary(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "sk-or-v1-" + hex.EncodeToString(b)
}

// echo is an upstream that hands the received credential back in the given
// shape, with the given status.
func echo(shape string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		var shown string
		switch shape {
		case "full":
			shown = key
		case "masked":
			shown = key[:9] + "***" + key[len(key)-4:]
		case "prefix":
			shown = key[:24] + "…"
		case "urlencoded":
			shown = url.QueryEscape(key)
		case "base64":
			shown = base64.StdEncoding.EncodeToString([]byte(key))
		case "header":
			w.Header().Set("X-Echo-Key", key)
		case "redirect":
			w.Header().Set("Location", "http://127.0.0.2:1/api/v1/chat?key="+url.QueryEscape(key))
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s. ::error::%s","code":%d}}`, shown, shown, status)
	}
}

func TestNoSecretLeaves(t *testing.T) {
	type upstream struct {
		name string
		h    http.Handler
	}
	var ups []upstream
	for _, shape := range []string{"full", "masked", "prefix", "urlencoded", "base64", "header", "redirect"} {
		for _, st := range []int{401, 500} {
			ups = append(ups, upstream{fmt.Sprintf("echo-%s-%d", shape, st), echo(shape, st)})
		}
	}
	for _, u := range ups {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			key := canary(t)
			srv := httptest.NewServer(u.h)
			defer srv.Close()
			checkAllOutputs(t, key, fmt.Sprintf(`version: 1
defaults: {timeout: 2s}
chains:
  - name: bot
    model: anthropic/claude-sonnet-4.5
    hops:
      - name: openrouter
        type: openrouter
        url: %s/api/v1
        key_env: OPENROUTER_API_KEY
`, srv.URL), map[string]string{"OPENROUTER_API_KEY": key})
		})
	}
	// Every simulator scenario too, with its keys replaced by fresh canaries
	// where the job holds them (the simulated LiteLLM echoes malformed keys).
	for _, sc := range sim.Scenarios() {
		t.Run("scenario-"+sc.Name, func(t *testing.T) {
			t.Parallel()
			env, err := sim.Start(sc.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			secrets := make([]string, 0, len(env.Vars))
			for _, v := range env.Vars {
				secrets = append(secrets, v)
			}
			checkAllOutputs(t, strings.Join(secrets, "\x00"), string(env.Config), env.Vars)
		})
	}
}

// checkAllOutputs runs hopcheck in every output mode and searches all bytes
// for any secret (NUL-separated list) or 12-character piece of one.
func checkAllOutputs(t *testing.T, secretList, config string, vars map[string]string) {
	t.Helper()
	var all strings.Builder
	for _, text := range surfaces.Collect(t, config, vars) {
		all.WriteString(text + "\n")
	}
	text := all.String()
	for _, s := range strings.Split(secretList, "\x00") {
		s = strings.TrimSpace(s)
		for i := 0; i+12 <= len(s); i++ {
			if k := strings.Index(text, s[i:i+12]); k >= 0 {
				lo := max(0, k-60)
				t.Fatalf("a 12-character piece of a secret leaked: …%q…", strings.ReplaceAll(text[lo:k], s[i:i+12], "<LEAK>"))
			}
		}
	}
}
