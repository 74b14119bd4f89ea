package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

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
	// key ids). A NoKey provider accepts any request.
	Keys map[string]bool
	// Models are the models served (nil: any model).
	Models []string
	// NoCredits and RateLimited make every authenticated inference fail
	// with the spec's CreditsExhausted / RateLimited sample.
	NoCredits, RateLimited bool
	// Reply is the assistant's answer (default "OK").
	Reply string

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
	key, present := p.credential(r)
	rec := Request{Method: r.Method, Path: r.URL.Path, HasAuth: present, KeyFP: fingerprint(key)}
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &req)
	rec.Model = req.Model
	if m := modelFromPath(r.URL.Path); m != "" {
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
		switch {
		case p.NoCredits:
			p.sample(w, finding.CreditsExhausted, http.StatusPaymentRequired)
		case p.RateLimited:
			p.sample(w, finding.RateLimited, http.StatusTooManyRequests)
		case p.Models != nil && !contains(p.Models, model):
			p.sample(w, finding.ModelUnavailable, http.StatusNotFound)
		default:
			p.ok(w, r, model, true)
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"error":{"message":"Unknown request URL: %s %s","code":404}}`, r.Method, strings.ReplaceAll(path, `"`, ""))
	}
}

// credential extracts the credential the way the spec sends it: the
// access key id of an AWS SigV4 Authorization header for a signing
// provider, else the spec's header without its prefix.
func (p *Provider) credential(r *http.Request) (string, bool) {
	s := p.Spec
	if s.Sign != nil {
		a := r.Header.Get("Authorization")
		if a == "" {
			return "", false
		}
		_, rest, ok := strings.Cut(a, "Credential=")
		if !ok {
			return "", true
		}
		id, _, _ := strings.Cut(rest, "/")
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

// sample answers with the spec's first documented sample of cause c, or a
// generic answer of status def when the spec documents none.
func (p *Provider) sample(w http.ResponseWriter, c finding.Cause, def int) {
	for _, smp := range p.Spec.Samples {
		if smp.Cause != c {
			continue
		}
		for k, vs := range smp.Header {
			w.Header()[k] = vs
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(smp.Status)
		io.WriteString(w, smp.Body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(def)
	msg := map[finding.Cause]string{finding.HeaderMissing: "No API key provided.", finding.CredentialRejected: "Invalid API key.",
		finding.CreditsExhausted: "Insufficient credits.", finding.RateLimited: "Rate limit exceeded.", finding.ModelUnavailable: "The model does not exist."}[c]
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "code": def}})
	w.Write(b)
}

// ok answers a successful call in the spec's wire shape: a model list for
// GETs, an answer for inference.
func (p *Provider) ok(w http.ResponseWriter, r *http.Request, model string, inference bool) {
	reply := p.Reply
	if reply == "" {
		reply = "OK"
	}
	models := p.Models
	if models == nil {
		models = []string{"sim-model"}
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
	case shape == provider.ShapeAnthropic:
		out = map[string]any{"id": "msg_sim", "type": "message", "role": "assistant", "model": model,
			"content": []map[string]string{{"type": "text", "text": reply}}, "stop_reason": "end_turn"}
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
		out = map[string]any{"object": "list", "data": []map[string]any{{"object": "embedding", "index": 0, "embedding": []float64{0.1, 0.2}}}}
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

// modelFromPath extracts a model named in the path (Gemini's
// /models/{model}:generateContent, Bedrock's /model/{model}/converse).
func modelFromPath(p string) string {
	for _, seg := range []string{"/models/", "/model/"} {
		if i := strings.LastIndex(p, seg); i >= 0 {
			rest := p[i+len(seg):]
			if j := strings.IndexAny(rest, ":/"); j > 0 {
				return rest[:j]
			}
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
