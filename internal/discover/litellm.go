package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
)

// DefaultLiteLLMURL is where a LiteLLM proxy listens when nothing says
// otherwise (`litellm --config config.yaml` binds port 4000).
var DefaultLiteLLMURL = litellm.DefaultProxyURL

// liteFile is one LiteLLM config read (with the files it includes). The
// reading, deriving and judging are package litellm's; discovery reads the
// files through fsafe and adopts what litellm derives.
type liteFile struct {
	rel string
	d   *litellm.Deriver // nil when the file cannot be used
	// included lists the files the config includes (read so far, when
	// it failed).
	included []string
	// bad is the problem that makes the file unusable (nil: usable).
	bad      *chain.ConfigError
	fileDone bool
}

// loadLite reads and parses a LiteLLM config (once per file) and the
// files it includes. A file that cannot be used comes back with bad set;
// reportLite turns that into a finding.
func (b *builder) loadLite(rel string, ref chain.Pos) *liteFile {
	if lf, ok := b.lite[rel]; ok {
		return lf
	}
	lf := &liteFile{rel: rel}
	b.lite[rel] = lf
	pos := ref
	if pos.IsZero() {
		pos = chain.Pos{File: rel}
	}
	data, err := b.read(rel, ref)
	if err != nil {
		msg := fmt.Sprintf("Cannot read LiteLLM config %s: %v.", rel, err)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			msg = fmt.Sprintf("LiteLLM config %s does not exist.", rel)
		case errors.Is(err, fsafe.ErrTooLarge):
			msg = fmt.Sprintf("LiteLLM config %s is larger than 1 MiB; it was not read.", rel)
		}
		lf.bad = &chain.ConfigError{Pos: pos, Msg: msg, Fix: "Point config: at the LiteLLM config.yaml the proxy is started with (path relative to the repository root)."}
		return lf
	}
	b.addFile(rel)
	b.checkRefs(rel, data)
	cfg, err := litellm.Load(rel, data, func(inc string, at chain.Pos) ([]byte, error) {
		data, err := b.read(inc, at)
		if err == nil {
			b.addFile(inc)
			b.checkRefs(inc, data)
		}
		return data, err
	})
	if err != nil {
		pos, msg := chain.Pos{File: rel}, err.Error()
		var le *litellm.Error
		if errors.As(err, &le) {
			pos, msg = le.Pos, le.Msg
		}
		if cfg != nil {
			lf.included = cfg.Included
		}
		b.tooCostly(err, pos, msg)
		lf.bad = &chain.ConfigError{Pos: pos, Msg: fmt.Sprintf("LiteLLM config %s cannot be used: %s", rel, msg),
			Fix: "Fix the file at this line; LiteLLM refuses to start with it too."}
		return lf
	}
	lf.included = cfg.Included
	b.checkDecoded(cfg.RunnerRefs)
	lf.d = litellm.New(cfg, b.env)
	b.liteList = append(b.liteList, lf)
	b.configsRead++
	return lf
}

// reportLite reports a config that cannot be used as a finding at its
// position, and remembers it: a run that derives no chain at all stops
// with it (exit 2) instead of saying nothing was found.
func (b *builder) reportLite(lf *liteFile) {
	if lf.bad == nil || lf.fileDone {
		return
	}
	lf.fileDone = true
	b.finding(*(&finding.Finding{Check: "discover.litellm", Hop: "litellm", Cause: finding.ConfigInvalid, Severity: finding.SevError,
		Message: lf.bad.Msg, Fix: lf.bad.Fix}).At(lf.bad.Pos))
	b.unusable = append(b.unusable, lf.bad)
}

// liteLLMFiles reads the LiteLLM configs discovery found and derives their
// chains. A file that another config includes is a fragment of that
// config, not a proxy's config of its own: its routes are derived (and its
// problems reported) through the config that includes it.
func (b *builder) liteLLMFiles(rels []string) {
	var files []*liteFile
	included := map[string]bool{}
	for _, rel := range rels {
		lf := b.loadLite(rel, chain.Pos{})
		files = append(files, lf)
		for _, inc := range lf.included {
			if inc != rel {
				included[inc] = true
			}
		}
	}
	var roots []*liteFile
	for _, lf := range files {
		if !included[lf.rel] {
			roots = append(roots, lf)
		}
	}
	for _, lf := range roots {
		if lf.bad != nil {
			b.reportLite(lf)
			continue
		}
		b.liteFileFindings(lf)
		prefix := ""
		if len(roots) > 1 {
			prefix = strings.TrimSuffix(strings.TrimSuffix(lf.rel, ".yaml"), ".yml") + "-"
		}
		b.adoptLite(lf.d.Chains(litellm.Options{Add: func(c *chain.Chain, want string) bool {
			if !b.addChain(c, want) {
				return false
			}
			b.proxyModels[c.Name] = lf.modelName(c)
			return true
		}, Prefix: prefix}))
	}
	// Fragments are proxies of their own only to the configs that include
	// them; drop them from the list envChains and crossCheckModels read.
	b.liteList = slices.DeleteFunc(b.liteList, func(lf *liteFile) bool { return included[lf.rel] })
}

// modelName is the model_name of the deployment chain c was derived from
// (found by its position: a wildcard route's chain has no model).
func (lf *liteFile) modelName(c *chain.Chain) string {
	for _, d := range lf.d.Config().ModelList {
		if d.ModelName.Pos == c.ModelPos && !c.ModelPos.IsZero() {
			return d.ModelName.Value
		}
	}
	return c.Model
}

// liteFileFindings reports what is wrong with the file as a whole, once
// per file.
func (b *builder) liteFileFindings(lf *liteFile) {
	if lf.fileDone || lf.d == nil {
		return
	}
	lf.fileDone = true
	b.adoptLite(lf.d.Judge())
}

// adoptLite takes over what package litellm derived or judged.
func (b *builder) adoptLite(res *litellm.Result) {
	for _, f := range res.Findings {
		b.finding(f)
	}
	for _, s := range res.Sources {
		b.source(Source(s))
	}
	for _, v := range res.Secrets {
		b.addSecret(v)
	}
}
