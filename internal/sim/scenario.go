package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// Scenario is a ready-made chain for `hopcheck demo` and the tests, with
// the verdict a correct check must reach.
type Scenario struct {
	Name        string
	Description string
	// WantCause is the cause of the chain's failing link (finding.OK when
	// the chain passes).
	WantCause finding.Cause
	// WantLink is the first failing link, nil when the chain passes.
	WantLink *chain.Link
}

// Env is a started scenario.
type Env struct {
	// ConfigName is the file name to use for Config (positions in reports
	// point into it).
	ConfigName string
	// Config is the scenario's hopcheck.yml, with the started servers'
	// ports filled in.
	Config []byte
	// Vars is the CI job's environment: the fake keys hopcheck reads
	// through the hops' key_env.
	Vars map[string]string
	// Files holds the scenario's other configuration files by name (the
	// LiteLLM config.yaml the simulated proxy loaded), for display.
	Files map[string][]byte
	// OpenRouter and LiteLLM are the running simulators (nil when the
	// scenario has none), for assertions on what they received.
	OpenRouter *OpenRouter
	LiteLLM    *LiteLLM
	// Close stops every server of the scenario; it is safe to call twice.
	Close func()
}

// Scenario names.
const (
	ScenarioProxyLostUpstreamKey  = "proxy-lost-upstream-key"
	ScenarioHealthy               = "healthy"
	ScenarioWrongCIKey            = "wrong-ci-key"
	ScenarioCreditsGone           = "credits-gone"
	ScenarioRateLimitedThenFine   = "rate-limited-then-fine"
	ScenarioBadModel              = "bad-model"
	ScenarioDroppedByReverseProxy = "dropped-by-reverse-proxy"
	ScenarioCrossHostRedirect     = "cross-host-redirect"
	ScenarioTimeout               = "timeout"
	ScenarioAzureKeyUnset         = "azure-key-unset"
	ScenarioGeminiWrongKey        = "gemini-wrong-key"
	ScenarioOllamaModelMissing    = "ollama-model-missing"
)

// DefaultScenario is the scenario `hopcheck demo` runs without --scenario.
const DefaultScenario = ScenarioProxyLostUpstreamKey

type scenarioDef struct {
	Scenario
	start func(b *builder) error
}

func link(from, to string) *chain.Link { return &chain.Link{From: from, To: to} }

var scenarios = []scenarioDef{
	{Scenario{
		Name: ScenarioProxyLostUpstreamKey,
		Description: "ci → litellm → openrouter. The LiteLLM proxy's config.yaml reads its OpenRouter key from " +
			"`os.environ/OPENROUTER_API_KEY`, but that variable is not set where the proxy runs, so LiteLLM silently " +
			"calls OpenRouter with no Authorization header and relays OpenRouter's 401 `No auth credentials found` " +
			"as `litellm.AuthenticationError: … OpenrouterException - …`. The CI job's own OPENROUTER_API_KEY is " +
			"valid (GET /api/v1/key passes) and the CI key is accepted by the proxy, so the credential was lost on " +
			"the link out of the proxy. Want: failing link litellm → openrouter, header-missing. Fix: set " +
			"OPENROUTER_API_KEY in the proxy's environment.",
		WantCause: finding.HeaderMissing, WantLink: link("litellm", "openrouter"),
	}, func(b *builder) error {
		return b.liteLLMChain(liteLLMOpts{proxyLacksORKey: true, missingMsg: MsgNoAuthCredentials})
	}},

	{Scenario{
		Name: ScenarioHealthy,
		Description: "ci → litellm → openrouter with every key where it belongs: CI sends the proxy's master key, the " +
			"proxy holds a funded OpenRouter key, the model is in its model_list. Want: pass, no failing link.",
		WantCause: finding.OK,
	}, func(b *builder) error { return b.liteLLMChain(liteLLMOpts{}) }},

	{Scenario{
		Name: ScenarioWrongCIKey,
		Description: "ci → litellm → openrouter. The CI job's LITELLM_KEY is a well-formed `sk-` key, but not the " +
			"proxy's master key: LiteLLM rejects it itself with 401 `Authentication Error, Invalid proxy server " +
			"token passed. valid_token=None.` (type auth_error) and never calls OpenRouter. Only the proxy holds " +
			"the OpenRouter key here (the openrouter hop has no key_env). Want: failing link ci → litellm, " +
			"credential-rejected. Fix: store the proxy's master key (or a virtual key) in LITELLM_KEY.",
		WantCause: finding.CredentialRejected, WantLink: link(chain.CIHop, "litellm"),
	}, func(b *builder) error { return b.liteLLMChain(liteLLMOpts{wrongCIKey: true, ciLacksORKey: true}) }},

	{Scenario{
		Name: ScenarioCreditsGone,
		Description: "ci → litellm → openrouter. The OpenRouter account behind the key (the same key in CI and in the " +
			"proxy) has no credits left: GET /api/v1/key reports limit_remaining 0 and completions get 402 " +
			"`Insufficient credits. Add more using https://openrouter.ai/settings/credits`, which LiteLLM relays as " +
			"`litellm.APIError: APIError: OpenrouterException - Error code: 402 - …` with status 402. Want: failing " +
			"link litellm → openrouter (the link into OpenRouter, whose requests it refuses), credits-exhausted. " +
			"Fix: add credits.",
		WantCause: finding.CreditsExhausted, WantLink: link("litellm", "openrouter"),
	}, func(b *builder) error { return b.liteLLMChain(liteLLMOpts{noCredits: true}) }},

	{Scenario{
		Name: ScenarioRateLimitedThenFine,
		Description: "ci → openrouter directly, on a free model. The first chat completion gets 429 `Rate limit " +
			"exceeded: free-models-per-day. …` with `Retry-After: 1`; every later request succeeds (GET " +
			"/api/v1/key is never limited). A check that honours Retry-After retries once and passes. Want: pass, " +
			"no failing link.",
		WantCause: finding.OK,
	}, func(b *builder) error { return b.rateLimited() }},

	{Scenario{
		Name: ScenarioBadModel,
		Description: "ci → litellm → openrouter. The chain asks for model `claude-sonnet-4`, but the proxy's " +
			"model_list only has `claude-sonnet-4.5` and `gpt-4o-mini`: GET /v1/models does not list it and " +
			"LiteLLM answers the completion itself with 400 `Invalid model name passed in model=claude-sonnet-4` " +
			"without calling OpenRouter. Want: failing link ci → litellm, model-unavailable. Fix: use a model_name " +
			"from the proxy's model_list.",
		WantCause: finding.ModelUnavailable, WantLink: link(chain.CIHop, "litellm"),
	}, func(b *builder) error {
		return b.liteLLMChain(liteLLMOpts{model: "claude-sonnet-4", ciLacksORKey: true})
	}},

	{Scenario{
		Name: ScenarioDroppedByReverseProxy,
		Description: "ci → edge → openrouter. edge is a reverse proxy (nginx) configured with " +
			"`proxy_set_header Authorization \"\";`. CI holds OPENROUTER_API_KEY (declared on the openrouter hop) " +
			"and sends it through edge, which adds no credential of its own and strips the header, so OpenRouter " +
			"answers 401 `Missing Authentication header`; the same key sent to OpenRouter directly passes. Want: " +
			"failing link edge → openrouter, header-missing. Fix: remove the proxy_set_header line so " +
			"Authorization is passed through.",
		WantCause: finding.HeaderMissing, WantLink: link("edge", "openrouter"),
	}, func(b *builder) error { return b.droppedByProxy() }},

	{Scenario{
		Name: ScenarioCrossHostRedirect,
		Description: "ci → openrouter. The configured url (on 127.0.0.1) answers every request with 307 to the same " +
			"API on another host (127.0.0.2). HTTP clients drop Authorization on a redirect to another host, so a " +
			"client following it reaches OpenRouter without a key (401 `Missing Authentication header`). Want: " +
			"failing link ci → openrouter, redirect-dropped-auth, naming both hosts. Fix: configure the " +
			"redirect's target as the hop's url.",
		WantCause: finding.RedirectDroppedAuth, WantLink: link(chain.CIHop, "openrouter"),
	}, func(b *builder) error { return b.crossHostRedirect() }},

	{Scenario{
		Name: ScenarioTimeout,
		Description: "ci → litellm → openrouter with `timeout: 1s`. OpenRouter accepts connections but never " +
			"answers. The proxy itself answers (its /v1/models does not contact OpenRouter), while CI's own GET " +
			"/api/v1/key to OpenRouter and the canary through the proxy both stall waiting for OpenRouter. Want: " +
			"failing link litellm → openrouter, timeout.",
		WantCause: finding.Timeout, WantLink: link("litellm", "openrouter"),
	}, func(b *builder) error { return b.liteLLMChain(liteLLMOpts{hang: true, timeout: "1s"}) }},

	{Scenario{
		Name: ScenarioAzureKeyUnset,
		Description: "ci → litellm → azure. The proxy routes `azure/gpt-4o` to an Azure OpenAI deployment and reads " +
			"`api_key: os.environ/AZURE_API_KEY`, which is unset where the proxy runs: LiteLLM calls Azure without " +
			"the `api-key` header and relays Azure's 401 `Access denied due to missing subscription key`. The CI " +
			"job's own AZURE_API_KEY is valid (Azure's model list accepts it). Want: failing link litellm → azure, " +
			"header-missing. Fix: set AZURE_API_KEY in the proxy's environment.",
		WantCause: finding.HeaderMissing, WantLink: link("litellm", "azure"),
	}, func(b *builder) error { return b.azureBehindLiteLLM() }},

	{Scenario{
		Name: ScenarioGeminiWrongKey,
		Description: "ci → gemini directly. GEMINI_API_KEY holds a well-formed `AIza…` key that Google does not " +
			"accept: 400 `API key not valid. Please pass a valid API key.` with reason API_KEY_INVALID, for the " +
			"model list as for generateContent. The key travels in the `x-goog-api-key` header, never in the URL. " +
			"Want: failing link ci → gemini, credential-rejected. Fix: replace the secret.",
		WantCause: finding.CredentialRejected, WantLink: link(chain.CIHop, "gemini"),
	}, func(b *builder) error { return b.geminiWrongKey() }},

	{Scenario{
		Name: ScenarioOllamaModelMissing,
		Description: "ci → litellm → ollama. The proxy routes `ollama_chat/llama3.2` to a local Ollama server that " +
			"needs no key, but the model was never pulled there: Ollama answers 404 `model … not found` and " +
			"LiteLLM relays it. Ollama itself is up (GET /api/version answers). Want: failing link litellm → " +
			"ollama, model-unavailable. Fix: pull the model on the Ollama server (ollama pull llama3.2).",
		WantCause: finding.ModelUnavailable, WantLink: link("litellm", "ollama"),
	}, func(b *builder) error { return b.ollamaModelMissing() }},
}

// Scenarios lists the scenarios, the default first.
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarios))
	for i, s := range scenarios {
		out[i] = s.Scenario
		if s.WantLink != nil {
			l := *s.WantLink
			out[i].WantLink = &l
		}
	}
	return out
}

// Start starts the named scenario's servers on loopback ("" starts the
// default scenario). The caller must call Env.Close.
func Start(name string) (*Env, error) {
	if name == "" {
		name = DefaultScenario
	}
	for _, s := range scenarios {
		if s.Name != name {
			continue
		}
		b := &builder{name: name, env: &Env{ConfigName: "hopcheck.yml", Vars: map[string]string{}, Files: map[string][]byte{}}}
		var once sync.Once
		b.env.Close = func() {
			once.Do(func() {
				for i := len(b.servers) - 1; i >= 0; i-- {
					_ = b.servers[i].Close()
				}
			})
		}
		if err := s.start(b); err != nil {
			b.env.Close()
			return nil, fmt.Errorf("sim: start scenario %s: %w", name, err)
		}
		return b.env, nil
	}
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.Name
	}
	return nil, fmt.Errorf("sim: unknown scenario %q (known: %s)", name, strings.Join(names, ", "))
}

type builder struct {
	name    string
	env     *Env
	servers []*Server
}

func (b *builder) serve(host string, h http.Handler) (*Server, error) {
	s, err := Listen(host, h)
	if err != nil {
		return nil, err
	}
	b.servers = append(b.servers, s)
	return s, nil
}

// FakeOpenRouterKey returns a deterministic, realistically shaped fake
// OpenRouter key (`sk-or-v1-` + 64 hex) for seed.
func FakeOpenRouterKey(seed string) string {
	h := sha256.Sum256([]byte("hopcheck-sim/openrouter/" + seed))
	return "sk-or-v1-" + hex.EncodeToString(h[:])
}

// FakeLiteLLMKey returns a deterministic, realistically shaped fake
// LiteLLM key (`sk-` + 22 URL-safe characters) for seed.
func FakeLiteLLMKey(seed string) string {
	h := sha256.Sum256([]byte("hopcheck-sim/litellm/" + seed))
	return "sk-" + base64.RawURLEncoding.EncodeToString(h[:])[:22]
}

// hop is one hop of a rendered hopcheck.yml.
type hop struct {
	name, typ, url, keyEnv, comment string
}

// renderConfig writes a readable hopcheck.yml.
func renderConfig(header []string, timeout, chainName, model string, hops []hop) []byte {
	var b strings.Builder
	for _, l := range header {
		b.WriteString("# " + l + "\n")
	}
	fmt.Fprintf(&b, "version: 1\ndefaults:\n  timeout: %s\n  canary: inference\nchains:\n", timeout)
	fmt.Fprintf(&b, "  - name: %s\n    model: %s\n    hops:\n", chainName, model)
	for _, h := range hops {
		if h.comment != "" {
			fmt.Fprintf(&b, "      # %s\n", h.comment)
		}
		fmt.Fprintf(&b, "      - name: %s\n        type: %s\n        url: %s\n", h.name, h.typ, h.url)
		if h.keyEnv != "" {
			fmt.Fprintf(&b, "        key_env: %s\n", h.keyEnv)
		}
	}
	return []byte(b.String())
}

// liteLLMConfigFile is the name under which the proxy's config appears in
// Env.Files.
const liteLLMConfigFile = "litellm-config.yaml"

func liteLLMConfig(orBase string) []byte {
	return []byte(fmt.Sprintf(`# LiteLLM proxy config.yaml (the simulated proxy loads exactly this file)
model_list:
  - model_name: claude-sonnet-4.5
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: %[1]s
  - model_name: gpt-4o-mini
    litellm_params:
      model: openrouter/openai/gpt-4o-mini
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: %[1]s

litellm_settings:
  drop_params: true

general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, orBase))
}

type liteLLMOpts struct {
	proxyLacksORKey bool   // the proxy's env has no OPENROUTER_API_KEY
	missingMsg      string // OpenRouter's "no credentials" wording
	wrongCIKey      bool   // CI's LITELLM_KEY is not the master key
	ciLacksORKey    bool   // the openrouter hop has no key_env
	noCredits       bool
	hang            bool
	model           string // chain model (default claude-sonnet-4.5)
	timeout         string // default 5s
}

// liteLLMChain starts ci → litellm → openrouter.
func (b *builder) liteLLMChain(o liteLLMOpts) error {
	orKey := FakeOpenRouterKey(b.name)
	master := FakeLiteLLMKey(b.name + "/master")
	or := NewOpenRouter(orKey)
	or.MissingAuthMessage = o.missingMsg
	or.Hang = o.hang
	if o.noCredits {
		limit := 10.0
		or.Keys[orKey] = Account{Limit: &limit, Usage: 10, NoCredits: true}
	}
	orSrv, err := b.serve("", or)
	if err != nil {
		return err
	}
	orBase := orSrv.URL + "/api/v1"
	cfgText := liteLLMConfig(orBase)
	proxyEnv := map[string]string{"LITELLM_MASTER_KEY": master, "OPENROUTER_API_KEY": orKey}
	if o.proxyLacksORKey {
		delete(proxyEnv, "OPENROUTER_API_KEY")
	}
	ll, err := NewLiteLLMFromYAML(liteLLMConfigFile, cfgText, proxyEnv)
	if err != nil {
		return err
	}
	llSrv, err := b.serve("", ll)
	if err != nil {
		return err
	}
	b.env.OpenRouter, b.env.LiteLLM = or, ll
	b.env.Files[liteLLMConfigFile] = cfgText

	b.env.Vars["LITELLM_KEY"] = master
	if o.wrongCIKey {
		b.env.Vars["LITELLM_KEY"] = FakeLiteLLMKey(b.name + "/stale")
	}
	orHop := hop{name: "openrouter", typ: "openrouter", url: orBase, keyEnv: "OPENROUTER_API_KEY",
		comment: "the provider behind the proxy; CI holds the same key, so hopcheck can test it directly"}
	if o.ciLacksORKey {
		orHop.keyEnv = ""
		orHop.comment = "the provider behind the proxy; only the proxy holds its key (no key_env)"
	} else {
		b.env.Vars["OPENROUTER_API_KEY"] = orKey
	}
	model, timeout := o.model, o.timeout
	if model == "" {
		model = "claude-sonnet-4.5"
	}
	if timeout == "" {
		timeout = "5s"
	}
	header := []string{
		"hopcheck demo scenario: " + b.name,
		"CI job → LiteLLM proxy → OpenRouter. The proxy's own config is " + liteLLMConfigFile + ".",
	}
	b.env.Config = renderConfig(header, timeout, "review-bot", model, []hop{
		{name: "litellm", typ: "litellm", url: llSrv.URL, keyEnv: "LITELLM_KEY",
			comment: "the LiteLLM proxy; model is one of its model_list names"},
		orHop,
	})
	return nil
}

// rateLimited starts ci → openrouter with the first completion limited.
func (b *builder) rateLimited() error {
	key := FakeOpenRouterKey(b.name)
	or := NewOpenRouter(key)
	or.Keys[key] = Account{FreeTier: true}
	or.RateLimitFirst, or.RetryAfter = 1, 1
	srv, err := b.serve("", or)
	if err != nil {
		return err
	}
	b.env.OpenRouter = or
	b.env.Vars["OPENROUTER_API_KEY"] = key
	b.env.Config = renderConfig([]string{
		"hopcheck demo scenario: " + b.name,
		"CI job → OpenRouter, on a free model with a daily request cap.",
	}, "5s", "nightly-summary", "meta-llama/llama-3.3-70b-instruct:free", []hop{
		{name: "openrouter", typ: "openrouter", url: srv.URL + "/api/v1", keyEnv: "OPENROUTER_API_KEY"},
	})
	return nil
}

// droppedByProxy starts ci → edge (drops Authorization) → openrouter.
func (b *builder) droppedByProxy() error {
	key := FakeOpenRouterKey(b.name)
	or := NewOpenRouter(key)
	orSrv, err := b.serve("", or)
	if err != nil {
		return err
	}
	edge, err := b.serve("", ReverseProxy(orSrv.URL, true))
	if err != nil {
		return err
	}
	b.env.OpenRouter = or
	b.env.Vars["OPENROUTER_API_KEY"] = key
	b.env.Config = renderConfig([]string{
		"hopcheck demo scenario: " + b.name,
		"CI job → nginx (edge) → OpenRouter. The CI job sends its OpenRouter key through edge.",
	}, "5s", "review-bot", "anthropic/claude-sonnet-4.5", []hop{
		{name: "edge", typ: "reverse-proxy", url: edge.URL + "/api/v1",
			comment: "nginx in front of OpenRouter; a reverse proxy adds no credential of its own"},
		{name: "openrouter", typ: "openrouter", url: orSrv.URL + "/api/v1", keyEnv: "OPENROUTER_API_KEY"},
	})
	return nil
}

// crossHostRedirect starts ci → openrouter where the configured host
// redirects to another loopback host.
func (b *builder) crossHostRedirect() error {
	key := FakeOpenRouterKey(b.name)
	or := NewOpenRouter(key)
	// The real API lives on 127.0.0.2; where that address cannot be bound
	// (not every OS routes all of 127/8), "localhost" is another host name
	// for 127.0.0.1 and still a cross-host redirect.
	target, err := b.serve("127.0.0.2", or)
	targetURL := ""
	if err == nil {
		targetURL = target.URL
	} else {
		if target, err = b.serve("", or); err != nil {
			return err
		}
		targetURL = "http://localhost:" + target.Addr[strings.LastIndex(target.Addr, ":")+1:]
	}
	front, err := b.serve("", Redirect(targetURL, http.StatusTemporaryRedirect))
	if err != nil {
		return err
	}
	b.env.OpenRouter = or
	b.env.Vars["OPENROUTER_API_KEY"] = key
	b.env.Config = renderConfig([]string{
		"hopcheck demo scenario: " + b.name,
		"CI job → OpenRouter through an old address that now redirects to another host.",
	}, "5s", "review-bot", "anthropic/claude-sonnet-4.5", []hop{
		{name: "openrouter", typ: "openrouter", url: front.URL + "/api/v1", keyEnv: "OPENROUTER_API_KEY",
			comment: "this address answers 307 to " + targetURL + "/api/v1/…"},
	})
	return nil
}

// providerBehindLiteLLM starts a simulated provider of type t accepting key
// and a LiteLLM proxy in front of it whose config routes model groups to
// it with the given litellm_params lines; proxyEnv is the proxy's
// environment besides its master key.
func (b *builder) providerBehindLiteLLM(p *Provider, group, params string, proxyEnv map[string]string) (*Server, *Server, error) {
	pSrv, err := b.serve("", p)
	if err != nil {
		return nil, nil, err
	}
	master := FakeLiteLLMKey(b.name + "/master")
	cfgText := []byte(fmt.Sprintf(`# LiteLLM proxy config.yaml (the simulated proxy loads exactly this file)
model_list:
  - model_name: %s
    litellm_params:
%s
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, group, strings.ReplaceAll(params, "BASE", pSrv.URL)))
	env := map[string]string{"LITELLM_MASTER_KEY": master}
	for k, v := range proxyEnv {
		env[k] = v
	}
	ll, err := NewLiteLLMFromYAML(liteLLMConfigFile, cfgText, env)
	if err != nil {
		return nil, nil, err
	}
	llSrv, err := b.serve("", ll)
	if err != nil {
		return nil, nil, err
	}
	b.env.LiteLLM = ll
	b.env.Files[liteLLMConfigFile] = cfgText
	b.env.Vars["LITELLM_KEY"] = master
	return pSrv, llSrv, nil
}

// azureBehindLiteLLM starts ci → litellm → azure with the proxy lacking
// its Azure key.
func (b *builder) azureBehindLiteLLM() error {
	key := strings.Repeat("0a", 16) // Azure keys are 32 hex characters
	az := NewProvider(provider.Azure, key)
	az.Models = []string{"gpt-4o"}
	azSrv, llSrv, err := b.providerBehindLiteLLM(az, "gpt-4o", `      model: azure/gpt-4o
      api_base: BASE
      api_version: "2024-10-21"
      api_key: os.environ/AZURE_API_KEY`, nil)
	if err != nil {
		return err
	}
	b.env.Vars["AZURE_API_KEY"] = key
	b.env.Config = renderConfig([]string{
		"hopcheck demo scenario: " + b.name,
		"CI job → LiteLLM proxy → Azure OpenAI. The proxy's own config is " + liteLLMConfigFile + ".",
	}, "5s", "review-bot", "gpt-4o", []hop{
		{name: "litellm", typ: "litellm", url: llSrv.URL, keyEnv: "LITELLM_KEY", comment: "the LiteLLM proxy"},
		{name: "azure", typ: "azure", url: azSrv.URL, keyEnv: "AZURE_API_KEY",
			comment: "the Azure OpenAI resource behind the proxy; CI holds the same key"},
	})
	return nil
}

// geminiWrongKey starts ci → gemini with a key Google rejects.
func (b *builder) geminiWrongKey() error {
	g := NewProvider(provider.Gemini, "AIza"+strings.Repeat("0", 35))
	srv, err := b.serve("", g)
	if err != nil {
		return err
	}
	b.env.Vars["GEMINI_API_KEY"] = "AIza" + strings.Repeat("9", 35)
	b.env.Config = renderConfig([]string{
		"hopcheck demo scenario: " + b.name,
		"CI job → Google Gemini directly.",
	}, "5s", "summarize", "gemini-2.5-flash", []hop{
		{name: "gemini", typ: "gemini", url: srv.URL + "/v1beta", keyEnv: "GEMINI_API_KEY"},
	})
	return nil
}

// ollamaModelMissing starts ci → litellm → ollama without the model.
func (b *builder) ollamaModelMissing() error {
	o := NewProvider(provider.Ollama)
	o.Models = []string{"qwen2.5:0.5b"}
	oSrv, llSrv, err := b.providerBehindLiteLLM(o, "local", `      model: ollama_chat/llama3.2
      api_base: BASE`, nil)
	if err != nil {
		return err
	}
	b.env.Config = renderConfig([]string{
		"hopcheck demo scenario: " + b.name,
		"CI job → LiteLLM proxy → a local Ollama server (no key). The proxy's own config is " + liteLLMConfigFile + ".",
	}, "5s", "local-llm", "local", []hop{
		{name: "litellm", typ: "litellm", url: llSrv.URL, keyEnv: "LITELLM_KEY", comment: "the LiteLLM proxy"},
		{name: "ollama", typ: "ollama", url: oSrv.URL, comment: "Ollama needs no key"},
	})
	return nil
}
