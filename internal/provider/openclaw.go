package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// OpenClaw is the hop type of an OpenClaw gateway's OpenAI-compatible
// endpoint (https://docs.openclaw.ai/gateway/openai-http-api).
const OpenClaw chain.HopType = "openclaw"

func init() {
	register(&Spec{
		Type:      OpenClaw,
		Name:      "OpenClaw",
		Role:      Gateway,
		RootTrims: []string{"/v1"},
		KeyVars:   []string{"OPENCLAW_GATEWAY_TOKEN"},
		Auth:      Auth{Name: "Authorization", Prefix: "Bearer "},
		KeyCheck:  Call{Method: "GET", Path: "/v1/models"},
		Public:    Call{Method: "GET", Path: "/readyz"},
		// The gateway accepts only agent targets as model ("openclaw"); the
		// upstream model is chosen with x-openclaw-model, as
		// <provider>/<model> with OpenClaw's provider id. Its
		// POST /v1/embeddings takes the same pair
		// (https://docs.openclaw.ai/gateway/openai-http-api).
		BuildCanary: func(in RequestInput) Call {
			return openclawModel(chatCanary("/v1/chat/completions", "openclaw", in), in)
		},
		BuildEmbedding: func(in RequestInput) Call {
			return openclawModel(embeddingCanary("/v1/embeddings", "openclaw"), in)
		},
		Rules: openclawRules,
		UpstreamKeyFix: func(from string, to chain.Hop, env string) string {
			id := string(to.Type)
			if s, ok := Lookup(to.Type); ok && len(s.OpenClaw.IDs) > 0 {
				id = s.OpenClaw.IDs[0]
			}
			return fmt.Sprintf("Give %s a key for %s: export %s where the gateway runs or run `openclaw models auth paste-api-key --provider %s`.", from, to.Name, env, id)
		},
	})
}

// openclawModel names the upstream model of c in x-openclaw-model: the
// chain's model as <provider>/<model>. A model that already names one of
// the next hop's OpenClaw ids is a full ref; any other gets the first.
func openclawModel(c Call, in RequestInput) Call {
	m := in.Model
	if next, ok := Lookup(in.Next); ok && len(next.OpenClaw.IDs) > 0 {
		if !slices.ContainsFunc(next.OpenClaw.IDs, func(id string) bool { return strings.HasPrefix(m, id+"/") }) {
			m = next.OpenClaw.IDs[0] + "/" + m
		}
	}
	c.Header = http.Header{}
	c.Header.Set("x-openclaw-model", m)
	return c
}

// The gateway answers {"error":{"message","type"}}: "Unauthorized" for a
// wrong or missing gateway token, code missing-provider-auth when it holds
// no key for the provider, and the provider's own message prefixed with
// its status ("401 User not found.") when the provider refused
// (https://github.com/openclaw/openclaw/issues/97934,
// https://docs.openclaw.ai/gateway/openai-http-api).
var openclawRules = []classify.Rule{
	// A wrong and a missing gateway token answer identically (observed with
	// openclaw 2026.9.6).
	{ID: "openclaw.unauthorized", Fields: []classify.Field{classify.In("error.type", "unauthorized")}, Cause: finding.CredentialRejected},
	{ID: "openclaw.unauthorized-text", Status: classify.Is(401, 0), Msg: classify.Re(`^unauthori[sz]ed\.?$`), Cause: finding.CredentialRejected},
	// No key for the provider: OpenClaw sends nothing upstream.
	{ID: "openclaw.missing-provider-auth", Fields: []classify.Field{classify.In("error.code", "missing-provider-auth")}, Origin: classify.Relayed, Cause: finding.CredentialMissing},
	{ID: "openclaw.no-provider-key", Msg: classify.Re(`no api[ _-]?key found for provider|no (?:api[ _-]?key|credentials?) (?:configured|available) for provider` +
		`|auth readiness could not be confirmed`), Origin: classify.Relayed, Cause: finding.CredentialMissing},
	// "401 User not found." = OpenRouter's message with its status; before
	// the gateway's own model error, so an upstream's relayed "400 …
	// Invalid model name …" (LiteLLM's) is the upstream's.
	{ID: "openclaw.relayed-status", Msg: classify.Re(`^(?:http\s*)?[1-5]\d\d\b|\bhttp\s+[1-5]\d\d\b`), Origin: classify.Relayed, Act: classify.ActInnerStatusPrefix},
	// The client's model must be an agent target (openclaw, openclaw/<agentId>).
	{ID: "openclaw.invalid-model", Msg: classify.Re("invalid `?model`?|unknown agent"), Cause: finding.ModelUnavailable, Model: true},
	{ID: "openclaw.upstream-timeout", Msg: classify.Re(`timed? ?out|timeout`), Origin: classify.Relayed, Cause: finding.Timeout},
	// /v1/chat/completions answers 404 unless
	// gateway.http.endpoints.chatCompletions.enabled is set.
	{ID: "openclaw.endpoint-disabled", Status: classify.Is(404, 405), Cause: finding.WrongEndpoint},
}
