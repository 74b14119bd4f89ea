package openclaw

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// TestCommittedSecrets: every credential committed anywhere in the file
// that can be a real one is secret-in-config, once, at its value;
// placeholders, stand-ins and short words are not.
func TestCommittedSecrets(t *testing.T) {
	const (
		bot   = "9094061986:AAoVC3qGId86ExR48VhzWVI8TAM4V77qf1P"
		gwHex = "19868e963ea6911b50501d928d62d23446ec08345102b2fa"
		envK  = "gsk_0123456789abcdefghijklmnopqrstuvwxyz0123456789ab"
	)
	cfg := parse(t, `{
  agents: {defaults: {model: "anthropic/claude-x"}},
  gateway: {auth: {token: "`+gwHex+`"}, remote: {token: "remote-token"}},
  channels: {telegram: {accounts: {a: {botToken: "`+bot+`"}, b: {botToken: "YOUR_TELEGRAM_BOT_TOKEN"}}},
             slack: {botToken: "xoxb-REPLACE_ME"}},
  hooks: {token: "shared-secret"},
  env: {vars: {GROQ_API_KEY: "`+envK+`", OPENAI_API_KEY: "sk-..."}},
  models: {providers: {ollama: {apiKey: "ollama-local"}}},
}`)
	fs := Judge(cfg, Derive(cfg, Options{}))
	got := map[int]finding.Finding{}
	for _, f := range byCheck(fs, "openclaw.secret") {
		if _, dup := got[f.Line]; dup {
			t.Errorf("reported twice: %+v", f)
		}
		got[f.Line] = f
	}
	for line, path := range map[int]string{3: "gateway.auth.token", 4: "channels.telegram.accounts.a.botToken", 7: "env.vars.GROQ_API_KEY"} {
		f, ok := got[line]
		if !ok || f.Cause != finding.SecretInConfig || f.Severity != finding.SevError || !strings.Contains(f.Message, path) {
			t.Errorf("line %d (%s): %+v", line, path, f)
		}
	}
	if len(got) != 3 {
		t.Errorf("findings = %+v", got)
	}
	for _, s := range []string{bot, gwHex, envK} {
		noLeak(t, s, nil, fs)
	}
	secrets := strings.Join(Secrets(cfg), "\n")
	for _, s := range []string{bot, gwHex, envK, "remote-token", "shared-secret"} {
		if !strings.Contains(secrets, s) {
			t.Errorf("%s is not registered for scrubbing", s)
		}
	}
	for _, s := range []string{"ollama-local", "sk-..."} {
		for _, got := range Secrets(cfg) {
			if got == s {
				t.Errorf("%s (no secret) is registered for scrubbing", s)
			}
		}
	}
}

// TestGatewayTokenOffChain: with the gateway's endpoint off, the chain is
// direct, but a literal gateway token is still reported.
func TestGatewayTokenOffChain(t *testing.T) {
	cfg := parse(t, `{agents: {defaults: {model: "openai/gpt-4o"}}, gateway: {auth: {token: "gateway-token"}}}`)
	fs := byCheck(Judge(cfg, Derive(cfg, Options{})), "openclaw.secret")
	if len(fs) != 1 || fs[0].Chain != "" || fs[0].Cause != finding.SecretInConfig || fs[0].Severity != finding.SevWarning {
		t.Errorf("findings = %+v", fs)
	}
}

// TestFileFindings: what OpenClaw would refuse or read differently is
// said at its position, and a file without a chain says why.
func TestFileFindings(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"oc/openclaw.json": "{\n  gateway: {auth: {token: 'secret'}},\n  agents: {list: {$include: ['./a.json5', './gone.json5']}, bindings: []},\n  env: {files: ['.env']},\n}",
		"oc/a.json5":       "[{id: 'a'}]",
	})
	cfg, err := Load(dir, "oc/openclaw.json")
	if err != nil {
		t.Fatal(err)
	}
	d := Derive(cfg, Options{})
	fs := Judge(cfg, d)
	if len(d.Plans) != 0 || !d.NoModel {
		t.Fatalf("plans %+v", d.Plans)
	}
	want := map[string]struct {
		line int
		sev  finding.Severity
	}{
		"openclaw.include": {3, finding.SevError},
		"openclaw.schema":  {3, finding.SevNotice},
		"openclaw.model":   {3, finding.SevWarning},
		"openclaw.secret":  {2, finding.SevWarning},
	}
	for check, w := range want {
		got := byCheck(fs, check)
		if len(got) == 0 || got[0].Line != w.line || got[0].Severity != w.sev || got[0].File != "oc/openclaw.json" {
			t.Errorf("%s: %+v", check, got)
		}
	}
	if n := len(byCheck(fs, "openclaw.schema")); n != 2 {
		t.Errorf("schema findings: %d (agents.bindings and env.files)", n)
	}
	if m := byCheck(fs, "openclaw.model")[0]; m.Cause != finding.NotVerified || !strings.Contains(m.Message, BuiltinDefaultModel) {
		t.Errorf("no-model finding = %+v", m)
	}
}

// TestUnsetRefs: ${VAR} references the job cannot fill are named once, in
// one notice, unless a chain's or the gateway's credential makes them (the
// engine and the gateway's judgement report those).
func TestUnsetRefs(t *testing.T) {
	cfg := parse(t, `{
  agents: {defaults: {model: "anthropic/claude-x", memorySearch: {remote: {apiKey: "${GEMINI_API_KEY}"}}}},
  models: {providers: {anthropic: {apiKey: "${ANTHROPIC_API_KEY}"}}},
  gateway: {auth: {token: "${OPENCLAW_GATEWAY_TOKEN}"}},
  tools: {media: {audio: {baseUrl: "https://whisper.${DOMAIN}/v1", request: {auth: {token: "${WHISPER_TOKEN}"}}}}},
  channels: {telegram: {botToken: "${TELEGRAM_BOT_TOKEN}"}, x: {url: "https://${DOMAIN}/x", set: "$${ESCAPED}"}},
  env: {vars: {TELEGRAM_BOT_TOKEN: "from-the-env-block"}},
}`)
	d := Derive(cfg, Options{LookupEnv: env("WHISPER_TOKEN", "w")})
	fs := byCheck(Judge(cfg, d), "openclaw.env")
	if len(fs) != 1 || fs[0].Severity != finding.SevNotice || fs[0].Line != 2 {
		t.Fatalf("findings = %+v", fs)
	}
	m := fs[0].Message
	for _, want := range []string{"GEMINI_API_KEY (agents.defaults.memorySearch.remote.apiKey)", "DOMAIN (tools.media.audio.baseUrl)"} {
		if !strings.Contains(m, want) {
			t.Errorf("message lacks %q: %s", want, m)
		}
	}
	for _, not := range []string{"ANTHROPIC_API_KEY", "OPENCLAW_GATEWAY_TOKEN", "WHISPER_TOKEN", "TELEGRAM_BOT_TOKEN", "ESCAPED", "channels.x.url"} {
		if strings.Contains(m, not) {
			t.Errorf("message names %s: %s", not, m)
		}
	}
}

// TestProviderKeyLiterals: a literal apiKey is judged by what it can be
// and where it goes. A value that cannot be a real key, given to a no-key
// server type at a private address, is a stand-in (OpenClaw wants an
// apiKey for every custom provider): sent as written, never reported nor
// scrubbed. Elsewhere a weak literal is a warning, a real-looking one an
// error.
func TestProviderKeyLiterals(t *testing.T) {
	const real = "sk-proj-Q2x7Vb9KmT4wLp8ZrN3sY6dF1hJ5gC0a"
	for _, tc := range []struct {
		name, provider string
		sev            finding.Severity // "" for none
		secret         bool
	}{
		{"ollama on the LAN, its own name", `"ollama-remote": {baseUrl: "http://192.168.1.67:11434", api: "ollama", apiKey: "ollama-remote"}`, "", false},
		{"built-in ollama on a compose host", `ollama: {baseUrl: "http://ollama:11434", api: "ollama", apiKey: "local-box"}`, "", false},
		{"real-looking key on the LAN", `"ollama-remote": {baseUrl: "http://192.168.1.67:11434", api: "ollama", apiKey: "` + real + `"}`, finding.SevError, true},
		{"weak key on a public host", `"my-proxy": {baseUrl: "https://llm.corp.dev/v1", apiKey: "letmein"}`, finding.SevWarning, true},
		{"weak key to a private OpenAI-compatible server", `"vllm-box": {baseUrl: "http://10.0.0.5:8000/v1", apiKey: "team-key"}`, finding.SevWarning, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := strings.Trim(tc.provider[:strings.Index(tc.provider, ":")], `"`)
			cfg := parse(t, `{agents: {defaults: {model: {primary: "`+id+`/m1"}}}, models: {providers: {`+tc.provider+`}}}`)
			d := Derive(cfg, Options{})
			if len(d.Plans) != 1 {
				t.Fatalf("plans = %+v", d.Plans)
			}
			h := d.Plans[0].Chain.Hops[len(d.Plans[0].Chain.Hops)-1]
			if h.KeyValue != cfg.Providers[0].APIKey.Literal {
				t.Errorf("hop key not sent as written")
			}
			fs := byCheck(Judge(cfg, d), "openclaw.secret")
			switch {
			case tc.sev == "" && len(fs) != 0:
				t.Errorf("findings = %+v", fs)
			case tc.sev != "" && (len(fs) != 1 || fs[0].Severity != tc.sev || fs[0].Cause != finding.SecretInConfig):
				t.Errorf("findings = %+v, want one %s", fs, tc.sev)
			}
			secrets := Secrets(cfg)
			if got := len(secrets) == 1; got != tc.secret {
				t.Errorf("scrubbed %v, want %v", secrets, tc.secret)
			}
		})
	}
}

// TestTemplateProvider: a provider copied from documentation and never
// filled in (a <placeholder> URL, a placeholder model) is reported.
func TestTemplateProvider(t *testing.T) {
	cfg := parse(t, `{
  models: {providers: {azure: {api: "azure-openai-responses", baseUrl: "https://<your-resource>.openai.azure.com/openai/v1/",
    apiKey: "${AZURE_OPENAI_API_KEY}", models: [{id: "<your-deployment-name>", name: "x"}]}}},
  agents: {defaults: {model: {primary: "azure/<your-deployment-name>"}}},
}`)
	fs := Judge(cfg, Derive(cfg, Options{}))
	base, model := byCheck(fs, "openclaw.baseurl"), byCheck(fs, "openclaw.model")
	if len(base) != 1 || base[0].Severity != finding.SevError || base[0].Cause != finding.ConfigInvalid || base[0].Line != 2 {
		t.Errorf("baseUrl findings = %+v", base)
	}
	if len(model) != 1 || model[0].Line != 4 || !strings.Contains(model[0].Message, "placeholder") {
		t.Errorf("model findings = %+v", model)
	}
	for _, u := range []string{"https://api.example.com/v1", "http://llm.invalid/v1", "https://{{host}}/v1"} {
		if templateURL(u) == "" {
			t.Errorf("%s is not reported as a template", u)
		}
	}
	for _, u := range []string{"https://api.openai.com/v1", "http://localhost:4000", "http://192.168.1.67:11434"} {
		if w := templateURL(u); w != "" {
			t.Errorf("%s reported as a template: %s", u, w)
		}
	}
}

// TestBaseURLVariable: OpenClaw substitutes ${VAR} in every string, the
// docs' "${BASE}/v1" included. hopcheck substitutes a leading reference
// whose value is an http(s) URL (from the job, else the env block); it
// never puts a credential-named variable or an embedded reference into a
// URL, so the file cannot steer a value of the job into a request.
func TestBaseURLVariable(t *testing.T) {
	for _, tc := range []struct {
		name, base, env string
		job             []string
		url             string
		unset           bool
	}{
		{name: "from the job", base: "${LLM_BASE}/v1", job: []string{"LLM_BASE", "http://10.1.2.3:8000"}, url: "http://10.1.2.3:8000/v1"},
		{name: "whole value", base: "${LLM_BASE}", job: []string{"LLM_BASE", "https://llm.corp.dev/v1"}, url: "https://llm.corp.dev/v1"},
		{name: "from the env block", base: "${LLM_BASE}/v1", env: `env: {vars: {LLM_BASE: "http://vllm:8000"}},`, url: "http://vllm:8000/v1"},
		{name: "unset", base: "${LLM_BASE}/v1", url: "${LLM_BASE}/v1", unset: true},
		{name: "no URL in it", base: "${LLM_BASE}/v1", job: []string{"LLM_BASE", "vllm"}, url: "${LLM_BASE}/v1", unset: true},
		{name: "credential-named variable", base: "${OPENAI_API_KEY}/v1", job: []string{"OPENAI_API_KEY", "https://sk-proj-abc"}, url: "${OPENAI_API_KEY}/v1"},
		{name: "embedded reference", base: "https://evil.test/${LLM_BASE}", job: []string{"LLM_BASE", "http://10.1.2.3"}, url: "https://evil.test/${LLM_BASE}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(t, `{`+tc.env+` models: {providers: {custom: {baseUrl: "`+tc.base+`", apiKey: "${CUSTOM_KEY}", models: [{id: "m1", name: "M1"}]}}},
  agents: {defaults: {model: {primary: "custom/m1"}}}}`)
			d := Derive(cfg, Options{LookupEnv: env(tc.job...)})
			if len(d.Plans) != 1 {
				t.Fatalf("plans = %+v", d.Plans)
			}
			p := d.Plans[0]
			if h := p.Chain.Hops[len(p.Chain.Hops)-1]; h.URL != tc.url {
				t.Errorf("url %q, want %q", h.URL, tc.url)
			}
			if p.Up.BaseUnset != tc.unset {
				t.Errorf("unset %v, want %v", p.Up.BaseUnset, tc.unset)
			}
			fs := byCheck(Judge(cfg, d), "openclaw.baseurl")
			got := false
			for _, f := range fs {
				got = got || (f.Cause == finding.WrongEndpoint && f.Severity == finding.SevError && strings.Contains(f.Message, "LLM_BASE"))
			}
			if got != tc.unset {
				t.Errorf("findings = %+v", fs)
			}
			for _, r := range d.UnsetRefs {
				if r.Name == "LLM_BASE" {
					t.Errorf("LLM_BASE listed as used by no chain")
				}
			}
		})
	}
}

// A gateway token left as a template is reported as what it is: the text
// the gateway accepts, with nothing to revoke.
func TestGatewayPlaceholderToken(t *testing.T) {
	cfg := parse(t, `{gateway: {auth: {token: "<SET_GATEWAY_TOKEN>"}, http: {endpoints: {chatCompletions: {enabled: true}}}}, agents: {defaults: {model: "openrouter/auto"}}}`)
	fs := byCheck(Judge(cfg, Derive(cfg, Options{})), "openclaw.secret")
	if len(fs) != 1 || fs[0].Severity != finding.SevWarning || !strings.Contains(fs[0].Message, "placeholder") || strings.Contains(fs[0].Fix, "Revoke") {
		t.Errorf("findings %+v", fs)
	}
}

// Agents besides the default one run their own models: one notice per
// model no chain checks, none for a model a chain checks.
func TestOtherAgentsModels(t *testing.T) {
	cfg := parse(t, `{agents: {defaults: {model: "openrouter/auto"}, list: [
  {id: "main", default: true},
  {id: "coder", model: {primary: "anthropic/claude-x"}},
  {id: "writer", model: "anthropic/claude-x"},
  {id: "same", model: "openrouter/auto"},
  {id: "local", model: {primary: "ollama/llama3"}},
]}}`)
	d := Derive(cfg, Options{})
	var got []string
	for _, o := range d.OtherAgents {
		got = append(got, o.Agent.ID+"="+o.Choice.Provider+"/"+o.Choice.Model)
	}
	if strings.Join(got, " ") != "coder=anthropic/claude-x local=ollama/llama3" {
		t.Errorf("other agents: %q", got)
	}
	fs := byCheck(Judge(cfg, d), "openclaw.agents")
	if len(fs) != 2 || fs[0].Severity != finding.SevNotice || fs[0].Line == 0 || !strings.Contains(fs[0].Message, "coder") {
		t.Errorf("findings %+v", fs)
	}
}
