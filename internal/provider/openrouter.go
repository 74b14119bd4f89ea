package provider

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// OpenRouter is the hop type of OpenRouter (https://openrouter.ai).
const OpenRouter chain.HopType = "openrouter"

func init() {
	register(&Spec{
		Type:     OpenRouter,
		Name:     "OpenRouter",
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"openrouter"}, BaseVar: "OPENROUTER_API_BASE", KeyVars: []string{"OPENROUTER_API_KEY", "OR_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"openrouter"}},
		BaseURL:  "https://openrouter.ai/api/v1",
		Hosts:    []string{"openrouter.ai", "www.openrouter.ai"},
		// Every API path lives under /api/v1; other paths are the website
		// and answer HTML (https://openrouter.ai/docs/api/reference/overview).
		RequiredPath: "/api/v1",
		KeyVars:      []string{"OPENROUTER_API_KEY"},
		Keys: Keys{
			Prefixes:       []string{"sk-or-v1-", "sk-or-"},
			Distinctive:    []string{"sk-or-"},
			PrefixRequired: true,
			Pattern:        regexp.MustCompile(`^sk-or-v1-[0-9a-f]{64}$`),
			Shape:          "sk-or-v1- and 64 hex characters",
			Fake:           "sk-or-v1-" + strings.Repeat("0f", 32),
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// App attribution (https://openrouter.ai/docs/app-attribution).
		Headers: map[string]string{"X-Title": "hopcheck"},
		// GET /api/v1/key costs nothing and says whether the key is alive,
		// its limit and expiry (https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key).
		KeyCheck: Call{Method: "GET", Path: "/key"},
		Public:   Call{Method: "GET", Path: "/models"},
		ReadKey:  readOpenRouterKey,
		Rules:    openrouterRules,
		Broad:    true,
		Fixes: map[finding.Cause]string{
			finding.CreditsExhausted: "Raise the key's limit at https://openrouter.ai/settings/keys or add credits at https://openrouter.ai/settings/credits.",
			finding.KeyLimit:         "Raise or remove the key's limit (https://openrouter.ai/settings/keys) or use another key.",
		},
	})
}

// readOpenRouterKey reads GET /api/v1/key's data object.
func readOpenRouterKey(body []byte) KeyFacts {
	var kd struct {
		Data struct {
			Limit          *float64 `json:"limit"`
			LimitRemaining *float64 `json:"limit_remaining"`
			ExpiresAt      *string  `json:"expires_at"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &kd) != nil {
		return KeyFacts{}
	}
	f := KeyFacts{Limit: kd.Data.Limit, Remaining: kd.Data.LimitRemaining}
	if kd.Data.ExpiresAt != nil {
		f.ExpiresAt = *kd.Data.ExpiresAt
	}
	return f
}

// openrouterRules: OpenRouter's error envelope is {"error":{"code":N,
// "message":"…","metadata":{…}}} (https://openrouter.ai/docs/api/errors).
// The "no credentials" 401 has had several wordings ("No auth credentials
// found", "Missing Authentication header", "No cookie auth credentials
// found"; e.g. https://github.com/simonw/llm-openrouter/issues/7,
// https://github.com/BerriAI/litellm/issues/8350); a key that does not
// exist answers "User not found."
// (https://github.com/Aider-AI/aider/issues/297).
var openrouterRules = []classify.Rule{
	// "Provider returned error" + metadata.raw (+ provider_name, user_id):
	// the provider behind OpenRouter answered; cause from raw
	// (https://github.com/musistudio/claude-code-router/issues/442).
	{ID: "openrouter.provider-error", Fields: []classify.Field{classify.Has("error.metadata.raw")}, Origin: classify.Behind, Act: classify.ActBehindRaw},
	{ID: "openrouter.key-limit", Msg: classify.KeyLimitRe, Cause: finding.KeyLimit},
	{ID: "openrouter.credits", Msg: classify.CreditsRe, Cause: finding.CreditsExhausted},
	{ID: "openrouter.no-credentials", Msg: classify.NoCredsRe, Cause: finding.HeaderMissing},
	{ID: "openrouter.user-not-found", Msg: classify.Re(`user not found`), Cause: finding.CredentialRejected},
	// "No endpoints available matching your guardrail restrictions and data
	// policy" is a policy block, not a model problem
	// (https://github.com/truefoundry/models/pull/826).
	{ID: "openrouter.data-policy", Msg: classify.Re(`guardrail|data policy|moderation|flagged`), Cause: finding.Forbidden},
	{ID: "openrouter.invalid-model", Msg: classify.Re(`is not a valid model id`), Cause: finding.ModelUnavailable, Model: true},
	{ID: "openrouter.no-endpoints", Msg: classify.Re(`no endpoints found`), Cause: finding.ModelUnavailable, Model: true},
}
