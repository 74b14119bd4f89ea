package openclaw

// $include, as OpenClaw 2026.9.6 resolves it (dist/includes-*.mjs of the
// npm package): an object holding "$include" is replaced by the file it
// names (a path relative to the including file), or by the files of an
// array of paths deep-merged in order; sibling keys are deep-merged over
// the included content, which must then be an object. Deep merge
// concatenates arrays, merges objects key by key and lets the later value
// win otherwise. Includes nest at most 10 deep, a file that includes
// itself (directly or not) is refused, and no path may leave the
// directory of the root config. A missing file makes OpenClaw refuse the
// whole config; hopcheck lists it (Include.Missing) and goes on with the
// rest, so every other finding is still reported.

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/fsafe"
	"github.com/hopcheck/hopcheck/internal/json5"
)

// Bounds of $include resolution. Each file is bounded by fsafe (1 MiB) and
// the JSON5 reader; these bound how many there are, so that a config that
// includes the same file many times over (which is no cycle) cannot
// multiply the work.
const (
	// MaxIncludeDepth is OpenClaw's own limit.
	MaxIncludeDepth = 10
	// MaxIncludes is how many files (counting repeats) one config may
	// include, and MaxIncludeBytes their total size.
	MaxIncludes     = 32
	MaxIncludeBytes = fsafe.MaxSize
)

const includeKey = "$include"

type includer struct {
	open  Opener
	cfg   *Config
	dir   string // the root config's directory: no include may leave it
	loads int
	bytes int
}

func dirOf(file string) string { return path.Dir(strings.ReplaceAll(file, "\\", "/")) }

// process returns v with every $include of it resolved; file is the file
// v was read from, stack the files being included (for cycles).
func (in *includer) process(v *json5.Value, file string, stack []string) (*json5.Value, error) {
	switch v.Kind {
	case json5.Array:
		out := *v
		out.Items = make([]*json5.Value, len(v.Items))
		for i, it := range v.Items {
			p, err := in.process(it, file, stack)
			if err != nil {
				return nil, err
			}
			out.Items[i] = p
		}
		return &out, nil
	case json5.Object:
	default:
		return v, nil
	}
	dir := v.Member(includeKey)
	out := &json5.Value{Kind: json5.Object, Pos: v.Pos}
	for _, m := range v.Members {
		if m.Key == includeKey {
			continue
		}
		p, err := in.process(m.Value, file, stack)
		if err != nil {
			return nil, err
		}
		out.Members = append(out.Members, &json5.Member{Key: m.Key, KeyPos: m.KeyPos, Value: p})
	}
	if dir == nil {
		return out, nil
	}
	included, err := in.directive(dir, file, stack)
	if err != nil {
		return nil, err
	}
	if len(out.Members) == 0 {
		if included == nil {
			return out, nil // every file was missing: an empty object stands in
		}
		res := *included
		res.Pos = v.Pos
		return &res, nil
	}
	if included == nil {
		return out, nil
	}
	if included.Kind != json5.Object {
		return nil, &Error{Pos: dir.Value.Pos, Msg: fmt.Sprintf("the file $include names holds %s, but keys next to $include need it to be an object", included.Kind),
			Fix: "move the other keys into the included file, or include an object"}
	}
	res := merge(included, out)
	res.Pos = v.Pos
	return res, nil
}

// directive resolves one $include value: a path or an array of paths. nil
// when every file named is missing or was not followed.
func (in *includer) directive(m *json5.Member, file string, stack []string) (*json5.Value, error) {
	v := m.Value
	switch v.Kind {
	case json5.String:
		return in.load(v.Str, v.Pos, file, stack)
	case json5.Array:
		var acc *json5.Value
		for _, it := range v.Items {
			if it.Kind != json5.String {
				return nil, &Error{Pos: it.Pos, Msg: fmt.Sprintf("$include array items must be paths (strings), not %s", it.Kind)}
			}
			got, err := in.load(it.Str, it.Pos, file, stack)
			if err != nil {
				return nil, err
			}
			if got == nil {
				continue
			}
			if acc == nil {
				acc = got
			} else {
				acc = merge(acc, got)
			}
		}
		return acc, nil
	}
	return nil, &Error{Pos: v.Pos, Msg: fmt.Sprintf("$include must be a path or an array of paths, not %s", v.Kind)}
}

// load reads, parses and resolves one included file. nil (no error) when
// the file is missing or not followed; both are recorded in Includes.
func (in *includer) load(p string, pos chain.Pos, file string, stack []string) (*json5.Value, error) {
	rec := Include{Path: p, Pos: pos}
	add := func() { in.cfg.Includes = append(in.cfg.Includes, rec) }
	switch {
	case in.open == nil:
		rec.NotFollowed = "this reader does not follow $include"
		add()
		return nil, nil
	case strings.ContainsRune(p, 0) || p == "":
		return nil, &Error{Pos: pos, Msg: "$include path is empty or holds a NUL byte"}
	case path.IsAbs(p) || strings.HasPrefix(p, "~") || (len(p) > 1 && p[1] == ':'):
		rec.NotFollowed = "an absolute path names a file of the machine OpenClaw runs on, not of the repository"
		add()
		return nil, nil
	}
	resolved := path.Clean(path.Join(dirOf(file), strings.ReplaceAll(p, "\\", "/")))
	rec.File = resolved
	if !inside(in.dir, resolved) {
		return nil, &Error{Pos: pos, Msg: fmt.Sprintf("$include %q leaves the directory of %s (it resolves to %s); OpenClaw refuses such includes", p, in.cfg.File, resolved),
			Fix: "keep included files next to or below the config that includes them"}
	}
	for _, s := range stack {
		if s == resolved {
			return nil, &Error{Pos: pos, Msg: fmt.Sprintf("circular $include: %s → %s", strings.Join(stack, " → "), resolved),
				Fix: "remove the $include that leads back to a file already being included"}
		}
	}
	if len(stack) > MaxIncludeDepth {
		return nil, &Error{Pos: pos, Msg: fmt.Sprintf("$include nests deeper than %d files; OpenClaw refuses it", MaxIncludeDepth)}
	}
	if in.loads++; in.loads > MaxIncludes {
		return nil, &Error{Pos: pos, Limit: true, Msg: fmt.Sprintf("more than %d files are included (counting repeats)", MaxIncludes),
			Fix: "include each file once; an OpenClaw config needs a handful of includes"}
	}
	data, err := in.open(resolved)
	if errors.Is(err, fs.ErrNotExist) {
		rec.Missing = true
		add()
		return nil, nil
	}
	if err != nil {
		e := &Error{Pos: pos, Msg: fmt.Sprintf("$include %q cannot be read: %v", p, err)}
		if r, ok := fsafe.Refused(err); ok {
			e.Msg, e.Fix = fmt.Sprintf("$include %q is refused: %s", p, r.Detail), r.Fix
		}
		return nil, e
	}
	if in.bytes += len(data); in.bytes > MaxIncludeBytes {
		return nil, &Error{Pos: pos, Limit: true, Msg: fmt.Sprintf("the included files hold more than %d bytes together", MaxIncludeBytes),
			Fix: "include each file once; an OpenClaw config needs a few kilobytes"}
	}
	add()
	if !contains(in.cfg.Files, resolved) {
		in.cfg.Files = append(in.cfg.Files, resolved)
	}
	v, err := json5.Parse(resolved, data)
	if err != nil {
		return nil, err
	}
	return in.process(v, resolved, append(stack[:len(stack):len(stack)], resolved))
}

// inside reports whether the cleaned slash path p lies in directory dir.
func inside(dir, p string) bool {
	if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return false
	}
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// merge is OpenClaw's deepMerge: objects merge key by key (the later
// value wins, recursively), arrays concatenate, anything else is replaced
// by src. Neither argument is modified.
func merge(dst, src *json5.Value) *json5.Value {
	switch {
	case dst.Kind == json5.Object && src.Kind == json5.Object:
		out := &json5.Value{Kind: json5.Object, Pos: dst.Pos}
		index := map[string]int{}
		put := func(m *json5.Member) {
			if i, ok := index[m.Key]; ok {
				prev := out.Members[i]
				out.Members[i] = &json5.Member{Key: m.Key, KeyPos: m.KeyPos, Value: merge(prev.Value, m.Value)}
				return
			}
			index[m.Key] = len(out.Members)
			out.Members = append(out.Members, m)
		}
		for _, m := range unique(dst) {
			put(m)
		}
		for _, m := range unique(src) {
			put(m)
		}
		return out
	case dst.Kind == json5.Array && src.Kind == json5.Array:
		out := *dst
		out.Items = append(append([]*json5.Value(nil), dst.Items...), src.Items...)
		return &out
	}
	return src
}

// unique returns the members of an object with repeated keys dropped (the
// last one counts, as in JSON5.parse), in the order of their last
// occurrence's first appearance.
func unique(v *json5.Value) []*json5.Member {
	last := map[string]*json5.Member{}
	for _, m := range v.Members {
		last[m.Key] = m
	}
	var out []*json5.Member
	seen := map[string]bool{}
	for _, m := range v.Members {
		if !seen[m.Key] {
			seen[m.Key] = true
			out = append(out, last[m.Key])
		}
	}
	return out
}
