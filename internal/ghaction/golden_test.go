package ghaction

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenMarkdown publishes each report of testdata/reports on a pull
// request and compares the step summary and the sticky PR comment with
// testdata/golden/NAME.summary.md and NAME.comment.md. The reports are
// what the engine wrote for simulated chains (ports and timings fixed): a
// pass, a failure with its root cause, a fork PR's neutral run, a
// static-only run that verified nothing, and a provider answering with
// hostile text. Run `go test ./internal/ghaction -run TestGoldenMarkdown
// -update` after a deliberate change and review the diff: this is text
// every maintainer reads.
func TestGoldenMarkdown(t *testing.T) {
	files, err := filepath.Glob("testdata/reports/*.json")
	if err != nil || len(files) < 5 {
		t.Fatalf("report fixtures: %v %v", files, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var rep finding.Report
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			api := testutil.NewGitHub(t)
			api.ServePR("acme/review-bot", 42)
			s := newStep(t)
			if _, err := publish(t, s, PublishInput{Report: &rep, Inputs: Inputs{GitHubToken: "ghs_golden"},
				Event: prEvent(t, "event_pull_request.json"), ReportPath: "hopcheck-report.json"}, api); err != nil {
				t.Fatal(err)
			}
			written := api.Written()
			if len(written) != 1 {
				t.Fatalf("%d comments written, want 1", len(written))
			}
			golden(t, name+".summary.md", s.summaryText(t))
			golden(t, name+".comment.md", written[0].Body)
		})
	}
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, d)
	}
}
