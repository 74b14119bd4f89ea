package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

func init() {
	cases = append(cases,
		// Free tier exhausted for the minute or the day: it resets.
		tcase{name: "gemini per-minute quota", t: Gemini, status: 429, ct: ctJSON,
			body:  `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.","status":"RESOURCE_EXHAUSTED"}}`,
			cause: finding.RateLimited, Rule: "gemini.quota"},
		// Variant wording with the per-day QuotaFailure (https://github.com/langgenius/dify/issues/19838).
		tcase{name: "gemini per-day quota", t: Gemini, status: 429, ct: ctJSON,
			body:  `{"error":{"code":429,"message":"You exceeded your current quota. Go to https://aistudio.google.com/apikey to upgrade your quota tier, or submit a quota increase request in https://ai.google.dev/gemini-api/docs/rate-limits#request-rate-limit-increase","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_requests_per_model_per_day","quotaId":"GenerateRequestsPerDayPerProjectPerModel"}]}]}}`,
			cause: finding.RateLimited, Rule: "gemini.quota"},
		// limit: 0 — the model is not in the project's free tier at all.
		tcase{name: "gemini free tier limit 0", t: Gemini, status: 429, ct: ctJSON,
			body:  `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-3-pro\nPlease retry in 45.578569677s.","status":"RESOURCE_EXHAUSTED"}}`,
			cause: finding.CreditsExhausted, Rule: "gemini.free-tier-none"},
		// A 429 that is not Google's RESOURCE_EXHAUSTED keeps the shared
		// reading: OpenAI's quota wording means spent credits.
		tcase{name: "openai quota is not gemini's", t: OpenAI, status: 429, ct: ctJSON,
			body:  `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`,
			cause: finding.CreditsExhausted},
		tcase{name: "gemini unknown model (own table)", t: Gemini, status: 404, ct: ctJSON,
			body:  `{"error":{"code":404,"message":"models/gemini-pro is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}`,
			cause: finding.ModelUnavailable},
	)
}

// The Gemini key goes in x-goog-api-key and never into a URL; the model is
// in the path; the version follows the hop's URL.
func TestGeminiRequests(t *testing.T) {
	s := For(Gemini)
	if s.Auth.Name != "x-goog-api-key" || s.Auth.Prefix != "" {
		t.Fatalf("auth = %+v", s.Auth)
	}
	const key = "AIzaSyFAKE0fake0fake0fake0fake0fake00"
	for _, tc := range []struct {
		name, base string
		call       func(RequestInput) Call
		want       string
	}{
		{"key check", "https://generativelanguage.googleapis.com/v1beta", s.KeyCheckCall, "https://generativelanguage.googleapis.com/v1beta/models"},
		{"canary", "https://generativelanguage.googleapis.com/v1beta/", s.Canary,
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"},
		{"canary, LiteLLM's base without version", "https://generativelanguage.googleapis.com", s.Canary,
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"},
		{"canary, v1", "https://generativelanguage.googleapis.com/v1", s.Canary,
			"https://generativelanguage.googleapis.com/v1/models/gemini-2.0-flash:generateContent"},
		{"canary, OpenAI-compatible root", "https://generativelanguage.googleapis.com/v1beta/openai/", s.Canary,
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"},
		{"embedding", "https://generativelanguage.googleapis.com/v1beta", s.Embedding,
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:embedContent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.call(RequestInput{Base: tc.base, Model: "models/gemini-2.0-flash", Params: map[string]string{"key": key}})
			u := s.URL(tc.base, c)
			if u != tc.want {
				t.Errorf("URL = %s\nwant  %s", u, tc.want)
			}
			if strings.Contains(u, "?") || strings.Contains(u, key) || len(c.Query) > 0 {
				t.Errorf("URL %s carries a query", u)
			}
		})
	}
	b, _ := json.Marshal(s.Canary(RequestInput{Model: "gemini-2.0-flash", MaxTokens: 7}).Body)
	want := `{"contents":[{"parts":[{"text":"Reply with OK."}],"role":"user"}],"generationConfig":{"maxOutputTokens":7}}`
	if string(b) != want {
		t.Errorf("canary body = %s\nwant          %s", b, want)
	}
	b, _ = json.Marshal(s.Embedding(RequestInput{Model: "text-embedding-004"}).Body)
	if string(b) != `{"content":{"parts":[{"text":"Reply with OK."}]}}` {
		t.Errorf("embedding body = %s", b)
	}
}

func TestGeminiReadKey(t *testing.T) {
	f := For(Gemini).ReadKey([]byte(`{"models":[{"name":"models/gemini-2.0-flash","supportedGenerationMethods":["generateContent"]},{"name":"models/text-embedding-004"}],"nextPageToken":"x"}`))
	if strings.Join(f.Models, ",") != "gemini-2.0-flash,text-embedding-004" {
		t.Errorf("models = %v", f.Models)
	}
	if f := For(Gemini).ReadKey([]byte(`{"error":{}}`)); f.Models != nil {
		t.Errorf("models from an error = %v", f.Models)
	}
}
