package json5

import (
	"errors"
	"strings"
	"testing"
)

func TestJSON5Bounds(t *testing.T) {
	for _, c := range []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"open nesting", "{a: " + strings.Repeat("[", 1<<20), 1, 5 + maxDepth, "nesting deeper than 128 levels"},
		{"many values", "[" + strings.Repeat("0,", maxValues), 1, 2 + 2*(maxValues-1), "more than 100000 values"},
		{"many members", "{" + strings.Repeat("a:0,", maxValues), 1, 2 + 4*(maxValues-1) + 2, "more than 100000 values"},
	} {
		_, err := Parse("openclaw.json", []byte(c.src))
		var se *SyntaxError
		if !errors.As(err, &se) || !se.Limit || se.Pos.Line != c.line || se.Pos.Col != c.col || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("%s: err = %v, want a limit at %d:%d: %s", c.name, err, c.line, c.col, c.msg)
		}
	}
	ok := "[" + strings.Repeat("0,", maxValues-2) + "0]"
	if _, err := Parse("openclaw.json", []byte(ok)); err != nil {
		t.Errorf("%d values: %v", maxValues, err)
	}
}
