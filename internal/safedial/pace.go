package safedial

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Pacing has two layers, because each alone is wrong in one way.
//
// The global rate uses a token bucket (golang.org/x/time/rate, burst 1):
// reservations are spaced 1/Rate apart on a schedule, so the average rate
// holds even when waiters wake late. But a schedule lets late waiters catch
// up in a burst (after a GC pause or on a loaded machine), so admission
// also checks a sliding 1-second window and holds a send while the last
// second already has ceil(Rate) of them: the configured rate is a hard
// ceiling over every window, not only an average.
//
// Per host the rule is stricter, to spare fragile devices: successive sends
// are spaced at least 1/HostRate apart measured from the actual previous
// send, so a late waiter never catches up. A host loses a little
// throughput to wake-up latency, which a scan of many hosts does not
// notice.

// pace waits until a send to h is allowed and records it. Used for every
// dial and for every UDP datagram after a conn's first.
func (d *Dialer) pace(ctx context.Context, h *host) error {
	now := d.cfg.Clock.Now()
	r := d.global.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		if err := d.sleep(ctx, delay, "global rate"); err != nil {
			r.CancelAt(d.cfg.Clock.Now())
			return err
		}
	}
	for {
		wait, what, ok := d.admit(h, d.now())
		if ok {
			return nil
		}
		if err := d.sleep(ctx, wait, what); err != nil {
			return err
		}
	}
}

// admit lets a send to h go at Clock offset now if the host's spacing and
// the global window both allow it, recording it in both; otherwise it says
// how long to wait and for what. The shard lock is held across both checks
// so a send is recorded in both places or neither.
func (d *Dialer) admit(h *host, now time.Duration) (wait time.Duration, what string, ok bool) {
	s := d.hosts.shard(h.addr)
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.sent && now < h.next {
		return h.next - now, "host rate", false
	}
	if wait, ok := d.stats.admit(now, d.windowLimit); !ok {
		return wait, "global rate window", false
	}
	h.sent = true
	h.next = now + d.interval
	h.lastUsed = now
	h.window = append(drop(h.window, now), now)
	d.stats.noteHost(len(h.window))
	return 0, "", true
}

// drop removes the offsets that fell out of the half-open second
// (now-1s, now] from a sorted window. Each offset is dropped once and
// append reallocates geometrically, so keeping a window costs amortized
// O(1) per send and its array stays within a small multiple of its length.
func drop(w []time.Duration, now time.Duration) []time.Duration {
	i := 0
	for i < len(w) && w[i] <= now-time.Second {
		i++
	}
	return w[i:]
}

// spacing is the per-host interval for rate sends per second, rounded up
// so that a second never holds more than rate sends.
func spacing(rate float64) time.Duration {
	return time.Duration(math.Ceil(float64(time.Second) / rate))
}

// sleep waits for delay on the Clock, failing at once when ctx's deadline
// would pass first (waiting would only waste the time).
func (d *Dialer) sleep(ctx context.Context, delay time.Duration, what string) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
		return fmt.Errorf("waiting %v for the %s would pass the context deadline: %w", delay, what, context.DeadlineExceeded)
	}
	if err := d.cfg.Clock.Sleep(ctx, delay); err != nil {
		return fmt.Errorf("waiting for the %s: %w", what, err)
	}
	return nil
}
