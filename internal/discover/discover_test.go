package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/checks"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/provider"
	"github.com/hopcheck/hopcheck/internal/secret"
)

const (
	orKey     = "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"
	masterKey = "sk-hopcheck-test-master-0001"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func chainNamed(t *testing.T, cfg *chain.Config, name string) *chain.Chain {
	t.Helper()
	for _, c := range cfg.Chains {
		if c.Name == name {
			return c
		}
	}
	var names []string
	for _, c := range cfg.Chains {
		names = append(names, c.Name)
	}
	t.Fatalf("no chain %q; have %v", name, names)
	return nil
}

func hopNamed(t *testing.T, c *chain.Chain, name string) chain.Hop {
	t.Helper()
	i := c.Index(name)
	if i < 0 {
		t.Fatalf("chain %s has no hop %q: %+v", c.Name, name, c.Hops)
	}
	return c.Hops[i]
}

func findingsWith(fs []finding.Finding, cause finding.Cause) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Cause == cause {
			out = append(out, f)
		}
	}
	return out
}

func pos(file string, line, col int) chain.Pos { return chain.Pos{File: file, Line: line, Col: col} }

func TestDiscoverLiteLLMOnly(t *testing.T) {
	r, err := Discover("testdata/litellm-only", envOf(map[string]string{"OPENROUTER_API_KEY": orKey, "LITELLM_MASTER_KEY": masterKey}))
	if err != nil {
		t.Fatal(err)
	}
	const file = "deploy/config.yaml"
	if r.Config.File != file || len(r.Files) != 1 || r.Files[0] != file {
		t.Errorf("files: config %q, read %v; want only %s (node_modules and workflows are not LiteLLM configs)", r.Config.File, r.Files, file)
	}
	var names []string
	for _, c := range r.Config.Chains {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, ","), "claude-sonnet,gpt-4o-mini,gpt-4o-mini-2,wrong-host,committed,local"; got != want {
		t.Fatalf("chains %s, want %s", got, want)
	}

	c := chainNamed(t, r.Config, "claude-sonnet")
	if c.Model != "claude-sonnet" || c.ModelPos != pos(file, 3, 17) || c.Pos != pos(file, 3, 5) {
		t.Errorf("chain model %q at %v (chain at %v)", c.Model, c.ModelPos, c.Pos)
	}
	lh := hopNamed(t, c, "litellm")
	if lh.Type != provider.LiteLLM || lh.URL != DefaultLiteLLMURL || lh.KeyEnv != "LITELLM_MASTER_KEY" || lh.KeyEnvPos != pos(file, 33, 15) {
		t.Errorf("litellm hop: %+v", lh)
	}
	or := hopNamed(t, c, "openrouter")
	if or.Type != provider.OpenRouter || or.URL != "https://openrouter.ai/api/v1" || or.URLPos != pos(file, 7, 17) ||
		or.KeyEnv != "OPENROUTER_API_KEY" || or.KeyEnvPos != pos(file, 6, 16) || or.Pos != pos(file, 5, 14) {
		t.Errorf("openrouter hop: %+v", or)
	}

	// OR_KEY is unset: LiteLLM falls back to OPENROUTER_API_KEY, which is
	// what the proxy really uses, so that is what hopcheck checks.
	mini := hopNamed(t, chainNamed(t, r.Config, "gpt-4o-mini"), "openrouter")
	if mini.KeyEnv != "OPENROUTER_API_KEY" || mini.KeyEnvPos != pos(file, 11, 16) || mini.URLPos != pos(file, 10, 14) {
		t.Errorf("fallback hop: %+v", mini)
	}
	want := map[finding.Cause][]int{
		finding.CredentialMissing: {11}, // OR_KEY unset, fallback used (warning)
		finding.ConfigInvalid:     {15}, // gpt-4o-mini twice with different keys
		finding.WrongEndpoint:     {20}, // openrouter/ model with api.openai.com
		finding.SecretInConfig:    {24}, // literal key
	}
	for cause, lines := range want {
		fs := findingsWith(r.Findings, cause)
		if len(fs) != len(lines) {
			t.Errorf("%s: %d findings, want %d: %+v", cause, len(fs), len(lines), fs)
			continue
		}
		for i, f := range fs {
			if f.File != file || f.Line != lines[i] {
				t.Errorf("%s at %s:%d, want line %d", cause, f.File, f.Line, lines[i])
			}
		}
	}
	if f := findingsWith(r.Findings, finding.WrongEndpoint)[0]; f.Severity != finding.SevError || f.Chain != "wrong-host" || f.Link == nil || *f.Link != (chain.Link{From: "litellm", To: "openrouter"}) {
		t.Errorf("wrong-endpoint finding: %+v", f)
	}
	// The OpenRouter key is never sent to api.openai.com.
	if h := hopNamed(t, chainNamed(t, r.Config, "wrong-host"), "openrouter"); h.KeyEnv != "" {
		t.Errorf("key sent to another provider's host: %+v", h)
	}
	sec := findingsWith(r.Findings, finding.SecretInConfig)[0]
	if sec.Severity != finding.SevError || sec.Chain != "" || !strings.Contains(sec.Message, "sk-ho…89") {
		t.Errorf("secret finding: %+v", sec)
	}
	if h := hopNamed(t, chainNamed(t, r.Config, "committed"), "openai"); h.KeyEnv != "" || h.Type != provider.OpenAI {
		t.Errorf("literal key hop: %+v", h)
	}
	// Ollama needs no key: a real upstream hop, and no variable is demanded.
	if h := hopNamed(t, chainNamed(t, r.Config, "local"), "ollama"); h.KeyEnv != "" || h.Type != provider.Ollama {
		t.Errorf("ollama deployment: %+v", h)
	}
	if len(findingsWith(r.Findings, finding.ProxyOpen)) != 0 {
		t.Error("master_key is set in the job: no proxy-open warning expected")
	}
	assertNoSecret(t, r, "sk-hopcheck-fixture-not-a-real-key-0123456789", orKey, masterKey)
}

// assertNoSecret checks that no finding, source or printed chain carries a
// credential value.
func assertNoSecret(t *testing.T, r *Result, secrets ...string) {
	t.Helper()
	var b bytes.Buffer
	if err := PrintChains(&b, r); err != nil {
		t.Fatal(err)
	}
	all := b.String()
	for _, f := range r.Findings {
		all += f.Message + f.Fix
	}
	for _, s := range r.Sources {
		all += s.Value + s.Origin
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("output contains the credential %s", secret.Fingerprint(s))
		}
	}
}

// TestDiscoveredChainThroughEngine: the chains run through checks.Run
// unchanged, and the engine's own findings land on the LiteLLM file's lines.
func TestDiscoveredChainThroughEngine(t *testing.T) {
	r, err := Discover("testdata/litellm-only", envOf(map[string]string{"LITELLM_MASTER_KEY": masterKey}))
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(context.Background(), r.Config, checks.Options{LookupEnv: envOf(map[string]string{"LITELLM_MASTER_KEY": masterKey}), StaticOnly: true, Findings: r.Findings})
	var got *finding.Finding
	for i := range rep.Chains {
		if rep.Chains[i].Name != "claude-sonnet" {
			continue
		}
		for j, f := range rep.Chains[i].Findings {
			if f.Cause == finding.CredentialMissing {
				got = &rep.Chains[i].Findings[j]
			}
		}
		if rep.Chains[i].Status != finding.Fail {
			t.Errorf("chain status %s, want fail", rep.Chains[i].Status)
		}
	}
	if got == nil {
		t.Fatalf("no credential-missing finding for claude-sonnet: %+v", rep.Chains)
	}
	if got.File != "deploy/config.yaml" || got.Line != 6 || got.Severity != finding.SevError ||
		got.Link == nil || *got.Link != (chain.Link{From: "litellm", To: "openrouter"}) {
		t.Errorf("credential-missing finding: %+v", got)
	}
	if rep.Status != finding.Fail {
		t.Errorf("run status %s (a committed key is an error)", rep.Status)
	}
}

func TestDiscoverOpenClawOnly(t *testing.T) {
	r, err := Discover("testdata/openclaw-only", envOf(map[string]string{"OPENROUTER_API_KEY": orKey}))
	if err != nil {
		t.Fatal(err)
	}
	// The gateway's OpenAI endpoint is off in the fixture: the reader
	// derives the direct link, checked with the key OpenClaw would send.
	if len(r.Config.Chains) != 1 {
		t.Fatalf("chains: %+v", r.Config.Chains)
	}
	c := r.Config.Chains[0]
	h := hopNamed(t, c, "openrouter")
	if h.KeyEnv != "OPENROUTER_API_KEY" || h.KeyEnvPos != pos(".openclaw/openclaw.json", 8, 17) || h.URLPos.Line != 7 ||
		c.Model != "anthropic/claude-sonnet-4.5" || c.ModelPos.Line != 13 {
		t.Errorf("chain %+v, hop: %+v", c, h)
	}
	if len(r.Findings) != 1 || r.Findings[0].Chain != c.Name || r.Findings[0].File != ".openclaw/openclaw.json" {
		t.Errorf("findings: %+v", r.Findings)
	}
	var b bytes.Buffer
	if err := PrintChains(&b, r); err != nil || !strings.Contains(b.String(), ".openclaw/openclaw.json:8:17") ||
		!strings.Contains(b.String(), ".openclaw/openclaw.json:13:") || strings.Contains(b.String(), ":1:1") {
		t.Errorf("print: %v\n%s", err, b.String())
	}
	// A broken file stops the run at the syntax error (and says so).
	dir := write(t, map[string]string{"openclaw.json": "{\n  models: {\n    providers: [,\n}\n"})
	r, err = Discover(dir, envOf(nil))
	var ce *chain.ConfigErrors
	if !errors.As(err, &ce) || len(ce.Errors) != 1 || ce.Errors[0].Pos.File != "openclaw.json" || ce.Errors[0].Pos.Line != 3 {
		t.Errorf("syntax error: err = %v", err)
	}
	ci := findingsWith(r.Findings, finding.ConfigInvalid)
	if len(ci) != 1 || ci[0].File != "openclaw.json" || ci[0].Line != 3 || ci[0].Severity != finding.SevError {
		t.Errorf("syntax error: %+v", r.Findings)
	}
}

// TestDiscoverOpenClawNoChain: a config that was found is never "nothing
// to check": with no chain to derive, its findings say why at the file.
func TestDiscoverOpenClawNoChain(t *testing.T) {
	dir := write(t, map[string]string{
		".openclaw/openclaw.json": "{\n  gateway: {auth: {token: 'tok'}},\n  agents: {list: {$include: ['./a.json5', './b.json5']}},\n}",
		".openclaw/a.json5":       "[{id: 'a'}]",
	})
	r, err := Discover(dir, envOf(nil))
	if err != nil {
		t.Fatalf("err = %v", err)
	}
	if len(r.Config.Chains) != 0 || strings.Join(r.Files, ",") != ".openclaw/openclaw.json,.openclaw/a.json5" {
		t.Errorf("chains %+v files %v", r.Config.Chains, r.Files)
	}
	var model, include bool
	for _, f := range r.Findings {
		model = model || (f.Check == "openclaw.model" && f.Line == 3)
		include = include || (f.Check == "openclaw.include" && f.Line == 3 && f.Severity == finding.SevError)
	}
	if !model || !include {
		t.Errorf("findings: %+v", r.Findings)
	}
	var b bytes.Buffer
	if err := PrintChains(&b, r); err != nil || !strings.Contains(b.String(), "no chains derived") || !strings.Contains(b.String(), "No model is configured") {
		t.Errorf("print: %v\n%s", err, b.String())
	}
}

// TestDiscoverOpenClawJSON5: openclaw.json5 is found at the root and in
// .openclaw/, and runner variables in an included file are refused too.
func TestDiscoverOpenClawJSON5(t *testing.T) {
	dir := write(t, map[string]string{"openclaw.json5": "{agents: {list: [{id: 'a', default: true, model: 'anthropic/claude-x'}]}}"})
	r, err := Discover(dir, envOf(nil))
	if err != nil || len(r.Config.Chains) != 1 || r.Config.Chains[0].Hops[0].Type != provider.Anthropic || r.Config.Chains[0].ModelPos.File != "openclaw.json5" {
		t.Fatalf("err %v, chains %+v", err, r.Config.Chains)
	}
	dir = write(t, map[string]string{
		".openclaw/openclaw.json5": "{agents: {defaults: {model: 'openrouter/auto'}}, models: {$include: './m.json5'}}",
		".openclaw/m.json5":        "{providers: {openrouter: {apiKey: '${GITHUB_TOKEN}'}}}",
	})
	r, err = Discover(dir, envOf(nil))
	if err != nil || len(r.Errors) != 1 || r.Errors[0].Pos.File != ".openclaw/m.json5" {
		t.Errorf("err %v, errors %+v", err, r.Errors)
	}
}

func TestDiscoverDotenvShadowing(t *testing.T) {
	r, err := Discover("testdata/dotenv-shadow", envOf(map[string]string{"OPENROUTER_API_KEY": orKey, "APP_NAME": "demo", "LITELLM_MASTER_KEY": masterKey}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Files {
		if strings.Contains(f, "example") {
			t.Errorf("template %s was read", f)
		}
	}
	var shadows []finding.Finding
	for _, f := range r.Findings {
		if f.Check == "dotenv.shadow" {
			shadows = append(shadows, f)
		}
	}
	// APP_NAME has the same value in both places: not a shadow.
	if len(shadows) != 2 || shadows[0].Line != 2 || shadows[0].Col != 20 || shadows[1].Line != 3 || shadows[1].Col != 27 {
		t.Fatalf("shadow findings: %+v", shadows)
	}
	for _, f := range shadows {
		if f.File != ".env" || f.Severity != finding.SevWarning {
			t.Errorf("shadow finding: %+v", f)
		}
	}
	// The job's value is not shown, not even by its fingerprint: the file
	// chooses what is compared with it.
	if strings.Contains(shadows[0].Message, secret.Fingerprint(orKey)) {
		t.Errorf("message shows the job value's fingerprint: %s", shadows[0].Message)
	}
	// No master_key, but LITELLM_MASTER_KEY is set where the proxy runs:
	// LiteLLM falls back to it, so the proxy is not open.
	if po := findingsWith(r.Findings, finding.ProxyOpen); len(po) != 0 {
		t.Errorf("proxy-open although LITELLM_MASTER_KEY is set: %+v", po)
	}
	// Without it the proxy is open: the finding is about the file (it
	// has no general_settings), not at a line of it.
	open, err := Discover("testdata/dotenv-shadow", envOf(map[string]string{"OPENROUTER_API_KEY": orKey}))
	if err != nil {
		t.Fatal(err)
	}
	po := findingsWith(open.Findings, finding.ProxyOpen)
	if len(po) != 1 || po[0].File != "litellm.yaml" || po[0].Line != 0 || po[0].Severity != finding.SevWarning {
		t.Errorf("proxy-open: %+v", po)
	}
	assertNoSecret(t, r, orKey, masterKey, "sk-or-v1-localdevelopmentkeylocaldevelopmentkey0000000000000000000000", "sk-local-master-key-0000")
	sc := &secret.Scrubber{}
	r.AddSecrets(sc)
	if out := sc.Scrub("got sk-local-master-key-0000"); strings.Contains(out, "sk-local-master-key-0000") {
		t.Errorf(".env secret not registered with the scrubber: %s", out)
	}
}

// write creates files under a temp dir.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDiscoverMasterKey(t *testing.T) {
	const head = "model_list:\n  - model_name: m\n    litellm_params:\n      model: openrouter/x/y\n      api_key: os.environ/OPENROUTER_API_KEY\n"
	cases := []struct {
		name     string
		general  string
		env      map[string]string
		cause    finding.Cause
		sev      finding.Severity
		line     int
		keyEnv   string
		keyLine  int
		noFinder bool
	}{
		{name: "ref set", general: "general_settings:\n  master_key: os.environ/MK\n", env: map[string]string{"MK": masterKey}, keyEnv: "MK", keyLine: 7, noFinder: true},
		{name: "ref unset", general: "general_settings:\n  master_key: os.environ/MK\n", cause: finding.ProxyOpen, sev: finding.SevWarning, line: 7},
		{name: "ref unset, conventional var", general: "general_settings:\n  master_key: os.environ/MK\n", env: map[string]string{"LITELLM_API_KEY": masterKey}, cause: finding.ProxyOpen, sev: finding.SevWarning, line: 7, keyEnv: "LITELLM_API_KEY"},
		{name: "no master_key", general: "general_settings:\n  database_url: x\n", cause: finding.ProxyOpen, sev: finding.SevWarning, line: 6},
		{name: "docs placeholder", general: "general_settings:\n  master_key: sk-1234\n", cause: finding.SecretInConfig, sev: finding.SevWarning, line: 7},
		{name: "real-looking literal", general: "general_settings:\n  master_key: sk-9f8e7d6c5b4a39281706f5e4\n", cause: finding.SecretInConfig, sev: finding.SevError, line: 7},
		{name: "via environment_variables", general: "general_settings:\n  master_key: os.environ/MK\nenvironment_variables:\n  MK: os.environ/CI_MK\n", env: map[string]string{"CI_MK": masterKey}, keyEnv: "CI_MK", keyLine: 7, noFinder: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"OPENROUTER_API_KEY": orKey}
			for k, v := range tc.env {
				env[k] = v
			}
			dir := write(t, map[string]string{"proxy.yaml": head + tc.general})
			r, err := Discover(dir, envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			h := r.Config.Chains[0].Hops[0]
			if h.KeyEnv != tc.keyEnv || (tc.keyLine > 0 && h.KeyEnvPos.Line != tc.keyLine) {
				t.Errorf("litellm key_env %q at %v, want %q line %d", h.KeyEnv, h.KeyEnvPos, tc.keyEnv, tc.keyLine)
			}
			var fs []finding.Finding
			for _, f := range r.Findings {
				if f.Hop == "litellm" {
					fs = append(fs, f)
				}
			}
			if tc.noFinder {
				if len(fs) != 0 {
					t.Errorf("unexpected findings: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Cause != tc.cause || fs[0].Severity != tc.sev || fs[0].Line != tc.line || fs[0].File != "proxy.yaml" {
				t.Errorf("findings %+v, want one %s %s at line %d", fs, tc.sev, tc.cause, tc.line)
			}
		})
	}
}

func TestDiscoverAPIBaseAndKeyReferences(t *testing.T) {
	cfg := `model_list:
  - model_name: via-env
    litellm_params:
      model: openrouter/openai/gpt-4o-mini
      api_key: os.environ/MY_OR_KEY
      api_base: os.environ/MY_OR_BASE
  - model_name: compat
    litellm_params:
      model: openai/meta-llama/llama-3
      api_base: http://vllm.internal:8000/v1
  - model_name: or-via-openai
    litellm_params:
      model: openai/anthropic/claude-sonnet-4.5
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: https://openrouter.ai/api/v1
  - model_name: fromfile
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_key: os.environ/ANTHROPIC_KEY_FROM_FILE
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
environment_variables:
  ANTHROPIC_KEY_FROM_FILE: sk-ant-api03-hopcheckfixturehopcheckfixture00
`
	dir := write(t, map[string]string{"litellm/config.yml": cfg})
	t.Run("unset references", func(t *testing.T) {
		r, err := Discover(dir, envOf(map[string]string{"LITELLM_MASTER_KEY": masterKey}))
		if err != nil {
			t.Fatal(err)
		}
		h := hopNamed(t, chainNamed(t, r.Config, "via-env"), "openrouter")
		// MY_OR_KEY unset, no fallback set: the engine will report it at line 5.
		if h.KeyEnv != "MY_OR_KEY" || h.KeyEnvPos.Line != 5 || h.URL != "https://openrouter.ai/api/v1" || h.URLPos.Line != 6 {
			t.Errorf("hop: %+v", h)
		}
		var base *finding.Finding
		for i, f := range r.Findings {
			if f.Check == "litellm.api_base" {
				base = &r.Findings[i]
			}
		}
		if base == nil || base.Line != 6 || base.Severity != finding.SevWarning || base.Link == nil || base.Link.To != "openrouter" || !strings.Contains(base.Message, "MY_OR_BASE") {
			t.Errorf("api_base finding: %+v", base)
		}
		c := hopNamed(t, chainNamed(t, r.Config, "compat"), "openai-compatible")
		if c.URL != "http://vllm.internal:8000/v1" || c.KeyEnv != "OPENAI_API_KEY" {
			t.Errorf("openai/ prefix with a custom host: %+v", c)
		}
		o := chainNamed(t, r.Config, "or-via-openai")
		if o.Hops[1].Type != provider.OpenRouter || o.Hops[1].Name != "openrouter" {
			t.Errorf("openai/ prefix at OpenRouter's host is an OpenRouter hop: %+v", o.Hops[1])
		}
		ff := hopNamed(t, chainNamed(t, r.Config, "fromfile"), "anthropic")
		if ff.KeyEnv != "" {
			t.Errorf("a key set by environment_variables is not held by the job: %+v", ff)
		}
		sec := findingsWith(r.Findings, finding.SecretInConfig)
		if len(sec) != 1 || sec[0].Line != 23 || sec[0].Severity != finding.SevError {
			t.Errorf("literal in environment_variables: %+v", sec)
		}
	})
	t.Run("set references", func(t *testing.T) {
		base := "http://127.0.0.1:9/api/v1"
		r, err := Discover(dir, envOf(map[string]string{"MY_OR_KEY": orKey, "MY_OR_BASE": base}))
		if err != nil {
			t.Fatal(err)
		}
		h := hopNamed(t, chainNamed(t, r.Config, "via-env"), "openrouter")
		if h.KeyEnv != "MY_OR_KEY" || h.URL != base {
			t.Errorf("hop: %+v", h)
		}
		for _, f := range r.Findings {
			if f.Check == "litellm.api_base" {
				t.Errorf("unexpected: %+v", f)
			}
		}
	})
}

func TestDiscoverEnvOnly(t *testing.T) {
	dir := t.TempDir()
	r, err := Discover(dir, envOf(map[string]string{
		"OPENAI_BASE_URL": "https://openrouter.ai/api/v1", "OPENAI_API_KEY": orKey,
		"ANTHROPIC_API_KEY": "sk-ant-api03-x",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Config.Chains) != 2 {
		t.Fatalf("chains: %+v", r.Config.Chains)
	}
	o := chainNamed(t, r.Config, "openai")
	if o.Hops[0].Type != provider.OpenRouter || o.Hops[0].KeyEnv != "OPENAI_API_KEY" || o.Canary != chain.CanaryAuthOnly || o.Model != "" {
		t.Errorf("OPENAI_BASE_URL at OpenRouter: %+v", o)
	}
	a := chainNamed(t, r.Config, "anthropic")
	if a.Hops[0].URL != "https://api.anthropic.com" || a.Hops[0].KeyHeader.Name != "x-api-key" {
		t.Errorf("anthropic: %+v", a.Hops[0])
	}
	// Env chains run through the engine.
	rep := checks.Run(context.Background(), r.Config, checks.Options{LookupEnv: envOf(nil), StaticOnly: true})
	if len(rep.Chains) != 2 {
		t.Fatalf("report: %+v", rep)
	}

	_, err = Discover(dir, envOf(nil))
	if !errors.Is(err, ErrNothingFound) {
		t.Errorf("empty repository: err = %v", err)
	}
}

func TestDiscoverLiteLLMURLFromEnv(t *testing.T) {
	dir := write(t, map[string]string{"config.yaml": "model_list:\n  - model_name: m\n    litellm_params:\n      model: openrouter/x/y\n"})
	r, err := Discover(dir, envOf(map[string]string{"OPENAI_BASE_URL": "http://litellm:4000", "OPENAI_API_KEY": masterKey}))
	if err != nil {
		t.Fatal(err)
	}
	// The OpenAI SDK is pointed at the proxy: that is the litellm hop, not
	// a separate OpenAI chain.
	if len(r.Config.Chains) != 1 {
		t.Fatalf("chains: %+v", r.Config.Chains)
	}
	h := r.Config.Chains[0].Hops[0]
	if h.URL != "http://litellm:4000" || h.KeyEnv != "OPENAI_API_KEY" {
		t.Errorf("litellm hop: %+v", h)
	}
	// No api_key and no OPENROUTER_API_KEY: LiteLLM's fallback variable is
	// what the proxy would read; the engine reports it missing.
	up := r.Config.Chains[0].Hops[1]
	if up.KeyEnv != "OPENROUTER_API_KEY" || up.KeyEnvPos.Line != 4 {
		t.Errorf("upstream: %+v", up)
	}
}

func TestDiscoverSkipsAndBounds(t *testing.T) {
	lite := "model_list:\n  - model_name: %s\n    litellm_params:\n      model: openrouter/x/y\n"
	files := map[string]string{
		"a/config.yaml":                   strings.Replace(lite, "%s", "top", 1),
		"node_modules/x/config.yaml":      strings.Replace(lite, "%s", "dep", 1),
		"vendor/config.yaml":              strings.Replace(lite, "%s", "vendored", 1),
		"testdata/config.yaml":            strings.Replace(lite, "%s", "fixture", 1),
		".git/config.yaml":                strings.Replace(lite, "%s", "git", 1),
		"a/b/c/d/e/f/g/config.yaml":       strings.Replace(lite, "%s", "deep", 1),
		"hopcheck.yml":                    strings.Replace(lite, "%s", "self", 1),
		"other.yaml":                      "name: x\nnested:\n  model_list: []\n",
		"a/.env.example":                  "OPENAI_API_KEY=\n",
		"wild.yaml":                       "model_list:\n  - model_name: '*'\n    litellm_params:\n      model: openrouter/*\n",
		"broken/litellm.yaml":             "model_list:\n  - model_name: [\n",
		"a/b/c/d/e/f/shallow-enough.yaml": strings.Replace(lite, "%s", "six", 1),
	}
	dir := write(t, files)
	r, err := Discover(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range r.Config.Chains {
		names = append(names, c.Name)
	}
	// Several files: chain names carry the file.
	if got := strings.Join(names, ","); got != "a-b-c-d-e-f-shallow-enough-six,a-config-top,wild-any" {
		t.Errorf("chains %s", got)
	}
	// A wildcard route checks its provider's key with the auth-only canary.
	wild := chainNamed(t, r.Config, "wild-any")
	if h := hopNamed(t, wild, "openrouter"); wild.Canary != chain.CanaryAuthOnly || wild.Model != "" || h.KeyEnv != "OPENROUTER_API_KEY" {
		t.Errorf("wildcard chain: %+v", wild)
	}
	var invalid bool
	for _, f := range r.Findings {
		invalid = invalid || (f.Cause == finding.ConfigInvalid && f.File == "broken/litellm.yaml" && f.Severity == finding.SevError && f.Line > 0)
	}
	if !invalid {
		t.Errorf("findings (broken file %v): %+v", invalid, r.Findings)
	}
}

func TestDiscoverCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("model_list:\n")
	for i := range MaxChains + 5 {
		b.WriteString("  - model_name: m" + string(rune('a'+i)) + "\n    litellm_params:\n      model: openrouter/x/y\n")
	}
	r, err := Discover(write(t, map[string]string{"c.yaml": b.String()}), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Config.Chains) != MaxChains {
		t.Errorf("%d chains, want the cap %d", len(r.Config.Chains), MaxChains)
	}
	var capped bool
	for _, f := range r.Findings {
		capped = capped || f.Check == "discover.cap"
	}
	if !capped {
		t.Error("no finding says the list was capped")
	}
}

func TestPrintChains(t *testing.T) {
	r, err := Discover("testdata/litellm-only", envOf(map[string]string{"OPENROUTER_API_KEY": orKey, "LITELLM_MASTER_KEY": masterKey, "LITELLM_BASE_URL": "http://127.0.0.1:4000"}))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := PrintChains(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"read: deploy/config.yaml",
		"chain claude-sonnet: ci → litellm → openrouter",
		"deploy/config.yaml:3:17",  // model
		"env LITELLM_BASE_URL",     // proxy URL
		"LITELLM_MASTER_KEY",       // proxy key
		"deploy/config.yaml:33:15", // master_key line
		"openrouter.url      https://openrouter.ai/api/v1  deploy/config.yaml:7:17", // api_base line
		"openrouter.key_env  OPENROUTER_API_KEY            deploy/config.yaml:6:16", // api_key line
		"(literal sk-ho…89)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if err := PrintChains(&b, nil); err == nil {
		t.Error("nil result: no error")
	}
}

func TestParseDotenv(t *testing.T) {
	src := "# comment\n\nA=1\nexport B = two # trailing\nC='single # not a comment'\nD=\"line\\nbreak\"\nE=\"multi\nline\"\nF=\nnot an assignment\n1BAD=x\nG=x#y\r\n"
	got := parseDotenv(".env", []byte(src))
	want := []envEntry{
		{"A", "1", pos(".env", 3, 3)},
		{"B", "two", pos(".env", 4, 12)},
		{"C", "single # not a comment", pos(".env", 5, 3)},
		{"D", "line\nbreak", pos(".env", 6, 3)},
		{"E", "multi\nline", pos(".env", 7, 3)},
		{"F", "", pos(".env", 9, 1)},
		{"G", "x#y", pos(".env", 12, 3)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// A provider whose endpoint is per region derives it from the job's region
// variable (Bedrock API keys are bound to one region).
func TestEnvChainUsesTheJobsRegion(t *testing.T) {
	r, err := Discover(t.TempDir(), envOf(map[string]string{"AWS_BEARER_TOKEN_BEDROCK": "ABSK" + strings.Repeat("0fake0", 20), "AWS_REGION": "eu-west-3"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Config.Chains {
		if c.Hops[0].Type == "bedrock" {
			if c.Hops[0].URL != "https://bedrock-runtime.eu-west-3.amazonaws.com" {
				t.Errorf("bedrock URL %s", c.Hops[0].URL)
			}
			return
		}
	}
	t.Fatalf("no bedrock chain: %+v", r.Config.Chains)
}

// TestDiscoverIncludes: a parent config whose routes all live in an
// included file is discovered; the fragment is not a proxy of its own, and
// the routes are positioned in it.
func TestDiscoverIncludes(t *testing.T) {
	dir := write(t, map[string]string{
		"proxy/parent.yaml": "include:\n  - models.yaml\ngeneral_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n",
		"proxy/models.yaml": "model_list:\n  - model_name: gpt-4o\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: os.environ/OPENAI_API_KEY\n",
	})
	r, err := Discover(dir, envOf(map[string]string{"LITELLM_MASTER_KEY": masterKey}))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Config.Chains) != 1 {
		t.Fatalf("chains %+v: the fragment must not be a config of its own", r.Config.Chains)
	}
	c := r.Config.Chains[0]
	if c.Name != "gpt-4o" || c.ModelPos.File != "proxy/models.yaml" || c.Hops[0].Config != "proxy/parent.yaml" || c.Hops[0].KeyEnvPos.File != "proxy/parent.yaml" {
		t.Errorf("chain %+v", c)
	}
	if up := c.Hops[1]; up.KeyEnv != "OPENAI_API_KEY" || up.KeyEnvPos != pos("proxy/models.yaml", 5, 16) {
		t.Errorf("upstream %+v", up)
	}
	if !slices.Contains(r.Files, "proxy/models.yaml") || !slices.Contains(r.Files, "proxy/parent.yaml") {
		t.Errorf("files %v", r.Files)
	}
}

// TestDiscoverOnlyConfigInvalid: when the only config cannot be used, the
// run stops at its position (exit 2) instead of "nothing found".
func TestDiscoverOnlyConfigInvalid(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"syntax":          {"config.yaml": "model_list:\n  - model_name: *\n"},
		"shape":           {"config.yaml": "model_list:\n  azure:\n    model_name: x\n"},
		"missing include": {"config.yaml": "include: [nope.yaml]\nlitellm_settings: {}\n"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Discover(write(t, files), envOf(nil))
			var ce *chain.ConfigErrors
			if !errors.As(err, &ce) || len(ce.Errors) != 1 || ce.Errors[0].Pos.File != "config.yaml" || ce.Errors[0].Pos.Line < 1 {
				t.Fatalf("error %v, want a positioned config error", err)
			}
			if errors.Is(err, ErrNothingFound) {
				t.Error("a config was found")
			}
		})
	}
}

// A .env file cannot use the shadowing check to read runner variables or
// to test many guesses of a job value: runner variables and variables that
// are no credential are not compared, and a name assigned several times is
// compared once, at the assignment a loader keeps.
func TestDotenvShadowingIsNoOracle(t *testing.T) {
	dir := t.TempDir()
	var env strings.Builder
	env.WriteString("GITHUB_TOKEN=x\nACTIONS_RUNTIME_TOKEN=y\nAPP_PIN=1\n")
	for i := 1000; i < 1010; i++ {
		fmt.Fprintf(&env, "DEPLOY_TOKEN=%d\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("model_list:\n  - model_name: m\n    litellm_params: {model: openrouter/a, api_key: os.environ/OPENROUTER_API_KEY}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Discover(dir, envOf(map[string]string{"GITHUB_TOKEN": "ghs_" + strings.Repeat("a", 36), "ACTIONS_RUNTIME_TOKEN": "eyJ" + strings.Repeat("b", 40), "APP_PIN": "7", "DEPLOY_TOKEN": "1004"}))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, f := range r.Findings {
		if f.Check == "dotenv.shadow" {
			lines = append(lines, f.Line)
		}
	}
	// Only DEPLOY_TOKEN's last assignment (line 13) differs and is compared.
	if len(lines) != 1 || lines[0] != 13 {
		t.Errorf("shadow findings at lines %v, want [13]", lines)
	}
}

// A bedrock deployment that names its own access key id, secret and session
// token variables (https://docs.litellm.ai/docs/providers/bedrock) is
// checked with those: with the custom variables set and the default ones
// unset, no credential is missing, and --print-chains shows where the
// secret and token come from.
func TestBedrockCredentialsNamedByTheConfig(t *testing.T) {
	dir := write(t, map[string]string{"config.yaml": `model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/anthropic.claude-3-haiku-20240307-v1:0
      aws_access_key_id: os.environ/CUSTOM_AWS_ACCESS_KEY_ID
      aws_secret_access_key: os.environ/CUSTOM_AWS_SECRET_ACCESS_KEY
      aws_session_token: os.environ/CUSTOM_AWS_SESSION_TOKEN
      aws_region_name: us-west-2
`})
	vars := map[string]string{"LITELLM_MASTER_KEY": masterKey, "CUSTOM_AWS_ACCESS_KEY_ID": "AKIACUSTOMFAKE000001",
		"CUSTOM_AWS_SECRET_ACCESS_KEY": "cUsToM/SeCrEt+fake0000000000000000000000", "CUSTOM_AWS_SESSION_TOKEN": "FwoGZXIvYXdzEfakefakefake"}
	r, err := Discover(dir, envOf(vars))
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(context.Background(), r.Config, checks.Options{LookupEnv: envOf(vars), StaticOnly: true, Findings: r.Findings})
	if len(rep.Chains) != 1 {
		t.Fatalf("chains %+v", rep.Chains)
	}
	for _, f := range rep.Chains[0].Findings {
		if f.Cause == finding.CredentialMissing {
			t.Errorf("credential reported missing: %+v", f)
		}
	}
	var b bytes.Buffer
	if err := PrintChains(&b, r); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{"bedrock.key_env CUSTOM_AWS_ACCESS_KEY_ID config.yaml:5:26",
		"bedrock.aws_secret_access_key CUSTOM_AWS_SECRET_ACCESS_KEY config.yaml:6:30",
		"bedrock.aws_session_token CUSTOM_AWS_SESSION_TOKEN config.yaml:7:26"} {
		if !strings.Contains(out, want) {
			t.Errorf("--print-chains lacks %q:\n%s", want, b.String())
		}
	}
	for _, v := range vars {
		if strings.Contains(b.String(), v) {
			t.Errorf("--print-chains shows a credential %s", secret.Fingerprint(v))
		}
	}
}

// A route whose api_base reads an unset variable, with no endpoint to fall
// back to, is one error at the api_base line that names the variable and
// says to set it where the proxy runs (as an unset api_key is an error),
// not also a second finding about the hop's empty URL; the chain fails.
// The same holds for a provider without a default endpoint and no api_base.
func TestUnsetAPIBaseIsOneFinding(t *testing.T) {
	for name, tc := range map[string]struct {
		params string
		line   int
		want   string
	}{
		"unset reference": {"      api_base: os.environ/AZURE_API_BASE\n", 5, "AZURE_API_BASE"},
		"no api_base":     {"", 4, "AZURE_API_BASE"},
	} {
		dir := write(t, map[string]string{"config.yaml": "model_list:\n  - model_name: gpt-4o\n    litellm_params:\n      model: azure/gpt-4o\n" + tc.params +
			"      api_key: os.environ/AZURE_API_KEY\n"})
		vars := map[string]string{"LITELLM_MASTER_KEY": masterKey, "AZURE_API_KEY": "abcdef0123456789abcdef0123456789"}
		r, err := Discover(dir, envOf(vars))
		if err != nil {
			t.Fatal(err)
		}
		rep := checks.Run(context.Background(), r.Config, checks.Options{LookupEnv: envOf(vars), StaticOnly: true, Findings: r.Findings})
		if len(rep.Chains) != 1 {
			t.Fatalf("%s: chains %+v", name, rep.Chains)
		}
		c := rep.Chains[0]
		if c.Status != finding.Fail || c.Cause != finding.WrongEndpoint || c.FailingLink == nil || c.FailingLink.To != "azure" {
			t.Errorf("%s: %s %s link %v", name, c.Status, c.Cause, c.FailingLink)
		}
		var at []finding.Finding
		for _, f := range c.Findings {
			if f.Line == tc.line {
				at = append(at, f)
			}
		}
		if len(at) != 1 || at[0].Severity != finding.SevError || !strings.Contains(at[0].Message, tc.want) ||
			!strings.Contains(at[0].Fix, tc.want) || strings.Contains(at[0].Fix, "OpenRouter") {
			t.Errorf("%s: findings at line %d: %+v", name, tc.line, at)
		}
		if name == "unset reference" && len(at) == 1 && !strings.Contains(at[0].Fix, "where the proxy runs") {
			t.Errorf("%s: fix %q", name, at[0].Fix)
		}
	}
}
