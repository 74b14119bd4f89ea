package provider

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Bodies marked "verbatim" are the providers' documented or published
// answers (the sources are cited next to each provider's rules); "variant"
// cases reword them (case, punctuation, suffixes) to prove the tables match
// families, not strings.

const (
	ctJSON = "application/json"
	ctSSE  = "text/event-stream"
	ctHTML = "text/html"
	ctText = "text/plain; charset=utf-8"
)

type tcase struct {
	name   string
	t      chain.HopType
	status int
	ct     string
	Hdr    http.Header
	body   string

	cause  finding.Cause
	origin classify.Origin
	Rule   string // expected rule id; "" = don't care
	model  string // expected classify.Verdict.Model; "" = don't care
	msg    string // substring expected in classify.Verdict.Message; "" = don't care

	// For classify.Relayed/Behind: Inner classified with next must give innerCause.
	next        chain.HopType
	innerCause  finding.Cause
	innerStatus int
	innerNil    bool // Inner must be nil (fault on the link out of the hop)
}

// orEnv builds OpenRouter's envelope around a message quoted in the
// reference (§1.2: `{"error":{"message":"<msg>","code":401}}`).
func orEnv(msg string, code int) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "code": code}})
	return string(b)
}

// llEnv builds LiteLLM's ProxyException envelope (string code, §0/§2.1).
func llEnv(msg, typ, code string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": "None", "code": code}})
	return string(b)
}

const (
	or = OpenRouter
	ll = LiteLLM
	oc = OpenClaw
	oa = OpenAI
	an = Anthropic
	cp = OpenAICompatible
	rp = ReverseProxy
)

var nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"

var cases = []tcase{
	// ---- OpenRouter §1.2: the "no credentials" family (verbatim) ----
	{name: "or missing auth header", t: or, status: 401, ct: ctJSON, body: `{"error":{"message":"Missing Authentication header","code":401}}`,
		cause: finding.HeaderMissing, Rule: "openrouter.no-credentials", msg: "Missing Authentication header"},
	{name: "or missing header or invalid key", t: or, status: 401, ct: ctJSON, body: orEnv("Missing Authentication header or invalid API key", 401),
		cause: finding.HeaderMissing, Rule: "openrouter.no-credentials"},
	{name: "or no auth credentials", t: or, status: 401, ct: ctJSON, body: orEnv("No auth credentials found", 401), cause: finding.HeaderMissing},
	{name: "or no cookie auth credentials", t: or, status: 401, ct: ctJSON, body: orEnv("No cookie auth credentials found", 401), cause: finding.HeaderMissing},
	// variants
	{name: "or variant upper + suffix", t: or, status: 401, ct: ctJSON, body: orEnv("MISSING AUTHENTICATION HEADER!! (see docs)", 401), cause: finding.HeaderMissing},
	{name: "or variant no auth credentials were", t: or, status: 401, ct: ctJSON, body: orEnv("no auth credentials were found for this request.", 401), cause: finding.HeaderMissing},
	{name: "or variant no credentials provided", t: or, status: 401, ct: ctJSON, body: orEnv("No credentials provided", 401), cause: finding.HeaderMissing},
	{name: "or variant authorization header missing", t: or, status: 401, ct: ctJSON, body: orEnv("Authorization header is missing", 401), cause: finding.HeaderMissing},
	// §1.2 User not found.
	{name: "or user not found", t: or, status: 401, ct: ctJSON, body: `{"error":{"message":"User not found.","code":401}}`,
		cause: finding.CredentialRejected, Rule: "openrouter.user-not-found"},
	{name: "or variant user not found lower", t: or, status: 401, ct: ctJSON, body: orEnv("user not found - key may be deleted", 401), cause: finding.CredentialRejected},
	{name: "or 401 unknown wording", t: or, status: 401, ct: ctJSON, body: orEnv("Key is disabled", 401), cause: finding.CredentialRejected},
	{name: "or 401 totally new wording", t: or, status: 401, ct: ctJSON, body: orEnv("Computer says no", 401), cause: finding.CredentialRejected, Rule: "generic.401"},
	// §1.2: Provider returned error + metadata.raw + provider_name + user_id (verbatim).
	{name: "or provider returned error 401", t: or, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}","provider_name":"Anthropic"}},"user_id":"user_…"}`,
		cause: finding.CredentialRejected, origin: classify.Behind, Rule: "openrouter.provider-error", msg: "Anthropic",
		next: an, innerCause: finding.CredentialRejected, innerStatus: 401},
	// §1.5: upstream 429 relayed by OpenRouter (verbatim).
	{name: "or provider returned error 429", t: or, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"… is temporarily rate-limited upstream …","provider_name":"Venice","is_byok":false,"retry_after_seconds":17,"headers":{"Retry-After":"17"}}},"user_id":"user_…"}`,
		cause: finding.RateLimited, origin: classify.Behind, next: cp, innerCause: finding.RateLimited, innerStatus: 429},
	{name: "or provider returned error 502 raw object", t: or, status: 502, ct: ctJSON,
		body:  `{"error":{"message":"Provider returned error","code":502,"metadata":{"raw":{"error":"upstream exploded"},"provider_name":"Foo"}}}`,
		cause: finding.UpstreamError, origin: classify.Behind, next: cp, innerCause: finding.UpstreamError, innerStatus: 502},
	// §1.3: 402 (verbatim messages).
	{name: "or 402 never purchased", t: or, status: 402, ct: ctJSON,
		body:  orEnv("Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits", 402),
		cause: finding.CreditsExhausted, Rule: "openrouter.credits"},
	{name: "or 402 add more", t: or, status: 402, ct: ctJSON, body: orEnv("Insufficient credits. Add more using https://openrouter.ai/settings/credits", 402), cause: finding.CreditsExhausted},
	{name: "or 402 requires more credits", t: or, status: 402, ct: ctJSON,
		body:  orEnv("This request requires more credits, or fewer max_tokens. You requested up to 225702 tokens, but can only afford 92985. To increase, visit https://openrouter.ai/settings/credits and add more credits", 402),
		cause: finding.CreditsExhausted},
	// §1.3: the variant pointing at settings/keys is the key's limit.
	{name: "or 402 key monthly limit", t: or, status: 402, ct: ctJSON,
		body:  orEnv("This request requires more credits, or fewer max_tokens. You requested up to 4096 tokens, but can only afford 100. To increase, visit https://openrouter.ai/settings/keys and create a key with a higher monthly limit", 402),
		cause: finding.KeyLimit, Rule: "openrouter.key-limit"},
	{name: "or 402 unknown wording", t: or, status: 402, ct: ctJSON, body: orEnv("Pay up", 402), cause: finding.CreditsExhausted, Rule: "generic.402"},
	// §1.5: Gitlawb gateway rewrite with string code (verbatim).
	{name: "gateway 402 string code", t: cp, status: 402, ct: ctJSON, body: `{"error":{"message":"Insufficient credits. …","type":"upstream_error","code":"402"}}`, cause: finding.CreditsExhausted},
	// §1.4: 403 key limit (verbatim) + older form.
	{name: "or 403 key limit total", t: or, status: 403, ct: ctJSON, body: orEnv("Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys", 403),
		cause: finding.KeyLimit, Rule: "openrouter.key-limit"},
	{name: "or 403 key limit old", t: or, status: 403, ct: ctJSON, body: orEnv("Key limit exceeded. Manage it using https://openrouter.ai/keys", 403), cause: finding.KeyLimit},
	{name: "or 403 key limit variant", t: or, status: 403, ct: ctJSON, body: orEnv("key LIMIT exceeded (daily limit)", 403), cause: finding.KeyLimit},
	{name: "or 403 moderation", t: or, status: 403, ct: ctJSON,
		body:  `{"error":{"code":403,"message":"Your chosen model requires moderation and your input was flagged","metadata":{"reasons":["harassment"],"flagged_input":"…","provider_name":"OpenAI","model_slug":"openai/gpt-4o"}}}`,
		cause: finding.Forbidden, origin: classify.Self, Rule: "openrouter.data-policy"},
	{name: "or 403 guardrail", t: or, status: 403, ct: ctJSON, body: orEnv("Request blocked by guardrail: prompt injection detected", 403), cause: finding.Forbidden},
	{name: "or 403 other", t: or, status: 403, ct: ctJSON, body: orEnv("Forbidden", 403), cause: finding.Forbidden, Rule: "generic.403"},
	// §1.5: 429 free tier (verbatim, "…" dropped).
	{name: "or 429 free models per day", t: or, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day","code":429,"metadata":{"headers":{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0"}}}}`,
		cause: finding.RateLimited, Rule: "shared.rate-limited"},
	{name: "or 429 bare", t: or, status: 429, ct: ctJSON, body: orEnv("Slow down please", 429), cause: finding.RateLimited, Rule: "generic.429"},
	{name: "gateway 429 rate_limit_error string code", t: cp, status: 429, ct: ctJSON,
		body: `{"error":{"message":"Too many requests","type":"rate_limit_error","code":"429"}}`, cause: finding.RateLimited},
	// §1.6: invalid model id / no endpoints.
	{name: "or 400 not a valid model id", t: or, status: 400, ct: ctJSON, body: orEnv("claude-sonnet-4-6 is not a valid model ID", 400),
		cause: finding.ModelUnavailable, Rule: "openrouter.invalid-model", model: "claude-sonnet-4-6"},
	{name: "or 404 no endpoints found", t: or, status: 404, ct: ctJSON, body: orEnv("No endpoints found for deepseek/deepseek-r1:free.", 404),
		cause: finding.ModelUnavailable, Rule: "openrouter.no-endpoints", model: "deepseek/deepseek-r1:free"},
	{name: "or 404 no endpoints tool use", t: or, status: 404, ct: ctJSON, body: orEnv("No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing", 404),
		cause: finding.ModelUnavailable},
	{name: "or 404 data policy", t: or, status: 404, ct: ctJSON, body: orEnv("No endpoints available matching your guardrail restrictions and data policy. Configure: https://openrouter.ai/settings/privacy", 404),
		cause: finding.Forbidden},
	{name: "or 404 html", t: or, status: 404, ct: ctHTML, body: `<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>404: This page could not be found</title></head><body><div>404</div></body></html>`,
		cause: finding.WrongEndpoint, Rule: "generic.404", msg: "404: This page could not be found"},
	{name: "or 200 html website", t: or, status: 200, ct: ctHTML, body: `<!DOCTYPE html><html><head><title>Models | OpenRouter</title></head><body></body></html>`,
		cause: finding.WrongEndpoint, Rule: "generic.2xx-html"},
	{name: "or 408", t: or, status: 408, ct: ctJSON, body: orEnv("Request timed out", 408), cause: finding.Timeout},
	{name: "or 502", t: or, status: 502, ct: ctJSON, body: orEnv("Bad gateway: model down", 502), cause: finding.UpstreamError, Rule: "generic.5xx"},
	{name: "or 503 no provider", t: or, status: 503, ct: ctJSON, body: orEnv("No available provider meets your routing requirements", 503), cause: finding.UpstreamError},

	// ---- 2xx with errors inside (§1.1, OC §5.4/5.5, issue 5) ----
	{name: "200 json carrying error int code", t: or, status: 200, ct: ctJSON, body: orEnv("No auth credentials found", 401), cause: finding.HeaderMissing},
	{name: "200 json carrying error no status", t: or, status: 200, ct: ctJSON, body: `{"error":{"message":"Something broke","code":"server_error"}}`,
		cause: finding.UpstreamError, Rule: "generic.embedded-error"},
	{name: "200 json error leading status", t: or, status: 200, ct: ctJSON, body: `{"error":{"message":"402 Insufficient credits"}}`, cause: finding.CreditsExhausted},
	{name: "200 sse mid-stream error", t: or, status: 200, ct: ctSSE,
		body: ": OPENROUTER PROCESSING\n\ndata: {\"id\":\"cmpl-abc123\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n" +
			"data: {\"id\":\"cmpl-abc123\",\"object\":\"chat.completion.chunk\",\"provider\":\"openai\",\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected unexpectedly\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n",
		cause: finding.UpstreamError, msg: "Provider disconnected unexpectedly"},
	{name: "200 sse error without content type", t: or, status: 200,
		body:  "data: {\"error\":{\"message\":\"Rate limit exceeded\",\"code\":429}}\n\ndata: [DONE]\n\n",
		cause: finding.RateLimited},
	{name: "200 sse ok", t: or, status: 200, ct: ctSSE,
		body: ": OPENROUTER PROCESSING\n\ndata: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"OK\"},\"finish_reason\":null}]}\n\n" +
			"data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n",
		cause: finding.OK, Rule: "generic.2xx"},
	{name: "200 sse ok crlf", t: oa, status: 200, ct: ctSSE,
		body:  "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n",
		cause: finding.OK},
	{name: "200 sse truncated event", t: or, status: 200, ct: ctSSE,
		body:  "data: {\"id\":\"gen-1\",\"choices\":[{\"delta\":{\"content\":\"OK\"}}]}\n\ndata: {\"id\":\"gen-1\",\"choi",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	// A 200 stream is a pass only with a completion event (issue 8 §11).
	{name: "200 sse garbage", t: cp, status: 200, ct: ctSSE, body: "hello\nthis is not an event stream\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream", msg: "no completion event"},
	{name: "200 sse empty", t: or, status: 200, ct: ctSSE, body: "",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse comments only", t: or, status: 200, ct: ctSSE, body: ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse done only", t: oa, status: 200, ct: ctSSE, body: "data: [DONE]\n\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse other json", t: ll, status: 200, ct: ctSSE, body: "data: {\"hello\":\"world\"}\n\ndata: [DONE]\n\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse chunk without choices", t: oa, status: 200, ct: ctSSE, body: "data: {\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\ndata: [DONE]\n\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse anthropic ping only", t: an, status: 200, ct: ctSSE, body: "event: ping\ndata: {\"type\":\"ping\"}\n\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse json body not a completion", t: cp, status: 200, ct: ctSSE, body: `{"status":"ok"}`,
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 sse without content type no completion", t: cp, status: 200, body: "data: {\"x\":1}\n\n",
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-stream"},
	{name: "200 anthropic sse ok", t: an, status: 200, ct: ctSSE,
		body: "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}\n\n" +
			"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"OK\"}}\n\n" +
			"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
		cause: finding.OK, Rule: "generic.2xx"},
	{name: "200 sse json completion body", t: cp, status: 200, ct: ctSSE,
		body:  `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"OK"}}]}`,
		cause: finding.OK, Rule: "generic.2xx"},
	{name: "200 truncated json", t: or, status: 200, ct: ctJSON, body: `{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"mess`,
		cause: finding.UpstreamError, Rule: "generic.2xx-malformed-json"},
	{name: "200 json ok", t: or, status: 200, ct: ctJSON,
		body:  `{"id":"gen-1","object":"chat.completion","model":"openai/gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}`,
		cause: finding.OK, Rule: "generic.2xx"},
	{name: "200 json error null", t: or, status: 200, ct: ctJSON, body: `{"data":{"label":"sk-or-v1-0fa...240","limit":null},"error":null}`, cause: finding.OK},
	{name: "200 anthropic sse overloaded", t: an, status: 200, ct: ctSSE,
		body:  "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
		cause: finding.UpstreamError},
	{name: "200 plain text ok", t: ll, status: 200, ct: ctText, body: "I'm alive!", cause: finding.OK},

	// ---- LiteLLM own auth, §2.1 (verbatim) ----
	{name: "litellm no api key", t: ll, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}`,
		cause: finding.HeaderMissing, origin: classify.Self, Rule: "litellm.no-key"},
	{name: "litellm malformed key", t: ll, status: 401, ct: ctJSON,
		body:  llEnv("Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix. …", "auth_error", "401"),
		cause: finding.HeaderMissing, Rule: "litellm.no-key"},
	{name: "litellm virtual key expected", t: ll, status: 401, ct: ctJSON,
		body:  llEnv("401 Authentication Error, LiteLLM Virtual Key expected. Received=not-needed, expected to start with 'sk-'.", "auth_error", "401"),
		cause: finding.CredentialRejected, Rule: "litellm.rejected-key"},
	{name: "litellm invalid token new", t: ll, status: 401, ct: ctJSON,
		body:  "{\"error\":{\"message\":\"Authentication Error, Invalid proxy server token passed. Received API Key = sk-...m31Q, Key Hash (Token) =<hash>. Unable to find token in cache or `LiteLLM_VerificationTokenTable`\",\"type\":\"token_not_found_in_db\",\"param\":\"key\",\"code\":\"401\"}}",
		cause: finding.CredentialRejected, origin: classify.Self},
	{name: "litellm invalid token 1.5x", t: ll, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Error, Invalid proxy server token passed. valid_token=None.","type":"auth_error","param":"None","code":"401"}}`,
		cause: finding.CredentialRejected},
	{name: "litellm invalid token older", t: ll, status: 401, ct: ctJSON,
		body:  llEnv("Authentication Error, Invalid proxy server token passed. key=<hash>, not found in db. Create key via `/key/generate` call.", "token_not_found_in_db", "401"),
		cause: finding.CredentialRejected},
	{name: "litellm expired key 400", t: ll, status: 400, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Error - Expired Key. Key Expiry time … and current time …","type":"expired_key","param":"<full key>","code":"400"}}`,
		cause: finding.CredentialRejected},
	{name: "litellm key blocked", t: ll, status: 401, ct: ctJSON,
		body:  llEnv("Authentication Error, key is blocked. Update via /key/unblock if you're an admin", "auth_error", "401"),
		cause: finding.CredentialRejected},
	{name: "litellm token type only", t: ll, status: 401, ct: ctJSON, body: llEnv("Authentication Error", "token_not_found_in_db", "401"),
		cause: finding.CredentialRejected},
	{name: "litellm unknown auth error wording", t: ll, status: 401, ct: ctJSON, body: llEnv("Authentication Error, something new happened", "auth_error", "401"),
		cause: finding.CredentialRejected, Rule: "litellm.auth-error"},
	{name: "litellm auth_error type only", t: ll, status: 401, ct: ctJSON, body: llEnv("Nope.", "auth_error", "401"),
		cause: finding.CredentialRejected, Rule: "litellm.auth-error-type"},
	{name: "litellm token not allowed (old)", t: ll, status: 401, ct: ctJSON, body: llEnv("Authentication Error, Token not allowed to access model", "auth_error", "401"),
		cause: finding.Forbidden, Rule: "litellm.model-access"},
	{name: "litellm key_model_access_denied", t: ll, status: 403, ct: ctJSON,
		body:  llEnv("key not allowed to access model. This key can only access models=['gpt-4o']. Tried to access claude-3-haiku", "key_model_access_denied", "403"),
		cause: finding.Forbidden, model: "claude-3-haiku"},
	{name: "litellm key_model_access_denied type", t: ll, status: 403, ct: ctJSON, body: llEnv("denied", "key_model_access_denied", "403"),
		cause: finding.Forbidden, Rule: "litellm.model-access-type"},
	{name: "litellm master key only", t: ll, status: 401, ct: ctJSON,
		body:  llEnv("Authentication Error, Only master key can be used to generate, delete, update info for new keys/users/teams. Route=/key/generate", "auth_error", "401"),
		cause: finding.Forbidden, Rule: "litellm.admin-only"},
	{name: "litellm budget window 429", t: ll, status: 429, ct: ctJSON, body: llEnv("ExceededBudget: Key over 1h budget", "budget_exceeded", "429"),
		cause: finding.RateLimited, Rule: "litellm.budget-window"},
	{name: "litellm budget exceeded 400", t: ll, status: 400, ct: ctJSON, body: llEnv("Budget has been exceeded! Current cost: 10.52, Max budget: 10.0", "budget_exceeded", "400"),
		cause: finding.CreditsExhausted, Rule: "litellm.budget"},
	{name: "litellm budget type", t: ll, status: 400, ct: ctJSON, body: llEnv("Spend cap hit", "budget_exceeded", "400"),
		cause: finding.CreditsExhausted, Rule: "litellm.budget-type"},
	{name: "litellm invalid model name", t: ll, status: 400, ct: ctJSON,
		body:  llEnv("400: {'error': '/chat/completions: Invalid model name passed in model=gpt-5. Call `/v1/models` to view available models for your key.'}", "None", "400"),
		cause: finding.ModelUnavailable, origin: classify.Self, Rule: "litellm.invalid-model", model: "gpt-5"},
	{name: "litellm detail not found", t: ll, status: 404, ct: ctJSON, body: `{"detail":"Not Found"}`, cause: finding.WrongEndpoint, Rule: "generic.404"},
	{name: "litellm auth 5xx (1.83.3)", t: ll, status: 500, ct: ctJSON, body: llEnv("Authentication Error, No api key passed in.", "auth_error", "500"),
		cause: finding.HeaderMissing},

	// ---- LiteLLM relaying upstream, §2.3 (verbatim messages) ----
	{name: "litellm relayed or no auth credentials", t: ll, status: 401, ct: ctJSON,
		body:  llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}", "None", "401"),
		cause: finding.HeaderMissing, origin: classify.Relayed, Rule: "litellm.relayed", next: or, innerCause: finding.HeaderMissing, innerStatus: 401},
	{name: "litellm relayed or missing header or invalid", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'Missing Authentication header or invalid API key', 'code': 401}}", "None", "401"),
		origin: classify.Relayed, cause: finding.HeaderMissing, next: or, innerCause: finding.HeaderMissing, innerStatus: 401},
	{name: "litellm relayed openai incorrect key", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenAIException - Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-qnWGU***…Rvfb. …', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}", "None", "401"),
		origin: classify.Relayed, cause: finding.CredentialRejected, next: oa, innerCause: finding.CredentialRejected, innerStatus: 401},
	{name: "litellm relayed with router debug suffix", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'User not found.', 'code': 401}}. Received Model Group=gpt-4o\nAvailable Model Group Fallbacks=None", "None", "401"),
		origin: classify.Relayed, next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "litellm relayed apostrophe in message", t: ll, status: 401, ct: ctJSON,
		body:   llEnv(`litellm.AuthenticationError: AuthenticationError: OpenAIException - Error code: 401 - {'error': {'message': "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'type': 'invalid_request_error', 'param': None, 'code': None}}`, "None", "401"),
		origin: classify.Relayed, next: oa, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	{name: "litellm relayed 402 no error code prefix json", t: ll, status: 402, ct: ctJSON,
		body:   llEnv(`litellm.APIError: APIError: OpenrouterException - {"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits","code":402}}`, "None", "402"),
		origin: classify.Relayed, next: or, innerCause: finding.CreditsExhausted, innerStatus: 402, cause: finding.CreditsExhausted},
	{name: "litellm relayed 429 class status", t: ll, status: 200, ct: ctSSE,
		body:   "data: " + llEnv("litellm.RateLimitError: RateLimitError: OpenrouterException - Rate limit exceeded: free-models-per-day.", "None", "None") + "\n\ndata: [DONE]\n\n",
		origin: classify.Relayed, next: or, innerCause: finding.RateLimited, innerStatus: 429, cause: finding.RateLimited},
	{name: "litellm relayed unparsable nested", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'User not fou", "None", "401"),
		origin: classify.Relayed, next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "litellm relayed anthropic json", t: ll, status: 401, ct: ctJSON,
		body:   llEnv(`litellm.AuthenticationError: AnthropicException - {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`, "None", "401"),
		origin: classify.Relayed, next: an, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	// §2.2: a LiteLLM relaying another LiteLLM's own auth failure.
	{name: "litellm relayed litellm proxy auth", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: Litellm_proxyException - Authentication Error, Invalid proxy server token passed. …", "None", "401"),
		origin: classify.Relayed, next: ll, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	// §2.5: no upstream key at all → fault on the link out, no inner answer.
	{name: "litellm upstream api_key option", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenAIException - The api_key client option must be set either by passing api_key to the client or by setting the OPENAI_API_KEY environment variable", "None", "401"),
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true, Rule: "litellm.upstream-key-unset"},
	{name: "litellm openrouter key required", t: ll, status: 500, ct: ctJSON,
		body:   llEnv("litellm.APIError: APIError: OpenrouterException - OpenRouter API key is required. Set OPENROUTER_API_KEY environment variable or pass api_key parameter.", "None", "500"),
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true},
	{name: "litellm missing provider key", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: Missing Anthropic API Key - A call is being made to anthropic but no key is set either in the environment variables or via params. Please set `ANTHROPIC_API_KEY` in your environment vars", "None", "401"),
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true},
	{name: "litellm sdk proxy key option", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: Litellm_proxyException - The api_key client option must be set either by passing api_key to the client or by setting the LITELLM_PROXY_API_KEY environment variable", "None", "401"),
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true},
	{name: "litellm upstream connection error", t: ll, status: 500, ct: ctJSON,
		body:   llEnv("litellm.APIConnectionError: APIConnectionError: OpenrouterException - Connection error.", "None", "500"),
		origin: classify.Relayed, cause: finding.Unreachable, innerNil: true, Rule: "litellm.upstream-unreachable"},
	{name: "litellm upstream timeout", t: ll, status: 408, ct: ctJSON,
		body:   llEnv("litellm.Timeout: Timeout Error: OpenrouterException - Request timed out. ", "None", "408"),
		origin: classify.Relayed, cause: finding.Timeout, innerNil: true, Rule: "litellm.upstream-timeout"},
	{name: "litellm upstream tls", t: ll, status: 500, ct: ctJSON,
		body:   llEnv("litellm.APIConnectionError: APIConnectionError: OpenAIException - [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate", "None", "500"),
		origin: classify.Relayed, cause: finding.TLSError, innerNil: true, Rule: "litellm.upstream-tls"},
	{name: "litellm no deployments", t: ll, status: 429, ct: ctJSON,
		body:   llEnv("No deployments available for selected model, Try again in 60 seconds. Passed model=gpt-4o. pre-call-checks=False, cooldown_list=[('abc', {})]", "None", "429"),
		origin: classify.Relayed, cause: finding.UpstreamError, innerNil: true, Rule: "litellm.no-deployments"},
	{name: "litellm relayed by header only", t: ll, status: 401, ct: ctJSON,
		Hdr:    http.Header{"X-Litellm-Model-Api-Base": {"https://openrouter.ai/api/v1"}, "X-Litellm-Version": {"1.74.0"}},
		body:   llEnv("User not found.", "None", "401"),
		origin: classify.Relayed, Rule: "litellm.relayed-header", next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	// A LiteLLM declared as openai-compatible still relays.
	{name: "compatible relays litellm wrapper", t: cp, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}", "None", "401"),
		origin: classify.Relayed, next: or, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},

	// ---- OpenClaw gateway, OC §0, §5.2–5.5 (verbatim) ----
	{name: "openclaw unauthorized", t: oc, status: 401, ct: "application/json; charset=utf-8", body: `{"error":{"message":"Unauthorized","type":"unauthorized"}}`,
		cause: finding.CredentialRejected, origin: classify.Self, Rule: "openclaw.unauthorized"},
	{name: "openclaw unauthorized text", t: oc, status: 401, ct: ctText, body: "Unauthorized", cause: finding.CredentialRejected, Rule: "openclaw.unauthorized-text"},
	{name: "openclaw no provider key", t: oc, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"No API key found for provider \"openrouter\". Auth store: $SCRATCH/ochome-2/.openclaw/state/openclaw.sqlite (agentDir: $SCRATCH/ochome-2/.openclaw/agents/main/agent). Configure an API key (openclaw models auth paste-api-key --provider openrouter; add --agent <id> for a non-default agent) or copy only portable static auth profiles from the main agentDir.","type":"authentication_error","code":"missing-provider-auth"}}`,
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true, Rule: "openclaw.missing-provider-auth"},
	{name: "openclaw no provider key sse", t: oc, status: 200, ct: ctSSE,
		body: "data: {\"id\":\"chatcmpl_…\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n" +
			"data: {\"error\":{\"message\":\"No API key found for provider \\\"openrouter\\\". …\",\"type\":\"authentication_error\",\"code\":\"missing-provider-auth\"}}\n\ndata: [DONE]\n\n",
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true},
	{name: "openclaw no provider key message only", t: oc, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"no API key found for provider 'anthropic'","type":"authentication_error"}}`,
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true, Rule: "openclaw.no-provider-key"},
	{name: "openclaw wrong upstream key", t: oc, status: 401, ct: ctJSON, body: `{"error":{"message":"401 User not found.","type":"authentication_error"}}`,
		origin: classify.Relayed, Rule: "openclaw.relayed-status", next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "openclaw wrong upstream key sse", t: oc, status: 200, ct: ctSSE,
		body: "data: {\"id\":\"chatcmpl_…\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n" +
			"data: {\"error\":{\"message\":\"401 User not found.\",\"type\":\"authentication_error\"}}\n\ndata: [DONE]\n\n",
		origin: classify.Relayed, next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "openclaw relayed missing header variant", t: oc, status: 401, ct: ctJSON, body: `{"error":{"message":"HTTP 401: Missing Authentication header","type":"authentication_error"}}`,
		origin: classify.Relayed, next: or, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	{name: "openclaw relayed 429 variant", t: oc, status: 429, ct: ctJSON, body: `{"error":{"message":"429 Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day","type":"rate_limit"}}`,
		origin: classify.Relayed, next: or, innerCause: finding.RateLimited, innerStatus: 429, cause: finding.RateLimited},
	{name: "openclaw relayed 402 variant", t: oc, status: 402, ct: ctJSON, body: `{"error":{"message":"402 Insufficient credits. Add more using https://openrouter.ai/settings/credits","type":"billing"}}`,
		origin: classify.Relayed, next: or, innerCause: finding.CreditsExhausted, innerStatus: 402, cause: finding.CreditsExhausted},
	{name: "openclaw relayed status mid-message", t: oc, status: 500, ct: ctJSON, body: `{"error":{"message":"⚠️ openrouter/openrouter/auto request failed (authentication failed, HTTP 401). Re-authenticate the provider and try again.","type":"api_error"}}`,
		origin: classify.Relayed, next: or, innerStatus: 401, innerCause: finding.CredentialRejected, cause: finding.CredentialRejected},
	{name: "openclaw invalid model", t: oc, status: 400, ct: ctJSON, body: "{\"error\":{\"message\":\"Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.\",\"type\":\"invalid_request_error\"}}",
		cause: finding.ModelUnavailable, origin: classify.Self, Rule: "openclaw.invalid-model"},
	{name: "openclaw unknown agent", t: oc, status: 400, ct: ctJSON, body: `{"error":{"message":"Unknown agent 'nosuch'.","type":"invalid_request_error"}}`,
		cause: finding.ModelUnavailable, origin: classify.Self, model: "nosuch"},
	{name: "openclaw ok", t: oc, status: 200, ct: "application/json; charset=utf-8",
		body:  `{"id":"chatcmpl_229b7b7a-218d-4939-8fe2-8a1a0a2e4e73","object":"chat.completion","created":1795859001,"model":"openclaw/default","choices":[{"index":0,"message":{"role":"assistant","content":"FAKE-OPENROUTER-OK"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`,
		cause: finding.OK},
	{name: "openclaw ok sse", t: oc, status: 200, ct: ctSSE,
		body: "data: {\"id\":\"chatcmpl_…\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n" +
			"data: {\"id\":\"chatcmpl_…\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"FAKE-OPENROUTER-OK\"},\"finish_reason\":null}]}\n\n" +
			"data: {\"id\":\"chatcmpl_…\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
		cause: finding.OK},
	{name: "openclaw endpoint disabled", t: oc, status: 404, ct: ctText, body: "Not Found", cause: finding.WrongEndpoint, Rule: "openclaw.endpoint-disabled"},
	{name: "openclaw timeout", t: oc, status: 500, ct: ctJSON, body: `{"error":{"message":"LLM request timed out.","type":"api_error"}}`,
		origin: classify.Relayed, cause: finding.Timeout, innerNil: true, Rule: "openclaw.upstream-timeout"},

	// ---- OpenAI, §4.1 (verbatim) ----
	{name: "openai missing bearer", t: oa, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Missing bearer or basic authentication in header","type":"invalid_request_error","param":null,"code":null}}`,
		cause: finding.HeaderMissing, Rule: "openai.no-key"},
	{name: "openai didn't provide", t: oa, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), …","type":"invalid_request_error","param":null,"code":null}}`,
		cause: finding.HeaderMissing},
	{name: "openai incorrect key", t: oa, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Incorrect API key provided: sk-qVL45***…D1Vi. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
		cause: finding.CredentialRejected, Rule: "openai.invalid-key"},
	{name: "openai invalid_api_key code only", t: oa, status: 401, ct: ctJSON, body: `{"error":{"message":"Nope","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
		cause: finding.CredentialRejected, Rule: "openai.invalid-key-code"},
	{name: "openai got openrouter key", t: oa, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Incorrect API key provided: sk-or-v1******. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
		cause: finding.WrongEndpoint, Rule: "openai.key-for-openrouter"},
	{name: "openai got url as key", t: oa, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Incorrect API key provided: https://****. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
		cause: finding.CredentialMalformed, Rule: "openai.key-is-url"},
	{name: "openai got anthropic key", t: oa, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Incorrect API key provided: sk-ant-a***ABCD. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
		cause: finding.CredentialMalformed, Rule: "openai.key-other-provider"},
	{name: "openai doubled path", t: oa, status: 404, ct: ctJSON,
		body:  `{"error":{"message":"Invalid URL (POST /v1/chat/completions/chat/completions)","type":"invalid_request_error","param":null,"code":null}}`,
		cause: finding.WrongEndpoint, Rule: "openai.invalid-url"},
	{name: "openai model not found", t: oa, status: 404, ct: ctJSON,
		body:  "{\"error\":{\"message\":\"The model `gpt-5-turbo` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}",
		cause: finding.ModelUnavailable, Rule: "openai.model-not-found", model: "gpt-5-turbo"},
	{name: "openai insufficient quota", t: oa, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`,
		cause: finding.CreditsExhausted, Rule: "openai.insufficient-quota"},
	{name: "openai insufficient quota type", t: oa, status: 429, ct: ctJSON, body: `{"error":{"message":"Quota.","type":"insufficient_quota","param":null,"code":null}}`,
		cause: finding.CreditsExhausted, Rule: "openai.insufficient-quota-type"},
	{name: "openai 429", t: oa, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 30000.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`,
		cause: finding.RateLimited},

	// ---- openai-compatible vendors, §4.3–4.5 (verbatim) ----
	{name: "groq invalid key", t: cp, status: 401, ct: ctJSON, body: `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`,
		cause: finding.CredentialRejected},
	{name: "deepseek auth fails", t: cp, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialRejected, Rule: "deepseek.invalid-key"},
	{name: "deepseek var name as key", t: cp, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails, Your api key: ****_KEY is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialMalformed, Rule: "deepseek.key-not-a-key"},
	{name: "deepseek file path as key", t: cp, status: 401, ct: ctJSON,
		body:  `{"error":{"message":"Authentication Fails, Your api key: ****json is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialMalformed},
	{name: "deepseek no such user", t: cp, status: 401, ct: ctJSON, body: `{"error":{"message":"Authentication Fails (no such user)","type":"authentication_error","param":null,"code":"invalid_request_error"}}`,
		cause: finding.CredentialRejected},
	{name: "xai incorrect key 400", t: cp, status: 400, ct: ctJSON, body: `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: gs***tF. You can obtain an API key from https://console.x.ai."}`,
		cause: finding.CredentialRejected},
	{name: "azure invalid subscription key", t: cp, status: 401, ct: ctJSON,
		body:  `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`,
		cause: finding.CredentialRejected, Rule: "azure.invalid-key"},
	{name: "azure apim missing key", t: cp, status: 401, ct: ctJSON,
		body:  `{"statusCode":401,"message":"Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."}`,
		cause: finding.HeaderMissing, Rule: "azure.missing-key"},
	{name: "azure deployment not found", t: cp, status: 404, ct: ctJSON,
		body:  `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`,
		cause: finding.ModelUnavailable, Rule: "azure.deployment-not-found"},
	{name: "gemini api key invalid", t: cp, status: 400, ct: ctJSON,
		body:  `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}`,
		cause: finding.CredentialRejected, Rule: "gemini.invalid-key"},
	{name: "gemini api key not found", t: cp, status: 400, ct: ctJSON, body: `{"error":{"code":400,"message":"API Key not found. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}`,
		cause: finding.CredentialRejected},
	{name: "gemini unregistered callers", t: cp, status: 403, ct: ctJSON,
		body:  `{"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.","status":"PERMISSION_DENIED"}}`,
		cause: finding.HeaderMissing, Rule: "gemini.unregistered"},
	{name: "gemini caller no permission", t: cp, status: 403, ct: ctJSON, body: `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`,
		cause: finding.Forbidden},
	{name: "gemini array envelope", t: cp, status: 400, ct: ctJSON, body: `[{"error":{"code":400,"message":"API key expired. Please renew the API key.","status":"INVALID_ARGUMENT"}}]`,
		cause: finding.CredentialRejected},
	{name: "ollama model not found", t: cp, status: 404, ct: ctJSON, body: `{"error":"model \"llama3\" not found, try pulling it first"}`,
		cause: finding.ModelUnavailable, model: "llama3"},
	{name: "vllm model not found", t: cp, status: 404, ct: ctJSON, body: "{\"object\":\"error\",\"message\":\"The model `meta/llama-9` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
		cause: finding.ModelUnavailable, model: "meta/llama-9"},
	{name: "compatible openrouter body", t: cp, status: 401, ct: ctJSON, body: orEnv("No cookie auth credentials found", 401), cause: finding.HeaderMissing},
	{name: "compatible unrecognized url", t: cp, status: 404, ct: ctJSON, body: `{"error":{"message":"Unrecognized request URL (POST /v1/chat/completion). Please see https://platform.openai.com/docs/api-reference for valid URLs.","type":"invalid_request_error"}}`,
		cause: finding.WrongEndpoint},

	// ---- claude-code-router, §4.6 and OC §8 (verbatim) ----
	{name: "ccr apikey missing", t: cp, status: 401, ct: ctText, body: "APIKEY is missing", cause: finding.HeaderMissing, origin: classify.Self, Rule: "ccr.apikey-missing"},
	{name: "ccr invalid api key", t: cp, status: 401, ct: ctText, body: "Invalid API key", cause: finding.CredentialRejected, origin: classify.Self, Rule: "ccr.invalid-key"},
	{name: "ccr provider error (OC §8)", t: cp, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"Error from provider(openrouter,fake/echo-1: 401): {\"error\": {\"message\": \"User not found.\", \"code\": 401}}Error: Error from provider(...)\n    at qn ($CCR_DIR/node_modules/@musistudio/claude-code-router/dist/cli.js:582:7451)\n ...","type":"api_error","code":"provider_response_error"}}`,
		origin: classify.Relayed, Rule: "ccr.provider-error", next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "ccr provider error (§4.6)", t: cp, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"Error from provider: {\"error\":{\"message\":\"No auth credentials found\",\"code\":401}}"}}`,
		origin: classify.Relayed, next: or, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	{name: "ccr provider not found", t: cp, status: 404, ct: ctJSON, body: `{"error":{"message":"Provider 'openrouter' not foundError: Provider 'openrouter' not found\n    at …"}}`,
		origin: classify.Relayed, cause: finding.CredentialMissing, innerNil: true, Rule: "ccr.provider-not-found"},
	{name: "ccr cors", t: cp, status: 403, ct: ctText, body: "CORS not allowed for this origin", cause: finding.Forbidden, Rule: "ccr.cors"},

	// ---- Anthropic, §4.2 (verbatim) ----
	{name: "anthropic header required", t: an, status: 401, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"},"request_id":"req_…"}`,
		cause: finding.HeaderMissing, Rule: "anthropic.no-key"},
	{name: "anthropic invalid key", t: an, status: 401, ct: ctJSON, body: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
		cause: finding.CredentialRejected, Rule: "anthropic.invalid-key"},
	{name: "anthropic auth other wording", t: an, status: 401, ct: ctJSON, body: `{"type":"error","error":{"type":"authentication_error","message":"OAuth session gone"}}`,
		cause: finding.CredentialRejected, Rule: "anthropic.auth"},
	{name: "anthropic model not found", t: an, status: 404, ct: ctJSON, body: `{"type":"error","error":{"type":"not_found_error","message":"model: claude-3-opus-latest"}}`,
		cause: finding.ModelUnavailable, Rule: "anthropic.model-not-found", model: "claude-3-opus-latest"},
	{name: "anthropic overloaded 529", t: an, status: 529, ct: ctJSON, body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
		cause: finding.UpstreamError, Rule: "anthropic.overloaded"},
	{name: "anthropic rate limit", t: an, status: 429, ct: ctJSON, body: `{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your per-minute limit."}}`,
		cause: finding.RateLimited, Rule: "anthropic.rate-limit"},
	{name: "anthropic credit balance", t: an, status: 400, ct: ctJSON,
		body:  `{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}`,
		cause: finding.CreditsExhausted, Rule: "anthropic.credits"},
	{name: "anthropic permission", t: an, status: 403, ct: ctJSON, body: `{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}`,
		cause: finding.Forbidden, Rule: "anthropic.permission"},

	// ---- Reverse proxies, §4.7 ----
	{name: "nginx 502", t: rp, status: 502, ct: ctHTML, body: nginx502, cause: finding.UpstreamError, origin: classify.Self, Rule: "reverse-proxy.server-page", msg: "502 Bad Gateway"},
	{name: "nginx 504", t: rp, status: 504, ct: ctHTML,
		body:  "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		cause: finding.Timeout, origin: classify.Self},
	{name: "nginx 503", t: rp, status: 503, ct: ctHTML,
		body:  "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		cause: finding.UpstreamError, origin: classify.Self},
	{name: "nginx 401 basic auth", t: rp, status: 401, ct: ctHTML, Hdr: http.Header{"Www-Authenticate": {`Basic realm="Restricted"`}},
		body:  "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		cause: finding.CredentialRejected, origin: classify.Self, Rule: "reverse-proxy.basic-auth"},
	{name: "proxy 401 page without header", t: rp, status: 401, ct: ctHTML,
		body:  "<html><head><title>401 Authorization Required</title></head><body>Authorization Required</body></html>",
		cause: finding.CredentialRejected, origin: classify.Self, Rule: "reverse-proxy.auth-required-page"},
	{name: "nginx 413", t: rp, status: 413, ct: ctHTML,
		body:  "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		cause: finding.Unknown, origin: classify.Self},
	{name: "apache 503", t: rp, status: 503, ct: ctHTML,
		body:  `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><hr><address>Apache/2.4.57 (Debian) Server at example Port 80</address></body></html>`,
		cause: finding.UpstreamError, origin: classify.Self},
	{name: "envoy 503 text", t: rp, status: 503, ct: ctText, body: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
		cause: finding.UpstreamError, origin: classify.Self},
	{name: "traefik 502 text", t: rp, status: 502, ct: ctText, body: "Bad Gateway", cause: finding.UpstreamError, origin: classify.Self},
	{name: "traefik 404 text", t: rp, status: 404, ct: ctText, body: "404 page not found\n", cause: finding.WrongEndpoint, origin: classify.Self},
	{name: "caddy empty 502", t: rp, status: 502, cause: finding.UpstreamError, origin: classify.Self, Rule: "reverse-proxy.gateway-status"},
	{name: "kong no api key", t: rp, status: 401, ct: ctJSON, Hdr: http.Header{"X-Kong-Response-Latency": {"0"}}, body: `{"message":"No API key found in request"}`,
		cause: finding.HeaderMissing, origin: classify.Self, Rule: "reverse-proxy.kong"},
	{name: "proxy passes openrouter 401", t: rp, status: 401, ct: ctJSON, body: `{"error":{"message":"Missing Authentication header","code":401}}`,
		origin: classify.Relayed, Rule: "reverse-proxy.relayed", next: or, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	{name: "proxy passes openrouter html 404", t: rp, status: 404, ct: ctHTML, body: `<!DOCTYPE html><html><head><title>404: This page could not be found</title></head><body></body></html>`,
		origin: classify.Relayed, next: or, innerCause: finding.WrongEndpoint, innerStatus: 404, cause: finding.WrongEndpoint},
	{name: "proxy passes cloudflare 502", t: rp, status: 502, ct: ctHTML,
		body:   `<!DOCTYPE html><html><head><title>openrouter.ai | 502: Bad gateway</title></head><body><div id="cf-error-details">Cloudflare Ray ID: 8a1b</div></body></html>`,
		origin: classify.Relayed, Rule: "reverse-proxy.cdn-page", next: or, innerCause: finding.UpstreamError, innerStatus: 502, cause: finding.UpstreamError},
	{name: "proxy passes 200", t: rp, status: 200, ct: ctJSON, body: `{"choices":[{"message":{"content":"OK"}}]}`,
		origin: classify.Relayed, next: or, innerCause: finding.OK, innerStatus: 200, cause: finding.OK},
	{name: "proxy passes litellm wrapper", t: rp, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}", "None", "401"),
		origin: classify.Relayed, next: ll, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},

	// ---- Wording variants and other hop orders (generalisation) ----
	{name: "variant litellm lower-case own auth", t: ll, status: 401, ct: ctJSON, body: llEnv("authentication error, no API key passed in!", "auth_error", "401"),
		cause: finding.HeaderMissing, origin: classify.Self},
	{name: "variant litellm expired upper", t: ll, status: 400, ct: ctJSON, body: llEnv("AUTHENTICATION ERROR - EXPIRED KEY. Key expiry passed", "expired_key", "400"),
		cause: finding.CredentialRejected, origin: classify.Self},
	{name: "variant litellm relayed without provider marker", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: No auth credentials found", "None", "401"),
		origin: classify.Relayed, Rule: "litellm.relayed-class", next: or, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	{name: "variant litellm relayed as plain text body", t: ll, status: 401, ct: ctText,
		body:   "litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'User not found.', 'code': 401}}\nReceived Model Group=x",
		origin: classify.Relayed, next: or, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "variant openai missing bearer auth", t: oa, status: 401, ct: ctJSON, body: `{"error":{"message":"Missing bearer authentication in header.","type":"invalid_request_error"}}`,
		cause: finding.HeaderMissing},
	{name: "variant anthropic upper header required", t: an, status: 401, ct: ctJSON, body: `{"type":"error","error":{"type":"authentication_error","message":"X-API-KEY header is required."}}`,
		cause: finding.HeaderMissing},
	{name: "variant gemini reason only", t: cp, status: 400, ct: ctJSON,
		body:  `{"error":{"code":400,"message":"Request had invalid authentication.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}`,
		cause: finding.CredentialRejected, Rule: "gemini.reason-key-invalid"},
	{name: "variant openclaw upstream 401 lower http", t: oc, status: 401, ct: ctJSON, body: `{"error":{"message":"http 401: No cookie auth credentials found","type":"authentication_error"}}`,
		origin: classify.Relayed, next: or, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	// ci → openclaw → litellm → openrouter: OpenClaw passes LiteLLM's message on.
	{name: "order openclaw relays litellm own auth", t: oc, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"401 Authentication Error, Invalid proxy server token passed. valid_token=None.","type":"authentication_error"}}`,
		origin: classify.Relayed, next: ll, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "order openclaw relays litellm relay", t: oc, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"401 litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}","type":"authentication_error"}}`,
		origin: classify.Relayed, next: ll, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},
	// ci → litellm → openclaw: LiteLLM relays the gateway's own 401.
	{name: "order litellm relays openclaw unauthorized", t: ll, status: 401, ct: ctJSON,
		body:   llEnv("litellm.AuthenticationError: AuthenticationError: OpenAIException - Error code: 401 - {'error': {'message': 'Unauthorized', 'type': 'unauthorized'}}", "None", "401"),
		origin: classify.Relayed, next: oc, innerCause: finding.CredentialRejected, innerStatus: 401, cause: finding.CredentialRejected},
	{name: "order litellm relays openclaw missing provider", t: ll, status: 401, ct: ctJSON,
		body:   llEnv(`litellm.AuthenticationError: AuthenticationError: OpenAIException - Error code: 401 - {'error': {'message': 'No API key found for provider "openrouter". …', 'type': 'authentication_error', 'code': 'missing-provider-auth'}}`, "None", "401"),
		origin: classify.Relayed, next: oc, innerCause: finding.CredentialMissing, innerStatus: 401, cause: finding.HeaderMissing},
	// ci → ccr → litellm: CCR passes LiteLLM's own answer on.
	{name: "order ccr relays litellm", t: cp, status: 401, ct: ctJSON,
		body:   `{"error":{"message":"Error from provider(litellm,gpt-4o: 401): {\"error\":{\"message\":\"Authentication Error, No api key passed in.\",\"type\":\"auth_error\",\"param\":\"None\",\"code\":\"401\"}}","type":"api_error","code":"provider_response_error"}}`,
		origin: classify.Relayed, next: ll, innerCause: finding.HeaderMissing, innerStatus: 401, cause: finding.HeaderMissing},

	// ---- Generic fallback on unknown bodies ----
	{name: "generic 401", t: cp, status: 401, ct: ctJSON, body: `{"error":"whatever"}`, cause: finding.CredentialRejected, Rule: "generic.401"},
	{name: "generic 402", t: cp, status: 402, ct: ctText, body: "pay", cause: finding.CreditsExhausted},
	{name: "generic 403", t: oa, status: 403, ct: ctText, body: "nope", cause: finding.Forbidden},
	{name: "generic 404 html", t: oa, status: 404, ct: ctHTML, body: "<html><body><h1>Not here</h1></body></html>", cause: finding.WrongEndpoint, msg: "Not here"},
	{name: "generic 404 json model", t: oa, status: 404, ct: ctJSON, body: `{"error":{"message":"That model was retired"}}`, cause: finding.ModelUnavailable, Rule: "generic.404-model"},
	{name: "generic 404 json other", t: oa, status: 404, ct: ctJSON, body: `{"error":{"message":"Nothing at this path"}}`, cause: finding.WrongEndpoint, Rule: "generic.404"},
	{name: "generic 405", t: oa, status: 405, ct: ctText, body: "Method Not Allowed", cause: finding.WrongEndpoint, Rule: "generic.405"},
	{name: "generic 408", t: an, status: 408, ct: ctText, body: "", cause: finding.Timeout, Rule: "generic.timeout"},
	{name: "generic 504", t: oa, status: 504, ct: ctJSON, body: `{"error":{"message":"gateway"}}`, cause: finding.Timeout, Rule: "generic.timeout"},
	{name: "generic 429", t: an, status: 429, ct: ctText, body: "calm", cause: finding.RateLimited, Rule: "generic.429"},
	{name: "generic 500", t: an, status: 500, ct: ctJSON, body: `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`, cause: finding.UpstreamError, Rule: "generic.5xx"},
	{name: "generic 500 timeout text", t: oa, status: 500, ct: ctJSON, body: `{"error":{"message":"The upstream request timed out"}}`, cause: finding.Timeout, Rule: "shared.timeout"},
	{name: "generic 418", t: oa, status: 418, ct: ctText, body: "teapot", cause: finding.Unknown, Rule: "generic.4xx"},
	{name: "generic 301", t: or, status: 301, ct: ctHTML, body: "<html><head><title>301 Moved Permanently</title></head></html>", cause: finding.WrongEndpoint, Rule: "generic.redirect"},
	{name: "generic 200 empty", t: or, status: 200, cause: finding.OK},
	{name: "generic status 0", t: or, status: 0, cause: finding.Unknown, Rule: "generic.other"},
	{name: "unknown hop type", t: chain.HopType("mystery"), status: 401, ct: ctText, body: "APIKEY is missing", cause: finding.HeaderMissing},
	{name: "shared unauthorized", t: oa, status: 401, ct: ctJSON, body: `{"message":"Unauthorized"}`, cause: finding.CredentialRejected, Rule: "shared.unauthorized"},
	{name: "shared rejected", t: an, status: 401, ct: ctJSON, body: `{"error":{"message":"Bad credentials"}}`, cause: finding.CredentialRejected, Rule: "shared.rejected"},
	{name: "shared no credentials", t: an, status: 401, ct: ctJSON, body: `{"error":{"message":"No API key provided."}}`, cause: finding.HeaderMissing, Rule: "shared.no-credentials"},
	{name: "shared key limit", t: oa, status: 403, ct: ctJSON, body: `{"error":{"message":"Key limit exceeded for this key"}}`, cause: finding.KeyLimit, Rule: "shared.key-limit"},
	{name: "shared credits", t: oa, status: 402, ct: ctJSON, body: `{"error":{"message":"Insufficient balance on account"}}`, cause: finding.CreditsExhausted, Rule: "shared.credits"},
	{name: "shared forbidden", t: oa, status: 403, ct: ctJSON, body: `{"error":{"message":"Request flagged by the content filter"}}`, cause: finding.Forbidden, Rule: "shared.forbidden"},
	{name: "shared model", t: an, status: 400, ct: ctJSON, body: `{"error":{"message":"Unknown model: claude-9"}}`, cause: finding.ModelUnavailable, Rule: "shared.model-unavailable", model: "claude-9"},
	{name: "shared wrong endpoint", t: an, status: 404, ct: ctJSON, body: `{"error":{"message":"Unknown route POST /v2/messages"}}`, cause: finding.WrongEndpoint, Rule: "shared.wrong-endpoint"},
}

func classifyCase(tc tcase) classify.Verdict {
	h := http.Header{}
	for k, v := range tc.Hdr {
		h[http.CanonicalHeaderKey(k)] = v
	}
	if tc.ct != "" {
		h.Set("Content-Type", tc.ct)
	}
	return classifyAs(tc.t, classify.Response{Status: tc.status, Header: h, Body: []byte(tc.body)})
}

func TestClassifyReferenceBodies(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := classifyCase(tc)
			if v.Cause != tc.cause {
				t.Errorf("cause = %s, want %s (rule %s, message %q)", v.Cause, tc.cause, v.Rule, v.Message)
			}
			if v.Origin != tc.origin {
				t.Errorf("origin = %s, want %s (rule %s)", v.Origin, tc.origin, v.Rule)
			}
			if tc.Rule != "" && v.Rule != tc.Rule {
				t.Errorf("rule = %s, want %s", v.Rule, tc.Rule)
			}
			if tc.model != "" && v.Model != tc.model {
				t.Errorf("model = %q, want %q", v.Model, tc.model)
			}
			if tc.msg != "" && !strings.Contains(v.Message, tc.msg) {
				t.Errorf("message = %q, want it to contain %q", v.Message, tc.msg)
			}
			checkVerdict(t, v)
			switch {
			case tc.innerNil:
				if v.Inner != nil {
					t.Errorf("Inner = %+v, want nil", *v.Inner)
				}
			case tc.next != "":
				if v.Inner == nil {
					t.Fatalf("Inner = nil, want an answer to classify as %s", tc.next)
				}
				if tc.innerStatus != 0 && v.Inner.Status != tc.innerStatus {
					t.Errorf("Inner.Status = %d, want %d", v.Inner.Status, tc.innerStatus)
				}
				iv := classifyAs(tc.next, *v.Inner)
				if iv.Cause != tc.innerCause {
					t.Errorf("inner cause (as %s) = %s, want %s (rule %s, body %q)", tc.next, iv.Cause, tc.innerCause, iv.Rule, v.Inner.Body)
				}
				checkVerdict(t, iv)
			case v.Origin == classify.Self && v.Inner != nil:
				t.Errorf("Self verdict carries Inner")
			}
		})
	}
}

// checkVerdict asserts the invariants every verdict keeps.
func checkVerdict(t *testing.T, v classify.Verdict) {
	t.Helper()
	if _, ok := finding.Explain(v.Cause); !ok {
		t.Errorf("cause %q is not in the catalog", v.Cause)
	}
	if v.Origin != classify.Self && v.Origin != classify.Relayed && v.Origin != classify.Behind {
		t.Errorf("origin %d unknown", v.Origin)
	}
	if v.Rule == "" {
		t.Errorf("no rule id")
	}
	checkText(t, "message", v.Message)
	checkText(t, "model", v.Model)
}

func checkText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s %q is not valid UTF-8", what, s)
	}
	if n := utf8.RuneCountInString(s); n > classify.MaxMessage {
		t.Errorf("%s has %d runes, more than %d", what, n, classify.MaxMessage)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%s %q contains control character %U", what, s, r)
			break
		}
	}
}

// TestEveryRuleExercised keeps the tables honest: a rule no reference body
// reaches is either dead or untested.
func TestEveryRuleExercised(t *testing.T) {
	hit := map[string]bool{}
	for _, tc := range cases {
		hit[classifyCase(tc).Rule] = true
	}
	for _, id := range RuleIDs() {
		if !hit[id] {
			t.Errorf("rule %s is not exercised by any test case", id)
		}
	}
}

func TestRuleIDsUnique(t *testing.T) {
	for _, sp := range All() {
		for name, tab := range map[string][]classify.Rule{string(sp.Type): sp.Table().Rules, string(sp.Type) + " inner": sp.Table().Inner} {
			seen := map[string]bool{}
			for _, r := range tab {
				if seen[r.ID] {
					t.Errorf("%s table: duplicate rule id %s", name, r.ID)
				}
				seen[r.ID] = true
			}
			if last := tab[len(tab)-1]; last.ID != "generic.other" && last.ID != "reverse-proxy.relayed" {
				t.Errorf("%s table does not end in a catch-all (ends with %s)", name, last.ID)
			}
		}
	}
}

func TestInnerBodies(t *testing.T) {
	t.Run("litellm python repr", func(t *testing.T) {
		v := classifyAs(ll, classify.Response{Status: 401, Body: []byte(llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}", "None", "401"))})
		if v.Inner == nil {
			t.Fatal("no inner")
		}
		want := `{"error":{"message":"No auth credentials found","code":401}}`
		if string(v.Inner.Body) != want {
			t.Errorf("inner body = %s, want %s", v.Inner.Body, want)
		}
		if ct := v.Inner.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("inner content type = %q", ct)
		}
	})
	t.Run("openclaw status prefix", func(t *testing.T) {
		v := classifyAs(oc, classify.Response{Status: 401, Body: []byte(`{"error":{"message":"401 User not found.","type":"authentication_error"}}`)})
		want := `{"error":{"message":"User not found.","code":401}}`
		if v.Inner == nil || string(v.Inner.Body) != want || v.Inner.Status != 401 {
			t.Fatalf("inner = %+v, want 401 %s", v.Inner, want)
		}
	})
	t.Run("litellm raw text when not a dict", func(t *testing.T) {
		v := classifyAs(ll, classify.Response{Status: 502, Body: []byte(llEnv("litellm.BadGatewayError: OpenrouterException - upstream said: bad gateway", "None", "502"))})
		if v.Inner == nil || string(v.Inner.Body) != "upstream said: bad gateway" || v.Inner.Status != 502 {
			t.Fatalf("inner = %+v", v.Inner)
		}
	})
	t.Run("reverse proxy inner is a copy", func(t *testing.T) {
		body := []byte(`{"error":{"message":"User not found.","code":401}}`)
		v := classifyAs(rp, classify.Response{Status: 401, Header: http.Header{"X-A": {"1"}}, Body: body})
		if v.Inner == nil || string(v.Inner.Body) != string(body) || v.Inner.Header.Get("X-A") != "1" {
			t.Fatalf("inner = %+v", v.Inner)
		}
		v.Inner.Body[0] = 'X'
		if body[0] != '{' {
			t.Error("Inner shares the caller's body")
		}
	})
	t.Run("behind inner is raw", func(t *testing.T) {
		v := classifyAs(or, classify.Response{Status: 401, Body: []byte(`{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}","provider_name":"Anthropic"}},"user_id":"user_…"}`)})
		if v.Inner == nil || !strings.HasPrefix(string(v.Inner.Body), `{"type":"error"`) {
			t.Fatalf("inner = %+v", v.Inner)
		}
		if v.Message != "Provider returned error (Anthropic): invalid x-api-key" {
			t.Errorf("message = %q", v.Message)
		}
	})
}

func TestMessage(t *testing.T) {
	long := strings.Repeat("é", 400)
	tests := []struct {
		name string
		t    chain.HopType
		r    classify.Response
		want string
	}{
		{"debug suffix stripped", ll, classify.Response{Status: 400, Body: []byte(llEnv("Invalid model name passed in model=x. Received Model Group=x\nAvailable Model Group Fallbacks=None", "None", "400"))},
			"Invalid model name passed in model=x."},
		{"retries suffix stripped", ll, classify.Response{Status: 429, Body: []byte(llEnv("No deployments available for selected model LiteLLM Retried: 2 times, LiteLLM Max Retries: 3", "None", "429"))},
			"No deployments available for selected model"},
		{"html title", rp, classify.Response{Status: 502, Body: []byte(nginx502)}, "502 Bad Gateway"},
		{"html entities", oa, classify.Response{Status: 404, Body: []byte("<html><head><title>Not &amp; here</title></head></html>")}, "Not & here"},
		{"text first line", cp, classify.Response{Status: 401, Body: []byte("\n\nAPIKEY is missing\nsecond line")}, "APIKEY is missing"},
		{"control chars and ansi removed", oa, classify.Response{Status: 401, Body: []byte("{\"error\":{\"message\":\"bad\\u001b[31m red\\u0007 \\r\\n::error::x \\u202e\"}}")}, "bad red ::error::x"},
		{"truncated", oa, classify.Response{Status: 401, Body: []byte(`{"error":{"message":"` + long + `"}}`)}, strings.Repeat("é", classify.MaxMessage-1) + "…"},
		{"error string with description", oa, classify.Response{Status: 401, Body: []byte(`{"error":"invalid_token","error_description":"The token expired"}`)}, "invalid_token: The token expired"},
		{"fastapi detail object", ll, classify.Response{Status: 400, Body: []byte(`{"detail":{"error":"bad thing"}}`)}, "bad thing"},
		{"errors array", cp, classify.Response{Status: 400, Body: []byte(`{"errors":[{"message":"first"}]}`)}, "first"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := classifyAs(tc.t, tc.r)
			if v.Message != tc.want {
				t.Errorf("message = %q, want %q", v.Message, tc.want)
			}
			checkVerdict(t, v)
		})
	}
}

// TestWordingFamilies: unseen wordings of the same errors, under several
// hop types, land in the same cause.
func TestWordingFamilies(t *testing.T) {
	families := map[finding.Cause][]string{
		finding.HeaderMissing: {"Missing API key", "No API key provided", "API key missing", "Authentication header missing",
			"Missing Authorization header", "You must provide an API key.", "Authorization header required", "No authentication provided",
			"no token provided", "Bearer token is missing", "API key is empty", "No credentials were supplied", "missing authentication header",
			"NO AUTH CREDENTIALS FOUND!", "No cookie auth credentials found. (request id abc)"},
		finding.CredentialRejected: {"Invalid API key provided", "The API key you provided is invalid", "Invalid authentication credentials",
			"Incorrect API key", "API key not valid", "Your token has expired", "Auth failed", "Authentication failed for key ab…12",
			"User not found", "user not found.", "No user found for this key", "Account not found", "Invalid bearer token", "This key has been revoked"},
		finding.CreditsExhausted: {"Insufficient credits", "Not enough credits", "Your credit balance is too low", "Credits exhausted",
			"You are out of credits", "Insufficient balance"},
		finding.KeyLimit:    {"Key limit exceeded", "API key limit reached", "Key spending limit exceeded", "Monthly key limit exceeded (total limit)"},
		finding.RateLimited: {"Rate limit exceeded", "Too many requests", "You are being rate limited", "Request was throttled", "rate-limited upstream"},
	}
	for want, msgs := range families {
		for _, m := range msgs {
			for _, typ := range []chain.HopType{or, oa, an, cp, ll} {
				status := 400 // a status that does not decide on its own
				v := classifyAs(typ, classify.Response{Status: status, Body: []byte(orEnv(m, status))})
				if v.Cause != want {
					t.Errorf("%s %q: cause %s (rule %s), want %s", typ, m, v.Cause, v.Rule, want)
				}
			}
		}
	}
}

// classifyAs classifies r as an answer from a hop of type t.
func classifyAs(t chain.HopType, r classify.Response) classify.Verdict { return For(t).Classify(r) }
