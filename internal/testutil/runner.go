package testutil

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// The runner's readers of what a step writes, after actions/runner:
// GITHUB_OUTPUT as FileCommandManager reads it (SetOutputFileCommand) and
// stdout as ActionCommand.TryParseV2 reads it. Both read lines as .NET's
// ReadLine does: "\r\n", "\r" and "\n" each end a line.

// lines splits s as ReadLine does; a final line end starts no new line.
func lines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return out
}

// ParseOutputs reads a GITHUB_OUTPUT file as the runner does: `name=value`
// lines, and `name<<DELIMITER` … `DELIMITER` blocks; blank lines are
// skipped, whichever of "=" and "<<" comes first decides the form, and a
// later value of a name replaces an earlier one. A line of neither form, an
// empty name or delimiter and a block without its delimiter are errors (the
// runner fails the step).
func ParseOutputs(text string) (map[string]string, error) {
	out := map[string]string{}
	ls := lines(text)
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if l == "" {
			continue
		}
		eq, hd := strings.Index(l, "="), strings.Index(l, "<<")
		switch {
		case eq >= 0 && (hd < 0 || eq < hd):
			if eq == 0 {
				return nil, fmt.Errorf("line %d: %q has no name", i+1, l)
			}
			out[l[:eq]] = l[eq+1:]
		case hd >= 0:
			name, delim := l[:hd], l[hd+2:]
			if name == "" || delim == "" {
				return nil, fmt.Errorf("line %d: %q needs a name and a delimiter", i+1, l)
			}
			start := i + 1
			for i = start; i < len(ls) && ls[i] != delim; i++ {
			}
			if i == len(ls) {
				return nil, fmt.Errorf("line %d: no line %q closes the value of %s", start, delim, name)
			}
			out[name] = strings.Join(ls[start:i], "\n")
		default:
			return nil, fmt.Errorf("line %d: %q is neither name=value nor name<<DELIMITER", i+1, l)
		}
	}
	return out, nil
}

// MustParseOutputs is ParseOutputs that fails the test on an error.
func MustParseOutputs(t testing.TB, text string) map[string]string {
	t.Helper()
	out, err := ParseOutputs(text)
	if err != nil {
		t.Fatalf("GITHUB_OUTPUT: %v\n%s", err, text)
	}
	return out
}

// Command is one workflow command (`::name k=v,k=v::message`).
type Command struct {
	Name    string
	Props   map[string]string // unescaped
	Message string            // unescaped
	Raw     string            // the line, leading blanks trimmed
}

// ParseCommands reads a step's stdout as the runner does: a line is a
// command when, its leading blanks trimmed, it starts with "::" and holds a
// second "::"; properties are comma-separated k=v pairs; properties and
// message are unescaped. Other lines are returned in plain. A property the
// runner would drop (no "=" or an empty side) makes an error, and the
// command is returned without it.
func ParseCommands(stdout string) (cmds []Command, plain []string, err error) {
	var errs []error
	for _, l := range lines(stdout) {
		tl := strings.TrimLeftFunc(l, unicode.IsSpace)
		head, msg, ok := strings.Cut(strings.TrimPrefix(tl, "::"), "::")
		if !strings.HasPrefix(tl, "::") || !ok {
			plain = append(plain, l)
			continue
		}
		c := Command{Props: map[string]string{}, Message: unescape(msg, dataEscapes), Raw: tl}
		name, props, _ := strings.Cut(head, " ")
		c.Name = name
		for _, kv := range strings.Split(strings.TrimSpace(props), ",") {
			if kv == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" || v == "" {
				errs = append(errs, fmt.Errorf("%q: property %q is not k=v", tl, kv))
				continue
			}
			c.Props[k] = unescape(v, propEscapes)
		}
		cmds = append(cmds, c)
	}
	return cmds, plain, errors.Join(errs...)
}

// MustParseCommands is ParseCommands that fails the test on an error.
func MustParseCommands(t testing.TB, stdout string) (cmds []Command, plain []string) {
	t.Helper()
	cmds, plain, err := ParseCommands(stdout)
	if err != nil {
		t.Fatalf("workflow commands: %v", err)
	}
	return cmds, plain
}

// Named returns the commands called name, in order.
func Named(cmds []Command, name string) []Command {
	var out []Command
	for _, c := range cmds {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// The runner's escapes (ActionCommand.cs), undone one after the other in
// this order.
var (
	dataEscapes = [][2]string{{"%0D", "\r"}, {"%0A", "\n"}, {"%25", "%"}}
	propEscapes = [][2]string{{"%0D", "\r"}, {"%0A", "\n"}, {"%3A", ":"}, {"%2C", ","}, {"%25", "%"}}
)

func unescape(s string, escapes [][2]string) string {
	for _, e := range escapes {
		s = strings.ReplaceAll(s, e[0], e[1])
	}
	return s
}
