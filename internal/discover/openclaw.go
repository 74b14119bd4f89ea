package discover

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/json5"
	"github.com/hopcheck/hopcheck/internal/source/openclaw"
)

// OpenClawReader derives chains from one OpenClaw config. rel is the file's
// path relative to the repository root (every position must use it), data
// its content, lookupEnv the job environment. The returned Result holds the
// chains (hops positioned inside the file), findings about the file and the
// sources of the values used; Config.File and Files may be left empty.
type OpenClawReader func(rel string, data []byte, lookupEnv func(string) (string, bool)) (*Result, error)

// OpenClaw is the OpenClaw reader Discover and Expand call for
// openclaw.json files and for openclaw hops with a config. It defaults to
// ReadOpenClaw (chain/openclaw); tests replace it with a stub. When it is
// nil, an openclaw.json that is found is listed in Files and reported with
// a notice, and no chain is derived from it.
var OpenClaw OpenClawReader = ReadOpenClaw

// ReadOpenClaw adapts chain/openclaw to OpenClawReader: openclaw.Parse
// reads the JSON5 file with positions and openclaw.Chains derives the
// chain (`ci → openclaw → provider` when the gateway's OpenAI endpoint is
// on, else the direct `ci → provider` link) and the findings about the
// file. Every literal secret of the file is registered for AddSecrets.
func ReadOpenClaw(rel string, data []byte, lookupEnv func(string) (string, bool)) (*Result, error) {
	cfg, err := openclaw.Parse(rel, data)
	if err != nil {
		return nil, err
	}
	chains, fs := openclaw.Chains(cfg, lookupEnv)
	r := &Result{Config: &chain.Config{Chains: chains}, Findings: fs}
	add := func(s openclaw.Secret) {
		if s.IsLiteral() {
			r.secrets = append(r.secrets, s.Literal)
		}
	}
	add(cfg.Gateway.Token)
	add(cfg.Gateway.Password)
	for _, p := range cfg.Providers {
		add(p.APIKey)
	}
	for _, e := range cfg.EnvVars {
		add(e.Value)
	}
	return r, nil
}

// openClawFile derives the chains of one discovered openclaw.json.
func (b *builder) openClawFile(rel string) {
	res := b.readOpenClaw(rel, chain.Pos{})
	if res == nil {
		return
	}
	b.takeRunLevel(res)
	if res.Config == nil {
		return
	}
	for _, c := range res.Config.Chains {
		cc := *c
		cc.Hops = slices.Clone(c.Hops)
		old := cc.Name
		if !b.addChain(&cc, old) {
			break
		}
		b.renameFrom(res, old, cc.Name)
	}
}

// readOpenClaw runs the OpenClaw reader on rel and takes over its
// findings, sources and secrets (chain names still as the reader gave
// them; see renameFrom). nil when there is nothing to use.
func (b *builder) readOpenClaw(rel string, ref chain.Pos) *Result {
	pos := ref
	if pos.IsZero() {
		pos = chain.Pos{File: rel}
	}
	data, err := b.read(rel, ref)
	if err != nil {
		b.finding(*(&finding.Finding{Check: "discover.openclaw", Hop: "openclaw", Cause: finding.ConfigInvalid, Severity: finding.SevError,
			Message: fmt.Sprintf("Cannot read OpenClaw config %s: %v.", rel, err)}).At(pos))
		return nil
	}
	b.addFile(rel)
	b.checkRefs(rel, data)
	if OpenClaw == nil {
		b.finding(*(&finding.Finding{Check: "discover.openclaw", Hop: "openclaw", Cause: finding.OK, Severity: finding.SevNotice,
			Message: fmt.Sprintf("%s was found, but this hopcheck build has no OpenClaw reader; no chain is derived from it.", rel),
			Fix:     "Describe the chain in a hopcheck.yml (an openclaw hop followed by its provider)."}).At(chain.Pos{File: rel, Line: 1, Col: 1}))
		return nil
	}
	res, err := OpenClaw(rel, data, b.env)
	if err != nil {
		msg := err.Error()
		var se *json5.SyntaxError
		var oe *openclaw.Error
		switch {
		case errors.As(err, &se):
			pos, msg = se.Pos, se.Msg
		case errors.As(err, &oe):
			pos, msg = oe.Pos, oe.Msg
		}
		b.tooCostly(err, pos, msg)
		b.finding(*(&finding.Finding{Check: "discover.openclaw", Hop: "openclaw", Cause: finding.ConfigInvalid, Severity: finding.SevError,
			Message: fmt.Sprintf("OpenClaw config %s cannot be used: %s", rel, msg),
			Fix:     "Fix the file; OpenClaw refuses to start with it too."}).At(pos))
		return nil
	}
	if res == nil {
		return nil
	}
	b.secrets = append(b.secrets, res.secrets...)
	for _, f := range res.Files {
		b.addFile(f)
	}
	return res
}

// renameFrom takes over the findings and sources res has for chain old,
// naming the chain now.
func (b *builder) renameFrom(res *Result, old, now string) {
	for _, f := range res.Findings {
		if f.Chain == old {
			f.Chain = now
			b.finding(f)
		}
	}
	for _, s := range res.Sources {
		if s.Chain == old {
			s.Chain = now
			b.source(s)
		}
	}
}

// takeRunLevel takes over the findings and sources of res that belong to
// no chain.
func (b *builder) takeRunLevel(res *Result) {
	for _, f := range res.Findings {
		if f.Chain == "" {
			b.finding(f)
		}
	}
	for _, s := range res.Sources {
		if s.Chain == "" && s.What != "file" {
			b.source(s)
		}
	}
}
