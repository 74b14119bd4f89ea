package report

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestInert(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text unchanged", "No auth credentials found", "No auth credentials found"},
		{"empty", "", ""},
		{"non-ASCII kept", "clé → 鍵 ✓", "clé → 鍵 ✓"},
		{"SGR colour", "\x1b[1;31mred\x1b[0m text", "red text"},
		{"cursor and clear", "a\x1b[2J\x1b[Hb\x1b[10;20Hc", "abc"},
		{"private CSI", "a\x1b[?25lb", "ab"},
		{"OSC title BEL", "x\x1b]0;owned\x07y", "xy"},
		{"OSC hyperlink ST", "\x1b]8;;http://127.0.0.1/\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"APC", "a\x1b_payload\x1b\\b", "ab"},
		{"unterminated OSC keeps text", "a\x1b]0;rest of message", "a0;rest of message"},
		{"charset designation", "a\x1b(Bb", "ab"},
		{"two-byte escape", "a\x1b7b\x1bcc", "abc"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"8-bit CSI", "a\u009b2Jb", "ab"},
		{"8-bit OSC with ST", "a\u009d0;t\u009cb", "ab"},
		{"CR LF become one space", "line one\r\nline two\nthree\rfour", "line one line two three four"},
		{"tabs and runs of spaces", "a\t\t b   c", "a b c"},
		{"trimmed", "  \n padded \r\n ", "padded"},
		{"unicode line separators", "a\u2028b\u2029c\u0085d", "a b c d"},
		{"NUL BEL DEL dropped", "a\x00b\x07c\x7fd", "abcd"},
		{"bidi override dropped", "invoice\u202Egpj.exe\u202C", "invoicegpj.exe"},
		{"zero width dropped", "a\u200bb\ufeffc\u2066d\u2069", "abcd"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
		{"leading workflow command", "::error file=a,line=1::pwned", ": :error file=a,line=1::pwned"},
		{"workflow command after newline", "ok\n::add-mask::x", "ok ::add-mask::x"},
		{"workflow command after blanks", " \t::stop-commands::tok", ": :stop-commands::tok"},
		{"workflow command after escape", "\x1b[0m::error::x", ": :error::x"},
		{"legacy command anywhere", "body ##[error]bad ###[x]", "body # #[error]bad ## #[x]"},
		{"IPv6 inside text kept", "dial [::1]:4000", "dial [::1]:4000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Inert(tt.in)
			if got != tt.want {
				t.Errorf("Inert(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Inert(got); again != got {
				t.Errorf("not idempotent: Inert(%q) = %q", got, again)
			}
			checkInert(t, got)
		})
	}
}

// checkInert fails when s could act on a terminal or a CI log.
func checkInert(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
			t.Errorf("control or format rune %U left in %q", r, s)
		}
	}
	if strings.Contains(s, "##[") {
		t.Errorf("legacy workflow command marker left in %q", s)
	}
	if strings.HasPrefix(strings.TrimLeft(s, " \t"), "::") {
		t.Errorf("leading workflow command left in %q", s)
	}
	if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
		t.Errorf("untrimmed or uncollapsed blanks in %q", s)
	}
}

func FuzzInert(f *testing.F) {
	for _, s := range []string{
		"", "plain", hostileMessage, hostileExcerpt, hostileRedirect,
		"\x1b[", "\x1b]", "\x1bP", "\x1b(", "\u009b", "\u009d", "##[", "#\n#[", ":\n:", "\x1b[31m::x",
		"#\x1b[0m#[", ":\x00:", "# #[", " :: ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Inert(s)
		checkInert(t, got)
		if again := Inert(got); again != got {
			t.Errorf("not idempotent: %q → %q → %q", s, got, again)
		}
	})
}
