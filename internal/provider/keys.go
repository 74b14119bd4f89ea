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
