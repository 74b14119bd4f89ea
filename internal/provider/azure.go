package provider

import (
	"net/http"
	"net/url"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Azure is the hop type of Azure OpenAI (https://learn.microsoft.com/azure/ai-services/openai/reference).
const Azure chain.HopType = "azure"

// AzureAPIVersion is the api-version sent when the hop sets none (its
// params.api_version): the latest generally available data-plane version
// of the Azure OpenAI REST reference
// (https://learn.microsoft.com/rest/api/azureopenai/models/list).
const AzureAPIVersion = "2024-10-21"

func init() {
	register(&Spec{
		Type:    Azure,
		Name:    "Azure OpenAI",
		Aliases: []string{"azure-openai"},
		Role:    Provider,
		// LiteLLM's completion() reads api_base from AZURE_API_BASE,
		// api_version from AZURE_API_VERSION and the key from
		// AZURE_OPENAI_API_KEY, then AZURE_API_KEY
		// (https://github.com/BerriAI/litellm/blob/main/litellm/main.py).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"azure", "azure_text"}, BaseVar: "AZURE_API_BASE", KeyVars: []string{"AZURE_OPENAI_API_KEY", "AZURE_API_KEY"}},
		// OpenClaw has no built-in Azure provider id: it reaches Azure
		// through a custom provider with api "azure-openai-responses" and
		// AZURE_OPENAI_API_KEY
		// (https://github.com/openclaw/openclaw/blob/main/docs/providers/azure-openai.md).
		OpenClaw: OpenClawRoute{KeyVars: []string{"AZURE_OPENAI_API_KEY"}},
		// No default base URL: every resource has its own endpoint.
		// Foundry resources answer on services.ai.azure.com and
		// cognitiveservices.azure.com with the same /openai paths.
		Hosts: []string{".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"},
		// Users write the resource endpoint, …/openai or the v1 API root
		// …/openai/v1; every call below starts at the resource.
		RootTrims: []string{"/openai/v1", "/openai"},
		KeyVars:   []string{"AZURE_OPENAI_API_KEY", "AZURE_API_KEY"},
		BaseVars:  []string{"AZURE_OPENAI_ENDPOINT", "AZURE_API_BASE"},
		Keys: Keys{
			// Keys carry no prefix (32 hex characters for classic
			// resources; the longer Azure AI services keys are not
			// documented as a stable shape), so only Fake is given.
			Fake: "00000000fa4e0000000000000000a2be",
		},
		Auth:  Auth{Name: "api-key"},
		Shape: ShapeOpenAI,
		// Models - List: every model the resource may deploy; it needs
		// the key and costs nothing. It lists base models, not the
		// resource's deployments, so the chain's model (a deployment
		// name) is not checked against it. Its api-version is the one it
		// is documented with, whatever version the hop's inference uses.
		KeyCheck:       Call{Method: "GET", Path: "/openai/models", Query: url.Values{"api-version": {AzureAPIVersion}}},
		Adjust:         azureAdjust,
		BuildCanary:    azureCanary,
		BuildEmbedding: azureEmbedding,
		Rules:          azureRules,
		Samples:        azureSamples,
	})
}

// azureDeployment is the path of deployment model's operation op.
func azureDeployment(model, op string) string {
	return "/openai/deployments/" + url.PathEscape(model) + "/" + op
}

// azureCanary is a chat completion on the chain's model as a deployment
// (https://learn.microsoft.com/azure/ai-foundry/openai/reference#chat-completions):
// the deployment is in the path, so the body carries no model.
func azureCanary(in RequestInput) Call {
	return Call{Method: "POST", Path: azureDeployment(in.Model, "chat/completions"),
		Body: map[string]any{"max_tokens": in.maxTokens(), "messages": messages(in), "stream": false}}
}

// azureEmbedding embeds on the chain's model as a deployment.
func azureEmbedding(in RequestInput) Call {
	return Call{Method: "POST", Path: azureDeployment(in.Model, "embeddings"), Body: map[string]any{"input": CanaryPrompt}}
}

// azureAdjust adds the api-version every classic call needs: the hop's
// params.api_version, else AzureAPIVersion.
func azureAdjust(in RequestInput, c *Call) {
	if c.Query.Get("api-version") != "" {
		return
	}
	v := in.Params["api_version"]
	if v == "" {
		v = AzureAPIVersion
	}
	if c.Query == nil {
		c.Query = url.Values{}
	}
	c.Query.Set("api-version", v)
}

// Azure's answers: the OpenAI-style {"error":{"code","message"}} for its
// own errors and API Management's {"statusCode","message"} for a missing
// key. The shared families already name most of them ("access denied due
// to invalid subscription key" is a rejected key, "missing subscription
// key" a missing one, "deployment … does not exist" an unknown model); the
// rules here pin them by wording and code, which outlive rewording.
var azureRules = []classify.Rule{
	{ID: "azure.invalid-key", Msg: classify.Re(`access denied due to invalid subscription key`), Cause: finding.CredentialRejected},
	{ID: "azure.missing-key", Msg: classify.Re(`access denied due to missing subscription key`), Cause: finding.HeaderMissing},
	{ID: "azure.deployment-not-found", Fields: []classify.Field{classify.In("error.code", "DeploymentNotFound")}, Cause: finding.ModelUnavailable},
}

var azureSamples = []Sample{
	{Cause: finding.HeaderMissing, Status: http.StatusUnauthorized,
		Body:   `{"statusCode": 401, "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."}`,
		Source: "https://github.com/openai/openai-python/issues/1527"},
	{Cause: finding.CredentialRejected, Status: http.StatusUnauthorized,
		Body:   `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`,
		Source: "https://github.com/SciSharp/BotSharp/issues/386"},
	{Cause: finding.ModelUnavailable, Status: http.StatusNotFound,
		Body:   `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`,
		Source: "https://github.com/chatboxai/chatbox/issues/861"},
	// A path or api-version the resource does not serve.
	{Cause: finding.WrongEndpoint, Status: http.StatusNotFound,
		Body:   `{"error":{"code":"404","message":"Resource not found"}}`,
		Source: "https://github.com/ThinkInAIXYZ/deepchat/issues/262"},
	// A deployment asked for an operation its model does not serve
	// (shared.model-kind).
	{Cause: finding.ModelUnavailable, Status: http.StatusBadRequest, For: ForEmbedding,
		Body:   `{"error":{"code":"OperationNotSupported","message":"The embeddings operation does not work with the specified model, gpt-35-turbo. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993."}}`,
		Source: "https://github.com/OpenHands/OpenHands/issues/1003"},
	{Cause: finding.ModelUnavailable, Status: http.StatusBadRequest, For: ForChat,
		Body:   `{"error":{"code":"OperationNotSupported","message":"The chatCompletion operation does not work with the specified model, text-embedding-3-large. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993."}}`,
		Source: "https://github.com/microsoft/graphrag/issues/1557"},
	{Cause: finding.RateLimited, Status: http.StatusTooManyRequests,
		Body:   `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2023-05-15 have exceeded token rate limit of your current AIServices S0 pricing tier. Please retry after 86400 seconds. Please contact Azure support service if you would like to further increase the default rate limit."}}`,
		Source: "https://github.com/jasonacox/TinyLLM/issues/17"},
}
