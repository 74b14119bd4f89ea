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

// openClawFile derives the chains of one discovered openclaw.json.
func (b *builder) openClawFile(rel string) {
	res := b.readOpenClaw(rel, chain.Pos{}, openclaw.Options{})
	if res == nil {
		return
	}
	b.takeOpenClaw(res, "", "", nil, nil)
	for _, p := range res.Plans {
		cc := *p.Chain
		cc.Hops = slices.Clone(p.Chain.Hops)
		old := cc.Name
		if !b.addChain(&cc, old) {
			break
		}
		if p.Through {
			b.proxyModels[cc.Name] = p.Choice.Label()
		}
		b.takeOpenClaw(res, old, cc.Name, nil, nil)
	}
}

// readOpenClaw reads, derives and judges the OpenClaw config rel (its
// $include files read through the builder too) and records the files and
// secrets; ref is the hopcheck.yml hop that names it (zero when
// discovered). A file OpenClaw would refuse (invalid JSON5, a value of the
// wrong type, an $include cycle or a refused include) stops the run at its
// position, as an invalid hopcheck.yml does. nil when there is nothing to
// use.
func (b *builder) readOpenClaw(rel string, ref chain.Pos, o openclaw.Options) *openclaw.Result {
	pos := ref
	if pos.IsZero() {
		pos = chain.Pos{File: rel}
	}
	b.configsRead++
	data, err := b.read(rel, ref)
	if err != nil {
		b.finding(*(&finding.Finding{Check: "discover.openclaw", Hop: "openclaw", Cause: finding.ConfigInvalid, Severity: finding.SevError,
			Message: fmt.Sprintf("Cannot read OpenClaw config %s: %v.", rel, err)}).At(pos))
		return nil
	}
	b.addFile(rel)
	b.checkRefs(rel, data)
	o.LookupEnv = b.env
	o.Open = func(inc string) ([]byte, error) {
		data, err := b.read(inc, chain.Pos{})
		if err == nil {
			b.checkRefs(inc, data)
		}
		return data, err
	}
	res, err := openclaw.Analyze(rel, data, o)
	if err != nil {
		msg, fix := err.Error(), "Fix the file; OpenClaw refuses to start with it too."
		var se *json5.SyntaxError
		var oe *openclaw.Error
		switch {
		case errors.As(err, &se):
			pos, msg = se.Pos, se.Msg
			if se.Limit {
				fix = "Flatten the file; an OpenClaw config needs a few levels and a few hundred values."
			}
		case errors.As(err, &oe):
			pos, msg = oe.Pos, oe.Msg
			if oe.Fix != "" {
				fix = oe.Fix
			}
		}
		b.refused = append(b.refused, &chain.ConfigError{Pos: pos, Msg: fmt.Sprintf("OpenClaw config %s cannot be used: %s", rel, msg), Fix: fix})
		b.finding(*(&finding.Finding{Check: "discover.openclaw", Hop: "openclaw", Cause: finding.ConfigInvalid, Severity: finding.SevError,
			Message: fmt.Sprintf("OpenClaw config %s cannot be used: %s", rel, msg), Fix: fix}).At(pos))
		return nil
	}
	for _, f := range res.Config.Files {
		b.addFile(f)
	}
	b.checkDecoded(res.Config.RunnerRefs)
	b.secrets = append(b.secrets, res.Secrets...)
	return res
}

// takeOpenClaw takes over the findings and sources res has for its chain
// old, naming the chain now and its hops by rename (old "": the findings
// that belong to no chain). With only set, only the sources of the hops it
// names are taken (the others come from hopcheck.yml).
func (b *builder) takeOpenClaw(res *openclaw.Result, old, now string, rename, only map[string]string) {
	re := func(n string) string {
		if m, ok := rename[n]; ok {
			return m
		}
		return n
	}
	for _, f := range res.Findings {
		if f.Chain != old {
			continue
		}
		f.Chain, f.Hop = now, re(f.Hop)
		if f.Link != nil {
			l := chain.Link{From: re(f.Link.From), To: re(f.Link.To)}
			f.Link = &l
		}
		b.finding(f)
	}
	if old == "" {
		return
	}
	for _, s := range res.Sources {
		if s.Chain != old {
			continue
		}
		if only != nil {
			if _, ok := only[s.Hop]; !ok {
				continue
			}
		}
		b.source(Source{Chain: now, Hop: re(s.Hop), What: s.What, Value: s.Value, Pos: s.Pos, Origin: s.Origin})
	}
}
