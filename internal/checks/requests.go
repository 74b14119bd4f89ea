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

// authHeader sets the credential on h the way a hop expects it.
func authHeader(h http.Header, hdr chain.Header, value string) {
	if value == "" {
		return
	}
	h.Set(hdr.Name, hdr.Prefix+value)
}

func baseHeader(s *provider.Spec) http.Header {
	h := http.Header{}
	h.Set("Accept", "application/json")
	for k, v := range s.Headers {
		h.Set(k, v)
	}
	return h
}

// keyCheck builds the key/auth check of the API s reached at base (the
// hop's own URL, or a reverse proxy's URL in front of it). The zero Request
// when the API has none.
func keyCheck(base string, s *provider.Spec, hdr chain.Header, key string) probe.Request {
	if s.KeyCheck.Path == "" {
		return probe.Request{}
	}
	h := baseHeader(s)
	authHeader(h, hdr, key)
	return probe.Request{Method: s.KeyCheck.Method, URL: s.Root(base) + s.KeyCheck.Path, Header: h}
}

// publicCheck builds the unauthenticated reachability check (zero Request
// when the API has none).
func publicCheck(base string, s *provider.Spec) probe.Request {
	if s.Public.Path == "" {
		return probe.Request{}
	}
	return probe.Request{Method: s.Public.Method, URL: s.Root(base) + s.Public.Path, Header: baseHeader(s)}
}

// canaryRequest builds the inference canary sent to the first hop of c.
// s is the API the first hop speaks (its type, or the type of the hop a
// reverse proxy fronts); next is the type of the hop after the first
// terminating hop (a gateway may route by it).
func canaryRequest(c *chain.Chain, s *provider.Spec, hdr chain.Header, key string, next chain.HopType) probe.Request {
	cn := s.Canary(provider.CanaryInput{Model: c.Model, Next: next})
	h := baseHeader(s)
	h.Set("Content-Type", "application/json")
	for k, vs := range cn.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	authHeader(h, hdr, key)
	b, _ := json.Marshal(cn.Body) // maps of strings and ints always marshal
	return probe.Request{Method: cn.Method, URL: s.Root(c.Hops[0].URL) + cn.Path, Header: h, Body: b}
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
