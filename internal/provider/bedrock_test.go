package provider

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go/aws-http-auth/credentials"

	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

func init() {
	cases = append(cases,
		tcase{name: "bedrock list not permitted", t: Bedrock, status: 403, ct: ctJSON,
			body:  `{"message":"User: arn:aws:sts::ACCOUNT_ID:assumed-role/DifyOnAwsStack-ApiServiceTaskTaskRole06F87EBE-XXXX/XXXX is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action"}`,
			cause: finding.OK, Rule: "bedrock.list-not-permitted"},
		tcase{name: "bedrock list explicitly denied", t: Bedrock, status: 403, ct: ctJSON,
			body:  `{"Message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: bedrock:ListFoundationModels with an explicit deny in an identity-based policy"}`,
			cause: finding.OK, Rule: "bedrock.list-not-permitted"},
		// Denied inference is a real denial: the rule above is for the
		// model list only (https://github.com/posit-dev/positron/issues/10683).
		tcase{name: "bedrock invoke denied", t: Bedrock, status: 403, ct: ctJSON,
			body:  `{"Message":"User: arn:aws:sts::0482xxxxxxxx:assumed-role/mcp-tenantOperator/dxxxx is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0 with an explicit deny in an identity-based policy"}`,
			cause: finding.Forbidden},
		tcase{name: "bedrock security token invalid", t: Bedrock, status: 403, ct: ctJSON,
			body: `{"message":"The security token included in the request is invalid."}`, cause: finding.CredentialRejected, Rule: "bedrock.security-token"},
		tcase{name: "bedrock security token expired", t: Bedrock, status: 403, ct: ctJSON,
			body: `{"message":"The security token included in the request is expired"}`, cause: finding.CredentialRejected, Rule: "bedrock.security-token"},
		tcase{name: "bedrock signature mismatch", t: Bedrock, status: 403, ct: ctJSON,
			body:  `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`,
			cause: finding.CredentialRejected, Rule: "bedrock.signature"},
		tcase{name: "bedrock api key format", t: Bedrock, status: 403, ct: ctJSON,
			body: `{"Message":"Invalid API Key format: Must start with pre-defined prefix"}`, cause: finding.CredentialMalformed, Rule: "bedrock.api-key-format"},
		tcase{name: "bedrock invalid model id", t: Bedrock, status: 400, ct: ctJSON,
			body: `{"message":"The provided model identifier is invalid."}`, cause: finding.ModelUnavailable, Rule: "bedrock.invalid-model"},
		tcase{name: "bedrock authorization header missing", t: Bedrock, status: 403, ct: ctJSON,
			body: `{"Message":"Authorization header is missing"}`, cause: finding.HeaderMissing, Rule: "shared.no-credentials"},
		// LiteLLM relaying Bedrock's answer (https://github.com/Aider-AI/aider/issues/1986).
		tcase{name: "litellm relays bedrock token invalid", t: LiteLLM, status: 401, ct: ctJSON,
			body:  llEnv(`litellm.AuthenticationError: BedrockException Invalid Authentication - b'{"message":"The security token included in the request is invalid."}'`, "None", "401"),
			cause: finding.CredentialRejected, origin: classify.Relayed, next: Bedrock, innerCause: finding.CredentialRejected},
	)
}

// The AWS Signature Version 4 test suite, signed by the function Bedrock's
// Sign uses.
func TestSigV4TestSuite(t *testing.T) {
	data, err := os.ReadFile("testdata/sigv4-test-suite.json")
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		AccessKeyID     string    `json:"access_key_id"`
		SecretAccessKey string    `json:"secret_access_key"`
		Region          string    `json:"region"`
		Service         string    `json:"service"`
		Time            time.Time `json:"time"`
		Cases           []struct{ Name, Method, URL, Authorization string }
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range suite.Cases {
		t.Run(c.Name, func(t *testing.T) {
			r, _ := http.NewRequest(c.Method, c.URL, nil)
			creds := credentials.Credentials{AccessKeyID: suite.AccessKeyID, SecretAccessKey: suite.SecretAccessKey}
			if err := sigV4(r, nil, creds, suite.Service, suite.Region, suite.Time); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Authorization"); got != c.Authorization {
				t.Errorf("Authorization = %s\nwant            %s", got, c.Authorization)
			}
			if got := r.Header.Get("X-Amz-Date"); got != "20150830T123600Z" {
				t.Errorf("X-Amz-Date = %s", got)
			}
		})
	}
}

// Bedrock's Sign: SigV4 for access keys (service bedrock, the endpoint's
// region, the body's hash, the session token), a bearer token for Bedrock
// API keys, and a clear error — naming no secret — without the secret.
func TestBedrockSign(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const id, secret, session = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLEsessiontoken"
	body := []byte(`{"messages":[]}`)
	sign := func(url string, body []byte, vars map[string]string) *http.Request {
		t.Helper()
		r, _ := http.NewRequest("POST", url, nil)
		if err := signBedrockAt(r, body, id, vars, at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	shape := regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260102/([a-z0-9-]+)/bedrock/aws4_request, SignedHeaders=(\S+), Signature=([0-9a-f]{64})$`)
	vars := map[string]string{"AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": session, "AWS_REGION": "us-west-2"}
	r := sign("https://bedrock-runtime.eu-central-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", body, vars)
	m := shape.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		t.Fatalf("Authorization = %q", r.Header.Get("Authorization"))
	}
	if m[1] != "eu-central-1" {
		t.Errorf("region %s: the endpoint's region must win over AWS_REGION", m[1])
	}
	if m[2] != "host;x-amz-date;x-amz-security-token" {
		t.Errorf("signed headers %s", m[2])
	}
	if r.Header.Get("X-Amz-Date") != "20260102T030405Z" || r.Header.Get("X-Amz-Security-Token") != session {
		t.Errorf("headers %v", r.Header)
	}
	sig := m[3]
	if again := shape.FindStringSubmatch(sign("https://bedrock-runtime.eu-central-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", body, vars).Header.Get("Authorization")); again[3] != sig {
		t.Error("same request, same clock, different signature")
	}
	if other := shape.FindStringSubmatch(sign("https://bedrock-runtime.eu-central-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", []byte(`{}`), vars).Header.Get("Authorization")); other[3] == sig {
		t.Error("the body is not covered by the signature")
	}
	// A host that names no region (a proxy, the simulator) signs for the
	// first region variable LiteLLM would read, else the default.
	for want, v := range map[string]map[string]string{
		"ap-south-1":         {"AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION_NAME": "ap-south-1", "AWS_REGION": "us-west-2"},
		"us-west-2":          {"AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"},
		BedrockDefaultRegion: {"AWS_SECRET_ACCESS_KEY": secret},
	} {
		a := sign("http://127.0.0.1:9/model/m/converse", body, v).Header.Get("Authorization")
		if m := shape.FindStringSubmatch(a); m == nil || m[1] != want || m[2] != "host;x-amz-date" {
			t.Errorf("vars %v: Authorization %s, want region %s", v, a, want)
		}
	}
	// Bedrock API keys are bearer tokens, no secret needed.
	for _, key := range []string{For(Bedrock).Keys.Fake, "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg=="} {
		r, _ := http.NewRequest("GET", "https://bedrock.us-east-1.amazonaws.com/foundation-models", nil)
		if err := signBedrockAt(r, nil, key, nil, at); err != nil || r.Header.Get("Authorization") != "Bearer "+key || r.Header.Get("X-Amz-Date") != "" {
			t.Errorf("bearer key: err %v, headers %v", err, r.Header)
		}
	}
	r, _ = http.NewRequest("GET", "https://bedrock.us-east-1.amazonaws.com/foundation-models", nil)
	err := signBedrockAt(r, nil, id, map[string]string{"AWS_SESSION_TOKEN": session}, at)
	if err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") || strings.Contains(err.Error(), id) || strings.Contains(err.Error(), session) {
		t.Errorf("without a secret: %v", err)
	}
	if r.Header.Get("Authorization") != "" {
		t.Error("an unsigned request got an Authorization header")
	}
}

// The key check goes to the control plane of the runtime endpoint's
// region; the canary and embeddings to the runtime, in Bedrock's shapes.
func TestBedrockRequests(t *testing.T) {
	s := For(Bedrock)
	for base, want := range map[string]string{
		"https://bedrock-runtime.eu-west-3.amazonaws.com":      "https://bedrock.eu-west-3.amazonaws.com/foundation-models",
		"https://bedrock-runtime-fips.us-east-1.amazonaws.com": "https://bedrock-fips.us-east-1.amazonaws.com/foundation-models",
		"http://127.0.0.1:4010":                                "http://127.0.0.1:4010/foundation-models",
		// A VPC endpoint of the runtime has no control plane next to it.
		"https://vpce-0abc-xyz.bedrock-runtime.us-east-1.vpce.amazonaws.com": "https://vpce-0abc-xyz.bedrock-runtime.us-east-1.vpce.amazonaws.com/foundation-models",
	} {
		c := s.KeyCheckCall(RequestInput{Base: base})
		u := s.URL(base, c)
		if u != want {
			t.Errorf("key check on %s: %s, want %s", base, u, want)
		}
	}
	if s.KeyCheck.Host != "" {
		t.Error("building a call changed the spec's key check")
	}
	for _, h := range []string{"bedrock.eu-west-3.amazonaws.com", "bedrock-runtime.ap-northeast-1.amazonaws.com", "bedrock-fips.us-east-1.amazonaws.com"} {
		if !s.OwnsHost(h) {
			t.Errorf("%s is not an official host", h)
		}
	}
	for _, h := range []string{"bedrock.attacker.example.amazonaws.com", "x.execute-api.us-east-1.amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com.evil.io"} {
		if s.OwnsHost(h) {
			t.Errorf("%s counts as an official host", h)
		}
	}
	base := "https://bedrock-runtime.us-east-1.amazonaws.com"
	for model, path := range map[string]string{
		"anthropic.claude-3-haiku-20240307-v1:0": "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0": "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse",
	} {
		if got := s.URL(base, s.Canary(RequestInput{Base: base, Model: model})); got != base+path {
			t.Errorf("canary for %s: %s", model, got)
		}
	}
	b, _ := json.Marshal(s.Canary(RequestInput{Model: "m", MaxTokens: 5}).Body)
	if string(b) != `{"inferenceConfig":{"maxTokens":5},"messages":[{"content":[{"text":"Reply with OK."}],"role":"user"}]}` {
		t.Errorf("converse body %s", b)
	}
	for model, want := range map[string]string{
		"amazon.titan-embed-text-v2:0": `{"inputText":"Reply with OK."}`,
		"cohere.embed-multilingual-v3": `{"input_type":"search_query","texts":["Reply with OK."]}`,
		"us.cohere.embed-english-v3:0": `{"input_type":"search_query","texts":["Reply with OK."]}`,
	} {
		c := s.Embedding(RequestInput{Model: model})
		b, _ := json.Marshal(c.Body)
		if string(b) != want || !strings.HasSuffix(c.Path, "/invoke") {
			t.Errorf("embedding for %s: %s %s", model, c.Path, b)
		}
	}
	f := s.ReadKey([]byte(`{"modelSummaries":[{"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0","modelId":"amazon.titan-embed-text-v2:0"}]}`))
	if len(f.Models) != 1 || f.Models[0] != "amazon.titan-embed-text-v2:0" {
		t.Errorf("models %v", f.Models)
	}
}
