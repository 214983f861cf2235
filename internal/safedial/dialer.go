package safedial

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Errors callers can test with errors.Is.
var (
	// ErrOutOfScope: the address is outside the scan scope (or excluded),
	// or is not a unicast address. Nothing was sent.
	ErrOutOfScope = errors.New("outside the scan scope")
	// ErrBadAddress: the address is not a literal ip:port with a non-zero
	// port, or the network is not tcp/udp. Names are refused because
	// scoping happens after resolution. Nothing was sent.
	ErrBadAddress = errors.New("not a literal ip:port on tcp or udp")
	// ErrConnectTimeout: the connect took longer than ConnectTimeout.
	ErrConnectTimeout = errors.New("connect timeout")
	// ErrIdleTimeout: a Read or Write made no progress within its idle
	// timeout. The error also matches os.ErrDeadlineExceeded.
	ErrIdleTimeout = errors.New("idle timeout")
	// ErrReadCap: the connection already returned MaxRead bytes.
	ErrReadCap = errors.New("read cap reached")
)

// ScopeError is the error for an address refused before any packet. It
// matches ErrOutOfScope.
type ScopeError struct {
	Network string
	Addr    netip.AddrPort
	// Reason says why, e.g. "outside the scan scope" or "multicast address".
	Reason string
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("safedial: refusing %s %s: %s", e.Network, e.Addr, e.Reason)
}

// Is makes errors.Is(err, ErrOutOfScope) true.
func (e *ScopeError) Is(target error) bool { return target == ErrOutOfScope }

// Dialer opens scoped, paced and bounded connections for probes. It
// satisfies probe.Dialer. Make one with New; the zero value is unusable. It is safe for concurrent use; one Dialer should
// serve a whole scan, since its limits are only global if it is shared.
type Dialer struct {
	cfg      Config
	interval time.Duration // per-host spacing: 1/HostRate rounded up
	global   *rate.Limiter
	// windowLimit is the most sends any 1-second window may hold:
	// ceil(Rate), so the smooth schedule itself never hits it.
	windowLimit int
	hosts       *hostTable
	epoch       time.Time // Clock reading at New; offsets are measured from it
	stats       counters

	// onSlotWait, when set (tests only), is called when a dial is about
	// to block for a per-host slot.
	onSlotWait func(netip.Addr)
}

// New checks cfg, fills defaults and returns a Dialer. It only allocates:
// no sockets, goroutines or timers.
func New(cfg Config) (*Dialer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	interval := spacing(cfg.HostRate)
	return &Dialer{
		cfg:         cfg,
		interval:    interval,
		windowLimit: int(math.Ceil(cfg.Rate)),
		// Burst 1: sends are spread evenly, never bunched; the window
		// check in admit makes Rate a hard ceiling (see pace.go).
		global: rate.NewLimiter(rate.Limit(cfg.Rate), 1),
		hosts:  newHostTable(max(2*time.Second, 2*interval), cfg.HostConcurrency),
		epoch:  cfg.Clock.Now(),
	}, nil
}

// now is the Clock offset since New.
func (d *Dialer) now() time.Duration { return d.cfg.Clock.Now().Sub(d.epoch) }

// DialContext connects to address ("ip:port", IPv4 or IPv6, no names) on
// network ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6").
//
// Order of work: the address is checked against the scope before anything
// else (refusals send nothing); then the call takes one of the host's
// concurrency slots, waits for the global rate, then for the host's
// spacing, and connects with ConnectTimeout. The slot comes first so that
// a call stuck behind a busy host has not spent rate tokens it would then
// use in a burst once the slot frees; host spacing comes last so nothing
// delays a send after its host allowed it. Every wait returns as soon as
// ctx is done.
//
// Close on the returned conn releases the slot (once, however often it is
// called). See the package doc for the bounds on Read and Write.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	ap, err := d.check(network, address)
	if err != nil {
		if errors.Is(err, ErrOutOfScope) {
			d.stats.outOfScope.Add(1)
		} else {
			d.stats.invalid.Add(1)
		}
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("safedial: dial %s %s: %w", network, ap, err)
	}
	h := d.hosts.get(ap.Addr(), d.now())
	opened := false
	defer func() {
		if !opened {
			d.hosts.put(h, d.now())
		}
	}()
	if err := d.acquire(ctx, h); err != nil {
		return nil, fmt.Errorf("safedial: dial %s %s: waiting for a host slot: %w", network, ap, err)
	}
	defer func() {
		if !opened {
			h.release()
		}
	}()
	if err := d.pace(ctx, h); err != nil {
		return nil, fmt.Errorf("safedial: dial %s %s: %w", network, ap, err)
	}
	d.stats.dials.Add(1)
	cctx, cancel := context.WithTimeout(ctx, d.cfg.ConnectTimeout)
	nc, err := d.cfg.Base(cctx, network, ap.String())
	ours := errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	cancel()
	if err == nil && nc == nil {
		err = errors.New("base dialer returned no connection and no error")
	}
	if err != nil {
		d.stats.dialErrors.Add(1)
		if ours {
			d.stats.timeouts.Add(1)
			return nil, fmt.Errorf("safedial: connect %s %s: %w (%v): %w", network, ap, ErrConnectTimeout, d.cfg.ConnectTimeout, err)
		}
		return nil, fmt.Errorf("safedial: connect %s %s: %w", network, ap, err)
	}
	opened = true
	return d.newConn(ctx, nc, h, network, ap), nil
}

// check parses and scopes the address. It runs before any wait, so an
// out-of-scope address costs no rate token and sends nothing.
func (d *Dialer) check(network, address string) (netip.AddrPort, error) {
	switch network {
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return netip.AddrPort{}, fmt.Errorf("safedial: dial %q %q: network %w", network, address, ErrBadAddress)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Port() == 0 {
		return netip.AddrPort{}, fmt.Errorf("safedial: dial %s %q: %w (names are resolved and scoped before dialing)", network, address, ErrBadAddress)
	}
	// Scope the address that will be reached: ::ffff:10.0.0.1 is 10.0.0.1.
	a := ap.Addr().Unmap()
	ap = netip.AddrPortFrom(a, ap.Port())
	if (strings.HasSuffix(network, "4") && !a.Is4()) || (strings.HasSuffix(network, "6") && !a.Is6()) {
		return netip.AddrPort{}, fmt.Errorf("safedial: dial %s %s: address family does not match the network: %w", network, ap, ErrBadAddress)
	}
	var reason string
	switch {
	case a.IsUnspecified():
		reason = "unspecified address (it would reach this machine)"
	case a.IsMulticast():
		reason = "multicast address (segment-wide discovery is not a dial)"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		reason = "broadcast address"
	case !d.cfg.Scope.Contains(a):
		reason = "outside the scan scope"
	default:
		return ap, nil
	}
	return netip.AddrPort{}, &ScopeError{Network: network, Addr: ap, Reason: reason}
}

// acquire takes one of h's concurrency slots.
func (d *Dialer) acquire(ctx context.Context, h *host) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	if d.onSlotWait != nil {
		d.onSlotWait(h.addr)
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
