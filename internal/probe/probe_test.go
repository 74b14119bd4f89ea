package probe

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

func TestNewDefaults(t *testing.T) {
	c := New(nil)
	if c.Timeout != 8*time.Second || c.MaxRetries != 2 || c.RetryAfterCap != 5*time.Second ||
		c.BodyLimit != 64<<10 || c.UserAgent != "hopcheck/"+Version {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestOKTimingsIPLiteral(t *testing.T) {
	var ua string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer ts.Close()

	res := do(t, testClient(nil), Request{Method: "GET", URL: ts.URL + "/v1/models"})
	if res.Err != nil || res.Status != 200 || string(res.Body) != `{"ok":true}` || res.Attempts != 1 {
		t.Fatalf("got %+v err=%+v", res, res.Err)
	}
	if ua != "hopcheck/dev" {
		t.Errorf("User-Agent = %q", ua)
	}
	tm := res.Timings
	if tm.DNS != nil {
		t.Errorf("dns = %v for an IP literal, want absent", *tm.DNS)
	}
	if tm.TLS != nil {
		t.Errorf("tls = %v for plain http, want absent", *tm.TLS)
	}
	for name, p := range map[string]*float64{"connect": tm.Connect, "ttfb": tm.TTFB, "total": tm.Total} {
		if p == nil || *p < 0 {
			t.Errorf("%s = %v, want present and >= 0", name, p)
		}
	}
	if *tm.Total < *tm.TTFB {
		t.Errorf("total %v < ttfb %v", *tm.Total, *tm.TTFB)
	}
	if res.URL != ts.URL+"/v1/models" {
		t.Errorf("URL = %q", res.URL)
	}
}

func TestDNSPhaseWithHostname(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ts.Close()
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())

	c := testClient(nil)
	r, fake := newFakeResolver(t)
	c.Resolver = r
	res := do(t, c, Request{URL: "http://probe.test:" + port + "/"})
	if res.Err != nil || res.Status != 200 {
		t.Fatalf("got %+v err=%+v", res, res.Err)
	}
	if res.Timings.DNS == nil || *res.Timings.DNS < 0 {
		t.Fatalf("dns phase absent for a host name")
	}
	if fake.queries.Load() == 0 {
		t.Fatal("the fake resolver was not used")
	}
}

func TestUnresolvableHost(t *testing.T) {
	c := testClient(nil)
	r, fake := newFakeResolver(t)
	c.Resolver = r
	res := do(t, c, Request{URL: "http://nonexistent.invalid/v1/models"})
	if res.Status != 0 || res.Err == nil {
		t.Fatalf("got %+v", res)
	}
	if res.Err.Cause != finding.Unreachable || res.Err.Phase != "dns" {
		t.Fatalf("err = %+v, want unreachable/dns", res.Err)
	}
	if res.Attempts != 1 {
		t.Errorf("attempts = %d, dns failures are not retried", res.Attempts)
	}
	if fake.queries.Load() == 0 {
		t.Fatal("the fake resolver was not used")
	}
	if res.Timings.Connect != nil || res.Timings.TTFB != nil {
		t.Errorf("unreached phases present: %+v", res.Timings)
	}
}

func quietTLSServer(h http.Handler) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted test makes it log handshake errors
	ts.StartTLS()
	return ts
}

func TestTLSTrusted(t *testing.T) {
	ts := quietTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ts.Close()
	c := testClient(nil)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	c.RootCAs = pool
	res := do(t, c, Request{URL: ts.URL})
	if res.Err != nil || res.Status != 200 {
		t.Fatalf("got %+v err=%+v", res, res.Err)
	}
	if res.Timings.TLS == nil || res.Timings.Connect == nil || res.Timings.TTFB == nil {
		t.Fatalf("timings %+v: tls, connect and ttfb must be present", res.Timings)
	}
}

func TestTLSUntrusted(t *testing.T) {
	h := &hitCounter{h: func(w http.ResponseWriter, r *http.Request) {}}
	ts := quietTLSServer(h)
	defer ts.Close()
	res := do(t, testClient(nil), Request{URL: ts.URL})
	if res.Err == nil || res.Err.Cause != finding.TLSError || res.Err.Phase != "tls" {
		t.Fatalf("err = %+v, want tls-error/tls", res.Err)
	}
	if res.Attempts != 1 || h.n.Load() != 0 {
		t.Errorf("attempts %d, handler hits %d: TLS failures are not retried", res.Attempts, h.n.Load())
	}
	if !strings.Contains(res.Err.Message, "certificate") {
		t.Errorf("message %q does not say why", res.Err.Message)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const key = "sk-or-v1-1111111111111111111111111111111111111111111111111111111111111111"
	s := &secret.Scrubber{}
	s.Add(key)
	res := do(t, testClient(s), Request{URL: "http://" + addr + "/v1?key=" + key})
	if res.Err == nil || res.Err.Cause != finding.Unreachable || res.Err.Phase != "connect" {
		t.Fatalf("err = %+v, want unreachable/connect", res.Err)
	}
	if res.Attempts != 1 {
		t.Errorf("attempts = %d, refused is not retried", res.Attempts)
	}
	if strings.Contains(res.Err.Message, key[:20]) || strings.Contains(res.URL, key[:20]) {
		t.Errorf("secret in message %q / url %q", res.Err.Message, res.URL)
	}
	if !strings.Contains(res.Err.Message, "refused") {
		t.Errorf("message %q", res.Err.Message)
	}
}

func TestAcceptThenSilence(t *testing.T) {
	srv := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.Copy(io.Discard, c) // never answer; returns when the client hangs up
	})
	c := testClient(nil)
	c.MaxRetries = 0
	res := do(t, c, Request{URL: srv.URL()})
	if res.Err == nil || res.Err.Cause != finding.Timeout || res.Err.Phase != "ttfb" {
		t.Fatalf("err = %+v, want timeout/ttfb", res.Err)
	}
	if res.Timings.Connect == nil || res.Timings.TTFB != nil {
		t.Errorf("timings %+v: connect present, ttfb absent expected", res.Timings)
	}

	// Timeouts are retried.
	c.MaxRetries = 1
	before := srv.Accepted()
	res = do(t, c, Request{URL: srv.URL()})
	if res.Attempts != 2 || srv.Accepted()-before != 2 || res.Err == nil || res.Err.Cause != finding.Timeout {
		t.Fatalf("attempts %d, connections %d, err %+v", res.Attempts, srv.Accepted()-before, res.Err)
	}
	// The message gives the time of both attempts, not the last one's.
	m := regexp.MustCompile(`^timed out after (\S+) in total over 2 attempts \(the last waiting for response headers from `).FindStringSubmatch(res.Err.Message)
	if m == nil {
		t.Fatalf("message %q does not state the total over the attempts", res.Err.Message)
	}
	if d, err := time.ParseDuration(m[1]); err != nil || d < 2*c.Timeout {
		t.Errorf("message %q: total %s, want at least two attempts of %s", res.Err.Message, m[1], c.Timeout)
	}
}

func TestOverallDeadlineWins(t *testing.T) {
	srv := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.Copy(io.Discard, c)
	})
	c := testClient(nil)
	c.Timeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res := c.Do(ctx, Request{URL: srv.URL()})
	if res.Err == nil || res.Err.Cause != finding.Timeout || res.Err.Phase != "ttfb" {
		t.Fatalf("err = %+v", res.Err)
	}
	if res.Attempts != 1 {
		t.Errorf("attempts = %d: no retry once the overall deadline passed", res.Attempts)
	}
	if res.Timings.Total == nil || *res.Timings.Total > 30000 {
		t.Errorf("total %v: the per-attempt minute was not cut by ctx", res.Timings.Total)
	}
}

func TestHeadersNeverEnd(t *testing.T) {
	srv := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\n")
		for i := 0; i < 500; i++ {
			if _, err := io.WriteString(c, "X-Slow: a\r\n"); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	c := testClient(nil)
	c.MaxRetries = 0
	res := do(t, c, Request{URL: srv.URL()})
	if res.Err == nil || res.Err.Cause != finding.Timeout || res.Err.Phase != "ttfb" {
		t.Fatalf("err = %+v, want timeout/ttfb", res.Err)
	}
}

// A server that answers with something net/http refuses (an endless
// header block, a status line that is not HTTP) was reached: upstream-error
// at ttfb, not unreachable.
func TestUnreadableResponse(t *testing.T) {
	for name, answer := range map[string]func(c net.Conn){
		"headers over the cap": func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\n")
			line := "X-Pad: " + strings.Repeat("a", 1000) + "\r\n"
			for i := 0; i < 400; i++ {
				if _, err := io.WriteString(c, line); err != nil {
					return
				}
			}
		},
		"not HTTP": func(c net.Conn) { io.WriteString(c, "HTTP/1.1 OK-ish\r\n\r\n") },
	} {
		t.Run(name, func(t *testing.T) {
			srv := testutil.NewRawServer(t, func(c net.Conn) {
				readRequest(c)
				answer(c)
			})
			c := testClient(nil)
			c.MaxRetries = 0
			res := do(t, c, Request{URL: srv.URL()})
			if res.Err == nil || res.Err.Cause != finding.UpstreamError || res.Err.Phase != "ttfb" || !strings.Contains(res.Err.Message, "cannot read") {
				t.Fatalf("err = %+v, want upstream-error at ttfb", res.Err)
			}
		})
	}
}

func TestTrickleBody(t *testing.T) {
	srv := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		for i := 0; i < 500; i++ {
			if _, err := io.WriteString(c, " "); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	c := testClient(nil)
	c.MaxRetries = 0
	res := do(t, c, Request{URL: srv.URL()})
	if res.Err == nil || res.Err.Cause != finding.Timeout || res.Err.Phase != "body" {
		t.Fatalf("err = %+v, want timeout/body", res.Err)
	}
	if res.Status != 0 || res.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(string(res.Body), "{") {
		t.Errorf("status %d header %v body %q: want 0 with the partial evidence kept", res.Status, res.Header, res.Body)
	}
	if res.Timings.TTFB == nil {
		t.Error("ttfb absent although headers arrived")
	}
}

func TestResetAfterAccept(t *testing.T) {
	srv := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		c.(*net.TCPConn).SetLinger(0) // RST instead of FIN
	})
	res := do(t, testClient(nil), Request{URL: srv.URL()})
	if res.Err == nil || res.Err.Cause != finding.Unreachable || res.Err.Phase != "request" {
		t.Fatalf("err = %+v, want unreachable/request", res.Err)
	}
	if res.Attempts != 3 || srv.Accepted() != 3 {
		t.Errorf("attempts %d connections %d: resets are retried twice", res.Attempts, srv.Accepted())
	}
}

func TestBodyLimit(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	var endlessWrote atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/10mb", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) })
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("y", 32<<10))
		for {
			n, err := w.Write(chunk)
			endlessWrote.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c := testClient(nil)
	c.Timeout = 5 * time.Second // reading it all would end in a timeout, not in Truncated
	for _, path := range []string{"/10mb", "/endless"} {
		res := do(t, c, Request{URL: ts.URL + path})
		if res.Err != nil || res.Status != 200 || !res.Truncated || len(res.Body) != 64<<10 {
			t.Fatalf("%s: status %d truncated %v len %d err %+v", path, res.Status, res.Truncated, len(res.Body), res.Err)
		}
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, code := range []int{400, 401, 402, 403, 404} {
		h := &hitCounter{h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }}
		ts := httptest.NewServer(h)
		res := do(t, testClient(nil), Request{URL: ts.URL})
		ts.Close()
		if res.Status != code || res.Attempts != 1 || h.n.Load() != 1 {
			t.Errorf("%d: status %d attempts %d hits %d", code, res.Status, res.Attempts, h.n.Load())
		}
	}
}

func TestRetry503Then200(t *testing.T) {
	h := &hitCounter{}
	h.h = func(w http.ResponseWriter, r *http.Request) {
		if h.n.Load() == 1 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, "ok")
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	res := do(t, testClient(nil), Request{URL: ts.URL})
	if res.Status != 200 || res.Attempts != 2 || h.n.Load() != 2 || string(res.Body) != "ok" {
		t.Fatalf("status %d attempts %d hits %d", res.Status, res.Attempts, h.n.Load())
	}
}

// TestPOSTNeverRetriedUnlessRejected: a POST (the billed inference canary)
// is sent again only after a 429; a 5xx (with or without Retry-After) may
// come from a gateway that already forwarded it, so it is sent once.
func TestPOSTNeverRetriedUnlessRejected(t *testing.T) {
	for _, tc := range []struct {
		status     int
		retryAfter string
		want       int32
	}{
		{500, "", 1}, {502, "", 1}, {503, "", 1}, {503, "1", 1}, {504, "", 1},
		{429, "", 2}, {429, "1", 2},
	} {
		h := &hitCounter{}
		h.h = func(w http.ResponseWriter, r *http.Request) {
			if h.n.Load() == 1 {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				return
			}
			io.WriteString(w, "ok")
		}
		ts := httptest.NewServer(h)
		res := do(t, testClient(nil), Request{Method: http.MethodPost, URL: ts.URL, Body: []byte(`{}`)})
		ts.Close()
		if h.n.Load() != tc.want || res.Attempts != int(tc.want) {
			t.Errorf("POST answered %d (Retry-After %q): sent %d times (attempts %d), want %d", tc.status, tc.retryAfter, h.n.Load(), res.Attempts, tc.want)
		}
	}
}

// TestPOSTNotRetriedAfterTimeoutOrReset: a POST that timed out or whose
// connection was reset after it was written may have been processed.
func TestPOSTNotRetriedAfterTimeoutOrReset(t *testing.T) {
	silent := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.Copy(io.Discard, c)
	})
	reset := testutil.NewRawServer(t, func(c net.Conn) {
		readRequest(c)
		c.(*net.TCPConn).SetLinger(0)
	})
	for name, srv := range map[string]*testutil.RawServer{"timeout": silent, "reset": reset} {
		c := testClient(nil)
		c.MaxRetries = 2
		res := do(t, c, Request{Method: http.MethodPost, URL: srv.URL(), Body: []byte(`{"model":"m"}`)})
		if res.Err == nil || res.Attempts != 1 || srv.Accepted() != 1 {
			t.Errorf("%s: POST sent %d times (attempts %d, err %+v), want once", name, srv.Accepted(), res.Attempts, res.Err)
		}
	}
}

func TestRetriesExhausted(t *testing.T) {
	h := &hitCounter{h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }}
	ts := httptest.NewServer(h)
	defer ts.Close()
	res := do(t, testClient(nil), Request{URL: ts.URL})
	if res.Status != 502 || res.Attempts != 3 || h.n.Load() != 3 || res.Err != nil {
		t.Fatalf("status %d attempts %d hits %d", res.Status, res.Attempts, h.n.Load())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var mu sync.Mutex
	var hits []time.Time
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, time.Now())
		n := len(hits)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer ts.Close()
	res := do(t, testClient(nil), Request{URL: ts.URL})
	if res.Status != 200 || res.Attempts != 2 || res.RetryAfter != time.Second {
		t.Fatalf("status %d attempts %d retry-after %v", res.Status, res.Attempts, res.RetryAfter)
	}
	mu.Lock()
	defer mu.Unlock()
	if gap := hits[1].Sub(hits[0]); gap < 950*time.Millisecond {
		t.Errorf("second attempt after %v, Retry-After: 1 not waited", gap)
	}
}

func TestRetryAfterBeyondCapNotWaited(t *testing.T) {
	h := &hitCounter{h: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}}
	ts := httptest.NewServer(h)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := testClient(nil).Do(ctx, Request{URL: ts.URL})
	if res.Status != 429 || res.Attempts != 1 || h.n.Load() != 1 || res.RetryAfter != time.Hour {
		t.Fatalf("status %d attempts %d hits %d retry-after %v", res.Status, res.Attempts, h.n.Load(), res.RetryAfter)
	}
	if ctx.Err() != nil {
		t.Fatal("Do waited for the Retry-After")
	}
}

func TestRetryAfterParse(t *testing.T) {
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		status int
		ra     string
		want   time.Duration
		ok     bool
	}{
		{429, "7", 7 * time.Second, true},
		{503, date.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{429, date.Add(-time.Minute).Format(http.TimeFormat), 0, false},
		{429, "soon", 0, false},
		{429, "-3", 0, false},
		{200, "7", 0, false},
	} {
		resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
		resp.Header.Set("Retry-After", tc.ra)
		resp.Header.Set("Date", date.Format(http.TimeFormat))
		got, ok := retryAfter(resp)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%d %q: got %v %v, want %v %v", tc.status, tc.ra, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	for n, lo := range map[int]time.Duration{1: 150 * time.Millisecond, 2: 300 * time.Millisecond} {
		for i := 0; i < 100; i++ {
			if d := backoff(n); d < lo || d >= lo*5/3 {
				t.Fatalf("backoff(%d) = %v", n, d)
			}
		}
	}
}

func TestCrossHostRedirectNotFollowed(t *testing.T) {
	h := &hitCounter{}
	ts := httptest.NewServer(h)
	defer ts.Close()
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	h.h = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/api/v1/chat/completions", http.StatusTemporaryRedirect)
	}
	res := do(t, testClient(nil), Request{Method: "POST", URL: ts.URL + "/v1/chat/completions", Body: []byte(`{}`),
		Header: http.Header{"Authorization": {"Bearer k"}}})
	rd := res.Redirect
	if res.Status != 307 || rd == nil || !rd.CrossHost || h.n.Load() != 1 {
		t.Fatalf("status %d redirect %+v hits %d", res.Status, rd, h.n.Load())
	}
	if rd.FromHost != "127.0.0.1:"+port || rd.ToHost != "127.0.0.2:"+port ||
		rd.Location != "http://127.0.0.2:"+port+"/api/v1/chat/completions" || rd.Status != 307 {
		t.Errorf("redirect %+v", rd)
	}
}

func TestSameHostRedirectFollowed(t *testing.T) {
	h := &hitCounter{}
	h.h = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1" {
			w.Header().Set("Location", "/v1/") // relative: resolved against the request
			w.WriteHeader(http.StatusPermanentRedirect)
			return
		}
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s %s", r.Method, r.URL.Path, r.Header.Get("Authorization"), b)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	res := do(t, testClient(nil), Request{Method: "POST", URL: ts.URL + "/v1", Body: []byte(`{"m":1}`),
		Header: http.Header{"Authorization": {"Bearer k"}}})
	if res.Status != 200 || res.Redirect != nil || res.Redirects != 1 || res.Attempts != 1 {
		t.Fatalf("status %d redirect %+v redirects %d", res.Status, res.Redirect, res.Redirects)
	}
	if got := string(res.Body); got != `POST /v1/ Bearer k {"m":1}` {
		t.Errorf("followed request = %q: method, headers and body must be re-sent", got)
	}
	if res.URL != ts.URL+"/v1/" {
		t.Errorf("URL = %q", res.URL)
	}
}

func TestSameHost301POSTNotFollowed(t *testing.T) {
	h := &hitCounter{h: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v1/", http.StatusMovedPermanently)
	}}
	ts := httptest.NewServer(h)
	defer ts.Close()
	res := do(t, testClient(nil), Request{Method: "POST", URL: ts.URL + "/v1", Body: []byte(`{}`)})
	if res.Status != 301 || res.Redirect == nil || res.Redirect.CrossHost || h.n.Load() != 1 {
		t.Fatalf("status %d redirect %+v hits %d", res.Status, res.Redirect, h.n.Load())
	}
	if res.Redirect.Location != ts.URL+"/v1/" {
		t.Errorf("location %q", res.Redirect.Location)
	}
}

func TestRedirectLoopEnds(t *testing.T) {
	h := &hitCounter{}
	h.h = func(w http.ResponseWriter, r *http.Request) {
		next := "/a"
		if r.URL.Path == "/a" {
			next = "/b"
		}
		http.Redirect(w, r, next, http.StatusFound)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	res := do(t, testClient(nil), Request{URL: ts.URL + "/a"})
	if res.Status != 302 || res.Redirect == nil || res.Redirect.CrossHost || res.Redirects != 3 || h.n.Load() != 4 {
		t.Fatalf("status %d redirect %+v redirects %d hits %d", res.Status, res.Redirect, res.Redirects, h.n.Load())
	}
}

func TestSecretsScrubbed(t *testing.T) {
	const key = "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"
	s := &secret.Scrubber{}
	s.Add(key)
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":"Received API Key = %s","b64":"%s","partial":"%s…"}`,
			key, base64.StdEncoding.EncodeToString([]byte(key)), key[:22])
	})
	mux.HandleFunc("/go", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://127.0.0.2:1/cb?key="+key)
		w.WriteHeader(302)
		io.WriteString(w, "moved: "+key)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c := testClient(s)
	hdr := http.Header{"Authorization": {"Bearer " + key}}

	var outputs []string
	res := do(t, c, Request{URL: ts.URL + "/echo", Header: hdr})
	if res.Status != 401 {
		t.Fatalf("status %d", res.Status)
	}
	outputs = append(outputs, string(res.Body), fmt.Sprint(res.Header))
	res = do(t, c, Request{URL: ts.URL + "/go", Header: hdr})
	if res.Redirect == nil || !res.Redirect.CrossHost {
		t.Fatalf("redirect %+v", res.Redirect)
	}
	outputs = append(outputs, string(res.Body), fmt.Sprint(res.Header), res.Redirect.Location, res.URL)
	if !strings.Contains(outputs[0], secret.Fingerprint(key)) {
		t.Errorf("body %q: want the fingerprint in place of the key", outputs[0])
	}
	for _, out := range outputs {
		for i := 0; i+12 <= len(key); i++ {
			if strings.Contains(out, key[i:i+12]) {
				t.Fatalf("output leaks part of the key at %d: %q", i, out)
			}
		}
	}
}

func TestSSEStopsAtDone(t *testing.T) {
	stop := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		io.WriteString(w, "data: {\"choices\":[]}\n\ndata: [DONE]\n\n")
		w.(http.Flusher).Flush()
		select { // keep the stream open until the client leaves
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer ts.Close()
	defer close(stop)
	c := testClient(nil)
	c.MaxRetries = 0
	res := do(t, c, Request{Method: "POST", URL: ts.URL, Body: []byte(`{"stream":true}`)})
	if res.Err != nil || res.Status != 200 {
		t.Fatalf("status %d err %+v: the stream must end at [DONE], not time out", res.Status, res.Err)
	}
	if !strings.Contains(string(res.Body), "data: [DONE]") || !strings.Contains(string(res.Body), "choices") {
		t.Errorf("body %q", res.Body)
	}
}

func TestInvalidURL(t *testing.T) {
	for _, u := range []string{"ftp://127.0.0.1/", "http://", "::"} {
		res := do(t, testClient(nil), Request{URL: u})
		if res.Err == nil || res.Status != 0 || res.Attempts != 0 {
			t.Errorf("%q: %+v", u, res)
		}
	}
}
