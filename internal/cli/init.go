package cli

import (
	"bytes"
	"crypto/rand"
	_ "embed" // the templates of the generated files
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/discover"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/report"
	"github.com/hopcheck/hopcheck/internal/secret"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// `hopcheck init` writes .github/hopcheck.yml and a workflow that runs it,
// from the configuration the repository already has: a hopcheck.yml
// elsewhere in it, else what discovery derives from its LiteLLM,
// OpenClaw and .env files (package discover).
//
// The files describe what CI will have, not what the machine running init
// has: every credential variable the repository's files name is taken to
// be a secret the workflow provides (the list printed at the end), and no
// other variable of the environment is read. A chain through a proxy
// (LiteLLM, OpenClaw) is written as the proxy hop with `config:`, so the
// hops behind it keep coming from the proxy's own file at check time, as
// they did with discovery.

// Files init writes, relative to the repository root.
const (
	initConfigPath   = ".github/hopcheck.yml"
	initWorkflowPath = ".github/workflows/hopcheck.yml"
)

// initCron is the monitor's daily schedule (UTC), off the full hour when
// GitHub's scheduler is busiest.
const initCron = "17 6 * * *"

// The two files are embedded templates with @NAME@ placeholders filled
// by fill. text/template is not used: its reflection keeps the linker from
// dropping unused methods, which costs over 2 MB of binary and would push
// the image past its 10 MiB budget; the templates need nothing but
// substitution.
//
//go:embed templates/hopcheck.yml.tmpl
var configTemplate string

//go:embed templates/workflow.yml.tmpl
var workflowTemplate string

// fill replaces every line that is only "@NAME@" with blocks[NAME] (the
// line goes when that is empty) and any other "@NAME@" with values[NAME].
// The texts put in were made safe by their producers (YAML scalars,
// inert one-line comments, validated variable names).
func fill(tmpl string, blocks, values map[string]string) []byte {
	var b strings.Builder
	for _, line := range strings.SplitAfter(tmpl, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "@") && strings.HasSuffix(t, "@") && len(t) > 2 {
			if block, ok := blocks[t[1:len(t)-1]]; ok {
				if block != "" {
					b.WriteString(strings.TrimSuffix(block, "\n") + "\n")
				}
				continue
			}
		}
		for k, v := range values {
			line = strings.ReplaceAll(line, "@"+k+"@", v)
		}
		b.WriteString(line)
	}
	return []byte(b.String())
}

func runInit(args []string, env Env) int {
	fs := newFlagSet("init", env)
	force := fs.Bool("force", false, "replace "+initConfigPath+" and "+initWorkflowPath+" when they exist")
	dirFlag := fs.String("dir", "", "the repository's root directory (default: the current directory)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "hopcheck init: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	dir := env.Dir
	if *dirFlag != "" {
		dir = *dirFlag
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(env.Dir, dir)
		}
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "hopcheck init: %s\n", secret.Redact(fmt.Sprintf(format, a...)))
		return ExitUsage
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fail("--dir %s is not a directory; nothing was written", report.Inert(dir))
	}
	if !*force {
		var exist []string
		for _, p := range []string{initConfigPath, initWorkflowPath} {
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
				exist = append(exist, p)
			}
		}
		if len(exist) > 0 {
			return fail("%s already exist%s; nothing was written.\n  fix: run `hopcheck init --force` to replace %s, or edit %s by hand",
				strings.Join(exist, " and "), map[bool]string{true: "", false: "s"}[len(exist) > 1],
				map[bool]string{true: "them", false: "it"}[len(exist) > 1], map[bool]string{true: "them", false: "it"}[len(exist) > 1])
		}
	}
	plan, err := planInit(dir)
	if err != nil {
		var none *nothingFound
		if errors.As(err, &none) {
			none.dir = "."
			if *dirFlag != "" {
				none.dir = *dirFlag // as the user wrote it
			}
			none.print(env.Stderr)
			return ExitUsage
		}
		printConfigError(env.Stderr, relErr(err, dir))
		fmt.Fprintln(env.Stderr, "hopcheck init: nothing was written; fix the configuration above, then run init again")
		return ExitUsage
	}
	cfg, wf, err := plan.render()
	if err != nil {
		return fail("%v; nothing was written", err)
	}
	// The generated file must load as the check will load it.
	parsed, err := hopcheckyml.Parse(initConfigPath, cfg)
	if err != nil {
		return fail("the generated configuration does not load (%v); nothing was written. Please report this", err)
	}
	plan.verify(dir, parsed)
	if err := writeInitFiles(dir, map[string][]byte{initConfigPath: cfg, initWorkflowPath: wf}, *force); err != nil {
		return fail("%v", err)
	}
	plan.print(env.Stdout)
	return ExitOK
}

// initPlan is what init derived from the repository.
type initPlan struct {
	from    []string // the files the chains come from
	chains  []*initChain
	secrets []initSecret
	proxies []string // "LiteLLM (deploy/config.yaml)", for the workflow's comment
	notes   []string // things the user must know, plain text
	scrub   *secret.Scrubber
	// literals are the hops whose credential is written into a file, by
	// where it is written: hopcheck.yml cannot name it.
	literals []*initLiteral
	// lookup is the environment assumed for CI (ciEnv); want the chains
	// the check must derive from the generated file, files the files
	// they come from and findings what the check reports about them.
	lookup   func(string) (string, bool)
	want     []*chain.Chain
	files    []string
	findings []finding.Finding
}

// initLiteral is a credential written into a file at `at`, sent to hop
// on the chains listed.
type initLiteral struct {
	at, hop, env string
	chains       []string
}

type initChain struct {
	c *chain.Chain
	// model is the model written: the chain's, or for a chain through a
	// proxy the model that makes the proxy's config yield the same route
	// (discover.Result.ProxyModels).
	model   string
	where   string   // where the chain comes from
	through int      // index of the proxy hop with config: (hops after it are derived), or -1
	behind  []string // descriptions of the hops behind the proxy, for comments
	// behindNames are the names of the hops right behind the proxy.
	behindNames []string
	src         func(hop, what string) string // where a value came from ("" when unknown)
	val         func(hop, what string) string // the value discovery reports ("" when none)
}

type initSecret struct {
	name, use, where string
}

// nothingFound explains why no chain could be derived.
type nothingFound struct {
	dir      string
	findings []finding.Finding
}

func (e *nothingFound) Error() string { return "no chain" }

func (e *nothingFound) print(w io.Writer) {
	fmt.Fprintf(w, "hopcheck init: no chain could be derived from %s; nothing was written.\n", report.Inert(e.dir))
	shown := 0
	for _, f := range e.findings {
		if f.Severity.Rank() < finding.SevNotice.Rank() || shown == 10 {
			continue
		}
		shown++
		msg := string(f.Severity) + ": " + report.Inert(secret.Redact(f.Message))
		if f.File != "" {
			msg = report.Inert((chain.Pos{File: f.File, Line: f.Line, Col: f.Col}).String()) + ": " + msg
		}
		fmt.Fprintf(w, "  %s\n", msg)
	}
	if shown == 0 {
		fmt.Fprintln(w, "  hopcheck found no hopcheck.yml, no LiteLLM config (a YAML file with a top-level model_list), no openclaw.json (or .openclaw/openclaw.json) and no .env file naming a provider key.")
	}
	fmt.Fprintln(w, "  fix: fix the files named above, run init in the repository's root (--dir), or write .github/hopcheck.yml by hand (see the README)")
}

// planInit derives the chains from dir: a hopcheck.yml other than the one
// init writes, else discovery.
func planInit(dir string) (*initPlan, error) {
	var src string
	for _, name := range hopcheckyml.ConfigNames {
		if name == initConfigPath {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err == nil && fi.Mode().IsRegular() {
			src = name
			break
		}
	}
	if src != "" {
		return planFromConfig(dir, src)
	}
	return planFromDiscovery(dir)
}

// ciEnv is the environment init assumes for CI: every credential variable
// the files in res name (os.environ/NAME, ${NAME}, NAME= in a .env file)
// is set. Nothing is read from the real environment.
//
// It also returns the credential variables .env files assign: a chain
// discovery derives from the conventional variables alone is the
// repository's only when a .env file names its key.
func ciEnv(dir string, files []string) (lookup func(string) (string, bool), dotenv map[string]bool) {
	set := map[string]bool{}
	dotenv = map[string]bool{}
	for _, f := range files {
		data, err := fsafe.ReadFile(dir, filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			continue
		}
		var names []string
		for _, m := range refRE.FindAllSubmatch(data, -1) {
			names = append(names, string(m[1])+string(m[2]))
		}
		if strings.HasPrefix(path.Base(f), ".env") {
			for _, m := range dotenvNameRE.FindAllSubmatch(data, -1) {
				names = append(names, string(m[1]))
				dotenv[string(m[1])] = true
			}
		}
		for _, n := range names {
			if credentialName(n) && !trust.RunnerVar(n) {
				set[n] = true
			}
		}
	}
	return func(k string) (string, bool) {
		if set[k] {
			return "set-as-a-ci-secret", true
		}
		return "", false
	}, dotenv
}

var (
	refRE        = regexp.MustCompile(`os\.environ/([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	dotenvNameRE = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=`)
)

// credentialName reports whether a variable name suggests a credential
// (the rule discovery uses for .env values).
func credentialName(name string) bool {
	u := strings.ToUpper(name)
	for _, s := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"} {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}

func planFromDiscovery(dir string) (*initPlan, error) {
	first, err := discover.Discover(dir, nil)
	if err != nil && !errors.Is(err, discover.ErrNothingFound) {
		return nil, err
	}
	files := []string(nil)
	if first != nil {
		files = first.Files
	}
	lookup, dotenv := ciEnv(dir, files)
	res, err := discover.Discover(dir, lookup)
	var firstFindings []finding.Finding
	if first != nil {
		firstFindings = first.Findings
	}
	switch {
	case errors.Is(err, discover.ErrNothingFound):
		nf := &nothingFound{dir: dir}
		if res != nil {
			nf.findings = sameIn(firstFindings, res.Findings)
		}
		return nil, nf
	case err != nil:
		return nil, err
	}
	if err := trustErrors(res); err != nil {
		return nil, err
	}
	p := newPlan(res)
	p.from = res.Files
	p.lookup, p.files, p.findings = lookup, res.Files, sameIn(firstFindings, res.Findings)
	groups := map[string]*initChain{}
	for _, c := range res.Config.Chains {
		if envOnly(c) && !dotenv[c.Hops[0].KeyEnv] {
			continue // a variable a config names, not a route of the repository
		}
		p.want = append(p.want, c)
		ic := &initChain{c: c, through: -1, model: c.Model}
		ic.src, ic.val = sourcesOf(res, c)
		ic.where = ic.src("", "model")
		if envOnly(c) {
			ic.where = c.Hops[0].KeyEnv + " in a .env file"
		}
		for i, h := range c.Hops {
			if h.Config != "" && (h.Type == provider.LiteLLM || h.Type == provider.OpenClaw) {
				ic.through = i
				break
			}
		}
		if ic.through >= 0 {
			if m, ok := res.ProxyModels[c.Name]; ok {
				ic.model = m
			}
			// Deployments of one model group behind one proxy are one
			// chain here; the check derives one chain per deployment.
			key := ic.model + "\x00" + hopsKey(c.Hops[:ic.through+1])
			if g, ok := groups[key]; ok {
				p.behind(c, ic, g)
				continue
			}
			groups[key] = ic
			p.behind(c, ic, ic)
		}
		p.addChain(ic)
	}
	if len(p.chains) == 0 {
		return nil, &nothingFound{dir: dir, findings: sameIn(firstFindings, res.Findings)}
	}
	return p, nil
}

// sameIn returns the findings of b that a has too (same check, cause and
// position): what the files say whatever the environment. init derives
// twice, in an empty environment and in the one it assumes for CI (ciEnv),
// whose stand-in values would otherwise show as findings of their own (a
// .env value that differs from "the job's").
func sameIn(a, b []finding.Finding) []finding.Finding {
	type key struct {
		check, file string
		cause       finding.Cause
		line, col   int
	}
	k := func(f finding.Finding) key { return key{f.Check, f.File, f.Cause, f.Line, f.Col} }
	in := map[key]bool{}
	for _, f := range a {
		in[k(f)] = true
	}
	var out []finding.Finding
	for _, f := range b {
		if in[k(f)] {
			out = append(out, f)
		}
	}
	return out
}

// envOnly reports a chain discovery derived from conventional variables
// alone: one hop, no model, no position in any file.
func envOnly(c *chain.Chain) bool {
	return len(c.Hops) == 1 && c.Model == "" && c.Pos.IsZero() && c.Hops[0].Config == ""
}

func planFromConfig(dir, name string) (*initPlan, error) {
	cfg, err := hopcheckyml.Load(dir, filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	relativise(cfg, dir)
	first, err := discover.Expand(cfg, dir, nil)
	if err != nil {
		return nil, err
	}
	lookup, _ := ciEnv(dir, first.Files)
	res, err := discover.Expand(cfg, dir, lookup)
	if err != nil {
		return nil, err
	}
	if err := trustErrors(res); err != nil {
		return nil, err
	}
	p := newPlan(res)
	p.lookup, p.want, p.files, p.findings = lookup, res.Config.Chains, res.Files, sameIn(first.Findings, res.Findings)
	p.from = append([]string{name}, res.Files...)
	p.notes = append(p.notes, fmt.Sprintf("%s holds the same chains; %s is read first from now on, so delete %s once you have compared them.", name, initConfigPath, name))
	expanded := map[string]*chain.Chain{}
	for _, c := range res.Config.Chains {
		expanded[c.Name] = c
	}
	for _, c := range cfg.Chains {
		ic := &initChain{c: c, model: c.Model, through: -1, src: positionsOf(c), val: func(string, string) string { return "" }}
		ic.where = where(c.Pos)
		if x := expanded[c.Name]; x != nil && len(x.Hops) > len(c.Hops) {
			ic.through = len(c.Hops) - 1
			xs, xv := sourcesOf(res, x)
			p.behind(x, &initChain{through: ic.through, src: xs, val: xv}, ic)
		}
		p.addChain(ic)
		if x := expanded[c.Name]; x != nil {
			xs, _ := sourcesOf(res, x)
			p.addSecrets(x, xs)
		}
	}
	return p, nil
}

// newPlan starts a plan whose outputs are scrubbed of every literal
// credential the files hold. A literal that is also the key_env of a hop
// (OpenClaw reads apiKey: "OLLAMA_API_KEY" as a variable's name) is a
// name, not a key, and stays readable.
func newPlan(res *discover.Result) *initPlan {
	names := map[string]bool{}
	for _, c := range res.Config.Chains {
		for _, h := range c.Hops {
			names[h.KeyEnv] = true
		}
	}
	all := &secret.Scrubber{}
	res.AddSecrets(all)
	p := &initPlan{scrub: &secret.Scrubber{}}
	for _, v := range all.Values() {
		if !names[v] || !validEnv.MatchString(v) {
			p.scrub.Add(v)
		}
	}
	return p
}

// verify derives the chains from the generated configuration as the
// check will (discover.Expand, in the environment assumed for CI) and
// notes every difference from the chains init set out to write, the files
// the check will no longer read, and the problems it will report.
func (p *initPlan) verify(dir string, cfg *chain.Config) {
	got, err := discover.Expand(cfg, dir, p.lookup)
	if err != nil {
		p.notes = append(p.notes, fmt.Sprintf("the check cannot derive the chains of %s: %v. Please report this.", initConfigPath, err))
		return
	}
	derived := map[string]*chain.Chain{}
	for _, c := range got.Config.Chains {
		derived[c.Name] = c
	}
	for _, c := range p.want {
		g := derived[c.Name]
		switch {
		case g == nil:
			p.notes = append(p.notes, fmt.Sprintf("chain %s (%s) is not derived from %s; add it by hand. Please report this.", c.Name, route(c), initConfigPath))
		case route(g) != route(c):
			p.notes = append(p.notes, fmt.Sprintf("chain %s: the check derives %s from %s, not %s; compare with `hopcheck check --print-chains` and edit it. Please report this.", c.Name, route(g), initConfigPath, route(c)))
		}
	}
	// Files the generated configuration names no hop for: their
	// problems are no longer reported, so say them now.
	var gone []string
	for _, f := range p.files {
		if !slices.Contains(got.Files, f) {
			gone = append(gone, f)
		}
	}
	if len(gone) > 0 {
		var shown []string
		for _, f := range p.findings {
			if slices.Contains(gone, f.File) && f.Severity.Rank() >= finding.SevWarning.Rank() && len(shown) < 5 {
				shown = append(shown, fmt.Sprintf("%s: %s: %s", chain.Pos{File: f.File, Line: f.Line, Col: f.Col}, f.Severity, f.Message))
			}
		}
		one := len(gone) == 1
		note := fmt.Sprintf("from now on the check reads %s instead of %s (no hop in it names %s)", initConfigPath, strings.Join(gone, ", "), map[bool]string{true: "that file", false: "those files"}[one])
		if len(shown) > 0 {
			note += ", so it no longer reports what it found there:\n" + strings.Join(shown, "\n")
		} else {
			note += "."
		}
		p.notes = append(p.notes, note)
	}
	var errs, warns int
	for _, f := range got.Findings {
		switch f.Severity {
		case finding.SevError:
			errs++
		case finding.SevWarning:
			warns++
		}
	}
	if errs+warns > 0 {
		p.notes = append(p.notes, fmt.Sprintf("the check will report %d error(s) and %d warning(s) about %s; `hopcheck check --static-only` lists them with their lines.",
			errs, warns, strings.Join(got.Files, ", ")))
	}
}

// route is chain c's path with every hop's type and URL.
func route(c *chain.Chain) string {
	parts := []string{chain.CIHop}
	for _, h := range c.Hops {
		parts = append(parts, fmt.Sprintf("%s (%s %s)", h.Name, h.Type, h.URL))
	}
	return strings.Join(parts, " → ")
}

func hopsKey(hs []chain.Hop) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s\x00", h.Name, h.Type, h.URL, h.KeyEnv, h.Config)
	}
	return b.String()
}

// sourcesOf returns where discovery says a value of chain c came from
// (falling back to the positions the hops carry), and the value it
// reports (for a hop without key: why).
func sourcesOf(res *discover.Result, c *chain.Chain) (src, val func(hop, what string) string) {
	find := func(hop, what string) (discover.Source, bool) {
		for _, s := range res.Sources {
			if s.Chain == c.Name && s.Hop == hop && s.What == what {
				return s, true
			}
		}
		return discover.Source{}, false
	}
	pos := positionsOf(c)
	src = func(hop, what string) string {
		if s, ok := find(hop, what); ok && s.Where() != "-" {
			return s.Where()
		}
		return pos(hop, what)
	}
	val = func(hop, what string) string {
		s, _ := find(hop, what)
		return s.Value
	}
	return src, val
}

// where is a position, "" when unknown.
func where(p chain.Pos) string {
	if p.IsZero() {
		return ""
	}
	return p.String()
}

// positionsOf returns where a hopcheck.yml value is written.
func positionsOf(c *chain.Chain) func(hop, what string) string {
	return func(hop, what string) string {
		if hop == "" {
			if what == "model" {
				return where(c.ModelPos)
			}
			return ""
		}
		i := c.Index(hop)
		if i < 0 {
			return ""
		}
		h := c.Hops[i]
		switch what {
		case "type":
			return where(h.TypePos)
		case "url":
			return where(h.URLPos)
		case "key_env":
			return where(h.KeyEnvPos)
		}
		return ""
	}
}

// behind describes the hops after the proxy hop of c, and records their
// secrets.
func (p *initPlan) behind(c *chain.Chain, ic *initChain, into *initChain) {
	var out []string
	for i := ic.through + 1; i < len(c.Hops); i++ {
		h := c.Hops[i]
		if i == ic.through+1 && !slices.Contains(into.behindNames, h.Name) {
			into.behindNames = append(into.behindNames, h.Name)
		}
		d := fmt.Sprintf("%s → %s (%s) %s", c.Hops[i-1].Name, h.Name, h.Type, h.URL)
		key, at := h.KeyEnv, ic.src(h.Name, "key_env")
		if key == "" {
			key = ic.val(h.Name, "key_env") // "(literal sk-…)", "(none)": never a value
		}
		switch {
		case key != "" && at != "":
			d += ", key " + key + " (" + at + ")"
		case key != "":
			d += ", key " + key
		case ic.src(h.Name, "url") != "":
			d += " (" + ic.src(h.Name, "url") + ")"
		}
		out = append(out, d)
	}
	if len(out) == 0 && ic.through >= 0 {
		out = append(out, "no hop hopcheck can check directly: the chain is checked through "+c.Hops[ic.through].Name+" only")
	}
	p.addSecrets(c, ic.src)
	into.behind = append(into.behind, out...)
}

func (p *initPlan) addChain(ic *initChain) {
	p.chains = append(p.chains, ic)
	c := ic.c
	for i, h := range c.Hops {
		if ic.through >= 0 && i > ic.through {
			break
		}
		if h.Config != "" && (h.Type == provider.LiteLLM || h.Type == provider.OpenClaw) {
			name := map[chain.HopType]string{provider.LiteLLM: "LiteLLM", provider.OpenClaw: "the OpenClaw gateway"}[h.Type]
			proxy := fmt.Sprintf("%s (%s, at %s)", name, h.Config, h.URL)
			if !slices.Contains(p.proxies, proxy) {
				p.proxies = append(p.proxies, proxy)
			}
		}
	}
	p.addSecrets(c, ic.src)
}

// addSecrets records the credential variables of c's hops.
func (p *initPlan) addSecrets(c *chain.Chain, src func(hop, what string) string) {
	for i, h := range c.Hops {
		if !validEnv.MatchString(h.KeyEnv) || trust.RunnerVar(h.KeyEnv) || slices.ContainsFunc(p.secrets, func(s initSecret) bool { return s.name == h.KeyEnv }) {
			continue
		}
		at := ""
		if src != nil {
			at = src(h.Name, "key_env")
		}
		if at == "" {
			at = orDash(where(h.KeyEnvPos), "the environment")
		}
		p.secrets = append(p.secrets, initSecret{name: h.KeyEnv, use: "the key " + c.LinkInto(i).String() + " carries", where: at})
	}
}

// literal records that the credential of hop (on chainName) is written
// into a file at `at`.
func (p *initPlan) literal(at, hop, env, chainName string) {
	for _, l := range p.literals {
		if l.at == at && l.hop == hop {
			l.chains = append(l.chains, chainName)
			return
		}
	}
	p.literals = append(p.literals, &initLiteral{at: at, hop: hop, env: env, chains: []string{chainName}})
}

// chainView and hopView are a chain as it is written: every string is
// already safe for its place (YAML scalars quoted as needed, comments on
// one inert line).
type chainView struct {
	Comment []string
	Name    string
	Model   string
	ModelAt string
	Canary  string
	CanaryC string
	Timeout string
	Hops    []hopView
}

type hopView struct {
	Name, Type, TypeAt, URL, URLAt, KeyEnv, KeyAt, KeyHeader, Config, ConfigAt string
	Notes                                                                      []string
	Behind                                                                     []string
}

func (p *initPlan) render() (cfg, wf []byte, err error) {
	var from, chains strings.Builder
	for _, f := range p.from {
		fmt.Fprintf(&from, "#   %s\n", p.comment(f))
	}
	for _, ic := range p.chains {
		cv, err := p.chainView(ic)
		if err != nil {
			return nil, nil, err
		}
		cv.write(&chains)
	}
	cfg = fill(configTemplate, map[string]string{"FROM": from.String(), "CHAINS": chains.String()}, nil)

	var proxies, secrets strings.Builder
	if len(p.proxies) > 0 {
		proxies.WriteString("      # The chains go through a proxy that must run in this job before the\n" +
			"      # check, as it does for your LLM jobs (a step or a service container):\n")
		for _, x := range p.proxies {
			fmt.Fprintf(&proxies, "      #   %s\n", p.comment(x))
		}
		proxies.WriteString("      # Give it its upstream keys from the same secrets as below.\n")
	}
	if len(p.secrets) > 0 {
		secrets.WriteString("        env:\n")
		for _, s := range p.secrets {
			// Names are validated variable names (validEnv), never values.
			fmt.Fprintf(&secrets, "          %s: ${{ secrets.%s }}\n", s.name, s.name)
		}
	}
	wf = fill(workflowTemplate, map[string]string{"PROXIES": proxies.String(), "SECRETS": secrets.String()},
		map[string]string{"CRON": initCron})
	return cfg, wf, nil
}

// write appends the chain as a hopcheck.yml list item.
func (cv chainView) write(b *strings.Builder) {
	for _, c := range cv.Comment {
		fmt.Fprintf(b, "  # %s\n", c)
	}
	fmt.Fprintf(b, "  - name: %s\n", cv.Name)
	b.WriteString(kvLine(4, "model", cv.Model, cv.ModelAt) + "\n")
	if cv.Canary != "" {
		b.WriteString(kvLine(4, "canary", cv.Canary, cv.CanaryC) + "\n")
	}
	if cv.Timeout != "" {
		b.WriteString(kvLine(4, "timeout", cv.Timeout, "") + "\n")
	}
	b.WriteString("    hops:\n")
	for _, h := range cv.Hops {
		fmt.Fprintf(b, "      - name: %s\n", h.Name)
		b.WriteString(kvLine(8, "type", h.Type, h.TypeAt) + "\n")
		b.WriteString(kvLine(8, "url", h.URL, h.URLAt) + "\n")
		if h.KeyEnv != "" {
			b.WriteString(kvLine(8, "key_env", h.KeyEnv, h.KeyAt) + "\n")
		}
		if h.KeyHeader != "" {
			b.WriteString(kvLine(8, "key_header", h.KeyHeader, "") + "\n")
		}
		for _, n := range h.Notes {
			fmt.Fprintf(b, "        # %s\n", n)
		}
		if h.Config != "" {
			b.WriteString(kvLine(8, "config", h.Config, h.ConfigAt) + "\n")
			for _, d := range h.Behind {
				fmt.Fprintf(b, "        #   %s\n", d)
			}
		}
	}
}

var (
	validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	validEnv  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// placeholderModel stands in for the model of a chain derived from
// environment variables only: its auth-only canary sends none.
const placeholderModel = "the-model-your-ci-uses"

func (p *initPlan) chainView(ic *initChain) (chainView, error) {
	c := ic.c
	cv := chainView{Name: c.Name}
	if !validName.MatchString(c.Name) {
		return cv, fmt.Errorf("chain name %q cannot be written into hopcheck.yml", report.Inert(c.Name))
	}
	cv.Comment = append(cv.Comment, p.comment(ic.path(false)+fromWhere(ic.where)))
	cv.Model, cv.ModelAt = p.scalar(ic.model), p.comment(ic.src("", "model"))
	if ic.model == "" {
		cv.Model = p.scalar(placeholderModel)
		cv.ModelAt = p.comment("no model: the chain comes from environment variables; its auth-only canary sends none")
	}
	if c.Canary != "" && c.Canary != chain.DefaultCanary {
		cv.Canary = p.scalar(c.Canary)
		// Why discovery chose it (a wildcard route, an embedding model).
		cv.CanaryC = p.comment(ic.src("", "canary"))
		if cv.CanaryC == "" && c.Canary == chain.CanaryAuthOnly && ic.model == "" {
			cv.CanaryC = p.comment("the key check only; set the model and remove this line to send one tiny completion")
		}
	}
	if c.Timeout > 0 && c.Timeout != chain.DefaultTimeout {
		cv.Timeout = p.scalar(c.Timeout.String())
	}
	for i, h := range c.Hops {
		if ic.through >= 0 && i > ic.through {
			break
		}
		if !validName.MatchString(h.Name) || strings.EqualFold(h.Name, chain.CIHop) {
			return cv, fmt.Errorf("hop name %q of chain %s cannot be written into hopcheck.yml", report.Inert(h.Name), c.Name)
		}
		hv := hopView{Name: p.scalar(h.Name), Type: p.scalar(string(h.Type)), TypeAt: p.comment(ic.src(h.Name, "type"))}
		hv.URL = p.scalar(h.URL)
		if p.scrub.Scrub(h.URL) != h.URL || secret.Redact(h.URL) != h.URL {
			hv.URL = p.scalar(secret.Redact(p.scrub.Scrub(h.URL)))
			hv.Notes = append(hv.Notes, p.comment("the URL holds a credential, so it is written redacted: put the real one here without the credential"))
			p.notes = append(p.notes, fmt.Sprintf("chain %s, hop %s: the URL holds a credential; init wrote it redacted. Edit %s.", c.Name, h.Name, initConfigPath))
		}
		hv.URLAt = p.comment(ic.src(h.Name, "url"))
		switch {
		case h.KeyEnv != "" && validEnv.MatchString(h.KeyEnv):
			hv.KeyEnv, hv.KeyAt = p.scalar(h.KeyEnv), p.comment(ic.src(h.Name, "key_env"))
		case h.KeyValue != "":
			at, env := h.KeyEnvPos.String(), "…"
			if vars := provider.For(h.Type).KeyVars; len(vars) > 0 {
				env = vars[0]
			}
			hv.Notes = append(hv.Notes, p.comment("the credential for this hop is written into "+at+"; move it to a secret and name that variable here: key_env: "+env))
			p.literal(at, h.Name, env, c.Name)
		case provider.For(h.Type).Role == provider.Relay, provider.For(h.Type).Verify == provider.NoKey:
		default:
			why := orDash(ic.val(h.Name, "key_env"), "none found")
			if w := ic.src(h.Name, "key_env"); w != "" {
				why += " — " + w
			}
			hv.Notes = append(hv.Notes, p.comment("no key_env: "+why))
		}
		if def := provider.For(h.Type).Auth; h.KeyHeader.Name != "" && h.KeyHeader != def {
			hb, _ := json.Marshal(map[string]string{"name": h.KeyHeader.Name, "prefix": h.KeyHeader.Prefix})
			hv.KeyHeader = string(hb)
		}
		if h.Config != "" {
			hv.Config = p.scalar(h.Config)
			if i == ic.through {
				hv.ConfigAt = p.comment("the hops behind " + h.Name + " are read from this file when the check runs")
				for _, d := range ic.behind {
					hv.Behind = append(hv.Behind, p.comment(d))
				}
			}
		}
		if len(h.Params) > 0 {
			var ps []string
			for _, k := range slices.Sorted(maps.Keys(h.Params)) {
				ps = append(ps, k+"="+h.Params[k])
			}
			hv.Notes = append(hv.Notes, p.comment("this hop also needs "+strings.Join(ps, ", ")+", which hopcheck.yml cannot say yet"))
		}
		cv.Hops = append(cv.Hops, hv)
	}
	return cv, nil
}

func fromWhere(w string) string {
	if w == "" || w == "-" {
		return ""
	}
	return " — from " + w
}

func orDash(s, d string) string {
	if s == "" || s == "-" {
		return d
	}
	return s
}

// comment makes s one inert line without credentials, for a YAML comment.
func (p *initPlan) comment(s string) string {
	if s == "-" {
		return ""
	}
	s = secret.Redact(p.scrub.Scrub(s))
	s = strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
	return report.Inert(s)
}

var plainScalar = regexp.MustCompile(`^[A-Za-z./][A-Za-z0-9_./:@+-]*$`)

// scalar renders s as a YAML scalar: plain when that cannot be read as
// anything but this string, else a double-quoted (JSON) string, which YAML
// reads back verbatim.
func (p *initPlan) scalar(s string) string {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null", ".inf", ".nan":
		return strconv.Quote(s)
	}
	if plainScalar.MatchString(s) && !strings.HasSuffix(s, ":") {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSpace(b.String())
}

// kvLine is `indent + key: value`, and `  # comment` after it when the
// comment is not empty (aligned so a block reads as a table).
func kvLine(indent int, key, value, comment string) string {
	line := strings.Repeat(" ", indent) + key + ": " + value
	if comment == "" {
		return line
	}
	return fmt.Sprintf("%-46s # %s", line, comment)
}

// writeInitFiles writes every file atomically inside dir: each goes to a
// temporary file next to its target first; only when all are written are
// they moved into place. Without force a target that appeared meanwhile is
// not replaced (hard link, which fails when the name exists). Writing goes
// through os.Root, so a .github that is a link out of the repository is
// refused.
func writeInitFiles(dir string, files map[string][]byte, force bool) (err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("opening %s: %w; nothing was written", dir, err)
	}
	defer root.Close()
	names := slices.Sorted(maps.Keys(files))
	temps := map[string]string{}
	defer func() {
		for _, t := range temps {
			_ = root.Remove(t)
		}
	}()
	for _, name := range names {
		target := filepath.FromSlash(name)
		if err := root.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w; nothing was written", path.Dir(name), err)
		}
		var rnd [6]byte
		_, _ = rand.Read(rnd[:])
		tmp := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".tmp-"+hex.EncodeToString(rnd[:]))
		f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("writing %s: %w; nothing was written", name, err)
		}
		temps[name] = tmp
		_, werr := f.Write(files[name])
		serr := f.Sync()
		cerr := f.Close()
		if err := errors.Join(werr, serr, cerr); err != nil {
			return fmt.Errorf("writing %s: %w; nothing was written", name, err)
		}
	}
	var done []string
	for _, name := range names {
		target := filepath.FromSlash(name)
		if force {
			err = root.Rename(temps[name], target)
		} else if err = root.Link(temps[name], target); err != nil && !errors.Is(err, fs.ErrExist) {
			// A file system without hard links: check, then rename.
			if _, lerr := root.Lstat(target); errors.Is(lerr, fs.ErrNotExist) {
				err = root.Rename(temps[name], target)
			}
		}
		if err != nil {
			msg := fmt.Sprintf("cannot put %s in place: %v", name, err)
			if errors.Is(err, fs.ErrExist) {
				msg = fmt.Sprintf("%s appeared while init ran; run init again (--force replaces it)", name)
			}
			if !force {
				for _, d := range done {
					_ = root.Remove(filepath.FromSlash(d))
				}
				return errors.New(msg + "; nothing was written")
			}
			if len(done) > 0 {
				return fmt.Errorf("%s; %s was already replaced", msg, strings.Join(done, ", "))
			}
			return errors.New(msg + "; nothing was written")
		}
		done = append(done, name)
	}
	return nil
}

// print says what init wrote and which secrets to add (names only).
// Every value passes report.Inert (and the scrubber) on its own, so the
// columns survive.
func (p *initPlan) print(w io.Writer) {
	clean := func(s string) string { return report.Inert(secret.Redact(p.scrub.Scrub(s))) }
	var b strings.Builder
	n := len(p.chains)
	fmt.Fprintf(&b, "wrote %s: %d chain%s, from %s\n", initConfigPath, n, map[bool]string{true: "", false: "s"}[n == 1], clean(strings.Join(p.from, ", ")))
	for _, ic := range p.chains {
		fmt.Fprintf(&b, "  %-28s %s\n", clean(ic.c.Name), clean(ic.path(true)))
	}
	fmt.Fprintf(&b, "wrote %s: preflight on pull_request, monitor daily at %s UTC and on workflow_dispatch\n", initWorkflowPath, cronTime(initCron))
	if len(p.secrets) > 0 {
		b.WriteString("\nAdd these repository secrets (Settings → Secrets and variables → Actions), names only; the workflow passes them to hopcheck:\n")
		for _, s := range p.secrets {
			fmt.Fprintf(&b, "  %-28s %s (%s)\n", clean(s.name), clean(s.use), clean(s.where))
		}
	} else if len(p.literals) > 0 {
		b.WriteString("\nNo secret is named yet: the credentials these chains use are written into the files (see the notes).\n")
	} else {
		b.WriteString("\nNo secret is needed: no hop names a key variable.\n")
	}
	if len(p.proxies) > 0 {
		fmt.Fprintf(&b, "\nThe chains go through %s: start it in the workflow before hopcheck, as your LLM jobs do (see the comment in %s).\n",
			clean(strings.Join(p.proxies, " and ")), initWorkflowPath)
	}
	notes := slices.Clone(p.notes)
	for _, l := range p.literals {
		on := "chain " + l.chains[0]
		if n := len(l.chains); n > 1 {
			on = fmt.Sprintf("%d chains (%s)", n, strings.Join(l.chains, ", "))
			if n > 4 {
				on = fmt.Sprintf("%d chains (%s, …)", n, strings.Join(l.chains[:3], ", "))
			}
		}
		key := "key_env"
		if l.env != "…" {
			key = "key_env: " + l.env
		}
		notes = append(notes, fmt.Sprintf("hop %s of %s: its credential is written into %s; hopcheck.yml can only name a variable, so move the credential into a secret and set %s on the hop.", l.hop, on, l.at, key))
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, note := range notes {
			// A note's further lines (findings it quotes) are indented
			// under it, each made inert on its own.
			lines := strings.Split(note, "\n")
			fmt.Fprintf(&b, "  - %s\n", clean(lines[0]))
			for _, l := range lines[1:] {
				fmt.Fprintf(&b, "      %s\n", clean(l))
			}
		}
	}
	b.WriteString("\nNext: hopcheck check --static-only   (validates the new config without sending a request), then commit both files.\n")
	_, _ = io.WriteString(w, b.String())
}

// path is the chain as `ci → a → b`, the hops behind a proxy included;
// origin adds where those come from.
func (ic *initChain) path(origin bool) string {
	path := []string{chain.CIHop}
	for i, h := range ic.c.Hops {
		if ic.through >= 0 && i > ic.through {
			break
		}
		path = append(path, h.Name)
	}
	if ic.through >= 0 {
		switch len(ic.behindNames) {
		case 0:
		case 1:
			path = append(path, ic.behindNames[0])
		default:
			path = append(path, "{"+strings.Join(ic.behindNames, ", ")+"}")
		}
		if origin {
			return strings.Join(path, " → ") + " (behind " + ic.c.Hops[ic.through].Name + ": from " + ic.c.Hops[ic.through].Config + ")"
		}
	}
	return strings.Join(path, " → ")
}

func cronTime(cron string) string {
	f := strings.Fields(cron)
	m, _ := strconv.Atoi(f[0])
	h, _ := strconv.Atoi(f[1])
	return time.Date(2000, 1, 1, h, m, 0, 0, time.UTC).Format("15:04")
}
