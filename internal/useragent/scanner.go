package useragent

import (
	"math/bits"
	"sync"
)

// litScanner finds, in one pass over a folded UA, which of many literals it
// contains, and reports the factors (sets of literals) they satisfy. uap-core
// yields thousands of distinct literals; testing each with strings.Contains
// would cost more than the regexes it saves.
//
// Each literal of three or more bytes is anchored at one of its three-byte
// runs, the one whose first two bytes are rarest in typicalUAs: "; advent "
// at "dve", not at "; a", which many Android UAs hold. A UA position is
// looked at only when its two bytes start some anchor (a bit in lead) and
// the hash of its three bytes is that of some anchor (a bit in tri).
// Two-byte literals are found through an exact table of pairs, one-byte
// literals through the sets of bytes the UA and its folded form contain.
type litScanner struct {
	// recs, by literal id, locate each literal's text and factors in text
	// and facts: one block of memory each, as a scan of a UA touches
	// literals all over.
	recs     []litRec
	text     []byte
	facts    []int32
	single   [256][]int32 // one-byte literal → factors it satisfies
	nfactors int

	lits       []litAnchor // while building
	litFactors [][]int32   // literal id → factors it satisfies, while building

	tri, pair table
	exact1    [256][]int32 // one-byte case-sensitive letter → factors it satisfies
	// lead has the bit of every pair that starts a two-byte literal or a
	// trigram anchor: many UA positions are passed over after testing it.
	lead [1 << 16 / 64]uint64
	// bytes says there are one-byte literals to look for (see minScanned).
	bytes bool

	ids map[string]int32 // literal → id, while building
}

// litRec is a literal of a compiled scanner.
type litRec struct {
	low, enc uint32 // offsets in text of litLower(lit) and of lit
	n        uint16 // its length
	off      uint8  // offset of its anchor
	exact    bool   // caseSensitive(lit)
	f0, f1   uint32 // its factors: facts[f0:f1]
}

type litAnchor struct {
	s     string // the literal (see literal.go)
	low   string // litLower(s): how it appears in the folded UA
	off   int    // offset of the anchor in low
	exact bool   // caseSensitive(s)
}

// table maps a 16-bit key to literal ids. The keys in use are the bits of
// used; the ids for the key of rank i (the i-th bit set) are
// entries[start[i]:start[i+1]]; rank[w] counts the bits set in used[:w].
type table struct {
	used    [1 << 16 / 64]uint64
	rank    [1 << 16 / 64]uint16
	start   []int32
	entries []int32
	build   map[uint16][]int32
}

func (t *table) add(key uint16, id int32) {
	if t.build == nil {
		t.build = make(map[uint16][]int32)
	}
	t.build[key] = append(t.build[key], id)
}

func (t *table) compile() {
	t.start = append(t.start[:0], 0)
	for key := range 1 << 16 {
		if b, ok := t.build[uint16(key)]; ok {
			t.used[key>>6] |= 1 << (key & 63)
			t.entries = append(t.entries, b...)
			t.start = append(t.start, int32(len(t.entries)))
		}
	}
	n := 0
	for w, word := range t.used {
		t.rank[w] = uint16(n)
		n += bits.OnesCount64(word)
	}
	t.build = nil
}

// lookup returns the literal ids under key.
func (t *table) lookup(key uint16) []int32 {
	word := t.used[key>>6]
	if word&(1<<(key&63)) == 0 {
		return nil
	}
	r := int(t.rank[key>>6]) + bits.OnesCount64(word&(1<<(key&63)-1))
	return t.entries[t.start[r]:t.start[r+1]]
}

// bitset is a set of small integers.
type bitset []uint64

func newBitset(n int) bitset      { return make(bitset, (n+63)/64) }
func (b bitset) set(i int32)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func triKey(a, b, c byte) uint16 {
	return uint16((uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9E3779B1 >> 16)
}

func pairKey(a, b byte) uint16 { return uint16(a)<<8 | uint16(b) }

// typicalTris counts the three- and two-byte runs of the folded typical
// UAs.
var typicalTris = sync.OnceValues(func() (tris, pairs map[string]int) {
	tris, pairs = make(map[string]int), make(map[string]int)
	for _, s := range typicalSubjects {
		for i := 0; i+1 < len(s.folded); i++ {
			pairs[string(s.folded[i:i+2])]++
			if i+2 < len(s.folded) {
				tris[string(s.folded[i:i+3])]++
			}
		}
	}
	return tris, pairs
})

// addFactor registers factor id's literals. Literals must be non-empty.
func (s *litScanner) addFactor(id int32, f factor) {
	if s.ids == nil {
		s.ids = make(map[string]int32)
	}
	s.nfactors = max(s.nfactors, int(id)+1)
	for _, lit := range f {
		low, exact := litLower(lit), caseSensitive(lit)
		if len(lit) == 1 {
			if exact {
				s.exact1[lit[0]] = append(s.exact1[lit[0]], id)
			} else {
				s.single[low[0]] = append(s.single[low[0]], id)
			}
			continue
		}
		i, ok := s.ids[lit]
		if !ok {
			i = int32(len(s.lits))
			s.ids[lit] = i
			s.litFactors = append(s.litFactors, nil)
			switch len(low) {
			case 1:
				s.lits = append(s.lits, litAnchor{lit, low, 0, exact})
			case 2:
				s.lits = append(s.lits, litAnchor{lit, low, 0, exact})
				s.pair.add(pairKey(low[0], low[1]), i)
				s.setLead(low[0], low[1])
			default:
				off := s.anchor(low)
				s.lits = append(s.lits, litAnchor{lit, low, off, exact})
				s.tri.add(triKey(low[off], low[off+1], low[off+2]), i)
				s.setLead(low[off], low[off+1])
			}
		}
		s.litFactors[i] = append(s.litFactors[i], id)
	}
}

func (s *litScanner) setLead(a, b byte) {
	k := pairKey(a, b)
	s.lead[k>>6] |= 1 << (k & 63)
}

// anchor returns the offset in low of the three bytes to anchor it at: the
// ones whose first two bytes (which gate the scan, see lead) are least seen
// in typical UAs, the smaller bucket breaking ties.
func (s *litScanner) anchor(low string) int {
	_, pairs := typicalTris()
	cost := func(k int) int { // the pair's count first, the bucket's size breaking ties
		return pairs[low[k:k+2]]<<16 + len(s.tri.build[triKey(low[k], low[k+1], low[k+2])])
	}
	off := 0
	for k := 1; k+2 < len(low); k++ {
		if cost(k) < cost(off) {
			off = k
		}
	}
	return off
}

// compile lays the tables out for scan, after the last addFactor.
func (s *litScanner) compile() {
	s.tri.compile()
	s.pair.compile()
	s.recs = make([]litRec, len(s.lits))
	for i, l := range s.lits {
		r := &s.recs[i]
		r.n, r.off, r.exact = uint16(len(l.low)), uint8(l.off), l.exact
		r.low = uint32(len(s.text))
		s.text = append(s.text, l.low...)
		r.enc = uint32(len(s.text))
		s.text = append(s.text, l.s...)
		r.f0 = uint32(len(s.facts))
		s.facts = append(s.facts, s.litFactors[i]...)
		r.f1 = uint32(len(s.facts))
	}
	s.ids, s.lits, s.litFactors = nil, nil, nil
	for c := range s.single {
		s.bytes = s.bytes || len(s.single[c]) > 0 || len(s.exact1[c]) > 0
	}
}

// scan sets in hit (sized for nfactors) the factors the UA satisfies.
func (s *litScanner) scan(in *subject, hit bitset) {
	if s.bytes {
		s.scanBytes(in, hit)
	}
	f := in.folded
	for i := 0; i+1 < len(f); i++ {
		k := pairKey(f[i], f[i+1])
		if s.lead[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, l := range s.pair.lookup(k) {
			s.check(in, l, i, hit)
		}
		if i+2 == len(f) {
			break
		}
		for _, l := range s.tri.lookup(triKey(f[i], f[i+1], f[i+2])) {
			r := &s.recs[l]
			if p := i - int(r.off); p >= 0 && p+int(r.n) <= len(f) &&
				string(f[p:p+int(r.n)]) == string(s.text[r.low:r.low+uint32(r.n)]) {
				s.check(in, l, p, hit)
			}
		}
	}
}

// upperBits returns the letters 'A'..'Z' of a byte set as bits 0..25;
// they are bits 1..26 of its second word.
func upperBits(set [4]uint64) uint64 { return set[1] >> ('A' - 64) & (1<<26 - 1) }

// lowerBits returns the letters 'a'..'z' of a byte set as bits 0..25.
func lowerBits(set [4]uint64) uint64 { return set[1] >> ('a' - 64) & (1<<26 - 1) }

// scanBytes sets the factors of the one-byte literals: those the bytes of
// the folded UA satisfy, and the case-sensitive letters those of the UA do.
func (s *litScanner) scanBytes(in *subject, hit bitset) {
	var seen, raw [4]uint64 // bytes of folded, and of the UA
	if in.aligned {
		for i := 0; i < len(in.ua); i++ {
			c := in.ua[i]
			raw[c>>6] |= 1 << (c & 63)
		}
		seen = raw
		seen[1] |= upperBits(raw) << ('a' - 64)
	} else { // case cannot be checked: any case will do
		for _, c := range in.folded {
			seen[c>>6] |= 1 << (c & 63)
		}
		raw = seen
		raw[1] |= lowerBits(seen) << ('A' - 64)
	}
	for w := range seen {
		for word := seen[w]; word != 0; word &= word - 1 {
			for _, f := range s.single[w*64+bits.TrailingZeros64(word)] {
				hit.set(f)
			}
		}
		for word := raw[w]; word != 0; word &= word - 1 {
			for _, f := range s.exact1[w*64+bits.TrailingZeros64(word)] {
				hit.set(f)
			}
		}
	}
}

// check sets the factors of literal l when it occurs at p, its folded form
// being known to.
func (s *litScanner) check(in *subject, l int32, p int, hit bitset) {
	r := &s.recs[l]
	if r.exact && !in.exactAtBytes(s.text[r.enc:r.enc+uint32(r.n)], p) {
		return
	}
	for _, f := range s.facts[r.f0:r.f1] {
		hit.set(f)
	}
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}
