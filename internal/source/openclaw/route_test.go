package openclaw

import (
	"strings"
	"testing"
)

// The hop behind the gateway carries what else OpenClaw may answer its
// model with: the other models of the fallback list, each once (the primary
// one too, for a fallback's chain), also when a hopcheck.yml chain names
// the model itself. Without fallbacks nothing else can answer.
func TestRouteDoubtsAreTheFallbacks(t *testing.T) {
	src := "{" + on + `, agents: {defaults: {model: {primary: "anthropic/a", fallbacks: ["openai/c", "anthropic/a"]}}}}`
	cfg := parse(t, src)
	d := Derive(cfg, Options{})
	if len(d.Plans) != 2 {
		t.Fatalf("plans %+v", d.Plans)
	}
	primary := d.Plans[0].Chain.Hops[1].Route
	if primary == nil || len(primary.Doubts) != 1 || !strings.Contains(primary.Doubts[0].What, "openai/c") || primary.Doubts[0].Pos.Line == 0 || primary.Doubts[0].Mock {
		t.Fatalf("primary's route %+v", primary)
	}
	if fb := d.Plans[1].Chain.Hops[1].Route; fb == nil || len(fb.Doubts) != 1 || !strings.Contains(fb.Doubts[0].What, "anthropic/a") {
		t.Errorf("the fallback's own chain: %+v", fb)
	}
	// A hopcheck.yml chain asks for its model; the configured fallbacks
	// still apply.
	d = Derive(cfg, Options{Model: "anthropic/a", Through: true})
	if r := d.Plans[0].Chain.Hops[1].Route; r == nil || len(r.Doubts) != 1 {
		t.Errorf("hopcheck.yml chain's route %+v", r)
	}
	cfg = parse(t, "{"+on+`, agents: {defaults: {model: "anthropic/a"}}}`)
	if r := Derive(cfg, Options{}).Plans[0].Chain.Hops[1].Route; r == nil || len(r.Doubts) != 0 || r.Config == "" {
		t.Errorf("a single model's route %+v", r)
	}
	// The direct chain (endpoint off) has no gateway, so no route.
	cfg = parse(t, `{agents: {defaults: {model: "anthropic/a"}}}`)
	if h := Derive(cfg, Options{}).Plans[0].Chain.Hops; h[len(h)-1].Route != nil {
		t.Errorf("direct chain hop has a route: %+v", h)
	}
}
