package provider

import "testing"

// A "*" in an official host stands for part of one DNS label: every region
// of a provider, never an arbitrary host that merely ends like one.
func TestOwnsHostLabelWildcard(t *testing.T) {
	s := &Spec{Hosts: []string{"bedrock-runtime.*.amazonaws.com", "*-aiplatform.googleapis.com", ".openai.azure.com"}}
	for host, want := range map[string]bool{
		"bedrock-runtime.us-east-1.amazonaws.com":        true,
		"BEDROCK-RUNTIME.eu-west-3.amazonaws.com.":       true,
		"bedrock-runtime..amazonaws.com":                 false, // the wildcard needs a label
		"bedrock-runtime.a.b.amazonaws.com":              false, // never across a dot
		"bedrock-runtime.evil_x.amazonaws.com":           false, // host characters only
		"x.bedrock-runtime.us-east-1.amazonaws.com":      false,
		"bedrock-runtime.us-east-1.amazonaws.com.evil":   false,
		"mybucket.s3.amazonaws.com":                      false,
		"us-central1-aiplatform.googleapis.com":          true,
		"-aiplatform.googleapis.com":                     false,
		"evil.com.us-central1-aiplatform.googleapis.com": false,
		"storage.googleapis.com":                         false,
		"res.openai.azure.com":                           true,
		"openai.azure.com":                               false,
	} {
		if got := s.OwnsHost(host); got != want {
			t.Errorf("OwnsHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// Call.Host moves a call to a sibling host and keeps scheme, path and query.
func TestURLCallHost(t *testing.T) {
	s := &Spec{RootTrims: []string{"/v1"}}
	c := Call{Path: "/foundation-models", Host: "bedrock.eu-west-1.amazonaws.com"}
	if got, want := s.URL("https://bedrock-runtime.eu-west-1.amazonaws.com/", c), "https://bedrock.eu-west-1.amazonaws.com/foundation-models"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
	c = Call{Path: "/models"}
	if got, want := s.URL("http://127.0.0.1:8080/v1", c), "http://127.0.0.1:8080/models"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
}
