package attacks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// filesDeadline is how long a run of hopcheck may take before the test
// kills it and fails: a regression that hangs or balloons fails instead of
// holding the test run.
const filesDeadline = 30 * time.Second

// filesBinary builds cmd/hopcheck into the test's directory. It runs as a
// separate process so that a memory bomb or a blocking read in a regression
// hurts that process only, and so that signals reach a real main.
func filesBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hopcheck")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/hopcheck/hopcheck/cmd/hopcheck")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// filesEnv is the whole environment the hopcheck process sees: nothing of
// the test's own (which may be a GitHub Actions job), loopback allowed as a
// provider host for the simulated services.
func filesEnv(extra ...string) []string {
	return append([]string{"HOPCHECK_ALLOW_HOSTS=127.0.0.1", "NO_COLOR=1"}, extra...)
}

type filesResult struct {
	code           int
	stdout, stderr string
	timedOut       bool
	took           time.Duration
}

// filesStart starts bin in dir; wait collects it, killing it at the
// deadline.
func filesStart(t *testing.T, bin, dir string, env []string, args ...string) (cmd *exec.Cmd, wait func() filesResult) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), filesDeadline)
	cmd = exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	var res *filesResult
	wait = func() filesResult {
		if res != nil {
			return *res
		}
		defer cancel()
		err := cmd.Wait()
		r := filesResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start), timedOut: ctx.Err() != nil}
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			r.code = ee.ExitCode()
		default:
			t.Fatalf("waiting for hopcheck: %v", err)
		}
		res = &r
		return r
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGKILL); wait() })
	return cmd, wait
}

// filesRun runs bin to the end (or the deadline).
func filesRun(t *testing.T, bin, dir string, env []string, args ...string) filesResult {
	t.Helper()
	_, wait := filesStart(t, bin, dir, env, args...)
	r := wait()
	if r.timedOut {
		t.Fatalf("hopcheck %s ran past %s and was killed\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), filesDeadline, r.stdout, r.stderr)
	}
	return r
}

// filesWrite writes files (slash paths relative to dir).
func filesWrite(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// filesLink makes dir/name a symbolic link to target.
func filesLink(t *testing.T, dir, name, target string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// filesLeftovers lists the files in dir whose name starts with prefix
// (a report and its temporary files).
func filesLeftovers(t *testing.T, dir, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(strings.TrimPrefix(e.Name(), "."), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}
