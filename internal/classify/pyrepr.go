package classify

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pyToJSON converts the Python literal (or JSON value) at the start of s to
// JSON and returns the text after it.
//
// LiteLLM embeds the upstream body in its error message as the repr() of a
// Python dict: `{'error': {'message': "You didn't …", 'code': 401, 'param':
// None}}`. No Go library reads Python literals, and a string-replace of
// quotes breaks on apostrophes inside messages, so this is a small
// recursive-descent reader of the literal subset repr() produces: dicts,
// lists, tuples, str/bytes (single, double and triple quotes, r/b/u
// prefixes, backslash escapes), int/float, None/True/False. JSON's own
// literals (double quotes, null/true/false) are accepted too, so a JSON body
// embedded the same way converts unchanged. Object keys that are not strings
// (repr allows ints) become strings.
func pyToJSON(s string) (out []byte, rest string, err error) {
	p := pyParser{s: s}
	p.ws()
	if err := p.value(); err != nil {
		return nil, s, err
	}
	return p.out.Bytes(), p.s[p.i:], nil
}

type pyParser struct {
	s     string
	i     int
	depth int
	out   bytes.Buffer
}

const pyMaxDepth = 64

var errPy = errors.New("not a python literal")

func (p *pyParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *pyParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyParser) value() error {
	if p.i >= len(p.s) {
		return errPy
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.container('{', '}', true)
	case c == '[':
		return p.container('[', ']', false)
	case c == '(':
		return p.container('(', ')', false)
	case c == '\'' || c == '"':
		s, err := p.str(false)
		if err != nil {
			return err
		}
		writeJSONString(&p.out, s)
		return nil
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case isIdentByte(c):
		j := p.i
		for j < len(p.s) && isIdentByte(p.s[j]) {
			j++
		}
		word := p.s[p.i:j]
		// String prefixes: r'', b'', u'', rb'', br'' …
		if j < len(p.s) && (p.s[j] == '\'' || p.s[j] == '"') && len(word) <= 2 && strings.Trim(strings.ToLower(word), "rbuf") == "" {
			p.i = j
			s, err := p.str(strings.ContainsAny(word, "rR"))
			if err != nil {
				return err
			}
			writeJSONString(&p.out, s)
			return nil
		}
		switch word {
		case "None", "null", "inf", "nan", "Infinity", "NaN":
			p.out.WriteString("null")
		case "True", "true":
			p.out.WriteString("true")
		case "False", "false":
			p.out.WriteString("false")
		default:
			return errPy
		}
		p.i = j
		return nil
	}
	return errPy
}

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// container reads a dict (obj) or list/tuple.
func (p *pyParser) container(open, close byte, obj bool) error {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > pyMaxDepth {
		return errPy
	}
	p.i++ // open
	if obj {
		p.out.WriteByte('{')
	} else {
		p.out.WriteByte('[')
	}
	first := true
	for {
		p.ws()
		if p.peek() == close {
			p.i++
			break
		}
		if !first {
			if p.peek() != ',' {
				return errPy
			}
			p.i++
			p.ws()
			if p.peek() == close { // trailing comma
				p.i++
				break
			}
			p.out.WriteByte(',')
		}
		first = false
		if obj {
			if err := p.key(); err != nil {
				return err
			}
			p.ws()
			if p.peek() != ':' {
				return errPy
			}
			p.i++
			p.out.WriteByte(':')
			p.ws()
		}
		if err := p.value(); err != nil {
			return err
		}
	}
	if obj {
		p.out.WriteByte('}')
	} else {
		p.out.WriteByte(']')
	}
	return nil
}

// key writes a dict key, turning non-string keys into strings.
func (p *pyParser) key() error {
	sub := pyParser{s: p.s, i: p.i, depth: p.depth}
	if err := sub.value(); err != nil {
		return err
	}
	p.i = sub.i
	k := sub.out.Bytes()
	if len(k) > 0 && k[0] == '"' {
		p.out.Write(k)
		return nil
	}
	writeJSONString(&p.out, string(k))
	return nil
}

func (p *pyParser) number() error {
	j := p.i
	for j < len(p.s) && strings.IndexByte("+-.0123456789_eEjJxXabcdefABCDEF", p.s[j]) >= 0 {
		// Stop a sign that is not at the start or after an exponent.
		if (p.s[j] == '+' || p.s[j] == '-') && j > p.i && p.s[j-1] != 'e' && p.s[j-1] != 'E' {
			break
		}
		j++
	}
	lit := strings.ReplaceAll(p.s[p.i:j], "_", "")
	lit = strings.TrimPrefix(lit, "+")
	if n, err := strconv.ParseInt(lit, 0, 64); err == nil {
		p.out.WriteString(strconv.FormatInt(n, 10))
		p.i = j
		return nil
	}
	v, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return errPy
	}
	p.out.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	p.i = j
	return nil
}

// str reads a quoted string starting at p.i (at the quote).
func (p *pyParser) str(raw bool) (string, error) {
	q := p.s[p.i]
	triple := strings.HasPrefix(p.s[p.i:], strings.Repeat(string(q), 3))
	if triple {
		p.i += 3
	} else {
		p.i++
	}
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q && (!triple || strings.HasPrefix(p.s[p.i:], strings.Repeat(string(q), 3))):
			if triple {
				p.i += 3
			} else {
				p.i++
			}
			return b.String(), nil
		case c == '\n' && !triple:
			return "", errPy
		case c == '\\' && p.i+1 < len(p.s):
			if raw {
				b.WriteByte(c)
				b.WriteByte(p.s[p.i+1])
				p.i += 2
				continue
			}
			p.escape(&b)
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += size
		}
	}
	return "", errPy
}

// escape decodes one backslash escape at p.i.
func (p *pyParser) escape(b *strings.Builder) {
	e := p.s[p.i+1]
	p.i += 2
	if s, ok := pySimpleEscapes[e]; ok {
		b.WriteString(s)
		return
	}
	hex := func(n int) bool {
		if p.i+n > len(p.s) {
			return false
		}
		v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return false
		}
		b.WriteRune(rune(v))
		p.i += n
		return true
	}
	switch e {
	case 'x':
		if hex(2) {
			return
		}
	case 'u':
		if hex(4) {
			return
		}
	case 'U':
		if hex(8) {
			return
		}
	case '0', '1', '2', '3', '4', '5', '6', '7':
		j := p.i - 1
		for j < len(p.s) && j < p.i+2 && p.s[j] >= '0' && p.s[j] <= '7' {
			j++
		}
		v, _ := strconv.ParseUint(p.s[p.i-1:j], 8, 32)
		b.WriteRune(rune(v))
		p.i = j
		return
	}
	// Unknown escape: Python keeps the backslash.
	b.WriteByte('\\')
	b.WriteByte(e)
}

var pySimpleEscapes = map[byte]string{'\\': "\\", '\'': "'", '"': "\"", 'n': "\n", 'r': "\r", 't': "\t",
	'b': "\b", 'f': "\f", 'v': "\v", 'a': "\a", '\n': "", '/': "/"}

func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // encoding a string cannot fail
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
}
