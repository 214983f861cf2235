package safedial

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// The global rate is checked on a fake clock: sequential dials to distinct
// hosts must be exactly 1/Rate apart, and no 1-second window may hold more
// than Rate of them.
func TestGlobalRate(t *testing.T) {
	clock := newFakeClock(true)
	rec := &recorder{clock: clock}
	defer rec.close()
	d := newTestDialer(t, Config{Rate: 8, HostRate: 1000, Clock: clock, Base: rec.dial})
	start := clock.Now()
	for i := range 20 {
		c, err := d.DialContext(context.Background(), "tcp", netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, byte(i + 1)}), 80).String())
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	var times []time.Time
	for i, c := range rec.snapshot() {
		if want := start.Add(time.Duration(i) * 125 * time.Millisecond); !c.at.Equal(want) {
			t.Errorf("dial %d at %v, want %v", i, c.at.Sub(start), want.Sub(start))
		}
		times = append(times, c.at)
	}
	if got := maxPerWindow(times); got != 8 {
		t.Errorf("max dials in a 1s window = %d, want 8", got)
	}
	if s := d.Stats(); s.MaxPerSecond != 8 || s.Dials != 20 {
		t.Errorf("Stats MaxPerSecond = %d, Dials = %d; want 8, 20", s.MaxPerSecond, s.Dials)
	}
}

// Waiters that wake late (here: all at once, 2 s after their turn) must
// not catch up in a burst: the 1-second window still holds at most Rate
// sends, and the rest wait for the window to move.
func TestGlobalRateNoCatchUpBurst(t *testing.T) {
	clock := newFakeClock(false)
	rec := &recorder{clock: clock, notify: make(chan struct{}, 10)}
	defer rec.close()
	d := newTestDialer(t, Config{Rate: 4, HostRate: 1000, Clock: clock, Base: rec.dial})
	addr := func(i int) string {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, byte(i + 1)}), 80).String()
	}
	first, err := d.DialContext(context.Background(), "tcp", addr(0)) // goes at once
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	<-rec.notify
	var done []<-chan error
	for i := 1; i < 8; i++ {
		done = append(done, dialAsync(context.Background(), d, addr(i)))
	}
	for range 7 { // seven wait their turn
		<-clock.sleeping
	}
	clock.Advance(2 * time.Second) // every turn has passed: all seven wake late
	for range 3 {                  // four fit in the window, three wait for it
		if got := <-clock.sleeping; got != time.Second {
			t.Fatalf("window wait %v, want 1s", got)
		}
	}
	for range 4 {
		<-rec.notify
	}
	start := clock.Now().Add(-2 * time.Second)
	clock.Advance(time.Second)
	for _, ch := range done {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	var times []time.Time
	at := map[time.Duration]int{}
	for _, c := range rec.snapshot() {
		times = append(times, c.at)
		at[c.at.Sub(start)]++
	}
	if at[0] != 1 || at[2*time.Second] != 4 || at[3*time.Second] != 3 {
		t.Fatalf("dials per fake instant %v, want 1 at 0s, 4 at 2s, 3 at 3s", at)
	}
	if got := maxPerWindow(times); got != 4 {
		t.Fatalf("max dials in a 1s window = %d, want 4", got)
	}
	if s := d.Stats(); s.MaxPerSecond != 4 {
		t.Fatalf("Stats MaxPerSecond = %d, want 4", s.MaxPerSecond)
	}
}

// Per-host spacing with two hosts interleaved: each host's dials are
// 1/HostRate apart while the other host's dials go on in between.
func TestHostRate(t *testing.T) {
	clock := newFakeClock(true)
	rec := &recorder{clock: clock}
	defer rec.close()
	d := newTestDialer(t, Config{Rate: 1000, HostRate: 4, Clock: clock, Base: rec.dial})
	for range 10 {
		for _, addr := range []string{"127.0.0.1:80", "127.0.0.2:554"} {
			c, err := d.DialContext(context.Background(), "tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
		}
	}
	byHost := map[string][]time.Time{}
	var order []string
	for _, c := range rec.snapshot() {
		byHost[c.address] = append(byHost[c.address], c.at)
		order = append(order, c.address[:9])
	}
	if got := strings.Join(order[:4], ","); got != "127.0.0.1,127.0.0.2,127.0.0.1,127.0.0.2" {
		t.Errorf("dial order %s, want the hosts interleaved", got)
	}
	for addr, times := range byHost {
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap != 250*time.Millisecond {
				t.Errorf("%s: dials %d and %d are %v apart, want 250ms", addr, i-1, i, gap)
			}
		}
		if got := maxPerWindow(times); got != 4 {
			t.Errorf("%s: max dials in a 1s window = %d, want 4", addr, got)
		}
	}
	if s := d.Stats(); s.MaxHostPerSecond != 4 {
		t.Errorf("Stats MaxHostPerSecond = %d, want 4", s.MaxHostPerSecond)
	}
}

func TestCancelUnblocksRateWaiters(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		second   string
		advance  time.Duration // fake time between the dials
		wantWait time.Duration
	}{
		{"global rate", Config{Rate: 1, HostRate: 1000}, "127.0.0.2:80", 0, time.Second},
		{"host rate", Config{Rate: 1000, HostRate: 0.5}, "127.0.0.1:81", 10 * time.Millisecond, 1990 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock(false) // sleeps park until cancelled
			rec := &recorder{clock: clock}
			defer rec.close()
			tt.cfg.Clock, tt.cfg.Base = clock, rec.dial
			d := newTestDialer(t, tt.cfg)
			first, err := d.DialContext(context.Background(), "tcp", "127.0.0.1:80")
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			clock.Advance(tt.advance)

			ctx, cancel := context.WithCancel(context.Background())
			second := dialAsync(ctx, d, tt.second)
			if got := <-clock.sleeping; got != tt.wantWait {
				t.Fatalf("waiter sleeps %v, want %v", got, tt.wantWait)
			}
			cancel()
			if err := <-second; !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled waiter returned %v, want context.Canceled", err)
			}

			// A deadline that ends before the wait fails at once,
			// without sleeping.
			clock.Advance(5 * time.Millisecond)
			ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(tt.wantWait/2))
			defer cancel()
			if _, err := d.DialContext(ctx, "tcp", tt.second); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("dial whose deadline ends before the wait: %v, want DeadlineExceeded", err)
			}
			if n := len(clock.sleeping); n != 0 {
				t.Fatalf("%d sleeps for a wait that cannot finish before the deadline", n)
			}
			if n := rec.count(); n != 1 {
				t.Fatalf("Base called %d times, want 1", n)
			}
		})
	}
}
