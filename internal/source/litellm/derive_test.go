package litellm

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
)

// derive parses src as config.yaml and derives its chains and findings for
// a job with the variables vars.
func derive(t *testing.T, src string, vars map[string]string) (*Deriver, *Result) {
	t.Helper()
	cfg, err := Parse("config.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	d := New(cfg, MapEnv(vars))
	res := d.Chains(Options{})
	j := d.Judge()
	res.Findings = append(res.Findings, j.Findings...)
	res.Secrets = append(res.Secrets, j.Secrets...)
	return d, res
}

func chainOf(t *testing.T, r *Result, name string) *chain.Chain {
	t.Helper()
	for _, c := range r.Chains {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no chain %q in %v", name, names(r))
	return nil
}

func names(r *Result) []string {
	var out []string
	for _, c := range r.Chains {
		out = append(out, c.Name)
	}
	return out
}

func findings(r *Result, check string) []finding.Finding {
	var out []finding.Finding
	for _, f := range r.Findings {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func TestRoutesToEveryProvider(t *testing.T) {
	for _, tc := range []struct {
		name, model, params string
		vars                map[string]string
		typ                 chain.HopType
		url, keyEnv         string
		version             string
	}{
		{name: "azure key unset is still demanded", model: "azure/gpt-4o", params: "api_base: https://res.openai.azure.com/\n      api_key: os.environ/AZURE_API_KEY\n      api_version: \"2024-06-01\"",
			typ: provider.Azure, url: "https://res.openai.azure.com/", keyEnv: "AZURE_API_KEY", version: "2024-06-01"},
		{name: "azure version from env", model: "azure/gpt-4o", params: "api_base: os.environ/AZURE_API_BASE\n      api_key: os.environ/AZURE_API_KEY\n      api_version: os.environ/AZ_VERSION",
			vars: map[string]string{"AZURE_API_BASE": "https://r.openai.azure.com", "AZ_VERSION": "2025-01-01-preview"},
			typ:  provider.Azure, url: "https://r.openai.azure.com", keyEnv: "AZURE_API_KEY", version: "2025-01-01-preview"},
		{name: "gemini implicit", model: "gemini/gemini-2.5-flash", typ: provider.Gemini, url: provider.For(provider.Gemini).BaseURL, keyEnv: "GEMINI_API_KEY"},
		{name: "groq", model: "groq/llama-3.3-70b", params: "api_key: os.environ/GROQ_API_KEY", typ: provider.Groq, url: provider.For(provider.Groq).BaseURL, keyEnv: "GROQ_API_KEY"},
		{name: "mistral names its conventional variable", model: "mistral/mistral-small", typ: provider.Mistral, url: provider.For(provider.Mistral).BaseURL, keyEnv: "MISTRAL_API_KEY"},
		{name: "cohere", model: "cohere/command-r", params: "api_key: os.environ/COHERE_API_KEY", typ: provider.Cohere, url: provider.For(provider.Cohere).BaseURL, keyEnv: "COHERE_API_KEY"},
		{name: "deepseek", model: "deepseek/deepseek-chat", typ: provider.DeepSeek, url: provider.For(provider.DeepSeek).BaseURL, keyEnv: "DEEPSEEK_API_KEY"},
		{name: "moonshot", model: "moonshot/kimi-k2", typ: provider.Moonshot, url: provider.For(provider.Moonshot).BaseURL, keyEnv: "MOONSHOT_API_KEY"},
		{name: "zai", model: "zai/glm-4.6", typ: provider.ZAI, url: provider.For(provider.ZAI).BaseURL, keyEnv: "ZAI_API_KEY"},
		{name: "ollama needs no key", model: "ollama/llama3", params: "api_base: http://ollama:11434", typ: provider.Ollama, url: "http://ollama:11434", keyEnv: ""},
		{name: "bedrock signs with the runtime's credentials", model: "bedrock/anthropic.claude-3", params: "aws_region_name: eu-west-1",
			typ: provider.Bedrock, url: provider.BedrockRuntimeURL("eu-west-1"), keyEnv: ""},
		{name: "bedrock with the job's access key", model: "bedrock/anthropic.claude-3", vars: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE"},
			typ: provider.Bedrock, url: provider.BedrockRuntimeURL(provider.BedrockDefaultRegion), keyEnv: "AWS_ACCESS_KEY_ID"},
		{name: "vertex location", model: "vertex_ai/gemini-2.5-pro", params: "vertex_location: europe-west4", typ: provider.Vertex, url: "https://europe-west4-aiplatform.googleapis.com"},
		{name: "vertex global", model: "vertex_ai/gemini-2.5-pro", params: "vertex_location: global", typ: provider.Vertex, url: "https://aiplatform.googleapis.com"},
		{name: "openai prefix on openrouter's host", model: "openai/anthropic/claude", params: "api_base: https://openrouter.ai/api/v1\n      api_key: os.environ/OPENROUTER_API_KEY",
			typ: provider.OpenRouter, url: "https://openrouter.ai/api/v1", keyEnv: "OPENROUTER_API_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "model_list:\n  - model_name: m\n    litellm_params:\n      model: " + tc.model + "\n"
			if tc.params != "" {
				src += "      " + tc.params + "\n"
			}
			_, r := derive(t, src, tc.vars)
			c := chainOf(t, r, "m")
			if len(c.Hops) != 2 {
				t.Fatalf("hops %+v, want litellm and the provider", c.Hops)
			}
			h := c.Hops[1]
			if h.Type != tc.typ || h.URL != tc.url || h.KeyEnv != tc.keyEnv {
				t.Errorf("hop = %s %q key %q, want %s %q key %q", h.Type, h.URL, h.KeyEnv, tc.typ, tc.url, tc.keyEnv)
			}
			if got := h.Params["api_version"]; got != tc.version {
				t.Errorf("api_version = %q, want %q", got, tc.version)
			}
		})
	}
}

// A prefix litellm_settings.custom_provider_map registers (LiteLLM's
// custom handlers, docs.litellm.ai/docs/providers/custom_llm_server) is a
// route the proxy serves from its own code: checked through the proxy
// only, not reported as one that cannot work; the same prefix without the
// map still is.
func TestCustomProviderMapPrefix(t *testing.T) {
	src := `model_list:
  - model_name: my-custom-model
    litellm_params:
      model: my-custom-llm/my-model
litellm_settings:
  custom_provider_map:
  - {"provider": "my-custom-llm", "custom_handler": custom_handler.my_custom_llm}
`
	_, r := derive(t, src, nil)
	if c := chainOf(t, r, "my-custom-model"); len(c.Hops) != 1 {
		t.Errorf("no hop may be invented behind the proxy: %+v", c.Hops)
	}
	fs := findings(r, "litellm.provider")
	if len(fs) != 1 || fs[0].Cause != finding.NotVerified || fs[0].Severity != finding.SevNotice || !strings.Contains(fs[0].Message, "custom_provider_map") || fs[0].Line != 4 {
		t.Fatalf("custom provider: %+v", fs)
	}
	_, r = derive(t, strings.Split(src, "litellm_settings:")[0], nil)
	if fs := findings(r, "litellm.provider"); len(fs) != 1 || fs[0].Cause != finding.ConfigInvalid {
		t.Errorf("without the map: %+v", fs)
	}
}

func TestUnknownAndUnmodelledPrefixes(t *testing.T) {
	src := `model_list:
  - model_name: broken
    litellm_params: {model: zhipu/glm-4-flash, api_key: os.environ/ZHIPU_API_KEY}
  - model_name: typo
    litellm_params: {model: mistralai/mistral-7b}
  - model_name: sm
    litellm_params: {model: sagemaker/llama}
`
	_, r := derive(t, src, nil)
	for _, name := range []string{"broken", "typo", "sm"} {
		if c := chainOf(t, r, name); len(c.Hops) != 1 {
			t.Errorf("%s: no hop may be invented behind the proxy: %+v", name, c.Hops)
		}
	}
	fs := findings(r, "litellm.provider")
	if len(fs) != 3 {
		t.Fatalf("provider findings: %+v", fs)
	}
	if fs[0].Cause != finding.ConfigInvalid || fs[0].Chain != "broken" || !strings.Contains(fs[0].Message, `"zhipu/"`) || fs[0].Line != 3 {
		t.Errorf("unknown prefix: %+v", fs[0])
	}
	if !strings.Contains(fs[1].Message, "Did you mean mistral/?") {
		t.Errorf("mistralai: %+v", fs[1])
	}
	if fs[2].Cause != finding.NotVerified || fs[2].Severity != finding.SevNotice {
		t.Errorf("a LiteLLM provider hopcheck does not model: %+v", fs[2])
	}
}

func TestLiteralKeysAreJudgedTheSameOnEveryProvider(t *testing.T) {
	real := "sk-" + strings.Repeat("Ab3", 12)
	for _, tc := range []struct {
		name, params string
		cause        finding.Cause
		sev          finding.Severity
		secret       bool
	}{
		{"placeholder on azure", "model: azure/d\n      api_base: https://r.openai.azure.com\n      api_key: sk-123", finding.CredentialMalformed, finding.SevError, false},
		{"placeholder on openai", "model: openai/gpt-4o\n      api_key: sk-123", finding.CredentialMalformed, finding.SevError, false},
		{"real-looking on azure", "model: azure/d\n      api_base: https://r.openai.azure.com\n      api_key: " + real, finding.SecretInConfig, finding.SevError, true},
		{"real-looking on groq", "model: groq/llama\n      api_key: " + real, finding.SecretInConfig, finding.SevError, true},
		{"real-looking on a private server", "model: openai/x\n      api_base: http://llm:8080/v1\n      api_key: " + real, finding.SecretInConfig, finding.SevError, true},
		{"dummy on a private server", "model: openai/x\n      api_base: http://llm:8080/v1\n      api_key: dummy", "", "", false},
		{"ollama's dummy", "model: ollama/llama3\n      api_base: http://10.0.0.5:11434\n      api_key: ollama-local", "", "", false},
		{"none on 0.0.0.0", "model: openai/x\n      api_base: http://0.0.0.0:4000/v1\n      api_key: none", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := derive(t, "model_list:\n  - model_name: m\n    litellm_params:\n      "+tc.params+"\n", nil)
			var got []finding.Finding
			for _, f := range r.Findings {
				if f.Cause == finding.SecretInConfig || f.Cause == finding.CredentialMalformed {
					got = append(got, f)
				}
			}
			if tc.cause == "" {
				if len(got) != 0 || len(r.Secrets) != 0 {
					t.Errorf("a dummy key is no secret: %+v %d secrets", got, len(r.Secrets))
				}
				return
			}
			line := 4 + strings.Count(tc.params[:strings.Index(tc.params, "api_key")], "\n")
			if len(got) != 1 || got[0].Cause != tc.cause || got[0].Severity != tc.sev || got[0].Line != line {
				t.Fatalf("findings %+v, want one %s %s at line %d", got, tc.sev, tc.cause, line)
			}
			if slices.Contains(r.Secrets, real) != tc.secret {
				t.Errorf("secret registered = %v, want %v", !tc.secret, tc.secret)
			}
			if c := chainOf(t, r, "m"); c.Hops[1].KeyEnv != "" {
				t.Errorf("a literal is never taken from the job: %+v", c.Hops[1])
			}
		})
	}
}

func TestProviderKeyNeverAttachedToAnotherHost(t *testing.T) {
	src := `model_list:
  - model_name: mock
    litellm_params:
      model: openai/gpt-4o
      api_base: https://mock.up.railway.app/
  - model_name: claude-on-azure
    litellm_params:
      model: anthropic/claude
      api_key: os.environ/AZURE_API_KEY
  - model_name: self-hosted
    litellm_params:
      model: openai/llama
      api_base: http://vllm.internal:8000/v1
`
	_, r := derive(t, src, map[string]string{"OPENAI_API_KEY": "sk-proj-x", "AZURE_API_KEY": "0123"})
	if h := chainOf(t, r, "mock").Hops[1]; h.KeyEnv != "" {
		t.Errorf("OPENAI_API_KEY attached to a public mock host: %+v", h)
	}
	if h := chainOf(t, r, "claude-on-azure").Hops[1]; h.KeyEnv != "" || h.Type != provider.Anthropic {
		t.Errorf("Azure's key attached to an Anthropic hop: %+v", h)
	}
	if h := chainOf(t, r, "self-hosted").Hops[1]; h.KeyEnv != "OPENAI_API_KEY" {
		t.Errorf("a private server may take OPENAI_API_KEY (the engine pins by value): %+v", h)
	}
	fs := findings(r, "litellm.api_base")
	if len(fs) != 2 || fs[0].Cause != finding.HostNotAllowed || fs[0].Line != 5 || !strings.Contains(fs[0].Message, "falls back to OPENAI_API_KEY") {
		t.Errorf("the finding must explain the fallback: %+v", fs)
	}
}

func TestWildcardRoutes(t *testing.T) {
	src := `model_list:
  - model_name: "openrouter/*"
    litellm_params: {model: "openrouter/*", api_key: os.environ/OPENROUTER_API_KEY}
  - model_name: "*"
    litellm_params: {model: "*"}
  - model_name: "*"
    litellm_params: {model: "openai/*"}
`
	_, r := derive(t, src, nil)
	or := chainOf(t, r, "openrouter/any")
	if or.Canary != chain.CanaryAuthOnly || or.Model != "" || len(or.Hops) != 2 || or.Hops[1].KeyEnv != "OPENROUTER_API_KEY" {
		t.Errorf("openrouter/*: %+v", or)
	}
	if c := chainOf(t, r, "any"); len(c.Hops) != 1 || c.Canary != chain.CanaryAuthOnly {
		t.Errorf("catch-all *: %+v", c)
	}
	if c := chainOf(t, r, "any-2"); len(c.Hops) != 2 || c.Hops[1].KeyEnv != "OPENAI_API_KEY" {
		t.Errorf("* → openai/*: %+v", c)
	}
	if fs := findings(r, "litellm.provider"); len(fs) != 1 || !strings.Contains(fs[0].Message, "catch-all") {
		t.Errorf("catch-all finding: %+v", fs)
	}
}

// A wildcard model_name whose litellm_params.model is one fixed model is
// no provider wildcard: every name it matches reaches that model, so its
// chain asks for a name the pattern matches (the upstream model id, unless
// another route would take that name) with an inference canary, and a
// model the provider lacks is caught.
func TestWildcardNameWithFixedModel(t *testing.T) {
	src := `model_list:
  - model_name: "*"
    litellm_params: {model: openai/qwen3-coder-plus, api_base: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", api_key: os.environ/DASHSCOPE_API_KEY}
  - model_name: "team/*"
    litellm_params: {model: openrouter/anthropic/claude-sonnet-4.5, api_key: os.environ/OPENROUTER_API_KEY}
  - model_name: "gpt-*"
    litellm_params: {model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY}
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY}
`
	_, r := derive(t, src, nil)
	for name, model := range map[string]string{
		"any":      "qwen3-coder-plus",                 // the upstream id
		"team/any": "team/anthropic/claude-sonnet-4.5", // * filled with it to match the pattern
		"gpt-any":  "gpt-gpt-4o",                       // gpt-4o is another route's exact name
	} {
		c := chainOf(t, r, name)
		if c.Model != model || c.Canary != chain.CanaryInference || len(c.Hops) != 2 {
			t.Errorf("%s: model %q canary %s hops %d, want %q inference through 2 hops", name, c.Model, c.Canary, len(c.Hops), model)
		}
	}
	if fs := findings(r, "litellm.provider"); len(fs) != 0 {
		t.Errorf("a fixed model is no catch-all: %+v", fs)
	}
}

func TestCredentialList(t *testing.T) {
	src := `model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      litellm_credential_name: azure-eu
  - model_name: own-key-wins
    litellm_params:
      model: azure/gpt-4o
      api_key: os.environ/OTHER_KEY
      litellm_credential_name: azure-eu
  - model_name: missing
    litellm_params:
      model: azure/gpt-4o
      litellm_credential_name: nope
credential_list:
  - credential_name: azure-eu
    credential_values:
      api_key: os.environ/AZURE_API_KEY
      api_base: os.environ/AZURE_API_BASE
      api_version: "2023-05-15"
    credential_info: {description: eu}
`
	_, r := derive(t, src, map[string]string{"AZURE_API_BASE": "https://eu.openai.azure.com"})
	h := chainOf(t, r, "gpt-4o").Hops[1]
	if h.KeyEnv != "AZURE_API_KEY" || h.KeyEnvPos.Line != 18 || h.URL != "https://eu.openai.azure.com" || h.Params["api_version"] != "2023-05-15" {
		t.Errorf("values from the credential: %+v", h)
	}
	if h := chainOf(t, r, "own-key-wins").Hops[1]; h.KeyEnv != "OTHER_KEY" || h.URL != "https://eu.openai.azure.com" {
		t.Errorf("the deployment's own params win: %+v", h)
	}
	if fs := findings(r, "litellm.credential"); len(fs) != 1 || fs[0].Line != 14 || fs[0].Severity != finding.SevError {
		t.Errorf("unknown credential name: %+v", fs)
	}
}

func TestEnvironmentVariables(t *testing.T) {
	src := `model_list:
  - model_name: a
    litellm_params: {model: openrouter/x/y, api_key: os.environ/OR_KEY}
  - model_name: b
    litellm_params: {model: groq/llama, api_key: os.environ/GROQ_FROM_FILE}
environment_variables:
  OR_KEY: os.environ/OPENROUTER_API_KEY
  GROQ_FROM_FILE: gsk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL
`
	_, r := derive(t, src, map[string]string{"OPENROUTER_API_KEY": "sk-or-v1-x"})
	if h := chainOf(t, r, "a").Hops[1]; h.KeyEnv != "OPENROUTER_API_KEY" {
		t.Errorf("environment_variables is followed to the job variable: %+v", h)
	}
	if h := chainOf(t, r, "b").Hops[1]; h.KeyEnv != "" {
		t.Errorf("a key set by the file is not the job's: %+v", h)
	}
	if fs := findings(r, "litellm.secret"); len(fs) != 1 || fs[0].Line != 8 || fs[0].Severity != finding.SevError {
		t.Errorf("the literal is reported once, at its line: %+v", fs)
	}
}

func TestMasterKey(t *testing.T) {
	route := "model_list:\n  - model_name: m\n    litellm_params: {model: openrouter/x/y}\n"
	for _, tc := range []struct {
		name, general string
		vars          map[string]string
		keyEnv        string
		keyValue      string
		check         string
		sev           finding.Severity
	}{
		{"docs sample", "general_settings:\n  master_key: sk-1234\n", nil, "", "sk-1234", "litellm.secret", finding.SevWarning},
		{"real-looking literal", "general_settings:\n  master_key: sk-" + strings.Repeat("x9Y", 10) + "\n", nil, "", "sk-" + strings.Repeat("x9Y", 10), "litellm.secret", finding.SevError},
		{"literal, the job has its own", "general_settings:\n  master_key: sk-1234\n", map[string]string{"LITELLM_MASTER_KEY": "sk-job"}, "LITELLM_MASTER_KEY", "", "litellm.secret", finding.SevWarning},
		{"reference set", "general_settings:\n  master_key: os.environ/PROXY_KEY\n", map[string]string{"PROXY_KEY": "sk-p"}, "PROXY_KEY", "", "", ""},
		{"reference unset", "general_settings:\n  master_key: os.environ/PROXY_KEY\n", nil, "", "", "litellm.master_key", finding.SevWarning},
		{"absent, LiteLLM's fallback set", "", map[string]string{"LITELLM_MASTER_KEY": "sk-m"}, "LITELLM_MASTER_KEY", "", "", ""},
		{"absent, open", "", nil, "", "", "litellm.master_key", finding.SevWarning},
		// litellm_settings is not where the proxy reads its key: open
		// unless LiteLLM's own fallback variable is set.
		{"under litellm_settings, open", "litellm_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n", nil, "", "", "litellm.master_key", finding.SevWarning},
		{"under litellm_settings, fallback set", "litellm_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n", map[string]string{"LITELLM_MASTER_KEY": "sk-m"}, "LITELLM_MASTER_KEY", "", "litellm.master_key", finding.SevNotice},
		// ${VAR} is not expanded: the proxy's key is the text itself.
		{"shell reference", "general_settings:\n  master_key: ${LITELLM_MASTER_KEY}\n", nil, "", "${LITELLM_MASTER_KEY}", "litellm.master_key", finding.SevWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := derive(t, route+tc.general, tc.vars)
			h := chainOf(t, r, "m").Hops[0]
			if h.KeyEnv != tc.keyEnv || h.KeyValue != tc.keyValue {
				t.Errorf("proxy key env %q value set %v, want %q %v", h.KeyEnv, h.KeyValue != "", tc.keyEnv, tc.keyValue != "")
			}
			var got []finding.Finding
			for _, f := range r.Findings {
				if f.Check == "litellm.secret" || f.Check == "litellm.master_key" {
					got = append(got, f)
				}
			}
			if tc.check == "" {
				if len(got) != 0 {
					t.Errorf("unexpected: %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Check != tc.check || got[0].Severity != tc.sev {
				t.Errorf("findings %+v, want one %s %s", got, tc.sev, tc.check)
			}
		})
	}
}

func TestModelKinds(t *testing.T) {
	src := `model_list:
  - model_name: emb
    litellm_params: {model: openai/text-embedding-3-small}
  - model_name: emb-plural
    litellm_params: {model: azure/te3, api_base: "https://r.openai.azure.com"}
    model_info: {mode: embeddings}
  - model_name: img
    litellm_params: {model: openai/gpt-image-1}
    model_info: {mode: image_generation}
  - model_name: speech
    litellm_params: {model: openai/voice}
    model_info: {mode: audio_speech}
  - model_name: chat
    litellm_params: {model: openai/gpt-4o}
    model_info: {mode: chat}
`
	_, r := derive(t, src, nil)
	// Embedding models get an embeddings call through the chain; image and
	// audio models the auth-only canary, which --canary inference must not
	// turn into a chat completion (fixed).
	for name, want := range map[string]string{"emb": chain.CanaryEmbedding, "emb-plural": chain.CanaryEmbedding, "img": chain.CanaryAuthOnly, "speech": chain.CanaryAuthOnly, "chat": chain.CanaryInference} {
		c := chainOf(t, r, name)
		if c.Canary != want {
			t.Errorf("%s: canary %s, want %s", name, c.Canary, want)
		}
		if fixed := want == chain.CanaryAuthOnly; c.CanaryFixed != fixed {
			t.Errorf("%s: canary fixed %v, want %v", name, c.CanaryFixed, fixed)
		}
	}
	fs := findings(r, "litellm.mode")
	if len(fs) != 4 || fs[1].Line != 6 {
		t.Fatalf("mode findings: %+v", fs)
	}
	// Only the image and audio models stay unverified.
	for i, want := range []finding.Cause{finding.OK, finding.OK, finding.NotVerified, finding.NotVerified} {
		if fs[i].Cause != want || (want == finding.OK) == strings.Contains(fs[i].Message, "unverified") {
			t.Errorf("mode finding %d: %s %q, want %s", i, fs[i].Cause, fs[i].Message, want)
		}
	}
}

func TestAPIBaseFromTheEnvironment(t *testing.T) {
	src := "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      api_base: os.environ/MY_BASE\n      api_key: os.environ/MY_KEY\n"
	_, r := derive(t, src, map[string]string{"MY_BASE": "http://llm:8000/v1"})
	if h := chainOf(t, r, "m").Hops[1]; h.URL != "http://llm:8000/v1" || h.URLPos.Line != 5 || h.Type != provider.OpenAICompatible {
		t.Errorf("api_base via the environment: %+v", h)
	}
	_, r = derive(t, src, nil)
	if fs := findings(r, "litellm.api_base"); len(fs) != 1 || fs[0].Line != 5 || !strings.Contains(fs[0].Message, "MY_BASE") {
		t.Errorf("unset api_base: %+v", fs)
	}
}

func TestTemplateRoute(t *testing.T) {
	src := "model_list:\n  - model_name: mine\n    litellm_params:\n      model: openai/<model-name>\n      api_base: https://your-endpoint.example.com/v1\n      api_key: os.environ/CUSTOM_API_KEY\n"
	_, r := derive(t, src, nil)
	if c := chainOf(t, r, "mine"); len(c.Hops) != 1 {
		t.Errorf("a template route gets no upstream hop (and no key is demanded): %+v", c.Hops)
	}
	if fs := findings(r, "litellm.template"); len(fs) != 1 || fs[0].Line != 4 {
		t.Errorf("template finding: %+v", fs)
	}
}

// files is a ReadFunc over a map.
func files(m map[string]string) ReadFunc {
	return func(rel string, _ chain.Pos) ([]byte, error) {
		if s, ok := m[rel]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
}

func TestLoadFollowsIncludes(t *testing.T) {
	parent := "include:\n  - models.yaml\ngeneral_settings:\n  master_key: os.environ/PROXY_KEY\nlitellm_settings: {}\n"
	cfg, err := Load("deploy/parent.yaml", []byte(parent), files(map[string]string{
		"deploy/models.yaml": "model_list:\n  - model_name: a\n    litellm_params: {model: openrouter/x/y}\ninclude: [more.yaml]\n",
		"deploy/more.yaml":   "model_list:\n  - model_name: b\n    litellm_params: {model: groq/llama}\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.ModelNames(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("model names %v", got)
	}
	if p := cfg.ModelList[1].Model.Pos; p.File != "deploy/more.yaml" || p.Line != 3 {
		t.Errorf("positions point into the included file: %v", p)
	}
	if cfg.MasterKey.Ref() != "PROXY_KEY" || cfg.MasterKey.Pos.File != "deploy/parent.yaml" {
		t.Errorf("the parent's master_key applies: %+v", cfg.MasterKey)
	}
	if !slices.Equal(cfg.Included, []string{"deploy/models.yaml", "deploy/more.yaml"}) {
		t.Errorf("included %v", cfg.Included)
	}
	// An included general_settings replaces the parent's, as in LiteLLM.
	cfg, err = Load("p.yaml", []byte(parent), files(map[string]string{"models.yaml": "general_settings: {store_model_in_db: true}\n"}))
	if err != nil || cfg.MasterKey.Set {
		t.Errorf("replaced general_settings: %+v, %v", cfg.MasterKey, err)
	}
}

func TestLoadRefusesBrokenIncludes(t *testing.T) {
	for _, tc := range []struct {
		name, parent string
		files        map[string]string
		line, col    int
		msg          string
	}{
		{"missing", "include:\n  - nope.yaml\nlitellm_settings: {}\n", nil, 2, 5, "does not exist"},
		{"cycle", "include: [a.yaml]\n", map[string]string{"a.yaml": "include:\n  - b.yaml\n", "b.yaml": "include: [p.yaml]\n"}, 1, 11, "include cycle p.yaml → a.yaml → b.yaml → p.yaml"},
		{"self", "include: [p.yaml]\n", nil, 1, 11, "include cycle"},
		{"not a list", "include: models.yaml\n", nil, 1, 10, "must be a list"},
		{"absolute", "include: [/etc/passwd]\n", nil, 1, 11, "absolute path"},
		{"broken included file", "include: [a.yaml]\n", map[string]string{"a.yaml": "model_list:\n  a: b\n"}, 2, 3, "model_list must be a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("p.yaml", []byte(tc.parent), files(tc.files))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not positioned", err)
			}
			if e.Pos.Line != tc.line || e.Pos.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("error %v, want %d:%d %q", e, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestLooksLikeConfig(t *testing.T) {
	for src, want := range map[string]bool{
		"model_list:\n  - model_name: a\n":                  true,
		"include:\n  - models.yaml\nlitellm_settings: {}\n": true,
		"include:\n  - local: ci/build.yml\nstages: [b]\n":  false, // GitLab CI
		"name: x\nnested:\n  model_list: []\n":              false,
	} {
		if got := LooksLikeConfig([]byte(src)); got != want {
			t.Errorf("LooksLikeConfig(%q) = %v", src, got)
		}
	}
}

func TestPyYAMLReadings(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("general_settings:\n  master_key: sk-first\n  master_key: os.environ/SECOND\nmodel_list: []\n"))
	if err != nil {
		t.Fatalf("a key given twice is accepted, as PyYAML does: %v", err)
	}
	if cfg.MasterKey.Ref() != "SECOND" {
		t.Errorf("the last one wins: %+v", cfg.MasterKey)
	}
	_, err = Parse("c.yaml", []byte("model_list:\n  - model_name: *\n    litellm_params: {model: openai/x}\n"))
	var e *Error
	if !errors.As(err, &e) || e.Pos.Line != 2 || e.Pos.Col != 17 || !strings.Contains(e.Msg, `quote the wildcard ("*")`) {
		t.Errorf("bare *: %v", err)
	}
}

// TestSettingsMasterKeyIsPositioned: the misplaced key is reported at its
// own line, naming both sections.
func TestSettingsMasterKeyIsPositioned(t *testing.T) {
	_, r := derive(t, "model_list:\n  - model_name: m\n    litellm_params: {model: openrouter/x/y}\nlitellm_settings:\n  drop_params: true\n  master_key: os.environ/LITELLM_MASTER_KEY\n", nil)
	fs := findings(r, "litellm.master_key")
	if len(fs) != 1 || fs[0].Line != 6 || fs[0].Cause != finding.ProxyOpen ||
		!strings.Contains(fs[0].Message, "litellm_settings") || !strings.Contains(fs[0].Fix, "general_settings") {
		t.Errorf("findings = %+v", fs)
	}
}

// TestShellVariableKeys: LiteLLM expands os.environ/VAR only; a key written
// as ${VAR} is sent as that text, whatever the host.
func TestShellVariableKeys(t *testing.T) {
	for _, tc := range []struct{ model, base, ref, name string }{
		{"gpt-4o", "", "${OPENAI_API_KEY}", "OPENAI_API_KEY"},
		{"gemini/gemini-1.5-pro", "", "${GOOGLE_API_KEY}", "GOOGLE_API_KEY"},
		{"openai/qwen", "http://vllm:8000/v1", "$VLLM_KEY", "VLLM_KEY"},
		{"anthropic/claude-x", "", "${ANTHROPIC_API_KEY:-none}", "ANTHROPIC_API_KEY"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			params := "model: " + tc.model + ", api_key: \"" + tc.ref + "\""
			if tc.base != "" {
				params += ", api_base: " + tc.base
			}
			_, r := derive(t, "model_list:\n  - model_name: m\n    litellm_params: {"+params+"}\n", map[string]string{tc.name: "sk-set-in-the-job-but-never-read"})
			h := chainOf(t, r, "m").Hops[1]
			if h.KeyEnv != "" || h.KeyValue != "" {
				t.Errorf("hop key %q/%v: LiteLLM reads no variable here", h.KeyEnv, h.KeyValue != "")
			}
			fs := findings(r, "litellm.api_key")
			if len(fs) != 1 || fs[0].Cause != finding.CredentialMalformed || fs[0].Severity != finding.SevError ||
				!strings.Contains(fs[0].Fix, "os.environ/"+tc.name) {
				t.Fatalf("findings = %+v", fs)
			}
			if len(findings(r, "litellm.secret")) != 0 || slices.Contains(r.Secrets, tc.ref) {
				t.Errorf("a reference is no committed secret: %+v %v", r.Findings, r.Secrets)
			}
		})
	}
}

// TestVertexLocationAndCredentials: LiteLLM reads vertex_location or
// vertex_ai_location (then VERTEXAI_LOCATION, VERTEX_LOCATION) and
// vertex_credentials or vertex_ai_credentials; a location that is no
// Google Cloud location builds a host that does not exist.
func TestVertexLocationAndCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, params string
		vars         map[string]string
		url          string
		badLocation  bool
		keySource    string
		notice       bool
	}{
		{name: "vertex_ai_location, an AWS region", params: "vertex_ai_location: us-east-1", url: "https://us-east-1-aiplatform.googleapis.com", badLocation: true, keySource: "(none in this job)", notice: true},
		{name: "vertex_location", params: "vertex_location: europe-west4", url: "https://europe-west4-aiplatform.googleapis.com", keySource: "(none in this job)", notice: true},
		{name: "global", params: "vertex_ai_location: global", url: "https://aiplatform.googleapis.com", keySource: "(none in this job)", notice: true},
		{name: "VERTEX_LOCATION", vars: map[string]string{"VERTEX_LOCATION": "asia-northeast1"}, url: "https://asia-northeast1-aiplatform.googleapis.com", keySource: "(none in this job)", notice: true},
		{name: "credentials reference unset", params: "vertex_credentials: os.environ/SA_JSON", url: "https://us-central1-aiplatform.googleapis.com", keySource: "(none in this job)", notice: true},
		{name: "credentials reference set", params: "vertex_ai_credentials: os.environ/SA_JSON", vars: map[string]string{"SA_JSON": "/secrets/sa.json"},
			url: "https://us-central1-aiplatform.googleapis.com", keySource: "(vertex_ai_credentials via SA_JSON)"},
		{name: "credentials file", params: "vertex_credentials: /secrets/sa.json", url: "https://us-central1-aiplatform.googleapis.com", keySource: "(file /secrets/sa.json)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "model_list:\n  - model_name: m\n    litellm_params:\n      model: vertex_ai/gemini-2.5-pro\n"
			if tc.params != "" {
				src += "      " + tc.params + "\n"
			}
			_, r := derive(t, src, tc.vars)
			h := chainOf(t, r, "m").Hops[1]
			if h.URL != tc.url {
				t.Errorf("url %q, want %q", h.URL, tc.url)
			}
			if got := len(findings(r, "litellm.vertex_location")); got != map[bool]int{true: 1}[tc.badLocation] {
				t.Errorf("vertex_location findings = %+v", findings(r, "litellm.vertex_location"))
			}
			var key string
			for _, s := range r.Sources {
				if s.Hop == h.Name && s.What == "key_env" {
					key = s.Value
				}
			}
			if key != tc.keySource {
				t.Errorf("key source %q, want %q", key, tc.keySource)
			}
			if got := len(findings(r, "litellm.api_key")) > 0; got != tc.notice {
				t.Errorf("credential notice %v, want %v: %+v", got, tc.notice, r.Findings)
			}
		})
	}
}

// TestCommittedServiceAccountKey: a service-account JSON written into
// vertex_credentials is a leaked private key.
func TestCommittedServiceAccountKey(t *testing.T) {
	sa := `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv\\n-----END PRIVATE KEY-----\\n"}`
	_, r := derive(t, "model_list:\n  - model_name: m\n    litellm_params:\n      model: vertex_ai/gemini-2.5-pro\n      vertex_credentials: '"+sa+"'\n", nil)
	fs := findings(r, "litellm.secret")
	if len(fs) != 1 || fs[0].Severity != finding.SevError || fs[0].Cause != finding.SecretInConfig || strings.Contains(fs[0].Message, "PRIVATE KEY") {
		t.Fatalf("findings = %+v", fs)
	}
	if !slices.Contains(r.Secrets, sa) {
		t.Errorf("the key is not registered for scrubbing: %q", r.Secrets)
	}
}

// TestDuplicateGroupsCompareOneEndpoint: deployments of one model_name on
// different endpoints or providers need different keys; only two keys for
// the same endpoint are worth a warning.
func TestDuplicateGroupsCompareOneEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		warn       bool
	}{
		{"two keys, one endpoint", "{model: gpt-4o, api_key: os.environ/K1}", "{model: gpt-4o, api_key: os.environ/K2}", true},
		{"two Azure regions", "{model: azure/a, api_base: https://eu.openai.azure.com, api_key: os.environ/EU}", "{model: azure/b, api_base: https://ca.openai.azure.com, api_key: os.environ/CA}", false},
		{"two providers", "{model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY}", "{model: openrouter/openai/gpt-4o}", false},
		{"same key", "{model: gpt-4o, api_key: os.environ/K1}", "{model: gpt-4o, api_key: os.environ/K1}", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := derive(t, "model_list:\n  - model_name: m\n    litellm_params: "+tc.a+"\n  - model_name: m\n    litellm_params: "+tc.b+"\n", nil)
			if got := len(findings(r, "litellm.duplicate")) == 1; got != tc.warn {
				t.Errorf("warned %v, want %v: %+v", got, tc.warn, findings(r, "litellm.duplicate"))
			}
		})
	}
}

// TestUnmodelledProviderReferences: a route hopcheck derives no hop for
// still names the variables it reads; unset ones are reported.
func TestUnmodelledProviderReferences(t *testing.T) {
	src := "model_list:\n  - model_name: m\n    litellm_params:\n      model: azure_ai/claude-opus-4-1\n      api_key: os.environ/AZURE_AI_API_KEY\n      api_base: os.environ/AZURE_AI_API_BASE\n"
	_, r := derive(t, src, nil)
	if len(chainOf(t, r, "m").Hops) != 1 {
		t.Fatal("a hop was derived for an unmodelled provider")
	}
	key, base := findings(r, "litellm.api_key"), findings(r, "litellm.api_base")
	if len(key) != 1 || key[0].Cause != finding.CredentialMissing || key[0].Line != 5 ||
		len(base) != 1 || base[0].Cause != finding.WrongEndpoint || base[0].Line != 6 {
		t.Errorf("findings = %+v", r.Findings)
	}
	_, r = derive(t, src, map[string]string{"AZURE_AI_API_KEY": "k", "AZURE_AI_API_BASE": "https://r.services.ai.azure.com/anthropic"})
	if n := len(findings(r, "litellm.api_key")) + len(findings(r, "litellm.api_base")); n != 0 {
		t.Errorf("set references reported: %+v", r.Findings)
	}
}

// TestRegionChoosesTheURL: the Bedrock host follows aws_region_name, and
// the URL points at it.
func TestRegionChoosesTheURL(t *testing.T) {
	_, r := derive(t, "model_list:\n  - model_name: m\n    litellm_params:\n      model: bedrock/anthropic.claude-x\n      aws_region_name: eu-west-3\n", nil)
	h := chainOf(t, r, "m").Hops[1]
	if h.URL != "https://bedrock-runtime.eu-west-3.amazonaws.com" || h.URLPos.Line != 5 {
		t.Errorf("url %q at %v", h.URL, h.URLPos)
	}
}
