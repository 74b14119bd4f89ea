// Command hopcheck checks that a CI job can reach its LLM models through the
// configured chain of proxies and providers, and names the broken hop.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	// CA roots for the FROM scratch image, which has no system store.
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/hopcheck/hopcheck/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
