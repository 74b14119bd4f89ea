package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/discover"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/testutil"
	"github.com/hopcheck/hopcheck/internal/trust"
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

// workflowVars are the variables the generated workflow passes to
// hopcheck (`NAME: ${{ secrets.NAME }}`), each set to a stand-in value:
// the environment the check has in CI once the secrets are added.
func workflowVars(wf []byte) map[string]string {
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ +([A-Za-z_][A-Za-z0-9_]*): \$\{\{ secrets\.([A-Za-z_][A-Za-z0-9_]*) \}\}$`).FindAllSubmatch(wf, -1) {
		vars[string(m[1])] = "set-in-ci-" + string(m[2])
	}
	return vars
}

// describe is chain c as the check runs it: the path, every hop's type,
// URL, key variable, header, config and parameters, the canary, the
// timeout, and the request the inference canary sends to the first hop
// (which carries the model as that hop's API takes it).
func describe(c *chain.Chain) string {
	var b strings.Builder
	path := []string{chain.CIHop}
	for _, h := range c.Hops {
		path = append(path, h.Name)
	}
	fmt.Fprintf(&b, "chain %s: %s; canary %s, timeout %s\n", c.Name, strings.Join(path, " → "), c.Canary, c.Timeout)
	for _, h := range c.Hops {
		fmt.Fprintf(&b, "  %s: %s %s key_env=%q header=%+v config=%q params=%v\n", h.Name, h.Type, h.URL, h.KeyEnv, h.KeyHeader, h.Config, h.Params)
	}
	if c.Canary == chain.CanaryInference && len(c.Hops) > 0 {
		in := provider.RequestInput{Base: c.Hops[0].URL, Model: c.Model, Params: c.Hops[0].Params}
		if len(c.Hops) > 1 {
			in.Next = c.Hops[1].Type
		}
		call := provider.For(c.Hops[0].Type).Canary(in)
		body, _ := json.Marshal(call.Body)
		fmt.Fprintf(&b, "  canary: %s %s %v %s\n", call.Method, call.Path, call.Header, body)
	}
	return b.String()
}

// chainsOf derives the chains the check runs in dir with vars: from
// hopcheck.yml when there is one, else by discovery.
func chainsOf(t *testing.T, dir string, vars map[string]string) (map[string]*chain.Chain, []string) {
	t.Helper()
	res, err := prepare(dir, "", func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatalf("deriving the chains of %s: %v", dir, err)
	}
	out := map[string]*chain.Chain{}
	for _, c := range res.Config.Chains {
		out[c.Name] = c
	}
	return out, res.Files
}

// TestInitRoundTripsRealWorldConfigs runs init on a copy of every
// real-world configuration in testdata. The expectation comes from what
// the check derives from the same files without a hopcheck.yml:
//
//   - a configuration the check refuses (exit 2): init exits 2 with the
//     same messages and writes nothing;
//   - one it derives no chain from: init exits 2 naming the findings that
//     say why, and writes nothing;
//   - otherwise the config init writes loads (check --static-only exits 0
//     or 1, never 2), and with the variables its workflow passes set, the
//     check derives from it exactly the chains discovery derives (hops,
//     types, URLs, key variables, canary requests); a credential written
//     into a file that hopcheck.yml cannot name is noted; every key
//     variable is passed by the workflow; the workflow passes actionlint;
//     and no literal credential of the files reaches an output.
func TestInitRoundTripsRealWorldConfigs(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "realworld")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	seen, refused, empty := 0, 0, 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		seen++
		t.Run(e.Name(), func(t *testing.T) {
			pristine := copyTree(t, filepath.Join(root, e.Name()))
			dir := copyTree(t, filepath.Join(root, e.Name()))
			discovered := run(t, pristine, nil, "check", "--print-chains")
			r := run(t, dir, nil, "init")
			nothing := func() {
				t.Helper()
				if r.code != ExitUsage || !strings.Contains(r.stderr, "nothing was written") {
					t.Fatalf("exit %d, want 2 saying nothing was written\n%s%s", r.code, r.stdout, r.stderr)
				}
				if _, err := os.Stat(filepath.Join(dir, ".github")); err == nil {
					t.Errorf("init wrote into .github although it failed")
				}
			}
			switch {
			case discovered.code == ExitUsage:
				refused++
				nothing()
				for _, line := range strings.Split(strings.TrimSpace(discovered.stderr), "\n") {
					if !strings.Contains(r.stderr, line) {
						t.Errorf("init does not say what the check says:\n  %s\ninit:\n%s", line, r.stderr)
					}
				}
				return
			case !strings.Contains(discovered.stdout, "\nchain "):
				empty++
				nothing()
				if !strings.Contains(r.stderr, "no chain could be derived") {
					t.Errorf("init does not say that no chain could be derived:\n%s", r.stderr)
				}
				// The findings the check lists as the reason, at their line
				// or, for what the whole file lacks, at the file.
				why := regexp.MustCompile(`(?m)^  (error|warning) (\S+?(?::\d+:\d+)?): (.*)$`).FindAllStringSubmatch(discovered.stdout, -1)
				if len(why) == 0 {
					t.Fatalf("the check gives no reason:\n%s", discovered.stdout)
				}
				for _, w := range why {
					if want := w[2] + ": " + w[1] + ": " + w[3]; !strings.Contains(r.stderr, want) {
						t.Errorf("init does not say %q:\n%s", want, r.stderr)
					}
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
			vars := workflowVars(wf)
			before, read := chainsOf(t, pristine, vars)
			after, reads := chainsOf(t, dir, vars)
			// A file the check stops reading is named, with what was found
			// in it, since the check will not report that again.
			var named []string
			if m := regexp.MustCompile(`(?m)^  - from now on the check reads \S+ instead of (.*) \(no hop in it names`).FindStringSubmatch(r.stdout); m != nil {
				named = strings.Split(m[1], ", ")
			}
			for _, f := range read {
				if !slices.Contains(reads, f) && !slices.Contains(named, f) {
					t.Errorf("the check no longer reads %s, and init does not say so:\n%s", f, r.stdout)
				}
			}
			for _, name := range slices.Sorted(maps.Keys(before)) {
				b, a := before[name], after[name]
				if a == nil {
					t.Errorf("the generated config does not derive chain %s:\n%s", name, describe(b))
					continue
				}
				if describe(b) != describe(a) {
					t.Errorf("the generated config derives chain %s otherwise:\ndiscovery:\n%sgenerated:\n%s", name, describe(b), describe(a))
				}
				for i, h := range b.Hops {
					if h.KeyValue != "" && h.KeyEnv == "" && i < len(a.Hops) && a.Hops[i].KeyValue == "" &&
						!regexp.MustCompile(`(?m)^  - hop `+regexp.QuoteMeta(h.Name)+` of .*: its credential is written into `+regexp.QuoteMeta(h.KeyEnvPos.String())+`;`).MatchString(r.stdout) {
						t.Errorf("chain %s, hop %s: the credential written into the files is lost without a note:\n%s", name, h.Name, r.stdout)
					}
				}
			}
			for _, name := range slices.Sorted(maps.Keys(after)) {
				if before[name] == nil {
					t.Errorf("the generated config derives chain %s, which discovery does not:\n%s", name, describe(after[name]))
				}
				for _, h := range after[name].Hops {
					if h.KeyEnv != "" && !trust.RunnerVar(h.KeyEnv) && vars[h.KeyEnv] == "" {
						t.Errorf("chain %s, hop %s: key_env %s is not passed by the workflow", name, h.Name, h.KeyEnv)
					}
				}
			}
			if strings.Contains(r.stdout, "Please report this") {
				t.Errorf("init found that its own config derives other chains:\n%s", r.stdout)
			}
			if t.Failed() {
				t.Logf("generated config:\n%s", cfg)
			}
			for _, name := range regexp.MustCompile(`(?m)^  ([A-Za-z_][A-Za-z0-9_]*) +the key `).FindAllStringSubmatch(r.stdout, -1) {
				if vars[name[1]] == "" {
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
	// The corpus keeps all three kinds of expectation exercised.
	if refused == 0 || empty == 0 || seen-refused-empty < 20 {
		t.Errorf("%d configurations refused, %d without a chain, %d round trips: the corpus no longer covers every case", refused, empty, seen-refused-empty)
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
	if !strings.Contains(r.stdout, "delete hopcheck.yml") || !strings.Contains(r.stdout, "GATEWAY_KEY") || strings.Contains(r.stdout, "Please report this") {
		t.Errorf("output:\n%s", r.stdout)
	}
	if c := run(t, dir, nil, "check", "--print-chains"); !strings.Contains(c.stdout, ".github/hopcheck.yml") {
		t.Errorf("the check does not read the new file:\n%s", c.stdout)
	}
}

// TestInitKeepsCredentialsOut: literal keys in the files (in api_key, in a
// URL, in a .env) never reach the generated files or the output; a .env
// naming a provider key gives a direct chain with that variable. The URL
// with a credential is a self-hosted gateway on a private name: on a
// documentation domain (example.com) the route would be a template with no
// hop behind the proxy, and on a public host the OpenAI key would not be
// sent to it.
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
      api_base: https://user:`+urlKey+`@llm.corp.internal/v1
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
