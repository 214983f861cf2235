package targets

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeResolver answers from a map; a missing name is NXDOMAIN.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	if network != "ip" {
		return nil, errors.New("unexpected network " + network)
	}
	addrs, ok := f[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

var testResolver = fakeResolver{
	// The Go resolver returns IPv4 answers IPv4-mapped for "ip"; so does this.
	"cam.example":    {netip.MustParseAddr("::ffff:192.0.2.10"), netip.MustParseAddr("2001:db8::10")},
	"nvr.example":    {netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("192.0.2.20")},
	"v6only.example": {netip.MustParseAddr("2001:db8::1:5")},
	"empty.example":  {},
}

// hostStrings renders hosts as "addr" or "addr(name)".
func hostStrings(s *Spec) []string {
	var out []string
	for h := range s.Hosts() {
		str := h.Addr.String()
		if h.Name != "" {
			str += "(" + h.Name + ")"
		}
		out = append(out, str)
	}
	return out
}

func TestParseHosts(t *testing.T) {
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"ipv4 address", []string{"192.0.2.1"}, nil, []string{"192.0.2.1"}},
		{"spaces trimmed", []string{" 192.0.2.1\t"}, nil, []string{"192.0.2.1"}},
		{"cidr", []string{"192.0.2.4/30"}, nil, []string{"192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7"}},
		{"cidr host bits ignored", []string{"192.0.2.6/30"}, nil, []string{"192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7"}},
		{"cidr /32", []string{"192.0.2.9/32"}, nil, []string{"192.0.2.9"}},
		{"last octet range", []string{"192.0.2.1-4"}, nil, []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}},
		{"open ranges", []string{"192.0.2.-1", "192.0.2.254-"}, nil, []string{"192.0.2.0", "192.0.2.1", "192.0.2.254", "192.0.2.255"}},
		{"two octet ranges", []string{"127.0.1-3.1-2"}, nil, []string{
			"127.0.1.1", "127.0.1.2", "127.0.2.1", "127.0.2.2", "127.0.3.1", "127.0.3.2"}},
		{"comma list per octet", []string{"127.0.0,2.1"}, nil, []string{"127.0.0.1", "127.0.2.1"}},
		{"comma list with ranges", []string{"192.0.2.10,1-2,5"}, nil, []string{"192.0.2.1", "192.0.2.2", "192.0.2.5", "192.0.2.10"}},
		{"range with prefix length", []string{"127.0.1,3.7/31"}, nil, []string{"127.0.1.6", "127.0.1.7", "127.0.3.6", "127.0.3.7"}},
		{"ipv6 address", []string{"2001:db8::1"}, nil, []string{"2001:db8::1"}},
		{"ipv6 prefix", []string{"2001:db8::5/126"}, nil, []string{"2001:db8::4", "2001:db8::5", "2001:db8::6", "2001:db8::7"}},
		{"ipv4-mapped ipv6 is ipv4", []string{"::ffff:192.0.2.1"}, nil, []string{"192.0.2.1"}},
		{"ipv4-mapped prefix", []string{"::ffff:192.0.2.1/127"}, nil, []string{"192.0.2.0", "192.0.2.1"}},
		{"hostname keeps all addresses", []string{"cam.example"}, nil, []string{"192.0.2.10(cam.example)", "2001:db8::10(cam.example)"}},
		{"hostname with ipv4 prefix", []string{"cam.example/30"}, nil, []string{"192.0.2.8", "192.0.2.9", "192.0.2.10(cam.example)", "192.0.2.11"}},
		{"hostname with ipv6 prefix", []string{"cam.example/127"}, nil, []string{"2001:db8::10(cam.example)", "2001:db8::11"}},
		{"first name wins", []string{"nvr.example", "cam.example"}, nil, []string{
			"192.0.2.10(nvr.example)", "192.0.2.20(nvr.example)", "2001:db8::10(cam.example)"}},
		{"overlapping includes once, sorted", []string{"192.0.2.4-5", "2001:db8::1", "192.0.2.0/30", "192.0.2.3-4"}, nil, []string{
			"192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "2001:db8::1"}},
		{"exclusions win", []string{"192.0.2.0/29"}, []string{"192.0.2.2", "192.0.2.4/31"}, []string{
			"192.0.2.0", "192.0.2.1", "192.0.2.3", "192.0.2.6", "192.0.2.7"}},
		{"exclusion by range", []string{"192.0.2.0/29", "2001:db8::/126"}, []string{"192.0.2.1-6", "2001:db8::1", "2001:db8::2/128"}, []string{
			"192.0.2.0", "192.0.2.7", "2001:db8::", "2001:db8::3"}},
		{"exclusion by hostname", []string{"192.0.2.8/30", "2001:db8::10/127"}, []string{"cam.example"}, []string{
			"192.0.2.8", "192.0.2.9", "192.0.2.11", "2001:db8::11"}},
		{"exclusion wins over hostname", []string{"cam.example"}, []string{"192.0.2.10"}, []string{"2001:db8::10(cam.example)"}},
		{"everything excluded", []string{"192.0.2.1"}, []string{"192.0.2.0/24"}, nil},
		{"exclusion outside scope", []string{"192.0.2.1"}, []string{"127.0.0.1", "2001:db8::/32"}, []string{"192.0.2.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(context.Background(), testResolver, tt.include, tt.exclude)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := hostStrings(s)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hosts (-want +got):\n%s", diff)
			}
			if c := s.Count(); c != uint64(len(tt.want)) {
				t.Errorf("Count = %d, want %d", c, len(tt.want))
			}
		})
	}
}

func TestParseSizes(t *testing.T) {
	tests := []struct {
		name             string
		include, exclude []string
		count            uint64
		first, last      string
	}{
		{"slash 16", []string{"127.1.0.0/16"}, nil, 65536, "127.1.0.0", "127.1.255.255"},
		{"star octet", []string{"192.0.2.*"}, nil, 256, "192.0.2.0", "192.0.2.255"},
		{"dash octet", []string{"192.0.2.-"}, nil, 256, "192.0.2.0", "192.0.2.255"},
		{"range of /24s", []string{"127.0.1-3.0/24"}, nil, 768, "127.0.1.0", "127.0.3.255"},
		{"largest allowed", []string{"127.0.0.0/8"}, nil, 1 << 24, "127.0.0.0", "127.255.255.255"},
		{"ipv6 /104", []string{"2001:db8::/104"}, nil, 1 << 24, "2001:db8::", "2001:db8::ff:ffff"},
		{"scattered pattern", []string{"127.*.*.1"}, nil, 65536, "127.0.0.1", "127.255.255.1"},
		{"scattered pattern minus range", []string{"127.*.*.1"}, []string{"127.0.0.0/16"}, 65536 - 256, "127.1.0.1", "127.255.255.1"},
		{"scattered pattern plus overlapping range", []string{"127.*.*.1", "127.0.0.0/24"}, nil, 65536 + 255, "127.0.0.0", "127.255.255.1"},
		{"scattered exclusion", []string{"192.0.2.0/24", "127.0.0.0/23"}, []string{"*.*.*.0,255"}, 254 * 3, "127.0.0.1", "192.0.2.254"},
		{"two scattered patterns overlap", []string{"127.*.*.1", "127.*.*.1-2"}, []string{"127.*.*.2"}, 65536, "127.0.0.1", "127.255.255.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(context.Background(), nil, tt.include, tt.exclude)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.Count(); got != tt.count {
				t.Errorf("Count = %d, want %d", got, tt.count)
			}
			if testing.Short() && tt.count > 1<<20 {
				return
			}
			var n uint64
			var first, last, prev netip.Addr
			for h := range s.Hosts() {
				if n == 0 {
					first = h.Addr
				} else if !prev.Less(h.Addr) {
					t.Fatalf("not ascending: %v after %v", h.Addr, prev)
				}
				prev, last = h.Addr, h.Addr
				n++
			}
			if n != tt.count || first.String() != tt.first || last.String() != tt.last {
				t.Errorf("iterated %d hosts %v..%v, want %d %s..%s", n, first, last, tt.count, tt.first, tt.last)
			}
		})
	}
}

func TestContains(t *testing.T) {
	s, err := Parse(context.Background(), testResolver,
		[]string{"192.0.2.0/28", "127.*.*.1", "2001:db8::/120", "cam.example"},
		[]string{"192.0.2.8", "127.0.0.0/16", "127.*.*.1,3/32", "2001:db8::80/121"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr string
		want bool
	}{
		{"192.0.2.0", true},
		{"192.0.2.15", true},
		{"192.0.2.8", false},  // excluded
		{"192.0.2.16", false}, // outside
		{"::ffff:192.0.2.1", true},
		{"127.5.6.1", false}, // the scattered exclusion "127.*.*.1,3" wins
		{"127.0.9.1", false},
		{"2001:db8::7f", true},
		{"2001:db8::80", false},
		{"2001:db8::100", false},
		{"2001:db8::10", true},
		{"fe80::1%eth0", false},
		{"192.0.2.10", true}, // cam.example, also in the /28
	}
	for _, tt := range tests {
		if got := s.Contains(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Contains(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	if s.Contains(netip.Addr{}) {
		t.Error("Contains(invalid) = true")
	}
	var nilSpec *Spec
	if nilSpec.Contains(netip.MustParseAddr("192.0.2.1")) || nilSpec.Count() != 0 {
		t.Error("nil Spec is not empty")
	}
	for range nilSpec.Hosts() {
		t.Error("nil Spec yields hosts")
	}
}

// TestScatteredMatchesRanges builds the same scopes twice, once with octet
// patterns expanded to ranges and once kept as patterns, and requires the
// same hosts and answers from both.
func TestScatteredMatchesRanges(t *testing.T) {
	cases := [][2][]string{
		{{"127.0.*.1-3,200", "127.0.4-6.*"}, {"127.0.5.7-9", "127.0.1,7.2"}},
		{{"127.0.1-2.0/25", "127.0.0-3.128-130"}, {"127.0.*.129", "127.0.1.0/30"}},
		{{"127.0.0.0/22"}, {"127.0.*.0,255", "127.0.2.0/24"}},
		{{"127.0.*.*", "127.0.3.3"}, {"127.0.-1.-9", "127.0.250-.250-"}},
	}
	defer func(old uint64) { maxBlocks = old }(maxBlocks)
	for i, c := range cases {
		maxBlocks = 1 << 20
		ranged, err := Parse(context.Background(), nil, c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		maxBlocks = 0
		scattered, err := Parse(context.Background(), nil, c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		if len(scattered.sparse) == 0 {
			t.Fatalf("case %d: patterns were expanded", i)
		}
		if diff := cmp.Diff(hostStrings(ranged), hostStrings(scattered)); diff != "" {
			t.Errorf("case %d: hosts differ (-ranged +scattered):\n%s", i, diff)
		}
		if a, b := ranged.Count(), scattered.Count(); a != b {
			t.Errorf("case %d: Count %d vs %d", i, a, b)
		}
		for v := uint32(0x7f000000); v < 0x7f000000+1<<16; v++ {
			a := addr4(v)
			if ranged.Contains(a) != scattered.Contains(a) {
				t.Fatalf("case %d: Contains(%v) differs", i, a)
			}
		}
	}
}

func TestHostsStopsEarly(t *testing.T) {
	for _, inc := range [][]string{{"127.1.0.0/16"}, {"127.*.*.1"}, {"2001:db8::/112"}} {
		s, err := Parse(context.Background(), nil, inc, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range s.Hosts() {
			if n++; n == 3 {
				break
			}
		}
		if n != 3 {
			t.Errorf("%v: got %d hosts before break", inc, n)
		}
	}
}

func TestHostsSlash16Allocs(t *testing.T) {
	s, err := Parse(context.Background(), nil, []string{"127.1.0.0/16"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	allocs := testing.AllocsPerRun(5, func() {
		n = 0
		for range s.Hosts() {
			n++
		}
	})
	if n != 65536 {
		t.Errorf("iterated %d hosts, want 65536", n)
	}
	if allocs > 4 {
		t.Errorf("%v allocations to iterate a /16; want a constant few, not one per address", allocs)
	}
}

func BenchmarkHostsSlash16(b *testing.B) {
	s, err := Parse(context.Background(), nil, []string{"127.1.0.0/16"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range s.Hosts() {
			n++
		}
		if n != 65536 {
			b.Fatalf("n = %d", n)
		}
	}
}

func BenchmarkHostsScattered(b *testing.B) {
	s, err := Parse(context.Background(), nil, []string{"127.*.*.1"}, []string{"127.0-127.*.1"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range s.Hosts() {
			n++
		}
		if n != 32768 {
			b.Fatalf("n = %d", n)
		}
	}
}
