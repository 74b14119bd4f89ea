// Command hopcheck checks that a CI job can reach its LLM models through the
// configured chain of proxies and providers, and names the broken hop.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	// CA roots for the FROM scratch image, which has no system store.
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/hopcheck/hopcheck/internal/cli"
)

// grace is how long a run may take to end after SIGINT or SIGTERM. Every
// phase observes the context and ends within a second; should one ever not,
// the process leaves anyway rather than hold a CI job until its time limit.
const grace = 3 * time.Second

func main() {
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
