package classify

import (
	"github.com/hopcheck/hopcheck/internal/finding"
)

// The signature tables. Each hop type walks, in order: the 2xx rules, its
// own rules, the shared wording families, the generic status fallback. The
// first matching rule wins, so specific signatures come before families and
// families before bare statuses. The published answers each rule was
// written from are cited next to the provider's rules (internal/provider)
// and kept with their sources in internal/provider/testdata/bodies.
//
// Patterns are case-insensitive and match word families, not exact strings:
// vendors reword their errors (OpenRouter's "no credentials" 401 has had four
// wordings since 2023), and the product is judged on wordings it has not
// seen.

// Message families shared by several tables.
var (
	// "No usable credential arrived": OpenRouter (four wordings), OpenAI,
	// Anthropic, Azure APIM, Gemini, LiteLLM, claude-code-router, generic
	// gateways.
	NoCredsRe = Re(`missing authentication|no auth credentials|no cookie auth credentials|or invalid api[ _-]?key` +
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

	// "A key arrived but is not accepted": OpenRouter `User not found.`,
	// OpenAI/xAI `Incorrect API key provided`, Groq
	// `Invalid API Key`, DeepSeek `Authentication Fails`, Anthropic `invalid
	// x-api-key`, Azure, Gemini, LiteLLM `Invalid proxy server token`.
	RejectedRe = Re(`user not found|(?:user|account) (?:was )?not found|no (?:such )?(?:user|account)\b` +
		`|incorrect api[ _-]?key|wrong api[ _-]?key|unknown api[ _-]?key` +
		`|invalid (?:api|x-api|access|auth(?:entication)?|bearer|secret|subscription|proxy server|virtual)?[ _-]?(?:key|token)\b` +
		`|api[ _-]?key [^.\n]{0,40}?(?:is |was )?(?:not valid|not found|expired|invalid|incorrect|revoked|disabled|unknown|not authori[sz]ed|unauthori[sz]ed)` +
		`|not a valid (?:api[ _-]?)?key|api_key_invalid|invalid_api_key` +
		`|auth(?:entication)? (?:fails|failed|failure)|access denied due to invalid` +
		`|(?:key|token) (?:has been |has |is |was )?(?:revoked|disabled|deactivated|expired|invalidated|blocked|suspended)` +
		`|expired (?:api[ _-]?)?key|invalid (?:\w+ )?credentials|bad credentials|incorrect credentials`)

	// Per-key spend cap: OpenRouter 403 `Key limit exceeded`, and the 402
	// variant pointing at settings/keys.
	KeyLimitRe = Re(`key limit exceeded|key (?:spend(?:ing)? |usage |credit )?limit (?:exceeded|reached)` +
		`|with a higher (?:monthly |daily |weekly )?limit|settings/keys and create a key`)

	// Account credits: OpenRouter 402, Anthropic credit balance, OpenAI
	// insufficient_quota.
	CreditsRe = Re(`insufficient (?:credits?|balance|funds|quota)|not enough (?:credits?|balance|funds)` +
		`|credit balance is too low|requires more credits|can only afford|insufficient_quota|exceeded your current quota` +
		`|out of credits|credits? (?:are |have been |has been )?(?:exhausted|depleted|used up)|payment required` +
		`|negative (?:credit |account )?balance|purchase (?:more )?credits`)

	RateRe = Re(`rate[ _-]?limit|too many requests|throttl|(?:tokens|requests) per (?:min|minute|hour|day|second)` +
		`|quota exceeded|resource_exhausted|resource has been exhausted|concurrency limit`)

	ForbiddenRe = Re(`guardrail|data policy|moderation|flagged|content (?:policy|management policy|filter)` +
		`|safety (?:system|filter)|prompt injection|not allowed to access|does not have permission|permission denied` +
		`|region,? or territory not supported|unsupported_country`)

	ModelRe = Re(`is not a valid model|no endpoints found|invalid model|unknown model|model_not_found|model not found` +
		`|no such model|model_not_available` +
		`|(?:\bmodel|\bengine|\bdeployment)\b[^.\n]{0,120}?(?:does not exist|do not exist|not found|not exist` +
		`|is not (?:a )?valid|is not supported|not supported|is not available|unavailable` +
		`|no longer (?:available|supported)|decommissioned|deprecated)`)

	// "The model exists but does not serve this kind of call": an
	// embeddings call to a chat model or a chat completion to an
	// embedding model. OpenAI 403 `You are not allowed to generate
	// embeddings from this model`, Azure 400 OperationNotSupported `The
	// embeddings operation does not work with the specified model`,
	// OpenRouter 400 `… is an embedding model and cannot be used with the
	// chat/completions endpoint`, Ollama 400 `"…" does not support
	// generate` (and chat, embeddings). The model has no endpoint of that
	// kind on the hop: model-unavailable, not a permission problem.
	ModelKindRe = Re(`not allowed to generate embeddings|operation does not work with the specified model` +
		`|is an embedding model and cannot be used|is not an embedding model|not an embeddings? model` +
		`|(?:does not|doesn't|do not) support (?:embeddings?|embed|chat|generate|generation|completions?|chat completions?)\b`)

	InvalidURLRe = Re(`invalid url|unrecognized request url|unknown (?:url|route|endpoint|path)|no route (?:found|matched)` +
		`|route [^\n]{0,80}not found|cannot (?:post|get|put) /|no such endpoint|endpoint not found`)

	TimeoutRe = Re(`timed? ?out|time-out|deadline exceeded|took too long`)

	// A reverse proxy's own error page (nginx/openresty/Apache/HAProxy/
	// Envoy/Traefik/Caddy defaults).
	ProxyPageRe = Re(`<center>\s*(?:nginx|openresty|tengine)|<address>\s*apache|\bhaproxy\b` +
		`|no server is available to handle this request|upstream connect error|no healthy upstream` +
		`|upstream request timeout|\btraefik\b|\bcaddy\b|\benvoy\b|\bvarnish\b|\bsquid\b|ingress-nginx` +
		`|^\s*404 page not found\s*$|^\s*(?:bad gateway|gateway time-?out|service (?:temporarily )?unavailable)\s*$`)
)

// 2xx answers: fine unless the body carries an error or is broken.
var preRules = []Rule{
	// Truncated or invalid JSON on 2xx.
	{ID: "generic.2xx-malformed-json", Status: Between(200, 299), Embedded: TriNo, Kinds: KindBadJSON, Cause: finding.UpstreamError},
	// An SSE event that is not JSON (a stream cut mid-event).
	{ID: "generic.2xx-malformed-stream", Status: Between(200, 299), Embedded: TriNo, Kinds: KindBadSSE, Cause: finding.UpstreamError},
	// An HTML page with 200 where an API answer was expected: the URL is a
	// website (e.g. https://openrouter.ai/models instead of /api/v1/models).
	{ID: "generic.2xx-html", Status: Between(200, 299), Embedded: TriNo, Kinds: KindHTML, Cause: finding.WrongEndpoint},
	{ID: "generic.2xx", Status: Between(200, 299), Embedded: TriNo, Cause: finding.OK},
}

// Wording families any provider may use, after the type's own rules.
var sharedRules = []Rule{
	{ID: "shared.no-credentials", Msg: NoCredsRe, Cause: finding.HeaderMissing},
	{ID: "shared.key-limit", Msg: KeyLimitRe, Cause: finding.KeyLimit},
	{ID: "shared.credits", Msg: CreditsRe, Cause: finding.CreditsExhausted},
	{ID: "shared.rejected", Msg: RejectedRe, Cause: finding.CredentialRejected},
	{ID: "shared.unauthorized", Status: Is(0, 401), Msg: Re(`^(?:401\s*)?unauthori[sz]ed\b|unauthenticated|not authenticated|authorization required`), Cause: finding.CredentialRejected},
	{ID: "shared.rate-limited", Msg: RateRe, Cause: finding.RateLimited},
	{ID: "shared.model-kind", Status: Statuses{list: []int{0}, lo: 400, hi: 599}, Msg: ModelKindRe, Cause: finding.ModelUnavailable, Model: true},
	{ID: "shared.model-kind-code", Status: Is(0, 400), Fields: []Field{In("error.code", "OperationNotSupported")}, Cause: finding.ModelUnavailable},
	{ID: "shared.forbidden", Status: Is(0, 403, 404), Msg: ForbiddenRe, Cause: finding.Forbidden},
	{ID: "shared.model-unavailable", Status: Is(0, 400, 404, 410, 422), Msg: ModelRe, Cause: finding.ModelUnavailable, Model: true},
	{ID: "shared.wrong-endpoint", Status: Is(0, 400, 404, 405), Msg: InvalidURLRe, Cause: finding.WrongEndpoint},
	{ID: "shared.timeout", Status: Statuses{list: []int{0, 408}, lo: 500, hi: 599}, Msg: TimeoutRe, Cause: finding.Timeout},
}

// The status fallback.
var genericRules = []Rule{
	// An error inside a 2xx body whose status nothing tells: the hop failed
	// after it started answering (OpenRouter's mid-stream errors,
	// https://openrouter.ai/docs/api/reference/errors-and-debugging).
	{ID: "generic.embedded-error", Embedded: TriYes, Status: Is(0), Cause: finding.UpstreamError},
	// An API call answered with a redirect: the URL is not the API's. (The
	// engine reports cross-host redirects as redirect-dropped-auth itself.)
	{ID: "generic.redirect", Status: Between(300, 399), Cause: finding.WrongEndpoint},
	{ID: "generic.401", Status: Is(401), Cause: finding.CredentialRejected},
	{ID: "generic.402", Status: Is(402), Cause: finding.CreditsExhausted},
	{ID: "generic.403", Status: Is(403), Cause: finding.Forbidden},
	{ID: "generic.404-model", Status: Is(404), Kinds: KindJSON | KindSSE, Msg: Re(`\bmodels?\b`), Cause: finding.ModelUnavailable, Model: true},
	{ID: "generic.404", Status: Is(404), Cause: finding.WrongEndpoint},
	{ID: "generic.405", Status: Is(405), Cause: finding.WrongEndpoint},
	{ID: "generic.timeout", Status: Is(408, 504, 524), Cause: finding.Timeout},
	{ID: "generic.429", Status: Is(429), Cause: finding.RateLimited},
	{ID: "generic.5xx", Status: Between(500, 599), Cause: finding.UpstreamError},
	{ID: "generic.4xx", Status: Between(400, 499), Cause: finding.Unknown},
	{ID: "generic.other", Cause: finding.Unknown},
}

// Compose concatenates rule lists.
func Compose(parts ...[]Rule) []Rule {
	var out []Rule
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// WithoutNesting keeps the rules that do not build an inner answer, so a
// table of them never recurses.
func WithoutNesting(parts ...[]Rule) []Rule {
	var out []Rule
	for _, r := range Compose(parts...) {
		if r.Act == ActFixed {
			out = append(out, r)
		}
	}
	return out
}

// Standard builds a hop type's table around its own rules: the 2xx rules,
// own (in order), the wording families and the status fallback.
func Standard(own ...[]Rule) []Rule {
	return Compose(preRules, Compose(own...), sharedRules, genericRules)
}
