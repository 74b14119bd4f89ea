package action

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/peer"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/version"
)

// registry is a local OCI registry (`crane registry serve`, in memory) on
// 127.0.0.1, addressed as localhost:PORT as a user would address a
// registry host.
type registry struct {
	host string
}

// startRegistry starts the registry for the test and checks that the
// Docker daemon may pull from it over plain http: the daemon treats
// 127.0.0.0/8 as an insecure registry range by default.
func startRegistry(t *testing.T) *registry {
	t.Helper()
	peer.Need(t, "crane", "serves the image from a local OCI registry (go install github.com/google/go-containerregistry/cmd/crane@v0.22.1)")
	cidrs, err := run(t, 30*time.Second, "", nil, "docker", "info", "--format", "{{range .RegistryConfig.InsecureRegistryCIDRs}}{{.}} {{end}}")
	if err != nil {
		t.Fatalf("docker info: %v\n%s", err, cidrs)
	}
	if !strings.Contains(" "+cidrs, " 127.0.0.0/8 ") {
		t.Fatalf("the Docker daemon's insecure registry ranges are %q: without 127.0.0.0/8 it will not pull from a local http registry", strings.TrimSpace(cidrs))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "crane", "registry", "serve", "--address", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("crane registry serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	// crane logs "serving on port N" once it listens.
	portc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving on port ([0-9]+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				portc <- m[1]
				break
			}
		}
		for sc.Scan() { // keep draining: crane logs every request
		}
	}()
	select {
	case port := <-portc:
		return &registry{host: "localhost:" + port}
	case <-time.After(30 * time.Second):
		t.Fatal("crane registry serve did not report its port within 30 s")
		return nil
	}
}

// push copies the local image img into the registry as ref (docker save,
// then crane push: the Docker daemon never holds ref) and returns the
// digest of the manifest the registry serves.
func (r *registry) push(t *testing.T, img, ref string) string {
	t.Helper()
	tarball := filepath.Join(t.TempDir(), "image.tar")
	if out, err := run(t, 2*time.Minute, "", nil, "docker", "save", "-o", tarball, img); err != nil {
		t.Fatalf("docker save %s: %v\n%s", img, err, out)
	}
	if out, err := run(t, 2*time.Minute, "", nil, "crane", "push", tarball, ref); err != nil {
		t.Fatalf("crane push %s: %v\n%s", ref, err, out)
	}
	out, err := run(t, 30*time.Second, "", nil, "crane", "digest", ref)
	if err != nil {
		t.Fatalf("crane digest %s: %v\n%s", ref, err, out)
	}
	return strings.TrimSpace(out)
}

// imageID returns the local image ID of ref, or "" when the daemon does
// not hold it.
func imageID(t *testing.T, ref string) string {
	t.Helper()
	out, err := run(t, 30*time.Second, "", nil, "docker", "image", "inspect", "--format", "{{.Id}}", ref)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// TestActPrebuiltImage proves the release path offline: the image is
// served from a local OCI registry under the release's tag, act runs the
// workflow with an action.yml whose only change is the registry in its
// image line (docker://localhost:PORT/hopcheck/hopcheck:<version>), pulls
// the image instead of building anything, and the job's result is the
// one the Dockerfile-built action gives (TestActFailingChain).
func TestActPrebuiltImage(t *testing.T) {
	needAct(t)
	img := image(t)
	wantID := imageID(t, img)
	reg := startRegistry(t)
	ref := reg.host + "/hopcheck/hopcheck:" + version.Version
	digest := reg.push(t, img, ref)
	t.Logf("%s served as %s@%s", img, ref, digest)
	t.Cleanup(func() { _, _ = run(t, 30*time.Second, "", nil, "docker", "image", "rm", "-f", ref) })
	if id := imageID(t, ref); id != "" {
		t.Fatalf("the daemon already holds %s; act would not need the registry", ref)
	}

	sc := startScenario(t, sim.ScenarioProxyLostUpstreamKey)
	dir := actRepo(t, sc.Config, "docker://"+ref)
	out, code := runAct(t, dir, sc.Vars)
	assertActFailingChain(t, sc, out, code)

	// act pulled the image from the registry and built nothing.
	if !strings.Contains(out, "docker pull image="+ref) {
		t.Errorf("act output does not show a pull of %s", ref)
	}
	if strings.Contains(out, "docker build") {
		t.Errorf("act built an image; the action names a prebuilt one")
	}
	got := imageID(t, ref)
	if got == "" {
		t.Fatalf("after act, the daemon does not hold %s: it was not pulled", ref)
	}
	if got != wantID {
		t.Errorf("pulled %s has image ID %s, want %s (the image pushed)", ref, got, wantID)
	}
	if t.Failed() {
		t.Logf("registry %s, digest %s", reg.host, digest)
	}
}
