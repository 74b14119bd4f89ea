package testutil

import (
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hopcheck/hopcheck/internal/trust"
)

// LoopbackNet is where tests' servers listen (and the simulator's,
// sim.LoopbackNet): the only addresses a test may send traffic to.
const LoopbackNet = "127.0.0.0/8"

// AllowLoopback is the allow list a job would give hopcheck for its own
// loopback services (plus extra hosts), so that keys of known providers may
// go to the test's servers; checks.Options.Allow.
func AllowLoopback(t testing.TB, extra ...string) *trust.Allow {
	t.Helper()
	a, err := trust.ParseAllow(append([]string{LoopbackNet}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// FreePort returns a loopback TCP port that was free a moment ago, for a
// peer program that must be told its port. The port is taken below the
// kernel's ephemeral range, so a listener on 127.0.0.1:0 elsewhere in the
// test run (every httptest server) cannot be given it between this check
// and the moment the peer binds it; a peer that polls its port then never
// reaches another test's server.
func FreePort(t testing.TB) int {
	t.Helper()
	lo := ephemeralLow()
	const base = 10000
	for i := 0; i < 200 && lo > base; i++ {
		p := base + rand.IntN(lo-base)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ln.Close()
		return p
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux's
// default when it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				return n
			}
		}
	}
	return 32768
}

// RawServer is a TCP server on 127.0.0.1 whose handler gets the bare
// connection, for peers that misbehave below HTTP. When the test ends it
// closes the listener and every connection and waits for its handlers.
type RawServer struct {
	ln       net.Listener
	accepted atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

// NewRawServer starts a RawServer; handle runs once per connection, which
// is closed when handle returns.
func NewRawServer(t testing.TB, handle func(c net.Conn)) *RawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &RawServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// Addr is the server's host:port.
func (s *RawServer) Addr() string { return s.ln.Addr().String() }

// URL is the server's http:// URL.
func (s *RawServer) URL() string { return "http://" + s.Addr() }

// Accepted counts the connections accepted so far.
func (s *RawServer) Accepted() int { return int(s.accepted.Load()) }

// Blackhole starts a RawServer that reads whatever it is sent and never
// answers: a hop that hangs.
func Blackhole(t testing.TB) *RawServer {
	t.Helper()
	return NewRawServer(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}
