package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// NvidiaNIM is the hop type of NVIDIA's hosted NIM API catalog (build.nvidia.com, https://docs.api.nvidia.com/nim/reference).
const NvidiaNIM chain.HopType = "nvidia-nim"

func init() {
	register(&Spec{
		Type:    NvidiaNIM,
		Name:    "NVIDIA NIM",
		Aliases: []string{"nvidia", "nvidia_nim"},
		Role:    Provider,
		// LiteLLM reads NVIDIA_NIM_API_BASE (default
		// https://integrate.api.nvidia.com/v1) and NVIDIA_NIM_API_KEY;
		// OpenClaw's nvidia provider reads NVIDIA_API_KEY.
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"nvidia_nim"}, BaseVar: "NVIDIA_NIM_API_BASE", KeyVars: []string{"NVIDIA_NIM_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"nvidia"}, KeyVars: []string{"NVIDIA_API_KEY"}},
		BaseURL:  "https://integrate.api.nvidia.com/v1",
		Hosts:    []string{"integrate.api.nvidia.com"},
		KeyVars:  []string{"NVIDIA_API_KEY", "NVIDIA_NIM_API_KEY"},
		Keys: Keys{
			Prefixes:    []string{"nvapi-"},
			Distinctive: []string{"nvapi-"},
			Fake:        "nvapi-0Fake0Key000000000000000000",
		},
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		// GET /v1/models answers without a key
		// (https://github.com/langchain-ai/langchain-nvidia/issues/92): it
		// proves reachability, not the key. There is no free authenticated
		// call, so the canary verifies the key.
		Public:  Call{Method: "GET", Path: "/models"},
		Rules:   nvidiaRules,
		Samples: nvidiaSamples,
	})
}

// NVIDIA answers RFC 7807 problems, {"status":N,"title":…,"detail":…}:
// 401 "Authentication failed" (a shared-family wording), 403
// "Authorization failed" for a key the catalog does not accept for the
// call (another service's key, or one sent from the wrong variable:
// https://github.com/HKUDS/OpenHarness/issues/233,
// https://github.com/Alishahryar1/free-claude-code/issues/1242), and
// "Header of type `authorization` was missing" without a key
// (https://github.com/diegosouzapw/OmniRoute/issues/6242).
var nvidiaRules = []classify.Rule{
	{ID: "nvidia.header-missing", Msg: classify.Re("header of type .?authorization.? was missing"), Cause: finding.HeaderMissing},
	{ID: "nvidia.authorization-failed", Fields: []classify.Field{classify.In("title", "Forbidden")}, Msg: classify.Re(`^authorization failed`), Cause: finding.CredentialRejected},
}

var nvidiaSamples = []Sample{
	{Cause: finding.CredentialRejected, Status: 401,
		Body:   `{"status":401,"title":"Unauthorized","detail":"Authentication failed"}`,
		Source: "https://github.com/hidenobunagai/nvidia-nim-provider/issues/9"},
	{Cause: finding.CredentialRejected, Status: 403,
		Body:   `{"status":403,"title":"Forbidden","detail":"Authorization failed"}`,
		Source: "https://github.com/can1357/oh-my-pi/issues/499"},
}
