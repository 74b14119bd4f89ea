package provider

import (
	"net/http"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
)

// FuzzClassify: whatever comes back, Classify never panics, always names a
// catalogued cause and a known origin, and keeps Message/Model printable,
// one line, ≤ 300 runes. Inner answers are classified with every hop type
// under the same rules.
func FuzzClassify(f *testing.F) {
	types := append([]chain.HopType{"unknown"}, Types()...)
	for i, tc := range cases {
		f.Add(uint8(i%len(types)), tc.status, tc.ct, tc.Hdr.Get("WWW-Authenticate"), []byte(tc.body))
	}
	f.Add(uint8(1), 200, "text/event-stream", "", []byte("data: {\"error\":{\"message\":\"401 \\u0000\",\"code\":\"401\"}}\n\n"))
	f.Add(uint8(2), 401, "application/json", "", []byte(`{"error":{"message":"OpenrouterException - Error code: 999 - {'a': (((('"}}`))
	f.Add(uint8(3), 401, "", "Basic", []byte("{'error': \"\\x\"}"))
	f.Fuzz(func(t *testing.T, ti uint8, status int, ct, auth string, body []byte) {
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		if auth != "" {
			h.Set("WWW-Authenticate", auth)
			h.Set("X-Litellm-Model-Api-Base", auth)
		}
		typ := types[int(ti)%len(types)]
		v := classifyAs(typ, classify.Response{Status: status, Header: h, Body: body})
		checkVerdict(t, v)
		if v.Inner == nil {
			return
		}
		for _, next := range Types() {
			iv := classifyAs(next, *v.Inner)
			checkVerdict(t, iv)
		}
	})
}
