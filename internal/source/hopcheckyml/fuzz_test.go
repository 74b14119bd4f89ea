package hopcheckyml

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// FuzzParse checks that Parse never panics, that every error it reports
// points inside the file, that a config it accepts is complete, and that
// the JSON Schema never rejects what the hand checks accept.
//
//	go test ./chain -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("version: 1\nchains: [{name: a, model: m, hops: [{name: h, type: openai, url: u, key_header: {name: X, prefix: \"\"}}]}]\n"))
	f.Add([]byte("\ufeffversion: 1\r\nchains:\r\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yml"
		cfg, err := Parse(name, data)
		lines := strings.Split(string(data), "\n")
		if err != nil {
			var ces *chain.ConfigErrors
			if !errors.As(err, &ces) {
				t.Fatalf("error is %T, not *ConfigErrors: %v", err, err)
			}
			if len(ces.Errors) == 0 {
				t.Fatal("empty chain.ConfigErrors")
			}
			for _, e := range ces.Errors {
				p := e.Pos
				if p.File != name || p.Line < 1 || p.Line > len(lines) || p.Col < 1 ||
					p.Col > utf8.RuneCountInString(strings.TrimSuffix(lines[p.Line-1], "\r"))+1 {
					t.Fatalf("error position %v outside the file (%d lines): %v", p, len(lines), e)
				}
				if e.Msg == "" {
					t.Fatalf("error without a message at %v", p)
				}
			}
			// The schema must never be stricter than the hand checks, or
			// its terser messages would show for a rule the hand checks
			// are meant to explain.
			if len(data) <= chain.MaxConfigSize {
				data := normalize(data)
				src := newSource(name, data)
				if body, yerrs := parseYAML(src, data); len(yerrs) == 0 && body != nil {
					d := &decoder{src: src}
					d.config(body)
					if len(d.errs) == 0 {
						t.Fatalf("only the JSON Schema rejects this input:\n%v", err)
					}
				}
			}
			return
		}
		if cfg == nil || cfg.Version != 1 || len(cfg.Chains) == 0 || cfg.File != name {
			t.Fatalf("accepted config is incomplete: %+v", cfg)
		}
		for _, c := range cfg.Chains {
			if c.Name == "" || c.Model == "" || len(c.Hops) == 0 || c.Timeout <= 0 || c.Timeout > chain.MaxTimeout || c.Canary == "" {
				t.Fatalf("accepted chain is incomplete: %+v", c)
			}
			for _, h := range c.Hops {
				if h.Name == "" || !valid(h.Type) || h.URL == "" || h.KeyHeader.Name == "" || h.Pos.Line < 1 || h.URLPos.Line < 1 {
					t.Fatalf("accepted hop is incomplete: %+v", h)
				}
			}
		}
	})
}

func valid(t chain.HopType) bool { _, ok := provider.Lookup(t); return ok }
