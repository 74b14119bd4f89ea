package litellm

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// routeOfChain is the route the derived chain name gives the hop behind
// the proxy.
func routeOfChain(t *testing.T, r *Result, name string) *chain.Route {
	t.Helper()
	c := chainOf(t, r, name)
	if len(c.Hops) < 2 || c.Hops[1].Route == nil {
		t.Fatalf("chain %s: no route on the hop behind the proxy: %+v", name, c.Hops)
	}
	return c.Hops[1].Route
}

// What else can answer a model group: a mock_response (a scalar or a
// structured one), the group's other deployments, the fallback groups of
// either settings section — and nothing for a plain route, a duplicate
// entry or a fallback of another group.
func TestRouteDoubts(t *testing.T) {
	const src = `model_list:
  - model_name: plain
    litellm_params: {model: openrouter/a, api_key: os.environ/OPENROUTER_API_KEY}
    model_info: {id: plain-1}
  - model_name: mocked
    litellm_params:
      model: anthropic/claude-3-5-haiku
      mock_response: "hello"
  - model_name: mocked-structured
    litellm_params:
      model: anthropic/claude-3-5-haiku
      mock_response: {choices: [{message: {content: hi}}]}
  - model_name: not-mocked
    litellm_params: {model: anthropic/claude-3-5-haiku, mock_response: null}
  - model_name: pair
    litellm_params: {model: openrouter/a, api_key: os.environ/OPENROUTER_API_KEY}
  - model_name: pair
    litellm_params: {model: groq/llama, api_key: os.environ/GROQ_API_KEY}
    model_info: {id: pair-groq}
  - model_name: twin
    litellm_params: {model: openrouter/a}
  - model_name: twin
    litellm_params: {model: openrouter/a}
  - model_name: primary
    litellm_params: {model: openrouter/a}
  - model_name: backup
    litellm_params: {model: ollama/llama3, api_base: http://127.0.0.1:11434}
  - model_name: other
    litellm_params: {model: openrouter/b}
  - model_name: mocktwin
    litellm_params: {model: openrouter/a, api_key: os.environ/OPENROUTER_API_KEY}
  - model_name: mocktwin
    litellm_params: {model: openrouter/a, api_key: os.environ/OPENROUTER_API_KEY, mock_response: "hi"}
  - model_name: primary2
    litellm_params: {model: openrouter/c}
router_settings:
  fallbacks: [{"primary": ["backup", "gpt-4o-mini"]}, {"other": ["plain"]}, {"primary2": ["mocked"]}]
litellm_settings:
  context_window_fallbacks: [{"primary": ["backup"]}]
  default_fallbacks: ["other"]
  cache: true
`
	d, res := derive(t, src, nil)
	if !d.Config().Cache.Set || d.Config().Cache.Value != "true" {
		t.Errorf("litellm_settings.cache not read: %+v", d.Config().Cache)
	}
	type want struct {
		mock    bool
		doubts  int
		has     string
		id, url string
	}
	for name, w := range map[string]want{
		"plain":             {doubts: 1, id: "plain-1", has: "to other"}, // default_fallbacks
		"mocked":            {mock: true, doubts: 2, has: "mock_response"},
		"mocked-structured": {mock: true, doubts: 2, has: "mock_response"},
		"not-mocked":        {doubts: 1},
		"pair":              {doubts: 2, has: "another deployment of model_name pair"},
		"twin":              {doubts: 1},
		"primary":           {doubts: 3, has: "a fallback of model_name primary to backup"}, // backup, gpt-4o-mini, other (each once)
		// A mocked copy of the same upstream answers in its place, and a
		// mocked fallback answers when the upstream fails.
		"mocktwin": {mock: true, doubts: 2, has: "mock_response"},
		"primary2": {mock: true, doubts: 2, has: "to mocked, which answers when primary2 fails, with a mock_response"},
	} {
		t.Run(name, func(t *testing.T) {
			r := routeOfChain(t, res, name)
			if r.Config != "config.yaml" || r.ID != w.id {
				t.Errorf("config %q id %q", r.Config, r.ID)
			}
			mock := false
			var whats []string
			for _, d := range r.Doubts {
				mock = mock || d.Mock
				whats = append(whats, d.What)
				if d.Pos.File != "config.yaml" || d.Pos.Line == 0 {
					t.Errorf("doubt %q has no position", d.What)
				}
			}
			if mock != w.mock || len(r.Doubts) != w.doubts || !strings.Contains(strings.Join(whats, "\n"), w.has) {
				t.Errorf("mock %v, %d doubts, want mock %v, %d with %q:\n%s", mock, len(r.Doubts), w.mock, w.doubts, w.has, strings.Join(whats, "\n"))
			}
		})
	}
	// The rivals carry what LiteLLM's answer would name them by.
	r := routeOfChain(t, res, "primary")
	var sawOllama, sawUnknown bool
	for _, d := range r.Doubts {
		sawOllama = sawOllama || d.URL == "http://127.0.0.1:11434"
		sawUnknown = sawUnknown || (strings.Contains(d.What, "gpt-4o-mini") && d.URL == "")
	}
	if !sawOllama || !sawUnknown {
		t.Errorf("rival URLs: %+v", r.Doubts)
	}
	if d := routeOfChain(t, res, "pair").Doubts[0]; d.ID != "pair-groq" || !strings.Contains(d.URL, "groq.com") {
		t.Errorf("pair's rival: %+v", d)
	}
}

// Settings of shapes hopcheck does not model never stop the read: LiteLLM
// has many keys there.
func TestFallbackSettingsOfOtherShapes(t *testing.T) {
	for _, settings := range []string{
		"router_settings: [1, 2]",
		"router_settings: {fallbacks: oops}",
		"router_settings: {fallbacks: [oops, [1], {m: {x: y}}]}",
		"litellm_settings: {default_fallbacks: {a: b}, cache: {type: redis}}",
	} {
		cfg, err := Parse("config.yaml", []byte("model_list:\n  - model_name: m\n    litellm_params: {model: openrouter/a}\n"+settings+"\n"))
		if err != nil {
			t.Errorf("%s: %v", settings, err)
			continue
		}
		if fb := cfg.FallbacksFor("m"); len(fb) != 0 {
			t.Errorf("%s: fallbacks %+v", settings, fb)
		}
	}
}

// An included file's settings section replaces the parent's, as LiteLLM
// merges includes.
func TestFallbacksFollowIncludes(t *testing.T) {
	files := map[string]string{
		"extra.yaml": "router_settings:\n  fallbacks: [{\"m\": [\"c\"]}]\n",
	}
	cfg, err := Load("config.yaml", []byte(`include: [extra.yaml]
model_list:
  - model_name: m
    litellm_params: {model: openrouter/a}
router_settings:
  fallbacks: [{"m": ["b"]}]
litellm_settings:
  fallbacks: [{"m": ["d"]}]
`), func(rel string, _ chain.Pos) ([]byte, error) { return []byte(files[rel]), nil })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range cfg.FallbacksFor("m") {
		got = append(got, v.Value+"@"+v.Pos.File)
	}
	if strings.Join(got, ",") != "d@config.yaml,c@extra.yaml" {
		t.Errorf("fallbacks %v", got)
	}
}
