package probe

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// backoffBase is the first retry delay; it doubles per retry and is
// jittered to 75–125 %.
const backoffBase = 200 * time.Millisecond

// retryWait decides whether attempt n (1-based) is retried and after how
// long. A Retry-After above RetryAfterCap, or a wait that would outlive ctx,
// ends the loop at once so the caller can report the answer it has.
//
// Idempotent requests (GET, HEAD, OPTIONS, TRACE: the ones net/http itself
// replays) are retried on 429, 500, 502, 503, 504, timeouts and connections
// reset or closed after connecting. Never: other statuses (401/403 above
// all), refused connections, DNS and TLS failures.
//
// Any other method — the inference canary's POST — bills a completion each
// time a provider processes it, so it is retried only when it certainly was
// not processed: a 429, which rejects the request before any work. Never
// after a timeout or a reset (the request may have been written and
// forwarded), and never on a 5xx: a gateway (LiteLLM, OpenRouter, nginx)
// answers 500/502/504 after it forwarded the request upstream. A 503, even
// with Retry-After, is no proof either: proxies return it when the upstream
// failed mid-request, so it is not retried. Refused connections (nothing
// was written) are not retried for any method: they do not heal in the
// backoff.
func (c *Client) retryWait(ctx context.Context, method string, res Result, n int) (time.Duration, bool) {
	if n > c.MaxRetries || ctx.Err() != nil {
		return 0, false
	}
	if !idempotent(method) && res.Status != http.StatusTooManyRequests {
		return 0, false
	}
	var wait time.Duration
	switch {
	case res.Err != nil:
		if !retryableNetErr(res.Err) {
			return 0, false
		}
		wait = backoff(n)
	case retryableStatus(res.Status):
		if res.RetryAfter > 0 {
			if res.RetryAfter > c.RetryAfterCap {
				return 0, false
			}
			wait = res.RetryAfter
		} else {
			wait = backoff(n)
		}
	default:
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return 0, false
	}
	return wait, true
}

// idempotent reports whether a request with this method may be sent again
// after it might have been processed (net/http's replayable set; "" is GET).
func idempotent(method string) bool {
	switch method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func retryableNetErr(e *NetError) bool {
	switch e.Cause {
	case finding.Timeout:
		return true
	case finding.Unreachable:
		// Reset or closed after the connection was made; a refused
		// connection or a failed lookup will not heal in 200 ms.
		return e.Phase == "request" || e.Phase == "body"
	}
	return false
}

func backoff(n int) time.Duration {
	d := backoffBase << (n - 1)
	return d*3/4 + rand.N(d/2)
}

// retryAfter parses Retry-After (delay-seconds or HTTP-date, RFC 9110
// §10.2.3) on 429 and 5xx answers. A date is measured against the
// response's Date header when present, so clock skew does not matter.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0, false
		}
		const maxSecs = int64(365 * 24 * 3600)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	now := time.Now()
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		now = date
	}
	if d := at.Sub(now); d > 0 {
		return d, true
	}
	return 0, false
}

// sleep waits d or until ctx is done; it reports whether the wait finished.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
