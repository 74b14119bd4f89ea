package provider

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// TestRegistryIsConsistent checks every entry against the rules the rest of
// hopcheck relies on.
func TestRegistryIsConsistent(t *testing.T) {
	prefixes := map[string]*Spec{}
	ids := map[string]*Spec{}
	for _, s := range All() {
		if s.Name == "" || s.Type == "" {
			t.Errorf("%q: no name or type", s.Type)
		}
		if s.Auth.Name == "" && s.Sign == nil {
			t.Errorf("%s: no auth header", s.Type)
		}
		for _, h := range s.Hosts {
			if h != strings.ToLower(h) || strings.ContainsAny(h, ":/ ") {
				t.Errorf("%s: host %q is not a lower-case host name", s.Type, h)
			}
		}
		if s.BaseURL != "" && len(s.Hosts) > 0 {
			u, err := url.Parse(s.BaseURL)
			if err != nil || u.Scheme != "https" || !s.OwnsHost(u.Hostname()) {
				t.Errorf("%s: base URL %s is not https on one of its own hosts %v", s.Type, s.BaseURL, s.Hosts)
			}
		}
		if s.Pinned() && s.Role == Provider && len(s.KeyVars) == 0 && s.Verify != NoKey {
			t.Errorf("%s: pinned provider without a conventional key variable", s.Type)
		}
		if s.Verify == StaticOnly && s.Unverifiable == "" {
			t.Errorf("%s: static-only without saying why and what would make it verifiable", s.Type)
		}
		if len(s.Keys.Prefixes) > 0 || s.Keys.Pattern != nil {
			if f := s.Keys.Fake; f != "" {
				if !s.HasKeyPrefix(f) || (s.Keys.Pattern != nil && !s.Keys.Pattern.MatchString(f)) {
					t.Errorf("%s: Fake %q does not fit the key shape", s.Type, f)
				}
			}
		}
		for _, d := range s.Keys.Distinctive {
			if o, ok := OwnerOfKey(d + "xxxxxxxxxxxxxxxxxxxx"); !ok || o != s {
				t.Errorf("%s: distinctive prefix %q is owned by %v", s.Type, d, o)
			}
		}
		for _, p := range s.LiteLLM.Prefixes {
			if o := prefixes[p]; o != nil {
				t.Errorf("LiteLLM prefix %q claimed by %s and %s", p, o.Type, s.Type)
			}
			prefixes[p] = s
		}
		for _, id := range s.OpenClaw.IDs {
			if o := ids[id]; o != nil {
				t.Errorf("OpenClaw id %q claimed by %s and %s", id, o.Type, s.Type)
			}
			ids[id] = s
		}
		if got, ok := Lookup(s.Type); !ok || got != s {
			t.Errorf("%s: Lookup does not find it", s.Type)
		}
		for _, a := range s.Aliases {
			if got, _ := Lookup(chain.HopType(a)); got != s {
				t.Errorf("%s: alias %s not registered", s.Type, a)
			}
		}
	}
}

// TestSamplesClassify: every documented error body a provider file carries
// classifies to the cause it documents, on that provider's table and when
// relayed from an unknown hop (the inner table).
func TestSamplesClassify(t *testing.T) {
	for _, s := range All() {
		for i, smp := range s.Samples {
			if smp.Source == "" || !strings.HasPrefix(smp.Source, "https://") {
				t.Errorf("%s sample %d: no public source", s.Type, i)
			}
			if _, ok := finding.Explain(smp.Cause); !ok {
				t.Errorf("%s sample %d: cause %q unknown", s.Type, i, smp.Cause)
			}
			h := http.Header{}
			for k, v := range smp.Header {
				h[k] = v
			}
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "application/json")
			}
			r := classify.Response{Status: smp.Status, Header: h, Body: []byte(smp.Body)}
			if v := s.Classify(r); v.Cause != smp.Cause {
				t.Errorf("%s sample %d (HTTP %d %.60s…): %s (rule %s), want %s", s.Type, i, smp.Status, smp.Body, v.Cause, v.Rule, smp.Cause)
			}
		}
	}
}
