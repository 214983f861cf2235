package fingerprint

import "strings"

// needleIndex finds, in one pass over a value, which literal sets of a key's
// rules it hits, instead of one strings.Contains per needle per rule. Each
// needle is filed under its first two bytes; a 64-kilobit table says which
// byte pairs start any needle, so most positions of a value cost one bit
// test. It gives exactly the answers of mayMatch (TestNeedleIndexAgrees).
type needleIndex struct {
	raw, fold pairTable
	sets      int // literal sets of all rules, numbered in rule order
	// first[i] is the number of the first set of rule i.
	first []int
}

// pairTable files needles under their first two bytes.
type pairTable struct {
	starts [1 << 16 / 64]uint64
	byPair map[uint16][]indexedNeedle
}

type indexedNeedle struct {
	s   string
	set int
}

// maxIndexedSets is the most literal sets a key's index tracks: the hit
// bits live on the stack. Keys with more rules fall back to mayMatch.
const maxIndexedSets = 1024

type hitSet [maxIndexedSets / 64]uint64

func (h *hitSet) set(i int)      { h[i/64] |= 1 << (i % 64) }
func (h *hitSet) has(i int) bool { return h[i/64]&(1<<(i%64)) != 0 }

func newNeedleIndex(rules []*Rule) *needleIndex {
	x := &needleIndex{first: make([]int, len(rules))}
	for i, r := range rules {
		x.first[i] = x.sets
		for _, set := range r.needles {
			for _, n := range set {
				t := &x.raw
				if n.fold {
					t = &x.fold
				}
				t.add(n.s, x.sets)
			}
			x.sets++
		}
	}
	if x.sets > maxIndexedSets {
		return nil
	}
	return x
}

func (t *pairTable) add(s string, set int) {
	p := pair(s, 0)
	t.starts[p/64] |= 1 << (p % 64)
	if t.byPair == nil {
		t.byPair = map[uint16][]indexedNeedle{}
	}
	t.byPair[p] = append(t.byPair[p], indexedNeedle{s, set})
}

func pair(s string, i int) uint16 { return uint16(s[i])<<8 | uint16(s[i+1]) }

// scan marks the sets whose needles occur in v.
func (t *pairTable) scan(v string, hits *hitSet) {
	if t.byPair == nil {
		return
	}
	for i := 0; i+1 < len(v); i++ {
		p := pair(v, i)
		if t.starts[p/64]&(1<<(p%64)) == 0 {
			continue
		}
		for _, n := range t.byPair[p] {
			if !hits.has(n.set) && strings.HasPrefix(v[i:], n.s) {
				hits.set(n.set)
			}
		}
	}
}

// hits returns the literal sets that value hits, lower-casing it (into
// *lower) only when some needle is case-folded.
func (x *needleIndex) hits(value string, lower *string, h *hitSet) {
	x.raw.scan(value, h)
	if x.fold.byPair != nil {
		if *lower == "" {
			*lower = strings.ToLower(value)
		}
		x.fold.scan(*lower, h)
	}
}

// passes reports whether rule i's literal sets are all hit.
func (x *needleIndex) passes(i int, r *Rule, h *hitSet) bool {
	for j := range r.needles {
		if !h.has(x.first[i] + j) {
			return false
		}
	}
	return true
}
