package yamlbound

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// FuzzTokenize checks the bounded YAML reader against goccy/go-yaml:
//
//   - it never panics;
//
//   - the byte scan's bound is a true upper bound on the lexer's token
//     count (the scan is what keeps the lexer from running on a bomb, so an
//     input that makes more tokens than the bound would slip through);
//
//   - with small caps, every input the parser accepts whose document is
//     within the caps (nesting, keys per block mapping, anchors and
//     aliases, tokens) is accepted, unless the byte scan's own bound — an
//     over-count by design, given scanFactor slack — is past its limit.
//
//     go test ./internal/chain -run '^$' -fuzz FuzzTokenize -fuzztime 60s
func FuzzTokenize(f *testing.F) {
	for _, glob := range []string{"../source/hopcheckyml/testdata/*/*.yml", "../source/litellm/testdata/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		"a: [b, {c: d}, [e]]\n", "- - - a\n", "a:\n  b:\n    - c\n    - d: e\n      f: g\n",
		"a: |\n  x\n\n\nb: c\n", "a: &x {b: c}\nd: *x\ne: {<<: *x}\n", "\"a b\": 'c''d'\n# [[[\n",
		"key: value\n  [not, flow]\n", "]]][[[\n", "%YAML 1.2\n---\na: b\n...\n", "a:\n- b\n- c\nd: e\n",
		"? a\n: b\n", "a: b\r\nc: d\r", "!t a: !!str b\n", "a: >-\n  x\n  y\n",
	} {
		f.Add([]byte(s))
	}
	small := Limits{Tokens: 40, Depth: 4, Keys: 4, Aliases: 4}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		_, _ = Tokenize(data, DefaultLimits)
		_, _ = Tokenize(data, small)

		bound, serr := scanYAML(data, Limits{Tokens: 1 << 30})
		if serr != nil {
			return // a '<' run or a run of empty lines: refused before lexing
		}
		tokens := lexer.Tokenize(string(data))
		if len(tokens) > bound {
			t.Fatalf("the lexer made %d tokens, above the byte scan's bound %d", len(tokens), bound)
		}
		if bound > scanFactor*small.Tokens || len(tokens) > small.Tokens {
			return
		}
		file, err := parser.Parse(tokens, 0)
		if err != nil {
			return
		}
		m := &docMetrics{}
		for _, doc := range file.Docs {
			if doc != nil {
				m.walk(doc.Body, 0)
			}
		}
		if m.depth > small.Depth || m.keys > small.Keys || m.aliases > small.Aliases {
			return
		}
		if _, lerr := Tokenize(data, small); lerr != nil {
			t.Fatalf("refused a document within the caps (depth %d, keys %d, aliases %d, tokens %d): %v",
				m.depth, m.keys, m.aliases, len(tokens), lerr)
		}
	})
}

// docMetrics measures a parsed document the way Limits count.
type docMetrics struct{ depth, keys, aliases int }

func (m *docMetrics) walk(n ast.Node, depth int) {
	switch n := n.(type) {
	case *ast.MappingNode:
		depth++
		m.depth = max(m.depth, depth)
		if !n.IsFlowStyle {
			m.keys = max(m.keys, len(n.Values))
		}
		for _, v := range n.Values {
			m.walk(v.Key, depth)
			m.walk(v.Value, depth)
		}
	case *ast.MappingValueNode:
		depth++
		m.depth = max(m.depth, depth)
		m.keys = max(m.keys, 1)
		m.walk(n.Key, depth)
		m.walk(n.Value, depth)
	case *ast.SequenceNode:
		depth++
		m.depth = max(m.depth, depth)
		for _, v := range n.Values {
			m.walk(v, depth)
		}
	case *ast.AnchorNode:
		m.aliases++
		m.walk(n.Value, depth)
	case *ast.AliasNode:
		m.aliases++
	case *ast.TagNode:
		m.walk(n.Value, depth)
	case *ast.MappingKeyNode:
		m.walk(n.Value, depth)
	}
}
