package secret

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

const orKey = "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"

func TestFingerprint(t *testing.T) {
	cases := map[string]string{
		orKey:      "sk-or-v1-0e…96",
		"":         "(empty)",
		"changeme": "…(8 chars)",
		"sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789": "sk-ant-api0…89",
	}
	for in, want := range cases {
		if got := Fingerprint(in); got != want {
			t.Errorf("Fingerprint(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFingerprintNeverRevealsTwelveChars(t *testing.T) {
	for _, k := range []string{orKey, "sk-ant-api03-" + strings.Repeat("x9", 40), strings.Repeat("ab", 50), "sk-proj-" + strings.Repeat("Q", 60)} {
		fp := Fingerprint(k)
		for i := 0; i+12 <= len(k); i++ {
			if strings.Contains(fp, k[i:i+12]) {
				t.Fatalf("fingerprint %q of %q contains %q", fp, k, k[i:i+12])
			}
		}
	}
}

func TestScrub(t *testing.T) {
	var s Scrubber
	s.Add(orKey + "\n")
	b64 := func(enc *base64.Encoding, pre string) string { return enc.EncodeToString([]byte(pre + orKey)) }
	inputs := []string{
		"Bearer " + orKey,
		"key=" + url.QueryEscape(orKey),
		"basic " + b64(base64.StdEncoding, "user:"),
		"b64 " + b64(base64.StdEncoding, ""),
		"Received API Key = " + orKey[:30] + "…",
		"partial " + orKey[20:45],
	}
	for _, in := range inputs {
		out := s.Scrub(in)
		if l := leak(out, orKey); l != "" {
			t.Errorf("Scrub(%q) = %q still contains %q", in, out, l)
		}
	}
	if got := s.Scrub("Bearer " + orKey + "."); got != "Bearer "+Fingerprint(orKey)+"." {
		t.Errorf("a whole secret becomes its fingerprint, got %q", got)
	}
	if got := s.Scrub("nothing secret here"); got != "nothing secret here" {
		t.Errorf("Scrub changed innocent text: %q", got)
	}
}

func TestScrubNil(t *testing.T) {
	var s *Scrubber
	if s.Scrub("x") != "x" {
		t.Fatal("nil scrubber must pass text through")
	}
	if got := s.Scrub("token ghp_" + strings.Repeat("a1B2", 9)); got != "token ghp_"+Marker {
		t.Fatalf("nil scrubber must still redact shapes, got %q", got)
	}
}

// BenchmarkScrub64KiB scrubs a full-size body (the probe's cap) against
// several registered keys: the cost must stay linear in the body.
func BenchmarkScrub64KiB(b *testing.B) {
	var s Scrubber
	for i := 0; i < 8; i++ {
		s.Add(orKey[:len(orKey)-2] + string(rune('a'+i)) + "x")
	}
	body := strings.Repeat(`{"error":{"message":"Provider returned error","code":401}} `, 64<<10/58)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.Scrub(body)
	}
}

// BenchmarkScrubEncoded64KiB scrubs a body that is base64 and hex tokens
// throughout (every token is decoded and searched again, see maxNest) with
// format characters and escape sequences between words (the normalised
// view): the worst case for the searches that survive normalisation.
func BenchmarkScrubEncoded64KiB(b *testing.B) {
	var s Scrubber
	for i := 0; i < 8; i++ {
		s.Add(orKey[:len(orKey)-2] + string(rune('a'+i)) + "x")
	}
	var body strings.Builder
	for i := 0; body.Len() < 64<<10; i++ {
		raw := []byte(strings.Repeat(string(rune('A'+i%26)), 20) + "\u200b" + orKey[i%40:i%40+20])
		body.WriteString(base64.StdEncoding.EncodeToString(raw) + " " + hex.EncodeToString(raw[:24]) + "\u200b\x1b[0m ")
	}
	b.SetBytes(int64(body.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.Scrub(body.String())
	}
}
