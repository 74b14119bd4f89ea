package secret

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Keys without a shape Redact knows (a Mistral-style key, a gateway token)
// and one with a shape: after a normalisation only the Scrubber can find
// the first two.
var normKeys = []string{
	"AbCdEfGhIjKlMnOpQrStUvWxYz012345",
	"lk_8GfTq2Vx9LmZ4rW7pN3sK6yHb",
	orKey,
}

func joinChars(k, sep string) string { return strings.Join(strings.Split(k, ""), sep) }

func chunks(k string, n int, sep string) string {
	var parts []string
	for i := 0; i < len(k); i += n {
		parts = append(parts, k[i:min(len(k), i+n)])
	}
	return strings.Join(parts, sep)
}

func mapASCII(k string, f func(rune) rune) string {
	var b strings.Builder
	for _, r := range k {
		b.WriteRune(f(r))
	}
	return b.String()
}

func reversed(k string) string {
	b := []byte(k)
	slices.Reverse(b)
	return string(b)
}

// normalisedEchoes are the ways an upstream can echo a key that decoding
// escapes alone does not undo: characters kept apart by separators, format
// characters or escape sequences that a later normalisation (report.Inert,
// a JSON decoder) removes; case and compatibility forms; reversed; encoded
// with separators, in octal, base32, or one encoding inside another.
var normalisedEchoes = map[string]func(string) string{
	"zwsp":         func(k string) string { return joinChars(k, "\u200b") },
	"zwsp-escaped": func(k string) string { return joinChars(k, `\u200b`) },
	"zwsp-html":    func(k string) string { return joinChars(k, "&#8203;") },
	"zwsp-python":  func(k string) string { return joinChars(k, `\U0000200b`) },
	"soft-hyphen":  func(k string) string { return joinChars(k, "\u00ad") },
	"shy-entity":   func(k string) string { return joinChars(k, "&shy;") },
	"bidi-marks":   func(k string) string { return joinChars(k, "\u202e\u202c") },
	"ansi":         func(k string) string { return joinChars(k, "\x1b[0m") },
	"ansi-escaped": func(k string) string { return joinChars(k, `\u001b[0m`) },
	"ansi-colour":  func(k string) string { return joinChars(k, "\x1b[38;5;196m") },
	"osc-title":    func(k string) string { return joinChars(k, "\x1b]0;title\x07") },
	"c1-csi":       func(k string) string { return joinChars(k, "\u009b1m") },
	"spaced":       func(k string) string { return joinChars(k, " ") },
	"dotted":       func(k string) string { return joinChars(k, ".") },
	"chunk10":      func(k string) string { return chunks(k, 10, " ") },
	"chunk5-comma": func(k string) string { return chunks(k, 5, ", ") },
	"chunk11-nl":   func(k string) string { return chunks(k, 11, "\n") },
	"chunk3-crlf":  func(k string) string { return chunks(k, 3, "\r\n  ") },
	"json-array": func(k string) string {
		b, _ := json.Marshal(strings.Split(k, ""))
		return `"chars":` + string(b)
	},
	"json-array-escaped": func(k string) string {
		b, _ := json.Marshal(map[string]any{"chars": strings.Split(k, "")})
		return strings.ReplaceAll(string(b), `"`, `\"`)
	},
	"reversed":        reversed,
	"reversed-spaced": func(k string) string { return joinChars(reversed(k), " ") },
	"upper":           strings.ToUpper,
	"lower":           strings.ToLower,
	"upper-zwsp":      func(k string) string { return joinChars(strings.ToUpper(k), "\u200b") },
	"fullwidth": func(k string) string {
		return mapASCII(k, func(r rune) rune { return r + 0xFEE0*b2i(r > 0x20 && r < 0x7f) })
	},
	"fullwidth-escaped": func(k string) string {
		return mapBytes(k, func(c byte) string { return fmt.Sprintf(`\u%04x`, rune(c)+0xFEE0) })
	},
	"math-bold": func(k string) string {
		return mapASCII(k, func(r rune) rune {
			switch {
			case r >= 'A' && r <= 'Z':
				return 0x1D400 + r - 'A'
			case r >= 'a' && r <= 'z':
				return 0x1D41A + r - 'a'
			case r >= '0' && r <= '9':
				return 0x1D7CE + r - '0'
			}
			return r
		})
	},
	"circled": func(k string) string {
		return mapASCII(k, func(r rune) rune {
			switch {
			case r >= 'A' && r <= 'Z':
				return 0x24B6 + r - 'A'
			case r >= 'a' && r <= 'z':
				return 0x24D0 + r - 'a'
			}
			return r
		})
	},
	"hex-spaced":   func(k string) string { return chunks(hex.EncodeToString([]byte(k)), 2, " ") },
	"hex-colons":   func(k string) string { return strings.ToUpper(chunks(hex.EncodeToString([]byte(k)), 2, ":")) },
	"hex-0x":       func(k string) string { return "{0x" + chunks(hex.EncodeToString([]byte(k)), 2, ", 0x") + "}" },
	"hex-dump":     func(k string) string { return chunks(hex.EncodeToString([]byte(k)), 4, " ") },
	"octal":        func(k string) string { return mapBytes(k, func(c byte) string { return fmt.Sprintf(`\%03o`, c) }) },
	"x-escapes":    func(k string) string { return mapBytes(k, func(c byte) string { return fmt.Sprintf(`\x%02x`, c) }) },
	"base32":       func(k string) string { return base32.StdEncoding.EncodeToString([]byte(k)) },
	"base32-lower": func(k string) string { return strings.ToLower(base32.StdEncoding.EncodeToString([]byte("xy" + k))) },
	"base32-spaced": func(k string) string {
		return chunks(base32.StdEncoding.EncodeToString([]byte("x"+k)), 8, " ")
	},
	"base64-of-hex": func(k string) string { return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString([]byte(k)))) },
	"hex-of-base64": func(k string) string { return hex.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(k)))) },
	"base64-of-base32": func(k string) string {
		return base64.StdEncoding.EncodeToString([]byte(base32.StdEncoding.EncodeToString([]byte(k))))
	},
	"base64-of-spaced": func(k string) string { return base64.StdEncoding.EncodeToString([]byte(joinChars(k, " "))) },
	"base64-of-zwsp":   func(k string) string { return base64.RawURLEncoding.EncodeToString([]byte(joinChars(k, "\u200b"))) },
}

func b2i(b bool) rune {
	if b {
		return 1
	}
	return 0
}

func mapBytes(k string, f func(byte) string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		b.WriteString(f(k[i]))
	}
	return b.String()
}

// normLeak returns a normWindow piece of key's normalised form (or of it
// reversed, or of its hex) that the normalised view of out, or of out's
// decoded view, still carries.
func normLeak(out, key string) string {
	n := normString(key)
	forms := []string{n, reversed(n), hex.EncodeToString([]byte(key))}
	for _, v := range []string{normString(out), normString(string(newView(out).b))} {
		for _, f := range forms {
			for i := 0; i+normWindow <= len(f); i++ {
				if strings.Contains(v, f[i:i+normWindow]) {
					return f[i : i+normWindow]
				}
			}
		}
	}
	return ""
}

// TestScrubNormalisedEchoes: a registered key echoed in any of
// normalisedEchoes leaves no piece in the output, in any view, and the
// text around it stays.
func TestScrubNormalisedEchoes(t *testing.T) {
	for _, key := range normKeys {
		var s Scrubber
		s.Add(key)
		for name, echo := range normalisedEchoes {
			carried := echo(key)
			for _, wrap := range []string{`{"error":"bad %s"}`, "bad %s (end)", "bad\n%s\nend", "%s"} {
				in := fmt.Sprintf(wrap, carried)
				out := s.Scrub(in)
				if l := normLeak(out, key); l != "" {
					t.Errorf("%s of %.8q… in %q: %q still carries %q", name, key, wrap, out, l)
				}
				if l := leak(out, key); l != "" {
					t.Errorf("%s of %.8q… in %q: %q still carries %q", name, key, wrap, out, l)
				}
				for i := 0; i+24 <= len(carried); i++ {
					if strings.Contains(out, carried[i:i+24]) {
						t.Errorf("%s of %.8q…: %q still carries %q of the echo", name, key, out, carried[i:i+24])
						break
					}
				}
				pre, post, _ := strings.Cut(wrap, "%s")
				if !strings.HasPrefix(out, pre) || !strings.HasSuffix(out, post) {
					t.Errorf("%s of %.8q…: the text around the echo changed: %q", name, key, out)
				}
				if again := s.Scrub(out); again != out {
					t.Errorf("%s: not idempotent: %q → %q", name, out, again)
				}
			}
		}
	}
}

// TestScrubNormalisedLeavesOrdinaryText: with keys registered, ordinary
// provider text, identifiers, hex digests and base64 blobs that share no
// piece with them stay as they are, although the normalised view joins
// words.
func TestScrubNormalisedLeavesOrdinaryText(t *testing.T) {
	var s Scrubber
	s.Add(normKeys...)
	for _, in := range []string{
		"The credential was rejected: Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
		`{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"{\"error\":\"invalid x-api-key\"}","provider_name":"Anthropic"}}}`,
		"request-id 0e6f44a4-7c1d-4b9e-9f3a-1d2c3b4a5f60 trace 4bf92f3577b34da6a3ce929d0e0e4736",
		"sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"blob " + base64.StdEncoding.EncodeToString([]byte("an unrelated payload of some length, base64 encoded for transport")),
		"ＦＵＬＬＷＩＤＴＨ text and 𝐛𝐨𝐥𝐝 text, Q W E R T Y U I O P A S D F G H J K L",
		"\x1b[31merror\x1b[0m: upstream \u200bfailed\u00ad after 3 retries (0x1f, 0x2e)",
		"sk-or-v1-0e…96 and Ab…45 are fingerprints and stay",
		"octal \\101\\102 and \\U0001F600 escapes",
	} {
		if got := s.Scrub(in); got != in {
			t.Errorf("Scrub(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestScrubNormalisedNeedsLength: a short secret is not matched on the
// normalised view, where it would hit ordinary text.
func TestScrubNormalisedNeedsLength(t *testing.T) {
	var s Scrubber
	s.Add("abc-def-ghi-jkl") // 12 significant characters
	in := "a b c d e f g h i j k l"
	if got := s.Scrub(in); got != in {
		t.Errorf("Scrub(%q) = %q: a secret under normMin significant characters matched the normalised view", in, got)
	}
	if s.norm.set != nil && len(s.norm.set) != 0 {
		t.Errorf("a secret under normMin significant characters was indexed for the normalised view")
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"Sk-Or-V1 ab":                "skorv1ab",
		"a\u200bb\u00adc\ufeffd":     "abcd",
		"a\x1b[38;5;196mb\x1b[0mc":   "abc",
		"a\x1b]0;title\x07b":         "ab",
		"a\x1b]0;unterminated b":     "a0unterminatedb",
		"a\u009b1mb":                 "ab",
		"ａＢ１":                        "ab1",
		"𝐚𝐁𝟏 ⓐⒷ① x²":                 "ab1ab1x2",
		"0x41, 0X42 ax0y":            "0x410x42ax0y",
		"a&shy;b&ZeroWidthSpace;c&x": "abcx",
		"&amp;&#115;":                "115",
		"é中 d":                       "d",
		"":                           "",
	} {
		if got := normString(in); got != want {
			t.Errorf("normString(%q) = %q, want %q", in, got, want)
		}
	}
	n := normalise("x\u200bＹ z", true)
	if a, b := n.span(1, 3); a != 4 || b != 9 {
		t.Errorf("span(1, 3) = [%d, %d), want [4, 9)", a, b)
	}
}

// TestEscapesUnterminated: in a text full of unterminated control strings
// only each introducer counts (the remembered "no terminator" offset gives
// the same answer as a search).
func TestEscapesUnterminated(t *testing.T) {
	s := strings.Repeat("\x1b]x", 1<<15)
	e := NewEscapes(s)
	for i := 0; i < len(s); i += 3 {
		if n := e.At(i); n != 2 {
			t.Fatalf("At(%d) = %d, want 2 (only the introducer of an unterminated string)", i, n)
		}
	}
	if n := EscapeLen("\x1b]0;t\x07rest"); n != 6 {
		t.Errorf("EscapeLen of a terminated OSC = %d, want 6", n)
	}
}

// TestRedactFoldedShapes: a credential of every shape, with format
// characters or colour codes between its characters, in fullwidth
// letters, or after an escape sequence that swallows the first letters of
// its prefix, is redacted in every view a reader could get.
func TestRedactFoldedShapes(t *testing.T) {
	fullwidth := func(c string) string {
		return mapASCII(c, func(r rune) rune { return r + 0xFEE0*b2i(r > 0x20 && r < 0x7f) })
	}
	forms := map[string]func(string) string{
		"zwsp":        func(c string) string { return joinChars(c, "\u200b") },
		"shy-escaped": func(c string) string { return joinChars(c, `\u00ad`) },
		"sgr":         func(c string) string { return joinChars(c, "\x1b[0m") },
		"fullwidth":   fullwidth,
		"esc-sp":      func(c string) string { return "\x1b " + c },
		"csi":         func(c string) string { return "\x1b[" + c },
		"osc-prefix":  func(c string) string { return "\x1b]" + c[:4] + "\x07" + c[4:] },
		"esc-then-sgr": func(c string) string {
			return "\x1b " + joinChars(c, "\x1b[0m")
		},
	}
	for i, gen := range generators {
		cred, sec := gen([]byte{byte(i), 7, 3})
		for name, form := range forms {
			in := "upstream said: " + form(cred) + " (end)"
			out := Redact(in)
			if strings.Contains(foldedString(out), sec) {
				t.Errorf("%s of %.16q…: %q", name, cred, out)
			}
			if !strings.HasPrefix(out, "upstream said: ") || !strings.HasSuffix(out, " (end)") {
				t.Errorf("%s: the text around the credential changed: %q", name, out)
			}
		}
	}
	for _, in := range []string{
		"\x1b[1mmodel anthropic/claude-3-5-sonnet-20241022 not found\x1b[0m",
		"\x1b[1;31manthropic/claude-3-5-sonnet-20241022\x1b[0m",
		"ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ and a\u200bzero-width space",
	} {
		if got := Redact(in); got != in {
			t.Errorf("Redact(%q) = %q, want it unchanged", in, got)
		}
	}
}
