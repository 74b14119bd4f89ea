package probe

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hopcheck/hopcheck/internal/secret"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testClient is a Client with short budgets for tests.
func testClient(s *secret.Scrubber) *Client {
	c := New(s)
	c.Timeout = 300 * time.Millisecond
	c.RetryAfterCap = 2 * time.Second
	return c
}

func do(t *testing.T, c *Client, req Request) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Do(ctx, req)
}

// readRequest consumes one HTTP request from c.
func readRequest(c net.Conn) bool {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return false
	}
	io.Copy(io.Discard, req.Body)
	return true
}

// fakeResolver answers DNS over an in-memory pipe, so lookups never leave
// the process: names under .invalid get NXDOMAIN, every other name an A
// record 127.0.0.1 (AAAA: no records). Go's resolver queries .invalid like
// any other name, so a real lookup would send traffic to the system DNS.
type fakeResolver struct {
	wg      sync.WaitGroup
	queries atomic.Int32
}

func newFakeResolver(t *testing.T) (*net.Resolver, *fakeResolver) {
	f := &fakeResolver{}
	t.Cleanup(f.wg.Wait)
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			client, server := net.Pipe()
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				defer server.Close()
				f.serve(server)
			}()
			return client, nil
		},
	}, f
}

// serve speaks DNS with TCP framing (net.Pipe is not a PacketConn, so the
// Go resolver uses the stream format: 2-byte length prefix).
func (f *fakeResolver) serve(c net.Conn) {
	for {
		var n uint16
		if binary.Read(c, binary.BigEndian, &n) != nil {
			return
		}
		q := make([]byte, n)
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		f.queries.Add(1)
		// Question: labels up to a zero byte, then QTYPE and QCLASS.
		i := 12
		var labels []string
		for i < len(q) && q[i] != 0 {
			l := int(q[i])
			if i+1+l > len(q) {
				return
			}
			labels = append(labels, string(q[i+1:i+1+l]))
			i += 1 + l
		}
		if i+5 > len(q) {
			return
		}
		qtype := binary.BigEndian.Uint16(q[i+1:])
		qend := i + 5
		resp := append([]byte(nil), q[:qend]...)
		resp[2] = 0x80 | (q[2] & 0x01) // QR, keep RD
		resp[3] = 0x80                 // RA, NOERROR
		binary.BigEndian.PutUint16(resp[6:], 0)
		binary.BigEndian.PutUint16(resp[8:], 0)
		binary.BigEndian.PutUint16(resp[10:], 0)
		name := strings.ToLower(strings.Join(labels, "."))
		switch {
		case strings.HasSuffix(name, ".invalid") || name == "invalid":
			resp[3] |= 3 // NXDOMAIN
		case qtype == 1: // A
			binary.BigEndian.PutUint16(resp[6:], 1)
			resp = append(resp, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
		}
		out := binary.BigEndian.AppendUint16(nil, uint16(len(resp)))
		if _, err := c.Write(append(out, resp...)); err != nil {
			return
		}
	}
}

// hitCounter counts requests to an http.Handler.
type hitCounter struct {
	n atomic.Int32
	h http.HandlerFunc
}

func (hc *hitCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hc.n.Add(1)
	hc.h(w, r)
}
