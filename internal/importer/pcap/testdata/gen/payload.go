package main

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/miekg/dns"
)

// DHCP message types (RFC 2132 §9.6).
const (
	dhcpDiscover = 1
	dhcpOffer    = 2
	dhcpRequest  = 3
	dhcpAck      = 5
)

// androidParams is the parameter request list of Android 10's DHCP client.
var androidParams = []byte{1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114}

// dhcpMessage builds a BOOTP/DHCP message (RFC 2131 §2, RFC 2132). A
// client's message (op 1) carries the phone's identity options; a server's
// (op 2) assigns yiaddr.
func dhcpMessage(op, typ byte, xid uint32, mac [6]byte, ciaddr, yiaddr, requested netip.Addr, vendor, hostname string, server netip.Addr) []byte {
	b := make([]byte, 240, 400)
	b[0], b[1], b[2] = op, 1, 6 // Ethernet, 6-byte addresses
	binary.BigEndian.PutUint32(b[4:], xid)
	if ciaddr.IsValid() {
		copy(b[12:16], ciaddr.AsSlice())
	}
	if yiaddr.IsValid() {
		copy(b[16:20], yiaddr.AsSlice())
	}
	copy(b[28:34], mac[:])
	binary.BigEndian.PutUint32(b[236:], 0x63825363)
	opt := func(code byte, v []byte) { b = append(append(b, code, byte(len(v))), v...) }
	opt(53, []byte{typ})
	if op == 1 {
		opt(61, append([]byte{1}, mac[:]...))
		opt(57, []byte{0x05, 0xdc})
		if requested.IsValid() {
			opt(50, requested.AsSlice())
			opt(54, server.AsSlice())
		}
		opt(60, []byte(vendor))
		opt(12, []byte(hostname))
		opt(55, androidParams)
	} else {
		opt(54, server.AsSlice())
		opt(51, []byte{0, 0, 0x0e, 0x10})
		opt(1, []byte{255, 255, 0, 0})
		opt(3, server.AsSlice())
	}
	return append(b, 255)
}

// mdnsAnnouncement builds the unsolicited response a camera multicasts when
// it comes up (RFC 6762 §8.3, RFC 6763): its _http._tcp instance with SRV,
// TXT and address records, and the service type enumeration record.
func mdnsAnnouncement(instance, host string, addr netip.Addr, txt []string) ([]byte, error) {
	const ttl = 120
	hdr := func(name string, typ uint16, ttl uint32) dns.RR_Header {
		// Class IN with the cache-flush bit for unique records (§10.2).
		class := uint16(dns.ClassINET)
		if typ != dns.TypePTR {
			class |= 1 << 15
		}
		return dns.RR_Header{Name: name, Rrtype: typ, Class: class, Ttl: ttl}
	}
	svc := "_http._tcp.local."
	inst := dns.Fqdn(instance + "." + svc[:len(svc)-1])
	target := dns.Fqdn(host + ".local")
	m := &dns.Msg{MsgHdr: dns.MsgHdr{Response: true, Authoritative: true}}
	m.Answer = []dns.RR{
		&dns.PTR{Hdr: hdr("_services._dns-sd._udp.local.", dns.TypePTR, 4500), Ptr: svc},
		&dns.PTR{Hdr: hdr(svc, dns.TypePTR, 4500), Ptr: inst},
		&dns.SRV{Hdr: hdr(inst, dns.TypeSRV, ttl), Port: 80, Target: target},
		&dns.TXT{Hdr: hdr(inst, dns.TypeTXT, 4500), Txt: txt},
	}
	if addr.Is4() {
		m.Answer = append(m.Answer, &dns.A{Hdr: hdr(target, dns.TypeA, ttl), A: addr.AsSlice()})
	} else {
		m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(target, dns.TypeAAAA, ttl), AAAA: addr.AsSlice()})
	}
	b, err := m.Pack()
	if err != nil {
		return nil, fmt.Errorf("pack mDNS announcement: %w", err)
	}
	return b, nil
}

// ssdpNotify is a root device's ssdp:alive announcement (UPnP Device
// Architecture 2.0 §1.2.2), with a Hikvision camera's SERVER header.
func ssdpNotify(location, uuid string) []byte {
	return []byte("NOTIFY * HTTP/1.1\r\n" +
		"HOST: 239.255.255.250:1900\r\n" +
		"CACHE-CONTROL: max-age=1800\r\n" +
		"LOCATION: " + location + "\r\n" +
		"NT: upnp:rootdevice\r\n" +
		"NTS: ssdp:alive\r\n" +
		"SERVER: Linux/3.0.8, UPnP/1.0, Hikvision/1.0\r\n" +
		"USN: uuid:" + uuid + "::upnp:rootdevice\r\n" +
		"\r\n")
}

// ssdpResponse is a Dahua recorder's answer to an M-SEARCH (UDA 2.0
// §1.3.3).
func ssdpResponse(location string) []byte {
	return []byte("HTTP/1.1 200 OK\r\n" +
		"CACHE-CONTROL: max-age=1800\r\n" +
		"EXT:\r\n" +
		"LOCATION: " + location + "\r\n" +
		"SERVER: Linux/2.6 UPnP/1.0 Dahua/1.0\r\n" +
		"ST: upnp:rootdevice\r\n" +
		"USN: uuid:5f1a2b3c-0000-1000-8000-08eded000009::upnp:rootdevice\r\n" +
		"\r\n")
}

// sipRegister is an IP phone's REGISTER (RFC 3261 §10.2) over TCP.
func sipRegister(phone, registrar string, phonePort int) []byte {
	return fmt.Appendf(nil, "REGISTER sip:%[2]s SIP/2.0\r\n"+
		"Via: SIP/2.0/TCP %[1]s:%[3]d;branch=z9hG4bK776asdhds\r\n"+
		"Max-Forwards: 70\r\n"+
		"To: <sip:8001@%[2]s>\r\n"+
		"From: <sip:8001@%[2]s>;tag=a73kszlfl\r\n"+
		"Call-ID: 1j9FpLxk3uxtm8tn@%[1]s\r\n"+
		"CSeq: 1 REGISTER\r\n"+
		"Contact: <sip:8001@%[1]s:%[3]d;transport=tcp>\r\n"+
		"User-Agent: Huawei eSpace 7910 V200R003C00SPC700\r\n"+
		"Expires: 3600\r\n"+
		"Content-Length: 0\r\n"+
		"\r\n", phone, registrar, phonePort)
}

// sipOK is the softswitch's answer to a REGISTER.
func sipOK() []byte {
	return []byte("SIP/2.0 200 OK\r\n" +
		"Via: SIP/2.0/TCP " + sipPhoneIP + ";branch=z9hG4bK776asdhds\r\n" +
		"To: <sip:8001@" + registrarIP + ">;tag=37GkEhwl6\r\n" +
		"From: <sip:8001@" + registrarIP + ">;tag=a73kszlfl\r\n" +
		"Call-ID: 1j9FpLxk3uxtm8tn@" + sipPhoneIP + "\r\n" +
		"CSeq: 1 REGISTER\r\n" +
		"Server: Huawei SoftX3000 V300R010\r\n" +
		"Content-Length: 0\r\n" +
		"\r\n")
}
