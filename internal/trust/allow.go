package trust

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/internal/provider"
)

// AllowEnv is the variable that allows hosts from the job's environment
// (comma-separated host, host:port or CIDR). It is read from the process
// environment only, never from a file in the repository.
const AllowEnv = "HOPCHECK_ALLOW_HOSTS"

// Allow is the set of hosts that may receive a credential although the
// default rule would refuse them. The zero value (and nil) allows nothing.
type Allow struct {
	entries []allowEntry
}

type allowEntry struct {
	text   string
	host   string // lower-case name or IP ("" for a CIDR)
	port   string // "" for any port
	prefix netip.Prefix
}

// ParseAllow parses allowance lists: each value is a comma- or
// whitespace-separated list of host, host:port, [IPv6]:port or CIDR.
func ParseAllow(values ...string) (*Allow, error) {
	a := &Allow{}
	for _, v := range values {
		for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
			e, err := parseAllowEntry(item)
			if err != nil {
				return nil, err
			}
			a.entries = append(a.entries, e)
		}
	}
	return a, nil
}

func parseAllowEntry(item string) (allowEntry, error) {
	e := allowEntry{text: item}
	if strings.Contains(item, "/") {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return e, fmt.Errorf("allowed host %q: not a host, host:port or CIDR (%v)", item, err)
		}
		e.prefix = p.Masked()
		return e, nil
	}
	if strings.Contains(item, "://") {
		return e, fmt.Errorf("allowed host %q: give a host or host:port, not a URL", item)
	}
	h, p := splitHostPort(item)
	if h == "" || strings.ContainsAny(h, "@?#/ ") || (strings.Count(item, ":") == 1 && p == "") {
		return e, fmt.Errorf("allowed host %q: not a host, host:port or CIDR", item)
	}
	if p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return e, fmt.Errorf("allowed host %q: port %q is not a number from 1 to 65535", item, p)
		}
	}
	e.host, e.port = h, p
	return e, nil
}

// Len is the number of entries.
func (a *Allow) Len() int {
	if a == nil {
		return 0
	}
	return len(a.entries)
}

// String lists the entries as given.
func (a *Allow) String() string {
	if a == nil {
		return ""
	}
	out := make([]string, len(a.entries))
	for i, e := range a.entries {
		out[i] = e.text
	}
	return strings.Join(out, ",")
}

// Match reports whether host (a name or IP) on port is allowed. The port is
// the URL's effective port.
func (a *Allow) Match(host, port string) bool {
	if a == nil {
		return false
	}
	host, _ = splitHostPort(host)
	ip, ipErr := netip.ParseAddr(host)
	for _, e := range a.entries {
		if e.prefix.IsValid() {
			if ipErr == nil && e.prefix.Contains(ip.Unmap()) {
				return true
			}
			continue
		}
		if e.port != "" && e.port != port {
			continue
		}
		if e.host == host {
			return true
		}
		if ipErr == nil {
			if eip, err := netip.ParseAddr(e.host); err == nil && eip.Unmap() == ip.Unmap() {
				return true
			}
		}
	}
	return false
}

// Credential is a credential hopcheck is about to send.
type Credential struct {
	// Var is the variable it was read from ("" for a value written in a
	// config file).
	Var string
	// Value is the credential itself (used for its shape only).
	Value string
	// For is the spec of the hop the credential belongs to.
	For *provider.Spec
}

// Tie says what ties a credential to the providers whose hosts it may go
// to.
type Tie uint8

const (
	// Untied: nothing names a provider; the credential is a gateway's or a
	// local server's own key.
	Untied Tie = iota
	// ByPrefix: the value starts with a provider's distinctive prefix
	// (sk-or-… is OpenRouter's).
	ByPrefix
	// ByVar: the variable it is read from is a provider's conventional key
	// variable (MISTRAL_API_KEY is Mistral's).
	ByVar
	// ByType: the hop it is configured for has a provider's type.
	ByType
)

// Refusal says why a credential may not go to a URL and what to add.
type Refusal struct {
	Host string // host[:port] as it would be allowed
	// Owners are the providers the credential is pinned to, and Tie what
	// pins it (nil and Untied for a gateway's own key sent to a public
	// host).
	Owners []*provider.Spec
	Tie    Tie
	// Var is the variable, for Tie ByVar.
	Var string
	// HostOwner is the provider whose official host Host is (nil when it
	// is nobody's): a key sent to another provider's host is usually a
	// client of that provider reading a variable of another's.
	HostOwner *provider.Spec
}

// VarOwners returns the providers with official hosts whose key variable
// name is (compared without regard to case, as Windows runners read
// variables): the registry's KeyVars, the variables LiteLLM and OpenClaw
// fall back to, and the companions a provider signs with
// (AWS_SECRET_ACCESS_KEY). A variable several providers read belongs to
// all of them: the hosts of any of them may receive it. The variables of
// self-hosted types (LITELLM_MASTER_KEY, OLLAMA_API_KEY, VLLM_API_KEY)
// name no provider: they hold a gateway's or a local server's own key.
func VarOwners(name string) []*provider.Spec {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	var out []*provider.Spec
	for _, s := range provider.All() {
		if !s.Pinned() {
			continue
		}
		for _, vars := range [][]string{s.KeyVars, s.LiteLLMKeyVars(), s.OpenClawKeyVars(), s.Companions} {
			if slices.ContainsFunc(vars, func(v string) bool { return strings.EqualFold(v, name) }) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// pin is one constraint on where a credential may go: one of owners must
// own the host.
type pin struct {
	owners []*provider.Spec
	tie    Tie
}

// pins lists the constraints on cred, all of which a host must meet:
//
//   - a value with a provider's distinctive prefix is that provider's key,
//     whatever variable holds it and whatever hop it is configured for
//     (OPENAI_API_KEY holding sk-or-v1-… goes to OpenRouter, and not to
//     api.openai.com);
//   - otherwise the key variable's providers (any of them) and the hop
//     type's provider, both when both name one (DEEPSEEK_API_KEY on a
//     mistral hop goes nowhere without an allowance);
//   - a documented stand-in of a no-key server ("ollama", "EMPTY") is no
//     secret, whatever its variable: only the hop type pins it.
func pins(cred Credential, varOwners func(string) []*provider.Spec) []pin {
	if s, ok := provider.OwnerOfKey(cred.Value); ok && s.Pinned() {
		return []pin{{[]*provider.Spec{s}, ByPrefix}}
	}
	var out []pin
	if _, dummy := provider.DummyKeyOf(cred.Value); !dummy {
		if owners := varOwners(cred.Var); len(owners) > 0 {
			out = append(out, pin{owners, ByVar})
		}
	}
	if cred.For != nil && cred.For.Pinned() {
		out = append(out, pin{[]*provider.Spec{cred.For}, ByType})
	}
	return out
}

// Decide applies the key-pinning rule to sending cred to rawURL:
//
//   - a credential tied to providers with official hosts goes only to
//     those hosts: tied by the value's distinctive prefix (which alone
//     decides), else by the variable it is read from and by the hop's
//     type (each that names a provider must own the host). That holds on
//     loopback, private and single-label hosts too: a file cannot send
//     MISTRAL_API_KEY to a listener by calling the hop openai-compatible;
//   - any other credential (a gateway's own key, a local server's) goes to
//     loopback, private addresses and single-label names (CI service
//     containers) only;
//   - allow, given from outside the repository, lets either go anywhere it
//     names.
//
// It returns nil when sending is allowed.
func Decide(cred Credential, rawURL string, allow *Allow) *Refusal {
	return decide(cred, rawURL, allow, VarOwners)
}

// decide is Decide with the variables' owners from varOwners.
func decide(cred Credential, rawURL string, allow *Allow, varOwners func(string) []*provider.Spec) *Refusal {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return &Refusal{Host: rawURL}
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	if allow.Match(host, port) {
		return nil
	}
	ps := pins(cred, varOwners)
	for _, p := range ps {
		if !slices.ContainsFunc(p.owners, func(o *provider.Spec) bool { return o.OwnsHost(host) }) {
			r := &Refusal{Host: u.Host, Owners: p.owners, Tie: p.tie}
			if p.tie == ByVar {
				r.Var = strings.TrimSpace(cred.Var)
			}
			if o, ok := provider.ByHost(host); ok && o.Pinned() {
				r.HostOwner = o
			}
			return r
		}
	}
	if len(ps) == 0 && PublicHost(host) {
		return &Refusal{Host: u.Host}
	}
	return nil
}

// AllowHint is the sentence telling how to allow host from outside the
// repository.
func AllowHint(host string) string {
	return fmt.Sprintf("If %s is yours, allow it from outside the repository: `--allow-host %s` (CLI), the action input `allow-hosts: %s`, or %s=%s in the job's env", host, host, host, AllowEnv, host)
}
