package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// outputs are the renderings compared with golden files, by file suffix.
var outputs = []struct {
	suffix string
	render func(*bytes.Buffer, *finding.Report) error
}{
	{".txt", func(b *bytes.Buffer, r *finding.Report) error { return Text(b, r, Options{}) }},
	{".color.txt", func(b *bytes.Buffer, r *finding.Report) error { return Text(b, r, Options{Color: true}) }},
	{".verbose.txt", func(b *bytes.Buffer, r *finding.Report) error { return Text(b, r, Options{Verbose: true}) }},
	{".json", func(b *bytes.Buffer, r *finding.Report) error { return JSON(b, r) }},
}

// render returns fixture name rendered with the output of suffix.
func render(t *testing.T, name, suffix string) []byte {
	t.Helper()
	for _, f := range fixtures {
		if f.name != name {
			continue
		}
		for _, o := range outputs {
			if o.suffix == suffix {
				var b bytes.Buffer
				if err := o.render(&b, f.r()); err != nil {
					t.Fatalf("render %s%s: %v", name, suffix, err)
				}
				return b.Bytes()
			}
		}
	}
	t.Fatalf("no fixture %s or output %s", name, suffix)
	return nil
}

// TestGolden compares every fixture in every output with its golden file.
// Run `go test ./report -update` to rewrite them after a deliberate change,
// then review the diff.
func TestGolden(t *testing.T) {
	for _, f := range fixtures {
		for _, o := range outputs {
			name := f.name + o.suffix
			t.Run(name, func(t *testing.T) {
				got := render(t, f.name, o.suffix)
				path := filepath.Join("testdata", name)
				if *update {
					if err := WriteFile(path, func(w io.Writer) error { _, err := w.Write(got); return err }); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if d := cmp.Diff(string(want), string(got)); d != "" {
					t.Errorf("%s differs from golden (-want +got):\n%s", path, d)
				}
			})
		}
	}
}

// TestRenderingDoesNotChangeReport: reporters work on a copy.
func TestRenderingDoesNotChangeReport(t *testing.T) {
	for _, f := range fixtures {
		r := f.r()
		for _, o := range outputs {
			var b bytes.Buffer
			if err := o.render(&b, r); err != nil {
				t.Fatal(err)
			}
		}
		if d := cmp.Diff(f.r(), r); d != "" {
			t.Errorf("%s: rendering modified the report (-before +after):\n%s", f.name, d)
		}
	}
}
