package finding

import (
	"os"
	"strings"
	"testing"
)

// The README's cause-code table must list every code, so adding a code
// forces documenting it.
func TestREADMEListsEveryCause(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Causes() {
		if !strings.Contains(string(b), "| `"+string(c)+"` |") {
			t.Errorf("README cause table lacks %s", c)
		}
		i, _ := Explain(c)
		if i.Meaning == "" || i.Fix == "" || i.Typical == "" {
			t.Errorf("%s is not fully documented: %+v", c, i)
		}
	}
}
