package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// proc is one measured child process.
type proc struct {
	Wall   time.Duration
	CPU    time.Duration // user + system of the process itself
	PeakRS int64         // bytes, 0 when unknown
	Exit   int           // -1 when it did not exit normally
	Stdout []byte
	Stderr []byte
}

// runProc runs name with args and exactly env (nothing inherited) and
// measures it. An exit code other than 0 is not an error; a process that
// could not start or was killed by the timeout is.
func runProc(ctx context.Context, timeout time.Duration, dir string, env []string, name string, args ...string) (proc, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	p := proc{Wall: time.Since(start), Stdout: out.Bytes(), Stderr: errb.Bytes(), Exit: -1}
	if ps := cmd.ProcessState; ps != nil {
		p.CPU = ps.UserTime() + ps.SystemTime()
		p.PeakRS = peakRSS(ps)
		p.Exit = ps.ExitCode()
	}
	if ctx.Err() != nil {
		return p, fmt.Errorf("%s: killed after %s", name, timeout)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// envList turns a map into KEY=VALUE entries on top of a minimal base
// environment (PATH, HOME, TMPDIR, LANG) of this process.
func envList(extra map[string]string) []string {
	m := map[string]string{"NO_COLOR": "1", "LANG": "C.UTF-8"}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			m[k] = v
		}
	}
	for k, v := range extra {
		m[k] = v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+"="+m[k])
	}
	return out
}

// median returns the median of ds (the lower middle for even counts).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)/2]
}

// hopcheckRun is one measured `hopcheck check`.
type hopcheckRun struct {
	proc
	Chains   int
	Bounds   bounds // the flags given (zero: hopcheck's defaults)
	Requests counts
	Seen     requestSet // the requests the servers received
	// Peaks is the most requests in flight seen at each origin.
	Peaks peaks
	// Status is the report's overall status; Causes counts chains by cause.
	Status string
	Causes map[string]int
	// EngineMS is the report's own duration_ms.
	EngineMS float64
}

// ok reports whether every chain passed.
func (r hopcheckRun) ok() bool {
	return r.Exit == 0 && r.Status == "pass" && r.Causes["ok"] == r.Chains
}

func (r hopcheckRun) causeSummary() string {
	keys := make([]string, 0, len(r.Causes))
	for k := range r.Causes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, r.Causes[k]))
	}
	return strings.Join(parts, ", ")
}

// report is the part of hopcheck's JSON report the benchmark reads.
type report struct {
	Status     string  `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Chains     []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Cause  string `json:"cause"`
	} `json:"chains"`
}

// runHopcheck runs `hopcheck check` on cfg, served by w, with the flags
// of bo (none for the zero bounds: hopcheck's defaults).
func (b *bench) runHopcheck(ctx context.Context, w *world, cfg string, nChains int, bo bounds) (hopcheckRun, error) {
	w.resetCounts()
	out := cfg + ".report.json"
	_ = os.Remove(out)
	args := append([]string{"check", "--config", cfg, "--format", "json", "--output", out}, bo.args()...)
	p, err := runProc(ctx, 5*time.Minute, b.dir, envList(w.env()), b.bin, args...)
	r := hopcheckRun{proc: p, Chains: nChains, Bounds: bo, Requests: w.counts(), Seen: w.requests(), Peaks: w.inflight(), Causes: map[string]int{}}
	if err != nil {
		return r, err
	}
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		return r, fmt.Errorf("hopcheck exited %d without a report: %v: %s", p.Exit, rerr, firstLine(p.Stderr))
	}
	var rep report
	if err := json.Unmarshal(data, &rep); err != nil {
		return r, fmt.Errorf("hopcheck report: %w", err)
	}
	r.Status, r.EngineMS = rep.Status, rep.DurationMS
	for _, c := range rep.Chains {
		r.Causes[c.Cause]++
	}
	return r, nil
}

// bestOf runs f n times and keeps the run with the median wall time.
func bestOf[T any](n int, wall func(T) time.Duration, f func() (T, error)) (T, error) {
	var runs []T
	for i := 0; i < n; i++ {
		r, err := f()
		if err != nil {
			return r, err
		}
		runs = append(runs, r)
	}
	sort.SliceStable(runs, func(i, j int) bool { return wall(runs[i]) < wall(runs[j]) })
	return runs[(len(runs)-1)/2], nil
}

// singleRequest measures one chat completion through LiteLLM to OpenRouter
// (the slowest request on hopcheck's critical path: two hops, 2 × latency)
// on its own, with a fresh connection as hopcheck's probe makes.
func (b *bench) singleRequest(ctx context.Context, n int) (time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	body := fmt.Sprintf(`{"model":%q,"max_tokens":16,"messages":[{"role":"user","content":"Reply with OK."}],"stream":false}`, liteLLMModel(0))
	var ds []time.Duration
	for i := 0; i < n; i++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.w.llURL+"/v1/chat/completions", strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+b.w.master)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("canary through litellm: %w", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		d := time.Since(start)
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("canary through litellm: HTTP %d", resp.StatusCode)
		}
		ds = append(ds, d)
	}
	return median(ds), nil
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
