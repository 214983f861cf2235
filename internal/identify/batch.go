package identify

import (
	"sort"
	"strings"

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
	unknown map[string]int
}

type cacheKey struct{ key, path, value string }

// memo is the shared result for one distinct value: claims and the evidence
// copy of the value, so hosts with the same value share memory.
type memo struct {
	claims []claim
	value  string
}

type host struct {
	name     string
	evidence []hostClaim
	dropped  int
}

type hostClaim struct {
	c     *claim
	value string
	port  int
	path  string
}

// NewBatch starts an empty batch.
func (e *Engine) NewBatch() *Batch {
	return &Batch{e: e, index: map[string]*host{}, cache: map[cacheKey]*memo{}, unknown: map[string]int{}}
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
	b.add(h, o.Key, o.Value, o.Path, o.Port)
	if o.MAC != "" && o.Key != "mac" {
		b.add(h, "mac", o.MAC, "", 0)
	}
}

func (b *Batch) add(h *host, key, value, path string, port int) {
	m := b.lookup(key, value, path)
	for i := range m.claims {
		if len(h.evidence) >= maxClaimsPerHost {
			h.dropped++
			continue
		}
		if h.has(&m.claims[i], port) {
			continue
		}
		h.evidence = append(h.evidence, hostClaim{c: &m.claims[i], value: m.value, port: port, path: path})
	}
}

// has reports whether the same claim from the same value is already held,
// so duplicate observations do not inflate evidence.
func (h *host) has(c *claim, port int) bool {
	for _, hc := range h.evidence {
		if hc.c == c && hc.port == port {
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
	m := &memo{claims: claims}
	if len(claims) > 0 {
		m.value = shorten(value)
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
		return strings.Clone(v)
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
