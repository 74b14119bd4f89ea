package checks

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// fakeKey is a well-formed key of s that is not a credential.
func fakeKey(s *provider.Spec) string {
	if s.Keys.Fake != "" {
		return s.Keys.Fake
	}
	p := ""
	if len(s.Keys.Prefixes) > 0 {
		p = s.Keys.Prefixes[0]
	}
	return p + "sim0fake0key0" + strings.Repeat("0", 24)
}

// TestEveryProviderAgainstTheSimulator runs a direct chain ci → provider for
// every provider of the registry that can be verified live, against the
// simulator built from its own spec: a good key passes, a wrong one is
// credential-rejected, a missing one credential-missing before any request,
// spent credits credits-exhausted, an unknown model model-unavailable.
func TestEveryProviderAgainstTheSimulator(t *testing.T) {
	for _, s := range provider.All() {
		if s.Role != provider.Provider || s.AnyVendor || s.Verify == provider.StaticOnly {
			continue
		}
		t.Run(string(s.Type), func(t *testing.T) {
			key := fakeKey(s)
			basePath := ""
			if u, err := url.Parse(s.BaseURL); err == nil {
				basePath = u.Path
			}
			p := sim.NewProvider(s.Type, key)
			p.Models = []string{"sim-model"}
			srvURL := listen(t, p)
			yml := func(model string) string {
				keyLine := "        key_env: SIM_KEY\n"
				if s.Verify == provider.NoKey {
					keyLine = ""
				}
				return fmt.Sprintf(`version: 1
chains:
  - name: direct
    model: %s
    hops:
      - name: p
        type: %s
        url: %s%s
%s`, model, s.Type, srvURL, basePath, keyLine)
			}
			vars := map[string]string{"SIM_KEY": key}

			check := func(name string, rep *finding.Report, want finding.Cause) {
				t.Helper()
				c := rep.Chains[0]
				if c.Cause != want {
					t.Errorf("%s: cause %s, want %s; findings %+v", name, c.Cause, want, c.Findings)
				}
				if want != finding.OK && (c.Status != finding.Fail || c.FailingLink == nil || c.FailingLink.To != "p") {
					t.Errorf("%s: status %s link %v", name, c.Status, c.FailingLink)
				}
				if want == finding.OK && c.Status != finding.Pass {
					t.Errorf("%s: status %s", name, c.Status)
				}
			}
			check("good key", runConfig(t, yml("sim-model"), vars, nil), finding.OK)
			if s.Verify == provider.NoKey {
				return
			}
			check("wrong key", runConfig(t, yml("sim-model"), map[string]string{"SIM_KEY": strings.Replace(key, "0", "1", 8)}, nil), finding.CredentialRejected)
			before := len(p.Requests())
			check("missing key", runConfig(t, yml("sim-model"), nil, nil), finding.CredentialMissing)
			if n := len(p.Requests()) - before; n != 0 {
				t.Errorf("missing key: %d requests sent", n)
			}
			check("unknown model", runConfig(t, yml("no-such-model"), vars, nil), finding.ModelUnavailable)
			p.NoCredits = true
			check("no credits", runConfig(t, yml("sim-model"), vars, nil), finding.CreditsExhausted)
		})
	}
}

// An AWS access key id signs nothing without its secret: reported before
// any request as credential-missing naming the variable; a Bedrock API key
// needs no secret.
func TestSigningKeyWithoutItsSecret(t *testing.T) {
	p := sim.NewProvider(provider.Bedrock, "AKIAFAKEFAKEFAKE0000")
	srv := listen(t, p)
	yml := `version: 1
chains:
  - name: b
    model: anthropic.claude-3-haiku
    hops:
      - name: bedrock
        type: bedrock
        url: ` + srv + `
        key_env: AWS_ACCESS_KEY_ID
`
	rep := runConfig(t, yml, map[string]string{"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE0000"}, nil)
	c := rep.Chains[0]
	if c.Cause != finding.CredentialMissing || len(p.Requests()) != 0 {
		t.Fatalf("cause %s, %d requests; findings %+v", c.Cause, len(p.Requests()), c.Findings)
	}
	if !strings.Contains(c.Findings[0].Message, "AWS_SECRET_ACCESS_KEY") || !strings.Contains(c.Findings[0].Fix, "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("finding does not name the secret: %+v", c.Findings[0])
	}
}

// An account whose balance the key check reports at zero cannot pay for a
// call: credits-exhausted before the canary's answer is even needed.
func TestSpentBalanceIsCreditsExhausted(t *testing.T) {
	s := provider.For(provider.DeepSeek)
	key := fakeKey(s)
	srv := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			// The shape of GET /user/balance (https://api-docs.deepseek.com/api/get-user-balance).
			fmt.Fprint(w, `{"is_available":false,"balance_infos":[{"currency":"CNY","total_balance":"0.00","granted_balance":"0.00","topped_up_balance":"0.00"}]}`)
			return
		}
		w.WriteHeader(http.StatusPaymentRequired)
		fmt.Fprint(w, `{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}`)
	}))
	yml := `version: 1
chains:
  - name: ds
    model: deepseek-chat
    hops:
      - name: deepseek
        type: deepseek
        url: ` + srv + `
        key_env: DEEPSEEK_API_KEY
`
	for _, canary := range []string{"inference", "auth-only"} {
		rep := runConfig(t, yml, map[string]string{"DEEPSEEK_API_KEY": key}, func(o *Options) { o.Canary = canary })
		c := rep.Chains[0]
		if c.Cause != finding.CreditsExhausted || c.Status != finding.Fail {
			t.Fatalf("%s: cause %s status %s; findings %+v", canary, c.Cause, c.Status, c.Findings)
		}
		for _, f := range c.Findings {
			if strings.Contains(f.Fix, "openrouter") {
				t.Errorf("%s: another provider's fix for DeepSeek: %s", canary, f.Fix)
			}
		}
		if canary == "auth-only" && !strings.Contains(c.Findings[0].Message, "0.00 CNY") {
			t.Errorf("the key check's finding does not state the balance: %+v", c.Findings)
		}
	}
}

// A hop whose config names the variables of its AWS secret and session
// token (LiteLLM's aws_secret_access_key: os.environ/…) signs with those,
// not with AWS_SECRET_ACCESS_KEY: the custom pair passes although the
// default secret is unset, and an unrelated AWS_SECRET_ACCESS_KEY set next
// to it is never used. A named secret that is unset is reported by its own
// name, and a runner variable is never read as one.
func TestSigningWithTheSecretTheConfigNames(t *testing.T) {
	const id, sec = "AKIACUSTOMFAKE000001", "cUsToM/SeCrEt+fake0000000000000000000000"
	p := sim.NewProvider(provider.Bedrock, id)
	p.Secrets = map[string]string{id: sec}
	srv := listen(t, p)
	yml := `version: 1
chains:
  - name: b
    model: anthropic.claude-3-haiku
    hops:
      - name: bedrock
        type: bedrock
        url: ` + srv + `
        key_env: CUSTOM_AWS_ACCESS_KEY_ID
`
	named := func(secretVar string) func(*chain.Chain) {
		return func(c *chain.Chain) {
			c.Hops[0].Companions = map[string]string{"AWS_SECRET_ACCESS_KEY": secretVar, "AWS_SESSION_TOKEN": "CUSTOM_AWS_SESSION_TOKEN"}
		}
	}
	for name, vars := range map[string]map[string]string{
		"custom only":        {"CUSTOM_AWS_ACCESS_KEY_ID": id, "CUSTOM_AWS_SECRET_ACCESS_KEY": sec},
		"default secret too": {"CUSTOM_AWS_ACCESS_KEY_ID": id, "CUSTOM_AWS_SECRET_ACCESS_KEY": sec, "AWS_SECRET_ACCESS_KEY": strings.Replace(sec, "c", "C", 1)},
	} {
		c := runChains(t, yml, vars, named("CUSTOM_AWS_SECRET_ACCESS_KEY")).Chains[0]
		if c.Status != finding.Pass || c.Cause != finding.OK {
			t.Errorf("%s: %s %s; findings %+v", name, c.Status, c.Cause, c.Findings)
		}
	}
	// The named secret unset: credential-missing naming it, nothing sent.
	before := len(p.Requests())
	c := runChains(t, yml, map[string]string{"CUSTOM_AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": sec}, named("CUSTOM_AWS_SECRET_ACCESS_KEY")).Chains[0]
	if c.Cause != finding.CredentialMissing || len(p.Requests()) != before {
		t.Fatalf("named secret unset: %s, %d requests; findings %+v", c.Cause, len(p.Requests())-before, c.Findings)
	}
	if !strings.Contains(c.Findings[0].Message, "CUSTOM_AWS_SECRET_ACCESS_KEY") || !strings.Contains(c.Findings[0].Fix, "CUSTOM_AWS_SECRET_ACCESS_KEY") {
		t.Errorf("finding does not name the configured secret: %+v", c.Findings[0])
	}
	// A runner variable is no credential, even when a config names it.
	c = runChains(t, yml, map[string]string{"CUSTOM_AWS_ACCESS_KEY_ID": id, "GITHUB_TOKEN": sec}, named("GITHUB_TOKEN")).Chains[0]
	if c.Cause != finding.CredentialMissing || len(p.Requests()) != before {
		t.Errorf("runner variable as the secret: %s, %d requests; findings %+v", c.Cause, len(p.Requests())-before, c.Findings)
	}
}
