// Package nginx runs a real nginx as the reverse-proxy hop in front of the
// simulated OpenRouter: once passing Authorization through, once with
// `proxy_set_header Authorization "";` — hopcheck must pass the first and
// name edge → openrouter / header-missing in the second.
package nginx

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

const confTmpl = `worker_processes 1;
daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
  access_log %[1]s/access.log;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  server {
    listen 127.0.0.1:%[2]d;
    location / {
      proxy_pass %[3]s;
      proxy_http_version 1.1;
      %[4]s
    }
  }
}
`

// startNginx runs nginx in the foreground with a config in a temp dir and
// returns its base URL.
func startNginx(t *testing.T, upstream string, dropAuth bool) string {
	t.Helper()
	bin := testutil.NeedPeer(t, "nginx", "real reverse-proxy hop")
	dir := t.TempDir()
	port := testutil.FreePort(t)
	extra := ""
	if dropAuth {
		extra = `proxy_set_header Authorization "";`
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(confTmpl, dir, port, upstream, extra)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf)
	out, _ := os.Create(filepath.Join(dir, "stdout.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/api/v1/models")
		if err == nil {
			resp.Body.Close()
			return base
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestNginxReverseProxyHop(t *testing.T) {
	key := sim.FakeOpenRouterKey("nginx")
	or := sim.NewOpenRouter(key)
	up, err := sim.Listen("127.0.0.1", or)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	for _, tc := range []struct {
		name string
		drop bool
	}{{"passes-authorization", false}, {"strips-authorization", true}} {
		t.Run(tc.name, func(t *testing.T) {
			edge := startNginx(t, up.URL, tc.drop)
			yml := `version: 1
chains:
  - name: review-bot
    model: anthropic/claude-sonnet-4.5
    hops:
      - name: edge
        type: reverse-proxy
        url: ` + edge + `/api/v1
      - name: openrouter
        type: openrouter
        url: ` + up.URL + `/api/v1
        key_env: OPENROUTER_API_KEY
`
			cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(yml))
			if err != nil {
				t.Fatal(err)
			}
			sc := &secret.Scrubber{}
			rep := checks.Run(context.Background(), cfg, checks.Options{
				LookupEnv: func(k string) (string, bool) {
					if k == "OPENROUTER_API_KEY" {
						return key, true
					}
					return "", false
				},
				Allow: testutil.AllowLoopback(t), Scrubber: sc, Client: probe.New(sc),
			})
			c := rep.Chains[0]
			if !tc.drop {
				if c.Status != finding.Pass || c.FailingLink != nil {
					t.Fatalf("through a pass-through nginx: %s %s %+v", c.Status, c.Cause, c.Findings)
				}
				return
			}
			want := chain.Link{From: "edge", To: "openrouter"}
			if c.Status != finding.Fail || c.Cause != finding.HeaderMissing || c.FailingLink == nil || *c.FailingLink != want {
				t.Fatalf("got %s %s %v, want fail header-missing %v; %+v", c.Status, c.Cause, c.FailingLink, want, c.Findings)
			}
			root := c.Findings[0]
			if !root.Root || root.Line != 6 || !strings.Contains(root.Fix, "Authorization") {
				t.Errorf("root finding should point at edge (line 6) with a fix naming the header: %+v", root)
			}
			// The simulated OpenRouter saw the stripped request.
			var stripped bool
			for _, r := range or.Requests() {
				stripped = stripped || (r.Method == http.MethodPost && !r.HasAuth)
			}
			if !stripped {
				t.Error("the provider never saw a request without Authorization: nginx did not strip it")
			}
		})
	}
}
