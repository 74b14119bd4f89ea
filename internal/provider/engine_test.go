package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// These tests run the engine against the simulator of one provider and
// look at the requests on the wire: where the key travels, the paths and
// queries, the signature.

// seen is one request as it arrived.
type seen struct {
	Method, Path, RawQuery string
	Header                 http.Header
}

// recorder wraps a simulator and keeps every request.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	reqs []seen
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone()})
	rc.mu.Unlock()
	rc.h.ServeHTTP(w, r)
}

func (rc *recorder) list() []seen {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]seen(nil), rc.reqs...)
}

func serve(t *testing.T, p *sim.Provider) (*recorder, string) {
	t.Helper()
	rc := &recorder{h: p}
	s, err := sim.Listen("127.0.0.1", rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return rc, s.URL
}

// run checks a one-hop chain ci → typ at url for model, the hop's key in
// keyEnv, its params set as the config readers set them.
func run(t *testing.T, typ chain.HopType, url, model, keyEnv string, params, vars map[string]string) *finding.Report {
	t.Helper()
	yml := fmt.Sprintf("version: 1\nchains:\n  - name: c\n    model: %q\n    hops:\n      - name: p\n        type: %s\n        url: %s\n        key_env: %s\n", model, typ, url, keyEnv)
	cfg, err := hopcheckyml.Parse("hopcheck.yml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Chains[0].Hops[0].Params = params
	allow, err := trust.ParseAllow(sim.LoopbackNet)
	if err != nil {
		t.Fatal(err)
	}
	sc := &secret.Scrubber{}
	o := checks.Options{LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, Scrubber: sc, Client: probe.New(sc), Allow: allow}
	o.Client.MaxRetries = 1
	return checks.Run(context.Background(), cfg, o)
}

func status(rep *finding.Report) (finding.Status, finding.Cause) {
	return rep.Chains[0].Status, rep.Chains[0].Cause
}

func TestGeminiKeyOnlyInItsHeader(t *testing.T) {
	key := provider.For(provider.Gemini).Keys.Fake
	p := sim.NewProvider(provider.Gemini, key)
	p.Models = []string{"gemini-2.0-flash"}
	rc, url := serve(t, p)
	rep := run(t, provider.Gemini, url+"/v1beta", "gemini-2.0-flash", "GEMINI_API_KEY", nil, map[string]string{"GEMINI_API_KEY": key})
	if st, c := status(rep); st != finding.Pass {
		t.Fatalf("status %s (%s): %+v", st, c, rep.Chains[0].Findings)
	}
	reqs := rc.list()
	paths := []string{}
	for _, r := range reqs {
		paths = append(paths, r.Method+" "+r.Path)
		if r.RawQuery != "" || strings.Contains(r.Path, key) {
			t.Errorf("%s %s?%s: the key's request carries a query or the key in its path", r.Method, r.Path, r.RawQuery)
		}
		if r.Header.Get("X-Goog-Api-Key") != key || r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s: headers %v", r.Method, r.Path, r.Header)
		}
	}
	if want := "GET /v1beta/models,POST /v1beta/models/gemini-2.0-flash:generateContent"; strings.Join(sorted(paths), ",") != want {
		t.Errorf("requests %v, want %s", paths, want)
	}
}

func TestAzureDeploymentAndVersion(t *testing.T) {
	key := provider.For(provider.Azure).Keys.Fake
	p := sim.NewProvider(provider.Azure, key)
	p.Models = []string{"gpt4o-eu"}
	rc, url := serve(t, p)
	rep := run(t, provider.Azure, url, "gpt4o-eu", "AZURE_OPENAI_API_KEY", map[string]string{"api_version": "2024-08-01-preview"}, map[string]string{"AZURE_OPENAI_API_KEY": key})
	if st, c := status(rep); st != finding.Pass {
		t.Fatalf("status %s (%s): %+v", st, c, rep.Chains[0].Findings)
	}
	got := map[string]string{}
	for _, r := range rc.list() {
		got[r.Method+" "+r.Path] = r.RawQuery
		if r.Header.Get("Api-Key") != key || r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s: headers %v", r.Method, r.Path, r.Header)
		}
	}
	want := map[string]string{
		"GET /openai/models": "api-version=" + provider.AzureAPIVersion,
		"POST /openai/deployments/gpt4o-eu/chat/completions": "api-version=2024-08-01-preview",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("requests %v\nwant     %v", got, want)
	}
	// An unknown deployment is the model's fault, on the link into Azure.
	rep = run(t, provider.Azure, url, "gpt5-missing", "AZURE_OPENAI_API_KEY", nil, map[string]string{"AZURE_OPENAI_API_KEY": key})
	if st, c := status(rep); st != finding.Fail || c != finding.ModelUnavailable {
		t.Errorf("unknown deployment: %s (%s)", st, c)
	}
}

func TestBedrockSigV4(t *testing.T) {
	const id, secretKey, session = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLEsession0token"
	const model = "anthropic.claude-3-haiku-20240307-v1:0"
	p := sim.NewProvider(provider.Bedrock, id)
	p.Secrets = map[string]string{id: secretKey}
	p.Models = []string{model}
	rc, url := serve(t, p)
	vars := map[string]string{"AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_SESSION_TOKEN": session}
	rep := run(t, provider.Bedrock, url, model, "AWS_ACCESS_KEY_ID", nil, vars)
	if st, c := status(rep); st != finding.Pass {
		t.Fatalf("status %s (%s): %+v", st, c, rep.Chains[0].Findings)
	}
	var paths []string
	for _, r := range rc.list() {
		paths = append(paths, r.Method+" "+r.Path)
		a := r.Header.Get("Authorization")
		if !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential="+id+"/") || !strings.Contains(a, "/bedrock/aws4_request") ||
			r.Header.Get("X-Amz-Security-Token") != session || r.Header.Get("X-Amz-Date") == "" {
			t.Errorf("%s %s: headers %v", r.Method, r.Path, r.Header)
		}
		if strings.Contains(a, secretKey) {
			t.Error("the secret travels in the Authorization header")
		}
	}
	if want := "GET /foundation-models,POST /model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"; strings.Join(sorted(paths), ",") != want {
		t.Errorf("requests %v, want %s", paths, want)
	}
	out, _ := json.Marshal(rep)
	if strings.Contains(string(out), secretKey) || strings.Contains(string(out), session) {
		t.Error("the report carries the secret or the session token")
	}

	// A secret that does not belong to the key id fails the signature.
	wrong := map[string]string{"AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": strings.Replace(secretKey, "w", "W", 1), "AWS_SESSION_TOKEN": session}
	if st, c := status(run(t, provider.Bedrock, url, model, "AWS_ACCESS_KEY_ID", nil, wrong)); st != finding.Fail || c != finding.CredentialRejected {
		t.Errorf("wrong secret: %s (%s)", st, c)
	}

	// Without the secret nothing can be signed: nothing is sent, and the
	// hop fails rather than passes.
	before := len(rc.list())
	rep = run(t, provider.Bedrock, url, model, "AWS_ACCESS_KEY_ID", nil, map[string]string{"AWS_ACCESS_KEY_ID": id})
	if st, _ := status(rep); st != finding.Fail {
		t.Errorf("without the secret: %s", st)
	}
	if n := len(rc.list()) - before; n != 0 {
		t.Errorf("without the secret %d requests were sent", n)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
