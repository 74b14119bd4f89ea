// Package openclaw reads OpenClaw's openclaw.json (JSON5, with its
// $include files) keeping the source position of every value, derives the
// chains hopcheck checks from it — `ci → openclaw (gateway) → <provider>`,
// or the direct link to the provider when the gateway's OpenAI-compatible
// endpoint is off — and judges what it read. The three steps live in
// read.go (Read), derive.go (Derive) and judge.go (Judge); Analyze runs
// them in order for discovery. Nothing here sends a request or prints a
// credential.
//
// The fields and their meaning follow OpenClaw 2026.9.6 (the npm package:
// its docs and dist/ sources) and what its CLI writes; keys of older
// releases that real configs still carry (the singular `agent`, the direct
// env.VAR form) are read too, and reported.
package openclaw

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// Source is one value a derived chain uses and where it came from. Value
// never holds a credential: keys appear as the variable that holds them or
// as a fingerprint.
type Source struct {
	Chain string
	// Hop is the hop the value configures ("" for the chain's model).
	Hop string
	// What names the value: "model", "type", "url", "key_env".
	What  string
	Value string
	// Pos is where the value is written (zero when it is a default);
	// Origin says where it comes from when Pos alone does not (a default,
	// a variable, a legacy key).
	Pos    chain.Pos
	Origin string
}

// Result is what Analyze found in one config.
type Result struct {
	Config *Config
	// Chains are the derived chains, Findings the judgement (a finding
	// with Chain set belongs to that chain), Sources where every chain
	// value comes from.
	Chains []*chain.Chain
	// Plans are the facts behind Chains, in the same order.
	Plans    []*Plan
	Findings []finding.Finding
	Sources  []Source
	// Secrets are the credentials written in the files, for the scrubber:
	// literals at credential keys that are not placeholders or stand-ins.
	Secrets []string
}

// Analyze reads the openclaw.json file (a path relative to the workspace)
// with content data, following its $include directives through o.Open, and
// derives and judges its chains. The error is a *json5.SyntaxError or an
// *Error: OpenClaw would refuse to load the file.
func Analyze(file string, data []byte, o Options) (*Result, error) {
	cfg, err := Read(file, data, o.Open)
	if err != nil {
		return nil, err
	}
	d := Derive(cfg, o)
	res := &Result{Config: cfg, Plans: d.Plans, Findings: Judge(cfg, d), Sources: d.Sources, Secrets: Secrets(cfg)}
	for _, p := range d.Plans {
		res.Chains = append(res.Chains, p.Chain)
	}
	return res, nil
}

// Chains derives cfg's chains and judges them, with the job environment
// lookupEnv (nil: empty).
func Chains(cfg *Config, lookupEnv func(string) (string, bool)) ([]*chain.Chain, []finding.Finding) {
	d := Derive(cfg, Options{LookupEnv: lookupEnv})
	var out []*chain.Chain
	for _, p := range d.Plans {
		out = append(out, p.Chain)
	}
	return out, Judge(cfg, d)
}

// Direct returns the direct chain `ci → <provider>` of cfg's primary model,
// checked with the key OpenClaw would send upstream: the fallback when the
// gateway is not running in the job. Nil when cfg names no usable model.
func Direct(cfg *Config, lookupEnv func(string) (string, bool)) *chain.Chain {
	c := *cfg
	c.Gateway.ChatCompletions = false
	d := Derive(&c, Options{LookupEnv: lookupEnv})
	if len(d.Plans) == 0 || d.Plans[0].Choice.Fallback != 0 {
		return nil
	}
	return d.Plans[0].Chain
}

// Secrets lists every credential written in cfg's files: the literal
// values at credential keys and in the env block, except placeholders,
// stand-ins for servers that check no key and the names of provider
// variables written as markers (none of which is a secret, and scrubbing
// them would blank out variable names and ordinary words of the output).
func Secrets(cfg *Config) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s Secret) {
		v := s.Literal
		if !s.IsLiteral() || seen[v] || provider.IsPlaceholder(v) || isDummy(v) || (provider.VarLike(v) && len(provider.ByKeyVar(v)) > 0) {
			return
		}
		seen[v] = true
		out = append(out, v)
	}
	add(cfg.Gateway.Token)
	add(cfg.Gateway.Password)
	standIn := map[chain.Pos]bool{}
	for _, p := range cfg.Providers {
		if p.standIn() {
			standIn[p.APIKey.Pos] = true
			continue
		}
		add(p.APIKey)
	}
	for _, e := range cfg.EnvVars {
		add(e.Value)
	}
	for _, c := range cfg.Credentials {
		if !standIn[c.Secret.Pos] {
			add(c.Secret)
		}
	}
	return out
}
