package wiretest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// hardLimit ends any fake device that the probe under test failed to hang
// up on, so a broken probe fails its test instead of hanging it.
const hardLimit = 10 * time.Second

// Handler plays one fake device on an accepted connection.
type Handler func(c net.Conn) error

// ServeTCP listens on 127.0.0.1:0 and runs h for every connection until the
// test ends; errors from h fail the test.
func ServeTCP(t testing.TB, h Handler) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(hardLimit))
				if err := h(c); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		for _, err := range errs {
			t.Errorf("fake device: %v", err)
		}
	})
	return netip.MustParseAddrPort(ln.Addr().String())
}

// Handler returns the fake device that plays tr. After the last step it
// waits for the probe to hang up and fails on any further byte, which is
// how tests prove a probe sends nothing beyond what the transcript expects.
func (tr Transcript) Handler() Handler {
	return func(c net.Conn) error {
		hostport := c.LocalAddr().String()
		for i, s := range tr.Steps {
			switch s.Op {
			case "send":
				if _, err := c.Write(s.Data); err != nil {
					return fmt.Errorf("step %d send: %w", i, err)
				}
			case "expect":
				want := bytes.ReplaceAll(s.Data, []byte("{hostport}"), []byte(hostport))
				got := make([]byte, len(want))
				n, err := io.ReadFull(c, got)
				if !bytes.Equal(got[:n], want) {
					return fmt.Errorf("step %d: probe sent %q, want %q (%v)", i, got[:n], want, err)
				}
			case "pause":
				d, err := parseDuration(s.Data)
				if err != nil {
					return fmt.Errorf("step %d pause: %w", i, err)
				}
				time.Sleep(d)
			case "close":
				return nil
			}
		}
		extra, _ := io.ReadAll(io.LimitReader(c, 4096))
		if len(extra) > 0 {
			return fmt.Errorf("probe sent unexpected bytes after the transcript: %q", extra)
		}
		return nil
	}
}

// Silence accepts and never sends, until the probe hangs up.
func Silence(c net.Conn) error {
	io.Copy(io.Discard, c)
	return nil
}

// Flood sends prefix, then fill over and over until the probe hangs up.
func Flood(prefix, fill []byte) Handler {
	return func(c net.Conn) error {
		go io.Copy(io.Discard, c)
		if _, err := c.Write(prefix); err != nil {
			return nil
		}
		chunk := bytes.Repeat(fill, 4096/len(fill)+1)
		for {
			if _, err := c.Write(chunk); err != nil {
				return nil
			}
		}
	}
}

// Drip sends data one byte per interval, until done or the probe hangs up.
func Drip(data []byte, every time.Duration) Handler {
	return func(c net.Conn) error {
		go io.Copy(io.Discard, c)
		for i := range data {
			if _, err := c.Write(data[i : i+1]); err != nil {
				return nil
			}
			time.Sleep(every)
		}
		return nil
	}
}

// Send writes data and hangs up at once.
func Send(data []byte) Handler {
	return func(c net.Conn) error {
		c.Write(data)
		return nil
	}
}

// ServeUDP listens on 127.0.0.1:0 and answers each datagram with the
// datagrams reply returns for it, until the test ends.
func ServeUDP(t testing.TB, reply func(req []byte) [][]byte) netip.AddrPort {
	t.Helper()
	return StartUDPDevice(t, nil, reply).AddrPort()
}

// Result is what one probe run produced.
type Result struct {
	Obs     []covered.Observation
	Err     error
	Elapsed time.Duration
}

// ErrText is the error's text, "" for nil.
func (r Result) ErrText() string {
	if r.Err == nil {
		return ""
	}
	return r.Err.Error()
}

// Run probes ap with p through d (a plain &net.Dialer{} unless a test needs
// a Redirect) and records the observations, error and time taken.
func Run(p probe.Probe, d probe.Dialer, ap netip.AddrPort, timeout time.Duration) Result {
	tgt := probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: p.Transport()}
	return RunTarget(p, d, tgt, timeout)
}

// RunTarget is Run for a target given in full.
func RunTarget(p probe.Probe, d probe.Dialer, tgt probe.Target, timeout time.Duration) Result {
	var r Result
	start := time.Now()
	r.Err = p.Probe(context.Background(), d, tgt, probe.Options{Timeout: timeout}, func(o covered.Observation) {
		r.Obs = append(r.Obs, o)
	})
	r.Elapsed = time.Since(start)
	return r
}

// Redirect dials To whatever address it is asked for, so that a test can
// probe a target on a well-known port (whose number changes what the probe
// does) while the fake device listens on an ephemeral one.
type Redirect struct {
	To netip.AddrPort
}

// DialContext implements probe.Dialer.
func (r Redirect) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	return (&net.Dialer{}).DialContext(ctx, network, r.To.String())
}

// Replay plays tr on loopback against p (over TCP, through a plain
// &net.Dialer{}) and checks the observations and the error exactly.
func Replay(t *testing.T, p probe.Probe, tr Transcript, timeout time.Duration) {
	t.Helper()
	ap := ServeTCP(t, tr.Handler())
	r := Run(p, &net.Dialer{}, ap, timeout)
	Check(t, r.Obs, WithPort(tr.Want, ap.Port(), "tcp"))
	if want := strings.ReplaceAll(tr.Err, "{hostport}", ap.String()); r.ErrText() != want {
		t.Errorf("error = %q, want %q", r.ErrText(), want)
	}
}
