package sim

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hopcheck/hopcheck/internal/secret"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testClient never keeps idle connections (goleak) and never follows
// redirects.
func testClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type answer struct {
	status int
	header http.Header
	body   string
}

// do sends one request; auth nil sends no Authorization header at all.
func do(t *testing.T, method, url string, auth *string, body string, hdr ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != nil {
		req.Header["Authorization"] = []string{*auth}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := testClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func ptr(s string) *string { return &s }

func startOR(t *testing.T, or *OpenRouter) string {
	t.Helper()
	srv, err := Listen("", or)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv.URL + "/api/v1"
}

const chatBody = `{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Reply with OK"}],"max_tokens":16}`

func expect(t *testing.T, what string, got answer, status int, body string) {
	t.Helper()
	if got.status != status || got.body != body {
		t.Errorf("%s: got %d %s\nwant %d %s", what, got.status, got.body, status, body)
	}
}

func TestOpenRouterMissingAuthFamily(t *testing.T) {
	key := FakeOpenRouterKey("t")
	for _, msg := range []string{"", MsgMissingAuth, MsgNoAuthCredentials, MsgNoCookieAuth, MsgMissingAuthOrInvalid} {
		or := NewOpenRouter(key)
		or.MissingAuthMessage = msg
		base := startOR(t, or)
		want := msg
		if want == "" {
			want = "Missing Authentication header"
		}
		wantBody := `{"error":{"message":"` + want + `","code":401}}`
		for _, auth := range []*string{nil, ptr(""), ptr("Bearer "), ptr("Bearer None"), ptr("Bearer openrouter-ref"), ptr(key)} {
			for _, ep := range []struct{ method, path, body string }{
				{"GET", "/key", ""}, {"POST", "/chat/completions", chatBody},
			} {
				got := do(t, ep.method, base+ep.path, auth, ep.body)
				expect(t, ep.path, got, 401, wantBody)
			}
		}
	}
}

func TestOpenRouterKeyEndpoint(t *testing.T) {
	key := "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"
	or := NewOpenRouter(key)
	base := startOR(t, or)

	got := do(t, "GET", base+"/key", ptr("Bearer "+key), "")
	if got.status != 200 {
		t.Fatalf("/key: %d %s", got.status, got.body)
	}
	if strings.Contains(got.body, key) {
		t.Fatal("/key echoed the key")
	}
	var kd struct {
		Data struct {
			Label          string   `json:"label"`
			Limit          *float64 `json:"limit"`
			LimitRemaining *float64 `json:"limit_remaining"`
			Usage          float64  `json:"usage"`
			IsFreeTier     bool     `json:"is_free_tier"`
			ExpiresAt      *string  `json:"expires_at"`
			RateLimit      struct {
				Interval string `json:"interval"`
			} `json:"rate_limit"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(got.body), &kd); err != nil {
		t.Fatal(err)
	}
	if kd.Data.Label != "sk-or-v1-0e6...c96" {
		t.Errorf("label = %q, want the masked form sk-or-v1-0e6...c96", kd.Data.Label)
	}
	if kd.Data.Limit != nil || kd.Data.LimitRemaining != nil || kd.Data.ExpiresAt != nil || kd.Data.RateLimit.Interval != "10s" {
		t.Errorf("unlimited key data = %+v", kd.Data)
	}
	if legacy := do(t, "GET", base+"/auth/key", ptr("Bearer "+key), ""); legacy.status != 200 || !strings.Contains(legacy.body, `"label":"sk-or-v1-0e6...c96"`) {
		t.Errorf("legacy /auth/key: %d %s", legacy.status, legacy.body)
	}

	// Unknown but key-shaped → User not found.
	expect(t, "unknown key", do(t, "GET", base+"/key", ptr("Bearer "+FakeOpenRouterKey("other")), ""),
		401, `{"error":{"message":"User not found.","code":401}}`)

	// Expiring and expired keys.
	soon := time.Now().Add(72 * time.Hour)
	or.Keys[key] = Account{ExpiresAt: soon}
	got = do(t, "GET", base+"/key", ptr("Bearer "+key), "")
	if !strings.Contains(got.body, `"expires_at":"`+soon.UTC().Format(time.RFC3339)+`"`) {
		t.Errorf("expiring key: %s", got.body)
	}
	or.Keys[key] = Account{ExpiresAt: time.Now().Add(-time.Hour)}
	expect(t, "expired key", do(t, "GET", base+"/key", ptr("Bearer "+key), ""),
		401, `{"error":{"message":"User not found.","code":401}}`)
}

func TestOpenRouterModelsIsPublic(t *testing.T) {
	base := startOR(t, NewOpenRouter(FakeOpenRouterKey("m")))
	for _, auth := range []*string{nil, ptr("Bearer nonsense")} {
		got := do(t, "GET", base+"/models", auth, "")
		var m struct {
			Data []struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(got.body), &m); got.status != 200 || err != nil || len(m.Data) != len(DefaultModels) {
			t.Fatalf("/models: %d %s", got.status, got.body)
		}
		if m.Data[1].ID != "anthropic/claude-sonnet-4.5" {
			t.Errorf("models = %+v", m.Data)
		}
	}
}

func TestOpenRouterWrongPathIsHTML404BeforeAuth(t *testing.T) {
	or := NewOpenRouter(FakeOpenRouterKey("p"))
	base := startOR(t, or)
	root := strings.TrimSuffix(base, "/api/v1")
	for _, u := range []string{base + "/completions", root + "/v1/chat/completions", base + "//chat/completions", root + "/api/v1/v1/models"} {
		got := do(t, "POST", u, nil, chatBody)
		if got.status != 404 || !strings.HasPrefix(got.header.Get("Content-Type"), "text/html") || !strings.Contains(got.body, "<title>Not Found | OpenRouter</title>") {
			t.Errorf("%s: %d %s %s", u, got.status, got.header.Get("Content-Type"), got.body)
		}
	}
	if got := do(t, "GET", base+"/chat/completions", nil, ""); got.status != 404 {
		t.Errorf("GET chat/completions: %d", got.status)
	}
}

func TestOpenRouterChatJSON(t *testing.T) {
	key := FakeOpenRouterKey("c")
	or := NewOpenRouter(key)
	or.Reply = "FAKE-OPENROUTER-OK"
	base := startOR(t, or)
	got := do(t, "POST", base+"/chat/completions", ptr("Bearer "+key), chatBody)
	if got.status != 200 || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("chat: %d %s", got.status, got.body)
	}
	var c struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Model   string `json:"model"`
		Choices []struct {
			Message struct {
				Role, Content string
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal([]byte(got.body), &c); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.ID, "gen-") || c.Object != "chat.completion" || c.Model != "anthropic/claude-sonnet-4.5" ||
		len(c.Choices) != 1 || c.Choices[0].Message.Content != "FAKE-OPENROUTER-OK" || c.Choices[0].Message.Role != "assistant" ||
		c.Choices[0].FinishReason != "stop" || c.Usage.TotalTokens == 0 {
		t.Errorf("completion = %+v", c)
	}
	// A request without model uses the account default.
	if got := do(t, "POST", base+"/chat/completions", ptr("Bearer "+key), `{"messages":[]}`); got.status != 200 || !strings.Contains(got.body, `"model":"openrouter/auto"`) {
		t.Errorf("default model: %d %s", got.status, got.body)
	}
}

// readSSE returns the data payloads of an event stream.
func readSSE(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

func TestOpenRouterChatSSE(t *testing.T) {
	key := FakeOpenRouterKey("s")
	or := NewOpenRouter(key)
	base := startOR(t, or)
	body := `{"model":"openrouter/auto","messages":[{"role":"user","content":"Reply with OK"}],"stream":true,"stream_options":{"include_usage":true}}`
	got := do(t, "POST", base+"/chat/completions", ptr("Bearer "+key), body)
	if got.status != 200 || got.header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %q", got.status, got.header.Get("Content-Type"))
	}
	if !strings.HasPrefix(got.body, ": OPENROUTER PROCESSING\n\n") {
		t.Errorf("stream does not start with the processing comment: %q", got.body)
	}
	events := readSSE(t, got.body)
	if len(events) != 3 || events[2] != "[DONE]" {
		t.Fatalf("events = %q", events)
	}
	var content strings.Builder
	for _, e := range events[:2] {
		var c struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
			Usage *struct{ TotalTokens int } `json:"usage"`
		}
		if err := json.Unmarshal([]byte(e), &c); err != nil || c.Object != "chat.completion.chunk" || len(c.Choices) != 1 {
			t.Fatalf("chunk %s: %v", e, err)
		}
		content.WriteString(c.Choices[0].Delta.Content)
		if e == events[1] && (c.Choices[0].FinishReason == nil || *c.Choices[0].FinishReason != "stop" || c.Usage == nil) {
			t.Errorf("final chunk lacks finish_reason stop and usage: %s", e)
		}
	}
	if content.String() != "OK" {
		t.Errorf("streamed content = %q", content.String())
	}

	// An in-stream error keeps HTTP 200 and carries an error event.
	or.StreamError = "Provider disconnected unexpectedly"
	got = do(t, "POST", base+"/chat/completions", ptr("Bearer "+key), body)
	events = readSSE(t, got.body)
	if got.status != 200 || len(events) != 3 || !strings.Contains(events[1], `"error":{"code":502,"message":"Provider disconnected unexpectedly"}`) ||
		!strings.Contains(events[1], `"finish_reason":"error"`) {
		t.Errorf("stream error: %d %q", got.status, events)
	}
}

func TestOpenRouterAccountErrors(t *testing.T) {
	key := FakeOpenRouterKey("a")
	or := NewOpenRouter(key)
	base := startOR(t, or)
	auth := ptr("Bearer " + key)

	or.Keys[key] = Account{NoCredits: true, Usage: 3.5}
	expect(t, "402", do(t, "POST", base+"/chat/completions", auth, chatBody), 402,
		`{"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits","code":402}}`)
	if got := do(t, "GET", base+"/key", auth, ""); got.status != 200 || !strings.Contains(got.body, `"limit_remaining":0,`) {
		t.Errorf("/key without credits: %d %s", got.status, got.body)
	}

	limit := 5.0
	or.Keys[key] = Account{KeyLimitReached: true, Limit: &limit, Usage: 5}
	expect(t, "403", do(t, "POST", base+"/chat/completions", auth, chatBody), 403,
		`{"error":{"message":"Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys","code":403}}`)
	if got := do(t, "GET", base+"/key", auth, ""); !strings.Contains(got.body, `"limit":5,`) || !strings.Contains(got.body, `"limit_remaining":0,`) {
		t.Errorf("/key at key limit: %s", got.body)
	}

	or.Keys[key] = Account{}
	got := do(t, "POST", base+"/chat/completions", auth, `{"model":"claude-sonnet-4-6","messages":[]}`)
	if got.status != 400 || !strings.HasPrefix(got.body, `{"error":{"message":"claude-sonnet-4-6 is not a valid model ID","code":400},"user_id":"user_`) {
		t.Errorf("bad model: %d %s", got.status, got.body)
	}
}

func TestOpenRouterRateLimitedThenFine(t *testing.T) {
	key := FakeOpenRouterKey("r")
	or := NewOpenRouter(key)
	or.RateLimitFirst, or.RetryAfter = 2, 3
	base := startOR(t, or)
	auth := ptr("Bearer " + key)
	for i := 0; i < 2; i++ {
		got := do(t, "POST", base+"/chat/completions", auth, chatBody)
		if got.status != 429 || got.header.Get("Retry-After") != "3" ||
			!strings.HasPrefix(got.body, `{"error":{"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day","code":429,"metadata":{"headers":{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0","X-RateLimit-Reset":"`) {
			t.Fatalf("request %d: %d %v %s", i, got.status, got.header, got.body)
		}
	}
	if got := do(t, "GET", base+"/key", auth, ""); got.status != 200 {
		t.Errorf("/key must not be rate limited: %d", got.status)
	}
	if got := do(t, "POST", base+"/chat/completions", auth, chatBody); got.status != 200 {
		t.Errorf("third request: %d %s", got.status, got.body)
	}
}

func TestOpenRouterRecordsRequestsWithoutKeys(t *testing.T) {
	key := FakeOpenRouterKey("rec")
	or := NewOpenRouter(key)
	base := startOR(t, or)
	do(t, "GET", base+"/key", nil, "")
	do(t, "POST", base+"/chat/completions", ptr("Bearer "+key), `{"model":"openrouter/auto","stream":true,"messages":[]}`)
	do(t, "GET", base+"/models", ptr(""), "")
	reqs := or.Requests()
	want := []Request{
		{Method: "GET", Path: "/api/v1/key", Status: 401},
		{Method: "POST", Path: "/api/v1/chat/completions", HasAuth: true, KeyFP: secret.Fingerprint(key), Model: "openrouter/auto", Stream: true, Status: 200},
		{Method: "GET", Path: "/api/v1/models", HasAuth: true, Status: 200},
	}
	if len(reqs) != len(want) {
		t.Fatalf("requests = %+v", reqs)
	}
	for i := range want {
		if reqs[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, reqs[i], want[i])
		}
	}
	b, _ := json.Marshal(reqs)
	if strings.Contains(string(b), key) || strings.Contains(string(b), key[9:30]) {
		t.Error("recorded requests contain the key")
	}
	or.ResetRequests()
	if len(or.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestOpenRouterHangAndLatency(t *testing.T) {
	key := FakeOpenRouterKey("h")
	or := NewOpenRouter(key)
	or.Hang = true
	base := startOR(t, or)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/models", nil)
	resp, err := testClient().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("hanging server answered %d", resp.StatusCode)
	}
	if !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("err = %v", err)
	}
	if r := or.Requests(); len(r) != 1 || r[0].Status != 0 {
		t.Errorf("requests = %+v", r)
	}

	// Latency delays but still answers (no assertion on duration).
	or2 := NewOpenRouter(key)
	or2.Latency = 10 * time.Millisecond
	if got := do(t, "GET", startOR(t, or2)+"/key", ptr("Bearer "+key), ""); got.status != 200 {
		t.Errorf("with latency: %d", got.status)
	}
}

func TestServerCloseReleasesHungRequests(t *testing.T) {
	or := NewOpenRouter()
	or.Hang = true
	srv, err := Listen("", or)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		resp, err := testClient().Get(srv.URL + "/api/v1/models")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	for len(or.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Error("request to a closed hanging server succeeded")
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	for _, h := range []string{"0.0.0.0", "10.0.0.1", "example.com", "::"} {
		if s, err := Listen(h, Hang()); err == nil {
			_ = s.Close()
			t.Errorf("Listen(%q) succeeded", h)
		}
	}
}

func TestMaskKey(t *testing.T) {
	for in, want := range map[string]string{
		"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": "sk-or-v1-0e6...c96",
		"sk-or-v1-short": "sk-or-v1-...",
	} {
		if got := MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// /key reports the usage windows and, for a limit that resets, what is left
// of the current period's limit, so tests can shape steady, spiky,
// resetting and unlimited keys.
func TestOpenRouterKeyUsageShapes(t *testing.T) {
	key := FakeOpenRouterKey("usage")
	or := NewOpenRouter(key)
	base := startOR(t, or)
	read := func() map[string]any {
		t.Helper()
		got := do(t, "GET", base+"/key", ptr("Bearer "+key), "")
		var kd struct {
			Data map[string]any `json:"data"`
		}
		if got.status != 200 || json.Unmarshal([]byte(got.body), &kd) != nil {
			t.Fatalf("/key: %d %s", got.status, got.body)
		}
		return kd.Data
	}
	limit := 50.0
	tests := []struct {
		name string
		acct Account
		want map[string]any
	}{
		{"lifetime limit", Account{Limit: &limit, Usage: 30, UsageDaily: 1.5, UsageWeekly: 5.5, UsageMonthly: 23.5},
			map[string]any{"limit": 50.0, "limit_remaining": 20.0, "limit_reset": nil, "usage": 30.0, "usage_daily": 1.5, "usage_weekly": 5.5, "usage_monthly": 23.5}},
		{"monthly reset", Account{Limit: &limit, LimitReset: "monthly", Usage: 300, UsageDaily: 2, UsageWeekly: 6, UsageMonthly: 44},
			map[string]any{"limit": 50.0, "limit_remaining": 6.0, "limit_reset": "monthly", "usage": 300.0, "usage_monthly": 44.0}},
		{"daily reset", Account{Limit: &limit, LimitReset: "daily", Usage: 300, UsageDaily: 10},
			map[string]any{"limit_remaining": 40.0, "limit_reset": "daily"}},
		{"weekly reset", Account{Limit: &limit, LimitReset: "weekly", Usage: 300, UsageWeekly: 45},
			map[string]any{"limit_remaining": 5.0, "limit_reset": "weekly"}},
		{"unlimited", Account{Usage: 3, UsageDaily: 1},
			map[string]any{"limit": nil, "limit_remaining": nil, "usage_daily": 1.0}},
	}
	for _, tt := range tests {
		or.Keys[key] = tt.acct
		d := read()
		for k, v := range tt.want {
			if d[k] != v {
				t.Errorf("%s: %s = %v, want %v", tt.name, k, d[k], v)
			}
		}
	}
}
