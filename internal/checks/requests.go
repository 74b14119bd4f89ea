package checks

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/probe"
)

// anthropicVersion is the API version header Anthropic requires.
const anthropicVersion = "2023-06-01"

// canaryPrompt is the tiny prompt of the inference canary.
const canaryPrompt = "Reply with OK."

// canaryMaxTokens keeps the inference canary cheap but above the minimum
// some reasoning models accept.
const canaryMaxTokens = 16

// root returns a base URL without a trailing slash and, for APIs whose
// paths start with /v1 themselves, without a trailing /v1 (users write both).
func root(base string, api chain.HopType) string {
	b := strings.TrimRight(base, "/")
	switch api {
	case chain.TypeLiteLLM, chain.TypeAnthropic, chain.TypeOpenClaw:
		b = strings.TrimSuffix(b, "/v1")
	}
	return b
}

// keyCheckPath is the cheapest authenticated call an API of type api offers.
func keyCheckPath(api chain.HopType) string {
	switch api {
	case chain.TypeOpenRouter:
		return "/key"
	case chain.TypeLiteLLM, chain.TypeAnthropic, chain.TypeOpenClaw:
		return "/v1/models"
	}
	return "/models"
}

// publicPath is an unauthenticated endpoint that proves a hop is reachable
// when CI does not hold its key ("" when the API has none).
func publicPath(api chain.HopType) string {
	switch api {
	case chain.TypeOpenRouter:
		return "/models"
	case chain.TypeLiteLLM:
		return "/health/liveliness"
	case chain.TypeOpenClaw:
		return "/readyz"
	}
	return ""
}

// authHeader sets the credential on h the way a hop expects it.
func authHeader(h http.Header, hdr chain.Header, value string) {
	if value == "" {
		return
	}
	h.Set(hdr.Name, hdr.Prefix+value)
}

func baseHeader(api chain.HopType) http.Header {
	h := http.Header{}
	h.Set("Accept", "application/json")
	if api == chain.TypeAnthropic {
		h.Set("anthropic-version", anthropicVersion)
	}
	if api == chain.TypeOpenRouter {
		h.Set("X-Title", "hopcheck")
	}
	return h
}

// keyCheck builds the key/auth check for an API of type api reached at
// base (the hop's own URL, or a reverse proxy's URL in front of it).
func keyCheck(base string, api chain.HopType, hdr chain.Header, key string) probe.Request {
	h := baseHeader(api)
	authHeader(h, hdr, key)
	return probe.Request{Method: http.MethodGet, URL: root(base, api) + keyCheckPath(api), Header: h}
}

// publicCheck builds the unauthenticated reachability check ("" URL when none).
func publicCheck(base string, api chain.HopType) probe.Request {
	p := publicPath(api)
	if p == "" {
		return probe.Request{}
	}
	return probe.Request{Method: http.MethodGet, URL: root(base, api) + p, Header: baseHeader(api)}
}

// canaryRequest builds the inference canary sent to the first hop of c.
// api is the API the first hop speaks (its type, or the type of the hop a
// reverse proxy fronts); next is the hop after the first terminating hop
// (for OpenClaw's model header).
func canaryRequest(c *chain.Chain, api chain.HopType, hdr chain.Header, key string, next *chain.Hop) probe.Request {
	base := c.Hops[0].URL
	h := baseHeader(api)
	h.Set("Content-Type", "application/json")
	authHeader(h, hdr, key)
	msgs := []map[string]string{{"role": "user", "content": canaryPrompt}}
	var body any
	var path string
	switch api {
	case chain.TypeAnthropic:
		path = "/v1/messages"
		body = map[string]any{"model": c.Model, "max_tokens": canaryMaxTokens, "messages": msgs}
	case chain.TypeOpenClaw:
		// The gateway only accepts agent targets as model; the upstream
		// model is chosen with x-openclaw-model (provider/vendor/model).
		path = "/v1/chat/completions"
		m := c.Model
		if next != nil && next.Type == chain.TypeOpenRouter && !strings.HasPrefix(m, "openrouter/") {
			m = "openrouter/" + m
		}
		h.Set("x-openclaw-model", m)
		body = map[string]any{"model": "openclaw", "max_tokens": canaryMaxTokens, "messages": msgs, "stream": false}
	case chain.TypeLiteLLM:
		path = "/v1/chat/completions"
		body = map[string]any{"model": c.Model, "max_tokens": canaryMaxTokens, "messages": msgs, "stream": false}
	default:
		path = "/chat/completions"
		body = map[string]any{"model": c.Model, "max_tokens": canaryMaxTokens, "messages": msgs, "stream": false}
	}
	b, _ := json.Marshal(body) // maps of strings and ints always marshal
	return probe.Request{Method: http.MethodPost, URL: root(base, api) + path, Header: h, Body: b}
}
