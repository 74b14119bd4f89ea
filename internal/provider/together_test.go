package provider

import "github.com/hopcheck/hopcheck/internal/finding"

// Together's bodies (together.go). Its type "credit_limit" names spent
// credit and rate limits alike: the message decides.
var togetherCases = []tcase{
	{name: "together invalid key", t: Together, status: 401, ct: ctJSON,
		body:  `{ "error": { "message": "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key" } }`,
		cause: finding.CredentialRejected, Rule: "shared.rejected"},
	{name: "together credit limit on 402", t: Together, status: 402, ct: ctJSON,
		body:  `{"id":"o3LiXw4-62bZhn-96040daf687810ab","error":{"message":"Credit limit exceeded. Please navigate to https://api.together.xyz/settings/billing to add credit or upgrade your plan.","type":"credit_limit","param":null,"code":null}}`,
		cause: finding.CreditsExhausted, Rule: "together.credit-limit"},
	// Variant: the same answer relayed with another status.
	{name: "together credit limit relayed as 400", t: Together, status: 400, ct: ctJSON,
		body:  `{"error":{"message":"Credit limit exceeded. Please navigate to https://api.together.xyz/settings/billing to add credit or upgrade your plan.","type":"credit_limit","param":null,"code":null}}`,
		cause: finding.CreditsExhausted, Rule: "together.credit-limit"},
	{name: "together rate limit typed credit_limit", t: Together, status: 429, ct: ctJSON,
		body:  `{"error":{"message":"You have been rate limited. Your rate limit is 60 queries per minute. Please navigate to https://api.together.xyz/settings/billing to upgrade to a paid plan.","type":"credit_limit","param":null,"code":null}}`,
		cause: finding.RateLimited, Rule: "shared.rate-limited"},
}

func init() { cases = append(cases, togetherCases...) }
