package classify

import (
	"sort"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// The signature tables. Each hop type walks, in order: the 2xx rules, its
// own rules, the shared wording families, the generic status fallback. The
// first matching rule wins, so specific signatures come before families and
// families before bare statuses. Section numbers (§) refer to
// shared/reference/auth-signatures.md; "OC §" to openclaw-real-hop.md.
//
// Patterns are case-insensitive and match word families, not exact strings:
// vendors reword their errors (OpenRouter's "no credentials" 401 has had four
// wordings since 2023, §1.2), and the product is judged on wordings it has
// not seen.

// Message families shared by several tables.
var (
	// "No usable credential arrived": OpenRouter §1.2 (four wordings), OpenAI
	// §4.1, Anthropic §4.2, Azure APIM §4.3, Gemini §4.4, LiteLLM §2.1, CCR
	// §4.6, generic gateways.
	noCredsRe = re(`missing authentication|no auth credentials|no cookie auth credentials|or invalid api[ _-]?key` +
		`|missing bearer|(?:didn't|did not|must) provide an? api[ _-]?key` +
		`|no (?:api[ _-]?key|auth(?:entication|orization)?(?: header| credentials?| token)?|credentials?|(?:bearer |access )?token)` +
		` (?:was |were |is |are )?(?:provided|passed|found|supplied|specified|sent|given|present|included)` +
		`|(?:api[ _-]?key|(?:bearer|access|auth) token) (?:is )?(?:missing|required|empty)` +
		`|empty (?:api[ _-]?key|bearer token|token|authorization header)` +
		`|missing (?:an? |the )?(?:api[ _-]?key|subscription key|credentials?|authorization|auth(?:entication)? header|x-api-key|bearer token|access token)` +
		`|x-api-key header is required|unregistered callers` +
		`|(?:authorization|authentication|auth) header (?:is )?(?:missing|required|empty|not (?:found|provided|present|set))` +
		`|no (?:authorization|authentication|auth) header` +
		`|credentials? (?:were |was )?not (?:provided|supplied|found|sent)`)

	// "A key arrived but is not accepted": OpenRouter `User not found.`
	// §1.2, OpenAI/xAI `Incorrect API key provided` §4.1/§4.5, Groq
	// `Invalid API Key`, DeepSeek `Authentication Fails`, Anthropic `invalid
	// x-api-key`, Azure, Gemini, LiteLLM `Invalid proxy server token`.
	rejectedRe = re(`user not found|(?:user|account) (?:was )?not found|no (?:such )?(?:user|account)\b` +
		`|incorrect api[ _-]?key|wrong api[ _-]?key|unknown api[ _-]?key` +
		`|invalid (?:api|x-api|access|auth(?:entication)?|bearer|secret|subscription|proxy server|virtual)?[ _-]?(?:key|token)\b` +
		`|api[ _-]?key [^.\n]{0,40}?(?:is |was )?(?:not valid|not found|expired|invalid|incorrect|revoked|disabled|unknown|not authori[sz]ed|unauthori[sz]ed)` +
		`|not a valid (?:api[ _-]?)?key|api_key_invalid|invalid_api_key` +
		`|auth(?:entication)? (?:fails|failed|failure)|access denied due to invalid` +
		`|(?:key|token) (?:has been |has |is |was )?(?:revoked|disabled|deactivated|expired|invalidated|blocked|suspended)` +
		`|expired (?:api[ _-]?)?key|invalid (?:\w+ )?credentials|bad credentials|incorrect credentials`)

	// Per-key spend cap: OpenRouter 403 `Key limit exceeded` §1.4, and the
	// 402 variant pointing at settings/keys §1.3.
	keyLimitRe = re(`key limit exceeded|key (?:spend(?:ing)? |usage |credit )?limit (?:exceeded|reached)` +
		`|with a higher (?:monthly |daily |weekly )?limit|settings/keys and create a key`)

	// Account credits: OpenRouter 402 §1.3, Anthropic credit balance, OpenAI
	// insufficient_quota.
	creditsRe = re(`insufficient (?:credits?|balance|funds|quota)|not enough (?:credits?|balance|funds)` +
		`|credit balance is too low|requires more credits|can only afford|insufficient_quota|exceeded your current quota` +
		`|out of credits|credits? (?:are |have been |has been )?(?:exhausted|depleted|used up)|payment required` +
		`|negative (?:credit |account )?balance|purchase (?:more )?credits`)

	rateRe = re(`rate[ _-]?limit|too many requests|throttl|(?:tokens|requests) per (?:min|minute|hour|day|second)` +
		`|quota exceeded|resource_exhausted|resource has been exhausted|concurrency limit`)

	forbiddenRe = re(`guardrail|data policy|moderation|flagged|content (?:policy|management policy|filter)` +
		`|safety (?:system|filter)|prompt injection|not allowed to access|does not have permission|permission denied` +
		`|region,? or territory not supported|unsupported_country`)

	modelRe = re(`is not a valid model|no endpoints found|invalid model|unknown model|model_not_found|model not found` +
		`|no such model|model_not_available` +
		`|(?:\bmodel|\bengine|\bdeployment)\b[^.\n]{0,120}?(?:does not exist|do not exist|not found|not exist` +
		`|is not (?:a )?valid|is not supported|not supported|is not available|unavailable` +
		`|no longer (?:available|supported)|decommissioned|deprecated)`)

	invalidURLRe = re(`invalid url|unrecognized request url|unknown (?:url|route|endpoint|path)|no route (?:found|matched)` +
		`|route [^\n]{0,80}not found|cannot (?:post|get|put) /|no such endpoint|endpoint not found`)

	timeoutRe = re(`timed? ?out|time-out|deadline exceeded|took too long`)

	// A reverse proxy's own error page (nginx/openresty/Apache/HAProxy/
	// Envoy/Traefik/Caddy defaults), §4.7.
	proxyPageRe = re(`<center>\s*(?:nginx|openresty|tengine)|<address>\s*apache|\bhaproxy\b` +
		`|no server is available to handle this request|upstream connect error|no healthy upstream` +
		`|upstream request timeout|\btraefik\b|\bcaddy\b|\benvoy\b|\bvarnish\b|\bsquid\b|ingress-nginx` +
		`|^\s*404 page not found\s*$|^\s*(?:bad gateway|gateway time-?out|service (?:temporarily )?unavailable)\s*$`)
)

// 2xx answers: fine unless the body carries an error or is broken.
var preRules = []rule{
	// Truncated or invalid JSON on 2xx (issue 5 §1).
	{ID: "generic.2xx-malformed-json", Status: between(200, 299), Embedded: triNo, Kinds: kindBadJSON, Cause: finding.UpstreamError},
	// An SSE event that is not JSON (a stream cut mid-event).
	{ID: "generic.2xx-malformed-stream", Status: between(200, 299), Embedded: triNo, Kinds: kindBadSSE, Cause: finding.UpstreamError},
	// An HTML page with 200 where an API answer was expected: the URL is a
	// website (e.g. https://openrouter.ai/models instead of /api/v1/models).
	{ID: "generic.2xx-html", Status: between(200, 299), Embedded: triNo, Kinds: kindHTML, Cause: finding.WrongEndpoint},
	{ID: "generic.2xx", Status: between(200, 299), Embedded: triNo, Cause: finding.OK},
}

// OpenRouter, §1 and §7.
var openrouterRules = []rule{
	// §1.2/§1.5: "Provider returned error" + metadata.raw (+ provider_name,
	// user_id): the provider behind OpenRouter answered; cause from raw.
	{ID: "openrouter.provider-error", Fields: []field{has("error.metadata.raw")}, Origin: Behind, Act: actBehindRaw},
	{ID: "openrouter.key-limit", Msg: keyLimitRe, Cause: finding.KeyLimit},
	{ID: "openrouter.credits", Msg: creditsRe, Cause: finding.CreditsExhausted},
	{ID: "openrouter.no-credentials", Msg: noCredsRe, Cause: finding.HeaderMissing},
	{ID: "openrouter.user-not-found", Msg: re(`user not found`), Cause: finding.CredentialRejected},
	// §1.6 "No endpoints available matching your guardrail restrictions and
	// data policy" is a policy block, not a model problem.
	{ID: "openrouter.data-policy", Msg: re(`guardrail|data policy|moderation|flagged`), Cause: finding.Forbidden},
	{ID: "openrouter.invalid-model", Msg: re(`is not a valid model id`), Cause: finding.ModelUnavailable, Model: true},
	{ID: "openrouter.no-endpoints", Msg: re(`no endpoints found`), Cause: finding.ModelUnavailable, Model: true},
}

// LiteLLM relaying an upstream failure, §2.3/§2.5. Also used for
// openai-compatible hops (a LiteLLM declared as such).
var litellmRelayRules = []rule{
	// The proxy had no key for its upstream and failed before sending
	// (`os.environ/VAR` unset, §2.5): a fault on the link out of the proxy.
	{ID: "litellm.upstream-key-unset", Origin: Relayed, Cause: finding.CredentialMissing,
		Msg: re(`api_key client option must be set|openrouter api[ _-]?key is required|missing [a-z]+ api[ _-]?key - a call is being made` +
			`|exception\s+-\s+[^{]*?(?:api[ _-]?key (?:is )?(?:required|missing|not set)|no api[ _-]?key (?:provided|set|found))`)},
	{ID: "litellm.upstream-tls", Origin: Relayed, Cause: finding.TLSError,
		Msg: re(`exception\s+-\s+[^{]*?(?:certificate verify failed|ssl|tls handshake|x509)`)},
	{ID: "litellm.upstream-timeout", Origin: Relayed, Cause: finding.Timeout,
		Msg: re(`litellm\.timeout|exception\s+-\s+[^{]*?(?:timed out|timeout)`)},
	{ID: "litellm.upstream-unreachable", Origin: Relayed, Cause: finding.Unreachable,
		Msg: re(`apiconnectionerror|exception\s+-\s+[^{]*?(?:connection (?:error|refused|reset)|name or service not known` +
			`|temporary failure in name resolution|nodename nor servname|no route to host|cannot connect|failed to establish)`),
		NotMsg: re(`error code:?\s*\d{3}|\{\s*['"]error['"]`)},
	// Router cooldown after upstream failures ("No deployments available",
	// re-coded 429 by the proxy, §2.1).
	{ID: "litellm.no-deployments", Msg: re(`no (?:healthy )?deployments? available`), Origin: Relayed, Cause: finding.UpstreamError},
	// `litellm.AuthenticationError: AuthenticationError: OpenrouterException
	// - Error code: 401 - {'error': {…}}`: the nested body is the upstream's.
	{ID: "litellm.relayed", Msg: re(`\b[a-z][a-z0-9_]*exception\s+-\s+`), NotMsg: re(`^(?:\d{3}:?\s+)?authentication error`),
		Origin: Relayed, Act: actInnerLiteLLM},
	// The same without a provider marker: "litellm.<Class>: <upstream text>".
	// LiteLLM's own failures are ProxyExceptions and never start so.
	{ID: "litellm.relayed-class", Msg: re(`^litellm\.[a-z]+:`), Origin: Relayed, Act: actInnerLiteLLM},
}

// LiteLLM's own answers, §2.1.
var litellmOwnRules = []rule{
	{ID: "litellm.no-key", Msg: re(`no api[ _-]?key passed in|malformed api[ _-]?key`), Cause: finding.HeaderMissing},
	{ID: "litellm.rejected-key", Msg: re(`invalid proxy server token|virtual key expected|expired key|key is blocked` +
		`|not found in db|unable to find token|invalid api[ _-]?key passed`), Cause: finding.CredentialRejected},
	{ID: "litellm.rejected-key-type", Fields: []field{in("error.type", "token_not_found_in_db", "expired_key")}, Cause: finding.CredentialRejected},
	// A budget *window* (budget_duration) answers 429 and resets by itself:
	// rate-limited, as the catalog says ("a proxy budget window"). Any other
	// budget (max_budget of key/user/team, 400 budget_exceeded) does not
	// reset: credits-exhausted.
	{ID: "litellm.budget-window", Status: is(429, 0), Msg: re(`budget`), Cause: finding.RateLimited},
	{ID: "litellm.budget", Msg: re(`exceededbudget|budget has been exceeded|budget exceeded|over (?:\S+ )?budget|max(?:imum)?[ _]budget`), Cause: finding.CreditsExhausted},
	{ID: "litellm.budget-type", Fields: []field{in("error.type", "budget_exceeded")}, Cause: finding.CreditsExhausted},
	{ID: "litellm.model-access", Msg: re(`not allowed to access model|key_model_access_denied|can only access models|not allowed to access this model`),
		Cause: finding.Forbidden, Model: true},
	{ID: "litellm.model-access-type", Fields: []field{in("error.type", "key_model_access_denied", "team_model_access_denied")}, Cause: finding.Forbidden, Model: true},
	{ID: "litellm.admin-only", Msg: re(`only (?:the )?(?:master key|proxy admin)|not allowed to call (?:this )?route|only admin`), Cause: finding.Forbidden},
	{ID: "litellm.invalid-model", Msg: re(`invalid model name passed in|/v1/models to view available models|no model .{0,80}found`),
		Cause: finding.ModelUnavailable, Model: true},
	{ID: "litellm.auth-error", Msg: re(`^(?:\d{3}:?\s+)?authentication error`), Cause: finding.CredentialRejected},
	{ID: "litellm.auth-error-type", Fields: []field{in("error.type", "auth_error")}, Cause: finding.CredentialRejected},
	// Relayed upstream errors carry x-litellm-model-api-base; the auth path
	// does not set it (§0).
	{ID: "litellm.relayed-header", Status: between(400, 599), Headers: []hdr{{Name: "X-Litellm-Model-Api-Base"}}, Origin: Relayed, Act: actInnerSame},
}

// OpenClaw gateway, OC §0, §5.2–5.5 (JSON and HTTP-200 SSE forms).
var openclawRules = []rule{
	// OC §5.3: wrong and missing gateway token answer identically.
	{ID: "openclaw.unauthorized", Fields: []field{in("error.type", "unauthorized")}, Cause: finding.CredentialRejected},
	{ID: "openclaw.unauthorized-text", Status: is(401, 0), Msg: re(`^unauthori[sz]ed\.?$`), Cause: finding.CredentialRejected},
	// OC §5.4: no provider key; OpenClaw sends nothing upstream.
	{ID: "openclaw.missing-provider-auth", Fields: []field{in("error.code", "missing-provider-auth")}, Origin: Relayed, Cause: finding.CredentialMissing},
	{ID: "openclaw.no-provider-key", Msg: re(`no api[ _-]?key found for provider|no (?:api[ _-]?key|credentials?) (?:configured|available) for provider` +
		`|auth readiness could not be confirmed`), Origin: Relayed, Cause: finding.CredentialMissing},
	// OC §5.2: the client model must be an agent target.
	{ID: "openclaw.invalid-model", Msg: re("invalid `?model`?|unknown agent"), Cause: finding.ModelUnavailable, Model: true},
	// OC §5.5: "401 User not found." = OpenRouter's message with its status.
	{ID: "openclaw.relayed-status", Msg: re(`^(?:http\s*)?[1-5]\d\d\b|\bhttp\s+[1-5]\d\d\b`), Origin: Relayed, Act: actInnerStatusPrefix},
	{ID: "openclaw.upstream-timeout", Msg: re(`timed? ?out|timeout`), Origin: Relayed, Cause: finding.Timeout},
	// OC §5: /v1/chat/completions answers 404 unless enabled in config.
	{ID: "openclaw.endpoint-disabled", Status: is(404, 405), Cause: finding.WrongEndpoint},
}

// OpenAI, §4.1.
var openaiRules = []rule{
	// §4.1/§5.6: an OpenRouter key echoed by OpenAI: the base URL was not
	// applied and the request went to the SDK's default host.
	{ID: "openai.key-for-openrouter", Msg: re(`(?:incorrect api[ _-]?key provided|your api[ _-]?key)\s*:?\s*sk-or-`), Cause: finding.WrongEndpoint},
	// §4.1: `https://****` = a URL pasted as the key.
	{ID: "openai.key-is-url", Msg: re(`(?:incorrect api[ _-]?key provided|your api[ _-]?key)\s*:?\s*\**https?:`), Cause: finding.CredentialMalformed},
	// Another provider's key (Anthropic, Groq, Gemini, xAI prefixes).
	{ID: "openai.key-other-provider", Msg: re(`incorrect api[ _-]?key provided\s*:?\s*(?:sk-ant|gsk_|aiza|xai-)`), Cause: finding.CredentialMalformed},
	{ID: "openai.no-key", Msg: re(`missing bearer|(?:didn't|did not) provide an api[ _-]?key`), Cause: finding.HeaderMissing},
	{ID: "openai.invalid-key", Msg: re(`incorrect api[ _-]?key provided`), Cause: finding.CredentialRejected},
	{ID: "openai.invalid-key-code", Fields: []field{in("error.code", "invalid_api_key")}, Cause: finding.CredentialRejected},
	{ID: "openai.invalid-url", Msg: re(`invalid url \(|unrecognized request url`), Cause: finding.WrongEndpoint},
	{ID: "openai.model-not-found", Fields: []field{in("error.code", "model_not_found")}, Cause: finding.ModelUnavailable, Model: true},
	{ID: "openai.insufficient-quota", Fields: []field{in("error.code", "insufficient_quota")}, Cause: finding.CreditsExhausted},
	{ID: "openai.insufficient-quota-type", Fields: []field{in("error.type", "insufficient_quota")}, Cause: finding.CreditsExhausted},
}

// Other OpenAI-compatible vendors, §4.3–4.5.
var vendorRules = []rule{
	{ID: "azure.invalid-key", Msg: re(`access denied due to invalid subscription key`), Cause: finding.CredentialRejected},
	{ID: "azure.missing-key", Msg: re(`access denied due to missing subscription key`), Cause: finding.HeaderMissing},
	{ID: "azure.deployment-not-found", Fields: []field{in("error.code", "DeploymentNotFound")}, Cause: finding.ModelUnavailable},
	{ID: "gemini.unregistered", Msg: re(`unregistered callers`), Cause: finding.HeaderMissing},
	{ID: "gemini.invalid-key", Msg: re(`api[ _-]?key not valid|api[ _-]?key not found|api[ _-]?key expired|api_key_invalid`), Cause: finding.CredentialRejected},
	// The reason sits in error.details[], whatever the message says.
	{ID: "gemini.reason-key-invalid", Body: re(`"reason"\s*:\s*"API_KEY_INVALID"`), Cause: finding.CredentialRejected},
	// §4.5: DeepSeek echoes the key's tail; `****_KEY` is a variable name,
	// `****json` a file path: the value sent is not a key.
	{ID: "deepseek.key-not-a-key", Msg: re(`your api[ _-]?key:?\s*\*+(?:[a-z_]*_key\b|\S*?(?:json|ya?ml|txt|env)\b)`), Cause: finding.CredentialMalformed},
	{ID: "deepseek.invalid-key", Msg: re(`authentication fails`), Cause: finding.CredentialRejected},
}

// Anthropic, §4.2.
var anthropicRules = []rule{
	{ID: "anthropic.no-key", Msg: re(`x-api-key header is required|missing x-api-key`), Cause: finding.HeaderMissing},
	{ID: "anthropic.credits", Msg: re(`credit balance is too low`), Cause: finding.CreditsExhausted},
	{ID: "anthropic.invalid-key", Msg: re(`invalid x-api-key|invalid bearer token`), Cause: finding.CredentialRejected},
	{ID: "anthropic.auth", Fields: []field{in("type", "error"), in("error.type", "authentication_error")}, Cause: finding.CredentialRejected},
	{ID: "anthropic.permission", Fields: []field{in("error.type", "permission_error")}, Cause: finding.Forbidden},
	{ID: "anthropic.model-not-found", Fields: []field{in("error.type", "not_found_error")}, Msg: re(`\bmodel\b`), Cause: finding.ModelUnavailable, Model: true},
	{ID: "anthropic.overloaded", Fields: []field{in("error.type", "overloaded_error")}, Cause: finding.UpstreamError},
	{ID: "anthropic.rate-limit", Fields: []field{in("error.type", "rate_limit_error")}, Cause: finding.RateLimited},
}

// claude-code-router, §4.6 and OC §8.
var ccrRules = []rule{
	{ID: "ccr.apikey-missing", Kinds: kindText, Msg: re(`^apikey is missing`), Cause: finding.HeaderMissing},
	{ID: "ccr.invalid-key", Kinds: kindText, Msg: re(`^invalid api[ _-]?key\.?$`), Cause: finding.CredentialRejected},
	{ID: "ccr.provider-error", Msg: re(`^error from provider`), Origin: Relayed, Act: actInnerCCR},
	// OC §8: an empty provider api_key drops the provider; nothing is sent.
	{ID: "ccr.provider-not-found", Msg: re(`^provider '[^']*' not found`), Origin: Relayed, Cause: finding.CredentialMissing},
	{ID: "ccr.cors", Msg: re(`cors not allowed`), Cause: finding.Forbidden},
}

// Wording families any provider may use (§7), after the type's own rules.
var sharedRules = []rule{
	{ID: "shared.no-credentials", Msg: noCredsRe, Cause: finding.HeaderMissing},
	{ID: "shared.key-limit", Msg: keyLimitRe, Cause: finding.KeyLimit},
	{ID: "shared.credits", Msg: creditsRe, Cause: finding.CreditsExhausted},
	{ID: "shared.rejected", Msg: rejectedRe, Cause: finding.CredentialRejected},
	{ID: "shared.unauthorized", Status: is(0, 401), Msg: re(`^(?:401\s*)?unauthori[sz]ed\b|unauthenticated|not authenticated|authorization required`), Cause: finding.CredentialRejected},
	{ID: "shared.rate-limited", Msg: rateRe, Cause: finding.RateLimited},
	{ID: "shared.forbidden", Status: is(0, 403, 404), Msg: forbiddenRe, Cause: finding.Forbidden},
	{ID: "shared.model-unavailable", Status: is(0, 400, 404, 410, 422), Msg: modelRe, Cause: finding.ModelUnavailable, Model: true},
	{ID: "shared.wrong-endpoint", Status: is(0, 400, 404, 405), Msg: invalidURLRe, Cause: finding.WrongEndpoint},
	{ID: "shared.timeout", Status: statuses{list: []int{0, 408}, lo: 500, hi: 599}, Msg: timeoutRe, Cause: finding.Timeout},
}

// The status fallback.
var genericRules = []rule{
	// An error inside a 2xx body whose status nothing tells: the hop failed
	// after it started answering (OpenRouter mid-stream errors, §1.1).
	{ID: "generic.embedded-error", Embedded: triYes, Status: is(0), Cause: finding.UpstreamError},
	// An API call answered with a redirect: the URL is not the API's. (The
	// engine reports cross-host redirects as redirect-dropped-auth itself.)
	{ID: "generic.redirect", Status: between(300, 399), Cause: finding.WrongEndpoint},
	{ID: "generic.401", Status: is(401), Cause: finding.CredentialRejected},
	{ID: "generic.402", Status: is(402), Cause: finding.CreditsExhausted},
	{ID: "generic.403", Status: is(403), Cause: finding.Forbidden},
	{ID: "generic.404-model", Status: is(404), Kinds: kindJSON | kindSSE, Msg: re(`\bmodels?\b`), Cause: finding.ModelUnavailable, Model: true},
	{ID: "generic.404", Status: is(404), Cause: finding.WrongEndpoint},
	{ID: "generic.405", Status: is(405), Cause: finding.WrongEndpoint},
	{ID: "generic.timeout", Status: is(408, 504, 524), Cause: finding.Timeout},
	{ID: "generic.429", Status: is(429), Cause: finding.RateLimited},
	{ID: "generic.5xx", Status: between(500, 599), Cause: finding.UpstreamError},
	{ID: "generic.4xx", Status: between(400, 499), Cause: finding.Unknown},
	{ID: "generic.other", Cause: finding.Unknown},
}

// A reverse proxy is transparent: only its own error pages are Self;
// everything else is the next hop's answer passed through.
var reverseProxyRules = []rule{
	// nginx auth_basic: 401 + WWW-Authenticate: Basic. The proxy wants a
	// credential of its own that the request did not carry (or carried
	// wrong); both answer the same, so credential-rejected.
	{ID: "reverse-proxy.basic-auth", Status: is(401), Headers: []hdr{{Name: "WWW-Authenticate", Re: re(`^\s*basic\b`)}}, Cause: finding.CredentialRejected},
	{ID: "reverse-proxy.auth-required-page", Status: is(401), Kinds: kindHTML | kindText | kindEmpty, Msg: re(`authorization required`), Cause: finding.CredentialRejected},
	// A CDN page of the upstream's edge (e.g. Cloudflare in front of
	// openrouter.ai) passed through: not this proxy's.
	{ID: "reverse-proxy.cdn-page", Kinds: kindHTML | kindText, Body: re(`cloudflare|cloudfront|akamai|fastly`), Origin: Relayed, Act: actInnerSame},
	{ID: "reverse-proxy.server-page", Kinds: kindHTML | kindText | kindEmpty, Body: proxyPageRe, Act: actSelfByTable},
	// Kong marks the answers it generates itself.
	{ID: "reverse-proxy.kong", Headers: []hdr{{Name: "X-Kong-Response-Latency"}}, Act: actSelfByTable},
	// A non-JSON bad gateway / unavailable / gateway timeout: an LLM API
	// answers JSON, so a bare page is the proxy's own.
	{ID: "reverse-proxy.gateway-status", Status: is(502, 503, 504), Kinds: kindHTML | kindText | kindEmpty, Act: actSelfByTable},
	{ID: "reverse-proxy.relayed", Origin: Relayed, Act: actInnerSame},
}

func compose(parts ...[]rule) []rule {
	var out []rule
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// withoutNesting drops the rules that build an inner answer, so the
// provider table never recurses.
func withoutNesting(parts ...[]rule) []rule {
	var out []rule
	for _, r := range compose(parts...) {
		if r.Act == actFixed {
			out = append(out, r)
		}
	}
	return out
}

var (
	// openaiCompatibleRules serve any OpenAI-shaped hop whose vendor is not
	// known: CCR, a LiteLLM or OpenRouter declared as openai-compatible,
	// Azure, Gemini, Groq, DeepSeek, xAI, vLLM, Ollama.
	openaiCompatibleRules = compose(preRules, ccrRules, litellmRelayRules, openaiRules, vendorRules,
		openrouterRules, anthropicRules, sharedRules, genericRules)

	tables = map[chain.HopType][]rule{
		chain.TypeOpenRouter:       compose(preRules, openrouterRules, sharedRules, genericRules),
		chain.TypeLiteLLM:          compose(preRules, litellmRelayRules, litellmOwnRules, sharedRules, genericRules),
		chain.TypeOpenClaw:         compose(preRules, openclawRules, sharedRules, genericRules),
		chain.TypeOpenAI:           compose(preRules, openaiRules, vendorRules, sharedRules, genericRules),
		chain.TypeAnthropic:        compose(preRules, anthropicRules, sharedRules, genericRules),
		chain.TypeOpenAICompatible: openaiCompatibleRules,
		chain.TypeReverseProxy:     reverseProxyRules,
	}

	// providerTable classifies an answer whose hop type is not known: the
	// inner answer of a relay (before the engine re-classifies it with the
	// next hop's type), the raw answer of a provider behind OpenRouter, a
	// reverse proxy's own page. It never builds inner answers.
	providerTable = compose(preRules, withoutNesting(anthropicRules, openaiRules, vendorRules, openrouterRules),
		sharedRules, genericRules)
)

func tableFor(t chain.HopType) []rule {
	if tab, ok := tables[t]; ok {
		return tab
	}
	return openaiCompatibleRules
}

// RuleIDs lists the id of every signature rule (Verdict.Rule values),
// sorted; for documentation and tests.
func RuleIDs() []string {
	seen := map[string]bool{}
	for _, tab := range [][]rule{openaiCompatibleRules, reverseProxyRules, litellmOwnRules, openclawRules, providerTable} {
		for _, r := range tab {
			seen[r.ID] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
