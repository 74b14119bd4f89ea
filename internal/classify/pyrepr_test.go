package classify

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPyToJSON(t *testing.T) {
	tests := []struct {
		In, want, rest string
		fail           bool
	}{
		{In: `{'error': {'message': 'No auth credentials found', 'code': 401}}`, want: `{"error":{"message":"No auth credentials found","code":401}}`},
		{In: `{'message': "You didn't provide", 'param': None, 'ok': True, 'no': False}`, want: `{"message":"You didn't provide","param":null,"ok":true,"no":false}`},
		{In: `{'a': 'it\'s', 'b': "say \"hi\"", 'c': 'tab\there\n', 'd': '\x41\u00e9'}`, want: `{"a":"it's","b":"say \"hi\"","c":"tab\there\n","d":"Aé"}`},
		{In: `{'list': [1, 2.5, -3, 1e3], 'tuple': (1, 'x'), 'empty': {}, 'trail': [1,],}`, want: `{"list":[1,2.5,-3,1000],"tuple":[1,"x"],"empty":{},"trail":[1]}`},
		{In: `{1: 'int key', None: 'none key'}`, want: `{"1":"int key","null":"none key"}`},
		{In: `{"error":{"message":"json","code":401,"x":null,"y":true}}`, want: `{"error":{"message":"json","code":401,"x":null,"y":true}}`},
		{In: `{'a': b'bytes', 'r': r'\d+', 'u': u'uni'}`, want: `{"a":"bytes","r":"\\d+","u":"uni"}`},
		{In: `{'html': '<b>&</b>'}. Received Model Group=x`, want: `{"html":"<b>&</b>"}`, rest: `. Received Model Group=x`},
		{In: `{'a': '''tri'ple'''}`, want: `{"a":"tri'ple"}`},
		{In: `{'a': 'unterminated}`, fail: true},
		{In: `{'a': <object at 0x1>}`, fail: true},
		{In: `{'a' 1}`, fail: true},
		{In: strings.Repeat("[", 100) + strings.Repeat("]", 100), fail: true},
	}
	for _, tc := range tests {
		out, rest, err := pyToJSON(tc.In)
		if tc.fail {
			if err == nil {
				t.Errorf("pyToJSON(%q) = %s, want error", tc.In, out)
			}
			continue
		}
		if err != nil {
			t.Errorf("pyToJSON(%q): %v", tc.In, err)
			continue
		}
		if string(out) != tc.want || rest != tc.rest {
			t.Errorf("pyToJSON(%q) = %s, rest %q; want %s, rest %q", tc.In, out, rest, tc.want, tc.rest)
		}
		if !json.Valid(out) {
			t.Errorf("pyToJSON(%q) = %s is not valid JSON", tc.In, out)
		}
	}
}

func TestOriginString(t *testing.T) {
	for o, want := range map[Origin]string{Self: "self", Relayed: "relayed", Behind: "behind", Origin(9): "origin(9)"} {
		if o.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(o), o.String(), want)
		}
	}
}
