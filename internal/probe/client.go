package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// Version is the hopcheck version sent in the default User-Agent; the
// build sets it with -ldflags "-X github.com/hopcheck/hopcheck/internal/probe.Version=…".
var Version = "dev"

// Defaults used by New.
const (
	DefaultTimeout       = 8 * time.Second
	DefaultMaxRetries    = 2
	DefaultRetryAfterCap = 5 * time.Second
	DefaultBodyLimit     = 64 << 10
)

// maxSameHostRedirects bounds how many same-origin redirects one attempt
// follows; the next redirect is returned as a Result with Redirect set.
const maxSameHostRedirects = 3

// New returns a Client with the default budget: 8 s per attempt, 2 retries,
// Retry-After honoured up to 5 s, bodies read up to 64 KiB.
func New(s *secret.Scrubber) *Client {
	return &Client{
		Timeout:       DefaultTimeout,
		MaxRetries:    DefaultMaxRetries,
		RetryAfterCap: DefaultRetryAfterCap,
		BodyLimit:     DefaultBodyLimit,
		Scrubber:      s,
		UserAgent:     "hopcheck/" + Version,
	}
}

// roundTripper returns c.Transport or, once per Client, a fresh transport:
// keep-alives off so every request measures DNS, connect and TLS (as
// blackbox_exporter does), proxy from the environment (loopback is never
// proxied), system roots unless RootCAs is set (the embedded ones where
// the system has none: WithFallbackRoots). HTTP/1.1 only: with a custom
// TLS config and dialer net/http does not negotiate HTTP/2 unless forced,
// and a probe gains nothing from it.
func (c *Client) roundTripper() http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	c.rtOnce.Do(func() {
		d := &net.Dialer{KeepAlive: -1, Resolver: c.Resolver}
		c.rt = &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			DialContext:            d.DialContext,
			TLSClientConfig:        &tls.Config{RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12},
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: 256 << 10,
		}
		if c.RootCAs == nil {
			c.rt = WithFallbackRoots(c.rt, http.ProxyFromEnvironment)
		}
	})
	return c.rt
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) bodyLimit() int64 {
	if c.BodyLimit > 0 {
		return c.BodyLimit
	}
	return DefaultBodyLimit
}

// Do sends req with up to MaxRetries retries on transient failures and
// returns the final attempt. It never returns an error value: a request
// without an HTTP answer has Result.Err set. The per-attempt Timeout covers
// connect through end of body; ctx bounds everything, retries and waits
// included. An unusable URL (not http/https, no host) is reported as
// Unreachable/request with Attempts 0: nothing was sent.
func (c *Client) Do(ctx context.Context, req Request) Result {
	u, err := url.Parse(req.URL)
	if err == nil && u.Scheme != "http" && u.Scheme != "https" {
		err = errors.New("scheme must be http or https")
	}
	if err == nil && u.Host == "" {
		err = errors.New("missing host")
	}
	if err != nil {
		return Result{Err: &NetError{
			Cause:   finding.Unreachable,
			Phase:   "request",
			Message: c.short("invalid URL: " + innermost(err).Error()),
		}}
	}
	hc := &http.Client{
		Transport: c.roundTripper(),
		// Never follow blindly: every redirect comes back to us and
		// attempt decides (see followable).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var res Result
	var lastRetryAfter time.Duration
	began := time.Now()
	for n := 1; ; n++ {
		res = c.attempt(ctx, hc, req, u)
		res.Attempts = n
		if res.RetryAfter > 0 {
			lastRetryAfter = res.RetryAfter
		}
		wait, ok := c.retryWait(ctx, req.Method, res, n)
		if !ok || !sleep(ctx, wait) {
			break
		}
	}
	res.RetryAfter = lastRetryAfter
	if e := res.Err; e != nil && e.Cause == finding.Timeout && res.Attempts > 1 {
		e.Message = c.short(timeoutMessage(e.cancelled, time.Since(began), res.Attempts, e.Phase, u.Host))
	}
	return res
}

// attempt runs one attempt under its own deadline, following same-origin
// redirects (at most maxSameHostRedirects) within it.
func (c *Client) attempt(ctx context.Context, hc *http.Client, req Request, u *url.URL) Result {
	to := c.timeout()
	if req.Timeout > 0 {
		to = req.Timeout
	}
	actx, cancel := context.WithTimeout(ctx, to)
	defer cancel()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	for redirects := 0; ; redirects++ {
		res, next := c.leg(actx, hc, method, u, req)
		res.Redirects = redirects
		if next == nil {
			return res
		}
		if redirects == maxSameHostRedirects || !followable(res.Status, method) {
			return res
		}
		u = next
	}
}

// followable says whether a same-origin redirect is followed. 307 and 308
// require the client to repeat the request unchanged (RFC 9110 §15.4.8-9),
// so they are followed with the same method, headers and body. 301/302/303
// make real clients (net/http, httpx, fetch) turn a POST into a body-less
// GET, so following them with the same POST would pass a probe where the
// real client fails: for GET/HEAD they are followed, for other methods the
// redirect is returned (the caller reports the endpoint URL as wrong).
// The credential is re-sent only because the origin is identical.
func followable(status int, method string) bool {
	switch status {
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return method == http.MethodGet || method == http.MethodHead
}

// leg sends one HTTP request and reads its body. next is set when the answer
// is a redirect to the same origin (the caller may follow it); a redirect
// elsewhere fills res.Redirect and next stays nil.
func (c *Client) leg(actx context.Context, hc *http.Client, method string, u *url.URL, req Request) (res Result, next *url.URL) {
	res.URL = c.Scrubber.Scrub(u.Redacted())
	tr := newTrace()
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body) // a fresh reader per leg: redirects and retries re-send it
	}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, tr.clientTrace()), method, u.String(), body)
	if err != nil {
		res.Err = &NetError{Cause: finding.Unreachable, Phase: "request", Message: c.short("invalid request: " + innermost(err).Error())}
		return res, nil
	}
	hreq.Header = req.Header.Clone()
	if hreq.Header == nil {
		hreq.Header = http.Header{}
	}
	if h := hreq.Header.Get("Host"); h != "" {
		hreq.Host = h
	}
	if hreq.Header.Get("User-Agent") == "" && c.UserAgent != "" {
		hreq.Header.Set("User-Agent", c.UserAgent)
	}
	if req.Sign != nil {
		if err := req.Sign(hreq, req.Body); err != nil {
			res.Err = &NetError{Cause: finding.CredentialMalformed, Phase: "request", Message: c.short("cannot sign the request: " + innermost(err).Error())}
			return res, nil
		}
	}

	resp, err := hc.Do(hreq)
	if err != nil {
		res.Timings = tr.timings(time.Now())
		res.Err = c.netError(err, stageResponse, tr, u, actx)
		return res, nil
	}
	data, truncated, rerr := readBody(resp, c.bodyLimit())
	// No drain: keep-alives are off, so the connection is not reused and
	// closing it is the only way to stop a huge or endless body.
	resp.Body.Close()
	res.Timings = tr.timings(time.Now())

	res.Header = c.scrubHeader(resp.Header)
	res.Body = []byte(c.Scrubber.Scrub(string(data)))
	res.Truncated = truncated
	if ra, ok := retryAfter(resp); ok {
		res.RetryAfter = ra
	}
	if rerr != nil {
		res.Err = c.netError(rerr, stageBody, tr, u, actx)
		return res, nil
	}
	res.Status = resp.StatusCode

	if loc := resp.Header.Get("Location"); loc != "" && isRedirect(resp.StatusCode) {
		target, perr := u.Parse(loc)
		rd := &Redirect{Status: resp.StatusCode, FromHost: c.Scrubber.Scrub(origin(u).host)}
		if perr != nil {
			rd.Location = c.short(loc)
			rd.CrossHost = true
			res.Redirect = rd
			return res, nil
		}
		rd.Location = c.Scrubber.Scrub(target.Redacted())
		rd.ToHost = c.Scrubber.Scrub(origin(target).host)
		rd.CrossHost = origin(u) != origin(target)
		res.Redirect = rd
		if !rd.CrossHost {
			next = target
		}
	}
	return res, next
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

type originKey struct{ scheme, host string }

// origin is scheme plus lower-case host:port with the default port filled
// in, so http://a/ and http://A:80/ compare equal. CrossHost means origins
// differ (also for an http → https upgrade on the same name).
func origin(u *url.URL) originKey {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return originKey{scheme: strings.ToLower(u.Scheme), host: net.JoinHostPort(strings.ToLower(u.Hostname()), port)}
}

// readBody reads at most limit bytes (one more to detect truncation). A
// text/event-stream body is read until it ends, a `data: [DONE]` line
// arrives, or the limit is hit: streaming servers may keep the connection
// open after the last event.
func readBody(resp *http.Response, limit int64) ([]byte, bool, error) {
	lr := io.LimitReader(resp.Body, limit+1)
	var data []byte
	var err error
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/event-stream" {
		data, err = readSSE(lr)
	} else {
		data, err = io.ReadAll(lr)
	}
	truncated := int64(len(data)) > limit
	if truncated {
		data = data[:limit]
	}
	return data, truncated, err
}

func readSSE(r io.Reader) ([]byte, error) {
	br := bufio.NewReader(r)
	var buf bytes.Buffer
	for {
		line, err := br.ReadBytes('\n')
		buf.Write(line)
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("data:")) && string(bytes.TrimSpace(t[len("data:"):])) == "[DONE]" {
			return buf.Bytes(), nil
		}
		if err == io.EOF {
			return buf.Bytes(), nil
		}
		if err != nil {
			return buf.Bytes(), err
		}
	}
}

func (c *Client) scrubHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = c.Scrubber.Scrub(v)
		}
		out[k] = cp
	}
	return out
}
