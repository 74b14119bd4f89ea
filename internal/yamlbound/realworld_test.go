package yamlbound_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/json5"
	"github.com/hopcheck/hopcheck/internal/yamlbound"
)

// TestBoundsAdmitRealConfigs runs every YAML and JSON5 file of the
// real-world corpus (testdata/realworld, each with its SOURCE) through the
// bounded readers: none may come near a cap, let alone be refused. A cap a
// real configuration passes is a cap set wrong.
func TestBoundsAdmitRealConfigs(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "realworld")
	// Half the caps: a real file must fit with room to spare.
	half := yamlbound.Limits{Tokens: yamlbound.DefaultLimits.Tokens / 2, Depth: yamlbound.DefaultLimits.Depth / 2,
		Keys: yamlbound.DefaultLimits.Keys / 2, Aliases: yamlbound.DefaultLimits.Aliases / 2}
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch ext := filepath.Ext(p); {
		case ext == ".yaml" || ext == ".yml":
			n++
			if _, lerr := yamlbound.Tokenize(data, half); lerr != nil {
				t.Errorf("%s: refused within half the caps: %v", p, lerr)
			}
		case ext == ".json" || ext == ".json5":
			n++
			var se *json5.SyntaxError
			if _, err := json5.Parse(p, data); errors.As(err, &se) && se.Limit {
				t.Errorf("%s: refused: %v", p, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d configs under %s", n, strings.TrimPrefix(root, "../../"))
	}
}
