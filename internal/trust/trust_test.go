package trust

import (
	"strings"
	"testing"

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
