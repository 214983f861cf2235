package broadcast

import (
	"net/netip"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/scan"
)

func protocolNamed(t *testing.T, name string) protocol {
	t.Helper()
	for _, p := range protocols {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no protocol %q", name)
	return protocol{}
}

// TestTake checks the reply-to-observation mapping and the scope filter
// without any network: replies are handed to the collector as the socket
// loop would.
func TestTake(t *testing.T) {
	ifi := Interface{Name: "test0", Prefix: netip.MustParsePrefix("192.0.2.1/24")}
	ssdp := protocolNamed(t, "ssdp")
	_, parse, err := ssdp.Request()
	if err != nil {
		t.Fatal(err)
	}
	reply := []byte("HTTP/1.1 200 OK\r\nLOCATION: http://192.0.2.7/desc.xml\r\nSERVER: Linux/3.0 UPnP/1.0 IpCamera/1.0\r\nST: upnp:rootdevice\r\n\r\n")
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	excluded := netip.MustParseAddr("192.0.2.9")
	tests := []struct {
		name  string
		scope func(netip.Addr) bool
		src   string
		b     []byte
		want  int // observations kept
		stat  Stats
	}{
		{name: "in subnet", src: "192.0.2.7", b: reply, want: 1, stat: Stats{Datagrams: 1}},
		{name: "outside subnet", src: "198.51.100.7", b: reply, stat: Stats{Datagrams: 1, OutOfScope: 1}},
		{name: "own address", src: "192.0.2.1", b: reply, stat: Stats{Datagrams: 1, OutOfScope: 1}},
		{name: "subnet broadcast", src: "192.0.2.255", b: reply, stat: Stats{Datagrams: 1, OutOfScope: 1}},
		{name: "excluded by scope", scope: func(a netip.Addr) bool { return a != excluded }, src: "192.0.2.9", b: reply, stat: Stats{Datagrams: 1, OutOfScope: 1}},
		{name: "scope beyond subnet", scope: func(netip.Addr) bool { return true }, src: "198.51.100.7", b: reply, want: 1, stat: Stats{Datagrams: 1}},
		{name: "nonsense", src: "192.0.2.7", b: []byte("garbage"), stat: Stats{Datagrams: 1, Nonsense: 1}},
		{name: "another control point's search", src: "192.0.2.7", b: []byte("M-SEARCH * HTTP/1.1\r\n\r\n"), stat: Stats{Datagrams: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCollector(Config{Scope: tt.scope, MaxBytes: defaultMaxBytes, Now: func() time.Time { return now }})
			src := netip.MustParseAddr(tt.src)
			c.take(ifi, ssdp, parse, src, tt.b)
			c.take(ifi, ssdp, parse, src, tt.b) // a repeat is kept once
			hosts, st := c.result()
			tt.stat.Datagrams *= 2
			tt.stat.OutOfScope *= 2
			tt.stat.Nonsense *= 2
			if st != tt.stat {
				t.Errorf("stats %+v, want %+v", st, tt.stat)
			}
			if tt.want == 0 {
				if len(hosts) != 0 {
					t.Fatalf("kept %+v, want nothing", hosts)
				}
				return
			}
			if len(hosts) != 1 || len(hosts[0].Observations) != tt.want {
				t.Fatalf("kept %+v, want one host with %d observations", hosts, tt.want)
			}
			want := covered.Observation{Key: "ssdp.header.server", Value: "Linux/3.0 UPnP/1.0 IpCamera/1.0",
				Host: tt.src, IP: tt.src, Port: 1900, Transport: "udp", Source: "scan:broadcast", Seen: now.Truncate(time.Second)}
			if got := hosts[0].Observations[0]; got != want {
				t.Errorf("observation\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestByteCap checks that reading stops once the byte cap is reached.
func TestByteCap(t *testing.T) {
	ifi := Interface{Prefix: netip.MustParsePrefix("192.0.2.1/24")}
	p := protocolNamed(t, "dhip")
	_, parse, _ := p.Request()
	c := newCollector(Config{MaxBytes: 10, Now: time.Now})
	if c.take(ifi, p, parse, netip.MustParseAddr("192.0.2.5"), make([]byte, 11)) {
		t.Error("take over the byte cap: want false (stop reading)")
	}
	if _, st := c.result(); st.Capped != 1 {
		t.Errorf("stats %+v, want Capped 1", st)
	}
}

func TestBroadcastAddress(t *testing.T) {
	for in, want := range map[string]string{"10.77.1.1/24": "10.77.1.255", "172.16.5.9/12": "172.31.255.255", "192.0.2.1/32": "192.0.2.1"} {
		if got := (Interface{Prefix: netip.MustParsePrefix(in)}).Broadcast().String(); got != want {
			t.Errorf("%s: broadcast %s, want %s", in, got, want)
		}
	}
}

// TestMerge checks that broadcast observations join the unicast result of
// their host, and that unclaimed hosts come out on their own.
func TestMerge(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.5"), netip.MustParseAddr("192.0.2.6")
	bo := covered.Observation{Key: "sadp.response", Value: "<ProbeMatch/>"}
	m := NewMerge([]Host{{Addr: a, Observations: []covered.Observation{bo}}, {Addr: b, Observations: []covered.Observation{bo}}})
	r := scan.Result{Host: scan.Host{Addr: a}, Observations: []covered.Observation{{Key: "port.open", Value: "tcp/80"}}}
	m.Add(&r)
	if !r.Up || len(r.Observations) != 2 || r.Observations[0] != bo {
		t.Errorf("merged %+v: want up, the broadcast observation first", r)
	}
	rest := m.Rest()
	if len(rest) != 1 || rest[0].Host.Addr != b || !rest[0].Up {
		t.Errorf("rest %+v, want only %s", rest, b)
	}
	if len(m.Rest()) != 0 {
		t.Error("Rest twice: want nothing the second time")
	}
}
