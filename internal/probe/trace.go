package probe

import (
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// trace records the httptrace events of one round trip. Hooks may fire on
// dialer goroutines, even after the round trip returned (a losing
// happy-eyeballs dial), hence the mutex.
//
// Phases (see timings):
//
//	dns     DNSStart → DNSDone (absent for an IP literal)
//	connect ConnectStart → ConnectDone of the dial that won
//	tls     TLSHandshakeStart → TLSHandshakeDone
//	ttfb    GotConn → GotFirstResponseByte: sending the request plus the
//	        server's processing (blackbox_exporter's "processing" phase);
//	        it excludes dns/connect/tls so the phases do not overlap
//	total   start of the request → end of the body (or the failure)
type trace struct {
	mu        sync.Mutex
	start     time.Time
	dnsStart  time.Time
	dnsDone   time.Time
	dialing   map[string]time.Time
	connStart time.Time
	connDone  time.Time
	tlsStart  time.Time
	tlsDone   time.Time
	tlsErr    error
	gotConn   time.Time
	wrote     time.Time
	firstByte time.Time
}

func newTrace() *trace {
	return &trace{start: time.Now(), dialing: map[string]time.Time{}}
}

func (t *trace) set(f func(now time.Time)) {
	now := time.Now()
	t.mu.Lock()
	f(now)
	t.mu.Unlock()
}

func (t *trace) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			t.set(func(now time.Time) {
				if t.dnsStart.IsZero() {
					t.dnsStart = now
				}
			})
		},
		DNSDone: func(httptrace.DNSDoneInfo) { t.set(func(now time.Time) { t.dnsDone = now }) },
		ConnectStart: func(_, addr string) {
			t.set(func(now time.Time) { t.dialing[addr] = now })
		},
		ConnectDone: func(_, addr string, err error) {
			t.set(func(now time.Time) {
				if err == nil && t.connDone.IsZero() {
					t.connStart, t.connDone = t.dialing[addr], now
				}
			})
		},
		TLSHandshakeStart: func() { t.set(func(now time.Time) { t.tlsStart = now }) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			t.set(func(now time.Time) { t.tlsDone, t.tlsErr = now, err })
		},
		GotConn:              func(httptrace.GotConnInfo) { t.set(func(now time.Time) { t.gotConn = now }) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { t.set(func(now time.Time) { t.wrote = now }) },
		GotFirstResponseByte: func() { t.set(func(now time.Time) { t.firstByte = now }) },
	}
}

// snapshot is a copy of the trace taken under the lock.
type snapshot struct {
	dnsStarted, dnsDone       bool
	tlsStarted, tlsDone       bool
	tlsErr                    error
	gotConn, wrote, firstByte bool
}

func (t *trace) snapshot() snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	return snapshot{
		dnsStarted: !t.dnsStart.IsZero(), dnsDone: !t.dnsDone.IsZero(),
		tlsStarted: !t.tlsStart.IsZero(), tlsDone: !t.tlsDone.IsZero(), tlsErr: t.tlsErr,
		gotConn: !t.gotConn.IsZero(), wrote: !t.wrote.IsZero(), firstByte: !t.firstByte.IsZero(),
	}
}

// timings turns the recorded events into phases; a phase whose start or end
// was never seen is nil, never 0.
func (t *trace) timings(end time.Time) finding.Timings {
	t.mu.Lock()
	defer t.mu.Unlock()
	return finding.Timings{
		DNS:     between(t.dnsStart, t.dnsDone),
		Connect: between(t.connStart, t.connDone),
		TLS:     between(t.tlsStart, t.tlsDone),
		TTFB:    between(t.gotConn, t.firstByte),
		Total:   between(t.start, end),
	}
}

func between(a, b time.Time) *float64 {
	if a.IsZero() || b.IsZero() {
		return nil
	}
	d := b.Sub(a)
	if d < 0 {
		d = 0
	}
	ms := float64(d) / float64(time.Millisecond)
	return &ms
}
