package pcap

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var (
	cli = netip.MustParseAddrPort("127.90.0.50:40000")
	srv = netip.MustParseAddrPort("127.90.0.5:80")
)

// tableOf returns a flow table whose read function records, per
// connection, what each side sent.
func tableOf(got *[]map[netip.AddrPort]string) *flowTable {
	return newFlowTable(func(f *flow) error {
		m := map[netip.AddrPort]string{}
		for d, end := range [2]netip.AddrPort{f.key.lo, f.key.hi} {
			if len(f.dir[d].buf) > 0 {
				m[end] = string(f.dir[d].buf)
			}
		}
		*got = append(*got, m)
		return nil
	})
}

func TestReassembly(t *testing.T) {
	const req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	syn := func(from, to netip.AddrPort, seq uint32) seg { return seg{src: from, dst: to, seq: seq, syn: true} }
	data := func(seq uint32, p string) seg { return seg{src: cli, dst: srv, seq: seq, payload: []byte(p)} }
	fin := func(from, to netip.AddrPort, seq uint32) seg { return seg{src: from, dst: to, seq: seq, fin: true} }
	for _, tc := range []struct {
		name string
		segs []seg
		want string // what the client's stream holds
	}{
		{"in order", []seg{syn(cli, srv, 99), data(100, req[:10]), data(110, req[10:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req},
		{"retransmission with new bytes", []seg{syn(cli, srv, 99), data(100, req[:10]), data(105, req[5:20]), data(120, req[20:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req},
		{"duplicate", []seg{syn(cli, srv, 99), data(100, req[:10]), data(100, req[:10]), data(110, req[10:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req},
		{"out of order: only bytes in sequence", []seg{syn(cli, srv, 99), data(100, req[:5]), data(110, req[10:]), data(105, req[5:10]), fin(cli, srv, 127), fin(srv, cli, 5)}, req[:10]},
		{"no SYN: from the first segment", []seg{data(5000, req[:10]), data(5010, req[10:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req},
		{"data on the SYN (Fast Open)", []seg{{src: cli, dst: srv, seq: 99, syn: true, payload: []byte(req[:10])}, data(110, req[10:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req},
		{"sequence numbers wrap", []seg{syn(cli, srv, 0xfffffffa), data(0xfffffffb, req[:10]), data(5, req[10:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req},
		{"cut by the snaplen", []seg{syn(cli, srv, 99), {src: cli, dst: srv, seq: 100, payload: []byte(req[:10]), cut: true}, data(110, req[10:]), fin(cli, srv, 127), fin(srv, cli, 5)}, req[:10]},
		{"reset", []seg{syn(cli, srv, 99), data(100, req), {src: srv, dst: cli, seq: 1, rst: true}}, req},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []map[netip.AddrPort]string
			tab := tableOf(&got)
			for _, s := range tc.segs {
				if err := tab.segment(s); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != 1 || got[0][cli] != tc.want {
				t.Errorf("read %q, want the client's stream %q", got, tc.want)
			}
			if len(tab.m) != 0 || tab.buffered != 0 {
				t.Errorf("%d flows and %d bytes left after the close", len(tab.m), tab.buffered)
			}
		})
	}
}

// TestStreamLimit checks that a direction keeps maxStream bytes and that
// a stream of another protocol is not kept at all.
func TestStreamLimit(t *testing.T) {
	var got []map[netip.AddrPort]string
	tab := tableOf(&got)
	big := "HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("x", 3*maxStream)
	ssh := "SSH-2.0-OpenSSH_9.2\r\n" + strings.Repeat("y", 3000)
	for i := 0; i < len(big); i += 1000 {
		_ = tab.segment(seg{src: srv, dst: cli, seq: uint32(1 + i), payload: []byte(big[i:min(i+1000, len(big))])})
	}
	_ = tab.segment(seg{src: cli, dst: srv, seq: 1, payload: []byte(ssh)})
	if len(got) != 1 || len(got[0][srv]) != maxStream || got[0][cli] != "" {
		t.Fatalf("read %d flows, server stream %d bytes, client %q", len(got), len(got[0][srv]), got[0][cli])
	}
	if tab.buffered != 0 || len(tab.m) != 1 || !tab.m[flowKey{srv, cli}].read {
		t.Errorf("after both streams ended: %d bytes held, %d flows", tab.buffered, len(tab.m))
	}
	// Later bytes of the connection are not taken for a new one.
	_ = tab.segment(seg{src: srv, dst: cli, seq: uint32(1 + len(big)), payload: []byte("HTTP/1.1 200 OK\r\n\r\n")})
	if len(got) != 1 {
		t.Errorf("a marked connection was read again")
	}
}

// TestReuse checks that a new SYN on a four-tuple ends the connection
// that used it before.
func TestReuse(t *testing.T) {
	var got []map[netip.AddrPort]string
	tab := tableOf(&got)
	for _, s := range []seg{
		{src: cli, dst: srv, seq: 99, syn: true},
		{src: cli, dst: srv, seq: 100, payload: []byte("GET /a HTTP/1.1\r\n\r\n")},
		{src: cli, dst: srv, seq: 99, syn: true}, // a retransmitted SYN changes nothing
		{src: cli, dst: srv, seq: 7000, syn: true},
		{src: cli, dst: srv, seq: 7001, payload: []byte("GET /b HTTP/1.1\r\n\r\n")},
	} {
		_ = tab.segment(s)
	}
	_ = tab.flush()
	if len(got) != 2 || !strings.Contains(got[0][cli], "/a") || !strings.Contains(got[1][cli], "/b") {
		t.Errorf("read %q, want /a then /b", got)
	}
}

// TestEviction fills the table past maxFlows and maxBuffered: the least
// recently active connections are read and forgotten, none is lost.
func TestEviction(t *testing.T) {
	read := 0
	tab := newFlowTable(func(*flow) error { read++; return nil })
	page := []byte("HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("z", maxStream))
	n := maxFlows + 100
	for i := range n {
		c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 93, byte(i >> 8), byte(i)}), 40000)
		if err := tab.segment(seg{src: srv, dst: c, seq: 1, payload: page[:maxStream-1]}); err != nil {
			t.Fatal(err)
		}
		if len(tab.m) > maxFlows || tab.buffered > maxBuffered {
			t.Fatalf("after %d connections: %d flows, %d bytes held", i+1, len(tab.m), tab.buffered)
		}
	}
	_ = tab.flush()
	if read != n {
		t.Errorf("read %d connections, want %d", read, n)
	}
	if tab.buffered != 0 || len(tab.m) != 0 || tab.head != nil || tab.tail != nil {
		t.Errorf("table not empty after flush")
	}
}

// TestBigRecord reads a packet larger than the framer's first buffer
// (a TSO segment as captured on the sending host) between two small ones.
func TestBigRecord(t *testing.T) {
	var out bytes.Buffer
	c := newCapWriter(&out)
	big := append([]byte("HTTP/1.1 200 OK\r\nServer: Big/1.0\r\nContent-Length: 200000\r\n\r\n"), bytes.Repeat([]byte("b"), 200000)...)
	req := []byte("GET / HTTP/1.1\r\nUser-Agent: Small/1.0\r\n\r\n")
	frame := func(from, to netip.AddrPort, seq uint32, syn bool, p []byte) {
		eth, ip := c.ip(from.Addr(), to.Addr(), layers.IPProtocolTCP)
		tcp := &layers.TCP{SrcPort: layers.TCPPort(from.Port()), DstPort: layers.TCPPort(to.Port()), Seq: seq, SYN: syn, ACK: !syn, DataOffset: 5, Window: 65535}
		// A segment larger than IPv4 can say has total length 0, as TCP
		// segmentation offload hands it to a capture on the sender.
		ip.Length = uint16(20 + 20 + len(p))
		if len(p) > 0xffff-40 {
			ip.Length = 0
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, eth, ip, tcp, gopacket.Payload(p)); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if err := c.w.WritePacket(gopacket.CaptureInfo{Timestamp: c.ts, CaptureLength: len(data), Length: len(data)}, data); err != nil {
			t.Fatal(err)
		}
	}
	frame(cli, srv, 99, true, nil)
	frame(srv, cli, 999, true, nil)
	frame(cli, srv, 100, false, req)
	frame(srv, cli, 1000, false, big)
	frame(cli, srv, 100+uint32(len(req)), false, req)
	obs, bad := read(t, out.Bytes(), "big")
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	var vals []string
	for _, o := range obs {
		vals = append(vals, o.Key+"="+o.Value[:min(len(o.Value), 20)])
	}
	joined := strings.Join(vals, " ")
	if !strings.Contains(joined, "http.header.server=Big/1.0") || !strings.Contains(joined, "http.user_agent=Small/1.0") {
		t.Errorf("observations %s", joined)
	}
}
