package wiretest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"

	"github.com/coveredtool/covered/internal/probe"
)

// UDPDevice is a fake UDP device: it answers each datagram with what respond
// returns for it and records the requests, until the test ends.
type UDPDevice struct {
	conn *net.UDPConn
	mu   sync.Mutex // guards reqs
	reqs [][]byte
}

// StartUDPDevice listens on ip (127.0.0.1 when nil) at an ephemeral port.
// A test that asks for another address (::1) is skipped where it cannot be
// bound.
func StartUDPDevice(t testing.TB, ip net.IP, respond func(req []byte) [][]byte) *UDPDevice {
	t.Helper()
	if ip == nil {
		ip = net.IPv4(127, 0, 0, 1)
	}
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip})
	if err != nil {
		if ip.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Fatalf("listen udp: %v", err)
		}
		t.Skipf("listen udp %s: %v", ip, err)
	}
	d := &UDPDevice{conn: conn}
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			req := bytes.Clone(buf[:n])
			d.mu.Lock()
			d.reqs = append(d.reqs, req)
			d.mu.Unlock()
			for _, out := range respond(req) {
				if _, err := conn.WriteToUDP(out, from); err != nil {
					return
				}
			}
		}
	})
	t.Cleanup(func() {
		conn.Close()
		wg.Wait()
	})
	return d
}

// Target is the device as a UDP probe target.
func (d *UDPDevice) Target() probe.Target {
	ap := d.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	return probe.Target{Addr: ap.Addr().Unmap(), Port: ap.Port(), Transport: "udp"}
}

// AddrPort is where the device listens.
func (d *UDPDevice) AddrPort() netip.AddrPort {
	ap := d.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// Requests returns the datagrams received so far.
func (d *UDPDevice) Requests() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.reqs...)
}

// Scoped dials only Allow, as the scanner's scoped dialer does, and records
// every dial it is asked for, so tests can prove a probe never reached
// another host.
type Scoped struct {
	Allow netip.Addr
	mu    sync.Mutex // guards dials
	dials []string
}

// DialContext implements probe.Dialer.
func (s *Scoped) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	s.mu.Lock()
	s.dials = append(s.dials, network+" "+address)
	s.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Addr().Unmap() != s.Allow {
		return nil, fmt.Errorf("dial %s: out of scope", address)
	}
	return (&net.Dialer{}).DialContext(ctx, network, address)
}

// Dials returns the dials asked for so far, as "network address".
func (s *Scoped) Dials() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.dials...)
}
