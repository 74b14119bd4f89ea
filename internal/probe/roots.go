package probe

import (
	"crypto/x509"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The container image is FROM scratch: no system certificate store, so the
// binary embeds the NSS (Mozilla) roots of golang.org/x/crypto/x509roots.
// Importing its fallback package would parse all of them (~150) when the
// process starts, in every run: one that never dials TLS (hopcheck version,
// a plain-http proxy) and one on a runner that has a system store, whose
// roots Go then uses anyway. WithFallbackRoots installs them instead right
// before the first request that may verify a certificate, and only when the
// system has no roots (or GODEBUG=x509usefallbackroots=1 asks for them, as
// with the fallback package).

// EnsureRoots makes certificate verification with the system roots work:
// when the system has no roots (or GODEBUG=x509usefallbackroots=1), it
// installs the embedded bundle with x509.SetFallbackRoots. Only the first
// call does anything; later calls return at once, after the first one has
// finished.
var EnsureRoots = sync.OnceFunc(func() {
	if !forceFallbackRoots(os.Getenv("GODEBUG")) && systemHasRoots() {
		return
	}
	x509.SetFallbackRoots(fallbackPool())
})

// systemHasRoots loads the system roots (as the first verification would)
// and reports whether there are any.
func systemHasRoots() bool {
	pool, err := x509.SystemCertPool()
	return err == nil && !pool.Equal(x509.NewCertPool())
}

// forceFallbackRoots reports whether GODEBUG sets x509usefallbackroots=1
// (the last setting wins, as in the runtime).
func forceFallbackRoots(godebug string) bool {
	force := false
	for _, kv := range strings.Split(godebug, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && k == "x509usefallbackroots" {
			force = v == "1"
		}
	}
	return force
}

// fallbackPool is the embedded bundle as a pool, the constrained roots with
// their constraints (as golang.org/x/crypto/x509roots/fallback builds it).
func fallbackPool() *x509.CertPool {
	p := x509.NewCertPool()
	for r := range bundle.Roots() {
		cert, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			// The bundle is generated and tested upstream; a root that does
			// not parse is left out rather than fail every TLS request.
			continue
		}
		if r.Constraint == nil {
			p.AddCert(cert)
		} else {
			p.AddCertWithConstraint(cert, r.Constraint)
		}
	}
	return p
}

// WithFallbackRoots returns next with EnsureRoots called before every
// request that may verify a certificate: an https URL, or any URL sent
// through an https proxy (proxy is next's proxy function; nil: none).
func WithFallbackRoots(next http.RoundTripper, proxy func(*http.Request) (*url.URL, error)) http.RoundTripper {
	return &rootsFirst{next: next, proxy: proxy}
}

type rootsFirst struct {
	next  http.RoundTripper
	proxy func(*http.Request) (*url.URL, error)
}

func (t *rootsFirst) RoundTrip(req *http.Request) (*http.Response, error) {
	if verifies(req, t.proxy) {
		EnsureRoots()
	}
	return t.next.RoundTrip(req)
}

// CloseIdleConnections closes next's idle connections, as http.Client
// does for a transport of its own.
func (t *rootsFirst) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// verifies reports whether sending req may verify a certificate.
func verifies(req *http.Request, proxy func(*http.Request) (*url.URL, error)) bool {
	if req.URL == nil || !strings.EqualFold(req.URL.Scheme, "http") {
		return true
	}
	if proxy == nil {
		return false
	}
	p, err := proxy(req)
	return err == nil && p != nil && !strings.EqualFold(p.Scheme, "http") && !strings.HasPrefix(strings.ToLower(p.Scheme), "socks")
}
