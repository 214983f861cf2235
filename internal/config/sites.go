package config

import (
	"cmp"
	"net/netip"
	"slices"
	"sort"

	"go4.org/netipx"
)

// Site is a named part of the network, such as a building or a data
// centre. Findings are labelled with the site whose CIDRs contain the
// host's address, so reports can be split by who must act on them.
type Site struct {
	// Name labels findings and is what --site NAME refers to; unique and
	// non-empty.
	Name string
	// CIDRs are the prefixes that belong to the site, masked (no host bits)
	// and with IPv4-mapped IPv6 prefixes turned into IPv4 ones. They may
	// overlap other sites' CIDRs: the most specific prefix wins. May be
	// empty for a site given only with --site.
	CIDRs []netip.Prefix
	// Description is free text for people; "" when not given.
	Description string
}

// siteSpan is a range of addresses that all belong to one site.
type siteSpan struct {
	r    netipx.IPRange
	site int // index into Config.Sites
}

// span4 is an IPv4 siteSpan as integers: most scans are IPv4, and integer
// comparisons make a lookup several times faster than netip.Addr ones.
type span4 struct {
	lo, hi uint32
	site   int
}

// siteTable answers SiteFor in O(log n). Site prefixes either nest or are
// disjoint, so the most specific prefix of every address can be decided
// once, when loading, by cutting the address space into disjoint ranges
// each owned by one site; a lookup is then one binary search.
type siteTable struct {
	v4 []span4    // sorted, disjoint
	v6 []siteSpan // sorted, disjoint
}

// sitePrefix is one site CIDR while the table is built.
type sitePrefix struct {
	p    netip.Prefix
	site int
}

// buildSiteTable flattens the sites' prefixes into disjoint ranges, each
// owned by the most specific prefix that covers it. The prefixes must be
// masked and distinct (validation guarantees both).
func buildSiteTable(sites []Site) siteTable {
	var st siteTable
	for _, sp := range flatten(sites) {
		if sp.r.From().Is4() {
			st.v4 = append(st.v4, span4{u32(sp.r.From()), u32(sp.r.To()), sp.site})
		} else {
			st.v6 = append(st.v6, sp)
		}
	}
	return st
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// flatten cuts the address space covered by the sites' prefixes into
// sorted, disjoint ranges, each owned by the most specific prefix covering
// it. Adjacent ranges of one site are merged. IPv4 sorts before IPv6, as
// netip.Addr does.
func flatten(sites []Site) []siteSpan {
	var ps []sitePrefix
	for i, s := range sites {
		for _, p := range s.CIDRs {
			ps = append(ps, sitePrefix{p, i})
		}
	}
	// Outer prefixes before the prefixes they contain: by start address,
	// then shorter first.
	slices.SortFunc(ps, func(a, b sitePrefix) int {
		return cmp.Or(a.p.Addr().Compare(b.p.Addr()), cmp.Compare(a.p.Bits(), b.p.Bits()))
	})

	var (
		t     []siteSpan
		stack []sitePrefix // open prefixes, each containing the next
		cur   netip.Addr   // first address not yet assigned
	)
	emit := func(from, to netip.Addr, site int) {
		if !from.IsValid() || to.Less(from) {
			return
		}
		if n := len(t); n > 0 && t[n-1].site == site && t[n-1].r.To().Next() == from {
			t[n-1].r = netipx.IPRangeFrom(t[n-1].r.From(), to)
			return
		}
		t = append(t, siteSpan{netipx.IPRangeFrom(from, to), site})
	}
	// pop closes the innermost open prefix, assigning what is left of it.
	pop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		last := netipx.PrefixLastIP(top.p)
		emit(cur, last, top.site)
		// Past the end of the address family Next is invalid; every prefix
		// still open ends there too, so nothing is left to assign.
		cur = last.Next()
	}
	for _, sp := range ps {
		start := sp.p.Addr()
		for len(stack) > 0 && netipx.PrefixLastIP(stack[len(stack)-1].p).Less(start) {
			pop()
		}
		if len(stack) > 0 && cur.IsValid() && cur.Less(start) {
			emit(cur, start.Prev(), stack[len(stack)-1].site)
		}
		cur = start
		stack = append(stack, sp)
	}
	for len(stack) > 0 {
		pop()
	}
	return t
}

// lookup returns the index of the site owning a, or -1. a must be unmapped
// and without zone.
func (t *siteTable) lookup(a netip.Addr) int {
	if a.Is4() {
		v := u32(a)
		lo, hi := 0, len(t.v4) // binary search for the first span with hi >= v
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if t.v4[m].hi < v {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(t.v4) && t.v4[lo].lo <= v {
			return t.v4[lo].site
		}
		return -1
	}
	i := sort.Search(len(t.v6), func(i int) bool { return !t.v6[i].r.To().Less(a) })
	if i < len(t.v6) && t.v6[i].r.Contains(a) {
		return t.v6[i].site
	}
	return -1
}

// SiteFor returns the name of the site whose CIDRs contain addr, the most
// specific prefix winning when several sites' CIDRs do; "" when none does
// or c is nil. IPv4-mapped IPv6 addresses count as IPv4 and zones are
// ignored, as targets.Spec does, so a socket's peer address and the
// scanner's target get the same site. It does no allocation and takes
// O(log n) in the number of CIDRs, because it runs for every host of a scan.
func (c *Config) SiteFor(addr netip.Addr) string {
	if c == nil || !addr.IsValid() {
		return ""
	}
	if i := c.siteTable.lookup(addr.Unmap().WithZone("")); i >= 0 {
		return c.Sites[i].Name
	}
	return ""
}

// Site returns the site called name, so that --site NAME can be checked
// against the config file.
func (c *Config) Site(name string) (Site, bool) {
	if c != nil {
		for _, s := range c.Sites {
			if s.Name == name {
				return s, true
			}
		}
	}
	return Site{}, false
}
