package attacks

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/ghaction"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// actKey is the credential the job holds in the tests below; a fork PR must
// never send it.
const actKey = "sk-gw-7c1e0b55a3d94f2e8b6f0a9d2c4e6f81"

// TestActionItem01ForkSendsNoSecret (item 1, fork part): on a PR from a fork
// hopcheck sends no credential on any request, although the variable the
// hop names is set — as an action, as `hopcheck check` run as a plain step
// under GitHub Actions, and on pull_request_target (which has secrets but
// may run the fork's files) unless the maintainer opted in through an
// action input. Every chain is neutral, cause secrets-unavailable, exit 0.
func TestActionItem01ForkSendsNoSecret(t *testing.T) {
	neutral := func(t *testing.T, res actResult) {
		t.Helper()
		if res.code != 0 {
			t.Errorf("exit code %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
		}
		if res.outputs["status"] != "neutral" || res.outputs["cause"] != "secrets-unavailable" {
			t.Errorf("outputs status=%q cause=%q, want neutral / secrets-unavailable", res.outputs["status"], res.outputs["cause"])
		}
		if n := strings.Count(res.stdout, "::notice"); n < 1 {
			t.Errorf("no ::notice explains the skipped live checks:\n%s", res.stdout)
		}
		for _, c := range actChains(t, res.report) {
			if c["status"] != "neutral" || c["cause"] != "secrets-unavailable" {
				t.Errorf("chain %v: status %v cause %v, want neutral / secrets-unavailable", c["name"], c["status"], c["cause"])
			}
		}
	}
	for _, ev := range []string{"pull_request", "pull_request_target"} {
		t.Run("action/"+ev, func(t *testing.T) {
			gw := newActRecorder(t, nil)
			r := newActRun(t, actConfig("2s", gw.URL+"/v1", gw.URL+"/v2"), ev, actForkEvent)
			r.env["GW_KEY"] = actKey
			res := r.run(t)
			gw.assertNoneCarries(t, actKey)
			neutral(t, res)
		})
	}
	t.Run("action/fork-behavior-fail", func(t *testing.T) {
		gw := newActRecorder(t, nil)
		r := newActRun(t, actConfig("2s", gw.URL+"/v1"), "pull_request", actForkEvent)
		r.env["GW_KEY"] = actKey
		r.env["INPUT_FORK-BEHAVIOR"] = "fail"
		res := r.run(t)
		gw.assertNoneCarries(t, actKey)
		if res.code != 1 {
			t.Errorf("fork-behavior fail: exit code %d, want 1", res.code)
		}
	})
	t.Run("plain-step/check", func(t *testing.T) {
		for _, ev := range []string{"pull_request", "pull_request_target"} {
			gw := newActRecorder(t, nil)
			r := newActRun(t, actConfig("2s", gw.URL+"/v1"), ev, actForkEvent)
			r.env["GW_KEY"] = actKey
			r.args = []string{"check", "--config", "hopcheck.yml", "--format", "json"}
			res := r.run(t)
			gw.assertNoneCarries(t, actKey)
			if res.code != 0 {
				t.Errorf("%s: exit code %d, want 0\n%s%s", ev, res.code, res.stdout, res.stderr)
			}
			rep := actReportJSON(t, res.stdout)
			if rep["status"] != "neutral" {
				t.Errorf("%s: report status %v, want neutral", ev, rep["status"])
			}
			for _, c := range actChains(t, rep) {
				if c["cause"] != "secrets-unavailable" {
					t.Errorf("%s: chain %v cause %v, want secrets-unavailable", ev, c["name"], c["cause"])
				}
			}
		}
		gw := newActRecorder(t, nil)
		r := newActRun(t, actConfig("2s", gw.URL+"/v1"), "pull_request", actForkEvent)
		r.env["GW_KEY"] = actKey
		r.args = []string{"check", "--config", "hopcheck.yml", "--fork-behavior", "fail"}
		if res := r.run(t); res.code != 1 {
			t.Errorf("check --fork-behavior fail on a fork: exit %d, want 1", res.code)
		}
		gw.assertNoneCarries(t, actKey)
	})
	// Controls: the same fake does receive the key when hopcheck may send
	// it, so the assertions above are not vacuous.
	t.Run("control/same-repo-pr", func(t *testing.T) {
		gw := newActRecorder(t, nil)
		r := newActRun(t, actConfig("2s", gw.URL+"/v1"), "pull_request", actSameRepoEvent)
		r.env["GW_KEY"] = actKey
		if res := r.run(t); res.code != 0 || res.outputs["status"] != "pass" {
			t.Errorf("same-repository PR: exit %d status %q, want 0 / pass\n%s", res.code, res.outputs["status"], res.stdout)
		}
		if gw.count(http.MethodPost, "/chat/completions") == 0 {
			t.Errorf("the canary did not reach the fake on a same-repository PR")
		}
	})
	t.Run("control/pull_request_target-trusted-by-input", func(t *testing.T) {
		gw := newActRecorder(t, nil)
		r := newActRun(t, actConfig("2s", gw.URL+"/v1"), "pull_request_target", actForkEvent)
		r.env["GW_KEY"] = actKey
		r.env["INPUT_TRUST-FORK-CONFIGS"] = "true"
		if res := r.run(t); res.code != 0 || res.outputs["status"] != "pass" {
			t.Errorf("trust-fork-configs: exit %d status %q, want 0 / pass\n%s", res.code, res.outputs["status"], res.stdout)
		}
		if gw.count(http.MethodPost, "/chat/completions") == 0 {
			t.Errorf("with trust-fork-configs: true the canary was not sent")
		}
	})
}

// TestActionItem08DeadlineBoundsRun (item 8): 40 chains whose hop accepts
// connections and never answers, with per-request timeouts of minutes, end
// near the action's deadline; no hop passes and the message names the
// input to raise.
func TestActionItem08DeadlineBoundsRun(t *testing.T) {
	addr := testutil.Blackhole(t).Addr()
	var b strings.Builder
	b.WriteString("version: 1\ndefaults: {timeout: 5m}\nchains:\n")
	for i := range 40 {
		// Distinct models: no two canaries are identical requests.
		fmt.Fprintf(&b, "  - name: c%d\n    model: m%d\n    hops:\n      - name: gw\n        type: openai-compatible\n        url: http://%s/v1\n        key_env: GW_KEY\n", i, i, addr)
	}
	r := newActRun(t, b.String(), "push", "")
	r.env["GW_KEY"] = actKey
	const deadline = 4 * time.Second
	r.env["INPUT_DEADLINE"] = "4s"
	r.timeout = 45 * time.Second
	res := r.run(t)
	// A bound, not a speed: generous margin for slow machines.
	if res.elapsed > deadline+30*time.Second {
		t.Errorf("the run took %s with deadline %s", res.elapsed.Round(time.Millisecond), deadline)
	}
	if res.code != 1 {
		t.Errorf("exit code %d, want 1 (nothing could be verified)", res.code)
	}
	if !strings.Contains(res.stdout, "`deadline` input") {
		t.Errorf("no message names the `deadline` input:\n%s", res.stdout)
	}
	chains := actChains(t, res.report)
	if len(chains) != 40 {
		t.Fatalf("%d chains in the report, want 40", len(chains))
	}
	for _, c := range chains {
		if c["status"] == "pass" {
			t.Errorf("chain %v passed although its hop never answered", c["name"])
		}
		hops, _ := c["hops"].([]any)
		for _, h := range hops {
			if m, _ := h.(map[string]any); m["status"] == "pass" {
				t.Errorf("chain %v: hop %v passed although it never answered", c["name"], m["name"])
			}
		}
	}
}

// TestActionItem09StickyCommentOwnership (item 9): a comment that carries
// hopcheck's marker but was written by someone else is never edited
// (hopcheck creates its own); hopcheck's own marked comment is updated.
func TestActionItem09StickyCommentOwnership(t *testing.T) {
	marker := ghaction.StickyMarker
	cases := []struct {
		name        string
		user        map[string]any // GET /user; nil answers 403 (GITHUB_TOKEN)
		comments    []testutil.Comment
		wantEdited  []int64
		wantCreated int
	}{
		{name: "other-user-only", comments: []testutil.Comment{
			{ID: 11, Login: "mallory", UserType: "User", Body: "looks fine " + marker},
		}, wantCreated: 1},
		{name: "other-bot-only", comments: []testutil.Comment{
			{ID: 12, Login: "evil-app[bot]", UserType: "Bot", Body: marker + " pass"},
		}, wantCreated: 1},
		{name: "own-after-foreign", comments: []testutil.Comment{
			{ID: 11, Login: "mallory", UserType: "User", Body: marker},
			{ID: 13, Login: "github-actions[bot]", UserType: "Bot", Body: marker + "\nold result"},
		}, wantEdited: []int64{13}},
		{name: "pat-identity", user: map[string]any{"login": "maintainer", "id": 5, "type": "User"}, comments: []testutil.Comment{
			{ID: 14, Login: "github-actions[bot]", UserType: "Bot", Body: marker},
			{ID: 15, Login: "maintainer", UserType: "User", Body: marker},
		}, wantEdited: []int64{15}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gw := newActRecorder(t, nil)
			api := testutil.NewGitHub(t)
			api.ServePR("o/r", 7, tc.comments...)
			api.ServeUser(tc.user)
			r := newActRun(t, actConfig("2s", gw.URL+"/v1"), "pull_request", actSameRepoEvent)
			r.env["GW_KEY"] = actKey
			r.env["INPUT_COMMENT"] = "true"
			r.env["INPUT_GITHUB-TOKEN"] = "ghs_" + strings.Repeat("x", 36)
			r.env["GITHUB_API_URL"] = api.URL
			res := r.run(t)
			if res.code != 0 {
				t.Fatalf("exit code %d\n%s%s", res.code, res.stdout, res.stderr)
			}
			var edited []int64
			created := 0
			for _, w := range api.Written() {
				if w.Edited != 0 {
					edited = append(edited, w.Edited)
				} else {
					created++
				}
			}
			if fmt.Sprint(edited) != fmt.Sprint(tc.wantEdited) || created != tc.wantCreated {
				t.Errorf("edited %v, created %d; want edited %v, created %d (calls %v)", edited, created, tc.wantEdited, tc.wantCreated, api.Calls())
			}
		})
	}
}

// TestActionItem11CanaryNeverDoubleBilled (item 11): an inference POST
// that timed out or may have reached the server is sent once; a 200 event
// stream without a completion event is not a pass; a timeout message gives
// the total time across attempts.
func TestActionItem11CanaryNeverDoubleBilled(t *testing.T) {
	var checkConfig func(t *testing.T, config string) map[string]any
	check := func(t *testing.T, url, timeout string) map[string]any {
		t.Helper()
		return checkConfig(t, actConfig(timeout, url))
	}
	checkConfig = func(t *testing.T, config string) map[string]any {
		t.Helper()
		r := newActRun(t, config, "push", "")
		for _, k := range []string{"GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"} {
			delete(r.env, k)
		}
		r.env["GW_KEY"] = actKey
		r.args = []string{"check", "--config", "hopcheck.yml", "--format", "json"}
		res := r.run(t)
		return actReportJSON(t, res.stdout)
	}
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	t.Run("post-timeout-sent-once", func(t *testing.T) {
		gw := newActRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				hang(w, r)
				return
			}
			actHealthy(w, r)
		})
		rep := check(t, gw.URL+"/v1", "1s")
		if n := gw.count(http.MethodPost, "/chat/completions"); n != 1 {
			t.Errorf("the timed-out inference POST reached the server %d times, want 1", n)
		}
		if rep["status"] == "pass" {
			t.Errorf("a canary that timed out passed")
		}
	})
	for _, status := range []int{http.StatusBadGateway, http.StatusInternalServerError, http.StatusGatewayTimeout} {
		t.Run(fmt.Sprintf("post-%d-sent-once", status), func(t *testing.T) {
			gw := newActRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(status)
					fmt.Fprintf(w, `{"error":{"message":"upstream failed","code":%d}}`, status)
					return
				}
				actHealthy(w, r)
			})
			check(t, gw.URL+"/v1", "2s")
			if n := gw.count(http.MethodPost, "/chat/completions"); n != 1 {
				t.Errorf("the inference POST answered %d by a gateway reached the server %d times, want 1", status, n)
			}
		})
	}
	t.Run("post-429-retried", func(t *testing.T) {
		var answered atomic.Bool
		gw := newActRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && !answered.Swap(true) {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			actHealthy(w, r)
		})
		rep := check(t, gw.URL+"/v1", "3s")
		if n := gw.count(http.MethodPost, "/chat/completions"); n != 2 {
			t.Errorf("a 429 (not processed) was sent %d times, want 2 (retried once)", n)
		}
		if rep["status"] != "pass" {
			t.Errorf("status %v after a 429 then a completion, want pass", rep["status"])
		}
	})
	for name, body := range map[string]string{
		"garbage":           "hello\nthis is not an event stream\n",
		"json-no-choices":   "data: {\"hello\":\"world\"}\n\ndata: [DONE]\n\n",
		"done-only":         "data: [DONE]\n\n",
		"empty":             "",
		"chunk-no-choices":  "data: {\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\ndata: [DONE]\n\n",
		"unknown-anthropic": "event: ping\ndata: {\"type\":\"ping\"}\n\n",
	} {
		t.Run("sse-"+name, func(t *testing.T) {
			gw := newActRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					w.Header().Set("Content-Type", "text/event-stream")
					_, _ = fmt.Fprint(w, body)
					return
				}
				actHealthy(w, r)
			})
			rep := check(t, gw.URL+"/v1", "2s")
			if rep["status"] == "pass" {
				t.Errorf("a 200 text/event-stream without a completion event passed")
			}
			for _, c := range actChains(t, rep) {
				if c["cause"] != "upstream-error" {
					t.Errorf("chain cause %v, want upstream-error", c["cause"])
				}
			}
		})
	}
	t.Run("sse-valid-passes", func(t *testing.T) {
		gw := newActRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				w.Header().Set("Content-Type", "text/event-stream")
				_, _ = fmt.Fprint(w, "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"OK\"}}]}\n\ndata: [DONE]\n\n")
				return
			}
			actHealthy(w, r)
		})
		if rep := check(t, gw.URL+"/v1", "2s"); rep["status"] != "pass" {
			t.Errorf("a valid completion stream did not pass: %v", rep["status"])
		}
	})
	t.Run("timeout-message-total", func(t *testing.T) {
		// GET is idempotent, so the key check is retried while the budget
		// lasts: each attempt times out after 1 s.
		// auth-only: the canary is the same GET, so every request is one.
		gw := newActRecorder(t, hang)
		rep := checkConfig(t, strings.Replace(actConfig("1s", gw.URL+"/v1"), "{timeout: 1s}", "{timeout: 1s, canary: auth-only}", 1))
		gets := gw.count(http.MethodGet, "/models")
		if gets < 2 {
			t.Fatalf("the key check was sent %d times; the test needs a retried request", gets)
		}
		var msgs []string
		for _, c := range actChains(t, rep) {
			fs, _ := c["findings"].([]any)
			for _, f := range fs {
				m, _ := f.(map[string]any)
				if m["cause"] == "timeout" {
					msgs = append(msgs, fmt.Sprint(m["message"]))
				}
			}
		}
		if len(msgs) == 0 {
			t.Fatalf("no timeout finding: %v", rep)
		}
		for _, m := range msgs {
			if actLongestDuration(m) < 1500*time.Millisecond {
				t.Errorf("after %d attempts of 1 s the timeout message states at most %s: %q", gets, actLongestDuration(m), m)
			}
		}
	})
}

// actLongestDuration returns the longest duration written in s (Go duration syntax).
func actLongestDuration(s string) time.Duration {
	var best time.Duration
	for _, m := range regexp.MustCompile(`\b\d+(?:\.\d+)?(?:ms|s|m)\b`).FindAllString(s, -1) {
		if d, err := time.ParseDuration(m); err == nil && d > best {
			best = d
		}
	}
	return best
}
