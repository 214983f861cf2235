package safedial

import (
	"sync"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of what the Dialer did. Counters are totals since
// New; Open and Hosts are current values. The scan progress display and
// the rate benchmark read it.
type Stats struct {
	// Dials is the number of connects attempted (calls that passed scope
	// and pacing and reached the socket layer).
	Dials int64
	// DialErrors is how many of those failed (refused, unreachable,
	// timed out).
	DialErrors int64
	// OutOfScope counts calls refused before any packet because the
	// address is outside the scope or not unicast (ErrOutOfScope). Any
	// at all means a target list or a probe tried to leave the scope.
	OutOfScope int64
	// Invalid counts calls refused before any packet because the address
	// is not a literal ip:port or the network is not tcp/udp
	// (ErrBadAddress): a probe bug.
	Invalid int64
	// Datagrams counts UDP datagrams sent after the first one on a
	// connection; each is paced like a dial.
	Datagrams int64
	// BytesRead is the total payload bytes returned by Read.
	BytesRead int64
	// CapHits is the number of connections that reached MaxRead.
	CapHits int64
	// Timeouts counts connect timeouts and idle (per-Read or per-Write)
	// timeouts; deadlines from the caller's context are not counted.
	Timeouts int64
	// Open is the number of connections currently open.
	Open int64
	// Hosts is the number of per-host entries currently held (a memory
	// check for large scans).
	Hosts int
	// MaxPerSecond is the largest number of sends (dials and paced
	// datagrams) observed in any 1-second window, across all hosts.
	MaxPerSecond int
	// MaxHostPerSecond is the largest number of sends to one address
	// observed in any 1-second window: the observed per-host rate, in sends
	// per second, to compare with Config.HostRate.
	MaxHostPerSecond int
}

// counters is the Dialer's live accounting.
type counters struct {
	dials, dialErrors, outOfScope, invalid, datagrams atomic.Int64
	bytesRead, capHits, timeouts, open                atomic.Int64
	maxHost                                           atomic.Int64

	mu     sync.Mutex      // guards window and maxAll
	window []time.Duration // global send offsets within the last second
	maxAll int
}

// admit is the global half of admitting a send at Clock offset now: if
// the last second already holds limit sends it returns how long until the
// oldest leaves it; otherwise it records the send.
func (c *counters) admit(now time.Duration, limit int) (wait time.Duration, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.window); n > 0 && now < c.window[n-1] {
		now = c.window[n-1] // concurrent senders may arrive out of order by a hair
	}
	c.window = drop(c.window, now)
	if len(c.window) >= limit {
		return c.window[0] + time.Second - now, false
	}
	c.window = append(c.window, now)
	c.maxAll = max(c.maxAll, len(c.window))
	return 0, true
}

// noteHost raises the per-host maximum to n sends in one window.
func (c *counters) noteHost(n int) {
	for {
		cur := c.maxHost.Load()
		if int64(n) <= cur || c.maxHost.CompareAndSwap(cur, int64(n)) {
			return
		}
	}
}

// Stats returns a snapshot of the counters.
func (d *Dialer) Stats() Stats {
	c := &d.stats
	c.mu.Lock()
	maxAll := c.maxAll
	c.mu.Unlock()
	return Stats{
		Dials:            c.dials.Load(),
		DialErrors:       c.dialErrors.Load(),
		OutOfScope:       c.outOfScope.Load(),
		Invalid:          c.invalid.Load(),
		Datagrams:        c.datagrams.Load(),
		BytesRead:        c.bytesRead.Load(),
		CapHits:          c.capHits.Load(),
		Timeouts:         c.timeouts.Load(),
		Open:             c.open.Load(),
		Hosts:            d.hosts.len(),
		MaxPerSecond:     maxAll,
		MaxHostPerSecond: int(c.maxHost.Load()),
	}
}
