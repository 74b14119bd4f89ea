package provider

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Bedrock is the hop type of Amazon Bedrock's runtime API
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html).
const Bedrock chain.HopType = "bedrock"

// The variables a Bedrock request is signed with besides the access key id
// (secrets, scrubbed like the key) and the region variables, in LiteLLM's
// order: AWS_REGION_NAME, then AWS_REGION, then the SDKs' AWS_DEFAULT_REGION
// (https://github.com/BerriAI/litellm/blob/main/litellm/llms/bedrock/base_aws_llm.py).
const (
	awsSecretVar  = "AWS_SECRET_ACCESS_KEY"
	awsSessionVar = "AWS_SESSION_TOKEN"
)

var awsRegionVars = []string{"AWS_REGION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION"}

// BedrockDefaultRegion is OpenClaw's default region for amazon-bedrock
// (https://github.com/openclaw/openclaw/blob/main/docs/providers/bedrock.md).
const BedrockDefaultRegion = "us-east-1"

// BedrockRuntimeURL is the runtime endpoint of region, for readers that
// know the region but no URL.
func BedrockRuntimeURL(region string) string {
	return "https://bedrock-runtime." + region + ".amazonaws.com"
}

func init() {
	register(&Spec{
		Type:    Bedrock,
		Name:    "Amazon Bedrock",
		Aliases: []string{"amazon-bedrock", "aws-bedrock"},
		Role:    Provider,
		// LiteLLM sends a Bedrock API key (api_key, else
		// AWS_BEARER_TOKEN_BEDROCK) as a bearer token and otherwise signs
		// with the AWS credentials boto3 finds (AWS_ACCESS_KEY_ID …)
		// (https://github.com/BerriAI/litellm/blob/main/litellm/llms/bedrock/base_aws_llm.py).
		// A deployment may name the variables of its access key id, secret
		// and session token (aws_access_key_id: os.environ/…, …)
		// (https://docs.litellm.ai/docs/providers/bedrock).
		LiteLLM: LiteLLMRoute{Prefixes: []string{"bedrock"}, KeyVars: []string{"AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID"},
			CompanionParams: map[string]string{awsSecretVar: "aws_secret_access_key", awsSessionVar: "aws_session_token"}},
		// OpenClaw's amazon-bedrock: AWS_BEARER_TOKEN_BEDROCK, then
		// AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY, then AWS_PROFILE
		// (https://github.com/openclaw/openclaw/blob/main/docs/providers/bedrock.md).
		OpenClaw: OpenClawRoute{IDs: []string{"amazon-bedrock"}, KeyVars: []string{"AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID"}},
		// OpenClaw's default; the endpoint is per region (BedrockRuntimeURL).
		BaseURL: BedrockRuntimeURL(BedrockDefaultRegion),
		// The runtime (inference) and control-plane (model list) endpoints
		// of every region, and their FIPS variants
		// (https://docs.aws.amazon.com/general/latest/gr/bedrock.html).
		Hosts: []string{"bedrock-runtime.*.amazonaws.com", "bedrock.*.amazonaws.com",
			"bedrock-runtime-fips.*.amazonaws.com", "bedrock-fips.*.amazonaws.com"},
		// AWS_BEARER_TOKEN_BEDROCK is Bedrock's own variable
		// (https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys-use.html).
		// AWS_ACCESS_KEY_ID is deliberately not a conventional variable
		// here: any job that deploys to AWS sets it, which does not make
		// the job a Bedrock client. Configs that name it (LiteLLM,
		// OpenClaw, hopcheck.yml) still use it.
		KeyVars:    []string{"AWS_BEARER_TOKEN_BEDROCK"},
		Companions: []string{awsSecretVar, awsSessionVar},
		Settings:   awsRegionVars,
		Keys: Keys{
			// An access key id (long-term AKIA, temporary ASIA) signs with
			// its secret; a Bedrock API key (long-term ABSK…, short-term
			// bedrock-api-key-…) is a bearer token (gitleaks rules
			// aws-access-token, aws-amazon-bedrock-api-key-long-lived and
			// -short-lived, https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml).
			// Access key ids work for every AWS service, so only the
			// Bedrock API key prefixes are distinctive.
			Prefixes:    []string{"bedrock-api-key-", "ABSK", "AKIA", "ASIA"},
			Distinctive: []string{"bedrock-api-key-", "ABSK"},
			Pattern:     classify.Lazy(`^(?:(?:AKIA|ASIA)[A-Z0-9]{16}|ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-[A-Za-z0-9+/]+={0,2})$`),
			Shape:       "an access key id (AKIA or ASIA and 16 capitals or digits) or a Bedrock API key (ABSK… or bedrock-api-key-…)",
			Fake:        "ABSK" + strings.Repeat("0fake0", 20),
		},
		// Bedrock API keys go as "Authorization: Bearer"; access keys sign
		// the request instead (Sign).
		Auth: Auth{Name: "Authorization", Prefix: "Bearer "},
		Sign: signBedrock,
		NeedsCompanions: func(key string) []string {
			if IsBedrockAPIKey(key) {
				return nil
			}
			return []string{awsSecretVar}
		},
		BaseFor: func(get func(string) string) string {
			for _, v := range awsRegionVars {
				if r := get(v); r != "" {
					return BedrockRuntimeURL(r)
				}
			}
			return ""
		},
		Shape: ShapeBedrock,
		// ListFoundationModels costs nothing; it lives on the control
		// plane, bedrock.<region>.amazonaws.com
		// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html).
		KeyCheck:       Call{Method: "GET", Path: "/foundation-models"},
		Adjust:         bedrockAdjust,
		ReadKey:        readBedrockModels,
		BuildCanary:    bedrockCanary,
		BuildEmbedding: bedrockEmbedding,
		Rules:          bedrockRules,
		Samples:        bedrockSamples,
	})
}

// bedrockHost matches Bedrock's regional endpoints (and their VPC endpoint
// names): group 1 is the service ("bedrock-runtime", "bedrock-fips" …),
// group 2 the region.
var bedrockHost = classify.Lazy(`(?:^|\.)(bedrock(?:-runtime)?(?:-fips)?)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com$`)

// bedrockAdjust sends the key check to the control plane of the runtime
// endpoint's region (bedrock-runtime.R… → bedrock.R…). Any other host (a
// proxy, a VPC endpoint, the simulator) gets the call on its own host.
func bedrockAdjust(in RequestInput, c *Call) {
	if c.Path != "/foundation-models" {
		return
	}
	u, err := url.Parse(in.Base)
	if err != nil {
		return
	}
	h := strings.ToLower(u.Hostname())
	if m := bedrockHost.FindStringSubmatch(h); m != nil && !strings.Contains(h, ".vpce.") && strings.HasPrefix(h, m[1]+".") {
		c.Host = strings.Replace(m[1], "-runtime", "", 1) + "." + m[2] + ".amazonaws.com"
	}
}

// bedrockModelID escapes a model id (or inference profile ARN) as one path
// segment the way the AWS SDKs do: ":" and "/" included.
func bedrockModelID(m string) string {
	return strings.ReplaceAll(url.PathEscape(m), ":", "%3A")
}

// bedrockCanary is Converse with one user turn
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
func bedrockCanary(in RequestInput) Call {
	p := in.Prompt
	if p == "" {
		p = CanaryPrompt
	}
	return Call{Method: "POST", Path: "/model/" + bedrockModelID(in.Model) + "/converse",
		Body: map[string]any{
			"messages":        []map[string]any{{"role": "user", "content": []map[string]string{{"text": p}}}},
			"inferenceConfig": map[string]any{"maxTokens": in.maxTokens()},
		}}
}

// bedrockEmbedding is InvokeModel with the embedding model's own body:
// Cohere Embed's {"texts","input_type"}, else Titan's {"inputText"}
// (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html,
// https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html).
func bedrockEmbedding(in RequestInput) Call {
	var body map[string]any
	if strings.Contains(strings.ToLower(in.Model), "cohere.embed") {
		body = map[string]any{"texts": []string{CanaryPrompt}, "input_type": "search_query"}
	} else {
		body = map[string]any{"inputText": CanaryPrompt}
	}
	return Call{Method: "POST", Path: "/model/" + bedrockModelID(in.Model) + "/invoke", Body: body}
}

// readBedrockModels lists the model ids ListFoundationModels answers.
func readBedrockModels(body []byte) KeyFacts {
	var ml struct {
		ModelSummaries []struct {
			ModelID string `json:"modelId"`
		} `json:"modelSummaries"`
	}
	if json.Unmarshal(body, &ml) != nil || len(ml.ModelSummaries) == 0 {
		return KeyFacts{}
	}
	f := KeyFacts{Models: make([]string, 0, len(ml.ModelSummaries))}
	for _, m := range ml.ModelSummaries {
		f.Models = append(f.Models, m.ModelID)
	}
	return f
}

// IsBedrockAPIKey reports whether key is a Bedrock API key (a bearer
// token) rather than an AWS access key id.
func IsBedrockAPIKey(key string) bool {
	return strings.HasPrefix(key, "ABSK") || strings.HasPrefix(key, "bedrock-api-key-")
}

// signBedrock authenticates r: a Bedrock API key as a bearer token, an
// access key id with AWS Signature Version 4 (service "bedrock").
func signBedrock(r *http.Request, body []byte, key string, companions map[string]string) error {
	return signBedrockAt(r, body, key, companions, time.Now())
}

// signBedrockAt is signBedrock with the clock given (tests use a fixed one).
func signBedrockAt(r *http.Request, body []byte, key string, companions map[string]string, now time.Time) error {
	if IsBedrockAPIKey(key) {
		r.Header.Set("Authorization", "Bearer "+key)
		return nil
	}
	secret := companions[awsSecretVar]
	if secret == "" {
		return errors.New(awsSecretVar + " is unset or empty: an access key id signs nothing without its secret")
	}
	return sigV4(r, body, credentials.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: companions[awsSessionVar]},
		"bedrock", bedrockRegion(r.URL.Hostname(), companions), now)
}

// bedrockRegion is the region of the endpoint host, else the first region
// variable set, else BedrockDefaultRegion. The host wins: AWS checks the
// signature's region against the endpoint's.
func bedrockRegion(host string, vars map[string]string) string {
	if m := bedrockHost.FindStringSubmatch(strings.ToLower(host)); m != nil {
		return m[2]
	}
	for _, v := range awsRegionVars {
		if r := vars[v]; r != "" {
			return r
		}
	}
	return BedrockDefaultRegion
}

// sigV4 signs r in place (Authorization, X-Amz-Date, X-Amz-Security-Token)
// over the SHA-256 of body, with the small signer of the AWS SDKs
// (github.com/aws/smithy-go/aws-http-auth): it signs Host and the X-Amz-*
// headers only, so headers a client or proxy adds later do not break the
// signature.
func sigV4(r *http.Request, body []byte, creds credentials.Credentials, service, region string, now time.Time) error {
	sum := sha256.Sum256(body)
	return sigv4.New().SignRequest(&sigv4.SignRequestInput{
		Request: r, PayloadHash: sum[:], Credentials: creds,
		Service: service, Region: region, Time: now,
	})
}

// Bedrock answers {"message":"…"} (bearer-token errors capitalise
// "Message"), the error type in the x-amzn-ErrorType header. The shared
// families name a missing Authorization header, a rejected API key
// ("Authentication failed") and a denied model (403); these rules cover
// AWS's own wording.
var bedrockRules = []classify.Rule{
	// ListFoundationModels refused by IAM policy: AWS authenticates the
	// signature before it evaluates permissions, so the credential is
	// good; a role that may only invoke models never holds this
	// permission, and that is no fault.
	{ID: "bedrock.list-not-permitted", Status: classify.Is(403), Msg: classify.Re(`not authorized to perform:\s*bedrock:ListFoundationModels\b`), Cause: finding.OK},
	// UnrecognizedClientException / ExpiredTokenException.
	{ID: "bedrock.security-token", Msg: classify.Re(`security token included in the request is (?:invalid|expired)`), Cause: finding.CredentialRejected},
	// InvalidSignatureException: the secret does not belong to the key id.
	{ID: "bedrock.signature", Msg: classify.Re(`request signature we calculated does not match`), Cause: finding.CredentialRejected},
	// A bearer token that is not a Bedrock API key at all.
	{ID: "bedrock.api-key-format", Msg: classify.Re(`invalid api key format`), Cause: finding.CredentialMalformed},
	// ValidationException for an unknown model id.
	{ID: "bedrock.invalid-model", Msg: classify.Re(`provided model identifier is invalid`), Cause: finding.ModelUnavailable},
}

var bedrockSamples = []Sample{
	{Cause: finding.HeaderMissing, Status: http.StatusForbidden,
		Body:   `{"Message":"Authorization header is missing"}`,
		Source: "https://github.com/anthropics/claude-code/issues/45000"},
	{Cause: finding.CredentialRejected, Status: http.StatusForbidden,
		Body:   `{"Message":"Authentication failed: Please make sure your API Key is valid."}`,
		Source: "https://github.com/ai4s-research/open-science/issues/53"},
	{Cause: finding.CredentialRejected, Status: http.StatusForbidden,
		Body:   `{"message":"The security token included in the request is invalid."}`,
		Source: "https://github.com/Aider-AI/aider/issues/1986"},
	{Cause: finding.CredentialRejected, Status: http.StatusForbidden,
		Body:   `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream\n\ncontent-type:application/json\nhost:bedrock-runtime.us-east-2.amazonaws.com\nx-amz-date:20250921T101604Z\n'"}`,
		Source: "https://github.com/BerriAI/litellm/issues/14763"},
	{Cause: finding.CredentialMalformed, Status: http.StatusForbidden,
		Body:   `{"Message":"Invalid API Key format: Must start with pre-defined prefix"}`,
		Source: "https://github.com/farion1231/cc-switch/issues/1679"},
	{Cause: finding.ModelUnavailable, Status: http.StatusBadRequest,
		Body:   `{"message":"The provided model identifier is invalid."}`,
		Source: "https://github.com/iOfficeAI/AionCore/issues/377"},
	{Cause: finding.Forbidden, Status: http.StatusForbidden,
		Body:   `{"message":"You don't have access to the model with the specified model ID."}`,
		Source: "https://github.com/dirkpetersen/our-chat/issues/3"},
	// The key check's answer for a role without bedrock:ListFoundationModels.
	{Cause: finding.OK, Status: http.StatusForbidden,
		Body:   `{"message":"User: arn:aws:sts::ACCOUNT_ID:assumed-role/DifyOnAwsStack-ApiServiceTaskTaskRole06F87EBE-XXXX/XXXX is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action"}`,
		Source: "https://github.com/aws-samples/dify-self-hosted-on-aws/issues/74"},
}
