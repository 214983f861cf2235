package safedial

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

// Probes get a *Dialer through probe.Dialer.
var _ probe.Dialer = (*Dialer)(nil)

// dialAsync dials in a goroutine and delivers the result.
func dialAsync(ctx context.Context, d *Dialer, addr string) <-chan error {
	ch := make(chan error, 1)
	go func() {
		c, err := d.DialContext(ctx, "tcp", addr)
		if c != nil {
			defer c.Close()
		}
		ch <- err
	}()
	return ch
}

// slotWaits installs the test hook that reports dials parked for a slot.
func slotWaits(d *Dialer) <-chan netip.Addr {
	ch := make(chan netip.Addr, 10)
	d.onSlotWait = func(a netip.Addr) { ch <- a }
	return ch
}

func TestHostConcurrencyCap(t *testing.T) {
	clock := newFakeClock(true)
	rec := &recorder{clock: clock}
	defer rec.close()
	d := newTestDialer(t, Config{HostConcurrency: 2, Clock: clock, Base: rec.dial})
	waits := slotWaits(d)
	ctx := context.Background()
	a, err := d.DialContext(ctx, "tcp", "127.0.0.1:80")
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.DialContext(ctx, "tcp", "127.0.0.1:443")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	third := dialAsync(ctx, d, "127.0.0.1:22")
	if got := <-waits; got != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("slot wait for %v", got)
	}
	// Another host is not held up by this one's cap.
	other, err := d.DialContext(ctx, "tcp", "127.0.0.2:80")
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	if n := rec.count(); n != 3 {
		t.Fatalf("Base called %d times while the third dial should be parked, want 3", n)
	}
	a.Close()
	if err := <-third; err != nil {
		t.Fatalf("third dial after a Close: %v", err)
	}
	if n := rec.count(); n != 4 {
		t.Fatalf("Base called %d times, want 4", n)
	}
}

func TestCloseReleasesSlotOnce(t *testing.T) {
	rec := &recorder{}
	defer rec.close()
	d := newTestDialer(t, Config{HostConcurrency: 2, Clock: newFakeClock(true), Base: rec.dial})
	waits := slotWaits(d)
	ctx := context.Background()
	a, _ := d.DialContext(ctx, "tcp", "127.0.0.1:80")
	b, _ := d.DialContext(ctx, "tcp", "127.0.0.1:81")
	defer b.Close()
	if err := a.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	c, err := d.DialContext(ctx, "tcp", "127.0.0.1:82")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// b and c hold both slots: a double release would let this through.
	cctx, cancel := context.WithCancel(ctx)
	fourth := dialAsync(cctx, d, "127.0.0.1:83")
	<-waits
	cancel()
	if err := <-fourth; !errors.Is(err, context.Canceled) {
		t.Fatalf("parked dial after cancel: %v, want context.Canceled", err)
	}
	if s := d.Stats(); s.Open != 2 || s.Dials != 3 {
		t.Fatalf("Stats Open = %d, Dials = %d; want 2, 3", s.Open, s.Dials)
	}
}

func TestConnectTimeout(t *testing.T) {
	hang := func(ctx context.Context, network, address string) (net.Conn, error) {
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	d := newTestDialer(t, Config{ConnectTimeout: 50 * time.Millisecond, Base: hang})
	_, err := d.DialContext(context.Background(), "tcp", "127.0.0.1:80")
	if !errors.Is(err, ErrConnectTimeout) {
		t.Fatalf("err = %v, want ErrConnectTimeout", err)
	}
	if s := d.Stats(); s.Timeouts != 1 || s.DialErrors != 1 || s.Open != 0 {
		t.Fatalf("Stats = %+v", s)
	}
	// The failed dial gave its slot back: HostConcurrency dials all proceed.
	rec := &recorder{}
	defer rec.close()
	d.cfg.Base = rec.dial
	for range DefaultHostConcurrency {
		c, err := d.DialContext(context.Background(), "tcp", "127.0.0.1:80")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
}
