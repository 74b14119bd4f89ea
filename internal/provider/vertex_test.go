package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

func init() {
	cases = append(cases,
		tcase{name: "vertex no token", t: Vertex, status: 401, ct: ctJSON,
			body:  `{"error":{"code":401,"message":"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.","status":"UNAUTHENTICATED"}}`,
			cause: finding.HeaderMissing, Rule: "vertex.credentials-missing"},
		// A Gemini API key sent to Vertex (https://github.com/QwenLM/qwen-code/issues/9016).
		tcase{name: "vertex api key instead of a token", t: Vertex, status: 401, ct: ctJSON,
			body:  `{"error": {"code": 401, "message": "API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication", "status": "UNAUTHENTICATED", "details": [{"reason": "CREDENTIALS_MISSING", "domain": "googleapis.com"}]}}`,
			cause: finding.CredentialMalformed, Rule: "vertex.api-key-not-supported"},
		tcase{name: "vertex publisher model not found", t: Vertex, status: 404, ct: ctJSON,
			body:  "{\"error\":{\"code\":404,\"message\":\"Publisher Model `projects/p/locations/us-central1/publishers/google/models/gemma4` was not found or your project does not have access to it. Please ensure you are using a valid model version.\",\"status\":\"NOT_FOUND\"}}",
			cause: finding.ModelUnavailable},
	)
}

// Vertex needs an OAuth token hopcheck cannot mint: it is static-only,
// says why, and its keys go only to Vertex's regional and global hosts.
func TestVertexIsStaticOnly(t *testing.T) {
	s := For(Vertex)
	if s.Verify != StaticOnly || s.Unverifiable == "" {
		t.Fatalf("verify %s, unverifiable %q", s.Verify, s.Unverifiable)
	}
	if !s.KeyCheck.Zero() || !s.Public.Zero() {
		t.Error("a static-only provider declares live calls")
	}
	for _, a := range []string{"vertex-ai", "vertex_ai", "google-vertex"} {
		if For(chain.HopType(a)) != s {
			t.Errorf("alias %s", a)
		}
	}
	if p, ok := ByLiteLLM("vertex_ai"); !ok || p != s {
		t.Error("LiteLLM's vertex_ai/ prefix")
	}
	if p, ok := ByOpenClaw("google-vertex"); !ok || p != s {
		t.Error("OpenClaw's google-vertex id")
	}
	for h, want := range map[string]bool{"us-central1-aiplatform.googleapis.com": true, "aiplatform.googleapis.com": true,
		"generativelanguage.googleapis.com": false, "evil-aiplatform.googleapis.com.example": false} {
		if s.OwnsHost(h) != want {
			t.Errorf("OwnsHost(%s) != %v", h, want)
		}
	}
}
