// Package surfaces runs hopcheck in every output mode and returns what
// each output surface received, for the tests that search them all for
// what must never appear there (a credential, a forged command).
package surfaces

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// prEvent is a pull request (number 5) from a branch of the repository
// o/r itself, so the comment and the check run are written.
const prEvent = `{"action":"opened","number":5,"pull_request":{"number":5,"head":{"sha":"0123456789abcdef0123456789abcdef01234567","repo":{"id":1,"full_name":"o/r","fork":false}},"base":{"repo":{"id":1,"full_name":"o/r"}}},"repository":{"full_name":"o/r"}}`

// scheduleEvent is a scheduled run of the workflow (monitor mode).
const scheduleEvent = `{"schedule":"17 6 * * *","repository":{"full_name":"o/r"}}`

// Collect runs hopcheck (cli.Main, in process) on config with the job
// variables vars in every output mode — check with each --format to stdout
// and to --output, action mode on a pull request with annotations, step
// summary, step outputs, the JSON report file, the PR comment and the
// check run, and monitor (the CLI and the action's monitor mode on a
// schedule) with the issues it opens — and returns what each surface
// received, by name. Lines
// ::add-mask::VALUE are left out of stdout: they are the one place a value
// must appear (the runner consumes them and masks the value). Loopback
// hosts may receive keys (HOPCHECK_ALLOW_HOSTS=127.0.0.1 unless vars says
// otherwise), as a job allows its own test services.
func Collect(t *testing.T, config string, vars map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hopcheck.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	api := testutil.NewGitHub(t)
	api.ServePR("o/r", 5)
	api.ServeCheckRuns("o/r")
	files := map[string]string{"GITHUB_STEP_SUMMARY": "summary.md", "GITHUB_OUTPUT": "outputs.txt", "GITHUB_EVENT_PATH": "event.json"}
	action := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": dir, "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": api.URL, "INPUT_CONFIG": "hopcheck.yml",
		"INPUT_GITHUB-TOKEN": "ghs_" + strings.Repeat("t", 36), "INPUT_CHECK-RUN": "true", "INPUT_COMMENT": "true",
	}
	for k, f := range files {
		action[k] = filepath.Join(dir, f)
	}
	if err := os.WriteFile(action["GITHUB_EVENT_PATH"], []byte(prEvent), 0o644); err != nil {
		t.Fatal(err)
	}

	// Monitor mode: its own fake API (the issues it opens are a surface of
	// their own) and, for the action, its own workspace.
	issues := monitorAPI(t)
	mdir := filepath.Join(dir, "monitor")
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mdir, "hopcheck.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	monitorAction := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": mdir, "GITHUB_EVENT_NAME": "schedule",
		"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": issues.URL, "INPUT_CONFIG": "hopcheck.yml",
		"INPUT_MODE": "monitor", "INPUT_GITHUB-TOKEN": "ghs_" + strings.Repeat("m", 36),
	}
	for k, f := range files {
		monitorAction[k] = filepath.Join(mdir, f)
	}
	if err := os.WriteFile(monitorAction["GITHUB_EVENT_PATH"], []byte(scheduleEvent), 0o644); err != nil {
		t.Fatal(err)
	}
	monitorCLI := map[string]string{"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": issues.URL, "GITHUB_TOKEN": "ghs_" + strings.Repeat("c", 36)}

	// The runs are independent (each writes its own files), so they run
	// at once: a chain that times out costs its timeout once, not nine
	// times.
	out := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	run := func(name string, args []string, extra map[string]string) {
		env := map[string]string{"HOPCHECK_ALLOW_HOSTS": "127.0.0.1"}
		for _, m := range []map[string]string{vars, extra} {
			for k, v := range m {
				env[k] = v
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stdout, stderr bytes.Buffer
			cli.Main(context.Background(), args, cli.Env{
				LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				Stdout:    &stdout, Stderr: &stderr, Dir: dir,
			})
			var kept []string
			for _, line := range strings.Split(stdout.String(), "\n") {
				if !strings.HasPrefix(line, "::add-mask::") {
					kept = append(kept, line)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			out[name+" stdout"] = strings.Join(kept, "\n")
			out[name+" stderr"] = stderr.String()
		}()
	}
	formats := []string{"text", "json", "junit", "sarif"}
	for _, format := range formats {
		run("check "+format, []string{"check", "--config", cfg, "--format", format}, nil)
		run("check "+format+" --output", []string{"check", "--config", cfg, "--format", format, "--output", filepath.Join(dir, "report."+format)}, nil)
	}
	run("action", nil, action)
	run("monitor", []string{"monitor", "--config", cfg}, monitorCLI)
	run("action monitor", nil, monitorAction)
	wg.Wait()

	for _, format := range formats {
		b, err := os.ReadFile(filepath.Join(dir, "report."+format))
		if err != nil {
			t.Fatalf("check --format %s --output wrote no file: %v", format, err)
		}
		out["report file "+format] = string(b)
	}
	for _, f := range []string{action["GITHUB_STEP_SUMMARY"], action["GITHUB_OUTPUT"], filepath.Join(dir, cli.ReportFile)} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("action mode did not write %s: %v", filepath.Base(f), err)
		}
		out["action "+filepath.Base(f)] = string(b)
	}
	for _, f := range []string{monitorAction["GITHUB_STEP_SUMMARY"], monitorAction["GITHUB_OUTPUT"], filepath.Join(mdir, cli.ReportFile)} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("monitor mode did not write %s: %v", filepath.Base(f), err)
		}
		out["action monitor "+filepath.Base(f)] = string(b)
	}
	// Monitor opens issues only for broken or warning chains: the caller
	// checks that this surface shows what it expects.
	out["monitor issue payloads"] = issues.Payloads()
	payloads := api.Payloads()
	if !strings.Contains(payloads, "/comments") || !strings.Contains(payloads, "/check-runs") {
		t.Fatalf("the PR comment and the check run did not reach the fake GitHub API: %q", payloads)
	}
	out["GitHub API payloads"] = payloads
	return out
}

// monitorAPI is a fake GitHub API for monitor mode on o/r: no issue is open
// yet, every new one is created (written by github-actions[bot]), and
// GET /user answers 403 as it does for the workflow's token.
func monitorAPI(t *testing.T) *testutil.GitHub {
	api := testutil.NewGitHub(t)
	api.ServeUser(nil)
	api.Handle("GET /repos/o/r/issues", func(w http.ResponseWriter, _ *http.Request) {
		testutil.WriteJSON(w, http.StatusOK, []any{})
	})
	var mu sync.Mutex
	n := 0
	api.Handle("POST /repos/o/r/issues", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		n++
		num := n
		mu.Unlock()
		testutil.WriteJSON(w, http.StatusCreated, map[string]any{"number": num, "user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}})
	})
	return api
}
