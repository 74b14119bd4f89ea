package cli

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hopcheck/hopcheck/internal/discover"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// copyTree copies the directory src into a new temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// chainLines are the `chain NAME: ci → …` lines of --print-chains.
func chainLines(t *testing.T, dir string) []string {
	t.Helper()
	r := run(t, dir, nil, "check", "--print-chains")
	var out []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "chain ") {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// literals are the credential values written into the repository's files
// (what discovery registers with the scrubber), long enough that finding
// one in an output cannot be a coincidence. A value that is a variable's
// name (apiKey: "OLLAMA_API_KEY", which OpenClaw reads as one) is not a
// credential: init names it as the secret to add.
func literals(t *testing.T, dir string) []string {
	t.Helper()
	res, _ := discover.Discover(dir, nil)
	sc := &secret.Scrubber{}
	res.AddSecrets(sc)
	var out []string
	for _, v := range sc.Values() {
		if len(v) >= 12 && !regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`).MatchString(v) {
			out = append(out, v)
		}
	}
	return out
}

func actionlint(t *testing.T, workflow string) {
	t.Helper()
	bin := testutil.NeedPeer(t, "actionlint", "the workflow hopcheck init writes must pass actionlint")
	out, err := exec.Command(bin, "-no-color", workflow).CombinedOutput()
	if err != nil {
		data, _ := os.ReadFile(workflow)
		t.Errorf("actionlint %s: %v\n%s\n%s", workflow, err, out, data)
	}
}

// cannotChain records the real-world configurations from which no chain
// can be derived, with what init's message must say about each.
var cannotChain = map[string][]string{
	// openclaw.json5 at the root: discovery reads openclaw.json only.
	"aa-cma-agents-list":   {"no openclaw.json"},
	"seo-agent-bare-model": {"no openclaw.json"},
	// The only LiteLLM config does not parse: the message points at it.
	"litellm-docs-openai-orgs-invalid":      {"config.yaml:2:17: LiteLLM config config.yaml cannot be read"},
	"litellm-issue-2322-model-list-mapping": {"config.yaml:2:3: LiteLLM config config.yaml cannot be read: model_list must be a list"},
	"litellm-gcp-cloud-run":                 {"litellm_config.yaml:5:3:", "already defined"},
	// GitHub Models routes read GITHUB_TOKEN: a runner variable is never a
	// credential, so the check refuses the file, and init with it.
	"unified-llm-gateway": {"litellm_config.yaml:67:16: GITHUB_TOKEN is a variable the CI runner sets"},
}

// TestInitRoundTripsRealWorldConfigs runs init on a copy of every
// real-world configuration in testdata: the config it writes loads
// (check --static-only exits 0 or 1, never 2), the check then derives the
// same chains discovery derived without it, the workflow passes
// actionlint, every secret printed is passed by the workflow, and no
// literal credential of the files reaches an output. Where no chain can
// be derived, init exits 2 with a message naming why and writes nothing.
func TestInitRoundTripsRealWorldConfigs(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "realworld")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		seen++
		t.Run(e.Name(), func(t *testing.T) {
			dir := copyTree(t, filepath.Join(root, e.Name()))
			before := chainLines(t, dir)
			r := run(t, dir, nil, "init")
			if want, ok := cannotChain[e.Name()]; ok {
				if r.code != ExitUsage || !strings.Contains(r.stderr, "nothing was written") {
					t.Fatalf("exit %d, want 2 saying nothing was written\n%s%s", r.code, r.stdout, r.stderr)
				}
				for _, w := range want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("the message does not say %q:\n%s", w, r.stderr)
					}
				}
				if _, err := os.Stat(filepath.Join(dir, ".github")); err == nil {
					t.Errorf("init wrote into .github although it failed")
				}
				return
			}
			if r.code != ExitOK {
				t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			cfg, err := os.ReadFile(filepath.Join(dir, ".github", "hopcheck.yml"))
			if err != nil {
				t.Fatal(err)
			}
			wfPath := filepath.Join(dir, ".github", "workflows", "hopcheck.yml")
			wf, err := os.ReadFile(wfPath)
			if err != nil {
				t.Fatal(err)
			}
			c := run(t, dir, nil, "check", "--static-only")
			if c.code != ExitOK && c.code != ExitFailed {
				t.Errorf("check --static-only on the generated config: exit %d\n%s%s\n%s", c.code, c.stdout, c.stderr, cfg)
			}
			if after := chainLines(t, dir); !slices.Equal(before, after) {
				t.Errorf("the generated config derives other chains than discovery:\nbefore %q\nafter  %q\n%s", before, after, cfg)
			}
			for _, name := range regexp.MustCompile(`(?m)^  ([A-Za-z_][A-Za-z0-9_]*) +the key `).FindAllStringSubmatch(r.stdout, -1) {
				if !strings.Contains(string(wf), name[1]+": ${{ secrets."+name[1]+" }}") {
					t.Errorf("secret %s is printed but not passed by the workflow", name[1])
				}
			}
			for _, v := range literals(t, dir) {
				if strings.Contains(r.stdout+r.stderr+string(cfg)+string(wf), v) {
					t.Errorf("a literal credential of the repository (%s) is in init's output", secret.Fingerprint(v))
				}
			}
			actionlint(t, wfPath)
		})
	}
	if seen < 30 {
		t.Fatalf("only %d real-world configurations found in %s", seen, root)
	}
}

// TestInitWorkflowPermissions: least privilege, job by job.
func TestInitWorkflowPermissions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "deploy/litellm.yaml", `model_list:
  - model_name: claude
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`)
	r := run(t, dir, nil, "init")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, ".github/workflows/hopcheck.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On          map[string]any `yaml:"on"`
		Permissions map[string]any `yaml:"permissions"`
		Jobs        map[string]struct {
			If          string            `yaml:"if"`
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	for _, ev := range []string{"pull_request", "schedule", "workflow_dispatch"} {
		if _, ok := wf.On[ev]; !ok {
			t.Errorf("the workflow does not run on %s", ev)
		}
	}
	if len(wf.Permissions) != 0 {
		t.Errorf("workflow-level permissions %v, want none", wf.Permissions)
	}
	want := map[string]map[string]string{
		"preflight": {"contents": "read", "pull-requests": "write"},
		"monitor":   {"contents": "read", "issues": "write"},
	}
	for name, perms := range want {
		job, ok := wf.Jobs[name]
		if !ok {
			t.Fatalf("no job %s", name)
		}
		if !equalMaps(job.Permissions, perms) {
			t.Errorf("job %s permissions %v, want %v", name, job.Permissions, perms)
		}
		last := job.Steps[len(job.Steps)-1]
		if last.Uses != "hopcheck/hopcheck@v1" {
			t.Errorf("job %s ends with %q", name, last.Uses)
		}
		if (last.With["mode"] == "monitor") != (name == "monitor") {
			t.Errorf("job %s runs mode %q", name, last.With["mode"])
		}
		wantEnv := map[string]string{"LITELLM_MASTER_KEY": "${{ secrets.LITELLM_MASTER_KEY }}", "OPENROUTER_API_KEY": "${{ secrets.OPENROUTER_API_KEY }}"}
		if !equalMaps(last.Env, wantEnv) {
			t.Errorf("job %s env %v, want %v", name, last.Env, wantEnv)
		}
	}
	if !strings.Contains(wf.Jobs["preflight"].If, "pull_request") || strings.Contains(wf.Jobs["monitor"].If, "pull_request") {
		t.Errorf("job conditions: preflight %q, monitor %q", wf.Jobs["preflight"].If, wf.Jobs["monitor"].If)
	}
	for _, s := range []string{"LITELLM_MASTER_KEY", "OPENROUTER_API_KEY", ".github/hopcheck.yml", ".github/workflows/hopcheck.yml", "hopcheck check --static-only"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("init's output does not name %s:\n%s", s, r.stdout)
		}
	}
	actionlint(t, filepath.Join(dir, ".github/workflows/hopcheck.yml"))
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInitRefusesToOverwrite: an existing file is kept (exit 2, nothing
// written) unless --force; --force replaces both files.
func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config.yaml", "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: os.environ/OPENAI_API_KEY\n")
	writeFile(t, dir, ".github/workflows/hopcheck.yml", "# mine\n")
	r := run(t, dir, nil, "init")
	if r.code != ExitUsage || !strings.Contains(r.stderr, ".github/workflows/hopcheck.yml already exists; nothing was written") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github/hopcheck.yml")); err == nil {
		t.Error("the config was written although the workflow exists")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, ".github/workflows/hopcheck.yml")); string(b) != "# mine\n" {
		t.Error("the existing workflow was changed")
	}
	r = run(t, dir, nil, "init", "--force")
	if r.code != ExitOK {
		t.Fatalf("--force: exit %d\n%s", r.code, r.stderr)
	}
	first, _ := os.ReadFile(filepath.Join(dir, ".github/hopcheck.yml"))
	if b, _ := os.ReadFile(filepath.Join(dir, ".github/workflows/hopcheck.yml")); !strings.Contains(string(b), "hopcheck/hopcheck@v1") {
		t.Error("--force did not replace the workflow")
	}
	// Again: refused (both exist), then the same output with --force.
	if r := run(t, dir, nil, "init"); r.code != ExitUsage || !strings.Contains(r.stderr, "and .github/workflows/hopcheck.yml already exist") {
		t.Errorf("second run: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, dir, nil, "init", "--force"); r.code != ExitOK {
		t.Fatalf("second --force: %d %s", r.code, r.stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, ".github/hopcheck.yml")); !bytes.Equal(first, again) {
		t.Errorf("init is not deterministic:\n%s\n---\n%s", first, again)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".github", "*", ".*tmp*"))
	left2, _ := filepath.Glob(filepath.Join(dir, ".github", ".*tmp*"))
	if len(left)+len(left2) > 0 {
		t.Errorf("temporary files left behind: %v %v", left, left2)
	}
}

// TestInitDir: --dir names the repository; a .github that leaves it is
// refused and nothing is written outside.
func TestInitDir(t *testing.T) {
	base := t.TempDir()
	writeFile(t, base, "repo/config.yaml", "model_list:\n  - model_name: m\n    litellm_params:\n      model: anthropic/claude-sonnet-4.5\n")
	if r := run(t, base, nil, "init", "--dir", "repo"); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(base, "repo/.github/hopcheck.yml")); err != nil {
		t.Error("--dir was not used")
	}
	outside := t.TempDir()
	writeFile(t, base, "evil/config.yaml", "model_list:\n  - model_name: m\n    litellm_params:\n      model: anthropic/claude-sonnet-4.5\n")
	if err := os.Symlink(outside, filepath.Join(base, "evil/.github")); err != nil {
		t.Skip(err)
	}
	r := run(t, base, nil, "init", "--dir", "evil", "--force")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("a .github link out of the repository: exit %d\n%s", r.code, r.stderr)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("init wrote outside the repository: %v", ents)
	}
	if r := run(t, base, nil, "init", "--dir", "nope"); r.code != ExitUsage || !strings.Contains(r.stderr, "not a directory") {
		t.Errorf("missing --dir: exit %d\n%s", r.code, r.stderr)
	}
}

// TestInitFromHopcheckYML: a hopcheck.yml at the root is the source; its
// chains come over with their hops and positions, and init says the old
// file is now shadowed.
func TestInitFromHopcheckYML(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "hopcheck.yml", `version: 1
chains:
  - name: review-bot
    model: anthropic/claude-sonnet-4.5
    canary: auth-only
    hops:
      - name: gateway
        type: openai-compatible
        url: https://llm.example.com/v1
        key_env: GATEWAY_KEY
        key_header: {name: X-Api-Key, prefix: ""}
`)
	r := run(t, dir, nil, "init")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, ".github/hopcheck.yml"))
	for _, want := range []string{"name: review-bot", "canary: auth-only", "key_env: GATEWAY_KEY", "# hopcheck.yml:10:18", `key_header: {"name":"X-Api-Key","prefix":""}`} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("generated config lacks %q:\n%s", want, cfg)
		}
	}
	if !strings.Contains(r.stdout, "delete hopcheck.yml") || !strings.Contains(r.stdout, "GATEWAY_KEY") {
		t.Errorf("output:\n%s", r.stdout)
	}
	if c := run(t, dir, nil, "check", "--print-chains"); !strings.Contains(c.stdout, ".github/hopcheck.yml") {
		t.Errorf("the check does not read the new file:\n%s", c.stdout)
	}
}

// TestInitKeepsCredentialsOut: literal keys in the files (in api_key, in a
// URL, in a .env) never reach the generated files or the output; a .env
// naming a provider key gives a direct chain with that variable.
func TestInitKeepsCredentialsOut(t *testing.T) {
	dir := t.TempDir()
	orKey := "sk-or-v1-" + strings.Repeat("ab12", 16)
	urlKey := "sk-proj-" + strings.Repeat("Zq9", 16)
	writeFile(t, dir, "config.yaml", `model_list:
  - model_name: leaky
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: `+orKey+`
  - model_name: via-url
    litellm_params:
      model: openai/gpt-4o
      api_base: https://user:`+urlKey+`@llm.example.com/v1
      api_key: os.environ/OPENAI_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`)
	groqKey := "gsk_" + strings.Repeat("Q7", 26)
	writeFile(t, dir, ".env", "GROQ_API_KEY="+groqKey+"\n")
	r := run(t, dir, nil, "init")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, ".github/hopcheck.yml"))
	wf, _ := os.ReadFile(filepath.Join(dir, ".github/workflows/hopcheck.yml"))
	all := r.stdout + r.stderr + string(cfg) + string(wf)
	for _, k := range []string{orKey, urlKey, groqKey} {
		if strings.Contains(all, k) || strings.Contains(all, k[len(k)-16:]) {
			t.Errorf("a credential (%s) is in init's output:\n%s", secret.Fingerprint(k), all)
		}
	}
	for _, want := range []string{"GROQ_API_KEY: ${{ secrets.GROQ_API_KEY }}", "LITELLM_MASTER_KEY: ${{ secrets.LITELLM_MASTER_KEY }}", "OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}"} {
		if !strings.Contains(string(wf), want) {
			t.Errorf("workflow lacks %q:\n%s", want, wf)
		}
	}
	if !strings.Contains(string(cfg), "key_env: GROQ_API_KEY") || !strings.Contains(string(cfg), "canary: auth-only") {
		t.Errorf("no direct chain for the .env's key:\n%s", cfg)
	}
	if c := run(t, dir, nil, "check", "--static-only"); c.code == ExitUsage {
		t.Errorf("check --static-only: exit 2\n%s", c.stderr)
	}
}

// TestInitNothingFound: an empty repository gets a clear message and no
// file.
func TestInitNothingFound(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, nil, "init")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "no chain could be derived") || !strings.Contains(r.stderr, "fix:") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files written: %v", ents)
	}
}

// TestDemoPointsToInit: the demo's text report ends with the next step;
// machine-readable formats stay clean.
func TestDemoPointsToInit(t *testing.T) {
	r := run(t, t.TempDir(), nil, "demo", "--scenario", "healthy")
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "hopcheck init") {
		t.Errorf("last line %q does not point to init", last)
	}
	if r := run(t, t.TempDir(), nil, "demo", "--scenario", "healthy", "--format", "json"); strings.Contains(r.stdout, "hopcheck init") {
		t.Error("the JSON report mentions init")
	}
}
