package safedial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Which deadline bounded an operation, to say why it timed out.
const (
	byIdle = iota // the per-operation idle timeout
	byCtx         // the dial context's deadline
	byUser        // a deadline the caller set on the conn
)

// conn bounds a connection: fresh idle deadlines, the dial context's
// deadline and cancellation, a byte cap, UDP pacing and a one-time slot
// release on Close.
type conn struct {
	net.Conn
	d       *Dialer
	h       *host
	network string
	remote  netip.AddrPort
	udp     bool

	ctx       context.Context // the dial context, also cancelled by Close
	cancel    context.CancelFunc
	stopAfter func() bool // unregisters expire

	left      atomic.Int64 // bytes Read may still return
	capped    atomic.Bool  // the cap was reported (counted once)
	sent      atomic.Bool  // UDP: the first datagram went out (the dial paid for it)
	closed    atomic.Bool
	closeOnce sync.Once

	// mu guards the fields below and orders deadline changes against
	// cancellation, so a Read arming its deadline cannot undo expire.
	mu                    sync.Mutex
	done                  bool      // the dial context ended: deadlines are pinned in the past
	userRead, userWrite   time.Time // deadlines the caller set; zero if none
	armedRead, armedWrite time.Time // deadlines currently set on Conn
}

func (d *Dialer) newConn(ctx context.Context, nc net.Conn, h *host, network string, ap netip.AddrPort) *conn {
	c := &conn{Conn: nc, d: d, h: h, network: network, remote: ap, udp: network[:3] == "udp"}
	c.left.Store(d.cfg.MaxRead)
	c.ctx, c.cancel = context.WithCancel(ctx)
	// When the caller's context ends, unblock any Read or Write at once
	// instead of waiting for the idle timeout.
	c.stopAfter = context.AfterFunc(c.ctx, c.expire)
	d.stats.open.Add(1)
	return c
}

func (c *conn) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = true
	_ = c.Conn.SetDeadline(time.Unix(1, 0)) // best effort: a closed conn needs no unblocking
}

// Read reads at most the bytes left under MaxRead, with a fresh deadline.
// Once MaxRead bytes were returned it returns ErrReadCap, even if the peer
// had nothing more to send: a probe cannot tell, and must not wait to see.
// On UDP a datagram longer than the bytes left is truncated to them.
func (c *conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	take := c.reserve(int64(len(p)))
	if take == 0 {
		if c.capped.CompareAndSwap(false, true) {
			c.d.stats.capHits.Add(1)
		}
		return 0, fmt.Errorf("safedial: read %s %s: %w (%d bytes)", c.network, c.remote, ErrReadCap, c.d.cfg.MaxRead)
	}
	by, err := c.arm(false)
	if err != nil {
		c.left.Add(take)
		return 0, err
	}
	n, err := c.Conn.Read(p[:take])
	if int64(n) < take {
		c.left.Add(take - int64(n))
	}
	c.d.stats.bytesRead.Add(int64(n))
	return n, c.opErr("read", by, err)
}

// reserve takes up to want bytes from the cap, atomically, so concurrent
// Reads cannot overshoot it.
func (c *conn) reserve(want int64) int64 {
	for {
		left := c.left.Load()
		take := min(want, left)
		if take <= 0 || c.left.CompareAndSwap(left, left-take) {
			return max(take, 0)
		}
	}
}

// Write writes with a fresh deadline. On UDP every datagram after the
// first waits for the rate limits like a dial, so a probe that retries or
// sends several requests stays within them.
func (c *conn) Write(p []byte) (int, error) {
	if c.udp && c.sent.Swap(true) && !c.closed.Load() {
		if err := c.d.pace(c.ctx, c.h); err != nil {
			return 0, fmt.Errorf("safedial: write %s %s: %w", c.network, c.remote, err)
		}
		c.d.stats.datagrams.Add(1)
	}
	by, err := c.arm(true)
	if err != nil {
		return 0, err
	}
	n, err := c.Conn.Write(p)
	return n, c.opErr("write", by, err)
}

// arm sets the next operation's deadline: the earliest of now plus the idle
// timeout, the dial context's deadline and the caller's own deadline.
func (c *conn) arm(write bool) (by int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	op, timeout, user := "read", c.d.cfg.ReadTimeout, c.userRead
	if write {
		op, timeout, user = "write", c.d.cfg.WriteTimeout, c.userWrite
	}
	if !c.closed.Load() && (c.done || c.ctx.Err() != nil) {
		return byCtx, fmt.Errorf("safedial: %s %s %s: %w", op, c.network, c.remote, context.Cause(c.ctx))
	}
	dl, by := time.Now().Add(timeout), byIdle
	if cdl, ok := c.ctx.Deadline(); ok && cdl.Before(dl) {
		dl, by = cdl, byCtx
	}
	if !user.IsZero() && user.Before(dl) {
		dl, by = user, byUser
	}
	set, armed := c.Conn.SetReadDeadline, &c.armedRead
	if write {
		set, armed = c.Conn.SetWriteDeadline, &c.armedWrite
	}
	if err := set(dl); err != nil {
		return by, fmt.Errorf("safedial: %s %s %s: setting the deadline: %w", op, c.network, c.remote, err)
	}
	*armed = dl
	return by, nil
}

// opErr explains a timeout by the deadline that caused it; other errors,
// io.EOF included, pass through unchanged (net errors already name the
// operation and both addresses, and io.EOF must stay comparable by ==).
func (c *conn) opErr(op string, by int, err error) error {
	if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	c.mu.Lock()
	done := c.done
	c.mu.Unlock()
	switch {
	case done || by == byCtx:
		cause := context.Cause(c.ctx)
		if cause == nil || c.closed.Load() {
			cause = context.DeadlineExceeded
		}
		return fmt.Errorf("safedial: %s %s %s: %w: %w", op, c.network, c.remote, cause, err)
	case by == byIdle:
		c.d.stats.timeouts.Add(1)
		timeout := c.d.cfg.ReadTimeout
		if op == "write" {
			timeout = c.d.cfg.WriteTimeout
		}
		return fmt.Errorf("safedial: %s %s %s: %w (nothing for %v): %w", op, c.network, c.remote, ErrIdleTimeout, timeout, err)
	}
	return err
}

// SetDeadline records the caller's deadline for both directions.
func (c *conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline records the caller's read deadline; it can shorten the
// bound of every later Read, never lengthen it. An earlier deadline also
// applies to a Read in progress, so it can interrupt one.
func (c *conn) SetReadDeadline(t time.Time) error { return c.setUser(t, false) }

// SetWriteDeadline is SetReadDeadline for writes.
func (c *conn) SetWriteDeadline(t time.Time) error { return c.setUser(t, true) }

func (c *conn) setUser(t time.Time, write bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	user, armed, set := &c.userRead, &c.armedRead, c.Conn.SetReadDeadline
	if write {
		user, armed, set = &c.userWrite, &c.armedWrite, c.Conn.SetWriteDeadline
	}
	*user = t
	if c.done || t.IsZero() || (!armed.IsZero() && !t.Before(*armed)) {
		return nil
	}
	*armed = t
	return set(t)
}

// Close closes the connection and releases its host slot. Only the first
// call does anything; later calls return nil, so deferred and explicit
// closes can coexist.
func (c *conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.stopAfter()
		c.cancel()
		err = c.Conn.Close()
		c.h.release()
		c.d.hosts.put(c.h, c.d.now())
		c.d.stats.open.Add(-1)
	})
	return err
}

// CloseWrite half-closes a TCP connection (e.g. after sending a request to
// a server that replies on end of input), when the underlying conn can.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return fmt.Errorf("safedial: close write %s %s: %w", c.network, c.remote, errors.ErrUnsupported)
}

var _ net.Conn = (*conn)(nil)
