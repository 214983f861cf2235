package pcap

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// capWriter builds an Ethernet capture of TCP and UDP conversations.
type capWriter struct {
	w   *pcapgo.Writer
	buf gopacket.SerializeBuffer
	ts  time.Time
}

func newCapWriter(out *bytes.Buffer) *capWriter {
	w := pcapgo.NewWriter(out)
	_ = w.WriteFileHeader(262144, layers.LinkTypeEthernet) // a bytes.Buffer does not fail
	return &capWriter{w: w, buf: gopacket.NewSerializeBuffer(), ts: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
}

var (
	benchMACa = net.HardwareAddr{0x00, 0x56, 0x6d, 0x5a, 0x11, 0x22}
	benchMACb = net.HardwareAddr{0x00, 0x1e, 0x10, 0x00, 0x00, 0xfe}
)

func (c *capWriter) write(ls ...gopacket.SerializableLayer) {
	_ = gopacket.SerializeLayers(c.buf, gopacket.SerializeOptions{FixLengths: true}, ls...)
	c.ts = c.ts.Add(137 * time.Microsecond)
	data := c.buf.Bytes()
	_ = c.w.WritePacket(gopacket.CaptureInfo{Timestamp: c.ts, CaptureLength: len(data), Length: len(data)}, data)
}

func (c *capWriter) ip(src, dst netip.Addr, proto layers.IPProtocol) (*layers.Ethernet, *layers.IPv4) {
	return &layers.Ethernet{SrcMAC: benchMACa, DstMAC: benchMACb, EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
}

// conn plays one TCP connection: handshake, the client's and server's
// messages cut into segments of at most 1448 bytes, and the close.
func (c *capWriter) conn(client, server netip.AddrPort, msgs ...[]byte) {
	seq := [2]uint32{1000, 500000}
	ends := [2]netip.AddrPort{client, server}
	seg := func(d int, flags string, p []byte) {
		eth, ip := c.ip(ends[d].Addr(), ends[1-d].Addr(), layers.IPProtocolTCP)
		t := &layers.TCP{SrcPort: layers.TCPPort(ends[d].Port()), DstPort: layers.TCPPort(ends[1-d].Port()), Seq: seq[d], Ack: seq[1-d], Window: 65535,
			SYN: flags == "S", ACK: flags != "S", FIN: flags == "F", PSH: len(p) > 0}
		c.write(eth, ip, t, gopacket.Payload(p))
		seq[d] += uint32(len(p))
		if flags == "S" || flags == "F" {
			seq[d]++
		}
	}
	seg(0, "S", nil)
	seg(1, "S", nil)
	for i, m := range msgs {
		for len(m) > 0 {
			n := min(len(m), 1448)
			seg(i%2, "A", m[:n])
			m = m[n:]
		}
	}
	seg(0, "F", nil)
	seg(1, "F", nil)
}

func (c *capWriter) datagram(src, dst netip.AddrPort, p []byte) {
	eth, ip := c.ip(src.Addr(), dst.Addr(), layers.IPProtocolUDP)
	c.write(eth, ip, &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}, gopacket.Payload(p))
}

var benchCert = sync.OnceValue(func() []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x30c0da6a48c44b71),
		Subject:   pkix.Name{CommonName: "www.hikvision.com", OrganizationalUnit: []string{"DVRNVR"}, Organization: []string{"HIKVISION"}, Country: []string{"CN"}},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return der
})

// tlsRecord wraps handshake messages in one TLS 1.2 handshake record.
func tlsRecord(typ byte, msgs ...[]byte) []byte {
	var body []byte
	for _, m := range msgs {
		body = append(body, m...)
	}
	return append([]byte{typ, 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

func handshakeMsg(typ byte, body []byte) []byte {
	return append([]byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

func u16(n int) []byte { return []byte{byte(n >> 8), byte(n)} }
func u24(n int) []byte { return []byte{byte(n >> 16), byte(n >> 8), byte(n)} }

// clientHello is a TLS 1.2 ClientHello naming sni.
func clientHello(sni string) []byte {
	name := append(append([]byte{0}, u16(len(sni))...), sni...)
	list := append(u16(len(name)), name...)
	ext := append(append([]byte{0, 0}, u16(len(list))...), list...)
	body := append([]byte{3, 3}, make([]byte, 32)...)
	body = append(body, 0)                // session_id
	body = append(body, 0, 2, 0xc0, 0x2f) // one cipher suite
	body = append(body, 1, 0)             // null compression
	body = append(append(body, u16(len(ext))...), ext...)
	return tlsRecord(22, handshakeMsg(1, body))
}

// serverFlight is ServerHello and Certificate with der as the leaf.
func serverFlight(der []byte) []byte {
	hello := append(append([]byte{3, 3}, make([]byte, 32)...), 0, 0xc0, 0x2f, 0)
	cert := append(u24(len(der)), der...)
	certs := append(u24(len(cert)), cert...)
	return tlsRecord(22, handshakeMsg(2, hello), handshakeMsg(11, certs))
}

// benchCapture returns about size bytes of capture: per round, a page
// fetched by a phone, a TLS session with 16 KiB of application data, an
// SSH session moving 16 KiB, and DHCP, SSDP and ARP chatter, from
// addresses that vary so that the sets and tables fill as on a real
// network (four clients per server).
func benchCapture(size int) []byte {
	var out bytes.Buffer
	out.Grow(size + 1<<20)
	c := newCapWriter(&out)
	page := []byte("<html><head><title>Login</title></head><body>" + string(bytes.Repeat([]byte("x"), 3000)) + "</body></html>")
	flight := serverFlight(benchCert())
	bulk := bytes.Repeat([]byte{0x17, 0x03, 0x03, 0x40, 0x00}, 16<<10/5)
	ssdp := []byte("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: Linux/3.0.8, UPnP/1.0, Hikvision/1.0\r\n\r\n")
	for i := 0; out.Len() < size; i++ {
		client := netip.AddrFrom4([4]byte{127, 91, byte(i >> 8), byte(i)})
		server := netip.AddrFrom4([4]byte{127, 92, byte(i >> 10), byte(i >> 2)})
		port := uint16(30000 + i%30000)
		req := fmt.Appendf(nil, "GET /page/%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/5.0 (Linux; Android 10; ELE-L29) Chrome/120.0.%d.0\r\n\r\n", i, server, i%50)
		resp := fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(page), page)
		c.conn(netip.AddrPortFrom(client, port), netip.AddrPortFrom(server, 80), req, resp)
		c.conn(netip.AddrPortFrom(client, port+1), netip.AddrPortFrom(server, 443), clientHello("device.example.net"), flight, bulk[:4096], bulk)
		c.conn(netip.AddrPortFrom(client, port+2), netip.AddrPortFrom(server, 22), []byte("SSH-2.0-OpenSSH_9.2\r\n"), bulk, bulk[:1000])
		mac := [6]byte{0x00, 0x56, 0x6d, byte(i >> 16), byte(i >> 8), byte(i)}
		c.datagram(netip.AddrPortFrom(client, 68), netip.AddrPortFrom(server, 67), benchDHCP(mac, client))
		c.datagram(netip.AddrPortFrom(server, 1900), netip.AddrPortFrom(client, 1900), ssdp)
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr(mac[:]), DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP}
		c.write(eth, &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation: layers.ARPRequest, SourceHwAddress: mac[:], SourceProtAddress: client.AsSlice(), DstHwAddress: make([]byte, 6), DstProtAddress: server.AsSlice()})
	}
	return out.Bytes()
}

// benchDHCP is a phone's DHCPREQUEST.
func benchDHCP(mac [6]byte, ip netip.Addr) []byte {
	b := make([]byte, 240, 320)
	b[0], b[1], b[2] = 1, 1, 6
	copy(b[28:], mac[:])
	copy(b[236:], []byte{0x63, 0x82, 0x53, 0x63})
	b = append(b, 53, 1, 3, 50, 4)
	b = append(b, ip.AsSlice()...)
	b = append(b, 60, 18)
	b = append(b, "HUAWEI:android:ELE"...)
	b = append(b, 55, 11, 1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 255)
	return b
}

// BenchmarkRead reports MB/s on about 64 MB of generated capture, and on
// the lab capture, whose packets are mostly small and mostly read.
func BenchmarkRead(b *testing.B) {
	for _, in := range []struct {
		name string
		data func() []byte
	}{
		{"generated", func() []byte { return benchCapture(64 << 20) }},
		{"lab.pcap", func() []byte { return importtest.Testdata(b, "lab.pcap") }},
	} {
		b.Run(in.name, func(b *testing.B) {
			importtest.Bench(b, Format{}, in.data(), importer.Source{Name: "bench", Seen: seen})
		})
	}
}

// TestBenchCapture checks that the benchmark's capture reads as intended,
// so that the benchmark measures the real work.
func TestBenchCapture(t *testing.T) {
	obs, bad := read(t, benchCapture(1<<20), "bench")
	if len(bad) > 0 {
		t.Fatalf("bad records: %v", bad)
	}
	keys := map[string]int{}
	for _, o := range obs {
		keys[o.Key]++
	}
	for _, k := range []string{"http.user_agent", "http.title", "tls.sni", "tls.cert.subject", "dhcp.vendor_class", "ssdp.header.server", "mac"} {
		if keys[k] == 0 {
			t.Errorf("no %s in the benchmark capture (%v)", k, keys)
		}
	}
}
