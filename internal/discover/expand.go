package discover

import (
	"fmt"
	"slices"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
	"github.com/hopcheck/hopcheck/internal/source/openclaw"
)

// expandChain completes chain c of a hopcheck.yml from the configs its hops
// name.
func (b *builder) expandChain(c *chain.Chain) {
	for i := 0; i < len(c.Hops); i++ {
		h := c.Hops[i]
		if h.Config == "" {
			continue
		}
		switch h.Type {
		case provider.LiteLLM:
			b.expandLite(c, i)
		case provider.OpenClaw:
			b.expandOpenClaw(c, i)
		default:
			b.finding(*(&finding.Finding{Check: "discover.config", Chain: c.Name, Hop: h.Name, Cause: finding.ConfigInvalid, Severity: finding.SevNotice,
				Message: fmt.Sprintf("hop %q of type %s names a config (%s); hopcheck reads configs of litellm and openclaw hops only, so it is ignored.", h.Name, h.Type, h.Config),
				Fix:     "Remove config: from this hop."}).At(h.Pos))
		}
	}
}

// expandLite reads the LiteLLM config of hop i of c. When the hop is the
// last of the chain, the hop behind it is derived from the deployment that
// serves c.Model (more deployments of the same model group become chains
// of their own, named <chain>-2, …); otherwise the hops the chain lists are
// cross-checked against the file.
func (b *builder) expandLite(c *chain.Chain, i int) {
	h := c.Hops[i]
	lf := b.loadLite(h.Config, h.Pos)
	if lf.bad != nil {
		b.reportLite(lf)
		return
	}
	b.liteFileFindings(lf)
	b.source(Source{Chain: c.Name, Hop: h.Name, What: "config", Value: h.Config, Pos: h.Pos})
	if c.Model == "" {
		return
	}
	cfg := lf.d.Config()
	deps := cfg.Deployments(c.Model)
	if len(deps) == 0 {
		l := c.LinkInto(i)
		b.finding(*(&finding.Finding{Check: "discover.models", Chain: c.Name, Hop: h.Name, Link: &l, Cause: finding.ModelUnavailable, Severity: finding.SevError,
			Message: fmt.Sprintf("chain %s asks %s for model %q, but %s defines only %s; the proxy answers \"Invalid model name passed in\".", c.Name, h.Name, c.Model, lf.rel, quoteList(cfg.ModelNames())),
			Fix:     fmt.Sprintf("Set the chain's model to one of the model_name values of %s, or add %q to its model_list.", lf.rel, c.Model)}).At(c.ModelPos))
		return
	}
	b.checkCanaryKind(lf, deps[0], c, i)
	if i < len(c.Hops)-1 {
		b.crossCheckKey(lf, deps[0], c, i)
		// What the file says about the route decides whether an answer
		// through the proxy shows the listed hop was reached.
		c.Hops[i+1].Route = lf.d.RouteOf(deps[0])
		return
	}
	base := slices.Clone(c.Hops)
	type sig struct{ model, key, base, cred string }
	seen := map[sig]bool{}
	for n, d := range deps {
		s := sig{d.Model.Value, d.APIKey.Value, d.APIBase.Value, d.Credential.Value}
		if seen[s] {
			continue
		}
		seen[s] = true
		target := c
		if n > 0 {
			target = &chain.Chain{Model: c.Model, Canary: c.Canary, Timeout: c.Timeout, Pos: c.Pos, ModelPos: c.ModelPos, Hops: slices.Clone(base)}
			if !b.addChain(target, fmt.Sprintf("%s-%d", c.Name, len(seen))) {
				return
			}
			b.source(Source{Chain: target.Name, What: "model", Value: target.Model, Pos: d.ModelName.Pos, Origin: fmt.Sprintf("another deployment of the model group (chain %s)", c.Name)})
		}
		up, ok, res := lf.d.Upstream(d, target, h.Name)
		b.adoptLite(res)
		if !ok {
			continue
		}
		for target.Index(up.Name) >= 0 {
			up.Name += "-upstream"
		}
		target.Hops = append(target.Hops, up)
	}
}

// checkCanaryKind warns when chain c sends its model a canary the
// deployment's kind of model refuses: a chat completion to an embedding,
// image or audio model, an embeddings call to a chat or image model. The
// chain would fail although the proxy works.
func (b *builder) checkCanaryKind(lf *liteFile, d litellm.Deployment, c *chain.Chain, i int) {
	kind, from := litellm.Kind(d)
	want := chain.CanaryAuthOnly
	switch {
	case kind == "embedding":
		want = chain.CanaryEmbedding
	case kind == "chat" && from == "":
		return // presumed a chat model: nothing says otherwise
	case kind == "chat":
		want = chain.CanaryInference
	}
	if c.Canary == want || !chain.EndToEnd(c.Canary) {
		return
	}
	call := map[string]string{"inference": "a chat completion", "embedding": "an embeddings call"}[c.Canary]
	model := map[string]string{"chat": "a chat model", "embedding": "an embedding model", "image": "an image model", "audio": "an audio model"}[kind]
	if model == "" {
		model = "a model that is not for chat"
	}
	l := c.LinkInto(i)
	b.finding(*(&finding.Finding{Check: "discover.canary", Chain: c.Name, Hop: c.Hops[i].Name, Link: &l, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
		Message: fmt.Sprintf("chain %s sends model %q %s (canary: %s), but %s serves it as %s (%s), which refuses that call.", c.Name, c.Model, call, c.Canary, lf.rel, model, from),
		Fix:     fmt.Sprintf("Set canary: %s on chain %s.", want, c.Name)}).At(c.ModelPos))
}

// crossCheckKey warns when the hop a hopcheck.yml lists behind a LiteLLM
// proxy is checked with another variable than the one the proxy reads:
// hopcheck would then test a key the proxy never uses.
func (b *builder) crossCheckKey(lf *liteFile, d litellm.Deployment, c *chain.Chain, i int) {
	next := c.Hops[i+1]
	v := lf.d.KeyVar(d)
	if v == "" || next.KeyEnv == "" || v == next.KeyEnv {
		return
	}
	l := chain.Link{From: c.Hops[i].Name, To: next.Name}
	b.finding(*(&finding.Finding{Check: "discover.key_env", Chain: c.Name, Hop: next.Name, Link: &l, Cause: finding.ConfigInvalid, Severity: finding.SevWarning,
		Message: fmt.Sprintf("hop %q is checked with %s, but %s sends model %q upstream with os.environ/%s (%s); hopcheck tests a key the proxy does not use.",
			next.Name, next.KeyEnv, c.Hops[i].Name, c.Model, v, d.APIKey.Pos),
		Fix: fmt.Sprintf("Set key_env: %s on hop %q, or change the api_key reference in %s.", v, next.Name, lf.rel)}).At(next.KeyEnvPos))
}

// expandOpenClaw reads the OpenClaw config of hop i of c. When the hop is
// the last of the chain, the hops behind the gateway are those OpenClaw
// uses for c.Model.
func (b *builder) expandOpenClaw(c *chain.Chain, i int) {
	h := c.Hops[i]
	res := b.readOpenClaw(h.Config, h.Pos, openclaw.Options{Model: c.Model, ModelPos: c.ModelPos, Through: true})
	b.source(Source{Chain: c.Name, Hop: h.Name, What: "config", Value: h.Config, Pos: h.Pos})
	if res == nil {
		return
	}
	b.takeOpenClaw(res, "", "", nil, nil)
	if len(res.Chains) == 0 || i < len(c.Hops)-1 {
		return
	}
	pick := res.Chains[0]
	k := slices.IndexFunc(pick.Hops, func(x chain.Hop) bool { return x.Type == provider.OpenClaw })
	rename := map[string]string{}
	if k >= 0 {
		rename[pick.Hops[k].Name] = h.Name
	}
	for _, up := range pick.Hops[k+1:] {
		name := up.Name
		for c.Index(name) >= 0 {
			name += "-upstream"
		}
		rename[up.Name] = name
		up.Name = name
		c.Hops = append(c.Hops, up)
	}
	// The model and the gateway hop's values come from hopcheck.yml.
	only := map[string]string{}
	for _, up := range pick.Hops[k+1:] {
		only[up.Name] = rename[up.Name]
	}
	b.takeOpenClaw(res, pick.Name, c.Name, rename, only)
}
