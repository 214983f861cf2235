package pcap

import (
	"bytes"
	"compress/gzip"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/miekg/dns"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe/httpprobe"
)

func TestStartKind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want kind
		sure bool
	}{
		{"GET / HTTP/1.1\r\n", kindHTTPRequest, true},
		{"M-SEARCH * HTTP/1.1\r\n", kindHTTPRequest, true},
		{"DESCRIBE rtsp://x/ RTSP/1.0\r\n", kindRTSPRequest, true},
		{"REGISTER sip:x SIP/2.0\r\n", kindSIP, true},
		{"HTTP/1.0 200 OK\r\n", kindHTTPResponse, true},
		{"RTSP/1.0 401 Unauthorized\r\n", kindRTSPResponse, true},
		{"SIP/2.0 200 OK\r\n", kindSIP, true},
		{"\x16\x03\x01\x02\x00", kindTLS, true},
		{"\x16\x03", kindNone, false},
		{"HTTP/1", kindNone, false},
		{"GET / HT", kindNone, false},
		{"PRI * HTTP/2.0\r\n", kindNone, true},
		{"SSH-2.0-OpenSSH_9.2\r\n", kindNone, true},
		{"EHLO mail\r\n", kindNone, true},
		{"get / HTTP/1.1\r\n", kindNone, true},
		{"\x00\x00\x00\x10", kindNone, true},
		{"\x16\x02\x00", kindNone, true},
	} {
		k, sure := startKind([]byte(tc.in))
		if k != tc.want || sure != tc.sure {
			t.Errorf("startKind(%q) = %v, %v; want %v, %v", tc.in, k, sure, tc.want, tc.sure)
		}
	}
}

func TestSplitMessages(t *testing.T) {
	never := func(int, *message) bool { return false }
	zipped := func(s string) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(s))
		_ = zw.Close()
		return b.String()
	}
	gz := zipped("<title>Zipped</title>")
	for _, tc := range []struct {
		name   string
		in     string
		noBody func(int, *message) bool
		bodies []string // decoded bodies of the messages found
	}{
		{"pipelined requests", "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\n\r\n", never, []string{"", "abc", ""}},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", never, []string{"hello world", ""}},
		{"chunked and cut", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nhello", never, []string{"hello"}},
		{"HEAD answered", "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", func(n int, _ *message) bool { return n == 0 }, []string{"", "no"}},
		{"until the close", "HTTP/1.0 200 OK\r\n\r\nbody and more", never, []string{"body and more"}},
		{"RTSP without length", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\nRTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\n\r\n", never, []string{"", ""}},
		{"gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + strconv.Itoa(len(gz)) + "\r\n\r\n" + gz, never, []string{"<title>Zipped</title>"}},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx", never, []string{""}},
		{"no blank line", "HTTP/1.1 200 OK\r\nServer: x\r\n", never, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := splitMessages([]byte(tc.in), tc.noBody)
			var got []string
			for _, m := range msgs {
				got = append(got, string(decoded(&m, maxStream)))
			}
			if strings.Join(got, "|") != strings.Join(tc.bodies, "|") || len(got) != len(tc.bodies) {
				t.Errorf("bodies %q, want %q", got, tc.bodies)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<html><head><TITLE>\n\tWeb  Service\n</TITLE>", "Web Service"},
		{"<titlebar>x</titlebar><title id=t>F660</title>", "F660"},
		{"<title>AT&amp;T</title>", "AT&T"},
		{"<title>never closed", ""},
		{"no title", ""},
	} {
		if got := httpprobe.Title([]byte(tc.in)); got != tc.want {
			t.Errorf("Title(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := httpprobe.Title([]byte("<title>" + strings.Repeat("a", 2*httpprobe.MaxTitle) + "</title>")); len(got) != httpprobe.MaxTitle {
		t.Errorf("a long title gives %d bytes, want %d", len(got), httpprobe.MaxTitle)
	}
}

func TestServerName(t *testing.T) {
	hello := clientHello("camera.example.net")[5+4:] // the ClientHello body
	if got := serverName(hello); got != "camera.example.net" {
		t.Errorf("serverName = %q", got)
	}
	for n := range len(hello) {
		if got := serverName(hello[:n]); got != "" {
			t.Errorf("serverName of %d of %d bytes = %q", n, len(hello), got)
		}
	}
}

// TestRedact checks that a SIM's identifiers in a device page are blanked
// as the HTTP probe blanks them.
func TestRedact(t *testing.T) {
	in := "<response><DeviceName>E5577</DeviceName><Imsi>460001234567890</Imsi><Msisdn>+8613800000000</Msisdn></response>"
	want := "<response><DeviceName>E5577</DeviceName><Imsi>REDACTED</Imsi><Msisdn>REDACTED</Msisdn></response>"
	if got := redact(in); got != want {
		t.Errorf("redact = %q", got)
	}
	in = "HTTP/1.1 200 OK\r\nset-cookie: webvpnlogin=1d7a9f; path=/; secure\r\nSet-Cookie: SID=s3cr3t\r\n\r\n"
	want = "HTTP/1.1 200 OK\r\nset-cookie: webvpnlogin=REDACTED; path=/; secure\r\nSet-Cookie: SID=REDACTED\r\n\r\n"
	if got := redact(in); got != want {
		t.Errorf("redact = %q", got)
	}
}

// facts runs one datagram through a reader and returns what it emitted.
func facts(t *testing.T, src, dst string, p []byte) []covered.Observation {
	t.Helper()
	var obs []covered.Observation
	r := newReader(newSink("import:pcap", seen, func(o covered.Observation) error { obs = append(obs, o); return nil }))
	if err := r.datagram(netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst), p, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return obs
}

func keyValues(obs []covered.Observation) string {
	var out []string
	for _, o := range obs {
		out = append(out, o.Host+" "+o.Key+"="+o.Value)
	}
	return strings.Join(out, "\n")
}

func TestDHCP(t *testing.T) {
	base := func(op byte) []byte {
		b := make([]byte, 240)
		b[0], b[1], b[2] = op, 1, 6
		copy(b[28:], []byte{0x00, 0x56, 0x6d, 1, 2, 3})
		copy(b[236:], []byte{0x63, 0x82, 0x53, 0x63})
		return b
	}
	// Options overloaded into the file field (RFC 2132 §9.3), a vendor
	// class split in two (RFC 3396) and a host name with a NUL.
	over := base(1)
	copy(over[108:], []byte{60, 7, 'H', 'U', 'A', 'W', 'E', 'I', ':', 12, 4, 'p', 'h', '1', 0, 255})
	over = append(over, 53, 1, 1, 52, 1, 1, 60, 7, 'a', 'n', 'd', 'r', 'o', 'i', 'd', 255)
	decline := append(base(1), 53, 1, 4, 50, 4, 127, 90, 0, 99, 60, 3, 'x', 'y', 'z', 255)
	ack := append(base(2), 53, 1, 5, 255)
	copy(ack[16:], []byte{127, 90, 0, 51})
	for _, tc := range []struct {
		name string
		p    []byte
		want string
	}{
		{"overloaded", over, "00:56:6d:01:02:03 mac=00:56:6d:01:02:03\n00:56:6d:01:02:03 dhcp.hostname=ph1\n00:56:6d:01:02:03 dhcp.vendor_class=androidHUAWEI:"},
		{"decline", decline, ""},
		{"ack", ack, "127.90.0.51 mac=00:56:6d:01:02:03"},
		{"no cookie", base(1)[:236], ""},
	} {
		if got := keyValues(facts(t, "127.90.0.51:68", "127.90.0.254:67", tc.p)); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

func TestMDNS(t *testing.T) {
	pack := func(m *dns.Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	resp := &dns.Msg{MsgHdr: dns.MsgHdr{Response: true}}
	inst := "Cam\\.1 (HIKVISION)._http._tcp.local."
	resp.Answer = []dns.RR{
		&dns.PTR{Hdr: dns.RR_Header{Name: "_http._tcp.local.", Rrtype: dns.TypePTR, Class: dns.ClassINET}, Ptr: inst},
		&dns.TXT{Hdr: dns.RR_Header{Name: inst, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{"", "a=b;c", "model=DS-2CD"}},
		&dns.PTR{Hdr: dns.RR_Header{Name: "60.0.90.127.in-addr.arpa.", Rrtype: dns.TypePTR, Class: dns.ClassINET}, Ptr: "cam.local."},
		&dns.A{Hdr: dns.RR_Header{Name: "cam.local.", Rrtype: dns.TypeA, Class: dns.ClassINET}, A: []byte{127, 90, 0, 60}},
		&dns.A{Hdr: dns.RR_Header{Name: "www.example.com.", Rrtype: dns.TypeA, Class: dns.ClassINET}, A: []byte{127, 90, 0, 60}},
	}
	query := &dns.Msg{}
	query.Question = []dns.Question{{Name: "_http._tcp.local.", Qtype: dns.TypePTR, Qclass: dns.ClassINET}}
	query.Answer = resp.Answer[:1] // a known answer: someone else's
	want := "127.90.0.60 mdns.service=_http._tcp.local\n127.90.0.60 mdns.service=Cam.1 (HIKVISION)._http._tcp.local\n" +
		"127.90.0.60 mdns.txt=a=b;c;model=DS-2CD\n127.90.0.60 hostname=cam"
	if got := keyValues(facts(t, "127.90.0.60:5353", "127.90.0.50:5353", pack(resp))); got != want {
		t.Errorf("response:\n%s\nwant\n%s", got, want)
	}
	if got := facts(t, "127.90.0.50:5353", "127.90.0.60:5353", pack(query)); len(got) != 0 {
		t.Errorf("a query gave %v", got)
	}
}

func TestSSDPAndSIP(t *testing.T) {
	for _, tc := range []struct {
		name, src, dst, p, want string
	}{
		{"search request", "127.90.0.50:50000", "127.90.0.60:1900", "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\nUSER-AGENT: Android/10 UPnP/1.1 x/1\r\n\r\n", ""},
		{"not SSDP", "127.90.0.60:1900", "127.90.0.50:50000", "\x00\x01garbage", ""},
		{"SIP request from an ephemeral port", "127.90.0.70:41000", "127.90.0.71:5060", "INVITE sip:8002@x SIP/2.0\r\nUser-Agent: Grandstream GXP1625\r\n\r\n", "127.90.0.70 sip.header.user_agent=Grandstream GXP1625"},
		{"SIP on another port", "127.90.0.71:5080", "127.90.0.70:41000", "SIP/2.0 180 Ringing\r\nServer: Huawei SoftX3000 V300R010\r\n\r\n", "127.90.0.71 sip.header.server=Huawei SoftX3000 V300R010"},
	} {
		obs := facts(t, tc.src, tc.dst, []byte(tc.p))
		if got := keyValues(obs); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		for _, o := range obs {
			if strings.HasPrefix(tc.name, "SIP request") && o.Port != 0 {
				t.Errorf("%s: a client's ephemeral port reported: %+v", tc.name, o)
			}
			if strings.HasPrefix(tc.name, "SIP on") && (o.Port != 5080 || o.Transport != "udp") {
				t.Errorf("%s: port %d/%s, want 5080/udp", tc.name, o.Port, o.Transport)
			}
		}
	}
}

// TestLinkTypes reads one SSDP announcement framed in every link type the
// importer takes, and checks that the others are skipped.
func TestLinkTypes(t *testing.T) {
	notify := []byte("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:alive\r\nSERVER: Linux/3.0.8, UPnP/1.0, Hikvision/1.0\r\n\r\n")
	ipPacket := func(v6 bool) []byte {
		buf := gopacket.NewSerializeBuffer()
		u := &layers.UDP{SrcPort: 1900, DstPort: 1900}
		var ip gopacket.SerializableLayer
		if v6 {
			l := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolUDP, HopLimit: 1, SrcIP: net.IPv6loopback, DstIP: net.IPv6loopback}
			_ = u.SetNetworkLayerForChecksum(l)
			ip = l
		} else {
			l := &layers.IPv4{Version: 4, IHL: 5, TTL: 1, Protocol: layers.IPProtocolUDP, SrcIP: net.IP{127, 90, 0, 60}, DstIP: net.IP{127, 90, 0, 50}}
			_ = u.SetNetworkLayerForChecksum(l)
			ip = l
		}
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, u, gopacket.Payload(notify)); err != nil {
			t.Fatal(err)
		}
		return bytes.Clone(buf.Bytes())
	}
	v4, v6 := ipPacket(false), ipPacket(true)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	eth := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x04, 0xee, 0xcd, 0x33, 0x44, 0x55}
	sll := []byte{0, 4, 0, 1, 0, 6, 0x04, 0xee, 0xcd, 0x33, 0x44, 0x55, 0, 0}
	sll2 := []byte{0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 0x04, 0xee, 0xcd, 0x33, 0x44, 0x55, 0, 0}
	for _, tc := range []struct {
		name string
		link layers.LinkType
		data []byte
		host string // "" when the frame must be skipped
	}{
		{"Ethernet", layers.LinkTypeEthernet, cat(eth, []byte{0x08, 0x00}, v4), "127.90.0.60"},
		{"Ethernet 802.1Q in 802.1ad", layers.LinkTypeEthernet, cat(eth, []byte{0x81, 0x00, 0, 10, 0x81, 0x00, 0, 20, 0x86, 0xdd}, v6), "::1"},
		{"Linux SLL", layers.LinkTypeLinuxSLL, cat(sll, []byte{0x08, 0x00}, v4), "127.90.0.60"},
		{"Linux SLL2", layers.LinkTypeLinuxSLL2, cat(sll2, v4), "127.90.0.60"},
		{"BSD NULL, host order", layers.LinkTypeNull, cat([]byte{2, 0, 0, 0}, v4), "127.90.0.60"},
		{"OpenBSD LOOP, network order", layers.LinkTypeLoop, cat([]byte{0, 0, 0, 24}, v6), "::1"},
		{"raw IPv4", layers.LinkTypeRaw, v4, "127.90.0.60"},
		{"raw IPv6", layers.LinkTypeRaw, v6, "::1"},
		{"LINKTYPE_IPV4", layers.LinkTypeIPv4, v4, "127.90.0.60"},
		{"LINKTYPE_IPV6", layers.LinkTypeIPv6, v6, "::1"},
		{"DLT_RAW numbered 12", 12, v4, "127.90.0.60"},
		{"802.11 radiotap: not read", layers.LinkTypeIEEE80211Radio, cat(make([]byte, 8), v4), ""},
		{"raw, not IP", layers.LinkTypeRaw, cat([]byte{0x50}, v4), ""},
		{"empty", layers.LinkTypeRaw, nil, ""},
	} {
		var obs []covered.Observation
		r := newReader(newSink("import:pcap", seen, func(o covered.Observation) error { obs = append(obs, o); return nil }))
		if err := r.packet(tc.link, tc.data, time.Time{}); err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.host == "" && len(obs) > 0:
			t.Errorf("%s: read %v", tc.name, obs)
		case tc.host != "" && (len(obs) != 1 || obs[0].Host != tc.host || obs[0].Key != "ssdp.header.server"):
			t.Errorf("%s: read %v, want the SERVER header of %s", tc.name, obs, tc.host)
		}
	}
}
