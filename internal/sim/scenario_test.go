package sim

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"go.uber.org/goleak"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
)

// hopcheckYML is a generic reading of the scenario config (the real loader
// lives in package chain; this test only checks the YAML shape).
type hopcheckYML struct {
	Version  int `yaml:"version"`
	Defaults struct {
		Timeout string `yaml:"timeout"`
		Canary  string `yaml:"canary"`
	} `yaml:"defaults"`
	Chains []struct {
		Name  string `yaml:"name"`
		Model string `yaml:"model"`
		Hops  []struct {
			Name   string `yaml:"name"`
			Type   string `yaml:"type"`
			URL    string `yaml:"url"`
			KeyEnv string `yaml:"key_env"`
		} `yaml:"hops"`
	} `yaml:"chains"`
}

var (
	orKeyShape      = regexp.MustCompile(`^sk-or-v1-[0-9a-f]{64}$`)
	liteLLMKeyShape = regexp.MustCompile(`^sk-[A-Za-z0-9_-]{22}$`)
)

func TestScenarioList(t *testing.T) {
	list := Scenarios()
	if len(list) != 12 || list[0].Name != DefaultScenario || DefaultScenario != "proxy-lost-upstream-key" {
		t.Fatalf("scenarios = %d, first %q", len(list), list[0].Name)
	}
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s.Name] || s.Description == "" {
			t.Errorf("%s: duplicate or undocumented", s.Name)
		}
		seen[s.Name] = true
		if _, ok := finding.Explain(s.WantCause); !ok {
			t.Errorf("%s: unknown cause %q", s.Name, s.WantCause)
		}
		if (s.WantCause == finding.OK) != (s.WantLink == nil) {
			t.Errorf("%s: WantLink must be nil exactly when the chain passes", s.Name)
		}
		if s.WantLink != nil && !strings.Contains(s.Description, s.WantLink.String()) {
			t.Errorf("%s: description does not name the link %s", s.Name, s.WantLink)
		}
	}
	// Scenarios returns copies.
	list[0].WantLink.From = "mutated"
	if Scenarios()[0].WantLink.From != "litellm" {
		t.Error("Scenarios exposes its internal links")
	}
	if _, err := Start("no-such-scenario"); err == nil || !strings.Contains(err.Error(), "healthy") {
		t.Errorf("unknown scenario: %v", err)
	}
}

// canary sends the chain's chat completion to the first hop the way a CI
// job would, with the key the CI job holds for the hop that checks it.
func canary(t *testing.T, cfg hopcheckYML, vars map[string]string, timeout time.Duration) (answer, error) {
	t.Helper()
	ch := cfg.Chains[0]
	first := ch.Hops[0]
	keyEnv := first.KeyEnv
	if first.Type == "reverse-proxy" {
		keyEnv = ch.Hops[1].KeyEnv
	}
	path := "/chat/completions"
	if first.Type == "litellm" {
		path = "/v1/chat/completions"
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", first.URL+path,
		strings.NewReader(`{"model":"`+ch.Model+`","messages":[{"role":"user","content":"Reply with OK"}],"max_tokens":16}`))
	req.Header.Set("Authorization", "Bearer "+vars[keyEnv])
	req.Header.Set("Content-Type", "application/json")
	resp, err := testClient().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return answer{resp.StatusCode, resp.Header, b.String()}, nil
}

func hopURL(cfg hopcheckYML, name string) string {
	for _, h := range cfg.Chains[0].Hops {
		if h.Name == name {
			return h.URL
		}
	}
	return ""
}

// checks holds, per scenario, what the started servers must do. Every
// scenario must have an entry.
var checks = map[string]func(t *testing.T, env *Env, cfg hopcheckYML){
	ScenarioProxyLostUpstreamKey: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || got.status != 401 || !strings.Contains(got.body, "OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}") {
			t.Errorf("canary: %v %d %s", err, got.status, got.body)
		}
		if r := env.OpenRouter.Requests(); len(r) != 1 || r[0].HasAuth {
			t.Errorf("OpenRouter must see one request without Authorization: %+v", r)
		}
		if got := do(t, "GET", hopURL(cfg, "openrouter")+"/key", ptr("Bearer "+env.Vars["OPENROUTER_API_KEY"]), ""); got.status != 200 {
			t.Errorf("CI's own OpenRouter key must be valid: %d", got.status)
		}
	},
	ScenarioHealthy: func(t *testing.T, env *Env, cfg hopcheckYML) {
		if got, err := canary(t, cfg, env.Vars, 5*time.Second); err != nil || got.status != 200 {
			t.Errorf("canary: %v %d %s", err, got.status, got.body)
		}
		if got := do(t, "GET", hopURL(cfg, "litellm")+"/v1/models", ptr("Bearer "+env.Vars["LITELLM_KEY"]), ""); got.status != 200 || !strings.Contains(got.body, `"id":"claude-sonnet-4.5"`) {
			t.Errorf("/v1/models: %d %s", got.status, got.body)
		}
	},
	ScenarioWrongCIKey: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || got.status != 401 || !strings.Contains(got.body, "Invalid proxy server token passed. valid_token=None.") {
			t.Errorf("canary: %v %d %s", err, got.status, got.body)
		}
		if n := len(env.OpenRouter.Requests()); n != 0 {
			t.Errorf("OpenRouter got %d requests", n)
		}
		if _, ok := env.Vars["OPENROUTER_API_KEY"]; ok {
			t.Error("CI must not hold the OpenRouter key in this scenario")
		}
	},
	ScenarioCreditsGone: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || got.status != 402 || !strings.Contains(got.body, "litellm.APIError: APIError: OpenrouterException - Error code: 402 - {'error': {'message': 'Insufficient credits.") {
			t.Errorf("canary: %v %d %s", err, got.status, got.body)
		}
		if got := do(t, "GET", hopURL(cfg, "openrouter")+"/key", ptr("Bearer "+env.Vars["OPENROUTER_API_KEY"]), ""); got.status != 200 || !strings.Contains(got.body, `"limit_remaining":0,`) {
			t.Errorf("/key: %d %s", got.status, got.body)
		}
	},
	ScenarioRateLimitedThenFine: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || got.status != 429 || got.header.Get("Retry-After") != "1" {
			t.Errorf("first canary: %v %d %s", err, got.status, got.body)
		}
		if got, err := canary(t, cfg, env.Vars, 5*time.Second); err != nil || got.status != 200 {
			t.Errorf("second canary: %v %d %s", err, got.status, got.body)
		}
	},
	ScenarioBadModel: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || got.status != 400 || !strings.Contains(got.body, "Invalid model name passed in model=claude-sonnet-4. ") {
			t.Errorf("canary: %v %d %s", err, got.status, got.body)
		}
		if got := do(t, "GET", hopURL(cfg, "litellm")+"/v1/models", ptr("Bearer "+env.Vars["LITELLM_KEY"]), ""); got.status != 200 || strings.Contains(got.body, `"claude-sonnet-4"`) {
			t.Errorf("/v1/models: %d %s", got.status, got.body)
		}
		if n := len(env.OpenRouter.Requests()); n != 0 {
			t.Errorf("OpenRouter got %d requests", n)
		}
	},
	ScenarioDroppedByReverseProxy: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || got.status != 401 || got.body != `{"error":{"message":"Missing Authentication header","code":401}}` {
			t.Errorf("canary: %v %d %s", err, got.status, got.body)
		}
		if r := env.OpenRouter.Requests(); len(r) != 1 || r[0].HasAuth {
			t.Errorf("OpenRouter saw %+v", r)
		}
		if got := do(t, "GET", hopURL(cfg, "openrouter")+"/key", ptr("Bearer "+env.Vars["OPENROUTER_API_KEY"]), ""); got.status != 200 {
			t.Errorf("direct /key: %d", got.status)
		}
	},
	ScenarioCrossHostRedirect: func(t *testing.T, env *Env, cfg hopcheckYML) {
		base := hopURL(cfg, "openrouter")
		got := do(t, "GET", base+"/key", ptr("Bearer "+env.Vars["OPENROUTER_API_KEY"]), "")
		loc, err := url.Parse(got.header.Get("Location"))
		from, _ := url.Parse(base)
		if got.status != 307 || err != nil || loc.Hostname() == from.Hostname() || loc.Path != "/api/v1/key" {
			t.Fatalf("redirect: %d %q", got.status, got.header.Get("Location"))
		}
		// What a client that drops Authorization on a host change gets…
		expect(t, "followed without auth", do(t, "GET", loc.String(), nil, ""), 401,
			`{"error":{"message":"Missing Authentication header","code":401}}`)
		// …while the target itself accepts the key.
		if got := do(t, "GET", loc.String(), ptr("Bearer "+env.Vars["OPENROUTER_API_KEY"]), ""); got.status != 200 {
			t.Errorf("target with key: %d", got.status)
		}
	},
	ScenarioTimeout: func(t *testing.T, env *Env, cfg hopcheckYML) {
		if cfg.Defaults.Timeout != "1s" {
			t.Errorf("timeout scenario must use a short timeout, got %q", cfg.Defaults.Timeout)
		}
		if _, err := canary(t, cfg, env.Vars, 300*time.Millisecond); err == nil {
			t.Error("canary answered")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", hopURL(cfg, "openrouter")+"/key", nil)
		req.Header.Set("Authorization", "Bearer "+env.Vars["OPENROUTER_API_KEY"])
		if resp, err := testClient().Do(req); err == nil {
			resp.Body.Close()
			t.Error("OpenRouter answered")
		}
		if got := do(t, "GET", hopURL(cfg, "litellm")+"/v1/models", ptr("Bearer "+env.Vars["LITELLM_KEY"]), ""); got.status != 200 {
			t.Errorf("the proxy itself must answer: %d", got.status)
		}
	},
	ScenarioAzureKeyUnset: func(t *testing.T, env *Env, cfg hopcheckYML) {
		// The job's key works on Azure's own model list…
		if got := do(t, "GET", hopURL(cfg, "azure")+"/openai/models?api-version=2024-10-21", nil, "", "api-key", env.Vars["AZURE_API_KEY"]); got.status != 200 {
			t.Errorf("Azure model list with the job's key: %d %s", got.status, got.body)
		}
		// …but the canary through the proxy comes back as Azure's relayed 401.
		a, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || a.status != 401 || !strings.Contains(a.body, "AzureException") || !strings.Contains(a.body, "missing subscription key") {
			t.Fatalf("canary: %v %d %s", err, a.status, a.body)
		}
		if n := len(env.LiteLLM.Requests()); n == 0 {
			t.Error("the proxy saw no request")
		}
	},
	ScenarioGeminiWrongKey: func(t *testing.T, env *Env, cfg hopcheckYML) {
		got := do(t, "GET", hopURL(cfg, "gemini")+"/models", nil, "", "x-goog-api-key", env.Vars["GEMINI_API_KEY"])
		if got.status != 400 || !strings.Contains(got.body, "API_KEY_INVALID") {
			t.Fatalf("model list with the wrong key: %d %s", got.status, got.body)
		}
	},
	ScenarioOllamaModelMissing: func(t *testing.T, env *Env, cfg hopcheckYML) {
		if got := do(t, "GET", hopURL(cfg, "ollama")+"/api/version", nil, ""); got.status != 200 {
			t.Errorf("Ollama is not up: %d", got.status)
		}
		a, err := canary(t, cfg, env.Vars, 5*time.Second)
		if err != nil || a.status != 404 || !strings.Contains(a.body, "not found") {
			t.Fatalf("canary: %v %d %s", err, a.status, a.body)
		}
	},
}

// realisticKey reports whether the fake key a scenario puts in Vars[name]
// has the shape of the key of the hop that reads it (the registry's key
// shape; LiteLLM's sk- form for a proxy key).
func realisticKey(cfg hopcheckYML, name, v string) bool {
	for _, h := range cfg.Chains[0].Hops {
		if h.KeyEnv != name {
			continue
		}
		s := provider.For(chain.HopType(h.Type))
		switch {
		case s.Type == provider.LiteLLM:
			return liteLLMKeyShape.MatchString(v)
		case s.Keys.Pattern != nil:
			return s.Keys.Pattern.MatchString(v)
		case len(s.Keys.Prefixes) > 0:
			return s.HasKeyPrefix(v) && len(v) >= 20
		}
		return len(v) >= 20
	}
	return false
}

func TestStartEveryScenario(t *testing.T) {
	for _, s := range Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			env, err := Start(s.Name)
			if err != nil {
				t.Fatal(err)
			}
			closed := false
			defer func() {
				if !closed {
					env.Close()
				}
			}()
			var cfg hopcheckYML
			if err := yaml.UnmarshalWithOptions(env.Config, &cfg, yaml.Strict()); err != nil {
				t.Fatalf("config does not parse: %v\n%s", err, env.Config)
			}
			if env.ConfigName != "hopcheck.yml" || cfg.Version != 1 || cfg.Defaults.Canary != "inference" || len(cfg.Chains) != 1 || len(cfg.Chains[0].Hops) == 0 {
				t.Fatalf("config shape:\n%s", env.Config)
			}
			if _, err := time.ParseDuration(cfg.Defaults.Timeout); err != nil {
				t.Errorf("timeout %q: %v", cfg.Defaults.Timeout, err)
			}
			hops := map[string]bool{chain.CIHop: true}
			for _, h := range cfg.Chains[0].Hops {
				hops[h.Name] = true
				if _, ok := provider.Lookup(chain.HopType(h.Type)); !ok {
					t.Errorf("hop %s: type %q", h.Name, h.Type)
				}
				u, err := url.Parse(h.URL)
				if err != nil {
					t.Fatalf("hop %s: url %q: %v", h.Name, h.URL, err)
				}
				if ip, err := netip.ParseAddr(u.Hostname()); err != nil || !ip.IsLoopback() || u.Port() == "" {
					t.Errorf("hop %s: url %q is not a loopback address with a port", h.Name, h.URL)
				}
				if h.Type == "openrouter" && !strings.HasSuffix(h.URL, "/api/v1") {
					t.Errorf("hop %s: OpenRouter url %q lacks /api/v1", h.Name, h.URL)
				}
				if h.KeyEnv != "" {
					if _, ok := env.Vars[h.KeyEnv]; !ok {
						t.Errorf("hop %s: key_env %s not in Vars", h.Name, h.KeyEnv)
					}
				}
			}
			if s.WantLink != nil && (!hops[s.WantLink.From] || !hops[s.WantLink.To]) {
				t.Errorf("WantLink %s names a hop that is not in the config", s.WantLink)
			}
			for name, v := range env.Vars {
				if !realisticKey(cfg, name, v) {
					t.Errorf("Vars[%s] has an unrealistic shape", name)
				}
				if strings.Contains(string(env.Config), v) {
					t.Errorf("Vars[%s] appears in the config", name)
				}
				for f, data := range env.Files {
					if strings.Contains(string(data), v) {
						t.Errorf("Vars[%s] appears in %s", name, f)
					}
				}
			}
			if data, ok := env.Files[liteLLMConfigFile]; ok {
				if _, err := litellm.Parse(liteLLMConfigFile, data); err != nil {
					t.Errorf("%s: %v", liteLLMConfigFile, err)
				}
			}
			check, ok := checks[s.Name]
			if !ok {
				t.Fatalf("no behaviour check for scenario %s", s.Name)
			}
			check(t, env, cfg)

			env.Close()
			closed = true
			env.Close() // idempotent
			goleak.VerifyNone(t)
			for _, h := range cfg.Chains[0].Hops {
				if resp, err := testClient().Get(h.URL); err == nil {
					resp.Body.Close()
					t.Errorf("hop %s still answers after Close", h.Name)
				}
			}
		})
	}
}

func TestStartDefault(t *testing.T) {
	env, err := Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if env.LiteLLM == nil || env.OpenRouter == nil || !strings.Contains(string(env.Config), "# hopcheck demo scenario: proxy-lost-upstream-key") {
		t.Errorf("default scenario:\n%s", env.Config)
	}
}
