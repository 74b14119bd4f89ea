package discover

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// conventionals are the providers a CI job reaches directly through the
// conventional variables of their SDKs: every provider of the registry
// with a default base URL and a key variable.
func conventionals() []*provider.Spec {
	var out []*provider.Spec
	for _, s := range provider.All() {
		if s.Role == provider.Provider && s.BaseURL != "" && len(s.KeyVars) > 0 && s.Verify == provider.Live {
			out = append(out, s)
		}
	}
	return out
}

// conventionalVars lists the variables envChains reads.
func conventionalVars() []string {
	var out []string
	for _, c := range conventionals() {
		out = append(out, c.BaseVars...)
		out = append(out, c.KeyVars...)
	}
	return out
}

// envChains derives a direct chain `ci → provider` for each conventional
// provider the job is set up for (its key or base URL variable is set),
// unless a chain derived from a file already uses that key variable or
// base URL. Such chains have no model: their canary is auth-only (the key
// check), and no position (the values come from the environment).
func (b *builder) envChains() {
	used := map[string]bool{}
	for _, c := range b.cfg.Chains {
		for _, h := range c.Hops {
			if h.KeyEnv != "" {
				used[h.KeyEnv] = true
			}
		}
	}
	for _, lf := range b.liteList {
		if v, ok := strings.CutPrefix(lf.d.Proxy().URLOrigin, "env "); ok {
			used[v] = true
		}
	}
	for _, cv := range conventionals() {
		keyVar := cv.KeyVars[0]
		for _, v := range cv.KeyVars {
			if _, ok := b.jobVar(v); ok {
				keyVar = v
				break
			}
		}
		_, hasKey := b.jobVar(keyVar)
		base, baseVar, hasBase := "", "", false
		for _, v := range cv.BaseVars {
			if val, ok := b.jobVar(v); ok {
				base, baseVar, hasBase = val, v, true
				break
			}
		}
		if used[keyVar] || (hasBase && used[baseVar]) || (!hasKey && !hasBase) {
			continue
		}
		h := chain.Hop{Type: cv.Type, URL: cv.DefaultBase(func(v string) string { s, _ := b.jobVar(v); return s }), KeyEnv: keyVar}
		urlOrigin := "default"
		if hasBase {
			h.URL, urlOrigin = base, "env "+baseVar
			switch s, _ := provider.ByHost(hostOf(base)); {
			case s != nil:
				h.Type = s.Type
			case cv.Type == provider.OpenAI:
				h.Type = provider.OpenAICompatible
			}
		}
		h.Name = string(h.Type)
		h.KeyHeader = provider.For(h.Type).Auth
		c := &chain.Chain{Canary: chain.CanaryAuthOnly, Timeout: chain.DefaultTimeout, Hops: []chain.Hop{h}}
		if !b.addChain(c, string(cv.Type)) {
			return
		}
		b.source(Source{Chain: c.Name, What: "model", Value: "(none: auth-only canary)", Origin: "environment variables only"})
		typeOrigin := "env " + keyVar
		if hasBase {
			typeOrigin = "host of " + baseVar
		}
		b.source(Source{Chain: c.Name, Hop: h.Name, What: "type", Value: string(h.Type), Origin: typeOrigin})
		b.source(Source{Chain: c.Name, Hop: h.Name, What: "url", Value: h.URL, Origin: urlOrigin})
		keyOrigin := "env " + keyVar
		if !hasKey {
			keyOrigin += " (unset: " + baseVar + " is set, so a client expects it)"
		}
		b.source(Source{Chain: c.Name, Hop: h.Name, What: "key_env", Value: keyVar, Origin: keyOrigin})
	}
}

// readDotenv reads one .env file for the shadowing check.
func (b *builder) readDotenv(rel string) {
	data, err := b.read(rel, chain.Pos{})
	if err != nil {
		return // unreadable or huge: not a .env anyone loads
	}
	entries := parseDotenv(rel, data)
	if len(entries) > maxDotenvEntries {
		b.finding(*(&finding.Finding{Check: "discover.dotenv", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
			Message: fmt.Sprintf("%s sets more than %d variables; it was not read.", rel, maxDotenvEntries),
			Fix:     "Keep the variables the CI job needs in the .env file."}).At(entries[maxDotenvEntries].Pos))
		return
	}
	b.addFile(rel)
	b.checkRefs(rel, data)
	for _, e := range entries {
		b.checkDecoded(trust.DecodedRefs(e.Value, e.Pos))
		if provider.NamesCredential(e.Name) {
			b.addSecret(e.Value)
		}
	}
	b.dotenv = append(b.dotenv, dotenvFile{rel: rel, entries: entries})
}

// dotenvShadowing warns about .env values that differ from the job's
// value of the same variable: a tool that loads the file with override
// (docker compose env_file for a service, python-dotenv override=True,
// `set -a; . ./.env`) replaces the CI secret with the file's value. Only
// credentials are compared (a variable named like one, or one a chain
// reads its key from), never a runner variable (which is no credential
// and not the file's to name), and only the assignment a loader keeps (the
// last one of the name): the file cannot test many guesses of a job value
// against it. The job's value is not shown, not even as a fingerprint.
func (b *builder) dotenvShadowing() {
	keys := map[string]bool{}
	for _, c := range b.cfg.Chains {
		for _, h := range c.Hops {
			keys[h.KeyEnv] = true
		}
	}
	for _, df := range b.dotenv {
		last := map[string]int{}
		for k, e := range df.entries {
			last[e.Name] = k
		}
		for k, e := range df.entries {
			if last[e.Name] != k || trust.RunnerVar(e.Name) || !(keys[e.Name] || provider.NamesCredential(e.Name)) {
				continue
			}
			job, ok := b.jobVar(e.Name)
			if !ok || job == e.Value {
				continue
			}
			b.addSecret(e.Value)
			b.finding(*(&finding.Finding{Check: "dotenv.shadow", Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
				Message: fmt.Sprintf("%s sets %s (%s), but this job's %s is different; a tool that loads %s with override (docker compose env_file, python-dotenv override=True, `set -a; . %s`) uses the file's value instead of the CI secret.",
					df.rel, e.Name, secret.Fingerprint(e.Value), e.Name, df.rel, df.rel),
				Fix: fmt.Sprintf("Remove %s from %s (keep it in .env.example without a value) so the CI secret is the only source.", e.Name, df.rel)}).At(e.Pos))
		}
	}
}

// crossCheckModels compares the model a chain asks a LiteLLM proxy for with
// the proxy's model_names, for chains that reach a discovered proxy other
// than through a derived litellm hop (e.g. an OpenClaw provider whose
// baseUrl is the proxy). OpenClaw model refs carry a provider prefix
// (litellm/gpt-4o), so the id without its first segment also counts.
func (b *builder) crossCheckModels() {
	if len(b.liteList) == 0 {
		return
	}
	for _, c := range b.cfg.Chains {
		if c.Model == "" {
			continue
		}
		for i, h := range c.Hops {
			if i == 0 || h.Type == provider.LiteLLM {
				continue
			}
			for _, lf := range b.liteList {
				if !sameEndpoint(h.URL, lf.d.Proxy().URL) {
					continue
				}
				names := lf.d.Config().ModelNames()
				want := []string{c.Model}
				if _, rest, ok := strings.Cut(c.Model, "/"); ok {
					want = append(want, rest)
				}
				if slices.ContainsFunc(want, func(m string) bool { return slices.Contains(names, m) }) {
					continue
				}
				l := c.LinkInto(i)
				b.finding(*(&finding.Finding{Check: "discover.models", Chain: c.Name, Hop: h.Name, Link: &l, Cause: finding.ModelUnavailable, Severity: finding.SevError,
					Message: fmt.Sprintf("chain %s asks the LiteLLM proxy at %s for model %q, but %s defines only %s.", c.Name, h.URL, c.Model, lf.rel, quoteList(names)),
					Fix:     fmt.Sprintf("Use one of the model_name values of %s, or add %q to its model_list.", lf.rel, c.Model)}).At(c.ModelPos))
			}
		}
	}
}

// sameEndpoint reports whether two base URLs reach the same host and port.
func sameEndpoint(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Host == "" {
		return false
	}
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if u.Scheme == "https" {
			return "443"
		}
		return "80"
	}
	host := func(u *url.URL) string {
		h := strings.ToLower(u.Hostname())
		if h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.") {
			return "loopback"
		}
		return h
	}
	return host(ua) == host(ub) && port(ua) == port(ub)
}

func quoteList(s []string) string {
	if len(s) == 0 {
		return "no model_name at all"
	}
	q := make([]string, 0, len(s))
	for i, v := range s {
		if i == 8 {
			q = append(q, fmt.Sprintf("and %d more", len(s)-8))
			break
		}
		q = append(q, fmt.Sprintf("%q", v))
	}
	return strings.Join(q, ", ")
}

func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return u.Hostname()
}
