package classify

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// bodyScan bounds how much of a body the Body patterns see.
const bodyScan = 8 << 10

// facts is what the rules look at: one response, analysed once.
type facts struct {
	resp Response
	// status is the effective status: the HTTP status, or for an error
	// embedded in a 2xx body the status derived from the error (error.code,
	// a leading "401 " in the message, an Anthropic error type), 0 if none.
	status   int
	kind     Kind
	text     string         // body as valid UTF-8, at most bodyScan bytes
	root     map[string]any // the JSON object carrying the error (or the body object)
	hasError bool           // root carries an error (error / type:"error" / object:"error")
	embedded bool           // an error inside a 2xx body
	full     string         // the error message, router debug suffix stripped
	msg      string         // full, at most matchCap bytes: what patterns scan
	// completion: an SSE event (or a JSON body) is a completion: an OpenAI
	// chat.completion(.chunk) with choices, an Anthropic message_start,
	// content_block_delta or message_delta.
	completion bool
}

// String names the origin ("self", "relayed", "behind").
func (o Origin) String() string {
	switch o {
	case Self:
		return "self"
	case Relayed:
		return "relayed"
	case Behind:
		return "behind"
	}
	return "origin(" + strconv.Itoa(int(o)) + ")"
}

// maxDepth bounds nested classification (a relayed answer inside a relayed
// answer); the tables used for inner answers never nest further, this is a
// guard only.
const maxDepth = 3

func run(t *Table, rules []Rule, r Response, depth int) Verdict {
	f := analyze(r)
	for i := range rules {
		if rules[i].match(f) {
			return rules[i].verdict(t, f, depth)
		}
	}
	// Not reached: the generic table ends with a catch-all.
	return Verdict{Cause: finding.Unknown, Origin: Self, Rule: "generic.none", Message: clean(f.full)}
}

func (r *Rule) verdict(t *Table, f *facts, depth int) Verdict {
	v := Verdict{Cause: r.Cause, Origin: r.Origin, Rule: r.ID, Message: clean(f.full)}
	if r.Model {
		v.Model = findModel(f.msg)
	}
	if depth >= maxDepth && r.Act != ActFixed {
		if v.Cause == "" {
			v.Cause = finding.Unknown
		}
		return v
	}
	var inner *Response
	switch r.Act {
	case ActSelfByTable:
		n := run(t, t.Inner, f.resp, depth+1)
		v.Cause, v.Origin = n.Cause, Self
		if v.Model == "" {
			v.Model = n.Model
		}
		return v
	case ActInnerSame:
		c := f.resp
		c.Body = bytes.Clone(f.resp.Body)
		c.Header = f.resp.Header.Clone()
		inner = &c
	case ActInnerPyRepr:
		inner = litellmInner(f)
	case ActInnerStatusPrefix:
		inner = statusPrefixInner(f)
	case ActInnerProviderError:
		inner = ccrInner(f)
	case ActBehindRaw:
		inner = behindInner(f)
	}
	if inner == nil {
		if v.Cause == "" {
			v.Cause = finding.Unknown
		}
		return v
	}
	v.Inner = inner
	// The cause of a relayed answer is the inner answer's, as far as the
	// provider table can tell without knowing the next hop's type; the
	// engine re-classifies Inner with the next hop's table.
	n := run(t, t.Inner, *inner, depth+1)
	if v.Cause == "" {
		v.Cause = n.Cause
	}
	if v.Model == "" {
		v.Model = n.Model
	}
	if r.Act == ActBehindRaw {
		prov := scalarString(mustLookup(f.root, "error.metadata.provider_name"))
		if prov == "" {
			prov = "upstream"
		}
		v.Message = clean(f.full + " (" + prov + "): " + n.Message)
	}
	return v
}

func mustLookup(root map[string]any, path string) any {
	v, _ := lookup(root, path)
	return v
}

// analyze parses r once for all rules.
func analyze(r Response) *facts {
	f := &facts{resp: r, status: r.Status}
	body := bytes.TrimSpace(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))
	scan := body
	if len(scan) > bodyScan {
		scan = scan[:bodyScan]
	}
	f.text = strings.ToValidUTF8(string(scan), "\uFFFD")
	ct := ""
	if r.Header != nil {
		ct, _, _ = mime.ParseMediaType(r.Header.Get("Content-Type"))
		ct = strings.ToLower(ct)
	}
	switch {
	case len(body) == 0:
		f.kind = KindEmpty
	case body[0] == '{' || body[0] == '[':
		parseJSON(f, body)
	case ct == "text/event-stream" || looksSSE(body):
		parseSSE(f, body)
	case body[0] == '<' || ct == "text/html" || ct == "application/xhtml+xml":
		f.kind = KindHTML
		f.msg = htmlMessage(f.text)
	case strings.Contains(ct, "json"):
		parseJSON(f, body)
	default:
		f.kind = KindText
		f.msg = firstLine(f.text)
		if strings.Contains(f.text, "Exception - ") || strings.Contains(f.text, "Error from provider") {
			// Relayed error text spans lines; keep all of it for the rules.
			f.msg = strings.ToValidUTF8(string(body), "\uFFFD")
		}
	}
	// A 2xx event stream proves nothing until it carries a completion
	// event: a gateway that answers 200 and then garbage, keep-alive
	// comments, a lone [DONE] or JSON of another shape has not relayed a
	// completion, so it is malformed (upstream-error), never a pass.
	stream := ct == "text/event-stream" || f.kind == KindSSE
	if stream && r.Status >= 200 && r.Status <= 299 && !f.hasError && !f.completion && f.kind != KindBadJSON && f.kind != KindHTML {
		f.kind = KindBadSSE
		f.msg = "the 200 event stream carried no completion event (no chat.completion.chunk with choices, no message_start or content_block_delta)"
	}
	f.full = stripDebug(strings.TrimSpace(f.msg))
	f.msg = capBytes(f.full, matchCap)
	if f.hasError && r.Status >= 200 && r.Status <= 299 {
		f.embedded = true
		f.status = embeddedStatus(f)
	}
	return f
}

// parseJSON fills f from a JSON body (an object, or an array whose first
// object with an error wins).
func parseJSON(f *facts, body []byte) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		f.kind = KindBadJSON
		f.msg = firstLine(f.text)
		return
	}
	f.kind = KindJSON
	switch x := v.(type) {
	case map[string]any:
		f.root = x
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				if f.root == nil {
					f.root = m
				}
				if isError(m) {
					f.root = m
					break
				}
			}
		}
	case string:
		f.msg = x
	}
	if f.root != nil {
		f.hasError = isError(f.root)
		f.msg = jsonMessage(f.root)
		f.completion = isCompletion(f.root)
	}
}

// isCompletion reports whether a JSON object (a whole body or one SSE
// event) is a completion answer: an OpenAI chat.completion or
// chat.completion.chunk with at least one choice (servers that omit
// "object" count when a choice carries a delta or message), an Anthropic
// message, message_start, content_block_delta or message_delta.
func isCompletion(m map[string]any) bool {
	choices, _ := m["choices"].([]any)
	switch m["object"] {
	case "chat.completion", "chat.completion.chunk":
		return len(choices) > 0
	case nil:
		if len(choices) > 0 {
			c, _ := choices[0].(map[string]any)
			_, delta := c["delta"].(map[string]any)
			_, msg := c["message"].(map[string]any)
			if delta || msg {
				return true
			}
		}
	}
	switch m["type"] {
	case "message":
		_, ok := m["content"].([]any)
		return ok
	case "message_start":
		_, ok := m["message"].(map[string]any)
		return ok
	case "content_block_delta", "message_delta":
		_, ok := m["delta"].(map[string]any)
		return ok
	}
	return false
}

// isError reports whether a JSON object is an error answer.
func isError(m map[string]any) bool {
	switch e := m["error"].(type) {
	case map[string]any:
		return len(e) > 0
	case string:
		return strings.TrimSpace(e) != ""
	case bool:
		return e
	case []any:
		return len(e) > 0
	}
	t, _ := m["type"].(string)
	o, _ := m["object"].(string)
	return t == "error" || o == "error" || baseRespError(m)
}

// baseRespError reports whether m carries MiniMax's native error object,
// {"base_resp":{"status_code":N,"status_msg":"…"}} with N other than 0,
// which MiniMax also sends inside an HTTP 200
// (https://platform.minimax.io/docs/api-reference/errorcode).
func baseRespError(m map[string]any) bool {
	br, ok := m["base_resp"].(map[string]any)
	if !ok {
		return false
	}
	switch c := br["status_code"].(type) {
	case float64:
		return c != 0
	case string:
		return strings.TrimSpace(c) != "" && strings.TrimSpace(c) != "0"
	}
	return false
}

// jsonMessage extracts the human message of a JSON error object.
func jsonMessage(root map[string]any) string {
	pick := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			switch x := m[k].(type) {
			case string:
				if strings.TrimSpace(x) != "" {
					return x
				}
			case map[string]any:
				if s := pickNested(x); s != "" {
					return s
				}
			}
		}
		return ""
	}
	switch e := root["error"].(type) {
	case map[string]any:
		if s := pick(e, "message", "msg", "error", "detail", "error_description", "status"); s != "" {
			return s
		}
		if c := scalarString(e["code"]); c != "" {
			return c
		}
	case string:
		if d, _ := root["error_description"].(string); d != "" {
			return e + ": " + d
		}
		if m, _ := root["message"].(string); m != "" {
			return m
		}
		return e
	case []any:
		for _, x := range e {
			if m, ok := x.(map[string]any); ok {
				if s := pick(m, "message", "msg", "detail"); s != "" {
					return s
				}
			}
		}
	}
	// "Message": AWS services (Bedrock, API Gateway) capitalise it.
	if s := pick(root, "message", "Message", "detail", "msg", "title", "error_description", "statusMessage"); s != "" {
		return s
	}
	if baseRespError(root) {
		if s, _ := root["base_resp"].(map[string]any)["status_msg"].(string); strings.TrimSpace(s) != "" {
			return s
		}
	}
	if errs, ok := root["errors"].([]any); ok {
		for _, x := range errs {
			switch m := x.(type) {
			case map[string]any:
				if s := pick(m, "message", "msg", "detail"); s != "" {
					return s
				}
			case string:
				return m
			}
		}
	}
	return ""
}

// pickNested reads a message out of a nested object such as FastAPI's
// {"detail": {"error": "…"}}.
func pickNested(m map[string]any) string {
	for _, k := range []string{"message", "error", "msg", "detail"} {
		switch x := m[k].(type) {
		case string:
			if x != "" {
				return x
			}
		case map[string]any:
			if s, _ := x["message"].(string); s != "" {
				return s
			}
		}
	}
	return ""
}

// looksSSE reports whether body is a server-sent event stream.
func looksSSE(body []byte) bool {
	for _, line := range bytes.SplitN(body, []byte("\n"), 64) {
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, []byte("data:")) {
			return true
		}
		if len(line) > 0 && line[0] != ':' && !bytes.HasPrefix(line, []byte("event:")) &&
			!bytes.HasPrefix(line, []byte("id:")) && !bytes.HasPrefix(line, []byte("retry:")) {
			return false
		}
	}
	return false
}

// parseSSE reads every event of a stream. The first event carrying an
// error becomes the error object; an event whose data is not JSON (and not
// [DONE]) marks the stream malformed.
func parseSSE(f *facts, body []byte) {
	var events []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			events = append(events, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSuffix(line, "\r")
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "data:"):
			d := strings.TrimPrefix(line, "data:")
			cur = append(cur, strings.TrimPrefix(d, " "))
		}
	}
	flush()
	if len(events) == 0 {
		f.kind = KindText
		f.msg = firstLine(f.text)
		return
	}
	f.kind = KindSSE
	bad := false
	for _, d := range events {
		d = strings.TrimSpace(d)
		if d == "" || d == "[DONE]" {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(d), &v); err != nil {
			bad = true
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if isError(m) {
			f.root = m
			f.hasError = true
			f.msg = jsonMessage(m)
			return
		}
		if isCompletion(m) {
			f.completion = true
		}
	}
	if bad {
		f.kind = KindBadSSE
	}
}

var (
	leadingStatusRe = Lazy(`(?i)^(?:HTTP\s*)?([1-5]\d\d)\b`)
	// anthropicTypeStatus maps Anthropic's error types to their statuses,
	// for error events inside a 200 stream.
	anthropicTypeStatus = map[string]int{
		"invalid_request_error": 400, "authentication_error": 401, "permission_error": 403,
		"not_found_error": 404, "request_too_large": 413, "rate_limit_error": 429,
		"api_error": 500, "overloaded_error": 529,
	}
)

// embeddedStatus derives the status of an error found in a 2xx body:
// error.code (an integer or a numeric string), error.status, a leading
// "401 " in the message, Anthropic's error.type (for type:"error" events);
// 0 when nothing tells. Only error statuses (4xx/5xx) count.
func embeddedStatus(f *facts) int {
	for _, p := range []string{"error.code", "error.status", "code", "status"} {
		if v, ok := lookup(f.root, p); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(scalarString(v))); err == nil && n >= 400 && n <= 599 {
				return n
			}
		}
	}
	if m := leadingStatusRe.FindStringSubmatch(strings.TrimSpace(f.msg)); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 400 {
			return n
		}
	}
	if t, _ := f.root["type"].(string); t == "error" {
		if et, _ := mustLookup(f.root, "error.type").(string); et != "" {
			return anthropicTypeStatus[et]
		}
	}
	return 0
}

// --- inner answers -------------------------------------------------------

var (
	// litellmMarkerRe finds LiteLLM's "<Provider>Exception - " marker; the
	// text after it is the upstream answer.
	litellmMarkerRe = Lazy(`\b([A-Za-z][A-Za-z0-9_]*)Exception\s+-\s+`)
	litellmCodeRe   = Lazy(`(?i)^Error code:?\s*([1-5]\d\d)\s*-?\s*`)
	litellmClassRe  = Lazy(`(?i)\blitellm\.([A-Za-z]+)\b`)
	litellmPrefixRe = Lazy(`(?i)^litellm\.[a-z]+:\s*(?:[a-z]+(?: error)?:\s+)?`)
	// litellmClassStatus maps LiteLLM's exception classes (OpenAI SDK
	// names) to the status they carry.
	litellmClassStatus = map[string]int{
		"authenticationerror": 401, "permissiondeniederror": 403, "notfounderror": 404,
		"ratelimiterror": 429, "badrequesterror": 400, "contextwindowexceedederror": 400,
		"contentpolicyviolationerror": 400, "unprocessableentityerror": 422, "timeout": 408,
		"serviceunavailableerror": 503, "internalservererror": 500, "apierror": 500,
		"budgetexceedederror": 400, "apiconnectionerror": 500,
	}
)

// litellmInner parses the upstream answer out of a LiteLLM message such as
// `litellm.AuthenticationError: AuthenticationError: OpenrouterException -
// Error code: 401 - {'error': {'message': 'No auth credentials found',
// 'code': 401}}`. Status: the "Error code: N", else the nested body's
// integer error.code, else the response's (error) status, else the status
// of the exception class. Body: the nested dict as JSON, else the raw text.
func litellmInner(f *facts) *Response {
	loc := litellmMarkerRe.FindStringIndex(f.msg)
	if loc == nil {
		// No provider marker: "litellm.<Class>: <Class>: <upstream text>".
		if loc = litellmPrefixRe.FindStringIndex(f.msg); loc == nil {
			return nil
		}
	}
	rest := strings.TrimSpace(f.full[loc[1]:])
	status := 0
	if m := litellmCodeRe.FindStringSubmatch(rest); m != nil {
		status, _ = strconv.Atoi(m[1])
		rest = strings.TrimSpace(rest[len(m[0]):])
	}
	body := nestedBody(rest)
	if status == 0 {
		var nb struct {
			Error struct {
				Code any `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal(body, &nb) == nil {
			if n, ok := nb.Error.Code.(float64); ok && n >= 100 && n <= 599 && n == float64(int(n)) {
				status = int(n)
			}
		}
	}
	if status == 0 && f.status >= 400 {
		status = f.status
	}
	if status == 0 {
		if m := litellmClassRe.FindStringSubmatch(f.msg); m != nil {
			status = litellmClassStatus[strings.ToLower(m[1])]
		}
	}
	if status == 0 {
		status = 500
	}
	return &Response{Status: status, Header: jsonHeader(body), Body: body}
}

// nestedBody returns the JSON form of the dict (Python repr or JSON) that
// starts s, or s itself as text when it does not start with one.
func nestedBody(s string) []byte {
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		if out, _, err := pyToJSON(s); err == nil && json.Valid(out) {
			return out
		}
	}
	return []byte(s)
}

func jsonHeader(body []byte) http.Header {
	if json.Valid(body) {
		return http.Header{"Content-Type": {"application/json"}}
	}
	return http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
}

var (
	statusPrefixRe = Lazy(`(?is)^(?:HTTP\s*)?([1-5]\d\d)\b\s*:?\s*(.*)$`)
	httpStatusRe   = Lazy(`(?is)\bHTTP\s+([1-5]\d\d)\b\s*:?\s*(.*)$`)
)

// statusPrefixInner rebuilds the upstream answer from an "NNN message"
// error message (OpenClaw passes OpenRouter's error.message through,
// prefixed with its status: "401 User not found."). The body is the
// upstream JSON when the rest is JSON, else {"error":{"message":…,"code":N}}.
func statusPrefixInner(f *facts) *Response {
	msg := f.full
	probe := capBytes(msg, matchCap)
	m := statusPrefixRe.FindStringSubmatchIndex(probe)
	if m == nil {
		m = httpStatusRe.FindStringSubmatchIndex(probe)
	}
	if m == nil {
		return nil
	}
	status, _ := strconv.Atoi(probe[m[2]:m[3]])
	rest := strings.TrimSpace(msg[m[4]:])
	if rest == "" || !unicode.IsLetter([]rune(rest)[0]) && rest[0] != '{' && rest[0] != '[' {
		// "…(authentication failed, HTTP 401). Re-authenticate…": keep the
		// whole message.
		rest = msg
	}
	if b := nestedBody(rest); json.Valid(b) {
		return &Response{Status: status, Header: jsonHeader(b), Body: b}
	}
	return &Response{Status: status, Header: jsonHeader([]byte("{}")), Body: errorEnvelope(rest, status)}
}

func errorEnvelope(msg string, code int) []byte {
	type inner struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	}
	b, _ := json.Marshal(struct {
		Error inner `json:"error"`
	}{inner{msg, code}})
	return b
}

var ccrRe = Lazy(`(?is)^error from provider\s*(?:\(([^)]*)\))?\s*:\s*(.*)$`)
var ccrStatusRe = Lazy(`:\s*([1-5]\d\d)\s*$`)

// ccrInner parses claude-code-router's relayed upstream failure:
// `Error from provider(openrouter,fake/echo-1: 401): {"error": {…}}Error: …`.
func ccrInner(f *facts) *Response {
	m := ccrRe.FindStringSubmatchIndex(f.msg)
	if m == nil {
		return nil
	}
	status := f.status
	if m[2] >= 0 {
		if s := ccrStatusRe.FindStringSubmatch(f.msg[m[2]:m[3]]); s != nil {
			status, _ = strconv.Atoi(s[1])
		}
	}
	if status == 0 {
		status = 502
	}
	rest := strings.TrimSpace(f.full[m[4]:])
	if i := strings.Index(rest, "\n    at "); i >= 0 && !strings.HasPrefix(rest, "{") {
		rest = rest[:i]
	}
	body := nestedBody(rest)
	return &Response{Status: status, Header: jsonHeader(body), Body: body}
}

// behindInner returns the answer of the provider behind OpenRouter, from
// error.metadata.raw (a string, usually that provider's JSON body).
func behindInner(f *facts) *Response {
	raw, ok := lookup(f.root, "error.metadata.raw")
	if !ok || raw == nil {
		return nil
	}
	var body []byte
	switch x := raw.(type) {
	case string:
		body = []byte(x)
	default:
		body, _ = json.Marshal(x)
	}
	status := f.status
	if n, ok := mustLookup(f.root, "error.code").(float64); ok && n >= 100 && n <= 599 {
		status = int(n)
	}
	if status < 400 {
		status = 502
	}
	return &Response{Status: status, Header: jsonHeader(body), Body: body}
}
