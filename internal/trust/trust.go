// Package trust holds hopcheck's trust boundary in one place. Every file
// hopcheck reads may have been written by whoever opened the pull request,
// so nothing in them decides where a credential goes or which variable is
// one:
//
//   - RunnerVar: the variables the GitHub runner sets (GITHUB_*, ACTIONS_*,
//     RUNNER_*, INPUT_*, …) are never credentials, whatever a file says.
//   - Allow: hosts that may receive a credential beyond the defaults, given
//     only from outside the repository (CLI --allow-host, the action input
//     allow-hosts, the HOPCHECK_ALLOW_HOSTS variable).
//   - Decide: whether one credential may be sent to one URL (the
//     key-pinning rule).
//   - PublicHost: whether a host is on the Internet (as opposed to
//     loopback, a private network or a CI service container).
package trust

import (
	"bytes"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/chain"
)

// runnerPrefixes are the prefixes of the variables the GitHub Actions runner
// sets in a job or passes to an action: tokens among them
// (ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN, INPUT_GITHUB-TOKEN)
// can write the cache, mint OIDC tokens or act on the repository
// (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/store-information-in-variables#default-environment-variables,
// https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#inputs).
var runnerPrefixes = []string{"GITHUB_", "ACTIONS_", "RUNNER_", "INPUT_", "STATE_", "CI_"}

// runnerNames are other variables the runner, its images and the shell set;
// none of them is a provider credential.
var runnerNames = []string{"CI", "GITHUB", "HOME", "PATH", "PWD", "OLDPWD", "USER", "LOGNAME", "SHELL", "HOSTNAME",
	"TERM", "LANG", "TMPDIR", "IMAGEOS", "IMAGEVERSION", "AGENT_TOOLSDIRECTORY", "ANDROID_HOME", "JAVA_HOME",
	"DOTNET_ROOT", "ACCEPT_EULA", "DEBIAN_FRONTEND", "INVOCATION_ID", "JOURNAL_STREAM", "SYSTEMD_EXEC_PID",
	"HOPCHECK_ALLOW_HOSTS"}

// RunnerVar reports whether name is a variable the runner sets (compared
// without regard to case, as a config may spell it either way). Such a
// variable is never read as a credential.
func RunnerVar(name string) bool {
	u := strings.ToUpper(strings.TrimSpace(name))
	for _, p := range runnerPrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	for _, n := range runnerNames {
		if u == n {
			return true
		}
	}
	return false
}

// RunnerVarFix is the fix sentence for a config that names a runner
// variable as a credential.
const RunnerVarFix = "Name the variable that holds the provider key (e.g. OPENROUTER_API_KEY) and set it from a secret in the workflow's env; variables the runner sets (GITHUB_*, ACTIONS_*, RUNNER_*, INPUT_*) are never sent as credentials."

// PublicHost reports whether host looks like an Internet host. Loopback,
// the unspecified address (a server bound to 0.0.0.0 is reached on
// loopback), private, shared (CGNAT) and link-local addresses, localhost,
// single-label names (CI service containers such as "litellm") and
// reserved internal suffixes are not public.
func PublicHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return publicIP(ip)
	}
	if !strings.Contains(host, ".") {
		return false
	}
	for _, s := range []string{".local", ".internal", ".lan", ".svc", ".cluster.local", ".home.arpa", ".test", ".intranet", ".corp"} {
		if strings.HasSuffix(host, s) {
			return false
		}
	}
	return true
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func publicIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !(ip.IsLoopback() || ip.IsUnspecified() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || cgnat.Contains(ip))
}

// splitHostPort splits "host:port" or a bare host (IPv6 in brackets or
// not) into a lower-case host and a port ("" when none).
func splitHostPort(s string) (host, port string) {
	s = strings.TrimSpace(s)
	if h, p, err := net.SplitHostPort(s); err == nil {
		return strings.ToLower(strings.TrimSuffix(h, ".")), p
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(s, "[]"), ".")), ""
}

// refRe finds the environment references of LiteLLM (os.environ/NAME), of
// OpenClaw, shells and .env files (${NAME}, $NAME inside ${…} forms) in a
// config file's text. Names may contain '-' (the runner's INPUT_GITHUB-TOKEN).
var refRe = regexp.MustCompile(`os\.environ/([A-Za-z_][A-Za-z0-9_-]*)|\$\{([A-Za-z_][A-Za-z0-9_-]*)(?:[:?=+-][^}]*)?\}`)

// RunnerRef is a reference to a runner variable in a config file.
type RunnerRef struct {
	Name      string
	Line, Col int // 1-based
}

// RunnerRefs returns every reference to a runner variable in a config
// file's text, in file order. Lines that are comments (# or //) are skipped.
// The scan is textual on purpose: it covers every place a file can name a
// variable, including settings hopcheck does not model, so a file cannot
// make hopcheck (or a proxy it checks) read a runner token through a key
// hopcheck does not know about.
func RunnerRefs(data []byte) []RunnerRef {
	var out []RunnerRef
	line := 1
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		text := data
		if end >= 0 {
			text = data[:end]
		}
		if t := bytes.TrimSpace(text); !bytes.HasPrefix(t, []byte("#")) && !bytes.HasPrefix(t, []byte("//")) {
			for _, m := range refRe.FindAllSubmatchIndex(text, -1) {
				lo, hi := m[2], m[3]
				if lo < 0 {
					lo, hi = m[4], m[5]
				}
				name := string(text[lo:hi])
				if RunnerVar(name) {
					out = append(out, RunnerRef{Name: name, Line: line, Col: utf8.RuneCount(text[:m[0]]) + 1})
				}
			}
		}
		if end < 0 {
			break
		}
		data = data[end+1:]
		line++
	}
	return out
}

// DecodedRef is a reference to a runner variable in a string value as a
// config's parser decodes it, at the value's position.
type DecodedRef struct {
	Name string
	Pos  chain.Pos
}

// DecodedRefs returns the references to runner variables in value, a
// string as the config's own parser decodes it (escapes resolved), at pos.
// RunnerRefs reads the raw text, where an escape hides a reference from
// the scan but not from the parser: JSON5 "\u0024{GITHUB_TOKEN}", YAML
// "os.environ\x2fGITHUB_TOKEN". Each config reader calls this on the
// string values it decodes, so both forms are refused.
func DecodedRefs(value string, pos chain.Pos) []DecodedRef {
	var out []DecodedRef
	for _, m := range refRe.FindAllStringSubmatch(value, -1) {
		name := m[1]
		if name == "" {
			name = m[2]
		}
		if RunnerVar(name) {
			out = append(out, DecodedRef{Name: name, Pos: pos})
		}
	}
	return out
}
