package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/version"
)

// realworld is the corpus of configurations written by other people (see
// testdata/realworld/README.md): each directory is a repository as its
// authors committed it, with a SOURCE file saying where it comes from and
// what it MEANS.
const realworld = "../../testdata/realworld"

// Golden files of a corpus directory: what `hopcheck check --print-chains`
// and `hopcheck check --static-only --format json` print when run in it by
// a job that sets no variable. Rewrite them with `go test ./internal/cli
// -run TestRealWorld -update`, then review each against the directory's
// MEANS: statements.
const (
	goldenChains = "print-chains.golden"
	goldenStatic = "static-json.golden"
)

// TestRealWorld runs hopcheck on every corpus directory that has golden
// files (or on all of them with -update) and compares the outputs.
func TestRealWorld(t *testing.T) {
	entries, err := os.ReadDir(realworld)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(realworld, e.Name())
		if _, err := os.Stat(filepath.Join(dir, goldenChains)); err != nil && !*update {
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
				r := run(t, dir, nil, g.args...)
				// The run's duration differs between runs and the version
				// between releases.
				stdout := durationMS.ReplaceAllString(r.stdout, `"duration_ms": 0`)
				stdout = strings.ReplaceAll(stdout, `"version": "`+version.Version+`"`, `"version": "$VERSION"`)
				got := fmt.Sprintf("$ hopcheck %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(g.args, " "), r.code, stdout, r.stderr)
				path := filepath.Join(dir, g.file)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s (run with -update and review the diff against SOURCE's MEANS:):\n%s", strings.Join(g.args, " "), path, firstDiff(string(want), got))
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no corpus directory has golden files")
	}
}

var durationMS = regexp.MustCompile(`"duration_ms": [0-9.e+-]+`)

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
