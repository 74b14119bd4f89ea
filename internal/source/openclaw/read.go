package openclaw

// The reader: openclaw.json (JSON5) with its $include files, every value
// kept with its source position. It only reads: what the values mean is
// derive.go's business, what is wrong with them judge.go's.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/json5"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// DefaultPort is the gateway port when neither gateway.port nor
// OPENCLAW_GATEWAY_PORT sets one.
const DefaultPort = 18789

// Str is one string setting and where it was written.
type Str struct {
	Value string `json:"value"`
	// Pos is the value's position, or the key's when the value is absent.
	Pos chain.Pos `json:"-"`
	Set bool      `json:"set"`
}

// Secret is a credential setting. OpenClaw accepts a literal, a string
// holding `${VAR}` references (substituted from the gateway's environment),
// or a SecretRef object `{source, provider, id}`.
type Secret struct {
	Pos chain.Pos `json:"-"`
	Set bool      `json:"set"`
	// Env is the environment variable the value comes from: the string is
	// exactly `${VAR}`, or a SecretRef with source "env".
	Env string `json:"env,omitempty"`
	// Literal is the value as written when it is neither a reference nor
	// contains one. Never print it (use secret.Fingerprint).
	Literal string `json:"-"`
	// Template is set when the string mixes `${VAR}` references with text
	// (e.g. "Bearer ${TOKEN}"); Vars lists the referenced names.
	Template bool     `json:"template,omitempty"`
	Vars     []string `json:"vars,omitempty"`
	// Ref describes a SecretRef hopcheck cannot resolve (source file, exec
	// or store), e.g. "file:filemain:/providers/openrouter/apiKey".
	Ref string `json:"ref,omitempty"`
}

// IsLiteral reports whether the secret is a literal committed in the file.
func (s Secret) IsLiteral() bool { return s.Set && s.Literal != "" }

// Provider is one models.providers entry.
type Provider struct {
	ID      string    `json:"id"`
	Pos     chain.Pos `json:"-"` // the provider's key
	BaseURL Str       `json:"base_url"`
	APIKey  Secret    `json:"api_key"`
	API     Str       `json:"api"`
	// Models are the ids of the models[] entries.
	Models []Str `json:"models,omitempty"`
}

// Gateway is the gateway section.
type Gateway struct {
	Pos     chain.Pos `json:"-"` // the "gateway" key (zero when absent)
	Mode    Str       `json:"mode"`
	Port    int       `json:"port"` // DefaultPort when unset
	PortPos chain.Pos `json:"-"`
	PortSet bool      `json:"port_set"`
	Bind    Str       `json:"bind"`
	// CustomBindHost is gateway.customBindHost (bind "custom").
	CustomBindHost Str       `json:"custom_bind_host"`
	AuthMode       Str       `json:"auth_mode"`
	AuthPos        chain.Pos `json:"-"` // the "auth" key
	Token          Secret    `json:"token"`
	Password       Secret    `json:"password"`
	// ChatCompletions is gateway.http.endpoints.chatCompletions.enabled
	// (default false: the endpoint answers 404).
	ChatCompletions    bool      `json:"chat_completions"`
	ChatCompletionsPos chain.Pos `json:"-"`
	ChatCompletionsSet bool      `json:"chat_completions_set"`
}

// AuthProfile is one auth.profiles entry: routing metadata only; the key
// itself lives in OpenClaw's state database, not in openclaw.json.
type AuthProfile struct {
	ID       string    `json:"id"`
	Pos      chain.Pos `json:"-"`
	Provider Str       `json:"provider"`
	Mode     Str       `json:"mode"`
}

// EnvVar is one inline variable of the env block, written either directly
// (env: {VAR: "…"}) or under env.vars. OpenClaw applies both to the
// gateway's environment when the process environment lacks the variable.
type EnvVar struct {
	Name string `json:"name"`
	// Setting is where it is written: "env.VAR" or "env.vars.VAR".
	Setting string    `json:"setting"`
	Pos     chain.Pos `json:"-"`
	Value   Secret    `json:"value"`
}

// ModelSetting is a model setting: a string "<provider>/<model>" or an
// object {primary, fallbacks}.
type ModelSetting struct {
	// Setting is the setting's path, e.g. "agents.defaults.model".
	Setting string    `json:"setting"`
	Pos     chain.Pos `json:"-"` // the setting's key
	Set     bool      `json:"set"`
	// Primary is the primary model; PrimarySetting its path
	// ("agents.defaults.model.primary", or Setting for the string form).
	Primary        Str    `json:"primary"`
	PrimarySetting string `json:"primary_setting"`
	Fallbacks      []Str  `json:"fallbacks,omitempty"`
}

// Agent is one agent of agents.list (or of agents.entries, keyed by id).
type Agent struct {
	ID string `json:"id"`
	// Setting is the entry's path: "agents.list[2]" or "agents.entries.main".
	Setting string       `json:"setting"`
	Pos     chain.Pos    `json:"-"`
	Default bool         `json:"default"`
	Model   ModelSetting `json:"model"`
}

// ModelEntry is one key of agents.defaults.models: a model ref and its
// alias ("anthropic/claude-opus-4-6": {alias: "opus"}).
type ModelEntry struct {
	Ref   string    `json:"ref"`
	Pos   chain.Pos `json:"-"`
	Alias string    `json:"alias,omitempty"`
}

// Credential is a string value at a key that names a credential anywhere
// in the config (apiKey, token, botToken, password, …, and inline
// variables with such names), for the committed-secret check.
type Credential struct {
	// Path is the value's path, e.g. "channels.telegram.accounts.serve.botToken".
	Path   string `json:"path"`
	Secret Secret `json:"secret"`
}

// Ref is one ${VAR} reference in a string value of the config.
type Ref struct {
	Name string    `json:"name"`
	Path string    `json:"path"`
	Pos  chain.Pos `json:"-"`
}

// Include is one path an $include directive names.
type Include struct {
	// Path is the path as written; Pos where.
	Path string    `json:"path"`
	Pos  chain.Pos `json:"-"`
	// File is the file it resolves to, relative to the workspace in slash
	// form ("" when it was not resolved).
	File string `json:"file,omitempty"`
	// Missing: the file does not exist (OpenClaw refuses to load the
	// config).
	Missing bool `json:"missing,omitempty"`
	// NotFollowed says why hopcheck did not read it ("" when it did).
	NotFollowed string `json:"not_followed,omitempty"`
}

// Ignored is a value hopcheck reads past because OpenClaw defines no such
// setting there (env.files, agents.bindings).
type Ignored struct {
	Path string    `json:"path"`
	Pos  chain.Pos `json:"-"`
	// Why says what OpenClaw expects there.
	Why string `json:"why"`
}

// Config is a parsed openclaw.json with its includes resolved.
type Config struct {
	File string `json:"file"`
	// Files are File and every file its $include directives brought in,
	// in the order read.
	Files     []string   `json:"files"`
	Gateway   Gateway    `json:"gateway"`
	Providers []Provider `json:"providers"`
	// ProvidersPos is the position of models.providers (zero when absent).
	ProvidersPos chain.Pos `json:"-"`
	// Defaults is agents.defaults.model, the default model of current
	// OpenClaw; Legacy is agent.model (the singular `agent` key of older
	// releases, which OpenClaw 2026 refuses); ModelsDefault is
	// models.default, another older spelling.
	Defaults      ModelSetting `json:"defaults"`
	Legacy        ModelSetting `json:"legacy"`
	ModelsDefault ModelSetting `json:"models_default"`
	// LegacyAgentPos is the position of the `agent` key (zero when absent).
	LegacyAgentPos chain.Pos `json:"-"`
	// PrimaryModel is agents.defaults.model's primary (Defaults.Primary).
	PrimaryModel Str `json:"primary_model"`
	// AgentsPos and AgentDefaultsPos are the `agents` and
	// `agents.defaults` keys (zero when absent).
	AgentsPos        chain.Pos `json:"-"`
	AgentDefaultsPos chain.Pos `json:"-"`
	// Agents are agents.list or agents.entries, in file order.
	Agents []Agent `json:"agents,omitempty"`
	// ModelEntries are the keys of agents.defaults.models.
	ModelEntries []ModelEntry  `json:"model_entries,omitempty"`
	AuthProfiles []AuthProfile `json:"auth_profiles,omitempty"`
	EnvVars      []EnvVar      `json:"env_vars,omitempty"`
	Credentials  []Credential  `json:"credentials,omitempty"`
	// Refs are every ${VAR} reference of the files, in file order.
	Refs     []Ref     `json:"refs,omitempty"`
	Includes []Include `json:"includes,omitempty"`
	Ignored  []Ignored `json:"ignored,omitempty"`
	// Root is the whole document, includes resolved.
	Root *json5.Value `json:"-"`
	// RunnerRefs are the references to runner variables in the decoded
	// strings of the files (an escape such as "\u0024{GITHUB_TOKEN}"
	// resolved) and in SecretRefs {source: "env", id: …}.
	RunnerRefs []trust.DecodedRef `json:"-"`
}

// Provider returns the provider with the given id (compared as OpenClaw
// does, ignoring case), or nil.
func (c *Config) Provider(id string) *Provider {
	for i := range c.Providers {
		if strings.EqualFold(c.Providers[i].ID, id) {
			return &c.Providers[i]
		}
	}
	return nil
}

// EnvVar returns the inline variable name of the env block, or nil. When
// both forms set it, env.vars wins, as in OpenClaw.
func (c *Config) EnvVar(name string) *EnvVar {
	var found *EnvVar
	for i := range c.EnvVars {
		if c.EnvVars[i].Name == name && (found == nil || strings.HasPrefix(c.EnvVars[i].Setting, "env.vars.")) {
			found = &c.EnvVars[i]
		}
	}
	return found
}

// Error is a config OpenClaw refuses to load although it is valid JSON5: a
// value of the wrong type, or an $include that cannot be followed (a
// cycle, a path out of the config's directory, a refused file).
type Error struct {
	Pos chain.Pos
	Msg string
	// Fix says what to change ("" when the message says it).
	Fix string
	// Limit: the includes passed a bound of the reader (see MaxIncludes).
	Limit bool
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Opener reads a file an $include names: rel is relative to the workspace,
// in slash form. A missing file is an error wrapping fs.ErrNotExist.
type Opener func(rel string) ([]byte, error)

// Load reads and parses an openclaw.json and the files it includes, which
// must be regular files inside the workspace directory (see package fsafe);
// a relative path is relative to the workspace.
func Load(workspace, path string) (*Config, error) {
	data, err := fsafe.ReadFile(workspace, path)
	if err != nil {
		return nil, err
	}
	return Read(path, data, func(rel string) ([]byte, error) { return fsafe.ReadFile(workspace, rel) })
}

// Parse parses the JSON5 text of an openclaw.json read from file without
// following its $include directives (each is listed as not followed).
func Parse(file string, data []byte) (*Config, error) { return Read(file, data, nil) }

// Read parses the JSON5 text of an openclaw.json read from file (a path
// relative to the workspace) and resolves its $include directives through
// open (nil: they are not followed). Errors are a *json5.SyntaxError (in
// whichever file has it) or an *Error.
func Read(file string, data []byte, open Opener) (*Config, error) {
	root, err := json5.Parse(file, data)
	if err != nil {
		return nil, err
	}
	cfg := &Config{File: file, Files: []string{file}}
	inc := &includer{open: open, cfg: cfg, dir: dirOf(file)}
	if root, err = inc.process(root, file, []string{file}); err != nil {
		return nil, err
	}
	if root.Kind != json5.Object {
		return nil, &Error{Pos: root.Pos, Msg: fmt.Sprintf("openclaw.json must hold an object, not %s", root.Kind)}
	}
	r := &reader{cfg: cfg}
	cfg.Root = root
	r.gateway(root)
	r.providers(root)
	r.models(root)
	r.profiles(root)
	r.env(root)
	r.walk(root, "")
	r.unknownKeys(root)
	if r.err != nil {
		return nil, r.err
	}
	return cfg, nil
}

// reader keeps the first type error.
type reader struct {
	cfg *Config
	err error
}

func (r *reader) fail(p chain.Pos, format string, a ...any) {
	if r.err == nil {
		r.err = &Error{Pos: p, Msg: fmt.Sprintf(format, a...)}
	}
}

// obj returns the object at key of parent (nil when absent or null); any
// other type is an error named by path.
func (r *reader) obj(parent *json5.Value, key, path string) (*json5.Value, *json5.Member) {
	m := parent.Member(key)
	if m == nil || m.Value.Kind == json5.Null {
		return nil, m
	}
	if m.Value.Kind != json5.Object {
		r.fail(m.Value.Pos, "%s must be an object, not %s", path, m.Value.Kind)
		return nil, m
	}
	return m.Value, m
}

func (r *reader) str(parent *json5.Value, key, path string) Str {
	m := parent.Member(key)
	if m == nil {
		return Str{Pos: posOf(parent)}
	}
	switch m.Value.Kind {
	case json5.Null:
		return Str{Pos: m.KeyPos}
	case json5.String:
		return Str{Value: m.Value.Str, Pos: m.Value.Pos, Set: true}
	}
	r.fail(m.Value.Pos, "%s must be a string, not %s", path, m.Value.Kind)
	return Str{Pos: m.Value.Pos}
}

func posOf(v *json5.Value) chain.Pos {
	if v == nil {
		return chain.Pos{}
	}
	return v.Pos
}

var (
	// OpenClaw substitutes only upper-case names (config-secrets-env.md).
	varRe     = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)\}`)
	wholeVar  = regexp.MustCompile(`^\$\{([A-Z_][A-Z0-9_]*)\}$`)
	escapedRe = regexp.MustCompile(`\$\$\{[A-Z_][A-Z0-9_]*\}`)
)

// secret reads a credential: literal, `${VAR}` string or SecretRef object.
func (r *reader) secret(parent *json5.Value, key, path string) Secret {
	m := parent.Member(key)
	if m == nil {
		return Secret{Pos: posOf(parent)}
	}
	v := m.Value
	switch v.Kind {
	case json5.Null:
		return Secret{Pos: m.KeyPos}
	case json5.String:
		return stringSecret(v.Str, v.Pos)
	case json5.Object:
		return r.secretRef(v, path)
	}
	r.fail(v.Pos, "%s must be a string or a SecretRef object, not %s", path, v.Kind)
	return Secret{Pos: v.Pos}
}

func (r *reader) secretRef(v *json5.Value, path string) Secret {
	src := r.str(v, "source", path+".source")
	prov := r.str(v, "provider", path+".provider")
	id := r.str(v, "id", path+".id")
	s := Secret{Pos: v.Pos, Set: true}
	if src.Value == "env" && id.Value != "" {
		s.Env = id.Value
		return s
	}
	p := prov.Value
	if p == "" {
		p = "default"
	}
	s.Ref = src.Value + ":" + p + ":" + id.Value
	return s
}

func stringSecret(text string, pos chain.Pos) Secret {
	s := Secret{Pos: pos, Set: text != ""}
	if m := wholeVar.FindStringSubmatch(text); m != nil {
		s.Env = m[1]
		return s
	}
	// `$${VAR}` is an escaped literal, not a reference.
	unescaped := escapedRe.ReplaceAllString(text, "")
	if ms := varRe.FindAllStringSubmatch(unescaped, -1); ms != nil {
		s.Template = true
		for _, m := range ms {
			s.Vars = append(s.Vars, m[1])
		}
		return s
	}
	s.Literal = text
	return s
}

func (r *reader) gateway(root *json5.Value) {
	g := &r.cfg.Gateway
	g.Port = DefaultPort
	gw, gm := r.obj(root, "gateway", "gateway")
	if gm != nil {
		g.Pos = gm.KeyPos
	}
	if gw == nil {
		g.PortPos, g.Bind.Pos, g.AuthMode.Pos, g.Token.Pos, g.ChatCompletionsPos = g.Pos, g.Pos, g.Pos, g.Pos, g.Pos
		return
	}
	g.Mode = r.str(gw, "mode", "gateway.mode")
	g.PortPos = gw.Pos
	if m := gw.Member("port"); m != nil && m.Value.Kind != json5.Null {
		v := m.Value
		if v.Kind != json5.Number || v.Num != float64(int(v.Num)) || v.Num < 1 || v.Num > 65535 {
			r.fail(v.Pos, "gateway.port must be a port number (1-65535)")
		} else {
			g.Port, g.PortSet = int(v.Num), true
		}
		g.PortPos = v.Pos
	}
	g.Bind = r.str(gw, "bind", "gateway.bind")
	g.CustomBindHost = r.str(gw, "customBindHost", "gateway.customBindHost")
	auth, am := r.obj(gw, "auth", "gateway.auth")
	g.AuthPos = gw.Pos
	if am != nil {
		g.AuthPos = am.KeyPos
	}
	if auth != nil {
		g.AuthMode = r.str(auth, "mode", "gateway.auth.mode")
		g.Token = r.secret(auth, "token", "gateway.auth.token")
		g.Password = r.secret(auth, "password", "gateway.auth.password")
	} else {
		g.AuthMode.Pos, g.Token.Pos, g.Password.Pos = g.AuthPos, g.AuthPos, g.AuthPos
	}
	g.ChatCompletionsPos = gw.Pos
	cur := gw
	for i, k := range []string{"http", "endpoints", "chatCompletions"} {
		path := "gateway." + strings.Join([]string{"http", "endpoints", "chatCompletions"}[:i+1], ".")
		next, m := r.obj(cur, k, path)
		if m != nil {
			g.ChatCompletionsPos = m.KeyPos
		}
		if next == nil {
			return
		}
		cur = next
	}
	if m := cur.Member("enabled"); m != nil && m.Value.Kind != json5.Null {
		if m.Value.Kind != json5.Bool {
			r.fail(m.Value.Pos, "gateway.http.endpoints.chatCompletions.enabled must be true or false, not %s", m.Value.Kind)
			return
		}
		g.ChatCompletions, g.ChatCompletionsSet, g.ChatCompletionsPos = m.Value.Bool, true, m.Value.Pos
	}
}

func (r *reader) providers(root *json5.Value) {
	cfg := r.cfg
	models, _ := r.obj(root, "models", "models")
	if models == nil {
		return
	}
	cfg.ModelsDefault = r.modelSetting(models, "default", "models.default")
	provs, pm := r.obj(models, "providers", "models.providers")
	if pm != nil {
		cfg.ProvidersPos = pm.KeyPos
	}
	if provs == nil {
		return
	}
	for _, m := range provs.Members {
		path := "models.providers." + m.Key
		if m.Value.Kind != json5.Object {
			r.fail(m.Value.Pos, "%s must be an object, not %s", path, m.Value.Kind)
			continue
		}
		pv := m.Value
		p := Provider{ID: m.Key, Pos: m.KeyPos,
			BaseURL: r.str(pv, "baseUrl", path+".baseUrl"),
			APIKey:  r.secret(pv, "apiKey", path+".apiKey"),
			API:     r.str(pv, "api", path+".api")}
		if mm := pv.Member("models"); mm != nil && mm.Value.Kind != json5.Null {
			if mm.Value.Kind != json5.Array {
				r.fail(mm.Value.Pos, "%s.models must be an array, not %s", path, mm.Value.Kind)
			} else {
				for i, it := range mm.Value.Items {
					if it.Kind != json5.Object {
						r.fail(it.Pos, "%s.models[%d] must be an object, not %s", path, i, it.Kind)
						continue
					}
					p.Models = append(p.Models, r.str(it, "id", fmt.Sprintf("%s.models[%d].id", path, i)))
				}
			}
		}
		// A repeated provider key: the last one wins, as in JSON5.parse.
		if prev := cfg.Provider(m.Key); prev != nil {
			*prev = p
			continue
		}
		cfg.Providers = append(cfg.Providers, p)
	}
}

// modelSetting reads a model setting at key of parent: a string or
// {primary, fallbacks}.
func (r *reader) modelSetting(parent *json5.Value, key, path string) ModelSetting {
	s := ModelSetting{Setting: path, Pos: posOf(parent), PrimarySetting: path}
	m := parent.Member(key)
	if m == nil {
		return s
	}
	s.Pos = m.KeyPos
	switch m.Value.Kind {
	case json5.Null:
	case json5.String:
		s.Primary = Str{Value: m.Value.Str, Pos: m.Value.Pos, Set: m.Value.Str != ""}
		s.Set = s.Primary.Set
	case json5.Object:
		s.PrimarySetting = path + ".primary"
		s.Primary = r.str(m.Value, "primary", s.PrimarySetting)
		if !s.Primary.Set {
			s.Primary.Pos = m.KeyPos
		}
		if fm := m.Value.Member("fallbacks"); fm != nil && fm.Value.Kind != json5.Null {
			if fm.Value.Kind != json5.Array {
				r.fail(fm.Value.Pos, "%s.fallbacks must be an array of model refs, not %s", path, fm.Value.Kind)
				break
			}
			for i, it := range fm.Value.Items {
				if it.Kind != json5.String {
					r.fail(it.Pos, "%s.fallbacks[%d] must be a string, not %s", path, i, it.Kind)
					continue
				}
				s.Fallbacks = append(s.Fallbacks, Str{Value: it.Str, Pos: it.Pos, Set: it.Str != ""})
			}
		}
		s.Set = s.Primary.Set && s.Primary.Value != ""
	default:
		r.fail(m.Value.Pos, "%s must be a string or an object, not %s", path, m.Value.Kind)
	}
	return s
}

// agentsKeys are the keys OpenClaw defines under agents (list is the older
// form of entries).
var agentsKeys = map[string]bool{"defaults": true, "list": true, "entries": true, "ownership": true}

// models reads the model settings: agents.defaults.model, the agents of
// agents.list / agents.entries, agents.defaults.models and the legacy
// agent.model.
func (r *reader) models(root *json5.Value) {
	cfg := r.cfg
	if legacy, lm := r.obj(root, "agent", "agent"); lm != nil {
		cfg.LegacyAgentPos = lm.KeyPos
		cfg.Legacy = ModelSetting{Setting: "agent.model", Pos: lm.KeyPos, PrimarySetting: "agent.model"}
		if legacy != nil {
			cfg.Legacy = r.modelSetting(legacy, "model", "agent.model")
		}
	}
	cfg.Defaults = ModelSetting{Setting: "agents.defaults.model", PrimarySetting: "agents.defaults.model.primary", Pos: root.Pos}
	cfg.PrimaryModel.Pos = root.Pos
	agents, am := r.obj(root, "agents", "agents")
	if am != nil {
		cfg.AgentsPos = am.KeyPos
		cfg.Defaults.Pos, cfg.PrimaryModel.Pos = am.KeyPos, am.KeyPos
	}
	if agents == nil {
		return
	}
	for _, m := range agents.Members {
		if !agentsKeys[m.Key] {
			cfg.Ignored = append(cfg.Ignored, Ignored{Path: "agents." + m.Key, Pos: m.KeyPos,
				Why: "OpenClaw defines only agents.defaults, agents.list (agents.entries) and agents.ownership"})
		}
	}
	if def, dm := r.obj(agents, "defaults", "agents.defaults"); dm != nil {
		cfg.AgentDefaultsPos = dm.KeyPos
		cfg.Defaults.Pos, cfg.PrimaryModel.Pos = dm.KeyPos, dm.KeyPos
		if def != nil {
			cfg.Defaults = r.modelSetting(def, "model", "agents.defaults.model")
			cfg.PrimaryModel = cfg.Defaults.Primary
			if ms, _ := r.obj(def, "models", "agents.defaults.models"); ms != nil {
				for _, e := range ms.Members {
					me := ModelEntry{Ref: e.Key, Pos: e.KeyPos}
					if e.Value.Kind == json5.Object {
						if a := e.Value.Get("alias"); a != nil && a.Kind == json5.String {
							me.Alias = a.Str
						}
					}
					cfg.ModelEntries = append(cfg.ModelEntries, me)
				}
			}
		}
	}
	if lm := agents.Member("list"); lm != nil && lm.Value.Kind != json5.Null {
		if lm.Value.Kind != json5.Array {
			r.fail(lm.Value.Pos, "agents.list must be an array of agents, not %s", lm.Value.Kind)
		} else {
			for i, it := range lm.Value.Items {
				path := fmt.Sprintf("agents.list[%d]", i)
				if it.Kind != json5.Object {
					r.fail(it.Pos, "%s must be an object, not %s", path, it.Kind)
					continue
				}
				r.agent(it, r.str(it, "id", path+".id").Value, path, it.Pos)
			}
		}
	}
	if entries, _ := r.obj(agents, "entries", "agents.entries"); entries != nil {
		for _, m := range entries.Members {
			path := "agents.entries." + m.Key
			if m.Value.Kind != json5.Object {
				r.fail(m.Value.Pos, "%s must be an object, not %s", path, m.Value.Kind)
				continue
			}
			r.agent(m.Value, m.Key, path, m.KeyPos)
		}
	}
}

func (r *reader) agent(v *json5.Value, id, path string, pos chain.Pos) {
	a := Agent{ID: id, Setting: path, Pos: pos, Model: r.modelSetting(v, "model", path+".model")}
	if d := v.Member("default"); d != nil && d.Value.Kind != json5.Null {
		if d.Value.Kind != json5.Bool {
			r.fail(d.Value.Pos, "%s.default must be true or false, not %s", path, d.Value.Kind)
		}
		a.Default = d.Value.Bool
	}
	r.cfg.Agents = append(r.cfg.Agents, a)
}

func (r *reader) profiles(root *json5.Value) {
	auth, _ := r.obj(root, "auth", "auth")
	if auth == nil {
		return
	}
	ps, _ := r.obj(auth, "profiles", "auth.profiles")
	if ps == nil {
		return
	}
	for _, m := range ps.Members {
		path := "auth.profiles." + m.Key
		if m.Value.Kind != json5.Object {
			r.fail(m.Value.Pos, "%s must be an object, not %s", path, m.Value.Kind)
			continue
		}
		r.cfg.AuthProfiles = append(r.cfg.AuthProfiles, AuthProfile{ID: m.Key, Pos: m.KeyPos,
			Provider: r.str(m.Value, "provider", path+".provider"), Mode: r.str(m.Value, "mode", path+".mode")})
	}
}

// envNested are the keys of the env block that are not variables.
var envNested = map[string]bool{"vars": true, "shellEnv": true}

// env reads the inline variables: env.vars.VAR and the direct env.VAR form
// (both documented; a value that is not a string is no variable).
func (r *reader) env(root *json5.Value) {
	env, _ := r.obj(root, "env", "env")
	if env == nil {
		return
	}
	for _, m := range env.Members {
		if envNested[m.Key] {
			continue
		}
		if m.Value.Kind != json5.String {
			r.cfg.Ignored = append(r.cfg.Ignored, Ignored{Path: "env." + m.Key, Pos: m.KeyPos,
				Why: fmt.Sprintf("an inline variable must be a string (this is %s); env.vars and env.shellEnv are the only nested forms", m.Value.Kind)})
			continue
		}
		r.cfg.EnvVars = append(r.cfg.EnvVars, EnvVar{Name: m.Key, Setting: "env." + m.Key, Pos: m.KeyPos, Value: stringSecret(m.Value.Str, m.Value.Pos)})
	}
	vars, _ := r.obj(env, "vars", "env.vars")
	if vars == nil {
		return
	}
	for _, m := range vars.Members {
		if m.Value.Kind != json5.String {
			r.fail(m.Value.Pos, "env.vars.%s must be a string, not %s", m.Key, m.Value.Kind)
			continue
		}
		r.cfg.EnvVars = append(r.cfg.EnvVars, EnvVar{Name: m.Key, Setting: "env.vars." + m.Key, Pos: m.KeyPos, Value: stringSecret(m.Value.Str, m.Value.Pos)})
	}
}

// credentialKey matches the keys whose string values are credentials in
// OpenClaw configs (apiKey, token, botToken, appToken, pushToken,
// password, webhookSecret, …) and inline variables named like keys
// (GEMINI_API_KEY). A key that merely contains such a word elsewhere
// (sessionKey, maxTokens) does not match.
var credentialKey = regexp.MustCompile(`(?i)(?:api[-_]?key|token|secret|password|passwd|credentials?)$`)

// walk lists every string at a credential key and every ${VAR}
// reference, through the whole document.
func (r *reader) walk(v *json5.Value, path string) {
	switch v.Kind {
	case json5.String:
		for _, m := range varRe.FindAllStringSubmatch(escapedRe.ReplaceAllString(v.Str, ""), -1) {
			r.cfg.Refs = append(r.cfg.Refs, Ref{Name: m[1], Path: path, Pos: v.Pos})
		}
		r.cfg.RunnerRefs = append(r.cfg.RunnerRefs, trust.DecodedRefs(v.Str, v.Pos)...)
	case json5.Object:
		if src, id := v.Get("source"), v.Get("id"); src != nil && id != nil && src.Kind == json5.String && src.Str == "env" &&
			id.Kind == json5.String && trust.RunnerVar(id.Str) {
			r.cfg.RunnerRefs = append(r.cfg.RunnerRefs, trust.DecodedRef{Name: id.Str, Pos: v.Pos})
		}
		for _, m := range v.Members {
			p := m.Key
			if path != "" {
				p = path + "." + m.Key
			}
			if m.Value.Kind == json5.String && credentialKey.MatchString(m.Key) {
				r.cfg.Credentials = append(r.cfg.Credentials, Credential{Path: p, Secret: stringSecret(m.Value.Str, m.Value.Pos)})
			}
			r.walk(m.Value, p)
		}
	case json5.Array:
		for i, it := range v.Items {
			r.walk(it, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// The keys OpenClaw 2026.9.6 defines at the top level and under gateway
// (its zod schema, dist/zod-schema-*.mjs, is strict: it refuses any other
// key). Only these two levels are checked: deeper keys change from release
// to release and do not decide the chain.
var (
	rootKeys = keySet("$schema meta env wizard diagnostics logging update telemetry browser ui secrets auth accessGroups acp " +
		"models nodeHost agents worktreeRoot worktreeAcceleration tools security bindings broadcast attachments messages tts " +
		"commands approvals session cron transcripts hooks channels discovery talk gateway cloudWorkers desktop memory mcp " +
		"skills plugins surfaces proxy")
	gatewayKeys = keySet("port mode bind customBindHost publicOrigin portals controlUi cliAgents terminal auth roles " +
		"trustedProxies allowRealIpFallback tools tailscale remote reload tls http push nodes")
)

func keySet(s string) map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(s) {
		m[k] = true
	}
	return m
}

// unknownKeys lists the keys of the top level and of gateway that
// OpenClaw does not define (the legacy `agent` key is reported on its own).
func (r *reader) unknownKeys(root *json5.Value) {
	for _, m := range root.Members {
		if !rootKeys[m.Key] && m.Key != "agent" {
			r.cfg.Ignored = append(r.cfg.Ignored, Ignored{Path: m.Key, Pos: m.KeyPos, Why: "OpenClaw 2026.9.6 has no such top-level setting"})
		}
	}
	if gw := root.Get("gateway"); gw != nil && gw.Kind == json5.Object {
		for _, m := range gw.Members {
			if !gatewayKeys[m.Key] {
				r.cfg.Ignored = append(r.cfg.Ignored, Ignored{Path: "gateway." + m.Key, Pos: m.KeyPos, Why: "OpenClaw 2026.9.6 has no such gateway setting"})
			}
		}
	}
}
