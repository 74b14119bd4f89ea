package report

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")

	if err := WriteFile(path, func(w io.Writer) error { return JSON(w, failReport()) }); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := jsonOut(t, failReport()); string(got) != string(want) {
		t.Errorf("file content differs from JSON output")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}

	// A failing render leaves the previous file whole and no temp file.
	boom := errors.New("render failed")
	err = WriteFile(path, func(w io.Writer) error {
		io.WriteString(w, `{"half":`)
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want the render error naming the path", err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(got) {
		t.Errorf("failed write changed the existing file to %q", again)
	}
	assertOnlyFiles(t, dir, "report.json")

	// A large report goes through the buffer and arrives whole.
	big := strings.Repeat("x", 1<<20)
	if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, big); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); len(b) != len(big) {
		t.Errorf("wrote %d bytes, want %d", len(b), len(big))
	}
	assertOnlyFiles(t, dir, "report.json")
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "missing", "r.txt"), func(io.Writer) error { return nil }); err == nil {
		t.Error("write into a missing directory: no error")
	}
	// Renaming over a directory fails; the temp file must not stay behind.
	target := filepath.Join(dir, "adir")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, func(w io.Writer) error { return nil }); err == nil {
		t.Error("write over a non-empty directory: no error")
	}
	assertOnlyFiles(t, dir, "adir")
}

func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("directory holds %v, want %v (temp file left behind?)", got, names)
	}
}
