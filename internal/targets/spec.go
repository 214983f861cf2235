package targets

import (
	"iter"
	"math"
	"net/netip"
	"sort"

	"go4.org/netipx"
)

// Host is one address to scan.
type Host struct {
	Addr netip.Addr
	// Name is the hostname the user gave that resolved to Addr, or "".
	// It is evidence (DESIGN key "hostname"), so it is set only on the
	// resolved address itself, never on its neighbours in "name/24".
	Name string
}

// Spec is the scope of a scan: the included targets minus the exclusions.
// Parse builds it; it is immutable afterwards and safe for concurrent use.
//
// Target syntax is nmap's: IPv4 and IPv6 addresses; CIDR blocks
// ("192.0.2.0/24", "2001:db8::/120"; host bits are ignored); IPv4 octet
// ranges, each octet "*" or a comma list of N, N-M, -M, N- ("192.0.2.1-254",
// "10.0.1-3.1-10", "10.0.0,2.1"), optionally with a prefix length applied to
// every member ("10.0.1-3.0/24" is 10.0.1.0/24 through 10.0.3.0/24); and
// hostnames, optionally with a prefix length ("gw.example/30").
//
// Addresses are held as sorted ranges plus, for octet patterns too scattered
// to list, the patterns themselves, so a /16 costs a few bytes, not 65,536
// entries.
type Spec struct {
	v4       []span           // included IPv4, exclusions removed; sorted, disjoint
	v6       []netipx.IPRange // included IPv6, exclusions removed; sorted, disjoint
	sparse   []pattern        // scattered IPv4 includes; exclusions not removed
	ex4      []span           // excluded IPv4 ranges, to filter sparse
	exSparse []pattern        // scattered IPv4 exclusions
	names    map[netip.Addr]string
	count    func() uint64 // memoized countSlow
}

// Contains reports whether a is in scope: named by an include and by no
// exclusion. IPv4-mapped IPv6 addresses are treated as IPv4 and zones are
// ignored, so that a dialer checking a socket's peer gets the same answer as
// the scanner that chose it.
func (s *Spec) Contains(a netip.Addr) bool {
	if s == nil || !a.IsValid() {
		return false
	}
	a = a.Unmap().WithZone("")
	if !a.Is4() {
		i := sort.Search(len(s.v6), func(i int) bool { return !s.v6[i].To().Less(a) })
		return i < len(s.v6) && s.v6[i].Contains(a)
	}
	v := uint4(a)
	for i := range s.exSparse {
		if s.exSparse[i].contains(v) {
			return false
		}
	}
	if inSpans(s.v4, v) {
		return true
	}
	for i := range s.sparse {
		if s.sparse[i].contains(v) {
			return !inSpans(s.ex4, v)
		}
	}
	return false
}

func inSpans(ss []span, v uint32) bool {
	i := sort.Search(len(ss), func(i int) bool { return ss[i].hi >= v })
	return i < len(ss) && ss[i].lo <= v
}

// Count returns the number of addresses in scope, each counted once however
// many includes name it (saturating at MaxUint64). The first call may walk
// scattered octet patterns; later calls are free.
func (s *Spec) Count() uint64 {
	if s == nil || s.count == nil {
		return 0
	}
	return s.count()
}

// upperBound is Count without walking patterns: exact unless scattered
// patterns overlap other targets or scattered exclusions.
func (s *Spec) upperBound() uint64 {
	var n uint64
	for _, sp := range s.v4 {
		n = addSat(n, uint64(sp.hi-sp.lo)+1)
	}
	for _, r := range s.v6 {
		n = addSat(n, rangeSize(r))
	}
	for i := range s.sparse {
		n = addSat(n, s.sparse[i].size())
	}
	return n
}

func (s *Spec) countSlow() uint64 {
	if len(s.sparse) == 0 && len(s.exSparse) == 0 {
		return s.upperBound()
	}
	var n uint64
	for _, r := range s.v6 {
		n = addSat(n, rangeSize(r))
	}
	for range s.walk4 {
		n++
	}
	return n
}

// Hosts yields every address in scope once, in ascending order (IPv4 before
// IPv6), computing each from the ranges as it goes. The order is stable so
// that a scan can be resumed and two runs compared.
func (s *Spec) Hosts() iter.Seq[Host] {
	return func(yield func(Host) bool) {
		if s == nil {
			return
		}
		emit := func(a netip.Addr) bool {
			h := Host{Addr: a}
			if s.names != nil {
				h.Name = s.names[a]
			}
			return yield(h)
		}
		for v := range s.walk4 {
			if !emit(addr4(v)) {
				return
			}
		}
		for _, r := range s.v6 {
			for a := r.From(); ; a = a.Next() {
				if !emit(a) {
					return
				}
				if a == r.To() {
					break
				}
			}
		}
	}
}

// walk4 yields the in-scope IPv4 addresses in ascending order. Without
// scattered patterns it just runs through the spans. Otherwise it merges the
// spans with each pattern's next member (computed, not stored), skipping
// whole excluded ranges at once.
func (s *Spec) walk4(yield func(uint32) bool) {
	if len(s.sparse) == 0 && len(s.exSparse) == 0 {
		for _, sp := range s.v4 {
			for v := uint64(sp.lo); v <= uint64(sp.hi); v++ {
				if !yield(uint32(v)) {
					return
				}
			}
		}
		return
	}
	next := make([]uint64, len(s.sparse)) // each pattern's first member >= cur
	for i := range s.sparse {
		next[i] = s.sparse[i].ceil(0)
	}
	ri, ei := 0, 0
	for cur := uint64(0); cur <= math.MaxUint32; {
		for ri < len(s.v4) && uint64(s.v4[ri].hi) < cur {
			ri++
		}
		m := none4
		if ri < len(s.v4) {
			m = max(cur, uint64(s.v4[ri].lo))
		}
		for i := range s.sparse {
			if next[i] < cur {
				next[i] = s.sparse[i].ceil(cur)
			}
			m = min(m, next[i])
		}
		if m == none4 {
			return
		}
		v := uint32(m)
		cur = m + 1
		if ri >= len(s.v4) || s.v4[ri].lo > v { // from a pattern only
			for ei < len(s.ex4) && s.ex4[ei].hi < v {
				ei++
			}
			if ei < len(s.ex4) && s.ex4[ei].lo <= v {
				cur = uint64(s.ex4[ei].hi) + 1
				continue
			}
		}
		if s.excludedSparse(v) {
			continue
		}
		if !yield(v) {
			return
		}
	}
}

func (s *Spec) excludedSparse(v uint32) bool {
	for i := range s.exSparse {
		if s.exSparse[i].contains(v) {
			return true
		}
	}
	return false
}
