package provider

import (
	"encoding/json"
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
			Pattern:        classify.Lazy(`^sk-or-v1-[0-9a-f]{64}$`),
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
			finding.CreditsLow:       "Raise the key's limit at https://openrouter.ai/settings/keys (or set it to reset), or add credits at https://openrouter.ai/settings/credits, before it runs out.",
		},
	})
}

// readOpenRouterKey reads GET /api/v1/key's data object
// (https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key):
// limit (USD, null for a key without a limit), limit_remaining,
// limit_reset ("daily", "weekly", "monthly" or null; resets happen at
// midnight UTC and weeks run Monday to Sunday), usage (lifetime),
// usage_daily, usage_weekly and usage_monthly (the current UTC day, week
// and month) and expires_at (ISO 8601, null for none).
func readOpenRouterKey(body []byte) KeyFacts {
	var kd struct {
		Data struct {
			Limit          *float64 `json:"limit"`
			LimitRemaining *float64 `json:"limit_remaining"`
			LimitReset     *string  `json:"limit_reset"`
			Usage          *float64 `json:"usage"`
			UsageDaily     *float64 `json:"usage_daily"`
			UsageWeekly    *float64 `json:"usage_weekly"`
			UsageMonthly   *float64 `json:"usage_monthly"`
			ExpiresAt      *string  `json:"expires_at"`
		} `json:"data"`
	}
	var present struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &kd) != nil || json.Unmarshal(body, &present) != nil {
		return KeyFacts{}
	}
	d := kd.Data
	_, limited := present.Data["limit"]
	f := KeyFacts{Limit: d.Limit, Remaining: d.LimitRemaining, Limited: limited, Currency: "USD",
		Usage: d.Usage, UsageDaily: d.UsageDaily, UsageWeekly: d.UsageWeekly, UsageMonthly: d.UsageMonthly}
	if d.LimitReset != nil {
		// An open enum: a value other than daily, weekly and monthly is
		// kept (if it looks like a schedule's name; else "other"), and the
		// runway estimate declines to guess its schedule.
		f.LimitReset = strings.ToLower(strings.TrimSpace(*d.LimitReset))
		if f.LimitReset != "" && !scheduleName.MatchString(f.LimitReset) {
			f.LimitReset = "other"
		}
	}
	if d.ExpiresAt != nil {
		f.ExpiresAt = *d.ExpiresAt
	}
	return f
}

// scheduleName is what a limit_reset value hopcheck repeats may look like.
var scheduleName = classify.Lazy(`^[a-z][a-z0-9_-]{0,31}$`)

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
