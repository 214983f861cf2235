package safedial

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"
)

// nopConn is a connection to nowhere, for tests that only count.
type nopConn struct{ net.Conn }

func (nopConn) Close() error                     { return nil }
func (nopConn) SetDeadline(time.Time) error      { return nil }
func (nopConn) SetReadDeadline(time.Time) error  { return nil }
func (nopConn) SetWriteDeadline(time.Time) error { return nil }

func nopDial(context.Context, string, string) (net.Conn, error) { return nopConn{}, nil }

// A scan of many hosts keeps per-host state for only the recent ones:
// about Rate × 2·ttl entries, however many hosts were dialled, while an
// entry with an open connection is never dropped.
func TestHostStateBounded(t *testing.T) {
	clock := newFakeClock(true)
	d := newTestDialer(t, Config{Rate: 200, Clock: clock, Base: nopDial})
	ctx := context.Background()
	held, err := d.DialContext(ctx, "tcp", "127.255.255.254:80")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	const hosts = 4000 // 20 s of fake time at 200 dials/s
	peak := 0
	for i := range hosts {
		a := netip.AddrFrom4([4]byte{127, byte(i >> 16), byte(i >> 8), byte(i)})
		c, err := d.DialContext(ctx, "tcp", netip.AddrPortFrom(a, 80).String())
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if i%100 == 0 {
			peak = max(peak, d.Stats().Hosts)
		}
	}
	ttl := d.hosts.ttl
	if ttl != 2*time.Second {
		t.Fatalf("ttl = %v, want 2s", ttl)
	}
	bound := int(d.cfg.Rate*(2*ttl).Seconds()) + 1
	if s := d.Stats(); s.Hosts > bound || peak > bound {
		t.Fatalf("%d host entries at the end, %d at peak, after %d hosts; want at most %d", s.Hosts, peak, hosts, bound)
	}
	a := netip.MustParseAddr("127.255.255.254")
	s := d.hosts.shard(a)
	s.mu.Lock()
	_, ok := s.m[a]
	s.mu.Unlock()
	if !ok {
		t.Fatal("the entry of a host with an open connection was evicted")
	}
	t.Logf("peak %d host entries over %d hosts (bound %d)", peak, hosts, bound)
}

func TestDrop(t *testing.T) {
	var w []time.Duration
	for _, at := range []time.Duration{0, 500, 999, 1000, 1999, 2000, 5000} {
		w = append(drop(w, at*time.Millisecond), at*time.Millisecond)
	}
	if len(w) != 1 || w[0] != 5*time.Second {
		t.Fatalf("window %v, want only the 5s event", w)
	}
	w = nil
	for _, at := range []time.Duration{0, 500, 999, 1000} {
		w = append(drop(w, at*time.Millisecond), at*time.Millisecond)
	}
	if len(w) != 3 { // (0s, 1s] holds 500, 999, 1000
		t.Fatalf("window %v, want 3 events in the half-open second", w)
	}
}
