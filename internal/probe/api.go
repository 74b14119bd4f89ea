// Package probe is hopcheck's HTTP engine: one request with httptrace phase
// timings, a redirect policy that never follows blindly, bounded retries on
// transient failures only, a body cap, and secret scrubbing of everything it
// returns.
package probe

import (
	"crypto/x509"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// Request is one HTTP request to send. Header carries the credential; it is
// never copied into a Result.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Timeout overrides Client.Timeout for this request when > 0 (chains
	// have their own timeouts but share one client).
	Timeout time.Duration
	// Sign, when set, authenticates each outgoing request (every attempt
	// and redirect leg) itself, e.g. with AWS SigV4; body is the request
	// body. Errors are reported as an unusable request.
	Sign func(r *http.Request, body []byte) error
}

// NetError describes a request that got no HTTP response.
type NetError struct {
	Cause   finding.Cause // Unreachable, Timeout, TLSError, or UpstreamError for a response net/http refuses
	Phase   string        // dns, connect, tls, request, ttfb, body
	Message string        // scrubbed, human readable

	cancelled bool // a timeout caused by the caller's cancellation
}

// Redirect is a redirect response the client refused to follow.
type Redirect struct {
	Status    int
	Location  string // scrubbed absolute URL
	FromHost  string
	ToHost    string
	CrossHost bool
}

// Result is what came back. Body is already scrubbed of every secret the
// Client's Scrubber knows; classification runs on it, reporters may excerpt it.
//
// Err is set exactly when Status == 0. When the response headers arrived but
// the body then failed (stalled, reset), Status is 0 and Err names phase
// "body"; Header and the part of Body read so far are kept as evidence.
type Result struct {
	Status    int // 0 when no HTTP response was received
	Header    http.Header
	Body      []byte // at most BodyLimit bytes (before scrubbing), scrubbed
	Truncated bool
	Timings   finding.Timings
	Err       *NetError // set when Status == 0
	Redirect  *Redirect // set when the response was a 3xx that was not followed
	Attempts  int
	// RetryAfter is the last Retry-After the server asked for (uncapped), 0 if none.
	RetryAfter time.Duration
	// URL is the URL of the final request (after same-host redirects),
	// password-redacted and scrubbed.
	URL string
	// Redirects counts the same-host redirects followed in the final attempt.
	Redirects int
}

// Client sends probe requests. The zero value is not usable; use New.
type Client struct {
	// Timeout bounds one attempt (connect to end of body).
	Timeout time.Duration
	// MaxRetries is the number of extra attempts on 429/5xx/timeouts (never 401/403).
	MaxRetries int
	// RetryAfterCap caps how long a Retry-After is honoured; longer asks are
	// not waited out: the result is returned as is (rate-limited).
	RetryAfterCap time.Duration
	// BodyLimit caps how much of a body is read (default 64 KiB).
	BodyLimit int64
	Scrubber  *secret.Scrubber
	// Transport may be replaced in tests; nil means a fresh transport with
	// keep-alives disabled so every probe measures connect and TLS.
	Transport http.RoundTripper
	// UserAgent is sent on every request.
	UserAgent string
	// RootCAs, when set, replaces the system roots of the default transport
	// (tests trust an httptest TLS server with it). Read once, on first use;
	// ignored when Transport is set.
	RootCAs *x509.CertPool
	// Resolver, when set, resolves host names for the default transport
	// (tests inject one that never leaves the machine). Read once, on first
	// use; ignored when Transport is set.
	Resolver *net.Resolver

	rtOnce sync.Once
	rt     http.RoundTripper
}
