package broadcast

import (
	"net/netip"
	"sync"

	"github.com/coveredtool/covered/internal/scan"
)

// Merge adds the broadcast phase's observations to the unicast scan's
// per-host results, so each host is identified once from everything heard
// about it. It is safe for concurrent use (the engine reports hosts from
// several goroutines).
type Merge struct {
	mu      sync.Mutex // guards pending
	pending map[netip.Addr]Host
	order   []netip.Addr // found hosts, in address order
}

// NewMerge holds found until their hosts' results come.
func NewMerge(found []Host) *Merge {
	m := &Merge{pending: make(map[netip.Addr]Host, len(found))}
	for _, h := range found {
		m.pending[h.Addr] = h
		m.order = append(m.order, h.Addr)
	}
	return m
}

// Add puts the broadcast observations of r's host, if any, before the
// unicast ones and marks the host up (it answered).
func (m *Merge) Add(r *scan.Result) {
	m.mu.Lock()
	h, ok := m.pending[r.Host.Addr]
	delete(m.pending, r.Host.Addr)
	m.mu.Unlock()
	if !ok {
		return
	}
	r.Up = true
	r.Observations = append(h.Observations, r.Observations...)
}

// Rest returns results for the found hosts no Add claimed (the unicast
// scan did not cover them, or was interrupted), in address order, and
// forgets them.
func (m *Merge) Rest() []scan.Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []scan.Result
	for _, a := range m.order {
		if h, ok := m.pending[a]; ok {
			out = append(out, scan.Result{Host: scan.Host{Addr: a}, Up: true, Observations: h.Observations})
			delete(m.pending, a)
		}
	}
	return out
}

// ScanHosts yields the found hosts as unicast scan targets: with
// --broadcast and no targets, the unicast scan covers exactly these.
func ScanHosts(found []Host) func(yield func(scan.Host) bool) {
	return func(yield func(scan.Host) bool) {
		for _, h := range found {
			if !yield(scan.Host{Addr: h.Addr}) {
				return
			}
		}
	}
}
