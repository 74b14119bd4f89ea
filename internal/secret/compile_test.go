package secret

import "testing"

// Every shape compiles and has its secret group: shapes are compiled at
// first use, so a broken one would otherwise surface only when a text
// holds its keyword.
func TestShapesCompile(t *testing.T) {
	for i := range shapes {
		sh := &shapes[i]
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("shape %s: %v", sh.id, r)
				}
			}()
			c := sh.re()
			if c.re == nil || c.secret < 0 || (c.keep >= 0 && c.keep == c.secret) {
				t.Errorf("shape %s: compiled %+v", sh.id, c)
			}
		}()
	}
}
