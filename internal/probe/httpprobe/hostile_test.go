package httpprobe

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
)

// Hostile devices: each must leave the probe bounded in time and memory,
// with the exact outcome asserted.

const hostileTimeout = 300 * time.Millisecond

func TestHostile(t *testing.T) {
	flood := func(prefix string) func(*server, net.Conn) {
		return func(s *server, c net.Conn) {
			if _, err := s.readRequest(c); err != nil {
				return
			}
			_, _ = c.Write([]byte(prefix))
			chunk := bytes.Repeat([]byte("A"), 64<<10)
			for sent := 0; sent < 10<<20; sent += len(chunk) {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}
	}
	drip := func(prefix, slow string) func(*server, net.Conn) {
		return func(s *server, c net.Conn) {
			if _, err := s.readRequest(c); err != nil {
				return
			}
			_, _ = c.Write([]byte(prefix))
			for i := 0; ; i++ {
				if _, err := c.Write([]byte{slow[i%len(slow)]}); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	once := func(reply string) func(*server, net.Conn) {
		return func(s *server, c net.Conn) {
			if _, err := s.readRequest(c); err == nil {
				_, _ = c.Write([]byte(reply))
			}
		}
	}
	for _, tc := range []struct {
		name    string
		handle  func(*server, net.Conn)
		wantErr []string // substrings of the error; nil: no error
		wantObs []covered.Observation
		// prefixOnly: each wanted value need only begin the emitted one
		// (how much of a dripped body arrives depends on timing).
		prefixOnly bool
		maxConns   int
		maxTime    time.Duration
	}{
		{
			name: "never answers",
			handle: func(s *server, c net.Conn) {
				_, _ = s.readRequest(c)
				_, _ = io.Copy(io.Discard, c) // hold the connection, say nothing
			},
			maxConns: 1, // a timeout ends the probe of the target
			maxTime:  hostileTimeout + 2*time.Second,
		},
		{
			name:     "drips the status line",
			handle:   drip("", "HTTP/1.1 200 OK\r\n"),
			maxConns: 1,
			maxTime:  hostileTimeout + 2*time.Second,
		},
		{
			name:   "drips the body",
			handle: drip("HTTP/1.1 200 OK\r\nServer: slow\r\n\r\n", "<title>never"),
			// The header is kept; the body is what came before the deadline,
			// and nothing more is asked.
			wantObs: []covered.Observation{
				{Key: "http.response", Path: "/", Value: "HTTP/1.1 200 OK\r\nServer: slow\r\n\r\n<"},
				{Key: "http.header.server", Path: "/", Value: "slow"},
			},
			prefixOnly: true,
			maxConns:   1,
			maxTime:    hostileTimeout + 2*time.Second,
		},
		{
			name:     "10 MB body",
			handle:   flood("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10485760\r\n\r\n"),
			wantObs:  []covered.Observation{{Key: "http.response", Path: "/", Value: "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10485760\r\n\r\n" + strings.Repeat("A", maxPrefix)}},
			maxConns: 3, // "/", the favicon, one vendor page answered like "/"
			maxTime:  5 * time.Second,
		},
		{
			name:     "10 MB header",
			handle:   flood("HTTP/1.1 200 OK\r\nX-Pad: "),
			wantErr:  []string{ErrBadResponse.Error(), "exceeded"},
			maxConns: 1,
			maxTime:  5 * time.Second,
		},
		{
			name:     "closes mid-header",
			handle:   once("HTTP/1.1 200 OK\r\nServer: Hikv"),
			wantErr:  []string{ErrBadResponse.Error(), "unexpected EOF"},
			maxConns: 1,
			maxTime:  3 * time.Second,
		},
		{
			name:     "not HTTP at all",
			handle:   once("SSH-2.0-dropbear_2019.78\r\n"),
			wantErr:  []string{ErrBadResponse.Error(), `malformed HTTP response "SSH-2.0-dropbear_2019.78"`},
			maxConns: 1,
			maxTime:  3 * time.Second,
		},
		{
			name:     "malformed status code",
			handle:   once("HTTP/1.1 2OO OK\r\nServer: x\r\n\r\n"),
			wantErr:  []string{ErrBadResponse.Error(), `malformed HTTP status code "2OO"`},
			maxConns: 1,
			maxTime:  3 * time.Second,
		},
		{
			name:     "closes without a word",
			handle:   func(*server, net.Conn) {},
			maxConns: 1, // "/" fails quietly; nothing else is asked
			maxTime:  3 * time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, nil, tc.handle)
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			got, err := run(t, New(), s.target(), hostileTimeout)
			elapsed := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)

			switch {
			case tc.wantErr == nil && err != nil:
				t.Errorf("Probe: %v, want no error", err)
			case tc.wantErr != nil && !errors.Is(err, ErrBadResponse):
				t.Errorf("Probe: %v, want an error wrapping ErrBadResponse", err)
			}
			for _, w := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Probe error %v does not say %q", err, w)
				}
			}
			if tc.prefixOnly {
				got = trimTo(got, tc.wantObs)
			}
			diffObs(t, got, tc.wantObs)
			if elapsed > tc.maxTime {
				t.Errorf("took %v, want at most %v", elapsed, tc.maxTime)
			}
			if n := s.conns(); n > tc.maxConns {
				t.Errorf("%d connections, want at most %d", n, tc.maxConns)
			}
			// Everything the probe allocated, garbage included, stays far
			// below the 10 MB the floods offer.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("allocated %d bytes while probing", alloc)
			}
		})
	}
}

// TestClosedPort: nothing listens; no error, no observations, no retries.
func TestClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tg := (&server{ln: ln}).target()
	ln.Close()
	got, err := run(t, New(), tg, hostileTimeout)
	if err != nil || len(got) != 0 {
		t.Fatalf("Probe = %v, %v; want nothing", got, err)
	}
}

// TestNoGoroutineLeak: after a stalled target, no transport or dial
// goroutine outlives the probe.
func TestNoGoroutineLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	s := startServer(t, nil, func(s *server, c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	if _, err := run(t, New(), s.target(), 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	s.close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the probe, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

// trimTo cuts each got value to the length of the wanted one at the same
// place, when it begins with it.
func trimTo(got, want []covered.Observation) []covered.Observation {
	out := append([]covered.Observation(nil), got...)
	for i := range min(len(out), len(want)) {
		if strings.HasPrefix(out[i].Value, want[i].Value) {
			out[i].Value = want[i].Value
		}
	}
	return out
}
