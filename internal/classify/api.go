// Package classify names the cause of one HTTP answer from one hop, using a
// signature table per hop type built from real provider error bodies. The
// tables are data (see tables.go); Classify only walks them.
//
// Each hop type walks, first match wins: the 2xx rules (a clean 2xx is ok;
// a 2xx carrying an error object, as JSON or in any SSE event, is classified
// as that error with the status taken from error.code / a leading "401 " /
// Anthropic's error type; malformed JSON on 2xx, or a 2xx event stream
// without a completion event, is upstream-error; an HTML page on 2xx is
// wrong-endpoint), the type's own
// signatures, wording families shared by all providers, then a status
// fallback (401 credential-rejected, 402 credits-exhausted, 403 forbidden,
// 404 wrong-endpoint or model-unavailable when a JSON message names a model,
// 3xx/405 wrong-endpoint, 408/504/524 timeout, 429 rate-limited, 5xx
// upstream-error, other 4xx unknown, an embedded error without a status
// upstream-error). Verdict.Rule names the matched rule; RuleIDs lists them.
//
// How the engine reads a Verdict:
//
//   - Origin Self: the answering hop wrote it; the fault is on the link into
//     that hop or the hop itself.
//   - Origin Relayed, Inner set: the answer came from further along. Cause
//     is a best guess made without knowing the next hop's type; classify
//     Inner with the next hop's type for the real verdict.
//   - Origin Relayed, Inner nil, Cause set: the hop failed on its link out
//     and there is no upstream answer to walk (LiteLLM or OpenClaw had no
//     upstream key: credential-missing; upstream unreachable, timeout,
//     tls-error; LiteLLM router cooldown: upstream-error).
//   - Relayed at the last hop of a chain: nothing further to walk; read it
//     as Behind.
//   - Origin Behind: a provider behind this hop that is not in the chain
//     answered (OpenRouter "Provider returned error" + metadata.raw). Cause
//     is taken from that provider's raw answer, which Inner holds as
//     evidence only: no chain hop maps to it.
package classify

import (
	"net/http"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// Response is an HTTP answer (already scrubbed of secrets).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Origin says who wrote the error.
type Origin int

const (
	// Self: the hop that answered wrote the body itself (e.g. LiteLLM's own
	// "Authentication Error, …"). The fault is on the link into this hop,
	// or the hop itself (credits, rate limit, model).
	Self Origin = iota
	// Relayed: the body came from further along the chain; Inner holds the
	// nested answer to classify with the next hop's table (LiteLLM
	// "<Provider>Exception - Error code: 401 - {…}", OpenClaw "401 User not
	// found.", a reverse proxy passing the upstream answer through).
	Relayed
	// Behind: the error came from a provider behind this hop that is not part
	// of the chain (OpenRouter "Provider returned error" with metadata.raw).
	Behind
)

// Verdict is the classification of one response.
type Verdict struct {
	Cause   finding.Cause
	Origin  Origin
	Inner   *Response // set when Origin == Relayed (nil: fault on the link out), or Behind (the raw answer)
	Message string    // the provider's own error message, trimmed, single line, ≤ 300 chars, no control characters
	Rule    string    // id of the matched signature (for tests and debug output)
	// Model is set when the answer names a model problem.
	Model string
}

// Table is the signature table of one hop type, walked in order (first
// match wins), and the rules used for an answer relayed from further along,
// whose writer is not known yet (Inner: every provider's rules that do not
// nest, then the shared families and the status fallback). The provider
// registry builds one per hop type.
type Table struct {
	Rules []Rule
	Inner []Rule
}

// Classify names the cause of r, an answer received from (or relayed
// through) a hop whose table is t. 2xx answers without an error object
// (JSON or any SSE event) classify as finding.OK.
func Classify(t *Table, r Response) Verdict {
	if t == nil || len(t.Rules) == 0 {
		t = &Table{Rules: Standard(), Inner: Standard()}
	}
	if len(t.Inner) == 0 {
		t = &Table{Rules: t.Rules, Inner: Standard()}
	}
	return run(t, t.Rules, r, 0)
}
