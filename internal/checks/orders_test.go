package checks

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// canned answers every request with one status and body, except the cheap
// key/model checks, which it answers per keyOK.
func canned(status int, body string, keyOK bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			if keyOK {
				fmt.Fprint(w, `{"data":[{"id":"m"}]}`)
				return
			}
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
}

func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	s, err := sim.Listen("127.0.0.1", h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s.URL
}

// Other wordings of the same errors, other orders of hops: the verdict
// follows the signature and the evidence, not the simulator's phrasing.
func TestOtherWordingsAndOrders(t *testing.T) {
	orKey := sim.FakeOpenRouterKey("orders")
	vars := map[string]string{"OPENROUTER_API_KEY": orKey, "LITELLM_KEY": sim.FakeLiteLLMKey("orders"),
		"ANTHROPIC_API_KEY": "sk-ant-api03-" + strings.Repeat("k", 80) + "AA", "OPENAI_API_KEY": "sk-proj-" + strings.Repeat("p", 48),
		"GW_TOKEN": "gw-token-for-tests-0001"}
	hop := func(name, typ, url, key string) string {
		s := fmt.Sprintf("      - name: %s\n        type: %s\n        url: %s\n", name, typ, url)
		if key != "" {
			s += "        key_env: " + key + "\n"
		}
		return s
	}
	cfg := func(hops ...string) string {
		return "version: 1\ndefaults: {timeout: 2s}\nchains:\n  - name: c\n    model: anthropic/claude-sonnet-4.5\n    hops:\n" + strings.Join(hops, "")
	}
	type tc struct {
		name  string
		yml   func(t *testing.T) string
		cause finding.Cause
		link  chain.Link
	}
	cases := []tc{
		{"openrouter direct, cookie wording", func(t *testing.T) string {
			u := listen(t, canned(401, `{"error":{"message":"No cookie auth credentials found","code":401}}`, false))
			return cfg(hop("openrouter", "openrouter", u+"/api/v1", "OPENROUTER_API_KEY"))
		}, finding.HeaderMissing, chain.Link{From: "ci", To: "openrouter"}},
		{"litellm relays the old combined wording", func(t *testing.T) string {
			or := listen(t, sim.NewOpenRouter(orKey))
			lite := listen(t, canned(401, `{"error":{"message":"litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'Missing Authentication header or invalid API key', 'code': 401}}","type":null,"param":null,"code":"401"}}`, true))
			return cfg(hop("proxy", "litellm", lite, "LITELLM_KEY"), hop("openrouter", "openrouter", or+"/api/v1", ""))
		}, finding.HeaderMissing, chain.Link{From: "proxy", To: "openrouter"}},
		{"litellm relays user not found", func(t *testing.T) string {
			or := listen(t, sim.NewOpenRouter(orKey))
			lite := listen(t, canned(401, `{"error":{"message":"litellm.AuthenticationError: AuthenticationError: OpenrouterException - {\"error\":{\"message\":\"User not found.\",\"code\":401}}","type":"auth_error","code":"401"}}`, true))
			return cfg(hop("proxy", "litellm", lite, "LITELLM_KEY"), hop("openrouter", "openrouter", or+"/api/v1", ""))
		}, finding.CredentialRejected, chain.Link{From: "proxy", To: "openrouter"}},
		{"litellm relays a per-key limit (402 wording)", func(t *testing.T) string {
			lite := listen(t, canned(402, `{"error":{"message":"litellm.APIError: APIError: OpenrouterException - {'error': {'message': 'This request requires more credits, or fewer max_tokens. You requested up to 16 tokens, but can only afford 3. To increase, visit https://openrouter.ai/settings/credits and add more credits', 'code': 402}}","type":null,"param":null,"code":"402"}}`, true))
			return cfg(hop("proxy", "litellm", lite, "LITELLM_KEY"), hop("openrouter", "openrouter", "https://openrouter.ai/api/v1", ""))
		}, finding.CreditsExhausted, chain.Link{From: "proxy", To: "openrouter"}},
		{"litellm own auth, unknown virtual key (newer wording)", func(t *testing.T) string {
			lite := listen(t, canned(401, `{"error":{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = sk-...m31Q, Key Hash (Token) =abc. Unable to find token in cache or `+"`LiteLLM_VerificationTokenTable`"+`","type":"token_not_found_in_db","param":"key","code":"401"}}`, false))
			return cfg(hop("proxy", "litellm", lite, "LITELLM_KEY"), hop("openrouter", "openrouter", "https://openrouter.ai/api/v1", ""))
		}, finding.CredentialRejected, chain.Link{From: "ci", To: "proxy"}},
		{"nginx in front of litellm strips the header", func(t *testing.T) string {
			lite := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.Header.Get("Authorization") == "" {
					w.WriteHeader(401)
					fmt.Fprint(w, `{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}`)
					return
				}
				fmt.Fprint(w, `{"data":[{"id":"anthropic/claude-sonnet-4.5"}],"choices":[{"message":{"content":"OK"}}]}`)
			}))
			edge := listen(t, sim.ReverseProxy(lite, true))
			return cfg(hop("ingress", "reverse-proxy", edge, ""), hop("proxy", "litellm", lite, "LITELLM_KEY"), hop("openrouter", "openrouter", "https://openrouter.ai/api/v1", ""))
		}, finding.HeaderMissing, chain.Link{From: "ingress", To: "proxy"}},
		{"anthropic direct, invalid x-api-key", func(t *testing.T) string {
			u := listen(t, canned(401, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_01"}`, false))
			return cfg(hop("anthropic", "anthropic", u, "ANTHROPIC_API_KEY"))
		}, finding.CredentialRejected, chain.Link{From: "ci", To: "anthropic"}},
		{"openai answers an OpenRouter key: base URL not applied", func(t *testing.T) string {
			u := listen(t, canned(401, `{"error":{"message":"Incorrect API key provided: sk-or-v1***********c96. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, false))
			return cfg(hop("llm", "openai-compatible", u+"/v1", "OPENROUTER_API_KEY"))
		}, finding.WrongEndpoint, chain.Link{From: "ci", To: "llm"}},
		{"openclaw gateway rejects the token", func(t *testing.T) string {
			gw := listen(t, canned(401, `{"error":{"message":"Unauthorized","type":"unauthorized"}}`, false))
			return cfg(hop("gateway", "openclaw", gw, "GW_TOKEN"), hop("openrouter", "openrouter", "https://openrouter.ai/api/v1", ""))
		}, finding.CredentialRejected, chain.Link{From: "ci", To: "gateway"}},
		{"openclaw gateway has no provider key (SSE on 200)", func(t *testing.T) string {
			gw := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					fmt.Fprint(w, `{"object":"list","data":[{"id":"openclaw"}]}`)
					return
				}
				w.Header().Set("Content-Type", "text/event-stream")
				fmt.Fprint(w, "data: {\"id\":\"chatcmpl_1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n")
				fmt.Fprint(w, "data: {\"error\":{\"message\":\"No API key found for provider \\\"openrouter\\\".\",\"type\":\"authentication_error\",\"code\":\"missing-provider-auth\"}}\n\ndata: [DONE]\n\n")
			}))
			return cfg(hop("gateway", "openclaw", gw, "GW_TOKEN"), hop("openrouter", "openrouter", "https://openrouter.ai/api/v1", ""))
		}, finding.CredentialMissing, chain.Link{From: "gateway", To: "openrouter"}},
		{"openrouter key limit through a pass-through edge", func(t *testing.T) string {
			u := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Path == "/api/v1/key" {
					fmt.Fprint(w, `{"data":{"label":"sk-or-v1-0e6...c96","limit":null,"limit_remaining":null}}`)
					return
				}
				w.WriteHeader(403)
				fmt.Fprint(w, `{"error":{"message":"Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys","code":403}}`)
			}))
			edge := listen(t, sim.ReverseProxy(u, false))
			return cfg(hop("edge", "reverse-proxy", edge+"/api/v1", ""), hop("openrouter", "openrouter", u+"/api/v1", "OPENROUTER_API_KEY"))
		}, finding.KeyLimit, chain.Link{From: "edge", To: "openrouter"}},
		{"chain ends at the proxy: its upstream failure is on the link out", func(t *testing.T) string {
			lite := listen(t, canned(401, `{"error":{"message":"litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}","type":null,"param":null,"code":"401"}}`, true))
			return cfg(hop("proxy", "litellm", lite, "LITELLM_KEY"))
		}, finding.HeaderMissing, chain.Link{From: "proxy", To: "upstream"}},
		{"openrouter guardrail 403 (forbidden)", func(t *testing.T) string {
			u := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Path == "/api/v1/key" {
					fmt.Fprint(w, `{"data":{"label":"sk-or-v1-0e6...c96","limit":null}}`)
					return
				}
				w.WriteHeader(403)
				fmt.Fprint(w, `{"error":{"message":"Your request was flagged by the prompt-injection guardrail","code":403,"metadata":{"reasons":["prompt-injection"]}},"user_id":"user_2"}`)
			}))
			return cfg(hop("openrouter", "openrouter", u+"/api/v1", "OPENROUTER_API_KEY"))
		}, finding.Forbidden, chain.Link{From: "ci", To: "openrouter"}},
		{"an answer no table knows (unknown)", func(t *testing.T) string {
			u := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					fmt.Fprint(w, `{"data":[]}`)
					return
				}
				w.WriteHeader(http.StatusTeapot)
				fmt.Fprint(w, "I'm a teapot")
			}))
			return cfg(hop("llm", "openai-compatible", u+"/v1", "OPENAI_API_KEY"))
		}, finding.Unknown, chain.Link{From: "ci", To: "llm"}},
	}
	// A provider behind OpenRouter rate-limited for a while: the fix says
	// to retry, not to reconfigure anything.
	behind429 := func(t *testing.T) string {
		u := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == "/api/v1/key" {
				fmt.Fprint(w, `{"data":{"label":"sk-or-v1-0e6...c96","limit":null}}`)
				return
			}
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			fmt.Fprint(w, `{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"anthropic/claude-sonnet-4.5 is temporarily rate-limited upstream. Please retry shortly.","provider_name":"Anthropic"}}}`)
		}))
		return cfg(hop("openrouter", "openrouter", u+"/api/v1", "OPENROUTER_API_KEY"))
	}
	cases = append(cases, tc{"provider behind openrouter rate-limited", behind429, finding.RateLimited, chain.Link{From: "openrouter", To: "upstream"}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := runConfig(t, c.yml(t), vars, nil)
			ch := rep.Chains[0]
			if c.cause == finding.RateLimited && len(ch.Findings) > 0 && !strings.Contains(ch.Findings[0].Fix, "retry later") {
				t.Errorf("a rate limit's fix does not say to retry: %q", ch.Findings[0].Fix)
			}
			if ch.Cause != c.cause || ch.FailingLink == nil || *ch.FailingLink != c.link {
				t.Fatalf("got %s on %v, want %s on %v\n%+v", ch.Cause, ch.FailingLink, c.cause, c.link, ch.Findings)
			}
			if ch.Status != finding.Fail || !ch.Findings[0].Root || ch.Findings[0].Fix == "" {
				t.Errorf("no root finding with a fix first: %+v", ch.Findings)
			}
		})
	}
}

// A reverse proxy that answers 401 itself (nginx auth_basic) gets a fix
// about its own credential, not about the LLM key behind it.
func TestReverseProxyOwnAuth(t *testing.T) {
	key := sim.FakeOpenRouterKey("own-auth")
	or := listen(t, sim.NewOpenRouter(key))
	edge := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="llm"`)
		w.Header().Set("Server", "nginx/1.22.1")
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")
	}))
	yml := fmt.Sprintf("version: 1\nchains:\n  - name: c\n    model: anthropic/claude-3.5-haiku\n    hops:\n      - {name: nginx, type: reverse-proxy, url: %s/api/v1}\n      - {name: openrouter, type: openrouter, url: %s/api/v1, key_env: OPENROUTER_API_KEY}\n", edge, or)
	rep := runConfig(t, yml, map[string]string{"OPENROUTER_API_KEY": key}, nil)
	ch := rep.Chains[0]
	if ch.Status != finding.Fail || ch.FailingLink == nil || ch.FailingLink.To != "nginx" {
		t.Fatalf("status %s, link %v: %+v", ch.Status, ch.FailingLink, ch.Findings)
	}
	if fix := ch.Findings[0].Fix; !strings.Contains(fix, "credential of its own") {
		t.Errorf("fix %q", fix)
	}
}
