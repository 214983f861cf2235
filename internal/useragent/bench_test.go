package useragent

import (
	"strings"
	"testing"
)

// distinctUAs returns up to n distinct generated User-Agents accepted by keep.
func distinctUAs(n int, keep func(string) bool) []string {
	seen := make(map[string]bool, n)
	var out []string
	for seed := uint64(1); len(out) < n && seed < 64; seed++ {
		for _, ua := range generateUAs(n, seed) {
			if !seen[ua] && keep(ua) {
				seen[ua] = true
				out = append(out, ua)
			}
		}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// BenchmarkParseMixed parses distinct User-Agents cold: the set is 16 times
// larger than the cache, so no iteration is a cache hit. The regexes the set
// needs are compiled beforehand, as they are after the first few thousand
// UAs of a run; TestLazyCompileCost reports what that costs.
func BenchmarkParseMixed(b *testing.B) {
	sets := []struct {
		name string
		keep func(string) bool
	}{
		{"mix", func(string) bool { return true }},
		{"android", func(ua string) bool { return strings.Contains(ua, "Android") }},
		{"ios", func(ua string) bool { return strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad") }},
		{"desktop", func(ua string) bool {
			return (strings.Contains(ua, "Windows NT") || strings.Contains(ua, "Macintosh") || strings.Contains(ua, "X11")) && !strings.Contains(ua, "Android")
		}},
	}
	for _, s := range sets {
		uas := distinctUAs(16*cacheEntries, s.keep)
		b.Run(s.name, func(b *testing.B) {
			p, err := New()
			if err != nil {
				b.Fatal(err)
			}
			// Compile the regexes these UAs need (see regexVariant) before
			// timing, then time cold parses with an empty cache.
			for _, ua := range uas {
				p.Parse(ua)
			}
			p.cache = nil
			i := 0
			for b.Loop() {
				p.Parse(uas[i%len(uas)])
				i++
			}
		})
	}
}

// BenchmarkNew is the cost of the first New: building the catalog, that is
// parsing uap-core's YAML and analysing its regexes (compiling them is left
// to their first use). Later calls share the catalog.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := newCatalog(); err != nil {
			b.Fatal(err)
		}
	}
}
