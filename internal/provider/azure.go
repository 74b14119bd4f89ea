package provider

import (
	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Azure is the hop type of Azure OpenAI (https://learn.microsoft.com/azure/ai-services/openai/reference).
const Azure chain.HopType = "azure"

func init() {
	register(&Spec{
		Type:     Azure,
		Name:     "Azure OpenAI",
		Aliases:  []string{"azure-openai"},
		Role:     Provider,
		LiteLLM:  LiteLLMRoute{Prefixes: []string{"azure"}, BaseVar: "AZURE_API_BASE", KeyVars: []string{"AZURE_API_KEY", "AZURE_OPENAI_API_KEY"}},
		OpenClaw: OpenClawRoute{IDs: []string{"azure-openai"}},
		Hosts:    []string{".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"},
		KeyVars:  []string{"AZURE_API_KEY", "AZURE_OPENAI_API_KEY"},
		BaseVars: []string{"AZURE_API_BASE", "AZURE_OPENAI_ENDPOINT"},
		Auth:     Auth{Name: "api-key"},
		Rules:    azureRules,
	})
}

// Azure API Management's answers for a missing or wrong key
// (https://learn.microsoft.com/azure/api-management/api-management-authenticate-authorize-azure-openai).
var azureRules = []classify.Rule{
	{ID: "azure.invalid-key", Msg: classify.Re(`access denied due to invalid subscription key`), Cause: finding.CredentialRejected},
	{ID: "azure.missing-key", Msg: classify.Re(`access denied due to missing subscription key`), Cause: finding.HeaderMissing},
	{ID: "azure.deployment-not-found", Fields: []classify.Field{classify.In("error.code", "DeploymentNotFound")}, Cause: finding.ModelUnavailable},
}
