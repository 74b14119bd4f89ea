// Package discover derives hopcheck chains from the configuration a
// repository already has: LiteLLM proxy configs (YAML files with a
// top-level model_list), OpenClaw configs (openclaw.json, openclaw.json5), .env files and
// the conventional provider variables of the job environment
// (OPENAI_BASE_URL, OPENAI_API_KEY, OPENROUTER_API_KEY, ANTHROPIC_BASE_URL,
// ANTHROPIC_API_KEY).
//
// Discover is used when a repository has no hopcheck.yml; Expand completes
// a hopcheck.yml whose proxy hops name their own config
// (`config: deploy/litellm.yaml`). Both return a chain.Config that runs
// through checks.Run unchanged — every derived hop carries the positions of
// the values it came from (Hop.Pos, URLPos, KeyEnvPos), so the engine's own
// findings land on the right line of the LiteLLM file — plus findings about
// the files themselves (a literal key committed, a proxy without a master
// key, an api_base for the wrong provider, …) for checks.Options.Findings, and the
// Sources of every value for `hopcheck check --print-chains`.
//
// Discovery assumes the proxy runs with the job's environment (a LiteLLM
// started in an earlier step or as a service container fed from the same
// secrets): an `os.environ/VAR` reference is judged against the job's
// variables. Nothing here sends a request or prints a credential: literal
// values found in files appear only as secret.Fingerprint.
package discover

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// ErrNothingFound is returned (wrapped, together with chain.ErrNoConfig) by
// Discover when the repository holds nothing to derive a chain from. The
// Result is still returned: its findings explain what was skipped.
var ErrNothingFound = errors.New("nothing to check")

// Source is one value a derived chain uses and where it came from. Value
// never holds a credential: keys appear as the variable that holds them or
// as a fingerprint.
type Source struct {
	// Chain is the chain the value belongs to ("" for values shared by the
	// whole run, e.g. a file that was read).
	Chain string `json:"chain,omitempty"`
	// Hop is the hop the value configures ("" for chain-level values).
	Hop string `json:"hop,omitempty"`
	// What names the value: "model", "type", "url", "key_env", "file".
	What string `json:"what"`
	// Value is the value used (URL, variable name, model id, fingerprint).
	Value string `json:"value"`
	// Pos is where the value is written; zero when it did not come from a
	// file.
	Pos chain.Pos `json:"pos"`
	// Origin says where a value without a file position came from, e.g.
	// "env LITELLM_BASE_URL" or "default"; "" when Pos is set.
	Origin string `json:"origin,omitempty"`
}

// Where returns the file:line:col of the source, or its origin.
func (s Source) Where() string {
	if !s.Pos.IsZero() {
		if s.Origin != "" {
			return s.Pos.String() + " (" + s.Origin + ")"
		}
		return s.Pos.String()
	}
	if s.Origin != "" {
		return s.Origin
	}
	return "-"
}

// Result is what discovery derived: a config for the engine plus findings
// about the files read (positioned inside those files).
type Result struct {
	// Config holds the derived chains. Its File is the first config file
	// the chains came from ("" when only environment variables were used).
	Config *chain.Config
	// Findings are about the files read. A finding with Chain set belongs
	// to that chain (checks.Run attaches it); the others are run-level.
	Findings []finding.Finding
	// Sources lists every value used, in chain order.
	Sources []Source
	// Files lists the files read, relative to the directory, in slash form.
	Files []string
	// Errors are problems that make the configuration unusable (a file
	// naming a runner variable as a credential): the run must stop with
	// them, as with an invalid hopcheck.yml.
	Errors []*chain.ConfigError
	// ProxyModels maps a chain derived through a proxy hop that names its
	// config (a litellm or openclaw hop with Config) to the model a
	// hopcheck.yml chain through that hop names so that Expand derives the
	// same route from the config: the deployment's model_name for LiteLLM
	// (a wildcard route's pattern, although the chain itself has no
	// model), the <provider>/<model> ref OpenClaw resolved for a gateway
	// (the chain's own model may leave out a built-in provider's id).
	// `hopcheck init` writes it.
	ProxyModels map[string]string

	secrets []string
}

// AddSecrets registers every credential value discovery read from a file
// (literal keys in configs, .env values) with s, so that no output echoes
// one even if a service sends it back.
func (r *Result) AddSecrets(s *secret.Scrubber) {
	if r == nil || s == nil {
		return
	}
	s.Add(r.secrets...)
}

// Discover derives chains from the configuration under dir, for a
// repository without a hopcheck.yml. lookupEnv reads the job's environment
// (os.LookupEnv in production). It looks for LiteLLM configs (YAML files
// with a top-level model_list), openclaw.json or openclaw.json5 (including
// .openclaw/openclaw.json), .env files and the conventional variables; see
// the package documentation and walk's bounds (MaxDepth, MaxEntries,
// MaxFileSize, MaxChains). Positions are relative to dir.
//
// When nothing usable is found the error wraps ErrNothingFound and
// chain.ErrNoConfig; the Result is returned anyway. A config a parser
// refused because reading it would cost too much (see yamlbound.Tokenize)
// gives a *chain.ConfigErrors at its position. Other errors are I/O errors
// on dir itself.
func Discover(dir string, lookupEnv func(string) (string, bool)) (*Result, error) {
	b := newBuilder(dir, lookupEnv)
	f, err := walk(dir)
	if err != nil {
		return nil, err
	}
	if f.truncated {
		b.finding(finding.Finding{Check: "discover.walk", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
			Message: fmt.Sprintf("Discovery stopped after %d directory entries; configs further down were not read.", MaxEntries),
			Fix:     "Add a hopcheck.yml naming the chains (hops with config: point at the proxy configs)."})
	}
	if f.capped {
		b.finding(finding.Finding{Check: "discover.walk", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
			Message: fmt.Sprintf("Discovery read at most %d files of each kind and %d MiB of YAML; further configs were not read.", MaxFiles, MaxProbeBytes>>20),
			Fix:     "Add a hopcheck.yml naming the chains (hops with config: point at the proxy configs)."})
	}
	for _, rel := range f.dotenv {
		b.readDotenv(rel)
	}
	b.liteLLMFiles(f.liteLLM)
	for _, rel := range f.openClaw {
		b.openClawFile(rel)
	}
	b.envChains()
	b.dotenvShadowing()
	b.crossCheckModels()
	r := b.result()
	if len(b.refused) > 0 {
		return r, &chain.ConfigErrors{Errors: b.refused}
	}
	if len(r.Config.Chains) == 0 {
		if len(b.unusable) > 0 {
			// A config was found but cannot be used: that, not "nothing
			// found", is what the run must say, at the file's position.
			return r, &chain.ConfigErrors{Errors: b.unusable}
		}
	}
	if len(r.Config.Chains) == 0 && b.configsRead == 0 {
		return r, fmt.Errorf("%w: %w in %s, and no LiteLLM config (YAML with model_list, or include: and a LiteLLM section), openclaw.json or LLM provider variable (%s) was found",
			ErrNothingFound, chain.ErrNoConfig, dir, strings.Join(conventionalVars(), ", "))
	}
	return r, nil
}

// Expand derives the hops behind proxy hops that name their own config
// (`config: deploy/litellm.yaml` on a litellm hop of hopcheck.yml) and adds
// that file's findings. The config path is relative to dir (the repository
// root). cfg is not modified: the returned Result holds a copy with the
// derived hops appended (a proxy hop that is the last hop of its chain gets
// the upstream hop of the deployment serving the chain's model; a chain
// that already lists the hops behind the proxy is only cross-checked).
// A config file that is not a regular file inside dir (see package fsafe)
// gives a *chain.ConfigErrors at the hop that names it.
func Expand(cfg *chain.Config, dir string, lookupEnv func(string) (string, bool)) (*Result, error) {
	if cfg == nil {
		return nil, errors.New("discover: nil config")
	}
	b := newBuilder(dir, lookupEnv)
	out := *cfg
	out.Chains = nil
	for _, c := range cfg.Chains {
		cc := *c
		cc.Hops = slices.Clone(c.Hops)
		b.taken[cc.Name] = true
		out.Chains = append(out.Chains, &cc)
	}
	b.cfg = &out
	for _, c := range slices.Clone(out.Chains) {
		b.expandChain(c)
	}
	r := b.result()
	r.Config.File = cfg.File
	if len(b.refused) > 0 {
		return r, &chain.ConfigErrors{Errors: b.refused}
	}
	return r, nil
}

// builder accumulates a Result.
type builder struct {
	dir      string
	env      func(string) (string, bool)
	cfg      *chain.Config
	findings []finding.Finding
	sources  []Source
	files    []string
	secrets  []string
	taken    map[string]bool // chain names in use
	errors   []*chain.ConfigError
	lite     map[string]*liteFile
	liteList []*liteFile
	dotenv   []dotenvFile
	capped   bool
	// rawRefs holds file + "\x00" + name of every runner variable
	// checkRefs reported.
	rawRefs  map[string]bool
	refused  []*chain.ConfigError // configs that stop the run: see read and tooCostly
	unusable []*chain.ConfigError // configs found but unusable: the run stops with them when no chain is derived
	// configsRead counts the proxy configs read (LiteLLM, OpenClaw): a repository with one has
	// something to check even when no chain could be derived from it (its
	// findings say why).
	configsRead int
	// proxyModels becomes Result.ProxyModels.
	proxyModels map[string]string
}

type dotenvFile struct {
	rel     string
	entries []envEntry
}

func newBuilder(dir string, lookupEnv func(string) (string, bool)) *builder {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	return &builder{dir: dir, env: lookupEnv, cfg: &chain.Config{Version: 1, Timeout: chain.DefaultTimeout, Canary: chain.DefaultCanary},
		taken: map[string]bool{}, lite: map[string]*liteFile{}, proxyModels: map[string]string{}}
}

// jobVar returns the job's value of name and whether it is set and
// non-empty.
func (b *builder) jobVar(name string) (string, bool) {
	v, ok := b.env(name)
	return v, ok && v != ""
}

func (b *builder) finding(f finding.Finding) {
	if f.Fix == "" {
		f.Fix = finding.Fix(f.Cause)
	}
	b.findings = append(b.findings, f)
}

func (b *builder) source(s Source) { b.sources = append(b.sources, s) }

// checkRefs refuses every reference to a runner variable in a file read
// (os.environ/GITHUB_TOKEN, ${ACTIONS_RUNTIME_TOKEN}, …): whatever a file in
// the repository says, the runner's variables are never credentials.
func (b *builder) checkRefs(rel string, data []byte) {
	for _, r := range trust.RunnerRefs(data) {
		if b.rawRefs == nil {
			b.rawRefs = map[string]bool{}
		}
		b.rawRefs[rel+"\x00"+r.Name] = true
		b.errors = append(b.errors, &chain.ConfigError{Pos: chain.Pos{File: rel, Line: r.Line, Col: r.Col},
			Msg: fmt.Sprintf("%s is a variable the CI runner sets, not a provider credential; hopcheck never reads it for a config file", r.Name),
			Fix: trust.RunnerVarFix})
	}
}

// checkDecoded refuses the references to runner variables a config's
// parser found in the values it decoded, which the raw scan of checkRefs
// misses when an escape hides them ("\u0024{GITHUB_TOKEN}" in JSON5,
// "os.environ\x2fGITHUB_TOKEN" in YAML). A variable the raw scan already
// reported in the same file is not reported again.
func (b *builder) checkDecoded(refs []trust.DecodedRef) {
	for _, r := range refs {
		if b.rawRefs[r.Pos.File+"\x00"+r.Name] {
			continue
		}
		b.errors = append(b.errors, &chain.ConfigError{Pos: r.Pos,
			Msg: fmt.Sprintf("this value reads %s (as the config's parser decodes it), a variable the CI runner sets, not a provider credential; hopcheck never reads it for a config file", r.Name),
			Fix: trust.RunnerVarFix})
	}
}

func (b *builder) addFile(rel string) {
	if !slices.Contains(b.files, rel) {
		b.files = append(b.files, rel)
		b.source(Source{What: "file", Value: rel, Pos: chain.Pos{File: rel}})
	}
}

func (b *builder) addSecret(v string) {
	if v != "" {
		b.secrets = append(b.secrets, v)
	}
}

// addChain appends c under a unique name derived from want.
func (b *builder) addChain(c *chain.Chain, want string) bool {
	if len(b.cfg.Chains) >= MaxChains {
		b.capped = true
		return false
	}
	c.Name = b.uniqueName(want)
	b.taken[c.Name] = true
	b.cfg.Chains = append(b.cfg.Chains, c)
	return true
}

// uniqueName turns s into a valid chain name (letters, digits, '.', '_',
// '-', at most 64) not yet taken.
func (b *builder) uniqueName(s string) string {
	base := sanitizeName(s)
	name := base
	for n := 2; b.taken[name]; n++ {
		suffix := fmt.Sprintf("-%d", n)
		name = truncate(base, 64-len(suffix)) + suffix
	}
	return name
}

func sanitizeName(s string) string {
	var bld strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			bld.WriteRune(r)
		default:
			bld.WriteByte('-')
		}
	}
	out := strings.TrimLeft(bld.String(), "._-")
	if out == "" {
		out = "chain"
	}
	return truncate(out, 64)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (b *builder) result() *Result {
	if b.capped {
		b.finding(finding.Finding{Check: "discover.cap", Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
			Message: fmt.Sprintf("More than %d chains could be derived; only the first %d are checked.", MaxChains, MaxChains),
			Fix:     "Write a hopcheck.yml naming the chains your CI uses."})
	}
	if b.cfg.File == "" {
		for _, c := range b.cfg.Chains {
			if c.Pos.File != "" {
				b.cfg.File = c.Pos.File
				break
			}
		}
	}
	slices.SortStableFunc(b.findings, func(x, y finding.Finding) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Col, y.Col))
	})
	return &Result{Config: b.cfg, Findings: b.findings, Sources: b.sources, Files: b.files, Errors: b.errors,
		ProxyModels: b.proxyModels, secrets: b.secrets}
}
