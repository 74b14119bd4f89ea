package provider

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/classify"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// bodyCase is one case of testdata/bodies/*.yaml; the files' header says
// what the fields mean.
type bodyCase struct {
	Name        string            `yaml:"name"`
	Source      string            `yaml:"source"`
	Variant     string            `yaml:"variant"`
	Constructed string            `yaml:"constructed"`
	Note        string            `yaml:"note"`
	Hop         string            `yaml:"hop"`
	Status      int               `yaml:"status"`
	ContentType string            `yaml:"content_type"`
	Headers     map[string]string `yaml:"headers"`
	Body        string            `yaml:"body"`
	Want        struct {
		Cause   string `yaml:"cause"`
		Origin  string `yaml:"origin"`
		Rule    string `yaml:"rule"`
		Model   string `yaml:"model"`
		Message string `yaml:"message"`
		NoInner bool   `yaml:"no_inner"`
		Inner   *struct {
			Hop    string `yaml:"hop"`
			Status int    `yaml:"status"`
			Cause  string `yaml:"cause"`
		} `yaml:"inner"`
	} `yaml:"want"`
}

var origins = map[string]classify.Origin{"": classify.Self, "self": classify.Self, "relayed": classify.Relayed, "behind": classify.Behind}

// loadBodyCases reads every *.yaml file in dir, in name order.
func loadBodyCases(dir string) ([]tcase, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no case files in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var out []tcase
	seen := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var bcs []bodyCase
		if err := yaml.UnmarshalWithOptions(data, &bcs, yaml.Strict()); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for i, bc := range bcs {
			tc, err := bc.tcase()
			if err != nil {
				return nil, fmt.Errorf("%s: case %d (%q): %w", f, i+1, bc.Name, err)
			}
			if prev, dup := seen[tc.name]; dup {
				return nil, fmt.Errorf("%s: case %q is also in %s", f, tc.name, prev)
			}
			seen[tc.name] = f
			out = append(out, tc)
		}
	}
	return out, nil
}

// tcase checks one case and turns it into the table's form.
func (bc bodyCase) tcase() (tcase, error) {
	var errs []error
	if bc.Name == "" {
		errs = append(errs, errors.New("no name"))
	}
	provenance := 0
	for _, s := range []string{bc.Source, bc.Variant, bc.Constructed} {
		if s != "" {
			provenance++
		}
	}
	if provenance != 1 {
		errs = append(errs, errors.New("needs exactly one of source, variant and constructed"))
	}
	if bc.Source != "" && !strings.HasPrefix(bc.Source, "https://") && !strings.HasPrefix(bc.Source, "observed: ") {
		errs = append(errs, fmt.Errorf("source %q is neither a URL (https://…) nor an observation (observed: …)", bc.Source))
	}
	if bc.Note != "" && bc.Source == "" {
		errs = append(errs, errors.New("a note qualifies a source"))
	}
	if bc.Hop == "" {
		errs = append(errs, errors.New("no hop type"))
	}
	origin, ok := origins[bc.Want.Origin]
	if !ok {
		errs = append(errs, fmt.Errorf("origin %q is not self, relayed or behind", bc.Want.Origin))
	}
	cause := finding.Cause(bc.Want.Cause)
	if _, ok := finding.Explain(cause); !ok {
		errs = append(errs, fmt.Errorf("cause %q is not in the catalog", cause))
	}
	tc := tcase{name: bc.Name, t: chain.HopType(bc.Hop), status: bc.Status, ct: bc.ContentType, body: bc.Body,
		cause: cause, origin: origin, Rule: bc.Want.Rule, model: bc.Want.Model, msg: bc.Want.Message, innerNil: bc.Want.NoInner}
	if len(bc.Headers) > 0 {
		tc.Hdr = http.Header{}
		for k, v := range bc.Headers {
			tc.Hdr.Set(k, v)
		}
	}
	if in := bc.Want.Inner; in != nil {
		if bc.Want.NoInner {
			errs = append(errs, errors.New("inner and no_inner contradict each other"))
		}
		if in.Hop == "" {
			errs = append(errs, errors.New("inner: no hop type"))
		}
		if _, ok := finding.Explain(finding.Cause(in.Cause)); !ok {
			errs = append(errs, fmt.Errorf("inner cause %q is not in the catalog", in.Cause))
		}
		tc.next, tc.innerStatus, tc.innerCause = chain.HopType(in.Hop), in.Status, finding.Cause(in.Cause)
	}
	return tc, errors.Join(errs...)
}

// TestBodyCaseFiles: the case files load, and the loader refuses a case
// that does not say where it comes from or names what does not exist.
func TestBodyCaseFiles(t *testing.T) {
	if casesErr != nil {
		t.Fatal(casesErr)
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Errorf("two cases are named %q", tc.name)
		}
		seen[tc.name] = true
	}
	for name, yml := range map[string]string{
		"no provenance":     "- {name: x, hop: openai, status: 401, want: {cause: credential-rejected}}",
		"two provenances":   "- {name: x, source: 'https://a', constructed: y, hop: openai, status: 401, want: {cause: credential-rejected}}",
		"source not a URL":  "- {name: x, source: a blog, hop: openai, status: 401, want: {cause: credential-rejected}}",
		"note on a variant": "- {name: x, variant: y, note: z, hop: openai, status: 401, want: {cause: credential-rejected}}",
		"unknown cause":     "- {name: x, variant: y, hop: openai, status: 401, want: {cause: nope}}",
		"unknown origin":    "- {name: x, variant: y, hop: openai, status: 401, want: {cause: ok, origin: elsewhere}}",
		"unknown field":     "- {name: x, variant: y, hop: openai, status: 401, stauts: 1, want: {cause: ok}}",
		"duplicate name":    "- {name: x, variant: y, hop: openai, want: {cause: ok}}\n- {name: x, variant: y, hop: openai, want: {cause: ok}}",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(yml), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := loadBodyCases(dir); err == nil {
				t.Error("loaded without an error")
			}
		})
	}
}
