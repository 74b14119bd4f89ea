package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// stage says where a failure happened: before the response headers were
// complete, or while reading the body.
type stage int

const (
	stageResponse stage = iota
	stageBody
)

// maxMessage bounds NetError.Message (runes).
const maxMessage = 200

// netError turns a transport or body error into a NetError. Only the
// innermost error's text is used: the outer *url.Error repeats the full URL,
// which may carry a `?key=` credential (the TruffleHog unwrapToLast lesson).
func (c *Client) netError(err error, st stage, tr *trace, u *url.URL, actx context.Context) *NetError {
	s := tr.snapshot()
	host := u.Host
	if ctxErr := actx.Err(); ctxErr != nil || isTimeout(err) {
		phase := timeoutPhase(st, s)
		cancelled := errors.Is(ctxErr, context.Canceled)
		return &NetError{Cause: finding.Timeout, Phase: phase, cancelled: cancelled,
			Message: c.short(timeoutMessage(cancelled, time.Since(tr.start), 1, phase, host))}
	}
	inner := innermost(err).Error()
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &NetError{Cause: finding.Unreachable, Phase: "dns",
			Message: c.short("cannot resolve " + u.Hostname() + ": " + dnsErr.Err)}
	}
	if isTLS(err) || s.tlsErr != nil || (s.tlsStarted && !s.tlsDone) {
		return &NetError{Cause: finding.TLSError, Phase: "tls",
			Message: c.short("TLS handshake with " + host + " failed: " + inner)}
	}
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return &NetError{Cause: finding.Unreachable, Phase: "connect",
			Message: c.short("cannot connect to " + host + ": " + inner)}
	}
	if st == stageResponse && s.gotConn && s.wrote && malformedResponse(inner) {
		// The server answered, but not with HTTP hopcheck can read (headers
		// over MaxResponseHeaderBytes, a garbled status line): the hop is
		// reachable and broken, not unreachable.
		return &NetError{Cause: finding.UpstreamError, Phase: "ttfb",
			Message: c.short(host + " answered with a response hopcheck cannot read: " + inner)}
	}
	phase := "request"
	switch {
	case st == stageBody:
		phase = "body"
	case !s.gotConn:
		phase = "connect"
	}
	return &NetError{Cause: finding.Unreachable, Phase: phase,
		Message: c.short(describe(phase, host) + " failed: " + inner)}
}

// malformedResponse reports whether a transport error's text is net/http
// refusing the server's response itself (the client's errors for an
// oversized header block and a response that is not HTTP/1.x).
func malformedResponse(msg string) bool {
	return strings.Contains(msg, "server response headers exceeded") || strings.Contains(msg, "malformed HTTP")
}

// timeoutPhase names the phase that was running when the deadline hit.
// Without a connection: the unfinished one of dns, tls, else connect. With a
// connection: request while it was being written, ttfb until the response
// headers were complete, body after that.
func timeoutPhase(st stage, s snapshot) string {
	switch {
	case st == stageBody:
		return "body"
	case !s.gotConn && s.tlsStarted && !s.tlsDone:
		return "tls"
	case !s.gotConn && s.dnsStarted && !s.dnsDone:
		return "dns"
	case !s.gotConn:
		return "connect"
	case !s.wrote:
		return "request"
	}
	return "ttfb"
}

// timeoutMessage says how long a request ran before it was given up. With
// several attempts d is the total across all of them (waits included), so
// the message never understates how long the hop kept the run waiting.
func timeoutMessage(cancelled bool, d time.Duration, attempts int, phase, host string) string {
	verb := "timed out after "
	if cancelled {
		verb = "cancelled after "
	}
	msg := verb + d.Round(time.Millisecond).String()
	if attempts > 1 {
		return msg + " in total over " + strconv.Itoa(attempts) + " attempts (the last " + describe(phase, host) + ")"
	}
	return msg + " " + describe(phase, host)
}

func describe(phase, host string) string {
	switch phase {
	case "dns":
		return "resolving " + host
	case "connect":
		return "connecting to " + host
	case "tls":
		return "in the TLS handshake with " + host
	case "request":
		return "sending the request to " + host
	case "ttfb":
		return "waiting for response headers from " + host
	case "body":
		return "reading the response body from " + host
	}
	return "talking to " + host
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isTLS(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert)
}

// innermost unwraps err to its last single-wrapped cause.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// short scrubs s, flattens control characters and caps its length.
func (c *Client) short(s string) string {
	s = c.Scrubber.Scrub(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxMessage {
		s = string(r[:maxMessage-1]) + "…"
	}
	return s
}
