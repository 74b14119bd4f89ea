package provider

import (
	"regexp"
	"strings"
)

// placeholder matches values people leave in secrets and configs instead of
// a key, compared with the whole trimmed value, case-insensitively: one
// rule for every source (an environment variable, a literal in a LiteLLM
// or OpenClaw config, a .env file).
var placeholder = regexp.MustCompile(`(?i)^(?:changeme|change[-_]?me|replace[-_]?me|replace[-_]?with[-_ ].*|todo|tbd|x{3,}|dummy|fake|fake[-_]?key|placeholder|test|none|null|nil|undefined|empty|not[-_]?needed|not[-_]?set|anything|secret|your[-_ ]?(?:[a-z]+[-_ ])?(?:api[-_ ]?)?(?:key|token|secret)(?:[-_ ]?here)?|(?:insert|enter|put|add)[-_ ].*(?:key|token).*|<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\.{3}|…|\*+|sk-\d{1,8}|sk-1234\w*|sk-\.{3}|sk-or-v1-\.{3}|sk-(?:or-v1-)?x{3,}|sk-ant-\.{3}|sk-proj-\.{3})$`)

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
