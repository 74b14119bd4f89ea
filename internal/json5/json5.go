package json5

// A JSON5 reader that keeps the source position of every value.
//
// Written by hand because no Go library does both: the JSON5 decoders on
// the Go module proxy (github.com/titanous/json5, a fork of encoding/json)
// decode into Go values and drop positions, and github.com/tailscale/hujson,
// which keeps byte offsets, only reads JSONC (comments and trailing commas):
// it rejects unquoted keys, single quotes, hex numbers, Infinity/NaN,
// leading '+', leading/trailing decimal points and line continuations, all
// of which OpenClaw's own parser (the npm json5 package) accepts and which
// users write in openclaw.json. The grammar below is the JSON5 1.0.0 spec
// (https://spec.json5.org).
//
// Positions: Line counts LF, CRLF and a lone CR as line breaks (what editors
// and GitHub annotations count); U+2028/U+2029 are accepted as line
// terminators by the grammar but do not advance Line. Col is 1-based and
// counts Unicode code points.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// Kind is the type of a JSON5 value.
type Kind int

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "invalid"
}

// Value is one JSON5 value and where it starts in the file.
type Value struct {
	Kind Kind
	Pos  chain.Pos
	// Str is the decoded string (Kind String).
	Str string
	// Num is the number (Kind Number); Raw is its source text (e.g. 0x1F).
	Num float64
	Raw string
	// Bool is the boolean (Kind Bool).
	Bool bool
	// Items are the array elements (Kind Array).
	Items []*Value
	// Members are the object members in file order, duplicates included
	// (Kind Object). Get returns the last duplicate, as JSON5.parse does.
	Members []*Member
}

// Member is one key/value pair of an object.
type Member struct {
	Key    string
	KeyPos chain.Pos
	Value  *Value
}

// Get returns the value of key in an object (the last one when the key is
// repeated), or nil when v is nil, not an object, or has no such key.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// Member returns the member of key (the last one when repeated), or nil.
func (v *Value) Member(key string) *Member {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i]
		}
	}
	return nil
}

// Path follows keys through nested objects; nil when any step is missing.
func (v *Value) Path(keys ...string) *Value {
	for _, k := range keys {
		v = v.Get(k)
	}
	return v
}

// SyntaxError is a JSON5 syntax error at a position.
type SyntaxError struct {
	Pos chain.Pos
	Msg string
	// Limit reports that the text passed a bound of the reader (maxDepth,
	// maxValues) rather than a rule of JSON5.
	Limit bool
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Bounds of the reader: an openclaw.json may be written by whoever opens a
// pull request. A real one nests below 10 levels and holds a few hundred
// values; each value costs about 200 bytes, so maxValues keeps any input
// within ~20 MB (see BenchmarkJSON5Adversarial).
const (
	maxDepth  = 128
	maxValues = 100000
)

// Parse parses data (one JSON5 value, optionally surrounded by
// whitespace and comments) read from file.
func Parse(file string, data []byte) (*Value, error) {
	p := &parser{file: file, src: data, line: 1, col: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.off = 3 // a UTF-8 byte order mark is not part of line 1's columns
	}
	if !utf8.Valid(data) {
		return nil, p.errAt(p.invalidUTF8Pos(), "invalid UTF-8")
	}
	if err := p.skip(); err != nil {
		return nil, err
	}
	if p.eof() {
		return nil, p.err("empty document: expected a JSON5 value")
	}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if err := p.skip(); err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.err(fmt.Sprintf("unexpected %s after the top-level value", p.describe()))
	}
	return v, nil
}

type parser struct {
	file      string
	src       []byte
	off       int
	line, col int
	values    int // values read so far (a member's value counts, its key not)
}

func (p *parser) pos() chain.Pos { return chain.Pos{File: p.file, Line: p.line, Col: p.col} }

func (p *parser) err(msg string) error { return p.errAt(p.pos(), msg) }

func (p *parser) errAt(pos chain.Pos, msg string) error { return &SyntaxError{Pos: pos, Msg: msg} }

func (p *parser) limit(msg string) error { return &SyntaxError{Pos: p.pos(), Msg: msg, Limit: true} }

func (p *parser) eof() bool { return p.off >= len(p.src) }

// peek returns the rune at the current offset (utf8.RuneError, 0 at EOF).
func (p *parser) peek() (rune, int) {
	if p.eof() {
		return utf8.RuneError, 0
	}
	return utf8.DecodeRune(p.src[p.off:])
}

// peekAt returns the rune n bytes ahead of the current offset.
func (p *parser) peekByte(n int) byte {
	if p.off+n >= len(p.src) {
		return 0
	}
	return p.src[p.off+n]
}

// next consumes one rune, keeping line and column.
func (p *parser) next() rune {
	r, w := p.peek()
	if w == 0 {
		return r
	}
	p.off += w
	switch {
	case r == '\n':
		p.line, p.col = p.line+1, 1
	case r == '\r':
		if p.off < len(p.src) && p.src[p.off] == '\n' {
			p.col++ // the LF that follows ends the line
		} else {
			p.line, p.col = p.line+1, 1
		}
	default:
		p.col++
	}
	return r
}

func (p *parser) invalidUTF8Pos() chain.Pos {
	q := &parser{file: p.file, src: p.src, off: p.off, line: 1, col: 1}
	for !q.eof() {
		if r, w := q.peek(); r == utf8.RuneError && w == 1 {
			break
		}
		q.next()
	}
	return q.pos()
}

// describe names the token at the current offset for error messages.
func (p *parser) describe() string {
	if p.eof() {
		return "end of file"
	}
	r, _ := p.peek()
	if unicode.IsPrint(r) {
		return strconv.QuoteRune(r)
	}
	return fmt.Sprintf("character %U", r)
}

// isSpace reports JSON5 WhiteSpace and LineTerminator characters.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x2028, 0x2029, 0xFEFF:
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// skip consumes whitespace and comments.
func (p *parser) skip() error {
	for !p.eof() {
		r, _ := p.peek()
		switch {
		case isSpace(r):
			p.next()
		case r == '/' && p.peekByte(1) == '/':
			for !p.eof() {
				if r, _ := p.peek(); r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 {
					break
				}
				p.next()
			}
		case r == '/' && p.peekByte(1) == '*':
			start := p.pos()
			p.next()
			p.next()
			for {
				if p.eof() {
					return p.errAt(start, "unterminated /* comment")
				}
				if p.src[p.off] == '*' && p.peekByte(1) == '/' {
					p.next()
					p.next()
					break
				}
				p.next()
			}
		case r == '/':
			return p.err("unexpected '/': comments start with // or /*")
		default:
			return nil
		}
	}
	return nil
}

func (p *parser) value(depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, p.limit(fmt.Sprintf("nesting deeper than %d levels; refusing to read the file", maxDepth))
	}
	if p.values++; p.values > maxValues {
		return nil, p.limit(fmt.Sprintf("more than %d values; refusing to read the file", maxValues))
	}
	start := p.pos()
	r, _ := p.peek()
	switch {
	case r == '{':
		return p.object(depth)
	case r == '[':
		return p.array(depth)
	case r == '"' || r == '\'':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Pos: start, Str: s}, nil
	case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
		return p.number()
	case isIDStart(r) || r == '\\':
		word, err := p.ident()
		if err != nil {
			return nil, err
		}
		switch word {
		case "null":
			return &Value{Kind: Null, Pos: start}, nil
		case "true", "false":
			return &Value{Kind: Bool, Pos: start, Bool: word == "true"}, nil
		case "Infinity":
			return &Value{Kind: Number, Pos: start, Num: math.Inf(1), Raw: word}, nil
		case "NaN":
			return &Value{Kind: Number, Pos: start, Num: math.NaN(), Raw: word}, nil
		}
		return nil, p.errAt(start, fmt.Sprintf("unexpected word %q: a value is an object, array, string, number, true, false or null (strings need quotes)", trunc(word)))
	}
	return nil, p.err(fmt.Sprintf("unexpected %s: expected a value", p.describe()))
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func (p *parser) object(depth int) (*Value, error) {
	v := &Value{Kind: Object, Pos: p.pos(), Members: []*Member{}}
	p.next() // {
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.errAt(v.Pos, "unterminated object: missing '}'")
		}
		if r, _ := p.peek(); r == '}' {
			p.next()
			return v, nil
		}
		kp := p.pos()
		var key string
		var err error
		switch r, _ := p.peek(); {
		case r == '"' || r == '\'':
			key, err = p.str()
		case isIDStart(r) || r == '\\':
			key, err = p.ident()
		default:
			return nil, p.err(fmt.Sprintf("unexpected %s: expected a key or '}'", p.describe()))
		}
		if err != nil {
			return nil, err
		}
		if err := p.skip(); err != nil {
			return nil, err
		}
		if r, _ := p.peek(); r != ':' {
			return nil, p.err(fmt.Sprintf("unexpected %s after key %q: expected ':'", p.describe(), trunc(key)))
		}
		p.next()
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.err(fmt.Sprintf("missing value for key %q", trunc(key)))
		}
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, &Member{Key: key, KeyPos: kp, Value: val})
		if err := p.skip(); err != nil {
			return nil, err
		}
		switch r, _ := p.peek(); {
		case r == ',':
			p.next()
		case r == '}':
			p.next()
			return v, nil
		case p.eof():
			return nil, p.errAt(v.Pos, "unterminated object: missing '}'")
		default:
			return nil, p.err(fmt.Sprintf("unexpected %s after the value of %q: expected ',' or '}'", p.describe(), trunc(key)))
		}
	}
}

func (p *parser) array(depth int) (*Value, error) {
	v := &Value{Kind: Array, Pos: p.pos(), Items: []*Value{}}
	p.next() // [
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.errAt(v.Pos, "unterminated array: missing ']'")
		}
		if r, _ := p.peek(); r == ']' {
			p.next()
			return v, nil
		}
		item, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, item)
		if err := p.skip(); err != nil {
			return nil, err
		}
		switch r, _ := p.peek(); {
		case r == ',':
			p.next()
		case r == ']':
			p.next()
			return v, nil
		case p.eof():
			return nil, p.errAt(v.Pos, "unterminated array: missing ']'")
		default:
			return nil, p.err(fmt.Sprintf("unexpected %s in array: expected ',' or ']'", p.describe()))
		}
	}
}

// str reads a single- or double-quoted string.
func (p *parser) str() (string, error) {
	start := p.pos()
	q := p.next()
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errAt(start, "unterminated string")
		}
		r, _ := p.peek()
		switch r {
		case q:
			p.next()
			return b.String(), nil
		case '\n', '\r':
			return "", p.err("line break inside a string (end the line with \\ to continue it)")
		case '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteRune(p.next())
		}
	}
}

// escape reads one escape sequence (after a backslash) into b.
func (p *parser) escape(b *strings.Builder) error {
	at := p.pos()
	p.next() // backslash
	if p.eof() {
		return p.errAt(at, "unterminated string")
	}
	r, _ := p.peek()
	switch r {
	case '\n', 0x2028, 0x2029:
		p.next() // line continuation
	case '\r':
		p.next()
		if r2, _ := p.peek(); r2 == '\n' {
			p.next()
		}
	case 'b':
		p.next()
		b.WriteByte('\b')
	case 'f':
		p.next()
		b.WriteByte('\f')
	case 'n':
		p.next()
		b.WriteByte('\n')
	case 'r':
		p.next()
		b.WriteByte('\r')
	case 't':
		p.next()
		b.WriteByte('\t')
	case 'v':
		p.next()
		b.WriteByte('\v')
	case '0':
		p.next()
		if c := p.peekByte(0); c >= '0' && c <= '9' && !p.eof() {
			return p.errAt(at, "octal escapes are not allowed")
		}
		b.WriteByte(0)
	case 'x':
		p.next()
		n, err := p.hex(2, at)
		if err != nil {
			return err
		}
		b.WriteRune(rune(n))
	case 'u':
		p.next()
		n, err := p.hex(4, at)
		if err != nil {
			return err
		}
		r := rune(n)
		if utf16IsHigh(r) && p.peekByte(0) == '\\' && p.peekByte(1) == 'u' {
			save := *p
			p.next()
			p.next()
			lo, err := p.hex(4, at)
			if err == nil && utf16IsLow(rune(lo)) {
				b.WriteRune((r-0xD800)<<10 + (rune(lo) - 0xDC00) + 0x10000)
				return nil
			}
			*p = save
		}
		b.WriteRune(r) // a lone surrogate becomes U+FFFD
	default:
		if r >= '1' && r <= '9' {
			return p.errAt(at, fmt.Sprintf("invalid escape \\%c", r))
		}
		b.WriteRune(p.next()) // \' \" \\ \/ and any other character stand for themselves
	}
	return nil
}

func utf16IsHigh(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func utf16IsLow(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

// hex reads n hex digits.
func (p *parser) hex(n int, at chain.Pos) (int, error) {
	v := 0
	for i := 0; i < n; i++ {
		c := p.peekByte(0)
		d, ok := hexDigit(c)
		if !ok || p.eof() {
			return 0, p.errAt(at, fmt.Sprintf("invalid escape: expected %d hex digits", n))
		}
		p.next()
		v = v*16 + d
	}
	return v, nil
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// ident reads an ECMAScript 5.1 IdentifierName (unquoted keys, literals).
func (p *parser) ident() (string, error) {
	var b strings.Builder
	first := true
	for !p.eof() {
		r, _ := p.peek()
		if r == '\\' {
			at := p.pos()
			p.next()
			if r2, _ := p.peek(); r2 != 'u' {
				return "", p.errAt(at, "invalid escape in a key: only \\uXXXX is allowed")
			}
			p.next()
			n, err := p.hex(4, at)
			if err != nil {
				return "", err
			}
			e := rune(n)
			if (first && !isIDStart(e)) || (!first && !isIDPart(e)) {
				return "", p.errAt(at, fmt.Sprintf("\\u%04X is not allowed in a key", n))
			}
			b.WriteRune(e)
		} else if (first && isIDStart(r)) || (!first && isIDPart(r)) {
			b.WriteRune(p.next())
		} else {
			break
		}
		first = false
	}
	return b.String(), nil
}

func isIDStart(r rune) bool {
	return r == '$' || r == '_' || unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl)
}

func isIDPart(r rune) bool {
	return isIDStart(r) || r == 0x200C || r == 0x200D || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)
}

// number reads a JSON5 number: optional sign, then Infinity, NaN, a hex
// integer, or a decimal with optional leading/trailing point and exponent.
func (p *parser) number() (*Value, error) {
	start := p.pos()
	from := p.off
	neg := false
	if c := p.src[p.off]; c == '+' || c == '-' {
		neg = c == '-'
		p.next()
	}
	r, _ := p.peek()
	if isIDStart(r) {
		w, err := p.ident()
		if err != nil {
			return nil, err
		}
		raw := string(p.src[from:p.off])
		switch w {
		case "Infinity":
			f := math.Inf(1)
			if neg {
				f = math.Inf(-1)
			}
			return &Value{Kind: Number, Pos: start, Num: f, Raw: raw}, nil
		case "NaN":
			return &Value{Kind: Number, Pos: start, Num: math.NaN(), Raw: raw}, nil
		}
		return nil, p.errAt(start, fmt.Sprintf("invalid number %q", trunc(raw)))
	}
	digits := func() int {
		n := 0
		for c := p.peekByte(0); !p.eof() && c >= '0' && c <= '9'; c = p.peekByte(0) {
			p.next()
			n++
		}
		return n
	}
	if p.peekByte(0) == '0' && (p.peekByte(1) == 'x' || p.peekByte(1) == 'X') && !p.eof() {
		p.next()
		p.next()
		hs := p.off
		for _, ok := hexDigit(p.peekByte(0)); ok && !p.eof(); _, ok = hexDigit(p.peekByte(0)) {
			p.next()
		}
		if p.off == hs {
			return nil, p.errAt(start, "invalid hex number: no digits after 0x")
		}
		u, err := strconv.ParseUint(string(p.src[hs:p.off]), 16, 64)
		f := float64(u)
		if err != nil { // larger than 64 bits: still a finite JS number
			f, _ = strconv.ParseFloat("0x"+string(p.src[hs:p.off])+"p0", 64)
		}
		if neg {
			f = -f
		}
		return p.endNumber(&Value{Kind: Number, Pos: start, Num: f, Raw: string(p.src[from:p.off])})
	}
	intStart := p.off
	nInt := digits()
	if nInt > 1 && p.src[intStart] == '0' {
		return nil, p.errAt(start, "numbers cannot have leading zeros")
	}
	nFrac := 0
	if p.peekByte(0) == '.' && !p.eof() {
		p.next()
		nFrac = digits()
	}
	if nInt == 0 && nFrac == 0 {
		return nil, p.errAt(start, fmt.Sprintf("invalid number %q", trunc(string(p.src[from:p.off]))))
	}
	if c := p.peekByte(0); (c == 'e' || c == 'E') && !p.eof() {
		p.next()
		if c := p.peekByte(0); (c == '+' || c == '-') && !p.eof() {
			p.next()
		}
		if digits() == 0 {
			return nil, p.errAt(start, "invalid number: exponent without digits")
		}
	}
	raw := string(p.src[from:p.off])
	text := strings.TrimPrefix(raw, "+")
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// Out of range: JavaScript gives ±Infinity or 0, so do we.
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return nil, p.errAt(start, fmt.Sprintf("invalid number %q", trunc(raw)))
		}
	}
	return p.endNumber(&Value{Kind: Number, Pos: start, Num: f, Raw: raw})
}

// endNumber rejects a number running into an identifier (1abc, 0x1g).
func (p *parser) endNumber(v *Value) (*Value, error) {
	if r, _ := p.peek(); !p.eof() && (isIDStart(r) || (r >= '0' && r <= '9')) {
		return nil, p.err(fmt.Sprintf("unexpected %s after number %s", p.describe(), trunc(v.Raw)))
	}
	return v, nil
}
