package discover

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/json5"
	"github.com/hopcheck/hopcheck/internal/source/hopcheckyml"
	"github.com/hopcheck/hopcheck/internal/source/litellm"
	"github.com/hopcheck/hopcheck/internal/yamlbound"
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
	// MaxFiles caps the files of each kind (LiteLLM configs, openclaw.json,
	// .env) discovery reads, and MaxProbeBytes the YAML it reads to find the
	// LiteLLM configs among them: each read is bounded, and these bound
	// their number, so a repository full of large files cannot stretch the
	// loading phase. A config yields at least one chain, so reading more
	// than MaxChains of a kind cannot help.
	MaxFiles      = MaxChains
	MaxProbeBytes = 32 << 20
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

// found is what the walk collected, paths relative to the root in slash
// form.
type found struct {
	liteLLM  []string
	openClaw []string
	dotenv   []string
	// truncated: the walk stopped at MaxEntries.
	truncated bool
	// capped: files were left unread at MaxFiles or MaxProbeBytes.
	capped bool
	probed int // bytes of YAML read to look for model_list
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
		add := func(list *[]string) {
			if len(*list) < MaxFiles {
				*list = append(*list, rel)
			} else {
				f.capped = true
			}
		}
		switch {
		case name == "openclaw.json" || name == "openclaw.json5":
			add(&f.openClaw)
		case name == ".env" || strings.HasPrefix(name, ".env."):
			if !templateEnv.MatchString(name) {
				add(&f.dotenv)
			}
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			if isHopcheckConfig(rel) {
				return nil
			}
			if len(f.liteLLM) >= MaxFiles || f.probed >= MaxProbeBytes {
				f.capped = true
				return nil
			}
			if data, err := readFile(root, rel); err == nil {
				f.probed += len(data)
				if litellm.LooksLikeConfig(data) {
					f.liteLLM = append(f.liteLLM, rel)
				}
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
	for _, n := range hopcheckyml.ConfigNames {
		if rel == n {
			return true
		}
	}
	return strings.HasPrefix(path.Base(rel), "hopcheck.")
}

// readFile reads a file of the repository through fsafe: a regular file
// inside dir after resolving symbolic links, at most MaxFileSize bytes,
// without a byte-order mark.
func readFile(dir, rel string) ([]byte, error) {
	data, err := fsafe.ReadFile(dir, filepath.FromSlash(rel))
	if err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(data, []byte("\ufeff")), nil
}

// read reads rel for the builder. A file named by hopcheck.yml (ref is
// the hop that names it) that fsafe refuses — a link out of the
// repository, a FIFO, a device, a file over 1 MiB — is a configuration
// error: Expand returns it and the run stops with exit code 2 before
// anything is sent. A discovery candidate that is refused is not: the walk
// lists only regular files, so a refusal means it changed under the walk;
// its reader reports it as a finding (LiteLLM and OpenClaw configs) or
// skips it (.env files, which only feed the shadowing check).
func (b *builder) read(rel string, ref chain.Pos) ([]byte, error) {
	data, err := readFile(b.dir, rel)
	if e, refused := fsafe.Refused(err); refused && !ref.IsZero() {
		b.refused = append(b.refused, &chain.ConfigError{Pos: ref,
			Msg: fmt.Sprintf("config file %s is refused: %s", rel, e.Detail), Fix: e.Fix})
	}
	return data, err
}

// tooCostly records a config that a parser refused because reading it
// would cost too much (a *yamlbound.LimitError of the YAML reader, a bound of
// the JSON5 reader). Such a file is built to hurt, not mistyped: like a
// refused file it stops the run with exit code 2 at its position, whether
// hopcheck.yml named it or discovery found it.
func (b *builder) tooCostly(err error, pos chain.Pos, msg string) {
	var le *yamlbound.LimitError
	var se *json5.SyntaxError
	switch {
	case errors.As(err, &le):
		b.refused = append(b.refused, &chain.ConfigError{Pos: pos, Msg: msg, Fix: le.Fix})
	case errors.As(err, &se) && se.Limit:
		b.refused = append(b.refused, &chain.ConfigError{Pos: pos, Msg: msg, Fix: "flatten the file; an OpenClaw config needs a few levels and a few hundred values"})
	}
}
