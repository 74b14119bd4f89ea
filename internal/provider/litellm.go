package provider

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// LiteLLM is the hop type of a LiteLLM proxy (https://docs.litellm.ai/docs/simple_proxy).
const LiteLLM chain.HopType = "litellm"

func init() {
	register(&Spec{
		Type:      LiteLLM,
		Name:      "LiteLLM",
		Role:      Gateway,
		RootTrims: []string{"/v1"},
		KeyVars:   []string{"LITELLM_MASTER_KEY", "LITELLM_API_KEY"},
		// Where `litellm --config` listens when nothing says otherwise;
		// OpenClaw's built-in litellm provider (key LITELLM_API_KEY)
		// defaults to the same port.
		BaseURL:  "http://127.0.0.1:4000",
		OpenClaw: OpenClawRoute{IDs: []string{"litellm"}, KeyVars: []string{"LITELLM_API_KEY"}},
		BaseVars: []string{"LITELLM_BASE_URL"},
		Keys: Keys{
			// Master and virtual keys start with sk-; the proxy answers
			// "LiteLLM Virtual Key expected" otherwise
			// (https://github.com/BerriAI/litellm/blob/main/litellm/proxy/auth/user_api_key_auth.py).
			Prefixes:       []string{"sk-"},
			PrefixRequired: true,
			Hint:           "LiteLLM rejects such keys (\"LiteLLM Virtual Key expected\")",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/models needs a key and lists the model_name values the
		// key may use; /health/liveliness needs none
		// (https://docs.litellm.ai/docs/proxy/health).
		KeyCheck:    Call{Method: "GET", Path: "/v1/models"},
		Public:      Call{Method: "GET", Path: "/health/liveliness"},
		ListsModels: true,
		// The canary asks LiteLLM not to answer from its response cache
		// (litellm_settings.cache), so a cached completion cannot stand in
		// for the upstream: a request's cache.no-cache skips the lookup
		// (https://docs.litellm.ai/docs/proxy/caching_controls,
		// litellm/caching/caching_handler.py).
		BuildCanary: func(in RequestInput) Call {
			c := chatCanary("/v1/chat/completions", in.Model, in)
			c.Body.(map[string]any)["cache"] = map[string]any{"no-cache": true}
			return c
		},
		// The proxy serves OpenAI's embeddings API for every provider it
		// routes to (https://docs.litellm.ai/docs/embedding/supported_embedding)
		// and caches embeddings like completions, so this canary skips
		// the cache too.
		BuildEmbedding: func(in RequestInput) Call {
			c := embeddingCanary("/v1/embeddings", in.Model)
			c.Body.(map[string]any)["cache"] = map[string]any{"no-cache": true}
			return c
		},
		Rules: classify.Compose(litellmRelayRules, litellmOwnRules),
		UpstreamKeyFix: func(from string, _ chain.Hop, env string) string {
			return fmt.Sprintf("Give %s its upstream key: set the variable its config.yaml reads (api_key: os.environ/%s) in the proxy's environment.", from, env)
		},
		Served: liteLLMServed,
	})
}

// liteLLMServed reads the deployment LiteLLM routed a request to from the
// headers it adds to every answer: x-litellm-model-api-base (the
// deployment's api_base without its query) and x-litellm-model-id (its
// model_info.id, or an id LiteLLM derives)
// (ProxyBaseLLMRequestProcessing.get_custom_headers in
// https://github.com/BerriAI/litellm/blob/main/litellm/proxy/common_request_processing.py).
// The api_base is the deployment's whether or not it was called (a
// mock_response deployment reports it too): it tells which deployment
// answered, not that its upstream did.
func liteLLMServed(h http.Header) Served {
	return Served{URL: strings.TrimSpace(h.Get("x-litellm-model-api-base")), ID: strings.TrimSpace(h.Get("x-litellm-model-id"))}
}

// LiteLLM's error envelope is {"error":{"message","type","param","code"}}
// with a string code (ProxyException,
// https://github.com/BerriAI/litellm/blob/main/litellm/proxy/_types.py). Its
// own authentication errors start "Authentication Error, …"
// (https://github.com/BerriAI/litellm/blob/main/litellm/proxy/auth/auth_exception_handler.py);
// an upstream's failure is relayed as "litellm.<Class>: <Provider>Exception
// - Error code: N - {python dict}" (https://github.com/BerriAI/litellm/issues/18731),
// and an unset os.environ/VAR makes LiteLLM call the provider with no key
// (https://github.com/BerriAI/litellm/blob/main/litellm/secret_managers/main.py).

// LiteLLM relaying an upstream failure. Also used for
// openai-compatible hops (a LiteLLM declared as such).
var litellmRelayRules = []classify.Rule{
	// The proxy had no key for its upstream and failed before sending
	// (`os.environ/VAR` unset): a fault on the link out of the proxy.
	{ID: "litellm.upstream-key-unset", Origin: classify.Relayed, Cause: finding.CredentialMissing,
		Msg: classify.Re(`api_key client option must be set|openrouter api[ _-]?key is required|missing [a-z]+ api[ _-]?key - a call is being made` +
			`|exception\s+-\s+[^{]*?(?:api[ _-]?key (?:is )?(?:required|missing|not set)|no api[ _-]?key (?:provided|set|found))`)},
	{ID: "litellm.upstream-tls", Origin: classify.Relayed, Cause: finding.TLSError,
		Msg: classify.Re(`exception\s+-\s+[^{]*?(?:certificate verify failed|ssl|tls handshake|x509)`)},
	{ID: "litellm.upstream-timeout", Origin: classify.Relayed, Cause: finding.Timeout,
		Msg: classify.Re(`litellm\.timeout|exception\s+-\s+[^{]*?(?:timed out|timeout)`)},
	{ID: "litellm.upstream-unreachable", Origin: classify.Relayed, Cause: finding.Unreachable,
		Msg: classify.Re(`apiconnectionerror|exception\s+-\s+[^{]*?(?:connection (?:error|refused|reset)|name or service not known` +
			`|temporary failure in name resolution|nodename nor servname|no route to host|cannot connect|failed to establish)`),
		NotMsg: classify.Re(`error code:?\s*\d{3}|\{\s*['"]error['"]`)},
	// Router cooldown after upstream failures ("No deployments available",
	// re-coded 429 by openai_exception_handler in
	// https://github.com/BerriAI/litellm/blob/main/litellm/proxy/proxy_server.py).
	{ID: "litellm.no-deployments", Msg: classify.Re(`no (?:healthy )?deployments? available`), Origin: classify.Relayed, Cause: finding.UpstreamError},
	// `litellm.AuthenticationError: AuthenticationError: OpenrouterException
	// - Error code: 401 - {'error': {…}}`: the nested body is the upstream's.
	{ID: "litellm.relayed", Msg: classify.Re(`\b[a-z][a-z0-9_]*exception\s+-\s+`), NotMsg: classify.Re(`^(?:\d{3}:?\s+)?authentication error`),
		Origin: classify.Relayed, Act: classify.ActInnerPyRepr},
	// The same without a provider marker: "litellm.<Class>: <upstream text>".
	// LiteLLM's own failures are ProxyExceptions and never start so.
	{ID: "litellm.relayed-class", Msg: classify.Re(`^litellm\.[a-z]+:`), Origin: classify.Relayed, Act: classify.ActInnerPyRepr},
}

// LiteLLM's own answers.
var litellmOwnRules = []classify.Rule{
	{ID: "litellm.no-key", Msg: classify.Re(`no api[ _-]?key passed in|malformed api[ _-]?key`), Cause: finding.HeaderMissing},
	{ID: "litellm.rejected-key", Msg: classify.Re(`invalid proxy server token|virtual key expected|expired key|key is blocked` +
		`|not found in db|unable to find token|invalid api[ _-]?key passed`), Cause: finding.CredentialRejected},
	{ID: "litellm.rejected-key-type", Fields: []classify.Field{classify.In("error.type", "token_not_found_in_db", "expired_key")}, Cause: finding.CredentialRejected},
	// A budget *window* (budget_duration) answers 429 and resets by itself:
	// rate-limited, as the catalog says ("a proxy budget window"). Any other
	// budget (max_budget of key/user/team, 400 budget_exceeded) does not
	// reset: credits-exhausted.
	{ID: "litellm.budget-window", Status: classify.Is(429, 0), Msg: classify.Re(`budget`), Cause: finding.RateLimited},
	{ID: "litellm.budget", Msg: classify.Re(`exceededbudget|budget has been exceeded|budget exceeded|over (?:\S+ )?budget|max(?:imum)?[ _]budget`), Cause: finding.CreditsExhausted},
	{ID: "litellm.budget-type", Fields: []classify.Field{classify.In("error.type", "budget_exceeded")}, Cause: finding.CreditsExhausted},
	{ID: "litellm.model-access", Msg: classify.Re(`not allowed to access model|key_model_access_denied|can only access models|not allowed to access this model`),
		Cause: finding.Forbidden, Model: true},
	{ID: "litellm.model-access-type", Fields: []classify.Field{classify.In("error.type", "key_model_access_denied", "team_model_access_denied")}, Cause: finding.Forbidden, Model: true},
	{ID: "litellm.admin-only", Msg: classify.Re(`only (?:the )?(?:master key|proxy admin)|not allowed to call (?:this )?route|only admin`), Cause: finding.Forbidden},
	{ID: "litellm.invalid-model", Msg: classify.Re(`invalid model name passed in|/v1/models to view available models|no model .{0,80}found`),
		Cause: finding.ModelUnavailable, Model: true},
	{ID: "litellm.auth-error", Msg: classify.Re(`^(?:\d{3}:?\s+)?authentication error`), Cause: finding.CredentialRejected},
	{ID: "litellm.auth-error-type", Fields: []classify.Field{classify.In("error.type", "auth_error")}, Cause: finding.CredentialRejected},
	// Relayed upstream errors carry x-litellm-model-api-base; the auth path
	// does not set it
	// (https://github.com/BerriAI/litellm/blob/main/litellm/proxy/common_request_processing.py).
	{ID: "litellm.relayed-header", Status: classify.Between(400, 599), Headers: []classify.Hdr{{Name: "X-Litellm-Model-Api-Base"}}, Origin: classify.Relayed, Act: classify.ActInnerSame},
}
