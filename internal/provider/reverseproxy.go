package provider

import (
	"fmt"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// ReverseProxy is the hop type of a reverse proxy (nginx, an ingress, an API
// gateway in pass-through mode): it forwards what it receives and adds no
// credential of its own.
const ReverseProxy chain.HopType = "reverse-proxy"

func init() {
	register(&Spec{
		Type:     ReverseProxy,
		Name:     "reverse proxy",
		Role:     Relay,
		Auth:     Auth{Name: "Authorization", Prefix: "Bearer "},
		RawTable: true,
		Rules:    reverseProxyRules,
		UpstreamKeyFix: func(from string, to chain.Hop, _ string) string {
			return fmt.Sprintf("Make %s forward the %s header to %s (nginx: remove `proxy_set_header %s \"\";`).", from, to.KeyHeader.Name, to.Name, to.KeyHeader.Name)
		},
	})
}

// Default error pages of nginx, openresty, Apache, HAProxy, Envoy, Traefik
// and Caddy, and what nginx does with `proxy_set_header Authorization ""`
// (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).
// everything else is the next hop's answer passed through.
var reverseProxyRules = []classify.Rule{
	// nginx auth_basic: 401 + WWW-Authenticate: Basic. The proxy wants a
	// credential of its own that the request did not carry (or carried
	// wrong); both answer the same, so credential-rejected.
	{ID: "reverse-proxy.basic-auth", Status: classify.Is(401), Headers: []classify.Hdr{{Name: "WWW-Authenticate", Re: classify.Re(`^\s*basic\b`)}}, Cause: finding.CredentialRejected},
	{ID: "reverse-proxy.auth-required-page", Status: classify.Is(401), Kinds: classify.KindHTML | classify.KindText | classify.KindEmpty, Msg: classify.Re(`authorization required`), Cause: finding.CredentialRejected},
	// A CDN page of the upstream's edge (e.g. Cloudflare in front of
	// openrouter.ai) passed through: not this proxy's.
	{ID: "reverse-proxy.cdn-page", Kinds: classify.KindHTML | classify.KindText, Body: classify.Re(`cloudflare|cloudfront|akamai|fastly`), Origin: classify.Relayed, Act: classify.ActInnerSame},
	{ID: "reverse-proxy.server-page", Kinds: classify.KindHTML | classify.KindText | classify.KindEmpty, Body: classify.ProxyPageRe, Act: classify.ActSelfByTable},
	// Kong marks the answers it generates itself.
	{ID: "reverse-proxy.kong", Headers: []classify.Hdr{{Name: "X-Kong-Response-Latency"}}, Act: classify.ActSelfByTable},
	// A non-JSON bad gateway / unavailable / gateway timeout: an LLM API
	// answers JSON, so a bare page is the proxy's own.
	{ID: "reverse-proxy.gateway-status", Status: classify.Is(502, 503, 504), Kinds: classify.KindHTML | classify.KindText | classify.KindEmpty, Act: classify.ActSelfByTable},
	{ID: "reverse-proxy.relayed", Origin: classify.Relayed, Act: classify.ActInnerSame},
}
