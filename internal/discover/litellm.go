package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
)

// DefaultLiteLLMURL is where a LiteLLM proxy listens when nothing says
// otherwise (`litellm --config config.yaml` binds port 4000).
const DefaultLiteLLMURL = "http://127.0.0.1:4000"

// liteLLMURLVars are the job variables that name the proxy's URL, in
// order. OPENAI_BASE_URL counts only when it is not a provider's own host
// (clients pointed at the proxy with the OpenAI SDK use it).
var liteLLMURLVars = []string{"LITELLM_BASE_URL", "OPENAI_BASE_URL"}

// liteLLMKeyVars are the job variables a CI client conventionally holds
// the proxy key in, when master_key does not name one.
var liteLLMKeyVars = []string{"LITELLM_MASTER_KEY", "LITELLM_API_KEY"}

// liteFile is one LiteLLM config read for discovery.
type liteFile struct {
	rel        string
	cfg        *litellm.Config
	generalPos chain.Pos // the general_settings key; zero when absent
	proxy      proxyInfo
	fileDone   bool
}

// proxyInfo is the litellm hop as the CI job sees it.
type proxyInfo struct {
	url       string
	urlOrigin string // "env LITELLM_BASE_URL" or "default"
	keyEnv    string
	keyPos    chain.Pos // master_key value, zero when the variable is conventional
	keyOrigin string
}

// loadLite reads and parses a LiteLLM config (once per file). A file that
// cannot be read or parsed gives a config-invalid finding at its position
// (or at ref, where hopcheck.yml names it) and nil.
func (b *builder) loadLite(rel string, ref chain.Pos) *liteFile {
	if lf, ok := b.lite[rel]; ok {
		return lf
	}
	b.lite[rel] = nil
	data, err := b.read(rel, ref)
	if err != nil {
		pos := ref
		if pos.IsZero() {
			pos = chain.Pos{File: rel}
		}
		msg := fmt.Sprintf("Cannot read LiteLLM config %s: %v.", rel, err)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			msg = fmt.Sprintf("LiteLLM config %s does not exist.", rel)
		case errors.Is(err, fsafe.ErrTooLarge):
			msg = fmt.Sprintf("LiteLLM config %s is larger than 1 MiB; it was not read.", rel)
		}
		b.finding(*(&finding.Finding{Check: "discover.litellm", Cause: finding.ConfigInvalid, Severity: finding.SevError,
			Message: msg, Fix: "Point config: at the LiteLLM config.yaml the proxy is started with (path relative to the repository root)."}).At(pos))
		return nil
	}
	b.addFile(rel)
	b.checkRefs(rel, data)
	cfg, err := litellm.Parse(rel, data)
	if err != nil {
		pos := chain.Pos{File: rel, Line: 1}
		msg := err.Error()
		var le *litellm.Error
		if errors.As(err, &le) {
			pos, msg = le.Pos, le.Msg
		}
		b.tooCostly(err, pos, msg)
		b.finding(*(&finding.Finding{Check: "discover.litellm", Hop: "litellm", Cause: finding.ConfigInvalid, Severity: finding.SevError,
			Message: fmt.Sprintf("LiteLLM config %s cannot be read: %s", rel, msg),
			Fix:     "Fix the file at this line; LiteLLM refuses to start with it too."}).At(pos))
		return nil
	}
	lf := &liteFile{rel: rel, cfg: cfg, generalPos: topKeyPos(rel, data, "general_settings")}
	lf.proxy = b.proxyInfo(lf)
	b.lite[rel] = lf
	b.liteList = append(b.liteList, lf)
	return lf
}

// topKeyPos finds a top-level key of a YAML file by its text (the LiteLLM
// reader keeps positions of values, not of the section keys).
func topKeyPos(rel string, data []byte, key string) chain.Pos {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + `[ \t]*:`)
	loc := re.FindIndex(data)
	if loc == nil {
		return chain.Pos{}
	}
	return chain.Pos{File: rel, Line: 1 + strings.Count(string(data[:loc[0]]), "\n"), Col: 1}
}

// proxyEnv is the environment the proxy sees: the job's, overlaid with the
// file's environment_variables.
func (b *builder) proxyEnv(lf *liteFile) func(string) (string, bool) {
	return lf.cfg.Env(b.env)
}

// follow resolves a variable the file reads through its
// environment_variables section: it returns the job variable LiteLLM
// ultimately reads, or the environment_variables entry that sets it to a
// literal.
func follow(lf *liteFile, name string) (jobVar string, lit *litellm.EnvVar) {
	for range 8 {
		var hit *litellm.EnvVar
		for i := range lf.cfg.EnvironmentVariables {
			if lf.cfg.EnvironmentVariables[i].Name == name {
				hit = &lf.cfg.EnvironmentVariables[i]
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

func (b *builder) proxyInfo(lf *liteFile) proxyInfo {
	p := proxyInfo{url: DefaultLiteLLMURL, urlOrigin: "default"}
	for _, v := range liteLLMURLVars {
		val, ok := b.jobVar(v)
		if !ok {
			continue
		}
		if v == "OPENAI_BASE_URL" && knownHost(hostOf(val)) != nil {
			continue
		}
		p.url, p.urlOrigin = val, "env "+v
		break
	}
	mk := lf.cfg.MasterKey
	if ref := mk.Ref(); ref != "" {
		if v, lit := follow(lf, ref); lit == nil {
			if _, ok := b.jobVar(v); ok {
				p.keyEnv, p.keyPos = v, mk.Pos
				return p
			}
		}
		// The reference is unset (or set by the file itself): the CI job
		// holds no proxy key under that name.
	}
	for _, v := range liteLLMKeyVars {
		if _, ok := b.jobVar(v); ok {
			p.keyEnv, p.keyOrigin = v, "env "+v+" (conventional)"
			return p
		}
	}
	if p.urlOrigin == "env OPENAI_BASE_URL" {
		if _, ok := b.jobVar("OPENAI_API_KEY"); ok {
			p.keyEnv, p.keyOrigin = "OPENAI_API_KEY", "env OPENAI_API_KEY (sent with OPENAI_BASE_URL)"
		}
	}
	return p
}

// liteFileFindings reports what is wrong with the file as a whole: the
// master key, literal keys, environment_variables references and model
// groups whose deployments use different credentials. Once per file.
func (b *builder) liteFileFindings(lf *liteFile) {
	if lf.fileDone {
		return
	}
	lf.fileDone = true
	cfg := lf.cfg
	penv := b.proxyEnv(lf)
	mk := cfg.MasterKey
	switch {
	case !mk.Set || mk.Value == "":
		pos := lf.generalPos
		if mk.Set || !mk.Pos.IsZero() {
			pos = mk.Pos
		}
		if pos.IsZero() {
			pos = chain.Pos{File: lf.rel, Line: 1, Col: 1}
		}
		b.finding(*(&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ProxyOpen, Severity: finding.SevWarning,
			Message: fmt.Sprintf("%s sets no general_settings.master_key: the LiteLLM proxy accepts every request and spends the upstream keys for anyone who can reach it.", lf.rel),
			Fix:     "Add general_settings: master_key: os.environ/LITELLM_MASTER_KEY and set that secret where the proxy runs and in the CI job."}).At(pos))
	case mk.Ref() != "":
		if v, _, _ := litellm.Resolve(mk.Value, penv); v == "" {
			b.finding(*(&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ProxyOpen, Severity: finding.SevWarning,
				Message: fmt.Sprintf("master_key reads %s, which is unset or empty in this job: LiteLLM resolves it to None without an error and runs with no authentication (BerriAI/litellm#1851).", mk.Ref()),
				Fix:     fmt.Sprintf("Set %s where the proxy runs (env: %s: ${{ secrets.%s }}).", mk.Ref(), mk.Ref(), mk.Ref())}).At(mk.Pos))
		}
	default:
		b.literal(lf, "general_settings.master_key", mk.Value, mk.Pos, "litellm", nil)
	}
	for _, ev := range cfg.EnvironmentVariables {
		if ref := ev.Value.Ref(); ref != "" {
			if _, ok := b.jobVar(ref); !ok {
				b.finding(*(&finding.Finding{Check: "litellm.env", Hop: "litellm", Cause: finding.CredentialMissing, Severity: finding.SevNotice,
					Message: fmt.Sprintf("environment_variables.%s reads %s, which is unset or empty in this job; LiteLLM sets %s to an empty value.", ev.Name, ref, ev.Name),
					Fix:     fmt.Sprintf("Set %s where the proxy runs, or drop the entry.", ref)}).At(ev.Value.Pos))
			}
			continue
		}
		if keyish(ev.Name) {
			b.literal(lf, "environment_variables."+ev.Name, ev.Value.Value, ev.Value.Pos, "litellm", nil)
		}
	}
	b.duplicateGroups(lf)
}

// literal reports a credential written into the file. Values that cannot
// be a real key (placeholders, short strings) are a warning; the rest an
// error, since the key must be considered leaked.
func (b *builder) literal(lf *liteFile, what, v string, pos chain.Pos, hop string, link *chain.Link) {
	if v == "" {
		return
	}
	b.addSecret(v)
	sev := finding.SevError
	msg := fmt.Sprintf("%s is a literal credential (%s) committed in %s; anyone who can read the repository can use it.", what, secret.Fingerprint(v), lf.rel)
	if !secretLike(v) {
		sev = finding.SevWarning
		msg = fmt.Sprintf("%s is written into %s as a literal value (%s) instead of an os.environ/ reference.", what, lf.rel, secret.Fingerprint(v))
	}
	b.finding(*(&finding.Finding{Check: "litellm.secret", Hop: hop, Link: link, Cause: finding.SecretInConfig, Severity: sev,
		Message: msg}).At(pos))
}

// duplicateGroups warns about model groups whose deployments use different
// credentials: LiteLLM load-balances between them, so a wrong one fails a
// share of the requests.
func (b *builder) duplicateGroups(lf *liteFile) {
	first := map[string]litellm.Deployment{}
	for _, d := range lf.cfg.ModelList {
		if !d.ModelName.Set {
			continue
		}
		name := d.ModelName.Value
		f, seen := first[name]
		if !seen {
			first[name] = d
			continue
		}
		if f.APIKey.Value == d.APIKey.Value {
			continue
		}
		pos := d.APIKey.Pos
		if pos.IsZero() {
			pos = d.Pos
		}
		b.finding(*(&finding.Finding{Check: "litellm.duplicate", Hop: "litellm", Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
			Message: fmt.Sprintf("model_name %q is also defined at line %d with a different credential (%s there, %s here); LiteLLM load-balances between the entries, so if one key is wrong a share of the requests fails.",
				name, f.Pos.Line, describeKey(f.APIKey), describeKey(d.APIKey)),
			Fix: "Give both entries the same api_key reference, or different model_names."}).At(pos))
	}
}

// describeKey shows an api_key value without revealing it.
func describeKey(v litellm.Value) string {
	switch {
	case !v.Set || v.Value == "":
		return "no api_key"
	case v.Ref() != "":
		return v.Value
	}
	return "literal " + secret.Fingerprint(v.Value)
}

// liteChains derives one chain per model_list entry of lf.
func (b *builder) liteChains(lf *liteFile, prefixFile bool) {
	type sig struct{ name, model, key, base string }
	seen := map[sig]bool{}
	for _, d := range lf.cfg.ModelList {
		if !d.ModelName.Set || d.ModelName.Value == "" {
			continue
		}
		s := sig{d.ModelName.Value, d.Model.Value, d.APIKey.Value, d.APIBase.Value}
		if seen[s] {
			continue
		}
		seen[s] = true
		if strings.Contains(d.ModelName.Value, "*") {
			b.finding(*(&finding.Finding{Check: "discover.litellm", Hop: "litellm", Cause: finding.ModelUnavailable, Severity: finding.SevNotice,
				Message: fmt.Sprintf("model_name %q is a wildcard route; hopcheck cannot pick a model for it, so it is not checked.", d.ModelName.Value),
				Fix:     "Name the models your CI uses in a hopcheck.yml chain (model: …) with a litellm hop pointing at this config."}).At(d.ModelName.Pos))
			continue
		}
		want := d.ModelName.Value
		if prefixFile {
			want = strings.TrimSuffix(strings.TrimSuffix(lf.rel, ".yaml"), ".yml") + "-" + want
		}
		c := &chain.Chain{Model: d.ModelName.Value, Canary: chain.DefaultCanary, Timeout: chain.DefaultTimeout,
			Pos: d.Pos, ModelPos: d.ModelName.Pos}
		if !b.addChain(c, want) {
			return
		}
		proxy := b.proxyHop(lf, d.Pos, c.Name)
		c.Hops = append(c.Hops, proxy)
		b.source(Source{Chain: c.Name, What: "model", Value: c.Model, Pos: c.ModelPos})
		if up, ok := b.upstreamHop(lf, d, c, proxy.Name); ok {
			c.Hops = append(c.Hops, up)
		}
	}
}

// proxyHop builds the litellm hop of a derived chain, positioned at the
// model_list entry (and its key at master_key).
func (b *builder) proxyHop(lf *liteFile, at chain.Pos, chainName string) chain.Hop {
	p := lf.proxy
	h := chain.Hop{Name: "litellm", Type: provider.LiteLLM, URL: p.url, KeyEnv: p.keyEnv,
		KeyHeader: provider.For(provider.LiteLLM).Auth, Config: lf.rel,
		Pos: at, URLPos: at, KeyEnvPos: at, KeyHeaderPos: at, TypePos: at}
	if !p.keyPos.IsZero() {
		h.KeyEnvPos = p.keyPos
	}
	b.source(Source{Chain: chainName, Hop: h.Name, What: "type", Value: string(h.Type), Pos: at})
	b.source(Source{Chain: chainName, Hop: h.Name, What: "url", Value: h.URL, Origin: originOrDefault(p.urlOrigin, "LITELLM_BASE_URL and OPENAI_BASE_URL unset")})
	switch {
	case p.keyEnv == "":
		b.source(Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: "(none: the job sends no proxy key)", Pos: lf.cfg.MasterKey.Pos})
	case !p.keyPos.IsZero():
		b.source(Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: p.keyEnv, Pos: p.keyPos})
	default:
		b.source(Source{Chain: chainName, Hop: h.Name, What: "key_env", Value: p.keyEnv, Origin: p.keyOrigin})
	}
	return h
}

func originOrDefault(o, why string) string {
	if o == "default" {
		return "default (" + why + ")"
	}
	return o
}

// knownHost returns the provider whose official hosts include host.
func knownHost(host string) *provider.Spec {
	s, _ := provider.ByHost(host)
	return s
}

func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// providerOf returns the provider prefix LiteLLM uses for d, inferring it
// from well-known model names when the model has no prefix.
func providerOf(d litellm.Deployment) string {
	if p := d.Provider(); p != "" {
		return p
	}
	m := strings.ToLower(d.Model.Value)
	for _, pre := range []string{"gpt-", "o1", "o3", "o4", "chatgpt-"} {
		if strings.HasPrefix(m, pre) {
			return "openai"
		}
	}
	if strings.HasPrefix(m, "claude") {
		return "anthropic"
	}
	return ""
}

// upstreamHop derives the hop behind the proxy for deployment d: type from
// the model prefix (or the api_base host), URL from api_base (or the
// provider's default), key from the os.environ/ reference of api_key (or
// LiteLLM's fallback variables). It also reports the deployment's own
// problems. ok is false when the provider is not one hopcheck can check.
func (b *builder) upstreamHop(lf *liteFile, d litellm.Deployment, c *chain.Chain, proxyName string) (chain.Hop, bool) {
	pname := providerOf(d)
	prov, known := provider.ByLiteLLM(pname)
	at := d.Model.Pos
	if at.IsZero() {
		at = d.Pos
	}
	if !known {
		what := "provider " + pname
		if pname == "" {
			what = "a provider LiteLLM infers from the model name"
		}
		b.finding(*(&finding.Finding{Check: "discover.litellm", Chain: c.Name, Hop: proxyName, Cause: finding.OK, Severity: finding.SevInfo,
			Message: fmt.Sprintf("model %q uses %s, which hopcheck does not probe directly; the chain is checked through the proxy only.", d.Model.Value, what)}).At(at))
		return chain.Hop{}, false
	}
	h := chain.Hop{Type: prov.Type, Pos: at, TypePos: at, URLPos: at, KeyEnvPos: at, KeyHeaderPos: at}
	penv := b.proxyEnv(lf)

	// URL. Findings wait for the hop's name, which depends on the URL.
	var pending []finding.Finding
	urlSrc := Source{Chain: c.Name, What: "url"}
	switch {
	case d.APIBase.Set && d.APIBase.Ref() != "":
		ref := d.APIBase.Ref()
		v, _, _ := litellm.Resolve(d.APIBase.Value, penv)
		h.URLPos = d.APIBase.Pos
		if v != "" {
			h.URL = v
			urlSrc.Pos, urlSrc.Origin = d.APIBase.Pos, "via "+ref
		} else {
			h.URL, urlSrc.Origin = b.defaultBase(prov, penv)
			urlSrc.Pos = d.APIBase.Pos
			pending = append(pending, *(&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Cause: finding.WrongEndpoint, Severity: finding.SevWarning,
				Message: fmt.Sprintf("api_base reads %s, which is unset or empty in this job; LiteLLM then silently calls %s instead (BerriAI/litellm#6332).", ref, orNone(h.URL)),
				Fix:     fmt.Sprintf("Set %s where the proxy runs, or write the URL into api_base.", ref)}).At(d.APIBase.Pos))
		}
	case d.APIBase.Set && d.APIBase.Value != "":
		h.URL, h.URLPos = d.APIBase.Value, d.APIBase.Pos
		urlSrc.Pos = d.APIBase.Pos
	default:
		h.URL, urlSrc.Origin = b.defaultBase(prov, penv)
	}
	if h.URL == "" {
		for _, f := range pending {
			f.Hop = proxyName
			b.finding(f)
		}
		b.finding(*(&finding.Finding{Check: "discover.litellm", Chain: c.Name, Hop: proxyName, Cause: finding.WrongEndpoint, Severity: finding.SevWarning,
			Message: fmt.Sprintf("model %q (provider %s) has no api_base; hopcheck cannot tell where LiteLLM sends it, so the chain is checked through the proxy only.", d.Model.Value, pname),
			Fix:     "Set litellm_params.api_base to the server's OpenAI-compatible base URL."}).At(at))
		return chain.Hop{}, false
	}

	// Type and name: an OpenAI-prefixed model sent to another host speaks
	// that host's API (openai/ + OpenRouter's base is a common setup).
	host := knownHost(hostOf(h.URL))
	mismatch := false
	switch {
	case prov.Type == provider.OpenAI && host != nil:
		h.Type = host.Type
	case prov.Type == provider.OpenAI && host == nil:
		h.Type = provider.OpenAICompatible
	case prov.Pinned() && host != nil && host != prov:
		mismatch = true
	}
	h.Name = hopName(pname, h.Type, proxyName)
	urlSrc.Hop, urlSrc.Value = h.Name, h.URL
	h.KeyHeader = provider.For(h.Type).Auth
	link := chain.Link{From: proxyName, To: h.Name}
	for _, f := range pending {
		f.Hop, f.Link = h.Name, &link
		b.finding(f)
	}
	b.source(Source{Chain: c.Name, Hop: h.Name, What: "type", Value: string(h.Type), Pos: at, Origin: "model " + d.Model.Value})
	b.source(urlSrc)
	if mismatch {
		b.finding(*(&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.WrongEndpoint, Severity: finding.SevError,
			Message: fmt.Sprintf("model %q has the %s/ prefix, but api_base points at %s (%s's API): LiteLLM sends the request and the %s key to the wrong provider.",
				d.Model.Value, pname, hostOf(h.URL), host.Name, pname),
			Fix: fmt.Sprintf("Remove api_base (LiteLLM then uses %s) or change the model prefix to the provider at that URL.", orNone(prov.BaseURL))}).At(h.URLPos))
	}

	// Key.
	keySrc := Source{Chain: c.Name, Hop: h.Name, What: "key_env"}
	switch {
	case d.APIKey.Set && d.APIKey.Ref() != "":
		ref := d.APIKey.Ref()
		h.KeyEnvPos = d.APIKey.Pos
		keySrc.Pos = d.APIKey.Pos
		v, lit := follow(lf, ref)
		switch {
		case lit != nil:
			keySrc.Value = "(set in the file: environment_variables." + lit.Name + ", " + secret.Fingerprint(lit.Value.Value) + ")"
			b.addSecret(lit.Value.Value)
		default:
			if _, ok := b.jobVar(v); !ok {
				if fb := b.firstSet(prov.LiteLLMKeyVars()); fb != "" && fb != v {
					b.finding(*(&finding.Finding{Check: "litellm.api_key", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.CredentialMissing, Severity: finding.SevWarning,
						Message: fmt.Sprintf("api_key reads %s, which is unset or empty in this job; LiteLLM falls back to %s, so the proxy uses that key instead.", v, fb),
						Fix:     fmt.Sprintf("Set %s where the proxy runs, or reference %s directly.", v, fb)}).At(d.APIKey.Pos))
					v = fb
					keySrc.Origin = "fallback " + fb
				}
			}
			// When v is unset the engine reports credential-missing on
			// the link proxy → provider, at this api_key line.
			h.KeyEnv, keySrc.Value = v, v
		}
	case d.APIKey.Set && d.APIKey.Value != "":
		b.literal(lf, "api_key of model_name "+d.ModelName.Value, d.APIKey.Value, d.APIKey.Pos, h.Name, &link)
		h.KeyEnvPos = d.APIKey.Pos
		keySrc.Pos, keySrc.Value = d.APIKey.Pos, "(literal "+secret.Fingerprint(d.APIKey.Value)+")"
	default:
		if !d.APIKey.Pos.IsZero() {
			h.KeyEnvPos = d.APIKey.Pos
		}
		switch keys, fb := prov.LiteLLMKeyVars(), b.firstSet(prov.LiteLLMKeyVars()); {
		case fb != "":
			h.KeyEnv, keySrc.Value, keySrc.Origin = fb, fb, "no api_key: LiteLLM's fallback variable"
		case len(keys) > 0 && prov.Verify != provider.NoKey:
			// A server that needs no key gets one only when the variable
			// is set; a provider that needs one is missing it.
			h.KeyEnv, keySrc.Value, keySrc.Origin = keys[0], keys[0], "no api_key: LiteLLM's fallback variable"
		default:
			keySrc.Value, keySrc.Origin = "(none)", "no api_key"
		}
		keySrc.Pos = h.KeyEnvPos
	}
	if mismatch && h.KeyEnv != "" {
		// Never send a provider's key to another provider's host.
		keySrc.Value += " (not sent: api_base is another provider's host)"
		h.KeyEnv = ""
	}
	b.source(keySrc)
	return h, true
}

func orNone(s string) string {
	if s == "" {
		return "no URL at all"
	}
	return s
}

// defaultBase is the base URL LiteLLM uses without api_base: the
// provider's base variable when set where the proxy runs, else its default.
func (b *builder) defaultBase(p *provider.Spec, penv func(string) (string, bool)) (string, string) {
	if v := p.LiteLLM.BaseVar; v != "" {
		if val, ok := penv(v); ok && val != "" {
			return val, "env " + v
		}
	}
	base := p.DefaultBase(func(v string) string { s, _ := penv(v); return s })
	if base == "" {
		return "", ""
	}
	return base, "default (no api_base)"
}

func (b *builder) firstSet(vars []string) string {
	for _, v := range vars {
		if _, ok := b.jobVar(v); ok {
			return v
		}
	}
	return ""
}

// hopName names the upstream hop: the provider type, or the LiteLLM
// provider prefix for OpenAI-compatible servers; never the proxy's name.
func hopName(pname string, t chain.HopType, proxy string) string {
	name := string(t)
	if t == provider.OpenAICompatible && pname != "" && pname != "openai" {
		name = sanitizeName(pname)
	}
	if name == proxy {
		name += "-upstream"
	}
	return name
}

// keyPrefixRE matches the public prefixes of provider keys.
var keyPrefixRE = regexp.MustCompile(`^(sk-|sk-or-|sk-ant-|gsk_|AIza|xai-|pk-|rk-|ghp_|hf_)`)

// secretLike reports whether a literal could be a real credential.
func secretLike(v string) bool {
	v = strings.TrimSpace(v)
	if provider.IsPlaceholder(v) || strings.ContainsAny(v, " \t") {
		return false
	}
	if keyPrefixRE.MatchString(v) {
		return len(v) >= 20
	}
	return len(v) >= 24
}

// keyish reports whether a variable name suggests a credential.
func keyish(name string) bool {
	u := strings.ToUpper(name)
	for _, s := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"} {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}
