package trust

import (
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/provider"
)

func TestRunnerVar(t *testing.T) {
	for name, want := range map[string]bool{
		"GITHUB_TOKEN": true, "INPUT_GITHUB-TOKEN": true, "input_github-token": true, "ACTIONS_RUNTIME_TOKEN": true,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": true, "RUNNER_TEMP": true, "GITHUB_HEAD_REF": true, "CI_JOB_TOKEN": true,
		"HOME": true, "PATH": true, " GITHUB_TOKEN ": true, "HOPCHECK_ALLOW_HOSTS": true, "STATE_x": true,
		"OPENROUTER_API_KEY": false, "LITELLM_MASTER_KEY": false, "MY_GITHUB_TOKEN": false, "GH_MODELS_KEY": false, "CIRCLE_KEY": false,
	} {
		if got := RunnerVar(name); got != want {
			t.Errorf("RunnerVar(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestPublicHost(t *testing.T) {
	for host, want := range map[string]bool{
		"openrouter.ai": true, "api.openai.com": true, "8.8.8.8": true, "2001:4860::8888": true, "attacker.example": true,
		"localhost": false, "127.0.0.1": false, "::1": false, "[::1]": false, "0.0.0.0": false, "::": false,
		"10.1.2.3": false, "192.168.0.4": false, "172.16.5.5": false, "100.64.1.1": false, "169.254.169.254": false,
		"fd00::1": false, "::ffff:127.0.0.1": false, "litellm": false, "attacker": false, "gw.svc.cluster.local": false,
		"box.local": false, "api.localhost": false, "": false, "LOCALHOST.": false,
	} {
		if got := PublicHost(host); got != want {
			t.Errorf("PublicHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestParseAllow(t *testing.T) {
	a, err := ParseAllow("gw.example.com, 10.0.0.0/8\n[::1]:8443", "proxy.internal:4000")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		host, port string
		want       bool
	}{
		{"gw.example.com", "443", true}, {"GW.EXAMPLE.COM", "80", true}, {"10.9.8.7", "4000", true},
		{"::1", "8443", true}, {"::1", "443", false}, {"proxy.internal", "4000", true}, {"proxy.internal", "4001", false},
		{"example.com", "443", false}, {"evil.gw.example.com", "443", false}, {"11.0.0.1", "80", false},
	} {
		if got := a.Match(c.host, c.port); got != c.want {
			t.Errorf("Match(%s, %s) = %v, want %v", c.host, c.port, got, c.want)
		}
	}
	if a.Len() != 4 || !strings.Contains(a.String(), "10.0.0.0/8") {
		t.Errorf("Len %d String %q", a.Len(), a.String())
	}
	var none *Allow
	if none.Match("localhost", "80") || none.Len() != 0 {
		t.Error("nil Allow allows")
	}
	for _, bad := range []string{"http://gw.example.com", "10.0.0.0/33", "host:99999", "host:x", "user@host", "a/b/c"} {
		if _, err := ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q): no error", bad)
		}
	}
}

func TestDecide(t *testing.T) {
	or := provider.For(provider.OpenRouter)
	ll := provider.For(provider.LiteLLM)
	oa := provider.For(provider.OpenAI)
	orKey := "sk-or-v1-" + strings.Repeat("ab", 32)
	allow, _ := ParseAllow("gw.example.com:8443", "127.0.0.0/8")
	for _, c := range []struct {
		name  string
		cred  Credential
		url   string
		allow *Allow
		ok    bool
	}{
		{"provider key to its host", Credential{Value: orKey, For: or}, "https://openrouter.ai/api/v1/key", nil, true},
		{"provider key to another host", Credential{Value: orKey, For: or}, "https://attacker.example/api/v1/key", nil, false},
		{"provider key to loopback without allowance", Credential{Value: orKey, For: or}, "http://127.0.0.1:9/api/v1", nil, false},
		{"provider key to loopback with allowance", Credential{Value: orKey, For: or}, "http://127.0.0.1:9/api/v1", allow, true},
		{"provider key to a private host", Credential{Value: orKey, For: or}, "http://10.0.0.5/api/v1", nil, false},
		{"allowance is per port", Credential{Value: orKey, For: or}, "https://gw.example.com/api/v1", allow, false},
		{"allowance with its port", Credential{Value: orKey, For: or}, "https://gw.example.com:8443/api/v1", allow, true},
		{"gateway key to loopback", Credential{Value: "sk-master", For: ll}, "http://127.0.0.1:4000/v1/models", nil, true},
		{"gateway key to 0.0.0.0", Credential{Value: "sk-master", For: ll}, "http://0.0.0.0:4000/v1/models", nil, true},
		{"gateway key to a service container", Credential{Value: "sk-master", For: ll}, "http://litellm:4000/v1/models", nil, true},
		{"gateway key to a public host", Credential{Value: "sk-master", For: ll}, "https://litellm.example.com/v1/models", nil, false},
		{"OpenRouter key on a gateway hop goes nowhere but OpenRouter", Credential{Value: orKey, For: ll}, "http://10.0.0.5:4000/v1/models", nil, false},
		{"OpenRouter key on an OpenAI hop at api.openai.com", Credential{Value: orKey, For: oa}, "https://api.openai.com/v1/models", nil, false},
		{"unparseable URL", Credential{Value: orKey, For: or}, "::", nil, false},
	} {
		got := Decide(c.cred, c.url, c.allow) == nil
		if got != c.ok {
			t.Errorf("%s: allowed = %v, want %v", c.name, got, c.ok)
		}
	}
	r := Decide(Credential{Value: orKey, For: or}, "https://attacker.example:8443/x", nil)
	if r == nil || r.Host != "attacker.example:8443" || len(r.Owners) != 1 || r.Owners[0] != or {
		t.Errorf("refusal = %+v", r)
	}
	if h := AllowHint(r.Host); !strings.Contains(h, "--allow-host attacker.example:8443") || !strings.Contains(h, AllowEnv) {
		t.Errorf("hint %q", h)
	}
}

func TestRunnerRefs(t *testing.T) {
	src := `model_list:
  - litellm_params:
      api_key: os.environ/INPUT_GITHUB-TOKEN   # the runner's token
      api_base: os.environ/OPENROUTER_API_BASE
# api_key: os.environ/GITHUB_TOKEN (a comment)
general_settings: {master_key: "${ACTIONS_RUNTIME_TOKEN}", other: "${OPENAI_API_KEY}", d: "${RUNNER_TEMP:-x}"}
// "apiKey": "${GITHUB_TOKEN}"
`
	got := RunnerRefs([]byte(src))
	want := []RunnerRef{{"INPUT_GITHUB-TOKEN", 3, 16}, {"ACTIONS_RUNTIME_TOKEN", 6, 33}, {"RUNNER_TEMP", 6, 92}}
	if len(got) != len(want) {
		t.Fatalf("refs = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// hostOf returns a concrete host matching an entry of Spec.Hosts
// (".openai.azure.com" → "res.openai.azure.com", "bedrock.*.amazonaws.com"
// → "bedrock.us-east-1.amazonaws.com").
func hostOf(pattern string) string {
	if strings.HasPrefix(pattern, ".") {
		return "res" + pattern
	}
	return strings.ReplaceAll(pattern, "*", "us-east-1")
}

// Every conventional key variable of every provider with official hosts
// pins the key in it to those hosts, whatever hop the file declares:
// loopback, private, single-label and public hosts are refused without an
// allowance, each official host is not, and an allowance from outside the
// repository opens exactly the host it names.
func TestVariablePinsEveryProviderKey(t *testing.T) {
	const plain = "AbCdEfGhIjKlMnOpQrStUvWxYz012345" // no distinctive prefix (a Mistral-style key)
	loop, _ := ParseAllow("127.0.0.1:4000")
	elsewhere := []string{"http://127.0.0.1:4000/v1", "http://[::1]:4000/v1", "http://localhost:4000/v1", "http://0.0.0.0:4000/v1",
		"http://10.0.0.5/v1", "http://192.168.1.2:8080/v1", "http://litellm:4000/v1", "http://gw.svc.cluster.local/v1", "https://attacker.example/v1"}
	hopTypes := []*provider.Spec{provider.For(provider.OpenAICompatible), provider.For(provider.LiteLLM), provider.For(provider.Ollama),
		provider.For(provider.ReverseProxy), provider.For(provider.VLLM), nil}
	n := 0
	for _, s := range provider.All() {
		if !s.Pinned() {
			continue
		}
		for _, vars := range [][]string{s.KeyVars, s.LiteLLMKeyVars(), s.OpenClawKeyVars(), s.Companions} {
			for _, v := range vars {
				n++
				owners := VarOwners(v)
				if !slices.Contains(owners, s) {
					t.Errorf("VarOwners(%s) = %v, missing %s", v, owners, s.Type)
				}
				for _, name := range []string{v, strings.ToLower(v), " " + v + " "} {
					for _, hop := range hopTypes {
						cred := Credential{Var: name, Value: plain, For: hop}
						for _, u := range elsewhere {
							r := Decide(cred, u, nil)
							if r == nil {
								t.Errorf("%s (%s) on a %v hop went to %s without an allowance", name, s.Name, hop, u)
								continue
							}
							if r.Tie != ByVar || strings.TrimSpace(name) != r.Var || !slices.Contains(r.Owners, s) {
								t.Errorf("%s to %s: refusal %+v", name, u, r)
							}
						}
						for _, h := range s.Hosts {
							if r := Decide(cred, "https://"+hostOf(h)+"/v1", nil); r != nil {
								t.Errorf("%s (%s) refused at its own host %s: %+v", name, s.Name, hostOf(h), r)
							}
						}
						if r := Decide(cred, "http://127.0.0.1:4000/v1", loop); r != nil {
							t.Errorf("%s refused at an allowed host: %+v", name, r)
						}
						if r := Decide(cred, "http://127.0.0.1:4001/v1", loop); r == nil {
							t.Errorf("%s went to 127.0.0.1:4001; only :4000 is allowed", name)
						}
					}
				}
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d provider key variables in the registry", n)
	}
}

// The rule, case by case: the value's distinctive prefix decides alone;
// otherwise the variable and the hop type each pin the key to their
// provider's hosts; a variable of one's own and a value without a prefix
// is a gateway's key (loopback, private, single-label hosts only).
func TestDecideTable(t *testing.T) {
	const (
		plain  = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
		legacy = "sk-ABCDEFGHIJKLMNOPQRSTT3BlbkFJabcdefghijklmnopqrst"
		hexKey = "sk-0123456789abcdef0123456789abcdef"
	)
	orKey := "sk-or-v1-" + strings.Repeat("ab", 32)
	projKey := "sk-proj-" + strings.Repeat("p", 48)
	oc, ll, ol := provider.For(provider.OpenAICompatible), provider.For(provider.LiteLLM), provider.For(provider.Ollama)
	mi, or, oa := provider.For(provider.Mistral), provider.For(provider.OpenRouter), provider.For(provider.OpenAI)
	bed := provider.For(provider.Bedrock)
	allowLoop, _ := ParseAllow("127.0.0.0/8")
	allowGW, _ := ParseAllow("gw.example.com")
	for _, c := range []struct {
		name  string
		cred  Credential
		url   string
		allow *Allow
		ok    bool
		tie   Tie
	}{
		// Non-pinned hop types carrying provider key variables.
		{"legacy OpenAI key, openai-compatible hop, loopback", Credential{"OPENAI_API_KEY", legacy, oc}, "http://127.0.0.1:18001/v1", nil, false, ByVar},
		{"DeepSeek key, openai-compatible hop, loopback", Credential{"DEEPSEEK_API_KEY", hexKey, oc}, "http://127.0.0.1:18001/v1", nil, false, ByVar},
		{"Mistral key, ollama hop, loopback", Credential{"MISTRAL_API_KEY", plain, ol}, "http://127.0.0.1:18001", nil, false, ByVar},
		{"Mistral key, litellm hop, service container", Credential{"MISTRAL_API_KEY", plain, ll}, "http://litellm:4000", nil, false, ByVar},
		{"Mistral key, no hop type, private", Credential{"MISTRAL_API_KEY", plain, nil}, "http://10.0.0.5", nil, false, ByVar},
		{"AWS secret as a bearer, loopback", Credential{"AWS_SECRET_ACCESS_KEY", plain, oc}, "http://127.0.0.1:9/v1", nil, false, ByVar},
		{"Mistral key at Mistral's host", Credential{"MISTRAL_API_KEY", plain, oc}, "https://api.mistral.ai/v1", nil, true, Untied},
		{"Mistral key at another provider's host", Credential{"MISTRAL_API_KEY", plain, oc}, "https://api.openai.com/v1", nil, false, ByVar},
		{"Mistral key with a loopback allowance", Credential{"MISTRAL_API_KEY", plain, oc}, "http://127.0.0.1:18001/v1", allowLoop, true, Untied},
		{"Mistral key with another host allowed", Credential{"MISTRAL_API_KEY", plain, oc}, "http://127.0.0.1:18001/v1", allowGW, false, ByVar},
		{"lower-case variable name", Credential{"mistral_api_key", plain, oc}, "http://127.0.0.1:18001/v1", nil, false, ByVar},
		// The variable and the hop type both pin.
		{"DeepSeek variable on a mistral hop at Mistral's host", Credential{"DEEPSEEK_API_KEY", hexKey, mi}, "https://api.mistral.ai/v1", nil, false, ByVar},
		{"Mistral variable on a mistral hop at Mistral's host", Credential{"MISTRAL_API_KEY", plain, mi}, "https://api.mistral.ai/v1", nil, true, Untied},
		{"own variable on a mistral hop on loopback", Credential{"MY_KEY", plain, mi}, "http://127.0.0.1:1/v1", nil, false, ByType},
		// The value's prefix decides alone.
		{"OpenRouter key in OPENAI_API_KEY at OpenRouter", Credential{"OPENAI_API_KEY", orKey, oc}, "https://openrouter.ai/api/v1", nil, true, Untied},
		{"OpenRouter key in OPENAI_API_KEY at OpenAI", Credential{"OPENAI_API_KEY", orKey, oc}, "https://api.openai.com/v1", nil, false, ByPrefix},
		{"OpenRouter key in OPENAI_API_KEY on loopback", Credential{"OPENAI_API_KEY", orKey, oc}, "http://127.0.0.1:4000/v1", nil, false, ByPrefix},
		{"OpenRouter key on an openai hop at OpenRouter", Credential{"OPENAI_API_KEY", orKey, oa}, "https://openrouter.ai/api/v1", nil, true, Untied},
		{"project key in a variable of one's own on loopback", Credential{"GW_KEY", projKey, ll}, "http://127.0.0.1:4000", nil, false, ByPrefix},
		{"project key on an openrouter hop at OpenRouter", Credential{"OPENROUTER_API_KEY", projKey, or}, "https://openrouter.ai/api/v1", nil, false, ByPrefix},
		{"Bedrock API key on an openai-compatible hop", Credential{"GW_KEY", "ABSK" + plain, oc}, "http://127.0.0.1:4000/v1", nil, false, ByPrefix},
		{"Bedrock key variable at a Bedrock host", Credential{"AWS_BEARER_TOKEN_BEDROCK", plain, bed}, "https://bedrock-runtime.eu-west-1.amazonaws.com", nil, true, Untied},
		// A gateway's own key: a variable naming no provider, no prefix.
		{"own variable on loopback", Credential{"GATEWAY_API_KEY", legacy, oc}, "http://127.0.0.1:4000/v1", nil, true, Untied},
		{"own variable on a service container", Credential{"GATEWAY_API_KEY", hexKey, oc}, "http://litellm:4000/v1", nil, true, Untied},
		{"own variable on a public host", Credential{"GATEWAY_API_KEY", hexKey, oc}, "https://gw.example.com/v1", nil, false, Untied},
		{"own variable on an allowed public host", Credential{"GATEWAY_API_KEY", hexKey, oc}, "https://gw.example.com/v1", allowGW, true, Untied},
		{"LiteLLM master key variable on loopback", Credential{"LITELLM_MASTER_KEY", hexKey, ll}, "http://127.0.0.1:4000", nil, true, Untied},
		{"Ollama key variable on loopback", Credential{"OLLAMA_API_KEY", plain, ol}, "http://127.0.0.1:11434", nil, true, Untied},
		{"literal from a file on loopback", Credential{"", plain, ll}, "http://127.0.0.1:4000", nil, true, Untied},
		// A documented stand-in is no secret: only the hop type pins it.
		{"dummy in OPENAI_API_KEY to a local server", Credential{"OPENAI_API_KEY", "ollama", oc}, "http://127.0.0.1:11434/v1", nil, true, Untied},
		{"dummy in OPENAI_API_KEY to a public host", Credential{"OPENAI_API_KEY", "EMPTY", oc}, "https://attacker.example/v1", nil, false, Untied},
	} {
		r := Decide(c.cred, c.url, c.allow)
		if (r == nil) != c.ok {
			t.Errorf("%s: allowed = %v, want %v (%+v)", c.name, r == nil, c.ok, r)
			continue
		}
		if r != nil && r.Tie != c.tie {
			t.Errorf("%s: tie %d, want %d", c.name, r.Tie, c.tie)
		}
	}
	r := Decide(Credential{"MISTRAL_API_KEY", plain, oc}, "http://127.0.0.1:18001/v1", nil)
	if r == nil || r.Host != "127.0.0.1:18001" || r.Var != "MISTRAL_API_KEY" || len(r.Owners) != 1 || r.Owners[0] != mi {
		t.Errorf("refusal = %+v", r)
	}
}

// A variable several providers read may go to the hosts of any of them,
// and to no other.
func TestSharedVariableIsTheUnionOfItsProviders(t *testing.T) {
	mi, ds := provider.For(provider.Mistral), provider.For(provider.DeepSeek)
	shared := func(name string) []*provider.Spec {
		if name == "SHARED_API_KEY" {
			return []*provider.Spec{mi, ds}
		}
		return nil
	}
	cred := Credential{Var: "SHARED_API_KEY", Value: "AbCdEfGhIjKlMnOpQrStUvWxYz012345", For: provider.For(provider.OpenAICompatible)}
	for u, ok := range map[string]bool{"https://api.mistral.ai/v1": true, "https://api.deepseek.com": true,
		"https://api.openai.com/v1": false, "http://127.0.0.1:4000/v1": false} {
		r := decide(cred, u, nil, shared)
		if (r == nil) != ok {
			t.Errorf("%s: allowed = %v, want %v", u, r == nil, ok)
		}
		if r != nil && len(r.Owners) != 2 {
			t.Errorf("%s: owners %v", u, r.Owners)
		}
	}
}

// References hidden by an escape in the raw text are found in the decoded
// value; other variables are not references to runner variables.
func TestDecodedRefs(t *testing.T) {
	pos := chain.Pos{File: "openclaw.json", Line: 3, Col: 9}
	got := DecodedRefs("${GITHUB_TOKEN} and os.environ/ACTIONS_RUNTIME_TOKEN, ${OPENAI_API_KEY}, ${RUNNER_TEMP:-x}", pos)
	want := []DecodedRef{{"GITHUB_TOKEN", pos}, {"ACTIONS_RUNTIME_TOKEN", pos}, {"RUNNER_TEMP", pos}}
	if !slices.Equal(got, want) {
		t.Errorf("DecodedRefs = %+v, want %+v", got, want)
	}
	if got := DecodedRefs("os.environ/MISTRAL_API_KEY", pos); len(got) != 0 {
		t.Errorf("a provider variable reported: %+v", got)
	}
}
