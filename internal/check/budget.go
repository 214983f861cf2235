package check

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"

	"github.com/coveredtool/covered/internal/probe"
)

// budgetDialer wraps the run's dialer for one check on one device: it
// refuses any address but the device's, and counts requests against the
// check's max_requests. A request is a TCP connection or a UDP datagram;
// the dial (or write) that would exceed the budget fails with ErrBudget
// before anything is sent.
type budgetDialer struct {
	inner probe.Dialer
	addr  netip.Addr
	max   int

	mu   sync.Mutex // guards used
	used int
}

var _ probe.Dialer = (*budgetDialer)(nil)

func newBudgetDialer(inner probe.Dialer, addr netip.Addr, max int) *budgetDialer {
	return &budgetDialer{inner: inner, addr: addr.Unmap(), max: max}
}

// take reserves one request.
func (b *budgetDialer) take() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used >= b.max {
		return fmt.Errorf("check: %w (%d requests)", ErrBudget, b.max)
	}
	b.used++
	return nil
}

// Used is the number of requests sent (or attempted) so far.
func (b *budgetDialer) Used() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// DialContext implements probe.Dialer.
func (b *budgetDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Addr().Unmap() != b.addr {
		return nil, fmt.Errorf("check: dial %s %s: %w (%s)", network, address, ErrOtherHost, b.addr)
	}
	udp := strings.HasPrefix(network, "udp")
	if !udp {
		if err := b.take(); err != nil {
			return nil, err
		}
	}
	c, err := b.inner.DialContext(ctx, network, address)
	if err != nil || !udp {
		return c, err
	}
	return &datagramConn{Conn: c, b: b}, nil
}

// datagramConn counts each Write of a UDP socket as one request.
type datagramConn struct {
	net.Conn
	b *budgetDialer
}

func (c *datagramConn) Write(p []byte) (int, error) {
	if err := c.b.take(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
