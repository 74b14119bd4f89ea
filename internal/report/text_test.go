package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/finding"
)

func text(t *testing.T, r *finding.Report, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Text(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTextFailingChain(t *testing.T) {
	out := text(t, failReport(), Options{})
	for _, want := range []string{
		"chain review-bot (model anthropic/claude-sonnet-4.5): FAIL — litellm → openrouter: header-missing\n",
		"chain summarizer (model openai/gpt-4o-mini): PASS\n",
		// The provider is fine alone; the link into it carries the failure.
		"litellm → openrouter (fail: header-missing)",
		"  litellm/config.yaml:6:17: error: litellm relayed OpenRouter's",
		"    fix: Set OPENROUTER_API_KEY in the environment of the litellm proxy",
		// A finding without a position points at its hop's definition, and
		// a finding without a fix gets the catalog's sentence.
		"  .github/hopcheck.yml:10:9: warning: OPENROUTER_API_KEY (sk-or-v1-0e…96) expires in 3 days [key-expiring]\n    fix: Rotate the key before it expires.\n",
		"hopcheck: FAIL (1 chain failed, 1 passed) in 123 ms\n",
		"credentials: LITELLM_KEY sk-12…ef (litellm), OPENROUTER_API_KEY sk-or-v1-0e…96 (openrouter)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	// Root cause before the warning although it was reported after it.
	if e, w := strings.Index(out, ": error:"), strings.Index(out, ": warning:"); e < 0 || w < 0 || e > w {
		t.Errorf("root error should come before the warning:\n%s", out)
	}
	// Info findings and evidence only when verbose.
	if strings.Contains(out, "credits left") || strings.Contains(out, "evidence:") {
		t.Errorf("non-verbose report shows info findings or evidence:\n%s", out)
	}
	v := text(t, failReport(), Options{Verbose: true})
	for _, want := range []string{"info: openrouter accepts OPENROUTER_API_KEY", "    evidence: POST http://127.0.0.1:4000/v1/chat/completions → 401: {"} {
		if !strings.Contains(v, want) {
			t.Errorf("verbose report lacks %q:\n%s", want, v)
		}
	}
	// The same credential used by two chains is listed once.
	if n := strings.Count(out, "OPENROUTER_API_KEY sk-or-v1-0e…96"); n != 1 {
		t.Errorf("credential listed %d times, want 1", n)
	}
}

// TestTextTimings: one decimal, "-" for absent phases, right-aligned.
func TestTextTimings(t *testing.T) {
	out := text(t, failReport(), Options{})
	lines := strings.Split(out, "\n")
	var header, litellm, openrouter string
	for _, l := range lines[:5] {
		switch {
		case strings.HasPrefix(l, "  HOP"):
			header = l
		case strings.HasPrefix(l, "  litellm "):
			litellm = l
		case strings.HasPrefix(l, "  openrouter "):
			openrouter = l
		}
	}
	if header == "" || litellm == "" || openrouter == "" {
		t.Fatalf("table rows not found:\n%s", out)
	}
	if f := strings.Fields(litellm); strings.Join(f[len(f)-5:], " ") != "- 0.3 - 12.0 12.9" {
		t.Errorf("litellm timings = %q, want DNS and TLS absent", f[len(f)-5:])
	}
	if f := strings.Fields(openrouter); strings.Join(f[len(f)-5:], " ") != "1.2 8.4 21.7 95.3 96.0" {
		t.Errorf("openrouter timings = %q", f[len(f)-5:])
	}
	// Columns line up: each header starts where its left-aligned cells
	// start, and right-aligned cells end where their header ends.
	col := func(line, s string) int { return utf8.RuneCountInString(line[:strings.Index(line, s)]) }
	if a, b := col(header, "VERDICT"), col(litellm, "pass"); a != b {
		t.Errorf("VERDICT at %d, litellm's verdict at %d", a, b)
	}
	if a, b := col(header, "VERDICT"), col(openrouter, "pass"); a != b {
		t.Errorf("VERDICT at %d, openrouter's verdict at %d", a, b)
	}
	if utf8.RuneCountInString(header) != utf8.RuneCountInString(litellm) || utf8.RuneCountInString(header) != utf8.RuneCountInString(openrouter) {
		t.Errorf("rows do not end at the same column:\n%s\n%s\n%s", header, litellm, openrouter)
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blank in %q", l)
		}
	}
}

func TestTextOverallLine(t *testing.T) {
	tests := []struct {
		name string
		r    *finding.Report
		want string
	}{
		{"pass", passReport(), "hopcheck: PASS (1 chain passed) in 48 ms\n"},
		{"neutral", neutralReport(), "hopcheck: NEUTRAL (1 chain neutral) in 1 ms\n"},
		{"empty", &finding.Report{}, "hopcheck: NEUTRAL (no chains) in 0 ms\n"},
		{"derived status", func() *finding.Report {
			r := failReport()
			r.Status = ""
			r.Chains = append(r.Chains, r.Chains[1])
			return r
		}(), "hopcheck: FAIL (1 chain failed, 2 passed) in 123 ms\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if out := text(t, tt.r, Options{}); !strings.Contains(out, tt.want) {
				t.Errorf("want %q in:\n%s", tt.want, out)
			}
		})
	}
}

func TestTextNeutralRun(t *testing.T) {
	out := text(t, neutralReport(), Options{})
	for _, want := range []string{
		"run:\n  .github/hopcheck.yml: notice: pull request from a fork",
		"chain review-bot (model anthropic/claude-sonnet-4.5): NEUTRAL — secrets-unavailable\n",
		"credentials: LITELLM_KEY unset (litellm)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestTextColor: colour only when asked, and removing our SGR codes gives
// back the plain report exactly.
func TestTextColor(t *testing.T) {
	for _, f := range fixtures {
		plain := text(t, f.r(), Options{})
		if strings.ContainsRune(plain, 0x1b) {
			t.Errorf("%s: escape byte without colour", f.name)
		}
		colored := text(t, f.r(), Options{Color: true})
		if !strings.Contains(colored, "\x1b[") {
			t.Errorf("%s: no colour with Color", f.name)
		}
		if got := sgr.ReplaceAllString(colored, ""); got != plain {
			t.Errorf("%s: colour changed more than colour:\n%s\n---\n%s", f.name, got, plain)
		}
	}
}

// TestHostileTextIsInert: provider text with escapes, CR/LF and workflow
// commands cannot restyle the terminal or inject commands into a CI log,
// in any output.
func TestHostileTextIsInert(t *testing.T) {
	for _, o := range outputs {
		t.Run(o.suffix, func(t *testing.T) {
			out := string(render(t, "hostile", o.suffix))
			if o.suffix == ".color.txt" {
				out = sgr.ReplaceAllString(out, "") // our own colours only
			}
			checkLogSafe(t, out)
			for _, s := range []string{"owned-title", "\u202E", "2J"} {
				if strings.Contains(out, s) {
					t.Errorf("%q survived:\n%s", s, out)
				}
			}
			// The readable words of the message survive, on one line.
			if !regexp.MustCompile(`pwned RED upstream said exe\.txt bye # #\[error\]legacy`).MatchString(out) {
				t.Errorf("hostile message not kept readable on one line:\n%s", out)
			}
		})
	}
}

// checkLogSafe fails when out could act on a terminal or the Actions runner.
func checkLogSafe(t *testing.T, out string) {
	t.Helper()
	for _, r := range out {
		if r != '\n' && (r < 0x20 || (r >= 0x7f && r <= 0x9f)) {
			t.Errorf("control character %U in output", r)
		}
	}
	if strings.Contains(out, "##[") {
		t.Errorf("legacy workflow command marker in output")
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "::") {
			t.Errorf("line is a workflow command: %q", l)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextErrors(t *testing.T) {
	if err := Text(&bytes.Buffer{}, nil, Options{}); err == nil {
		t.Error("nil report: no error")
	}
	if err := Text(failWriter{}, passReport(), Options{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("writer error not returned: %v", err)
	}
}

func TestColorEnabled(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	// /dev/null stands in for a terminal: both are character devices,
	// which is what ColorEnabled tests (see its comment).
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer dev.Close()
	reg, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()

	tests := []struct {
		name string
		f    *os.File
		env  func(string) string
		want bool
	}{
		{"char device", dev, env("TERM", "xterm-256color"), true},
		{"char device, NO_COLOR empty", dev, env("NO_COLOR", "", "TERM", "xterm"), true},
		{"NO_COLOR set", dev, env("NO_COLOR", "1", "TERM", "xterm"), false},
		{"TERM dumb", dev, env("TERM", "dumb"), false},
		{"regular file", reg, env("TERM", "xterm"), false},
		{"pipe", pw, env("TERM", "xterm"), false},
		{"nil file", nil, env(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ColorEnabled(tt.f, tt.env); got != tt.want {
				t.Errorf("ColorEnabled = %v, want %v", got, tt.want)
			}
		})
	}
}
