package sim

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// Provider simulates any provider of the registry from its Spec alone: it
// reads the credential where the spec says it is sent, answers the spec's
// key check, public call and canary in the spec's wire shape, and answers
// every failure with the spec's documented samples (provider.Sample) — a
// missing credential with the HeaderMissing sample, a wrong one with the
// CredentialRejected sample, an unknown model with the ModelUnavailable
// one, and so on. Adding a provider to the registry adds it here.
//
// Requests are recognised by method and path suffix, so the simulator can
// be mounted under any base path (a test points the hop at URL+base path).
type Provider struct {
	Spec *provider.Spec
	// Keys are the valid credentials (for a signing provider, the access
	// key ids and bearer API keys). A NoKey provider accepts any request.
	Keys map[string]bool
	// Secrets are the secret access keys of a signing provider's access
	// key ids: when an id has one, its AWS SigV4 signature is verified
	// (a wrong secret, region, time or body is a rejected credential, as
	// on AWS). Ids without one are accepted on their id alone.
	Secrets map[string]string
	// Models are the models served (nil: any model).
	Models []string
	// Embedders are the served embedding models (nil: every model answers
	// chat completions and embeddings calls alike). When set, an
	// embeddings call with any other model and a chat completion with one
	// of them fail as the provider fails them (its sample for that call,
	// provider.Sample.For), and they count as served with Models.
	Embedders []string
	// NoVector makes every embeddings call answer 200 without a vector (an
	// empty list), as Ollama's engine did for a model it could not embed
	// with (https://github.com/ollama/ollama/pull/9742).
	NoVector bool
	// NoCredits and RateLimited make every authenticated inference fail
	// with the spec's CreditsExhausted / RateLimited sample.
	NoCredits, RateLimited bool
	// Reply is the assistant's answer (default "OK").
	Reply string
	// Fake200, when set, is what every authenticated inference request
	// is answered with, as a 200 of Content-Type Fake200Type (default
	// application/json): not a completion but whatever else may answer
	// at a provider's URL — a mock, a health route, a key endpoint.
	Fake200, Fake200Type string

	log requestLog
}

// NewProvider returns a simulator of hop type t accepting keys.
func NewProvider(t chain.HopType, keys ...string) *Provider {
	p := &Provider{Spec: provider.For(t), Keys: map[string]bool{}}
	for _, k := range keys {
		p.Keys[k] = true
	}
	return p
}

// Requests returns the requests received so far, in order.
func (p *Provider) Requests() []Request { return p.log.list() }

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	key, present := p.credential(r, body)
	rec := Request{Method: r.Method, Path: r.URL.Path, HasAuth: present, KeyFP: fingerprint(key)}
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &req)
	rec.Model = req.Model
	if m := modelFromPath(r.URL.EscapedPath()); m != "" {
		rec.Model = m
	}
	sw := &statusWriter{ResponseWriter: w, log: &p.log, index: p.log.add(rec)}
	p.serve(sw, r, key, present, rec.Model)
}

func (p *Provider) serve(w http.ResponseWriter, r *http.Request, key string, present bool, model string) {
	s := p.Spec
	path := r.URL.Path
	switch {
	case matches(r, s.Public):
		p.ok(w, r, model, false)
		return
	case s.Verify == provider.NoKey:
	case !present || key == "":
		p.sample(w, finding.HeaderMissing, http.StatusUnauthorized)
		return
	case !p.Keys[key]:
		p.sample(w, finding.CredentialRejected, http.StatusUnauthorized)
		return
	}
	switch {
	case matches(r, s.KeyCheck):
		p.ok(w, r, model, false)
	case r.Method == http.MethodPost:
		embed := embeddingCall(path)
		switch {
		case p.NoCredits:
			p.sample(w, finding.CreditsExhausted, http.StatusPaymentRequired)
		case p.RateLimited:
			p.sample(w, finding.RateLimited, http.StatusTooManyRequests)
		case embed && s.NoEmbeddings != "":
			// The API has no such route.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"type":"error","error":{"type":"not_found_error","message":"Not Found"}}`)
		case p.Models != nil && !contains(p.Models, model) && !contains(p.Embedders, model):
			p.sample(w, finding.ModelUnavailable, http.StatusNotFound)
		case p.Embedders != nil && embed && !contains(p.Embedders, model):
			p.wrongKind(w, provider.ForEmbedding, model)
		case p.Embedders != nil && !embed && contains(p.Embedders, model):
			p.wrongKind(w, provider.ForChat, model)
		case p.Fake200 != "":
			ct := p.Fake200Type
			if ct == "" {
				ct = "application/json"
			}
			w.Header().Set("Content-Type", ct)
			io.WriteString(w, p.Fake200)
		default:
			p.ok(w, r, model, true)
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"error":{"message":"Unknown request URL: %s %s","code":404}}`, r.Method, strings.ReplaceAll(path, `"`, ""))
	}
}

// credential extracts the credential the way the spec sends it: for a
// signing provider a bearer token (a Bedrock API key) or the access key id
// of an AWS SigV4 Authorization header (marked, so it matches no valid key,
// when its signature does not verify), else the spec's header without its
// prefix.
func (p *Provider) credential(r *http.Request, body []byte) (string, bool) {
	s := p.Spec
	if s.Sign != nil {
		a := r.Header.Get("Authorization")
		if a == "" {
			return "", false
		}
		if tok, ok := strings.CutPrefix(a, "Bearer "); ok {
			return tok, true
		}
		_, rest, ok := strings.Cut(a, "Credential=")
		if !ok {
			return "", true
		}
		id, _, _ := strings.Cut(rest, "/")
		if secret, ok := p.Secrets[id]; ok && !sigV4Verifies(r, body, id, secret) {
			return id + " (signature does not verify)", true
		}
		return id, true
	}
	vals, ok := r.Header[http.CanonicalHeaderKey(s.Auth.Name)]
	if !ok {
		return "", false
	}
	v := strings.Join(vals, ",")
	if s.Auth.Prefix != "" {
		if !strings.HasPrefix(v, s.Auth.Prefix) {
			return "", true
		}
		v = strings.TrimPrefix(v, s.Auth.Prefix)
	}
	return v, true
}

// sigV4Verifies recomputes r's AWS Signature Version 4 with secret, as the
// service does: the same method, path, query, signed headers, payload
// hash, time and credential scope; it must give the same Authorization.
func sigV4Verifies(r *http.Request, body []byte, id, secret string) bool {
	auth := r.Header.Get("Authorization")
	scope, signed := "", ""
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			_, scope, _ = strings.Cut(v, "/")
		case "SignedHeaders":
			signed = v
		}
	}
	sc := strings.Split(scope, "/") // date/region/service/aws4_request
	if len(sc) != 4 {
		return false
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || at.Format("20060102") != sc[0] {
		return false
	}
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	re := &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: http.Header{}}
	for _, h := range strings.Split(signed, ";") {
		if h != "host" {
			if vs := r.Header.Values(h); len(vs) > 0 {
				re.Header[http.CanonicalHeaderKey(h)] = vs
			}
		}
	}
	sum := sha256.Sum256(body)
	err = sigv4.New().SignRequest(&sigv4.SignRequestInput{Request: re, PayloadHash: sum[:],
		Credentials: credentials.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")},
		Service:     sc[2], Region: sc[1], Time: at})
	return err == nil && re.Header.Get("Authorization") == auth
}

// sample answers with the spec's first documented sample of cause c, or a
// generic answer of status def when the spec documents none.
func (p *Provider) sample(w http.ResponseWriter, c finding.Cause, def int) {
	for _, smp := range p.Spec.Samples {
		if smp.Cause != c || smp.For != "" {
			continue
		}
		writeSample(w, smp)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(def)
	msg := map[finding.Cause]string{finding.HeaderMissing: "No API key provided.", finding.CredentialRejected: "Invalid API key.",
		finding.CreditsExhausted: "Insufficient credits.", finding.RateLimited: "Rate limit exceeded.", finding.ModelUnavailable: "The model does not exist."}[c]
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "code": def}})
	w.Write(b)
}

// embeddingCall reports whether a POST to path is an embeddings call in
// one of the registry's shapes (OpenAI's and Azure's …/embeddings, Cohere's
// /v2/embed, Ollama's /api/embed, Gemini's :embedContent, Bedrock's
// InvokeModel, which hopcheck sends only to embed).
func embeddingCall(path string) bool {
	for _, suf := range []string{"/embeddings", "/embed", ":embedContent", ":batchEmbedContents", "/invoke"} {
		if strings.HasSuffix(path, suf) {
			return true
		}
	}
	return false
}

// wrongKind answers a call of the wrong kind for model (call is
// provider.ForEmbedding or provider.ForChat) with the spec's sample for it,
// or a 400 in the wording family providers use.
func (p *Provider) wrongKind(w http.ResponseWriter, call, model string) {
	for _, smp := range p.Spec.Samples {
		if smp.Cause == finding.ModelUnavailable && smp.For == call {
			writeSample(w, smp)
			return
		}
	}
	what := "embeddings"
	if call == provider.ForChat {
		what = "chat"
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": fmt.Sprintf("%q does not support %s", model, what), "code": 400}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	w.Write(b)
}

// writeSample answers with smp.
func writeSample(w http.ResponseWriter, smp provider.Sample) {
	for k, vs := range smp.Header {
		w.Header()[k] = vs
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(smp.Status)
	io.WriteString(w, smp.Body)
}

// ok answers a successful call in the spec's wire shape: a model list for
// GETs, an answer for inference.
func (p *Provider) ok(w http.ResponseWriter, r *http.Request, model string, inference bool) {
	reply := p.Reply
	if reply == "" {
		reply = "OK"
	}
	models := p.Models
	if models == nil && p.Embedders == nil {
		models = []string{"sim-model"}
	}
	models = append(slices.Clone(models), p.Embedders...)
	// An embedding; empty with NoVector.
	vec, vecs := []float64{0.1, 0.2}, [][]float64{{0.1, 0.2}}
	if p.NoVector {
		vec, vecs = []float64{}, [][]float64{}
	}
	var out any
	switch shape := p.Spec.Shape; {
	case !inference && shape == provider.ShapeGemini:
		var ms []map[string]string
		for _, m := range models {
			ms = append(ms, map[string]string{"name": "models/" + m})
		}
		out = map[string]any{"models": ms}
	case !inference && shape == provider.ShapeBedrock:
		var ms []map[string]string
		for _, m := range models {
			ms = append(ms, map[string]string{"modelId": m})
		}
		out = map[string]any{"modelSummaries": ms}
	case !inference && shape == provider.ShapeOllama && strings.HasSuffix(r.URL.Path, "/version"):
		out = map[string]string{"version": "0.9.0"}
	case !inference && (shape == provider.ShapeOllama || shape == provider.ShapeCohere):
		var ms []map[string]string
		for _, m := range models {
			ms = append(ms, map[string]string{"name": m})
		}
		out = map[string]any{"models": ms}
	case !inference:
		var ms []map[string]string
		for _, m := range models {
			ms = append(ms, map[string]string{"id": m, "object": "model"})
		}
		out = map[string]any{"object": "list", "data": ms}
	case shape == provider.ShapeAnthropic || strings.HasSuffix(r.URL.Path, "/v1/messages"):
		out = map[string]any{"id": "msg_sim", "type": "message", "role": "assistant", "model": model,
			"content": []map[string]string{{"type": "text", "text": reply}}, "stop_reason": "end_turn"}
	case shape == provider.ShapeGemini && strings.HasSuffix(r.URL.Path, ":embedContent"):
		out = map[string]any{"embedding": map[string]any{"values": vec}}
	case shape == provider.ShapeCohere && strings.HasSuffix(r.URL.Path, "/embed"):
		out = map[string]any{"id": "sim", "embeddings": map[string]any{"float": vecs}}
	case shape == provider.ShapeBedrock && strings.HasSuffix(r.URL.Path, "/invoke"):
		out = map[string]any{"embedding": vec}
	case shape == provider.ShapeOllama && strings.HasSuffix(r.URL.Path, "/api/embed"):
		out = map[string]any{"model": model, "embeddings": vecs}
	case shape == provider.ShapeOllama && strings.HasSuffix(r.URL.Path, "/api/embeddings"):
		out = map[string]any{"embedding": vec}
	case shape == provider.ShapeGemini:
		out = map[string]any{"candidates": []map[string]any{{"content": map[string]any{"role": "model",
			"parts": []map[string]string{{"text": reply}}}, "finishReason": "STOP"}}}
	case shape == provider.ShapeCohere:
		out = map[string]any{"id": "sim", "finish_reason": "COMPLETE",
			"message": map[string]any{"role": "assistant", "content": []map[string]string{{"type": "text", "text": reply}}}}
	case shape == provider.ShapeBedrock:
		out = map[string]any{"output": map[string]any{"message": map[string]any{"role": "assistant",
			"content": []map[string]string{{"text": reply}}}}, "stopReason": "end_turn"}
	case shape == provider.ShapeOllama && strings.HasSuffix(r.URL.Path, "/api/chat"):
		out = map[string]any{"model": model, "message": map[string]string{"role": "assistant", "content": reply}, "done": true}
	case strings.HasSuffix(r.URL.Path, "/embeddings"):
		data := []map[string]any{}
		if len(vec) > 0 {
			data = append(data, map[string]any{"object": "embedding", "index": 0, "embedding": vec})
		}
		out = map[string]any{"object": "list", "data": data, "model": model}
	default:
		out = map[string]any{"id": "chatcmpl-sim", "object": "chat.completion", "model": model,
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": reply}, "finish_reason": "stop"}}}
	}
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(out)
	w.Write(b)
}

// matches reports whether r is the spec call c (same method, path ending
// with the call's path).
func matches(r *http.Request, c provider.Call) bool {
	if c.Zero() {
		return false
	}
	m := c.Method
	if m == "" {
		m = http.MethodGet
	}
	return r.Method == m && strings.HasSuffix(r.URL.Path, c.Path)
}

// modelFromPath extracts a model named in the (escaped) path: Gemini's
// /models/{model}:generateContent, Bedrock's /model/{model}/converse (an
// id with ":" or an ARN with "/" arrives escaped as one segment), Azure's
// /openai/deployments/{deployment}/chat/completions.
func modelFromPath(p string) string {
	for _, seg := range []string{"/deployments/", "/models/", "/model/"} {
		i := strings.LastIndex(p, seg)
		if i < 0 {
			continue
		}
		rest := p[i+len(seg):]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			// The model is the last segment only when a method follows
			// it (":generateContent"); "/models" alone is a model list.
			j = strings.LastIndexByte(rest, ':')
		}
		if j <= 0 {
			continue
		}
		if m, err := url.PathUnescape(rest[:j]); err == nil {
			return m
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
