package litellm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// Judge reports what is wrong with the config as a whole: the master key
// (absent, unset, or a literal committed), environment_variables
// references, literal secrets in environment_variables and model groups
// whose deployments use different credentials.
func (d *Deriver) Judge() *Result {
	res := &Result{}
	cfg := d.cfg
	mk := cfg.MasterKey
	switch {
	case !mk.Set || mk.Value == "":
		if !d.hasMasterKeyEntry() {
			if d.judgeSettingsMasterKey(res) {
				break
			}
			if _, ok := d.jobVar("LITELLM_MASTER_KEY"); ok {
				// LiteLLM's own fallback: the proxy is not open.
				break
			}
		}
		pos := mk.Pos
		if pos.IsZero() {
			pos = cfg.Sections["general_settings"]
		}
		if pos.IsZero() {
			pos = chain.Pos{File: cfg.File}
		}
		res.finding((&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ProxyOpen, Severity: finding.SevWarning,
			Message: fmt.Sprintf("%s sets no general_settings.master_key and LITELLM_MASTER_KEY is unset in this job: the LiteLLM proxy accepts every request and spends the upstream keys for anyone who can reach it.", cfg.File),
			Fix:     "Add general_settings: master_key: os.environ/LITELLM_MASTER_KEY and set that secret where the proxy runs and in the CI job."}).At(pos))
	case mk.Ref() != "":
		if v, _, _ := Resolve(mk.Value, d.penv); v == "" {
			res.finding((&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ProxyOpen, Severity: finding.SevWarning,
				Message: fmt.Sprintf("master_key reads %s, which is unset or empty in this job: LiteLLM resolves it to None without an error and runs with no authentication (BerriAI/litellm#1851).", mk.Ref()),
				Fix:     fmt.Sprintf("Set %s where the proxy runs (env: %s: ${{ secrets.%s }}).", mk.Ref(), mk.Ref(), mk.Ref())}).At(mk.Pos))
		}
	default:
		d.judgeMasterKey(res, mk)
	}
	for _, ev := range cfg.EnvironmentVariables {
		if ref := ev.Value.Ref(); ref != "" {
			if _, ok := d.jobVar(ref); !ok {
				res.finding((&finding.Finding{Check: "litellm.env", Hop: "litellm", Cause: finding.CredentialMissing, Severity: finding.SevNotice,
					Message: fmt.Sprintf("environment_variables.%s reads %s, which is unset or empty in this job; LiteLLM sets %s to an empty value.", ev.Name, ref, ev.Name),
					Fix:     fmt.Sprintf("Set %s where the proxy runs, or drop the entry.", ref)}).At(ev.Value.Pos))
			}
			continue
		}
		if provider.NamesCredential(ev.Name) || d.keyRefs()[ev.Name] {
			judgeCommitted(res, cfg.File, "environment_variables."+ev.Name, ev.Value.Value, ev.Value.Pos, "litellm", nil)
		}
	}
	for _, cr := range cfg.Credentials {
		for _, k := range sortedKeys(cr.Values) {
			v := cr.Values[k]
			if v.Ref() == "" && v.Value != "" && provider.NamesCredential(k) {
				judgeCommitted(res, cfg.File, "credential_list "+cr.Name.Value+" "+k, v.Value, v.Pos, "litellm", nil)
			}
		}
	}
	d.duplicateGroups(res)
	return res
}

// judgeSettingsMasterKey reports a master_key written under
// litellm_settings, where LiteLLM's proxy does not look for it (it reads
// general_settings.master_key, else LITELLM_MASTER_KEY). It reports
// whether it judged the proxy's protection (true: the caller adds no
// finding of its own).
func (d *Deriver) judgeSettingsMasterKey(res *Result) bool {
	sk := d.cfg.SettingsMasterKey
	if !sk.Set || sk.Value == "" {
		return false
	}
	if sk.Ref() == "" {
		judgeCommitted(res, d.cfg.File, "litellm_settings.master_key", sk.Value, sk.Pos, "litellm", nil)
	}
	if _, ok := d.jobVar("LITELLM_MASTER_KEY"); ok {
		res.finding((&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
			Message: "master_key is written under litellm_settings, where LiteLLM's proxy does not read it; the proxy is protected only because LITELLM_MASTER_KEY is set where it runs (LiteLLM's fallback when general_settings.master_key is absent).",
			Fix:     "Move master_key under general_settings (general_settings: master_key: os.environ/LITELLM_MASTER_KEY)."}).At(sk.Pos))
		return true
	}
	res.finding((&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ProxyOpen, Severity: finding.SevWarning,
		Message: fmt.Sprintf("master_key is written under litellm_settings, where LiteLLM's proxy does not read it; %s sets no general_settings.master_key and LITELLM_MASTER_KEY is unset in this job, so the proxy accepts every request and spends the upstream keys for anyone who can reach it.", d.cfg.File),
		Fix:     "Move master_key under general_settings (general_settings: master_key: os.environ/LITELLM_MASTER_KEY) and set that secret where the proxy runs and in the CI job."}).At(sk.Pos))
	return true
}

// keyRefs are the variables the config reads as credentials (api_key of a
// deployment or credential, master_key).
func (d *Deriver) keyRefs() map[string]bool {
	out := map[string]bool{}
	add := func(v Value) {
		if r := v.Ref(); r != "" {
			out[r] = true
		}
	}
	add(d.cfg.MasterKey)
	for _, dep := range d.cfg.ModelList {
		add(dep.APIKey)
	}
	for _, cr := range d.cfg.Credentials {
		add(cr.Values["api_key"])
	}
	return out
}

// judgeMasterKey reports a literal master key: it is the proxy's own key,
// committed for anyone who reads the repository. A documentation sample
// (sk-1234) or another weak value is a warning (the proxy is as good as
// open); a value that looks like a real key is an error (rotate it).
func (d *Deriver) judgeMasterKey(res *Result, mk Value) {
	v := mk.Value
	if name := shellVar(v); name != "" {
		res.finding((&finding.Finding{Check: "litellm.master_key", Hop: "litellm", Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
			Message: fmt.Sprintf("general_settings.master_key is %q, but LiteLLM does not expand ${…} (it reads os.environ/%s references only): the proxy's key is that text itself, which anyone who reads the repository can send (unless a step renders the file with envsubst first).", v, name),
			Fix:     fmt.Sprintf("Write master_key: os.environ/%s and set %s where the proxy runs and in the CI job.", name, name)}).At(mk.Pos))
		return
	}
	res.secret(v)
	if provider.SecretLike(v) {
		res.finding((&finding.Finding{Check: "litellm.secret", Hop: "litellm", Cause: finding.SecretInConfig, Severity: finding.SevError,
			Message: fmt.Sprintf("general_settings.master_key is a literal key (%s) committed in %s; anyone who can read the repository can call the proxy with it.", secret.Fingerprint(v), d.cfg.File),
			Fix:     "Rotate the key, then write master_key: os.environ/LITELLM_MASTER_KEY and set that secret where the proxy runs and in the CI job."}).At(mk.Pos))
		return
	}
	res.finding((&finding.Finding{Check: "litellm.secret", Hop: "litellm", Cause: finding.SecretInConfig, Severity: finding.SevWarning,
		Message: fmt.Sprintf("general_settings.master_key is the weak literal %s committed in %s: clients send it as the proxy key, so anyone who can read the repository (or guess a documentation sample) can use the proxy.", secret.Fingerprint(v), d.cfg.File),
		Fix:     "Write master_key: os.environ/LITELLM_MASTER_KEY and set a long random secret where the proxy runs and in the CI job."}).At(mk.Pos))
}

// judgeCommitted reports a credential written into the file. Values that
// cannot be a real key (placeholders, short strings) are a warning; the
// rest an error, since the key must be considered leaked.
func judgeCommitted(res *Result, file, what, v string, pos chain.Pos, hop string, link *chain.Link) {
	if v == "" || provider.IsPlaceholder(v) {
		return
	}
	res.secret(v)
	f := &finding.Finding{Check: "litellm.secret", Hop: hop, Link: link, Cause: finding.SecretInConfig, Severity: finding.SevError,
		Message: fmt.Sprintf("%s is a literal credential (%s) committed in %s; anyone who can read the repository can use it.", what, secret.Fingerprint(v), file),
		Fix:     "Rotate the key, then reference it from the environment (os.environ/VAR) and set VAR where the proxy runs."}
	if !provider.SecretLike(v) {
		f.Severity = finding.SevWarning
		f.Message = fmt.Sprintf("%s is written into %s as a literal value (%s) instead of an os.environ/ reference.", what, file, secret.Fingerprint(v))
		f.Fix = "Reference the credential from the environment (os.environ/VAR) and set VAR where the proxy runs."
	}
	res.finding(f.At(pos))
}

// dummy reports whether a literal key of route rt, sent to url, is a
// stand-in rather than a credential: a documented dummy of a server that
// checks no key, or any value that cannot be a real key sent to a host no
// known provider owns (a local server, a CI service container, a mock
// endpoint). A provider's official host checks keys, so there nothing is a
// dummy.
func (d *Deriver) dummy(rt route, url, v string) bool {
	if rt.prov != nil && rt.prov.IsDummyKey(v) {
		return true
	}
	h := hostOf(url)
	if h == "" {
		return false
	}
	if _, official := provider.ByHost(h); official {
		return false
	}
	if _, ok := provider.DummyKeyOf(v); ok {
		return true
	}
	return !provider.SecretLike(v)
}

// judgeLiteral judges a literal credential of a route, the same way for
// every provider: a dummy for a server that checks no key is nothing; a
// placeholder means the route cannot work (an error, not a secret); any
// other value is a secret committed in the file.
func (d *Deriver) judgeLiteral(res *Result, rt route, chainName, what, v string, pos chain.Pos, h *chain.Hop, link *chain.Link) {
	if v == "" || d.dummy(rt, h.URL, v) {
		return
	}
	if provider.IsPlaceholder(v) {
		res.finding((&finding.Finding{Check: "litellm.api_key", Chain: chainName, Hop: h.Name, Link: link, Cause: finding.CredentialMalformed, Severity: finding.SevError,
			Message: fmt.Sprintf("%s is the placeholder %q, not a key: LiteLLM sends it as written and %s rejects it, so this route cannot work until it is replaced.", what, v, hostDisplay(rt, h.URL)),
			Fix:     fmt.Sprintf("Write api_key: os.environ/%s and set that variable where the proxy runs.", suggestVar(rt))}).At(pos))
		return
	}
	judgeCommitted(res, d.cfg.File, what, v, pos, h.Name, link)
}

// judgeShellVar reports a credential written as ${VAR}: LiteLLM expands
// only os.environ/VAR, so it sends the text itself and the upstream
// refuses it, unless a step renders the file (envsubst) before LiteLLM
// reads it.
func judgeShellVar(res *Result, rt route, chainName, what, v, name string, pos chain.Pos, h *chain.Hop, link *chain.Link) {
	res.finding((&finding.Finding{Check: "litellm.api_key", Chain: chainName, Hop: h.Name, Link: link, Cause: finding.CredentialMalformed, Severity: finding.SevError,
		Message: fmt.Sprintf("%s is %q, but LiteLLM does not expand ${…}: it reads os.environ/%s references only, so it sends the text %q as the key and %s rejects it (unless a step renders the file with envsubst before LiteLLM reads it).", what, v, name, v, hostDisplay(rt, h.URL)),
		Fix:     fmt.Sprintf("Write api_key: os.environ/%s and set %s where the proxy runs.", name, name)}).At(pos))
}

func hostDisplay(rt route, url string) string {
	if s, ok := provider.ByHost(hostOf(url)); ok {
		return s.Name
	}
	if rt.prov != nil {
		return rt.prov.Name
	}
	return "the upstream"
}

func suggestVar(rt route) string {
	if rt.prov != nil {
		if k := primaryKeyVar(rt.prov); k != "" {
			return k
		}
	}
	return "UPSTREAM_API_KEY"
}

// primaryKeyVar is the variable to name when a route's key is missing: the
// first of LiteLLM's fallback variables that is also the provider's
// conventional one (MISTRAL_API_KEY rather than LiteLLM's first pick
// MISTRAL_AZURE_API_KEY), else LiteLLM's first.
func primaryKeyVar(p *provider.Spec) string {
	keys := p.LiteLLMKeyVars()
	for _, k := range keys {
		if slices.Contains(p.KeyVars, k) {
			return k
		}
	}
	if len(keys) > 0 {
		return keys[0]
	}
	return ""
}

// judgeKeyHost explains where LiteLLM sends a provider's key: a
// conventional key variable of a provider whose keys are pinned to its
// official hosts, sent by this route to a host that is not one of them
// (an openai/ route with a custom api_base and no api_key of its own
// falls back to OPENAI_API_KEY). hopcheck never sends the key there (the
// engine's key pinning refuses); the finding says why and what to change.
func (d *Deriver) judgeKeyHost(res *Result, rt route, c *chain.Chain, h *chain.Hop, link chain.Link, v string, implicit bool) {
	host := hostOf(h.URL)
	if host == "" || !trust.PublicHost(host) {
		// On a private host the engine's key pinning refuses the key
		// (host-not-allowed, with the allowance to add): it is a
		// provider's variable whatever the route's type.
		return
	}
	var owner *provider.Spec
	for _, s := range provider.ByKeyVar(v) {
		if s.Pinned() {
			owner = s
			break
		}
	}
	if owner == nil || owner.OwnsHost(host) {
		return
	}
	how := fmt.Sprintf("api_key reads %s", v)
	if implicit {
		how = fmt.Sprintf("the route has no api_key, so LiteLLM falls back to %s", v)
	}
	res.finding((&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.HostNotAllowed, Severity: finding.SevWarning,
		Message: fmt.Sprintf("model %q: %s, %s's key, and sends it to %s, which is not a %s host. hopcheck never sends %s there (a provider's key goes only to its official hosts), so this hop is checked through the proxy only.",
			rt.dep.Model.Value, how, owner.Name, host, owner.Name, v),
		Fix: fmt.Sprintf("Give the route the key of the server at %s (api_key: os.environ/ITS_KEY), or remove api_base so LiteLLM calls %s; if %s is yours and should get %s, allow it from outside the repository (--allow-host %s).",
			host, owner.Name, host, v, host)}).At(h.URLPos))
}

func judgeKeyFallback(res *Result, c *chain.Chain, hop string, link chain.Link, v, fb string, pos chain.Pos) {
	res.finding((&finding.Finding{Check: "litellm.api_key", Chain: c.Name, Hop: hop, Link: &link, Cause: finding.CredentialMissing, Severity: finding.SevWarning,
		Message: fmt.Sprintf("api_key reads %s, which is unset or empty in this job; LiteLLM falls back to %s, so the proxy uses that key instead.", v, fb),
		Fix:     fmt.Sprintf("Set %s where the proxy runs, or reference %s directly.", v, fb)}).At(pos))
}

// apiBaseUnset reports an api_base reference to an unset variable. With a
// fallback LiteLLM calls instead, it is a warning (the fallback is what
// gets checked), as an unset api_key with a fallback variable is; without
// one the route has no endpoint at all, an error as an unset api_key is,
// and the only finding about it: the engine says nothing more of the hop's
// empty URL (checks.Options.Findings).
func apiBaseUnset(c *chain.Chain, ref, fallback string, pos chain.Pos) *finding.Finding {
	if fallback == "" {
		return (&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Cause: finding.WrongEndpoint, Severity: finding.SevError,
			Message: fmt.Sprintf("api_base reads %s, which is unset or empty in this job, so LiteLLM has no endpoint for this route at all.", ref),
			Fix:     fmt.Sprintf("Set %s where the proxy runs (its config reads it) and in this job's env, or write the URL into api_base.", ref)}).At(pos)
	}
	return (&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Cause: finding.WrongEndpoint, Severity: finding.SevWarning,
		Message: fmt.Sprintf("api_base reads %s, which is unset or empty in this job; LiteLLM then silently calls %s instead (BerriAI/litellm#6332).", ref, fallback),
		Fix:     fmt.Sprintf("Set %s where the proxy runs, or write the URL into api_base.", ref)}).At(pos)
}

// vertexLocationInvalid reports a Vertex AI location that is not a
// Google Cloud location (an AWS region such as us-east-1 copied into
// vertex_location): LiteLLM builds the host from it, and that host does
// not exist.
func vertexLocationInvalid(c *chain.Chain, loc, from, url string, pos chain.Pos) *finding.Finding {
	return (&finding.Finding{Check: "litellm.vertex_location", Chain: c.Name, Cause: finding.WrongEndpoint, Severity: finding.SevError,
		Message: fmt.Sprintf("the Vertex AI location %q (%s) is not a Google Cloud location (they look like us-central1, europe-west4 or global); LiteLLM calls %s, which does not exist.", loc, from, url),
		Fix:     "Set vertex_location to the Google Cloud region the model is deployed in (e.g. us-east5 or global)."}).At(pos)
}

func judgeNoBase(res *Result, c *chain.Chain, h chain.Hop, link chain.Link, rt route, at chain.Pos) {
	pos := h.URLPos
	if pos.IsZero() {
		pos = at
	}
	vars := ""
	if v := rt.prov.LiteLLM.BaseVar; v != "" {
		vars = " and " + v + " is unset"
	}
	res.finding((&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.WrongEndpoint, Severity: finding.SevError,
		Message: fmt.Sprintf("model %q (%s) has no api_base%s; %s has no default endpoint, so LiteLLM cannot call it.", rt.dep.Model.Value, rt.prov.Name, vars, rt.prov.Name),
		Fix:     "Set litellm_params.api_base (e.g. os.environ/" + cmpOr(rt.prov.LiteLLM.BaseVar, "API_BASE") + ") to the endpoint of your resource."}).At(pos))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func judgeWrongProvider(res *Result, c *chain.Chain, h chain.Hop, link chain.Link, rt route, host, keyOwner *provider.Spec) {
	if keyOwner == host {
		// A model of one provider served by another with that provider's
		// own key (Claude on Azure AI Foundry with AZURE_API_KEY): a real
		// setup, whose API hopcheck does not model.
		res.finding((&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.NotVerified, Severity: finding.SevNotice,
			Message: fmt.Sprintf("model %q has the %s/ prefix but is served by %s at %s with %s's key (%s); hopcheck does not check %s's API on %s's hosts, so the route is checked through the proxy only.",
				rt.dep.Model.Value, rt.prefix, host.Name, hostOf(h.URL), host.Name, h.KeyEnv, rt.prov.Name, host.Name),
			Fix: "Nothing to fix in the config; the canary through the proxy verifies the route."}).At(h.URLPos))
		return
	}
	res.finding((&finding.Finding{Check: "litellm.api_base", Chain: c.Name, Hop: h.Name, Link: &link, Cause: finding.WrongEndpoint, Severity: finding.SevError,
		Message: fmt.Sprintf("model %q has the %s/ prefix, but api_base points at %s (%s's API): LiteLLM sends the request and the %s key to the wrong provider.",
			rt.dep.Model.Value, rt.prefix, hostOf(h.URL), host.Name, rt.prefix),
		Fix: fmt.Sprintf("Remove api_base (LiteLLM then uses %s) or change the model prefix to the provider at that URL.", orNone(rt.prov.BaseURL))}).At(h.URLPos))
}

func judgeVersionUnset(res *Result, c *chain.Chain, hop string, link chain.Link, v Value) {
	res.finding((&finding.Finding{Check: "litellm.api_version", Chain: c.Name, Hop: hop, Link: &link, Cause: finding.WrongEndpoint, Severity: finding.SevWarning,
		Message: fmt.Sprintf("api_version reads %s, which is unset or empty in this job; LiteLLM then uses AZURE_API_VERSION or its own default, which the deployment may not support.", v.Ref()),
		Fix:     fmt.Sprintf("Set %s where the proxy runs, or write the version into api_version.", v.Ref())}).At(v.Pos))
}

func judgeMissingCredential(res *Result, c *chain.Chain, hop string, dep Deployment) {
	res.finding((&finding.Finding{Check: "litellm.credential", Chain: c.Name, Hop: hop, Cause: finding.CredentialMissing, Severity: finding.SevError,
		Message: fmt.Sprintf("litellm_credential_name %q names no credential_list entry; LiteLLM calls model %q without the key, base and version it was meant to supply.", dep.Credential.Value, dep.Model.Value),
		Fix:     "Add a credential_list entry with that credential_name, or fix the name."}).At(dep.Credential.Pos))
}

// judgeAmbient notes a route whose provider signs with credentials the
// proxy's runtime supplies (an AWS profile or role, Google Application
// Default Credentials) and the job does not hold: hopcheck cannot check
// that hop on its own.
func judgeAmbient(res *Result, c *chain.Chain, hop string, link chain.Link, rt route, keys []string, pos chain.Pos) {
	res.finding((&finding.Finding{Check: "litellm.api_key", Chain: c.Name, Hop: hop, Link: &link, Cause: finding.NotVerified, Severity: finding.SevNotice,
		Message: fmt.Sprintf("model %q has no api_key: LiteLLM signs %s requests with the credentials of the proxy's runtime (%s, a profile or a role); this job holds none of them, so hopcheck cannot check %s's key on its own.",
			rt.dep.Model.Value, rt.prov.Name, strings.Join(keys, ", "), rt.prov.Name),
		Fix: fmt.Sprintf("Give the CI job the same credentials (%s) so hopcheck can check them, or rely on the canary through the proxy.", strings.Join(keys, ", "))}).At(pos))
}

// judgeVertexCredentialsUnset notes a vertex_credentials reference the job
// leaves unset: LiteLLM then signs with the Application Default
// Credentials of the proxy's runtime, if it has any.
func judgeVertexCredentialsUnset(res *Result, c *chain.Chain, hop string, link chain.Link, rt route, param, v string, pos chain.Pos) {
	res.finding((&finding.Finding{Check: "litellm.api_key", Chain: c.Name, Hop: hop, Link: &link, Cause: finding.NotVerified, Severity: finding.SevNotice,
		Message: fmt.Sprintf("model %q: %s reads %s, which is unset or empty in this job; LiteLLM then uses VERTEXAI_CREDENTIALS or the Application Default Credentials of the proxy's runtime (GOOGLE_APPLICATION_CREDENTIALS, a metadata server), and fails if there are none.", rt.dep.Model.Value, param, v),
		Fix:     fmt.Sprintf("Set %s where the proxy runs (the service-account JSON or the path of its file).", v)}).At(pos))
}

// judgeCommittedServiceAccount reports a service-account key written into
// the file: its private key signs tokens for the whole project.
func judgeCommittedServiceAccount(res *Result, file string, rt route, param string, v Value, hop string, link *chain.Link) {
	res.secret(v.Value)
	res.finding((&finding.Finding{Check: "litellm.secret", Hop: hop, Link: link, Cause: finding.SecretInConfig, Severity: finding.SevError,
		Message: fmt.Sprintf("%s of model_name %s is a service-account key with its private key (%s) committed in %s; anyone who can read the repository can act as that service account.", param, rt.dep.ModelName.Value, secret.Fingerprint(v.Value), file),
		Fix:     "Delete the key in Google Cloud, then write " + param + ": os.environ/VERTEXAI_CREDENTIALS and set that secret where the proxy runs."}).At(v.Pos))
}

// judgeUnmodelled explains a route hopcheck derives no upstream hop for: a
// LiteLLM provider hopcheck does not model (checked through the proxy
// only), a prefix LiteLLM does not know (the route cannot work), or a bare
// model name whose provider LiteLLM guesses.
func judgeUnmodelled(res *Result, c *chain.Chain, proxy string, rt route, at chain.Pos) {
	m := rt.dep.Model.Value
	f := &finding.Finding{Check: "litellm.provider", Chain: c.Name, Hop: proxy, Cause: finding.NotVerified, Severity: finding.SevNotice}
	switch {
	case rt.wildcard && (m == "*" || m == ""):
		f.Message = fmt.Sprintf("model_name %q is a catch-all route: LiteLLM infers the provider from whatever model a client asks for and uses that provider's default key, so which keys the proxy needs cannot be known from the file.", rt.dep.ModelName.Value)
		f.Fix = "Name the models your CI uses (model_list entries with a provider prefix), or a chain in hopcheck.yml."
	case m == "":
		f.Cause, f.Severity = finding.ConfigInvalid, finding.SevError
		f.Message = fmt.Sprintf("model_name %q has no litellm_params.model; LiteLLM cannot route it.", rt.dep.ModelName.Value)
		f.Fix = "Add litellm_params.model with a provider prefix (e.g. openrouter/anthropic/claude-sonnet-4.5)."
	case rt.prefix == "":
		f.Message = fmt.Sprintf("model %q has no provider prefix; LiteLLM guesses the provider from the name, and hopcheck cannot tell which, so the route is checked through the proxy only.", m)
		f.Fix = "Write the provider prefix LiteLLM should use (openai/, anthropic/, openrouter/, …)."
	case rt.known:
		f.Message = fmt.Sprintf("model %q uses LiteLLM's provider %s, which hopcheck does not model; the route is checked through the proxy only (a static run leaves it unverified).", m, rt.prefix)
		f.Fix = "Nothing to fix in the config; the canary through the proxy verifies the route."
	case rt.custom:
		f.Message = fmt.Sprintf("model %q uses %s, a custom provider litellm_settings.custom_provider_map registers (a handler in the proxy's own code); hopcheck checks the route through the proxy only (a static run leaves it unverified).", m, rt.prefix)
		f.Fix = "Nothing to fix in the config; the canary through the proxy verifies the route."
	default:
		f.Cause, f.Severity = finding.ConfigInvalid, finding.SevWarning
		f.Message = fmt.Sprintf("model %q starts with %q, which is neither a provider LiteLLM knows nor one litellm_settings.custom_provider_map registers (LiteLLM: \"LLM Provider NOT provided\"); unless the proxy registers it in code, the route cannot be resolved and requests for %q fail.", m, rt.prefix+"/", rt.dep.ModelName.Value)
		if s := similarPrefix(rt.prefix); s != "" {
			f.Message += fmt.Sprintf(" Did you mean %s/?", s)
		}
		f.Fix = "Use a LiteLLM provider prefix (https://docs.litellm.ai/docs/providers), e.g. mistral/ for Mistral or zai/ for Zhipu."
	}
	res.finding(f.At(at))
}

// judgeUnsetRefs reports the api_key and api_base references of a route
// hopcheck derives no upstream hop for (a LiteLLM provider it does not
// model) that the job leaves unset: whatever that provider's API, LiteLLM
// calls it without the key or without the endpoint the file names.
func (d *Deriver) judgeUnsetRefs(res *Result, c *chain.Chain, proxy string, rt route) {
	for _, p := range []struct {
		what  string
		v     Value
		cause finding.Cause
		then  string
	}{
		{"api_key", rt.key, finding.CredentialMissing, "LiteLLM resolves it to nothing and calls the provider without that key (or with the provider's own variable, where it reads one)"},
		{"api_base", rt.base, finding.WrongEndpoint, "LiteLLM has no endpoint for this route (or uses the provider's default)"},
	} {
		ref := p.v.Ref()
		if ref == "" {
			continue
		}
		name, lit := d.follow(ref)
		if lit != nil {
			continue
		}
		if _, ok := d.jobVar(name); ok {
			continue
		}
		res.finding((&finding.Finding{Check: "litellm." + p.what, Chain: c.Name, Hop: proxy, Cause: p.cause, Severity: finding.SevWarning,
			Message: fmt.Sprintf("model %q: %s reads %s, which is unset or empty in this job; %s.", rt.dep.Model.Value, p.what, name, p.then),
			Fix:     fmt.Sprintf("Set %s where the proxy runs.", name)}).At(p.v.Pos))
	}
}

// similarPrefix suggests the registry's LiteLLM prefix a mistyped one
// most likely means (zhipu → zai is a name, not a typo; only shared
// stems are suggested).
func similarPrefix(p string) string {
	p = strings.ToLower(p)
	for _, s := range provider.All() {
		for _, q := range s.LiteLLM.Prefixes {
			if len(q) >= 4 && (strings.HasPrefix(p, q) || strings.HasPrefix(q, p)) {
				return q
			}
		}
	}
	return ""
}

// judgeTemplate reports a route left as in the example it was copied from.
func judgeTemplate(res *Result, c *chain.Chain, proxy string, rt route, what string, pos chain.Pos) {
	res.finding((&finding.Finding{Check: "litellm.template", Chain: c.Name, Hop: proxy, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
		Message: fmt.Sprintf("model_name %q is a template route: %s, so it cannot reach a real server until it is filled in; hopcheck derives no hop behind the proxy for it.", rt.dep.ModelName.Value, what),
		Fix:     "Fill in the model id and api_base of your server, or remove the entry."}).At(pos))
}

// judgeKind explains the canary of a model that is not a chat model.
func judgeKind(res *Result, c *chain.Chain, rt route) {
	at := rt.dep.Mode.Pos
	if at.IsZero() {
		at = rt.dep.Model.Pos
	}
	if rt.kind == "embedding" {
		res.finding((&finding.Finding{Check: "litellm.mode", Chain: c.Name, Hop: "litellm", Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("model_name %q is an embedding model (%s), which refuses a chat completion; hopcheck checks the chain with one embeddings call through the proxy instead.", rt.dep.ModelName.Value, rt.kindFrom),
			Fix:     "Nothing to fix; if the model is a chat model, set model_info.mode: chat."}).At(at))
		return
	}
	what := map[string]string{"image": "an image model", "audio": "an audio model", "other": "not a chat model"}[rt.kind]
	res.finding((&finding.Finding{Check: "litellm.mode", Chain: c.Name, Hop: "litellm", Cause: finding.NotVerified, Severity: finding.SevNotice,
		Message: fmt.Sprintf("model_name %q is %s (%s), which refuses a chat completion; hopcheck checks the chain with the auth-only canary (keys and the proxy's model list), so the model itself stays unverified.", rt.dep.ModelName.Value, what, rt.kindFrom),
		Fix:     "Nothing to fix in the config; a chat model of the same proxy verifies the keys end to end."}).At(at))
}

// duplicateGroups warns about model groups whose deployments call the same
// endpoint with different credentials: LiteLLM load-balances between them,
// so a wrong one fails a share of the requests. Deployments on different
// providers or endpoints (two Azure regions, OpenAI and OpenRouter) need
// different keys; each gets a chain of its own and is checked on its own.
func (d *Deriver) duplicateGroups(res *Result) {
	first := map[string][]Deployment{}
	for _, dep := range d.cfg.ModelList {
		if !dep.ModelName.Set {
			continue
		}
		name := dep.ModelName.Value
		var f Deployment
		same := false
		for _, o := range first[name] {
			if d.sameEndpoint(o, dep) {
				f, same = o, true
				break
			}
		}
		first[name] = append(first[name], dep)
		if !same || f.APIKey.Value == dep.APIKey.Value {
			continue
		}
		pos := dep.APIKey.Pos
		if pos.IsZero() {
			pos = dep.Pos
		}
		res.finding((&finding.Finding{Check: "litellm.duplicate", Hop: "litellm", Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
			Message: fmt.Sprintf("model_name %q is also defined at %s with a different credential (%s there, %s here); LiteLLM load-balances between the entries, so if one key is wrong a share of the requests fails.",
				name, f.Pos, describeKey(f.APIKey), describeKey(dep.APIKey)),
			Fix: "Give both entries the same api_key reference, or different model_names."}).At(pos))
	}
}

// sameEndpoint reports whether two deployments reach the same provider at
// the same api_base (as written), so that the same key should work on both.
func (d *Deriver) sameEndpoint(a, b Deployment) bool {
	ra, rb := d.route(a), d.route(b)
	return strings.EqualFold(ra.prefix, rb.prefix) && ra.base.Value == rb.base.Value
}

// describeKey shows an api_key value without revealing it.
func describeKey(v Value) string {
	switch {
	case !v.Set || v.Value == "":
		return "no api_key"
	case v.Ref() != "":
		return v.Value
	}
	return "literal " + secret.Fingerprint(v.Value)
}

func sortedKeys(m map[string]Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// liteLLMProviders are LiteLLM's provider prefixes (its LlmProviders enum,
// https://github.com/BerriAI/litellm/blob/main/litellm/types/utils.py, and
// the providers of https://docs.litellm.ai/docs/providers) that the
// registry does not model. A route with one of them is a real route that
// hopcheck checks through the proxy only; a prefix in neither list is not a
// LiteLLM provider at all.
var liteLLMProviders = []string{
	"text-completion-openai", "clarifai", "anthropic_text", "replicate", "huggingface", "datarobot",
	"palm", "ai21", "ai21_chat", "baseten", "azure_text", "azure_ai", "sagemaker", "sagemaker_chat", "vllm",
	"nlp_cloud", "petals", "oobabooga", "deepinfra", "volcengine", "codestral", "text-completion-codestral",
	"sambanova", "maritalk", "voyage", "cloudflare", "xinference", "friendliai", "featherless_ai", "watsonx",
	"watsonx_text", "triton", "predibase", "databricks", "empower", "github", "custom", "litellm_proxy",
	"llamafile", "galadriel", "nebius", "infinity", "deepgram", "novita", "aiohttp_openai", "topaz",
	"assemblyai", "snowflake", "meta_llama", "nscale", "jina_ai", "bytez", "runwayml", "milvus", "anyscale",
	"dashscope", "github_copilot", "elevenlabs", "hyperbolic", "lambda_ai", "oci", "ovhcloud",
	"vercel_ai_gateway", "wandb", "heroku", "gradient_ai", "fal_ai", "recraft", "morph", "v0", "amazon_nova",
}

func isLiteLLMProvider(p string) bool {
	return p != "" && slices.Contains(liteLLMProviders, strings.ToLower(p))
}
