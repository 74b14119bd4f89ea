package provider

import (
	"os"
	"strings"
	"testing"
)

// providersDoc renders docs/providers.md from the registry, so the list a
// user reads is the list hopcheck uses.
func providersDoc() string {
	var b strings.Builder
	b.WriteString(`# Providers and hop types

Generated from the provider registry (` + "`internal/provider`" + `, one file per entry) by
` + "`go test ./internal/provider -run TestProvidersDoc -update`" + `; a test fails when it is out of date.

- **Verify**: ` + "`live`" + ` — a key check and the canary verify it; ` + "`static-only`" + ` — hopcheck cannot sign a
  request to it, so a hop of this type is ` + "`unverified`" + ` unless a canary through a gateway reaches it;
  ` + "`no-key`" + ` — a local server that needs no key (reachability and the canary verify it).
- **Hosts**: where a key of this provider may be sent — a key on a hop of its type, read from one of
  its key variables (or LiteLLM's and OpenClaw's for it), or with its distinctive prefix, whatever the
  hop's type ([security.md](security.md)). Any other host must be allowed from outside
  the repository (` + "`--allow-host`" + `, the action input ` + "`allow-hosts`" + `, ` + "`HOPCHECK_ALLOW_HOSTS`" + `). Types without
  official hosts are self-hosted: their key goes to loopback, private and single-label hosts only.

| Type | Name | Verify | Hosts | Key variables | LiteLLM prefixes | OpenClaw ids |
|---|---|---|---|---|---|---|
`)
	code := func(list []string) string {
		if len(list) == 0 {
			return "–"
		}
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = "`" + s + "`"
		}
		return strings.Join(out, ", ")
	}
	for _, s := range All() {
		t := "`" + string(s.Type) + "`"
		if len(s.Aliases) > 0 {
			t += " (" + code(s.Aliases) + ")"
		}
		hosts := code(s.Hosts)
		if len(s.Hosts) == 0 {
			hosts = "self-hosted"
		}
		b.WriteString("| " + t + " | " + s.Name + " | " + s.Verify.String() + " | " + hosts + " | " + code(s.KeyVars) +
			" | " + code(s.LiteLLM.Prefixes) + " | " + code(s.OpenClaw.IDs) + " |\n")
	}
	return b.String()
}

func TestProvidersDoc(t *testing.T) {
	const path = "../../docs/providers.md"
	want := providersDoc()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Errorf("%s is out of date: run go test ./internal/provider -run TestProvidersDoc -update", path)
	}
}
