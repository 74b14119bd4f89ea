package ghaction

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// envOf returns a getenv backed by m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDetect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"GITHUB_ACTIONS": "true"}, true},
		{map[string]string{"GITHUB_ACTIONS": "false"}, false},
		{map[string]string{"CI": "true"}, false},
		{nil, false},
	} {
		if got := Detect(envOf(tc.env)); got != tc.want {
			t.Errorf("Detect(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
	if Detect(nil) {
		t.Error("Detect(nil) = true")
	}
}

func TestReadInputs(t *testing.T) {
	t.Parallel()
	tru, fal := true, false
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    Inputs
		wantErr []string // substrings of the error; nil = no error
		notErr  []string // must not appear in the error
	}{
		{
			name: "defaults",
			env:  nil,
			want: Inputs{FailOn: "error", ForkBehavior: "neutral", Deadline: 2 * time.Minute},
		},
		{
			name: "all set, hyphenated names as the runner passes them",
			env: map[string]string{
				"INPUT_CONFIG":             " ci/hopcheck.yml ",
				"INPUT_FAIL-ON":            "warning",
				"INPUT_CANARY":             "auth-only",
				"INPUT_TIMEOUT":            "20s",
				"INPUT_GITHUB-TOKEN":       "ghs_faketoken",
				"INPUT_COMMENT":            "false",
				"INPUT_CHECK-RUN":          "TRUE",
				"INPUT_FORK-BEHAVIOR":      "fail",
				"INPUT_WORKING-DIRECTORY":  "services/bot",
				"INPUT_DEADLINE":           "90s",
				"INPUT_TRUST-FORK-CONFIGS": "true",
			},
			want: Inputs{Config: "ci/hopcheck.yml", FailOn: "warning", Canary: "auth-only", Timeout: "20s",
				GitHubToken: "ghs_faketoken", Comment: &fal, CheckRun: true, ForkBehavior: "fail",
				WorkingDirectory: "services/bot", Deadline: 90 * time.Second, TrustForkConfigs: true},
		},
		{
			name: "underscored names are not the runner's",
			env:  map[string]string{"INPUT_FAIL_ON": "never", "INPUT_COMMENT": "True"},
			want: Inputs{FailOn: "error", ForkBehavior: "neutral", Comment: &tru, Deadline: 2 * time.Minute},
		},
		{
			name: "timeout in seconds and case-insensitive enums",
			env:  map[string]string{"INPUT_TIMEOUT": "45", "INPUT_FAIL-ON": "Never", "INPUT_CANARY": "INFERENCE", "INPUT_DEADLINE": "300"},
			want: Inputs{FailOn: "never", ForkBehavior: "neutral", Canary: "inference", Timeout: "45", Deadline: 5 * time.Minute},
		},
		{
			name:    "bad fail-on names the input and the choices",
			env:     map[string]string{"INPUT_FAIL-ON": "critical"},
			wantErr: []string{`input "fail-on" must be one of never, error, unverified, warning (got "critical")`},
		},
		{
			name: "every bad input is reported",
			env: map[string]string{"INPUT_CANARY": "full", "INPUT_FORK-BEHAVIOR": "skip", "INPUT_TIMEOUT": "soon",
				"INPUT_COMMENT": "yes", "INPUT_CHECK-RUN": "1", "INPUT_DEADLINE": "later", "INPUT_TRUST-FORK-CONFIGS": "yes"},
			wantErr: []string{`"canary"`, `"fork-behavior"`, `"timeout"`, `"comment"`, `"check-run"`, `"deadline"`, `"trust-fork-configs"`},
		},
		{
			name:    "embedding is a chain's own canary, not an override",
			env:     map[string]string{"INPUT_CANARY": "embedding"},
			wantErr: []string{`input "canary" must be one of inference, auth-only (got "embedding")`},
		},
		{
			name:    "a deadline beyond the cap is rejected",
			env:     map[string]string{"INPUT_DEADLINE": "2h"},
			wantErr: []string{`input "deadline" must be at most 30m0s`},
		},
		{
			name:    "a zero deadline is rejected: action runs are always bounded",
			env:     map[string]string{"INPUT_DEADLINE": "0s"},
			wantErr: []string{`"deadline" must be a positive duration`},
		},
		{
			name:    "zero and negative timeouts are rejected",
			env:     map[string]string{"INPUT_TIMEOUT": "-5s"},
			wantErr: []string{`"timeout" must be a positive duration`},
		},
		{
			name:    "a long rejected value (maybe a misplaced key) is not echoed",
			env:     map[string]string{"INPUT_FAIL-ON": "sk-or-v1-0123456789abcdef0123"},
			wantErr: []string{"a value of 29 characters"},
			notErr:  []string{"sk-or-v1", "0123456789"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadInputs(envOf(tc.env))
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("ReadInputs: %v", err)
				}
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("inputs (-want +got):\n%s", d)
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadInputs: no error, want %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			for _, w := range tc.notErr {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q contains %q", err, w)
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	Mask(&b, []string{"", "  ", "sk-or-v1-aaaa", "line1\nline2", "sk-or-v1-aaaa", " padded\n", "50%,done:x"})
	want := strings.Join([]string{
		"::add-mask::sk-or-v1-aaaa",
		"::add-mask::line1%0Aline2",
		"::add-mask::line1",
		"::add-mask::line2",
		"::add-mask:: padded%0A",
		"::add-mask:: padded",
		"::add-mask::padded",
		"::add-mask::50%25,done:x",
	}, "\n") + "\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("mask commands (-want +got):\n%s", d)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

var errWrite = &writeError{}

type writeError struct{}

func (*writeError) Error() string { return "disk full" }

func TestMaskDoesNotPanicOnWriteError(t *testing.T) {
	t.Parallel()
	Mask(failWriter{}, []string{"secret-value"}) // go-githubactions panics here; Mask must not
}
