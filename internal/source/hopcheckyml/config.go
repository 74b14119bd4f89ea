package hopcheckyml

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/yamlbound"
)

// maxTokens bounds the YAML token count (see yamlbound.Tokenize); a real
// hopcheck.yml has a few hundred tokens.
const maxTokens = 20000

// ConfigNames are the files Find looks for under a directory, in order.
var ConfigNames = []string{
	".github/hopcheck.yml", ".github/hopcheck.yaml",
	"hopcheck.yml", "hopcheck.yaml",
}

// Find returns the path of the hopcheck configuration to load. A non-empty
// flag (the --config value) wins and must name an existing file (it is used
// as given, relative to the working directory). Otherwise the ConfigNames
// are tried under dir. When none exists the error wraps chain.ErrNoConfig.
func Find(dir, flag string) (string, error) {
	if flag != "" {
		fi, err := os.Stat(flag)
		if err != nil {
			return "", fmt.Errorf("config file: %w", err)
		}
		if fi.IsDir() {
			return "", fmt.Errorf("config file %s is a directory", flag)
		}
		return flag, nil
	}
	for _, name := range ConfigNames {
		p := filepath.Join(dir, filepath.FromSlash(name))
		fi, err := os.Stat(p)
		switch {
		case err == nil && !fi.IsDir():
			return p, nil
		case err == nil, errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
			continue
		default:
			return "", fmt.Errorf("looking for config: %w", err)
		}
	}
	return "", fmt.Errorf("%w in %s (looked for .github/hopcheck.yml and hopcheck.yml)", chain.ErrNoConfig, dir)
}

// Load reads and parses the configuration file at path, which must be a
// regular file inside the workspace directory (see package fsafe); a
// relative path is relative to the current directory, as Find returns it.
// An invalid or refused file gives a *chain.ConfigErrors; a file that cannot be
// read gives the os error (wrapping fs.ErrNotExist when it is missing).
func Load(workspace, path string) (*chain.Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := fsafe.ReadFile(workspace, abs)
	if e, refused := fsafe.Refused(err); refused {
		if errors.Is(e, fsafe.ErrTooLarge) {
			return nil, tooLarge(path)
		}
		return nil, chain.NewConfigErrors([]*chain.ConfigError{{Pos: chain.Pos{File: path}, Msg: "refused: " + e.Detail, Fix: e.Fix}})
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a hopcheck.yml held in data; name is the file name used in
// positions and chain.Config.File. It checks the document by hand and against the
// JSON Schema (SchemaJSON) and returns every problem found as one
// *chain.ConfigErrors.
func Parse(name string, data []byte) (*chain.Config, error) {
	if len(data) > chain.MaxConfigSize {
		return nil, tooLarge(name)
	}
	data = normalize(data)
	src := newSource(name, data)
	body, errs := parseYAML(src, data)
	if len(errs) > 0 {
		return nil, chain.NewConfigErrors(errs)
	}
	d := &decoder{src: src}
	cfg := d.config(body)
	if err := chain.NewConfigErrors(d.errs); err != nil {
		return nil, err
	}
	return cfg, nil
}

func tooLarge(name string) error {
	return chain.NewConfigErrors([]*chain.ConfigError{{
		Pos: chain.Pos{File: name, Line: 1, Col: 1},
		Msg: fmt.Sprintf("file is larger than %d bytes (1 MiB); refusing to parse it", chain.MaxConfigSize),
		Fix: "hopcheck.yml describes a few chains; check that the right file is named",
	}})
}

// normalize drops a byte-order mark and turns CRLF line ends into LF.
// Editors on Windows write both; the YAML parser rejects the former and
// miscounts lines with the latter (after a flow mapping). Neither change
// moves a line or column number.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
}

// source maps parser positions to chain.Pos values that always lie inside the
// file, whatever the parser reports at its end.
type source struct {
	name  string
	lines []int // rune count of each line
}

func newSource(name string, data []byte) *source {
	s := &source{name: name, lines: make([]int, 0, bytes.Count(data, []byte("\n"))+1)}
	for {
		l, rest, more := bytes.Cut(data, []byte("\n"))
		s.lines = append(s.lines, utf8.RuneCount(bytes.TrimSuffix(l, []byte("\r"))))
		if !more {
			return s
		}
		data = rest
	}
}

func (s *source) pos(line, col int) chain.Pos {
	line = max(1, min(line, len(s.lines)))
	col = max(1, min(col, s.lines[line-1]+1))
	return chain.Pos{File: s.name, Line: line, Col: col}
}

func (s *source) tokenPos(tk *token.Token) chain.Pos {
	if tk == nil || tk.Position == nil {
		return s.pos(1, 1)
	}
	return s.pos(tk.Position.Line, tk.Position.Column)
}

// nodePos is where a node starts: a mapping's first key, otherwise the
// node's own token.
func (s *source) nodePos(n ast.Node) chain.Pos {
	switch m := n.(type) {
	case nil:
		return s.pos(1, 1)
	case *ast.MappingNode:
		if len(m.Values) > 0 && m.Values[0].Key != nil {
			return s.tokenPos(m.Values[0].Key.GetToken())
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return s.tokenPos(m.Key.GetToken())
		}
	}
	return s.tokenPos(n.GetToken())
}

// parseYAML tokenizes and parses data, refusing what hopcheck.yml never
// needs (anchors, aliases, merge keys, tags, explicit keys, several
// documents) before the parser sees it. It returns the single document's
// body, nil for an empty file.
func parseYAML(src *source, data []byte) (body ast.Node, errs []*chain.ConfigError) {
	// goccy/go-yaml has panicked on malformed input in the past; a parser
	// bug must come out as a config error, not bring the CLI down.
	defer func() {
		if r := recover(); r != nil {
			body = nil
			errs = []*chain.ConfigError{{Pos: src.pos(1, 1), Msg: fmt.Sprintf("cannot parse YAML: parser failure (%v)", r)}}
		}
	}()
	lim := yamlbound.DefaultLimits
	lim.Tokens = maxTokens
	tokens, lerr := yamlbound.Tokenize(data, lim)
	if lerr != nil {
		return nil, []*chain.ConfigError{{Pos: src.pos(lerr.Line, lerr.Col), Msg: lerr.Msg, Fix: lerr.Fix}}
	}
	for _, tk := range tokens {
		var msg, fix string
		switch tk.Type {
		case token.AnchorType:
			msg, fix = "YAML anchors (&) are not supported in hopcheck.yml", "write the value out in full"
		case token.AliasType:
			msg, fix = "YAML aliases (*) are not supported in hopcheck.yml", "write the value out in full"
		case token.MergeKeyType:
			msg, fix = "YAML merge keys (<<) are not supported in hopcheck.yml", "write the keys out in full"
		case token.TagType:
			msg, fix = fmt.Sprintf("YAML tags (%s) are not supported in hopcheck.yml", tk.Value), "remove the tag; quote a value that must be a string"
		case token.MappingKeyType:
			msg, fix = "explicit YAML keys (?) are not supported in hopcheck.yml", "write plain key: value pairs"
		default:
			continue
		}
		errs = append(errs, &chain.ConfigError{Pos: src.tokenPos(tk), Msg: msg, Fix: fix})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return nil, []*chain.ConfigError{yamlError(src, err)}
	}
	var bodies []ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, directive := doc.Body.(*ast.DirectiveNode); !directive {
			bodies = append(bodies, doc.Body)
		}
	}
	switch len(bodies) {
	case 0:
		return nil, nil
	case 1:
		return bodies[0], nil
	}
	return nil, []*chain.ConfigError{{
		Pos: src.nodePos(bodies[1]),
		Msg: "more than one YAML document (---) in the file",
		Fix: "keep one document; list every chain under chains",
	}}
}

// yamlError turns a parser error into a chain.ConfigError. Only the message is
// kept: the parser's Error() quotes source lines, which may hold secrets.
func yamlError(src *source, err error) *chain.ConfigError {
	clean := strings.NewReplacer("\t", `\t`, "\r", `\r`, "\n", " ").Replace
	var ye yaml.Error
	if errors.As(err, &ye) {
		return &chain.ConfigError{Pos: src.tokenPos(ye.GetToken()), Msg: "invalid YAML: " + clean(ye.GetMessage())}
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return &chain.ConfigError{Pos: src.pos(1, 1), Msg: "invalid YAML: " + clean(msg)}
}

var (
	nameRE       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	envRE        = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

const maxNameLen = 64

// decoder walks the YAML AST, building the chain.Config and collecting every
// problem. It decodes by hand (not via yaml.Unmarshal) so that each value
// keeps its position and one pass reports all problems.
type decoder struct {
	src  *source
	errs []*chain.ConfigError
}

func (d *decoder) add(pos chain.Pos, fix, format string, args ...any) {
	d.errs = append(d.errs, &chain.ConfigError{Pos: pos, Msg: fmt.Sprintf(format, args...), Fix: fix})
}

// entry is one key: value pair of a mapping.
type entry struct {
	key    string
	keyPos chain.Pos
	val    ast.Node
}

type mapping struct {
	pos     chain.Pos
	where   string // "" at the top level, else e.g. `chain "review-bot"`
	entries []*entry
}

func (m *mapping) get(key string) *entry {
	for _, e := range m.entries {
		if e.key == key {
			return e
		}
	}
	return nil
}

// prefix puts the context before a message: `hop "x": …`.
func prefix(where string) string {
	if where == "" {
		return ""
	}
	return where + ": "
}

func kindOf(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "an empty value"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode:
		return "an integer"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	}
	return "a " + n.Type().String()
}

// keyText is the text of a mapping key; ok is false for keys that are not
// scalars.
func keyText(k ast.Node) (string, bool) {
	switch k := k.(type) {
	case *ast.StringNode:
		return k.Value, true
	case ast.ScalarNode:
		return k.GetToken().Value, true
	}
	if k == nil || k.GetToken() == nil {
		return "", false
	}
	return k.GetToken().Value, false
}

// peekName returns the string value of n's name key, if n is a mapping
// that has one; it names chains and hops in messages.
func peekName(n ast.Node) string {
	values, _ := mappingValues(n)
	for _, mv := range values {
		if k, _ := keyText(mv.Key); k == "name" {
			if s, ok := mv.Value.(*ast.StringNode); ok && len(s.Value) <= maxNameLen && nameRE.MatchString(s.Value) {
				return s.Value
			}
		}
	}
	return ""
}

func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

// mapping checks that n is a mapping and that its keys are among allowed.
// what names the value in messages ("defaults", `chain "x"`, …; "" for the
// top level).
func (d *decoder) mapping(n ast.Node, where, what string, allowed ...string) (*mapping, bool) {
	values, ok := mappingValues(n)
	if !ok {
		if what == "" {
			what = "the top level"
		}
		d.add(d.src.nodePos(n), "", "%s%s must be a mapping (key: value pairs), not %s", prefix(where), what, kindOf(n))
		return nil, false
	}
	m := &mapping{pos: d.src.nodePos(n), where: where}
	for _, mv := range values {
		key, scalar := keyText(mv.Key)
		e := &entry{key: key, keyPos: d.src.nodePos(mv.Key), val: mv.Value}
		if !scalar {
			d.add(e.keyPos, "use a plain name as the key", "%sa key of %s must be a plain name", prefix(where), what)
			continue
		}
		known := false
		for _, a := range allowed {
			if a == key {
				known = true
				break
			}
		}
		if !known {
			fix := "allowed keys: " + strings.Join(allowed, ", ")
			if s := suggest(key, allowed); s != "" {
				fix = fmt.Sprintf("did you mean %q? %s", s, fix)
			}
			in := "in " + what
			if what == "" {
				in = "at the top level"
			}
			d.add(e.keyPos, fix, "%sunknown key %q %s", prefix(where), key, in)
			continue
		}
		m.entries = append(m.entries, e)
	}
	return m, true
}

// require returns the entry for key, reporting it missing when absent.
func (d *decoder) require(m *mapping, key, fix string) *entry {
	e := m.get(key)
	if e == nil {
		d.add(m.pos, fix, "%smissing required key %q", prefix(m.where), key)
	}
	return e
}

// str returns a non-empty string value.
func (d *decoder) str(m *mapping, e *entry) (string, bool) {
	var s string
	switch n := e.val.(type) {
	case *ast.StringNode:
		s = n.Value
	case *ast.LiteralNode:
		s = n.Value.Value
	case nil, *ast.NullNode:
		d.add(d.src.nodePos(e.val), fmt.Sprintf("give %s a value or remove the key", e.key), "%s%s has no value", prefix(m.where), e.key)
		return "", false
	default:
		d.add(d.src.nodePos(e.val), "put the value in quotes", "%s%s must be a string, not %s", prefix(m.where), e.key, kindOf(e.val))
		return "", false
	}
	if s == "" {
		d.add(d.src.nodePos(e.val), fmt.Sprintf("give %s a value or remove the key", e.key), "%s%s is empty", prefix(m.where), e.key)
		return "", false
	}
	return s, true
}

func (d *decoder) name(m *mapping, e *entry) (string, bool) {
	s, ok := d.str(m, e)
	if !ok {
		return "", false
	}
	if len(s) > maxNameLen || !nameRE.MatchString(s) {
		d.add(d.src.nodePos(e.val), fmt.Sprintf("use at most %d letters, digits, '.', '_' or '-', starting with a letter or digit", maxNameLen),
			"%sname %q is not a valid name", prefix(m.where), s)
		return "", false
	}
	return s, true
}

func (d *decoder) canary(m *mapping, e *entry) (string, bool) {
	s, ok := d.str(m, e)
	if !ok {
		return "", false
	}
	if !slices.Contains(chain.CanaryModes, s) {
		d.add(d.src.nodePos(e.val), "use "+chain.ModeList(chain.CanaryModes), "%scanary %q is not a known canary mode", prefix(m.where), s)
		return "", false
	}
	return s, true
}

func (d *decoder) duration(m *mapping, e *entry) (time.Duration, bool) {
	switch e.val.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		d.add(d.src.nodePos(e.val), "give the unit, e.g. 8s, 1500ms or 1m30s", "%s%s must be a duration with a unit, not %s", prefix(m.where), e.key, kindOf(e.val))
		return 0, false
	}
	s, ok := d.str(m, e)
	if !ok {
		return 0, false
	}
	pos := d.src.nodePos(e.val)
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		d.add(pos, "use a Go duration such as 8s, 1500ms or 1m30s", "%s%s %q is not a duration", prefix(m.where), e.key, s)
	case v <= 0:
		d.add(pos, "use a duration greater than 0, such as 8s", "%s%s %q must be greater than 0", prefix(m.where), e.key, s)
	case v > chain.MaxTimeout:
		d.add(pos, "use a duration of at most 10m", "%s%s %q is longer than the 10m maximum", prefix(m.where), e.key, s)
	default:
		return v, true
	}
	return 0, false
}

func (d *decoder) config(body ast.Node) *chain.Config {
	cfg := &chain.Config{File: d.src.name, Timeout: chain.DefaultTimeout, Canary: chain.DefaultCanary}
	if body == nil {
		d.add(d.src.pos(1, 1), "start the file with version: 1 and a chains list", "file is empty")
		return cfg
	}
	m, ok := d.mapping(body, "", "", "version", "defaults", "chains")
	if !ok {
		return cfg
	}
	if e := d.require(m, "version", "add version: 1 at the top of the file"); e != nil {
		d.version(m, e, cfg)
	}
	if e := m.get("defaults"); e != nil {
		if dm, ok := d.mapping(e.val, "", "defaults", "timeout", "canary"); ok {
			dm.where = "defaults"
			if e := dm.get("timeout"); e != nil {
				if v, ok := d.duration(dm, e); ok {
					cfg.Timeout = v
				}
			}
			if e := dm.get("canary"); e != nil {
				if v, ok := d.canary(dm, e); ok {
					cfg.Canary = v
				}
			}
		}
	}
	e := d.require(m, "chains", "add a chains list with at least one chain")
	if e == nil {
		return cfg
	}
	seq, ok := e.val.(*ast.SequenceNode)
	if !ok {
		d.add(d.src.nodePos(e.val), "list the chains as YAML list items, each starting with - name:", "chains must be a list, not %s", kindOf(e.val))
		return cfg
	}
	if len(seq.Values) == 0 {
		d.add(d.src.nodePos(e.val), "add at least one chain", "chains is empty")
		return cfg
	}
	seen := map[string]chain.Pos{}
	for i, n := range seq.Values {
		if i == chain.MaxChains {
			d.add(d.src.nodePos(n),
				fmt.Sprintf("keep at most %d chains in one file: remove unused ones, or split them into several files checked by separate steps (--config / the config input)", chain.MaxChains),
				"too many chains: %d, hopcheck checks at most %d per run (this is chain %d)", len(seq.Values), chain.MaxChains, i+1)
			break
		}
		c := d.chain(n, i, cfg)
		if c == nil {
			continue
		}
		if c.Name != "" {
			if first, dup := seen[c.Name]; dup {
				d.add(c.namePos, "give every chain its own name",
					"duplicate chain name %q (first defined at line %d)", c.Name, first.Line)
			} else {
				seen[c.Name] = c.namePos
			}
		}
		cfg.Chains = append(cfg.Chains, &c.Chain)
	}
	return cfg
}

func (d *decoder) version(m *mapping, e *entry, cfg *chain.Config) {
	pos := d.src.nodePos(e.val)
	n, ok := e.val.(*ast.IntegerNode)
	if !ok {
		d.add(pos, "write version: 1", "version must be the integer 1, not %s", kindOf(e.val))
		return
	}
	text := n.GetToken().Value
	if fmt.Sprint(n.Value) != "1" {
		d.add(pos, "set version: 1, the only version this hopcheck reads", "unsupported version %s", text)
		return
	}
	cfg.Version = 1
}

type decodedChain struct {
	chain.Chain
	namePos chain.Pos
}

func (d *decoder) chain(n ast.Node, i int, cfg *chain.Config) *decodedChain {
	label := fmt.Sprintf("chains[%d]", i)
	if s := peekName(n); s != "" {
		label = fmt.Sprintf("chain %q", s)
	}
	m, ok := d.mapping(n, "", label, "name", "model", "canary", "timeout", "hops")
	if !ok {
		return nil
	}
	m.where = label
	c := &decodedChain{Chain: chain.Chain{Pos: m.pos, ModelPos: m.pos, Canary: cfg.Canary, Timeout: cfg.Timeout}}
	if e := d.require(m, "name", "name the chain, e.g. name: review-bot"); e != nil {
		if s, ok := d.name(m, e); ok {
			c.Name, c.namePos = s, d.src.nodePos(e.val)
		}
	}
	if e := d.require(m, "model", "add the model id sent to the first hop, e.g. model: openai/gpt-4o-mini"); e != nil {
		if s, ok := d.str(m, e); ok {
			c.Model, c.ModelPos = s, d.src.nodePos(e.val)
		}
	}
	if e := m.get("canary"); e != nil {
		if v, ok := d.canary(m, e); ok {
			c.Canary = v
		}
	}
	if e := m.get("timeout"); e != nil {
		if v, ok := d.duration(m, e); ok {
			c.Timeout = v
		}
	}
	e := d.require(m, "hops", "list the hops from the CI job outward")
	if e == nil {
		return c
	}
	seq, ok := e.val.(*ast.SequenceNode)
	if !ok {
		d.add(d.src.nodePos(e.val), "list the hops as YAML list items, each starting with - name:", "%shops must be a list, not %s", prefix(m.where), kindOf(e.val))
		return c
	}
	if len(seq.Values) == 0 {
		d.add(d.src.nodePos(e.val), "list at least one hop, the service the CI job calls first", "%shops is empty", prefix(m.where))
		return c
	}
	seen := map[string]chain.Pos{}
	for j, hn := range seq.Values {
		h, namePos := d.hop(hn, m.where, j)
		if h == nil {
			continue
		}
		if h.Name != "" {
			if first, dup := seen[h.Name]; dup {
				d.add(namePos, "give every hop of a chain its own name",
					"%sduplicate hop name %q (first defined at line %d)", prefix(m.where), h.Name, first.Line)
			} else {
				seen[h.Name] = namePos
			}
		}
		c.Hops = append(c.Hops, *h)
	}
	return c
}

func (d *decoder) hop(n ast.Node, chainWhere string, j int) (*chain.Hop, chain.Pos) {
	label := fmt.Sprintf("hops[%d]", j)
	if s := peekName(n); s != "" {
		label = fmt.Sprintf("hop %q", s)
	}
	m, ok := d.mapping(n, chainWhere, label, "name", "type", "url", "key_env", "key_header", "config")
	if !ok {
		return nil, chain.Pos{}
	}
	m.where = chainWhere + ", " + label
	h := &chain.Hop{Pos: m.pos, URLPos: m.pos, KeyEnvPos: m.pos, KeyHeaderPos: m.pos, TypePos: m.pos}
	var namePos chain.Pos
	if e := d.require(m, "name", "name the hop, e.g. name: openrouter"); e != nil {
		if s, ok := d.name(m, e); ok {
			namePos = d.src.nodePos(e.val)
			if strings.EqualFold(s, chain.CIHop) {
				d.add(namePos, "rename the hop; the CI job is the implicit first hop and is not listed",
					"%shop name %q is reserved for the CI job", prefix(m.where), s)
			} else {
				h.Name = s
			}
		}
	}
	if e := d.require(m, "type", "add type: one of "+hopTypeList()); e != nil {
		if s, ok := d.str(m, e); ok {
			h.TypePos = d.src.nodePos(e.val)
			if spec, ok := provider.Lookup(chain.HopType(s)); ok {
				h.Type = chain.HopType(s)
				h.KeyHeader = spec.Auth
			} else {
				fix := "use one of " + hopTypeList()
				if sg := suggest(s, hopTypeNames()); sg != "" {
					fix = fmt.Sprintf("did you mean %q? %s", sg, fix)
				}
				d.add(h.TypePos, fix, "%shop type %q is not known", prefix(m.where), s)
			}
		}
	}
	if e := d.require(m, "url", "add the base URL the previous hop calls, e.g. url: https://openrouter.ai/api/v1"); e != nil {
		if s, ok := d.str(m, e); ok {
			h.URL, h.URLPos = s, d.src.nodePos(e.val)
		}
	}
	if e := m.get("key_env"); e != nil {
		if s, ok := d.str(m, e); ok {
			pos := d.src.nodePos(e.val)
			switch {
			case !envRE.MatchString(s):
				d.add(pos, "name the environment variable with letters, digits and '_', not starting with a digit, e.g. OPENROUTER_API_KEY",
					"%skey_env %q is not a valid environment variable name", prefix(m.where), s)
			case provider.For(h.Type).Role == provider.Relay:
				d.add(e.keyPos, "remove key_env here and set it on the hop behind the proxy that checks the credential",
					"%skey_env on a reverse-proxy hop: a reverse proxy forwards the caller's credential and adds none", prefix(m.where))
			default:
				h.KeyEnv, h.KeyEnvPos = s, pos
			}
		}
	}
	if e := m.get("key_header"); e != nil {
		if hd, ok := d.keyHeader(m, e); ok {
			h.KeyHeader, h.KeyHeaderPos = hd, d.src.nodePos(e.val)
		}
	}
	if e := m.get("config"); e != nil {
		if s, ok := d.str(m, e); ok {
			if !filepath.IsLocal(filepath.FromSlash(s)) {
				d.add(d.src.nodePos(e.val), "give the path relative to the repository root, e.g. deploy/litellm.yaml",
					"%sconfig path %q must be relative to the repository and stay inside it", prefix(m.where), s)
			} else {
				h.Config = s
			}
		}
	}
	return h, namePos
}

// keyHeader reads key_header: a header name, or {name, prefix}.
func (d *decoder) keyHeader(m *mapping, e *entry) (chain.Header, bool) {
	headerName := func(m *mapping, e *entry) (string, bool) {
		s, ok := d.str(m, e)
		if !ok {
			return "", false
		}
		if !headerNameRE.MatchString(s) {
			d.add(d.src.nodePos(e.val), "use an HTTP header name such as Authorization or x-api-key",
				"%s%q is not a valid HTTP header name", prefix(m.where), s)
			return "", false
		}
		return s, true
	}
	switch e.val.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	case nil, *ast.NullNode, *ast.StringNode, *ast.LiteralNode:
		s, ok := headerName(m, e)
		if !ok {
			return chain.Header{}, false
		}
		h := chain.Header{Name: s}
		if strings.EqualFold(s, "Authorization") {
			h.Prefix = "Bearer "
		}
		return h, true
	default:
		d.add(d.src.nodePos(e.val), "write key_header: x-api-key or key_header: {name: Authorization, prefix: \"Bearer \"}",
			"%skey_header must be a header name or a mapping with name and prefix, not %s", prefix(m.where), kindOf(e.val))
		return chain.Header{}, false
	}
	hm, ok := d.mapping(e.val, m.where, "key_header", "name", "prefix")
	if !ok {
		return chain.Header{}, false
	}
	hm.where = m.where
	var h chain.Header
	good := true
	if ne := d.require(hm, "name", "add name: the header carrying the credential"); ne != nil {
		h.Name, ok = headerName(hm, ne)
		good = good && ok
	} else {
		good = false
	}
	if pe := hm.get("prefix"); pe != nil {
		switch n := pe.val.(type) {
		case *ast.StringNode:
			h.Prefix = n.Value
		default:
			d.add(d.src.nodePos(pe.val), "put the prefix in quotes, e.g. prefix: \"Bearer \"", "%sprefix must be a string, not %s", prefix(m.where), kindOf(pe.val))
			return chain.Header{}, false
		}
		for _, r := range h.Prefix {
			if r < 0x20 || r == 0x7f {
				d.add(d.src.nodePos(pe.val), "remove tabs, newlines and other control characters from the prefix", "%sprefix contains a control character", prefix(m.where))
				return chain.Header{}, false
			}
		}
	}
	return h, good
}

func hopTypeNames() []string {
	types := provider.Types()
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}

func hopTypeList() string { return strings.Join(hopTypeNames(), ", ") }

// suggest returns the candidate closest to s when it is a likely typo.
// (Edit distance is a dozen lines; no dependency is worth it.)
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if dist := editDistance(strings.ToLower(s), c); dist < bestD {
			best, bestD = c, dist
		}
	}
	if bestD > len(s)/2 {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
