package action

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hopcheck/hopcheck/internal/ghaction"
)

// TestActionYAML checks action.yml against the contract the binary
// implements (package ghaction): the same input names with the documented
// defaults, every input and output described, the outputs the binary
// writes, and a Docker action built from the Dockerfile.
func TestActionYAML(t *testing.T) {
	m := readActionMeta(t, filepath.Join(repoRoot(t), "action.yml"))
	if m.Runs.Using != "docker" || m.Runs.Image != "Dockerfile" {
		t.Errorf("runs = %+v, want using: docker, image: Dockerfile", m.Runs)
	}
	if m.Name == "" || m.Description == "" || m.Branding.Icon == "" || m.Branding.Color == "" {
		t.Errorf("name, description and branding are required for the Marketplace: %+v", m)
	}
	wantDefaults := map[string]string{
		ghaction.InputConfig:           "",
		ghaction.InputFailOn:           ghaction.DefaultFailOn,
		ghaction.InputCanary:           "",
		ghaction.InputTimeout:          "",
		ghaction.InputGitHubToken:      "${{ github.token }}",
		ghaction.InputComment:          "",
		ghaction.InputCheckRun:         "false",
		ghaction.InputForkBehavior:     ghaction.DefaultForkBehavior,
		ghaction.InputWorkingDirectory: "",
		ghaction.InputAllowHosts:       "",
		ghaction.InputTrustForkConfigs: "false",
		ghaction.InputDeadline:         ghaction.DefaultDeadline,
		ghaction.InputMode:             ghaction.ModeCheck,
		ghaction.InputLabels:           strings.Join(ghaction.DefaultLabels, ","),
	}
	got := map[string]string{}
	kebab := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	for name, in := range m.Inputs {
		if in.Default == nil {
			t.Errorf("input %s has no default", name)
			continue
		}
		got[name] = *in.Default
		if strings.TrimSpace(in.Description) == "" {
			t.Errorf("input %s has no description", name)
		}
		if in.Required {
			t.Errorf("input %s is required; the runner does not enforce it and every input has a default", name)
		}
		if !kebab.MatchString(name) {
			t.Errorf("input %s is not kebab-case", name)
		}
	}
	if d := cmp.Diff(wantDefaults, got); d != "" {
		t.Errorf("inputs and defaults (-want +got):\n%s", d)
	}
	wantOut := []string{ghaction.OutputStatus, ghaction.OutputFailingHop, ghaction.OutputFailingLink, ghaction.OutputCause, ghaction.OutputReportPath}
	var gotOut []string
	for name, o := range m.Outputs {
		gotOut = append(gotOut, name)
		if strings.TrimSpace(o.Description) == "" {
			t.Errorf("output %s has no description", name)
		}
	}
	sort.Strings(wantOut)
	sort.Strings(gotOut)
	if d := cmp.Diff(wantOut, gotOut); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "image: docker://ghcr.io/hopcheck/hopcheck:v1") {
		t.Errorf("action.yml does not document the prebuilt image alternative")
	}
}

// dockerStages returns the stage names of a Dockerfile in order, with
// their base images.
func dockerStages(t *testing.T, dockerfile string) (names, bases []string) {
	t.Helper()
	from := regexp.MustCompile(`(?i)^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$`)
	for _, l := range strings.Split(dockerfile, "\n") {
		if m := from.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			bases = append(bases, m[1])
			names = append(names, strings.ToLower(m[2]))
		}
	}
	return names, bases
}

// TestDockerfileStages: `local` is first (the classic builder stops at the
// target, so --target local needs no registry either way), `release` is
// last (the default that `image: Dockerfile` and a plain build use), and
// both final stages are FROM scratch with /hopcheck as entrypoint.
func TestDockerfileStages(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	names, bases := dockerStages(t, string(b))
	if d := cmp.Diff([]string{"local", "build", "release"}, names); d != "" {
		t.Fatalf("stages (-want +got):\n%s", d)
	}
	if bases[0] != "scratch" || bases[2] != "scratch" || !strings.HasPrefix(bases[1], "golang:1.26") {
		t.Errorf("bases = %v, want scratch, golang:1.26, scratch", bases)
	}
	s := string(b)
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-s -w -X github.com/hopcheck/hopcheck/internal/cli.Version=`, `ENTRYPOINT ["/hopcheck"]`, "COPY dist/ /"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(l)), "FROM ") && strings.Contains(l, "--platform") {
			// The classic builder leaves BUILDPLATFORM empty and rejects
			// `FROM --platform=` ("failed to parse platform").
			t.Errorf("%q: image: Dockerfile must build with the classic builder too", strings.TrimSpace(l))
		}
	}
	if strings.Contains(s, "# syntax=") {
		t.Errorf("a # syntax= directive makes BuildKit pull a frontend image; the tests build without a registry")
	}
}
