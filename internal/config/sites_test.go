package config

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// testResolver resolves paths without touching the real home directory.
var testResolver = resolver{dir: "/etc/covered", home: func() (string, error) { return "/home/ada", nil }}

func mustParse(t testing.TB, src string) *Config {
	t.Helper()
	c, err := parse("test.yaml", []byte(src), testResolver)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSiteFor(t *testing.T) {
	c := mustParse(t, `
sites:
  - name: world4
    cidrs: [0.0.0.0/0]
  - name: campus
    cidrs: [10.0.0.0/8, "2001:db8::/32"]
  - name: building
    cidrs: [10.1.0.0/16, "2001:db8:1::/48"]
  - name: floor
    cidrs: [10.1.2.0/24, "::ffff:10.1.3.0/120"]
  - name: printer
    cidrs: [10.1.2.9, "2001:db8:1::9"]
  - name: top
    cidrs: [255.255.255.255/32, "ffff::/16"]
  - name: empty
`)
	tests := []struct{ addr, want string }{
		{"10.1.2.9", "printer"},
		{"10.1.2.8", "floor"},
		{"10.1.2.10", "floor"},
		{"10.1.2.255", "floor"},
		{"10.1.3.1", "floor"}, // mapped prefix stored as IPv4
		{"10.1.4.0", "building"},
		{"10.1.1.255", "building"},
		{"10.0.0.0", "campus"},
		{"10.255.255.255", "campus"},
		{"11.0.0.0", "world4"},
		{"0.0.0.0", "world4"},
		{"9.255.255.255", "world4"},
		{"255.255.255.254", "world4"},
		{"255.255.255.255", "top"},
		{"::ffff:10.1.2.9", "printer"}, // IPv4-mapped address counts as IPv4
		{"::ffff:11.0.0.1", "world4"},
		{"2001:db8:1::9", "printer"},
		{"2001:db8:1::8", "building"},
		{"2001:db8:1::a", "building"},
		{"2001:db8:2::1", "campus"},
		{"2001:db8:1::9%eth0", "printer"}, // zones ignored
		{"2001:db9::1", ""},               // 0.0.0.0/0 is IPv4 only
		{"::", ""},
		{"ffff::1", "top"},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "top"},
	}
	for _, tt := range tests {
		if got := c.SiteFor(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("SiteFor(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
	if got := c.SiteFor(netip.Addr{}); got != "" {
		t.Errorf("SiteFor(invalid) = %q", got)
	}
	var nilConfig *Config
	if got := nilConfig.SiteFor(netip.MustParseAddr("10.0.0.1")); got != "" {
		t.Errorf("nil Config: SiteFor = %q", got)
	}
	if len(c.Sites) != 7 || len(c.Sites[6].CIDRs) != 0 {
		t.Errorf("a site without cidrs is kept: %+v", c.Sites)
	}
}

// TestSiteTableMatchesBruteForce compares the flattened table with the
// definition (longest containing prefix) on random nested prefixes.
func TestSiteTableMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var sites []Site
		seen := map[netip.Prefix]bool{}
		for i := range 1 + rng.IntN(8) {
			s := Site{Name: string(rune('a' + i))}
			for range rng.IntN(6) {
				p := randPrefix(rng)
				if !seen[p] {
					seen[p] = true
					s.CIDRs = append(s.CIDRs, p)
				}
			}
			sites = append(sites, s)
		}
		c := &Config{Sites: sites, siteTable: buildSiteTable(sites)}
		flat := flatten(sites)
		for i := 1; i < len(flat); i++ {
			if !flat[i-1].r.To().Less(flat[i].r.From()) {
				t.Fatalf("round %d: table not sorted and disjoint: %v", round, flat)
			}
		}
		for range 500 {
			a := randAddr(rng)
			if got, want := c.SiteFor(a), bruteSiteFor(sites, a); got != want {
				t.Fatalf("round %d: SiteFor(%s) = %q, want %q; sites %+v", round, a, got, want, sites)
			}
		}
		// Prefix edges are where off-by-one errors hide.
		for _, s := range sites {
			for _, p := range s.CIDRs {
				for _, a := range []netip.Addr{p.Addr(), p.Addr().Prev(), lastIP(p), lastIP(p).Next()} {
					if !a.IsValid() {
						continue
					}
					if got, want := c.SiteFor(a), bruteSiteFor(sites, a); got != want {
						t.Fatalf("round %d: SiteFor(%s) = %q, want %q; sites %+v", round, a, got, want, sites)
					}
				}
			}
		}
	}
}

func lastIP(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func bruteSiteFor(sites []Site, a netip.Addr) string {
	best, bits := "", -1
	for _, s := range sites {
		for _, p := range s.CIDRs {
			if p.Contains(a) && p.Bits() > bits {
				best, bits = s.Name, p.Bits()
			}
		}
	}
	return best
}

// randPrefix draws prefixes from a small space so that they nest often.
func randPrefix(rng *rand.Rand) netip.Prefix {
	if rng.IntN(2) == 0 {
		a := netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(4)), byte(rng.IntN(256))})
		if rng.IntN(10) == 0 {
			a = netip.AddrFrom4([4]byte{255, 255, 255, byte(rng.IntN(256))})
		}
		p, _ := a.Prefix(rng.IntN(33))
		return p
	}
	b := [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(rng.IntN(4))}
	b[15] = byte(rng.IntN(256))
	if rng.IntN(10) == 0 {
		b = [16]byte{0: 0xff, 1: 0xff, 15: byte(rng.IntN(256))}
	}
	p, _ := netip.AddrFrom16(b).Prefix(rng.IntN(129))
	return p
}

func randAddr(rng *rand.Rand) netip.Addr {
	if rng.IntN(2) == 0 {
		return netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(4)), byte(rng.IntN(256))})
	}
	b := [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(rng.IntN(4))}
	b[15] = byte(rng.IntN(256))
	return netip.AddrFrom16(b)
}

func TestSiteForAllocs(t *testing.T) {
	c := bigConfig(t, 2000)
	a := netip.MustParseAddr("10.3.7.1")
	if n := testing.AllocsPerRun(100, func() { _ = c.SiteFor(a) }); n != 0 {
		t.Errorf("SiteFor allocates %v times per call", n)
	}
	if got := c.SiteFor(a); got != "s775" {
		t.Errorf("SiteFor(%s) = %q", a, got)
	}
}

// bigConfig has n sites of one /24 each under a shared /8.
func bigConfig(t testing.TB, n int) *Config {
	var b strings.Builder
	b.WriteString("sites:\n  - name: all\n    cidrs: [10.0.0.0/8]\n")
	for i := range n {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
		b.WriteString("  - name: s" + itoa(i) + "\n    cidrs: [" + p.String() + "]\n")
	}
	return mustParse(t, b.String())
}

func itoa(i int) string { return strconv.Itoa(i) }

func BenchmarkSiteFor(b *testing.B) {
	c := bigConfig(b, 4000)
	addrs := make([]netip.Addr, 1024)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{10, byte(rng.IntN(20)), byte(rng.IntN(256)), byte(rng.IntN(256))})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = c.SiteFor(addrs[i%len(addrs)])
	}
}
