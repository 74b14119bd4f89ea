package main

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The -coldstart mode changes exactly one line of the real Dockerfile:
// the build stage's FROM.
func TestColdStartChangesOnlyTheBuildStageFrom(t *testing.T) {
	df, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(buildStageFrom.FindAllIndex(df, -1)); n != 1 {
		t.Fatalf("%d build-stage FROM lines, want 1", n)
	}
	out := buildStageFrom.ReplaceAll(df, []byte("FROM localhost:1/bench/golang:x AS build"))
	a, b := strings.Split(string(df), "\n"), strings.Split(string(out), "\n")
	if len(a) != len(b) {
		t.Fatalf("line count %d → %d", len(a), len(b))
	}
	var diff []string
	for i := range a {
		if a[i] != b[i] {
			diff = append(diff, a[i]+" → "+b[i])
		}
	}
	if len(diff) != 1 || !strings.HasPrefix(diff[0], "FROM golang:") {
		t.Errorf("changed lines: %q", diff)
	}
}

// The classic builder's image lines are what cleanBuild removes; other
// output (containers, steps) is not.
func TestBuiltImageLines(t *testing.T) {
	out := "Step 1/3 : FROM scratch\n ---> \nStep 2/3 : COPY dist/ /\n ---> 1f9648e9d4cc\nStep 3/3 : RUN x\n ---> Running in 0123456789ab\n ---> 29bdcb7f7402\nSuccessfully built 29bdcb7f7402\n"
	var got []string
	for _, m := range builtImage.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, " ") != "1f9648e9d4cc 29bdcb7f7402" {
		t.Errorf("image IDs = %v", got)
	}
}

// The base layer holds /bin/sh, the libraries it loads and GOROOT at
// /usr/local/go with its go command.
func TestBaseLayer(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	goroot := t.TempDir()
	for name, body := range map[string]string{"bin/go": "#!go", "src/x/y.go": "package y", "VERSION": "go1.26.8"} {
		p := filepath.Join(goroot, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("go", filepath.Join(goroot, "bin", "go-link")); err != nil {
		t.Fatal(err)
	}
	layer := filepath.Join(t.TempDir(), "layer.tar")
	if err := writeBaseLayer(context.Background(), layer, goroot); err != nil {
		t.Skipf("no ldd here: %v", err)
	}
	f, err := os.Open(layer)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]*tar.Header{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if seen[h.Name] != nil {
			t.Errorf("%s twice in the layer", h.Name)
		}
		seen[h.Name] = h
	}
	for _, want := range []string{"bin/sh", "tmp/", "go/", "usr/local/go/bin/go", "usr/local/go/src/x/y.go", "usr/local/go/VERSION"} {
		if seen[want] == nil {
			t.Errorf("layer lacks %s", want)
		}
	}
	if h := seen["usr/local/go/bin/go-link"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "go" {
		t.Errorf("symlink not kept: %+v", h)
	}
	if h := seen["tmp/"]; h != nil && h.Mode&0o1777 != 0o1777 {
		t.Errorf("tmp/ mode %o, want 1777", h.Mode)
	}
	libs := 0
	for name := range seen {
		if strings.Contains(name, ".so") {
			libs++
		}
	}
	if libs == 0 {
		t.Errorf("no shared library for /bin/sh in the layer")
	}
}
