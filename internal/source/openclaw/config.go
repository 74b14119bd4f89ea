// Package openclaw reads OpenClaw's openclaw.json (JSON5) keeping the
// source position of every value, and derives the chains hopcheck checks
// from it: `ci → openclaw (gateway) → openrouter`, or the direct OpenRouter
// link when the gateway's OpenAI-compatible endpoint is off. It is a pure
// reader: no network, no files besides the one it is given.
//
// The fields read follow OpenClaw 2026.9.6's documentation (shipped in its
// npm package, docs/gateway/config-gateway.md, config-secrets-env.md,
// config-tools/custom-providers.md, openai-http-api.md) and the files its
// own CLI writes (shared/reference/openclaw-real-hop.md §3).
package openclaw

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/json5"
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

// EnvVar is one env.vars entry (applied to the gateway's environment when
// the process environment lacks the variable).
type EnvVar struct {
	Name  string    `json:"name"`
	Pos   chain.Pos `json:"-"`
	Value Secret    `json:"value"`
}

// Config is a parsed openclaw.json.
type Config struct {
	File      string     `json:"file"`
	Gateway   Gateway    `json:"gateway"`
	Providers []Provider `json:"providers"`
	// ProvidersPos is the position of models.providers (zero when absent).
	ProvidersPos chain.Pos `json:"-"`
	// PrimaryModel is agents.defaults.model.primary (or the string form
	// agents.defaults.model), e.g. "openrouter/auto".
	PrimaryModel Str           `json:"primary_model"`
	AuthProfiles []AuthProfile `json:"auth_profiles,omitempty"`
	EnvVars      []EnvVar      `json:"env_vars,omitempty"`
	// Includes are the positions of `$include` directives, which this
	// reader does not follow.
	Includes []chain.Pos `json:"-"`
	// Root is the whole document.
	Root *json5.Value `json:"-"`
}

// Provider returns the provider with the given id, or nil.
func (c *Config) Provider(id string) *Provider {
	for i := range c.Providers {
		if c.Providers[i].ID == id {
			return &c.Providers[i]
		}
	}
	return nil
}

// EnvVar returns the env.vars entry of name, or nil.
func (c *Config) EnvVar(name string) *EnvVar {
	for i := range c.EnvVars {
		if c.EnvVars[i].Name == name {
			return &c.EnvVars[i]
		}
	}
	return nil
}

// Error is a config value of the wrong type (the file is valid JSON5).
type Error struct {
	Pos chain.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Load reads and parses an openclaw.json, which must be a regular file
// inside the workspace directory (see package fsafe); a relative path is
// relative to the workspace.
func Load(workspace, path string) (*Config, error) {
	data, err := fsafe.ReadFile(workspace, path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses the JSON5 text of an openclaw.json read from file.
func Parse(file string, data []byte) (*Config, error) {
	root, err := json5.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if root.Kind != json5.Object {
		return nil, &Error{root.Pos, fmt.Sprintf("openclaw.json must hold an object, not %s", root.Kind)}
	}
	r := &reader{}
	cfg := &Config{File: file, Root: root}
	r.includes(root, cfg)
	r.gateway(root, cfg)
	r.providers(root, cfg)
	r.primary(root, cfg)
	r.profiles(root, cfg)
	r.envVars(root, cfg)
	if r.err != nil {
		return nil, r.err
	}
	return cfg, nil
}

// reader keeps the first type error.
type reader struct{ err error }

func (r *reader) fail(p chain.Pos, format string, a ...any) {
	if r.err == nil {
		r.err = &Error{p, fmt.Sprintf(format, a...)}
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
		src := r.str(v, "source", path+".source")
		prov := r.str(v, "provider", path+".provider")
		id := r.str(v, "id", path+".id")
		s := Secret{Pos: v.Pos, Set: true}
		if src.Value == "env" && id.Value != "" {
			s.Env = id.Value
		} else {
			p := prov.Value
			if p == "" {
				p = "default"
			}
			s.Ref = src.Value + ":" + p + ":" + id.Value
		}
		return s
	}
	r.fail(v.Pos, "%s must be a string or a SecretRef object, not %s", path, v.Kind)
	return Secret{Pos: v.Pos}
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

func (r *reader) includes(v *json5.Value, cfg *Config) {
	if v == nil {
		return
	}
	switch v.Kind {
	case json5.Object:
		for _, m := range v.Members {
			if m.Key == "$include" {
				cfg.Includes = append(cfg.Includes, m.KeyPos)
			}
			r.includes(m.Value, cfg)
		}
	case json5.Array:
		for _, it := range v.Items {
			r.includes(it, cfg)
		}
	}
}

func (r *reader) gateway(root *json5.Value, cfg *Config) {
	g := &cfg.Gateway
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

func (r *reader) providers(root *json5.Value, cfg *Config) {
	models, _ := r.obj(root, "models", "models")
	if models == nil {
		return
	}
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

func (r *reader) primary(root *json5.Value, cfg *Config) {
	cfg.PrimaryModel.Pos = root.Pos
	agents, am := r.obj(root, "agents", "agents")
	if am != nil {
		cfg.PrimaryModel.Pos = am.KeyPos
	}
	if agents == nil {
		return
	}
	def, dm := r.obj(agents, "defaults", "agents.defaults")
	if dm != nil {
		cfg.PrimaryModel.Pos = dm.KeyPos
	}
	if def == nil {
		return
	}
	m := def.Member("model")
	if m == nil || m.Value.Kind == json5.Null {
		return
	}
	switch m.Value.Kind {
	case json5.String: // the short form: model: "openrouter/auto"
		cfg.PrimaryModel = Str{Value: m.Value.Str, Pos: m.Value.Pos, Set: true}
	case json5.Object:
		cfg.PrimaryModel = r.str(m.Value, "primary", "agents.defaults.model.primary")
		if !cfg.PrimaryModel.Set {
			cfg.PrimaryModel.Pos = m.KeyPos
		}
	default:
		r.fail(m.Value.Pos, "agents.defaults.model must be a string or an object, not %s", m.Value.Kind)
	}
}

func (r *reader) profiles(root *json5.Value, cfg *Config) {
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
		cfg.AuthProfiles = append(cfg.AuthProfiles, AuthProfile{ID: m.Key, Pos: m.KeyPos,
			Provider: r.str(m.Value, "provider", path+".provider"), Mode: r.str(m.Value, "mode", path+".mode")})
	}
}

func (r *reader) envVars(root *json5.Value, cfg *Config) {
	env, _ := r.obj(root, "env", "env")
	if env == nil {
		return
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
		cfg.EnvVars = append(cfg.EnvVars, EnvVar{Name: m.Key, Pos: m.KeyPos, Value: stringSecret(m.Value.Str, m.Value.Pos)})
	}
}
