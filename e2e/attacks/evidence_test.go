package attacks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
)

// Promise 3 — no false pass — against the red team's cases: a 2xx that is
// not a completion, and a proxy whose own word is all there is for the hops
// behind it.

// evidenceRun runs `hopcheck check args…` (or, with action, the action)
// in a repository holding files, with the job's variables vars (loopback
// allowed), and returns the exit code and every output by name.
func evidenceRun(t *testing.T, files, vars map[string]string, action bool, args ...string) (int, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"HOPCHECK_ALLOW_HOSTS": "127.0.0.1", "NO_COLOR": "1"}
	for k, v := range vars {
		env[k] = v
	}
	outs := map[string]string{}
	if action {
		args = nil
		env["GITHUB_ACTIONS"] = "true"
		env["GITHUB_WORKSPACE"] = dir
		env["GITHUB_EVENT_NAME"] = "push"
		for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
			p := filepath.Join(t.TempDir(), f)
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			env[f] = p
			defer func() {
				b, _ := os.ReadFile(p)
				outs[f] = string(b)
			}()
		}
	} else {
		args = append([]string{"check"}, args...)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Stdout:    &stdout, Stderr: &stderr, Dir: dir,
	})
	outs["stdout"], outs["stderr"] = stdout.String(), stderr.String()
	if action {
		b, _ := os.ReadFile(filepath.Join(dir, cli.ReportFile))
		outs["report"] = string(b)
	}
	return code, outs
}

// evidenceChains reads the chains of a JSON report: name → status, and
// name → hop → status.
func evidenceChains(t *testing.T, report string) (map[string]string, map[string]map[string]string) {
	t.Helper()
	var rep struct {
		Chains []struct {
			Name, Status string
			Hops         []struct{ Name, Status string }
		}
	}
	if err := json.Unmarshal([]byte(report), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, report)
	}
	chains, hops := map[string]string{}, map[string]map[string]string{}
	for _, c := range rep.Chains {
		chains[c.Name] = c.Status
		hops[c.Name] = map[string]string{}
		for _, h := range c.Hops {
			hops[c.Name][h.Name] = h.Status
		}
	}
	return chains, hops
}

// Red team item 3: {}, null, an empty choices list, a plain-text OK, an
// OpenRouter /key body and a null content all answered the canary with 200
// and passed, for openrouter, openai-compatible and anthropic hops. Each
// now fails with upstream-error on the link into the hop, exit 1, in the
// text and the JSON report alike — and a real completion still passes.
func TestItem3Canary200WithoutCompletionIsNoPass(t *testing.T) {
	modes := map[string]struct{ ct, body string }{
		"obj200":      {"application/json", `{}`},
		"null200":     {"application/json", `null`},
		"empty200":    {"application/json", `{"id":"x","choices":[]}`},
		"text200":     {"text/plain", `OK`},
		"keydata":     {"application/json", `{"data":{"label":"x","usage":0,"limit":null}}`},
		"nullcontent": {"application/json", `{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}`},
	}
	var mu sync.Mutex
	canaries := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if r.Method == http.MethodPost {
			mu.Lock()
			canaries[mode]++
			mu.Unlock()
		}
		m, ok := modes[mode]
		switch {
		case r.Method == http.MethodGet:
			// Every key check passes: only the canary can tell.
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"data":{"label":"x","usage":0,"limit":null},"object":"list"}`)
		case ok:
			w.Header().Set("Content-Type", m.ct)
			fmt.Fprint(w, m.body)
		case mode == "anthropic-ok":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"OK"}],"stop_reason":"end_turn"}`)
		default: // a real OpenAI completion
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}`)
		}
	}))
	t.Cleanup(srv.Close)

	var yml strings.Builder
	yml.WriteString("version: 1\nchains:\n")
	chain := func(name, model, typ, url, env string) {
		fmt.Fprintf(&yml, "  - name: %s\n    model: %s\n    hops:\n      - {name: up, type: %s, url: %s, key_env: %s}\n", name, model, typ, url, env)
	}
	for mode := range modes {
		chain("or-"+mode, "openai/gpt-4o-mini", "openrouter", srv.URL+"/"+mode+"/api/v1", "OPENROUTER_API_KEY")
		chain("gw-"+mode, "m", "openai-compatible", srv.URL+"/"+mode+"/v1", "GW_KEY")
		chain("an-"+mode, "claude-3-5-haiku-latest", "anthropic", srv.URL+"/"+mode, "ANTHROPIC_API_KEY")
	}
	chain("or-ok", "openai/gpt-4o-mini", "openrouter", srv.URL+"/ok/api/v1", "OPENROUTER_API_KEY")
	chain("an-ok", "claude-3-5-haiku-latest", "anthropic", srv.URL+"/anthropic-ok", "ANTHROPIC_API_KEY")
	chain("an-openai-shaped", "claude-3-5-haiku-latest", "anthropic", srv.URL+"/ok", "ANTHROPIC_API_KEY")
	vars := map[string]string{
		"OPENROUTER_API_KEY": "sk-or-v1-" + strings.Repeat("0f", 32),
		"GW_KEY":             "gw-key-0123456789",
		"ANTHROPIC_API_KEY":  "sk-ant-api03-" + strings.Repeat("a1", 20),
	}
	files := map[string]string{"hopcheck.yml": yml.String()}

	code, outs := evidenceRun(t, files, vars, false, "--format", "json")
	if code != cli.ExitFailed {
		t.Errorf("exit %d, want %d", code, cli.ExitFailed)
	}
	chains, _ := evidenceChains(t, outs["stdout"])
	var rep struct {
		Chains []struct {
			Name, Status, Cause string
			FailingLink         *struct{ From, To string } `json:"failing_link"`
		}
	}
	_ = json.Unmarshal([]byte(outs["stdout"]), &rep)
	for _, c := range rep.Chains {
		want := "fail"
		if c.Name == "or-ok" || c.Name == "an-ok" {
			want = "pass"
		}
		if c.Status != want {
			t.Errorf("chain %s: %s (%s), want %s", c.Name, c.Status, c.Cause, want)
			continue
		}
		if want == "fail" && (c.Cause != "upstream-error" || c.FailingLink == nil || c.FailingLink.From != "ci" || c.FailingLink.To != "up") {
			t.Errorf("chain %s: cause %s on %+v, want upstream-error on ci → up", c.Name, c.Cause, c.FailingLink)
		}
	}
	if len(chains) != 3*len(modes)+3 {
		t.Errorf("%d chains in the report", len(chains))
	}
	for mode := range modes {
		if canaries[mode] == 0 {
			t.Errorf("mode %s: no canary was sent, the test proves nothing", mode)
		}
	}

	code, outs = evidenceRun(t, files, vars, false)
	if code != cli.ExitFailed || strings.Contains(outs["stdout"], "chain or-obj200 (model openai/gpt-4o-mini): PASS") ||
		!strings.Contains(outs["stdout"], "without a chat completion") {
		t.Errorf("text report (exit %d):\n%s", code, outs["stdout"])
	}
}

// evidenceLiteLLM poses as a LiteLLM proxy: every completion succeeds, as
// a mock, a cache or a fallback would make it, naming apiBase in its
// x-litellm-model-api-base header when set; it never calls anything
// upstream. It records whether each canary asked to skip the cache.
type evidenceLiteLLM struct {
	*httptest.Server
	apiBase string
	mu      sync.Mutex
	noCache []bool
}

func newEvidenceLiteLLM(t *testing.T, apiBase string) *evidenceLiteLLM {
	l := &evidenceLiteLLM{apiBase: apiBase}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost {
			fmt.Fprint(w, `{"data":[{"id":"m","object":"model"}],"object":"list"}`)
			return
		}
		var body struct {
			Cache struct {
				NoCache bool `json:"no-cache"`
			} `json:"cache"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		l.mu.Lock()
		l.noCache = append(l.noCache, body.Cache.NoCache)
		l.mu.Unlock()
		if l.apiBase != "" {
			w.Header().Set("x-litellm-model-api-base", l.apiBase)
		}
		fmt.Fprint(w, `{"id":"chatcmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}]}`)
	}))
	t.Cleanup(l.Close)
	return l
}

const evidenceConfig = `model_list:
  - model_name: m
    litellm_params: {model: anthropic/claude-3-5-haiku, api_key: os.environ/ANTHROPIC_API_KEY%s}
  - model_name: fb
    litellm_params: {model: ollama/llama3, api_base: http://127.0.0.1:11434}
%s
general_settings: {master_key: os.environ/LITELLM_KEY}
`

// Red team item 4: the proxy's 200 made every hop behind it pass, even
// with a mock_response on the route, a fallback for the model or a cache,
// and with --fail-on unverified the run exited 0. Now the hop is
// unverified — in the text, JSON, JUnit and SARIF reports and the action's
// outputs — with a warning at the line that says why, and --fail-on
// unverified fails the run. A route only the upstream can answer passes
// when LiteLLM's answer names that route's deployment; a listener that
// names none (it may have called nothing) leaves the hop unverified.
func TestItem4HopsBehindAProxyNeedEvidence(t *testing.T) {
	const anthropicBase = "https://api.anthropic.com/v1/messages" // what LiteLLM reports for the route
	var gw *evidenceLiteLLM
	gws := []*evidenceLiteLLM{}
	yml := func(config string) string {
		s := "version: 1\nchains:\n  - name: c\n    model: m\n    hops:\n      - {name: litellm, type: litellm, url: " + gw.URL + ", key_env: LITELLM_KEY"
		if config != "" {
			s += ", config: " + config
		}
		return s + "}\n"
	}
	vars := map[string]string{"LITELLM_KEY": "sk-lite-abcdef0123456789"}
	cases := []struct {
		name, config string
		apiBase      string // what the proxy says answered
		hop          string // the hop behind the proxy
		want         string // its status
		why          string // in the text report
	}{
		{"mock_response", fmt.Sprintf(evidenceConfig, `, mock_response: "hello"`, ""), anthropicBase, "anthropic", "unverified", "config.yaml:3:"},
		{"fallbacks", fmt.Sprintf(evidenceConfig, "", `router_settings: {fallbacks: [{"m": ["fb"]}]}`), "", "anthropic", "unverified", "config.yaml:6:"},
		{"red team's file", fmt.Sprintf(evidenceConfig, `, mock_response: "hello"`, "router_settings: {fallbacks: [{\"m\": [\"fb\"]}]}\nlitellm_settings: {cache: true}"), "", "anthropic", "unverified", "mock_response"},
		{"cache only, the route named", fmt.Sprintf(evidenceConfig, "", "litellm_settings: {cache: true}"), anthropicBase, "anthropic", "pass", ""},
		{"cache only, nothing named", fmt.Sprintf(evidenceConfig, "", "litellm_settings: {cache: true}"), "", "anthropic", "unverified", "does not name the deployment"},
		{"plain route, the route named", fmt.Sprintf(evidenceConfig, "", ""), anthropicBase, "anthropic", "pass", ""},
		{"plain route, nothing named", fmt.Sprintf(evidenceConfig, "", ""), "", "anthropic", "unverified", "does not name the deployment"},
		{"plain route, another base named", fmt.Sprintf(evidenceConfig, "", ""), "http://127.0.0.1:11434", "anthropic", "unverified", "other than its route"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gw = newEvidenceLiteLLM(t, tc.apiBase)
			gws = append(gws, gw)
			files := map[string]string{"hopcheck.yml": yml("config.yaml"), "config.yaml": tc.config}
			code, outs := evidenceRun(t, files, vars, false, "--format", "json")
			chains, hops := evidenceChains(t, outs["stdout"])
			if hops["c"][tc.hop] != tc.want || chains["c"] != tc.want {
				t.Fatalf("chain %s, hop %s %s, want %s\n%s", chains["c"], tc.hop, hops["c"][tc.hop], tc.want, outs["stdout"])
			}
			if code != cli.ExitOK {
				t.Errorf("default fail-on: exit %d", code)
			}
			code, outs = evidenceRun(t, files, vars, false, "--fail-on", "unverified")
			if tc.want == "pass" {
				if code != cli.ExitOK {
					t.Errorf("--fail-on unverified on a verified chain: exit %d\n%s", code, outs["stdout"])
				}
				return
			}
			if code != cli.ExitFailed {
				t.Errorf("--fail-on unverified: exit %d, want %d", code, cli.ExitFailed)
			}
			if !strings.Contains(outs["stdout"], tc.why) || !strings.Contains(outs["stdout"], "unverified") {
				t.Errorf("the text report does not say why (%q):\n%s", tc.why, outs["stdout"])
			}
			for _, format := range []string{"junit", "sarif"} {
				_, o := evidenceRun(t, files, vars, false, "--format", format)
				if !strings.Contains(o["stdout"], "unverified") || strings.Contains(o["stdout"], `"pass"`) {
					t.Errorf("%s report:\n%s", format, o["stdout"])
				}
			}
			code, outs = evidenceRun(t, map[string]string{".github/hopcheck.yml": yml("config.yaml"), "config.yaml": tc.config}, vars, true)
			if code != cli.ExitOK || !strings.Contains(outs["GITHUB_OUTPUT"], "unverified") || !strings.Contains(outs["GITHUB_STEP_SUMMARY"], "unverified") {
				t.Errorf("action (exit %d): outputs %q\nsummary:\n%s", code, outs["GITHUB_OUTPUT"], outs["GITHUB_STEP_SUMMARY"])
			}
			if chains, _ := evidenceChains(t, outs["report"]); chains["c"] != "unverified" {
				t.Errorf("hopcheck-report.json: chain %s", chains["c"])
			}
		})
	}
	// Every canary asked LiteLLM to skip its cache.
	for _, gw := range gws {
		gw.mu.Lock()
		for i, nc := range gw.noCache {
			if !nc {
				t.Errorf("canary %d did not ask to skip the cache", i+1)
			}
		}
		if len(gw.noCache) == 0 {
			t.Error("no canary reached the proxy")
		}
		gw.mu.Unlock()
	}

	// A hopcheck.yml chain without config: hopcheck knows nothing of the
	// proxy's routes, so a hop behind it whose key the job lacks is
	// unverified (the red team's plain litellm → openrouter case), even
	// when the proxy names a base URL on OpenRouter's host.
	gw = newEvidenceLiteLLM(t, "https://openrouter.ai/api/v1")
	files := map[string]string{"hopcheck.yml": yml("") + "      - {name: openrouter, type: openrouter, url: https://openrouter.ai/api/v1, key_env: OPENROUTER_API_KEY}\n"}
	code, outs := evidenceRun(t, files, vars, false, "--fail-on", "unverified")
	if code != cli.ExitFailed || !strings.Contains(outs["stdout"], "did not read litellm's config") {
		t.Errorf("no config: exit %d\n%s", code, outs["stdout"])
	}
}

// Zero-config discovery reads the same file: its derived chain is
// unverified behind a mocked route, and passes when LiteLLM's answer names
// the route's deployment among the fallbacks.
func TestItem4DiscoveredRoutes(t *testing.T) {
	vars := func(url string) map[string]string {
		return map[string]string{"LITELLM_KEY": "sk-lite-abcdef0123456789", "LITELLM_BASE_URL": url}
	}
	mock := newEvidenceLiteLLM(t, "")
	_, outs := evidenceRun(t, map[string]string{"config.yaml": fmt.Sprintf(evidenceConfig, `, mock_response: "hello"`, "")}, vars(mock.URL), false, "--format", "json")
	if chains, hops := evidenceChains(t, outs["stdout"]); chains["m"] != "unverified" || hops["m"]["anthropic"] != "unverified" {
		t.Errorf("mocked route: chain %s, hop %s\n%s", chains["m"], hops["m"]["anthropic"], outs["stdout"])
	}

	fallback := fmt.Sprintf(evidenceConfig, "", `router_settings: {fallbacks: [{"m": ["fb"]}]}`)
	for apiBase, want := range map[string]string{
		"https://api.anthropic.com/v1/messages": "pass",       // the route answered
		"http://127.0.0.1:11434":                "unverified", // the fallback answered
		"":                                      "unverified", // nothing says which
	} {
		gw := newEvidenceLiteLLM(t, apiBase)
		_, outs := evidenceRun(t, map[string]string{"config.yaml": fallback}, vars(gw.URL), false, "--format", "json")
		if chains, hops := evidenceChains(t, outs["stdout"]); hops["m"]["anthropic"] != want || chains["m"] != want {
			t.Errorf("answer from %q: chain %s, hop %s, want %s\n%s", apiBase, chains["m"], hops["m"]["anthropic"], want, outs["stdout"])
		}
	}
}
