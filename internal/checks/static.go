// Package checks runs hopcheck's static and live checks over a chain and
// attributes a failure to a hop and a link. Checks never print: they return
// findings, and the report package renders them.
package checks

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// credState is what the job holds for one hop's key_env.
type credState struct {
	env   string
	value string
	set   bool // present and non-empty
}

func (c credState) fingerprint() string {
	if !c.set {
		return ""
	}
	return secret.Fingerprint(c.value)
}

// placeholders are values people leave in secrets and configs instead of a
// key. Matched case-insensitively against the whole trimmed value.
var placeholders = regexp.MustCompile(`(?i)^(changeme|change-me|change_me|replace-?me|todo|xxx+|dummy|test|none|null|undefined|not-needed|your[-_ ]?(api[-_ ]?)?key([-_ ]?here)?|<[^>]*>|\$\{?[A-Z_][A-Z0-9_]*\}?|sk-\.\.\.|sk-or-v1-\.\.\.|sk-x+|sk-or-v1-x+|\.\.\.|\*+)$`)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// keyShape describes the keys a hop type expects, for the shape check.
// Other providers' prefixes are listed so a key in the wrong slot is named.
var providerPrefixes = []struct {
	prefix, provider string
}{
	{"sk-or-", "OpenRouter"},
	{"sk-ant-", "Anthropic"},
	{"sk-proj-", "OpenAI"},
	{"gsk_", "Groq"},
	{"AIza", "Google"},
	{"xai-", "xAI"},
}

func ownerOf(v string) string {
	for _, p := range providerPrefixes {
		if strings.HasPrefix(v, p.prefix) {
			return p.provider
		}
	}
	return ""
}

// credentialProblem returns a malformed-credential finding message and
// whether it is an error (request not sent) or only a warning.
func credentialProblem(t chain.HopType, h chain.Hop, v string) (msg string, fatal bool) {
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
	case placeholders.MatchString(v):
		return fmt.Sprintf("%s holds a placeholder (%s), not a key.", name, fp), true
	case strings.ContainsAny(v, " \t"):
		return fmt.Sprintf("%s (%s) contains whitespace inside the value.", name, fp), true
	}
	owner := ownerOf(v)
	switch t {
	case chain.TypeOpenRouter:
		if owner != "" && owner != "OpenRouter" {
			return fmt.Sprintf("%s (%s) looks like a %s key, but hop %q is OpenRouter, which expects sk-or-v1-….", name, fp, owner, h.Name), true
		}
		if owner == "" && (strings.HasPrefix(v, "v1-") || strings.HasPrefix(v, "or-v1-")) {
			return fmt.Sprintf("%s (%s) lost its \"sk-or-\" prefix; OpenRouter keys start with sk-or-v1-.", name, fp), true
		}
		if owner == "" {
			return fmt.Sprintf("%s (%s) does not start with sk-or-v1-; OpenRouter keys do.", name, fp), true
		}
		if rest, ok := strings.CutPrefix(v, "sk-or-v1-"); ok && !hex64.MatchString(rest) {
			return fmt.Sprintf("%s (%s) has %d characters after sk-or-v1-; OpenRouter keys have 64 hex characters (truncated or mistyped?).", name, fp, len(rest)), false
		}
	case chain.TypeOpenAI:
		if owner != "" && owner != "OpenAI" {
			return fmt.Sprintf("%s (%s) looks like a %s key, but hop %q is OpenAI.", name, fp, owner, h.Name), true
		}
		if !strings.HasPrefix(v, "sk-") {
			return fmt.Sprintf("%s (%s) does not start with sk-; OpenAI keys do.", name, fp), false
		}
	case chain.TypeAnthropic:
		if owner != "" && owner != "Anthropic" {
			return fmt.Sprintf("%s (%s) looks like a %s key, but hop %q is Anthropic, which expects sk-ant-….", name, fp, owner, h.Name), true
		}
		if owner == "" {
			return fmt.Sprintf("%s (%s) does not start with sk-ant-; Anthropic keys do.", name, fp), false
		}
	case chain.TypeLiteLLM:
		if !strings.HasPrefix(v, "sk-") {
			return fmt.Sprintf("%s (%s) does not start with sk-; LiteLLM rejects such keys (\"LiteLLM Virtual Key expected\").", name, fp), true
		}
	}
	return "", false
}

// endpointProblem checks a hop's base URL without sending anything.
func endpointProblem(h chain.Hop, target chain.HopType) (msg string, fatal bool) {
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
	if target == chain.TypeOpenRouter && !strings.HasSuffix(lp, "/api/v1") {
		return fmt.Sprintf("url of hop %q does not end with /api/v1; OpenRouter's API lives under https://openrouter.ai/api/v1 and other paths return an HTML 404.", h.Name), true
	}
	if target == chain.TypeOpenAI && host == "api.openai.com" && lp != "/v1" {
		return fmt.Sprintf("url of hop %q should be https://api.openai.com/v1.", h.Name), true
	}
	if u.Scheme == "http" && isPublicHost(host) {
		return fmt.Sprintf("url of hop %q sends the credential over plain http to %s; use https.", h.Name, host), true
	}
	return "", false
}

// isPublicHost reports whether host looks like an Internet host, where plain
// http would expose the credential. Loopback, private addresses and
// single-label or cluster-internal names (CI service containers such as
// "litellm") are not public.
func isPublicHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast())
	}
	if !strings.Contains(host, ".") {
		return false
	}
	for _, s := range []string{".local", ".internal", ".lan", ".svc", ".cluster.local", ".home.arpa", ".test"} {
		if strings.HasSuffix(host, s) {
			return false
		}
	}
	return true
}

// credLink is the link on which the credential for hop i first travels:
// the link out of its holder (the CI job or the proxy that attaches it).
func credLink(c *chain.Chain, i int) chain.Link {
	return c.LinkInto(c.Holder(i) + 1)
}
