package ghaction

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

func TestReadMonitorInputs(t *testing.T) {
	in, err := ReadMonitorInputs(envOf(map[string]string{}))
	if err != nil || in.Mode != ModeCheck || strings.Join(in.Labels, ",") != "hopcheck" {
		t.Errorf("defaults: %+v %v", in, err)
	}
	in, err = ReadMonitorInputs(envOf(map[string]string{"INPUT_MODE": "Monitor", "INPUT_LABELS": "ops, llm\nops\n\nLLM"}))
	if err != nil || in.Mode != ModeMonitor || strings.Join(in.Labels, ",") != "ops,llm" {
		t.Errorf("monitor with labels: %+v %v", in, err)
	}
	_, err = ReadMonitorInputs(envOf(map[string]string{"INPUT_MODE": "watch", "INPUT_LABELS": strings.Repeat("l", 51)}))
	if err == nil || !strings.Contains(err.Error(), `input "mode"`) || !strings.Contains(err.Error(), `input "labels"`) {
		t.Errorf("want both inputs named in the error, got %v", err)
	}
	if _, err := ParseLabels("ok,bad\x1b[31m"); err == nil {
		t.Error("a label with an escape sequence was accepted")
	}
}

// TestIssueKeyCannotForgeTheMarker: whatever a chain is called, its key is
// one token of safe characters, so the marker parses back to it and
// nothing else.
func TestIssueKeyCannotForgeTheMarker(t *testing.T) {
	for _, name := range []string{"review-bot", "a b", "x --> <!-- hopcheck:monitor key=run state=ok cause=ok -->", "é/ü", ""} {
		m := marker(issueKey(name), stateFail, finding.HeaderMissing)
		got := markerRE().FindAllStringSubmatch(m, -1)
		if len(got) != 1 || got[0][1] != issueKey(name) || got[0][3] != "header-missing" {
			t.Errorf("%q: marker %q parses as %q", name, m, got)
		}
		if strings.Count(m, "-->") != 1 {
			t.Errorf("%q: marker %q closes early", name, m)
		}
		if s := subject(issueKey(name)); s != "chain "+name && name != "" && !strings.Contains(name, "\x1b") {
			t.Errorf("subject(%q) = %q", name, s)
		}
	}
}

// TestMonitorIdentityFromUser: with a token whose account GET /user names
// (a personal access token), only that account's marked issues count;
// the same marker under github-actions[bot] or anyone else is ignored.
func TestMonitorIdentityFromUser(t *testing.T) {
	gh := testutil.NewGitHub(t)
	body := marker(issueKey("review-bot"), stateFail, finding.HeaderMissing) + "\nold"
	gh.Handle("GET /user", func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteJSON(w, http.StatusOK, map[string]any{"login": "Hopcheck-Bot"})
	})
	gh.Handle("GET /repos/o/r/issues", func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteJSON(w, http.StatusOK, []map[string]any{
			{"number": 7, "body": body, "user": map[string]any{"login": "github-actions[bot]"}},
			{"number": 8, "body": body, "user": map[string]any{"login": "mallory"}},
			{"number": 9, "body": body, "user": map[string]any{"login": "hopcheck-bot"}},
		})
	})
	var edited map[string]any
	gh.Handle("PATCH /repos/o/r/issues/9", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&edited)
		testutil.WriteJSON(w, http.StatusOK, map[string]any{"number": 9})
	})
	var out strings.Builder
	p := &Publisher{Stdout: &out, APIURL: gh.APIURL(), Getenv: envOf(nil)}
	res := p.Monitor(context.Background(), MonitorInput{Report: failingReport(), Token: "t", Owner: "o", Repo: "r", Complete: true})
	if res.Degraded || strings.Join(res.Updated, ",") != "chain review-bot" || len(res.Opened) != 0 {
		t.Fatalf("result %+v\n%s", res, out.String())
	}
	if title, _ := edited["title"].(string); !strings.Contains(title, "litellm → openrouter: header-missing") {
		t.Errorf("edited title %q", title)
	}
	if b, _ := edited["body"].(string); !strings.HasPrefix(b, "<!-- hopcheck:monitor key=chain:review%2Dbot state=fail cause=header-missing -->\n") ||
		!strings.Contains(b, "OPENROUTER\\_API\\_KEY") {
		t.Errorf("edited body:\n%s", b)
	}
}

func TestMonitorWithoutToken(t *testing.T) {
	var out strings.Builder
	p := &Publisher{Stdout: &out, Getenv: envOf(nil)}
	res := p.Monitor(context.Background(), MonitorInput{Report: failingReport(), Owner: "o", Repo: "r"})
	if !res.Degraded || strings.Count(out.String(), "::notice::") != 1 {
		t.Errorf("want one notice, got %+v\n%s", res, out.String())
	}
}
