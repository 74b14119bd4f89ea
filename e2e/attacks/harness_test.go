package attacks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
)

// harnessFakeGitHub is a loopback GitHub API that accepts the PR comment
// and the check run and records every request body.
type harnessFakeGitHub struct {
	mu     sync.Mutex
	bodies bytes.Buffer
}

func (g *harnessFakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	fmt.Fprintf(&g.bodies, "%s %s\n%s\n", r.Method, r.URL.Path, b)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/comments"):
		fmt.Fprint(w, `[]`)
	case strings.HasSuffix(r.URL.Path, "/comments"):
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":1}`)
	case strings.Contains(r.URL.Path, "/check-runs"):
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":7}`)
	default:
		http.NotFound(w, r)
	}
}

func (g *harnessFakeGitHub) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.bodies.String()
}

const harnessPREvent = `{"action":"opened","number":5,"pull_request":{"number":5,"head":{"sha":"0123456789abcdef0123456789abcdef01234567","repo":{"id":1,"full_name":"o/r","fork":false}},"base":{"repo":{"id":1,"full_name":"o/r"}}},"repository":{"full_name":"o/r"}}`

// harnessAllOutputs runs hopcheck (cli.Main, in process) on config with the
// job variables vars in every output mode — check with each --format to
// stdout and to --output, then action mode with annotations, step summary,
// step outputs, the JSON report file, the PR comment and the check run —
// and returns what each surface received. Loopback hosts are allowed from
// outside the repository, as a job would allow its own test fakes.
func harnessAllOutputs(t *testing.T, config string, vars map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	run := func(name string, args []string, extra map[string]string) {
		env := map[string]string{"HOPCHECK_ALLOW_HOSTS": "127.0.0.1"}
		for k, v := range vars {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		var stdout, stderr bytes.Buffer
		cli.Main(context.Background(), args, cli.Env{
			LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			Stdout:    &stdout, Stderr: &stderr, Dir: dir,
		})
		var kept []string
		for _, line := range strings.Split(stdout.String(), "\n") {
			// ::add-mask:: is the one line that must carry a value: the
			// runner consumes it and masks the value in the log.
			if !strings.HasPrefix(line, "::add-mask::") {
				kept = append(kept, line)
			}
		}
		out[name+" stdout"] = strings.Join(kept, "\n")
		out[name+" stderr"] = stderr.String()
	}
	cfg := filepath.Join(dir, "hopcheck.yml")
	for _, format := range []string{"text", "json", "junit", "sarif"} {
		run("check "+format, []string{"check", "--config", cfg, "--format", format}, nil)
		file := filepath.Join(dir, "report."+format)
		run("check "+format+" --output", []string{"check", "--config", cfg, "--format", format, "--output", file}, nil)
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("check --format %s --output wrote no file: %v", format, err)
		}
		out["report file "+format] = string(b)
	}

	gh := &harnessFakeGitHub{}
	api := httptest.NewServer(gh)
	defer api.Close()
	files := map[string]string{"GITHUB_STEP_SUMMARY": "summary.md", "GITHUB_OUTPUT": "outputs.txt", "GITHUB_EVENT_PATH": "event.json"}
	action := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": dir, "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": api.URL, "INPUT_CONFIG": "hopcheck.yml",
		"INPUT_GITHUB-TOKEN": "ghs_" + strings.Repeat("t", 36), "INPUT_CHECK-RUN": "true", "INPUT_COMMENT": "true",
	}
	for k, f := range files {
		action[k] = filepath.Join(dir, f)
	}
	if err := os.WriteFile(action["GITHUB_EVENT_PATH"], []byte(harnessPREvent), 0o644); err != nil {
		t.Fatal(err)
	}
	run("action", nil, action)
	for _, f := range []string{action["GITHUB_STEP_SUMMARY"], action["GITHUB_OUTPUT"], filepath.Join(dir, cli.ReportFile)} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("action mode did not write %s: %v", filepath.Base(f), err)
		}
		out["action "+filepath.Base(f)] = string(b)
	}
	payloads := gh.String()
	if !strings.Contains(payloads, "/comments") || !strings.Contains(payloads, "/check-runs") {
		t.Fatalf("the PR comment and the check run did not reach the fake GitHub API: %q", payloads)
	}
	out["GitHub API payloads"] = payloads
	return out
}
