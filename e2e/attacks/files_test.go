package attacks

// Attacks 5, 6 and 7 of the trust-boundary issue: the files a pull request
// controls must not exhaust memory (5), hang hopcheck or make it ignore a
// signal (6), or reach outside the workspace (7).

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

// Attack 5: parser memory bombs. A zero-config repository whose
// config.yaml is "model_list: " and 64 KiB of '[' (6.5 GB once), and a
// hopcheck.yml of 20,000 '[' (654 MB once), must be refused with exit code
// 2 and a message at the file's line and column. The time and memory they
// take are measured by the parser benchmarks, not here.
func TestAttack5ParserBombsAreRefused(t *testing.T) {
	bin := filesBinary(t)
	cases := []struct {
		name  string
		files map[string]string
		where string // file the message must point into
	}{
		{"zero-config LiteLLM config", map[string]string{"config.yaml": "model_list: " + strings.Repeat("[", 64<<10)}, "config.yaml"},
		{"hopcheck.yml", map[string]string{".github/hopcheck.yml": strings.Repeat("[", 20000)}, ".github/hopcheck.yml"},
		{"hop config", map[string]string{
			".github/hopcheck.yml": "version: 1\nchains:\n  - name: c\n    model: m\n    hops:\n      - name: proxy\n        type: litellm\n        url: http://127.0.0.1:4000\n        config: deploy/litellm.yaml\n",
			"deploy/litellm.yaml":  "model_list:\n" + strings.Repeat("  - ", 30000) + "x\n",
		}, "deploy/litellm.yaml"},
		{"openclaw.json", map[string]string{"openclaw.json": "{agents: " + strings.Repeat("[", 512<<10)}, "openclaw.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			filesWrite(t, dir, c.files)
			r := filesRun(t, bin, dir, filesEnv(), "check")
			t.Logf("exit %d after %s: %s", r.code, r.took.Round(time.Millisecond), filesFirstLine(r.stderr))
			if r.code != cli.ExitUsage {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, cli.ExitUsage, r.stdout, r.stderr)
			}
			pos := regexp.MustCompile(regexp.QuoteMeta(c.where) + `:\d+:\d+: [^\n]*(nest|deeper|tokens|keys|values)`)
			if !pos.MatchString(r.stderr) {
				t.Errorf("stderr has no refusal at a position in %s:\n%s", c.where, r.stderr)
			}
			if len(r.stderr) > 8<<10 || strings.Contains(r.stderr, "[[[[[[[[") {
				t.Errorf("stderr quotes the file (%d bytes)", len(r.stderr))
			}
		})
	}
}

// Attack 6: a .github/hopcheck.yml that is a symbolic link to a FIFO or to
// /proc/self/fd/1 once blocked the open forever. It must be refused at once
// with exit code 2 and a message naming the file and the fix.
func TestAttack6SpecialFilesDoNotHang(t *testing.T) {
	bin := filesBinary(t)
	for _, c := range []struct {
		name, target string
		mkfifo       bool
		want         string
	}{
		{"fifo", "fifo", true, "named pipe"},
		{"proc-stdout", "/proc/self/fd/1", false, "outside the workspace"},
		{"proc-environ", "/proc/self/environ", false, "outside the workspace"},
		{"dev-zero", "/dev/zero", false, "outside the workspace"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.mkfifo {
				if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := syscall.Mkfifo(filepath.Join(dir, ".github", "fifo"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			filesLink(t, dir, ".github/hopcheck.yml", c.target)
			r := filesRun(t, bin, dir, filesEnv(), "check")
			if r.code != cli.ExitUsage {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, cli.ExitUsage, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, ".github/hopcheck.yml") || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "fix") {
				t.Errorf("stderr does not name .github/hopcheck.yml, %q and a fix:\n%s", c.want, r.stderr)
			}
		})
	}
}

// Attack 6, signals: SIGTERM must end `hopcheck check` promptly whether it
// arrives while hopcheck loads the repository's configs or while it waits
// on a hop, and must leave no report (nor a half-written one) behind.
func TestAttack6SIGTERMEndsTheRunPromptly(t *testing.T) {
	bin := filesBinary(t)
	// promptly: the process must be gone this soon after the signal; a run
	// that ignores the signal goes on for seconds (loading) or until the
	// hop's 60 s timeout (live).
	const promptly = 2 * time.Second

	t.Run("loading", func(t *testing.T) {
		// Zero-config discovery over many large LiteLLM configs: each is
		// within the parser's caps, together they take seconds to load.
		dir := t.TempDir()
		files := map[string]string{}
		for i := range 32 {
			files[filepath.Join("svc", string(rune('a'+i%26))+string(rune('a'+i/26)), "config.yaml")] =
				"model_list:\n  - model_name: m\n    litellm_params: {model: openai/gpt-4o-mini}\nnote: " + strings.Repeat("x", 1<<20-100) + "\n"
		}
		filesWrite(t, dir, files)
		cmd, wait := filesStart(t, bin, dir, filesEnv(), "check", "--format", "json", "--output", "report.json")
		time.Sleep(300 * time.Millisecond)
		signalled := time.Now()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		r := wait()
		filesAssertInterrupted(t, r, time.Since(signalled), promptly, dir)
	})

	t.Run("live", func(t *testing.T) {
		// A hop that accepts the connection and never answers, with a
		// 60 s timeout.
		got := make(chan struct{})
		var once sync.Once
		hole := testutil.NewRawServer(t, func(c net.Conn) {
			once.Do(func() { close(got) })
			_, _ = io.Copy(io.Discard, c)
		})
		dir := t.TempDir()
		filesWrite(t, dir, map[string]string{".github/hopcheck.yml": "version: 1\ndefaults: {timeout: 60s}\nchains:\n" +
			"  - name: c\n    model: m\n    hops:\n      - name: gateway\n        type: openai-compatible\n" +
			"        url: http://" + hole.Addr() + "/v1\n        key_env: HOPCHECK_TEST_GATEWAY_KEY\n"})
		cmd, wait := filesStart(t, bin, dir, filesEnv("HOPCHECK_TEST_GATEWAY_KEY=gw-0123456789abcdef"),
			"check", "--format", "json", "--output", "report.json")
		select {
		case <-got:
		case <-time.After(filesDeadline):
			r := wait()
			t.Fatalf("hopcheck never reached the hop\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		}
		signalled := time.Now()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		r := wait()
		filesAssertInterrupted(t, r, time.Since(signalled), promptly, dir)
	})
}

func filesAssertInterrupted(t *testing.T, r filesResult, after, promptly time.Duration, dir string) {
	t.Helper()
	t.Logf("exit %d %s after SIGTERM: %s", r.code, after.Round(time.Millisecond), filesFirstLine(r.stderr))
	if r.timedOut || after > promptly {
		t.Errorf("hopcheck ended %s after SIGTERM (killed at the deadline: %v); want at most %s", after.Round(time.Millisecond), r.timedOut, promptly)
	}
	if r.code != cli.ExitUsage {
		t.Errorf("exit %d, want %d (the run could not complete)\nstdout:\n%s\nstderr:\n%s", r.code, cli.ExitUsage, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "interrupted") {
		t.Errorf("stderr does not say the run was interrupted:\n%s", r.stderr)
	}
	if left := filesLeftovers(t, dir, "report.json"); len(left) > 0 {
		t.Errorf("an interrupted run left %v", left)
	}
}

// Attack 7: a hop's config: that is a symbolic link to a file outside the
// workspace holding a GitHub token must be refused (exit code 2) without
// reading it: neither the token nor any 12-character piece of it may
// appear in stdout, stderr or what the action publishes.
func TestAttack7ConfigOutsideTheWorkspace(t *testing.T) {
	const token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
	outside := filepath.Join(t.TempDir(), "runner-token")
	// The token alone is what a parse error once quoted in full.
	if err := os.WriteFile(outside, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"openclaw", "litellm"} {
		hopcheckYML := "version: 1\nchains:\n  - name: c\n    model: m\n    hops:\n      - name: proxy\n        type: " + typ +
			"\n        url: http://127.0.0.1:4000\n        config: deploy/proxy.conf\n"
		t.Run(typ+"/cli", func(t *testing.T) {
			ws := t.TempDir()
			filesWrite(t, ws, map[string]string{".github/hopcheck.yml": hopcheckYML})
			filesLink(t, ws, "deploy/proxy.conf", outside)
			var stdout, stderr bytes.Buffer
			code := filesMain(t, []string{"check"}, cli.Env{LookupEnv: filesEnvMap(map[string]string{"HOPCHECK_ALLOW_HOSTS": "127.0.0.1"}),
				Stdout: &stdout, Stderr: &stderr, Dir: ws})
			if code != cli.ExitUsage {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, cli.ExitUsage, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), "deploy/proxy.conf") || !strings.Contains(stderr.String(), "outside the workspace") {
				t.Errorf("stderr does not say deploy/proxy.conf is outside the workspace:\n%s", stderr.String())
			}
			filesAssertNoPiece(t, token, map[string]string{"stdout": stdout.String(), "stderr": stderr.String()})
		})
		t.Run(typ+"/action", func(t *testing.T) {
			ws := t.TempDir()
			filesWrite(t, ws, map[string]string{".github/hopcheck.yml": hopcheckYML})
			filesLink(t, ws, "deploy/proxy.conf", outside)
			runner := t.TempDir()
			summary, output := filepath.Join(runner, "summary.md"), filepath.Join(runner, "output")
			for _, p := range []string{summary, output} {
				if err := os.WriteFile(p, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			code := filesMain(t, nil, cli.Env{LookupEnv: filesEnvMap(map[string]string{
				"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": ws, "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": output,
				"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "octo/repo", "HOPCHECK_ALLOW_HOSTS": "127.0.0.1",
			}), Stdout: &stdout, Stderr: &stderr, Dir: ws})
			if code != cli.ExitUsage {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, cli.ExitUsage, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), "::error") || !strings.Contains(stdout.String(), "deploy/proxy.conf") {
				t.Errorf("no error annotation naming deploy/proxy.conf:\n%s", stdout.String())
			}
			outs := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
			for name, p := range map[string]string{"summary": summary, "outputs": output, "report": filepath.Join(ws, cli.ReportFile)} {
				b, _ := os.ReadFile(p)
				outs[name] = string(b)
			}
			filesAssertNoPiece(t, token, outs)
		})
	}
}

// filesMain runs cli.Main in this process under the test deadline.
func filesMain(t *testing.T, args []string, env cli.Env) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), filesDeadline)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- cli.Main(ctx, args, env) }()
	select {
	case code := <-done:
		return code
	case <-time.After(filesDeadline + 5*time.Second):
		t.Fatalf("hopcheck %v did not return within %s", args, filesDeadline)
		return -1
	}
}

func filesEnvMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// filesAssertNoPiece fails when any output holds the secret or any 12
// characters of it in a row.
func filesAssertNoPiece(t *testing.T, secret string, outputs map[string]string) {
	t.Helper()
	for name, out := range outputs {
		for i := 0; i+12 <= len(secret); i++ {
			if strings.Contains(out, secret[i:i+12]) {
				t.Errorf("%s holds %q, a piece of the token outside the workspace:\n%s", name, secret[i:i+12], out)
				break
			}
		}
	}
}

func filesFirstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
