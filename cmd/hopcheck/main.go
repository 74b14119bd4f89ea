// Command hopcheck checks that a CI job can reach its LLM models through the
// configured chain of proxies and providers, and names the broken hop.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/hopcheck/hopcheck/internal/cli"
	"github.com/hopcheck/hopcheck/internal/probe"
)

// grace is how long a run may take to end after SIGINT or SIGTERM. Every
// phase observes the context and ends within a second; should one ever not,
// the process leaves anyway rather than hold a CI job until its time limit.
const grace = 3 * time.Second

// gcPercent is the garbage collector's target unless GOGC says otherwise.
// A run lives for well under a second and allocates a few MiB in all, so
// at Go's default of 100 it collects three or four times while the
// answers come in, for nothing it needs the memory back for: at 400 it
// collects about once, for some 30% less CPU time and ~2 MiB more peak
// memory (63 chains: 19 MiB).
const gcPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	// CA roots for the FROM scratch image, which has no system store: the
	// probes' transport installs the embedded ones before its first TLS
	// connection (probe.WithFallbackRoots); so does every other client that
	// uses the default transport (the GitHub API's).
	http.DefaultTransport = probe.WithFallbackRoots(http.DefaultTransport, http.ProxyFromEnvironment)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		<-ctx.Done()
		select {
		case <-done:
		case <-time.After(grace):
			fmt.Fprintf(os.Stderr, "hopcheck: %v: the run did not end within %s; exiting\n", context.Cause(ctx), grace)
			os.Exit(cli.ExitUsage)
		}
	}()
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	close(done)
	stop()
	os.Exit(code)
}
