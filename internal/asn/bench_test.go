package asn

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// benchPrefixes is the size of the synthetic tables: about a tenth of a
// full Internet table, more than all the covered carriers announce.
const benchPrefixes = 100_000

// benchList writes a prefix list of benchPrefixes random /16-/24 IPv4 and
// /32-/48 IPv6 prefixes over 5,000 ASNs, and returns lookup addresses.
func benchList(b *testing.B) (path string, addrs []netip.Addr, recs map[string]mmdbtype.Map) {
	r := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	recs = map[string]mmdbtype.Map{}
	for i := 0; i < benchPrefixes; i++ {
		var pfx netip.Prefix
		if i%5 == 0 {
			var a [16]byte
			a[0], a[1] = 0x20, 0x01
			for j := 2; j < 6; j++ {
				a[j] = byte(r.Uint32())
			}
			pfx = netip.PrefixFrom(netip.AddrFrom16(a), 32+r.IntN(17)).Masked()
		} else {
			a := [4]byte{byte(1 + r.IntN(222)), byte(r.Uint32()), byte(r.Uint32()), 0}
			pfx = netip.PrefixFrom(netip.AddrFrom4(a), 16+r.IntN(9)).Masked()
		}
		asn := uint32(1 + r.IntN(5000))
		fmt.Fprintf(&sb, "%s AS%d NET-%d\n", pfx, asn, asn)
		recs[pfx.String()] = mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(asn), "autonomous_system_organization": mmdbtype.String(fmt.Sprintf("NET-%d", asn))}
	}
	path = filepath.Join(b.TempDir(), "bench.txt")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 4096; i++ {
		if i%5 == 0 {
			var a [16]byte
			a[0], a[1] = 0x20, 0x01
			for j := 2; j < 16; j++ {
				a[j] = byte(r.Uint32())
			}
			addrs = append(addrs, netip.AddrFrom16(a))
		} else {
			addrs = append(addrs, netip.AddrFrom4([4]byte{byte(1 + r.IntN(222)), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())}))
		}
	}
	return path, addrs, recs
}

// BenchmarkLookup reports lookups per second over a prefix list and a
// MaxMind DB holding the same 100,000 networks, plain and through Watch
// (which decodes AS names only for interesting ASNs).
func BenchmarkLookup(b *testing.B) {
	path, addrs, recs := benchList(b)
	list, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	mm, err := Open(writeMMDB(b, "GeoLite2-ASN", recs))
	if err != nil {
		b.Fatal(err)
	}
	defer mm.Close()
	interesting := func(asn uint32) (string, bool) { return "", asn%100 == 0 }
	for _, bc := range []struct {
		name   string
		lookup func(netip.Addr) bool
	}{
		{"prefix-list", func(a netip.Addr) bool { _, _, ok := list.Lookup(a); return ok }},
		{"mmdb", func(a netip.Addr) bool { _, _, ok := mm.Lookup(a); return ok }},
		{"watch-prefix-list", func(a netip.Addr) bool { _, ok := Watch(list, interesting).LookupNetwork(a); return ok }},
		{"watch-mmdb", func(a netip.Addr) bool { _, ok := Watch(mm, interesting).LookupNetwork(a); return ok }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			hits, i := 0, 0
			for b.Loop() {
				if bc.lookup(addrs[i%len(addrs)]) {
					hits++
				}
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "lookups/s")
			if hits == 0 {
				b.Fatal("no lookup hit")
			}
		})
	}
}

// BenchmarkParse reports how fast a prefix list loads.
func BenchmarkParse(b *testing.B) {
	path, _, _ := benchList(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	for b.Loop() {
		if _, err := Open(path); err != nil {
			b.Fatal(err)
		}
	}
}
