package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

var (
	routerMAC    = [6]byte{0x00, 0x1e, 0x10, 0x00, 0x00, 0xfe} // the gateway, 127.90.0.254
	tabletMAC    = [6]byte{0x00, 0x4b, 0x0d, 0x77, 0x88, 0x99} // 00:4B:0D Huawei Device Co., Ltd.
	broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

// frame is one synthetic packet on an interface of the file.
type frame struct {
	iface int
	note  string
	data  []byte
	cut   int // bytes captured when smaller than the frame (snaplen)
}

// synth writes the frames loopback cannot carry to file, one interface per
// link type: Ethernet (ARP, 802.1Q), BSD loopback (IPv6) and raw IPv4.
func synth(file string) error {
	frames, err := frames()
	if err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := pcapgo.NewNgWriterInterface(f, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 262144},
		pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "covered pcap testdata/gen synth"}})
	if err != nil {
		return err
	}
	for _, intf := range []pcapgo.NgInterface{
		{Name: "lo0", LinkType: layers.LinkTypeNull, SnapLength: 262144},
		{Name: "tun0", LinkType: layers.LinkTypeRaw, SnapLength: 262144},
	} {
		if _, err := w.AddInterface(intf); err != nil {
			return err
		}
	}
	base := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for i, fr := range frames {
		data := fr.data
		if fr.cut > 0 {
			data = data[:fr.cut]
		}
		ci := gopacket.CaptureInfo{Timestamp: base.Add(time.Duration(i) * time.Second), CaptureLength: len(data), Length: len(fr.data), InterfaceIndex: fr.iface}
		if err := w.WritePacket(ci, data); err != nil {
			return fmt.Errorf("frame %d (%s): %w", i, fr.note, err)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func frames() ([]frame, error) {
	var out []frame
	add := func(iface int, note string, cut int, l ...gopacket.SerializableLayer) error {
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, l...); err != nil {
			return fmt.Errorf("%s: %w", note, err)
		}
		out = append(out, frame{iface: iface, note: note, data: append([]byte(nil), buf.Bytes()...), cut: cut})
		return nil
	}
	phone, camera, router := netip.MustParseAddr(phoneIP), netip.MustParseAddr(cameraIP), netip.MustParseAddr(dhcpIP)
	arp := func(op uint16, smac [6]byte, sip netip.Addr, tmac [6]byte, tip netip.Addr) *layers.ARP {
		return &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation: op, SourceHwAddress: smac[:], SourceProtAddress: sip.AsSlice(), DstHwAddress: tmac[:], DstProtAddress: tip.AsSlice()}
	}
	eth := func(src, dst [6]byte, typ layers.EthernetType) *layers.Ethernet {
		return &layers.Ethernet{SrcMAC: net.HardwareAddr(src[:]), DstMAC: net.HardwareAddr(dst[:]), EthernetType: typ}
	}
	zero := [6]byte{}
	unspecified := netip.IPv4Unspecified()
	steps := []error{
		add(0, "ARP request from the phone", 0, eth(phoneMAC, broadcastMAC, layers.EthernetTypeARP),
			arp(layers.ARPRequest, phoneMAC, phone, zero, router)),
		add(0, "ARP reply from the gateway", 0, eth(routerMAC, phoneMAC, layers.EthernetTypeARP),
			arp(layers.ARPReply, routerMAC, router, phoneMAC, phone)),
		add(0, "gratuitous ARP from the camera", 0, eth(cameraMAC, broadcastMAC, layers.EthernetTypeARP),
			arp(layers.ARPRequest, cameraMAC, camera, zero, camera)),
		add(0, "ARP probe (RFC 5227): no address yet, not reported", 0, eth(tabletMAC, broadcastMAC, layers.EthernetTypeARP),
			arp(layers.ARPRequest, tabletMAC, unspecified, zero, netip.MustParseAddr("127.90.0.80"))),
	}
	// A tablet's DHCPDISCOVER on VLAN 20: no address yet, so its MAC is
	// its Host.
	discover := dhcpMessage(1, dhcpDiscover, 0x11223344, tabletMAC, netip.Addr{}, netip.Addr{}, netip.Addr{}, "HUAWEI:android:BAH3-W09", "HUAWEI_MatePad-778899", router)
	steps = append(steps, add(0, "DHCPDISCOVER on VLAN 20", 0, eth(tabletMAC, broadcastMAC, layers.EthernetTypeDot1Q),
		&layers.Dot1Q{VLANIdentifier: 20, Type: layers.EthernetTypeIPv4},
		ip4(netip.MustParseAddr("127.90.0.80"), router, layers.IPProtocolUDP), udp(68, 67, ip4(netip.MustParseAddr("127.90.0.80"), router, layers.IPProtocolUDP)), gopacket.Payload(discover)))
	// A request from a remote host, routed: the frame's source MAC is the
	// gateway's and must not become the remote host's.
	remote := netip.MustParseAddr("127.90.9.9")
	req := []byte("GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: 127.90.0.60\r\nUser-Agent: HikCentral/2.3.1\r\n\r\n")
	steps = append(steps, add(0, "routed HTTP request", 0, eth(routerMAC, cameraMAC, layers.EthernetTypeIPv4),
		ip4(remote, camera, layers.IPProtocolTCP), tcp(40000, 80, 1000, true, ip4(remote, camera, layers.IPProtocolTCP)), gopacket.Payload(req)))
	// Damaged frames: an IPv4 header that claims options it lacks, and a
	// TCP segment the snaplen cut inside its header. Both are skipped.
	bad := eth(phoneMAC, routerMAC, layers.EthernetTypeIPv4)
	steps = append(steps, add(0, "IPv4 header cut short", 0, bad, gopacket.Payload([]byte{0x4f, 0, 0, 60, 0, 0, 0, 0, 64, 6, 0, 0, 127, 90, 0, 50, 127, 90, 0, 254})))
	steps = append(steps, add(0, "TCP header cut by the snaplen", 14+20+10, eth(phoneMAC, routerMAC, layers.EthernetTypeIPv4),
		ip4(phone, router, layers.IPProtocolTCP), tcp(40001, 80, 1, true, ip4(phone, router, layers.IPProtocolTCP)), gopacket.Payload(req)))

	// BSD loopback, IPv6: a Huawei tablet's mDNS announcement.
	loop6 := netip.IPv6Loopback()
	ann, err := mdnsAnnouncement("HUAWEI MatePad Pro", "HUAWEI-MatePad-Pro", loop6, []string{"model=MRX-W09", "manufacturer=HUAWEI"})
	if err != nil {
		return nil, err
	}
	v6 := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolUDP, HopLimit: 255, SrcIP: loop6.AsSlice(), DstIP: loop6.AsSlice()}
	u6 := &layers.UDP{SrcPort: 5353, DstPort: 5353}
	if err := u6.SetNetworkLayerForChecksum(v6); err != nil {
		return nil, err
	}
	steps = append(steps, add(1, "mDNS over IPv6 on BSD loopback", 0, &layers.Loopback{Family: layers.ProtocolFamilyIPv6Darwin}, v6, u6, gopacket.Payload(ann)))

	// Raw IPv4: a Dahua recorder answering an M-SEARCH.
	nvr := netip.MustParseAddr("127.90.0.90")
	steps = append(steps, add(2, "SSDP search response on raw IPv4", 0, ip4(nvr, phone, layers.IPProtocolUDP),
		udp(1900, 50000, ip4(nvr, phone, layers.IPProtocolUDP)), gopacket.Payload(ssdpResponse("http://127.90.0.90:80/upnp.xml"))))
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func ip4(src, dst netip.Addr, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
}

func udp(sport, dport layers.UDPPort, ip *layers.IPv4) *layers.UDP {
	u := &layers.UDP{SrcPort: sport, DstPort: dport}
	_ = u.SetNetworkLayerForChecksum(ip) // an IPv4 layer is always accepted
	return u
}

func tcp(sport, dport layers.TCPPort, seq uint32, push bool, ip *layers.IPv4) *layers.TCP {
	t := &layers.TCP{SrcPort: sport, DstPort: dport, Seq: seq, ACK: true, PSH: push, Window: 65535}
	_ = t.SetNetworkLayerForChecksum(ip)
	return t
}
