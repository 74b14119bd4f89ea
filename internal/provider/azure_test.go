package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

func init() {
	cases = append(cases,
		tcase{name: "azure resource not found", t: Azure, status: 404, ct: ctJSON, body: `{"error":{"code":"404","message":"Resource not found"}}`,
			cause: finding.WrongEndpoint, Rule: "generic.404"},
		tcase{name: "azure token rate limit", t: Azure, status: 429, ct: ctJSON,
			body:  `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-08-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 86400 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}`,
			cause: finding.RateLimited},
		tcase{name: "azure deployment not found (own table)", t: Azure, status: 404, ct: ctJSON,
			body:  `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`,
			cause: finding.ModelUnavailable, Rule: "azure.deployment-not-found"},
	)
}

// Azure's calls: deployments in the path, api-version from the hop's
// params (or the documented default), the key in api-key only.
func TestAzureRequests(t *testing.T) {
	s := For(Azure)
	if s.Auth.Name != "api-key" || s.Auth.Prefix != "" {
		t.Fatalf("auth = %+v, want the bare api-key header", s.Auth)
	}
	for _, tc := range []struct {
		name, base, version string
		call                func(RequestInput) Call
		want                string
	}{
		{"canary, default version", "https://res.openai.azure.com", "", s.Canary,
			"https://res.openai.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=" + AzureAPIVersion},
		{"canary, hop's version", "https://res.openai.azure.com/", "2024-02-15-preview", s.Canary,
			"https://res.openai.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=2024-02-15-preview"},
		{"canary, base written with /openai", "https://res.cognitiveservices.azure.com/openai", "", s.Canary,
			"https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=" + AzureAPIVersion},
		{"canary, base is the v1 root", "https://res.openai.azure.com/openai/v1/", "", s.Canary,
			"https://res.openai.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=" + AzureAPIVersion},
		{"embedding", "https://res.services.ai.azure.com", "2024-06-01", s.Embedding,
			"https://res.services.ai.azure.com/openai/deployments/gpt-4o-eu/embeddings?api-version=2024-06-01"},
		// The model list is documented with 2024-10-21; an inference
		// preview version does not move it.
		{"key check keeps its version", "https://res.openai.azure.com", "2024-02-15-preview", s.KeyCheckCall,
			"https://res.openai.azure.com/openai/models?api-version=" + AzureAPIVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := RequestInput{Base: tc.base, Model: "gpt-4o-eu"}
			if tc.version != "" {
				in.Params = map[string]string{"api_version": tc.version}
			}
			c := tc.call(in)
			if got := s.URL(tc.base, c); got != tc.want {
				t.Errorf("URL = %s\nwant  %s", got, tc.want)
			}
		})
	}
	// A deployment name is one path segment, whatever it contains.
	c := s.Canary(RequestInput{Base: "https://res.openai.azure.com", Model: "team a/gpt?4"})
	if got := s.URL("https://res.openai.azure.com", c); !strings.Contains(got, "/openai/deployments/team%20a%2Fgpt%3F4/chat/completions?") {
		t.Errorf("URL = %s: deployment not escaped as one segment", got)
	}
	// The deployment is the model: the body names none, and the spec's
	// own call is never changed by building one.
	b, _ := json.Marshal(c.Body)
	if strings.Contains(string(b), `"model"`) || !strings.Contains(string(b), `"messages"`) || !strings.Contains(string(b), `"max_tokens"`) {
		t.Errorf("body = %s", b)
	}
	if s.KeyCheck.Query.Get("api-version") != AzureAPIVersion || len(s.KeyCheck.Query) != 1 {
		t.Errorf("spec's key check was modified: %v", s.KeyCheck.Query)
	}
}
