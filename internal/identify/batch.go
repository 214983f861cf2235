package identify

import (
	"sort"

	"github.com/coveredtool/covered"
)

// maxCache bounds the memo of (key, path, value) → claims. Values repeat a
// lot across hosts (one firmware banner on a thousand cameras); when the memo
// is full it is dropped and refilled, so memory stays bounded.
const maxCache = 1 << 16

// maxClaimsPerHost bounds evidence kept per host, so a host that sends the
// same kind of value a million times cannot grow without limit.
const maxClaimsPerHost = 64

// Batch accumulates observations per host and then yields identifications
// in order of first appearance. Memory grows with the number of hosts and the
// evidence they gave, not with the number of observations.
type Batch struct {
	e       *Engine
	hosts   []*host
	index   map[string]*host
	cache   map[cacheKey]*memo
	shared  map[claim][]claim // interned single claims, see lookup
	unknown map[string]int
}

type cacheKey struct{ key, path, value string }

// memo is the shared result for one distinct value: claims, the evidence
// copy of the value and its path, so hosts with the same value share memory.
type memo struct {
	claims []claim
	value  string
	path   string
}

type host struct {
	name     string
	evidence []hostClaim
	dropped  int
}

// hostClaim is one claim held by one host: 24 bytes, since a network of
// 200,000 hosts holds a million of them.
type hostClaim struct {
	m    *memo
	i    int32 // index into m.claims
	port int32
}

func (hc hostClaim) claim() *claim { return &hc.m.claims[hc.i] }

// NewBatch starts an empty batch.
func (e *Engine) NewBatch() *Batch {
	return &Batch{e: e, index: map[string]*host{}, cache: map[cacheKey]*memo{}, shared: map[claim][]claim{}, unknown: map[string]int{}}
}

// Add records one observation. Keys outside the vocabulary are counted
// (see Unknown) and otherwise ignored.
func (b *Batch) Add(o covered.Observation) {
	h := b.index[o.Host]
	if h == nil {
		h = &host{name: o.Host}
		b.index[o.Host] = h
		b.hosts = append(b.hosts, h)
	}
	if _, known := covered.Keys[o.Key]; !known {
		b.unknown[o.Key]++
		return
	}
	b.add(h, o.Key, o.Value, o.Path, int32(o.Port))
	if o.MAC != "" && o.Key != "mac" {
		b.add(h, "mac", o.MAC, "", 0)
	}
}

func (b *Batch) add(h *host, key, value, path string, port int32) {
	m := b.lookup(key, value, path)
	for i := range m.claims {
		hc := hostClaim{m: m, i: int32(i), port: port}
		switch {
		case h.has(hc):
			// The same claim from the same value: duplicates do not
			// inflate evidence.
		case len(h.evidence) >= maxClaimsPerHost:
			h.dropped++
		default:
			h.evidence = append(h.evidence, hc)
		}
	}
}

func (h *host) has(hc hostClaim) bool {
	for _, x := range h.evidence {
		if x == hc {
			return true
		}
	}
	return false
}

func (b *Batch) lookup(key, value, path string) *memo {
	ck := cacheKey{key, path, value}
	if m, ok := b.cache[ck]; ok {
		return m
	}
	claims := b.e.observe(key, value, path)
	// Distinct values often say the same thing (every MAC of one block,
	// every banner of one product line without a version field): share one
	// copy of such a claim instead of one per value. Bounded like the cache.
	if len(claims) == 1 {
		if c, ok := b.shared[claims[0]]; ok {
			claims = c
		} else {
			if len(b.shared) >= maxCache {
				clear(b.shared)
			}
			b.shared[claims[0]] = claims
		}
	}
	m := &memo{claims: claims}
	if len(claims) > 0 {
		m.value, m.path = shorten(value), path
	}
	if len(value) <= 4096 { // long bodies rarely repeat; do not pin them
		if len(b.cache) >= maxCache {
			clear(b.cache)
		}
		b.cache[ck] = m
	}
	return m
}

// Unknown returns the number of observations per key outside the vocabulary.
func (b *Batch) Unknown() map[string]int { return b.unknown }

// Len is the number of hosts seen.
func (b *Batch) Len() int { return len(b.hosts) }

// Each calls yield with the identification of every host, in order of first
// appearance, until yield returns false. The caller classifies them.
func (b *Batch) Each(yield func(covered.Identification) bool) {
	for _, h := range b.hosts {
		if !yield(b.e.combine(h)) {
			return
		}
	}
}

func shorten(v string) string {
	if len(v) <= maxEvidenceValue {
		return v
	}
	cut := maxEvidenceValue
	for cut > 0 && v[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return v[:cut] + "…"
}

// sortByCertainty orders evidence strongest first, keeping input order for ties.
func sortByCertainty(ev []covered.Evidence) {
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].Certainty > ev[j].Certainty })
}
