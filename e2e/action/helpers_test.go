// Package action tests hopcheck's GitHub Action contract with real runners:
// the image built by a real Docker daemon from the repository's Dockerfile
// and run exactly as the Actions runner runs a container action
// (container_test.go), a workflow run by nektos/act with the action built
// from the Dockerfile (act_test.go) and with the action's image pulled
// from a local OCI registry, as released (registry_test.go). action.yml
// itself is checked against the ghaction package and internal/version
// (actionyml_test.go). HOPCHECK_E2E_IMAGE makes the tests use a given
// image instead of the `local` stage (the release workflow's candidate).
//
// Docker, act and crane are peers: without them the tests skip, unless
// HOPCHECK_REQUIRE_PEERS=1 (.ci/run), where they fail.
package action

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/hopcheck/hopcheck/internal/testutil"
	"github.com/hopcheck/hopcheck/internal/version"
)

// maxImageBytes is the size budget of the image (≤ 10 MiB).
const maxImageBytes = 10 << 20

// shared holds what the tests build once per package run.
var shared struct {
	dir string // temp dir for the binary and the build context

	binOnce sync.Once
	bin     string
	binErr  error

	imgOnce  sync.Once
	image    string
	imgErr   error
	imgNote  string
	imgBuilt bool
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.imgBuilt {
		_ = exec.Command("docker", "image", "rm", "-f", shared.image).Run()
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// repoRoot is the module root (two levels up from this package).
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func sharedDir(t testing.TB) string {
	t.Helper()
	if shared.dir == "" {
		d, err := os.MkdirTemp("", "hopcheck-e2e-action-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir = d
	}
	return shared.dir
}

// run runs a command with a deadline and returns its combined output.
func run(t testing.TB, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("%s timed out after %s: %w", name, timeout, ctx.Err())
	}
	return string(out), err
}

// needDocker returns when a Docker daemon answers; otherwise it skips the
// test, or fails it when peers are required.
func needDocker(t *testing.T) {
	t.Helper()
	testutil.NeedPeer(t, "docker", "builds and runs the action's image")
	if out, err := run(t, 30*time.Second, "", nil, "docker", "info", "--format", "{{.ServerVersion}}"); err != nil {
		msg := fmt.Sprintf("docker is installed but the daemon does not answer (docker info: %v: %s); .ci/run starts dockerd", err, strings.TrimSpace(out))
		if testutil.PeersRequired() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// buildTags are the Dockerfile's build tags (TestBinaryBuiltAsDockerfile):
// the image-size budget is judged on a binary built like the release's.
const buildTags = "nethttpomithttp2"

// binary builds the static hopcheck binary once, the way the Dockerfile's
// build stage does (CGO_ENABLED=0, -trimpath, stripped, version stamped).
func binary(t *testing.T) string {
	t.Helper()
	shared.binOnce.Do(func() {
		dir := filepath.Join(sharedDir(t), "ctx", "dist")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			shared.binErr = err
			return
		}
		bin := filepath.Join(dir, "hopcheck")
		env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		out, err := run(t, 5*time.Minute, repoRoot(t), env, "go", "build", "-trimpath", "-tags", buildTags,
			"-ldflags", "-s -w -X github.com/hopcheck/hopcheck/internal/version.Version="+stampedVersion, "-o", bin, "./cmd/hopcheck")
		if err != nil {
			shared.binErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		shared.bin = bin
	})
	if shared.binErr != nil {
		t.Fatal(shared.binErr)
	}
	return shared.bin
}

// imageEnv names an image the container tests run instead of building
// one: the release workflow tests the image it is about to publish.
const imageEnv = "HOPCHECK_E2E_IMAGE"

// stampedVersion is the version binary() stamps; an image from imageEnv
// carries the version of the source tree (internal/version).
const stampedVersion = "e2e"

// wantImageVersion is the version `hopcheck version` prints in image(t).
func wantImageVersion() string {
	if os.Getenv(imageEnv) != "" {
		return version.Version
	}
	return stampedVersion
}

// image returns the image under test: the one named by HOPCHECK_E2E_IMAGE,
// or the Dockerfile's `local` stage, built once from a build context
// holding only the prebuilt binary (dist/hopcheck) and the repository's
// .dockerignore.
func image(t *testing.T) string {
	t.Helper()
	needDocker(t)
	if img := os.Getenv(imageEnv); img != "" {
		if out, err := run(t, 30*time.Second, "", nil, "docker", "image", "inspect", "--format", "{{.Id}}", img); err != nil {
			t.Fatalf("%s=%s: docker image inspect: %v\n%s", imageEnv, img, err, out)
		}
		return img
	}
	bin := binary(t)
	shared.imgOnce.Do(func() {
		ctx := filepath.Dir(filepath.Dir(bin))
		for _, f := range []string{"Dockerfile", ".dockerignore"} {
			b, err := os.ReadFile(filepath.Join(repoRoot(t), f))
			if err != nil {
				shared.imgErr = err
				return
			}
			if err := os.WriteFile(filepath.Join(ctx, f), b, 0o644); err != nil {
				shared.imgErr = err
				return
			}
		}
		tag := "hopcheck-e2e:" + randHex(t, 6)
		build := func(buildkit string) (string, error) {
			env := append(os.Environ(), "DOCKER_BUILDKIT="+buildkit)
			return run(t, 3*time.Minute, ctx, env, "docker", "build", "--target", "local", "-t", tag, ".")
		}
		out, err := build("1")
		if err != nil && strings.Contains(out, "buildx component is missing") {
			// A docker CLI ≥ 23 without the buildx plugin refuses
			// DOCKER_BUILDKIT=1. `local` is the first stage, so the
			// classic builder, which stops at the target, needs no
			// registry either.
			shared.imgNote = "docker CLI has no buildx plugin; built with the classic builder (DOCKER_BUILDKIT=0)"
			out, err = build("0")
		}
		if err != nil {
			shared.imgErr = fmt.Errorf("docker build --target local: %v\n%s", err, out)
			return
		}
		shared.image, shared.imgBuilt = tag, true
	})
	if shared.imgErr != nil {
		t.Fatal(shared.imgErr)
	}
	if shared.imgNote != "" {
		t.Log(shared.imgNote)
	}
	return shared.image
}

func randHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// actionMeta is the part of action.yml the tests read.
type actionMeta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Image string `yaml:"image"`
	} `yaml:"runs"`
}

func readActionMeta(t testing.TB, path string) actionMeta {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m actionMeta
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func readActionMetaBytes(t testing.TB, b []byte) actionMeta {
	t.Helper()
	var m actionMeta
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return m
}

// inputEnv returns the INPUT_* variables the runner sets for a step using
// the action: every declared input, with its default unless the step's
// `with:` sets it. The name is upper-cased, spaces become _, hyphens stay
// (actions/runner Handler.AddInputsToEnvironment). Defaults that are
// expressions are evaluated by the caller through exprs.
func inputEnv(t testing.TB, meta actionMeta, with, exprs map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for name, in := range meta.Inputs {
		v := ""
		if in.Default != nil {
			v = *in.Default
		}
		if strings.Contains(v, "${{") {
			e, ok := exprs[v]
			if !ok {
				t.Fatalf("input %s: no value for the default expression %q", name, v)
			}
			v = e
		}
		if w, ok := with[name]; ok {
			v = w
		}
		env["INPUT_"+strings.ToUpper(strings.ReplaceAll(name, " ", "_"))] = v
	}
	for name := range with {
		if _, ok := meta.Inputs[name]; !ok {
			t.Fatalf("with: %s is not an input of action.yml", name)
		}
	}
	return env
}

// hopLine returns the 1-based line and column of the `name:` key of the
// hop named hop in a configuration rendered by package sim.
func hopLine(t testing.TB, config []byte, hop string) (line, col int) {
	t.Helper()
	for i, l := range strings.Split(string(config), "\n") {
		if strings.TrimSpace(l) == "- name: "+hop {
			return i + 1, strings.Index(l, "name:") + 1
		}
	}
	t.Fatalf("hop %q not found in the configuration:\n%s", hop, config)
	return 0, 0
}

// newFakeGitHub is a GitHub API on loopback serving the sticky comment on
// the pull request of event_pull_request.json, or, with forbid, answering
// every request 403 like the read-only token of a fork PR.
func newFakeGitHub(t *testing.T, forbid bool) *testutil.GitHub {
	t.Helper()
	api := testutil.NewGitHub(t)
	if forbid {
		api.ForbidAll()
	} else {
		api.ServePR("acme/review-bot", 42)
	}
	return api
}

// assertNoLeak fails when a secret value appears anywhere in texts, except
// in the ::add-mask:: commands that register it with the runner (that is
// their purpose, and the runner consumes them).
func assertNoLeak(t *testing.T, secrets []string, texts map[string]string) {
	t.Helper()
	for where, text := range texts {
		for _, s := range secrets {
			if s == "" {
				continue
			}
			for i, line := range strings.Split(text, "\n") {
				if !strings.Contains(line, s) {
					continue
				}
				if strings.TrimSpace(line) == "::add-mask::"+s {
					continue
				}
				t.Errorf("a secret (%d characters) appears in %s, line %d", len(s), where, i+1)
			}
		}
	}
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// exitCode extracts a process exit code from an exec error.
func exitCode(err error) (int, bool) {
	if err == nil {
		return 0, true
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), true
	}
	return -1, false
}

// mustAtoi is strconv.Atoi for test data.
func mustAtoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number: %v", s, err)
	}
	return n
}
