// Command simserve keeps hopcheck's simulated providers (package sim)
// running for a workflow or a manual try-out, which `hopcheck demo` cannot:
// demo stops its servers when it exits.
//
//	go run ./e2e/simserve --dir .sim --scenario healthy --scenario proxy-lost-upstream-key
//
// For each scenario it writes DIR/SCENARIO/hopcheck.yml (the generated
// configuration, ports filled in) and DIR/SCENARIO/env (the fake keys the
// CI job would hold, NAME=value lines, ready for `cat … >> "$GITHUB_ENV"`),
// then DIR/ready once every server listens. It runs until SIGINT/SIGTERM.
//
// The servers listen on 127.0.0.1. A Docker container action on a GitHub
// runner does not share the host's network namespace (it runs on the
// default bridge), so --advertise HOST (the bridge gateway, e.g. 172.17.0.1)
// adds a TCP forwarder on HOST for every server the configuration names
// and rewrites the configuration's URLs to it. Line numbers are unchanged.
//
// The keys are fakes made by sim, but under GITHUB_ACTIONS=true simserve
// still masks them (::add-mask::) so they read like real secrets in the log.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/hopcheck/hopcheck/internal/sim"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "simserve:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simserve", flag.ContinueOnError)
	dir := fs.String("dir", ".sim", "directory for the generated files")
	advertise := fs.String("advertise", "", "also serve on this address (forwarders) and write it into the configs")
	var names listFlag
	fs.Var(&names, "scenario", "scenario to start (repeatable; default: the demo's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(names) == 0 {
		names = append(names, sim.DefaultScenario)
	}
	_ = os.Remove(filepath.Join(*dir, "ready"))
	var closers []func()
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}()
	for _, name := range names {
		env, err := sim.Start(name)
		if err != nil {
			return err
		}
		closers = append(closers, env.Close)
		cfg := env.Config
		if *advertise != "" {
			var fwd *forwarders
			cfg, fwd, err = forward(cfg, *advertise)
			if err != nil {
				return err
			}
			closers = append(closers, fwd.Close)
		}
		if err := writeScenario(filepath.Join(*dir, name), env.ConfigName, cfg, env.Vars, stdout); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "simserve: scenario %s ready in %s\n", name, filepath.Join(*dir, name))
	}
	if err := os.WriteFile(filepath.Join(*dir, "ready"), []byte("ready\n"), 0o644); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

func writeScenario(dir, configName string, cfg []byte, vars map[string]string, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, configName), cfg, 0o644); err != nil {
		return err
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if os.Getenv("GITHUB_ACTIONS") == "true" {
			fmt.Fprintf(stdout, "::add-mask::%s\n", vars[k])
		}
		fmt.Fprintf(&b, "%s=%s\n", k, vars[k])
	}
	return os.WriteFile(filepath.Join(dir, "env"), []byte(b.String()), 0o600)
}

var loopbackURL = regexp.MustCompile(`http://127\.0\.0\.1:(\d+)`)

// forwarders relays TCP connections from the advertised address to the
// loopback servers. Written by hand: it is a dozen lines of io.Copy and no
// library is needed for it.
type forwarders struct {
	mu        sync.Mutex
	listeners []net.Listener
	wg        sync.WaitGroup
}

func (f *forwarders) Close() {
	f.mu.Lock()
	for _, l := range f.listeners {
		_ = l.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// forward starts one forwarder per loopback port named in cfg and returns
// cfg with those URLs rewritten to host.
func forward(cfg []byte, host string) ([]byte, *forwarders, error) {
	f := &forwarders{}
	ports := map[string]string{}
	var ferr error
	out := loopbackURL.ReplaceAllFunc(cfg, func(m []byte) []byte {
		port := string(loopbackURL.FindSubmatch(m)[1])
		if p, ok := ports[port]; ok {
			return []byte("http://" + net.JoinHostPort(host, p))
		}
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			ferr = errors.Join(ferr, err)
			return m
		}
		f.listeners = append(f.listeners, l)
		_, p, _ := net.SplitHostPort(l.Addr().String())
		ports[port] = p
		f.wg.Add(1)
		go f.serve(l, net.JoinHostPort("127.0.0.1", port))
		return []byte("http://" + net.JoinHostPort(host, p))
	})
	if ferr != nil {
		f.Close()
		return nil, nil, ferr
	}
	return out, f, nil
}

func (f *forwarders) serve(l net.Listener, target string) {
	defer f.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			u, err := net.Dial("tcp", target)
			if err != nil {
				return
			}
			defer u.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(u, c); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, u); done <- struct{}{} }()
			<-done
		}()
	}
}
