package provider

import (
	"net/http"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Perplexity is the hop type of the Perplexity API (https://docs.perplexity.ai).
const Perplexity chain.HopType = "perplexity"

func init() {
	register(&Spec{
		Type: Perplexity,
		Name: "Perplexity",
		Role: Provider,
		// LiteLLM reads PERPLEXITYAI_API_KEY, then PERPLEXITY_API_KEY, and
		// PERPLEXITY_API_BASE
		// (https://github.com/BerriAI/litellm/blob/main/litellm/llms/perplexity/chat/transformation.py).
		// OpenClaw knows Perplexity only as a web-search tool, not as a
		// model provider, so it has no OpenClaw route.
		LiteLLM: LiteLLMRoute{Prefixes: []string{"perplexity"}, BaseVar: "PERPLEXITY_API_BASE", KeyVars: []string{"PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"}},
		BaseURL: "https://api.perplexity.ai",
		Hosts:   []string{"api.perplexity.ai"},
		KeyVars: []string{"PERPLEXITY_API_KEY", "PERPLEXITYAI_API_KEY"},
		Keys: Keys{
			// https://github.com/trufflesecurity/trufflehog/blob/main/pkg/detectors/perplexity/perplexity.go
			Prefixes:       []string{"pplx-"},
			Distinctive:    []string{"pplx-"},
			PrefixRequired: true,
			Pattern:        classify.Lazy(`^pplx-[A-Za-z0-9]{48}$`),
			Shape:          "pplx- and 48 letters and digits",
			Fake:           "pplx-" + strings.Repeat("0fake0", 8),
		},
		Auth:  Auth{Name: "Authorization", Prefix: "Bearer "},
		Shape: ShapeOpenAI,
		// OpenAI-compatible at the root: /chat/completions, no /v1. GET
		// /models needs the key (401/403 without a valid one) and is what
		// secret scanners verify Perplexity keys with.
		KeyCheck: Call{Method: "GET", Path: "/models"},
		Samples:  perplexitySamples,
	})
}

// A wrong key gets the HTML page of the API's front (openresty, behind
// Cloudflare), not JSON; the shared "authorization required" family and the
// 401 fallback name it. No documented body for spent credits or an unknown
// model was found, so none is claimed. The Cloudflare challenge script the
// page carries after </center> is left out.
var perplexitySamples = []Sample{
	{Cause: finding.CredentialRejected, Status: http.StatusUnauthorized,
		Header: http.Header{"Content-Type": {"text/html"}},
		Body:   "<html>\n<head><title>401 Authorization Required</title></head>\n<body>\n<center><h1>401 Authorization Required</h1></center>\n<hr><center>openresty/1.27.4</center>\n</body>\n</html>\n",
		Source: "https://github.com/perplexityai/api-discussion/issues/281"},
}
