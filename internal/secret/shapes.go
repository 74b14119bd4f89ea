package secret

import (
	"bytes"
	"regexp"
	"sort"
	"sync"
)

// Marker replaces the secret part of a redacted credential. A credential
// with a public prefix keeps that prefix (sk-or-v1-[REDACTED]) so a reader
// can still tell which provider it belonged to.
const Marker = "[REDACTED]"

// A shape is one credential format hopcheck redacts from every piece of
// text, whether or not it ever held that credential (a proxy that echoes
// its own upstream key in an error, a runner token in a transport error).
//
// The pattern's group "secret" is masked; an optional group "keep" right
// before it is the format's public prefix and stays visible. A pattern may
// need context around the credential (a boundary, a variable name): that
// context is matched but neither masked nor kept in the marker.
//
// Minimum lengths are below the real ones (so truncated or test keys are
// caught) but well above what a fingerprint shows (sk-or-v1-ab…f3). No
// pattern matches its own Marker, so a second pass finds nothing new.
//
// The table is written by hand rather than taken from a secret-scanning
// library: those (gitleaks, trufflehog) bring hundreds of rules, entropy
// scoring and megabytes of dependencies into a container image that must
// stay under 10 MiB; hopcheck needs the formats an LLM gateway, CI runner
// or cloud SDK puts into an error message, each with a test.
type shape struct {
	id       string
	pattern  string
	keywords []string // every match contains one, at most lead bytes from its start
	span     int      // longest text a match reads from its keyword; 0: defaultSpan
	// word: the match must not follow a letter or digit (short prefixes
	// that could end an ordinary word: task-…, desk-…). Checked in code,
	// not in the pattern, so the pattern keeps its literal prefix.
	word bool
	// must is a byte every match contains (0: none). A window without it
	// cannot match and is skipped without running the pattern, which for
	// a pattern without a literal prefix tries every position.
	must byte
	// re is the compiled pattern, made at the shape's first use: most
	// texts hold no keyword of most shapes, and compiling all of them when
	// the package loads cost every hopcheck process milliseconds.
	re func() compiled
}

// compiled is a shape's pattern with the indexes of its groups.
type compiled struct {
	re     *regexp.Regexp
	keep   int // submatch index of "keep", -1 when absent
	secret int // submatch index of "secret"
}

var shapes = compileShapes([]shape{
	// OpenRouter: "sk-or-v1-" + 64 hex.
	// https://openrouter.ai/docs/api-reference/authentication
	{id: "openrouter", pattern: `(?P<keep>sk-or-(?:v[0-9]{1,2}-)?)(?P<secret>[A-Za-z0-9_-]{20,})`, keywords: []string{"sk-or-"}},
	// Anthropic: sk-ant-api03-…, sk-ant-admin01-…, sk-ant-oat01-….
	// https://docs.anthropic.com/en/api/admin-api/apikeys/get-api-key and
	// gitleaks rules anthropic-api-key / anthropic-admin-api-key
	// https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml
	{id: "anthropic", pattern: `(?P<keep>sk-ant-(?:[a-z]{2,12}[0-9]{0,3}-)?)(?P<secret>[A-Za-z0-9_-]{20,})`, keywords: []string{"sk-ant-"}},
	// OpenAI project, service-account, admin and "None" keys.
	// https://platform.openai.com/docs/api-reference/authentication and
	// gitleaks rule openai-api-key.
	{id: "openai", pattern: `(?P<keep>sk-(?:proj|svcacct|admin|None)-)(?P<secret>[A-Za-z0-9_-]{20,})`, keywords: []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-"}},
	// Legacy OpenAI user keys (sk- + 48 alphanumerics) and the providers
	// that copied the form: DeepSeek, Moonshot, LiteLLM virtual keys.
	// https://help.openai.com/en/articles/9132008 (legacy user keys)
	{id: "openai-legacy", pattern: `(?P<keep>sk-)(?P<secret>[A-Za-z0-9]{20,})`, keywords: []string{"sk-"}, word: true},
	// Stripe secret and restricted keys. https://docs.stripe.com/keys
	{id: "stripe", pattern: `(?P<keep>[sr]k_(?:live|test)_)(?P<secret>[A-Za-z0-9]{16,})`, keywords: []string{"k_live_", "k_test_"}},
	// GitHub tokens: ghp_ (classic PAT), gho_ (OAuth), ghu_ (user-to-
	// server), ghs_ (server-to-server, GITHUB_TOKEN), ghr_ (refresh) + 36.
	// https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
	{id: "github", pattern: `(?P<keep>gh[pousr]_)(?P<secret>[A-Za-z0-9]{30,})`, keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}},
	// GitHub fine-grained PAT: github_pat_ + 22 + _ + 59.
	// https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens
	{id: "github-pat", pattern: `(?P<keep>github_pat_)(?P<secret>[A-Za-z0-9_]{30,})`, keywords: []string{"github_pat_"}},
	// AWS access key ids: AKIA (long-term), ASIA (temporary, STS), ABIA,
	// ACCA + 16 upper-case alphanumerics.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
	{id: "aws-access-key-id", pattern: `(?P<keep>AKIA|ASIA|ABIA|ACCA)(?P<secret>[A-Z0-9]{16})(?:[^A-Za-z0-9]|$)`, keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, span: 32, word: true},
	// AWS secret access key (40 base64 characters) right after its access
	// key id (CSV, "id:secret", "id secret", …).
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
	{id: "aws-secret-near-id", pattern: `(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}[^\n]{0,64}?[^A-Za-z0-9/+](?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`, keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, span: 160},
	// AWS secret access key under its usual names: aws_secret_access_key
	// (credentials file, env), SecretAccessKey (STS/IAM JSON and XML),
	// secret_key.
	// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
	// https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html
	{id: "aws-secret-named", pattern: `(?i)(?:secret[_.-]?access[_.-]?key|aws[_.-]?secret(?:[_.-]?key)?)["']?\s{0,8}(?:=>|:=|[:=>])\s{0,8}["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`, keywords: []string{"secret", "Secret", "SECRET"}, span: 128},
	// JSON Web Tokens (RFC 7519 compact form: base64url header "eyJ" …,
	// payload, signature; JWE has five parts). GitHub's
	// ACTIONS_RUNTIME_TOKEN and ACTIONS_ID_TOKEN_REQUEST_TOKEN are JWTs.
	// https://datatracker.ietf.org/doc/html/rfc7519#section-3
	{id: "jwt", pattern: `(?P<keep>eyJ)(?P<secret>[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){0,2})`, keywords: []string{"eyJ"}, span: 1 << 14},
	// Google API keys: AIza + 35. https://cloud.google.com/docs/authentication/api-keys
	{id: "google-api-key", pattern: `(?P<keep>AIza)(?P<secret>[A-Za-z0-9_-]{30,})`, keywords: []string{"AIza"}},
	// Groq: gsk_ + 52. https://console.groq.com/docs/quickstart and gitleaks rule groq-api-key
	{id: "groq", pattern: `(?P<keep>gsk_)(?P<secret>[A-Za-z0-9]{30,})`, keywords: []string{"gsk_"}, word: true},
	// xAI: xai- + 80. https://docs.x.ai/docs/tutorial and gitleaks rule xai-api-key
	{id: "xai", pattern: `(?P<keep>xai-)(?P<secret>[A-Za-z0-9_]{30,})`, keywords: []string{"xai-"}, word: true},
	// The other providers of the registry with a distinctive key prefix
	// (internal/provider keeps them in step: a test fails for a registered
	// prefix this table does not redact). NVIDIA nvapi-, Perplexity pplx-,
	// Cerebras csk-, Fireworks fw_/fpk_ (gitleaks rules and the providers'
	// docs, https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml).
	{id: "provider-prefixed", pattern: `(?P<keep>nvapi-|pplx-|csk-|fw_|fpk_)(?P<secret>[A-Za-z0-9_-]{20,})`, keywords: []string{"nvapi-", "pplx-", "csk-", "fw_", "fpk_"}, word: true},
	// Amazon Bedrock API keys: long-term ABSK + base64, short-term
	// bedrock-api-key- + base64 (gitleaks rules aws-amazon-bedrock-api-key-*).
	// https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html
	{id: "bedrock-api-key", pattern: `(?P<keep>ABSK|bedrock-api-key-)(?P<secret>[A-Za-z0-9+/]{20,}={0,2})`, keywords: []string{"ABSK", "bedrock-api-key-"}, word: true},
	// Slack tokens: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xoxo- and
	// app-level xapp-. https://api.slack.com/concepts/token-types
	{id: "slack", pattern: `(?P<keep>xox[abeoprs]-|xapp-)(?P<secret>[A-Za-z0-9-]{20,})`, keywords: []string{"xox", "xapp-"}},
	// Hugging Face user access tokens: hf_ + 34. https://huggingface.co/docs/hub/security-tokens
	{id: "huggingface", pattern: `(?P<keep>hf_)(?P<secret>[A-Za-z0-9]{30,})`, keywords: []string{"hf_"}, word: true},
	// A credential in an Authorization header value an upstream echoes
	// (RFC 9110 §11.6.2; Bearer RFC 6750, Basic RFC 7617), whatever its
	// format.
	// https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
	{id: "authorization", pattern: `(?P<keep>(?:Bearer|bearer|BEARER|Basic|basic|BASIC)[ \t]{1,4})(?P<secret>[A-Za-z0-9._~+/-]{15,}[A-Za-z0-9_~+/-]=*)`, keywords: []string{"Bearer", "bearer", "BEARER", "Basic", "basic", "BASIC"}},
	// The password in a URL's user information (scheme://user:password@host).
	// https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.1
	{id: "url-password", pattern: `[A-Za-z][A-Za-z0-9+.-]{0,15}://[^\s/:@]{0,64}:(?P<secret>[^\s/@\[\]]{6,128})@`, keywords: []string{"://"}, must: '@'},
	// PEM private keys (RFC 7468): the base64 body up to the END line.
	// https://datatracker.ietf.org/doc/html/rfc7468#section-10
	{id: "private-key", pattern: `(?P<keep>-----BEGIN[A-Z ]{0,24} PRIVATE KEY-----)(?P<secret>[A-Za-z0-9+/=\s]{16,}-----END[A-Z ]{0,24} PRIVATE KEY-----)`, keywords: []string{"-----BEGIN"}, span: 1 << 14},
})

// compileShapes sets every shape's lazy compiler. A pattern that does not
// compile or lacks its secret group panics at first use; the tests use
// every shape.
func compileShapes(ss []shape) []shape {
	for i := range ss {
		id, pattern := ss[i].id, ss[i].pattern
		ss[i].re = sync.OnceValue(func() compiled {
			re := regexp.MustCompile(pattern)
			c := compiled{re: re, keep: re.SubexpIndex("keep"), secret: re.SubexpIndex("secret")}
			if c.secret < 0 {
				panic("secret: shape " + id + " has no secret group")
			}
			return c
		})
	}
	return ss
}

// minShape is shorter than the shortest text any shape matches: Redact
// leaves shorter text alone without scanning it.
const minShape = 12

// minEncoded is the shortest base64 or hex run that is decoded and searched
// for shapes (base64 of 18 bytes).
const minEncoded = 24

// minEaten is the shortest credential-like run masked after an escape
// sequence that swallowed letters (see redactOnce): the shortest secret
// part a shape accepts (an AWS access key id).
const minEaten = 16

// eatenShapes finds the shapes around cut c of the folded view f with the
// text of c's sequence put back, and returns them as hits of f's source. A
// hit that starts or ends inside the sequence's text covers the whole
// sequence at that end: a terminal that shows the payload of a control
// string it does not know (ESC X … BEL) would show the credential.
func eatenShapes(f *normView, c cut) []hit {
	from, to := max(0, c.at-lead), min(len(f.b), c.at+defaultSpan)
	w := make([]byte, 0, to-from+len(c.text))
	w = append(append(append(w, f.b[from:c.at]...), c.text...), f.b[c.at:to]...)
	cutAt, textEnd := c.at-from, c.at-from+len(c.text)
	back := func(i int) int { return i - len(c.text) + from } // offset in w after the text → offset in f.b
	var out []hit
	for _, h := range findShapes(w) {
		if h.b <= cutAt {
			continue // ends before the cut: the other views have it
		}
		var x, y int
		switch {
		case h.a < cutAt:
			x, _ = f.span(from+h.a, from+h.a+1)
		case h.a < textEnd:
			x = c.src
		default:
			x, _ = f.span(back(h.a), back(h.a)+1)
		}
		if h.b <= textEnd {
			y = c.end
		} else {
			_, y = f.span(back(h.b-1), back(h.b-1)+1)
		}
		out = append(out, hit{x, y, Marker})
	}
	return out
}

// hit is one masked range of the view with the marker that replaces it.
type hit struct {
	a, b int
	repl string
}

// Redact returns s with every credential of a known shape replaced by its
// public prefix and Marker, also when the credential is escaped (\u, \x,
// octal, %HH, &#…;, backslash), base64/hex encoded in a token of its own,
// split by format or control characters or escape sequences, or written in
// fullwidth or other compatibility forms (see foldedView). Text without
// such a credential is returned unchanged; Redact(Redact(s)) == Redact(s).
func Redact(s string) string {
	// Repeating until nothing changes makes Redact idempotent even when a
	// redaction exposes a new boundary to another shape. No pattern
	// matches a marker, so the second round normally finds nothing; the
	// bound only guards against a table mistake.
	for round := 0; round < maxRedactRounds; round++ {
		out := redactOnce(s)
		if out == s {
			break
		}
		s = out
	}
	return s
}

const maxRedactRounds = 8

func redactOnce(s string) string {
	if len(s) < minShape || !mayHoldShape(s) {
		return s
	}
	return redactView(s)
}

// redactView is redactOnce without the quick checks.
func redactView(s string) string {
	v := newView(s)
	hits := findShapes(v.b)
	hits = append(hits, encodedShapes(v.b, hits)...)
	for _, r := range decimalRuns(v.b) {
		if len(findShapes(r.d)) > 0 {
			hits = append(hits, hit{r.a, r.b, Marker})
		}
	}
	// A zero-width space, a soft hyphen or a colour code between its
	// characters, or fullwidth letters, hide a shape from the decoded view
	// but not from the folded one.
	if f := foldedView(string(v.b)); f != nil {
		for _, h := range findShapes(f.b) {
			a, b := f.span(h.a, h.b)
			hits = append(hits, hit{a, b, h.repl})
		}
		if f.glued {
			g := separatedView(string(v.b))
			for _, h := range findShapes(g.b) {
				a, b := g.span(h.a, h.b)
				hits = append(hits, hit{a, b, h.repl})
			}
		}
		// An escape sequence that swallowed letters (ESC SP s, CSI s, an
		// OSC payload) may have taken a credential's prefix, and report.Inert
		// drops it the same way. Shapes are searched again with that one
		// sequence shown as text, and a credential-like run of minEaten
		// characters or more right after it is masked whatever its shape.
		for _, c := range f.cut {
			hits = append(hits, eatenShapes(f, c)...)
			j := c.at
			for j < len(f.b) && (isB64(f.b[j]) || f.b[j] == '.' || f.b[j] == '=') {
				j++
			}
			if j-c.at >= minEaten {
				a, b := f.span(c.at, j)
				hits = append(hits, hit{a, b, Marker})
			}
		}
	}
	if len(hits) == 0 {
		return s
	}
	hits = mergeHits(hits)
	runs := make([][2]int, len(hits))
	for i, h := range hits {
		runs[i] = [2]int{h.a, h.b}
	}
	k := 0
	return v.mask(s, runs, func(int, int) string { k++; return hits[k-1].repl })
}

// mayHoldShape reports whether redactOnce could find anything in s: an
// escape introducer (the view then differs from s), a byte that is not
// printable ASCII, tab, LF or CR (foldedView then has something to fold),
// the first two bytes of a keyword (findShapes), or a run of the base64
// alphabet of at least minEncoded bytes (encodedShapes). Most text a
// report is made of (names, URLs, messages) has none, and is then returned
// after this one scan, without the view's copy.
func mayHoldShape(s string) bool {
	run, nums := 0, 0 // nums: numbers in a run of digits and decimal separators (decimalRuns)
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case isDigit(c):
			if k == 0 || !isDigit(s[k-1]) {
				if nums++; nums >= minDecimal {
					return true
				}
			}
		case !isDecSep(c):
			nums = 0
		}
		switch {
		case c == '\\' || c == '%' || c == '&':
			return true
		case c >= 0x7f || c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return true
		}
		if k+1 < len(s) {
			pair := uint16(c)<<8 | uint16(s[k+1])
			if keywordPairs[pair/8]&(1<<(pair%8)) != 0 {
				return true
			}
		}
		if isB64(c) {
			if run++; run >= minEncoded {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// Search window around each keyword occurrence: lead bytes before it (a
// boundary byte, the "aws_" before "secret", the "s" before "k_live_") and
// span bytes after. Regular expressions run only inside these windows, so
// text without keywords costs one scan (keywordWindows) and a body full of
// keywords one linear pass per shape.
const (
	lead        = 8
	defaultSpan = 256
)

// findShapes returns the shape matches in b (unsorted, may overlap).
func findShapes(b []byte) []hit {
	if len(b) < minShape {
		return nil
	}
	var hits []hit
	for i, ws := range keywordWindows(b) {
		for _, w := range ws {
			hits = shapes[i].find(b, w[0], w[1], hits)
		}
	}
	return hits
}

// keywordIndex maps the first two bytes of every keyword to the shapes
// and keywords that start with them, so one pass over the text finds every
// keyword of every shape; keywordPairs is the same set as a bitmap, checked
// first.
var keywordIndex, keywordPairs = func() (map[uint16][]kwRef, *[1 << 16 / 8]byte) {
	idx, bits := map[uint16][]kwRef{}, new([1 << 16 / 8]byte)
	for i := range shapes {
		for _, kw := range shapes[i].keywords {
			if len(kw) < 2 {
				panic("secret: keyword shorter than 2 bytes: " + kw)
			}
			k := uint16(kw[0])<<8 | uint16(kw[1])
			idx[k] = append(idx[k], kwRef{i, kw})
			bits[k/8] |= 1 << (k % 8)
		}
	}
	return idx, bits
}()

type kwRef struct {
	shape int
	kw    string
}

// keywordWindows returns, per shape, the merged windows [k-lead, k+span)
// around every occurrence k of one of its keywords in b, in order.
func keywordWindows(b []byte) [][][2]int {
	var ws [][][2]int
	for k := 0; k+1 < len(b); k++ {
		pair := uint16(b[k])<<8 | uint16(b[k+1])
		if keywordPairs[pair/8]&(1<<(pair%8)) == 0 {
			continue
		}
		for _, r := range keywordIndex[pair] {
			if !bytes.HasPrefix(b[k:], []byte(r.kw)) {
				continue
			}
			if ws == nil {
				ws = make([][][2]int, len(shapes))
			}
			span := shapes[r.shape].span
			if span == 0 {
				span = defaultSpan
			}
			a, e := max(0, k-lead), min(len(b), k+span)
			w := ws[r.shape]
			if n := len(w); n > 0 && a <= w[n-1][1] {
				w[n-1][1] = max(w[n-1][1], e)
			} else {
				ws[r.shape] = append(w, [2]int{a, e})
			}
		}
	}
	return ws
}

// find appends the matches of sh in the window b[wa:wb] to hits.
func (sh *shape) find(b []byte, wa, wb int, hits []hit) []hit {
	if sh.must != 0 && bytes.IndexByte(b[wa:wb], sh.must) < 0 {
		return hits
	}
	c := sh.re()
	for pos := wa; pos < wb; {
		m := c.re.FindSubmatchIndex(b[pos:wb])
		if m == nil {
			break
		}
		sa, sb := m[2*c.secret]+pos, m[2*c.secret+1]+pos
		start, repl := sa, Marker
		if c.keep >= 0 && m[2*c.keep] >= 0 {
			start = m[2*c.keep] + pos
			repl = string(b[start:sa]) + Marker
		}
		if at := m[0] + pos; sh.word && at > 0 && isAlnum(b[at-1]) {
			pos = at + 1
			continue
		}
		// A credential running past the window is masked to its end.
		if sb == wb {
			for sb < len(b) && (isB64(b[sb]) || b[sb] == '.' || b[sb] == '=') {
				sb++
			}
		}
		hits = append(hits, hit{start, sb, repl})
		pos = m[2*c.secret+1] + pos // the right boundary may be the next match's left one
	}
	return hits
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isB64 reports whether c belongs to the standard or URL base64 alphabet.
func isB64(c byte) bool { return isAlnum(c) || c == '+' || c == '/' || c == '-' || c == '_' }

// encodedShapes finds base64 and hex tokens (maximal runs of the base64
// alphabet, at least minEncoded long, not inside an existing hit) whose
// decoded bytes contain a credential shape, and masks each such token
// whole: an upstream that echoes a Basic header or a hex dump of a request
// leaks the key inside.
func encodedShapes(b []byte, known []hit) []hit {
	var out []hit
	for i := 0; i < len(b); {
		if !isB64(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isB64(b[j]) {
			j++
		}
		end := j
		for end < len(b) && b[end] == '=' {
			end++
		}
		if j-i >= minEncoded && !overlaps(known, i, j) && encodedHasShape(b[i:j]) {
			out = append(out, hit{i, end, Marker})
		}
		i = end
	}
	return out
}

func overlaps(hs []hit, a, b int) bool {
	for _, h := range hs {
		if h.a < b && a < h.b {
			return true
		}
	}
	return false
}

// encodedHasShape reports whether tok decodes (hex, base32 or base64, as
// the job's own values are searched: decodings) to text holding a
// credential shape.
func encodedHasShape(tok []byte) bool {
	for _, d := range decodings(tok) {
		if len(findShapes(d)) > 0 {
			return true
		}
	}
	return false
}

func isHex(b []byte) bool {
	for _, c := range b {
		if _, ok := digit(c, 16); !ok {
			return false
		}
	}
	return true
}

// mergeHits sorts hits and merges overlapping ones; a merged hit keeps the
// marker of its earliest (then longest) member.
func mergeHits(hs []hit) []hit {
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].a != hs[j].a {
			return hs[i].a < hs[j].a
		}
		return hs[i].b > hs[j].b
	})
	out := hs[:1]
	for _, h := range hs[1:] {
		last := &out[len(out)-1]
		if h.a < last.b {
			if h.b > last.b {
				last.b = h.b
			}
			continue
		}
		out = append(out, h)
	}
	return out
}
