package provider

import (
	"encoding/json"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

func init() {
	cases = append(cases,
		tcase{name: "cohere invalid api token", t: Cohere, status: 401, ct: ctJSON, body: `{"message":"invalid api token"}`,
			cause: finding.CredentialRejected, Rule: "shared.rejected"},
		// https://github.com/cohere-ai/cohere-python/issues/590
		tcase{name: "cohere model not found", t: Cohere, status: 404, ct: ctJSON,
			body:  `{"message":"model 'packed-embed-multilingual-light-v3.0-bulkjob' not found, make sure the correct model ID was used and that you have access to the model."}`,
			cause: finding.ModelUnavailable},
	)
}

// Cohere's calls: v1 model list, v2 chat and embed, whatever root the hop
// was written with.
func TestCohereRequests(t *testing.T) {
	s := For(Cohere)
	for base, host := range map[string]string{
		"https://api.cohere.com":                 "https://api.cohere.com",
		"https://api.cohere.ai/v1":               "https://api.cohere.ai",
		"https://api.cohere.com/v2/":             "https://api.cohere.com",
		"https://api.cohere.ai/v1/chat":          "https://api.cohere.ai",
		"https://api.cohere.ai/compatibility/v1": "https://api.cohere.ai",
	} {
		if got := s.URL(base, s.Canary(RequestInput{Base: base, Model: "command-r"})); got != host+"/v2/chat" {
			t.Errorf("canary on %s: %s", base, got)
		}
		if got := s.URL(base, s.KeyCheckCall(RequestInput{Base: base})); got != host+"/v1/models" {
			t.Errorf("key check on %s: %s", base, got)
		}
	}
	b, _ := json.Marshal(s.Canary(RequestInput{Model: "command-r", MaxTokens: 3}).Body)
	if string(b) != `{"max_tokens":3,"messages":[{"content":"Reply with OK.","role":"user"}],"model":"command-r","stream":false}` {
		t.Errorf("chat body %s", b)
	}
	c := s.Embedding(RequestInput{Model: "embed-v4.0"})
	b, _ = json.Marshal(c.Body)
	if c.Path != "/v2/embed" || string(b) != `{"embedding_types":["float"],"input_type":"search_query","model":"embed-v4.0","texts":["Reply with OK."]}` {
		t.Errorf("embed %s %s", c.Path, b)
	}
	if f := s.ReadKey([]byte(`{"models":[{"name":"command-r","endpoints":["chat"]}]}`)); len(f.Models) != 1 || f.Models[0] != "command-r" {
		t.Errorf("models %v", f.Models)
	}
}
