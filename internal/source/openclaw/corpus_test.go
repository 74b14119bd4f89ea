package openclaw_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/trust"
)

var update = flag.Bool("update", false, "rewrite the golden files of the OpenClaw corpus")

// realworld is the corpus of configurations written by other people (see
// testdata/realworld/README.md): each directory is a repository as its
// authors committed it, with a SOURCE file saying where it comes from and
// what it MEANS.
const realworld = "../../../testdata/realworld"

// The golden files of a corpus directory: what `hopcheck check
// --print-chains` and `hopcheck check --static-only --format json` print
// when run in it by a job that sets no variable. Rewrite them with
// `go test ./internal/source/openclaw -run TestCorpus -update`, then review
// each against the directory's MEANS: statements.
const (
	goldenChains = "print-chains.golden"
	goldenStatic = "static-json.golden"
)

// TestCorpus runs hopcheck on every corpus directory whose configuration
// is an OpenClaw one (openclaw.json or openclaw.json5, at the root or in
// .openclaw/) and compares its outputs with the golden files.
func TestCorpus(t *testing.T) {
	entries, err := os.ReadDir(realworld)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		dir := filepath.Join(realworld, e.Name())
		if !e.IsDir() || !hasOpenClaw(dir) {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			for _, g := range []struct {
				file string
				args []string
			}{
				{goldenChains, []string{"check", "--print-chains"}},
				{goldenStatic, []string{"check", "--static-only", "--format", "json"}},
			} {
				got := runHopcheck(t, dir, g.args...)
				path := filepath.Join(dir, g.file)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (write it with -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s (run with -update and review the diff against SOURCE's MEANS:):\n%s", strings.Join(g.args, " "), path, firstDiff(string(want), got))
				}
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d OpenClaw configurations in the corpus", n)
	}
}

func hasOpenClaw(dir string) bool {
	for _, p := range []string{"openclaw.json", "openclaw.json5", ".openclaw/openclaw.json", ".openclaw/openclaw.json5"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return true
		}
	}
	return false
}

// duration is the one value of a static report that changes between runs.
var duration = regexp.MustCompile(`"duration_ms": [0-9.e+-]+`)

// runHopcheck runs the CLI in dir with an environment that holds no
// variable but the loopback allowance (nothing is sent in these runs).
func runHopcheck(t *testing.T, dir string, args ...string) string {
	t.Helper()
	vars := map[string]string{trust.AllowEnv: sim.LoopbackNet}
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Stdout:    &out, Stderr: &errb, Dir: dir,
	})
	stdout := duration.ReplaceAllString(out.String(), `"duration_ms": 0`)
	return fmt.Sprintf("$ hopcheck %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), code, stdout, errb.String())
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(equal)"
}
