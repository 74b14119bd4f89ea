package openclaw

// Derivation: from a read Config to the chains hopcheck checks, the way
// OpenClaw itself resolves them (src/agents/model-selection of the npm
// package, 2026.9.6): which model the default agent runs, which provider
// serves it at which URL, which credential OpenClaw sends, and whether the
// job can reach it through the gateway's OpenAI-compatible endpoint.
// Nothing here judges; judge.go turns the facts recorded here into
// findings.

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// Chain names used for derived chains; a fallback model's chain adds
// "-fallback-N".
const (
	// ChainName is the chain through the gateway: ci → openclaw → <upstream>.
	ChainName = "openclaw"
	// DirectChainName is the chain without the gateway: ci → <upstream>,
	// checked with the key OpenClaw would send.
	DirectChainName = "openclaw-direct"
	// HopName is the gateway hop's name.
	HopName = "openclaw"
)

// ChainTimeout is the per-request timeout of derived chains: the first
// request through a freshly started gateway takes 6.5-11.6 s on a 2-core
// runner, so the usual 10-20 s is too short.
const ChainTimeout = 45 * time.Second

// GatewayTokenEnv and GatewayPasswordEnv are the variables the gateway
// reads when gateway.auth.token / .password are unset; GatewayPortEnv
// overrides gateway.port (docs/gateway/config-gateway.md).
const (
	GatewayTokenEnv    = "OPENCLAW_GATEWAY_TOKEN"
	GatewayPasswordEnv = "OPENCLAW_GATEWAY_PASSWORD"
	GatewayPortEnv     = "OPENCLAW_GATEWAY_PORT"
)

// DefaultProvider is the provider OpenClaw gives a model id written
// without one when no configured provider lists it (it logs "Model … specified
// without provider. Falling back to openai/…").
const DefaultProvider = "openai"

// BuiltinDefaultModel is the model OpenClaw 2026.9.6 runs when the config
// names none (`openclaw models status` on an empty config). It changes
// between releases, so hopcheck names it but derives no chain from it.
const BuiltinDefaultModel = "openai/gpt-6-astra"

// Options says what to derive and from which environment.
type Options struct {
	// LookupEnv reads the job's environment, taken to be the gateway's
	// too (nil: an empty environment).
	LookupEnv func(string) (string, bool)
	// Open reads the files $include names (nil: includes are not
	// followed). Analyze only.
	Open Opener
	// Model, when set, is the model a hopcheck.yml chain asks the gateway
	// for (a "<provider>/<model>" ref, as OpenClaw's x-openclaw-model
	// header takes it); only its chain is derived. ModelPos is where the
	// chain names it.
	Model    string
	ModelPos chain.Pos
	// Through derives the chain through the gateway even when its
	// OpenAI-compatible endpoint is off (a hopcheck.yml chain names the
	// gateway as a hop; the finding about the endpoint stays).
	Through bool
}

// How says how a model ref was resolved to a provider.
type How string

const (
	// HowWritten: written as <provider>/<model>.
	HowWritten How = ""
	// HowAlias: an alias of agents.defaults.models.
	HowAlias How = "alias"
	// HowConfigured: a bare model id that exactly one configured provider lists.
	HowConfigured How = "configured"
	// HowDefaultProvider: a bare model id OpenClaw gives its default provider.
	HowDefaultProvider How = "default-provider"
	// HowFirstConfigured: no model is set; OpenClaw runs the first model of
	// the first provider of models.providers that lists one.
	HowFirstConfigured How = "first-configured"
)

// Choice is a model OpenClaw would run and where it comes from.
type Choice struct {
	// Ref is the ref as written; Pos where; Setting the setting's path
	// ("agents.defaults.model.primary").
	Ref     string
	Pos     chain.Pos
	Setting string
	// Legacy: the setting is a key current OpenClaw no longer reads
	// (agent.model, models.default).
	Legacy bool
	// Fallback is 0 for the primary model, n for the n-th fallback.
	Fallback int
	// Provider is OpenClaw's provider id and Model the model id there.
	Provider, Model string
	How             How
	// Alias is the alias Ref was (HowAlias); Profile an @profile suffix.
	Alias, Profile string
	// Invalid says why Ref is no model ref ("" when it is one).
	Invalid string
}

// Label is the ref as OpenClaw resolved it: "<provider>/<model>".
func (c Choice) Label() string {
	if c.Provider == "openrouter" {
		return "openrouter/" + strings.TrimPrefix(c.Model, "openrouter/")
	}
	return c.Provider + "/" + c.Model
}

// CredKind says what a credential setting holds.
type CredKind int

const (
	// CredNone: no credential; the server needs none (a no-key server, a
	// custom provider on a local address).
	CredNone CredKind = iota
	// CredEnv: a variable, written "${VAR}" or as an env SecretRef, or
	// OpenClaw's default variable when the setting is unset (Default).
	CredEnv
	// CredMarker: the setting is the bare name of a variable OpenClaw
	// knows as a provider key variable; OpenClaw reads that variable.
	CredMarker
	// CredDummy: a stand-in value for a server that checks no key.
	CredDummy
	// CredWord: a bare variable-like word OpenClaw does not know; it sends
	// it verbatim as the key.
	CredWord
	// CredPlaceholder: a placeholder, not a key.
	CredPlaceholder
	// CredLiteral: a literal credential committed in the file.
	CredLiteral
	// CredTemplate: ${VAR} references mixed with text.
	CredTemplate
	// CredRef: a SecretRef only OpenClaw can resolve (file, exec, store).
	CredRef
)

// Cred is the credential OpenClaw sends on one link.
type Cred struct {
	// Setting is the setting's path ("models.providers.moonshot.apiKey").
	Setting string
	// Written is the setting as read (unset when Default).
	Written Secret
	Kind    CredKind
	// Env is the variable (CredEnv, CredMarker); Default that it is
	// OpenClaw's default because the setting is unset.
	Env     string
	Default bool
	// FromConfig is the inline variable of the env block OpenClaw uses
	// because Env is unset in the job (nil when the job sets it).
	FromConfig *EnvVar
	// Value is the literal OpenClaw sends (CredLiteral, CredWord,
	// CredPlaceholder, CredDummy, or FromConfig's value). Never printed.
	Value string
	// Unset lists the template's variables unset in the job (CredTemplate).
	Unset []string
	// Ambient (CredNone): the provider signs with its SDK's credential
	// chain (variables, a profile, a role) and the job sets none of Vars.
	Ambient bool
	Vars    []string
	// StandIn (CredLiteral): a value that cannot be a real key, given to a
	// server type that checks no key at a private address (OpenClaw wants
	// an apiKey for every custom provider, so people write the provider's
	// name): it is sent as written, but it is no committed secret.
	StandIn bool
}

// Upstream is the provider hop of a chain.
type Upstream struct {
	// ID is OpenClaw's provider id; Spec the registry entry the hop is
	// checked as; Builtin that OpenClaw has the provider built in (and
	// the registry knows it by that id).
	ID      string
	Spec    *provider.Spec
	Builtin bool
	// Custom is the models.providers entry (nil when none).
	Custom *Provider
	// URLDefault: the URL is the provider's default (no baseUrl written).
	URLDefault bool
	// API is the custom entry's api when hopcheck checks it as another
	// API than it names ("" otherwise).
	API  string
	Cred Cred
	// BaseVar is the variable a baseUrl written "${VAR}/…" starts with
	// (OpenClaw substitutes ${VAR} in every string); BaseUnset that the job
	// and the env block leave it unset, so the URL stays unresolved.
	BaseVar   string
	BaseUnset bool
}

// Plan is one derived chain and the facts behind it.
type Plan struct {
	Chain  *chain.Chain
	Choice Choice
	Up     Upstream
	// Through: the chain goes through the gateway.
	Through bool
}

// Why a model choice yields no chain.
const (
	// NoChainUnknownProvider: the registry does not know the provider and
	// the config gives it no baseUrl.
	NoChainUnknownProvider = "unknown-provider"
	// NoChainNoBaseURL: the provider's endpoint is per account and the
	// config gives it no baseUrl.
	NoChainNoBaseURL = "no-base-url"
	// NoChainInvalid: the ref is no <provider>/<model>.
	NoChainInvalid = "invalid"
)

// Unusable is a model choice no chain was derived for.
type Unusable struct {
	Choice Choice
	Why    string
	// Spec is the registry entry when the provider is known (NoChainNoBaseURL).
	Spec *provider.Spec
}

// GatewayPlan is the gateway hop and how hopcheck authenticates to it.
type GatewayPlan struct {
	Hop chain.Hop
	// Mode is the effective auth mode; Usable that hopcheck can
	// authenticate (trusted-proxy needs a password).
	Mode   string
	Usable bool
	Cred   Cred
	// PortEnv is the port OPENCLAW_GATEWAY_PORT sets (0: none).
	PortEnv int
}

// Derivation is everything derived from one config.
type Derivation struct {
	Plans []*Plan
	// Choices are every model choice, in order (primary first).
	Choices []Choice
	// Setting is the model setting the choices come from (nil when none,
	// or when Options.Model named the model); Agent the default agent
	// whose setting it is (nil when it is not an agent's).
	Setting *ModelSetting
	Agent   *Agent
	// NoModel: no model is set anywhere and no provider lists one;
	// OpenClaw runs BuiltinDefaultModel.
	NoModel  bool
	Unusable []Unusable
	Gateway  GatewayPlan
	// EndpointOff: the gateway's OpenAI-compatible endpoint is off.
	EndpointOff bool
	// UnsetRefs are the ${VAR} references no chain credential uses whose
	// variable is unset in the job and in the env block.
	UnsetRefs []Ref
	Sources   []Source
	// OtherAgents are the primary models of the agents other than the one
	// the chains come from, where no chain checks that model.
	OtherAgents []AgentModel
}

// AgentModel is an agent's primary model that no derived chain checks.
type AgentModel struct {
	Agent  *Agent
	Choice Choice
}

// Derive derives the chains of cfg: one for the primary model of the
// default agent and one for each fallback that differs from the models
// before it. Each chain is `ci → openclaw → <provider>` when the gateway's
// OpenAI-compatible endpoint is on (or Options.Through), else the direct
// `ci → <provider>` link checked with the key OpenClaw would send.
func Derive(cfg *Config, o Options) *Derivation {
	d := &deriver{cfg: cfg, env: o.LookupEnv, out: &Derivation{}}
	if d.env == nil {
		d.env = func(string) (string, bool) { return "", false }
	}
	d.choose(o)
	d.out.Gateway = d.gateway()
	g := &d.out.Gateway
	d.out.EndpointOff = !cfg.Gateway.ChatCompletions
	through := (cfg.Gateway.ChatCompletions || o.Through) && g.Usable
	base := DirectChainName
	if through {
		base = ChainName
	}
	seen := map[string]bool{}
	for _, ch := range d.out.Choices {
		if ch.Invalid != "" {
			d.out.Unusable = append(d.out.Unusable, Unusable{Choice: ch, Why: NoChainInvalid})
			continue
		}
		if seen[ch.Provider+"/"+ch.Model] {
			continue
		}
		seen[ch.Provider+"/"+ch.Model] = true
		up, h, why := d.upstream(ch)
		if why != "" {
			d.out.Unusable = append(d.out.Unusable, Unusable{Choice: ch, Why: why, Spec: up.Spec})
			continue
		}
		name := base
		if ch.Fallback > 0 {
			name = fmt.Sprintf("%s-fallback-%d", base, ch.Fallback)
		}
		c := &chain.Chain{Name: name, Model: ch.Model, Canary: chain.CanaryInference, Timeout: ChainTimeout,
			Pos: d.anchor(ch), ModelPos: ch.Pos}
		if through && !cfg.Gateway.Pos.IsZero() {
			c.Pos = cfg.Gateway.Pos
		}
		if through {
			c.Hops = append(c.Hops, g.Hop)
			if id := up.Spec.OpenClaw.IDs; len(id) == 0 || !strings.EqualFold(id[0], up.ID) {
				// The gateway routes by x-openclaw-model, which the
				// registry builds from the upstream type's first OpenClaw
				// id: a custom provider's model goes with its own id.
				c.Model = up.ID + "/" + ch.Model
			}
		}
		for h.Name == HopName || h.Name == chain.CIHop {
			h.Name += "-upstream"
		}
		if through {
			h.Route = d.routeOf(ch, o)
		}
		c.Hops = append(c.Hops, h)
		p := &Plan{Chain: c, Choice: ch, Up: up, Through: through}
		d.out.Plans = append(d.out.Plans, p)
		d.sources(p)
	}
	d.unsetRefs()
	d.otherAgents(seen)
	return d.out
}

// otherAgents records the primary models of the agents besides the one
// the chains come from that no chain checks (checked: provider/model of
// the chains' choices). OpenClaw runs each agent with its own model, so a
// repository whose other agents use other providers has chains hopcheck
// does not derive; saying so keeps the run from looking complete.
func (d *deriver) otherAgents(checked map[string]bool) {
	for i := range d.cfg.Agents {
		a := &d.cfg.Agents[i]
		if a == d.out.Agent || !a.Model.Primary.Set {
			continue
		}
		ch := d.resolve(Choice{Ref: a.Model.Primary.Value, Pos: a.Model.Primary.Pos, Setting: a.Model.PrimarySetting})
		if ch.Invalid != "" || checked[ch.Provider+"/"+ch.Model] {
			continue
		}
		checked[ch.Provider+"/"+ch.Model] = true
		d.out.OtherAgents = append(d.out.OtherAgents, AgentModel{Agent: a, Choice: ch})
	}
}

// routeOf says how the gateway reaches the provider of choice ch (see
// chain.Route): every other model of the fallback list (the primary one
// too, for a fallback's chain) can answer in ch's place when ch's fails,
// and the gateway's answer does not say which model answered.
func (d *deriver) routeOf(ch Choice, o Options) *chain.Route {
	r := &chain.Route{Config: d.cfg.File}
	all := d.out.Choices
	if o.Model != "" {
		// A hopcheck.yml chain names its model; the configured ones are
		// still OpenClaw's fallbacks.
		alt := &deriver{cfg: d.cfg, env: d.env, out: &Derivation{}}
		alt.choose(Options{})
		all = alt.out.Choices
	}
	seen := map[string]bool{ch.Label(): true}
	for _, other := range all {
		if other.Invalid != "" || seen[other.Label()] {
			continue
		}
		seen[other.Label()] = true
		r.Doubts = append(r.Doubts, chain.Doubt{Pos: other.Pos,
			What: fmt.Sprintf("the model %s of the fallback list (%s), which OpenClaw answers with when %s fails", other.Label(), other.Setting, ch.Label())})
	}
	return r
}

// unsetRefs lists the references OpenClaw cannot substitute that are not
// the credential of a chain or of the gateway (those are judged there).
func (d *deriver) unsetRefs() {
	used := map[string]bool{}
	mark := func(c Cred) {
		used[c.Env] = true
		for _, v := range c.Written.Vars {
			used[v] = true
		}
	}
	// The gateway's own credential is judged with the gateway.
	mark(d.out.Gateway.Cred)
	for _, p := range d.out.Plans {
		mark(p.Up.Cred)
		used[p.Up.BaseVar] = true
	}
	for _, r := range d.cfg.Refs {
		if _, ok := d.lookup(r.Name); !ok && !used[r.Name] {
			d.out.UnsetRefs = append(d.out.UnsetRefs, r)
		}
	}
}

type deriver struct {
	cfg *Config
	env func(string) (string, bool)
	out *Derivation
}

// jobVar returns the job's value of name when it is set and not empty.
func (d *deriver) jobVar(name string) (string, bool) {
	v, _ := d.env(name)
	return v, v != ""
}

// anchor is the position findings about values that come from defaults
// use: the model ref that makes OpenClaw use them, else the file.
func (d *deriver) anchor(ch Choice) chain.Pos {
	if !ch.Pos.IsZero() {
		return ch.Pos
	}
	return chain.Pos{File: d.cfg.File}
}

// choose lists the models OpenClaw would run: Options.Model, else the
// default agent's model, agents.defaults.model, the legacy agent.model or
// models.default (primary, then fallbacks), else the first configured
// provider's first model.
func (d *deriver) choose(o Options) {
	cfg := d.cfg
	if o.Model != "" {
		d.out.Choices = []Choice{d.resolve(Choice{Ref: o.Model, Pos: o.ModelPos, Setting: "the chain's model"})}
		return
	}
	agent := d.defaultAgent()
	var set *ModelSetting
	legacy := false
	switch {
	case agent != nil && agent.Model.Set:
		set = &agent.Model
		d.out.Agent = agent
	case cfg.Defaults.Set:
		set = &cfg.Defaults
	case cfg.Legacy.Set:
		set, legacy = &cfg.Legacy, true
	case cfg.ModelsDefault.Set:
		set, legacy = &cfg.ModelsDefault, true
	}
	if set == nil {
		for _, p := range cfg.Providers {
			if len(p.Models) == 0 || p.Models[0].Value == "" {
				continue
			}
			m := p.Models[0]
			d.out.Choices = []Choice{{Ref: p.ID + "/" + m.Value, Pos: m.Pos, Setting: fmt.Sprintf("models.providers.%s.models[0].id", p.ID),
				Provider: strings.ToLower(p.ID), Model: m.Value, How: HowFirstConfigured}}
			return
		}
		d.out.NoModel = true
		return
	}
	d.out.Setting = set
	d.out.Choices = append(d.out.Choices, d.resolve(Choice{Ref: set.Primary.Value, Pos: set.Primary.Pos, Setting: set.PrimarySetting, Legacy: legacy}))
	fallbacks := set.Fallbacks
	if len(fallbacks) == 0 && set != &cfg.Defaults && agent != nil && cfg.Defaults.Set {
		fallbacks = cfg.Defaults.Fallbacks
	}
	for i, f := range fallbacks {
		if !f.Set {
			continue
		}
		d.out.Choices = append(d.out.Choices, d.resolve(Choice{Ref: f.Value, Pos: f.Pos, Fallback: i + 1, Legacy: legacy,
			Setting: fmt.Sprintf("%s.fallbacks[%d]", set.Setting, i)}))
	}
}

// defaultAgent is the agent marked default: true, else the only or first
// one (nil when there is none).
func (d *deriver) defaultAgent() *Agent {
	as := d.cfg.Agents
	for i := range as {
		if as[i].Default {
			return &as[i]
		}
	}
	if len(as) > 0 {
		return &as[0]
	}
	return nil
}

// resolve splits ch.Ref into provider and model as OpenClaw does: an
// @profile suffix is dropped, an alias of agents.defaults.models stands
// for its ref, and a bare model id goes to the one configured provider
// that lists it, else to DefaultProvider.
func (d *deriver) resolve(ch Choice) Choice {
	raw := strings.TrimSpace(ch.Ref)
	raw, ch.Profile = splitProfile(raw)
	for i := len(d.cfg.ModelEntries) - 1; i >= 0; i-- {
		e := d.cfg.ModelEntries[i]
		if e.Alias != "" && strings.EqualFold(e.Alias, raw) {
			ch.How, ch.Alias, raw = HowAlias, raw, e.Ref
			break
		}
	}
	if strings.EqualFold(raw, "openrouter:auto") {
		raw = "openrouter/auto"
	}
	i := strings.Index(raw, "/")
	switch {
	case raw == "":
		ch.Invalid = "it is empty"
		return ch
	case i == 0 || i == len(raw)-1:
		ch.Invalid = "OpenClaw model refs are <provider>/<model>"
		return ch
	case i > 0:
		ch.Provider, ch.Model = strings.ToLower(strings.TrimSpace(raw[:i])), strings.TrimSpace(raw[i+1:])
	default:
		ch.Model = raw
		if p := d.uniqueProvider(raw); p != "" {
			ch.Provider = p
			if ch.How == HowWritten {
				ch.How = HowConfigured
			}
		} else {
			ch.Provider, ch.How = DefaultProvider, HowDefaultProvider
		}
	}
	if ch.Provider == "openrouter" && !strings.Contains(ch.Model, "/") {
		// OpenRouter's own routers (openrouter/auto) are
		// openrouter/openrouter/auto as OpenClaw refs.
		ch.Model = "openrouter/" + ch.Model
	}
	return ch
}

// splitProfile splits a trailing "@profile" off a model ref, keeping
// date (@20250514) and quantisation (@q4_k_m, @4bit) suffixes.
func splitProfile(ref string) (model, profile string) {
	at := strings.Index(ref[strings.LastIndex(ref, "/")+1:], "@")
	if at < 0 {
		return ref, ""
	}
	at += strings.LastIndex(ref, "/") + 1
	for at > 0 {
		rest := ref[at+1:]
		if keepSuffix.MatchString(rest) {
			next := strings.Index(rest, "@")
			if next < 0 {
				return ref, ""
			}
			at += 1 + next
			continue
		}
		m, p := strings.TrimSpace(ref[:at]), strings.TrimSpace(rest)
		if m == "" || p == "" {
			return ref, ""
		}
		return m, p
	}
	return ref, ""
}

var keepSuffix = regexp.MustCompile(`(?i)^(?:\d{8}|i?q\d+(?:_[a-z0-9]+)*|\d+bit)(?:@|$)`)

// uniqueProvider is the one configured provider that lists model: as the
// model part of a key of agents.defaults.models, or as a model id of
// models.providers ("" when none or several do).
func (d *deriver) uniqueProvider(model string) string {
	exact, folded := map[string]bool{}, map[string]bool{}
	add := func(p, id string) {
		switch {
		case id == model:
			exact[strings.ToLower(p)] = true
		case strings.EqualFold(id, model):
			folded[strings.ToLower(p)] = true
		}
	}
	for _, e := range d.cfg.ModelEntries {
		if p, m, ok := strings.Cut(e.Ref, "/"); ok && p != "" && !strings.HasSuffix(e.Ref, "/*") {
			add(p, m)
		}
	}
	for _, p := range d.cfg.Providers {
		for _, m := range p.Models {
			add(p.ID, m.Value)
		}
	}
	set := exact
	if len(set) == 0 {
		set = folded
	}
	if len(set) != 1 {
		return ""
	}
	for p := range set {
		return p
	}
	return ""
}

// upstream builds the provider hop of ch. why is set when none can be.
func (d *deriver) upstream(ch Choice) (up Upstream, h chain.Hop, why string) {
	cfg := d.cfg
	up.ID = ch.Provider
	up.Custom = cfg.Provider(ch.Provider)
	spec, builtin := provider.ByOpenClaw(ch.Provider)
	up.Spec, up.Builtin = spec, builtin
	get := func(v string) string { s, _ := d.jobVar(v); return s }
	anchor := d.anchor(ch)
	h = chain.Hop{Name: ch.Provider, Pos: anchor}
	hasBase := up.Custom != nil && up.Custom.BaseURL.Set && up.Custom.BaseURL.Value != ""
	base := ""
	if hasBase {
		base = d.baseURL(&up)
	}
	switch {
	case builtin:
		h.URL = spec.DefaultBase(get)
		up.URLDefault = true
	case hasBase:
		p := *up.Custom
		p.BaseURL.Value = base
		up.Spec, up.API = customSpec(&p)
	default:
		return up, h, NoChainUnknownProvider
	}
	if hasBase {
		h.URL, h.URLPos, up.URLDefault = base, up.Custom.BaseURL.Pos, false
	}
	if h.URL == "" {
		return up, h, NoChainNoBaseURL
	}
	h.Type = up.Spec.Type
	if up.Custom != nil {
		h.Pos = up.Custom.Pos
	}
	h.TypePos = h.Pos
	if h.URLPos.IsZero() {
		h.URLPos = anchor
	}
	h.KeyHeader = provider.For(h.Type).Auth
	up.Cred = d.providerCred(up, h.URL)
	// An unset key is reported where it would be written: the provider's
	// entry, else the model ref that makes OpenClaw call the provider.
	d.apply(&h, up.Cred, h.Pos)
	if up.Cred.Kind != CredNone && up.Cred.Kind != CredDummy {
		h.KeyShadow = d.shadow(up.ID)
	}
	return up, h, ""
}

// shadow says which stored auth profile OpenClaw sends for provider id in
// preference to the key in its config or environment ("" when none): the
// profile's key lives in OpenClaw's state, which hopcheck does not read.
// OAuth profiles are judged elsewhere (see judge.profiles).
func (d *deriver) shadow(id string) string {
	for _, p := range d.cfg.AuthProfiles {
		if strings.EqualFold(p.Provider.Value, id) && !(p.Mode.Set && p.Mode.Value == "oauth") {
			return fmt.Sprintf("OpenClaw sends the key its auth profile %s stores outside openclaw.json (%s:%d), not the one hopcheck checked", p.ID, p.Pos.File, p.Pos.Line)
		}
	}
	return ""
}

// baseRef matches a baseUrl that starts with a variable: "${VAR}" or
// "${VAR}/v1" (the docs' "${BASE}/v1").
var baseRef = regexp.MustCompile(`^\$\{([A-Z_][A-Z0-9_]*)\}(/[^$]*)?$`)

// baseURL is the URL OpenClaw calls for up's custom baseUrl, with a
// leading ${VAR} substituted as OpenClaw does (from the job, else the env
// block). Only a leading reference whose value is an absolute http(s) URL
// is substituted, and never a variable named like a credential: the host
// then comes from the job's own variable, and no value of the job lands in
// a URL the file chose. Anything else is returned as written.
func (d *deriver) baseURL(up *Upstream) string {
	raw := up.Custom.BaseURL.Value
	m := baseRef.FindStringSubmatch(raw)
	if m == nil || provider.NamesCredential(m[1]) {
		return raw
	}
	up.BaseVar = m[1]
	v, ok := d.lookup(m[1])
	if u, err := url.Parse(v); !ok || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		up.BaseUnset = true
		return raw
	}
	return v + m[2]
}

// customSpec is the registry entry a custom provider (an id OpenClaw does
// not build in) is checked as: the provider owning its host, else the API
// its api setting names. api is set when that is an API hopcheck checks as
// an OpenAI-compatible one.
func customSpec(p *Provider) (s *provider.Spec, api string) {
	if u, err := url.Parse(p.BaseURL.Value); err == nil {
		if s, ok := provider.ByHost(u.Hostname()); ok && s.Role == provider.Provider {
			return s, ""
		}
	}
	switch p.API.Value {
	case "anthropic-messages":
		return provider.For(provider.Anthropic), ""
	case "ollama":
		return provider.For(provider.Ollama), ""
	case "", "openai-completions":
		return provider.For(provider.OpenAICompatible), ""
	}
	return provider.For(provider.OpenAICompatible), p.API.Value
}

// providerCred resolves the credential OpenClaw sends to up: its apiKey,
// else the provider's variables.
func (d *deriver) providerCred(up Upstream, base string) Cred {
	s := up.Spec
	c := Cred{Setting: "models.providers." + up.ID + ".apiKey"}
	if up.Custom != nil {
		c.Setting, c.Written = "models.providers."+up.Custom.ID+".apiKey", up.Custom.APIKey
	}
	local := false
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		local = !trust.PublicHost(u.Hostname())
	}
	w := c.Written
	switch {
	case w.Env != "":
		c.Kind, c.Env = CredEnv, w.Env
	case w.Template:
		c.Kind, c.Unset = CredTemplate, d.unset(w.Vars)
		return c
	case w.Ref != "":
		c.Kind = CredRef
		return c
	case w.Literal != "":
		v := w.Literal
		c.Value = v
		switch {
		case s.Verify == provider.NoKey && (s.IsDummyKey(v) || provider.VarLike(v)):
			c.Kind = CredDummy
		case !up.Builtin && local && (provider.IsPlaceholder(v) || isDummy(v)):
			c.Kind = CredDummy
		case provider.VarLike(v) && len(provider.ByKeyVar(v)) > 0:
			c.Kind, c.Env, c.Value = CredMarker, v, ""
		case provider.IsPlaceholder(v): // before VarLike: ZHIPU_API_KEY_PLACEHOLDER
			c.Kind = CredPlaceholder
		case provider.VarLike(v):
			c.Kind = CredWord
		default:
			c.Kind = CredLiteral
			c.StandIn = s.Verify == provider.NoKey && local && !provider.SecretLike(v)
		}
		if c.Kind != CredMarker {
			return c
		}
	default:
		vars := []string{}
		if up.Builtin {
			vars = s.OpenClawKeyVars()
		}
		for _, v := range vars {
			if _, ok := d.lookup(v); ok {
				c.Kind, c.Env, c.Default = CredEnv, v, true
				break
			}
		}
		if c.Kind == CredEnv {
			break
		}
		if s.Verify == provider.NoKey || (!up.Builtin && local) {
			return c // CredNone: OpenClaw sends its local marker
		}
		if up.Builtin && (s.Verify == provider.StaticOnly || s.Sign != nil) {
			// Signed with the runtime's credentials (a profile or a role
			// does as well as a variable): nothing to ask the job for.
			c.Ambient, c.Vars = true, vars
			return c
		}
		c.Kind, c.Default = CredEnv, true
		if len(vars) > 0 {
			c.Env = vars[0]
		} else {
			c.Env = strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(up.ID)) + "_API_KEY"
		}
	}
	d.fromConfig(&c)
	return c
}

// standIn reports whether p's literal apiKey is a stand-in (see
// Cred.StandIn): p points at a private address, is served by a server type
// that checks no key, and the value cannot be a real key.
func (p Provider) standIn() bool {
	v := p.APIKey.Literal
	if !p.APIKey.IsLiteral() || !p.BaseURL.Set || provider.SecretLike(v) {
		return false
	}
	u, err := url.Parse(p.BaseURL.Value)
	if err != nil || u.Hostname() == "" || trust.PublicHost(u.Hostname()) {
		return false
	}
	s, builtin := provider.ByOpenClaw(p.ID)
	if !builtin {
		s, _ = customSpec(&p)
	}
	return s.Verify == provider.NoKey
}

// isDummy reports whether v is a documented stand-in of a no-key server.
func isDummy(v string) bool { _, ok := provider.DummyKeyOf(v); return ok }

// lookup is the value OpenClaw substitutes for ${name}: the process
// environment first, then the env block of the config.
func (d *deriver) lookup(name string) (string, bool) {
	if v, ok := d.jobVar(name); ok {
		return v, true
	}
	if ev := d.cfg.EnvVar(name); ev != nil && ev.Value.IsLiteral() {
		return ev.Value.Literal, true
	}
	return "", false
}

// fromConfig notes that c's variable is unset in the job but set by the
// env block: OpenClaw then uses the block's value.
func (d *deriver) fromConfig(c *Cred) {
	if _, ok := d.jobVar(c.Env); ok {
		return
	}
	if ev := d.cfg.EnvVar(c.Env); ev != nil && ev.Value.IsLiteral() {
		c.FromConfig, c.Value = ev, ev.Value.Literal
	}
}

// apply puts c on hop h: the variable the job reads, or the literal
// OpenClaw sends (never a placeholder or a dummy: those are no key).
func (d *deriver) apply(h *chain.Hop, c Cred, anchor chain.Pos) {
	h.KeyEnvPos = c.Written.Pos
	if !c.Written.Set || h.KeyEnvPos.IsZero() {
		h.KeyEnvPos = anchor
	}
	switch c.Kind {
	case CredEnv, CredMarker:
		h.KeyEnv = c.Env
		if c.FromConfig != nil && !provider.IsPlaceholder(c.Value) {
			h.KeyEnv, h.KeyValue, h.KeyEnvPos = "", c.Value, c.FromConfig.Pos
		}
	case CredLiteral, CredWord:
		h.KeyValue, h.KeyStandIn = c.Value, c.StandIn
	}
}

// gateway builds the gateway hop.
func (d *deriver) gateway() GatewayPlan {
	cfg := d.cfg
	g := &cfg.Gateway
	gp := GatewayPlan{Usable: true}
	h := chain.Hop{Name: HopName, Type: provider.OpenClaw, KeyHeader: provider.For(provider.OpenClaw).Auth,
		Pos: g.Pos, TypePos: g.Pos, URLPos: g.PortPos, Config: cfg.File}
	if h.Pos.IsZero() {
		h.Pos = chain.Pos{File: cfg.File}
		h.TypePos, h.URLPos = h.Pos, h.Pos
	}
	if !g.PortSet {
		h.URLPos = h.Pos
	}
	port := g.Port
	if v, ok := d.jobVar(GatewayPortEnv); ok {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 65536 {
			gp.PortEnv, port = n, n
		}
	}
	// Every bind mode listens on 127.0.0.1 for same-host clients
	// (tailnet and custom binds add a loopback listener).
	h.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	mode := g.AuthMode.Value
	if mode == "" {
		mode = "token"
		if !g.Token.Set && g.Password.Set {
			mode = "password"
		}
	}
	gp.Mode = mode
	switch mode {
	case "none":
		h.KeyEnvPos = g.AuthMode.Pos
	case "password":
		gp.Cred = d.gatewayCred(g.Password, "gateway.auth.password", GatewayPasswordEnv)
	case "trusted-proxy":
		if !g.Password.Set {
			gp.Usable = false
			break
		}
		gp.Cred = d.gatewayCred(g.Password, "gateway.auth.password", GatewayPasswordEnv)
	default: // token, and unknown modes (judged)
		gp.Cred = d.gatewayCred(g.Token, "gateway.auth.token", GatewayTokenEnv)
	}
	if gp.Cred.Setting != "" {
		d.apply(&h, gp.Cred, g.AuthPos)
		if h.KeyEnvPos.IsZero() {
			h.KeyEnvPos = h.Pos
		}
	}
	gp.Hop = h
	return gp
}

// unset returns the variables of vars that OpenClaw could not fill: set
// neither in the job nor in the env block.
func (d *deriver) unset(vars []string) []string {
	var out []string
	for _, v := range vars {
		if _, ok := d.lookup(v); !ok {
			out = append(out, v)
		}
	}
	return out
}

// gatewayCred resolves the gateway's own credential: a literal is used as
// written (it is the gateway's token, whatever it looks like).
func (d *deriver) gatewayCred(s Secret, setting, fallback string) Cred {
	c := Cred{Setting: setting, Written: s}
	switch {
	case s.Env != "":
		c.Kind, c.Env = CredEnv, s.Env
	case s.Template:
		c.Kind, c.Unset = CredTemplate, d.unset(s.Vars)
		return c
	case s.Ref != "":
		c.Kind = CredRef
		return c
	case s.Literal != "":
		c.Kind, c.Value = CredLiteral, s.Literal
		return c
	default:
		c.Kind, c.Env, c.Default = CredEnv, fallback, true
	}
	d.fromConfig(&c)
	if c.FromConfig != nil {
		c.Value = c.FromConfig.Value.Literal
	}
	return c
}

// sources records where every value of p's chain comes from.
func (d *deriver) sources(p *Plan) {
	c, ch, up := p.Chain, p.Choice, p.Up
	add := func(hop, what, value string, pos chain.Pos, origin string) {
		d.out.Sources = append(d.out.Sources, Source{Chain: c.Name, Hop: hop, What: what, Value: value, Pos: pos, Origin: origin})
	}
	add("", "model", c.Model, ch.Pos, modelOrigin(ch, d.out.Agent))
	if p.Through {
		g := &d.cfg.Gateway
		gh := c.Hops[0]
		add(gh.Name, "type", string(gh.Type), g.Pos, "")
		port := "default port " + strconv.Itoa(DefaultPort) + "; every bind mode listens on 127.0.0.1"
		var portPos chain.Pos
		if g.PortSet {
			portPos, port = g.PortPos, "host 127.0.0.1: every bind mode listens on loopback"
		}
		if d.out.Gateway.PortEnv != 0 {
			portPos, port = chain.Pos{}, "env "+GatewayPortEnv
		}
		add(gh.Name, "url", gh.URL, portPos, port)
		d.credSource(gh.Name, d.out.Gateway.Cred, d.out.Gateway.Mode, add)
	}
	h := c.Hops[len(c.Hops)-1]
	typeOrigin := ""
	var typePos chain.Pos
	switch {
	case up.Builtin:
		typeOrigin = "OpenClaw's built-in " + up.ID + " provider"
		if up.Custom != nil {
			typePos = up.Custom.Pos
		}
	case up.API != "":
		typePos, typeOrigin = up.Custom.API.Pos, "api "+up.API+", checked as an OpenAI-compatible API"
	default:
		typePos = up.Custom.Pos
		if up.Custom.API.Set {
			typePos = up.Custom.API.Pos
		}
	}
	add(h.Name, "type", string(h.Type), typePos, typeOrigin)
	if up.URLDefault {
		origin := "default of OpenClaw's " + up.ID + " provider"
		if h.URL != up.Spec.BaseURL {
			origin += ", for the job's region"
		}
		add(h.Name, "url", h.URL, chain.Pos{}, origin)
	} else {
		origin := ""
		switch {
		case up.BaseUnset:
			origin = "${" + up.BaseVar + "} unset in this job: not resolved"
		case up.BaseVar != "":
			origin = "via ${" + up.BaseVar + "}"
		}
		add(h.Name, "url", h.URL, up.Custom.BaseURL.Pos, origin)
	}
	d.credSource(h.Name, up.Cred, "", add)
}

// credSource records where a hop's credential comes from; the value is
// the variable, or the fingerprint of a literal, never a credential.
func (d *deriver) credSource(hop string, c Cred, mode string, add func(hop, what, value string, pos chain.Pos, origin string)) {
	pos := c.Written.Pos
	if !c.Written.Set {
		pos = chain.Pos{}
	}
	switch c.Kind {
	case CredNone:
		origin := "none needed: a server that checks no key"
		if c.Ambient {
			add(hop, "key_env", "(none in this job)", pos, "OpenClaw signs with the gateway's credential chain ("+strings.Join(c.Vars, ", ")+" unset here, a profile or a role)")
			return
		}
		if mode == "none" {
			origin = "none needed: gateway.auth.mode is none"
			pos = d.cfg.Gateway.AuthMode.Pos
		}
		add(hop, "key_env", "(none)", pos, origin)
	case CredEnv, CredMarker:
		origin := ""
		switch {
		case c.Default:
			origin = "OpenClaw's variable when " + c.Setting + " is unset"
		case c.Kind == CredMarker:
			origin = c.Setting + " names the variable"
		}
		if c.FromConfig != nil && !provider.IsPlaceholder(c.Value) {
			add(hop, "key_env", "literal "+secret.Fingerprint(c.Value), c.FromConfig.Pos, c.FromConfig.Setting+", used while "+c.Env+" is unset in the job")
			return
		}
		add(hop, "key_env", c.Env, pos, origin)
	case CredDummy:
		add(hop, "key_env", "(none)", pos, "none needed: the value is a stand-in for a server that checks no key")
	case CredWord:
		add(hop, "key_env", "literal "+secret.Fingerprint(c.Value), pos, "sent verbatim: not a variable OpenClaw knows")
	case CredPlaceholder:
		add(hop, "key_env", "(placeholder)", pos, "not a key")
	case CredLiteral:
		if c.StandIn {
			add(hop, "key_env", "literal "+secret.Fingerprint(c.Value), pos, "sent as written: a stand-in for a server that checks no key")
			return
		}
		add(hop, "key_env", "literal "+secret.Fingerprint(c.Value), pos, "committed in the file")
	case CredTemplate:
		add(hop, "key_env", "(template)", pos, "${…} mixed with text: not checked")
	case CredRef:
		add(hop, "key_env", "(SecretRef)", pos, c.Written.Ref+": only OpenClaw resolves it")
	}
}

// modelOrigin says where a chain's model comes from when the position
// alone does not.
func modelOrigin(ch Choice, agent *Agent) string {
	var parts []string
	switch {
	case ch.Setting == "the chain's model":
		return ""
	case ch.How == HowFirstConfigured:
		parts = append(parts, "no model is set: OpenClaw runs the first configured one")
	case ch.Legacy:
		parts = append(parts, ch.Setting+", a key current OpenClaw no longer reads")
	case agent != nil:
		parts = append(parts, "default agent "+agent.ID)
	}
	if ch.Fallback > 0 {
		parts = append(parts, fmt.Sprintf("fallback %d", ch.Fallback))
	}
	switch ch.How {
	case HowAlias:
		parts = append(parts, fmt.Sprintf("alias %s of %s", ch.Alias, ch.Label()))
	case HowConfigured:
		parts = append(parts, "no provider written: "+ch.Label()+", the one configured provider listing it")
	case HowDefaultProvider:
		parts = append(parts, "no provider written: OpenClaw falls back to "+ch.Label())
	}
	return strings.Join(parts, "; ")
}
