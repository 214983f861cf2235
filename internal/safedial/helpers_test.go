package safedial

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// prefixScope allows addresses in allow that are not in deny; it stands in
// for internal/targets.Spec, where exclusions always win.
type prefixScope struct {
	allow []netip.Prefix
	deny  []netip.Prefix
}

func (s prefixScope) Contains(a netip.Addr) bool {
	for _, p := range s.deny {
		if p.Contains(a) {
			return false
		}
	}
	for _, p := range s.allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// loopback is the scope of every test: 127.0.0.0/8 and ::1.
var loopback = prefixScope{allow: []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"),
}}

// fakeClock is a Clock tests drive. In auto mode Sleep advances the time
// at once, so sequential dials run instantly on a deterministic timeline.
// Otherwise Sleep parks until Advance reaches its end (or its context
// ends), and reports each sleep on the sleeping channel, so a test knows
// when a waiter is parked.
type fakeClock struct {
	auto     bool
	sleeping chan time.Duration

	mu      sync.Mutex // guards now and waiters
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at   time.Time
	wake chan struct{}
}

func newFakeClock(auto bool) *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), auto: auto, sleeping: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.auto {
		c.Advance(d)
		return ctx.Err()
	}
	c.mu.Lock()
	w := fakeWaiter{at: c.now.Add(d), wake: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	c.sleeping <- d
	select {
	case <-w.wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Advance moves the time on and wakes the sleepers it reaches.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			keep = append(keep, w)
		} else {
			close(w.wake)
		}
	}
	c.waiters = keep
}

// recorder is an injectable Base that connects nothing: it records each
// call (address and Clock time) and returns one end of a net.Pipe, whose
// other end the test may use as the "device".
type recorder struct {
	clock  Clock
	notify chan struct{} // if set, gets a value per call
	mu     sync.Mutex    // guards calls and peers
	calls  []call
	peers  []net.Conn
}

type call struct {
	network, address string
	at               time.Time
}

func (r *recorder) dial(ctx context.Context, network, address string) (net.Conn, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := time.Time{}
	if r.clock != nil {
		at = r.clock.Now()
	}
	r.calls = append(r.calls, call{network, address, at})
	if r.notify != nil {
		r.notify <- struct{}{}
	}
	client, server := net.Pipe()
	r.peers = append(r.peers, server)
	return client, nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func (r *recorder) snapshot() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

func (r *recorder) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.peers {
		p.Close()
	}
}

// newTestDialer builds a Dialer over cfg (loopback scope unless set) and
// fails the test on a config error.
func newTestDialer(t testing.TB, cfg Config) *Dialer {
	t.Helper()
	if cfg.Scope == nil {
		cfg.Scope = loopback
	}
	d, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

// maxPerWindow is the largest count of times in any half-open 1-second
// window: an independent check of what Stats reports.
func maxPerWindow(times []time.Time) int {
	best := 0
	for i := range times {
		n := 0
		for j := range times {
			if !times[j].After(times[i]) && times[j].After(times[i].Add(-time.Second)) {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// serve runs handle for every connection accepted on a fresh TCP listener
// at addr ("127.0.0.1:0"), until the test ends, and returns its address.
func serve(t testing.TB, addr string, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				go func() { <-done; c.Close() }()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}
