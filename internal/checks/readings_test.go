package checks

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// A result shared by many chains is read once per hop type, however many
// chains read it at once, and every chain gets its own copy of what was
// read: changing one chain's evidence or key facts changes no other's.
func TestReadingsOncePerResult(t *testing.T) {
	var reads atomic.Int32
	api := *provider.For(provider.OpenRouter)
	orig := api.ReadKey
	api.ReadKey = func(b []byte) provider.KeyFacts { reads.Add(1); return orig(b) }
	res := &probe.Result{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"data":{"label":"ci","limit":10,"limit_remaining":4.5,"usage":5.5}}`)}
	req := &probe.Request{Method: http.MethodGet, URL: "http://127.0.0.1:1/api/v1/key"}

	rs := &readings{}
	r := &run{scrub: &secret.Scrubber{}}
	var wg sync.WaitGroup
	kfs := make([]provider.KeyFacts, 16)
	outs := make([]outcome, 16)
	for i := range kfs {
		wg.Go(func() {
			kfs[i] = rs.keyFacts(&api, res)
			outs[i] = rs.assess(r, &api, req, res)
		})
	}
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("ReadKey ran %d times for one shared result, want 1", n)
	}
	if kfs[0].Remaining == nil || *kfs[0].Remaining != 4.5 || outs[0].cause != finding.OK || outs[0].ev == nil {
		t.Fatalf("read %+v, %+v; want remaining 4.5 and an ok outcome with evidence", kfs[0], outs[0])
	}
	*kfs[0].Remaining = 0
	outs[0].ev.Excerpt = "changed"
	for i := 1; i < len(kfs); i++ {
		if *kfs[i].Remaining != 4.5 || outs[i].ev.Excerpt == "changed" {
			t.Fatalf("chain %d sees another chain's change: remaining %v, excerpt %q", i, *kfs[i].Remaining, outs[i].ev.Excerpt)
		}
	}

	// Another result, even with the same body, is read on its own.
	other := *res
	rs.keyFacts(&api, &other)
	if n := reads.Load(); n != 2 {
		t.Fatalf("ReadKey ran %d times for two results, want 2", n)
	}
	// Without readings every call reads.
	var none *readings
	none.keyFacts(&api, res)
	none.keyFacts(&api, res)
	if n := reads.Load(); n != 4 {
		t.Fatalf("ReadKey ran %d times, want 4", n)
	}
}

// Chains that share a proxy's model list are each judged against it: the
// list is parsed once, the chain whose model it lacks still fails.
func TestReadingsModelListPerChain(t *testing.T) {
	res := &probe.Result{Status: http.StatusOK, Body: []byte(`{"data":[{"id":"a"},{"id":"b"}]}`)}
	rs := &readings{}
	if got := rs.models(res); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("models = %q, want [a b]", got)
	}
	for _, tc := range []struct {
		model string
		fail  bool
	}{{"a", false}, {"b", false}, {"c", true}} {
		c := &chain.Chain{Name: "c-" + tc.model, Model: tc.model, Hops: []chain.Hop{{Name: "litellm", Type: provider.LiteLLM, URL: "http://127.0.0.1:1"}}}
		r := &run{c: c, seen: rs}
		var v hopVerdict
		r.judgeModelList(0, res, &v)
		if got := v.cause == finding.ModelUnavailable; got != tc.fail {
			t.Errorf("model %q: model-unavailable = %v, want %v (findings %+v)", tc.model, got, tc.fail, r.findings)
		}
	}
	if got := rs.models(&probe.Result{Body: []byte(`{"data":[]}`)}); got != nil {
		t.Errorf("an empty list reads as %q, want nil", got)
	}
}
