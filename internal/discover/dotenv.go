package discover

import (
	"bytes"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// envEntry is one assignment of a .env file.
type envEntry struct {
	Name  string
	Value string
	Pos   chain.Pos // the value (for an empty value: the name)
}

// maxDotenvEntries bounds the assignments read from one .env file. A real
// one sets a few dozen variables; every value read may become a secret the
// scrubber checks every output against, so a file past the bound is not
// used at all (readDotenv says so in a notice).
const maxDotenvEntries = 1000

// parseDotenv reads the assignments of a .env file, keeping the position
// of every value. It understands what docker compose, python-dotenv and
// godotenv agree on: `NAME=value`, an optional `export ` prefix, `#`
// comments (whole line, or after a blank in an unquoted value), single
// quotes (literal), double quotes (with \n, \t, \\ and \" escapes) and
// blanks around the `=`. Multi-line quoted values continue over lines.
// Lines that are not assignments are ignored: the file is read for its
// variable names and values, not validated. It stops after
// maxDotenvEntries+1 assignments.
//
// Hand-written because the available dotenv libraries (joho/godotenv,
// subosito/gotenv) return a map without positions, and every finding about
// a .env value must point at its line.
func parseDotenv(name string, data []byte) []envEntry {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []envEntry
	for i := 0; i < len(lines) && len(out) <= maxDotenvEntries; i++ {
		line := lines[i]
		lineNo := i + 1
		rest := strings.TrimLeft(line, " \t")
		col := len(line) - len(rest) + 1
		if rest == "" || rest[0] == '#' {
			continue
		}
		if after, ok := strings.CutPrefix(rest, "export "); ok {
			trimmed := strings.TrimLeft(after, " \t")
			col += len(rest) - len(trimmed)
			rest = trimmed
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			continue
		}
		key := strings.TrimRight(rest[:eq], " \t")
		if !isEnvName(key) {
			continue
		}
		val := rest[eq+1:]
		lead := len(val) - len(strings.TrimLeft(val, " \t"))
		val = val[lead:]
		vcol := col + eq + 1 + lead
		pos := chain.Pos{File: name, Line: lineNo, Col: vcol}
		switch {
		case val == "":
			pos.Col = col
		case val[0] == '\'' || val[0] == '"':
			q := val[0]
			body := val[1:]
			var b strings.Builder
			closed := false
			for !closed {
				j := 0
				for ; j < len(body); j++ {
					c := body[j]
					if q == '"' && c == '\\' && j+1 < len(body) {
						j++
						switch body[j] {
						case 'n':
							b.WriteByte('\n')
						case 't':
							b.WriteByte('\t')
						case 'r':
							b.WriteByte('\r')
						default:
							b.WriteByte(body[j])
						}
						continue
					}
					if c == q {
						closed = true
						break
					}
					b.WriteByte(c)
				}
				if closed || i+1 >= len(lines) {
					break
				}
				// The quoted value continues on the next line.
				b.WriteByte('\n')
				i++
				body = lines[i]
			}
			val = b.String()
		default:
			if k := strings.Index(val, " #"); k >= 0 {
				val = val[:k]
			} else if k := strings.Index(val, "\t#"); k >= 0 {
				val = val[:k]
			}
			val = strings.TrimRight(val, " \t")
		}
		out = append(out, envEntry{Name: key, Value: val, Pos: pos})
	}
	return out
}

// isEnvName reports whether s is a valid environment variable name.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
