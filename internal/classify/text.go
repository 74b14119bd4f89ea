package classify

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxMessage bounds Verdict.Message, in runes.
const MaxMessage = 300

var ansiRe = Lazy(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]`)

// clean makes s safe for a one-line report: valid UTF-8, ANSI escapes and
// control/format characters removed, line breaks and tabs turned into
// spaces, runs of spaces collapsed, at most MaxMessage runes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, '\x1b') >= 0 { // every escape ansiRe removes starts with ESC
		s = ansiRe.ReplaceAllString(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	if utf8.RuneCountInString(out) > MaxMessage {
		rs := []rune(out)[:MaxMessage-1]
		out = strings.TrimRight(string(rs), " ") + "…"
	}
	return out
}

// firstLine returns the first non-blank line of s, trimmed.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

var (
	titleRe = Lazy(`(?is)<title[^>]*>(.*?)</title>`)
	h1Re    = Lazy(`(?is)<h1[^>]*>(.*?)</h1>`)
	tagRe   = Lazy(`(?s)<[^>]*>`)
)

// htmlMessage returns the <title> of an HTML page, else its first <h1>, else
// the first line of its text.
func htmlMessage(s string) string {
	for _, Re := range []*Pattern{titleRe, h1Re} {
		if m := Re.FindStringSubmatch(s); m != nil {
			if t := strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(m[1], " "))); t != "" {
				return t
			}
		}
	}
	return firstLine(html.UnescapeString(tagRe.ReplaceAllString(s, "\n")))
}

// debugMarkers start the routing detail LiteLLM's router appends to error
// messages (". Received Model Group=…\nAvailable Model Group Fallbacks=…",
// "LiteLLM Retried: 2 times, LiteLLM Max Retries: 3";
// https://github.com/BerriAI/litellm/pull/30418); it says nothing about the
// failure and is cut before matching.
var debugMarkers = []string{"Received Model Group=", "Available Model Group Fallbacks=", "LiteLLM Retried:", "LiteLLM Max Retries:"}

func stripDebug(s string) string {
	cut := -1
	for _, m := range debugMarkers {
		if i := strings.Index(s, m); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		return s
	}
	return strings.TrimRight(s[:cut], " \t\r\n,")
}

// matchCap bounds the part of a message the rules' patterns scan. Go's
// regexp is linear but not cheap (tens of ms per rule on 64 KiB), and every
// real error message tells what it is in its first few hundred bytes.
const matchCap = 4 << 10

// capBytes returns at most n bytes of s, cut at a rune boundary.
func capBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// modelRes extract a model id from an error message; the first capture group
// of the first matching expression wins.
var modelRes = []*Pattern{
	Lazy("(?i)([^\\s'\"`]+) is not a valid model id"),
	Lazy("(?i)no endpoints found for ([^\\s'\"`]+?)\\.?(?:\\s|$)"),
	Lazy("(?i)\\bmodel\\s*=\\s*[`'\"]?([^\\s`'\",]+?)[`'\"]?\\.?(?:[\\s,'\"]|$)"),
	Lazy("(?i)\\bmodel(?:[ _](?:id|name))?:?\\s*[`'\"]([^`'\"\\s]+)[`'\"]"),
	Lazy("(?i)\\bmodel:\\s*[`'\"]?([^\\s`'\",]+?)[`'\"]?\\.?(?:[\\s,'\"]|$)"),
	Lazy("(?i)\\bmodel\\s+[`'\"]?([A-Za-z0-9][\\w.:/-]*[\\w])[`'\"]?\\s+(?:not found|does not exist|is not (?:available|supported)|not supported|unavailable)"),
	Lazy("(?i)unknown (?:model|agent)[:\\s]+[`'\"]?([^\\s`'\",]+?)[`'\"]?\\.?(?:[\\s,'\"]|$)"),
	Lazy("(?i)tried to access\\s+[`'\"]?([^\\s`'\",]+?)[`'\"]?\\.?(?:[\\s,'\"]|$)"),
}

// findModel returns the model id named in msg, or "".
func findModel(msg string) string {
	for _, Re := range modelRes {
		if m := Re.FindStringSubmatch(msg); m != nil {
			if id := strings.Trim(m[1], ".,;:"); id != "" && len(id) <= 200 {
				return clean(id)
			}
		}
	}
	return ""
}
