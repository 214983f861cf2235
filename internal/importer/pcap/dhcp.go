package pcap

import (
	"bytes"
	"net/netip"
	"strconv"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"
)

// DHCP message layout (RFC 2131 §2) and the options read (RFC 2132).
const (
	dhcpFixed    = 236 // op through file
	dhcpCookie   = 0x63825363
	optPad       = 0
	optHostname  = 12
	optRequested = 50
	optOverload  = 52
	optType      = 53
	optParams    = 55
	optVendor    = 60
	optEnd       = 255
	typeDecline  = 4
	typeAck      = 5
)

// dhcpOptions are the options of one message that the importer reads.
type dhcpOptions struct {
	typ       byte
	requested netip.Addr
	hostname  []byte
	vendor    []byte
	params    []byte
}

// dhcp reads one BOOTP/DHCP message. A client's message (op 1) tells its
// MAC, host name, vendor class and parameter request list: the vendor
// class is often the maker and model ("HUAWEI:android:ELE-L29"), the
// request list a fingerprint of its DHCP client. A server's DHCPACK ties
// the assigned address to the client's MAC.
func (r *reader) dhcp(p []byte, ts time.Time) error {
	if len(p) < dhcpFixed+4 || be32(p[dhcpFixed:]) != dhcpCookie {
		return nil
	}
	op, htype, hlen := p[0], p[1], p[2]
	mac := ""
	if htype == 1 && hlen == 6 {
		mac, _ = textfile.MACString([6]byte(p[28:34]))
	}
	var o dhcpOptions
	overload := o.parse(p[dhcpFixed+4:])
	if overload&1 != 0 {
		o.parse(p[108:236]) // file field holds options
	}
	if overload&2 != 0 {
		o.parse(p[44:108]) // sname field holds options
	}
	switch {
	case op == 2 && o.typ == typeAck:
		yiaddr := netip.AddrFrom4([4]byte(p[16:20]))
		if mac == "" || yiaddr.IsUnspecified() {
			return nil
		}
		return r.out.add(fact{host: yiaddr, mac: mac, key: "mac", val: mac, seen: ts})
	case op != 1 || o.typ == typeDecline:
		return nil // a declined address is someone else's
	}
	host := netip.AddrFrom4([4]byte(p[12:16])) // ciaddr
	if host.IsUnspecified() {
		host = o.requested
	}
	if host.IsValid() && (host.IsUnspecified() || host.IsMulticast() || host == netip.AddrFrom4([4]byte{255, 255, 255, 255})) {
		host = netip.Addr{}
	}
	if !host.IsValid() && mac == "" {
		return nil
	}
	client := fact{host: host, mac: mac, seen: ts}
	for _, kv := range [...]struct{ key, val string }{
		{"mac", mac},
		{"dhcp.hostname", string(bytes.TrimRight(o.hostname, "\x00"))},
		{"dhcp.vendor_class", string(bytes.TrimRight(o.vendor, "\x00"))},
		{"dhcp.param_list", paramList(o.params)},
	} {
		f := client
		f.key, f.val = kv.key, kv.val
		if err := r.out.add(f); err != nil {
			return err
		}
	}
	return nil
}

// parse reads an options field and returns the option overload value
// (RFC 2132 §9.3). An option split in several (RFC 3396) is joined.
func (o *dhcpOptions) parse(b []byte) (overload byte) {
	for len(b) > 0 {
		code := b[0]
		if code == optPad {
			b = b[1:]
			continue
		}
		if code == optEnd || len(b) < 2 || len(b) < 2+int(b[1]) {
			return overload
		}
		v := b[2 : 2+int(b[1])]
		b = b[2+len(v):]
		switch code {
		case optType:
			if len(v) == 1 {
				o.typ = v[0]
			}
		case optRequested:
			if len(v) == 4 {
				o.requested = netip.AddrFrom4([4]byte(v))
			}
		case optOverload:
			if len(v) == 1 {
				overload = v[0]
			}
		case optHostname:
			o.hostname = append(o.hostname, v...)
		case optVendor:
			o.vendor = append(o.vendor, v...)
		case optParams:
			o.params = append(o.params, v...)
		}
	}
	return overload
}

// paramList writes option 55 as the DHCP importers do: the requested option
// numbers in decimal, in the client's order, joined by ",".
func paramList(p []byte) string {
	if len(p) == 0 {
		return ""
	}
	b := make([]byte, 0, 4*len(p))
	for i, c := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(c), 10)
	}
	return string(b)
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
