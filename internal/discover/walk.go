package discover

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// Bounds of the repository walk. A repository's LLM configs sit near its
// root; the bounds keep a run in a huge monorepo (or a checkout with a
// dependency tree inside) fast and predictable.
const (
	// MaxDepth is how many directories deep the walk goes below the root
	// (deploy/litellm/config.yaml is depth 2).
	MaxDepth = 6
	// MaxEntries is how many directory entries the walk visits at most.
	MaxEntries = 20000
	// MaxFileSize is the largest file read; larger ones are skipped.
	MaxFileSize = chain.MaxConfigSize
	// MaxChains caps the chains derived from discovered files: the same
	// cap as hopcheck.yml's.
	MaxChains = chain.MaxChains
)

// skipDirs are never entered: version control, dependency trees and
// virtualenvs (their YAML files are other projects' configs), and testdata
// (fixtures, including deliberately broken LiteLLM configs, are not the
// repository's own setup).
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true,
	"node_modules": true, "vendor": true, "testdata": true,
	".venv": true, "venv": true, "__pycache__": true, ".tox": true,
	".mypy_cache": true, ".pytest_cache": true, ".terraform": true,
	"bower_components": true, "site-packages": true, ".cache": true,
}

// templateEnv marks .env files that document variables rather than set
// them (.env.example, .env.sample, …); their values are placeholders.
var templateEnv = regexp.MustCompile(`(?i)\.(example|sample|template|tmpl|dist|defaults?|schema)$`)

// liteLLMTop finds a top-level model_list key (LiteLLM's signature) without
// parsing the YAML.
var liteLLMTop = regexp.MustCompile(`(?m)^model_list[ \t]*:`)

// found is what the walk collected, paths relative to the root in slash
// form.
type found struct {
	liteLLM  []string
	openClaw []string
	dotenv   []string
	// truncated: the walk stopped at MaxEntries.
	truncated bool
}

// walk looks for LiteLLM configs, OpenClaw configs and .env files under
// root. Symbolic links are not followed. Unreadable directories are
// skipped; only an unreadable root is an error.
func walk(root string) (*found, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("discover: %s is not a directory", root)
	}
	f := &found{}
	entries := 0
	errStop := errors.New("stop")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if err != nil {
			if rel == "." {
				return err
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if entries++; entries > MaxEntries {
			f.truncated = true
			return errStop
		}
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			if skipDirs[d.Name()] || strings.Count(rel, "/")+1 > MaxDepth {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		switch {
		case name == "openclaw.json":
			f.openClaw = append(f.openClaw, rel)
		case name == ".env" || strings.HasPrefix(name, ".env."):
			if !templateEnv.MatchString(name) {
				f.dotenv = append(f.dotenv, rel)
			}
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			if isHopcheckConfig(rel) {
				return nil
			}
			if data, err := readLimited(p); err == nil && liteLLMTop.Match(data) {
				f.liteLLM = append(f.liteLLM, rel)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, fmt.Errorf("discover: walking %s: %w", root, err)
	}
	return f, nil
}

func isHopcheckConfig(rel string) bool {
	for _, n := range chain.ConfigNames {
		if rel == n {
			return true
		}
	}
	return strings.HasPrefix(path.Base(rel), "hopcheck.")
}

// errTooLarge is returned by readLimited for files over MaxFileSize.
var errTooLarge = errors.New("file is larger than 1 MiB")

// readLimited reads a file of at most MaxFileSize bytes.
func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, errTooLarge
	}
	return bytes.TrimPrefix(data, []byte("\ufeff")), nil
}
