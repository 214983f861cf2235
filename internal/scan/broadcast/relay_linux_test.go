//go:build linux

package broadcast

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"github.com/coveredtool/covered/internal/lab"
)

// startRelay opens, inside the lab's namespace, one socket per protocol on
// its multicast group (joined on the first device interface, mv0) or on
// the subnet broadcast address, and relays each distinct request to every
// device that serves the port, answering from the device's own address.
// The sockets close when the test ends.
func startRelay(t *testing.T, devs []lab.Device, subnet netip.Prefix) {
	t.Helper()
	ns := labNamespace(t, devs[0].Addr)
	bcast := Interface{Prefix: subnet}.Broadcast()
	var conns []net.PacketConn
	closeAll := func() {
		for _, c := range conns {
			c.Close()
		}
	}
	t.Cleanup(closeAll)
	var ls []listener
	err := inNetns(ns, func() error {
		mv0, err := net.InterfaceByName("mv0")
		if err != nil {
			return err
		}
		for _, p := range protocols {
			at := p.Group
			if !at.IsValid() {
				at = bcast
			}
			c, err := bindExact(netip.AddrPortFrom(at, p.Port))
			if err != nil {
				return err
			}
			conns = append(conns, c)
			if p.Group.IsValid() {
				if err := ipv4.NewPacketConn(c).JoinGroup(mv0, &net.UDPAddr{IP: p.Group.AsSlice()}); err != nil {
					return err
				}
			}
			l := listener{conn: c, port: p.Port, fwd: map[netip.Addr]net.PacketConn{}}
			for _, d := range devs {
				for _, dp := range d.Ports {
					if dp.Number == p.Port && dp.Transport == "udp" {
						f, err := net.ListenPacket("udp4", netip.AddrPortFrom(d.Addr, 0).String())
						if err != nil {
							return err
						}
						conns = append(conns, f)
						l.fwd[d.Addr] = f
					}
				}
			}
			ls = append(ls, l)
		}
		return nil
	})
	if err != nil {
		closeAll()
		t.Fatalf("relay in the lab namespace: %v", err)
	}
	for _, l := range ls {
		go l.serve()
	}
}

// bindExact opens a UDP socket bound to exactly ap. net.ListenPacket
// would bind a multicast address as the wildcard (0.0.0.0:port), which
// conflicts with the devices holding that port on their own addresses.
func bindExact(ap netip.AddrPort) (net.PacketConn, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind %s: %w", ap, err)
	}
	f := os.NewFile(uintptr(fd), ap.String())
	defer f.Close()
	return net.FilePacketConn(f)
}

// listener is one relay socket and, per device serving its port, a socket
// bound to the device's address.
type listener struct {
	conn net.PacketConn
	port uint16
	fwd  map[netip.Addr]net.PacketConn
}

// serve relays until the listening socket closes. A broadcast reaches the
// namespace once per interface, so repeats of a request within a second are dropped.
func (l listener) serve() {
	seen := map[string]time.Time{} // request → when last relayed
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := l.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		req := string(buf[:n])
		if time.Since(seen[req]) < time.Second {
			continue
		}
		seen[req] = time.Now()
		var wg sync.WaitGroup
		for addr, f := range l.fwd {
			wg.Go(func() { relay(f, netip.AddrPortFrom(addr, l.port), from, []byte(req)) })
		}
		wg.Wait()
	}
}

// relay asks the device at dev by unicast and sends its answer to from.
func relay(f net.PacketConn, dev netip.AddrPort, from net.Addr, req []byte) {
	if _, err := f.WriteTo(req, net.UDPAddrFromAddrPort(dev)); err != nil {
		return
	}
	_ = f.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	buf := make([]byte, maxDatagram)
	n, _, err := f.ReadFrom(buf)
	if err != nil {
		return
	}
	_, _ = f.WriteTo(buf[:n], from)
}
