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
	"github.com/hopcheck/hopcheck/internal/version"
)

// TestActionYAML checks action.yml against the contract the binary
// implements (package ghaction): the same input names with the documented
// defaults, every input and output described, the outputs the binary
// writes, and a Docker action that runs the published image of this
// version.
func TestActionYAML(t *testing.T) {
	m := readActionMeta(t, filepath.Join(repoRoot(t), "action.yml"))
	if want := "docker://" + publishedImage + ":" + version.Version; m.Runs.Using != "docker" || m.Runs.Image != want {
		t.Errorf("runs = %+v, want using: docker, image: %s", m.Runs, want)
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
		ghaction.InputCreditsWarnDays:  ghaction.DefaultCreditsWarnDays,
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
	wantOut := []string{ghaction.OutputStatus, ghaction.OutputFailingHop, ghaction.OutputFailingLink, ghaction.OutputCause, ghaction.OutputReportPath, ghaction.OutputRunwayDays}
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
	if !strings.Contains(string(b), "`image: Dockerfile`") {
		t.Errorf("action.yml does not document building from source (image: Dockerfile)")
	}
}

// publishedImage is the repository release.yml publishes to.
const publishedImage = "ghcr.io/hopcheck/hopcheck"

// TestVersionAgrees: the version constant is a release version, and
// action.yml's image, the README, the docs and the example workflows name
// exactly it (the image) or its major version (the moving tag users pin),
// so a release commit cannot ship an action.yml that runs another
// version's image. `go run ./internal/version/setversion vX.Y.Z` makes
// the edits.
func TestVersionAgrees(t *testing.T) {
	v := version.Version
	m := regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`).FindStringSubmatch(v)
	if m == nil {
		t.Fatalf("internal/version.Version = %q, want vMAJOR.MINOR.PATCH (a build stamped another value?)", v)
	}
	major := "v" + m[1]
	root := repoRoot(t)
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	glob := func(pattern string) []string {
		t.Helper()
		ps, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if err != nil {
			t.Fatal(err)
		}
		var rels []string
		for _, p := range ps {
			rel, _ := filepath.Rel(root, p)
			rels = append(rels, filepath.ToSlash(rel))
		}
		return rels
	}
	docs := append([]string{"README.md"}, glob("docs/*.md")...)
	// Every reference to the image, with whatever tag or digest follows.
	imageRef := regexp.MustCompile(regexp.QuoteMeta(publishedImage) + `[:@][^\s` + "`" + `'"),]*`)
	docRefs := 0
	for _, rel := range append([]string{"action.yml"}, docs...) {
		refs := imageRef.FindAllString(read(rel), -1)
		if rel == "action.yml" && len(refs) == 0 {
			t.Errorf("action.yml does not name %s:%s", publishedImage, v)
		}
		if rel != "action.yml" {
			docRefs += len(refs)
		}
		for _, r := range refs {
			if r != publishedImage+":"+v {
				t.Errorf("%s names %s; internal/version says %s (go run ./internal/version/setversion %s)", rel, r, v, v)
			}
		}
	}
	if docRefs == 0 {
		t.Errorf("neither the README nor docs/ names the image %s:%s", publishedImage, v)
	}
	majorRef := regexp.MustCompile(`\bhopcheck/hopcheck@[^\s` + "`" + `'"),]*`)
	files := append(docs, glob(".github/workflows/examples/*.yml")...)
	pins := 0
	for _, rel := range files {
		for _, r := range majorRef.FindAllString(read(rel), -1) {
			pins++
			if r != "hopcheck/hopcheck@"+major {
				t.Errorf("%s pins %s; the release's moving tag is hopcheck/hopcheck@%s", rel, r, major)
			}
		}
	}
	if pins == 0 {
		t.Errorf("neither the README nor the examples show `uses: hopcheck/hopcheck@%s`", major)
	}
	// The Dockerfile takes the version from the source (or VERSION), never
	// a literal of its own.
	if d := read("Dockerfile"); regexp.MustCompile(`internal/version\.Version=v[0-9]`).MatchString(d) {
		t.Errorf("the Dockerfile stamps a literal version; it must use the VERSION build argument")
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
	// Every base that is an image (scratch is none) is pinned by digest.
	pinned := regexp.MustCompile(`^[a-z0-9./-]+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$`)
	for _, base := range bases {
		if base != "scratch" && !pinned.MatchString(base) {
			t.Errorf("base image %q is not pinned by digest (NAME:TAG@sha256:…)", base)
		}
	}
	s := string(b)
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `"-s -w"`, `-X github.com/hopcheck/hopcheck/internal/version.Version=$VERSION`, `ENTRYPOINT ["/hopcheck"]`, "COPY dist/ /"} {
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

// TestBinaryBuiltAsDockerfile: the tests' image holds a binary built with
// the Dockerfile's flags, so its size and behaviour are the release's.
func TestBinaryBuiltAsDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var build string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "go build") {
			build = line
		}
	}
	for _, flag := range []string{"CGO_ENABLED=0", "-trimpath", "-tags " + buildTags, `-ldflags "$ldflags"`} {
		if !strings.Contains(build, flag) {
			t.Errorf("the Dockerfile's build line %q lacks %s, which the tests' binary uses", strings.TrimSpace(build), flag)
		}
	}
	if !strings.Contains(string(b), `ldflags="-s -w"`) {
		t.Error(`the Dockerfile no longer strips the binary (ldflags="-s -w"), which the tests' binary does`)
	}
}
