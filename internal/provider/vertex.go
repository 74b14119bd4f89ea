package provider

import (
	"net/http"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Vertex is the hop type of Google Cloud Vertex AI
// (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest).
const Vertex chain.HopType = "vertex"

func init() {
	register(&Spec{
		Type:    Vertex,
		Name:    "Vertex AI",
		Aliases: []string{"vertex-ai", "vertex_ai", "google-vertex"},
		Role:    Provider,
		Verify:  StaticOnly,
		Unverifiable: "Vertex AI accepts only an OAuth 2 access token, which is minted from a service-account key or " +
			"workload identity (RS256-signed JWT exchanged at oauth2.googleapis.com); hopcheck holds neither the signer nor " +
			"the token, so it checks the configuration only. A CI step that mints a token (google-github-actions/auth with " +
			"token_format: access_token) and a hop that sends it as a bearer token would make the hop verifiable.",
		// LiteLLM reads vertex_credentials (a service-account JSON, or
		// VERTEXAI_CREDENTIALS), else Application Default Credentials
		// (GOOGLE_APPLICATION_CREDENTIALS); project and location from
		// VERTEXAI_PROJECT and VERTEXAI_LOCATION
		// (https://github.com/BerriAI/litellm/blob/main/litellm/llms/vertex_ai/vertex_llm_base.py).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"vertex_ai", "vertex_ai_beta"}, KeyVars: []string{"VERTEXAI_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"}},
		// OpenClaw's google-vertex uses Application Default Credentials;
		// its stored credential is the marker "gcp-vertex-credentials"
		// (https://github.com/openclaw/openclaw/blob/main/docs/providers/google.md).
		OpenClaw: OpenClawRoute{IDs: []string{"google-vertex"}, KeyVars: []string{"GOOGLE_APPLICATION_CREDENTIALS"}},
		// No default base URL: the endpoint is per location
		// ({location}-aiplatform.googleapis.com, or aiplatform.googleapis.com
		// for the global location) and the path names the project.
		Hosts: []string{"aiplatform.googleapis.com", "*-aiplatform.googleapis.com"},
		// The conventional credential is the path of a service-account key
		// file (Application Default Credentials), not a key.
		KeyVars: []string{"GOOGLE_APPLICATION_CREDENTIALS"},
		Auth:    Auth{Name: "Authorization", Prefix: "Bearer "},
		Shape:   ShapeGemini,
		Rules:   vertexRules,
		Samples: vertexSamples,
	})
}

// Vertex answers Google's {"error":{"code","message","status","details"}}.
// The shared families name a rejected token ("invalid authentication
// credentials"), a missing model and a permission denial; these rules
// cover what they would get wrong.
var vertexRules = []classify.Rule{
	// No token at all: reason CREDENTIALS_MISSING ("Request is missing
	// required authentication credential").
	{ID: "vertex.credentials-missing", Msg: classify.Re(`missing required authentication credential`), Cause: finding.HeaderMissing},
	// An API key (a Gemini key) where an OAuth token is required: the
	// credential is of the wrong kind, not a wrong value.
	{ID: "vertex.api-key-not-supported", Msg: classify.Re(`api keys are not supported by this api`), Cause: finding.CredentialMalformed},
}

// Where a source shows only the message and status (a client's log line),
// the envelope around them is Google's documented one.
var vertexSamples = []Sample{
	{Cause: finding.HeaderMissing, Status: http.StatusUnauthorized,
		Body:   `{"error":{"code":401,"message":"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"CREDENTIALS_MISSING","domain":"googleapis.com","metadata":{"method":"google.cloud.aiplatform.v1beta1.PredictionService.CountTokens","service":"aiplatform.googleapis.com"}}]}}`,
		Source: "https://github.com/google-github-actions/run-gemini-cli/issues/123"},
	{Cause: finding.CredentialMalformed, Status: http.StatusUnauthorized,
		Body:   `{"error":{"code":401,"message":"API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"CREDENTIALS_MISSING","domain":"googleapis.com","metadata":{"service":"aiplatform.googleapis.com","method":"google.cloud.aiplatform.v1beta1.PredictionService.GenerateContent"}}]}}`,
		Source: "https://github.com/a2aproject/a2a-samples/issues/43"},
	{Cause: finding.CredentialRejected, Status: http.StatusUnauthorized,
		Body:   `{"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.","status":"UNAUTHENTICATED"}}`,
		Source: "https://github.com/spring-projects/spring-ai/issues/635"},
	{Cause: finding.Forbidden, Status: http.StatusForbidden,
		Body:   `{"error":{"code":403,"message":"Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/help-my-setup/locations/us-east4/publishers/google/models/gemini-pro' (or it may not exist).","status":"PERMISSION_DENIED"}}`,
		Source: "https://github.com/rpurinton/gemini-php/issues/4"},
}
