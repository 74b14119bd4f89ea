package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/version"
)

// files are the repository files setversion edits, copied from the real
// repository so the test follows them as they change.
var files = []string{
	"internal/version/version.go",
	"action.yml",
	"README.md",
	"docs/action.md",
	".github/workflows/examples/preflight-step.yml",
	".github/workflows/examples/preflight-job.yml",
}

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// copyRepo copies files from the repository into a temp dir.
func copyRepo(t *testing.T) string {
	t.Helper()
	src, dst := repoRoot(t), t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func read(t *testing.T, dir, f string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// changedLines returns the lines of b that differ from a (same length).
func changedLines(t *testing.T, a, b string) []string {
	t.Helper()
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		t.Fatalf("line count changed: %d → %d", len(al), len(bl))
	}
	var out []string
	for i := range al {
		if al[i] != bl[i] {
			out = append(out, bl[i])
		}
	}
	return out
}

func TestSetRewritesEveryPlaceAndNothingElse(t *testing.T) {
	dir := copyRepo(t)
	before := map[string]string{}
	for _, f := range files {
		before[f] = read(t, dir, f)
	}
	changed, err := Set(dir, "v2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"internal/version/version.go", "action.yml", "docs/action.md"} {
		if !strings.Contains(strings.Join(changed, " "), f) {
			t.Errorf("changed = %v, want %s among them", changed, f)
		}
	}
	ver := changedLines(t, before["internal/version/version.go"], read(t, dir, "internal/version/version.go"))
	if len(ver) != 1 || ver[0] != `var Version = "v2.3.4"` {
		t.Errorf("version.go changed lines = %q", ver)
	}
	act := changedLines(t, before["action.yml"], read(t, dir, "action.yml"))
	if len(act) != 1 || act[0] != "  image: docker://ghcr.io/hopcheck/hopcheck:v2.3.4" {
		t.Errorf("action.yml changed lines = %q", act)
	}
	docs := read(t, dir, "docs/action.md")
	if strings.Contains(docs, "ghcr.io/hopcheck/hopcheck:"+version.Version) || !strings.Contains(docs, "ghcr.io/hopcheck/hopcheck:v2.3.4") {
		t.Errorf("docs/action.md still names %s or lacks v2.3.4", version.Version)
	}
	for _, f := range []string{"README.md", "docs/action.md"} {
		for _, l := range changedLines(t, before[f], read(t, dir, f)) {
			if !strings.Contains(l, "hopcheck/hopcheck:v2.3.4") && !strings.Contains(l, "hopcheck/hopcheck@v2") {
				t.Errorf("%s: a line changed that names neither the image nor the major tag: %q", f, l)
			}
		}
	}
	for _, f := range []string{"README.md", "docs/action.md"} {
		if strings.Contains(before[f], "hopcheck/hopcheck@v") && strings.Contains(read(t, dir, f), "hopcheck/hopcheck@v1") {
			t.Errorf("%s still pins hopcheck/hopcheck@v1", f)
		}
	}
	for _, f := range files[4:] {
		s := read(t, dir, f)
		if strings.Contains(before[f], "hopcheck/hopcheck@v") && !strings.Contains(s, "hopcheck/hopcheck@v2\n") {
			t.Errorf("%s does not pin hopcheck/hopcheck@v2", f)
		}
	}
	// Idempotent: the same version again changes nothing.
	again, err := Set(dir, "v2.3.4")
	if err != nil || len(again) != 0 {
		t.Errorf("second Set = %v, %v; want no change", again, err)
	}
}

func TestSetRefusesAndWritesNothing(t *testing.T) {
	for _, v := range []string{"1.2.3", "v1.2", "v1.2.3-rc.1", "v01.2.3", "v1.2.3\n", "latest"} {
		dir := copyRepo(t)
		if _, err := Set(dir, v); err == nil || !strings.Contains(err.Error(), "vMAJOR.MINOR.PATCH") {
			t.Errorf("Set(%q) = %v, want a usage error", v, err)
		}
	}
	// Docs that do not name the image: an error, nothing written.
	dir0 := copyRepo(t)
	if err := os.WriteFile(filepath.Join(dir0, "docs", "action.md"), []byte("# no image named\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Set(dir0, "v9.9.9"); err == nil || !strings.Contains(err.Error(), "names ghcr.io/hopcheck/hopcheck") {
		t.Errorf("Set with docs naming no image = %v, want an error", err)
	}
	if strings.Contains(read(t, dir0, "action.yml"), "v9.9.9") {
		t.Errorf("action.yml was written although the docs name no image")
	}
	// action.yml without the image line: an error naming the file, and no
	// file is touched (the version constant stays).
	dir := copyRepo(t)
	p := filepath.Join(dir, "action.yml")
	b := []byte(read(t, dir, "action.yml"))
	b = bytes.Replace(b, []byte("  image: docker://ghcr.io/hopcheck/hopcheck:"+version.Version), []byte("  image: Dockerfile"), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	verBefore := read(t, dir, "internal/version/version.go")
	_, err := Set(dir, "v9.9.9")
	if err == nil || !strings.Contains(err.Error(), "action.yml") || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("Set without an image line = %v, want an error naming action.yml", err)
	}
	if read(t, dir, "internal/version/version.go") != verBefore {
		t.Errorf("version.go was written although action.yml had no image line")
	}
}

func TestRunExitCodes(t *testing.T) {
	dir := copyRepo(t)
	var out, errb bytes.Buffer
	if code := run([]string{"-C", dir, "v3.0.0"}, &out, &errb); code != 0 {
		t.Fatalf("run = %d, stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "action.yml") {
		t.Errorf("stdout = %q, want the changed files", out.String())
	}
	if code := run([]string{"-C", dir}, &out, &errb); code != 2 {
		t.Errorf("run without a version = %d, want 2", code)
	}
	if code := run([]string{"-C", dir, "three"}, &out, &errb); code != 2 {
		t.Errorf("run with a bad version = %d, want 2", code)
	}
}
