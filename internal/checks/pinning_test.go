package checks

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// keyRecorder is a loopback server that records the credential of every
// request and answers like a healthy OpenAI-compatible API (and Ollama's
// native chat).
type keyRecorder struct {
	mu   sync.Mutex
	keys []string
}

func (k *keyRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	k.keys = append(k.keys, r.Header.Get("Authorization")+r.Header.Get("X-Api-Key"))
	k.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/chat") { // Ollama's native chat
		fmt.Fprint(w, `{"model":"m","message":{"role":"assistant","content":"OK"},"done":true}`)
		return
	}
	if r.Method == http.MethodPost {
		fmt.Fprint(w, `{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}`)
		return
	}
	fmt.Fprint(w, `{"object":"list","data":[{"id":"m","object":"model"}]}`)
}

// carried counts the requests that carried secret.
func (k *keyRecorder) carried(secret string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, v := range k.keys {
		if strings.Contains(v, secret) {
			n++
		}
	}
	return n
}

// A provider's key is tied to its provider by the variable it comes from,
// whatever the hop's type: MISTRAL_API_KEY on an openai-compatible,
// ollama or litellm hop, directly or behind a reverse proxy, reaches no
// loopback server without an allowance, on no path (key check, key check
// through the proxy, canary). The finding names the variable's provider
// and both fixes; an allowance or a variable of one's own lets it through.
func TestKeyVariablePinsWhateverTheHopType(t *testing.T) {
	const key = "sk-AbCdEfGhIjKlMnOpQrStUvWxYz012345" // no distinctive prefix
	rec := &keyRecorder{}
	srv := listen(t, rec)
	edge := listen(t, rec)
	hop := func(name, typ, url, env string) string {
		s := fmt.Sprintf("      - name: %s\n        type: %s\n        url: %s\n", name, typ, url)
		if env != "" {
			s += "        key_env: " + env + "\n"
		}
		return s
	}
	yml := func(env string) string {
		return "version: 1\nchains:\n" +
			"  - name: compat\n    model: m\n    hops:\n" + hop("gw", "openai-compatible", srv+"/v1", env) +
			"  - name: local\n    model: m\n    hops:\n" + hop("gw", "ollama", srv, env) +
			"  - name: gateway\n    model: m\n    hops:\n" + hop("gw", "litellm", srv, env) +
			"  - name: relayed\n    model: m\n    hops:\n" + hop("edge", "reverse-proxy", edge+"/v1", "") + hop("gw", "openai-compatible", srv+"/v1", env)
	}
	vars := map[string]string{"MISTRAL_API_KEY": key, "GATEWAY_API_KEY": key}
	rep := runConfig(t, yml("MISTRAL_API_KEY"), vars, func(o *Options) { o.Allow = nil })
	if n := rec.carried(key); n != 0 {
		t.Fatalf("%d requests carried MISTRAL_API_KEY to loopback", n)
	}
	for _, c := range rep.Chains {
		if c.Status != finding.Fail || c.Cause != finding.HostNotAllowed {
			t.Errorf("chain %s: %s %s, want fail host-not-allowed", c.Name, c.Status, c.Cause)
		}
		hosts := map[string]bool{}
		for _, f := range c.Findings {
			if f.Cause != finding.HostNotAllowed {
				continue
			}
			host := strings.TrimPrefix(srv, "http://")
			if f.Hop == "edge" {
				host = strings.TrimPrefix(edge, "http://")
			}
			hosts[host] = true
			for _, want := range []string{"MISTRAL_API_KEY is the key variable of Mistral AI", "api.mistral.ai", host} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("chain %s: message lacks %q: %s", c.Name, want, f.Message)
				}
			}
			for _, want := range []string{"--allow-host " + host, "allow-hosts: " + host, trust.AllowEnv + "=" + host, "variable that names no provider"} {
				if !strings.Contains(f.Fix, want) {
					t.Errorf("chain %s: fix lacks %q: %s", c.Name, want, f.Fix)
				}
			}
			if strings.Contains(f.Message+f.Fix, key) {
				t.Errorf("chain %s: the key is in the finding", c.Name)
			}
		}
		if want := 1 + btoi(c.Name == "relayed"); len(hosts) != want {
			t.Errorf("chain %s: host-not-allowed for %v, want %d hosts", c.Name, hosts, want)
		}
	}

	allow, err := trust.ParseAllow(strings.TrimPrefix(srv, "http://"), strings.TrimPrefix(edge, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	rep = runConfig(t, yml("MISTRAL_API_KEY"), vars, func(o *Options) { o.Allow = allow })
	if rep.Status != finding.Pass || rec.carried(key) == 0 {
		t.Errorf("with the hosts allowed: status %s, %d requests with the key\n%+v", rep.Status, rec.carried(key), rep.Chains)
	}
	before := rec.carried(key)
	rep = runConfig(t, yml("GATEWAY_API_KEY"), vars, func(o *Options) { o.Allow = nil })
	if rep.Status != finding.Pass || rec.carried(key) == before {
		t.Errorf("the same value in a variable of one's own: status %s, findings %+v", rep.Status, rep.Chains[0].Findings)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The finding for a key sent to another provider's official host (an
// OpenAI client pointed at Together AI with OPENAI_API_KEY) names that
// provider, the allowance and the provider's own variable.
func TestRefusalAtAnotherProvidersHost(t *testing.T) {
	ref := trust.Decide(trust.Credential{Var: "OPENAI_API_KEY", Value: "tg-0123456789abcdef0123456789", For: provider.For(provider.Together)}, "https://api.together.xyz/v1/models", nil)
	if ref == nil || ref.Tie != trust.ByVar || ref.HostOwner != provider.For(provider.Together) {
		t.Fatalf("refusal %+v", ref)
	}
	msg, fix := refusal(ref, "OPENAI_API_KEY (tg…89)", "together", "Together AI")
	for _, want := range []string{"OPENAI_API_KEY is the key variable of OpenAI", "api.openai.com", "api.together.xyz is Together AI's"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	for _, want := range []string{"holds a Together AI key", "--allow-host api.together.xyz", "TOGETHER_API_KEY"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix lacks %q: %s", want, fix)
		}
	}
}

// Whatever ties a refused key (its value's prefix, its variable, its
// hop's type, or nothing, at a public host), the fix names the host and
// every way to allow it from outside the repository: the CLI flag, the
// action input and the variable, each with that host.
func TestRefusalSaysWhatToAdd(t *testing.T) {
	const plain = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
	cases := []struct {
		name string
		cred trust.Credential
		url  string
		tie  trust.Tie
		host string
	}{
		{"prefix", trust.Credential{Var: "GATEWAY_API_KEY", Value: "sk-or-v1-" + strings.Repeat("ab", 32)}, "http://127.0.0.1:9/v1", trust.ByPrefix, "127.0.0.1:9"},
		{"variable", trust.Credential{Var: "MISTRAL_API_KEY", Value: plain}, "http://10.1.2.3:4000/v1", trust.ByVar, "10.1.2.3:4000"},
		{"variable at another provider's host", trust.Credential{Var: "MISTRAL_API_KEY", Value: plain}, "https://api.together.xyz/v1", trust.ByVar, "api.together.xyz"},
		{"hop type", trust.Credential{Var: "GATEWAY_API_KEY", Value: plain, For: provider.For(provider.Mistral)}, "http://gateway:8080/v1", trust.ByType, "gateway:8080"},
		{"gateway key at a public host", trust.Credential{Var: "GATEWAY_API_KEY", Value: plain}, "https://gw.example.com/v1", trust.Untied, "gw.example.com"},
	}
	for _, c := range cases {
		ref := trust.Decide(c.cred, c.url, nil)
		if ref == nil || ref.Tie != c.tie || ref.Host != c.host {
			t.Errorf("%s: refusal %+v, want tie %d at %s", c.name, ref, c.tie, c.host)
			continue
		}
		_, fix := refusal(ref, c.cred.Var, "gw", "OpenAI-compatible")
		for _, want := range []string{"`--allow-host " + c.host + "`", "`allow-hosts: " + c.host + "`", trust.AllowEnv + "=" + c.host} {
			if !strings.Contains(fix, want) {
				t.Errorf("%s: fix lacks %s: %s", c.name, want, fix)
			}
		}
	}
}
