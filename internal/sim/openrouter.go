package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OpenRouter's error messages, verbatim as published (each one's source is
// in internal/provider/testdata/bodies/openrouter.yaml).
const (
	// The "no usable credential" family: all four mean OpenRouter saw no
	// valid OpenRouter credential. Which one a server sends is configurable.
	MsgMissingAuth          = "Missing Authentication header"
	MsgMissingAuthOrInvalid = "Missing Authentication header or invalid API key"
	MsgNoAuthCredentials    = "No auth credentials found"
	MsgNoCookieAuth         = "No cookie auth credentials found"

	MsgUserNotFound        = "User not found."
	MsgInsufficientCredits = "Insufficient credits. Add more using https://openrouter.ai/settings/credits"
	MsgKeyLimit            = "Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys"
	MsgRateLimitFreeModels = "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day"
)

// Account is the state behind one valid OpenRouter key.
type Account struct {
	// Limit is the key's credit limit (nil = unlimited).
	Limit *float64
	// LimitReset is how often the limit starts afresh: "daily", "weekly",
	// "monthly" or "" (never). With a reset, limit_remaining is the limit
	// less the usage of the current period (UsageDaily, UsageWeekly or
	// UsageMonthly); without one, the limit less the lifetime Usage.
	LimitReset string
	// Usage is the lifetime usage in credits.
	Usage float64
	// UsageDaily, UsageWeekly and UsageMonthly are the usage of the
	// current UTC day, week (from Monday) and month, as /key reports them.
	// Tests shape steady, spiky and resetting keys with them.
	UsageDaily, UsageWeekly, UsageMonthly float64
	// ExpiresAt is when the key expires (zero = never). A key past its
	// expiry is answered like an unknown key.
	ExpiresAt time.Time
	FreeTier  bool
	// NoCredits: the account's credits are gone. Completions get 402 and
	// /key reports limit_remaining 0.
	NoCredits bool
	// KeyLimitReached: the key's own spend cap is reached. Completions get
	// 403 "Key limit exceeded" and /key reports limit_remaining 0.
	KeyLimitReached bool
}

// Model is one entry of the simulated /api/v1/models list.
type Model struct {
	ID            string
	Name          string
	ContextLength int
	// PromptPrice and CompletionPrice are USD per token, as OpenRouter
	// writes them (strings).
	PromptPrice, CompletionPrice string
}

// DefaultModels is the model list served when OpenRouter.Models is nil.
var DefaultModels = []Model{
	{"openrouter/auto", "Auto Router", 2000000, "-1", "-1"},
	{"anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", 1000000, "0.000003", "0.000015"},
	{"openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", 128000, "0.00000015", "0.0000006"},
	{"meta-llama/llama-3.3-70b-instruct:free", "Meta: Llama 3.3 70B Instruct (free)", 131072, "0", "0"},
}

// OpenRouter simulates https://openrouter.ai/api/v1 (mounted at /api/v1):
//
//	GET  /api/v1/key               Bearer auth; key data (label masked)
//	GET  /api/v1/auth/key          legacy alias of /key
//	GET  /api/v1/models            public
//	POST /api/v1/chat/completions  JSON, or SSE with "stream": true
//
// Any other method or path gets OpenRouter's 404 HTML page (the path check
// comes before auth, as on the real site). Configure the exported fields
// before serving; they must not change while requests are in flight.
type OpenRouter struct {
	// Keys maps every valid key to its account.
	Keys map[string]Account
	// MissingAuthMessage is the "no credentials" wording (default
	// MsgMissingAuth); tests switch it to the other family members.
	MissingAuthMessage string
	// Models is the model list (nil: DefaultModels). "openrouter/auto" is
	// always accepted by chat completions.
	Models []Model
	// RateLimitFirst answers the first N authenticated chat completions
	// with 429 and a Retry-After of RetryAfter seconds (default 1).
	RateLimitFirst int
	RetryAfter     int
	// Latency delays every answer.
	Latency time.Duration
	// Hang makes every request wait, unanswered, until the client goes
	// away or the server closes.
	Hang bool
	// Reply is the assistant's answer (default "OK").
	Reply string
	// StreamError, when set, makes a stream fail after its first chunk
	// with an in-stream error event (HTTP status stays 200), the way
	// OpenRouter reports failures once output has started.
	StreamError string

	log      requestLog
	mu       sync.Mutex
	chatSeen int
}

// NewOpenRouter returns a simulator accepting the given keys with
// unlimited, funded accounts.
func NewOpenRouter(keys ...string) *OpenRouter {
	o := &OpenRouter{Keys: map[string]Account{}}
	for _, k := range keys {
		o.Keys[k] = Account{Usage: 0.65017511}
	}
	return o
}

// Requests returns the requests received so far, in order.
func (o *OpenRouter) Requests() []Request { return o.log.list() }

// ResetRequests forgets the recorded requests.
func (o *OpenRouter) ResetRequests() { o.log.reset() }

// MaskKey returns OpenRouter's key label: `sk-or-v1-` + the first 3 and
// last 3 characters of the rest (sk-or-v1-0e6...c96). Keys too short to
// mask keep only their prefix.
func MaskKey(key string) string {
	const p = "sk-or-v1-"
	rest := strings.TrimPrefix(key, p)
	if len(rest) < 12 {
		return p + "..."
	}
	return p + rest[:3] + "..." + rest[len(rest)-3:]
}

func (o *OpenRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path}
	_, rec.HasAuth = r.Header["Authorization"]
	token, _ := bearer(r.Header.Get("Authorization"))
	rec.KeyFP = fingerprint(token)
	var body chatRequest
	var raw []byte
	if r.Method == http.MethodPost {
		raw, _ = io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if json.Unmarshal(raw, &body) == nil {
			rec.Model, rec.Stream = body.Model, body.Stream
		}
	}
	sw := &statusWriter{ResponseWriter: w, log: &o.log, index: o.log.add(rec)}
	w = sw

	if o.Hang {
		hang(w, r)
		return
	}
	if !wait(r.Context(), o.Latency) {
		abort(w)
		return
	}
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /api/v1/models":
		o.models(w)
		return
	case "GET /api/v1/key", "GET /api/v1/auth/key", "POST /api/v1/chat/completions", "POST /api/v1/embeddings":
	default:
		notFoundHTML(w)
		return
	}
	key, acct, ok := o.authenticate(w, token)
	if !ok {
		return
	}
	switch route {
	case "POST /api/v1/chat/completions":
		o.chat(w, r, key, acct, raw, body)
	case "POST /api/v1/embeddings":
		o.embeddings(w, key, acct, body)
	default:
		o.keyInfo(w, key, acct)
	}
}

// bearer extracts the token of an `Authorization: Bearer <token>` value.
func bearer(v string) (string, bool) {
	if len(v) >= 7 && strings.EqualFold(v[:7], "bearer ") {
		return v[7:], true
	}
	return "", false
}

// authenticate answers 401 unless token is a live key. An absent or empty
// credential, or one that is not an OpenRouter key at all (a placeholder,
// another provider's key), gets the "no credentials" message; a key-shaped
// token that maps to no live key gets "User not found." (the split the
// published reports show, e.g. https://github.com/openai/codex/pull/1286
// and https://github.com/apurvsinghgautam/robin/issues/103).
func (o *OpenRouter) authenticate(w http.ResponseWriter, token string) (string, Account, bool) {
	if token == "" || !strings.HasPrefix(token, "sk-or-") {
		msg := o.MissingAuthMessage
		if msg == "" {
			msg = MsgMissingAuth
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, HTTP-Referer, X-Windowai-Title, X-Openrouter-Title, X-Title")
		orError(w, http.StatusUnauthorized, msg, nil, "")
		return "", Account{}, false
	}
	acct, ok := o.Keys[token]
	if !ok || (!acct.ExpiresAt.IsZero() && time.Now().After(acct.ExpiresAt)) {
		orError(w, http.StatusUnauthorized, MsgUserNotFound, nil, "")
		return "", Account{}, false
	}
	return token, acct, true
}

// userID is a stable fake OpenRouter user id for a key.
func userID(key string) string {
	h := sha256.Sum256([]byte("user/" + key))
	return "user_" + strings.ToUpper(hex.EncodeToString(h[:]))[:27]
}

// orErrorBody is OpenRouter's error envelope, fields in OpenRouter's order.
type orErrorBody struct {
	Error struct {
		Message  string         `json:"message"`
		Code     int            `json:"code"`
		Metadata map[string]any `json:"metadata,omitempty"`
	} `json:"error"`
	UserID string `json:"user_id,omitempty"`
}

func orError(w http.ResponseWriter, status int, msg string, metadata map[string]any, user string) {
	var b orErrorBody
	b.Error.Message, b.Error.Code, b.Error.Metadata, b.UserID = msg, status, metadata, user
	writeJSON(w, status, b)
}

// writeJSON writes v compactly, without Go's HTML escaping (the services
// simulated here do not escape <, > and &).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"encode"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func notFoundHTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>`+
		`<meta name="viewport" content="width=device-width, initial-scale=1"/>`+
		`<title>Not Found | OpenRouter</title></head><body><main>`+
		`<h1>404</h1><h2>This page could not be found.</h2></main></body></html>`)
}

func (o *OpenRouter) modelList() []Model {
	if o.Models != nil {
		return o.Models
	}
	return DefaultModels
}

func (o *OpenRouter) models(w http.ResponseWriter) {
	data := make([]map[string]any, 0, len(o.modelList()))
	for _, m := range o.modelList() {
		data = append(data, map[string]any{
			"id":             m.ID,
			"canonical_slug": m.ID,
			"name":           m.Name,
			"created":        1758240000,
			"context_length": m.ContextLength,
			"architecture": map[string]any{"modality": "text->text",
				"input_modalities": []string{"text"}, "output_modalities": []string{"text"}},
			"pricing":      map[string]any{"prompt": m.PromptPrice, "completion": m.CompletionPrice},
			"top_provider": map[string]any{"context_length": m.ContextLength, "is_moderated": false},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

func (o *OpenRouter) keyInfo(w http.ResponseWriter, key string, a Account) {
	var limit, remaining, reset any
	if a.Limit != nil {
		used := a.Usage
		switch a.LimitReset {
		case "daily":
			used = a.UsageDaily
		case "weekly":
			used = a.UsageWeekly
		case "monthly":
			used = a.UsageMonthly
		}
		limit, remaining = *a.Limit, *a.Limit-used
	}
	if a.LimitReset != "" {
		reset = a.LimitReset
	}
	if a.NoCredits || a.KeyLimitReached {
		remaining = 0.0
		if a.Limit == nil {
			limit = a.Usage
		}
	}
	var expires any
	if !a.ExpiresAt.IsZero() {
		expires = a.ExpiresAt.UTC().Format(time.RFC3339)
	}
	data := map[string]any{
		"label":                 MaskKey(key),
		"limit":                 limit,
		"limit_reset":           reset,
		"limit_remaining":       remaining,
		"include_byok_in_limit": false,
		"usage":                 a.Usage,
		"usage_daily":           a.UsageDaily,
		"usage_weekly":          a.UsageWeekly,
		"usage_monthly":         a.UsageMonthly,
		"byok_usage":            0.0,
		"byok_usage_daily":      0.0,
		"byok_usage_weekly":     0.0,
		"byok_usage_monthly":    0.0,
		"is_free_tier":          a.FreeTier,
		"is_management_key":     false,
		"is_provisioning_key":   false,
		"creator_user_id":       userID(key),
		"expires_at":            expires,
		"rate_limit": map[string]any{"requests": -1, "interval": "10s",
			"note": "This field is deprecated and safe to ignore."},
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// chatRequest is the part of a chat-completions body the simulators read.
type chatRequest struct {
	Model  string `json:"model"`
	Stream bool   `json:"stream"`
}

func (o *OpenRouter) validModel(id string) bool {
	if id == "openrouter/auto" {
		return true
	}
	for _, m := range o.modelList() {
		if m.ID == id {
			return true
		}
	}
	return false
}

func (o *OpenRouter) chat(w http.ResponseWriter, r *http.Request, key string, a Account, raw []byte, body chatRequest) {
	if err := json.Unmarshal(raw, &body); err != nil {
		orError(w, http.StatusBadRequest, "Invalid JSON in request body", nil, userID(key))
		return
	}
	if body.Model == "" {
		body.Model = "openrouter/auto" // the account's default model
	}
	if !o.validModel(body.Model) {
		orError(w, http.StatusBadRequest, body.Model+" is not a valid model ID", nil, userID(key))
		return
	}
	if a.NoCredits {
		orError(w, http.StatusPaymentRequired, MsgInsufficientCredits, nil, "")
		return
	}
	if a.KeyLimitReached {
		orError(w, http.StatusForbidden, MsgKeyLimit, nil, "")
		return
	}
	o.mu.Lock()
	o.chatSeen++
	seq := o.chatSeen
	limited := seq <= o.RateLimitFirst
	o.mu.Unlock()
	if limited {
		ra := o.RetryAfter
		if ra <= 0 {
			ra = 1
		}
		reset := strconv.FormatInt(time.Now().Add(time.Duration(ra)*time.Second).UnixMilli(), 10)
		w.Header().Set("Retry-After", strconv.Itoa(ra))
		w.Header().Set("X-RateLimit-Limit", "50")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", reset)
		orError(w, http.StatusTooManyRequests, MsgRateLimitFreeModels, map[string]any{
			"headers": map[string]any{"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
		}, "")
		return
	}
	reply := o.Reply
	if reply == "" {
		reply = "OK"
	}
	id := fmt.Sprintf("gen-%d-%s", time.Now().Unix(), userID(key + strconv.Itoa(seq))[5:25])
	created := time.Now().Unix()
	usage := map[string]any{"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10, "cost": 0.000042}
	if !body.Stream {
		writeJSON(w, http.StatusOK, map[string]any{
			"id": id, "provider": "Simulated", "model": body.Model, "object": "chat.completion",
			"created": created,
			"choices": []any{map[string]any{
				"logprobs": nil, "finish_reason": "stop", "native_finish_reason": "stop", "index": 0,
				"message": map[string]any{"role": "assistant", "content": reply, "refusal": nil, "reasoning": nil},
			}},
			"usage": usage,
		})
		return
	}
	o.stream(w, r, id, created, body.Model, reply, usage)
}

// embeddings answers POST /api/v1/embeddings
// (https://openrouter.ai/docs/api/reference/embeddings) in OpenAI's shape,
// after the same model and credit checks as a chat completion.
func (o *OpenRouter) embeddings(w http.ResponseWriter, key string, a Account, body chatRequest) {
	switch {
	case !o.validModel(body.Model):
		orError(w, http.StatusBadRequest, body.Model+" is not a valid model ID", nil, userID(key))
	case a.NoCredits:
		orError(w, http.StatusPaymentRequired, MsgInsufficientCredits, nil, "")
	case a.KeyLimitReached:
		orError(w, http.StatusForbidden, MsgKeyLimit, nil, "")
	default:
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "model": body.Model, "provider": "Simulated",
			"data":  []any{map[string]any{"object": "embedding", "index": 0, "embedding": []float64{0.1, 0.2}}},
			"usage": map[string]any{"prompt_tokens": 4, "total_tokens": 4, "cost": 0.0000004}})
	}
}

// stream writes an OpenRouter SSE completion: a processing comment, the
// content chunk, a final chunk with finish_reason and usage, then [DONE].
func (o *OpenRouter) stream(w http.ResponseWriter, r *http.Request, id string, created int64, model, reply string, usage map[string]any) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	chunk := func(delta map[string]any, finish any, extra map[string]any) map[string]any {
		c := map[string]any{
			"id": id, "provider": "Simulated", "model": model, "object": "chat.completion.chunk",
			"created": created,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish,
				"native_finish_reason": finish, "logprobs": nil}},
		}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		_ = rc.Flush()
		return r.Context().Err() == nil
	}
	_, _ = io.WriteString(w, ": OPENROUTER PROCESSING\n\n")
	_ = rc.Flush()
	if !send(chunk(map[string]any{"role": "assistant", "content": reply}, nil, nil)) {
		return
	}
	if o.StreamError != "" {
		send(chunk(map[string]any{"content": ""}, "error",
			map[string]any{"error": map[string]any{"code": 502, "message": o.StreamError}}))
	} else if !send(chunk(map[string]any{"role": "assistant", "content": ""}, "stop", map[string]any{"usage": usage})) {
		return
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	_ = rc.Flush()
}
