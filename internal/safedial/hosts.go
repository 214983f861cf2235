package safedial

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// How per-host memory stays bounded: a host entry exists only while it is
// referenced (a DialContext call in progress or a connection open, both
// bounded by the caller's own concurrency) or for a while after a send:
// an unreferenced entry that never sent is deleted at once, and one that
// did is evicted once idle for more than ttl. Each shard sweeps its idle
// entries whenever it is touched and its last sweep is older than ttl, so
// an idle entry outlives its last use by at most 2·ttl while its shard is
// in use (a shard nobody touches does not grow either). Sends are capped
// at ceil(Rate) per second, so at most about Rate × 2·ttl unreferenced
// entries exist at once: with the defaults (1,000/s, ttl 2 s) a few
// thousand entries of a few hundred bytes, whatever the size of the scan.
//
// Dropping an idle entry never loosens a limit: ttl is at least twice the
// per-host spacing, so a fresh entry would allow the next send anyway, and
// at least the 1-second Stats window, so no window event is lost.

const shardCount = 64

// host is the pacing, concurrency and accounting state of one address.
type host struct {
	addr netip.Addr
	// slots is the per-host concurrency semaphore: a dial sends into it,
	// Close (or a failed dial) receives. Its capacity is HostConcurrency.
	slots chan struct{}

	// These fields are guarded by the mu of the shard that holds the host.
	refs     int             // DialContext calls in progress plus open conns
	lastUsed time.Duration   // Clock offset of the last use
	sent     bool            // a send has been granted before
	next     time.Duration   // earliest Clock offset of the next send
	window   []time.Duration // send offsets within the last second
}

// release frees one concurrency slot.
func (h *host) release() { <-h.slots }

type shard struct {
	mu        sync.Mutex // guards m, lastSweep and the guarded fields of every host in m
	m         map[netip.Addr]*host
	lastSweep time.Duration
}

// hostTable is a sharded map of host entries, created on demand and
// dropped when idle. Sharding keeps lock contention low at high rates.
type hostTable struct {
	seed        maphash.Seed
	ttl         time.Duration
	concurrency int
	shards      [shardCount]shard
}

func newHostTable(ttl time.Duration, concurrency int) *hostTable {
	t := &hostTable{seed: maphash.MakeSeed(), ttl: ttl, concurrency: concurrency}
	for i := range t.shards {
		t.shards[i].m = make(map[netip.Addr]*host)
	}
	return t
}

func (t *hostTable) shard(a netip.Addr) *shard {
	return &t.shards[maphash.Comparable(t.seed, a)%shardCount]
}

// get returns the entry for a, creating it if needed, and takes a
// reference that keeps it from eviction until put.
func (t *hostTable) get(a netip.Addr, now time.Duration) *host {
	s := t.shard(a)
	s.mu.Lock()
	defer s.mu.Unlock()
	t.sweepLocked(s, now)
	h := s.m[a]
	if h == nil {
		h = &host{addr: a, slots: make(chan struct{}, t.concurrency)}
		s.m[a] = h
	}
	h.refs++
	h.lastUsed = now
	return h
}

// put drops the reference taken by get.
func (t *hostTable) put(h *host, now time.Duration) {
	s := t.shard(h.addr)
	s.mu.Lock()
	defer s.mu.Unlock()
	h.refs--
	h.lastUsed = now
	if h.refs == 0 && !h.sent {
		delete(s.m, h.addr) // no pacing state worth keeping
	}
}

// sweepLocked evicts unreferenced entries idle for more than ttl, at most
// once per ttl per shard so the cost is amortized over many dials.
func (t *hostTable) sweepLocked(s *shard, now time.Duration) {
	if now-s.lastSweep < t.ttl {
		return
	}
	s.lastSweep = now
	for a, h := range s.m {
		if h.refs == 0 && now-h.lastUsed > t.ttl {
			delete(s.m, a)
		}
	}
}

// len counts the entries held, for Stats.
func (t *hostTable) len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
