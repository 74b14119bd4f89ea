package ghaction

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// stepEnv is one simulated action step: temp files for GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY and the env a runner passes.
type stepEnv struct {
	env     map[string]string
	output  string
	summary string
}

func newStep(t *testing.T) *stepEnv {
	t.Helper()
	dir := t.TempDir()
	s := &stepEnv{output: filepath.Join(dir, "output"), summary: filepath.Join(dir, "summary.md")}
	for _, f := range []string{s.output, s.summary} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.env = map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_OUTPUT":       s.output,
		"GITHUB_STEP_SUMMARY": s.summary,
		"GITHUB_REPOSITORY":   "acme/review-bot",
		"GITHUB_WORKSPACE":    "/github/workspace",
	}
	return s
}

func (s *stepEnv) getenv(k string) string { return s.env[k] }

func (s *stepEnv) summaryText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.summary)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (s *stepEnv) outputText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.output)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outputs parses GITHUB_OUTPUT the way the runner does: `name=value` lines
// and `name<<DELIM` … `DELIM` blocks.
func (s *stepEnv) outputs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(s.outputText(t), "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if k, delim, ok := strings.Cut(l, "<<"); ok {
			var val []string
			i++
			for ; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("unterminated heredoc for %s", k)
			}
			out[k] = strings.Join(val, "\n")
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("bad output line %q", l)
		}
		out[k] = v
	}
	return out
}

// cmdLine is a workflow command as the runner parses it.
type cmdLine struct {
	Name    string
	Props   map[string]string // unescaped
	Message string            // unescaped
}

// parseCommands parses stdout as the runner does (ActionCommand.TryParseV2:
// `::name k=v,k=v::message`), unescaping properties and data. Lines that are
// not commands are returned in plain.
func parseCommands(t *testing.T, stdout string) (cmds []cmdLine, plain []string) {
	t.Helper()
	unData := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%")
	unProp := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%")
	for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		tl := strings.TrimLeft(l, " \t")
		if !strings.HasPrefix(tl, "::") {
			plain = append(plain, l)
			continue
		}
		rest := tl[2:]
		end := strings.Index(rest, "::")
		if end < 0 {
			plain = append(plain, l)
			continue
		}
		head, msg := rest[:end], rest[end+2:]
		c := cmdLine{Props: map[string]string{}, Message: unData.Replace(msg)}
		name, props, _ := strings.Cut(head, " ")
		c.Name = name
		if props != "" {
			for _, kv := range strings.Split(props, ",") {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("bad property %q in %q", kv, l)
				}
				c.Props[k] = unProp.Replace(v)
			}
		}
		cmds = append(cmds, c)
	}
	return cmds, plain
}

func countCmds(cmds []cmdLine, name string) int {
	n := 0
	for _, c := range cmds {
		if c.Name == name {
			n++
		}
	}
	return n
}

// fakeGitHub is an httptest GitHub REST API mounted under /api-v3/, with a
// catch-all that fails the test on any unexpected path.
type fakeGitHub struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	mu   sync.Mutex
	reqs []apiRequest
}

type apiRequest struct {
	Method, Path, Query, Auth string
	Body                      []byte
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, mux: http.NewServeMux()}
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected API call %s %s", r.Method, r.URL.Path)
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, apiRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Auth: r.Header.Get("Authorization"), Body: body})
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// handle registers a handler for "METHOD /path" (path without the prefix).
func (f *fakeGitHub) handle(pattern string, h http.HandlerFunc) {
	method, p, _ := strings.Cut(pattern, " ")
	f.mux.HandleFunc(method+" /api-v3"+p, h)
}

func (f *fakeGitHub) apiURL() string { return f.srv.URL + "/api-v3/" }

func (f *fakeGitHub) requests() []apiRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiRequest(nil), f.reqs...)
}

func (f *fakeGitHub) calls() []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func (f *fakeGitHub) nextLink(path string, page int) string {
	u := url.URL{Path: path}
	q := url.Values{"page": {itoa(page)}, "per_page": {"100"}}
	u.RawQuery = q.Encode()
	return "<" + f.srv.URL + u.String() + `>; rel="next"`
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func forbidden(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Accepted-GitHub-Permissions", "issues=write; pull_requests=write")
	writeJSON(w, http.StatusForbidden, map[string]string{
		"message":           "Resource not accessible by integration",
		"documentation_url": "https://docs.github.com/rest",
	})
}

func fptr(v float64) *float64 { return &v }

// failingReport is the canonical failure: ci → litellm → openrouter, the
// proxy drops the key, so the link litellm → openrouter fails with
// header-missing; the hop is defined at hopcheck.yml:12:7.
func failingReport() *finding.Report {
	link := &chain.Link{From: "litellm", To: "openrouter"}
	return &finding.Report{
		Schema: finding.SchemaID,
		Status: finding.Fail,
		Config: "hopcheck.yml",
		Chains: []finding.ChainResult{{
			Name:        "review-bot",
			Model:       "anthropic/claude-sonnet-4.5",
			Status:      finding.Fail,
			Cause:       finding.HeaderMissing,
			FailingHop:  "openrouter",
			FailingLink: link,
			Hops: []finding.HopResult{
				{Name: "litellm", Type: "litellm", URL: "http://127.0.0.1:4000", Status: finding.Pass, Cause: finding.OK,
					Timings:    &finding.Timings{DNS: fptr(0.4), Connect: fptr(0.8), TTFB: fptr(12.3)},
					Credential: &finding.Credential{Env: "LITELLM_MASTER_KEY", Fingerprint: "sk-Ab…9z", Set: true},
					File:       "hopcheck.yml", Line: 8, Col: 7},
				{Name: "openrouter", Type: "openrouter", URL: "https://openrouter.ai/api/v1", Status: finding.Pass, Cause: finding.OK,
					Timings:    &finding.Timings{DNS: fptr(3.2), Connect: fptr(10.6), TLS: fptr(25.9), TTFB: fptr(180.2)},
					Credential: &finding.Credential{Env: "OPENROUTER_API_KEY", Fingerprint: "sk-or-v1-0e…96", Set: true},
					File:       "hopcheck.yml", Line: 12, Col: 7},
			},
			Links: []finding.LinkResult{
				{From: "ci", To: "litellm", Status: finding.Pass, Cause: finding.OK},
				{From: "litellm", To: "openrouter", Status: finding.Fail, Cause: finding.HeaderMissing},
			},
			Findings: []finding.Finding{
				{Check: "canary", Chain: "review-bot", Hop: "openrouter", Link: link, Cause: finding.HeaderMissing,
					Severity: finding.SevError, Root: true,
					Message: "OpenRouter answered 401 `No auth credentials found` through litellm, but accepts OPENROUTER_API_KEY (sk-or-v1-0e…96) directly.",
					Fix:     "Set the upstream key in LiteLLM's environment (os.environ/OPENROUTER_API_KEY).",
					File:    "hopcheck.yml", Line: 12, Col: 7,
					Evidence: &finding.Evidence{Method: "POST", URL: "http://127.0.0.1:4000/v1/chat/completions", Status: 401,
						Excerpt: `{"error":{"message":"No auth credentials found","code":401}}`}},
				{Check: "canary", Chain: "review-bot", Hop: "openrouter", Link: link, Cause: finding.HeaderMissing,
					Severity: finding.SevWarning, Message: "A second symptom on the same link.", File: "hopcheck.yml", Line: 12, Col: 7},
			},
		}},
	}
}
