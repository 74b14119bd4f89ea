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

// Refusal says why a credential may not go to a URL and what to add.
type Refusal struct {
	Host string // host[:port] as it would be allowed
	// Owners are the providers the credential is pinned to (nil for a
	// self-hosted service's key sent to a public host).
	Owners []*provider.Spec
}

// Decide applies the key-pinning rule to sending cred to rawURL:
//
//   - a credential of a provider with official hosts (by the hop's type, or
//     by the value's distinctive prefix, e.g. sk-or-… is OpenRouter's
//     wherever a config attaches it) goes only to those hosts;
//   - any other credential (a gateway's own key, a local server's) goes to
//     loopback, private addresses and single-label names (CI service
//     containers) only;
//   - allow, given from outside the repository, lets either go anywhere it
//     names.
//
// It returns nil when sending is allowed.
func Decide(cred Credential, rawURL string, allow *Allow) *Refusal {
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
	var owners []*provider.Spec
	if cred.For != nil && cred.For.Pinned() {
		owners = append(owners, cred.For)
	}
	if s, ok := provider.OwnerOfKey(cred.Value); ok && s.Pinned() && !slices.Contains(owners, s) {
		owners = append(owners, s)
	}
	show := u.Host
	if len(owners) > 0 {
		for _, o := range owners {
			if !o.OwnsHost(host) {
				return &Refusal{Host: show, Owners: owners}
			}
		}
		return nil
	}
	if PublicHost(host) {
		return &Refusal{Host: show}
	}
	return nil
}

// AllowHint is the sentence telling how to allow host from outside the
// repository.
func AllowHint(host string) string {
	return fmt.Sprintf("If %s is yours, allow it from outside the repository: `--allow-host %s` (CLI), the action input `allow-hosts: %s`, or %s=%s in the job's env", host, host, host, AllowEnv, host)
}
