package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/secret"
)

const masterKey = "sk-hopcheck-test-master-key"

func liteConfig(orBase string) string {
	return fmt.Sprintf(`model_list:
  - model_name: claude-sonnet-4.5
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: %s
  - model_name: gpt-4o-mini
    litellm_params:
      model: openrouter/openai/gpt-4o-mini
      api_key: os.environ/OPENROUTER_API_KEY
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, orBase)
}

func startLite(t *testing.T, cfg string, env map[string]string) (*LiteLLM, string) {
	t.Helper()
	ll, err := NewLiteLLMFromYAML("config.yaml", []byte(cfg), env)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Listen("", ll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return ll, srv.URL
}

func liteChat(model string, stream bool) string {
	return fmt.Sprintf(`{"model":%q,"messages":[{"role":"user","content":"Reply with OK"}],"max_tokens":16,"stream":%v}`, model, stream)
}

func TestLiteLLMOwnAuth(t *testing.T) {
	ll, base := startLite(t, liteConfig("http://127.0.0.1:9/api/v1"), map[string]string{"LITELLM_MASTER_KEY": masterKey})
	noKey := `{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}`
	badKey := `{"error":{"message":"Authentication Error, Invalid proxy server token passed. valid_token=None.","type":"auth_error","param":"None","code":"401"}}`
	for _, path := range []string{"/v1/models", "/models", "/health"} {
		expect(t, path+" no key", do(t, "GET", base+path, nil, ""), 401, noKey)
		expect(t, path+" wrong key", do(t, "GET", base+path, ptr("Bearer sk-not-the-master-key"), ""), 401, badKey)
	}
	for _, path := range []string{"/v1/chat/completions", "/chat/completions"} {
		expect(t, path+" no key", do(t, "POST", base+path, nil, liteChat("gpt-4o-mini", false)), 401, noKey)
		expect(t, path+" wrong key", do(t, "POST", base+path, ptr("Bearer sk-not-the-master-key"), liteChat("gpt-4o-mini", false)), 401, badKey)
	}
	// Authorization without Bearer: malformed (LiteLLM echoes what it got).
	got := do(t, "GET", base+"/v1/models", ptr(masterKey), "")
	if got.status != 401 || !strings.Contains(got.body, "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.") ||
		!strings.Contains(got.body, `"type":"auth_error"`) {
		t.Errorf("malformed: %d %s", got.status, got.body)
	}
	if got := do(t, "GET", base+"/v1/models", ptr("Bearer "), ""); got.status != 401 || !strings.Contains(got.body, "Malformed API Key") {
		t.Errorf("empty bearer: %d %s", got.status, got.body)
	}
	got = do(t, "GET", base+"/v1/models", ptr("Bearer not-needed"), "")
	if got.status != 401 || !strings.Contains(got.body, "LiteLLM Virtual Key expected. Received=not-needed, expected to start with 'sk-'.") {
		t.Errorf("non-sk key: %d %s", got.status, got.body)
	}
	// The master key in Authorization or in an alternative header.
	if got := do(t, "GET", base+"/v1/models", ptr("Bearer "+masterKey), ""); got.status != 200 {
		t.Errorf("master key: %d %s", got.status, got.body)
	}
	if got := do(t, "GET", base+"/v1/models", nil, "", "x-api-key", masterKey); got.status != 200 {
		t.Errorf("x-api-key: %d %s", got.status, got.body)
	}
	// Public and unknown routes.
	if got := do(t, "GET", base+"/health/liveliness", nil, ""); got.status != 200 || got.body != `"I'm alive!"` || got.header.Get("Server") != "uvicorn" {
		t.Errorf("liveliness: %d %s %v", got.status, got.body, got.header)
	}
	expect(t, "unknown route", do(t, "GET", base+"/v2/nothing", nil, ""), 404, `{"detail":"Not Found"}`)

	reqs := ll.Requests()
	if len(reqs) < 3 || reqs[0] != (Request{Method: "GET", Path: "/v1/models", Status: 401}) ||
		reqs[1] != (Request{Method: "GET", Path: "/v1/models", HasAuth: true, KeyFP: secret.Fingerprint("sk-not-the-master-key"), Status: 401}) {
		t.Errorf("recorded requests = %+v", reqs)
	}
	b, _ := json.Marshal(reqs)
	if strings.Contains(string(b), masterKey) || strings.Contains(string(b), "sk-not-the-master-key") {
		t.Error("recorded requests contain a key")
	}
}

func TestLiteLLMModelsAndOpenProxy(t *testing.T) {
	// master_key refers to an unset variable → no auth, like LiteLLM.
	ll, base := startLite(t, liteConfig("http://127.0.0.1:9/api/v1"), nil)
	if !ll.Open() {
		t.Fatal("proxy with unset master key must be open")
	}
	got := do(t, "GET", base+"/v1/models", nil, "")
	var m struct {
		Data []struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		} `json:"data"`
		Object string `json:"object"`
	}
	if err := json.Unmarshal([]byte(got.body), &m); err != nil || got.status != 200 || m.Object != "list" ||
		len(m.Data) != 2 || m.Data[0].ID != "claude-sonnet-4.5" || m.Data[1].ID != "gpt-4o-mini" {
		t.Errorf("/v1/models: %d %s", got.status, got.body)
	}
	if got := do(t, "GET", base+"/models", ptr("Bearer anything"), ""); got.status != 200 {
		t.Errorf("open proxy with a random key: %d", got.status)
	}
}

func TestLiteLLMUnknownModel(t *testing.T) {
	_, base := startLite(t, liteConfig("http://127.0.0.1:9/api/v1"), map[string]string{"LITELLM_MASTER_KEY": masterKey})
	expect(t, "bad model", do(t, "POST", base+"/v1/chat/completions", ptr("Bearer "+masterKey), liteChat("claude-sonnet-4", false)), 400,
		"{\"error\":{\"message\":\"{'error': '/chat/completions: Invalid model name passed in model=claude-sonnet-4. Call `/v1/models` to view available models for your key.'}\",\"type\":\"None\",\"param\":\"None\",\"code\":\"400\"}}")
}

func TestLiteLLMForwardsWithResolvedKey(t *testing.T) {
	orKey := FakeOpenRouterKey("fwd")
	var mu sync.Mutex
	var seen http.Header
	var seenBody map[string]any
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = r.Header.Clone()
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &seenBody)
		r.Body = io.NopCloser(strings.NewReader(string(raw)))
		mu.Unlock()
		NewOpenRouter(orKey).ServeHTTP(w, r)
	})
	upSrv, err := Listen("", up)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = upSrv.Close() })
	_, base := startLite(t, liteConfig(upSrv.URL+"/api/v1/"), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": orKey})
	got := do(t, "POST", base+"/v1/chat/completions", ptr("Bearer "+masterKey), liteChat("claude-sonnet-4.5", false))
	if got.status != 200 || !strings.Contains(got.body, `"object":"chat.completion"`) {
		t.Fatalf("chat: %d %s", got.status, got.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen.Get("Authorization") != "Bearer "+orKey || seen.Get("HTTP-Referer") != "https://litellm.ai" || seen.Get("X-Title") != "liteLLM" {
		t.Errorf("upstream headers: auth fp %s, referer %q, title %q", secret.Fingerprint(seen.Get("Authorization")), seen.Get("HTTP-Referer"), seen.Get("X-Title"))
	}
	if seenBody["model"] != "anthropic/claude-sonnet-4.5" || seenBody["max_tokens"] != 16.0 {
		t.Errorf("upstream body = %v", seenBody)
	}
	if got.header.Get("x-litellm-model-api-base") != upSrv.URL+"/api/v1" || got.header.Get("x-litellm-version") != LiteLLMVersion {
		t.Errorf("x-litellm headers: %v", got.header)
	}
}

func TestLiteLLMUnsetUpstreamKeySendsNoAuthorization(t *testing.T) {
	or := NewOpenRouter(FakeOpenRouterKey("unset"))
	or.MissingAuthMessage = MsgNoAuthCredentials
	orBase := startOR(t, or)
	_, base := startLite(t, liteConfig(orBase), map[string]string{"LITELLM_MASTER_KEY": masterKey})
	got := do(t, "POST", base+"/v1/chat/completions", ptr("Bearer "+masterKey), liteChat("claude-sonnet-4.5", false))
	want := `{"error":{"message":"litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}. Received Model Group=claude-sonnet-4.5\nAvailable Model Group Fallbacks=None","type":null,"param":null,"code":"401"}}`
	expect(t, "wrapped upstream 401", got, 401, want)
	if got.header.Get("x-litellm-model-api-base") != orBase || got.header.Get("x-litellm-call-id") == "" || got.header.Get("x-litellm-model-group") != "claude-sonnet-4.5" {
		t.Errorf("relayed error headers: %v", got.header)
	}
	reqs := or.Requests()
	if len(reqs) != 1 || reqs[0].HasAuth || reqs[0].KeyFP != "" || reqs[0].Path != "/api/v1/chat/completions" || reqs[0].Status != 401 {
		t.Errorf("upstream saw %+v, want one request without Authorization", reqs)
	}
}

func TestLiteLLMFallbackKeyAndBaseFromEnv(t *testing.T) {
	orKey := FakeOpenRouterKey("fallback")
	or := NewOpenRouter(orKey)
	orBase := startOR(t, or)
	// No api_key / api_base in the entry: LiteLLM falls back to
	// OPENROUTER_API_KEY / OR_API_KEY and OPENROUTER_API_BASE.
	cfg := "model_list:\n  - model_name: m\n    litellm_params:\n      model: openrouter/openai/gpt-4o-mini\n" +
		"environment_variables:\n  OPENROUTER_API_BASE: " + orBase + "\n"
	_, base := startLite(t, cfg, map[string]string{"OR_API_KEY": orKey})
	if got := do(t, "POST", base+"/chat/completions", nil, liteChat("m", false)); got.status != 200 {
		t.Fatalf("chat: %d %s", got.status, got.body)
	}
	if r := or.Requests(); len(r) != 1 || r[0].KeyFP != secret.Fingerprint(orKey) || r[0].Model != "openai/gpt-4o-mini" {
		t.Errorf("upstream saw %+v", r)
	}
}

func TestLiteLLMWrapsUpstreamFailures(t *testing.T) {
	orKey := FakeOpenRouterKey("wrap")
	or := NewOpenRouter(orKey)
	orBase := startOR(t, or)
	_, base := startLite(t, liteConfig(orBase), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": orKey})
	auth := ptr("Bearer " + masterKey)
	message := func(a answer) string {
		var e struct {
			Error struct {
				Message string `json:"message"`
				Code    string `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(a.body), &e); err != nil {
			t.Fatalf("body %s: %v", a.body, err)
		}
		if e.Error.Code != fmt.Sprint(a.status) {
			t.Errorf("code %q != status %d", e.Error.Code, a.status)
		}
		return e.Error.Message
	}

	or.Keys[orKey] = Account{NoCredits: true}
	got := do(t, "POST", base+"/v1/chat/completions", auth, liteChat("claude-sonnet-4.5", false))
	if m := message(got); got.status != 402 || !strings.HasPrefix(m, "litellm.APIError: APIError: OpenrouterException - Error code: 402 - {'error': {'message': 'Insufficient credits. Add more using https://openrouter.ai/settings/credits', 'code': 402}}") {
		t.Errorf("402: %d %s", got.status, m)
	}

	or.Keys[orKey] = Account{KeyLimitReached: true}
	got = do(t, "POST", base+"/v1/chat/completions", auth, liteChat("claude-sonnet-4.5", false))
	if m := message(got); got.status != 403 || !strings.HasPrefix(m, "litellm.PermissionDeniedError: PermissionDeniedError: OpenrouterException - Error code: 403 - {'error': {'message': 'Key limit exceeded") {
		t.Errorf("403: %d %s", got.status, m)
	}

	or.Keys[orKey] = Account{}
	or.RateLimitFirst, or.RetryAfter = 1, 7
	got = do(t, "POST", base+"/v1/chat/completions", auth, liteChat("claude-sonnet-4.5", false))
	if m := message(got); got.status != 429 || got.header.Get("Retry-After") != "7" || !strings.HasPrefix(m, "litellm.RateLimitError: RateLimitError: OpenrouterException - Error code: 429 - {'error': {'message': 'Rate limit exceeded: free-models-per-day.") {
		t.Errorf("429: %d %v %s", got.status, got.header, m)
	}

	// A wrong upstream key: OpenRouter's "User not found." relayed as 401.
	_, base2 := startLite(t, liteConfig(orBase), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": FakeOpenRouterKey("stale")})
	got = do(t, "POST", base2+"/v1/chat/completions", auth, liteChat("claude-sonnet-4.5", false))
	if m := message(got); got.status != 401 || !strings.Contains(m, "OpenrouterException - Error code: 401 - {'error': {'message': 'User not found.', 'code': 401}}") {
		t.Errorf("stale key: %d %s", got.status, m)
	}

	// A wrong api_base path: OpenRouter's HTML 404 page relayed as text.
	_, base3 := startLite(t, liteConfig(strings.TrimSuffix(orBase, "/api/v1")+"/v1"), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": orKey})
	got = do(t, "POST", base3+"/v1/chat/completions", auth, liteChat("claude-sonnet-4.5", false))
	if m := message(got); got.status != 404 || !strings.HasPrefix(m, "litellm.NotFoundError: NotFoundError: OpenrouterException - Error code: 404 - <!DOCTYPE html>") {
		t.Errorf("404: %d %s", got.status, m)
	}
}

func TestLiteLLMRefusesNonLoopbackUpstream(t *testing.T) {
	// gpt-4o-mini has no api_base: the default is https://openrouter.ai,
	// which the simulator must never contact.
	_, base := startLite(t, liteConfig("http://127.0.0.1:9/api/v1"), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": FakeOpenRouterKey("x")})
	got := do(t, "POST", base+"/v1/chat/completions", ptr("Bearer "+masterKey), liteChat("gpt-4o-mini", false))
	if got.status != 500 || !strings.Contains(got.body, "litellm.APIConnectionError: APIConnectionError: OpenrouterException - Connection error.") ||
		got.header.Get("x-litellm-model-api-base") != "https://openrouter.ai/api/v1" {
		t.Errorf("non-loopback upstream: %d %s", got.status, got.body)
	}
	// Port 9 on loopback: connection refused → the same connection error.
	got = do(t, "POST", base+"/v1/chat/completions", ptr("Bearer "+masterKey), liteChat("claude-sonnet-4.5", false))
	if got.status != 500 || !strings.Contains(got.body, "Connection error.") {
		t.Errorf("refused upstream: %d %s", got.status, got.body)
	}
}

func TestLiteLLMStreamsThrough(t *testing.T) {
	orKey := FakeOpenRouterKey("stream")
	orBase := startOR(t, NewOpenRouter(orKey))
	_, base := startLite(t, liteConfig(orBase), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": orKey})
	got := do(t, "POST", base+"/v1/chat/completions", ptr("Bearer "+masterKey), liteChat("claude-sonnet-4.5", true))
	events := readSSE(t, got.body)
	if got.status != 200 || got.header.Get("Content-Type") != "text/event-stream" || len(events) != 3 || events[2] != "[DONE]" {
		t.Errorf("stream: %d %q %q", got.status, got.header.Get("Content-Type"), events)
	}
}

func TestLiteLLMHealthCallsDeployments(t *testing.T) {
	orKey := FakeOpenRouterKey("health")
	orBase := startOR(t, NewOpenRouter(orKey))
	_, base := startLite(t, liteConfig(orBase), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": orKey})
	got := do(t, "GET", base+"/health", ptr("Bearer "+masterKey), "")
	var h struct {
		Healthy   []map[string]any `json:"healthy_endpoints"`
		Unhealthy []map[string]any `json:"unhealthy_endpoints"`
	}
	if err := json.Unmarshal([]byte(got.body), &h); err != nil || got.status != 200 {
		t.Fatalf("/health: %d %s", got.status, got.body)
	}
	// claude points at the simulator; gpt-4o-mini at the (refused) default.
	if len(h.Healthy) != 1 || h.Healthy[0]["model"] != "openrouter/anthropic/claude-sonnet-4.5" || len(h.Unhealthy) != 1 ||
		!strings.Contains(fmt.Sprint(h.Unhealthy[0]["error"]), "Connection error.") {
		t.Errorf("/health = %s", got.body)
	}
}

func TestLiteLLMReleasesRequestWhenUpstreamHangs(t *testing.T) {
	or := NewOpenRouter(FakeOpenRouterKey("hang"))
	or.Hang = true
	orBase := startOR(t, or)
	_, base := startLite(t, liteConfig(orBase), map[string]string{"LITELLM_MASTER_KEY": masterKey, "OPENROUTER_API_KEY": FakeOpenRouterKey("hang")})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/chat/completions", strings.NewReader(liteChat("claude-sonnet-4.5", false)))
	req.Header.Set("Authorization", "Bearer "+masterKey)
	resp, err := testClient().Do(req)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("answered %d %s", resp.StatusCode, b)
	}
	// The proxy passed the request on, and gave up on it once the client left.
	deadline := time.Now().Add(5 * time.Second)
	for len(or.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if r := or.Requests(); len(r) != 1 || r[0].Status != 0 {
		t.Errorf("upstream requests = %+v", r)
	}
}

func TestExceptionClasses(t *testing.T) {
	for status, want := range map[int]string{400: "BadRequestError", 401: "AuthenticationError", 402: "APIError",
		403: "PermissionDeniedError", 404: "NotFoundError", 408: "Timeout", 429: "RateLimitError",
		500: "InternalServerError", 502: "APIError", 503: "ServiceUnavailableError"} {
		if got := exceptionClass(status); got != want {
			t.Errorf("exceptionClass(%d) = %s, want %s", status, got, want)
		}
	}
	for p, want := range map[string]string{"openrouter": "Openrouter", "openai": "OpenAI", "anthropic": "Anthropic", "": "OpenAI", "groq": "Groq"} {
		if got := providerTitle(p); got != want {
			t.Errorf("providerTitle(%q) = %s, want %s", p, got, want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	for in, want := range map[string]string{
		`{"error":{"message":"No auth credentials found","code":401}}`: `{'error': {'message': 'No auth credentials found', 'code': 401}}`,
		`{"z":1,"a":[true,false,null,1.5,"x"]}`:                        `{'z': 1, 'a': [True, False, None, 1.5, 'x']}`,
		`{"m":"it's"}`:                                                 `{'m': "it's"}`,
		`{"m":"it's \"q\""}`:                                           `{'m': 'it\'s "q"'}`,
		`{"m":"a\nb\\c"}`:                                              `{'m': 'a\nb\\c'}`,
		`{"error":{"message":"x","code":429,"metadata":{"headers":{"A":"1"}}}}`: `{'error': {'message': 'x', 'code': 429, 'metadata': {'headers': {'A': '1'}}}}`,
		`[]`:   `[]`,
		`"s"`:  `'s'`,
		`{}`:   `{}`,
		`-0.5`: `-0.5`,
	} {
		got, err := pyRepr([]byte(in))
		if err != nil || got != want {
			t.Errorf("pyRepr(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{`<html>`, `{"a":1} x`, `{"a":`, ``} {
		if _, err := pyRepr([]byte(bad)); err == nil {
			t.Errorf("pyRepr(%q) succeeded", bad)
		}
	}
}
