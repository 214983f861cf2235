package targets

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// fuzzResolver resolves every name to documentation addresses, so fuzzing
// exercises hostname prefixes without a network.
type fuzzResolver struct{}

func (fuzzResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("192.0.2.77"), netip.MustParseAddr("2001:db8::77")}, nil
}

// FuzzParse feeds whitespace-separated include and exclude lists. Parse must
// not panic; when it succeeds, Hosts, Count and Contains must agree: hosts
// ascend strictly, each is contained, their number is Count, and a probe
// address is contained exactly when it is among the hosts.
func FuzzParse(f *testing.F) {
	seeds := [][3]string{
		{"192.0.2.1", "", "192.0.2.1"},
		{"192.0.2.0/24 2001:db8::/120", "192.0.2.7 2001:db8::80/121", "2001:db8::81"},
		{"127.0.1-3.1-10 127.0.0,2.1", "127.0.2.5", "127.0.2.1"},
		{"127.0.1-3.0/24", "*.*.*.0,255", "127.0.2.0"},
		{"127.*.*.1", "127.0-200.*.*", "127.201.3.1"},
		{"cam.example/30 cam.example/126", "192.0.2.77", "192.0.2.76"},
		{"::ffff:192.0.2.1/120 192.0.2.-3,250-", "", "192.0.2.2"},
		{"10.0.0.0/7 2001:db8::/64 fe80::1%lo", "x..y", "0.0.0.0"},
		{"192.0.2.010 192.0.2.1-2-3 1.2.3.4/", "", "1.2.3.4"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, include, exclude, probe string) {
		s, err := Parse(context.Background(), fuzzResolver{}, strings.Fields(include), strings.Fields(exclude))
		if err != nil {
			return
		}
		n := s.Count()
		if n > MaxAddresses {
			t.Fatalf("Count %d is over the limit", n)
		}
		if n > 1<<14 {
			return // big scopes are checked by the unit tests; keep each input fast
		}
		var hosts []netip.Addr
		for h := range s.Hosts() {
			if len(hosts) > 0 && !hosts[len(hosts)-1].Less(h.Addr) {
				t.Fatalf("hosts not strictly ascending: %v after %v", h.Addr, hosts[len(hosts)-1])
			}
			if !s.Contains(h.Addr) {
				t.Fatalf("Hosts yields %v but Contains says no", h.Addr)
			}
			hosts = append(hosts, h.Addr)
		}
		if uint64(len(hosts)) != n {
			t.Fatalf("Hosts yields %d, Count says %d", len(hosts), n)
		}
		if a, err := netip.ParseAddr(probe); err == nil {
			a = a.Unmap().WithZone("")
			_, found := slices.BinarySearchFunc(hosts, a, netip.Addr.Compare)
			if s.Contains(a) != found {
				t.Fatalf("Contains(%v) = %v, but Hosts has it: %v", a, !found, found)
			}
		}
	})
}

// FuzzParsePorts checks that ParsePorts never panics and that what it
// accepts is sorted, unique, within 1-65535 and survives String and back.
func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"22", "22,80,1000-2000,U:161,T:8000-8002", "-", "U:-", "-100,60000-",
		"0", "65536", "2000-1000", "S:1", "T:,U:", "9100-9107", " 22 , u:53 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		p, err := ParsePorts(spec)
		if err != nil {
			return
		}
		if p.Len() == 0 {
			t.Fatal("accepted with no ports")
		}
		for _, list := range [][]uint16{p.TCP, p.UDP} {
			for i, port := range list {
				if port == 0 || i > 0 && list[i-1] >= port {
					t.Fatalf("bad list %v", list)
				}
			}
		}
		back, err := ParsePorts(p.String())
		if err != nil {
			t.Fatalf("String() %q does not parse: %v", p.String(), err)
		}
		if !slices.Equal(back.TCP, p.TCP) || !slices.Equal(back.UDP, p.UDP) {
			t.Fatalf("round trip %q -> %q changed the ports", spec, p.String())
		}
	})
}
