package openclaw

// Judgement: the findings about a config and the chains derived from it —
// what OpenClaw would refuse, what it would do that the author may not
// expect, and every credential committed in the files. The engine's own
// static checks (an unset variable, a malformed key, a bad URL) are not
// repeated here.

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// Judge returns the findings about cfg and what d derived from it. A
// finding about a derived chain names it (Chain); the others are about
// the files.
func Judge(cfg *Config, d *Derivation) []finding.Finding {
	j := &judge{cfg: cfg, d: d, done: map[string]bool{}}
	if len(d.Plans) > 0 {
		j.primary = d.Plans[0].Chain.Name
	}
	j.includes()
	j.ignored()
	j.legacy()
	j.models()
	j.gateway()
	for _, p := range d.Plans {
		j.upstream(p)
	}
	j.committed()
	j.refs()
	j.otherAgents()
	return j.out
}

// otherAgents says which agents' models no chain checks (see
// Derivation.OtherAgents): hopcheck derives the chains of one agent.
func (j *judge) otherAgents() {
	for _, o := range j.d.OtherAgents {
		id := o.Agent.ID
		if id == "" {
			id = o.Agent.Setting
		}
		j.add(finding.Finding{Check: "openclaw.agents", Cause: finding.NotVerified, Severity: finding.SevNotice,
			Message: fmt.Sprintf("Agent %s runs model %s/%s (%s), which no chain here checks: hopcheck derives the chains of the default agent only.", id, o.Choice.Provider, o.Choice.Model, o.Choice.Setting),
			Fix:     fmt.Sprintf("If CI uses agent %s, add a chain for %s/%s to .github/hopcheck.yml.", id, o.Choice.Provider, o.Choice.Model)}, o.Choice.Pos)
	}
}

// refs notes the ${VAR} references the job cannot fill that no chain
// uses: OpenClaw 2026.9.6 turns off what uses them, older releases refuse
// to load the config.
func (j *judge) refs() {
	var names []string
	seen := map[string]bool{}
	for _, r := range j.d.UnsetRefs {
		if !seen[r.Name] {
			seen[r.Name] = true
			names = append(names, r.Name+" ("+r.Path+")")
		}
	}
	if len(names) == 0 {
		return
	}
	j.add(finding.Finding{Check: "openclaw.env", Cause: finding.OK, Severity: finding.SevNotice,
		Message: fmt.Sprintf("%s references variables unset in this job that no checked chain uses: %s. OpenClaw 2026.9.6 turns off the features that use an unset one; older releases refuse to load the config.", j.cfg.File, strings.Join(names, ", ")),
		Fix:     "Set them where the gateway runs, or remove the settings that reference them."}, j.d.UnsetRefs[0].Pos)
}

type judge struct {
	cfg     *Config
	d       *Derivation
	out     []finding.Finding
	primary string
	// done holds the credential settings and positions already judged.
	done map[string]bool
}

func (j *judge) add(f finding.Finding, p chain.Pos) {
	if p.IsZero() {
		p = chain.Pos{File: j.cfg.File}
	}
	if f.Fix == "" {
		f.Fix = finding.Fix(f.Cause)
	}
	f.At(p)
	j.out = append(j.out, f)
}

// once reports whether key is judged for the first time.
func (j *judge) once(key string) bool {
	if j.done[key] {
		return false
	}
	j.done[key] = true
	return true
}

func (j *judge) includes() {
	for _, in := range j.cfg.Includes {
		switch {
		case in.Missing:
			j.add(finding.Finding{Check: "openclaw.include", Cause: finding.ConfigInvalid, Severity: finding.SevError,
				Message: fmt.Sprintf("$include %q names %s, which does not exist: OpenClaw refuses to load the config (\"Failed to read include file\"). hopcheck read the rest of it.", in.Path, in.File),
				Fix:     fmt.Sprintf("Add %s to the repository, or remove it from the $include.", in.File)}, in.Pos)
		case in.NotFollowed != "":
			j.add(finding.Finding{Check: "openclaw.include", Cause: finding.OK, Severity: finding.SevNotice,
				Message: fmt.Sprintf("$include %q was not followed (%s); what it holds is not checked.", in.Path, in.NotFollowed),
				Fix:     "Include files by a path relative to the config, inside the repository."}, in.Pos)
		}
	}
}

func (j *judge) ignored() {
	for _, ig := range j.cfg.Ignored {
		j.add(finding.Finding{Check: "openclaw.schema", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
			Message: fmt.Sprintf("%s is not a setting OpenClaw reads: %s. hopcheck ignores it; OpenClaw refuses to start with keys it does not know.", ig.Path, ig.Why),
			Fix:     "Remove or move it (`openclaw config validate` lists what OpenClaw refuses)."}, ig.Pos)
	}
}

// legacy reports model settings under keys current OpenClaw refuses.
func (j *judge) legacy() {
	cfg := j.cfg
	used := ""
	if len(j.d.Choices) > 0 && j.d.Choices[0].Legacy {
		used = j.d.Choices[0].Setting
	}
	if !cfg.LegacyAgentPos.IsZero() {
		if strings.HasPrefix(used, "agent.") {
			ref := j.d.Choices[0].Ref
			j.add(finding.Finding{Check: "openclaw.legacy", Chain: j.primary, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
				Message: fmt.Sprintf("The model %q comes from %s, under the singular `agent` key of older OpenClaw releases. OpenClaw 2026 refuses that key (`openclaw doctor --fix` drops it with the model), so a current gateway runs no model from this file; hopcheck checks the one it names.", ref, used),
				Fix:     fmt.Sprintf("Move it to agents.defaults.model: {primary: %q}.", ref)}, j.d.Choices[0].Pos)
		} else {
			j.add(finding.Finding{Check: "openclaw.legacy", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
				Message: "`agent` is the key of older OpenClaw releases; OpenClaw 2026 refuses it and reads the model from agents.defaults.model.",
				Fix:     "Move its settings under agents.defaults."}, cfg.LegacyAgentPos)
		}
	}
	if strings.HasPrefix(used, "models.default") {
		ref := j.d.Choices[0].Ref
		j.add(finding.Finding{Check: "openclaw.legacy", Chain: j.primary, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
			Message: fmt.Sprintf("The model %q comes from %s; current OpenClaw takes the default model from agents.defaults.model, so it may run another one. hopcheck checks the one this file names.", ref, used),
			Fix:     fmt.Sprintf("Move it to agents.defaults.model: {primary: %q}.", ref)}, j.d.Choices[0].Pos)
	}
}

// chainOf is the chain derived for choice ch ("" when none).
func (j *judge) chainOf(ch Choice) string {
	for _, p := range j.d.Plans {
		if p.Choice.Provider == ch.Provider && p.Choice.Model == ch.Model {
			return p.Chain.Name
		}
	}
	return ""
}

func (j *judge) models() {
	cfg, d := j.cfg, j.d
	if d.NoModel {
		pos := cfg.AgentDefaultsPos
		if pos.IsZero() {
			pos = cfg.AgentsPos
		}
		j.add(finding.Finding{Check: "openclaw.model", Cause: finding.NotVerified, Severity: finding.SevWarning,
			Message: fmt.Sprintf("No model is configured in %s (no agents.defaults.model, agent model, agent.model or models.default, and no models.providers entry lists a model): OpenClaw runs its built-in default, which changes between releases (%s in OpenClaw 2026.9.6). hopcheck derives no chain from this file.", cfg.File, BuiltinDefaultModel),
			Fix:     "Set agents.defaults.model.primary to the <provider>/<model> the gateway should run."}, pos)
		return
	}
	for _, ch := range d.Choices {
		name := j.chainOf(ch)
		switch ch.How {
		case HowFirstConfigured:
			j.add(finding.Finding{Check: "openclaw.model", Chain: name, Cause: finding.OK, Severity: finding.SevNotice,
				Message: fmt.Sprintf("No model is set (agents.defaults.model is unset), so OpenClaw runs the first model of the first provider that lists one: %s.", ch.Label()),
				Fix:     fmt.Sprintf("Set agents.defaults.model.primary to %q to make the choice explicit.", ch.Label())}, ch.Pos)
		case HowDefaultProvider:
			j.add(finding.Finding{Check: "openclaw.model", Chain: name, Cause: finding.ModelUnavailable, Severity: finding.SevWarning,
				Message: fmt.Sprintf("%s %q names no provider and no configured provider lists it, so OpenClaw falls back to its default provider and runs %s (it logs \"specified without provider\"). hopcheck checks that chain; if another provider was meant, the gateway sends the model to the wrong API.", ch.Setting, ch.Ref, ch.Label()),
				Fix:     fmt.Sprintf("Write it as <provider>/%s with the provider you mean.", ch.Model)}, ch.Pos)
		}
	}
	for _, u := range d.Unusable {
		ch := u.Choice
		sev, cause := finding.SevNotice, finding.OK
		if ch.Fallback == 0 {
			sev, cause = finding.SevWarning, finding.NotVerified
		}
		f := finding.Finding{Check: "openclaw.model", Cause: cause, Severity: sev}
		switch u.Why {
		case NoChainInvalid:
			f.Check, f.Cause = "openclaw.model", finding.ModelUnavailable
			f.Message = fmt.Sprintf("%s %q is not a model ref (%s); no chain was derived for it.", ch.Setting, ch.Ref, ch.Invalid)
			f.Fix = "Write the model as <provider>/<model>."
		case NoChainNoBaseURL:
			f.Check = "openclaw.provider"
			f.Message = fmt.Sprintf("%s %q runs on OpenClaw's %s provider (%s), whose endpoint names your account, project or region; openclaw.json sets no models.providers.%s.baseUrl, so no chain was derived for it.", ch.Setting, ch.Ref, ch.Provider, u.Spec.Name, ch.Provider)
			f.Fix = fmt.Sprintf("Set models.providers.%s.baseUrl, or describe the chain in a hopcheck.yml.", ch.Provider)
		default:
			f.Check = "openclaw.provider"
			f.Message = fmt.Sprintf("%s %q runs on provider %s, which hopcheck does not know and openclaw.json does not configure (no models.providers.%s.baseUrl); no chain was derived for it.", ch.Setting, ch.Ref, ch.Provider, ch.Provider)
			f.Fix = fmt.Sprintf("Describe the chain in a hopcheck.yml (an openclaw hop followed by the provider's hop), or set models.providers.%s.baseUrl.", ch.Provider)
		}
		j.add(f, ch.Pos)
	}
}

// gateway judges the gateway: its endpoint, mode and credential.
func (j *judge) gateway() {
	cfg, d := j.cfg, j.d
	g := &cfg.Gateway
	gp := &d.Gateway
	through := len(d.Plans) > 0 && d.Plans[0].Through
	link := chain.Link{From: chain.CIHop, To: HopName}
	if len(d.Plans) > 0 && d.EndpointOff {
		f := finding.Finding{Check: "openclaw.endpoint", Chain: j.primary, Hop: HopName, Link: &link, Cause: finding.WrongEndpoint, Severity: finding.SevWarning,
			Fix: "To check the whole chain, run `openclaw config set gateway.http.endpoints.chatCompletions.enabled true` (keep the gateway on loopback: the endpoint grants operator access)."}
		if through {
			f.Message = "The gateway's OpenAI-compatible endpoint is off (gateway.http.endpoints.chatCompletions.enabled is not true), so /v1/chat/completions answers 404 and no request passes through OpenClaw."
		} else {
			f.Message = "The gateway's OpenAI-compatible endpoint is off (gateway.http.endpoints.chatCompletions.enabled is not true), so /v1/chat/completions answers 404 and the canary cannot pass through OpenClaw; hopcheck checks the direct link to " + d.Plans[0].Up.ID + " with the key OpenClaw would use instead."
		}
		j.add(f, g.ChatCompletionsPos)
	}
	if through {
		if gp.PortEnv != 0 && gp.PortEnv != g.Port {
			j.add(finding.Finding{Check: "openclaw.port", Chain: j.primary, Hop: HopName, Cause: finding.OK, Severity: finding.SevInfo,
				Message: fmt.Sprintf("%s=%d overrides gateway.port (%d); hopcheck uses %d.", GatewayPortEnv, gp.PortEnv, g.Port, gp.PortEnv)}, g.PortPos)
		}
		if g.Mode.Set && g.Mode.Value != "local" {
			j.add(finding.Finding{Check: "openclaw.mode", Chain: j.primary, Hop: HopName, Link: &link, Cause: finding.Unreachable, Severity: finding.SevWarning,
				Message: fmt.Sprintf("gateway.mode is %q: `openclaw gateway run` refuses to start unless it is \"local\".", g.Mode.Value),
				Fix:     "Set gateway.mode to \"local\" on the machine that runs the gateway."}, g.Mode.Pos)
		}
		switch gp.Mode {
		case "none", "token", "password", "trusted-proxy":
		default:
			j.add(finding.Finding{Check: "openclaw.auth", Chain: j.primary, Hop: HopName, Link: &link, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
				Message: fmt.Sprintf("gateway.auth.mode %q is not one of none, token, password, trusted-proxy.", gp.Mode),
				Fix:     "Set gateway.auth.mode to token and gateway.auth.token to \"${OPENCLAW_GATEWAY_TOKEN}\"."}, g.AuthMode.Pos)
		}
	}
	if !gp.Usable && len(d.Plans) > 0 && !d.EndpointOff {
		j.add(finding.Finding{Check: "openclaw.auth", Chain: j.primary, Hop: HopName, Link: &link, Cause: finding.OK, Severity: finding.SevNotice,
			Message: "gateway.auth.mode is trusted-proxy and no gateway.auth.password is set, so hopcheck cannot authenticate to the gateway directly; it checks the direct link instead.",
			Fix:     "Set gateway.auth.password (as \"${VAR}\") for same-host callers, or point hopcheck at the identity-aware proxy."}, g.AuthMode.Pos)
	}
	c := gp.Cred
	if c.Setting == "" {
		return
	}
	if through {
		j.cred(c, j.primary, HopName, &link, true)
		return
	}
	// Not on a chain, but a literal gateway credential is still a secret
	// committed in the file.
	if c.Kind == CredLiteral {
		j.cred(c, "", "", nil, true)
	}
}

// upstream judges a plan's provider hop.
func (j *judge) upstream(p *Plan) {
	c, up := p.Chain, p.Up
	h := c.Hops[len(c.Hops)-1]
	link := c.LinkInto(len(c.Hops) - 1)
	if up.API != "" && j.once("api:"+up.ID) {
		j.add(finding.Finding{Check: "openclaw.provider", Chain: c.Name, Hop: h.Name, Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("Provider %s speaks %s; hopcheck checks it as an OpenAI-compatible API, which may not match.", up.ID, up.API)}, up.Custom.API.Pos)
	}
	if up.Custom != nil && up.Custom.BaseURL.Set && j.once("template:"+up.ID) {
		if what := templateURL(up.Custom.BaseURL.Value); what != "" {
			j.add(finding.Finding{Check: "openclaw.baseurl", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.ConfigInvalid, Severity: finding.SevError,
				Message: fmt.Sprintf("models.providers.%s.baseUrl %q is a template (%s): OpenClaw cannot reach a server there until it is filled in.", up.ID, up.Custom.BaseURL.Value, what),
				Fix:     fmt.Sprintf("Write the URL of your endpoint into models.providers.%s.baseUrl.", up.ID)}, up.Custom.BaseURL.Pos)
		}
	}
	if provider.IsPlaceholder(p.Choice.Model) {
		j.add(finding.Finding{Check: "openclaw.model", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
			Message: fmt.Sprintf("%s %q names a placeholder model (%s), not a model the provider serves.", p.Choice.Setting, p.Choice.Ref, p.Choice.Model),
			Fix:     "Write the model id (for Azure, the deployment name) the provider serves."}, p.Choice.Pos)
	}
	if up.BaseUnset && j.once("basevar:"+up.ID) {
		j.add(finding.Finding{Check: "openclaw.baseurl", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.WrongEndpoint, Severity: finding.SevError,
			Message: fmt.Sprintf("models.providers.%s.baseUrl %q reads %s, which is unset in this job and in the env block (or holds no http(s) URL): OpenClaw has no endpoint for %s (2026.9.6 turns the provider's models off; older releases refuse the config).", up.ID, up.Custom.BaseURL.Value, up.BaseVar, up.ID),
			Fix:     fmt.Sprintf("Set %s to the server's URL where the gateway runs and in this job.", up.BaseVar)}, up.Custom.BaseURL.Pos)
	}
	if up.Custom != nil && up.Custom.BaseURL.Set && (up.Custom.API.Value == "" || up.Custom.API.Value == "openai-completions") && j.once("base:"+up.ID) {
		b := up.Custom.BaseURL
		b.Value = h.URL
		j.baseURL(c.Name, up.ID, h, b)
	}
	j.cred(up.Cred, c.Name, h.Name, &link, false)
	if up.Cred.Kind != CredNone && up.Cred.Kind != CredDummy && j.once("profiles:"+up.ID) {
		j.profiles(c.Name, up.ID, h, link)
	}
}

// templateURL says why raw is a URL copied from documentation and never
// filled in (a <placeholder> or {{placeholder}} in it, a documentation
// domain of RFC 2606), or "" when it is not.
func templateURL(raw string) string {
	if strings.Contains(raw, "<") && strings.Contains(raw, ">") || strings.Contains(raw, "{{") {
		return "it holds a placeholder"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	for _, d := range []string{"example.com", "example.org", "example.net"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return h + " is a documentation domain"
		}
	}
	for _, tld := range []string{".example", ".invalid"} {
		if strings.HasSuffix(h, tld) {
			return h + " is a documentation domain"
		}
	}
	return ""
}

// baseURL explains the URL OpenClaw calls: it appends /chat/completions
// to baseUrl, and docs disagree on whether /v1 belongs in it (the engine's
// static URL check reports the errors).
func (j *judge) baseURL(chainName, id string, h chain.Hop, b Str) {
	u, err := url.Parse(b.Value)
	if err != nil || u.Host == "" {
		return
	}
	p := strings.TrimRight(u.Path, "/")
	s := provider.For(h.Type)
	switch {
	case len(s.RootTrims) > 0 || strings.HasSuffix(p, "/v1") || s.Shape != provider.ShapeOpenAI:
		return
	case s.RequiredPath != "":
		if strings.HasSuffix(p, s.RequiredPath) {
			return
		}
	case s.Type != provider.OpenAICompatible && !strings.HasSuffix(strings.TrimRight(s.BaseURL, "/"), "/v1"):
		return // the provider's own API has no /v1 (…/paas/v4)
	}
	msg := fmt.Sprintf("models.providers.%s.baseUrl does not end with /v1; OpenClaw appends /chat/completions, so it calls %s://%s%s/chat/completions.", id, u.Scheme, u.Host, p)
	fix := "Check that this URL serves the provider's API; OpenAI-compatible servers usually expect the base URL to end with /v1."
	if s.RequiredPath != "" {
		fix = fmt.Sprintf("Use %s (or your proxy's equivalent ending in %s).", s.BaseURL, s.RequiredPath)
	}
	j.add(finding.Finding{Check: "openclaw.baseurl", Chain: chainName, Hop: h.Name, Link: &chain.Link{From: HopName, To: h.Name}, Cause: finding.WrongEndpoint,
		Severity: finding.SevNotice, Message: msg, Fix: fix}, b.Pos)
}

// profiles notes that a stored auth profile shadows the key hopcheck checks.
func (j *judge) profiles(chainName, provID string, h chain.Hop, link chain.Link) {
	for _, p := range j.cfg.AuthProfiles {
		if !strings.EqualFold(p.Provider.Value, provID) || (p.Mode.Set && p.Mode.Value == "oauth") {
			continue
		}
		what := "the key hopcheck checks"
		if h.KeyEnv != "" {
			what = h.KeyEnv
		}
		j.add(finding.Finding{Check: "openclaw.profile", Chain: chainName, Hop: h.Name, Link: &link, Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("Auth profile %s stores a key for %s in OpenClaw's state (outside openclaw.json); OpenClaw sends it in preference to %s, with no fallback after a 401, so a check of %s says nothing about the key the gateway sends: hopcheck leaves the hop unverified unless a canary through the gateway reaches it.", p.ID, provID, what, what),
			Fix:     fmt.Sprintf("In CI keep one source of the key: either the profile (`openclaw models auth paste-api-key --provider %s`) or the environment variable, not both.", provID)}, p.Pos)
	}
}

// cred judges one credential OpenClaw sends. gateway: it is the gateway's
// own token or password, which works whatever it looks like.
func (j *judge) cred(c Cred, chainName, hop string, link *chain.Link, gateway bool) {
	if !j.once("cred:" + c.Setting + "/" + c.Env) {
		return
	}
	base := finding.Finding{Check: "openclaw.secret", Chain: chainName, Hop: hop, Link: link}
	with := func(cause finding.Cause, sev finding.Severity, msg, fix string) finding.Finding {
		f := base
		f.Cause, f.Severity, f.Message, f.Fix = cause, sev, msg, fix
		return f
	}
	what := c.Setting
	switch c.Kind {
	case CredNone:
		if c.Ambient {
			j.add(with(finding.NotVerified, finding.SevNotice,
				fmt.Sprintf("The config gives %s no key: OpenClaw signs %s requests with the credentials of the gateway's runtime (%s, a profile or a role); this job holds none of them, so hopcheck cannot check that credential on its own.", hop, j.specName(chainName), strings.Join(c.Vars, ", ")),
				fmt.Sprintf("Give the CI job the same credentials (%s) so hopcheck can check them, or check the chain through the gateway.", strings.Join(c.Vars, ", "))), j.hopPos(chainName, hop))
		}
	case CredEnv, CredMarker:
		if c.FromConfig == nil {
			return
		}
		ev := c.FromConfig
		j.done["pos:"+ev.Value.Pos.String()] = true
		if c.Default {
			what += " is unset and OpenClaw"
		}
		if provider.IsPlaceholder(c.Value) {
			j.add(with(finding.CredentialMalformed, finding.SevWarning,
				fmt.Sprintf("%s reads %s, which is unset in this job; OpenClaw would then use %s from %s, a placeholder (%s), not a key.", what, c.Env, ev.Setting, ev.Pos.File, secret.Fingerprint(c.Value)),
				fmt.Sprintf("Set %s from a CI secret, and drop the placeholder %s.", c.Env, ev.Setting)), ev.Pos)
			return
		}
		sev := finding.SevWarning
		if !gateway || provider.SecretLike(c.Value) {
			sev = finding.SevError
		}
		j.add(with(finding.SecretInConfig, sev,
			fmt.Sprintf("%s reads %s, which is unset in this job, so OpenClaw uses the literal %s committed in %s (%s).", what, c.Env, ev.Setting, ev.Pos.File, secret.Fingerprint(c.Value)),
			fmt.Sprintf("Remove %s from the file, revoke that credential and provide %s as a CI secret.", ev.Setting, c.Env)), ev.Pos)
	case CredWord:
		j.add(with(finding.CredentialMalformed, finding.SevWarning,
			fmt.Sprintf("%s is a bare word written like a variable's name (%s), not \"${NAME}\": OpenClaw reads a variable by that name only for the provider variables it knows and sends any other word verbatim as the key (the upstream then answers 401).", what, secret.Fingerprint(c.Value)),
			"If it names a variable, write it as \"${NAME}\"; if it is the key, provide it as a CI secret instead."), c.Written.Pos)
	case CredPlaceholder:
		j.add(with(finding.CredentialMalformed, finding.SevError,
			fmt.Sprintf("%s holds a placeholder (%s), not a key: OpenClaw sends it as is and the provider refuses it.", what, secret.Fingerprint(c.Value)),
			fmt.Sprintf("Write %s as \"${VAR}\" and set VAR from a CI secret.", what)), c.Written.Pos)
	case CredLiteral:
		j.done["pos:"+c.Written.Pos.String()] = true
		if c.StandIn {
			return
		}
		sev := finding.SevError
		msg := fmt.Sprintf("%s holds a literal credential (%s) in %s; anyone who can read the repository can use it.", what, secret.Fingerprint(c.Value), c.Written.Pos.File)
		switch {
		case gateway && !provider.SecretLike(c.Value):
			sev = finding.SevWarning
			msg = fmt.Sprintf("%s is written into %s as a literal value (%s): anyone who can read the repository can authenticate to the gateway with it.", what, c.Written.Pos.File, secret.Fingerprint(c.Value))
		case !provider.SecretLike(c.Value):
			// Too short or too plain to be a provider's real key: a
			// weak key of a self-hosted server, or a stand-in.
			sev = finding.SevWarning
			msg = fmt.Sprintf("%s is written into %s as a literal value (%s) instead of a \"${VAR}\" reference; OpenClaw sends it as the key.", what, c.Written.Pos.File, secret.Fingerprint(c.Value))
		}
		if gateway && provider.IsPlaceholder(c.Value) {
			// A template never filled in (or a word like "secret"): the
			// gateway accepts exactly that text. Nothing to revoke, but it
			// is no secret either.
			j.add(with(finding.SecretInConfig, finding.SevWarning,
				fmt.Sprintf("%s is the placeholder %s written into %s: as written the gateway accepts exactly that text, so anyone who reads the repository can authenticate with it, and a client with the real token is refused.", what, secret.Fingerprint(c.Value), c.Written.Pos.File),
				fmt.Sprintf("Write %s as \"${%s}\" and set %s from a CI secret where the gateway runs and in this job.", what, GatewayTokenEnv, GatewayTokenEnv)), c.Written.Pos)
			return
		}
		fallback := "SOME_VAR"
		if gateway {
			fallback = GatewayTokenEnv
			if strings.HasSuffix(c.Setting, "password") {
				fallback = GatewayPasswordEnv
			}
		} else if v := j.specVar(chainName); v != "" {
			fallback = v
		}
		j.add(with(finding.SecretInConfig, sev, msg,
			fmt.Sprintf("Revoke it, write %s as \"${%s}\" and store the value as a CI secret.", what, fallback)), c.Written.Pos)
	case CredTemplate:
		msg := fmt.Sprintf("%s combines ${…} references with text (%s); hopcheck cannot send the same value, so it does not check this credential.", what, strings.Join(c.Written.Vars, ", "))
		sev, cause := finding.SevNotice, finding.OK
		if len(c.Unset) > 0 {
			msg = fmt.Sprintf("%s references %s, unset or empty in this job: OpenClaw leaves the text unresolved and sends it as is.", what, strings.Join(c.Unset, ", "))
			sev, cause = finding.SevError, finding.CredentialMissing
		}
		j.add(with(cause, sev, msg, "Reference a single variable that holds the whole credential: \"${VAR}\"."), c.Written.Pos)
	case CredRef:
		j.add(with(finding.OK, finding.SevNotice,
			fmt.Sprintf("%s is a SecretRef (%s) that only OpenClaw can resolve; hopcheck checks the link through the gateway but cannot test the key on its own.", what, c.Written.Ref), ""), c.Written.Pos)
	}
}

// specName is the display name of the named chain's provider.
func (j *judge) specName(chainName string) string {
	for _, p := range j.d.Plans {
		if p.Chain.Name == chainName {
			return p.Up.Spec.Name
		}
	}
	return "the provider's"
}

// hopPos is where the named chain's hop is reported.
func (j *judge) hopPos(chainName, hop string) chain.Pos {
	for _, p := range j.d.Plans {
		if p.Chain.Name == chainName {
			if i := p.Chain.Index(hop); i >= 0 {
				return p.Chain.Hops[i].KeyEnvPos
			}
		}
	}
	return chain.Pos{}
}

// specVar is the conventional key variable of the provider of the named
// chain ("" when none).
func (j *judge) specVar(chainName string) string {
	for _, p := range j.d.Plans {
		if p.Chain.Name == chainName && p.Up.Builtin {
			if vars := p.Up.Spec.OpenClawKeyVars(); len(vars) > 0 {
				return vars[0]
			}
		}
	}
	return ""
}

// committed reports every other credential committed in the files that
// looks like a real one (a channel's bot token, a hook token, a key in
// the env block): whether or not a chain uses it, it is leaked.
// Placeholders, dummy values and short words are left alone.
func (j *judge) committed() {
	seen := map[string]bool{}
	check := func(path string, s Secret) {
		if !s.IsLiteral() || j.done["pos:"+s.Pos.String()] || seen[s.Pos.String()] {
			return
		}
		seen[s.Pos.String()] = true
		if !provider.SecretLike(s.Literal) {
			return
		}
		j.add(finding.Finding{Check: "openclaw.secret", Cause: finding.SecretInConfig, Severity: finding.SevError,
			Message: fmt.Sprintf("%s holds a literal credential (%s) in %s; anyone who can read the repository can use it.", path, secret.Fingerprint(s.Literal), s.Pos.File),
			Fix:     fmt.Sprintf("Revoke it, write %s as \"${VAR}\" and set VAR where OpenClaw runs, from a secret.", path)}, s.Pos)
	}
	for _, ev := range j.cfg.EnvVars {
		if credentialKey.MatchString(ev.Name) {
			check(ev.Setting, ev.Value)
		}
	}
	for _, c := range j.cfg.Credentials {
		check(c.Path, c.Secret)
	}
}
