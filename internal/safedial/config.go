package safedial

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"time"
)

// Defaults for a zero Config field. They follow the scanner issue: about
// 1,000 new connections or packets per second overall, about 40 per second
// and a few at once per host.
const (
	DefaultRate            = 1000.0
	DefaultHostRate        = 40.0
	DefaultHostConcurrency = 4
	DefaultConnectTimeout  = 3 * time.Second
	DefaultReadTimeout     = 5 * time.Second
	DefaultWriteTimeout    = 5 * time.Second
	DefaultMaxRead         = 1 << 20

	// MinRate is the smallest non-zero Rate or HostRate accepted (one
	// send every 1,000 seconds), so the per-host spacing stays finite.
	MinRate = 0.001
)

// Scope says which addresses may be contacted. internal/targets.Spec
// satisfies it; exclusions must already be folded into Contains (an
// excluded address is simply not contained).
type Scope interface {
	Contains(netip.Addr) bool
}

// BaseDialFunc opens the actual socket. It has net.Dialer.DialContext's
// shape so tests can inject a recording or fake dialer.
type BaseDialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Clock is the time source for the rate limiters and the Stats windows.
// Socket deadlines always use the real time, because the runtime's poller
// does; a fake Clock only changes pacing and accounting, which is what unit
// tests need to assert ordering without timing bars.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or returns ctx's error as soon as ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// Config is the Dialer's policy. A zero field means its default; there is
// deliberately no way to switch a bound off.
type Config struct {
	// Scope is required: a dialer without one would reach anything.
	Scope Scope
	// Rate is new connections (TCP) or datagrams (UDP) per second across
	// all hosts. Default DefaultRate.
	Rate float64
	// HostRate is new connections or datagrams per second to one address.
	// Successive sends to a host are spaced at least 1/HostRate apart, so
	// no 1-second window ever holds more than HostRate of them. Default
	// DefaultHostRate.
	HostRate float64
	// HostConcurrency is the number of connections one address may have
	// open (or being opened) at once. Default DefaultHostConcurrency.
	HostConcurrency int
	// ConnectTimeout bounds one connect. Default DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// ReadTimeout is the idle bound of each Read: every Read gets a fresh
	// deadline this far ahead (or the context's deadline, if earlier).
	// Default DefaultReadTimeout.
	ReadTimeout time.Duration
	// WriteTimeout is the same bound for each Write, so a peer that never
	// reads cannot block a probe. Default DefaultWriteTimeout.
	WriteTimeout time.Duration
	// MaxRead caps the total bytes read from one connection, in bytes;
	// after that Read returns ErrReadCap. Default DefaultMaxRead (1 MiB).
	MaxRead int64
	// Clock drives pacing and Stats windows. Default: the real clock.
	Clock Clock
	// Base opens sockets. Default: a net.Dialer; the connect timeout is
	// applied through the context either way.
	Base BaseDialFunc
}

// Validate reports the first invalid field, naming it. Zero fields are
// valid (they take defaults); negative, NaN or infinite ones are not.
func (c Config) Validate() error {
	if c.Scope == nil {
		return errors.New("safedial: config: Scope is required (a dialer without a scope would reach any address)")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Rate", c.Rate}, {"HostRate", c.HostRate}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 || (f.v > 0 && f.v < MinRate) {
			return fmt.Errorf("safedial: config: %s must be 0 (default) or a finite rate >= %v per second, got %v", f.name, MinRate, f.v)
		}
	}
	if c.HostConcurrency < 0 {
		return fmt.Errorf("safedial: config: HostConcurrency must be >= 0 (0 means default), got %d", c.HostConcurrency)
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"ConnectTimeout", c.ConnectTimeout}, {"ReadTimeout", c.ReadTimeout}, {"WriteTimeout", c.WriteTimeout}} {
		if f.v < 0 {
			return fmt.Errorf("safedial: config: %s must be >= 0 (0 means default), got %v", f.name, f.v)
		}
	}
	if c.MaxRead < 0 {
		return fmt.Errorf("safedial: config: MaxRead must be >= 0 bytes (0 means default), got %d", c.MaxRead)
	}
	return nil
}

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.HostRate == 0 {
		c.HostRate = DefaultHostRate
	}
	if c.HostConcurrency == 0 {
		c.HostConcurrency = DefaultHostConcurrency
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.MaxRead == 0 {
		c.MaxRead = DefaultMaxRead
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.Base == nil {
		c.Base = (&net.Dialer{}).DialContext
	}
	return c
}

// realClock is the wall clock (with its monotonic reading).
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
