// Package finding defines the one result type every check produces and every
// reporter consumes, plus the stable cause codes.
package finding

import "sort"

// Cause is a stable, documented reason code. Never rename one.
type Cause string

const (
	OK                  Cause = "ok"
	CredentialMissing   Cause = "credential-missing"
	CredentialMalformed Cause = "credential-malformed"
	HeaderMissing       Cause = "header-missing"
	CredentialRejected  Cause = "credential-rejected"
	CreditsExhausted    Cause = "credits-exhausted"
	KeyLimit            Cause = "key-limit"
	Forbidden           Cause = "forbidden"
	RateLimited         Cause = "rate-limited"
	ModelUnavailable    Cause = "model-unavailable"
	WrongEndpoint       Cause = "wrong-endpoint"
	UpstreamError       Cause = "upstream-error"
	Unreachable         Cause = "unreachable"
	Timeout             Cause = "timeout"
	TLSError            Cause = "tls-error"
	RedirectDroppedAuth Cause = "redirect-dropped-auth"
	SecretsUnavailable  Cause = "secrets-unavailable"
	ConfigInvalid       Cause = "config-invalid"
	KeyExpiring         Cause = "key-expiring"
	CreditsLow          Cause = "credits-low"
	SecretInConfig      Cause = "secret-in-config"
	ProxyOpen           Cause = "proxy-open"
	Unknown             Cause = "unknown"
	HostNotAllowed      Cause = "host-not-allowed"
	NotVerified         Cause = "unverified"
)

// Info documents a cause for `hopcheck explain`, the README table and the
// fix sentence of findings that have nothing more specific to say.
type Info struct {
	Code    Cause  `json:"code"`
	Meaning string `json:"meaning"`
	Typical string `json:"typical"`
	Fix     string `json:"fix"`
}

var catalog = map[Cause]Info{
	OK: {OK, "The hop or link works: the request was authenticated and answered.",
		"-", "Nothing to do."},
	CredentialMissing: {CredentialMissing, "The credential a hop needs is not there: the environment variable is unset or empty, or the proxy has no key for its upstream.",
		"Secret not added to the workflow's env; wrong variable name; LiteLLM `os.environ/VAR` with VAR unset where the proxy runs; OpenClaw without a provider key.",
		"Set the variable in the job (env: NAME: ${{ secrets.NAME }}) or in the proxy's runtime environment."},
	CredentialMalformed: {CredentialMalformed, "The credential is present but cannot be right: whitespace or a newline around it, quotes, a `Bearer ` prefix, a placeholder, or a shape that does not fit the provider.",
		"Secret pasted with a trailing newline; CRLF .env file; key for another provider; prefix lost when the key was saved.",
		"Store the bare key (no quotes, no `Bearer `, no whitespace) for the right provider, e.g. `printf %s \"$KEY\" | gh secret set NAME`."},
	HeaderMissing: {HeaderMissing, "The provider answered that no usable credential arrived (OpenRouter `Missing Authentication header` / `No auth credentials found`, OpenAI `Missing bearer …`, Anthropic `x-api-key header is required`, LiteLLM `No api key passed in`).",
		"A hop before it did not attach the key (proxy env var unset), a reverse proxy stripped `Authorization`, a redirect dropped it, or the value is not a key for this provider.",
		"Make the hop before the provider send the key: set its upstream key, pass the `Authorization` header through the reverse proxy, call the final URL directly."},
	CredentialRejected: {CredentialRejected, "A key arrived but the hop does not accept it (OpenRouter `User not found.`, OpenAI `Incorrect API key`, LiteLLM `Invalid proxy server token`).",
		"Deleted, rotated, expired or mistyped key; a client sending a different key than the one you tested.",
		"Create a new key and update the secret; verify it with the provider's key endpoint using the exact value the client sends."},
	CreditsExhausted: {CreditsExhausted, "The account or key has no credits left (HTTP 402 or `limit_remaining` ≤ 0).",
		"Balance spent, never purchased, or max_tokens too high for the remaining balance.",
		"Add credits to the provider account (or raise the key's limit), or lower max_tokens."},
	KeyLimit: {KeyLimit, "The key's own spend cap is reached (OpenRouter 403 `Key limit exceeded`); the account may still have credits.",
		"A per-key limit set at creation, exhausted by CI usage.",
		"Raise or remove the key's spend limit in the provider's key settings, or use another key."},
	Forbidden: {Forbidden, "The hop refused the request although the credential was accepted (403: permissions, guardrail, moderation, model not allowed for this key).",
		"Key not allowed for the model; guardrail or data-policy block.",
		"Allow the model for this key or adjust the guardrail/data-policy settings."},
	RateLimited: {RateLimited, "The hop answered 429: too many requests or a daily quota.",
		"Free-tier daily cap; upstream provider capacity; a proxy budget window.",
		"Wait for the reset or add credits; do not tight-retry in CI."},
	ModelUnavailable: {ModelUnavailable, "The model id is unknown or has no endpoint on this hop.",
		"Missing `vendor/` prefix, retired model, a LiteLLM model_name that is not in model_list.",
		"Use a model id the hop lists (OpenRouter: GET /api/v1/models; LiteLLM: GET /v1/models)."},
	WrongEndpoint: {WrongEndpoint, "The URL does not point at the API: a 404 HTML page, a doubled path, a missing `/api/v1`, or plain http to a remote host.",
		"Base URL with `/chat/completions` appended, `/v1/v1`, missing `/api`, another provider's host.",
		"Use the provider's base URL (e.g. https://openrouter.ai/api/v1 for OpenRouter) and let the client append the endpoint path."},
	UpstreamError: {UpstreamError, "The hop failed for a reason that is not about credentials (5xx, a bad gateway, a malformed answer).",
		"Upstream outage, proxy crash, nginx 502 because its upstream is down.",
		"Check the named hop's logs and health; retry later."},
	Unreachable: {Unreachable, "No HTTP answer: DNS failed, the connection was refused or reset.",
		"Proxy not started yet, wrong host or port, service container not ready.",
		"Start the hop before hopcheck runs (or wait for its health endpoint) and check host and port."},
	Timeout: {Timeout, "The hop did not answer within the timeout; the report names the phase that stalled.",
		"Slow upstream, a proxy waiting on a dead provider, a firewall dropping packets.",
		"Check the hop's health or raise --timeout if it is merely slow."},
	TLSError: {TLSError, "The TLS handshake failed (self-signed or expired certificate, wrong host name).",
		"A proxy with a self-signed certificate; https to a plain-http port.",
		"Use a certificate trusted by the system roots or plain http on loopback."},
	RedirectDroppedAuth: {RedirectDroppedAuth, "The hop redirected to another host; HTTP clients drop `Authorization` on such redirects, so the next host sees no key.",
		"Base URL on `www.` or an old host; http→https on another host; a load balancer redirect.",
		"Configure the final URL (the redirect's Location) as the hop's url."},
	SecretsUnavailable: {SecretsUnavailable, "The run has no access to secrets (a pull request from a fork), so live checks cannot run.",
		"GitHub does not pass secrets to `pull_request` workflows from forks.",
		"Nothing to fix in the PR; the check runs with secrets once merged, or use a maintainer-approved workflow."},
	ConfigInvalid: {ConfigInvalid, "The configuration file cannot be used: syntax error, unknown key, wrong type, missing field.",
		"Typo in a key, a tab in YAML, a value of the wrong type.",
		"Fix the file at the reported line."},
	KeyExpiring: {KeyExpiring, "The key works but expires soon (within 7 days).",
		"A key created with an expiry date.",
		"Rotate the key before it expires."},
	CreditsLow: {CreditsLow, "The key works, but at its recent spending rate its credit runs out within the warning threshold (--credits-warn-days, default 7 days); a limit that resets first is not a warning.",
		"A per-key limit close to spent by CI usage; a jump in usage (a new job, a bigger model); a prepaid balance running down.",
		"Add credits or raise the key's limit before it runs out, or lower what CI spends (a cheaper model, fewer calls)."},
	SecretInConfig: {SecretInConfig, "A literal credential is committed in a configuration file.",
		"A key pasted into config.yaml or openclaw.json instead of an env reference.",
		"Revoke the key, replace it with an environment reference (os.environ/VAR or ${VAR}) and store it as a CI secret."},
	ProxyOpen: {ProxyOpen, "The proxy accepts every request without a key (LiteLLM without master_key).",
		"general_settings.master_key unset, or set to an os.environ/VAR that is empty.",
		"Set a master key for the proxy."},
	HostNotAllowed: {HostNotAllowed, "hopcheck refused to send a credential to a host it may not go to: a provider's key goes only to that provider's official hosts, and a gateway's key only to loopback, private addresses and CI service names, unless the host is allowed from outside the repository.",
		"A self-hosted gateway or proxy in front of a provider on a host of your own; a test fake; a config in a pull request pointing a key at someone else's server.",
		"If the host is yours, allow it outside the repository: `--allow-host HOST` (CLI), the action input `allow-hosts: HOST`, or HOPCHECK_ALLOW_HOSTS=HOST in the job's env."},
	NotVerified: {NotVerified, "hopcheck could not verify the hop: no request of its own could reach it and no canary went through it. It is reported as unverified, never as pass.",
		"A provider that needs signing material hopcheck does not hold (Vertex AI without a token); an auth-only canary that stops at the first hop; a static-only run; a hop whose key the job does not hold, behind a canary that could not be sent.",
		"Make the hop verifiable as the finding says (export its key to the job, use canary: inference, provide the signing credentials), or accept it with --fail-on error (the default), which does not fail on unverified hops."},
	Unknown: {Unknown, "The answer did not match any known signature.",
		"A new error wording, an unexpected proxy in between.",
		"Read the evidence excerpt in the report and the hop's logs."},
}

// Explain returns the documentation of c.
func Explain(c Cause) (Info, bool) {
	i, ok := catalog[c]
	return i, ok
}

// Causes lists all documented cause codes, sorted.
func Causes() []Cause {
	out := make([]Cause, 0, len(catalog))
	for c := range catalog {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Fix returns the generic fix sentence of a cause.
func Fix(c Cause) string { return catalog[c].Fix }
