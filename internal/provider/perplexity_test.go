package provider

import (
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

func init() {
	cases = append(cases,
		// The HTML 401 of Perplexity's front, as the OpenAI SDK saw it
		// (https://github.com/perplexityai/api-discussion/issues/281).
		tcase{name: "perplexity openresty 401", t: Perplexity, status: 401, ct: ctHTML,
			body:  "<html>\n<head><title>401 Authorization Required</title></head>\n<body>\n<center><h1>401 Authorization Required</h1></center>\n<hr><center>openresty/1.27.4</center>\n<script>(function(){})();</script></body>\n</html>\n",
			cause: finding.CredentialRejected},
	)
}

// Perplexity keys are pplx- and 48 characters; such a key is Perplexity's
// wherever a config attaches it.
func TestPerplexityKeys(t *testing.T) {
	s := For(Perplexity)
	if o, ok := OwnerOfKey(s.Keys.Fake); !ok || o != s {
		t.Errorf("owner of %s: %v", s.Keys.Fake, o)
	}
	for v, want := range map[string]bool{s.Keys.Fake: true, "pplx-short": false, "pplx-" + s.Keys.Fake[5:] + "x": false} {
		if got := s.Keys.Pattern.MatchString(v); got != want {
			t.Errorf("pattern(%s) = %v", v, got)
		}
	}
	if got := s.URL(s.BaseURL, s.Canary(RequestInput{Model: "sonar"})); got != "https://api.perplexity.ai/chat/completions" {
		t.Errorf("canary %s", got)
	}
	if got := s.URL(s.BaseURL, s.KeyCheckCall(RequestInput{})); got != "https://api.perplexity.ai/models" {
		t.Errorf("key check %s", got)
	}
}
