// Package sim simulates the services of an LLM request chain on loopback:
// OpenRouter (key, models and chat-completions endpoints with the real error
// bodies, JSON or SSE), a LiteLLM proxy built from a LiteLLM config.yaml, a
// reverse proxy that may drop Authorization (nginx with
// `proxy_set_header Authorization "";`), a redirector and a handler that
// never answers. It serves `hopcheck demo` and the tests; Scenarios and
// Start assemble ready-made chains.
//
// Every server listens on 127.0.0.0/8 only and every outgoing request of a
// simulated proxy is refused unless it targets loopback.
package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hopcheck/hopcheck/internal/secret"
)

// LoopbackNet is where every simulated service listens: callers that run
// hopcheck against the simulator allow it (trust.ParseAllow) as a user
// allows a self-hosted gateway.
const LoopbackNet = "127.0.0.0/8"

// Server is one simulated service listening on a loopback port.
type Server struct {
	// URL is the server's root, e.g. http://127.0.0.1:43117.
	URL string
	// Addr is host:port.
	Addr string

	srv    *http.Server
	cancel context.CancelFunc
	served chan struct{}
	once   sync.Once
}

// Listen serves h on a random port of host, which must be a loopback IP
// ("127.0.0.1", "127.0.0.2", "::1"); "" means 127.0.0.1.
func Listen(host string, h http.Handler) (*Server, error) {
	if host == "" {
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("sim: refusing to listen on %q: not a loopback address", host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("sim: listen on %s: %w", host, err)
	}
	// Request contexts derive from base: cancelling it on Close releases
	// handlers that wait (latency, hang) so shutdown never blocks on them.
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		URL:    "http://" + ln.Addr().String(),
		Addr:   ln.Addr().String(),
		cancel: cancel,
		served: make(chan struct{}),
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return base },
		},
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

// Close stops the server, releases waiting handlers and waits until every
// connection is closed and the serving goroutine has returned.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err = s.srv.Shutdown(ctx); err != nil {
			err = s.srv.Close()
		}
		<-s.served
	})
	return err
}

// Request is one request a simulated service received. It never holds a
// credential: only whether one was sent and its fingerprint.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// HasAuth reports whether an Authorization header was present (even
	// empty or without a token).
	HasAuth bool `json:"has_authorization"`
	// KeyFP is secret.Fingerprint of the credential the service extracted
	// ("" when none).
	KeyFP  string `json:"key_fp,omitempty"`
	Model  string `json:"model,omitempty"`
	Stream bool   `json:"stream,omitempty"`
	// Status is the status the service answered; 0 while it has not
	// answered (or never did: hang, client gone).
	Status int `json:"status"`
}

// requestLog records requests; the status is filled in when the handler
// writes its header, i.e. before the client can see the answer.
type requestLog struct {
	mu   sync.Mutex
	reqs []Request
}

func (l *requestLog) add(r Request) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r)
	return len(l.reqs) - 1
}

func (l *requestLog) update(i int, f func(*Request)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i >= 0 && i < len(l.reqs) {
		f(&l.reqs[i])
	}
}

func (l *requestLog) list() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.reqs...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = nil
}

// statusWriter records the status in the log as soon as it is written.
type statusWriter struct {
	http.ResponseWriter
	log   *requestLog
	index int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.log.update(w.index, func(r *Request) { r.Status = code })
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets SSE writers flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap supports http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// fingerprint is the printable form of a credential ("" for none).
func fingerprint(key string) string {
	if key == "" {
		return ""
	}
	return secret.Fingerprint(key)
}

// wait sleeps for d or until the request is abandoned; it reports whether
// the full delay elapsed.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
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

// Hang returns a handler that never answers: it holds the request until
// the client goes away or the server closes (timeout scenarios).
func Hang() http.Handler {
	return http.HandlerFunc(hang)
}

// hang waits for the request to be abandoned, then drops the connection so
// that no (empty 200) answer is ever sent.
func hang(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
	abort(w)
}

// abort closes the connection without answering.
func abort(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
	}
}

// errNotLoopback is returned for outgoing requests a simulated proxy refuses
// to send: the simulator never sends traffic off the machine.
var errNotLoopback = errors.New("sim: refusing to send a request to a non-loopback host")

// isLoopbackURL reports whether raw is an http(s) URL on a loopback host.
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// loopbackTransport is the transport of the simulated proxies: no
// environment proxy, no keep-alive (so no idle connections outlive a
// scenario), and a dialer that only reaches loopback addresses.
func loopbackTransport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		Proxy:             nil,
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if !strings.EqualFold(host, "localhost") {
				ip, err := netip.ParseAddr(host)
				if err != nil || !ip.IsLoopback() {
					return nil, errNotLoopback
				}
			}
			return d.DialContext(ctx, network, addr)
		},
	}
}
