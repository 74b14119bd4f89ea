package hopcheckyml

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The JSON Schema of hopcheck.yml (docs/hopcheck.schema.json) is for
// editors; hopcheck itself validates by hand (config.go). These tests keep
// the two in step: the schema must accept every good example and reject
// what the hand checks reject, at the same positions.

// schemaURL is the schema's $id.
const schemaURL = "https://github.com/hopcheck/hopcheck/blob/main/docs/hopcheck.schema.json"

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	data, err := os.ReadFile("../../../docs/hopcheck.schema.json")
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("docs/hopcheck.schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("docs/hopcheck.schema.json: %w", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("docs/hopcheck.schema.json: %w", err)
	}
	return sch, nil
})

var schemaPrinter = message.NewPrinter(language.English)

// instance is the YAML document as plain JSON-like values, with the
// position of every value and key by JSON pointer.
type instance struct {
	valPos map[string]chain.Pos
	keyPos map[string]chain.Pos
}

func (d *decoder) toValue(n ast.Node, ptr string, ix *instance) any {
	ix.valPos[ptr] = d.src.nodePos(n)
	switch n := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		values, _ := mappingValues(n)
		obj := make(map[string]any, len(values))
		for _, mv := range values {
			key, _ := keyText(mv.Key)
			p := ptrJoin(ptr, key)
			ix.keyPos[p] = d.src.nodePos(mv.Key)
			obj[key] = d.toValue(mv.Value, p, ix)
		}
		return obj
	case *ast.SequenceNode:
		arr := make([]any, len(n.Values))
		for i, v := range n.Values {
			arr[i] = d.toValue(v, ptr+"/"+strconv.Itoa(i), ix)
		}
		return arr
	case *ast.StringNode:
		return n.Value
	case *ast.LiteralNode:
		return n.Value.Value
	case *ast.IntegerNode:
		return n.Value
	case *ast.FloatNode:
		return n.Value
	case *ast.BoolNode:
		return n.Value
	case nil, *ast.NullNode:
		return nil
	}
	// Infinity, NaN and anything else JSON cannot hold: keep the text, so
	// the schema reports a type mismatch rather than failing.
	return n.GetToken().Value
}

// schemaErrors validates the document against SchemaJSON and maps each
// failure to the position of the value (or key) it concerns.
func (d *decoder) schemaErrors(body ast.Node) ([]*chain.ConfigError, error) {
	sch, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	ix := &instance{valPos: map[string]chain.Pos{}, keyPos: map[string]chain.Pos{}}
	v := d.toValue(body, "", ix)
	err = sch.Validate(v)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	var out []*chain.ConfigError
	collectSchemaErrors(ve, ix, d.src, &out)
	return out, nil
}

const schemaFix = "see docs/hopcheck.schema.json for the file format"

func collectSchemaErrors(ve *jsonschema.ValidationError, ix *instance, src *source, out *[]*chain.ConfigError) {
	ptr := pointer(ve.InstanceLocation)
	switch ve.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		if len(ve.Causes) > 0 {
			// One error for the value, listing why each alternative failed.
			var leaves []*chain.ConfigError
			for _, c := range ve.Causes {
				collectSchemaErrors(c, ix, src, &leaves)
			}
			var msgs []string
			for _, l := range leaves {
				_, m, _ := strings.Cut(l.Msg, ": ")
				if !slices.Contains(msgs, m) {
					msgs = append(msgs, m)
				}
			}
			*out = append(*out, &chain.ConfigError{
				Pos: posAt(ix.valPos, ptr, src),
				Msg: fmt.Sprintf("%s: matches none of the allowed forms (%s)", dotted(ve.InstanceLocation), strings.Join(msgs, "; or ")),
				Fix: schemaFix,
			})
			return
		}
	}
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			collectSchemaErrors(c, ix, src, out)
		}
		return
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			loc := append(slices.Clone(ve.InstanceLocation), m)
			*out = append(*out, &chain.ConfigError{
				Pos: posAt(ix.valPos, ptr, src),
				Msg: fmt.Sprintf("%s: missing required key", dotted(loc)),
				Fix: schemaFix,
			})
		}
		return
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			loc := append(slices.Clone(ve.InstanceLocation), p)
			*out = append(*out, &chain.ConfigError{
				Pos: posAt(ix.keyPos, ptrJoin(ptr, p), src),
				Msg: fmt.Sprintf("%s: unknown key", dotted(loc)),
				Fix: schemaFix,
			})
		}
		return
	case *kind.FalseSchema:
		pos, ok := ix.keyPos[ptr]
		if !ok {
			pos = posAt(ix.valPos, ptr, src)
		}
		*out = append(*out, &chain.ConfigError{
			Pos: pos, Msg: fmt.Sprintf("%s: key not allowed here", dotted(ve.InstanceLocation)),
			Fix: schemaFix,
		})
		return
	}
	*out = append(*out, &chain.ConfigError{
		Pos: posAt(ix.valPos, ptr, src),
		Msg: fmt.Sprintf("%s: %s", dotted(ve.InstanceLocation), ve.ErrorKind.LocalizedString(schemaPrinter)),
		Fix: schemaFix,
	})
}

// posAt finds the position of ptr, or of its closest recorded parent.
func posAt(m map[string]chain.Pos, ptr string, src *source) chain.Pos {
	for {
		if p, ok := m[ptr]; ok {
			return p
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return src.pos(1, 1)
		}
		ptr = ptr[:i]
	}
}

func pointer(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteString(ptrJoin("", tok))
	}
	return b.String()
}

// dotted renders an instance location as chains[0].hops[1].type.
func dotted(loc []string) string {
	if len(loc) == 0 {
		return "top level"
	}
	var b strings.Builder
	for i, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil && i > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func ptrJoin(ptr, tok string) string {
	return ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}
