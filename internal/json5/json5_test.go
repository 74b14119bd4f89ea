package json5

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// toGo converts a parsed value to plain Go values (objects: last duplicate
// wins, as JSON5.parse does).
func toGo(v *Value) any {
	switch v.Kind {
	case Bool:
		return v.Bool
	case Number:
		return v.Num
	case String:
		return v.Str
	case Array:
		out := []any{}
		for _, it := range v.Items {
			out = append(out, toGo(it))
		}
		return out
	case Object:
		out := map[string]any{}
		for _, m := range v.Members {
			out[m.Key] = toGo(m.Value)
		}
		return out
	}
	return nil
}

func TestJSON5Values(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name, in string
		want     any
	}{
		{"plain json", `{"a": [1, 2.5, -3e2, true, false, null, "x"]}`, map[string]any{"a": []any{1.0, 2.5, -300.0, true, false, nil, "x"}}},
		{"line comment", "// head\n{a: 1 // tail\n}", map[string]any{"a": 1.0}},
		{"block comment", "/* a\n * b */ {/*x*/a/*y*/:/*z*/1/**/}", map[string]any{"a": 1.0}},
		{"comment at eof without newline", "1 // end", 1.0},
		{"trailing commas", `{a: [1, 2,], b: {c: 3,},}`, map[string]any{"a": []any{1.0, 2.0}, "b": map[string]any{"c": 3.0}}},
		{"unquoted keys", `{$a: 1, _b: 2, c3: 3, café: 4, Ω_9: 5, null: 6, true: 7, if: 8}`,
			map[string]any{"$a": 1.0, "_b": 2.0, "c3": 3.0, "café": 4.0, "Ω_9": 5.0, "null": 6.0, "true": 7.0, "if": 8.0}},
		{"escaped unquoted key", `{\u0061b: 1}`, map[string]any{"ab": 1.0}},
		{"single quotes", `{'a': 'it\'s "quoted"', "b": "it's"}`, map[string]any{"a": `it's "quoted"`, "b": "it's"}},
		{"multi-line string LF", "'one \\\ntwo'", "one two"},
		{"multi-line string CRLF", "'one \\\r\ntwo'", "one two"},
		{"multi-line string CR", "'one \\\rtwo'", "one two"},
		{"multi-line string LS", "'one \\\u2028two'", "one two"},
		{"escapes", `"\b\f\n\r\t\v\0\/\\\a\x41\u00e9\uD83D\uDE00"`, "\b\f\n\r\t\v\x00/\\aAé😀"},
		{"lone surrogate", `"\uD800x"`, "\uFFFDx"},
		{"surrogate then non-low escape", `"\uD800\u0041"`, "\uFFFDA"},
		{"unescaped LS PS in string", "'a\u2028b\u2029c'", "a\u2028b\u2029c"},
		{"hex", `[0x1F, 0XfF, -0xA, +0x10, 0x10000000000000000]`, []any{31.0, 255.0, -10.0, 16.0, 18446744073709551616.0}},
		{"infinity nan", `[Infinity, -Infinity, +Infinity]`, []any{inf, -inf, inf}},
		{"decimal points", `[.5, 5., -.5, +1.5e1, 0, -0, 0.0, 1E-2, 2e+2]`, []any{0.5, 5.0, -0.5, 15.0, 0.0, 0.0, 0.0, 0.01, 200.0}},
		{"out of range", `[1e400, -1e400]`, []any{inf, -inf}},
		{"duplicate keys: last wins", `{a: 1, a: 2}`, map[string]any{"a": 2.0}},
		{"bom", "\uFEFF{a: 1}", map[string]any{"a": 1.0}},
		{"exotic whitespace", "\u00a0\u2003{\ta\v:\f1\u2028}\u2029", map[string]any{"a": 1.0}},
		{"empty containers", `{a: {}, b: []}`, map[string]any{"a": map[string]any{}, "b": []any{}}},
		{"top-level string", `'x'`, "x"},
		{"empty key", `{"": 1}`, map[string]any{"": 1.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Parse("f.json5", []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d := cmp.Diff(tc.want, toGo(v)); d != "" {
				t.Errorf("value (-want +got):\n%s", d)
			}
		})
	}
}

func TestJSON5NaNAndRaw(t *testing.T) {
	v, err := Parse("f", []byte(`[NaN, -NaN, 0x1F, +.5]`))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(v.Items[0].Num) || !math.IsNaN(v.Items[1].Num) {
		t.Errorf("NaN: %v %v", v.Items[0].Num, v.Items[1].Num)
	}
	if v.Items[2].Raw != "0x1F" || v.Items[3].Raw != "+.5" {
		t.Errorf("raw texts %q %q", v.Items[2].Raw, v.Items[3].Raw)
	}
}

func TestJSON5Errors(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		line, col int
		msg       string
	}{
		{"empty", "  // nothing\n", 2, 1, "empty document"},
		{"unterminated string", "{a: 'abc", 1, 5, "unterminated string"},
		{"line break in string", "{a: 'ab\ncd'}", 1, 8, "line break inside a string"},
		{"unterminated comment", "{a: 1 /* open", 1, 7, "unterminated /* comment"},
		{"lone slash", "{a: 1 / 2}", 1, 7, "unexpected '/'"},
		{"leading zero", "[01]", 1, 2, "leading zeros"},
		{"octal escape", `'\01'`, 1, 2, "octal escapes"},
		{"digit escape", `'\1'`, 1, 2, `invalid escape \1`},
		{"bad hex escape", `'\xZZ'`, 1, 2, "expected 2 hex digits"},
		{"bad unicode escape", `'\u12'`, 1, 2, "expected 4 hex digits"},
		{"hex without digits", "[0x]", 1, 2, "no digits after 0x"},
		{"exponent without digits", "[1e]", 1, 2, "exponent without digits"},
		{"lone sign", "[+]", 1, 2, "invalid number"},
		{"lone point", "[.]", 1, 2, "invalid number"},
		{"number then word", "[1abc]", 1, 3, "after number"},
		{"bare word value", "{a: yes}", 1, 5, `unexpected word "yes"`},
		{"bad signed word", "[-Inf]", 1, 2, `invalid number "-Inf"`},
		{"missing colon", "{a 1}", 1, 4, "expected ':'"},
		{"missing comma", "{a: 1 b: 2}", 1, 7, "expected ',' or '}'"},
		{"double comma", "[1,,2]", 1, 4, "expected a value"},
		{"leading comma object", "{,}", 1, 2, "expected a key"},
		{"unterminated object", "{a: 1,", 1, 1, "unterminated object"},
		{"unterminated array", "\n  [1, 2", 2, 3, "unterminated array"},
		{"missing value", "{a:", 1, 4, `missing value for key "a"`},
		{"trailing garbage", "{} {}", 1, 4, "after the top-level value"},
		{"key escape not u", `{\x61: 1}`, 1, 2, `only \uXXXX`},
		{"key escape invalid start", `{\u0031a: 1}`, 1, 2, "not allowed in a key"},
		{"invalid utf8", "{a: 'x\xffy'}", 1, 7, "invalid UTF-8"},
		{"position after CRLF and wide runes", "{\r\n  'é😀': [1,\r\n  2 3]}", 3, 5, "expected ',' or ']'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.json5", []byte(tc.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			want := chain.Pos{File: "bad.json5", Line: tc.line, Col: tc.col}
			if se.Pos != want || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got %v %q; want %v and a message containing %q", se.Pos, se.Msg, want, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), want.String()+": ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestJSON5Depth(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2)
	if _, err := Parse("d", []byte(deep)); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Fatalf("err = %v", err)
	}
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if _, err := Parse("d", []byte(ok)); err != nil {
		t.Fatalf("depth %d: %v", maxDepth, err)
	}
}

// TestJSON5Positions pins the line and column of keys and values across
// comments, CRLF and CR line ends, multi-line strings and multi-byte runes.
func TestJSON5Positions(t *testing.T) {
	src := "// c1\r\n" + // line 1
		"{ /* multi\n" + // line 2
		"   line */ a: 1,\r\n" + // line 3
		"  'é😀': 'x\\\n" + // line 4: a string continued on line 5
		"y', b: [true,\r" + // line 5 (lone CR ends it)
		"\t null ], c: {d: -0x1},\n" + // line 6
		"}"
	v, err := Parse("p.json5", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at := func(l, c int) chain.Pos { return chain.Pos{File: "p.json5", Line: l, Col: c} }
	checks := []struct {
		what      string
		got, want chain.Pos
	}{
		{"object", v.Pos, at(2, 1)},
		{"key a", v.Member("a").KeyPos, at(3, 12)},
		{"value a", v.Get("a").Pos, at(3, 15)},
		{"key é😀", v.Member("é😀").KeyPos, at(4, 3)},
		{"value é😀", v.Get("é😀").Pos, at(4, 9)},
		{"key b", v.Member("b").KeyPos, at(5, 5)},
		{"array b", v.Get("b").Pos, at(5, 8)},
		{"b[0]", v.Get("b").Items[0].Pos, at(5, 9)},
		{"b[1]", v.Get("b").Items[1].Pos, at(6, 3)},
		{"key c", v.Member("c").KeyPos, at(6, 11)},
		{"c.d", v.Path("c", "d").Pos, at(6, 18)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s at %v, want %v", c.what, c.got, c.want)
		}
	}
	if v.Get("é😀").Str != "xy" {
		t.Errorf("continued string = %q", v.Get("é😀").Str)
	}
	if v.Path("nope", "x") != nil || v.Get("a").Get("x") != nil || (*Value)(nil).Member("a") != nil {
		t.Error("lookups through missing or non-object values must return nil")
	}
}

// FuzzJSON5: no input panics, errors carry a position inside the input,
// and every JSON document (JSON is a subset of JSON5) decodes to what
// encoding/json decodes.
func FuzzJSON5(f *testing.F) {
	for _, s := range []string{`{a: [1, 0x1F, .5, +Infinity, NaN, 'x\'y', "z\u00e9",], /* c */ b: null, // d
}`, `"\uD83D\uDE00"`, "[1e400]", `{"a": {"b": [true, false]}}`, "'a\\\r\nb'", "\uFEFF{}", "{\\u0061: 1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse("fuzz", data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos.Line < 1 || se.Pos.Col < 1 || se.Pos.Line > strings.Count(string(data), "\n")+strings.Count(string(data), "\r")+1 {
				t.Fatalf("bad error %#v", err)
			}
		} else if v == nil {
			t.Fatal("nil value without error")
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			return
		}
		var want any
		if json.Unmarshal(data, &want) != nil {
			return // e.g. a number out of float64 range
		}
		if err != nil {
			if se, ok := err.(*SyntaxError); ok && se.Limit {
				return // a bound of the reader, not a JSON5 rule
			}
			t.Fatalf("valid JSON rejected: %v", err)
		}
		if d := cmp.Diff(want, toGo(v)); d != "" {
			t.Fatalf("JSON decodes differently (-encoding/json +json5):\n%s", d)
		}
	})
}
