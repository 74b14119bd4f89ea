package checks

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/hopcheck/hopcheck/internal/probe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
)

// readings remembers what the chains sharing one live result read from it.
// execute sends identical requests once and hands every chain that planned
// one the same *probe.Result; classifying its answer, reading the key's
// facts and its model list depend only on that result and the type of the
// hop reading it, so they are worked out once per result instead of once
// per chain (64 chains behind one LiteLLM proxy parsed its model list 128
// times, all of it after the last canary came back). Each caller gets its
// own copy of what was read, so no chain can change another's.
type readings struct {
	mu sync.Mutex
	m  map[readingKey]*reading
}

type readingKey struct {
	res    *probe.Result
	api    *provider.Spec
	scrub  *secret.Scrubber // assess's: the verdicts are scrubbed with it
	kind   readingKind
	method string // the request's, for assess's evidence
	url    string
}

type readingKind uint8

const (
	readAssess readingKind = iota
	readKeyFacts
	readModels
)

type reading struct {
	once   sync.Once
	o      outcome
	kf     provider.KeyFacts
	models []string // nil: not a model list, or an empty one
}

// get returns the reading for k, computing it with fill the first time
// (other callers for the same k wait for it). A nil readings computes
// every time.
func (rs *readings) get(k readingKey, fill func(*reading)) *reading {
	if rs == nil {
		var rd reading
		fill(&rd)
		return &rd
	}
	rs.mu.Lock()
	if rs.m == nil {
		rs.m = map[readingKey]*reading{}
	}
	rd, ok := rs.m[k]
	if !ok {
		rd = &reading{}
		rs.m[k] = rd
	}
	rs.mu.Unlock()
	rd.once.Do(func() { fill(rd) })
	return rd
}

// assess is r.assess(api, req, res), once per result, hop type, request
// and scrubber (every chain of a Run has the same one, complete before the
// first request is sent).
func (rs *readings) assess(r *run, api *provider.Spec, req *probe.Request, res *probe.Result) outcome {
	k := readingKey{res: res, api: api, scrub: r.scrub, kind: readAssess}
	if req != nil {
		k.method, k.url = req.Method, req.URL
	}
	o := rs.get(k, func(rd *reading) { rd.o = r.assess(api, req, res) }).o
	if o.ev != nil {
		ev := *o.ev
		o.ev = &ev
	}
	return o
}

// keyFacts is api.ReadKey(res.Body), once per result and hop type.
func (rs *readings) keyFacts(api *provider.Spec, res *probe.Result) provider.KeyFacts {
	kf := rs.get(readingKey{res: res, api: api, kind: readKeyFacts}, func(rd *reading) { rd.kf = api.ReadKey(res.Body) }).kf
	for _, p := range []**float64{&kf.Limit, &kf.Remaining, &kf.Usage, &kf.UsageDaily, &kf.UsageWeekly, &kf.UsageMonthly, &kf.Balance} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	kf.Models = slices.Clone(kf.Models)
	return kf
}

// models returns the ids of the OpenAI-style model list in res's body, once
// per result (nil when the body is not such a list or lists nothing).
func (rs *readings) models(res *probe.Result) []string {
	return rs.get(readingKey{res: res, kind: readModels}, func(rd *reading) {
		var ml modelList
		if json.Unmarshal(res.Body, &ml) != nil || len(ml.Data) == 0 {
			return
		}
		rd.models = make([]string, 0, len(ml.Data))
		for _, m := range ml.Data {
			rd.models = append(rd.models, m.ID)
		}
	}).models
}
