package identify

import (
	"cmp"
	"sort"
	"strings"
	"unsafe"

	"github.com/coveredtool/covered"
)

// maxCache bounds each generation of the memo of (key, path, value) →
// claims (see memoCache) and the tables of interned claims. Values repeat a
// lot across hosts (one firmware banner on a thousand cameras); full tables
// turn over, so memory stays bounded.
const maxCache = 1 << 14

// maxClaimsPerHost bounds evidence kept per host, so a host that sends the
// same kind of value a million times cannot grow without limit.
const maxClaimsPerHost = 64

// Batch accumulates observations per host and then yields identifications
// in order of first appearance. Memory grows with the number of hosts and the
// evidence they gave, not with the number of observations, and is laid out
// for networks of hundreds of thousands of hosts: host names and evidence
// values are packed into large byte chunks (no per-string objects for the
// garbage collector to trace), each host is one small record, each claim a
// 24-byte entry in a chunked arena, and claims are interned so that the
// thousand values that say "Huawei, HG8245H" share one.
type Batch struct {
	e        *Engine
	hosts    []host
	index    map[string]int32
	claims   claimArena
	text     textArena
	cache    memoCache
	interned map[claim]*claim
	sayings  map[says]*says
	unknown  map[string]int
	macHost  int32  // host whose MAC was added last, -1 before any
	mac      string // that MAC
}

type cacheKey struct{ key, path, value string }

// memo is the cached result for one distinct value: its claims and the
// evidence copy of the value.
type memo struct {
	claims []*claim
	value  textRef
}

// host is one device's record; its claims are a linked list in the claim
// arena, in the order they were added.
type host struct {
	name       string // in the text arena
	head, tail int32  // claim arena indexes, -1 when empty
	n          int32
}

// hostClaim is one claim held by one host: 24 bytes.
type hostClaim struct {
	c     *claim
	value textRef // evidence copy of the observed value
	next  int32   // next claim of the same host, -1 at the end
	port  uint16  // port of the observation, 0 when none
}

// claimArena holds every host's claims in fixed chunks, so growing it never
// copies (a doubling slice would briefly need twice the memory).
type claimArena struct{ chunks [][]hostClaim }

const chunkBits = 14

func (a *claimArena) add(hc hostClaim) int32 {
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last]) == cap(a.chunks[last]) {
		a.chunks = append(a.chunks, make([]hostClaim, 0, 1<<chunkBits))
		last++
	}
	a.chunks[last] = append(a.chunks[last], hc)
	return int32(last<<chunkBits | (len(a.chunks[last]) - 1))
}

func (a *claimArena) at(i int32) *hostClaim { return &a.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

// textArena packs strings into 1 MiB chunks that are never modified once
// written, so the strings it returns can point into them.
type textArena struct{ chunks [][]byte }

const (
	textChunkBits = 20
	textChunk     = 1 << textChunkBits
	// maxText is the longest string packed; longer ones (only host names
	// can be) get their own copy.
	maxText = 1<<16 - 1
)

// textRef locates a packed string: chunk<<textChunkBits | offset, and length.
type textRef struct {
	at uint32
	n  uint16
}

func (a *textArena) pack(s string) textRef {
	if len(s) == 0 {
		return textRef{}
	}
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last])+len(s) > textChunk {
		a.chunks = append(a.chunks, make([]byte, 0, textChunk))
		last++
	}
	at := len(a.chunks[last])
	a.chunks[last] = append(a.chunks[last], s...)
	return textRef{at: uint32(last<<textChunkBits | at), n: uint16(len(s))}
}

func (a *textArena) str(r textRef) string {
	if r.n == 0 {
		return ""
	}
	c := a.chunks[r.at>>textChunkBits]
	return unsafe.String(&c[r.at&(textChunk-1)], int(r.n))
}

// add packs s and returns it as a string that points into the arena.
func (a *textArena) add(s string) string {
	if len(s) > maxText {
		return strings.Clone(s)
	}
	return a.str(a.pack(s))
}

// NewBatch starts an empty batch.
func (e *Engine) NewBatch() *Batch {
	return &Batch{e: e, index: map[string]int32{}, interned: map[claim]*claim{}, sayings: map[says]*says{}, unknown: map[string]int{}, macHost: -1}
}

// Add records one observation. Keys outside the vocabulary are counted
// (see Unknown) and otherwise ignored.
func (b *Batch) Add(o covered.Observation) {
	hi, ok := b.index[o.Host]
	if !ok {
		hi = int32(len(b.hosts))
		name := b.text.add(o.Host)
		b.hosts = append(b.hosts, host{name: name, head: -1, tail: -1})
		b.index[name] = hi
	}
	if _, known := covered.Keys[o.Key]; !known {
		b.unknown[o.Key]++
		return
	}
	port := uint16(0)
	if o.Port > 0 && o.Port <= 65535 {
		port = uint16(o.Port)
	}
	h := &b.hosts[hi]
	b.add(h, o.Key, o.Value, o.Path, port)
	// Importers attach the device's MAC to each of its observations; one
	// record's observations come together, so the MAC is looked up once.
	if o.MAC != "" && o.Key != "mac" && (hi != b.macHost || o.MAC != b.mac) {
		b.add(h, "mac", o.MAC, "", 0)
		b.macHost, b.mac = hi, o.MAC
	}
}

func (b *Batch) add(h *host, key, value, path string, port uint16) {
	m := b.lookup(key, value, path)
	for _, c := range m.claims {
		hc := hostClaim{c: c, value: m.value, port: port, next: -1}
		switch {
		case b.has(h, &hc):
			// The same claim from the same value: duplicates do not
			// inflate evidence.
		case h.n >= maxClaimsPerHost:
			// Enough evidence for one host; the rest adds nothing.
		default:
			at := b.claims.add(hc)
			if h.tail < 0 {
				h.head = at
			} else {
				b.claims.at(h.tail).next = at
			}
			h.tail = at
			h.n++
		}
	}
}

func (b *Batch) has(h *host, hc *hostClaim) bool {
	for i := h.head; i >= 0; {
		x := b.claims.at(i)
		if x.port == hc.port && sameClaim(x.c, hc.c) && (x.value == hc.value || b.text.str(x.value) == b.text.str(hc.value)) {
			return true
		}
		i = x.next
	}
	return false
}

func (b *Batch) lookup(key, value, path string) *memo {
	ck := cacheKey{key, path, value}
	if m := b.cache.get(ck); m != nil {
		return m
	}
	claims := b.e.observe(key, value, path)
	m := &memo{}
	if len(claims) > 0 {
		m.value = b.text.pack(shorten(value))
		m.claims = make([]*claim, len(claims))
		for i, c := range claims {
			c.path = path
			m.claims[i] = b.intern(c)
		}
	}
	if len(value) <= 4096 { // long bodies rarely repeat; do not pin them
		b.cache.put(ck, m)
	}
	return m
}

// sameClaim compares claims by content: interned copies are shared while
// the intern tables hold them, but the tables turn over, and whether a
// duplicate is recognized must not depend on that.
func sameClaim(a, b *claim) bool {
	return a == b || a.product == b.product && a.model == b.model && a.firmware == b.firmware &&
		a.path == b.path && (a.says == b.says || *a.says == *b.says)
}

// memoCache keeps two generations of memos: when the current one is full it
// becomes the previous one, and a hit there moves the memo forward. Values
// that keep coming back survive the turnover, which a cache that is simply
// cleared when full would forget; memory stays at two generations.
type memoCache struct{ cur, prev map[cacheKey]*memo }

func (c *memoCache) get(k cacheKey) *memo {
	if m, ok := c.cur[k]; ok {
		return m
	}
	if m, ok := c.prev[k]; ok {
		c.put(k, m)
		return m
	}
	return nil
}

func (c *memoCache) put(k cacheKey, m *memo) {
	if c.cur == nil || len(c.cur) >= maxCache {
		c.prev, c.cur = c.cur, make(map[cacheKey]*memo, maxCache)
	}
	c.cur[k] = m
}

// intern returns the shared copy of c: distinct values often say the same
// thing (every MAC of one block, every banner of one product line without a
// version field).
func (b *Batch) intern(c claim) *claim {
	if s, ok := b.sayings[*c.says]; ok {
		c.says = s
	} else {
		if len(b.sayings) >= maxCache {
			clear(b.sayings)
		}
		b.sayings[*c.says] = c.says
	}
	if p, ok := b.interned[c]; ok {
		return p
	}
	if len(b.interned) >= maxCache {
		clear(b.interned)
	}
	p := &c
	b.interned[c] = p
	return p
}

// Unknown returns the number of observations per key outside the vocabulary.
func (b *Batch) Unknown() map[string]int { return b.unknown }

// Len is the number of hosts seen.
func (b *Batch) Len() int { return len(b.hosts) }

// Each calls yield with the identification of every host, in order of first
// appearance, until yield returns false. The caller classifies them.
func (b *Batch) Each(yield func(covered.Identification) bool) {
	var ev []hostClaim
	for i := range b.hosts {
		h := &b.hosts[i]
		ev = ev[:0]
		for j := h.head; j >= 0; {
			x := b.claims.at(j)
			ev = append(ev, *x)
			j = x.next
		}
		if !yield(b.e.combine(h.name, ev, &b.text)) {
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

// sortByCertainty orders evidence strongest first; ties by key, rule, value
// and port, so that two scans of the same device, whose replies arrive in
// different orders, give the same identification.
func sortByCertainty(ev []covered.Evidence) {
	sort.SliceStable(ev, func(i, j int) bool {
		a, b := &ev[i], &ev[j]
		if a.Certainty != b.Certainty {
			return a.Certainty > b.Certainty
		}
		if c := cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Value, b.Value)); c != 0 {
			return c < 0
		}
		return a.Port < b.Port
	})
}
