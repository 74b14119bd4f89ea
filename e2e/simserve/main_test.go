package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// TestServeAdvertised starts a scenario with forwarders (advertised on
// localhost: loopback, the only place tests may send traffic) and checks that the written
// configuration points at the forwarders, keeps its line structure, and
// that hopcheck passes the healthy chain through them with the keys from
// the env file.
func TestServeAdvertised(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--dir", dir, "--advertise", "localhost", "--scenario", sim.ScenarioHealthy}, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("simserve did not write ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	sdir := filepath.Join(dir, sim.ScenarioHealthy)
	cfg, err := os.ReadFile(filepath.Join(sdir, "hopcheck.yml"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := sim.Start(sim.ScenarioHealthy)
	if err != nil {
		t.Fatal(err)
	}
	ref.Close()
	if a, b := bytes.Count(cfg, []byte("\n")), bytes.Count(ref.Config, []byte("\n")); a != b {
		t.Errorf("the rewritten configuration has %d lines, the scenario's %d", a, b)
	}
	if n := len(regexp.MustCompile(`url: http://localhost:\d+`).FindAll(cfg, -1)); n != 2 {
		t.Errorf("want 2 hop URLs on the advertised host, got %d:\n%s", n, cfg)
	}
	envText, err := os.ReadFile(filepath.Join(sdir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(envText))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("env line %q", sc.Text())
		}
		vars[k] = v
	}
	if vars["LITELLM_KEY"] == "" || vars["OPENROUTER_API_KEY"] == "" {
		t.Fatalf("env file lacks the keys: %v", sortedNames(vars))
	}
	var out, errOut bytes.Buffer
	code := cli.Main(t.Context(), []string{"check", "--config", filepath.Join(sdir, "hopcheck.yml")}, cli.Env{
		LookupEnv: func(k string) (string, bool) {
			if k == trust.AllowEnv {
				return "localhost", true // the forwarders stand in for OpenRouter: allowed, as a workflow allows them
			}
			v, ok := vars[k]
			return v, ok
		},
		Stdout: &out, Stderr: &errOut, Dir: sdir,
	})
	if code != cli.ExitOK {
		t.Errorf("hopcheck check through the forwarders: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

func sortedNames(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
