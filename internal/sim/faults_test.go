package sim

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// noRedirect is a client that returns redirects instead of following them.
func noRedirect(tr http.RoundTripper) *http.Client {
	return &http.Client{
		Transport:     tr,
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func plainTransport() *http.Transport {
	return &http.Transport{Proxy: nil, DisableKeepAlives: true}
}

func startFault(t *testing.T, f Fault, next http.Handler) *FaultServer {
	t.Helper()
	fs, err := StartFault("", f, next)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fs.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return fs
}

// rawRequest sends a minimal HTTP request on a fresh connection and
// returns the connection for reading.
func rawRequest(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET /api/v1/key HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStartFaultRefusesNonLoopbackAndUnknown(t *testing.T) {
	if _, err := StartFault("0.0.0.0", FaultSilent, nil); err == nil {
		t.Error("listening on 0.0.0.0 was allowed")
	}
	if _, err := StartFault("", Fault("nope"), nil); err == nil || !strings.Contains(err.Error(), "unknown fault") {
		t.Errorf("unknown fault: err = %v", err)
	}
}

func TestFaultRefused(t *testing.T) {
	fs := startFault(t, FaultRefused, nil)
	_, err := net.DialTimeout("tcp", fs.Addr, 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", fs.Addr, err)
	}
}

func TestFaultReset(t *testing.T) {
	fs := startFault(t, FaultReset, nil)
	c := rawRequest(t, fs.Addr)
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, err := c.Read(make([]byte, 1))
	if n != 0 || !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read: %d bytes, %v; want a reset without data", n, err)
	}
}

func TestFaultSilentAndCloseReleasesConnections(t *testing.T) {
	fs, err := StartFault("", FaultSilent, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := rawRequest(t, fs.Addr)
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.Is(err, syscall.EAGAIN) && !isTimeout(err) {
		t.Fatalf("read: %d bytes, %v; want silence", n, err)
	}
	// Close must not wait for the client to hang up.
	done := make(chan error, 1)
	go func() { done <- fs.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a held connection")
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Fatalf("after Close the connection is still open: %v", err)
	}
	if err := fs.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestFaultSlowHeaders(t *testing.T) {
	fs := startFault(t, FaultSlowHeaders, nil)
	c := rawRequest(t, fs.Addr)
	_ = c.SetReadDeadline(time.Now().Add(8 * TrickleInterval))
	data, err := io.ReadAll(c)
	if !isTimeout(err) {
		t.Fatalf("read ended with %v, want the deadline", err)
	}
	s := string(data)
	if !strings.HasPrefix(s, "HTTP/1.1 200 OK\r\n") || !strings.Contains(s, "X-Still-Thinking: yes\r\n") {
		t.Fatalf("got %q", s)
	}
	if strings.Contains(s, "\r\n\r\n") {
		t.Fatalf("the headers ended: %q", s)
	}
}

func TestFaultHeaderFlood(t *testing.T) {
	fs := startFault(t, FaultHeaderFlood, nil)
	c := rawRequest(t, fs.Addr)
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 1<<20)
	n, err := io.ReadFull(c, buf)
	if err != nil {
		t.Fatalf("read %d bytes: %v; want 1 MiB of headers quickly", n, err)
	}
	if strings.Contains(string(buf), "\r\n\r\n") {
		t.Fatal("the headers ended")
	}
}

func TestFaultTrickleBody(t *testing.T) {
	fs := startFault(t, FaultTrickleBody, nil)
	c := rawRequest(t, fs.Addr)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.ContentLength != 1<<20 {
		t.Fatalf("status %d length %d", resp.StatusCode, resp.ContentLength)
	}
	_ = c.SetReadDeadline(time.Now().Add(6 * TrickleInterval))
	body, err := io.ReadAll(resp.Body)
	if !isTimeout(err) {
		t.Fatalf("body ended with %v", err)
	}
	if len(body) < 2 || len(body) > 10 || body[0] != '{' {
		t.Fatalf("body %q: want a few bytes, one per interval", body)
	}
}

func TestFaultHugeBody(t *testing.T) {
	fs := startFault(t, FaultHugeBody, NewOpenRouter())
	hc := noRedirect(plainTransport())
	resp, err := hc.Post(fs.URL+"/api/v1/chat/completions", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(body) != HugeBodySize {
		t.Fatalf("status %d, %d bytes; want 200 and %d", resp.StatusCode, len(body), HugeBodySize)
	}
	var v struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(body, &v); err != nil || len(v.Choices) != 1 || len(v.Choices[0].Message.Content) < HugeBodySize-1000 {
		t.Fatalf("not a complete chat completion: %v", err)
	}
}

// A client that stops reading a huge body early must not keep the handler
// (and so Close) busy.
func TestFaultHugeBodyAbandoned(t *testing.T) {
	fs, err := StartFault("", FaultHugeBody, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirect(plainTransport()).Get(fs.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	done := make(chan struct{})
	go func() { fs.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(6 * time.Second):
		t.Fatal("Close blocked")
	}
}

func TestFaultSelfSignedTLS(t *testing.T) {
	or := NewOpenRouter()
	fs := startFault(t, FaultSelfSignedTLS, or)
	if !strings.HasPrefix(fs.URL, "https://127.0.0.1:") || fs.CertPool == nil {
		t.Fatalf("URL %q pool %v", fs.URL, fs.CertPool)
	}
	// The system roots do not trust it.
	_, err := noRedirect(plainTransport()).Get(fs.URL + "/api/v1/models")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("untrusted GET: %v, want an unknown authority", err)
	}
	// Trusting the certificate is enough to reach the API behind it.
	tr := plainTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: fs.CertPool}
	resp, err := noRedirect(tr).Get(fs.URL + "/api/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("trusted GET: status %d", resp.StatusCode)
	}
}

func TestFaultRedirectLoop(t *testing.T) {
	fs := startFault(t, FaultRedirectLoop, nil)
	hc := noRedirect(plainTransport())
	path := "/api/v1/chat/completions"
	seen := []string{}
	for i := 0; i < 4; i++ {
		resp, err := hc.Post(fs.URL+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTemporaryRedirect {
			t.Fatalf("status %d", resp.StatusCode)
		}
		path = resp.Header.Get("Location")
		seen = append(seen, path)
	}
	want := []string{"/api/v1/chat/completions/again", "/api/v1/chat/completions", "/api/v1/chat/completions/again", "/api/v1/chat/completions"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Fatalf("locations %v, want %v", seen, want)
	}
}

func TestFaultCrossHostRedirect(t *testing.T) {
	or := NewOpenRouter()
	fs := startFault(t, FaultCrossHostRedirect, or)
	resp, err := noRedirect(plainTransport()).Get(fs.URL + "/api/v1/models?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusTemporaryRedirect || loc != fs.Target+"/api/v1/models?x=1" {
		t.Fatalf("status %d location %q (target %q)", resp.StatusCode, loc, fs.Target)
	}
	if strings.HasPrefix(fs.Target, fs.URL) || fs.Target == "" {
		t.Fatalf("target %q is not another host than %q", fs.Target, fs.URL)
	}
	resp, err = noRedirect(plainTransport()).Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the target answered %d", resp.StatusCode)
	}
}

// The HTTP-level faults hit chat completions only; the rest of the API
// works.
func TestFaultHandlerAnswers(t *testing.T) {
	key := FakeOpenRouterKey("faults")
	cases := []struct {
		f      Fault
		status int
		ctype  string
		check  func(t *testing.T, h http.Header, body string)
	}{
		{FaultJSONError200, 200, "application/json", func(t *testing.T, _ http.Header, body string) {
			var v struct {
				Error struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error.Code != 502 || v.Error.Message != FaultProviderMessage {
				t.Errorf("body %s (%v)", body, err)
			}
		}},
		{FaultSSEError200, 200, "text/event-stream", func(t *testing.T, _ http.Header, body string) {
			if !strings.Contains(body, `"error":{"code":502`) || !strings.HasSuffix(body, "data: [DONE]\n\n") {
				t.Errorf("stream %q", body)
			}
		}},
		{FaultTruncatedJSON, 200, "application/json", func(t *testing.T, _ http.Header, body string) {
			if json.Valid([]byte(body)) || !strings.HasPrefix(body, `{"id":`) {
				t.Errorf("body %q is not truncated JSON", body)
			}
		}},
		{FaultHTMLErrorPage, 502, "text/html", func(t *testing.T, h http.Header, body string) {
			if !strings.Contains(body, "<center><h1>502 Bad Gateway</h1></center>") || h.Get("Server") != nginxVersion {
				t.Errorf("page %q server %q", body, h.Get("Server"))
			}
		}},
		{FaultRetryAfterHour, 429, "application/json", func(t *testing.T, h http.Header, body string) {
			if h.Get("Retry-After") != "3600" || !strings.Contains(body, "Rate limit exceeded") {
				t.Errorf("retry-after %q body %s", h.Get("Retry-After"), body)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(string(tc.f), func(t *testing.T) {
			fs := startFault(t, tc.f, NewOpenRouter(key))
			hc := noRedirect(plainTransport())
			req, _ := http.NewRequest(http.MethodPost, fs.URL+"/api/v1/chat/completions",
				strings.NewReader(`{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`))
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			tc.check(t, resp.Header, string(body))

			// The key endpoint is untouched.
			req, _ = http.NewRequest(http.MethodGet, fs.URL+"/api/v1/key", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err = hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET /key answered %d through the fault", resp.StatusCode)
			}
		})
	}
}

// Without a next handler every request gets the fault.
func TestFaultHandlerWithoutNext(t *testing.T) {
	fs := startFault(t, FaultHTMLErrorPage, nil)
	resp, err := noRedirect(plainTransport()).Get(fs.URL + "/api/v1/key")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestNXDomainResolver(t *testing.T) {
	r := NXDomainResolver()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, name := range []string{"api.openrouter.nx.invalid", "openrouter.ai", "litellm"} {
		_, err := r.LookupHost(ctx, name)
		var de *net.DNSError
		if !errors.As(err, &de) || !de.IsNotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
}

func TestFaultsListed(t *testing.T) {
	for _, f := range Faults {
		fs, err := StartFault("", f, nil)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !strings.HasPrefix(fs.URL, "http") || fs.Addr == "" {
			t.Errorf("%s: URL %q addr %q", f, fs.URL, fs.Addr)
		}
		if err := fs.Close(); err != nil {
			t.Errorf("%s: close: %v", f, err)
		}
	}
}
