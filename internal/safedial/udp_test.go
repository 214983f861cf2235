package safedial

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// UDP: the dial pays for the first datagram; each later one is paced.
func TestUDPDatagramsPaced(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(bytes.Repeat(buf[:n], 100), from) // amplified reply
		}
	}()
	clock := newFakeClock(true)
	d := newTestDialer(t, Config{HostRate: 4, MaxRead: 1000, Clock: clock})
	c, err := d.DialContext(context.Background(), "udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := clock.Now()
	for range 3 {
		if _, err := c.Write([]byte("M-SEARCH")); err != nil {
			t.Fatal(err)
		}
	}
	if got := clock.Now().Sub(start); got != 500*time.Millisecond {
		t.Fatalf("3 datagrams took %v of fake time, want 500ms (two paced sends)", got)
	}
	got, err := ReadCapped(c, 1<<20)
	if len(got) != 1000 || !errors.Is(err, ErrReadCap) {
		t.Fatalf("read %d bytes, %v; want the 1000-byte cap", len(got), err)
	}
	if s := d.Stats(); s.Datagrams != 2 || s.Dials != 1 || s.MaxHostPerSecond != 3 {
		t.Fatalf("Stats = %+v", s)
	}
}
