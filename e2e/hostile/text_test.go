// Package hostile feeds hostile input through the whole product: upstream
// error bodies that try to become workflow commands, terminal escapes or
// Markdown/HTML in a PR comment, and configuration files built to exhaust
// the parsers. Every output must stay inert and every bad file must be
// refused quickly with a clear error.
package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/ghaction"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// payload is what a hostile (or compromised, or merely careless) upstream
// puts in its error text: workflow commands at line starts (LF, CRLF and a
// lone CR), the legacy `##[` form, ANSI/OSC escapes, a literal `%0A` that
// must not turn into a line break, and Markdown/HTML that would render,
// notify or link in a PR comment.
const payload = "pwned\n::error::forged-error\r\n::add-mask::hunter2\r::stop-commands::tok3n\n" +
	"##[group]forged-group \x1b[31mred\x1b[0m \x1b]0;retitled\x07 \x1b[2J" +
	" @octocat <img src=x onerror=alert(1)> ```js\n[click](javascript:alert(1)) %0A::warning::encoded <details>"

// hostileOpenRouter answers every request to /api/v1/* with 401 and the
// payload as OpenRouter's error message (JSON).
func hostileOpenRouter() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": payload, "code": 401}})
	})
}

// hostileGateway answers every request with a 502 HTML page carrying the
// payload (a proxy's error page).
func hostileGateway() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Server", "nginx")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 "+payload+"</title></head><body><h1>"+payload+"</h1></body></html>")
	})
}

var orKey = sim.FakeOpenRouterKey("e2e-hostile")

// hostileReport runs the engine over two chains whose upstreams answer
// with the payload and returns the report.
func hostileReport(t *testing.T) *finding.Report {
	t.Helper()
	a, err := sim.Listen("", hostileOpenRouter())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := sim.Listen("", hostileGateway())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	yml := fmt.Sprintf(`version: 1
defaults:
  timeout: 2s
chains:
  - name: key-rejected
    model: anthropic/claude-sonnet-4.5
    hops:
      - name: openrouter
        type: openrouter
        url: %s/api/v1
        key_env: OPENROUTER_API_KEY
  - name: gateway-page
    model: anthropic/claude-sonnet-4.5
    hops:
      - name: openrouter
        type: openrouter
        url: %s/api/v1
        key_env: OPENROUTER_API_KEY
`, a.URL, b.URL)
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	sc := &secret.Scrubber{}
	c := probe.New(sc)
	c.MaxRetries = 0
	rep := checks.Run(context.Background(), cfg, checks.Options{
		LookupEnv: func(k string) (string, bool) { return orKey, k == "OPENROUTER_API_KEY" },
		Allow:     testutil.AllowLoopback(t), Scrubber: sc, Client: c,
	})
	if rep.Status != finding.Fail || len(rep.Chains) != 2 {
		t.Fatalf("status %s, %d chains", rep.Status, len(rep.Chains))
	}
	// Not vacuous: the payload reached the report's free text.
	raw, _ := json.Marshal(rep)
	if !bytes.Contains(raw, []byte("forged-error")) || !bytes.Contains(raw, []byte("octocat")) {
		t.Fatalf("the payload did not reach the report; the test would prove nothing:\n%s", raw)
	}
	return rep
}

// controls finds C0 controls other than LF (and TAB), DEL and C1 controls.
var controls = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]")

// assertNoCommand fails when a line of out could be read by the runner as
// a workflow command other than allowed ones (nil: none allowed).
func assertNoCommand(t *testing.T, where, out string, allowed ...string) {
	t.Helper()
	if strings.Contains(out, "##[") {
		t.Errorf("%s contains the legacy command form ##[", where)
	}
	for i, l := range strings.Split(out, "\n") {
		tl := strings.TrimLeft(l, " \t")
		if !strings.HasPrefix(tl, "::") {
			continue
		}
		name := tl[2:]
		if j := strings.IndexAny(name, " :"); j >= 0 {
			name = name[:j]
		}
		ok := false
		for _, a := range allowed {
			ok = ok || name == a
		}
		if !ok {
			t.Errorf("%s line %d is a workflow command %q: %q", where, i+1, name, l)
		}
	}
}

func assertNoControls(t *testing.T, where, out string) {
	t.Helper()
	if m := controls.FindString(out); m != "" {
		t.Errorf("%s contains control character %q", where, m)
	}
}

func TestHostileTextReport(t *testing.T) {
	rep := hostileReport(t)
	for _, verbose := range []bool{false, true} {
		var buf bytes.Buffer
		if err := report.Text(&buf, rep, report.Options{Verbose: verbose}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		where := fmt.Sprintf("text report (verbose %v)", verbose)
		assertNoControls(t, where, out)
		assertNoCommand(t, where, out)
		if !strings.Contains(out, "forged-error") {
			t.Errorf("%s dropped the provider's text instead of neutralising it:\n%s", where, out)
		}
	}
}

func TestHostileJSONReport(t *testing.T) {
	rep := hostileReport(t)
	var buf bytes.Buffer
	if err := report.JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("invalid JSON:\n%s", buf.String())
	}
	assertNoControls(t, "JSON report", buf.String())
	// Decoded, no string carries an escape, a control or a line break.
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if m := controls.FindString(x); m != "" || strings.ContainsAny(x, "\n\r") {
				t.Errorf("JSON %s = %q carries a control character or line break", path, x)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		}
	}
	walk("$", v)
}

var (
	// A mention GitHub would link and notify: @ after a non-word
	// character, followed by a login character.
	liveMention = regexp.MustCompile(`(?:^|[^\w\x{200d}])@[A-Za-z0-9]`)
	rawTag      = regexp.MustCompile(`(?i)<(?:img|details|script|a|iframe|svg)\b`)
	// A link whose closing bracket is not escaped (`\](` is literal text).
	liveJSLink = regexp.MustCompile(`(?i)(?:^|[^\\])\]\(\s*javascript:`)
)

// assertInertMarkdown checks Markdown that GitHub renders (step summary,
// PR comment).
func assertInertMarkdown(t *testing.T, where, md string) {
	t.Helper()
	assertNoControls(t, where, md)
	if m := rawTag.FindString(md); m != "" {
		t.Errorf("%s contains a raw HTML tag %q", where, m)
	}
	if m := liveMention.FindString(md); m != "" {
		t.Errorf("%s contains a live @mention %q", where, m)
	}
	if strings.Contains(md, "```") {
		t.Errorf("%s contains a code fence", where)
	}
	if m := liveJSLink.FindString(md); m != "" {
		t.Errorf("%s contains a live javascript: link %q", where, m)
	}
	if !strings.Contains(md, "octocat") {
		t.Errorf("%s dropped the provider's text instead of neutralising it", where)
	}
}

func TestHostileGitHubOutputs(t *testing.T) {
	rep := hostileReport(t)
	dir := t.TempDir()
	outFile, sumFile := filepath.Join(dir, "output"), filepath.Join(dir, "summary.md")
	for _, f := range []string{outFile, sumFile} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": outFile, "GITHUB_STEP_SUMMARY": sumFile,
		"GITHUB_REPOSITORY": "acme/bot", "GITHUB_WORKSPACE": dir,
	}
	api := testutil.NewGitHub(t)
	api.ServePR("acme/bot", 7)
	var stdout bytes.Buffer
	on := true
	p := &ghaction.Publisher{Stdout: &stdout, Getenv: func(k string) string { return env[k] }, APIURL: api.APIURL()}
	err := p.Publish(context.Background(), ghaction.PublishInput{
		Report: rep,
		Inputs: ghaction.Inputs{FailOn: "error", GitHubToken: "ghs_" + strings.Repeat("t", 36), Comment: &on},
		Event:  ghaction.Event{Name: "pull_request", PR: 7, Owner: "acme", Repo: "bot"},
	})
	if err != nil {
		t.Fatal(err)
	}

	// Annotations: hopcheck's own commands only, each one line, data
	// escaped (%0A for its own line breaks, %25 for a literal %).
	out := stdout.String()
	assertNoControls(t, "stdout", out)
	assertNoCommand(t, "stdout", out, "error", "warning", "notice")
	if strings.Count(out, "::error") == 0 {
		t.Fatalf("no error annotation:\n%s", out)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		for _, bad := range []string{"::add-mask::", "::stop-commands::"} {
			if strings.HasPrefix(strings.TrimLeft(l, " \t"), bad) {
				t.Errorf("provider command %s is effective: %q", bad, l)
			}
		}
	}
	if !strings.Contains(out, "%250A") {
		t.Errorf("the provider's literal %%0A was not escaped to %%250A:\n%s", out)
	}
	if !strings.Contains(out, "forged-error") {
		t.Errorf("the annotations dropped the provider's text:\n%s", out)
	}

	// Step outputs: name=value lines or heredocs, no stray line.
	outputs, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	assertNoControls(t, "GITHUB_OUTPUT", string(outputs))
	assertNoCommand(t, "GITHUB_OUTPUT", string(outputs))

	// Step summary and PR comment: Markdown GitHub renders.
	summary, err := os.ReadFile(sumFile)
	if err != nil {
		t.Fatal(err)
	}
	assertInertMarkdown(t, "step summary", string(summary))
	comments := api.Written()
	if len(comments) != 1 {
		t.Fatalf("%d PR comments posted, want 1", len(comments))
	}
	assertInertMarkdown(t, "PR comment", comments[0].Body)
	if !strings.Contains(comments[0].Body, ghaction.StickyMarker) {
		t.Error("the comment lacks the sticky marker")
	}
}
