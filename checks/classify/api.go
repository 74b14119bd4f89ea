// Package classify names the cause of one HTTP answer from one hop, using a
// signature table per hop type built from real provider error bodies. The
// tables are data (see tables.go); Classify only walks them.
package classify

import (
	"net/http"

	"github.com/hopcheck/hopcheck/chain"
	"github.com/hopcheck/hopcheck/finding"
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
	Inner   *Response // set when Origin == Relayed
	Message string    // the provider's own error message, trimmed, single line, ≤ 300 chars
	Rule    string    // id of the matched signature (for tests and debug output)
	// Model is set when the answer names a model problem.
	Model string
}

// Classify names the cause of r, an answer received from (or relayed
// through) a hop of type t. 2xx answers without an error object (JSON or any
// SSE event) classify as finding.OK.
func Classify(t chain.HopType, r Response) Verdict { return classify(t, r) }
