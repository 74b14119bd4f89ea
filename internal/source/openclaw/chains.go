package openclaw

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// Chain names used for derived chains.
const (
	// ChainName is the chain through the gateway: ci → openclaw → <upstream>.
	ChainName = "openclaw"
	// DirectChainName is the fallback without the gateway: ci → <upstream>,
	// checked with the key OpenClaw would send.
	DirectChainName = "openclaw-direct"
	// HopName is the gateway hop's name.
	HopName = "openclaw"
)

// ChainTimeout is the per-request timeout of derived chains: the first
// request through a freshly started gateway takes 6.5-11.6 s on a 2-core
// runner (openclaw-real-hop.md §5.2), so the usual 10-20 s is too short.
const ChainTimeout = 45 * time.Second

// GatewayTokenEnv and GatewayPasswordEnv are the variables the gateway
// reads when gateway.auth.token / .password are unset; GatewayPortEnv
// overrides gateway.port (config-gateway.md, openai-http-api.md).
const (
	GatewayTokenEnv    = "OPENCLAW_GATEWAY_TOKEN"
	GatewayPasswordEnv = "OPENCLAW_GATEWAY_PASSWORD"
	GatewayPortEnv     = "OPENCLAW_GATEWAY_PORT"
)

// envNameRe: an apiKey written as a bare variable name. OpenClaw writes
// such markers into models.json for env SecretRefs; in openclaw.json it is
// ambiguous, and a placeholder sent verbatim as the bearer gives a 401
// (auth-signatures.md §3.1, clawbox#214).
var envNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*_(?:API_KEY|KEY|TOKEN)$`)

// Chains derives from cfg the chain hopcheck checks and the findings about
// the config itself. lookupEnv reads the environment of the job, which is
// taken to be the gateway's too (nil: an empty environment).
//
// The chain is `ci → openclaw → <upstream>` when the gateway's
// OpenAI-compatible endpoint is enabled, else the direct `ci → <upstream>`
// link checked with the key OpenClaw would resolve (see Direct). Findings
// name the chain they belong to; the engine's own static checks (unset
// key_env, malformed key, bad URL) are not repeated here.
func Chains(cfg *Config, lookupEnv func(string) (string, bool)) ([]*chain.Chain, []finding.Finding) {
	d := newDeriver(cfg, lookupEnv)
	up, ok := d.upstream()
	if !ok {
		return nil, d.notes
	}
	g := &cfg.Gateway
	if !g.ChatCompletions {
		d.add(finding.Finding{Check: "openclaw.endpoint", Hop: HopName, Link: &chain.Link{From: chain.CIHop, To: HopName},
			Cause: finding.WrongEndpoint, Severity: finding.SevWarning,
			Message: "The gateway's OpenAI-compatible endpoint is off (gateway.http.endpoints.chatCompletions.enabled is not true), so /v1/chat/completions answers 404 and the canary cannot pass through OpenClaw; hopcheck checks the direct link to " + up.Name + " with the key OpenClaw would use instead.",
			Fix:     "To check the whole chain, run `openclaw config set gateway.http.endpoints.chatCompletions.enabled true` (keep the gateway on loopback: the endpoint grants operator access)."},
			g.ChatCompletionsPos)
		c := d.chain(DirectChainName, up)
		d.tag(DirectChainName)
		return []*chain.Chain{c}, d.notes
	}
	gw, ok := d.gatewayHop()
	if !ok {
		c := d.chain(DirectChainName, up)
		d.tag(DirectChainName)
		return []*chain.Chain{c}, d.notes
	}
	c := d.chain(ChainName, gw, up)
	d.tag(ChainName)
	return []*chain.Chain{c}, d.notes
}

// Direct returns the direct chain `ci → <upstream>` checked with the key
// OpenClaw would send upstream: the fallback when the gateway is not
// running in the job (it answers nothing on its port). Nil when cfg names
// no usable upstream.
func Direct(cfg *Config, lookupEnv func(string) (string, bool)) *chain.Chain {
	d := newDeriver(cfg, lookupEnv)
	up, ok := d.upstream()
	if !ok {
		return nil
	}
	return d.chain(DirectChainName, up)
}

type deriver struct {
	cfg   *Config
	env   func(string) (string, bool)
	notes []finding.Finding
	model string
}

func newDeriver(cfg *Config, lookupEnv func(string) (string, bool)) *deriver {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	return &deriver{cfg: cfg, env: lookupEnv}
}

func (d *deriver) add(f finding.Finding, p chain.Pos) {
	if p.IsZero() {
		p = chain.Pos{File: d.cfg.File}
	}
	f.At(p)
	d.notes = append(d.notes, f)
}

// tag assigns every note to the chain that was derived.
func (d *deriver) tag(name string) {
	for i := range d.notes {
		d.notes[i].Chain = name
	}
}

func (d *deriver) chain(name string, hops ...chain.Hop) *chain.Chain {
	c := &chain.Chain{Name: name, Model: d.model, Canary: chain.CanaryInference, Timeout: ChainTimeout,
		Pos: d.cfg.Gateway.Pos, ModelPos: d.cfg.PrimaryModel.Pos}
	if c.Pos.IsZero() {
		c.Pos = chain.Pos{File: d.cfg.File, Line: 1, Col: 1}
	}
	for _, h := range hops {
		c.Hops = append(c.Hops, h)
	}
	return c
}

// lookup returns the value OpenClaw would substitute for ${name}: the
// process environment first, then env.vars from the config.
func (d *deriver) lookup(name string) (value string, fromConfig *EnvVar) {
	if v, _ := d.env(name); v != "" {
		return v, nil
	}
	if ev := d.cfg.EnvVar(name); ev != nil && ev.Value.IsLiteral() {
		return ev.Value.Literal, ev
	}
	return "", nil
}

// credential fills the hop's key from s, or from fallbackEnv when s is
// unset. what names the setting in messages ("gateway.auth.token").
func (d *deriver) credential(h *chain.Hop, link chain.Link, s Secret, what, fallbackEnv string, committedSev finding.Severity) {
	h.KeyEnvPos = s.Pos
	if !s.Set && fallbackEnv != "" {
		// OpenClaw falls back to the variable, as if written "${VAR}".
		s.Env, what = fallbackEnv, what+" is unset and OpenClaw"
	}
	switch {
	case s.Env != "":
		h.KeyEnv = s.Env
		if v, ev := d.lookup(s.Env); v != "" && ev != nil {
			// Unset in the job, but OpenClaw takes it from env.vars.
			h.KeyEnv, h.KeyValue = "", v
			d.add(finding.Finding{Check: "openclaw.secret", Hop: link.To, Link: &link, Cause: finding.SecretInConfig, Severity: committedSev,
				Message: fmt.Sprintf("%s reads ${%s}, which is unset in this job, so OpenClaw uses the literal env.vars.%s committed in %s (%s).", what, s.Env, s.Env, d.cfg.File, secret.Fingerprint(v)),
				Fix:     fmt.Sprintf("Remove env.vars.%s from the file, revoke that credential and provide %s as a CI secret.", s.Env, s.Env)}, ev.Pos)
		}
	case s.Literal != "" && envNameRe.MatchString(s.Literal):
		h.KeyEnv = s.Literal
		d.add(finding.Finding{Check: "openclaw.secret", Hop: link.To, Link: &link, Cause: finding.CredentialMalformed, Severity: finding.SevWarning,
			Message: fmt.Sprintf("%s is the bare name %s, not \"${%s}\": OpenClaw treats the names of known provider variables as markers but sends any other text verbatim as the key (the upstream then answers 401). hopcheck assumes it means the variable %s.", what, s.Literal, s.Literal, s.Literal),
			Fix:     fmt.Sprintf("Write %q to reference the variable explicitly.", "${"+s.Literal+"}")}, s.Pos)
	case s.Literal != "":
		h.KeyValue = s.Literal
		d.add(finding.Finding{Check: "openclaw.secret", Hop: link.To, Link: &link, Cause: finding.SecretInConfig, Severity: committedSev,
			Message: fmt.Sprintf("%s holds a literal credential (%s) in %s; anyone who can read the repository can use it.", what, secret.Fingerprint(s.Literal), d.cfg.File),
			Fix:     fmt.Sprintf("Revoke it, write %s as \"${%s}\" and store the value as a CI secret.", what, envOr(fallbackEnv, "SOME_VAR"))}, s.Pos)
	case s.Template:
		var unset []string
		for _, v := range s.Vars {
			if val, _ := d.lookup(v); val == "" {
				unset = append(unset, v)
			}
		}
		msg := fmt.Sprintf("%s combines ${…} references with text (%s); hopcheck cannot send the same value, so it does not check this credential.", what, strings.Join(s.Vars, ", "))
		sev := finding.SevNotice
		cause := finding.OK
		if len(unset) > 0 {
			msg = fmt.Sprintf("%s references %s, unset or empty in this job: OpenClaw leaves the text unresolved and sends it as is.", what, strings.Join(unset, ", "))
			sev, cause = finding.SevError, finding.CredentialMissing
		}
		d.add(finding.Finding{Check: "openclaw.secret", Hop: link.To, Link: &link, Cause: cause, Severity: sev, Message: msg,
			Fix: "Reference a single variable that holds the whole credential: \"${VAR}\"."}, s.Pos)
	case s.Ref != "":
		d.add(finding.Finding{Check: "openclaw.secret", Hop: link.To, Link: &link, Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("%s is a SecretRef (%s) that only OpenClaw can resolve; hopcheck checks the link through the gateway but cannot test the key on its own.", what, s.Ref)}, s.Pos)
	}
}

func envOr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// upstream builds the provider hop of the primary model and sets d.model.
func (d *deriver) upstream() (chain.Hop, bool) {
	cfg := d.cfg
	provID, model := "openrouter", "openrouter/auto"
	if pm := cfg.PrimaryModel; pm.Set && pm.Value != "" {
		p, rest, ok := strings.Cut(pm.Value, "/")
		if !ok || rest == "" {
			d.add(finding.Finding{Check: "openclaw.model", Cause: finding.ModelUnavailable, Severity: finding.SevWarning,
				Message: fmt.Sprintf("agents.defaults.model.primary %q has no provider prefix; OpenClaw model refs are <provider>/<model> (e.g. openrouter/anthropic/claude-sonnet-4.5).", pm.Value),
				Fix:     "Write the model as <provider>/<model>."}, pm.Pos)
			return chain.Hop{}, false
		}
		provID, model = p, rest
		if p == "openrouter" && !strings.Contains(rest, "/") {
			model = "openrouter/" + rest // openrouter/auto: the ref is openrouter/openrouter/auto
		}
	}
	d.model = model
	prov := cfg.Provider(provID)
	builtin, known := provider.ByOpenClaw(provID)
	h := chain.Hop{Name: provID}
	switch {
	case known && (builtin.BaseURL != "" || (prov != nil && prov.BaseURL.Set)):
		// A provider OpenClaw knows: its own type, at the configured
		// baseUrl (set below) or the provider's default.
		h.Type, h.URL = builtin.Type, builtin.BaseURL
	case prov != nil && prov.BaseURL.Set:
		h.Type, h.URL = provider.OpenAICompatible, prov.BaseURL.Value
		switch prov.API.Value {
		case "anthropic-messages":
			h.Type = provider.Anthropic
		case "", "openai-completions":
		default:
			d.add(finding.Finding{Check: "openclaw.provider", Hop: provID, Cause: finding.OK, Severity: finding.SevNotice,
				Message: fmt.Sprintf("Provider %s speaks %s; hopcheck checks it as an OpenAI-compatible API, which may not match.", provID, prov.API.Value)}, prov.API.Pos)
		}
	default:
		d.add(finding.Finding{Check: "openclaw.provider", Hop: provID, Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("The primary model uses provider %s, which hopcheck does not know and openclaw.json does not configure (no models.providers.%s.baseUrl); no chain was derived.", provID, provID)},
			cfg.PrimaryModel.Pos)
		return chain.Hop{}, false
	}
	h.Pos = cfg.Gateway.Pos
	if prov != nil {
		h.Pos = prov.Pos
	}
	if h.Pos.IsZero() {
		h.Pos = chain.Pos{File: cfg.File, Line: 1, Col: 1}
	}
	h.TypePos, h.URLPos, h.KeyEnvPos = h.Pos, h.Pos, h.Pos
	if prov != nil && prov.BaseURL.Set {
		h.URL, h.URLPos = prov.BaseURL.Value, prov.BaseURL.Pos
		d.baseURLNote(provID, h.Type, prov.BaseURL)
	}
	link := chain.Link{From: HopName, To: provID}
	h.KeyHeader = provider.For(h.Type).Auth
	defEnv := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(provID)) + "_API_KEY"
	if known && len(builtin.OpenClawKeyVars()) > 0 {
		defEnv = builtin.OpenClawKeyVars()[0]
	}
	var key Secret
	if prov != nil {
		key = prov.APIKey
	}
	d.credential(&h, link, key, "models.providers."+provID+".apiKey", defEnv, finding.SevError)
	if !key.Set {
		h.KeyEnvPos = h.Pos
	}
	d.profileNotes(provID, h, link)
	return h, true
}

// baseURLNote explains the URL OpenClaw calls: it appends
// /chat/completions to baseUrl, and docs disagree on whether /v1 belongs
// in it (the engine's static URL check reports the error itself).
func (d *deriver) baseURLNote(provID string, t chain.HopType, b Str) {
	u, err := url.Parse(b.Value)
	if err != nil || u.Host == "" {
		return
	}
	p := strings.TrimRight(u.Path, "/")
	s := provider.For(t)
	if len(s.RootTrims) > 0 || strings.HasSuffix(p, "/v1") || (s.RequiredPath != "" && strings.HasSuffix(p, s.RequiredPath)) {
		return
	}
	msg := fmt.Sprintf("models.providers.%s.baseUrl does not end with /v1; OpenClaw appends /chat/completions, so it calls %s://%s%s/chat/completions.", provID, u.Scheme, u.Host, p)
	fix := "Check that this URL serves the provider's API; OpenAI-compatible servers usually expect the base URL to end with /v1."
	if s.RequiredPath != "" {
		fix = fmt.Sprintf("Use %s (or your proxy's equivalent ending in %s).", s.BaseURL, s.RequiredPath)
	}
	d.add(finding.Finding{Check: "openclaw.baseurl", Hop: provID, Link: &chain.Link{From: HopName, To: provID}, Cause: finding.WrongEndpoint,
		Severity: finding.SevNotice, Message: msg, Fix: fix}, b.Pos)
}

// profileNotes warns that a stored auth profile shadows the env key.
func (d *deriver) profileNotes(provID string, h chain.Hop, link chain.Link) {
	for _, p := range d.cfg.AuthProfiles {
		if p.Provider.Value != provID || (p.Mode.Set && p.Mode.Value == "oauth") {
			continue
		}
		what := "the key hopcheck checks"
		if h.KeyEnv != "" {
			what = h.KeyEnv
		}
		d.add(finding.Finding{Check: "openclaw.profile", Hop: provID, Link: &link, Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("Auth profile %s stores a %s key in OpenClaw's state database; OpenClaw sends it in preference to %s, with no fallback after a 401, so a live check of %s can pass while the gateway fails.", p.ID, provID, what, what),
			Fix:     fmt.Sprintf("In CI keep one source of the key: either the profile (`openclaw models auth paste-api-key --provider %s`) or the environment variable, not both.", provID)}, p.Pos)
	}
}

// gatewayHop builds the gateway hop; false when hopcheck cannot
// authenticate to the gateway (then the direct link is checked).
func (d *deriver) gatewayHop() (chain.Hop, bool) {
	g := &d.cfg.Gateway
	h := chain.Hop{Name: HopName, Type: provider.OpenClaw, KeyHeader: provider.For(provider.OpenClaw).Auth,
		Pos: g.Pos, TypePos: g.Pos, URLPos: g.PortPos, Config: d.cfg.File}
	if h.Pos.IsZero() {
		h.Pos = chain.Pos{File: d.cfg.File, Line: 1, Col: 1}
		h.TypePos = h.Pos
	}
	port := g.Port
	if v, _ := d.env(GatewayPortEnv); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 65536 {
			if n != port {
				d.add(finding.Finding{Check: "openclaw.port", Hop: HopName, Cause: finding.OK, Severity: finding.SevInfo,
					Message: fmt.Sprintf("%s=%d overrides gateway.port (%d); hopcheck uses %d.", GatewayPortEnv, n, port, n)}, g.PortPos)
			}
			port = n
		}
	}
	// Every bind mode listens on 127.0.0.1 for same-host clients
	// (config-gateway.md: tailnet and custom binds add a loopback listener).
	h.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	if g.Mode.Set && g.Mode.Value != "local" {
		d.add(finding.Finding{Check: "openclaw.mode", Hop: HopName, Link: &chain.Link{From: chain.CIHop, To: HopName}, Cause: finding.Unreachable,
			Severity: finding.SevWarning,
			Message:  fmt.Sprintf("gateway.mode is %q: `openclaw gateway run` refuses to start unless it is \"local\".", g.Mode.Value),
			Fix:      "Set gateway.mode to \"local\" on the machine that runs the gateway."}, g.Mode.Pos)
	}
	link := chain.Link{From: chain.CIHop, To: HopName}
	mode := g.AuthMode.Value
	if mode == "" {
		switch {
		case g.Token.Set:
			mode = "token"
		case g.Password.Set:
			mode = "password"
		default:
			mode = "token"
		}
	}
	switch mode {
	case "none":
		h.KeyEnvPos = g.AuthMode.Pos
	case "token":
		d.credential(&h, link, g.Token, "gateway.auth.token", GatewayTokenEnv, finding.SevWarning)
	case "password":
		d.credential(&h, link, g.Password, "gateway.auth.password", GatewayPasswordEnv, finding.SevWarning)
	case "trusted-proxy":
		if !g.Password.Set {
			d.add(finding.Finding{Check: "openclaw.auth", Hop: HopName, Link: &link, Cause: finding.OK, Severity: finding.SevNotice,
				Message: "gateway.auth.mode is trusted-proxy and no gateway.auth.password is set, so hopcheck cannot authenticate to the gateway directly; it checks the direct link instead.",
				Fix:     "Set gateway.auth.password (as \"${VAR}\") for same-host callers, or point hopcheck at the identity-aware proxy."}, g.AuthMode.Pos)
			return chain.Hop{}, false
		}
		d.credential(&h, link, g.Password, "gateway.auth.password", GatewayPasswordEnv, finding.SevWarning)
	default:
		d.add(finding.Finding{Check: "openclaw.auth", Hop: HopName, Link: &link, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
			Message: fmt.Sprintf("gateway.auth.mode %q is not one of none, token, password, trusted-proxy.", mode),
			Fix:     "Set gateway.auth.mode to token and gateway.auth.token to \"${OPENCLAW_GATEWAY_TOKEN}\"."}, g.AuthMode.Pos)
		d.credential(&h, link, g.Token, "gateway.auth.token", GatewayTokenEnv, finding.SevWarning)
	}
	return h, true
}
