// Package checks runs hopcheck's static and live checks over a chain and
// attributes a failure to a hop and a link. Checks never print: they return
// findings, and the report package renders them.
package checks

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// credState is what the job holds for one hop's key_env.
type credState struct {
	env   string
	value string
	set   bool // present and non-empty
	// companions are the values of the spec's companion variables that
	// are set (signing material that goes with the key).
	companions map[string]string
}

func (c credState) fingerprint() string {
	if !c.set {
		return ""
	}
	return secret.Fingerprint(c.value)
}

// credentialProblem returns a malformed-credential finding message and
// whether it is an error (request not sent) or only a warning. s is the
// spec of the API the credential is sent to.
func credentialProblem(s *provider.Spec, h chain.Hop, v string) (msg string, fatal bool) {
	fp := secret.Fingerprint(strings.TrimSpace(v))
	name := h.KeyEnv
	trimmed := strings.TrimSpace(v)
	switch {
	case strings.ContainsAny(trimmed, "\r\n"):
		return fmt.Sprintf("%s (%s) contains a line break inside the value; HTTP clients refuse such a header.", name, fp), true
	case trimmed != v && strings.ContainsAny(v, "\r\n"):
		return fmt.Sprintf("%s (%s) ends with a newline (CR/LF); Go, Node and Python clients refuse to send it, others send a key that does not match.", name, fp), true
	case trimmed != v:
		return fmt.Sprintf("%s (%s) has leading or trailing whitespace.", name, fp), true
	case len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]:
		return fmt.Sprintf("%s (%s) is wrapped in quotes; the quotes become part of the key.", name, fp), true
	case strings.HasPrefix(strings.ToLower(v), "bearer "):
		return fmt.Sprintf("%s starts with \"Bearer \"; the client adds that prefix itself, so the header becomes \"Bearer Bearer …\".", name), true
	case provider.IsPlaceholder(v):
		return fmt.Sprintf("%s holds a placeholder (%s), not a key.", name, fp), true
	case strings.ContainsAny(v, " \t"):
		return fmt.Sprintf("%s (%s) contains whitespace inside the value.", name, fp), true
	}
	k := s.Keys
	if len(k.Prefixes) == 0 {
		return "", false
	}
	expect := k.Prefixes[0]
	if owner, ok := provider.OwnerOfKey(v); ok && owner != s && s.Role == provider.Provider {
		return fmt.Sprintf("%s (%s) looks like a %s key, but hop %q is %s, which expects %s….", name, fp, owner.Name, h.Name, s.Name, expect), true
	}
	if !s.HasKeyPrefix(v) {
		if lost := lostPrefix(k.Prefixes, v); lost != "" {
			return fmt.Sprintf("%s (%s) lost the start of its prefix (%q); %s keys start with %s.", name, fp, lost, s.Name, expect), true
		}
		msg := fmt.Sprintf("%s (%s) does not start with %s; %s keys do.", name, fp, expect, s.Name)
		if k.Hint != "" {
			msg = fmt.Sprintf("%s (%s) does not start with %s; %s.", name, fp, expect, k.Hint)
		}
		return msg, k.PrefixRequired
	}
	if k.Pattern != nil && !k.Pattern.MatchString(v) {
		return fmt.Sprintf("%s (%s) does not have the shape of a %s key (%s; this one has %d characters): truncated or mistyped?", name, fp, s.Name, k.Shape, len(v)), false
	}
	return "", false
}

// lostPrefix returns the part of a key prefix that v lost, when v starts
// with the rest of one of prefixes (at least three characters of it, e.g.
// "v1-…" for "sk-or-v1-"), or "".
func lostPrefix(prefixes []string, v string) string {
	for _, p := range prefixes {
		for k := 1; len(p)-k >= 3; k++ {
			if strings.HasPrefix(v, p[k:]) {
				return p[:k]
			}
		}
	}
	return ""
}

// endpointProblem checks a hop's base URL without sending anything; s is
// the spec of the API spoken there.
func endpointProblem(h chain.Hop, s *provider.Spec) (msg string, fatal bool) {
	u, err := url.Parse(h.URL)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("url %q of hop %q cannot be parsed as an absolute URL.", h.URL, h.Name), true
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("url of hop %q uses scheme %q; use http or https.", h.Name, u.Scheme), true
	}
	if u.User != nil {
		return fmt.Sprintf("url of hop %q embeds user info; put credentials in key_env instead.", h.Name), true
	}
	if q := strings.ToLower(u.RawQuery); strings.Contains(q, "key=") || strings.Contains(q, "token=") {
		return fmt.Sprintf("url of hop %q carries a credential in its query string, where logs and proxies record it; put it in key_env (key_header for the header) instead.", h.Name), true
	}
	p := strings.TrimRight(u.Path, "/")
	lp := strings.ToLower(p)
	for _, suffix := range []string{"/chat/completions", "/completions", "/messages", "/responses", "/embeddings"} {
		if strings.HasSuffix(lp, suffix) {
			return fmt.Sprintf("url of hop %q ends with %s; that is an endpoint, not the base URL, so clients call …%s%s.", h.Name, suffix, suffix, suffix), true
		}
	}
	if strings.Contains(lp, "/v1/v1") {
		return fmt.Sprintf("url of hop %q contains /v1/v1.", h.Name), true
	}
	if strings.Contains(u.Path, "//") {
		return fmt.Sprintf("url of hop %q contains an empty path segment (//).", h.Name), true
	}
	host := strings.ToLower(u.Hostname())
	if s.RequiredPath != "" && !strings.HasSuffix(lp, s.RequiredPath) {
		return fmt.Sprintf("url of hop %q does not end with %s; %s's API lives under %s and other paths return an HTML 404.", h.Name, s.RequiredPath, s.Name, s.BaseURL), true
	}
	if s.BaseURL != "" && s.OwnsHost(host) {
		if b, err := url.Parse(s.BaseURL); err == nil {
			roots := append([]string{b.Path}, s.Roots...)
			if !slices.ContainsFunc(roots, func(r string) bool { return strings.EqualFold(s.Root(r), s.Root(p)) }) {
				return fmt.Sprintf("url of hop %q should be %s.", h.Name, s.BaseURL), true
			}
		}
	}
	if u.Scheme == "http" && trust.PublicHost(host) {
		return fmt.Sprintf("url of hop %q sends the credential over plain http to %s; use https.", h.Name, host), true
	}
	return "", false
}

// credLink is the link on which the credential for hop i first travels:
// the link out of its holder (the CI job or the proxy that attaches it).
func credLink(c *chain.Chain, i int) chain.Link {
	return c.LinkInto(holder(c, i) + 1)
}
