package litellm

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// DefaultProxyURL is where a LiteLLM proxy listens when nothing says
// otherwise (`litellm --config config.yaml` binds port 4000).
var DefaultProxyURL = provider.For(provider.LiteLLM).BaseURL

// proxyURLVars are the job variables that name the proxy's URL, in order.
// OPENAI_BASE_URL counts only when it is not a provider's own host (clients
// pointed at the proxy with the OpenAI SDK use it).
var proxyURLVars = []string{"LITELLM_BASE_URL", "OPENAI_BASE_URL"}

// proxyKeyVars are the job variables a CI client conventionally holds the
// proxy key in, when master_key does not name one. LITELLM_MASTER_KEY is
// also LiteLLM's own fallback for an absent general_settings.master_key
// (proxy_server.py: general_settings.get("master_key",
// get_secret("LITELLM_MASTER_KEY"))).
var proxyKeyVars = []string{"LITELLM_MASTER_KEY", "LITELLM_API_KEY"}

// Source is one value a derived chain uses and where it came from (see
// discover.Source, which it converts to). Value never holds a credential.
type Source struct {
	Chain  string
	Hop    string
	What   string // "model", "canary", "type", "url", "key_env", "api_version", "aws_secret_access_key", "aws_session_token"
	Value  string
	Pos    chain.Pos
	Origin string // where a value without a position came from ("default (…)", "env X")
}

// Result is what derivation and judging produce.
type Result struct {
	// Chains are the chains derived, when Options.Add is nil.
	Chains []*chain.Chain
	// Findings are about the file and its routes, positioned in it (or in
	// an included file).
	Findings []finding.Finding
	// Sources are the origins of every value the chains use.
	Sources []Source
	// Secrets are the literal credentials read from the file, for the
	// scrubber. Placeholders and dummy keys are not secrets.
	Secrets []string
}

func (r *Result) finding(f *finding.Finding) {
	if f.Fix == "" {
		f.Fix = finding.Fix(f.Cause)
	}
	r.Findings = append(r.Findings, *f)
}

func (r *Result) source(s Source) { r.Sources = append(r.Sources, s) }

func (r *Result) secret(v string) {
	if v != "" {
		r.Secrets = append(r.Secrets, v)
	}
}

// Options are the inputs of derivation besides the config.
type Options struct {
	// Job reads the CI job's environment. Discovery assumes the proxy runs
	// with the job's environment (a LiteLLM started in an earlier step or
	// as a service container fed from the same secrets), so an
	// `os.environ/VAR` is judged against it.
	Job func(string) (string, bool)
	// Add names chain c after want (unique in the whole run) and adds it
	// to the run; false means no more chains may be added. Nil: the chains
	// are collected in Result.Chains, named want, want-2, ….
	Add func(c *chain.Chain, want string) bool
	// Prefix is prepended to every chain name ("" for none); discovery
	// sets it when a repository has more than one LiteLLM config.
	Prefix string
}

// Proxy is the litellm hop as the CI job sees it.
type Proxy struct {
	URL string
	// URLOrigin is "env LITELLM_BASE_URL", "env OPENAI_BASE_URL" or
	// "default".
	URLOrigin string
	// KeyEnv is the job variable the CI client sends as the proxy key ("":
	// the job holds none).
	KeyEnv string
	// KeyPos is the master_key value when KeyEnv is what it references.
	KeyPos chain.Pos
	// KeyOrigin says where KeyEnv came from when KeyPos is zero.
	KeyOrigin string
	// KeyValue is the literal master_key, sent when the job holds no proxy
	// key of its own: it is what the proxy accepts.
	KeyValue string
}

// Deriver derives chains from one LiteLLM config.
type Deriver struct {
	cfg   *Config
	job   func(string) (string, bool)
	penv  func(string) (string, bool)
	proxy Proxy
}

// New prepares the derivation of cfg for a job whose environment job
// reads.
func New(cfg *Config, job func(string) (string, bool)) *Deriver {
	if job == nil {
		job = func(string) (string, bool) { return "", false }
	}
	d := &Deriver{cfg: cfg, job: job, penv: cfg.Env(job)}
	d.proxy = d.proxyInfo()
	return d
}

// Config returns the config being derived.
func (d *Deriver) Config() *Config { return d.cfg }

// Proxy returns the proxy hop as the job sees it.
func (d *Deriver) Proxy() Proxy { return d.proxy }

// jobVar returns the job's value of name and whether it is set and
// non-empty.
func (d *Deriver) jobVar(name string) (string, bool) {
	v, ok := d.job(name)
	return v, ok && v != ""
}

func (d *Deriver) firstSet(vars []string) string {
	for _, v := range vars {
		if _, ok := d.jobVar(v); ok {
			return v
		}
	}
	return ""
}

// follow resolves a variable the file reads through its
// environment_variables section: it returns the job variable LiteLLM
// ultimately reads, or the environment_variables entry that sets it to a
// literal.
func (d *Deriver) follow(name string) (jobVar string, lit *EnvVar) {
	for range 8 {
		var hit *EnvVar
		for i := range d.cfg.EnvironmentVariables {
			if d.cfg.EnvironmentVariables[i].Name == name {
				hit = &d.cfg.EnvironmentVariables[i]
			}
		}
		if hit == nil {
			return name, nil
		}
		ref := hit.Value.Ref()
		if ref == "" {
			return "", hit
		}
		name = ref
	}
	return name, nil
}

func (d *Deriver) proxyInfo() Proxy {
	p := Proxy{URL: DefaultProxyURL, URLOrigin: "default"}
	for _, v := range proxyURLVars {
		val, ok := d.jobVar(v)
		if !ok {
			continue
		}
		if v == "OPENAI_BASE_URL" {
			if _, known := provider.ByHost(hostOf(val)); known {
				continue
			}
		}
		p.URL, p.URLOrigin = val, "env "+v
		break
	}
	mk := d.cfg.MasterKey
	switch ref := mk.Ref(); {
	case ref != "":
		if v, lit := d.follow(ref); lit == nil {
			if _, ok := d.jobVar(v); ok {
				p.KeyEnv, p.KeyPos = v, mk.Pos
				return p
			}
		}
		// The reference is unset (or set by the file itself): the CI job
		// holds no proxy key under that name.
	case mk.Set && mk.Value != "":
		// A literal master key is what the proxy accepts. A job that has
		// a proxy key of its own sends that (and fails if it differs);
		// otherwise hopcheck sends the file's value.
		for _, v := range proxyKeyVars {
			if _, ok := d.jobVar(v); ok {
				p.KeyEnv, p.KeyOrigin = v, "env "+v+" (conventional; the proxy accepts the literal master_key)"
				return p
			}
		}
		p.KeyValue, p.KeyPos = mk.Value, mk.Pos
		return p
	}
	for _, v := range proxyKeyVars {
		if _, ok := d.jobVar(v); ok {
			origin := "env " + v + " (conventional)"
			if v == "LITELLM_MASTER_KEY" && !d.hasMasterKeyEntry() {
				origin = "env LITELLM_MASTER_KEY (LiteLLM's fallback: no general_settings.master_key)"
			}
			p.KeyEnv, p.KeyOrigin = v, origin
			return p
		}
	}
	if p.URLOrigin == "env OPENAI_BASE_URL" {
		if _, ok := d.jobVar("OPENAI_API_KEY"); ok {
			p.KeyEnv, p.KeyOrigin = "OPENAI_API_KEY", "env OPENAI_API_KEY (sent with OPENAI_BASE_URL)"
		}
	}
	return p
}

// hasMasterKeyEntry reports whether general_settings has a master_key
// key at all (null included): only its absence makes LiteLLM read
// LITELLM_MASTER_KEY.
func (d *Deriver) hasMasterKeyEntry() bool {
	return d.cfg.MasterKey.Set || !d.cfg.MasterKey.Pos.IsZero()
}

// Chains derives one chain per model_list entry (entries that repeat
// another's name and route are skipped): `ci → litellm → upstream`, or
// `ci → litellm` when the upstream cannot be derived. Wildcard routes
// (`openrouter/*`, `*`, whose litellm_params.model has a *) get a chain
// with the auth-only canary, so their provider's key is checked without
// picking a model. A wildcard model_name whose litellm_params.model is a
// fixed model sends every name it matches to that one model, so its chain
// asks for a name it matches (wildcardRequest) with the usual canary.
func (d *Deriver) Chains(o Options) *Result {
	res := &Result{}
	add := o.Add
	if add == nil {
		taken := map[string]bool{}
		add = func(c *chain.Chain, want string) bool {
			name := want
			for n := 2; taken[name]; n++ {
				name = fmt.Sprintf("%s-%d", want, n)
			}
			taken[name] = true
			c.Name = name
			res.Chains = append(res.Chains, c)
			return true
		}
	}
	type sig struct{ name, model, key, base, cred string }
	seen := map[sig]bool{}
	for _, dep := range d.cfg.ModelList {
		if !dep.ModelName.Set || dep.ModelName.Value == "" {
			continue
		}
		s := sig{dep.ModelName.Value, dep.Model.Value, dep.APIKey.Value, dep.APIBase.Value, dep.Credential.Value}
		if seen[s] {
			continue
		}
		seen[s] = true
		rt := d.route(dep)
		c := &chain.Chain{Model: dep.ModelName.Value, Canary: chain.DefaultCanary, Timeout: chain.DefaultTimeout,
			Pos: dep.Pos, ModelPos: dep.ModelName.Pos}
		want := dep.ModelName.Value
		if rt.wildcard {
			c.Model = ""
			c.Canary = chain.CanaryAuthOnly
		} else if strings.Contains(want, "*") {
			c.Model = d.wildcardRequest(dep)
		}
		want = strings.ReplaceAll(want, "*", "any")
		if !add(c, o.Prefix+want) {
			break
		}
		proxy := d.proxyHop(res, dep.Pos, c.Name)
		c.Hops = append(c.Hops, proxy)
		switch {
		case rt.wildcard:
			res.source(Source{Chain: c.Name, What: "model", Value: "(none: wildcard route " + dep.ModelName.Value + ")", Pos: dep.ModelName.Pos})
			res.source(Source{Chain: c.Name, What: "canary", Value: chain.CanaryAuthOnly, Origin: "wildcard route: the provider's key is checked, no model is picked"})
		case c.Model != dep.ModelName.Value:
			res.source(Source{Chain: c.Name, What: "model", Value: c.Model, Pos: dep.ModelName.Pos,
				Origin: fmt.Sprintf("model_name %s sends any name it matches to the fixed model %s", dep.ModelName.Value, dep.Model.Value)})
			d.canaryFor(res, c, rt)
		default:
			res.source(Source{Chain: c.Name, What: "model", Value: c.Model, Pos: c.ModelPos})
			d.canaryFor(res, c, rt)
		}
		if up, ok := d.upstream(res, rt, c, proxy.Name); ok {
			c.Hops = append(c.Hops, up)
		}
	}
	return res
}

// Upstream derives the hop behind the proxy hop proxyName of chain c for
// deployment dep (used when a hopcheck.yml lists the proxy and leaves the
// rest to its config). ok is false when no hop can be derived; the Result
// says why.
func (d *Deriver) Upstream(dep Deployment, c *chain.Chain, proxyName string) (chain.Hop, bool, *Result) {
	res := &Result{}
	h, ok := d.upstream(res, d.route(dep), c, proxyName)
	return h, ok, res
}

// KeyVar returns the job variable LiteLLM ultimately reads for dep's
// api_key ("" when the key is a literal, set by environment_variables, or
// absent).
func (d *Deriver) KeyVar(dep Deployment) string {
	rt := d.route(dep)
	ref := rt.key.Ref()
	if ref == "" {
		return ""
	}
	v, lit := d.follow(ref)
	if lit != nil {
		return ""
	}
	return v
}

// wildcardRequest is the model name a canary asks for to reach dep, whose
// model_name is a pattern (LiteLLM matches its * against any text) and
// whose litellm_params.model is one fixed model: the upstream model id,
// else the whole model string, else the pattern with its * replaced by the
// upstream id, the first that the pattern matches and that no other
// model_name names exactly (LiteLLM routes an exact name to its own group
// before any pattern).
func (d *Deriver) wildcardRequest(dep Deployment) string {
	pattern := dep.ModelName.Value
	up := dep.UpstreamModel()
	fill := strings.ReplaceAll(pattern, "*", up)
	taken := func(cand string) bool {
		for _, o := range d.cfg.ModelList {
			if o.ModelName.Value != pattern && o.ModelName.Set && (o.ModelName.Value == cand || globMatch(o.ModelName.Value, cand)) {
				return true
			}
		}
		return false
	}
	for _, cand := range []string{up, dep.Model.Value, fill} {
		if cand != "" && globMatch(pattern, cand) && !taken(cand) {
			return cand
		}
	}
	return fill
}

// globMatch reports whether name matches the model_name pattern (each *
// matches any text, LiteLLM's pattern routes); a pattern without * matches
// nothing here.
func globMatch(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return false
	}
	re, err := regexp.Compile("^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$")
	return err == nil && re.MatchString(name)
}

// proxyHop builds the litellm hop of a derived chain, positioned at the
// model_list entry (and its key at master_key).
func (d *Deriver) proxyHop(res *Result, at chain.Pos, chainName string) chain.Hop {
	p := d.proxy
	h := chain.Hop{Name: "litellm", Type: provider.LiteLLM, URL: p.URL, KeyEnv: p.KeyEnv, KeyValue: p.KeyValue,
		KeyHeader: provider.For(provider.LiteLLM).Auth, Config: d.cfg.File,
		Pos: at, URLPos: at, KeyEnvPos: at, KeyHeaderPos: at, TypePos: at}
	if !p.KeyPos.IsZero() {
		h.KeyEnvPos = p.KeyPos
	}
	res.source(Source{Chain: chainName, Hop: h.Name, What: "type", Value: string(h.Type), Origin: "LiteLLM config " + d.cfg.File})
	urlOrigin := p.URLOrigin
	if urlOrigin == "default" {
		urlOrigin = "default (LITELLM_BASE_URL and OPENAI_BASE_URL unset)"
	}
	res.source(Source{Chain: chainName, Hop: h.Name, What: "url", Value: h.URL, Origin: urlOrigin})
	switch {
	case p.KeyValue != "":
		res.source(Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: "(literal master_key " + secret.Fingerprint(p.KeyValue) + ")", Pos: p.KeyPos})
	case p.KeyEnv == "":
		s := Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: "(none: the job sends no proxy key)", Pos: d.cfg.MasterKey.Pos}
		if s.Pos.IsZero() {
			s.Origin = "no master_key, LITELLM_MASTER_KEY unset"
		}
		res.source(s)
	case !p.KeyPos.IsZero():
		res.source(Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: p.KeyEnv, Pos: p.KeyPos})
	default:
		res.source(Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: p.KeyEnv, Origin: p.KeyOrigin})
	}
	return h
}

// route is a deployment with its credential_list entry applied and its
// provider resolved.
type route struct {
	dep Deployment
	// key, base and version are the effective api_key, api_base and
	// api_version: the deployment's own, else its credential's.
	key, base, version Value
	// cred names the credential_list entry a value came from ("" none).
	cred string
	// credMissing: litellm_credential_name names no entry.
	credMissing bool
	// prefix is the LiteLLM provider prefix ("" when none could be
	// inferred); prov its registry entry (nil: not modelled).
	prefix string
	prov   *provider.Spec
	// inferred: the prefix was inferred from a bare model name.
	inferred bool
	// known: prefix is a LiteLLM provider (in the registry or not).
	known bool
	// custom: prefix is a provider the file's custom_provider_map
	// registers (a handler in the proxy's code).
	custom   bool
	wildcard bool
	// kind is the model's kind: "chat", "embedding", "image", "audio",
	// "other"; kindFrom says how it was found.
	kind, kindFrom string
}

func (d *Deriver) route(dep Deployment) route {
	rt := route{dep: dep, key: dep.APIKey, base: dep.APIBase, version: dep.APIVersion}
	if name := dep.Credential.Value; dep.Credential.Set && name != "" {
		cr, ok := d.cfg.CredentialByName(name)
		if !ok {
			rt.credMissing = true
		} else {
			fill := func(dst *Value, key string) {
				if !dst.Set {
					if v, ok := cr.Values[key]; ok && v.Set {
						*dst = v
						rt.cred = name
					}
				}
			}
			fill(&rt.key, "api_key")
			fill(&rt.base, "api_base")
			fill(&rt.version, "api_version")
		}
	}
	// Only a litellm_params.model with a * is a provider wildcard (the
	// requested name picks the upstream model); a wildcard model_name
	// with a fixed model sends every name it matches to that one model.
	rt.wildcard = strings.Contains(dep.ModelName.Value, "*") && (dep.Model.Value == "" || strings.Contains(dep.Model.Value, "*"))
	rt.prefix = dep.Provider()
	if rt.prefix == "" {
		rt.prefix = inferProvider(dep.Model.Value)
		rt.inferred = rt.prefix != ""
	}
	rt.prov, rt.known = provider.ByLiteLLM(rt.prefix)
	if !rt.known {
		rt.known = isLiteLLMProvider(rt.prefix)
	}
	if !rt.known && rt.prefix != "" {
		for _, cp := range d.cfg.CustomProviders {
			rt.custom = rt.custom || cp.Value == rt.prefix
		}
	}
	rt.kind, rt.kindFrom = modelKind(dep)
	return rt
}

// inferProvider names the provider LiteLLM infers for a model without a
// prefix, for the well-known names only (OpenAI's and Anthropic's); ""
// otherwise.
func inferProvider(model string) string {
	m := strings.ToLower(model)
	for _, pre := range []string{"gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-", "dall-e", "gpt-image", "whisper", "tts-", "omni-moderation"} {
		if strings.HasPrefix(m, pre) {
			return "openai"
		}
	}
	if strings.HasPrefix(m, "claude") {
		return "anthropic"
	}
	return ""
}

// Kind says what kind of model dep serves — "chat", "embedding", "image",
// "audio" or "other" — and how that was found ("" for a chat model only
// presumed so: no model_info.mode, nothing in the name).
func Kind(dep Deployment) (kind, from string) { return modelKind(dep) }

// modelKind says what kind of model a deployment serves: model_info.mode
// when set (LiteLLM's values, and the plural "embeddings" people write),
// else only what the model's name makes obvious.
func modelKind(dep Deployment) (kind, from string) {
	if m := strings.ToLower(strings.TrimSpace(dep.Mode.Value)); dep.Mode.Set && m != "" {
		from = "model_info.mode " + dep.Mode.Value
		switch m {
		case "chat", "completion", "responses":
			return "chat", from
		case "embedding", "embeddings":
			return "embedding", from
		case "image_generation", "image_edit", "image":
			return "image", from
		case "audio_transcription", "audio_speech", "tts", "speech", "transcription", "audio", "realtime":
			return "audio", from
		}
		return "other", from
	}
	name := strings.ToLower(dep.Model.Value + " " + dep.ModelName.Value)
	switch {
	case strings.Contains(name, "embed"), strings.Contains(name, "bge-"):
		return "embedding", "the model name"
	case strings.Contains(name, "dall-e"), strings.Contains(name, "gpt-image"), strings.Contains(name, "imagen"),
		strings.Contains(name, "stable-diffusion"), strings.Contains(name, "-image"):
		return "image", "the model name"
	case strings.Contains(name, "whisper"), strings.Contains(name, "-tts"), strings.Contains(name, "tts-"), strings.Contains(name, "transcribe"):
		return "audio", "the model name"
	}
	return "chat", ""
}

// canaryFor chooses the canary of a route's chain: a chat completion for
// chat models, an embeddings call through the chain for embedding models;
// for the others (image, audio) the auth-only canary, since they refuse
// both and a generation would be billed dearly.
func (d *Deriver) canaryFor(res *Result, c *chain.Chain, rt route) {
	switch rt.kind {
	case "chat":
		return
	case "embedding":
		c.Canary = chain.CanaryEmbedding
	default:
		c.Canary, c.CanaryFixed = chain.CanaryAuthOnly, true
	}
	res.source(Source{Chain: c.Name, What: "canary", Value: c.Canary, Origin: fmt.Sprintf("%s model (%s)", rt.kind, rt.kindFrom)})
	judgeKind(res, c, rt)
}

// upstream derives the hop behind the proxy for route rt: type from the
// model prefix (or the api_base host), URL from api_base (or the
// provider's default), key from the os.environ/ reference of api_key (or
// LiteLLM's fallback variables). It reports the route's own problems. ok
// is false when no hop can be derived.
func (d *Deriver) upstream(res *Result, rt route, c *chain.Chain, proxyName string) (chain.Hop, bool) {
	dep := rt.dep
	at := dep.Model.Pos
	if at.IsZero() {
		at = dep.Pos
	}
	if rt.credMissing {
		judgeMissingCredential(res, c, proxyName, dep)
	}
	prov := rt.prov
	if prov == nil {
		judgeUnmodelled(res, c, proxyName, rt, at)
		if rt.known {
			d.judgeUnsetRefs(res, c, proxyName, rt)
		}
		return chain.Hop{}, false
	}
	if what, pos := template(rt); what != "" {
		judgeTemplate(res, c, proxyName, rt, what, pos)
		return chain.Hop{}, false
	}
	h := chain.Hop{Type: prov.Type, Pos: at, TypePos: at, URLPos: at, KeyEnvPos: at, KeyHeaderPos: at}

	// URL. Findings wait for the hop's name, which depends on the URL.
	var pending []*finding.Finding
	urlSrc := Source{Chain: c.Name, What: "url"}
	switch base := rt.base; {
	case base.Set && base.Ref() != "":
		ref := base.Ref()
		v, _, _ := Resolve(base.Value, d.penv)
		h.URLPos, urlSrc.Pos = base.Pos, base.Pos
		if v != "" {
			h.URL, urlSrc.Origin = v, "via "+ref
		} else {
			h.URL, urlSrc.Origin, _ = d.defaultBase(prov, dep)
			urlSrc.Origin = "api_base reads " + ref + ", unset; " + orNone(urlSrc.Origin)
			pending = append(pending, apiBaseUnset(c, ref, h.URL, base.Pos))
		}
	case base.Set && base.Value != "":
		h.URL, h.URLPos, urlSrc.Pos = base.Value, base.Pos, base.Pos
	default:
		var at chain.Pos
		h.URL, urlSrc.Origin, at = d.defaultBase(prov, dep)
		if !at.IsZero() {
			h.URLPos, urlSrc.Pos = at, at
		}
	}
	if prov.Type == provider.Vertex && h.URL != "" && !(rt.base.Set && rt.base.Value != "") {
		if loc, from, pos := d.vertexLocation(dep); !gcpLocation.MatchString(loc) {
			if pos.IsZero() {
				pos = at
			}
			pending = append(pending, vertexLocationInvalid(c, loc, from, h.URL, pos))
		}
	}
	if rt.cred != "" && rt.base.Set && rt.base == rt.credValue(d, "api_base") {
		urlSrc.Origin = strings.TrimSpace("credential " + rt.cred + " " + urlSrc.Origin)
	}

	// Type and name: an OpenAI-prefixed model sent to another host speaks
	// that host's API (openai/ + OpenRouter's base is a common setup).
	host, hostKnown := provider.ByHost(hostOf(h.URL))
	mismatch := false
	switch {
	case prov.Type == provider.OpenAI && hostKnown:
		h.Type = host.Type
	case prov.Type == provider.OpenAI && h.URL != "" && !hostKnown:
		h.Type = provider.OpenAICompatible
	case prov.Pinned() && hostKnown && host != prov:
		mismatch = true
	}
	h.Name = hopName(rt.prefix, h.Type, proxyName)
	urlSrc.Hop, urlSrc.Value = h.Name, h.URL
	if urlSrc.Value == "" {
		urlSrc.Value = "(none)"
	}
	h.KeyHeader = provider.For(h.Type).Auth
	link := chain.Link{From: proxyName, To: h.Name}
	for _, f := range pending {
		f.Hop, f.Link = h.Name, &link
		res.finding(f)
	}
	typeOrigin := "model " + dep.Model.Value
	if rt.inferred {
		typeOrigin = "LiteLLM infers " + rt.prefix + " from model " + dep.Model.Value
	}
	res.source(Source{Chain: c.Name, Hop: h.Name, What: "type", Value: string(h.Type), Pos: at, Origin: typeOrigin})
	res.source(urlSrc)
	if h.URL == "" && len(pending) == 0 {
		judgeNoBase(res, c, h, link, rt, at)
	}

	// API version (Azure): api_version, else AZURE_API_VERSION where the
	// proxy runs, else the provider's default.
	d.apiVersion(res, rt, c, &h, link)

	h.Route = d.routeOf(rt, h.URL)

	// Key.
	d.key(res, rt, c, &h, link, host, hostKnown)
	d.companions(res, rt, c, &h)
	if mismatch {
		judgeWrongProvider(res, c, h, link, rt, host, keyOwner(h.KeyEnv))
	}
	if owner := keyOwner(h.KeyEnv); h.KeyEnv != "" && (mismatch || foreignKey(owner, h)) {
		// Never send a provider's key to another provider's host, nor
		// check a hop of one provider with another provider's key.
		res.notSent(c.Name, h.Name, owner)
		h.KeyEnv = ""
	}
	return h, true
}

// RouteOf says how LiteLLM reaches the upstream of deployment dep (see
// chain.Route), for a hop a hopcheck.yml lists behind the proxy.
func (d *Deriver) RouteOf(dep Deployment) *chain.Route {
	return d.routeOf(d.route(dep), d.baseOf(dep))
}

// routeOf says how LiteLLM reaches the upstream of route rt, at url: the
// deployment's id, and what else can answer its model group — a
// mock_response, which LiteLLM answers itself; the group's other
// deployments, between which it balances; the groups its fallbacks name,
// which answer when the group fails
// (https://docs.litellm.ai/docs/proxy/reliability). A response cache is
// no doubt: the canary asks LiteLLM to skip it.
func (d *Deriver) routeOf(rt route, url string) *chain.Route {
	dep := rt.dep
	group := dep.ModelName.Value
	r := &chain.Route{Config: d.cfg.File, URL: url, ID: dep.ID.Value}
	if Mocked(dep) {
		r.Doubts = append(r.Doubts, chain.Doubt{Mock: true, Pos: dep.Mock.Pos,
			What: fmt.Sprintf("mock_response on model_name %s makes LiteLLM answer with that text and call no provider", group)})
	}
	self := sameUpstream(dep)
	for _, o := range d.cfg.Deployments(group) {
		if o.Pos == dep.Pos {
			continue
		}
		// A copy of the deployment with a mock_response answers in its
		// place, naming the same upstream.
		if sameUpstream(o) == self && !Mocked(o) {
			continue
		}
		r.Doubts = append(r.Doubts, d.rival(o, fmt.Sprintf("another deployment of model_name %s (%s), between which LiteLLM balances requests", group, o.Model.Value), o.Pos))
	}
	for _, fb := range d.cfg.FallbacksFor(group) {
		what := fmt.Sprintf("a fallback of model_name %s to %s, which answers when %s fails", group, fb.Value, group)
		deps := d.cfg.Deployments(fb.Value)
		if len(deps) == 0 {
			r.Doubts = append(r.Doubts, chain.Doubt{What: what, Pos: fb.Pos})
		}
		for _, o := range deps {
			r.Doubts = append(r.Doubts, d.rival(o, what, fb.Pos))
		}
	}
	return r
}

// Mocked reports whether LiteLLM answers dep with its mock_response
// instead of calling the provider.
func Mocked(dep Deployment) bool {
	if !dep.Mock.Set {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(dep.Mock.Value)) {
	case "", "false", "null", "none", "~":
		return false
	}
	return true
}

// sameUpstream identifies where and with what a deployment calls its
// provider: two entries alike call the same upstream the same way.
func sameUpstream(dep Deployment) [4]string {
	return [4]string{dep.Model.Value, dep.APIKey.Value, dep.APIBase.Value, dep.Credential.Value}
}

// rival is the doubt another deployment o raises: it may answer in the
// route's place, and LiteLLM's answer names it by its base URL and id.
// A mocked rival calls nothing, but LiteLLM still reports its api_base.
func (d *Deriver) rival(o Deployment, what string, at chain.Pos) chain.Doubt {
	if Mocked(o) {
		return chain.Doubt{Mock: true, Pos: o.Mock.Pos,
			What: what + ", with a mock_response that LiteLLM answers itself, calling no provider"}
	}
	return chain.Doubt{What: what, Pos: at, URL: d.baseOf(o), ID: o.ID.Value}
}

// baseOf is the base URL LiteLLM calls deployment dep at ("" when
// hopcheck cannot tell).
func (d *Deriver) baseOf(dep Deployment) string {
	rt := d.route(dep)
	if rt.base.Set && rt.base.Value != "" {
		v, _, _ := Resolve(rt.base.Value, d.penv)
		if v != "" || rt.base.Ref() == "" {
			return v
		}
	}
	if rt.prov == nil {
		return ""
	}
	b, _, _ := d.defaultBase(rt.prov, dep)
	return b
}

// keyOwner returns the provider whose keys are pinned to its hosts and
// whose conventional key variable v is (nil when none).
func keyOwner(v string) *provider.Spec {
	if v == "" {
		return nil
	}
	for _, s := range provider.ByKeyVar(v) {
		if s.Pinned() {
			return s
		}
	}
	return nil
}

// foreignKey reports whether a hop would be checked with a key pinned to
// another provider: a key of owner sent to a public host owner does not
// own, or to a hop of another provider whose keys are pinned too. On a
// private host the engine's key pinning refuses it (the variable is the
// provider's whatever the route) and says what to allow.
func foreignKey(owner *provider.Spec, h chain.Hop) bool {
	if owner == nil || owner.OwnsHost(hostOf(h.URL)) {
		return false
	}
	spec := provider.For(h.Type)
	if spec == owner {
		return false
	}
	return spec.Pinned() || trust.PublicHost(hostOf(h.URL))
}

// notSent marks the key source of hop as not sent.
func (r *Result) notSent(chainName, hop string, owner *provider.Spec) {
	for i := len(r.Sources) - 1; i >= 0; i-- {
		s := &r.Sources[i]
		if s.Chain == chainName && s.Hop == hop && s.What == "key_env" {
			why := "api_base is another provider's host"
			if owner != nil {
				why = "it is " + owner.Name + "'s key"
			}
			s.Value += " (not sent: " + why + ")"
			return
		}
	}
}

// template reports a route copied from an example and never filled in:
// a placeholder model id (openai/<model-name>) or an api_base on a
// documentation domain (RFC 2606: example.com, .example, .invalid).
func template(rt route) (string, chain.Pos) {
	if m := rt.dep.UpstreamModel(); rt.dep.Provider() != "" && !strings.Contains(m, "*") && provider.IsPlaceholder(m) {
		return fmt.Sprintf("the model id %q is a placeholder", m), rt.dep.Model.Pos
	}
	if rt.base.Set && rt.base.Ref() == "" {
		h := strings.ToLower(hostOf(rt.base.Value))
		for _, d := range []string{"example.com", "example.org", "example.net"} {
			if h == d || strings.HasSuffix(h, "."+d) {
				return fmt.Sprintf("api_base %s is a documentation domain", h), rt.base.Pos
			}
		}
		for _, tld := range []string{".example", ".invalid"} {
			if strings.HasSuffix(h, tld) {
				return fmt.Sprintf("api_base %s is a documentation domain", h), rt.base.Pos
			}
		}
	}
	return "", chain.Pos{}
}

// credValue returns the credential's value of key for rt ("" Value when none).
func (rt route) credValue(d *Deriver, key string) Value {
	if rt.cred == "" {
		return Value{}
	}
	cr, _ := d.cfg.CredentialByName(rt.cred)
	return cr.Values[key]
}

func (d *Deriver) apiVersion(res *Result, rt route, c *chain.Chain, h *chain.Hop, link chain.Link) {
	v := rt.version
	src := Source{Chain: c.Name, Hop: h.Name, What: "api_version"}
	val := ""
	switch {
	case v.Set && v.Ref() != "":
		r, _, _ := Resolve(v.Value, d.penv)
		src.Pos = v.Pos
		if r == "" {
			judgeVersionUnset(res, c, h.Name, link, v)
			src.Value = "(unset: " + v.Ref() + ")"
			break
		}
		val, src.Value, src.Origin = r, r, "via "+v.Ref()
	case v.Set && v.Value != "":
		val, src.Value, src.Pos = v.Value, v.Value, v.Pos
	default:
		if h.Type != provider.Azure {
			return
		}
		if e, ok := d.penv("AZURE_API_VERSION"); ok && e != "" {
			val, src.Value, src.Origin = e, e, "env AZURE_API_VERSION"
		} else {
			src.Value, src.Origin = provider.AzureAPIVersion, "default (no api_version, AZURE_API_VERSION unset)"
		}
	}
	if rt.cred != "" && v.Set && v == rt.credValue(d, "api_version") {
		src.Origin = strings.TrimSpace("credential " + rt.cred + " " + src.Origin)
	}
	if val != "" {
		if h.Params == nil {
			h.Params = map[string]string{}
		}
		h.Params["api_version"] = val
	}
	res.source(src)
}

// key derives the hop's credential: the variable an os.environ/ api_key
// reads, a literal (judged, never sent), or LiteLLM's fallback variables.
func (d *Deriver) key(res *Result, rt route, c *chain.Chain, h *chain.Hop, link chain.Link, host *provider.Spec, hostKnown bool) {
	prov := rt.prov
	k := rt.key
	src := Source{Chain: c.Name, Hop: h.Name, What: "key_env"}
	defer func() {
		if rt.cred != "" && k.Set && k == rt.credValue(d, "api_key") {
			src.Origin = strings.TrimSpace("credential " + rt.cred + " " + src.Origin)
		}
		res.source(src)
	}()
	switch {
	case k.Set && k.Ref() != "":
		ref := k.Ref()
		h.KeyEnvPos, src.Pos = k.Pos, k.Pos
		v, lit := d.follow(ref)
		if lit != nil {
			src.Value = "(set in the file: environment_variables." + lit.Name + ", " + secret.Fingerprint(lit.Value.Value) + ")"
			// Judge reports the literal itself (once, at its line).
			if !provider.IsPlaceholder(lit.Value.Value) && !d.dummy(rt, h.URL, lit.Value.Value) {
				res.secret(lit.Value.Value)
			}
			return
		}
		if _, ok := d.jobVar(v); !ok {
			if fb := d.firstSet(prov.LiteLLMKeyVars()); fb != "" && fb != v {
				judgeKeyFallback(res, c, h.Name, link, v, fb, k.Pos)
				v = fb
				src.Origin = "fallback " + fb
			}
		}
		// When v is unset the engine reports credential-missing on the
		// link proxy → provider, at this api_key line.
		h.KeyEnv, src.Value = v, v
		d.judgeKeyHost(res, rt, c, h, link, v, false)
	case k.Set && k.Value != "":
		h.KeyEnvPos, src.Pos = k.Pos, k.Pos
		src.Value = "(literal " + secret.Fingerprint(k.Value) + ")"
		if v := shellVar(k.Value); v != "" {
			src.Value = fmt.Sprintf("(the text %q: LiteLLM does not expand it)", k.Value)
			judgeShellVar(res, rt, c.Name, "api_key of model_name "+rt.dep.ModelName.Value, k.Value, v, k.Pos, h, &link)
			return
		}
		if d.dummy(rt, h.URL, k.Value) {
			src.Value = "(none: dummy value " + fmt.Sprintf("%q", k.Value) + " for a server that checks no key)"
		}
		d.judgeLiteral(res, rt, c.Name, "api_key of model_name "+rt.dep.ModelName.Value, k.Value, k.Pos, h, &link)
	default:
		if !k.Pos.IsZero() {
			h.KeyEnvPos = k.Pos
		}
		src.Pos = k.Pos
		if tok := rt.dep.Params["azure_ad_token"]; tok.Set && tok.Value != "" {
			src.Pos = tok.Pos
			if ref := tok.Ref(); ref != "" {
				src.Value, src.Origin = "(azure_ad_token via "+ref+")", "an Entra ID token: hopcheck checks api keys only"
			} else {
				src.Value = "(literal azure_ad_token " + secret.Fingerprint(tok.Value) + ")"
				d.judgeLiteral(res, rt, c.Name, "azure_ad_token of model_name "+rt.dep.ModelName.Value, tok.Value, tok.Pos, h, &link)
			}
			return
		}
		if id := rt.dep.Params["aws_access_key_id"]; id.Set && id.Ref() != "" {
			v, _ := d.follow(id.Ref())
			h.KeyEnv, h.KeyEnvPos, src.Value, src.Pos = v, id.Pos, v, id.Pos
			return
		}
		if prov.Type == provider.Vertex && d.vertexCredentials(res, rt, c, h, link, &src) {
			return
		}
		keys, fb := prov.LiteLLMKeyVars(), d.firstSet(prov.LiteLLMKeyVars())
		ambient := prov.Verify == provider.NoKey || prov.Verify == provider.StaticOnly || prov.Sign != nil
		switch {
		case fb != "":
			h.KeyEnv, src.Value, src.Origin = fb, fb, "no api_key: LiteLLM's fallback variable"
		case len(keys) > 0 && !ambient:
			k := primaryKeyVar(prov)
			h.KeyEnv, src.Value, src.Origin = k, k, "no api_key: LiteLLM's fallback variable"
		case prov.Verify == provider.NoKey:
			src.Value, src.Origin = "(none)", "no api_key: "+prov.Name+" needs none"
		case len(keys) > 0:
			src.Value, src.Origin = "(none in this job)", fmt.Sprintf("no api_key: LiteLLM uses %s or the credentials of the proxy's runtime (%s unset here)", prov.Name+"'s default credential chain", strings.Join(keys, ", "))
			judgeAmbient(res, c, h.Name, link, rt, keys, h.KeyEnvPos)
		default:
			src.Value, src.Origin = "(none)", "no api_key"
		}
		if h.KeyEnv != "" {
			d.judgeKeyHost(res, rt, c, h, link, h.KeyEnv, true)
		}
	}
}

// companions reads the litellm_params that rename the provider's companion
// variables (aws_secret_access_key: os.environ/CUSTOM_SECRET): the engine
// then signs with the variable the deployment names, not the default one,
// so a custom access key id is never signed with an unrelated secret. Each
// is shown as a source named after its param. A param that is not a
// reference to a variable (a literal, one set in environment_variables)
// names no variable of the job, and the default stays.
func (d *Deriver) companions(res *Result, rt route, c *chain.Chain, h *chain.Hop) {
	params := rt.prov.LiteLLM.CompanionParams
	if h.KeyEnv == "" || len(params) == 0 {
		return
	}
	for _, comp := range slices.Sorted(maps.Keys(params)) {
		name := params[comp]
		p := rt.dep.Params[name]
		if !p.Set || p.Ref() == "" {
			continue
		}
		v, lit := d.follow(p.Ref())
		if lit != nil || v == "" {
			continue
		}
		if h.Companions == nil {
			h.Companions = map[string]string{}
		}
		h.Companions[comp] = v
		res.source(Source{Chain: c.Name, Hop: h.Name, What: name, Value: v, Pos: p.Pos})
	}
}

// vertexCredentials describes a Vertex AI route's vertex_credentials
// (or vertex_ai_credentials, which LiteLLM reads too): the service-account
// key, its JSON or the path of its file. Vertex AI takes only OAuth tokens
// minted from it, so hopcheck names where it comes from and checks the
// configuration only. It reports false when the route sets neither param.
func (d *Deriver) vertexCredentials(res *Result, rt route, c *chain.Chain, h *chain.Hop, link chain.Link, src *Source) bool {
	var vc Value
	name := ""
	for _, n := range []string{"vertex_credentials", "vertex_ai_credentials"} {
		if v := rt.dep.Params[n]; v.Set && v.Value != "" {
			vc, name = v, n
			break
		}
	}
	if name == "" {
		return false
	}
	h.KeyEnvPos, src.Pos = vc.Pos, vc.Pos
	ref := vc.Ref()
	if ref == "" {
		if strings.Contains(vc.Value, "private_key") {
			src.Value = "(literal service-account key " + secret.Fingerprint(vc.Value) + ")"
			judgeCommittedServiceAccount(res, d.cfg.File, rt, name, vc, h.Name, &link)
			return true
		}
		src.Value, src.Origin = "(file "+vc.Value+")", name+": a service-account key file where the proxy runs; hopcheck checks Vertex AI's configuration only"
		return true
	}
	v, lit := d.follow(ref)
	if lit != nil {
		src.Value = "(set in the file: environment_variables." + lit.Name + ")"
		return true
	}
	if _, ok := d.jobVar(v); ok {
		src.Value, src.Origin = "("+name+" via "+v+")", "a service-account credential: hopcheck checks Vertex AI's configuration only"
		return true
	}
	src.Value, src.Origin = "(none in this job)", name+" reads "+v+", unset here"
	judgeVertexCredentialsUnset(res, c, h.Name, link, rt, name, v, vc.Pos)
	return true
}

// defaultBase is the base URL LiteLLM uses without api_base: the
// provider's base variable when set where the proxy runs, else its default
// (per region or location where the deployment names one). pos is the
// region or location param that chose it (zero when none did).
func (d *Deriver) defaultBase(p *provider.Spec, dep Deployment) (base, origin string, pos chain.Pos) {
	if v := p.LiteLLM.BaseVar; v != "" {
		if val, ok := d.penv(v); ok && val != "" {
			return val, "env " + v, chain.Pos{}
		}
	}
	if p.Type == provider.Vertex {
		loc, from, at := d.vertexLocation(dep)
		if loc == "global" {
			return "https://aiplatform.googleapis.com", from, at
		}
		return "https://" + loc + "-aiplatform.googleapis.com", from, at
	}
	get := func(v string) string { s, _ := d.penv(v); return s }
	origin = "default (no api_base)"
	if r := dep.Params["aws_region_name"]; r.Set {
		if region, _, _ := Resolve(r.Value, d.penv); region != "" {
			get = func(string) string { return region }
			origin, pos = "aws_region_name "+region+", no api_base", r.Pos
		}
	}
	base = p.DefaultBase(get)
	if base == "" {
		return "", "", chain.Pos{}
	}
	return base, origin, pos
}

// vertexLocation is the Vertex AI location LiteLLM uses for dep:
// vertex_location, else vertex_ai_location (LiteLLM reads both), else
// VERTEXAI_LOCATION or VERTEX_LOCATION where the proxy runs, else
// us-central1 (litellm/llms/vertex_ai/vertex_llm_base.py). from says which;
// pos is the param's position (zero when the location is not written).
func (d *Deriver) vertexLocation(dep Deployment) (loc, from string, pos chain.Pos) {
	for _, name := range []string{"vertex_location", "vertex_ai_location"} {
		if p := dep.Params[name]; p.Set {
			if v, _, _ := Resolve(p.Value, d.penv); v != "" {
				return v, name + " " + v, p.Pos
			}
		}
	}
	for _, name := range []string{"VERTEXAI_LOCATION", "VERTEX_LOCATION"} {
		if v, ok := d.penv(name); ok && v != "" {
			return v, "env " + name, chain.Pos{}
		}
	}
	return "us-central1", "default (LiteLLM's default location us-central1)", chain.Pos{}
}

// gcpLocation matches a Google Cloud location name (us-central1,
// europe-west4, me-central2, global); an AWS region (us-east-1) does not.
var gcpLocation = regexp.MustCompile(`^(?:global|[a-z]+-[a-z]+[0-9]+)$`)

func orNone(s string) string {
	if s == "" {
		return "no URL at all"
	}
	return s
}

func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// hopName names the upstream hop: the provider type, or the LiteLLM
// provider prefix for OpenAI-compatible servers; never the proxy's name.
func hopName(prefix string, t chain.HopType, proxy string) string {
	name := string(t)
	if t == provider.OpenAICompatible && prefix != "" && prefix != "openai" {
		name = sanitize(prefix)
	}
	if name == proxy {
		name += "-upstream"
	}
	return name
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
