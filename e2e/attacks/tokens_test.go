package attacks

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// tokensAttacker is a server a pull request points a key at: it records
// every credential-bearing header it receives.
type tokensAttacker struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newTokensAttacker(t *testing.T) *tokensAttacker {
	a := &tokensAttacker{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		for _, h := range []string{"Authorization", "X-Api-Key", "Api-Key", "X-Goog-Api-Key"} {
			if v := r.Header.Get(h); v != "" {
				a.seen = append(a.seen, v)
			}
		}
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":[{"id":"m"}]}`))
	}))
	t.Cleanup(a.Close)
	return a
}

// carried reports whether any request carried secret.
func (a *tokensAttacker) carried(secret string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range a.seen {
		if strings.Contains(v, secret) {
			return true
		}
	}
	return false
}

// tokensRun runs hopcheck in a repository holding files, with the job's
// variables vars (no host allowed unless vars says so), as a plain check
// and, with GITHUB_ACTIONS=true and no arguments, in action mode.
func tokensRun(t *testing.T, files, vars map[string]string, action bool) (int, string) {
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
	env := map[string]string{}
	for k, v := range vars {
		env[k] = v
	}
	args := []string{"check"}
	if action {
		args = nil
		env["GITHUB_ACTIONS"] = "true"
		env["GITHUB_WORKSPACE"] = dir
		env["GITHUB_EVENT_NAME"] = "push"
		env["INPUT_GITHUB-TOKEN"] = "ghs_" + strings.Repeat("T0k3n", 8)
		for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
			p := filepath.Join(t.TempDir(), f)
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			env[f] = p
		}
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Stdout:    &stdout, Stderr: &stderr, Dir: dir,
	})
	return code, stdout.String() + stderr.String()
}

// Item 1: a pull request names the runner's own tokens as credentials — a
// LiteLLM api_key of os.environ/INPUT_GITHUB-TOKEN pointed at the
// attacker, a hop whose key_env is ACTIONS_RUNTIME_TOKEN. Both are
// configuration errors at their line (exit 2), nothing is sent, and the
// tokens appear in no output.
func TestItem01RunnerTokensAreNeverCredentials(t *testing.T) {
	a := newTokensAttacker(t)
	ghs := "ghs_" + strings.Repeat("T0k3n", 8)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJBY3Rpb25zLlJlc3VsdHMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc"
	vars := map[string]string{"ACTIONS_RUNTIME_TOKEN": jwt, "GITHUB_TOKEN": ghs}
	cases := map[string]map[string]string{
		"litellm os.environ": {"deploy/config.yaml": `model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: ` + a.URL + `/v1
      api_key: os.environ/INPUT_GITHUB-TOKEN
`},
		"hopcheck.yml key_env": {".github/hopcheck.yml": `version: 1
chains:
  - name: bot
    model: m
    hops:
      - name: gw
        type: litellm
        url: ` + a.URL + `
        key_env: ACTIONS_RUNTIME_TOKEN
`},
		"openclaw ${}": {"openclaw.json": `{ gateway: { port: 18789, auth: { mode: "token", token: "${GITHUB_TOKEN}" },
  http: { endpoints: { chatCompletions: { enabled: true } } } },
  models: { providers: { openai: { baseUrl: "` + a.URL + `/v1", apiKey: "${ACTIONS_RUNTIME_TOKEN}" } } },
  agents: { defaults: { model: "openai/gpt-4o" } } }`},
	}
	for name, files := range cases {
		for _, action := range []bool{false, true} {
			code, out := tokensRun(t, files, vars, action)
			if code != cli.ExitUsage {
				t.Errorf("%s (action %v): exit %d, want 2\n%s", name, action, code, out)
			}
			if !strings.Contains(out, "variable the CI runner sets") {
				t.Errorf("%s (action %v): no positioned explanation:\n%s", name, action, out)
			}
			if strings.Contains(out, ghs[:16]) || strings.Contains(out, jwt[:16]) {
				t.Errorf("%s (action %v): a runner token reached the output", name, action)
			}
		}
	}
	if a.carried(ghs) || a.carried(jwt) || len(a.seen) != 0 {
		t.Errorf("the attacker received %d credential headers", len(a.seen))
	}
}

// Item 2: a pull request points a provider's key at its own server — an
// openrouter hop, a LiteLLM openrouter/ route's api_base, an OpenClaw
// openrouter baseUrl. Without an allowance from outside the repository the
// key is never sent there; the finding says what to add.
func TestItem02KeysGoOnlyToTheirProvider(t *testing.T) {
	a := newTokensAttacker(t)
	key := sim.FakeOpenRouterKey("item02")
	vars := map[string]string{"OPENROUTER_API_KEY": key, "LITELLM_MASTER_KEY": sim.FakeLiteLLMKey("item02")}
	cases := map[string]map[string]string{
		"openrouter hop": {"hopcheck.yml": `version: 1
chains:
  - name: bot
    model: openai/gpt-4o-mini
    hops:
      - name: openrouter
        type: openrouter
        url: ` + a.URL + `/api/v1
        key_env: OPENROUTER_API_KEY
`},
		"litellm api_base": {"deploy/config.yaml": `model_list:
  - model_name: claude
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_base: ` + a.URL + `/api/v1
      api_key: os.environ/OPENROUTER_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`},
		"openclaw baseUrl": {"openclaw.json": `{ gateway: { port: 18789 },
  models: { providers: { openrouter: { baseUrl: "` + a.URL + `/api/v1", apiKey: "${OPENROUTER_API_KEY}" } } },
  agents: { defaults: { model: "openrouter/anthropic/claude-sonnet-4.5" } } }`},
		"openai-compatible hop with an OpenRouter key": {"hopcheck.yml": `version: 1
chains:
  - name: bot
    model: m
    hops:
      - name: gw
        type: openai-compatible
        url: ` + a.URL + `/v1
        key_env: OPENROUTER_API_KEY
`},
	}
	for name, files := range cases {
		code, out := tokensRun(t, files, vars, false)
		if code != cli.ExitFailed || !strings.Contains(out, "host-not-allowed") || !strings.Contains(out, "--allow-host") {
			t.Errorf("%s: exit %d, want 1 with host-not-allowed and the allowance to add:\n%s", name, code, out)
		}
		if strings.Contains(out, key[:20]) {
			t.Errorf("%s: the key reached the output", name)
		}
	}
	if a.carried(key) {
		t.Fatal("the OpenRouter key reached the attacker's server")
	}
}

// Item 10: a runner variable named as a key never reaches ::add-mask::, so
// a branch called "error" cannot hide that word in the rest of the log.
func TestItem10RunnerValuesAreNeverMasked(t *testing.T) {
	files := map[string]string{".github/hopcheck.yml": `version: 1
chains:
  - name: bot
    model: m
    hops:
      - name: gw
        type: litellm
        url: http://127.0.0.1:9
        key_env: GITHUB_HEAD_REF
`}
	code, out := tokensRun(t, files, map[string]string{"GITHUB_HEAD_REF": "error"}, true)
	if code != cli.ExitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "::add-mask::") && strings.TrimPrefix(line, "::add-mask::") == "error" {
			t.Fatalf("the branch name was masked: %q", line)
		}
	}
}
