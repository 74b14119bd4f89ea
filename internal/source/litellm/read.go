// Package litellm is hopcheck's LiteLLM config source, in three steps like
// every config source:
//
//   - read (read.go): Parse reads one config.yaml (model_list,
//     general_settings.master_key, environment_variables, credential_list,
//     include) keeping the source position of every value, and Load follows
//     its `include:` files as LiteLLM does; Resolve implements LiteLLM's
//     `os.environ/VAR` resolution. The simulated LiteLLM proxy (package sim)
//     is built from the same reader, so the two cannot drift apart.
//   - derive (derive.go): Derive turns a Config into chains (`ci → litellm →
//     provider`), one per model_list entry, every value with the position
//     (or the default) it came from.
//   - judge (judge.go): the findings about the file itself and about each
//     route (a literal key committed, a proxy without a master key, a key
//     sent to another provider's host, a route LiteLLM cannot resolve, …).
//
// Package discover walks the repository, reads the files through fsafe and
// calls this package; nothing here reads a file or sends a request.
package litellm

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/trust"
	"github.com/hopcheck/hopcheck/internal/yamlbound"
)

// EnvPrefix marks a value LiteLLM reads from the proxy process environment
// (`api_key: os.environ/OPENROUTER_API_KEY`).
const EnvPrefix = "os.environ/"

// Value is one scalar from config.yaml and where it was written.
type Value struct {
	// Value is the text as written (an `os.environ/VAR` reference is kept
	// as is; see Resolve).
	Value string `json:"value"`
	// Pos is the position of the value, or of its key when the value is
	// null or empty.
	Pos chain.Pos `json:"-"`
	// Set reports whether the key is present with a non-null value.
	Set bool `json:"set"`
}

// Ref returns the environment variable name when v is an `os.environ/VAR`
// reference, else "".
func (v Value) Ref() string {
	if strings.HasPrefix(v.Value, EnvPrefix) {
		return strings.TrimPrefix(v.Value, EnvPrefix)
	}
	return ""
}

// Deployment is one model_list entry: the model group name clients request
// and the litellm_params LiteLLM uses to call the upstream.
type Deployment struct {
	ModelName Value `json:"model_name"`
	Model     Value `json:"model"`    // litellm_params.model, e.g. openrouter/anthropic/claude-sonnet-4.5
	APIKey    Value `json:"api_key"`  // litellm_params.api_key
	APIBase   Value `json:"api_base"` // litellm_params.api_base
	// APIVersion is litellm_params.api_version (Azure's api-version).
	APIVersion Value `json:"api_version"`
	// Credential is litellm_params.litellm_credential_name: the
	// credential_list entry that supplies the params this entry leaves out.
	Credential Value `json:"litellm_credential_name"`
	// Mode is model_info.mode (chat, embedding, image_generation, …).
	Mode Value `json:"mode"`
	// ID is model_info.id, the id LiteLLM reports for the deployment in
	// its x-litellm-model-id header (unset: LiteLLM derives one).
	ID Value `json:"id"`
	// Mock is litellm_params.mock_response: LiteLLM answers with it
	// instead of calling the provider (Set with the key's position also
	// when the value is a list or a mapping).
	Mock Value `json:"mock_response"`
	// Params holds the other scalar litellm_params by name
	// (aws_region_name, vertex_location, azure_ad_token, …); nil when none.
	Params map[string]Value `json:"params,omitempty"`
	// Pos is the position of the list entry.
	Pos chain.Pos `json:"-"`
}

// Param returns litellm_params.name: the named fields and Params alike.
func (d Deployment) Param(name string) Value {
	switch name {
	case "model":
		return d.Model
	case "api_key":
		return d.APIKey
	case "api_base":
		return d.APIBase
	case "api_version":
		return d.APIVersion
	case "litellm_credential_name":
		return d.Credential
	}
	return d.Params[name]
}

// Provider returns the provider prefix of litellm_params.model (the text
// before the first `/`: openrouter, openai, anthropic, …), or "" when the
// model has no prefix (LiteLLM then infers the provider from the name).
func (d Deployment) Provider() string {
	p, _, ok := strings.Cut(d.Model.Value, "/")
	if !ok {
		return ""
	}
	return p
}

// UpstreamModel returns the model id LiteLLM sends to the provider: the
// model with its provider prefix removed (openrouter/anthropic/x →
// anthropic/x).
func (d Deployment) UpstreamModel() string {
	if _, rest, ok := strings.Cut(d.Model.Value, "/"); ok {
		return rest
	}
	return d.Model.Value
}

// EnvVar is one entry of the top-level environment_variables map, which
// LiteLLM copies into its process environment at startup.
type EnvVar struct {
	Name    string    `json:"name"`
	Value   Value     `json:"value"`
	NamePos chain.Pos `json:"-"`
}

// Fallback is one fallback rule of litellm_settings or router_settings:
// when a call to model group From fails, LiteLLM retries it with the
// groups To (https://docs.litellm.ai/docs/proxy/reliability). From is ""
// for default_fallbacks, which apply to every group.
type Fallback struct {
	// Section is "litellm_settings" or "router_settings", Kind the key
	// ("fallbacks", "default_fallbacks", "context_window_fallbacks",
	// "content_policy_fallbacks").
	Section, Kind string
	From          string
	To            []Value
	Pos           chain.Pos
}

// fallbackKinds are the settings that name fallback groups.
var fallbackKinds = []string{"fallbacks", "default_fallbacks", "context_window_fallbacks", "content_policy_fallbacks"}

// FallbacksFor returns the groups LiteLLM may answer group with instead of
// it, with the position that says so, in file order (each group once).
func (c *Config) FallbacksFor(group string) []Value {
	var out []Value
	seen := map[string]bool{group: true}
	for _, f := range c.Fallbacks {
		if f.From != "" && f.From != group {
			continue
		}
		for _, t := range f.To {
			if t.Set && !seen[t.Value] {
				seen[t.Value] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// Credential is one credential_list entry: a named set of params that
// deployments pick up with litellm_credential_name.
type Credential struct {
	Name Value `json:"credential_name"`
	// Values are its credential_values (api_key, api_base, api_version, …).
	Values map[string]Value `json:"credential_values"`
	// Pos is the position of the list entry.
	Pos chain.Pos `json:"-"`
}

// Config is a parsed LiteLLM config.yaml.
type Config struct {
	File      string       `json:"file"`
	ModelList []Deployment `json:"model_list"`
	// MasterKey is general_settings.master_key (unset: LiteLLM reads
	// LITELLM_MASTER_KEY from its environment; without it the proxy admits
	// every request).
	MasterKey Value `json:"master_key"`
	// SettingsMasterKey is litellm_settings.master_key, a place LiteLLM's
	// proxy does not read the proxy key from (it sets an unused module
	// attribute); only general_settings.master_key and LITELLM_MASTER_KEY
	// count.
	SettingsMasterKey    Value        `json:"litellm_settings_master_key,omitempty"`
	EnvironmentVariables []EnvVar     `json:"environment_variables,omitempty"`
	Credentials          []Credential `json:"credential_list,omitempty"`
	// CustomProviders are the provider names litellm_settings.
	// custom_provider_map registers (handlers in the proxy's Python code),
	// in file order.
	CustomProviders []Value `json:"custom_providers,omitempty"`
	// Include lists the entries of the top-level include: list as written.
	Include []Value `json:"include,omitempty"`
	// Fallbacks are the fallbacks of litellm_settings and router_settings:
	// the model groups LiteLLM tries when a group's call fails.
	Fallbacks []Fallback `json:"fallbacks,omitempty"`
	// Cache is litellm_settings.cache: true turns on LiteLLM's response
	// cache (https://docs.litellm.ai/docs/proxy/caching).
	Cache Value `json:"cache"`
	// Sections maps every top-level key of the file (after includes: of
	// the file that last set it) to the position of the key.
	Sections map[string]chain.Pos `json:"-"`
	// Included lists the files Load read for include:, in order,
	// relative to the repository root.
	Included []string `json:"included,omitempty"`
	// RunnerRefs are the references to runner variables in the string
	// values of every section, as YAML decodes them (an escape such as
	// "os.environ\x2fGITHUB_TOKEN" resolved), in the files Load read.
	RunnerRefs []trust.DecodedRef `json:"-"`
}

// CredentialByName returns the credential_list entry LiteLLM uses for
// name: the first one with that name.
func (c *Config) CredentialByName(name string) (Credential, bool) {
	for _, cr := range c.Credentials {
		if cr.Name.Value == name {
			return cr, true
		}
	}
	return Credential{}, false
}

// ModelNames returns the distinct model_name values in file order.
func (c *Config) ModelNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range c.ModelList {
		if d.ModelName.Set && !seen[d.ModelName.Value] {
			seen[d.ModelName.Value] = true
			out = append(out, d.ModelName.Value)
		}
	}
	return out
}

// Deployments returns the model_list entries of one model group (LiteLLM
// load-balances between entries sharing a model_name).
func (c *Config) Deployments(modelName string) []Deployment {
	var out []Deployment
	for _, d := range c.ModelList {
		if d.ModelName.Set && d.ModelName.Value == modelName {
			out = append(out, d)
		}
	}
	return out
}

// Env returns the environment LiteLLM sees once started: base (the proxy
// process environment) overlaid with the file's environment_variables,
// which LiteLLM writes into os.environ at startup. The values of
// environment_variables are themselves resolved against base.
func (c *Config) Env(base func(string) (string, bool)) func(string) (string, bool) {
	if base == nil {
		base = func(string) (string, bool) { return "", false }
	}
	if len(c.EnvironmentVariables) == 0 {
		return base
	}
	over := map[string]string{}
	for _, e := range c.EnvironmentVariables {
		v, _, _ := Resolve(e.Value.Value, base)
		over[e.Name] = v
	}
	return func(name string) (string, bool) {
		if v, ok := over[name]; ok {
			return v, true
		}
		return base(name)
	}
}

// Resolve applies LiteLLM's secret resolution to a config value. A value
// `os.environ/VAR` is replaced by VAR from env; an unset VAR yields "" with
// no error, exactly as LiteLLM's get_secret returns None silently. ref is
// the variable name ("" for a literal). set reports whether a value was
// found: the variable exists in env (it may still be empty) or the literal
// is non-empty.
func Resolve(v string, env func(string) (string, bool)) (value, ref string, set bool) {
	if !strings.HasPrefix(v, EnvPrefix) {
		return v, "", v != ""
	}
	ref = strings.TrimPrefix(v, EnvPrefix)
	if env == nil {
		return "", ref, false
	}
	value, set = env(ref)
	if !set {
		value = ""
	}
	return value, ref, set
}

// shellRef matches a value written as a shell or docker-compose variable
// reference: ${VAR}, ${VAR:-default} or $VAR.
var shellRef = regexp.MustCompile(`^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))$`)

// shellVar returns VAR when v is written as ${VAR} (or $VAR), a reference
// LiteLLM does not expand: it reads os.environ/VAR only, and sends any
// other text as written. "" otherwise.
func shellVar(v string) string {
	m := shellRef.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// MapEnv adapts a map to the env lookup Resolve and Config.Env take.
func MapEnv(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// Error is a problem with the file's structure, at a position.
type Error struct {
	Pos chain.Pos
	Msg string

	limit *yamlbound.LimitError // the file passed a parser bound
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap gives the *yamlbound.LimitError of a file refused because parsing it
// would cost too much (see yamlbound.Tokenize), else nil.
func (e *Error) Unwrap() error {
	if e.limit == nil {
		return nil
	}
	return e.limit
}

// Parse reads a LiteLLM config.yaml. name is the file name recorded in
// every position. Unknown sections and keys are ignored (LiteLLM has many);
// wrong shapes of the sections read here are errors. Missing fields are not:
// they come back with Set false for the checks to judge. Parse does not
// follow include: (see Load).
func Parse(name string, data []byte) (*Config, error) {
	cfg := &Config{File: name, Sections: map[string]chain.Pos{}}
	tokens, lerr := yamlbound.Tokenize(data, yamlbound.DefaultLimits)
	if lerr != nil {
		return nil, &Error{Pos: chain.Pos{File: name, Line: lerr.Line, Col: lerr.Col}, Msg: lerr.Msg, limit: lerr}
	}
	// LiteLLM reads its config with PyYAML, which accepts a key given twice
	// in one mapping (the last one wins); so does this reader.
	f, err := parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil, aliasHint(yamlError(name, err), data)
	}
	if len(f.Docs) == 0 || f.Docs[0] == nil || f.Docs[0].Body == nil {
		return cfg, nil
	}
	r := reader{file: name, anchors: map[string][]ast.Node{}}
	ast.Walk(&r, f.Docs[0].Body)
	cfg.RunnerRefs = r.refs
	body := r.unwrap(f.Docs[0].Body)
	if _, ok := body.(*ast.NullNode); ok {
		return cfg, nil
	}
	top, err := r.mapping(body, "the top level")
	if err != nil {
		return nil, err
	}
	for _, kv := range top {
		cfg.Sections[kv.key] = kv.keyPos
		switch kv.key {
		case "model_list":
			if err := r.modelList(cfg, kv.val); err != nil {
				return nil, err
			}
		case "general_settings":
			gs, err := r.mapping(kv.val, "general_settings")
			if err != nil {
				return nil, err
			}
			for _, g := range gs {
				if g.key == "master_key" {
					if cfg.MasterKey, err = r.scalar(g, "general_settings.master_key"); err != nil {
						return nil, err
					}
				}
			}
		case "environment_variables":
			ev, err := r.mapping(kv.val, "environment_variables")
			if err != nil {
				return nil, err
			}
			for _, e := range ev {
				v, err := r.scalar(e, "environment_variables."+e.key)
				if err != nil {
					return nil, err
				}
				cfg.EnvironmentVariables = append(cfg.EnvironmentVariables, EnvVar{Name: e.key, Value: v, NamePos: e.keyPos})
			}
		case "credential_list":
			if err := r.credentialList(cfg, kv.val); err != nil {
				return nil, err
			}
		case "litellm_settings", "router_settings":
			cfg.Fallbacks = append(cfg.Fallbacks, r.fallbacks(kv)...)
			if kv.key == "litellm_settings" {
				cfg.Cache = r.setting(kv, "cache")
				// Its master_key is read too (a misplaced proxy key), and
				// the providers its custom_provider_map registers.
				ls, _ := r.mapping(kv.val, "litellm_settings")
				for _, l := range ls {
					switch l.key {
					case "master_key":
						if v, ok := r.optScalar(l); ok {
							cfg.SettingsMasterKey = v
						}
					case "custom_provider_map":
						cfg.CustomProviders = r.customProviders(l.val)
					}
				}
			}
		case "include":
			if err := r.include(cfg, kv); err != nil {
				return nil, err
			}
		}
	}
	return cfg, nil
}

// include reads the top-level include: list. LiteLLM refuses anything but
// a list of file paths ("'include' must be a list of file paths").
func (r *reader) include(cfg *Config, kv pair) error {
	n := r.unwrap(kv.val)
	if _, ok := n.(*ast.NullNode); ok || n == nil {
		return nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return &Error{Pos: r.pos(n), Msg: "include must be a list of file paths (include: [models.yaml])"}
	}
	for i, item := range seq.Values {
		v, err := r.scalar(pair{key: "include", keyPos: r.pos(item), val: item}, fmt.Sprintf("include[%d]", i))
		if err != nil {
			return err
		}
		if !v.Set || v.Value == "" {
			return &Error{Pos: v.Pos, Msg: fmt.Sprintf("include[%d] is empty; it must name a file", i)}
		}
		cfg.Include = append(cfg.Include, v)
	}
	return nil
}

// fallbacks reads the fallback settings of section kv, skipping values of
// other shapes: LiteLLM's settings sections hold many keys hopcheck does
// not model, and a shape it does not know must not stop the run.
// fallbacks and its *_fallbacks variants are lists of {group: [groups]};
// default_fallbacks is a list of groups.
func (r *reader) fallbacks(kv pair) []Fallback {
	entries, err := r.mapping(kv.val, kv.key)
	if err != nil {
		return nil
	}
	var out []Fallback
	for _, e := range entries {
		if !slices.Contains(fallbackKinds, e.key) {
			continue
		}
		seq, ok := r.unwrap(e.val).(*ast.SequenceNode)
		if !ok {
			continue
		}
		if e.key == "default_fallbacks" {
			f := Fallback{Section: kv.key, Kind: e.key, Pos: e.keyPos}
			f.To = r.groups(seq)
			out = append(out, f)
			continue
		}
		for _, item := range seq.Values {
			m, err := r.mapping(item, e.key)
			if err != nil {
				continue
			}
			for _, g := range m {
				f := Fallback{Section: kv.key, Kind: e.key, From: g.key, Pos: g.keyPos}
				switch t := r.unwrap(g.val).(type) {
				case *ast.SequenceNode:
					f.To = r.groups(t)
				default:
					if v, ok := r.optScalar(g); ok && v.Set {
						f.To = []Value{v}
					}
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// setting reads the scalar key of settings section kv (unset when absent
// or not a scalar).
func (r *reader) setting(kv pair, key string) Value {
	entries, err := r.mapping(kv.val, kv.key)
	if err != nil {
		return Value{}
	}
	for _, e := range entries {
		if e.key == key {
			v, _ := r.optScalar(e)
			return v
		}
	}
	return Value{}
}

// groups reads a list of model group names (scalars only).
func (r *reader) groups(seq *ast.SequenceNode) []Value {
	var out []Value
	for _, item := range seq.Values {
		if v, ok := r.optScalar(pair{keyPos: r.pos(item), val: item}); ok && v.Set {
			out = append(out, v)
		}
	}
	return out
}

func (r *reader) credentialList(cfg *Config, n ast.Node) error {
	n = r.unwrap(n)
	if _, ok := n.(*ast.NullNode); ok || n == nil {
		return nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return &Error{Pos: r.pos(n), Msg: "credential_list must be a list of credentials"}
	}
	for i, item := range seq.Values {
		item = r.unwrap(item)
		c := Credential{Pos: r.pos(item)}
		where := fmt.Sprintf("credential_list[%d]", i)
		entries, err := r.mapping(item, where)
		if err != nil {
			return err
		}
		for _, kv := range entries {
			switch kv.key {
			case "credential_name":
				if c.Name, err = r.scalar(kv, where+".credential_name"); err != nil {
					return err
				}
			case "credential_values":
				vals, err := r.mapping(kv.val, where+".credential_values")
				if err != nil {
					return err
				}
				for _, p := range vals {
					v, ok := r.optScalar(p)
					if !ok {
						continue
					}
					if c.Values == nil {
						c.Values = map[string]Value{}
					}
					c.Values[p.key] = v
				}
			}
		}
		cfg.Credentials = append(cfg.Credentials, c)
	}
	return nil
}

func (r *reader) modelList(cfg *Config, n ast.Node) error {
	n = r.unwrap(n)
	if _, ok := n.(*ast.NullNode); ok {
		return nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return &Error{Pos: r.pos(n), Msg: "model_list must be a list of models (each entry starts with \"- model_name: …\")"}
	}
	for i, item := range seq.Values {
		item = r.unwrap(item)
		d := Deployment{Pos: r.pos(item)}
		where := fmt.Sprintf("model_list[%d]", i)
		entries, err := r.mapping(item, where)
		if err != nil {
			return err
		}
		for _, kv := range entries {
			switch kv.key {
			case "model_name":
				if d.ModelName, err = r.scalar(kv, where+".model_name"); err != nil {
					return err
				}
			case "litellm_params":
				params, err := r.mapping(kv.val, where+".litellm_params")
				if err != nil {
					return err
				}
				for _, p := range params {
					var dst *Value
					switch p.key {
					case "model":
						dst = &d.Model
					case "api_key":
						dst = &d.APIKey
					case "api_base":
						dst = &d.APIBase
					case "api_version":
						dst = &d.APIVersion
					case "litellm_credential_name":
						dst = &d.Credential
					case "mock_response":
						if v, ok := r.optScalar(p); ok {
							d.Mock = v
						} else {
							d.Mock = Value{Value: "(structured)", Pos: p.keyPos, Set: true}
						}
						continue
					default:
						// Other params may be lists or maps (extra_headers,
						// tags); only their scalars matter here.
						if v, ok := r.optScalar(p); ok {
							if d.Params == nil {
								d.Params = map[string]Value{}
							}
							d.Params[p.key] = v
						}
						continue
					}
					if *dst, err = r.scalar(p, where+".litellm_params."+p.key); err != nil {
						return err
					}
				}
			case "model_info":
				info, err := r.mapping(kv.val, where+".model_info")
				if err != nil {
					return err
				}
				for _, p := range info {
					switch p.key {
					case "mode":
						if d.Mode, err = r.scalar(p, where+".model_info.mode"); err != nil {
							return err
						}
					case "id":
						if v, ok := r.optScalar(p); ok {
							d.ID = v
						}
					}
				}
			}
		}
		cfg.ModelList = append(cfg.ModelList, d)
	}
	return nil
}

// reader walks the goccy/go-yaml AST. Walking the AST by hand (instead of
// decoding into structs) is what keeps a position for every value; anchors,
// aliases and `<<` merge keys are resolved here because LiteLLM configs use
// them to share litellm_params between entries.
type reader struct {
	file    string
	anchors map[string][]ast.Node // anchored nodes by name, in document order
	depth   int
	// merged caches each mapping node's resolved pairs: merge keys (<<)
	// over aliases would otherwise re-expand shared nodes exponentially
	// (an alias bomb); with the cache every node is read once.
	merged map[*ast.MappingNode][]pair
	// refs are the runner-variable references in decoded strings.
	refs []trust.DecodedRef
}

// Visit records every anchor before the read starts, so an alias can refer
// to an anchor in a section the reader otherwise skips, and every
// reference to a runner variable in a string as YAML decodes it, in any
// section.
func (r *reader) Visit(n ast.Node) ast.Visitor {
	switch t := n.(type) {
	case *ast.AnchorNode:
		if t.Name != nil && t.Value != nil {
			name := t.Name.GetToken().Value
			r.anchors[name] = append(r.anchors[name], t.Value)
		}
	case *ast.StringNode: // block literals (|, >) hold one too
		r.refs = append(r.refs, trust.DecodedRefs(t.Value, r.pos(t))...)
	}
	return r
}

// anchor returns the node of the last anchor named name defined before the
// alias at offset (YAML: an alias refers to the most recent anchor).
func (r *reader) anchor(name string, offset int) (ast.Node, bool) {
	var found ast.Node
	for _, n := range r.anchors[name] {
		if tk := n.GetToken(); tk != nil && tk.Position.Offset < offset {
			found = n
		}
	}
	return found, found != nil
}

type pair struct {
	key    string
	keyPos chain.Pos
	val    ast.Node
}

func (r *reader) pos(n ast.Node) chain.Pos {
	// A mapping's own token is its first ':'; point at its first key.
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && !m.IsFlowStyle {
		n = m.Values[0].Key
	}
	if n == nil || n.GetToken() == nil {
		return chain.Pos{File: r.file}
	}
	p := n.GetToken().Position
	return chain.Pos{File: r.file, Line: p.Line, Col: p.Column}
}

// unwrap strips tags, records anchors and follows aliases.
func (r *reader) unwrap(n ast.Node) ast.Node {
	for i := 0; i < 64 && n != nil; i++ {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		case *ast.AliasNode:
			target, ok := r.anchor(t.Value.GetToken().Value, t.GetToken().Position.Offset)
			if !ok {
				return t
			}
			n = target
		default:
			return n
		}
	}
	return n
}

// mapping returns the key/value pairs of a mapping node, with `<<` merges
// applied (explicit keys win over merged ones). A null node is an empty
// mapping.
func (r *reader) mapping(n ast.Node, where string) ([]pair, error) {
	n = r.unwrap(n)
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return nil, nil
	case *ast.MappingNode:
		if done, ok := r.merged[t]; ok {
			return done, nil
		}
		r.depth++
		defer func() { r.depth-- }()
		if r.depth > 32 {
			return nil, &Error{Pos: r.pos(n), Msg: where + ": nested too deeply"}
		}
		var out, merged []pair
		for _, mv := range t.Values {
			if mv.Key.IsMergeKey() {
				inner, err := r.merge(mv.Value, where)
				if err != nil {
					return nil, err
				}
				merged = append(merged, inner...)
				continue
			}
			k := r.unwrap(mv.Key)
			key := ""
			if s, ok := k.(ast.ScalarNode); ok {
				key = scalarText(s)
			}
			out = append(out, pair{key: key, keyPos: r.pos(k), val: mv.Value})
		}
		out = lastWins(out)
		for _, m := range merged {
			if !hasKey(out, m.key) {
				out = append(out, m)
			}
		}
		if r.merged == nil {
			r.merged = map[*ast.MappingNode][]pair{}
		}
		r.merged[t] = out
		return out, nil
	}
	return nil, &Error{Pos: r.pos(n), Msg: where + " must be a mapping"}
}

func (r *reader) merge(n ast.Node, where string) ([]pair, error) {
	n = r.unwrap(n)
	if seq, ok := n.(*ast.SequenceNode); ok {
		var out []pair
		for _, item := range seq.Values {
			m, err := r.mapping(item, where)
			if err != nil {
				return nil, err
			}
			for _, p := range m {
				if !hasKey(out, p.key) {
					out = append(out, p)
				}
			}
		}
		return out, nil
	}
	return r.mapping(n, where)
}

// lastWins drops every pair whose key comes again later, as PyYAML does
// with a key given twice.
func lastWins(ps []pair) []pair {
	seen := map[string]bool{}
	out := make([]pair, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		if seen[ps[i].key] {
			continue
		}
		seen[ps[i].key] = true
		out = append(out, ps[i])
	}
	slices.Reverse(out)
	return out
}

// aliasHint completes a syntax error at a bare `*` (model_name: *), which
// YAML reads as an alias without a name: LiteLLM's docs mean the wildcard
// route "*".
func aliasHint(err error, data []byte) error {
	var e *Error
	if !errors.As(err, &e) || e.Pos.Line < 1 {
		return err
	}
	lines := strings.Split(string(data), "\n")
	if e.Pos.Line > len(lines) {
		return err
	}
	line := strings.TrimRight(lines[e.Pos.Line-1], "\r \t")
	if strings.HasSuffix(line, ": *") || strings.HasSuffix(line, "- *") || line == "*" {
		e.Msg += `; a bare * starts a YAML alias: quote the wildcard ("*")`
		if i := strings.LastIndex(line, "*"); i >= 0 {
			e.Pos.Col = i + 1
		}
	}
	return err
}

func hasKey(ps []pair, k string) bool {
	for _, p := range ps {
		if p.key == k {
			return true
		}
	}
	return false
}

// scalar reads a scalar value; null gives an unset Value at the key.
func (r *reader) scalar(p pair, where string) (Value, error) {
	n := r.unwrap(p.val)
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return Value{Pos: p.keyPos}, nil
	case ast.ScalarNode:
		return Value{Value: scalarText(t), Pos: r.pos(n), Set: true}, nil
	}
	return Value{}, &Error{Pos: r.pos(n), Msg: where + " must be a single value"}
}

// optScalar reads a scalar value, reporting false for anything else (a
// list or a mapping) instead of an error.
// customProviders reads the provider names of custom_provider_map, a list
// of {provider, custom_handler}; entries of another shape are LiteLLM's to
// refuse and are skipped.
func (r *reader) customProviders(n ast.Node) []Value {
	seq, ok := r.unwrap(n).(*ast.SequenceNode)
	if !ok {
		return nil
	}
	var out []Value
	for _, it := range seq.Values {
		ps, err := r.mapping(it, "litellm_settings.custom_provider_map")
		if err != nil {
			continue
		}
		for _, p := range ps {
			if p.key == "provider" {
				if v, ok := r.optScalar(p); ok && v.Value != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func (r *reader) optScalar(p pair) (Value, bool) {
	switch r.unwrap(p.val).(type) {
	case nil, *ast.NullNode, ast.ScalarNode:
		v, err := r.scalar(p, p.key)
		return v, err == nil
	}
	return Value{}, false
}

func scalarText(s ast.ScalarNode) string {
	switch t := s.(type) {
	case *ast.StringNode:
		return t.Value
	case *ast.LiteralNode:
		if t.Value != nil {
			return t.Value.Value
		}
		return ""
	case *ast.NullNode:
		return ""
	}
	if tk := s.GetToken(); tk != nil {
		return tk.Value
	}
	return fmt.Sprint(s.GetValue())
}

// yamlError turns a go-yaml error into "file:line:col: message".
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return &Error{Pos: chain.Pos{File: name, Line: p.Line, Col: p.Column}, Msg: ye.GetMessage()}
	}
	return &Error{Pos: chain.Pos{File: name}, Msg: err.Error()}
}

// MaxIncludes bounds the files Load reads for include:, so a config cannot
// make hopcheck read the repository over and over.
const MaxIncludes = 32

// ReadFunc reads a file Load includes: rel is relative to the repository
// root (slash-separated), at the include: entry that names it. It returns
// the content or an error (a missing file: fs.ErrNotExist).
type ReadFunc func(rel string, at chain.Pos) ([]byte, error)

// Load parses the config name (data) and follows its include: list as
// LiteLLM's ProxyConfig._process_includes does: each entry is a path
// relative to the directory of the config LiteLLM was started with (also
// for entries written in an included file); the included file's top-level
// keys are merged in order — a list (model_list, credential_list) extends
// the list already there, any other value (general_settings,
// environment_variables) replaces it — and the include: list of an
// included file is appended to the list being processed. Positions of
// included values point into the included file.
//
// LiteLLM refuses to start when an included file is missing, and never
// stops when files include each other in a circle; Load returns an *Error
// at the include: entry for both (and for entries leaving the repository).
// On an error the returned Config is nil except for Included, the files
// read so far.
func Load(name string, data []byte, read ReadFunc) (*Config, error) {
	root, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	if len(root.Include) == 0 {
		return root, nil
	}
	dir := path.Dir(name)
	type item struct {
		entry Value
		// via is the chain of files that led to this entry, the root first.
		via []string
	}
	var queue []item
	for _, e := range root.Include {
		queue = append(queue, item{e, []string{name}})
	}
	partial := &Config{File: name, Included: nil}
	for n := 0; n < len(queue); n++ {
		it := queue[n]
		if n >= MaxIncludes {
			partial.Included = root.Included
			return partial, &Error{Pos: it.entry.Pos, Msg: fmt.Sprintf("include: names more than %d files in all; hopcheck stops there", MaxIncludes)}
		}
		raw := it.entry.Value
		if path.IsAbs(raw) || filepath.IsAbs(raw) {
			partial.Included = root.Included
			return partial, &Error{Pos: it.entry.Pos, Msg: fmt.Sprintf("include %q is an absolute path; hopcheck reads only files of the repository (write it relative to %s)", raw, orDot(dir))}
		}
		rel := path.Join(dir, filepath.ToSlash(raw))
		if slices.Contains(it.via, rel) {
			cycle := strings.Join(append(slices.Clone(it.via), rel), " → ")
			partial.Included = root.Included
			return partial, &Error{Pos: it.entry.Pos, Msg: fmt.Sprintf("include cycle %s: LiteLLM would include these files forever and never start", cycle)}
		}
		data, err := read(rel, it.entry.Pos)
		if err != nil {
			partial.Included = root.Included
			if errors.Is(err, fs.ErrNotExist) {
				return partial, &Error{Pos: it.entry.Pos, Msg: fmt.Sprintf("included file %s does not exist (LiteLLM: \"Included file not found\"); paths are relative to %s", rel, orDot(dir))}
			}
			return partial, &Error{Pos: it.entry.Pos, Msg: fmt.Sprintf("included file %s cannot be read: %v", rel, err)}
		}
		root.Included = append(root.Included, rel)
		inc, err := Parse(rel, data)
		if err != nil {
			partial.Included = root.Included
			return partial, err
		}
		root.RunnerRefs = append(root.RunnerRefs, inc.RunnerRefs...)
		root.merge(inc)
		for _, e := range inc.Include {
			queue = append(queue, item{e, append(slices.Clone(it.via), rel)})
		}
	}
	return root, nil
}

// merge applies one included file to c the way LiteLLM does.
func (c *Config) merge(inc *Config) {
	for key, pos := range inc.Sections {
		c.Sections[key] = pos
		switch key {
		case "model_list":
			c.ModelList = append(c.ModelList, inc.ModelList...)
		case "credential_list":
			c.Credentials = append(c.Credentials, inc.Credentials...)
		case "general_settings":
			c.MasterKey = inc.MasterKey
		case "environment_variables":
			c.EnvironmentVariables = inc.EnvironmentVariables
		case "litellm_settings", "router_settings":
			if key == "litellm_settings" {
				c.Cache = inc.Cache
				c.SettingsMasterKey = inc.SettingsMasterKey
				c.CustomProviders = inc.CustomProviders
			}
			c.Fallbacks = slices.DeleteFunc(c.Fallbacks, func(f Fallback) bool { return f.Section == key })
			for _, f := range inc.Fallbacks {
				if f.Section == key {
					c.Fallbacks = append(c.Fallbacks, f)
				}
			}
		}
	}
}

func orDot(dir string) string {
	if dir == "." {
		return "the repository root"
	}
	return dir
}

var (
	topModelList = regexp.MustCompile(`(?m)^model_list[ \t]*:`)
	topInclude   = regexp.MustCompile(`(?m)^include[ \t]*:`)
	topSection   = regexp.MustCompile(`(?m)^(?:litellm_settings|general_settings|router_settings|credential_list|environment_variables)[ \t]*:`)
)

// LooksLikeConfig reports, without parsing, whether a YAML file is a
// LiteLLM proxy config: it has a top-level model_list, or a top-level
// include: together with one of LiteLLM's own sections (a parent config
// whose routes all live in included files). include: alone is not enough:
// other tools' YAML (GitLab CI) has it too.
func LooksLikeConfig(data []byte) bool {
	return topModelList.Match(data) || (topInclude.Match(data) && topSection.Match(data))
}
