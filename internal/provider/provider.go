// Package provider is hopcheck's registry of the services a hop can be:
// one file per provider or proxy (openrouter.go, litellm.go, …), each a
// Spec. Everything hopcheck knows about a hop type lives in its Spec: the
// names it goes by (hop type, LiteLLM model prefix, OpenClaw provider id),
// its official hosts (the key-pinning rule reads them), its conventional
// key variables, the shape of its keys, how a key is sent, the cheap
// requests that check a key and the canary, the error-signature table with
// the documented bodies it was built from, and what can be verified. Checks,
// config readers, the classifier, the scrubber and the simulator read the
// registry; no other package switches on a hop type.
//
// Adding a provider is one file here (a Spec registered in init), a
// simulator entry and its table tests; CONTRIBUTING.md walks through it.
package provider

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Role says what a hop of a type does with the credential it receives.
type Role uint8

const (
	// Provider serves models itself: the credential it receives is the
	// end of the road.
	Provider Role = iota
	// Gateway terminates the client's credential and calls its own
	// upstream with a key of its own (LiteLLM, OpenClaw).
	Gateway
	// Relay forwards whatever it receives and checks nothing (nginx, an
	// ingress, an API gateway in pass-through mode).
	Relay
)

func (r Role) String() string {
	switch r {
	case Gateway:
		return "gateway"
	case Relay:
		return "relay"
	}
	return "provider"
}

// Verify says how far hopcheck can verify a hop of a type.
type Verify uint8

const (
	// Live: a key check and a canary verify it.
	Live Verify = iota
	// StaticOnly: checking it needs signing material hopcheck does not
	// hold (AWS SigV4, a Google OAuth token): the static checks run, the
	// hop is `unverified`, never `pass`.
	StaticOnly
	// NoKey: a local server that needs no key (Ollama, LM Studio, vLLM):
	// reachability and the canary verify it; no key check.
	NoKey
)

func (v Verify) String() string {
	switch v {
	case StaticOnly:
		return "static-only"
	case NoKey:
		return "no-key"
	}
	return "live"
}

// Auth is how a credential is sent: a header name and a value prefix.
type Auth = chain.Header

// Call is one request: a method, a path appended to the hop's API root (see
// Spec.Root), query parameters, extra headers and a JSON body (nil: none).
// The credential is added by the engine (Spec.Auth, or Spec.Sign).
type Call struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   any
	// Host, when set, replaces the host (and port) of the hop's URL: the
	// call goes to a sibling host of the same provider (Bedrock's key
	// check goes to the control plane bedrock.<region>.amazonaws.com, the
	// canary to bedrock-runtime.<region>.amazonaws.com). The key-pinning
	// rule checks the resulting URL like any other, so the host must be
	// one of the provider's Hosts.
	Host string
	// Answer is the wire format of a successful answer (AnswerAny: any
	// 2xx, for key checks and public calls). The canaries set it: a 2xx
	// that is not a completion in that format is not a working model.
	Answer Answer
}

// Zero reports whether c is no request at all.
func (c Call) Zero() bool { return c.Path == "" && c.Method == "" }

// Shape is the wire format of a provider's inference API; the simulator
// answers in it and the 2xx checks know what a valid answer looks like.
type Shape uint8

const (
	// ShapeOpenAI: POST …/chat/completions, GET …/models ({"data":[…]}).
	ShapeOpenAI Shape = iota
	// ShapeAnthropic: POST /v1/messages.
	ShapeAnthropic
	// ShapeGemini: POST …/models/{model}:generateContent, GET …/models ({"models":[…]}).
	ShapeGemini
	// ShapeCohere: POST /v2/chat.
	ShapeCohere
	// ShapeBedrock: POST /model/{model}/converse.
	ShapeBedrock
	// ShapeOllama: Ollama's native API (GET /api/tags, POST /api/chat).
	ShapeOllama
)

// Served is the upstream deployment a gateway says answered a request:
// the base URL it called and its id for the deployment ("" when not said).
type Served struct {
	URL, ID string
}

// RequestInput is what a request is built from: the hop, the chain's model
// and the hop after it.
type RequestInput struct {
	// Base is the hop's base URL as configured.
	Base  string
	Model string
	// Next is the type of the hop after this one ("" when none): a gateway
	// may route by it (OpenClaw).
	Next chain.HopType
	// Params are the hop's extra settings (api_version, region, …).
	Params map[string]string
	// MaxTokens bounds the answer (0: CanaryMaxTokens); Prompt is the
	// canary's user message ("": CanaryPrompt).
	MaxTokens int
	Prompt    string
}

// Keys describes a provider's API keys, for the static shape check, the
// key-pinning rule and the scrubber.
type Keys struct {
	// Prefixes are the public prefixes of its keys, longest first
	// ("sk-or-v1-"). Shown in fingerprints.
	Prefixes []string
	// Distinctive are the prefixes no other provider's keys start with: a
	// value with one of them is this provider's key wherever a config
	// attaches it (the key-pinning rule uses them).
	Distinctive []string
	// PrefixRequired: a value without any of Prefixes cannot be this
	// provider's key (an error, no request is sent); otherwise it is only
	// worth a warning.
	PrefixRequired bool
	// Pattern is the whole key's shape when it is documented or stable
	// (nil: prefixes only). A value with the prefix that does not match is
	// a warning ("truncated or mistyped?"); the provider decides.
	Pattern *classify.Pattern
	// Shape describes Pattern for messages ("sk-or-v1- and 64 hex characters").
	Shape string
	// Hint is appended when a required prefix is missing (why it matters).
	Hint string
	// Fake is a well-formed key that is not a credential (it fits Prefixes
	// and Pattern), for the simulator, the tests and the docs.
	Fake string
	// Dummies are the values the provider's own documentation and the
	// usual clients put in the key slot of a server that checks no key
	// ("ollama", "lm-studio", "EMPTY"), compared case-insensitively with
	// the trimmed value. They are not secrets: see IsDummyKey.
	Dummies []string
}

// KeyFacts is what a key check's answer says about the key itself.
type KeyFacts struct {
	// Limit and Remaining are the key's credit limit and what is left, in
	// Currency (nil: not reported; a nil Limit with a key check that
	// reports limits is a key without a limit, see Limited).
	Limit, Remaining *float64
	// Limited: the answer reports per-key limits at all (OpenRouter's
	// "limit" field is present), so a nil Limit means "no limit" rather
	// than "not reported".
	Limited bool
	// LimitReset is how often the limit starts afresh: "daily", "weekly"
	// or "monthly" (at 00:00 UTC; weeks start on Monday), "" when never;
	// another value is a schedule hopcheck does not know.
	LimitReset string
	// Usage is what the key has spent in its lifetime; UsageDaily,
	// UsageWeekly and UsageMonthly what it has spent in the current UTC
	// day, week (since Monday 00:00 UTC) and month, in Currency (nil: not
	// reported). They are the recent spending rate's evidence.
	Usage, UsageDaily, UsageWeekly, UsageMonthly *float64
	// ExpiresAt is the key's expiry, RFC 3339 ("" when none).
	ExpiresAt string
	// Balance is the account's spendable balance as the key check reports
	// it, in Currency ("" when the answer does not say; the platform's
	// currency then, e.g. CNY on a .cn host), nil when not reported. It is
	// the account's money, not a per-key limit (Limit/Remaining): at 0 or
	// below the provider refuses paid calls (DeepSeek's is_available turns
	// false; Moonshot blocks calls when available_balance ≤ 0).
	Balance *float64
	// Currency is the unit of every amount above ("" when not known).
	Currency string
	// Models is the list of model ids the answer lists (nil when the
	// answer is not a model list).
	Models []string
}

// Sample is a documented error answer the signature table was built from.
// The simulator answers with it (a missing key gets the HeaderMissing
// sample, a wrong key the CredentialRejected one, an unknown model the
// ModelUnavailable one, …) and the table tests classify it.
type Sample struct {
	// Cause is what the table must say.
	Cause finding.Cause
	// Status and Body are the answer, Header its notable headers
	// (Content-Type defaults to application/json).
	Status int
	Body   string
	Header http.Header
	// Source is the public page, file or issue the body comes from.
	Source string
	// For, when set, is the one call the sample answers: "embedding" an
	// embeddings call with a model that does not embed, "chat" a chat
	// completion with an embedding model (see ForEmbedding, ForChat). The
	// simulator answers a call of the wrong kind with it, and nothing else.
	For string
}

// The calls a Sample may be for.
const (
	ForEmbedding = "embedding"
	ForChat      = "chat"
)

// LiteLLMRoute is how LiteLLM routes to a provider.
type LiteLLMRoute struct {
	// Prefixes are the model prefixes (without the slash) LiteLLM routes to
	// the provider ("openrouter" for openrouter/…).
	Prefixes []string
	// BaseVar is the variable LiteLLM reads for the api_base when a
	// deployment sets none ("" when it reads none).
	BaseVar string
	// KeyVars are the variables LiteLLM falls back to, in its order, when a
	// deployment's api_key is empty (nil: Spec.KeyVars).
	KeyVars []string
	// CompanionParams names, for each companion variable (Spec.Companions)
	// a deployment may rename, the litellm_params field that does so
	// (AWS_SECRET_ACCESS_KEY: aws_secret_access_key).
	CompanionParams map[string]string
}

// OpenClawRoute is how OpenClaw names a provider.
type OpenClawRoute struct {
	// IDs are OpenClaw's provider ids ("openrouter", "amazon-bedrock").
	IDs []string
	// KeyVars are the variables OpenClaw reads the provider's key from
	// (nil: Spec.KeyVars).
	KeyVars []string
}

// Spec is everything hopcheck knows about one hop type.
type Spec struct {
	// Type is the hop type in hopcheck.yml ("openrouter").
	Type chain.HopType
	// Name is the display name ("OpenRouter").
	Name string
	// Aliases are other accepted spellings of Type.
	Aliases []string
	Role    Role
	Verify  Verify
	// Unverifiable says, for StaticOnly, why a live check is impossible
	// and what would make the hop verifiable.
	Unverifiable string

	// LiteLLM is how a LiteLLM proxy reaches the provider; OpenClaw how
	// an OpenClaw gateway names it.
	LiteLLM  LiteLLMRoute
	OpenClaw OpenClawRoute

	// BaseURL is the default API base ("" when it is per account).
	BaseURL string
	// Hosts are the official hosts a key of this provider may be sent to:
	// exact names, ".example.com" for any subdomain, or a name with "*"
	// standing for part of one DNS label ("bedrock-runtime.*.amazonaws.com"
	// for every region, "*-aiplatform.googleapis.com"). Empty: a
	// self-hosted service (a gateway, a local server), which may receive
	// its own key on loopback, private and single-label hosts only, unless
	// allowed from outside the repository.
	Hosts []string
	// Roots are other documented API roots on the official hosts, besides
	// BaseURL's path (Z.ai's coding plan under /api/coding/paas/v4, an
	// Anthropic-compatible API under /anthropic): a hop URL on an official
	// host must use one of them.
	Roots []string
	// RequiredPath is a path suffix every base URL of this API has
	// ("/api/v1" for OpenRouter): a URL without it answers HTML 404s.
	RequiredPath string
	// RootTrims are base-URL suffixes removed before appending a request
	// path, for APIs whose paths carry the version themselves ("/v1").
	RootTrims []string

	// KeyVars are the conventional variables holding its key (the first is
	// the one SDKs read); BaseVars those its SDKs read for the base URL.
	KeyVars  []string
	BaseVars []string
	Keys     Keys
	// Auth is the default credential header.
	Auth Auth
	// Headers are sent on every request (e.g. anthropic-version).
	Headers map[string]string
	// Companions are variables read together with the key when the
	// provider signs requests (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
	// AWS_REGION): they are credentials too, scrubbed and never printed.
	Companions []string
	// Settings are variables the provider's requests read that are not
	// secrets (the AWS region): never scrubbed, so a region name stays
	// readable in URLs. Sign finds their values in its companions map
	// when the engine passes them.
	Settings []string
	// Sign, when set, authenticates a request itself (AWS SigV4) instead
	// of Auth: key is the hop's credential, companions the values of
	// Companions that are set.
	Sign func(r *http.Request, body []byte, key string, companions map[string]string) error
	// NeedsCompanions returns the companion variables a key cannot be
	// used without (an AWS access key id needs its secret; a Bedrock API
	// key needs nothing): the engine reports each one unset as
	// credential-missing before any request (nil: none are required).
	NeedsCompanions func(key string) []string
	// BaseFor, when set, derives the default base URL from the job's
	// settings (get reads Settings variables): Bedrock's endpoint is per
	// region. Nil: BaseURL.
	BaseFor func(get func(string) string) string
	// Shape is the wire format of its inference API.
	Shape Shape

	// KeyCheck is the cheapest authenticated call (zero: none).
	KeyCheck Call
	// Public is an unauthenticated call proving the hop is reachable when
	// the job does not hold its key (zero: none).
	Public Call
	// Adjust, when set, completes every call built for a hop of this type
	// from the hop's settings (Azure's api-version query, a region host).
	Adjust func(in RequestInput, c *Call)
	// ListsModels: the key check answers an OpenAI-style model list, so
	// the chain's model can be checked against it.
	ListsModels bool
	// ReadKey extracts KeyFacts from a successful key check (nil: none
	// beyond ListsModels).
	ReadKey func(body []byte) KeyFacts
	// BuildCanary builds the inference canary (nil: the OpenAI chat
	// completion at /chat/completions).
	BuildCanary func(RequestInput) Call
	// BuildEmbedding builds the canary for an embedding model (nil: the
	// OpenAI embeddings call at /embeddings).
	BuildEmbedding func(RequestInput) Call
	// NoEmbeddings, when set, says (with its source) that the API serves
	// no embeddings: an embedding canary sent to it cannot pass.
	NoEmbeddings string

	// Rules is the type's own signature table (the 2xx rules, the shared
	// wording families and the status fallback are added around it).
	Rules []classify.Rule
	// RawTable: Rules is the whole table (a reverse proxy, which relays
	// everything that is not its own page).
	RawTable bool
	// AnyVendor: the hop is an OpenAI-shaped API of unknown vendor, so
	// every provider's signatures apply (after Rules).
	AnyVendor bool
	// Broad: the type's own rules include the shared wording families
	// (OpenRouter's do), so where every provider's rules are combined they
	// come after the specific vendors'.
	Broad bool
	// Samples are documented error bodies (for the simulator and tests).
	Samples []Sample

	// Fixes are the provider's own fix sentences for some causes (where
	// to add credits, raise a key's limit); the cause catalog's otherwise.
	Fixes map[finding.Cause]string

	// UpstreamKeyFix, for gateways, says how to give the gateway its key
	// for the upstream hop `to`, read from variable env.
	UpstreamKeyFix func(from string, to chain.Hop, env string) string
	// Served, for gateways, reads which of its upstream deployments
	// answered, from the headers of a successful answer (nil, or a zero
	// Served: the gateway does not say).
	Served func(h http.Header) Served

	table *classify.Table
}

// Terminates reports whether a hop of this type checks the credential it
// receives; a relay forwards whatever it gets.
func (s *Spec) Terminates() bool { return s.Role != Relay }

// Fix is the fix sentence for cause c on this provider: its own, or for a
// wrong endpoint its base URL, else the catalog's.
func (s *Spec) Fix(c finding.Cause) string {
	if f, ok := s.Fixes[c]; ok {
		return f
	}
	if c == finding.WrongEndpoint && s.BaseURL != "" && s.Pinned() {
		return fmt.Sprintf("Use %s's base URL (%s) and let the client append the endpoint path.", s.Name, s.BaseURL)
	}
	return finding.Fix(c)
}

// DefaultBase is the base URL a client uses when nothing names one, given
// the job's settings variables.
func (s *Spec) DefaultBase(get func(string) string) string {
	if s.BaseFor != nil && get != nil {
		if b := s.BaseFor(get); b != "" {
			return b
		}
	}
	return s.BaseURL
}

// Pinned reports whether the type's keys are pinned to official hosts.
func (s *Spec) Pinned() bool { return len(s.Hosts) > 0 }

// Table is the type's signature table.
func (s *Spec) Table() *classify.Table {
	build()
	return s.table
}

// Classify names the cause of an answer from (or relayed through) a hop of
// this type.
func (s *Spec) Classify(r classify.Response) classify.Verdict {
	return classify.Classify(s.Table(), r)
}

// Root returns base without a trailing slash and without the suffixes the
// API's own paths carry (users write both https://host and https://host/v1).
func (s *Spec) Root(base string) string {
	b := strings.TrimRight(base, "/")
	for _, t := range s.RootTrims {
		if strings.HasSuffix(strings.ToLower(b), t) {
			return b[:len(b)-len(t)]
		}
	}
	return b
}

// OwnsHost reports whether host (lower-case, no port) is one of the
// provider's official hosts.
func (s *Spec) OwnsHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, h := range s.Hosts {
		switch {
		case strings.HasPrefix(h, "."):
			if strings.HasSuffix(host, h) && len(host) > len(h) {
				return true
			}
		case strings.Contains(h, "*"):
			if labelMatch(h, host) {
				return true
			}
		case host == h:
			return true
		}
	}
	return false
}

// labelMatch matches host against pattern label by label; a "*" in a
// pattern label stands for one or more letters, digits or hyphens, never
// for a dot, so "bedrock.*.amazonaws.com" matches bedrock.us-east-1.amazonaws.com
// but not bedrock.attacker.example.amazonaws.com.
func labelMatch(pattern, host string) bool {
	pl, hl := strings.Split(pattern, "."), strings.Split(host, ".")
	if len(pl) != len(hl) {
		return false
	}
	for i, p := range pl {
		pre, suf, wild := strings.Cut(p, "*")
		if !wild {
			if p != hl[i] {
				return false
			}
			continue
		}
		l := hl[i]
		if len(l) <= len(pre)+len(suf) || !strings.HasPrefix(l, pre) || !strings.HasSuffix(l, suf) {
			return false
		}
		for _, c := range l[len(pre) : len(l)-len(suf)] {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// HasKeyPrefix reports whether v starts with one of the provider's key
// prefixes.
func (s *Spec) HasKeyPrefix(v string) bool {
	for _, p := range s.Keys.Prefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

var (
	mu       sync.Mutex
	registry = map[chain.HopType]*Spec{}
	order    []*Spec
	built    sync.Once
)

// register adds s; each provider file calls it from init.
func register(s *Spec) {
	mu.Lock()
	defer mu.Unlock()
	for _, name := range append([]chain.HopType{s.Type}, aliases(s)...) {
		if _, dup := registry[name]; dup {
			panic(fmt.Sprintf("provider: %q registered twice", name))
		}
		registry[name] = s
	}
	// Insert in place: sorting the whole list on every registration, with a
	// formatted rank per comparison, cost thousands of allocations at
	// package load.
	i, _ := slices.BinarySearchFunc(order, s, byRank)
	order = slices.Insert(order, i, s)
}

func aliases(s *Spec) []chain.HopType {
	out := make([]chain.HopType, len(s.Aliases))
	for i, a := range s.Aliases {
		out[i] = chain.HopType(a)
	}
	return out
}

// byRank orders the registry for documentation: the hop types hopcheck.yml
// has always offered first, in their documented order, then the rest by
// name.
func byRank(a, b *Spec) int {
	ia, ib := slices.Index(core, a.Type), slices.Index(core, b.Type)
	switch {
	case ia >= 0 && ib >= 0:
		return cmp.Compare(ia, ib)
	case ia >= 0:
		return -1
	case ib >= 0:
		return 1
	}
	return cmp.Compare(a.Type, b.Type)
}

var core = []chain.HopType{OpenRouter, LiteLLM, OpenClaw, OpenAI, Anthropic, OpenAICompatible, ReverseProxy}

// Lookup returns the spec of hop type t (or of one of its aliases).
func Lookup(t chain.HopType) (*Spec, bool) {
	s, ok := registry[t]
	return s, ok
}

// For returns the spec of t; an unknown type is treated as an
// OpenAI-compatible API of unknown vendor.
func For(t chain.HopType) *Spec {
	if s, ok := registry[t]; ok {
		return s
	}
	return registry[OpenAICompatible]
}

// All lists every spec, in documentation order.
func All() []*Spec { return slices.Clone(order) }

// Types lists the accepted hop types (without aliases), in documentation order.
func Types() []chain.HopType {
	out := make([]chain.HopType, len(order))
	for i, s := range order {
		out[i] = s.Type
	}
	return out
}

// ByLiteLLM returns the provider LiteLLM routes model prefix p to.
func ByLiteLLM(p string) (*Spec, bool) {
	p = strings.ToLower(p)
	for _, s := range order {
		if slices.Contains(s.LiteLLM.Prefixes, p) {
			return s, true
		}
	}
	return nil, false
}

// ByOpenClaw returns the provider OpenClaw knows as id.
func ByOpenClaw(id string) (*Spec, bool) {
	id = strings.ToLower(id)
	for _, s := range order {
		if slices.Contains(s.OpenClaw.IDs, id) {
			return s, true
		}
	}
	return nil, false
}

// ByHost returns the provider whose official hosts include host.
func ByHost(host string) (*Spec, bool) {
	for _, s := range order {
		if s.OwnsHost(host) {
			return s, true
		}
	}
	return nil, false
}

// LiteLLMKeyVars are the variables LiteLLM falls back to for the provider's key.
func (s *Spec) LiteLLMKeyVars() []string {
	if s.LiteLLM.KeyVars != nil {
		return s.LiteLLM.KeyVars
	}
	return s.KeyVars
}

// OpenClawKeyVars are the variables OpenClaw reads the provider's key from.
func (s *Spec) OpenClawKeyVars() []string {
	if s.OpenClaw.KeyVars != nil {
		return s.OpenClaw.KeyVars
	}
	return s.KeyVars
}

// ByKeyVar returns the providers whose conventional key variable is name.
func ByKeyVar(name string) []*Spec {
	var out []*Spec
	for _, s := range order {
		if slices.Contains(s.KeyVars, name) || slices.Contains(s.LiteLLMKeyVars(), name) || slices.Contains(s.OpenClawKeyVars(), name) {
			out = append(out, s)
		}
	}
	return out
}

// OwnerOfKey returns the provider whose distinctive key prefix v starts
// with (the longest matching prefix wins).
func OwnerOfKey(v string) (*Spec, bool) {
	var best *Spec
	n := 0
	for _, s := range order {
		for _, p := range s.Keys.Distinctive {
			if strings.HasPrefix(v, p) && len(p) > n {
				best, n = s, len(p)
			}
		}
	}
	return best, best != nil
}

// build composes every spec's table once the registry is complete: the
// 2xx rules, the type's own rules (for an OpenAI-shaped API of unknown
// vendor, every provider's too), the shared families and the status
// fallback. Inner answers (relayed from a hop not known yet) use every
// provider's rules that do not nest.
func build() {
	built.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		var providers, broad [][]classify.Rule
		for _, s := range order {
			switch {
			case s.Role != Provider || s.AnyVendor || s.RawTable:
			case s.Broad:
				broad = append(broad, s.Rules)
			default:
				providers = append(providers, s.Rules)
			}
		}
		providers = append(providers, broad...)
		inner := classify.Standard(classify.WithoutNesting(providers...))
		for _, s := range order {
			switch {
			case s.RawTable:
				s.table = &classify.Table{Rules: s.Rules, Inner: inner}
			case s.AnyVendor:
				s.table = &classify.Table{Rules: classify.Standard(append([][]classify.Rule{s.Rules}, providers...)...), Inner: inner}
			default:
				s.table = &classify.Table{Rules: classify.Standard(s.Rules), Inner: inner}
			}
		}
	})
}

// RuleIDs lists the id of every signature rule of every table, sorted.
func RuleIDs() []string {
	build()
	seen := map[string]bool{}
	for _, s := range order {
		for _, r := range s.table.Rules {
			seen[r.ID] = true
		}
		for _, r := range s.table.Inner {
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
