package classify

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// This file defines the vocabulary of the signature tables: a rule is a
// conjunction of conditions on the analysed response (status, body kind,
// JSON field predicates, header predicates, message and body patterns) and
// a result (cause, origin, and an action saying how to build the rest of
// the verdict). tables.go holds the rules themselves.

// kind is the shape of a response body, as a bit set so a rule can accept
// several.
type Kind uint16

const (
	KindEmpty   Kind = 1 << iota // no body
	KindJSON                     // valid JSON
	KindBadJSON                  // declared or looking like JSON, but not parseable (truncated)
	KindSSE                      // text/event-stream or `data:` lines, every event parseable
	KindBadSSE                   // an SSE stream with an event that is not JSON
	KindHTML                     // an HTML page
	KindText                     // anything else
)

// kindAny is the zero kind set: any kind.
const KindAny Kind = 0

// statuses matches the effective status of a response: a list of codes
// and/or one inclusive range. The zero value matches any status. Status 0
// means "no status known": an error embedded in a 2xx body whose status
// could not be derived.
type Statuses struct {
	list   []int
	lo, hi int
}

func Is(codes ...int) Statuses    { return Statuses{list: codes} }
func Between(lo, hi int) Statuses { return Statuses{lo: lo, hi: hi} }

func (s Statuses) match(n int) bool {
	if s.list == nil && s.hi == 0 {
		return true
	}
	for _, c := range s.list {
		if c == n {
			return true
		}
	}
	return s.hi > 0 && n >= s.lo && n <= s.hi
}

// tri is a three-valued condition.
type Tri uint8

const (
	TriAny Tri = iota
	TriYes
	TriNo
)

func (t Tri) match(b bool) bool { return t == TriAny || (t == TriYes) == b }

// fieldOp is a JSON field predicate.
type fieldOp uint8

const (
	opPresent fieldOp = iota // the field exists and is not null
	opAbsent                 // the field is missing or null
	opInt                    // an integral number
	opString                 // a string
	opIn                     // a string (or number) equal, ignoring case, to one of Vals
)

// field is a predicate on the JSON value at Path (dot-separated, from the
// object that carries the error: the body, or the SSE event with `error`).
type Field struct {
	Path string
	Op   fieldOp
	Vals []string
}

func Has(path string) Field                { return Field{Path: path, Op: opPresent} }
func Lacks(path string) Field              { return Field{Path: path, Op: opAbsent} }
func IntAt(path string) Field              { return Field{Path: path, Op: opInt} }
func StrAt(path string) Field              { return Field{Path: path, Op: opString} }
func In(path string, vals ...string) Field { return Field{Path: path, Op: opIn, Vals: vals} }

func (p Field) match(f *facts) bool {
	v, ok := lookup(f.root, p.Path)
	if ok && v == nil {
		ok = false
	}
	switch p.Op {
	case opPresent:
		return ok
	case opAbsent:
		return !ok
	case opInt:
		n, isNum := v.(float64)
		return ok && isNum && n == float64(int64(n))
	case opString:
		_, isStr := v.(string)
		return ok && isStr
	case opIn:
		if !ok {
			return false
		}
		s := scalarString(v)
		for _, want := range p.Vals {
			if strings.EqualFold(s, want) {
				return true
			}
		}
	}
	return false
}

// lookup walks a dot path through nested JSON objects.
func lookup(root map[string]any, path string) (any, bool) {
	if root == nil {
		return nil, false
	}
	var cur any = root
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// scalarString renders a JSON scalar as text ("" for objects and arrays).
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// hdr is a predicate on a response header: present (Re nil) or matching Re.
type Hdr struct {
	Name string
	Re   *Pattern
}

func (h Hdr) match(header http.Header) bool {
	vals := header.Values(h.Name)
	if len(vals) == 0 {
		return false
	}
	if h.Re == nil {
		return true
	}
	for _, v := range vals {
		if h.Re.MatchString(v) {
			return true
		}
	}
	return false
}

// action says how a matched rule builds the verdict beyond Cause and Origin.
type Action uint8

const (
	// actFixed: Cause and Origin as written in the rule.
	ActFixed Action = iota
	// actSelfByTable: Origin Self, cause from the provider table (message
	// families, then status). Used for a reverse proxy's own pages.
	ActSelfByTable
	// actInnerSame: Origin Relayed, Inner is the response itself (a
	// transparent proxy passed it through).
	ActInnerSame
	// actInnerLiteLLM: Origin Relayed, Inner parsed from LiteLLM's
	// "<Provider>Exception - Error code: N - {python dict}" message.
	ActInnerPyRepr
	// actInnerStatusPrefix: Origin Relayed, Inner built from an
	// "NNN upstream message" error message (OpenClaw).
	ActInnerStatusPrefix
	// actInnerCCR: Origin Relayed, Inner parsed from claude-code-router's
	// "Error from provider(…: N): {upstream body}" message.
	ActInnerProviderError
	// actBehindRaw: Origin Behind, cause from classifying OpenRouter's
	// error.metadata.raw (the answer of the provider behind OpenRouter).
	ActBehindRaw
)

// rule is one signature. Every set condition must hold.
type Rule struct {
	ID       string
	Status   Statuses // effective status (see facts.status)
	Kinds    Kind     // body shapes accepted; kindAny = all
	Embedded Tri      // the error was found inside a 2xx body
	Fields   []Field  // JSON predicates
	Headers  []Hdr    // header predicates
	Msg      *Pattern // on the extracted error message (debug suffix stripped)
	NotMsg   *Pattern // must not match the message
	Body     *Pattern // on the raw body text (first bodyScan bytes)

	Cause  finding.Cause
	Origin Origin
	Act    Action
	Model  bool // extract Verdict.Model from the message
}

func (r *Rule) match(f *facts) bool {
	if !r.Status.match(f.status) || (r.Kinds != KindAny && r.Kinds&f.kind == 0) || !r.Embedded.match(f.embedded) {
		return false
	}
	for _, p := range r.Fields {
		if !p.match(f) {
			return false
		}
	}
	for _, h := range r.Headers {
		if !h.match(f.resp.Header) {
			return false
		}
	}
	if r.Msg != nil && !r.Msg.MatchString(f.msg) {
		return false
	}
	if r.NotMsg != nil && r.NotMsg.MatchString(f.msg) {
		return false
	}
	if r.Body != nil && !r.Body.MatchString(f.text) {
		return false
	}
	return true
}
