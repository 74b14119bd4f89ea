package hopcheckyml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// want is one expected error: its exact position and a piece of its text.
type want struct {
	line, col int
	msg       string
}

// badCase is what testdata/bad/NAME.want says Load reports for NAME.yml:
// one error a line, in order, as LINE:COL and a piece of the message; a
// line "schema: rejects" when the JSON Schema alone also rejects the file
// (it cannot for the checks only code can do: duplicates, duration ranges,
// paths, and what is refused before parsing). Blank lines and lines
// starting with # are skipped.
type badCase struct {
	errs   []want
	schema bool
}

func readWant(path string) (badCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return badCase{}, err
	}
	var bc badCase
	for i, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if l == "schema: rejects" {
			bc.schema = true
			continue
		}
		var w want
		pos, msg, ok := strings.Cut(l, " ")
		if n, err := fmt.Sscanf(pos, "%d:%d", &w.line, &w.col); !ok || err != nil || n != 2 || msg == "" {
			return badCase{}, fmt.Errorf("%s:%d: want LINE:COL MESSAGE, got %q", path, i+1, l)
		}
		w.msg = msg
		bc.errs = append(bc.errs, w)
	}
	if len(bc.errs) == 0 {
		return badCase{}, fmt.Errorf("%s: no expected error", path)
	}
	return bc, nil
}

func TestParseBad(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad test files: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			tc, err := readWant(strings.TrimSuffix(f, ".yml") + ".want")
			if err != nil {
				t.Fatalf("testdata/bad/%s needs its expected errors next to it: %v", name, err)
			}
			cfg, err := Load(".", f)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want an error", f, cfg)
			}
			var ces *chain.ConfigErrors
			if !errors.As(err, &ces) {
				t.Fatalf("error is %T, want *ConfigErrors: %v", err, err)
			}
			if len(ces.Errors) != len(tc.errs) {
				t.Fatalf("got %d errors, want %d:\n%v", len(ces.Errors), len(tc.errs), err)
			}
			for i, w := range tc.errs {
				got := ces.Errors[i]
				wantPos := chain.Pos{File: f, Line: w.line, Col: w.col}
				if got.Pos != wantPos {
					t.Errorf("error %d at %v, want %v: %v", i, got.Pos, wantPos, got)
				}
				if !strings.Contains(got.Error(), w.msg) {
					t.Errorf("error %d = %q, want it to contain %q", i, got.Error(), w.msg)
				}
				if !strings.HasPrefix(got.Error(), wantPos.String()+": ") {
					t.Errorf("error %d = %q, want it to start with %q", i, got.Error(), wantPos.String()+": ")
				}
			}
			// The JSON Schema must agree with the hand checks wherever it
			// can express the rule.
			if tc.schema {
				schemaErrs := schemaOnly(t, f)
				if len(schemaErrs) == 0 {
					t.Errorf("the JSON Schema accepts %s; it should reject it too", name)
				}
			}
		})
	}
	wants, _ := filepath.Glob("testdata/bad/*.want")
	for _, w := range wants {
		if _, err := os.Stat(strings.TrimSuffix(w, ".want") + ".yml"); err != nil {
			t.Errorf("%s has no bad file next to it: %v", w, err)
		}
	}
}

// schemaOnly validates a file against the JSON Schema alone.
func schemaOnly(t *testing.T, path string) []*chain.ConfigError {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := newSource(path, data)
	body, errs := parseYAML(src, data)
	if len(errs) > 0 || body == nil {
		t.Fatalf("%s does not parse as YAML: %v", path, errs)
	}
	d := &decoder{src: src}
	out, err := d.schemaErrors(body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseGood(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("good test files: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := Load(".", f)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if cfg.File != f || cfg.Version != 1 || len(cfg.Chains) == 0 {
				t.Errorf("cfg = %+v", cfg)
			}
			if errs := schemaOnly(t, f); len(errs) != 0 {
				t.Errorf("the JSON Schema rejects a good file: %v", chain.NewConfigErrors(errs))
			}
		})
	}
}

func TestParseFullPositionsAndValues(t *testing.T) {
	const f = "testdata/good/full.yml"
	cfg, err := Load(".", f)
	if err != nil {
		t.Fatal(err)
	}
	p := func(line, col int) chain.Pos { return chain.Pos{File: f, Line: line, Col: col} }
	bearer := chain.Header{Name: "Authorization", Prefix: "Bearer "}
	want := &chain.Config{
		File: f, Version: 1, Timeout: 8 * time.Second, Canary: chain.CanaryInference,
		Chains: []*chain.Chain{
			{
				Name: "review-bot", Model: "anthropic/claude-sonnet-4.5", Canary: chain.CanaryAuthOnly, Timeout: 5 * time.Second,
				Pos: p(5, 5), ModelPos: p(6, 12),
				Hops: []chain.Hop{
					{
						Name: "litellm", Type: provider.LiteLLM, URL: "http://127.0.0.1:4000", KeyEnv: "LITELLM_KEY",
						KeyHeader: chain.Header{Name: "x-api-key"}, Config: "deploy/litellm.yaml",
						Pos: p(10, 9), TypePos: p(11, 15), URLPos: p(12, 14), KeyEnvPos: p(13, 18), KeyHeaderPos: p(14, 21),
					},
					{
						Name: "openrouter", Type: provider.OpenRouter, URL: "https://openrouter.ai/api/v1", KeyEnv: "OPENROUTER_API_KEY",
						KeyHeader: bearer,
						// key_header absent: its position is the hop's.
						Pos: p(16, 9), TypePos: p(17, 15), URLPos: p(18, 14), KeyEnvPos: p(19, 18), KeyHeaderPos: p(16, 9),
					},
				},
			},
			{
				Name: "triage", Model: "openai/gpt-4o-mini", Canary: chain.CanaryInference, Timeout: 8 * time.Second,
				Pos: p(20, 5), ModelPos: p(21, 12),
				Hops: []chain.Hop{
					{
						Name: "edge", Type: provider.ReverseProxy, URL: "http://127.0.0.1:8080/api/v1",
						KeyHeader: chain.Header{Name: "Authorization", Prefix: "Token "},
						Pos:       p(23, 9), TypePos: p(24, 15), URLPos: p(25, 14), KeyEnvPos: p(23, 9), KeyHeaderPos: p(26, 22),
					},
					{
						// A flow mapping: positions inside one line.
						Name: "openrouter", Type: provider.OpenRouter, URL: "https://openrouter.ai/api/v1", KeyEnv: "OPENROUTER_API_KEY",
						KeyHeader: bearer,
						Pos:       p(27, 10), TypePos: p(27, 34), URLPos: p(27, 51), KeyEnvPos: p(27, 92), KeyHeaderPos: p(27, 10),
					},
					{
						Name: "claude", Type: provider.Anthropic, URL: "https://api.anthropic.com", KeyEnv: "ANTHROPIC_API_KEY",
						// A plain "Authorization" implies the Bearer prefix,
						// even on an anthropic hop.
						KeyHeader: bearer,
						Pos:       p(28, 9), TypePos: p(29, 15), URLPos: p(30, 14), KeyEnvPos: p(31, 18), KeyHeaderPos: p(32, 21),
					},
				},
			},
		},
	}
	// chain.Pos fields are json:"-" but exported, so cmp compares them.
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("Load(%s) mismatch (-want +got):\n%s", f, diff)
	}
}

func TestParseWindowsFile(t *testing.T) {
	data, err := os.ReadFile("testdata/good/full.yml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("f.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	win := append([]byte("\ufeff"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...)
	got, err := Parse("f.yml", win)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BOM + CRLF changes the result (-LF +CRLF):\n%s", diff)
	}
}

func TestParseDirective(t *testing.T) {
	src := "%YAML 1.2\n---\nversion: 1\nchains: [{name: a, model: m, hops: [{name: h, type: openai, url: u}]}]\n...\n"
	cfg, err := Parse("y.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Chains[0].Pos != (chain.Pos{File: "y.yml", Line: 4, Col: 11}) {
		t.Errorf("chain pos = %v", cfg.Chains[0].Pos)
	}
}

func TestParseDefaults(t *testing.T) {
	src := `version: 1
defaults:
  timeout: 1m30s
  canary: auth-only
chains:
  - name: a
    model: m
    hops: [{name: claude, type: anthropic, url: u}]
  - name: b
    model: m
    canary: inference
    timeout: 250ms
    hops: [{name: x, type: openai-compatible, url: u, key_header: authorization}]
  - name: c
    model: text-embedding-3-small
    canary: embedding
    hops: [{name: x, type: openai, url: u}]
`
	cfg, err := Parse("d.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timeout != 90*time.Second || cfg.Canary != chain.CanaryAuthOnly {
		t.Errorf("config defaults = %v %q", cfg.Timeout, cfg.Canary)
	}
	a, b := cfg.Chains[0], cfg.Chains[1]
	if a.Timeout != 90*time.Second || a.Canary != chain.CanaryAuthOnly {
		t.Errorf("chain a inherits %v %q, want 1m30s auth-only", a.Timeout, a.Canary)
	}
	if b.Timeout != 250*time.Millisecond || b.Canary != chain.CanaryInference {
		t.Errorf("chain b = %v %q, want its own 250ms inference", b.Timeout, b.Canary)
	}
	if c := cfg.Chains[2]; c.Canary != chain.CanaryEmbedding {
		t.Errorf("chain c = %q, want its own embedding", c.Canary)
	}
	if got := a.Hops[0].KeyHeader; got != (chain.Header{Name: "x-api-key"}) {
		t.Errorf("anthropic default header = %+v", got)
	}
	if got := b.Hops[0].KeyHeader; got != (chain.Header{Name: "authorization", Prefix: "Bearer "}) {
		t.Errorf("key_header: authorization = %+v, want the Bearer prefix", got)
	}

	cfg, err = Parse("m.yml", []byte("version: 1\nchains: [{name: a, model: m, hops: [{name: h, type: openai, url: u}]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timeout != chain.DefaultTimeout || cfg.Canary != chain.DefaultCanary || cfg.Chains[0].Timeout != 8*time.Second || cfg.Chains[0].Canary != "inference" {
		t.Errorf("built-in defaults: %v %q / %v %q", cfg.Timeout, cfg.Canary, cfg.Chains[0].Timeout, cfg.Chains[0].Canary)
	}
}

func TestConfigErrorFormat(t *testing.T) {
	_, err := Parse("x/hopcheck.yml", []byte("version: 1\nchains: []\nextra: 1\n"))
	want := "x/hopcheck.yml:2:9: chains is empty (fix: add at least one chain)\n" +
		"x/hopcheck.yml:3:1: unknown key \"extra\" at the top level (fix: allowed keys: version, defaults, chains)"
	if err == nil || err.Error() != want {
		t.Fatalf("err =\n%v\nwant\n%s", err, want)
	}
	var ce *chain.ConfigError
	if !errors.As(err, &ce) || ce.Pos != (chain.Pos{File: "x/hopcheck.yml", Line: 2, Col: 9}) || ce.Msg != "chains is empty" {
		t.Errorf("errors.As first = %+v", ce)
	}
	noFix := &chain.ConfigError{Pos: chain.Pos{File: "f", Line: 1, Col: 2}, Msg: "m"}
	if noFix.Error() != "f:1:2: m" {
		t.Errorf("no fix: %q", noFix.Error())
	}
}

func TestErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nchains:\n  - name: a\n    model: m\n    hops: [{name: h, type: openai, url: u}]\n")
	for i := 0; i < chain.MaxReported+10; i++ {
		b.WriteString("k" + strings.Repeat("x", i) + ": 1\n")
	}
	_, err := Parse("c.yml", []byte(b.String()))
	var ces *chain.ConfigErrors
	if !errors.As(err, &ces) {
		t.Fatalf("err = %v", err)
	}
	if len(ces.Errors) != chain.MaxReported+1 || !strings.Contains(ces.Errors[chain.MaxReported].Msg, "10 more not shown") {
		t.Errorf("got %d errors, last %v", len(ces.Errors), ces.Errors[len(ces.Errors)-1])
	}
}

// The schema is the fallback for anything the hand checks miss; its errors
// must land on the value (or key) they are about.
func TestSchemaErrorPositions(t *testing.T) {
	src := `version: 1
chains:
  - name: a
    model: m
    bogus: 1
    hops:
      - name: h
        type: nope
        key_env: OK
      - name: p
        type: reverse-proxy
        url: u
        key_env: K
`
	data := []byte(src)
	s := newSource("s.yml", data)
	body, errs := parseYAML(s, data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := &decoder{src: s}
	got, err := d.schemaErrors(body)
	if err != nil {
		t.Fatal(err)
	}
	wants := []want{
		{5, 5, "chains[0].bogus: unknown key"},
		{7, 9, "chains[0].hops[0].url: missing required key"},
		{8, 15, "chains[0].hops[0].type: value must be one of"},
		{13, 9, "chains[0].hops[1].key_env: key not allowed here"},
	}
	e := chain.NewConfigErrors(got).(*chain.ConfigErrors).Errors
	if len(e) != len(wants) {
		t.Fatalf("got %d schema errors, want %d:\n%v", len(e), len(wants), chain.NewConfigErrors(got))
	}
	for i, w := range wants {
		if e[i].Pos != (chain.Pos{File: "s.yml", Line: w.line, Col: w.col}) || !strings.Contains(e[i].Msg, w.msg) {
			t.Errorf("schema error %d = %v, want %d:%d %q", i, e[i], w.line, w.col, w.msg)
		}
	}
}

func TestSchemaFileIsCanonicalCopy(t *testing.T) {
	docs, err := os.ReadFile("../../../docs/hopcheck.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(docs) {
		t.Error("docs/hopcheck.schema.json is not valid JSON")
	}
	// Compiling checks the schema against the draft 2020-12 metaschema.
	if _, err := compiledSchema(); err != nil {
		t.Fatal(err)
	}
}

func TestParseRefusesLargeInput(t *testing.T) {
	big := append([]byte("version: 1\n# "), bytes.Repeat([]byte("x"), chain.MaxConfigSize)...)
	_, err := Parse("big.yml", big)
	if err == nil || !strings.Contains(err.Error(), "big.yml:1:1: file is larger than 1048576 bytes") {
		t.Fatalf("err = %v", err)
	}

	path := filepath.Join(t.TempDir(), "hopcheck.yml")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Dir(path), path); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("Load err = %v", err)
	}
}

func TestParseRefusesTooManyTokens(t *testing.T) {
	// Each list item is two tokens; the parser is quadratic on some such
	// shapes, so the loader stops before parsing.
	src := "version: 1\nchains:\n" + strings.Repeat("- x\n", maxTokens)
	_, err := Parse("t.yml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "more than 20000 YAML tokens") {
		t.Fatalf("err = %v", err)
	}
}

func TestYAMLErrorsDoNotQuoteSource(t *testing.T) {
	// The YAML library's Error() prints the offending source lines; a key
	// pasted into the file must not come out in the error.
	const secret = "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"
	src := "version: 1\nchains:\n  - name: a\n    model: \"" + secret + "\n"
	_, err := Parse("s.yml", []byte(src))
	if err == nil {
		t.Fatal("want a syntax error")
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), secret[:20]) {
		t.Errorf("error quotes the source: %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir, filepath.Join(dir, "nope.yml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
	var ces *chain.ConfigErrors
	if errors.As(err, &ces) {
		t.Errorf("a missing file is not a config error: %v", err)
	}
}

func TestFind(t *testing.T) {
	touch := func(t *testing.T, path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("version: 1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("github dir wins", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, filepath.Join(dir, "hopcheck.yml"))
		touch(t, filepath.Join(dir, ".github", "hopcheck.yml"))
		got, err := Find(dir, "")
		if err != nil || got != filepath.Join(dir, ".github", "hopcheck.yml") {
			t.Errorf("Find = %q, %v", got, err)
		}
	})
	t.Run("root yaml", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, filepath.Join(dir, "hopcheck.yaml"))
		got, err := Find(dir, "")
		if err != nil || got != filepath.Join(dir, "hopcheck.yaml") {
			t.Errorf("Find = %q, %v", got, err)
		}
	})
	t.Run("github yaml before root yml", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, filepath.Join(dir, "hopcheck.yml"))
		touch(t, filepath.Join(dir, ".github", "hopcheck.yaml"))
		got, err := Find(dir, "")
		if err != nil || got != filepath.Join(dir, ".github", "hopcheck.yaml") {
			t.Errorf("Find = %q, %v", got, err)
		}
	})
	t.Run("none", func(t *testing.T) {
		dir := t.TempDir()
		// A directory named like the file, and .github as a plain file,
		// are not configs.
		if err := os.Mkdir(filepath.Join(dir, "hopcheck.yml"), 0o755); err != nil {
			t.Fatal(err)
		}
		touch(t, filepath.Join(dir, ".github"))
		_, err := Find(dir, "")
		if !errors.Is(err, chain.ErrNoConfig) {
			t.Errorf("err = %v, want chain.ErrNoConfig", err)
		}
	})
	t.Run("flag wins", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, filepath.Join(dir, ".github", "hopcheck.yml"))
		flag := filepath.Join(dir, "ci", "chains.yml")
		touch(t, flag)
		got, err := Find(dir, flag)
		if err != nil || got != flag {
			t.Errorf("Find = %q, %v", got, err)
		}
	})
	t.Run("flag missing", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, filepath.Join(dir, "hopcheck.yml"))
		_, err := Find(dir, filepath.Join(dir, "missing.yml"))
		if err == nil || errors.Is(err, chain.ErrNoConfig) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist and not chain.ErrNoConfig", err)
		}
	})
	t.Run("flag is a directory", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := Find(dir, dir); err == nil {
			t.Error("want an error for a directory")
		}
	})
}

// TestChainCap: chain.MaxChains chains load; one more is a configuration error at
// the line of the first chain over the cap, naming the cap.
func TestChainCap(t *testing.T) {
	build := func(n int) (string, int) {
		var b strings.Builder
		b.WriteString("version: 1\nchains:\n")
		line := 3
		first := 0
		for i := range n {
			if i == chain.MaxChains {
				first = line
			}
			fmt.Fprintf(&b, "  - name: c%d\n    model: m\n    hops:\n      - {name: or, type: openrouter, url: https://openrouter.ai/api/v1, key_env: OPENROUTER_API_KEY}\n", i)
			line += 4
		}
		return b.String(), first
	}
	src, _ := build(chain.MaxChains)
	cfg, err := Parse("cap.yml", []byte(src))
	if err != nil || len(cfg.Chains) != chain.MaxChains {
		t.Fatalf("%d chains: err %v", chain.MaxChains, err)
	}
	src, line := build(chain.MaxChains + 3)
	_, err = Parse("cap.yml", []byte(src))
	var ces *chain.ConfigErrors
	if !errors.As(err, &ces) || len(ces.Errors) != 1 {
		t.Fatalf("%d chains: err %v, want one config error", chain.MaxChains+3, err)
	}
	e := ces.Errors[0]
	if e.Pos.Line != line || !strings.Contains(e.Msg, fmt.Sprintf("at most %d", chain.MaxChains)) || e.Fix == "" {
		t.Errorf("error %s:%d %q (fix %q), want line %d naming the cap of %d", e.Pos.File, e.Pos.Line, e.Msg, e.Fix, line, chain.MaxChains)
	}
}
func TestParseRefusesNestingBomb(t *testing.T) {
	// 20,000 '[' once took the parser 654 MB; now it is refused at the
	// 65th, before parsing.
	_, err := Parse("hopcheck.yml", []byte(strings.Repeat("[", 20000)))
	if err == nil || !strings.Contains(err.Error(), "hopcheck.yml:1:65: mappings and lists nested deeper than 64 levels") {
		t.Fatalf("err = %v", err)
	}
}
