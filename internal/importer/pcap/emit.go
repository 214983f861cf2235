package pcap

import (
	"hash/maphash"
	"net/netip"
	"strconv"
	"time"

	"github.com/coveredtool/covered"
)

// maxSeen bounds the deduplication set: past it, repeats are emitted again
// rather than remembered, so memory stays constant on any capture. A
// capture repeats the same few facts (a Server header per response, a
// User-Agent per request) far more often than it holds a million distinct
// ones.
const maxSeen = 1 << 20

// sink turns facts about endpoints into observations, once per (host, key,
// value, port): a capture repeats a device's Server header in every
// response, and one observation of it is evidence enough.
type sink struct {
	source string
	def    time.Time // Seen for packets without a time (pcapng simple packet blocks)
	emit   func(covered.Observation) error
	seed   maphash.Seed
	// seen holds 64-bit hashes of the facts already emitted, not the facts:
	// 8 bytes each whatever the value's size. Two distinct facts colliding
	// among a million is a one in 30 million event that costs one
	// observation.
	seen map[uint64]struct{}
	key  []byte // scratch for the hashed fact
}

func newSink(src string, def time.Time, emit func(covered.Observation) error) *sink {
	return &sink{source: src, def: def, emit: emit, seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}}
}

// first reports whether this is the first time data is met from server:
// it spares reparsing what a server sends on every connection (its
// certificate). It shares the bound of the observation set.
func (s *sink) first(server netip.AddrPort, data []byte) bool {
	var h maphash.Hash
	h.SetSeed(s.seed)
	b, _ := server.MarshalBinary()
	_, _ = h.Write(b)
	_, _ = h.Write([]byte{0xff})
	_, _ = h.Write(data)
	sum := h.Sum64()
	if _, dup := s.seen[sum]; dup {
		return false
	}
	if len(s.seen) < maxSeen {
		s.seen[sum] = struct{}{}
	}
	return true
}

// fact is one observation about an endpoint before it is emitted. Its Host
// is the address, or the MAC for a DHCP client that has none yet.
type fact struct {
	host netip.Addr
	mac  string // the host's MAC when the packet proves it (ARP, DHCP)
	key  string
	val  string
	port uint16 // the service port the value came from, 0 for client facts
	tr   string // "tcp" or "udp" with port
	path string
	seen time.Time
}

// add emits f unless its value is empty or the same fact was emitted before.
func (s *sink) add(f fact) error {
	host, ip := f.mac, ""
	if f.host.IsValid() {
		ip = f.host.Unmap().String()
		host = ip
	}
	if f.val == "" || host == "" {
		return nil
	}
	s.key = append(s.key[:0], host...)
	s.key = append(append(s.key, 0), f.key...)
	s.key = append(append(s.key, 0), f.val...)
	s.key = strconv.AppendUint(append(s.key, 0), uint64(f.port), 10)
	h := maphash.Bytes(s.seed, s.key)
	if _, dup := s.seen[h]; dup {
		return nil
	}
	if len(s.seen) < maxSeen {
		s.seen[h] = struct{}{}
	}
	seen := f.seen
	if seen.IsZero() {
		seen = s.def
	}
	o := covered.Observation{Host: host, Key: f.key, Value: f.val, Path: f.path, Source: s.source, Seen: seen, IP: ip, MAC: f.mac}
	if f.port != 0 {
		o.Port, o.Transport = int(f.port), f.tr
	}
	return s.emit(o)
}
