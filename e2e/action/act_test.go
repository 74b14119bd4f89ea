package action

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/peer"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/version"
)

// localStage returns the Dockerfile's `local` stage (from its FROM line to
// the next FROM): the Dockerfile act builds. act builds an action's
// Dockerfile without --target, which would compile the release stage from
// a golang image that no registry serves here.
func localStage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		isFrom := strings.HasPrefix(strings.ToUpper(strings.TrimSpace(l)), "FROM ")
		if isFrom {
			if in {
				break
			}
			in = strings.HasSuffix(strings.ToLower(strings.TrimSpace(l)), " as local")
		}
		if in {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatal("the Dockerfile has no `local` stage")
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}

// fromSource is the runs.image of an action built from its Dockerfile.
const fromSource = "Dockerfile"

// actionWithImage returns the repository's action.yml with its runs.image
// line set to img and every other byte unchanged.
func actionWithImage(t *testing.T, img string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	line := "  image: docker://" + publishedImage + ":" + version.Version + "\n"
	if n := strings.Count(string(b), line); n != 1 {
		t.Fatalf("action.yml has the line %q %d times, want once", strings.TrimSpace(line), n)
	}
	out := strings.Replace(string(b), line, "  image: "+img+"\n", 1)
	if got := readActionMetaBytes(t, []byte(out)).Runs.Image; got != img {
		t.Fatalf("rewritten action.yml runs.image = %q, want %q", got, img)
	}
	return []byte(out)
}

// actRepo makes a git repository for act: the action (action.yml with
// runs.image set to img, the `local` stage as Dockerfile, .dockerignore,
// the binary at dist/hopcheck), the scenario's configuration and the
// workflow from testdata/act. img is fromSource (act builds the
// Dockerfile) or a docker:// reference (act pulls it).
func actRepo(t *testing.T, config []byte, img string) string {
	t.Helper()
	root := repoRoot(t)
	dir := filepath.Join(t.TempDir(), "repo")
	files := map[string][]byte{
		"Dockerfile":   []byte(localStage(t)),
		"hopcheck.yml": config,
		"action.yml":   actionWithImage(t, img),
	}
	for _, f := range []string{".dockerignore"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	wf, err := os.ReadFile(filepath.Join("testdata", "act", ".github", "workflows", "preflight.yml"))
	if err != nil {
		t.Fatal(err)
	}
	files[".github/workflows/preflight.yml"] = wf
	bin, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dist", "hopcheck"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// The action act runs declares exactly the inputs and outputs of the
	// real one (only its image line differs; this guards the copy step).
	got, want := readActionMeta(t, filepath.Join(dir, "action.yml")), readActionMeta(t, filepath.Join(root, "action.yml"))
	if d := cmp.Diff(want.Inputs, got.Inputs); d != "" {
		t.Fatalf("act's action.yml inputs differ (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want.Outputs, got.Outputs); d != "" {
		t.Fatalf("act's action.yml outputs differ (-want +got):\n%s", d)
	}
	git := func(args ...string) {
		t.Helper()
		out, err := run(t, 30*time.Second, dir, append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"),
			"git", append([]string{"-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "hopcheck preflight")
	return dir
}

// runAct runs the workflow with act on the host (-P
// ubuntu-latest=-self-hosted), offline. Two act behaviours are worked
// around, both with --container-options, which act applies to the action's
// container:
//   - a Docker action started from a host job gets the host's paths in
//     GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
//     GITHUB_EVENT_PATH (all under --action-cache-path) but no mount for
//     them, so that directory is bind-mounted at the same path;
//   - the action's container is put on the default bridge network; the
//     simulator listens on 127.0.0.1, so it joins the host network.
func runAct(t *testing.T, dir string, secrets map[string]string) (string, int) {
	t.Helper()
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "act-cache")
	home := filepath.Join(tmp, "home")
	for _, d := range []string{cache, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var sb strings.Builder
	for _, k := range sortedKeys(secrets) {
		fmt.Fprintf(&sb, "%s=%s\n", k, secrets[k])
	}
	secretFile := filepath.Join(tmp, "secrets")
	if err := os.WriteFile(secretFile, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := "--network=host -v " + cache + ":" + cache
	if os.Getuid() != 0 {
		opts += " --user " + strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())
	}
	args := []string{"push",
		"-W", ".github/workflows/preflight.yml",
		"-e", filepath.Join(mustAbs(t, "testdata"), "event_push.json"),
		"-P", "ubuntu-latest=-self-hosted",
		"--secret-file", secretFile,
		"--action-offline-mode",
		"--action-cache-path", cache,
		"--no-cache-server",
		"--container-options", opts,
	}
	// A private HOME: no ~/.actrc of the developer's, and act's own cache
	// stays in the test's temp dir.
	env := append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	start := time.Now()
	out, err := run(t, 3*time.Minute, dir, env, "act", args...)
	code, ok := exitCode(err)
	if !ok {
		t.Fatalf("act: %v\n%s", err, out)
	}
	t.Logf("act: exit %d in %s", code, time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("act output:\n%s", out)
		}
		// act tags every local Docker action act-dockeraction:latest and
		// rebuilds it on each run.
		_, _ = run(t, 30*time.Second, "", nil, "docker", "image", "rm", "-f", "act-dockeraction:latest")
	})
	return out, code
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func needAct(t *testing.T) {
	t.Helper()
	needDocker(t)
	peer.Need(t, "act", "runs the workflow that uses the action (go install github.com/nektos/act@latest)")
	peer.Need(t, "git", "act reads the repository it runs")
}

// TestActFailingChain runs the workflow with act against a chain whose
// proxy lost its upstream key: the hopcheck step fails, so does the job,
// act shows the ::error annotation at the failing hop's line naming the
// link and the cause, and the step's outputs reach the next step.
func TestActFailingChain(t *testing.T) {
	needAct(t)
	sc := startScenario(t, sim.ScenarioProxyLostUpstreamKey)
	dir := actRepo(t, sc.Config, fromSource)
	out, code := runAct(t, dir, sc.Vars)
	assertActFailingChain(t, sc, out, code)
}

// assertActFailingChain checks act's run of the failing-chain scenario.
func assertActFailingChain(t *testing.T, sc *sim.Env, out string, code int) {
	t.Helper()
	if code == 0 {
		t.Errorf("act exited 0; the job must fail on a failing chain")
	}
	line, col := hopLine(t, sc.Config, "openrouter")
	ann := fmt.Sprintf("::error col=%d,file=hopcheck.yml,line=%d,title=hopcheck%%3A litellm → openrouter%%3A header-missing::", col, line)
	for _, want := range []string{
		ann,
		"Failure - Main hopcheck",
		"hopcheck-result outcome=failure status=fail link=litellm → openrouter cause=header-missing report=hopcheck-report.json",
		"Job failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("act output lacks %q", want)
		}
	}
	assertNoLeak(t, secretValues(sc.Vars), map[string]string{"act output": out})
}

// TestActHealthy: the same workflow against a healthy chain succeeds.
func TestActHealthy(t *testing.T) {
	needAct(t)
	sc := startScenario(t, sim.ScenarioHealthy)
	dir := actRepo(t, sc.Config, fromSource)
	out, code := runAct(t, dir, sc.Vars)
	if code != 0 {
		t.Errorf("act exited %d; the job must succeed on a healthy chain", code)
	}
	for _, want := range []string{"Success - Main hopcheck", "hopcheck-result outcome=success status=pass", "Job succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("act output lacks %q", want)
		}
	}
	if strings.Contains(out, "::error") {
		t.Errorf("a healthy chain produced an ::error annotation")
	}
	assertNoLeak(t, secretValues(sc.Vars), map[string]string{"act output": out})
}
