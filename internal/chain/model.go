// Package chain holds hopcheck's model of an LLM request path (Chain, Hop,
// Link) and the loaders that build it from configuration files. Every value
// a loader reads keeps its source position so reports can point at it.
package chain

import (
	"fmt"
	"strings"
	"time"
)

// Pos is a position in a configuration file. Line and Col are 1-based; a
// zero Pos means "no known position".
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// IsZero reports whether p carries no position.
func (p Pos) IsZero() bool { return p.File == "" && p.Line == 0 }

func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// HopType names the kind of service a hop is ("openrouter", "litellm",
// …). The provider registry (internal/provider) knows every type: its
// request paths, auth header and error-signature table.
type HopType string

// Defaults and limits of every chain, whatever config it comes from.
const (
	DefaultTimeout = 8 * time.Second
	MaxTimeout     = 10 * time.Minute
	DefaultCanary  = CanaryInference

	// MaxChains caps the chains of one run, in every mode (hopcheck.yml
	// and discovery alike): each chain costs requests and, with an
	// inference canary, a billed completion, and the run must end in
	// bounded time.
	MaxChains = 64
)

// The canary modes. inference sends one tiny chat completion through the
// chain, embedding one embeddings call (for an embedding model, which
// refuses a chat completion); both cross every hop. auth-only sends the
// cheapest authenticated call the first hop offers.
const (
	CanaryInference = "inference"
	CanaryAuthOnly  = "auth-only"
	CanaryEmbedding = "embedding"
)

// CanaryModes lists the canary modes a chain may set, for validation and
// messages.
var CanaryModes = []string{CanaryInference, CanaryAuthOnly, CanaryEmbedding}

// OverrideModes lists the values of the run-wide canary override
// (--canary, the action's canary input). embedding is not one: it suits
// only an embedding model, so it is a chain's own setting.
var OverrideModes = []string{CanaryInference, CanaryAuthOnly}

// EndToEnd reports whether canary mode m sends a request through every hop
// of the chain (inference, embedding), not only to the first one.
func EndToEnd(m string) bool { return m != CanaryAuthOnly }

// Override is the canary mode of a chain whose own mode is mode when the
// run overrides it with o (one of OverrideModes, "" for none). auth-only
// overrides every chain. inference only asks for a canary through the
// whole chain: a chain that has one keeps it (an embedding chain stays
// embedding, since an embedding model refuses a chat completion), and so
// does a chain whose auth-only canary was chosen for what its model is
// (fixed: an image or audio model, or no model at all).
func Override(mode string, fixed bool, o string) string {
	switch {
	case o == "", o == mode:
		return mode
	case o == CanaryAuthOnly:
		return o
	case mode == CanaryEmbedding, fixed:
		return mode
	}
	return o
}

// ModeList renders modes for a message: "a, b or c".
func ModeList(modes []string) string {
	if len(modes) < 2 {
		return strings.Join(modes, "")
	}
	return strings.Join(modes[:len(modes)-1], ", ") + " or " + modes[len(modes)-1]
}

// Header is an auth header scheme: the header name and an optional value
// prefix (e.g. "Bearer ").
type Header struct {
	Name   string `json:"name"`
	Prefix string `json:"prefix,omitempty"`
}

// Hop is one service on the path.
type Hop struct {
	Name string  `json:"name"`
	Type HopType `json:"type"`
	// URL is the base URL as configured (e.g. https://openrouter.ai/api/v1).
	URL string `json:"url"`
	// KeyEnv is the environment variable holding the credential for this
	// hop, as readable by the CI job. Empty: CI does not hold it.
	KeyEnv string `json:"key_env,omitempty"`
	// KeyHeader is the header carrying the credential.
	KeyHeader Header `json:"key_header"`
	// Config is an optional path to the hop's own config (LiteLLM/OpenClaw).
	Config string `json:"config,omitempty"`
	// Params are settings the hop's API needs besides its URL and key
	// (api_version for Azure, region for Bedrock), by name.
	Params map[string]string `json:"params,omitempty"`
	// Companions renames the provider's companion variables (signing
	// material read with the key, e.g. AWS_SECRET_ACCESS_KEY) to the
	// variables the hop's config names instead (a LiteLLM deployment's
	// aws_secret_access_key: os.environ/CUSTOM_SECRET), by the provider's
	// name. A companion not renamed is read from its own variable.
	Companions map[string]string `json:"-"`
	// KeyValue is a credential taken from a config file rather than the
	// job's environment (a literal gateway token in openclaw.json); it is
	// used only when KeyEnv is empty. Never serialized, never printed.
	KeyValue string `json:"-"`
	// KeyStandIn marks a KeyValue that is a stand-in written in the file
	// for a server that checks no key (apiKey "ollama-local" for a LAN
	// Ollama): sent as written, but not a secret, so it is not scrubbed
	// (it often repeats the provider's id, which the reports must name).
	KeyStandIn bool `json:"-"`
	// KeyShadow, when set, says why the credential hopcheck checks for this
	// hop is not the one the real client sends (an OpenClaw auth profile
	// stored outside the config, which OpenClaw prefers to the variable):
	// a pass of the hop's own key check, or of a canary sent to it with the
	// job's key, then verifies nothing about the chain, and the hop is
	// unverified with this reason.
	KeyShadow string `json:"-"`

	// Route is what the config of the gateway in front of this hop says
	// about how the gateway reaches it, when hopcheck read that config
	// (nil: it did not). It decides whether a completion that came back
	// through the gateway shows that this hop was reached.
	Route *Route `json:"-"`

	// Pos is where the hop is defined (its first key); the other Pos fields
	// point at the individual values.
	Pos          Pos `json:"-"`
	URLPos       Pos `json:"-"`
	KeyEnvPos    Pos `json:"-"`
	KeyHeaderPos Pos `json:"-"`
	TypePos      Pos `json:"-"`
}

// Route is how a gateway reaches the hop behind it, as the gateway's config
// (which hopcheck read) says.
type Route struct {
	// Config is the file it was read from ("config.yaml").
	Config string
	// URL is where the gateway sends the route's requests ("" when it
	// uses a default hopcheck does not know) and ID the gateway's id of
	// the route's deployment ("" when the config sets none): an answer
	// the gateway says came from that deployment names one of them.
	URL, ID string
	// Doubts are what else in the config can answer the chain's model
	// in this hop's place. Without any, a completion that came back
	// through the gateway came from this hop.
	Doubts []Doubt
}

// Doubt is something in a gateway's config that can answer a chain's
// model without the hop behind the gateway.
type Doubt struct {
	// What says what it is, for messages ("mock_response: the proxy
	// answers itself").
	What string
	Pos  Pos
	// Mock: the gateway answers the route itself, without any upstream;
	// no answer can show the hop was reached.
	Mock bool
	// URL and ID identify the deployment that may answer instead
	// (another deployment of the model group, a fallback), as the
	// gateway reports them in its answers ("" when unknown).
	URL, ID string
}

// CIHop is the name of the implicit first hop.
const CIHop = "ci"

// Link is the edge between two consecutive hops; credentials travel on links.
type Link struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (l Link) String() string { return l.From + " → " + l.To }

// Chain is the path of one CI job's LLM request.
type Chain struct {
	Name   string `json:"name"`
	Model  string `json:"model"`
	Hops   []Hop  `json:"hops"` // from the CI job outward, ci excluded
	Canary string `json:"canary"`
	// CanaryFixed: the canary mode follows from what the model is (an
	// image or audio model, which refuses a chat completion), so the
	// run-wide override inference does not change it (see Override; the
	// engine treats a chain without a model alike).
	CanaryFixed bool          `json:"-"`
	Timeout     time.Duration `json:"timeout"`
	Pos         Pos           `json:"-"`
	ModelPos    Pos           `json:"-"`
}

// Links returns the chain's links in path order, starting with ci → first hop.
func (c *Chain) Links() []Link {
	out := make([]Link, 0, len(c.Hops))
	prev := CIHop
	for _, h := range c.Hops {
		out = append(out, Link{From: prev, To: h.Name})
		prev = h.Name
	}
	return out
}

// Index returns the position of the named hop in Hops, or -1.
func (c *Chain) Index(name string) int {
	for i, h := range c.Hops {
		if h.Name == name {
			return i
		}
	}
	return -1
}

// LinkInto returns the link that ends at hop i.
func (c *Chain) LinkInto(i int) Link {
	if i <= 0 {
		return Link{From: CIHop, To: c.Hops[0].Name}
	}
	return Link{From: c.Hops[i-1].Name, To: c.Hops[i].Name}
}

// Config is a loaded hopcheck.yml.
type Config struct {
	File    string        `json:"file"`
	Version int           `json:"version"`
	Timeout time.Duration `json:"timeout"`
	Canary  string        `json:"canary"`
	Chains  []*Chain      `json:"chains"`
}
