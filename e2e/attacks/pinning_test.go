package attacks

// Key pinning by the variable a key comes from. A pull request that
// declares a hop of a type without official hosts (openai-compatible,
// ollama, litellm, a reverse proxy, a LiteLLM openai/ or hosted_vllm/ route
// with an api_base, an OpenClaw custom provider) must not get a provider's
// key whose value has no distinctive prefix (Mistral, DeepSeek, a legacy
// OpenAI key, AWS_SECRET_ACCESS_KEY, …) sent to a listener of its own: the
// variable's name ties the key to its provider's hosts, loopback included.
// And a reference to a runner variable hidden by an escape the config's
// parser resolves is the configuration error an unescaped one is.

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/cli"
)

// pinningKeys are provider keys without a distinctive value prefix, by
// the conventional variable that holds them.
var pinningKeys = map[string]string{
	"OPENAI_API_KEY":        "sk-ABCDEFGHIJKLMNOPQRSTT3BlbkFJabcdefghijklmnopqrst", // legacy OpenAI shape
	"DEEPSEEK_API_KEY":      "sk-0123456789abcdef0123456789abcdef",
	"MISTRAL_API_KEY":       "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
	"TOGETHER_API_KEY":      "tgp_v1_" + strings.Repeat("Tg7", 14),
	"COHERE_API_KEY":        strings.Repeat("Co4e", 10),
	"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
	"MOONSHOT_API_KEY":      "sk-" + strings.Repeat("m00n", 12),
	"ZAI_API_KEY":           strings.Repeat("a1b2", 8) + ".ZaiSecretPart0",
}

// pinningVars returns the job's variables: the named keys only, so no
// zero-config chain reaches a real provider for a key the files leave
// unused.
func pinningVars(names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = pinningKeys[n]
	}
	return out
}

func pinningHop(name, typ, url, keyEnv string) string {
	return "      - name: " + name + "\n        type: " + typ + "\n        url: " + url + "\n        key_env: " + keyEnv + "\n"
}

// hopcheck.yml declares non-pinned hop types at a loopback
// listener, with every provider key variable. No request carries a key;
// every chain fails with host-not-allowed naming the variable's provider
// and the allowance to add. With the allowance, the keys do arrive: the
// listener would have seen a leak.
func TestPinningHopcheckYMLHopTypes(t *testing.T) {
	a := newActRecorder(t, nil)
	// Each key on a hop type without official hosts (a litellm hop takes
	// only sk- keys, so it gets one of those).
	types := map[string]string{"OPENAI_API_KEY": "litellm", "DEEPSEEK_API_KEY": "openai-compatible", "MISTRAL_API_KEY": "ollama",
		"TOGETHER_API_KEY": "vllm", "COHERE_API_KEY": "lmstudio", "AWS_SECRET_ACCESS_KEY": "openai-compatible",
		"MOONSHOT_API_KEY": "openclaw", "ZAI_API_KEY": "ollama"}
	var yml strings.Builder
	yml.WriteString("version: 1\nchains:\n")
	names := slices.Sorted(maps.Keys(pinningKeys))
	for _, name := range names {
		yml.WriteString("  - name: c-" + strings.ToLower(strings.ReplaceAll(name, "_", "-")) + "\n    model: m\n    hops:\n")
		yml.WriteString(pinningHop("gw", types[name], a.URL+"/v1", name))
	}
	// Behind a reverse proxy: the key check through the proxy and the
	// canary carry the fronted hop's key to the proxy.
	yml.WriteString("  - name: relayed\n    model: m\n    hops:\n" +
		"      - name: edge\n        type: reverse-proxy\n        url: " + a.URL + "/v1\n" +
		pinningHop("gw", "openai-compatible", a.URL+"/v1", "MISTRAL_API_KEY"))
	files := map[string]string{".github/hopcheck.yml": yml.String()}
	vars := pinningVars(names...)
	for _, action := range []bool{false, true} {
		code, out := tokensRun(t, files, vars, action)
		if code != cli.ExitFailed {
			t.Errorf("action %v: exit %d, want 1\n%s", action, code, out)
		}
		for _, name := range names {
			if !strings.Contains(out, name+" is the key variable of") {
				t.Errorf("action %v: no finding says %s is a provider's key variable:\n%s", action, name, out)
			}
		}
		if !strings.Contains(out, "host-not-allowed") || !strings.Contains(out, "--allow-host "+strings.TrimPrefix(a.URL, "http://")) {
			t.Errorf("action %v: no host-not-allowed with the allowance to add:\n%s", action, out)
		}
		for _, name := range names {
			if strings.Contains(pinningUnmasked(out), pinningKeys[name]) {
				t.Errorf("action %v: %s reached the output", action, name)
			}
		}
	}
	for _, name := range names {
		a.assertNoneCarries(t, pinningKeys[name])
	}
	if n := len(a.requests()); n != 0 {
		t.Errorf("the listener received %d requests", n)
	}

	vars["HOPCHECK_ALLOW_HOSTS"] = "127.0.0.1"
	if code, out := tokensRun(t, files, vars, false); code == cli.ExitUsage || a.carriedBy("Authorization", pinningKeys["MISTRAL_API_KEY"]) == 0 {
		t.Fatalf("with the listener allowed, MISTRAL_API_KEY never arrived (exit %d): the test cannot see a leak\n%s", code, out)
	}
}

// A zero-config LiteLLM config routes openai/, hosted_vllm/
// and ollama/ models to a loopback api_base with provider key variables.
// The proxy's master key may go to the proxy on loopback; the provider
// keys go nowhere.
func TestPinningLiteLLMRoutes(t *testing.T) {
	a := newActRecorder(t, nil)
	files := map[string]string{"config.yaml": `model_list:
  - model_name: a
    litellm_params: {model: openai/gpt-4o, api_base: ` + a.URL + `/v1, api_key: os.environ/DEEPSEEK_API_KEY}
  - model_name: b
    litellm_params: {model: hosted_vllm/x, api_base: ` + a.URL + `/v1, api_key: os.environ/OPENAI_API_KEY}
  - model_name: c
    litellm_params: {model: ollama/x, api_base: ` + a.URL + `, api_key: os.environ/MISTRAL_API_KEY}
  - model_name: d
    litellm_params: {model: openai/y, api_base: ` + a.URL + `/v1, api_key: os.environ/RENAMED}
environment_variables:
  RENAMED: os.environ/COHERE_API_KEY
general_settings: {master_key: os.environ/LITELLM_MASTER_KEY}
`}
	vars := pinningVars("DEEPSEEK_API_KEY", "OPENAI_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY")
	master := "sk-master-" + strings.Repeat("5", 24)
	vars["LITELLM_MASTER_KEY"] = master
	vars["LITELLM_BASE_URL"] = a.URL
	for _, action := range []bool{false, true} {
		code, out := tokensRun(t, files, vars, action)
		if code != cli.ExitFailed || !strings.Contains(out, "host-not-allowed") {
			t.Errorf("action %v: exit %d, want 1 with host-not-allowed\n%s", action, code, out)
		}
		for _, name := range []string{"DEEPSEEK_API_KEY", "OPENAI_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY"} {
			if !strings.Contains(out, name+" is the key variable of") {
				t.Errorf("action %v: no finding names %s's provider:\n%s", action, name, out)
			}
		}
	}
	for _, name := range []string{"DEEPSEEK_API_KEY", "OPENAI_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY"} {
		a.assertNoneCarries(t, vars[name])
	}
	if a.carriedBy("Authorization", master) == 0 {
		t.Error("the proxy's own master key never reached the proxy on loopback")
	}
}

// An OpenClaw custom provider at a loopback baseUrl reads
// a provider key variable (as ${VAR} and as an env SecretRef). Nothing
// carries it there.
func TestPinningOpenClawCustomProvider(t *testing.T) {
	a := newActRecorder(t, nil)
	cases := map[string]string{
		"${VAR}": `{"agents":{"defaults":{"model":{"primary":"mine/m"}}},
 "models":{"providers":{"mine":{"baseUrl":"` + a.URL + `/v1","apiKey":"${MISTRAL_API_KEY}",
   "api":"openai-completions","models":[{"id":"m","name":"m"}]}}}}`,
		"SecretRef": `{agents: {defaults: {model: {primary: "mine/m"}}},
 models: {providers: {mine: {baseUrl: "` + a.URL + `/v1", apiKey: {source: "env", provider: "default", id: "MISTRAL_API_KEY"},
   api: "openai-completions", models: [{id: "m", name: "m"}]}}}}`,
	}
	vars := pinningVars("MISTRAL_API_KEY")
	for name, cfg := range cases {
		for _, action := range []bool{false, true} {
			code, out := tokensRun(t, map[string]string{"openclaw.json": cfg}, vars, action)
			if code != cli.ExitFailed || !strings.Contains(out, "MISTRAL_API_KEY is the key variable of") {
				t.Errorf("%s (action %v): exit %d, want 1 with host-not-allowed naming MISTRAL_API_KEY's provider\n%s", name, action, code, out)
			}
		}
	}
	a.assertNoneCarries(t, vars["MISTRAL_API_KEY"])
	if n := len(a.requests()); n != 0 {
		t.Errorf("the listener received %d requests", n)
	}
}

// The common legitimate setup — the OpenAI SDK pointed at a gateway with
// OPENAI_BASE_URL, the gateway's key in OPENAI_API_KEY — is refused until
// the host is allowed from outside the repository; the finding says how
// (and the alternative of a variable of one's own). Allowed, it passes.
func TestPinningOpenAIBaseURLPattern(t *testing.T) {
	a := newActRecorder(t, nil)
	key := "sk-gateway-" + strings.Repeat("7", 24)
	vars := map[string]string{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": a.URL + "/v1"}
	host := strings.TrimPrefix(a.URL, "http://")
	code, out := tokensRun(t, nil, vars, false)
	for _, want := range []string{"host-not-allowed", "OPENAI_API_KEY is the key variable of OpenAI", "--allow-host " + host,
		"HOPCHECK_ALLOW_HOSTS=" + host, "variable that names no provider"} {
		if !strings.Contains(out, want) {
			t.Errorf("the finding lacks %q:\n%s", want, out)
		}
	}
	if code != cli.ExitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	a.assertNoneCarries(t, key)
	vars["HOPCHECK_ALLOW_HOSTS"] = host
	if code, out := tokensRun(t, nil, vars, false); code != cli.ExitOK || a.carriedBy("Authorization", key) == 0 {
		t.Errorf("allowed: exit %d, %d requests with the key\n%s", code, a.carriedBy("Authorization", key), out)
	}
}

// A host allowed from outside the repository that redirects elsewhere
// (another port of loopback) does not take the key along: redirects are
// followed only to the same origin, whose decision is the one made.
func TestPinningRedirectsStayOnTheAllowedOrigin(t *testing.T) {
	b := newActRecorder(t, nil)
	a := newActRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	files := map[string]string{".github/hopcheck.yml": "version: 1\nchains:\n  - name: c\n    model: m\n    hops:\n" +
		pinningHop("gw", "openai-compatible", a.URL+"/v1", "MISTRAL_API_KEY")}
	vars := pinningVars("MISTRAL_API_KEY")
	vars["HOPCHECK_ALLOW_HOSTS"] = strings.TrimPrefix(a.URL, "http://")
	code, out := tokensRun(t, files, vars, false)
	if code != cli.ExitFailed {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	if a.carriedBy("Authorization", vars["MISTRAL_API_KEY"]) == 0 {
		t.Fatalf("the allowed host never got the key: the test proves nothing\n%s", out)
	}
	b.assertNoneCarries(t, vars["MISTRAL_API_KEY"])
	if n := len(b.requests()); n != 0 {
		t.Errorf("the redirect target received %d requests", n)
	}
}

// A reference to a runner variable that an escape hides from a scan of the
// raw text, but not from the config's parser, is a configuration error at
// its line (exit 2), and nothing is sent.
func TestPinningEscapedRunnerReferences(t *testing.T) {
	a := newActRecorder(t, nil)
	ghs := "ghs_" + strings.Repeat("E5c4p3", 6)
	vars := map[string]string{"GITHUB_TOKEN": ghs, "ACTIONS_RUNTIME_TOKEN": ghs + "rt", "GATEWAY_KEY": "gw-" + strings.Repeat("k", 24)}
	cases := []struct {
		name  string
		files map[string]string
		where string
	}{
		{"OpenClaw env block, JSON5 \\u escape", map[string]string{"openclaw.json": `{agents: {defaults: {model: {primary: "mine/m"}}},
 env: {MYKEY: "\u0024{GITHUB_TOKEN}"},
 models: {providers: {mine: {baseUrl: "` + a.URL + `/v1", apiKey: "${MYKEY}", api: "openai-completions", models: [{id: "m", name: "m"}]}}}}`}, "openclaw.json:2:"},
		{"OpenClaw SecretRef in a setting hopcheck does not model", map[string]string{"openclaw.json": `{agents: {defaults: {model: {primary: "mine/m"}}},
 models: {providers: {mine: {baseUrl: "` + a.URL + `/v1", apiKey: "${GATEWAY_KEY}", api: "openai-completions", models: [{id: "m", name: "m"}]}}},
 channels: {telegram: {botToken: {source: "env", provider: "default", id: "ACTIONS_RUNTIME_TOKEN"}}}}`}, "openclaw.json:3:"},
		{"LiteLLM environment_variables, YAML \\x escape", map[string]string{"config.yaml": `model_list:
  - model_name: a
    litellm_params: {model: openai/gpt-4o, api_base: ` + a.URL + `/v1, api_key: os.environ/GATEWAY_KEY}
environment_variables:
  OTHER: "os.environ\x2fGITHUB_TOKEN"
`}, "config.yaml:5:"},
		{"LiteLLM section hopcheck does not read, YAML \\u escape", map[string]string{"config.yaml": `model_list:
  - model_name: a
    litellm_params: {model: openai/gpt-4o, api_base: ` + a.URL + `/v1, api_key: os.environ/GATEWAY_KEY}
litellm_settings:
  callbacks_token: "os.environ\u002FACTIONS_RUNTIME_TOKEN"
`}, "config.yaml:5:"},
		{".env double-quoted escape", map[string]string{".env": "PROXY_TOKEN=\"$\\{GITHUB_TOKEN}\"\n", "config.yaml": `model_list:
  - model_name: a
    litellm_params: {model: openai/gpt-4o, api_base: ` + a.URL + `/v1, api_key: os.environ/GATEWAY_KEY}
`}, ".env:1:"},
	}
	for _, c := range cases {
		for _, action := range []bool{false, true} {
			code, out := tokensRun(t, c.files, vars, action)
			if code != cli.ExitUsage || !strings.Contains(out, "variable the CI runner sets") || !strings.Contains(out, c.where) {
				t.Errorf("%s (action %v): exit %d, want 2 with the runner variable refused at %s\n%s", c.name, action, code, c.where, out)
			}
			if strings.Contains(out, ghs[:16]) {
				t.Errorf("%s (action %v): the runner token reached the output", c.name, action)
			}
		}
	}
	a.assertNoneCarries(t, ghs)
	if n := len(a.requests()); n != 0 {
		t.Errorf("the listener received %d requests from configs that stop the run", n)
	}
}

// carriedBy counts the requests whose header carried secret.
func (r *actRecorder) carriedBy(header, secret string) int {
	n := 0
	for _, q := range r.requests() {
		if strings.Contains(q.Header.Get(header), secret) {
			n++
		}
	}
	return n
}

// pinningUnmasked drops the ::add-mask:: commands (which hand the runner
// the secrets to hide) from an action's output.
func pinningUnmasked(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "::add-mask::") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
