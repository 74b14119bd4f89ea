package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
)

// LiteLLMVersion is the version the simulated proxy reports.
const LiteLLMVersion = "1.63.11"

// LiteLLM's own error messages
// (https://github.com/BerriAI/litellm/blob/main/litellm/proxy/auth/user_api_key_auth.py,
// https://github.com/BerriAI/litellm/issues/7287, and the invalid-model body
// of https://github.com/BerriAI/litellm/issues/8821).
const (
	MsgLiteLLMNoKey        = "Authentication Error, No api key passed in."
	MsgLiteLLMInvalidToken = "Authentication Error, Invalid proxy server token passed. valid_token=None."
	msgLiteLLMMalformed    = "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix. Passed in: "
	msgLiteLLMNotVirtual   = "Authentication Error, LiteLLM Virtual Key expected. Received=%s, expected to start with 'sk-'."
	msgLiteLLMBadModel     = "{'error': '%s: Invalid model name passed in model=%s. Call `/v1/models` to view available models for your key.'}"
)

// LiteLLM simulates a LiteLLM proxy built from a LiteLLM config.yaml and
// the environment of the proxy process, resolved at construction the way
// LiteLLM resolves `os.environ/VAR` at startup (unset → empty, silently).
//
//	GET  /health/liveliness, /health/liveness, /health/readiness   public
//	GET  /v1/models, /models                                       master key
//	POST /v1/chat/completions, /chat/completions                   master key
//	POST /v1/embeddings, /embeddings                               master key
//	GET  /health                                                   master key; calls every deployment
//
// Chat completions and embeddings calls go to the first deployment of the
// requested model group (no load balancing), at its api_base (or the
// provider's default base) with the provider's auth header and the resolved
// api_key — or, when the key resolved to nothing, with no credential at
// all — in the provider's own wire format for that call (its canary, or its
// embedding canary); the answer comes back as an OpenAI chat completion (an
// upstream 2xx that is not a completion is LiteLLM's APIError "Invalid
// response object") or, for embeddings, an OpenAI embeddings list (an
// upstream answer without a vector becomes an empty list). As in LiteLLM, a
// deployment with mock_response is answered with it and nothing is called;
// a failed call is retried with the model group's fallbacks (router_settings
// or litellm_settings); with litellm_settings.cache on, a request already
// answered is answered from the cache unless it carries cache.no-cache;
// every answer carries the x-litellm-model-api-base and x-litellm-model-id
// of the deployment used.
// Requests to non-loopback upstreams are refused (answered as a LiteLLM
// connection error) and never sent.
type LiteLLM struct {
	cfg       *litellm.Config
	env       func(string) (string, bool)
	masterKey string
	client    *http.Client
	log       requestLog
	calls     atomic.Int64
	cache     sync.Map // litellm_settings.cache: answers by model group and messages
}

// NewLiteLLM builds the proxy from a parsed config and the proxy process
// environment (nil: empty). The config's environment_variables are applied
// on top of env, as LiteLLM does at startup.
func NewLiteLLM(cfg *litellm.Config, env map[string]string) *LiteLLM {
	l := &LiteLLM{cfg: cfg, env: cfg.Env(litellm.MapEnv(env))}
	l.masterKey, _, _ = litellm.Resolve(cfg.MasterKey.Value, l.env)
	l.client = &http.Client{
		Transport: loopbackTransport(),
		// LiteLLM's HTTP client does not follow redirects for API calls
		// either; a 3xx comes back as an error status.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return l
}

// NewLiteLLMFromYAML parses a LiteLLM config.yaml and builds the proxy.
func NewLiteLLMFromYAML(name string, data []byte, env map[string]string) (*LiteLLM, error) {
	cfg, err := litellm.Parse(name, data)
	if err != nil {
		return nil, err
	}
	return NewLiteLLM(cfg, env), nil
}

// Open reports whether the proxy admits every request (no master key).
func (l *LiteLLM) Open() bool { return l.masterKey == "" }

// Requests returns the requests the proxy received, in order.
func (l *LiteLLM) Requests() []Request { return l.log.list() }

func (l *LiteLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path}
	_, rec.HasAuth = r.Header["Authorization"]
	var raw []byte
	if r.Method == http.MethodPost {
		raw, _ = io.ReadAll(io.LimitReader(r.Body, 8<<20))
		var body chatRequest
		if json.Unmarshal(raw, &body) == nil {
			rec.Model, rec.Stream = body.Model, body.Stream
		}
	}
	key, present, malformed := liteLLMKey(r)
	rec.KeyFP = fingerprint(key)
	w.Header().Set("Server", "uvicorn")
	w = &statusWriter{ResponseWriter: w, log: &l.log, index: l.log.add(rec)}

	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /health/liveliness", "GET /health/liveness":
		writeJSON(w, http.StatusOK, "I'm alive!")
		return
	case "GET /health/readiness":
		writeJSON(w, http.StatusOK, map[string]any{"status": "healthy", "db": "Not connected",
			"cache": nil, "litellm_version": LiteLLMVersion, "success_callbacks": []string{}})
		return
	case "GET /v1/models", "GET /models", "POST /v1/chat/completions", "POST /chat/completions", "GET /health",
		"POST /v1/embeddings", "POST /embeddings":
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
		return
	}
	if !l.authorize(w, key, present, malformed) {
		return
	}
	switch route {
	case "GET /v1/models", "GET /models":
		l.models(w)
	case "GET /health":
		l.health(w, r)
	case "POST /v1/embeddings", "POST /embeddings":
		l.chat(w, r, raw, true)
	default:
		l.chat(w, r, raw, false)
	}
}

// liteLLMKey extracts the client's key the way LiteLLM does: Authorization
// with a `Bearer `/`bearer `/`Basic ` prefix (any other value is a
// malformed, empty key), else the alternative key headers.
func liteLLMKey(r *http.Request) (key string, present, malformed bool) {
	if v := r.Header.Get("Authorization"); v != "" {
		for _, p := range []string{"Bearer ", "bearer ", "Basic "} {
			if strings.HasPrefix(v, p) {
				k := strings.TrimPrefix(v, p)
				return k, true, k == ""
			}
		}
		return v, true, true
	}
	for _, h := range []string{"API-Key", "x-api-key", "x-goog-api-key", "Ocp-Apim-Subscription-Key", "x-litellm-api-key"} {
		if v := r.Header.Get(h); v != "" {
			return v, true, false
		}
	}
	return "", false, false
}

// authorize applies the master key: unset → every request is admitted.
func (l *LiteLLM) authorize(w http.ResponseWriter, key string, present, malformed bool) bool {
	if l.masterKey == "" {
		return true
	}
	switch {
	case !present:
		liteLLMError(w, http.StatusUnauthorized, MsgLiteLLMNoKey, "auth_error", "None")
	case malformed:
		// LiteLLM echoes what it received here; so does the simulator, so
		// the tests can prove hopcheck scrubs it.
		liteLLMError(w, http.StatusUnauthorized, msgLiteLLMMalformed+key, "auth_error", "None")
	case key == l.masterKey:
		return true
	case !strings.HasPrefix(key, "sk-"):
		liteLLMError(w, http.StatusUnauthorized, fmt.Sprintf(msgLiteLLMNotVirtual, key), "auth_error", "None")
	default:
		liteLLMError(w, http.StatusUnauthorized, MsgLiteLLMInvalidToken, "auth_error", "None")
	}
	return false
}

// liteLLMError writes LiteLLM's ProxyException body; code is a string and
// type/param may be null (nil) or strings such as "None".
func liteLLMError(w http.ResponseWriter, status int, msg string, typ, param any) {
	var b struct {
		Error struct {
			Message string `json:"message"`
			Type    any    `json:"type"`
			Param   any    `json:"param"`
			Code    string `json:"code"`
		} `json:"error"`
	}
	b.Error.Message, b.Error.Type, b.Error.Param, b.Error.Code = msg, typ, param, fmt.Sprint(status)
	writeJSON(w, status, b)
}

func (l *LiteLLM) models(w http.ResponseWriter) {
	data := []map[string]any{}
	for _, n := range l.cfg.ModelNames() {
		data = append(data, map[string]any{"id": n, "object": "model", "created": 1677610602, "owned_by": "openai"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "object": "list"})
}

// upstream is where and with what key a deployment is called.
type upstream struct {
	dep      litellm.Deployment
	provider string
	spec     *provider.Spec // the registry entry LiteLLM routes the prefix to
	base     string
	key      string
}

func (l *LiteLLM) upstreamOf(d litellm.Deployment) upstream {
	u := upstream{dep: d, provider: d.Provider()}
	u.base, _, _ = litellm.Resolve(d.APIBase.Value, l.env)
	pname := u.provider
	if pname == "" {
		pname = "openai" // LiteLLM's default for a model without a prefix
	}
	spec, _ := provider.ByLiteLLM(pname)
	if spec == nil {
		spec = provider.For(provider.OpenAICompatible)
	}
	u.spec = spec
	if u.base == "" {
		if e := spec.LiteLLM.BaseVar; e != "" {
			u.base, _ = l.env(e)
		}
	}
	if u.base == "" {
		u.base = spec.BaseURL
	}
	u.base = strings.TrimRight(u.base, "/")
	u.key, _, _ = litellm.Resolve(d.APIKey.Value, l.env)
	for _, e := range spec.LiteLLMKeyVars() {
		if u.key != "" {
			break
		}
		u.key, _ = l.env(e)
	}
	return u
}

// call sends one completion (embed: embeddings) request upstream, in the
// provider's own wire format (the registry's canary shape: an OpenAI chat
// completion, Azure's deployment path, Gemini's generateContent, …; its
// embedding canary's for embeddings) with its own auth header, as LiteLLM's
// provider adapters do. An OpenAI-shaped call keeps the client's body
// (stream, max_tokens).
func (l *LiteLLM) call(ctx context.Context, u upstream, body []byte, embed bool) (*http.Response, error) {
	in := provider.RequestInput{Base: u.base, Model: u.dep.UpstreamModel()}
	if v, _, _ := litellm.Resolve(u.dep.APIVersion.Value, l.env); v != "" {
		in.Params = map[string]string{"api_version": v}
	}
	c := u.spec.Canary(in)
	if u.spec.BuildCanary != nil {
		body, _ = json.Marshal(c.Body)
	}
	if embed {
		c = u.spec.Embedding(in)
		if u.spec.BuildEmbedding != nil {
			body, _ = json.Marshal(c.Body)
		}
	}
	url := u.spec.URL(u.base, c)
	if !isLoopbackURL(url) {
		return nil, errNotLoopback
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "OpenAI/Python 1.61.0")
	for k, v := range u.spec.Headers {
		req.Header.Set(k, v)
	}
	if u.key != "" {
		req.Header.Set(u.spec.Auth.Name, u.spec.Auth.Prefix+u.key)
	}
	if u.provider == "openrouter" {
		req.Header.Set("HTTP-Referer", "https://litellm.ai")
		req.Header.Set("X-Title", "liteLLM")
	}
	return l.client.Do(req)
}

// chat answers a chat completion, or with embed an embeddings call.
func (l *LiteLLM) chat(w http.ResponseWriter, r *http.Request, raw []byte, embed bool) {
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(raw, &payload); err != nil {
		liteLLMError(w, http.StatusBadRequest, "Invalid JSON payload: "+err.Error(), "None", "None")
		return
	}
	var group string
	_ = json.Unmarshal(payload["model"], &group)
	deps := l.cfg.Deployments(group)
	if len(deps) == 0 {
		name := group
		if name == "" {
			name = "None"
		}
		route := "/chat/completions"
		if embed {
			route = "/embeddings"
		}
		liteLLMError(w, http.StatusBadRequest, fmt.Sprintf(msgLiteLLMBadModel, route, name), "None", "None")
		return
	}
	var stream bool
	_ = json.Unmarshal(payload["stream"], &stream)
	// cache is LiteLLM's own per-request control, never sent upstream; a
	// cache.no-cache request skips the lookup.
	var ctl struct {
		NoCache bool `json:"no-cache"`
	}
	_ = json.Unmarshal(payload["cache"], &ctl)
	delete(payload, "cache")
	cacheKey := group + "\x00" + string(payload["messages"])
	if embed {
		cacheKey = "embeddings\x00" + group + "\x00" + string(payload["input"])
	}
	if l.caching() && !stream && !ctl.NoCache {
		if hit, ok := l.cache.Load(cacheKey); ok {
			e := hit.(cacheEntry)
			l.setHeaders(w, e.u, group)
			w.Header().Set("x-litellm-cache-key", fmt.Sprintf("%x", sha256.Sum256([]byte(cacheKey))))
			w.Header().Set("Content-Type", "application/json")
			w.Write(e.body)
			return
		}
	}
	// The model group, then its fallbacks (LiteLLM's router tries them in
	// order when a call fails; streams get no fallback here).
	groups := []string{group}
	if !stream {
		for _, f := range l.cfg.FallbacksFor(group) {
			groups = append(groups, f.Value)
		}
	}
	for n, g := range groups {
		ds := l.cfg.Deployments(g)
		if len(ds) == 0 {
			continue
		}
		u := l.upstreamOf(ds[0])
		last := n == len(groups)-1
		if litellm.Mocked(u.dep) {
			// mock_response: LiteLLM answers itself and calls nothing; its
			// headers still name the deployment.
			l.setHeaders(w, u, group)
			body := openAICompletion(u.dep.UpstreamModel(), u.dep.Mock.Value)
			if embed {
				body = openAIEmbeddings(group, true)
			}
			l.remember(cacheKey, u, body, stream)
			writeRaw(w, body)
			return
		}
		payload["model"], _ = json.Marshal(u.dep.UpstreamModel())
		body, _ := json.Marshal(payload)
		resp, err := l.call(r.Context(), u, body, embed)
		if err != nil {
			if r.Context().Err() != nil {
				abort(w) // the client went away or the server closes
				return
			}
			if !last {
				continue
			}
			l.setHeaders(w, u, group)
			l.relayNetError(w, u, group, err)
			return
		}
		if resp.StatusCode/100 != 2 {
			if !last {
				resp.Body.Close()
				continue
			}
			l.setHeaders(w, u, group)
			l.relayError(w, u, group, resp)
			resp.Body.Close()
			return
		}
		l.setHeaders(w, u, group)
		if n > 0 {
			w.Header().Set("x-litellm-attempted-fallbacks", fmt.Sprint(n))
		}
		switch {
		case embed:
			// LiteLLM answers every provider's embeddings in OpenAI's
			// shape; a provider answer without a vector becomes an empty
			// list.
			up, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
			body := openAIEmbeddings(group, provider.HasEmbedding(up))
			l.remember(cacheKey, u, body, false)
			writeRaw(w, body)
		case stream:
			relayStream(w, resp)
		default:
			l.answer(w, u, group, resp, cacheKey)
		}
		resp.Body.Close()
		return
	}
}

// answer relays a successful upstream answer the way LiteLLM does: it
// parses the provider's answer and returns an OpenAI chat completion; an
// answer that is not a completion of the provider's format is LiteLLM's
// APIError ("Invalid response object").
func (l *LiteLLM) answer(w http.ResponseWriter, u upstream, group string, resp *http.Response, cacheKey string) {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if status, ok := embeddedError(raw); ok {
		// An error object inside the 2xx (OpenRouter's "Provider returned
		// error"): LiteLLM raises it like an error status.
		l.relayErrorBody(w, u, group, status, raw, resp.Header)
		return
	}
	c := u.spec.Canary(provider.RequestInput{Base: u.base, Model: u.dep.UpstreamModel()})
	text, err := c.Answer.Read(raw, resp.Header)
	if err != nil {
		liteLLMError(w, http.StatusInternalServerError, wrapMessage("APIError", u.provider, "Invalid response object: "+err.Error(), group), nil, nil)
		return
	}
	body := raw
	if c.Answer != provider.AnswerOpenAIChat {
		body = openAICompletion(u.dep.UpstreamModel(), text)
	}
	l.remember(cacheKey, u, body, false)
	writeRaw(w, body)
}

// cacheEntry is a cached answer and the deployment that gave it.
type cacheEntry struct {
	u    upstream
	body []byte
}

// caching reports whether litellm_settings.cache is on.
func (l *LiteLLM) caching() bool {
	return strings.EqualFold(strings.TrimSpace(l.cfg.Cache.Value), "true")
}

func (l *LiteLLM) remember(key string, u upstream, body []byte, stream bool) {
	if l.caching() && !stream {
		l.cache.Store(key, cacheEntry{u: u, body: body})
	}
}

// openAICompletion is the chat completion LiteLLM returns for text.
func openAICompletion(model, text string) []byte {
	b, _ := json.Marshal(map[string]any{"id": "chatcmpl-sim", "object": "chat.completion", "created": 1700000000, "model": model,
		"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}}})
	return b
}

// openAIEmbeddings is the embeddings list LiteLLM returns for model group
// group: one vector, or none.
func openAIEmbeddings(group string, vector bool) []byte {
	data := []map[string]any{}
	if vector {
		data = append(data, map[string]any{"object": "embedding", "index": 0, "embedding": []float64{0.1, 0.2}})
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "data": data, "model": group,
		"usage": map[string]int{"prompt_tokens": 4, "total_tokens": 4}})
	return b
}

func writeRaw(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// relayStream copies an upstream event stream to the client as it comes.
func relayStream(w http.ResponseWriter, resp *http.Response) {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(resp.StatusCode)
	rc := http.NewResponseController(w)
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			_ = rc.Flush()
		}
		if err != nil {
			return
		}
	}
}

// setHeaders adds the x-litellm-* headers LiteLLM sets on routed calls.
func (l *LiteLLM) setHeaders(w http.ResponseWriter, u upstream, group string) {
	id := sha256.Sum256([]byte(group + "\x00" + u.dep.Model.Value + "\x00" + u.base))
	n := l.calls.Add(1)
	h := w.Header()
	h.Set("x-litellm-call-id", fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", id[0:4], n&0xffff, n&0xfff, 0, id[4:10]))
	mid := hex.EncodeToString(id[:])
	if u.dep.ID.Set && u.dep.ID.Value != "" {
		mid = u.dep.ID.Value // model_info.id
	}
	h.Set("x-litellm-model-id", mid)
	h.Set("x-litellm-model-api-base", u.base)
	h.Set("x-litellm-model-group", group)
	h.Set("x-litellm-version", LiteLLMVersion)
}

// exceptionClass maps an upstream status to the LiteLLM exception LiteLLM
// raises for it (litellm exception_mapping_utils); statuses without a
// dedicated class (402 among them) become APIError with the status kept.
func exceptionClass(status int) string {
	switch status {
	case 400, 422:
		return "BadRequestError"
	case 401:
		return "AuthenticationError"
	case 403:
		return "PermissionDeniedError"
	case 404:
		return "NotFoundError"
	case 408, 504:
		return "Timeout"
	case 429:
		return "RateLimitError"
	case 500:
		return "InternalServerError"
	case 503:
		return "ServiceUnavailableError"
	}
	return "APIError"
}

// providerTitle is the provider's name as it appears in "<Name>Exception".
func providerTitle(p string) string {
	switch p {
	case "", "openai":
		return "OpenAI"
	case "openrouter":
		return "Openrouter"
	}
	return strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
}

// wrapMessage builds LiteLLM's message for a relayed upstream failure.
func wrapMessage(class, provider, detail, group string) string {
	return fmt.Sprintf("litellm.%s: %s: %sException - %s. Received Model Group=%s\nAvailable Model Group Fallbacks=None",
		class, class, providerTitle(provider), detail, group)
}

// upstreamDetail is the "Error code: N - <body>" part, the body rendered
// as the Python dict (JSON) or kept as text (an HTML page).
func upstreamDetail(status int, body []byte) string {
	text := strings.TrimSpace(string(body))
	if repr, err := pyRepr(body); err == nil {
		text = repr
	}
	return fmt.Sprintf("Error code: %d - %s", status, text)
}

func (l *LiteLLM) relayError(w http.ResponseWriter, u upstream, group string, resp *http.Response) {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	l.relayErrorBody(w, u, group, resp.StatusCode, body, resp.Header)
}

func (l *LiteLLM) relayErrorBody(w http.ResponseWriter, u upstream, group string, status int, body []byte, h http.Header) {
	if ra := h.Get("Retry-After"); ra != "" {
		w.Header().Set("retry-after", ra)
	}
	class := exceptionClass(status)
	liteLLMError(w, status, wrapMessage(class, u.provider, upstreamDetail(status, body), group), nil, nil)
}

// embeddedError reports whether a 2xx body carries an error object, and
// the status its error.code names (500 when none).
func embeddedError(body []byte) (int, bool) {
	var b struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil || len(b.Error) == 0 || string(b.Error) == "null" {
		return 0, false
	}
	var e struct {
		Code any `json:"code"`
	}
	_ = json.Unmarshal(b.Error, &e)
	if n, ok := e.Code.(float64); ok && n >= 400 && n <= 599 {
		return int(n), true
	}
	return http.StatusInternalServerError, true
}

func (l *LiteLLM) relayNetError(w http.ResponseWriter, u upstream, group string, err error) {
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		liteLLMError(w, http.StatusRequestTimeout, wrapMessage("Timeout", u.provider, "Request timed out.", group), nil, nil)
		return
	}
	liteLLMError(w, http.StatusInternalServerError, wrapMessage("APIConnectionError", u.provider, "Connection error.", group), nil, nil)
}

// health calls every deployment with a one-token completion, as LiteLLM's
// /health does.
func (l *LiteLLM) health(w http.ResponseWriter, r *http.Request) {
	healthy, unhealthy := []map[string]any{}, []map[string]any{}
	for _, d := range l.cfg.ModelList {
		u := l.upstreamOf(d)
		entry := map[string]any{"api_base": u.base, "model": d.Model.Value}
		body, _ := json.Marshal(map[string]any{"model": d.UpstreamModel(),
			"messages": []any{map[string]any{"role": "user", "content": "ping"}}, "max_tokens": 1})
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		resp, err := l.call(ctx, u, body, false)
		switch {
		case err != nil:
			entry["error"] = wrapMessage("APIConnectionError", u.provider, "Connection error.", d.ModelName.Value)
			unhealthy = append(unhealthy, entry)
		case resp.StatusCode/100 != 2:
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			entry["error"] = wrapMessage(exceptionClass(resp.StatusCode), u.provider, upstreamDetail(resp.StatusCode, b), d.ModelName.Value)
			unhealthy = append(unhealthy, entry)
		default:
			healthy = append(healthy, entry)
		}
		if resp != nil {
			resp.Body.Close()
		}
		cancel()
		if r.Context().Err() != nil {
			abort(w)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"healthy_endpoints": healthy, "unhealthy_endpoints": unhealthy,
		"healthy_count": len(healthy), "unhealthy_count": len(unhealthy)})
}
