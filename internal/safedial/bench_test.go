package safedial

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLoopbackRate dials real loopback listeners through the Dialer
// as fast as workers can, and reports the achieved rate and the observed
// 1-second-window maxima next to the configured limits. This is where real
// time is measured; unit tests assert pacing on a fake clock. Use
// -benchtime=3s or more so the windows fill:
//
//	go test -run - -bench LoopbackRate -benchtime 3s ./internal/safedial/
func BenchmarkLoopbackRate(b *testing.B) {
	cases := []struct {
		hosts          int
		rate, hostRate float64
	}{
		{1, 1000, 100},    // bound by the per-host rate
		{16, 1000, 100},   // bound by the global rate
		{64, 1000, 40},    // the defaults
		{64, 4000, 100},   // a faster scan
		{128, 10000, 100}, // the /16 scale run's --rate 10000
	}
	for _, bc := range cases {
		b.Run(fmt.Sprintf("hosts=%d/rate=%v/host-rate=%v", bc.hosts, bc.rate, bc.hostRate), func(b *testing.B) {
			addrs := make([]string, bc.hosts)
			for i := range addrs {
				addrs[i] = acceptAndClose(b, fmt.Sprintf("127.0.%d.%d:0", (i+1)/256, (i+1)%256))
			}
			// Time each connect, to tell the kernel's delays from the
			// dialer's pacing.
			var slowest atomic.Int64
			var base net.Dialer
			timed := func(ctx context.Context, network, address string) (net.Conn, error) {
				t0 := time.Now()
				c, err := base.DialContext(ctx, network, address)
				for took := int64(time.Since(t0)); ; {
					cur := slowest.Load()
					if took <= cur || slowest.CompareAndSwap(cur, took) {
						break
					}
				}
				return c, err
			}
			d := newTestDialer(b, Config{Rate: bc.rate, HostRate: bc.hostRate, Base: timed})
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range bc.hosts * DefaultHostConcurrency {
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						c, err := d.DialContext(context.Background(), "tcp", addrs[i%int64(len(addrs))])
						if err != nil {
							b.Error(err)
							return
						}
						c.Close()
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			s := d.Stats()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "dials/s")
			b.ReportMetric(bc.rate, "cfg-rate")
			b.ReportMetric(float64(s.MaxPerSecond), "max-1s")
			b.ReportMetric(bc.hostRate, "cfg-host-rate")
			b.ReportMetric(float64(s.MaxHostPerSecond), "max-host-1s")
			b.ReportMetric(float64(slowest.Load())/1e6, "slowest-connect-ms")
		})
	}
}

// acceptAndClose runs a listener that closes each connection once the
// client has. The client closing first keeps TIME_WAIT on its side, where
// the kernel's port choice accounts for it; a server that closes first
// leaves TIME_WAIT entries a later SYN can collide with, costing a 1 s SYN
// retransmission that would be measured as a slow dialer.
func acceptAndClose(b *testing.B, addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		b.Fatalf("listen %s: %v", addr, err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, c)
				c.Close()
			}()
		}
	}()
	return ln.Addr().String()
}
