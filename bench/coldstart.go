package main

// The -coldstart mode: what the action step costs before hopcheck runs,
// both ways a container action can get its image, offline.
//
//   - prebuilt (what action.yml does): the runner pulls
//     docker://ghcr.io/hopcheck/hopcheck:<version> and runs it. Measured:
//     `docker pull` of the image from a local OCI registry (crane registry
//     serve on 127.0.0.1), with no copy of it in the daemon, plus
//     `docker run --rm IMAGE version`; median of -runs.
//   - image: Dockerfile (what forks that build from source do): the runner
//     builds the Dockerfile's default stage and runs it. Measured: `docker
//     build --no-cache` of the real Dockerfile (local → build → release)
//     plus the same `docker run`; one run. Offline the build stage's
//     golang image cannot be pulled, so only its FROM line is replaced by
//     a base made of this machine's Go toolchain (same release) and a
//     shell, served from the same local registry and removed from the
//     daemon before the build, so the build pulls it; `go mod download`
//     fetches every module from a GOPROXY on loopback that serves this
//     machine's module cache, into the build's empty module cache, and
//     the compile starts with an empty build cache. The build runs with
//     --network host so that it reaches that proxy.
//
// Not measured, so the ratio is a lower bound for the Dockerfile path:
// network transfer (the real golang:1.26.8 image is 312 MB compressed for
// linux/amd64, per docker-library/repo-info repos/golang/remote/1.26.8.md;
// modules come from proxy.golang.org), and registry round trips beyond
// loopback for both paths.

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hopcheck/hopcheck/internal/version"
)

// buildStageFrom is the build stage's FROM line in the Dockerfile.
var buildStageFrom = regexp.MustCompile(`(?m)^FROM golang:\S+ AS build$`)

type coldStart struct {
	root, dir string
	log       io.Writer
	registry  string // localhost:PORT
	proxyURL  string // GOPROXY on loopback
	zips      atomic.Int64
	buildkit  string // DOCKER_BUILDKIT for docker build: "1", or "0" without buildx
	closers   []func()
}

type coldResult struct {
	pulls, runs, totals []time.Duration
	imageBytes          int64 // compressed, as served by the registry
	buildWall, srcRun   time.Duration
	baseBytes           int64
	zips                int64
	builder             string
	goVersion           string
	load                string
}

// runColdStart is the -coldstart mode.
func runColdStart(ctx context.Context, o options, stdout, stderr io.Writer) int {
	for _, p := range []string{"docker", "crane", "go"} {
		if _, err := exec.LookPath(p); err != nil {
			fmt.Fprintf(stderr, "bench -coldstart: %s is not on PATH (crane: go install github.com/google/go-containerregistry/cmd/crane@v0.22.1)\n", p)
			return 2
		}
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "hopcheck-coldstart-")
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	c := &coldStart{root: root, dir: dir, log: stderr}
	defer func() {
		for i := len(c.closers) - 1; i >= 0; i-- {
			c.closers[i]()
		}
		_ = os.RemoveAll(dir)
	}()
	res, err := c.run(ctx, o.runs)
	if err != nil {
		fmt.Fprintf(stderr, "bench -coldstart: %v\n", err)
		return 1
	}
	c.print(stdout, res)
	return 0
}

func (c *coldStart) progress(format string, a ...any) {
	fmt.Fprintf(c.log, "· "+format+"\n", a...)
}

// sh runs a command with this process's environment plus extra and
// returns its combined output.
func (c *coldStart) sh(ctx context.Context, timeout time.Duration, dir string, extra []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extra...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("%s %s: killed after %s", name, strings.Join(args, " "), timeout)
	}
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(out, 20))
	}
	return string(out), nil
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func randTag() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (c *coldStart) run(ctx context.Context, runs int) (*coldResult, error) {
	res := &coldResult{}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(la)); len(f) > 0 {
			res.load = f[0]
		}
	}
	if err := c.startRegistry(ctx); err != nil {
		return nil, err
	}
	if err := c.startProxy(ctx); err != nil {
		return nil, err
	}

	// The prebuilt image: the Dockerfile's `local` stage around a binary
	// built with the Dockerfile's flags, in the registry under the tag
	// action.yml names.
	c.progress("building the prebuilt image (the Dockerfile's local stage)")
	ref := c.registry + "/hopcheck/hopcheck:" + version.Version
	if err := c.pushPrebuilt(ctx, ref); err != nil {
		return nil, err
	}
	if res.imageBytes, _ = c.servedBytes(ctx, ref); res.imageBytes == 0 {
		return nil, fmt.Errorf("the registry does not serve %s", ref)
	}
	for i := 0; i < runs; i++ {
		c.rmImages(ctx, ref)
		start := time.Now()
		if _, err := c.sh(ctx, 5*time.Minute, "", nil, "docker", "pull", "--quiet", ref); err != nil {
			return nil, err
		}
		pulled := time.Now()
		out, err := c.sh(ctx, time.Minute, "", nil, "docker", "run", "--rm", ref, "version")
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(out, "hopcheck ") {
			return nil, fmt.Errorf("docker run %s version printed %q", ref, strings.TrimSpace(out))
		}
		res.pulls = append(res.pulls, pulled.Sub(start))
		res.runs = append(res.runs, time.Since(pulled))
		res.totals = append(res.totals, time.Since(start))
		c.progress("prebuilt run %d/%d: pull %s + run %s", i+1, runs, round(pulled.Sub(start)), round(time.Since(pulled)))
	}
	c.rmImages(ctx, ref)

	// The Dockerfile path.
	gover, err := c.sh(ctx, time.Minute, c.root, nil, "go", "env", "GOVERSION")
	if err != nil {
		return nil, err
	}
	res.goVersion = strings.TrimSpace(gover)
	base := c.registry + "/bench/golang:" + strings.TrimPrefix(res.goVersion, "go")
	c.progress("assembling the build base %s from this machine's Go toolchain (not timed)", base)
	if err := c.pushBase(ctx, base); err != nil {
		return nil, err
	}
	res.baseBytes, _ = c.servedBytes(ctx, base)
	df, err := os.ReadFile(filepath.Join(c.root, "Dockerfile"))
	if err != nil {
		return nil, err
	}
	if n := len(buildStageFrom.FindAllIndex(df, -1)); n != 1 {
		return nil, fmt.Errorf("the Dockerfile has %d lines `FROM golang:… AS build`, want 1", n)
	}
	benchDF := filepath.Join(c.dir, "Dockerfile.coldstart")
	if err := os.WriteFile(benchDF, buildStageFrom.ReplaceAll(df, []byte("FROM "+base+" AS build")), 0o644); err != nil {
		return nil, err
	}
	c.rmImages(ctx, base)
	tag := "hopcheck-coldstart-src:" + randTag()
	c.closers = append(c.closers, func() { c.rmImages(context.Background(), tag) })
	c.progress("docker build of the Dockerfile (default target; builder: %s), then docker run: a few minutes", c.builderName())
	c.zips.Store(0)
	start := time.Now()
	buildOut, err := c.sh(ctx, 45*time.Minute, c.root, []string{"DOCKER_BUILDKIT=" + c.buildkit},
		"docker", "build", "--no-cache", "--network", "host", "-f", benchDF, "-t", tag, ".")
	if err != nil {
		c.cleanBuild(ctx, base, buildOut)
		return nil, err
	}
	res.buildWall = time.Since(start)
	res.zips = c.zips.Load()
	built := time.Now()
	out, err := c.sh(ctx, time.Minute, "", nil, "docker", "run", "--rm", tag, "version")
	res.srcRun = time.Since(built)
	c.rmImages(ctx, tag)
	c.cleanBuild(ctx, base, buildOut)
	if err != nil {
		return nil, err
	}
	if want := "hopcheck " + version.Version; strings.TrimSpace(out) != want {
		return nil, fmt.Errorf("the image built from source prints %q, want %q", strings.TrimSpace(out), want)
	}
	res.builder = c.builderName()
	return res, nil
}

func (c *coldStart) builderName() string {
	if c.buildkit == "0" {
		return "classic (docker has no buildx)"
	}
	return "BuildKit"
}

// startRegistry runs `crane registry serve` on 127.0.0.1 (in memory).
func (c *coldStart) startRegistry(ctx context.Context) error {
	rctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(rctx, "crane", "registry", "serve", "--address", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		cancel()
		return err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return fmt.Errorf("crane registry serve: %w", err)
	}
	c.closers = append(c.closers, func() { cancel(); _ = cmd.Wait() })
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
		for sc.Scan() {
		}
	}()
	select {
	case p := <-portc:
		// The daemon pulls from localhost over plain http because
		// 127.0.0.0/8 is one of its insecure registry ranges by default.
		c.registry = "localhost:" + p
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("crane registry serve did not report its port within 30 s")
	}
}

// startProxy serves this machine's module cache as a GOPROXY on loopback
// (the cache's download directory has the proxy protocol's layout) and
// counts the module zips it serves.
func (c *coldStart) startProxy(ctx context.Context) error {
	mc, err := c.sh(ctx, time.Minute, c.root, nil, "go", "env", "GOMODCACHE")
	if err != nil {
		return err
	}
	dl := filepath.Join(strings.TrimSpace(mc), "cache", "download")
	if _, err := os.Stat(dl); err != nil {
		return fmt.Errorf("no module cache to serve: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	files := http.FileServer(http.Dir(dl))
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".zip") {
			c.zips.Add(1)
		}
		files.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	c.closers = append(c.closers, func() { _ = srv.Close() })
	c.proxyURL = "http://" + ln.Addr().String()
	return nil
}

// pushPrebuilt builds the `local` stage and puts it into the registry as
// ref, leaving no copy of it in the daemon.
func (c *coldStart) pushPrebuilt(ctx context.Context, ref string) error {
	bctx := filepath.Join(c.dir, "ctx")
	if err := os.MkdirAll(filepath.Join(bctx, "dist"), 0o755); err != nil {
		return err
	}
	if _, err := c.sh(ctx, 10*time.Minute, c.root, []string{"CGO_ENABLED=0", "GOOS=linux"},
		"go", "build", "-trimpath", "-tags", "nethttpomithttp2", "-ldflags", "-s -w", "-o", filepath.Join(bctx, "dist", "hopcheck"), "./cmd/hopcheck"); err != nil {
		return err
	}
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		b, err := os.ReadFile(filepath.Join(c.root, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(bctx, f), b, 0o644); err != nil {
			return err
		}
	}
	local := "hopcheck-coldstart-prebuilt:" + randTag()
	c.buildkit = "1"
	out, err := c.sh(ctx, 10*time.Minute, bctx, []string{"DOCKER_BUILDKIT=1"}, "docker", "build", "--target", "local", "-t", local, ".")
	if err != nil && strings.Contains(out, "buildx component is missing") {
		c.buildkit = "0"
		_, err = c.sh(ctx, 10*time.Minute, bctx, []string{"DOCKER_BUILDKIT=0"}, "docker", "build", "--target", "local", "-t", local, ".")
	}
	if err != nil {
		return err
	}
	defer c.rmImages(ctx, local)
	tarball := filepath.Join(c.dir, "prebuilt.tar")
	if _, err := c.sh(ctx, 5*time.Minute, "", nil, "docker", "save", "-o", tarball, local); err != nil {
		return err
	}
	_, err = c.sh(ctx, 5*time.Minute, "", nil, "crane", "push", tarball, ref)
	return err
}

// pushBase puts a base image for the build stage into the registry: this
// machine's GOROOT at /usr/local/go (as in the golang image), /bin/sh with
// its libraries, and the golang image's environment, plus the loopback
// GOPROXY.
func (c *coldStart) pushBase(ctx context.Context, ref string) error {
	gr, err := c.sh(ctx, time.Minute, c.root, nil, "go", "env", "GOROOT")
	if err != nil {
		return err
	}
	layer := filepath.Join(c.dir, "base.tar")
	if err := writeBaseLayer(ctx, layer, strings.TrimSpace(gr)); err != nil {
		return fmt.Errorf("base layer: %w", err)
	}
	defer os.Remove(layer)
	if _, err := c.sh(ctx, 20*time.Minute, "", nil, "crane", "append", "--oci-empty-base", "-f", layer, "-t", ref); err != nil {
		return err
	}
	args := []string{"mutate", ref, "-t", ref, "--workdir", "/go", "--set-platform", "linux/" + goarch()}
	for _, e := range []string{
		"PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"GOPATH=/go", "GOTOOLCHAIN=local", "GOPROXY=" + c.proxyURL, "GOSUMDB=off",
	} {
		args = append(args, "--env", e)
	}
	_, err = c.sh(ctx, 5*time.Minute, "", nil, "crane", args...)
	return err
}

func goarch() string {
	out, err := exec.Command("go", "env", "GOARCH").Output()
	if err != nil {
		return "amd64"
	}
	return strings.TrimSpace(string(out))
}

// writeBaseLayer writes the base image's only layer.
func writeBaseLayer(ctx context.Context, path, goroot string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	dirs := map[string]bool{}
	dir := func(name string, mode int64) error {
		if dirs[name] {
			return nil
		}
		if err := dirRec(tw, dirs, filepath.Dir(name)); err != nil {
			return err
		}
		dirs[name] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: time.Unix(0, 0)})
	}
	for _, d := range []struct {
		name string
		mode int64
	}{{"tmp", 0o1777}, {"root", 0o700}, {"go", 0o1777}, {"go/bin", 0o1777}, {"go/src", 0o1777}, {"usr/local", 0o755}} {
		if err := dir(d.name, d.mode); err != nil {
			return err
		}
	}
	// /bin/sh and what it loads: the classic builder and BuildKit run
	// RUN lines with /bin/sh -c.
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		return fmt.Errorf("/bin/sh: %w", err)
	}
	if err := addFile(tw, dirs, sh, "bin/sh"); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, "ldd", sh).Output()
	if err != nil {
		return fmt.Errorf("ldd %s: %w", sh, err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		for _, fld := range strings.Fields(l) {
			if strings.HasPrefix(fld, "/") {
				if err := addFile(tw, dirs, fld, strings.TrimPrefix(fld, "/")); err != nil {
					return err
				}
			}
		}
	}
	// GOROOT at /usr/local/go.
	err = filepath.WalkDir(goroot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(goroot, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(filepath.Join("usr/local/go", rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return dir(name, int64(info.Mode().Perm()))
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: info.ModTime()})
		case info.Mode().IsRegular():
			return addFile(tw, dirs, p, name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func dirRec(tw *tar.Writer, dirs map[string]bool, name string) error {
	if dirs[name] || name == "." || name == "/" {
		return nil
	}
	if err := dirRec(tw, dirs, filepath.Dir(name)); err != nil {
		return err
	}
	dirs[name] = true
	return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: time.Unix(0, 0)})
}

// addFile copies the regular file src (symlinks followed) to name.
func addFile(tw *tar.Writer, dirs map[string]bool, src, name string) error {
	if err := dirRec(tw, dirs, filepath.Dir(name)); err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: int64(info.Mode().Perm()), Size: info.Size(), ModTime: info.ModTime()}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// servedBytes is the compressed size of ref as the registry serves it:
// its layers and config.
func (c *coldStart) servedBytes(ctx context.Context, ref string) (int64, error) {
	out, err := c.sh(ctx, time.Minute, "", nil, "crane", "manifest", ref)
	if err != nil {
		return 0, err
	}
	var m struct {
		Config struct {
			Size int64 `json:"size"`
		} `json:"config"`
		Layers []struct {
			Size int64 `json:"size"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		return 0, err
	}
	n := m.Config.Size
	for _, l := range m.Layers {
		n += l.Size
	}
	return n, nil
}

// rmImages removes refs from the daemon, ignoring ones it does not hold.
func (c *coldStart) rmImages(ctx context.Context, refs ...string) {
	for _, r := range refs {
		_, _ = c.sh(ctx, time.Minute, "", nil, "docker", "image", "rm", "-f", r)
	}
}

// builtImage is a classic-builder line naming an image it made (a step's
// result, FROM's base, the final image).
var builtImage = regexp.MustCompile(`(?m)^ ---> ([0-9a-f]{12})$`)

// cleanBuild removes the base image and the images the classic builder
// made for every stage, newest first (BuildKit makes none; its build
// cache stays, and --no-cache keeps the next run cold anyway).
func (c *coldStart) cleanBuild(ctx context.Context, base, buildOutput string) {
	ids := builtImage.FindAllStringSubmatch(buildOutput, -1)
	for i := len(ids) - 1; i >= 0; i-- {
		_, _ = c.sh(ctx, time.Minute, "", nil, "docker", "image", "rm", ids[i][1])
	}
	c.rmImages(ctx, base)
}

func (c *coldStart) print(w io.Writer, r *coldResult) {
	prebuilt := median(r.totals)
	source := r.buildWall + r.srcRun
	fmt.Fprintf(w, "\nCold start of the action step (offline: images from a registry on 127.0.0.1, modules from a GOPROXY on 127.0.0.1)\n")
	fmt.Fprintf(w, "%s, builder %s", platform(), r.builder)
	if r.load != "" {
		fmt.Fprintf(w, ", load average %s at start", r.load)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "\n| Path | What is timed | Wall |\n|---|---|--:|\n")
	fmt.Fprintf(w, "| prebuilt (action.yml) | docker pull (%s compressed, not in the daemon) + docker run IMAGE version; median of %d | %s (pull %s + run %s) |\n",
		mib(r.imageBytes), len(r.totals), round(prebuilt), round(median(r.pulls)), round(median(r.runs)))
	fmt.Fprintf(w, "| image: Dockerfile | docker build --no-cache of the Dockerfile: pull of the build base (%s compressed: this machine's %s toolchain + /bin/sh, in place of golang:1.26), go mod download of %d modules through the loopback GOPROXY, cold compile, release stage; + docker run; 1 run | %s (build %s + run %s) |\n",
		mib(r.baseBytes), r.goVersion, r.zips, round(source), round(r.buildWall), round(r.srcRun))
	fmt.Fprintf(w, "\nimage: Dockerfile / prebuilt = %s\n", times(ratio(source, prebuilt)))
	fmt.Fprintf(w, "Not measured (both would widen the gap): network transfer of golang:1.26.8 (312 MB compressed for linux/amd64) and of the modules from proxy.golang.org; registry latency beyond loopback.\n")
}
