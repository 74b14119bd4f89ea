package checks

import (
	"encoding/json"
	"net/http"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// The requests hopcheck sends are built from the provider registry: the
// spec of the API a hop speaks says the paths, the headers and the body.

// cred is the credential a request carries.
type cred struct {
	hdr        chain.Header
	key        string
	companions map[string]string
}

// build turns a registry call into a request to the API s at base, carrying
// c (no credential when c.key is empty).
func build(s *provider.Spec, base string, call provider.Call, c cred) probe.Request {
	if call.Zero() {
		return probe.Request{}
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	for k, v := range s.Headers {
		h.Set(k, v)
	}
	for k, vs := range call.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	req := probe.Request{Method: call.Method, URL: s.URL(base, call), Header: h}
	if call.Body != nil {
		req.Body, _ = json.Marshal(call.Body) // maps of strings and numbers always marshal
		h.Set("Content-Type", "application/json")
	}
	if c.key == "" {
		return req
	}
	if s.Sign != nil {
		key, comp := c.key, c.companions
		req.Sign = func(r *http.Request, body []byte) error { return s.Sign(r, body, key, comp) }
		return req
	}
	h.Set(c.hdr.Name, c.hdr.Prefix+c.key)
	return req
}

// input is the request input for hop h of chain c.
func input(c *chain.Chain, h chain.Hop, next chain.HopType) provider.RequestInput {
	return provider.RequestInput{Base: h.URL, Model: c.Model, Next: next, Params: h.Params}
}

// keyCheck builds the key/auth check of the API s reached at base (the
// hop's own URL, or a reverse proxy's URL in front of it) for hop h. The
// zero Request when the API has none.
func keyCheck(base string, s *provider.Spec, h chain.Hop, c cred) probe.Request {
	return build(s, base, s.KeyCheckCall(provider.RequestInput{Base: base, Params: h.Params}), c)
}

// publicCheck builds the unauthenticated reachability check (zero Request
// when the API has none).
func publicCheck(base string, s *provider.Spec, h chain.Hop) probe.Request {
	return build(s, base, s.PublicCall(provider.RequestInput{Base: base, Params: h.Params}), cred{})
}

// canaryRequest builds the canary sent to the first hop of c: the
// inference canary, or for an embedding chain the embeddings call. s is
// the API the first hop speaks (its type, or the type of the hop a reverse
// proxy fronts), t the hop whose API it is; next is the type of the hop
// after t (a gateway may route by it).
//
// The answer is the wire format a successful answer to it has (see
// provider.Answer).
func canaryRequest(c *chain.Chain, s *provider.Spec, t chain.Hop, cr cred, next chain.HopType) (probe.Request, provider.Answer) {
	in := input(c, t, next)
	in.Base = c.Hops[0].URL
	call := s.Canary(in)
	if c.Canary == chain.CanaryEmbedding {
		call = s.Embedding(in)
	}
	return build(s, c.Hops[0].URL, call, cr), call.Answer
}

// spec is the registry entry of h's type.
func spec(h chain.Hop) *provider.Spec { return provider.For(h.Type) }

// holder returns the index of the hop that attaches the credential for hop
// i: the closest terminating hop before it, or -1 for the CI job itself.
// Relays (reverse proxies) forward what they receive and never hold one.
func holder(c *chain.Chain, i int) int {
	for j := i - 1; j >= 0; j-- {
		if spec(c.Hops[j]).Terminates() {
			return j
		}
	}
	return -1
}

// target returns the index of the first terminating hop at or after i: the
// hop whose API a request sent to hop i actually speaks. -1 when none.
func target(c *chain.Chain, i int) int {
	for j := i; j < len(c.Hops); j++ {
		if spec(c.Hops[j]).Terminates() {
			return j
		}
	}
	return -1
}
