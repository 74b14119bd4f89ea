package hostile

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
)

// fast is the correctness bound for refusing a hostile file: far above
// what a refusal costs, far below what expanding the file would.
const fast = 2 * time.Second

// aliasBomb is a "billion laughs" YAML: level k is a list of ten aliases
// of level k-1, so expanding the last alias yields 10^levels leaves.
func aliasBomb(levels int, top string) string {
	var b strings.Builder
	b.WriteString("version: 1\n")
	b.WriteString(`l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for l := 1; l <= levels; l++ {
		refs := make([]string, 10)
		for i := range refs {
			refs[i] = fmt.Sprintf("*l%d", l-1)
		}
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", l, l, strings.Join(refs, ","))
	}
	fmt.Fprintf(&b, "%s: *l%d\n", top, levels)
	return b.String()
}

// mergeBomb is the same shape built from `<<` merge keys, the form LiteLLM
// configs use to share litellm_params: each level merges ten aliases of the
// previous one, so reading the last level naively costs 10^levels merges.
func mergeBomb(levels int) string {
	var b strings.Builder
	b.WriteString("x0: &x0 {model: openrouter/openai/gpt-4o-mini, api_key: os.environ/OPENROUTER_API_KEY}\n")
	for l := 1; l <= levels; l++ {
		refs := make([]string, 10)
		for i := range refs {
			refs[i] = fmt.Sprintf("*x%d", l-1)
		}
		fmt.Fprintf(&b, "x%d: &x%d {<<: [%s]}\n", l, l, strings.Join(refs, ", "))
	}
	fmt.Fprintf(&b, "model_list:\n  - model_name: gpt-4o-mini\n    litellm_params: *x%d\n", levels)
	return b.String()
}

// runCLI runs `hopcheck check --config path` through cli.Main.
func runCLI(t *testing.T, dir, path string) (code int, stdout, stderr string, took time.Duration) {
	t.Helper()
	var out, errb bytes.Buffer
	env := cli.Env{LookupEnv: func(string) (string, bool) { return "", false }, Stdout: &out, Stderr: &errb, Dir: dir}
	start := time.Now()
	code = cli.Main(context.Background(), []string{"check", "--config", path}, env)
	return code, out.String(), errb.String(), time.Since(start)
}

func TestHostileConfigRefusedFast(t *testing.T) {
	huge := func(dir string) string {
		// 50 MB of a plausible file: a valid head, then endless comments.
		p := filepath.Join(dir, "hopcheck.yml")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		line := []byte("# " + strings.Repeat("padding ", 12) + "\n")
		if _, err := f.WriteString("version: 1\nchains: []\n"); err != nil {
			t.Fatal(err)
		}
		for n := 0; n < 50<<20; n += len(line) {
			if _, err := f.Write(line); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	cases := []struct {
		name  string
		write func(dir string) string
		want  []string // the error must name the problem
	}{
		{"alias bomb", func(dir string) string {
			p := filepath.Join(dir, "hopcheck.yml")
			if err := os.WriteFile(p, []byte(aliasBomb(9, "chains")), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{"hopcheck.yml:", "alias"}},
		{"50 MB file", huge, []string{"hopcheck.yml:1:1", "larger than", "refusing"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := tc.write(dir)
			code, stdout, stderr, took := runCLI(t, dir, p)
			t.Logf("exit %d in %s: %s", code, took.Round(time.Millisecond), firstLine(stderr))
			if code != cli.ExitUsage {
				t.Errorf("exit %d, want %d", code, cli.ExitUsage)
			}
			if took > fast {
				t.Errorf("took %s, bound %s", took.Round(time.Millisecond), fast)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not name the problem (%q):\n%s", w, stderr)
				}
			}
			if stdout != "" {
				t.Errorf("a refused config still printed a report:\n%s", stdout)
			}
			if len(stderr) > 8<<10 {
				t.Errorf("stderr is %d bytes: a hostile file must not flood the log", len(stderr))
			}
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// The LiteLLM reader resolves aliases and merge keys (real configs share
// litellm_params that way), so it must bound the work an alias can cause.
func TestLiteLLMAliasBombRefusedFast(t *testing.T) {
	cases := []struct {
		name string
		yaml string
	}{
		// Lists of lists where model_list expects entries: cheap to refuse.
		{"billion laughs in model_list", aliasBomb(9, "model_list")},
		// Merges of merges: each level multiplies the work by ten. Seven
		// levels keep a failing run to seconds, not hours (nine levels are
		// a 1 KB file that costs minutes).
		{"merge-key bomb in litellm_params", mergeBomb(7)},
	}
	// Reading each anchor once costs about a millisecond here; expanding
	// every alias costs 2–7 s for this 606-byte file on the 2-core CI
	// machine. The bound sits between the two with room on both sides.
	const bound = fast / 4
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			cfg, err := litellm.Parse("config.yaml", []byte(tc.yaml))
			took := time.Since(start)
			t.Logf("%d bytes, took %s, err=%v", len(tc.yaml), took.Round(time.Millisecond), err)
			if took > bound {
				t.Errorf("litellm.Parse took %s on a %d-byte alias bomb (bound %s)", took.Round(time.Millisecond), len(tc.yaml), bound)
			}
			// Refusing the file and reading it correctly (aliases expanded
			// once each) are both fine; only the cost is not.
			if err != nil {
				if !strings.Contains(err.Error(), "config.yaml:") {
					t.Errorf("error %q does not point into the file", err)
				}
				return
			}
			if len(cfg.ModelList) != 1 || cfg.ModelList[0].Model.Value != "openrouter/openai/gpt-4o-mini" {
				t.Errorf("accepted, but read wrongly: %+v", cfg.ModelList)
			}
		})
	}
}
