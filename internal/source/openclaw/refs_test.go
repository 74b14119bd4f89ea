package openclaw

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// Runner variables referenced in any decoded string (a JSON5 \u escape
// resolved) and in env SecretRefs, anywhere in the file, at the value's
// position; provider variables are not runner references.
func TestRunnerRefsInDecodedValues(t *testing.T) {
	src := `{
  env: {MYKEY: "\u0024{GITHUB_TOKEN}", OK: "${OPENAI_API_KEY}"},
  channels: {telegram: {botToken: {source: "env", provider: "default", id: "ACTIONS_RUNTIME_TOKEN"}}},
  models: {providers: {p: {baseUrl: "http://127.0.0.1:1/v1", apiKey: {source: "env", id: "MISTRAL_API_KEY"}}}},
  agents: {defaults: {model: "p/m"}},
}`
	cfg, err := Parse("openclaw.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []trust.DecodedRef{{Name: "GITHUB_TOKEN", Pos: chain.Pos{File: "openclaw.json", Line: 2, Col: 16}},
		{Name: "ACTIONS_RUNTIME_TOKEN", Pos: chain.Pos{File: "openclaw.json", Line: 3, Col: 35}}}
	if !slices.Equal(cfg.RunnerRefs, want) {
		t.Errorf("RunnerRefs = %+v\nwant %+v", cfg.RunnerRefs, want)
	}
}

// Every JSON5 escape that spells a reference is resolved before the scan
// (\x and \u for the "$", the braces or a letter of the name, a line
// continuation inside the string), in every kind of string (single
// quotes, array items, nested objects) and in the files $include brings
// in, each at the position of its value in its own file. The raw text of
// none of these holds "${GITHUB_" or "${ACTIONS_", so only the decoded
// scan can see them.
func TestRunnerRefsEscapedForms(t *testing.T) {
	root := `{
  env: {
    A: "\x24{GITHUB_TOKEN}",
    B: '$\u007bACTIONS_RUNTIME_TOKEN\u007d',
    C: "${GITHUB\u005fTOKEN}",
    D: "${RUNNER_\
TEMP}",
    vars: {E: "x-\u0024{ACTIONS_ID_TOKEN_REQUEST_TOKEN}-y"},
  },
  tools: {list: ["ok", "\x24{INPUT_TOKEN}"]},
  $include: "./more.json5",
}`
	more := `{
  skills: {s: {apiKey: "\u0024{GITHUB_TOKEN}"}},
}`
	cfg, err := Read("cfg/openclaw.json", []byte(root), func(rel string) ([]byte, error) {
		if rel != "cfg/more.json5" {
			t.Errorf("opened %q, want cfg/more.json5", rel)
		}
		return []byte(more), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	at := func(file string, line, col int) chain.Pos { return chain.Pos{File: file, Line: line, Col: col} }
	want := []trust.DecodedRef{
		{Name: "GITHUB_TOKEN", Pos: at("cfg/more.json5", 2, 24)},
		{Name: "GITHUB_TOKEN", Pos: at("cfg/openclaw.json", 3, 8)},
		{Name: "ACTIONS_RUNTIME_TOKEN", Pos: at("cfg/openclaw.json", 4, 8)},
		{Name: "GITHUB_TOKEN", Pos: at("cfg/openclaw.json", 5, 8)},
		{Name: "RUNNER_TEMP", Pos: at("cfg/openclaw.json", 6, 8)},
		{Name: "ACTIONS_ID_TOKEN_REQUEST_TOKEN", Pos: at("cfg/openclaw.json", 8, 15)},
		{Name: "INPUT_TOKEN", Pos: at("cfg/openclaw.json", 10, 24)},
	}
	got := slices.Clone(cfg.RunnerRefs)
	slices.SortFunc(got, func(a, b trust.DecodedRef) int {
		return cmp.Or(strings.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line))
	})
	if !slices.Equal(got, want) {
		t.Errorf("RunnerRefs =\n%+v\nwant\n%+v", got, want)
	}
	for _, r := range trust.RunnerRefs([]byte(root + more)) {
		t.Errorf("the raw scan already finds %s at %d:%d: the case does not test the decoded scan", r.Name, r.Line, r.Col)
	}
}

// Strings that decode to no reference to a runner variable give none: a
// provider variable, a name that only starts like a runner prefix's word,
// a "$" and a name apart, an object key, and a SecretRef of another
// source or naming a provider variable.
func TestRunnerRefsNone(t *testing.T) {
	src := `{
  env: {A: "\u0024{OPENAI_API_KEY}", B: "${GITHUBX}", C: "$ {GITHUB_TOKEN}", "${GITHUB_TOKEN}x": "v"},
  secrets: {s: {source: "file", id: "GITHUB_TOKEN"}, t: {source: "env", id: "MISTRAL_API_KEY"}},
  agents: {defaults: {model: "p/m"}},
}`
	cfg, err := Parse("openclaw.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.RunnerRefs) != 0 {
		t.Errorf("RunnerRefs = %+v, want none", cfg.RunnerRefs)
	}
}
