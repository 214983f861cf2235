package pcap

import (
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/coveredtool/covered/internal/importer/textfile"
)

// reader turns the packets of one capture into facts.
type reader struct {
	out   *sink
	flows *flowTable

	// The layers every packet is decoded into, reused: decoding allocates
	// nothing per packet.
	eth  layers.Ethernet
	vlan layers.Dot1Q
	sll  layers.LinuxSLL
	sll2 layers.LinuxSLL2
	loop layers.Loopback
	ip4  layers.IPv4
	ip6  layers.IPv6
	tcp  layers.TCP
	udp  layers.UDP
	arp  layers.ARP

	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	scratch []byte // TLS handshake bytes of the stream being read
}

func newReader(out *sink) *reader {
	r := &reader{out: out, parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}}
	r.flows = newFlowTable(r.stream)
	return r
}

// firstLayer is the layer a link type starts with; zero for link types
// the importer does not read.
func firstLayer(link layers.LinkType, data []byte) gopacket.LayerType {
	switch link {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		// 12 and 14 are DLT_RAW as some platforms number it, found in
		// files written without libpcap's mapping to 101.
		if len(data) == 0 {
			return gopacket.LayerTypeZero
		}
		switch data[0] >> 4 {
		case 4:
			return layers.LayerTypeIPv4
		case 6:
			return layers.LayerTypeIPv6
		}
	}
	return gopacket.LayerTypeZero
}

// parser returns the decoder of packets starting with layer first.
func (r *reader) parser(first gopacket.LayerType) *gopacket.DecodingLayerParser {
	p := r.parsers[first]
	if p == nil {
		p = gopacket.NewDecodingLayerParser(first, &r.eth, &r.vlan, &r.sll, &r.sll2, &r.loop, &r.ip4, &r.ip6, &r.tcp, &r.udp, &r.arp)
		p.IgnoreUnsupported = true // stop quietly at ICMP, fragments, IPsec...
		r.parsers[first] = p
	}
	return p
}

// packet reads one captured frame. Frames that do not decode are skipped:
// captures are full of them, and they say nothing about the file.
func (r *reader) packet(link layers.LinkType, data []byte, ts time.Time) error {
	first := firstLayer(link, data)
	if first == gopacket.LayerTypeZero {
		return nil
	}
	p := r.parser(first)
	r.decoded = r.decoded[:0]
	_ = p.DecodeLayers(data, &r.decoded) // what decoded before an error is still good
	var src, dst netip.Addr
	for _, lt := range r.decoded {
		switch lt {
		case layers.LayerTypeARP:
			return r.arpPacket(ts)
		case layers.LayerTypeIPv4:
			src, _ = netip.AddrFromSlice(r.ip4.SrcIP)
			dst, _ = netip.AddrFromSlice(r.ip4.DstIP)
		case layers.LayerTypeIPv6:
			src, _ = netip.AddrFromSlice(r.ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(r.ip6.DstIP)
		case layers.LayerTypeTCP:
			if !src.IsValid() || !dst.IsValid() {
				return nil
			}
			return r.flows.segment(seg{
				src: netip.AddrPortFrom(src.Unmap(), uint16(r.tcp.SrcPort)),
				dst: netip.AddrPortFrom(dst.Unmap(), uint16(r.tcp.DstPort)),
				seq: r.tcp.Seq, syn: r.tcp.SYN, fin: r.tcp.FIN, rst: r.tcp.RST,
				payload: r.tcp.Payload, cut: p.Truncated, ts: ts,
			})
		case layers.LayerTypeUDP:
			if !src.IsValid() || !dst.IsValid() {
				return nil
			}
			return r.datagram(netip.AddrPortFrom(src.Unmap(), uint16(r.udp.SrcPort)),
				netip.AddrPortFrom(dst.Unmap(), uint16(r.udp.DstPort)), r.udp.Payload, ts)
		}
	}
	return nil
}

// arpPacket reports the sender of an Ethernet/IPv4 ARP request or reply:
// the one place a capture ties a MAC to an address by that host's own
// word. Probes (sender 0.0.0.0) name no address yet.
func (r *reader) arpPacket(ts time.Time) error {
	a := &r.arp
	if a.AddrType != layers.LinkTypeEthernet || a.Protocol != layers.EthernetTypeIPv4 ||
		len(a.SourceHwAddress) != 6 || len(a.SourceProtAddress) != 4 {
		return nil
	}
	ip := netip.AddrFrom4([4]byte(a.SourceProtAddress))
	if ip.IsUnspecified() {
		return nil
	}
	mac, ok := textfile.MACString([6]byte(a.SourceHwAddress))
	if !ok {
		return nil
	}
	return r.out.add(fact{host: ip, mac: mac, key: "mac", val: mac, seen: ts})
}

// flush reads the connections still open at the end of the capture.
func (r *reader) flush() error { return r.flows.flush() }
