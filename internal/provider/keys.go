package provider

import (
	"strings"

	"github.com/hopcheck/hopcheck/internal/classify"
)

// placeholder matches values people leave in secrets and configs instead of
// a key, compared with the whole trimmed value, case-insensitively: one
// rule for every source (an environment variable, a literal in a LiteLLM
// or OpenClaw config, a .env file).
var placeholder = classify.Lazy(`(?i)^(?:changeme|change[-_]?me|replace[-_]?me|replace[-_]?with[-_ ].*|todo|tbd|x{3,}|dummy|fake|fake[-_]?key|placeholder|test|none|null|nil|undefined|empty|not[-_]?needed|not[-_]?set|anything|secret|your[-_ ]?(?:[a-z]+[-_ ])?(?:api[-_ ]?)?(?:key|token|secret)(?:[-_ ]?here)?|(?:insert|enter|put|add)[-_ ].*(?:key|token).*|<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\.{3}|…|\*+|sk-\d{1,8}|sk-1234\w*|sk-(?:or-v1-)?x{3,}|[a-z0-9_-]{1,16}(?:\.{3}|…)|your[-_][a-z0-9_-]+|[a-z0-9_-]*(?:[-_]here|replace[-_]?me|change[-_]?me|[-_]placeholder)|placeholder[-_][a-z0-9_-]+)$`)

// IsPlaceholder reports whether v is a placeholder rather than a key.
func IsPlaceholder(v string) bool {
	return placeholder.MatchString(strings.TrimSpace(v))
}

// IsDummyKey reports whether v, found where a key of a hop of this type
// goes (a literal api_key/apiKey in a LiteLLM or OpenClaw config, a .env
// value, the variable a hop's key_env names), is a stand-in rather than a
// secret: the hop type verifies without a key (Verify NoKey: Ollama, LM
// Studio, vLLM) and v is a placeholder or one of the dummy values its
// documentation and clients use (Keys.Dummies).
//
// How a caller uses it: a literal that IsDummyKey is neither a committed
// secret (no secret-in-config finding) nor a malformed credential; the hop
// is checked as the no-key server it is (reachability and the canary), and
// the value may be sent as it would be by the real client. Any other value
// on a NoKey hop is a real key (a server started with --api-key, an auth
// token, a proxy in front): it is a secret like any other, scrubbed and
// judged by the usual rules.
func (s *Spec) IsDummyKey(v string) bool {
	if s.Verify != NoKey {
		return false
	}
	t := strings.TrimSpace(v)
	if t == "" {
		return false
	}
	if IsPlaceholder(t) {
		return true
	}
	for _, d := range s.Keys.Dummies {
		if strings.EqualFold(t, d) {
			return true
		}
	}
	return false
}

// DummyKeyOf returns the no-key server type whose documented dummy value v
// is ("ollama-local" → Ollama), for a caller that has a value but no hop
// type (a custom provider entry pointing at a local address). A value that
// matches no documented dummy returns false; placeholders are IsPlaceholder's.
// A value several servers use ("fake-api-key", LiteLLM's stand-in for LM
// Studio and vLLM) returns the first in documentation order: any of them
// means "no key".
func DummyKeyOf(v string) (*Spec, bool) {
	t := strings.TrimSpace(v)
	for _, s := range order {
		if s.Verify != NoKey {
			continue
		}
		for _, d := range s.Keys.Dummies {
			if strings.EqualFold(t, d) {
				return s, true
			}
		}
	}
	return nil, false
}

// SecretLike reports whether a literal found in a file (a LiteLLM or
// OpenClaw config, a .env file) can be a real credential, the one rule
// every reader applies: not a placeholder, not a dummy key of a no-key
// server, no whitespace, not a variable-like word (OLLAMA_API_KEY written as
// the value), not a human-chosen stand-in of dictionary words
// (sk-super-secret-key), and long enough: 20 characters with a registered
// provider's key prefix, 24 otherwise.
func SecretLike(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || IsPlaceholder(v) || strings.ContainsAny(v, " \t") || VarLike(v) || wordy(v) {
		return false
	}
	if _, ok := DummyKeyOf(v); ok {
		return false
	}
	for _, s := range order {
		if s.HasKeyPrefix(v) {
			return len(v) >= 20
		}
	}
	return len(v) >= 24
}

// NamesCredential reports whether a variable or setting name suggests a
// credential (…_KEY, …TOKEN, …SECRET, PASSWORD, …CREDENTIAL…).
func NamesCredential(name string) bool {
	u := strings.ToUpper(name)
	for _, s := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"} {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}

var envNameRe = classify.Lazy(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$`)

// VarLike reports a value written like an environment variable's name
// (OLLAMA_API_KEY written where the key goes), which a config sends
// verbatim: a word, not a key. Upper-case tokens full of digits are keys.
func VarLike(v string) bool {
	if len(v) > 64 || !envNameRe.MatchString(v) {
		return false
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits <= 4
}

// wordy reports a value made of short lower-case words joined by dashes or
// underscores (sk-super-secret-key, my-fake-api-key): a stand-in a person
// chose, not a generated key.
func wordy(v string) bool {
	for _, p := range []string{"sk-", "sk_"} {
		v = strings.TrimPrefix(v, p)
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if len(p) > 12 || strings.IndexFunc(p, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			return false
		}
	}
	return true
}
