package broadcast

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"golang.org/x/net/ipv4"
)

// Interface is one network interface discovery runs on.
type Interface struct {
	Name  string
	Index int
	// Prefix is the interface's first IPv4 address with its subnet mask;
	// requests leave from Prefix.Addr(), and with no targets the subnet is
	// the scope.
	Prefix netip.Prefix
}

// Broadcast is the subnet's directed broadcast address (all host bits set).
func (i Interface) Broadcast() netip.Addr {
	a := i.Prefix.Masked().Addr().As4()
	bits := i.Prefix.Bits()
	for b := bits; b < 32; b++ {
		a[b/8] |= 0x80 >> (b % 8)
	}
	return netip.AddrFrom4(a)
}

// Interfaces returns the named interfaces, or with no names every
// interface that is up, not loopback, multicast-capable and holds an IPv4
// address: the segments the machine is on. A named interface that is
// missing, down or has no IPv4 address is an error, so a typo never turns
// into discovery on nothing.
func Interfaces(names []string) ([]Interface, error) {
	var list []net.Interface
	if len(names) == 0 {
		all, err := net.Interfaces()
		if err != nil {
			return nil, fmt.Errorf("broadcast: list interfaces: %w", err)
		}
		for _, ifi := range all {
			if ifi.Flags&net.FlagUp != 0 && ifi.Flags&net.FlagLoopback == 0 && ifi.Flags&net.FlagMulticast != 0 {
				list = append(list, ifi)
			}
		}
	} else {
		for _, n := range names {
			ifi, err := net.InterfaceByName(n)
			if err != nil {
				return nil, fmt.Errorf("broadcast: interface %q: %w", n, err)
			}
			if ifi.Flags&net.FlagUp == 0 {
				return nil, fmt.Errorf("broadcast: interface %q is down", n)
			}
			list = append(list, *ifi)
		}
	}
	var out []Interface
	for _, ifi := range list {
		p, ok := ipv4Prefix(ifi)
		if !ok {
			if len(names) > 0 {
				return nil, fmt.Errorf("broadcast: interface %q has no IPv4 address", ifi.Name)
			}
			continue
		}
		out = append(out, Interface{Name: ifi.Name, Index: ifi.Index, Prefix: p})
	}
	return out, nil
}

// ipv4Prefix is the interface's first IPv4 address and mask.
func ipv4Prefix(ifi net.Interface) (netip.Prefix, bool) {
	addrs, err := ifi.Addrs()
	if err != nil {
		return netip.Prefix{}, false
	}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() == nil {
			continue
		}
		ip, _ := netip.AddrFromSlice(ipn.IP.To4())
		ones, _ := ipn.Mask.Size()
		return netip.PrefixFrom(ip, ones), true
	}
	return netip.Prefix{}, false
}

// listen opens the socket one protocol's request leaves from on ifi: bound
// to the interface's address (so replies come back to it and the kernel
// routes the limited or directed broadcast out of this interface), with
// SO_BROADCAST for DHIP, and multicast pinned to the interface with TTL 1
// (never past the first router) and loopback off (we must not hear our
// own request, nor make local responders answer it).
func listen(ctx context.Context, ifi Interface) (*ipv4.PacketConn, net.PacketConn, error) {
	lc := net.ListenConfig{Control: allowBroadcast}
	pc, err := lc.ListenPacket(ctx, "udp4", netip.AddrPortFrom(ifi.Prefix.Addr(), 0).String())
	if err != nil {
		return nil, nil, fmt.Errorf("broadcast: listen on %s: %w", ifi.Name, err)
	}
	p := ipv4.NewPacketConn(pc)
	nif := &net.Interface{Index: ifi.Index, Name: ifi.Name}
	for _, set := range []func() error{
		func() error { return p.SetMulticastInterface(nif) },
		func() error { return p.SetMulticastTTL(1) },
		func() error { return p.SetMulticastLoopback(false) },
	} {
		if err := set(); err != nil {
			pc.Close()
			return nil, nil, fmt.Errorf("broadcast: socket options on %s: %w", ifi.Name, err)
		}
	}
	return p, pc, nil
}
