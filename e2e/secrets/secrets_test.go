// Package secrets proves that no credential leaves hopcheck: every scenario
// runs with a unique canary secret against upstreams that echo the key back
// (in full, in part, URL-encoded, base64, in headers and redirects), and
// every output — text, JSON, JUnit, SARIF, annotations, step summary, step
// outputs, PR-comment and check-run payloads, stderr, the report file — is
// searched for the secret and for every 12-character piece of it.
package secrets

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/sim"
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

// fakeGitHub records every API request body.
type fakeGitHub struct {
	mu     sync.Mutex
	bodies bytes.Buffer
}

func (g *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.bodies.Write(b)
	g.bodies.WriteString("\n")
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/comments"):
		fmt.Fprint(w, `[]`)
	case strings.Contains(r.URL.Path, "/comments"):
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":1}`)
	case strings.Contains(r.URL.Path, "/check-runs"):
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":7}`)
	default:
		http.NotFound(w, r)
	}
}

func (g *fakeGitHub) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.bodies.String()
}

const prEvent = `{"action":"opened","number":5,"pull_request":{"number":5,"head":{"sha":"0123456789abcdef0123456789abcdef01234567","repo":{"id":1,"full_name":"o/r","fork":false}},"base":{"repo":{"id":1,"full_name":"o/r"}}},"repository":{"full_name":"o/r"}}`

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
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hopcheck.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	look := func(extra map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			if v, ok := extra[k]; ok {
				return v, true
			}
			v, ok := vars[k]
			return v, ok
		}
	}
	runMain := func(args []string, extra map[string]string) {
		var out, errb bytes.Buffer
		cli.Main(context.Background(), args, cli.Env{LookupEnv: look(extra), Stdout: &out, Stderr: &errb, Dir: dir})
		for _, line := range strings.Split(out.String(), "\n") {
			// ::add-mask:: is the one place a value must appear: the
			// runner consumes it and masks the value everywhere.
			if !strings.HasPrefix(line, "::add-mask::") {
				all.WriteString(line + "\n")
			}
		}
		all.WriteString(errb.String())
	}
	formats := []string{"text", "json"}
	for _, f := range []string{"junit", "sarif"} {
		if cli.SupportsFormat(f) {
			formats = append(formats, f)
		}
	}
	for _, format := range formats {
		out := filepath.Join(dir, "report."+format)
		runMain([]string{"check", "--config", cfg, "--format", format}, nil)
		runMain([]string{"check", "--config", cfg, "--format", format, "--output", out}, nil)
		b, _ := os.ReadFile(out)
		all.Write(b)
	}
	// Action mode: annotations, summary, outputs, report file, PR comment
	// and check-run payloads.
	gh := &fakeGitHub{}
	api := httptest.NewServer(gh)
	defer api.Close()
	event := filepath.Join(dir, "event.json")
	summary := filepath.Join(dir, "summary.md")
	outputs := filepath.Join(dir, "outputs.txt")
	if err := os.WriteFile(event, []byte(prEvent), 0o644); err != nil {
		t.Fatal(err)
	}
	runMain(nil, map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": dir, "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_EVENT_PATH": event, "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": outputs,
		"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": api.URL, "INPUT_CONFIG": "hopcheck.yml",
		"INPUT_GITHUB-TOKEN": "ghs_" + strings.Repeat("t", 36), "INPUT_CHECK-RUN": "true", "INPUT_COMMENT": "true",
	})
	for _, f := range []string{summary, outputs, filepath.Join(dir, cli.ReportFile)} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("action mode did not write %s: %v", filepath.Base(f), err)
		}
		all.Write(b)
	}
	payloads := gh.String()
	if !strings.Contains(payloads, "hopcheck") {
		t.Fatalf("no PR comment / check run payload reached the fake GitHub API: %q", payloads)
	}
	all.WriteString(payloads)

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
