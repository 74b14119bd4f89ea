package provider

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// The answers the classifier is tested on live in testdata/bodies, one
// file per provider, each with where it comes from: a published or observed
// answer (source), one reworded on purpose to prove the tables match
// families, not strings (variant), or one made up to exercise a rule
// (constructed). The provider test files add their own cases (init).

const (
	ctJSON = "application/json"
	ctSSE  = "text/event-stream"
	ctHTML = "text/html"
	ctText = "text/plain; charset=utf-8"
)

type tcase struct {
	name   string
	t      chain.HopType
	status int
	ct     string
	Hdr    http.Header
	body   string

	cause  finding.Cause
	origin classify.Origin
	Rule   string // expected rule id; "" = don't care
	model  string // expected classify.Verdict.Model; "" = don't care
	msg    string // substring expected in classify.Verdict.Message; "" = don't care

	// For classify.Relayed/Behind: Inner classified with next must give innerCause.
	next        chain.HopType
	innerCause  finding.Cause
	innerStatus int
	innerNil    bool // Inner must be nil (fault on the link out of the hop)
}

// orEnv builds OpenRouter's error envelope around a message:
// `{"error":{"message":"<msg>","code":401}}`
// (https://openrouter.ai/docs/api/reference/errors-and-debugging).
func orEnv(msg string, code int) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "code": code}})
	return string(b)
}

// llEnv builds LiteLLM's ProxyException envelope (a string code;
// https://github.com/BerriAI/litellm/blob/main/litellm/proxy/_types.py).
func llEnv(msg, typ, code string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": "None", "code": code}})
	return string(b)
}

const (
	or = OpenRouter
	ll = LiteLLM
	oc = OpenClaw
	oa = OpenAI
	an = Anthropic
	cp = OpenAICompatible
	rp = ReverseProxy
)

var nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"

// cases are the answers of testdata/bodies/*.yaml; the provider test files
// append their own (init).
var cases, casesErr = loadBodyCases("testdata/bodies")

func classifyCase(tc tcase) classify.Verdict {
	h := http.Header{}
	for k, v := range tc.Hdr {
		h[http.CanonicalHeaderKey(k)] = v
	}
	if tc.ct != "" {
		h.Set("Content-Type", tc.ct)
	}
	return classifyAs(tc.t, classify.Response{Status: tc.status, Header: h, Body: []byte(tc.body)})
}

func TestClassifyReferenceBodies(t *testing.T) {
	if casesErr != nil {
		t.Fatal(casesErr)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := classifyCase(tc)
			if v.Cause != tc.cause {
				t.Errorf("cause = %s, want %s (rule %s, message %q)", v.Cause, tc.cause, v.Rule, v.Message)
			}
			if v.Origin != tc.origin {
				t.Errorf("origin = %s, want %s (rule %s)", v.Origin, tc.origin, v.Rule)
			}
			if tc.Rule != "" && v.Rule != tc.Rule {
				t.Errorf("rule = %s, want %s", v.Rule, tc.Rule)
			}
			if tc.model != "" && v.Model != tc.model {
				t.Errorf("model = %q, want %q", v.Model, tc.model)
			}
			if tc.msg != "" && !strings.Contains(v.Message, tc.msg) {
				t.Errorf("message = %q, want it to contain %q", v.Message, tc.msg)
			}
			checkVerdict(t, v)
			switch {
			case tc.innerNil:
				if v.Inner != nil {
					t.Errorf("Inner = %+v, want nil", *v.Inner)
				}
			case tc.next != "":
				if v.Inner == nil {
					t.Fatalf("Inner = nil, want an answer to classify as %s", tc.next)
				}
				if tc.innerStatus != 0 && v.Inner.Status != tc.innerStatus {
					t.Errorf("Inner.Status = %d, want %d", v.Inner.Status, tc.innerStatus)
				}
				iv := classifyAs(tc.next, *v.Inner)
				if iv.Cause != tc.innerCause {
					t.Errorf("inner cause (as %s) = %s, want %s (rule %s, body %q)", tc.next, iv.Cause, tc.innerCause, iv.Rule, v.Inner.Body)
				}
				checkVerdict(t, iv)
			case v.Origin == classify.Self && v.Inner != nil:
				t.Errorf("Self verdict carries Inner")
			}
		})
	}
}

// checkVerdict asserts the invariants every verdict keeps.
func checkVerdict(t *testing.T, v classify.Verdict) {
	t.Helper()
	if _, ok := finding.Explain(v.Cause); !ok {
		t.Errorf("cause %q is not in the catalog", v.Cause)
	}
	if v.Origin != classify.Self && v.Origin != classify.Relayed && v.Origin != classify.Behind {
		t.Errorf("origin %d unknown", v.Origin)
	}
	if v.Rule == "" {
		t.Errorf("no rule id")
	}
	checkText(t, "message", v.Message)
	checkText(t, "model", v.Model)
}

func checkText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s %q is not valid UTF-8", what, s)
	}
	if n := utf8.RuneCountInString(s); n > classify.MaxMessage {
		t.Errorf("%s has %d runes, more than %d", what, n, classify.MaxMessage)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%s %q contains control character %U", what, s, r)
			break
		}
	}
}

// TestEveryRuleExercised keeps the tables honest: a rule no reference body
// reaches is either dead or untested.
func TestEveryRuleExercised(t *testing.T) {
	if casesErr != nil {
		t.Fatal(casesErr)
	}
	hit := map[string]bool{}
	for _, tc := range cases {
		hit[classifyCase(tc).Rule] = true
	}
	for _, id := range RuleIDs() {
		if !hit[id] {
			t.Errorf("rule %s is not exercised by any test case", id)
		}
	}
}

func TestRuleIDsUnique(t *testing.T) {
	for _, sp := range All() {
		for name, tab := range map[string][]classify.Rule{string(sp.Type): sp.Table().Rules, string(sp.Type) + " inner": sp.Table().Inner} {
			seen := map[string]bool{}
			for _, r := range tab {
				if seen[r.ID] {
					t.Errorf("%s table: duplicate rule id %s", name, r.ID)
				}
				seen[r.ID] = true
			}
			if last := tab[len(tab)-1]; last.ID != "generic.other" && last.ID != "reverse-proxy.relayed" {
				t.Errorf("%s table does not end in a catch-all (ends with %s)", name, last.ID)
			}
		}
	}
}

func TestInnerBodies(t *testing.T) {
	t.Run("litellm python repr", func(t *testing.T) {
		v := classifyAs(ll, classify.Response{Status: 401, Body: []byte(llEnv("litellm.AuthenticationError: AuthenticationError: OpenrouterException - Error code: 401 - {'error': {'message': 'No auth credentials found', 'code': 401}}", "None", "401"))})
		if v.Inner == nil {
			t.Fatal("no inner")
		}
		want := `{"error":{"message":"No auth credentials found","code":401}}`
		if string(v.Inner.Body) != want {
			t.Errorf("inner body = %s, want %s", v.Inner.Body, want)
		}
		if ct := v.Inner.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("inner content type = %q", ct)
		}
	})
	t.Run("openclaw status prefix", func(t *testing.T) {
		v := classifyAs(oc, classify.Response{Status: 401, Body: []byte(`{"error":{"message":"401 User not found.","type":"authentication_error"}}`)})
		want := `{"error":{"message":"User not found.","code":401}}`
		if v.Inner == nil || string(v.Inner.Body) != want || v.Inner.Status != 401 {
			t.Fatalf("inner = %+v, want 401 %s", v.Inner, want)
		}
	})
	t.Run("litellm raw text when not a dict", func(t *testing.T) {
		v := classifyAs(ll, classify.Response{Status: 502, Body: []byte(llEnv("litellm.BadGatewayError: OpenrouterException - upstream said: bad gateway", "None", "502"))})
		if v.Inner == nil || string(v.Inner.Body) != "upstream said: bad gateway" || v.Inner.Status != 502 {
			t.Fatalf("inner = %+v", v.Inner)
		}
	})
	t.Run("reverse proxy inner is a copy", func(t *testing.T) {
		body := []byte(`{"error":{"message":"User not found.","code":401}}`)
		v := classifyAs(rp, classify.Response{Status: 401, Header: http.Header{"X-A": {"1"}}, Body: body})
		if v.Inner == nil || string(v.Inner.Body) != string(body) || v.Inner.Header.Get("X-A") != "1" {
			t.Fatalf("inner = %+v", v.Inner)
		}
		v.Inner.Body[0] = 'X'
		if body[0] != '{' {
			t.Error("Inner shares the caller's body")
		}
	})
	t.Run("behind inner is raw", func(t *testing.T) {
		v := classifyAs(or, classify.Response{Status: 401, Body: []byte(`{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}","provider_name":"Anthropic"}},"user_id":"user_…"}`)})
		if v.Inner == nil || !strings.HasPrefix(string(v.Inner.Body), `{"type":"error"`) {
			t.Fatalf("inner = %+v", v.Inner)
		}
		if v.Message != "Provider returned error (Anthropic): invalid x-api-key" {
			t.Errorf("message = %q", v.Message)
		}
	})
}

func TestMessage(t *testing.T) {
	long := strings.Repeat("é", 400)
	tests := []struct {
		name string
		t    chain.HopType
		r    classify.Response
		want string
	}{
		{"debug suffix stripped", ll, classify.Response{Status: 400, Body: []byte(llEnv("Invalid model name passed in model=x. Received Model Group=x\nAvailable Model Group Fallbacks=None", "None", "400"))},
			"Invalid model name passed in model=x."},
		{"retries suffix stripped", ll, classify.Response{Status: 429, Body: []byte(llEnv("No deployments available for selected model LiteLLM Retried: 2 times, LiteLLM Max Retries: 3", "None", "429"))},
			"No deployments available for selected model"},
		{"html title", rp, classify.Response{Status: 502, Body: []byte(nginx502)}, "502 Bad Gateway"},
		{"html entities", oa, classify.Response{Status: 404, Body: []byte("<html><head><title>Not &amp; here</title></head></html>")}, "Not & here"},
		{"text first line", cp, classify.Response{Status: 401, Body: []byte("\n\nAPIKEY is missing\nsecond line")}, "APIKEY is missing"},
		{"control chars and ansi removed", oa, classify.Response{Status: 401, Body: []byte("{\"error\":{\"message\":\"bad\\u001b[31m red\\u0007 \\r\\n::error::x \\u202e\"}}")}, "bad red ::error::x"},
		{"truncated", oa, classify.Response{Status: 401, Body: []byte(`{"error":{"message":"` + long + `"}}`)}, strings.Repeat("é", classify.MaxMessage-1) + "…"},
		{"error string with description", oa, classify.Response{Status: 401, Body: []byte(`{"error":"invalid_token","error_description":"The token expired"}`)}, "invalid_token: The token expired"},
		{"fastapi detail object", ll, classify.Response{Status: 400, Body: []byte(`{"detail":{"error":"bad thing"}}`)}, "bad thing"},
		{"errors array", cp, classify.Response{Status: 400, Body: []byte(`{"errors":[{"message":"first"}]}`)}, "first"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := classifyAs(tc.t, tc.r)
			if v.Message != tc.want {
				t.Errorf("message = %q, want %q", v.Message, tc.want)
			}
			checkVerdict(t, v)
		})
	}
}

// TestWordingFamilies: unseen wordings of the same errors, under several
// hop types, land in the same cause.
func TestWordingFamilies(t *testing.T) {
	families := map[finding.Cause][]string{
		finding.HeaderMissing: {"Missing API key", "No API key provided", "API key missing", "Authentication header missing",
			"Missing Authorization header", "You must provide an API key.", "Authorization header required", "No authentication provided",
			"no token provided", "Bearer token is missing", "API key is empty", "No credentials were supplied", "missing authentication header",
			"NO AUTH CREDENTIALS FOUND!", "No cookie auth credentials found. (request id abc)"},
		finding.CredentialRejected: {"Invalid API key provided", "The API key you provided is invalid", "Invalid authentication credentials",
			"Incorrect API key", "API key not valid", "Your token has expired", "Auth failed", "Authentication failed for key ab…12",
			"User not found", "user not found.", "No user found for this key", "Account not found", "Invalid bearer token", "This key has been revoked"},
		finding.CreditsExhausted: {"Insufficient credits", "Not enough credits", "Your credit balance is too low", "Credits exhausted",
			"You are out of credits", "Insufficient balance"},
		finding.KeyLimit:    {"Key limit exceeded", "API key limit reached", "Key spending limit exceeded", "Monthly key limit exceeded (total limit)"},
		finding.RateLimited: {"Rate limit exceeded", "Too many requests", "You are being rate limited", "Request was throttled", "rate-limited upstream"},
	}
	for want, msgs := range families {
		for _, m := range msgs {
			for _, typ := range []chain.HopType{or, oa, an, cp, ll} {
				status := 400 // a status that does not decide on its own
				v := classifyAs(typ, classify.Response{Status: status, Body: []byte(orEnv(m, status))})
				if v.Cause != want {
					t.Errorf("%s %q: cause %s (rule %s), want %s", typ, m, v.Cause, v.Rule, want)
				}
			}
		}
	}
}

// classifyAs classifies r as an answer from a hop of type t.
func classifyAs(t chain.HopType, r classify.Response) classify.Verdict { return For(t).Classify(r) }
