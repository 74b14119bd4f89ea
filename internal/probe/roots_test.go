package probe

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/secret"
)

// rootsChild selects the body of TestRootsChild in a process of its own:
// the system roots are loaded once per process, from SSL_CERT_FILE and
// SSL_CERT_DIR as the parent test sets them.
const rootsChild = "HOPCHECK_TEST_ROOTS_CHILD"

// runRootsChild runs TestRootsChild in mode with the given system roots
// (certFile, certDir) and fails t with its output unless it passed.
func runRootsChild(t *testing.T, mode, certFile, certDir string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRootsChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), rootsChild+"="+mode, "SSL_CERT_FILE="+certFile, "SSL_CERT_DIR="+certDir,
		"GODEBUG=", "HTTPS_PROXY=", "https_proxy=", "HTTP_PROXY=", "http_proxy=", "ALL_PROXY=", "all_proxy=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestRootsChild") {
		t.Fatalf("child %s: %v\n%s", mode, err, out)
	}
}

// A FROM scratch image has no system roots: the first https request
// installs the embedded ones, and a public chain then verifies against the
// system roots. A plain-http request installs nothing.
func TestFallbackRootsWithoutSystemRoots(t *testing.T) {
	dir := t.TempDir() // empty: no certificate file, no certificate in the directory
	runRootsChild(t, "none", filepath.Join(dir, "missing.pem"), dir)
}

// Where the system has roots they are used as they are: the embedded
// bundle is not installed.
func TestSystemRootsKept(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "roots.pem")
	// httptest's certificate is the same in every process: the child's
	// server presents it too.
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	runRootsChild(t, "system", file, filepath.Join(dir, "no-such-dir"))
}

func TestRootsChild(t *testing.T) {
	mode := os.Getenv(rootsChild)
	if mode == "" {
		t.Skip("runs in a process of its own, started by TestFallbackRootsWithoutSystemRoots and TestSystemRootsKept")
	}
	c := testClient(&secret.Scrubber{})
	c.Timeout = 5 * time.Second
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer plain.Close()
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsSrv.StartTLS()
	defer tlsSrv.Close()

	switch mode {
	case "none":
		if systemHasRoots() {
			t.Fatal("the system roots should be empty with SSL_CERT_FILE and SSL_CERT_DIR pointing at nothing")
		}
		leaf, opts := publicChain(t)
		if _, err := leaf.Verify(opts); err == nil {
			t.Fatal("the public chain verified without any root")
		}
		if res := do(t, c, Request{URL: plain.URL}); res.Status != http.StatusNoContent {
			t.Fatalf("plain http: %+v", res)
		}
		if systemHasRoots() {
			t.Fatal("a plain-http request installed the embedded roots")
		}
		// httptest's certificate is in no bundle: the handshake fails, but
		// the embedded roots are in place before it.
		if res := do(t, c, Request{URL: tlsSrv.URL}); res.Err == nil || res.Err.Phase != "tls" {
			t.Fatalf("https to a self-signed server: %+v, want a TLS failure", res)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || !pool.Equal(fallbackPool()) {
			t.Fatalf("system roots after an https request: err %v, equal to the embedded bundle: %v", err, err == nil && pool.Equal(fallbackPool()))
		}
		if _, err := leaf.Verify(opts); err != nil {
			t.Fatalf("the public chain does not verify against the embedded roots: %v", err)
		}
	case "system":
		if !systemHasRoots() {
			t.Fatal("SSL_CERT_FILE's root was not loaded")
		}
		if res := do(t, c, Request{URL: tlsSrv.URL}); res.Status != http.StatusNoContent {
			t.Fatalf("https to a server the system roots trust: %+v", res)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool.Equal(fallbackPool()) {
			t.Fatalf("the embedded roots replaced the system's (err %v)", err)
		}
		if len(pool.Subjects()) != 1 { //nolint:staticcheck // Subjects is fine for a pool built from a file
			t.Fatalf("system pool has %d roots, want the 1 of SSL_CERT_FILE", len(pool.Subjects())) //nolint:staticcheck
		}
	default:
		t.Fatalf("unknown mode %q", mode)
	}
}

// publicChain is www.google.com's chain of early 2023 (testdata/gts-chain.pem),
// whose root (GTS Root R1) only the embedded bundle holds here.
func publicChain(t *testing.T) (*x509.Certificate, x509.VerifyOptions) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "gts-chain.pem"))
	if err != nil {
		t.Fatal(err)
	}
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		if b, data = pem.Decode(data); b == nil {
			break
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, cert)
	}
	if len(certs) != 2 {
		t.Fatalf("testdata/gts-chain.pem: %d certificates, want leaf and intermediate", len(certs))
	}
	inter := x509.NewCertPool()
	inter.AddCert(certs[1])
	return certs[0], x509.VerifyOptions{DNSName: "www.google.com", Intermediates: inter, CurrentTime: time.Date(2023, 2, 28, 20, 24, 52, 0, time.UTC)}
}

func TestForceFallbackRoots(t *testing.T) {
	for godebug, want := range map[string]bool{
		"":                                     false,
		"x509usefallbackroots=1":               true,
		"x509usefallbackroots=0":               false,
		"http2client=0,x509usefallbackroots=1": true,
		"x509usefallbackroots=1,x509usefallbackroots=0": false,
		"x509usefallbackroots=10":                       false,
	} {
		if got := forceFallbackRoots(godebug); got != want {
			t.Errorf("forceFallbackRoots(%q) = %v, want %v", godebug, got, want)
		}
	}
}

// Only a request that may verify a certificate waits for the roots.
func TestVerifies(t *testing.T) {
	proxyTo := func(raw string) func(*http.Request) (*url.URL, error) {
		return func(*http.Request) (*url.URL, error) { return url.Parse(raw) }
	}
	noProxy := func(*http.Request) (*url.URL, error) { return nil, nil }
	for _, tc := range []struct {
		url   string
		proxy func(*http.Request) (*url.URL, error)
		want  bool
	}{
		{"https://api.example/v1", nil, true},
		{"HTTPS://api.example/v1", noProxy, true},
		{"http://127.0.0.1:4000", nil, false},
		{"http://127.0.0.1:4000", noProxy, false},
		{"http://gateway.example", proxyTo("http://proxy.example:3128"), false},
		{"http://gateway.example", proxyTo("socks5://proxy.example:1080"), false},
		{"http://gateway.example", proxyTo("https://proxy.example:3129"), true},
	} {
		req, err := http.NewRequest(http.MethodGet, tc.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := verifies(req, tc.proxy); got != tc.want {
			t.Errorf("verifies(%s, proxy set %v) = %v, want %v", tc.url, tc.proxy != nil, got, tc.want)
		}
	}
}
