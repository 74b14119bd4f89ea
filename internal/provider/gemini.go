package provider

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Gemini is the hop type of the Google Gemini API (https://ai.google.dev/api).
const Gemini chain.HopType = "gemini"

func init() {
	register(&Spec{
		Type:    Gemini,
		Name:    "Google Gemini",
		Aliases: []string{"google"},
		Role:    Provider,
		// LiteLLM reads GOOGLE_API_KEY, then GEMINI_API_KEY, and the base
		// from GEMINI_API_BASE
		// (https://github.com/BerriAI/litellm/blob/main/litellm/llms/gemini/common_utils.py).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"gemini"}, BaseVar: "GEMINI_API_BASE", KeyVars: []string{"GOOGLE_API_KEY", "GEMINI_API_KEY"}},
		// OpenClaw's "google" provider reads GEMINI_API_KEY, then
		// GOOGLE_API_KEY (https://github.com/openclaw/openclaw/blob/main/docs/providers/google.md).
		OpenClaw: OpenClawRoute{IDs: []string{"google"}, KeyVars: []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"}},
		BaseURL:  "https://generativelanguage.googleapis.com/v1beta",
		Hosts:    []string{"generativelanguage.googleapis.com"},
		// The version is part of every call's path (v1beta unless the hop
		// says v1); the OpenAI-compatible root …/v1beta/openai is the same
		// API with the same key.
		RootTrims: []string{"/v1beta/openai", "/v1/openai", "/v1beta", "/v1"},
		// GOOGLE_API_KEY is read by LiteLLM and OpenClaw (their routes
		// list it) but is not conventional here: jobs hold Google keys for
		// many other APIs.
		KeyVars: []string{"GEMINI_API_KEY"},
		Keys: Keys{
			// Every Google API key has this shape, so it does not say
			// which Google API the key is for
			// (https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml, gcp-api-key).
			Prefixes:    []string{"AIza"},
			Distinctive: []string{"AIza"},
			Pattern:     classify.Lazy(`^AIza[0-9A-Za-z_-]{35}$`),
			Shape:       "AIza and 35 letters, digits, - or _",
			Fake:        "AIza" + "0fake0fake0fake0fake0fake0fake0fake",
		},
		// The key goes in a header, never in the query string (?key=),
		// where logs and proxies record it.
		Auth:  Auth{Name: "x-goog-api-key"},
		Shape: ShapeGemini,
		// models.list costs nothing and needs the key
		// (https://ai.google.dev/api/models#method:-models.list).
		KeyCheck:       Call{Method: "GET", Path: "/v1beta/models"},
		ReadKey:        readGeminiModels,
		Adjust:         geminiAdjust,
		BuildCanary:    geminiCanary,
		BuildEmbedding: geminiEmbedding,
		Rules:          geminiRules,
		Samples:        geminiSamples,
		Fixes: map[finding.Cause]string{
			finding.CreditsExhausted: "The key's project has no free-tier quota for this model: enable billing for the project (https://aistudio.google.com/apikey) or use a model the free tier includes.",
			finding.RateLimited:      "The key's project used its per-minute or per-day quota; wait for the window to pass or raise the project's tier (https://ai.google.dev/gemini-api/docs/rate-limits).",
		},
	})
}

// geminiModel is the model's resource id: "gemini-2.0-flash" for
// "models/gemini-2.0-flash" or "gemini-2.0-flash".
func geminiModel(m string) string {
	return url.PathEscape(strings.TrimPrefix(m, "models/"))
}

// geminiCanary is generateContent with one user turn
// (https://ai.google.dev/api/generate-content#method:-models.generatecontent).
func geminiCanary(in RequestInput) Call {
	p := in.Prompt
	if p == "" {
		p = CanaryPrompt
	}
	return Call{Method: "POST", Path: "/v1beta/models/" + geminiModel(in.Model) + ":generateContent",
		Body: map[string]any{
			"contents":         []map[string]any{{"role": "user", "parts": []map[string]string{{"text": p}}}},
			"generationConfig": map[string]any{"maxOutputTokens": in.maxTokens()},
		}}
}

// geminiEmbedding is embedContent (https://ai.google.dev/api/embeddings#method:-models.embedcontent).
func geminiEmbedding(in RequestInput) Call {
	return Call{Method: "POST", Path: "/v1beta/models/" + geminiModel(in.Model) + ":embedContent",
		Body: map[string]any{"content": map[string]any{"parts": []map[string]string{{"text": CanaryPrompt}}}}}
}

// geminiAdjust uses v1 instead of v1beta when the hop's URL says so.
func geminiAdjust(in RequestInput, c *Call) {
	b := strings.ToLower(strings.TrimRight(in.Base, "/"))
	b = strings.TrimSuffix(b, "/openai")
	if strings.HasSuffix(b, "/v1") {
		if rest, ok := strings.CutPrefix(c.Path, "/v1beta/"); ok {
			c.Path = "/v1/" + rest
		}
	}
}

// readGeminiModels lists the model ids models.list answers
// ({"models":[{"name":"models/…"}]}).
func readGeminiModels(body []byte) KeyFacts {
	var ml struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if json.Unmarshal(body, &ml) != nil || len(ml.Models) == 0 {
		return KeyFacts{}
	}
	f := KeyFacts{Models: make([]string, 0, len(ml.Models))}
	for _, m := range ml.Models {
		f.Models = append(f.Models, strings.TrimPrefix(m.Name, "models/"))
	}
	return f
}

// Google's error envelope {"error":{"code","message","status","details"}}.
// An invalid key is a 400, not a 401; no key at all is a 403
// "unregistered callers". A 429 RESOURCE_EXHAUSTED says "You exceeded your
// current quota" both for a per-minute or per-day window (it resets: rate
// limited) and, with "limit: 0", for a model the project's free tier does
// not include at all (billing is needed: nothing resets it); the shared
// credits family would call both credits-exhausted.
var geminiRules = []classify.Rule{
	{ID: "gemini.unregistered", Msg: classify.Re(`unregistered callers`), Cause: finding.HeaderMissing},
	{ID: "gemini.invalid-key", Msg: classify.Re(`api[ _-]?key not valid|api[ _-]?key not found|api[ _-]?key expired|api_key_invalid`), Cause: finding.CredentialRejected},
	// The reason sits in error.details[], whatever the message says.
	{ID: "gemini.reason-key-invalid", Body: classify.Re(`"reason"\s*:\s*"API_KEY_INVALID"`), Cause: finding.CredentialRejected},
	{ID: "gemini.free-tier-none", Status: classify.Is(429), Fields: []classify.Field{classify.In("error.status", "RESOURCE_EXHAUSTED")},
		Msg: classify.Re(`free_tier[^\n]*\blimit:\s*0\b`), Cause: finding.CreditsExhausted},
	{ID: "gemini.quota", Status: classify.Is(429), Fields: []classify.Field{classify.In("error.status", "RESOURCE_EXHAUSTED")}, Cause: finding.RateLimited},
}

var geminiSamples = []Sample{
	{Cause: finding.HeaderMissing, Status: http.StatusForbidden,
		Body:   `{"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.","status":"PERMISSION_DENIED"}}`,
		Source: "https://github.com/PublicAffairs/openai-gemini/issues/92"},
	{Cause: finding.CredentialRejected, Status: http.StatusBadRequest,
		Body:   `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}},{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US","message":"API key not valid. Please pass a valid API key."}]}}`,
		Source: "https://github.com/continuedev/continue/issues/10290"},
	{Cause: finding.ModelUnavailable, Status: http.StatusNotFound,
		Body:   `{"error":{"code":404,"message":"models/gemini-pro is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}`,
		Source: "https://github.com/wwardaww/gnome-gemini-ai/issues/22"},
	{Cause: finding.RateLimited, Status: http.StatusTooManyRequests,
		Body:   `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.","status":"RESOURCE_EXHAUSTED"}}`,
		Source: "https://github.com/googleapis/python-genai/issues/1446"},
	// The error's details array is cut; the message is verbatim.
	{Cause: finding.CreditsExhausted, Status: http.StatusTooManyRequests,
		Body:   `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_input_token_count, limit: 0, model: gemini-2.5-pro\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-2.5-pro\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-2.5-pro\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_input_token_count, limit: 0, model: gemini-2.5-pro\nPlease retry in 38.863719904s.","status":"RESOURCE_EXHAUSTED"}}`,
		Source: "https://github.com/continuedev/continue/issues/10085"},
}
