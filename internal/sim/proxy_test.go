package sim

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// captureAuth is an upstream that records the Authorization headers and
// paths it receives.
type captureAuth struct {
	mu    sync.Mutex
	auth  []string
	has   []bool
	paths []string
	hosts []string
}

func (c *captureAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	_, ok := r.Header["Authorization"]
	c.has = append(c.has, ok)
	c.auth = append(c.auth, r.Header.Get("Authorization"))
	c.paths = append(c.paths, r.URL.RequestURI())
	c.hosts = append(c.hosts, r.Host)
	c.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func TestReverseProxyKeepsOrDropsAuthorization(t *testing.T) {
	for _, drop := range []bool{false, true} {
		up := &captureAuth{}
		upSrv, err := Listen("", up)
		if err != nil {
			t.Fatal(err)
		}
		edge, err := Listen("", ReverseProxy(upSrv.URL, drop))
		if err != nil {
			t.Fatal(err)
		}
		got := do(t, "GET", edge.URL+"/api/v1/key?x=1", ptr("Bearer sk-or-v1-abc"), "")
		_ = edge.Close()
		_ = upSrv.Close()
		if got.status != 204 || got.header.Get("Server") != nginxVersion {
			t.Errorf("drop=%v: %d %v", drop, got.status, got.header)
		}
		if len(up.has) != 1 || up.paths[0] != "/api/v1/key?x=1" || up.hosts[0] != strings.TrimPrefix(upSrv.URL, "http://") {
			t.Fatalf("drop=%v: upstream saw %+v", drop, up)
		}
		if drop && up.has[0] {
			t.Errorf("dropAuth: upstream still got an Authorization header")
		}
		if !drop && up.auth[0] != "Bearer sk-or-v1-abc" {
			t.Errorf("pass-through: upstream got %q", up.auth[0])
		}
	}
}

func TestReverseProxyDropsAuthBeforeOpenRouter(t *testing.T) {
	key := FakeOpenRouterKey("edge")
	or := NewOpenRouter(key)
	orBase := startOR(t, or)
	edge, err := Listen("", ReverseProxy(strings.TrimSuffix(orBase, "/api/v1"), true))
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	expect(t, "through edge", do(t, "GET", edge.URL+"/api/v1/key", ptr("Bearer "+key), ""), 401,
		`{"error":{"message":"Missing Authentication header","code":401}}`)
	if r := or.Requests(); len(r) != 1 || r[0].HasAuth {
		t.Errorf("OpenRouter saw %+v", r)
	}
}

func TestReverseProxyUpstreamDown(t *testing.T) {
	edge, err := Listen("", ReverseProxy("http://127.0.0.1:9", false))
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	got := do(t, "GET", edge.URL+"/api/v1/models", nil, "")
	if got.status != 502 || !strings.Contains(got.body, "<title>502 Bad Gateway</title>") || !strings.Contains(got.body, nginxVersion) {
		t.Errorf("upstream down: %d %s", got.status, got.body)
	}
	// A non-loopback upstream is never contacted.
	far, err := Listen("", ReverseProxy("https://openrouter.ai", false))
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	if got := do(t, "GET", far.URL+"/api/v1/models", nil, ""); got.status != 502 {
		t.Errorf("non-loopback upstream: %d", got.status)
	}
}

func TestRedirect(t *testing.T) {
	for _, code := range []int{301, 302, 307, 308} {
		srv, err := Listen("", Redirect("http://127.0.0.2:4321/", code))
		if err != nil {
			t.Fatal(err)
		}
		got := do(t, "POST", srv.URL+"/api/v1/chat/completions?a=b", ptr("Bearer x"), chatBody)
		_ = srv.Close()
		if got.status != code || got.header.Get("Location") != "http://127.0.0.2:4321/api/v1/chat/completions?a=b" {
			t.Errorf("%d: got %d Location %q", code, got.status, got.header.Get("Location"))
		}
	}
}
