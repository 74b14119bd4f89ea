package discover

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
)

const outsideToken = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"

// linkOut makes dir/name a symbolic link to a file outside dir holding a
// token.
func linkOut(t *testing.T, dir, name string) {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(secret, []byte("model_list: "+outsideToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, p); err != nil {
		t.Fatal(err)
	}
}

func TestExpandRefusesConfigFiles(t *testing.T) {
	for _, typ := range []string{"litellm", "openclaw"} {
		for _, kind := range []string{"outside", "fifo"} {
			t.Run(typ+"/"+kind, func(t *testing.T) {
				dir := t.TempDir()
				switch kind {
				case "outside":
					linkOut(t, dir, "deploy/conf")
				case "fifo":
					if err := os.MkdirAll(filepath.Join(dir, "deploy"), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := syscall.Mkfifo(filepath.Join(dir, "deploy", "conf"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				cfg := parseYML(t, `version: 1
chains:
  - name: c
    model: m
    hops:
      - name: proxy
        type: `+typ+`
        url: http://127.0.0.1:4000
        config: deploy/conf
`)
				r, err := Expand(cfg, dir, envOf(nil))
				var ces *chain.ConfigErrors
				if !errors.As(err, &ces) || len(ces.Errors) != 1 {
					t.Fatalf("err = %v, want one *chain.ConfigErrors", err)
				}
				e := ces.Errors[0]
				if e.Pos != cfg.Chains[0].Hops[0].Pos || !strings.Contains(e.Msg, "deploy/conf") || !strings.Contains(e.Msg, "refused") || e.Fix == "" {
					t.Errorf("error %v at %v, want it at the hop naming deploy/conf with a fix", e, e.Pos)
				}
				all := err.Error()
				for _, f := range r.Findings {
					all += f.Message + f.Fix
				}
				if strings.Contains(all, outsideToken[:12]) {
					t.Errorf("the file's content reached the output: %s", all)
				}
			})
		}
	}
}

func TestDiscoverIgnoresLinksOutOfTheRepository(t *testing.T) {
	dir := t.TempDir()
	linkOut(t, dir, "config.yaml")
	linkOut(t, dir, "openclaw.json")
	linkOut(t, dir, ".env")
	r, err := Discover(dir, envOf(nil))
	if !errors.Is(err, ErrNothingFound) {
		t.Fatalf("err = %v, want ErrNothingFound", err)
	}
	if len(r.Files) != 0 {
		t.Errorf("files read: %v", r.Files)
	}
	if len(r.secrets) != 0 {
		t.Errorf("values taken from a file outside the repository: %d", len(r.secrets))
	}
}

func TestDiscoverRefusesParserBombs(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		line, col       int
	}{
		{"yaml nesting", "config.yaml", "model_list: " + strings.Repeat("[", 64<<10), 1, 13 + 63},
		{"json5 nesting", "openclaw.json", "{a: " + strings.Repeat("[", 64<<10), 1, 5 + 128},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := write(t, map[string]string{c.file: c.src, ".env": "OPENAI_API_KEY=sk-x\n"})
			_, err := Discover(dir, envOf(nil))
			var ces *chain.ConfigErrors
			if !errors.As(err, &ces) || len(ces.Errors) != 1 {
				t.Fatalf("err = %v, want one *chain.ConfigErrors", err)
			}
			e := ces.Errors[0]
			if e.Pos != (chain.Pos{File: c.file, Line: c.line, Col: c.col}) || !strings.Contains(e.Msg, "nest") || e.Fix == "" {
				t.Errorf("error %v (fix %q), want it at %s:%d:%d", e, e.Fix, c.file, c.line, c.col)
			}
		})
	}
}

func TestDotenvPastTheBoundIsNotRead(t *testing.T) {
	dir := write(t, map[string]string{".env": strings.Repeat("OPENAI_API_KEY=sk-a\n", maxDotenvEntries+1)})
	r, _ := Discover(dir, envOf(nil))
	if len(r.Files) != 0 || len(r.secrets) != 0 {
		t.Errorf("read %v, %d values", r.Files, len(r.secrets))
	}
	found := false
	for _, f := range r.Findings {
		found = found || f.Check == "discover.dotenv" && f.File == ".env" && f.Line == maxDotenvEntries+1
	}
	if !found {
		t.Errorf("no notice at .env:%d: %+v", maxDotenvEntries+1, r.Findings)
	}
}

func TestDiscoverReadsABoundedNumberOfFiles(t *testing.T) {
	files := map[string]string{}
	for i := range MaxFiles + 8 {
		files[fmt.Sprintf("svc%02d/config.yaml", i)] = expandLiteLLM
		files[fmt.Sprintf("svc%02d/.env", i)] = "A=b\n"
	}
	r, err := Discover(write(t, files), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	yaml, env := 0, 0
	for _, f := range r.Files {
		switch {
		case strings.HasSuffix(f, "config.yaml"):
			yaml++
		case strings.HasSuffix(f, ".env"):
			env++
		}
	}
	if yaml != MaxFiles || env != MaxFiles {
		t.Errorf("read %d LiteLLM configs and %d .env files, want %d of each", yaml, env, MaxFiles)
	}
	noticed := false
	for _, f := range r.Findings {
		noticed = noticed || f.Check == "discover.walk" && strings.Contains(f.Message, "at most")
	}
	if !noticed {
		t.Error("no notice that files were left unread")
	}
}
