// Command setversion makes a release commit's edits: it sets the version
// everywhere the repository names it, together.
//
//	go run ./internal/version/setversion v1.2.3     # rewrite, print the files it changed
//	go run ./internal/version/setversion -C DIR v1.2.3
//
// It rewrites:
//   - internal/version/version.go: `var Version = "v1.2.3"`;
//   - action.yml: `image: docker://ghcr.io/hopcheck/hopcheck:v1.2.3`;
//   - README.md and docs/*.md: every ghcr.io/hopcheck/hopcheck:vX.Y.Z and
//     every hopcheck/hopcheck@vN (the moving major tag users pin);
//   - .github/workflows/examples/*.yml: every hopcheck/hopcheck@vN.
//
// Each of the first two must hold its line exactly once and the README or
// the docs must name the image; otherwise nothing is written (exit 2).
// Running it again with the same version changes nothing. e2e/action's
// TestVersionAgrees checks the result independently.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Image is the published image's repository.
const Image = "ghcr.io/hopcheck/hopcheck"

var (
	semver      = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	constLine   = regexp.MustCompile(`(?m)^var Version = "v[0-9]+\.[0-9]+\.[0-9]+"$`)
	actionImage = regexp.MustCompile(`(?m)^  image: docker://` + regexp.QuoteMeta(Image) + `:v[0-9]+\.[0-9]+\.[0-9]+$`)
	docImage    = regexp.MustCompile(regexp.QuoteMeta(Image) + `:v[0-9]+\.[0-9]+\.[0-9]+\b`)
	majorRef    = regexp.MustCompile(`\bhopcheck/hopcheck@v[0-9]+\b`)
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("setversion", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("C", ".", "repository root")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: setversion [-C DIR] vMAJOR.MINOR.PATCH")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	changed, err := Set(*dir, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "setversion: %v\n", err)
		return 2
	}
	for _, f := range changed {
		fmt.Fprintln(stdout, f)
	}
	return 0
}

// Set rewrites the repository at root to name version v and returns the
// files it changed (relative, sorted). It writes nothing unless every
// place was found.
func Set(root, v string) ([]string, error) {
	m := semver.FindStringSubmatch(v)
	if m == nil {
		return nil, fmt.Errorf("%q is not a release version; want vMAJOR.MINOR.PATCH, e.g. v1.2.3", v)
	}
	major := "v" + m[1]
	edits := map[string]func(string) (string, error){
		filepath.Join("internal", "version", "version.go"): func(s string) (string, error) {
			return replaceOnce(s, constLine, `var Version = "`+v+`"`, "the line `var Version = \"vX.Y.Z\"`")
		},
		"action.yml": func(s string) (string, error) {
			return replaceOnce(s, actionImage, "  image: docker://"+Image+":"+v, "the line `  image: docker://"+Image+":vX.Y.Z`")
		},
	}
	docImages := 0
	doc := func(s string) (string, error) {
		docImages += len(docImage.FindAllStringIndex(s, -1))
		s = docImage.ReplaceAllLiteralString(s, Image+":"+v)
		return majorRef.ReplaceAllLiteralString(s, "hopcheck/hopcheck@"+major), nil
	}
	pin := func(s string) (string, error) {
		return majorRef.ReplaceAllLiteralString(s, "hopcheck/hopcheck@"+major), nil
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	examples, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "examples", "*.yml"))
	if err != nil {
		return nil, err
	}
	for _, p := range append(append([]string{filepath.Join(root, "README.md")}, docs...), examples...) {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil, err
		}
		edits[rel] = doc
		if strings.HasSuffix(rel, ".yml") {
			edits[rel] = pin
		}
	}
	// Compute every new content first: nothing is written when one place
	// is missing.
	type write struct {
		path string
		data []byte
		mode os.FileMode
	}
	var writes []write
	var errs []error
	for rel, edit := range edits {
		p := filepath.Join(root, rel)
		old, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		next, err := edit(string(old))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", rel, err))
			continue
		}
		if next == string(old) {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		writes = append(writes, write{rel, []byte(next), fi.Mode().Perm()})
	}
	if docImages == 0 {
		errs = append(errs, fmt.Errorf("neither README.md nor docs/*.md names %s:vX.Y.Z", Image))
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, fmt.Errorf("nothing written: %w", errors.Join(errs...))
	}
	var changed []string
	for _, w := range writes {
		if err := os.WriteFile(filepath.Join(root, w.path), w.data, w.mode); err != nil {
			return changed, err
		}
		changed = append(changed, filepath.ToSlash(w.path))
	}
	sort.Strings(changed)
	return changed, nil
}

// replaceOnce replaces the single match of re in s with repl.
func replaceOnce(s string, re *regexp.Regexp, repl, what string) (string, error) {
	switch n := len(re.FindAllStringIndex(s, -1)); n {
	case 1:
		return re.ReplaceAllLiteralString(s, repl), nil
	case 0:
		return "", fmt.Errorf("has no %s", what)
	default:
		return "", fmt.Errorf("has %s %d times, want once", what, n)
	}
}
