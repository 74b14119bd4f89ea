package sim

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a way an upstream can misbehave. StartFault serves one; the
// fault-injection tests (e2e/faults) run the whole engine against each.
type Fault string

// Transport-level faults apply to every connection; HTTP-level faults apply
// to chat-completion requests when StartFault is given a next handler (the
// rest of the API keeps working, as on a real provider whose model fails)
// and to every request otherwise.
const (
	// FaultRefused: nothing listens on the port (connection refused).
	FaultRefused Fault = "refused"
	// FaultReset: the connection is accepted, the request read, then reset
	// (RST, not FIN).
	FaultReset Fault = "reset"
	// FaultSilent: the connection is accepted and the request read; no byte
	// is ever written back.
	FaultSilent Fault = "silent"
	// FaultSlowHeaders: a status line, then one header line every
	// TrickleInterval; the blank line that ends the headers never comes.
	FaultSlowHeaders Fault = "slow-headers"
	// FaultHeaderFlood: a status line, then header lines as fast as the
	// client reads them, without end.
	FaultHeaderFlood Fault = "header-flood"
	// FaultTrickleBody: 200 and complete headers announcing a 1 MB JSON
	// body, then one body byte every TrickleInterval.
	FaultTrickleBody Fault = "trickle-body"
	// FaultHugeBody: 200 with a 10 MB (HugeBodySize) chat-completion JSON.
	FaultHugeBody Fault = "huge-body"
	// FaultSelfSignedTLS: https with a self-signed certificate (the next
	// handler, or a 404, behind it).
	FaultSelfSignedTLS Fault = "self-signed-tls"
	// FaultRedirectLoop: 307 from …/x to …/x/again and back, forever, on
	// the same host.
	FaultRedirectLoop Fault = "redirect-loop"
	// FaultCrossHostRedirect: 307 to the same path on another host
	// (127.0.0.2, or "localhost" where 127.0.0.2 cannot be bound), where
	// next (or a 404) is served.
	FaultCrossHostRedirect Fault = "cross-host-redirect"
	// FaultJSONError200: HTTP 200 whose JSON carries an OpenRouter error
	// object (502 "Provider returned error"), as OpenRouter answers once a
	// model has started.
	FaultJSONError200 Fault = "json-error-200"
	// FaultSSEError200: HTTP 200 text/event-stream whose event carries an
	// error object.
	FaultSSEError200 Fault = "sse-error-200"
	// FaultTruncatedJSON: HTTP 200, correctly framed, whose JSON body stops
	// in the middle of a string.
	FaultTruncatedJSON Fault = "truncated-json"
	// FaultHTMLErrorPage: nginx's HTML 502 Bad Gateway page.
	FaultHTMLErrorPage Fault = "html-502"
	// FaultRetryAfterHour: 429 with `Retry-After: 3600` and OpenRouter's
	// rate-limit body.
	FaultRetryAfterHour Fault = "retry-after-hour"
)

// Faults lists every fault, transport-level first.
var Faults = []Fault{
	FaultRefused, FaultReset, FaultSilent, FaultSlowHeaders, FaultHeaderFlood, FaultTrickleBody,
	FaultHugeBody, FaultSelfSignedTLS, FaultRedirectLoop, FaultCrossHostRedirect, FaultJSONError200,
	FaultSSEError200, FaultTruncatedJSON, FaultHTMLErrorPage, FaultRetryAfterHour,
}

// Parameters of the faults.
const (
	// TrickleInterval is the pause between the bytes of FaultSlowHeaders
	// and FaultTrickleBody.
	TrickleInterval = 50 * time.Millisecond
	// HugeBodySize is the body size of FaultHugeBody.
	HugeBodySize = 10 << 20
	// RetryAfterHour is the Retry-After of FaultRetryAfterHour, in seconds.
	RetryAfterHour = 3600
	// FaultProviderMessage is the provider error of the error-on-200 faults.
	FaultProviderMessage = "Provider returned error"
)

// FaultServer is a running fault.
type FaultServer struct {
	// Fault is what the server does.
	Fault Fault
	// URL is the server's root (http://… or https://…); for FaultRefused
	// a URL nothing listens on.
	URL string
	// Addr is host:port of URL.
	Addr string
	// CertPool trusts the certificate of a FaultSelfSignedTLS server (nil
	// otherwise): a client given it completes the handshake, which proves
	// the fault is the trust and nothing else.
	CertPool *x509.CertPool
	// Target is the URL a FaultCrossHostRedirect redirects to ("" otherwise).
	Target string

	closers []func() error
	once    sync.Once
	err     error
}

// Close stops every server the fault started and waits until their
// connections and goroutines are gone. It is safe to call twice.
func (s *FaultServer) Close() error {
	s.once.Do(func() {
		var errs []error
		for i := len(s.closers) - 1; i >= 0; i-- {
			errs = append(errs, s.closers[i]())
		}
		s.err = errors.Join(errs...)
	})
	return s.err
}

// StartFault starts a server on host (a loopback IP; "" means 127.0.0.1)
// that exhibits f. next is the API the fault sits in front of (e.g. an
// *OpenRouter): HTTP-level faults hit only chat completions and pass every
// other request to it; nil makes every request fail. The caller must call
// Close.
func StartFault(host string, f Fault, next http.Handler) (*FaultServer, error) {
	if host == "" {
		host = "127.0.0.1"
	}
	if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("sim: refusing to listen on %q: not a loopback address", host)
	}
	fs := &FaultServer{Fault: f}
	var err error
	switch f {
	case FaultRefused:
		err = fs.startRefused(host)
	case FaultReset, FaultSilent, FaultSlowHeaders, FaultHeaderFlood, FaultTrickleBody:
		err = fs.startRaw(host, f)
	case FaultSelfSignedTLS:
		err = fs.startTLS(host, next)
	case FaultCrossHostRedirect:
		err = fs.startCrossHost(host, next)
	case FaultHugeBody, FaultRedirectLoop, FaultJSONError200, FaultSSEError200, FaultTruncatedJSON,
		FaultHTMLErrorPage, FaultRetryAfterHour:
		var srv *Server
		if srv, err = Listen(host, FaultHandler(f, next)); err == nil {
			fs.URL, fs.Addr = srv.URL, srv.Addr
			fs.closers = append(fs.closers, srv.Close)
		}
	default:
		return nil, fmt.Errorf("sim: unknown fault %q", f)
	}
	if err != nil {
		_ = fs.Close()
		return nil, err
	}
	return fs, nil
}

// startRefused reserves a free port and releases it: connecting to it is
// refused (the kernel does not hand out a just-closed port again at once).
func (s *FaultServer) startRefused(host string) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("sim: listen on %s: %w", host, err)
	}
	s.Addr = ln.Addr().String()
	s.URL = "http://" + s.Addr
	return ln.Close()
}

// startTLS serves next behind a fresh self-signed certificate.
func (s *FaultServer) startTLS(host string, next http.Handler) error {
	if next == nil {
		next = http.NotFoundHandler()
	}
	cert, pool, err := selfSigned()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("sim: listen on %s: %w", host, err)
	}
	base, cancel := context.WithCancel(context.Background())
	srv := &Server{
		URL:    "https://" + ln.Addr().String(),
		Addr:   ln.Addr().String(),
		cancel: cancel,
		served: make(chan struct{}),
		srv: &http.Server{
			Handler:           next,
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return base },
			// Every client that does not trust the certificate makes the
			// server log a handshake error; that is the point here.
			ErrorLog: log.New(io.Discard, "", 0),
		},
	}
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	go func() {
		defer close(srv.served)
		_ = srv.srv.Serve(tl)
	}()
	s.URL, s.Addr, s.CertPool = srv.URL, srv.Addr, pool
	s.closers = append(s.closers, srv.Close)
	return nil
}

// selfSigned makes a throw-away ECDSA certificate for the loopback names,
// signed by itself.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "hopcheck-sim self-signed"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv4(127, 0, 0, 2), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// startCrossHost serves next on another loopback host and a 307 redirect to
// it on host.
func (s *FaultServer) startCrossHost(host string, next http.Handler) error {
	if next == nil {
		next = http.NotFoundHandler()
	}
	other := "127.0.0.2"
	if host == other {
		other = "127.0.0.1"
	}
	target, err := Listen(other, next)
	targetURL := ""
	if err == nil {
		targetURL = target.URL
	} else {
		// Not every OS routes all of 127/8: "localhost" is another host
		// name for the same address and still another origin.
		if target, err = Listen(host, next); err != nil {
			return err
		}
		targetURL = "http://localhost:" + target.Addr[strings.LastIndex(target.Addr, ":")+1:]
	}
	s.closers = append(s.closers, target.Close)
	front, err := Listen(host, Redirect(targetURL, http.StatusTemporaryRedirect))
	if err != nil {
		return err
	}
	s.closers = append(s.closers, front.Close)
	s.URL, s.Addr, s.Target = front.URL, front.Addr, targetURL
	return nil
}

// FaultHandler returns the HTTP-level part of fault f (FaultHugeBody,
// FaultRedirectLoop, FaultJSONError200, FaultSSEError200,
// FaultTruncatedJSON, FaultHTMLErrorPage, FaultRetryAfterHour). With next
// set only chat completions get the fault; other requests go to next.
// Transport-level faults need StartFault; given one, the handler answers
// 500.
func FaultHandler(f Fault, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next != nil && !isChat(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		}
		switch f {
		case FaultHugeBody:
			hugeBody(w)
		case FaultRedirectLoop:
			// Every path bounces between …/x and …/x/again on this host.
			to := r.URL.Path + "/again"
			if p, ok := strings.CutSuffix(r.URL.Path, "/again"); ok {
				to = p
			}
			w.Header().Set("Location", to)
			nginxPage(w, http.StatusTemporaryRedirect)
		case FaultJSONError200:
			writeJSON(w, http.StatusOK, map[string]any{
				"id": "gen-1764329731-fault", "object": "chat.completion", "created": 1764329731,
				"model": "anthropic/claude-sonnet-4.5", "provider": "Anthropic",
				"choices": []any{},
				"error": map[string]any{"code": 502, "message": FaultProviderMessage,
					"metadata": map[string]any{"provider_name": "Anthropic",
						"raw": `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`}},
			})
		case FaultSSEError200:
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, ": OPENROUTER PROCESSING\n\n"+
				`data: {"id":"gen-1764329731-fault","object":"chat.completion.chunk","created":1764329731,`+
				`"model":"anthropic/claude-sonnet-4.5","provider":"Anthropic",`+
				`"error":{"code":502,"message":"`+FaultProviderMessage+`"},`+
				`"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}`+"\n\n"+
				"data: [DONE]\n\n")
		case FaultTruncatedJSON:
			body := `{"id":"gen-1764329731-fault","object":"chat.completion","created":1764329731,` +
				`"model":"anthropic/claude-sonnet-4.5","choices":[{"index":0,"message":{"role":"assistant","content":"O`
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, body)
		case FaultHTMLErrorPage:
			nginxPage(w, http.StatusBadGateway)
		case FaultRetryAfterHour:
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfterHour))
			orError(w, http.StatusTooManyRequests, MsgRateLimitFreeModels, nil, "")
		default:
			http.Error(w, "sim: fault "+string(f)+" is not an HTTP-level fault", http.StatusInternalServerError)
		}
	})
}

func isChat(r *http.Request) bool {
	return r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/chat/completions") ||
		strings.HasSuffix(r.URL.Path, "/messages") || strings.HasSuffix(r.URL.Path, "/completions"))
}

// hugeBody writes a 10 MB chat completion whose content is padding.
func hugeBody(w http.ResponseWriter) {
	head := `{"id":"gen-1764329731-fault","object":"chat.completion","created":1764329731,` +
		`"model":"anthropic/claude-sonnet-4.5","choices":[{"index":0,"message":{"role":"assistant","content":"`
	tail := `"},"finish_reason":"stop"}]}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(HugeBodySize))
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, head); err != nil {
		return
	}
	chunk := []byte(strings.Repeat("O", 32<<10))
	for left := HugeBodySize - len(head) - len(tail); left > 0; {
		n := min(left, len(chunk))
		if _, err := w.Write(chunk[:n]); err != nil {
			return // the client stopped reading: the point of a body cap
		}
		left -= n
	}
	_, _ = io.WriteString(w, tail)
}

// rawServer accepts TCP connections on loopback and hands each to a fault
// that misbehaves below HTTP.
type rawServer struct {
	ln    net.Listener
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (s *FaultServer) startRaw(host string, f Fault) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("sim: listen on %s: %w", host, err)
	}
	rs := &rawServer{ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	rs.wg.Add(1)
	go rs.accept(f)
	s.Addr = ln.Addr().String()
	s.URL = "http://" + s.Addr
	s.closers = append(s.closers, rs.close)
	return nil
}

func (rs *rawServer) accept(f Fault) {
	defer rs.wg.Done()
	for {
		c, err := rs.ln.Accept()
		if err != nil {
			return
		}
		rs.mu.Lock()
		select {
		case <-rs.done:
			rs.mu.Unlock()
			_ = c.Close()
			return
		default:
		}
		rs.conns[c] = struct{}{}
		rs.wg.Add(1)
		rs.mu.Unlock()
		go func() {
			defer rs.wg.Done()
			defer func() {
				rs.mu.Lock()
				delete(rs.conns, c)
				rs.mu.Unlock()
				_ = c.Close()
			}()
			rs.serve(f, c)
		}()
	}
}

// close stops accepting, closes every connection (which ends their
// handlers) and waits for all goroutines.
func (rs *rawServer) close() error {
	rs.mu.Lock()
	close(rs.done)
	err := rs.ln.Close()
	for c := range rs.conns {
		_ = c.Close()
	}
	rs.mu.Unlock()
	rs.wg.Wait()
	return err
}

func (rs *rawServer) serve(f Fault, c net.Conn) {
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
	switch f {
	case FaultReset:
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close sends RST instead of FIN
		}
	case FaultSilent:
		// Hold the connection, unanswered, until the client gives up (the
		// read sees EOF) or the server closes.
		_, _ = io.Copy(io.Discard, br)
	case FaultSlowHeaders:
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"); err != nil {
			return
		}
		rs.trickle(c, "X-Still-Thinking: yes\r\n")
	case FaultHeaderFlood:
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\n"); err != nil {
			return
		}
		line := []byte("X-Pad: " + strings.Repeat("a", 1000) + "\r\n")
		for {
			if _, err := c.Write(line); err != nil {
				return
			}
			select {
			case <-rs.done:
				return
			default:
			}
		}
	case FaultTrickleBody:
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{"); err != nil {
			return
		}
		rs.trickle(c, " ")
	}
}

// trickle writes s every TrickleInterval until the client or the server
// closes the connection.
func (rs *rawServer) trickle(c net.Conn, s string) {
	t := time.NewTicker(TrickleInterval)
	defer t.Stop()
	for {
		select {
		case <-rs.done:
			return
		case <-t.C:
			if _, err := io.WriteString(c, s); err != nil {
				return
			}
		}
	}
}

// NXDomainResolver returns a resolver for probe.Client.Resolver that
// answers every query with NXDOMAIN. It never sends a packet: each lookup
// talks DNS over an in-memory pipe to a responder goroutine, so a test of an
// unresolvable host needs no network and cannot leak a query to the
// system's DNS server. (Go's resolver sends a lookup of a `.invalid` name
// to the configured server like any other, so the name alone is not
// enough.)
func NXDomainResolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			client, server := net.Pipe()
			go func() {
				defer server.Close()
				serveNXDomain(server)
			}()
			return client, nil
		},
	}
}

// serveNXDomain answers DNS queries on c with NXDOMAIN until c closes. A
// net.Pipe is not a PacketConn, so Go's resolver speaks the TCP framing
// (a 2-byte length before each message). Written by hand: the responder
// only copies the question back with the answer flags set, which needs no
// DNS library.
func serveNXDomain(c net.Conn) {
	for {
		var n uint16
		if binary.Read(c, binary.BigEndian, &n) != nil {
			return
		}
		q := make([]byte, n)
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		// Skip the question name (labels up to a zero byte), then QTYPE
		// and QCLASS.
		i := 12
		for i < len(q) && q[i] != 0 {
			i += 1 + int(q[i])
		}
		end := i + 5
		if end > len(q) {
			return
		}
		resp := append([]byte(nil), q[:end]...)
		resp[2] = 0x80 | (q[2] & 0x01) // QR, keep RD
		resp[3] = 0x80 | 3             // RA, NXDOMAIN
		binary.BigEndian.PutUint16(resp[4:], 1)
		binary.BigEndian.PutUint16(resp[6:], 0)
		binary.BigEndian.PutUint16(resp[8:], 0)
		binary.BigEndian.PutUint16(resp[10:], 0)
		out := binary.BigEndian.AppendUint16(nil, uint16(len(resp)))
		if _, err := c.Write(append(out, resp...)); err != nil {
			return
		}
	}
}
