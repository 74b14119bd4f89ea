package attacks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// actRequest is one request a loopback fake received.
type actRequest struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// actRecorder is a loopback HTTP server that records every request and
// answers with handle (nil: 200 with an OpenAI-style model list or chat
// completion).
type actRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []actRequest
}

func newActRecorder(t *testing.T, handle http.HandlerFunc) *actRecorder {
	t.Helper()
	rec := &actRecorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, actRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		rec.mu.Unlock()
		if handle != nil {
			handle(w, r)
			return
		}
		actHealthy(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// actHealthy answers like a working OpenAI-compatible server.
func actHealthy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		_, _ = io.WriteString(w, `{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}`)
		return
	}
	_, _ = io.WriteString(w, `{"object":"list","data":[{"id":"m","object":"model"}]}`)
}

func (r *actRecorder) requests() []actRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]actRequest(nil), r.reqs...)
}

// count returns how many requests with method to a path ending in suffix
// arrived.
func (r *actRecorder) count(method, suffix string) int {
	n := 0
	for _, q := range r.requests() {
		if q.Method == method && strings.HasSuffix(q.Path, suffix) {
			n++
		}
	}
	return n
}

// assertNoneCarries fails when any received request carries secret in a
// header value or its body.
func (r *actRecorder) assertNoneCarries(t *testing.T, secret string) {
	t.Helper()
	for _, q := range r.requests() {
		for k, vs := range q.Header {
			for _, v := range vs {
				if strings.Contains(v, secret) {
					t.Errorf("%s %s carried the credential in header %s", q.Method, q.Path, k)
				}
			}
		}
		if bytes.Contains(q.Body, []byte(secret)) {
			t.Errorf("%s %s carried the credential in its body", q.Method, q.Path)
		}
	}
}

// Event payloads: a PR from a fork (head repository id 2, base id 1) and a
// PR from a branch of the same repository.
const (
	actForkEvent = `{"action":"opened","number":7,"pull_request":{"number":7,` +
		`"head":{"sha":"1111111111111111111111111111111111111111","repo":{"id":2,"full_name":"mallory/r","fork":true}},` +
		`"base":{"repo":{"id":1,"full_name":"o/r","fork":false}}},"repository":{"id":1,"full_name":"o/r"}}`
	actSameRepoEvent = `{"action":"opened","number":7,"pull_request":{"number":7,` +
		`"head":{"sha":"1111111111111111111111111111111111111111","repo":{"id":1,"full_name":"o/r","fork":false}},` +
		`"base":{"repo":{"id":1,"full_name":"o/r","fork":false}}},"repository":{"id":1,"full_name":"o/r"}}`
)

// actRun is one run of hopcheck in a temporary workspace.
type actRun struct {
	dir     string
	env     map[string]string
	args    []string // nil: action mode
	timeout time.Duration
}

// actResult is what a run left behind.
type actResult struct {
	code    int
	stdout  string
	stderr  string
	outputs map[string]string
	report  map[string]any // the JSON report (action mode), nil when none
	elapsed time.Duration
}

// newActRun writes hopcheck.yml (and event.json when event is not empty)
// into a fresh workspace and returns a run whose environment already holds
// the GitHub Actions variables of that workspace.
func newActRun(t *testing.T, config, eventName, event string) *actRun {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"HOPCHECK_ALLOW_HOSTS": "127.0.0.1",
		"GITHUB_ACTIONS":       "true",
		"GITHUB_WORKSPACE":     dir,
		"GITHUB_REPOSITORY":    "o/r",
		"GITHUB_SHA":           "2222222222222222222222222222222222222222",
		"GITHUB_EVENT_NAME":    eventName,
		"GITHUB_OUTPUT":        filepath.Join(dir, "outputs.txt"),
		"GITHUB_STEP_SUMMARY":  filepath.Join(dir, "summary.md"),
		"INPUT_CONFIG":         "hopcheck.yml",
		"INPUT_FAIL-ON":        "error",
		"INPUT_FORK-BEHAVIOR":  "neutral",
		"INPUT_CHECK-RUN":      "false",
		"INPUT_COMMENT":        "false",
	}
	if event != "" {
		p := filepath.Join(dir, "event.json")
		if err := os.WriteFile(p, []byte(event), 0o644); err != nil {
			t.Fatal(err)
		}
		env["GITHUB_EVENT_PATH"] = p
	}
	return &actRun{dir: dir, env: env, timeout: 2 * time.Minute}
}

// run runs hopcheck in-process. The context is cancelled after r.timeout so
// a hopcheck that does not bound itself cannot hang the test suite.
func (r *actRun) run(t *testing.T) actResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := r.env[k]; return v, ok }
	start := time.Now()
	code := cli.Main(ctx, r.args, cli.Env{LookupEnv: lookup, Stdout: &out, Stderr: &errb, Dir: r.dir})
	res := actResult{code: code, stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	if b, err := os.ReadFile(r.env["GITHUB_OUTPUT"]); err == nil {
		res.outputs = testutil.MustParseOutputs(t, string(b))
	}
	if b, err := os.ReadFile(filepath.Join(r.dir, cli.ReportFile)); err == nil {
		if err := json.Unmarshal(b, &res.report); err != nil {
			t.Fatalf("the JSON report does not parse: %v", err)
		}
	}
	return res
}

// actChains returns the chains of a JSON report.
func actChains(t *testing.T, rep map[string]any) []map[string]any {
	t.Helper()
	raw, _ := rep["chains"].([]any)
	var out []map[string]any
	for _, c := range raw {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// actReportJSON runs `hopcheck check --format json` output through json.
func actReportJSON(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("check --format json printed no JSON report: %v\n%s", err, stdout)
	}
	return rep
}

// actConfig is a hopcheck.yml with one openai-compatible hop per URL.
func actConfig(timeout string, urls ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\ndefaults: {timeout: %s}\nchains:\n", timeout)
	for i, u := range urls {
		fmt.Fprintf(&b, "  - name: c%d\n    model: m\n    hops:\n      - name: gw\n        type: openai-compatible\n        url: %s\n        key_env: GW_KEY\n", i, u)
	}
	return b.String()
}
