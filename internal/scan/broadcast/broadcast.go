// Package broadcast is the --broadcast phase of the discovery stage: it
// finds the devices of whole local segments by sending one multicast or
// broadcast request per discovery protocol (SSDP, WS-Discovery, mDNS,
// Hikvision SADP, Dahua DHIP) per interface, and turns every reply into
// observations of the host that sent it, with the keys and the parsing of
// the unicast probes (their packages export both).
//
// It exists apart from internal/safedial on purpose: safedial, the only
// opener of unicast sockets, refuses multicast and broadcast destinations,
// so nothing reaches a whole segment unless the user asked for it. Scope
// still wins here: a reply from an address outside the scan's scope (or,
// without targets, outside the interface's subnet) is dropped, and
// exclusions are part of that scope.
//
// The scan merges this phase in the simplest way that is correct: it runs
// first, to completion (a bounded window, 3 s by default), then the
// unicast scan runs and Merge adds each host's broadcast observations to
// the engine's result for that host; hosts the unicast scan never
// reported (an interrupted scan) come out as results of their own. With no
// targets, the unicast scan covers exactly the hosts this phase found.
package broadcast

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/coveredtool/covered"
)

// Defaults and hard limits: one request per protocol per interface is
// cheap, but what comes back is chosen by the segment, so the listening
// window, the datagrams read, the bytes kept and the hosts and
// observations kept are all capped.
const (
	defaultWindow       = 3 * time.Second
	defaultMaxDatagrams = 1024    // per protocol per interface
	defaultMaxBytes     = 8 << 20 // datagram bytes parsed, whole phase
	maxHosts            = 4096
	maxObsPerHost       = 64
	maxDatagram         = 64 << 10 // larger than any UDP payload: nothing truncated
)

// Config says where to discover and what may be kept.
type Config struct {
	// Interfaces to send on (see Interfaces); required.
	Interfaces []Interface
	// Scope reports whether a replying address may be kept: the scan's
	// targets minus its exclusions. Nil means the sending interface's own
	// subnet.
	Scope func(netip.Addr) bool
	// Window is how long replies are collected after sending (default 3s;
	// SSDP asks for replies within MX = 1 s, the others answer at once).
	Window time.Duration
	// MaxDatagrams caps datagrams read per protocol per interface
	// (default 1024); MaxBytes caps datagram bytes parsed in all (default
	// 8 MiB).
	MaxDatagrams, MaxBytes int
	// Now is the clock for Observation.Seen (default time.Now).
	Now func() time.Time
}

// Host is one device that answered, with what it revealed.
type Host struct {
	Addr netip.Addr
	// Observations have Host and IP = Addr, Port = the protocol's
	// well-known port, Transport "udp", Source "scan:broadcast".
	Observations []covered.Observation
}

// Stats counts what the phase did.
type Stats struct {
	// Sent is requests sent; Datagrams replies read.
	Sent, Datagrams int
	// OutOfScope is replies dropped for their source address; Nonsense is
	// replies that did not parse; Capped is replies dropped by a cap.
	OutOfScope, Nonsense, Capped int
}

// Run sends the requests, collects replies until the window closes or ctx
// ends, and returns the hosts found in address order. A protocol that
// cannot be sent on an interface is reported in the joined error while
// the others still run, so the error may come with hosts.
func Run(ctx context.Context, cfg Config) ([]Host, Stats, error) {
	if len(cfg.Interfaces) == 0 {
		return nil, Stats{}, errors.New("broadcast: no interface to discover on")
	}
	if cfg.Window <= 0 {
		cfg.Window = defaultWindow
	}
	if cfg.MaxDatagrams <= 0 {
		cfg.MaxDatagrams = defaultMaxDatagrams
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = defaultMaxBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := newCollector(cfg)
	end := time.Now().Add(cfg.Window)
	var wg sync.WaitGroup
	var mu sync.Mutex // guards errs
	var errs []error
	for _, ifi := range cfg.Interfaces {
		for _, p := range protocols {
			wg.Go(func() {
				if err := c.exchange(ctx, ifi, p, end, cfg.MaxDatagrams); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	hosts, st := c.result()
	return hosts, st, errors.Join(errs...)
}

// exchange sends one protocol's request on one interface and reads replies
// until end, ctx, or maxDatagrams.
func (c *collector) exchange(ctx context.Context, ifi Interface, p protocol, end time.Time, maxDatagrams int) error {
	req, parse, err := p.Request()
	if err != nil {
		return fmt.Errorf("broadcast: %s request: %w", p.Name, err)
	}
	pc, conn, err := listen(ctx, ifi)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(end); err != nil {
		return fmt.Errorf("broadcast: %s on %s: %w", p.Name, ifi.Name, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	dst := p.Group
	if !dst.IsValid() {
		dst = ifi.Broadcast()
	}
	to := net.UDPAddrFromAddrPort(netip.AddrPortFrom(dst, p.Port))
	if _, err := pc.WriteTo(req, nil, to); err != nil {
		return fmt.Errorf("broadcast: send %s to %s on %s: %w", p.Name, to, ifi.Name, err)
	}
	c.sent()
	buf := make([]byte, maxDatagram)
	for range maxDatagrams {
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			return nil // the window closed or ctx ended: done, not a failure
		}
		ua, ok := from.(*net.UDPAddr)
		if !ok {
			continue
		}
		if !c.take(ifi, p, parse, ua.AddrPort().Addr().Unmap(), buf[:n]) {
			return nil
		}
	}
	return nil
}

// collector files replies by host, applying scope and caps.
type collector struct {
	scope    func(netip.Addr) bool
	now      func() time.Time
	maxBytes int

	mu    sync.Mutex // guards the fields below
	hosts map[netip.Addr]*Host
	seen  map[seenKey]bool
	bytes int
	st    Stats
}

// seenKey identifies an observation so repeats (several replies from one
// device, one reply heard on two interfaces) are kept once.
type seenKey struct {
	addr                  netip.Addr
	key, value, path, src string
}

func newCollector(cfg Config) *collector {
	return &collector{scope: cfg.Scope, now: cfg.Now, maxBytes: cfg.MaxBytes,
		hosts: map[netip.Addr]*Host{}, seen: map[seenKey]bool{}}
}

func (c *collector) sent() {
	c.mu.Lock()
	c.st.Sent++
	c.mu.Unlock()
}

// take files one datagram from src heard on ifi in reply to p. It reports
// false when the byte cap is reached and reading should stop.
func (c *collector) take(ifi Interface, p protocol, parse parser, src netip.Addr, b []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Datagrams++
	if !c.inScope(ifi, src) {
		c.st.OutOfScope++
		return true
	}
	if c.bytes+len(b) > c.maxBytes {
		c.st.Capped++
		return false
	}
	c.bytes += len(b)
	obs, err := parse(b)
	if err != nil {
		c.st.Nonsense++
		return true
	}
	h := c.hosts[src]
	if h == nil && len(obs) > 0 {
		if len(c.hosts) >= maxHosts {
			c.st.Capped++
			return true
		}
		h = &Host{Addr: src}
		c.hosts[src] = h
	}
	seen := c.now().UTC().Truncate(time.Second)
	for _, o := range obs {
		k := seenKey{src, o.Key, o.Value, o.Path, p.Name}
		if c.seen[k] {
			continue
		}
		if len(h.Observations) >= maxObsPerHost {
			c.st.Capped++
			break
		}
		c.seen[k] = true
		o.Host, o.IP = src.String(), src.String()
		o.Port, o.Transport = int(p.Port), "udp"
		o.Source, o.Seen = "scan:broadcast", seen
		h.Observations = append(h.Observations, o)
	}
	return true
}

// inScope keeps replies from unicast IPv4 addresses (not our own, not the
// subnet broadcast) that the scan's scope (or, without one, the interface's subnet) holds.
func (c *collector) inScope(ifi Interface, src netip.Addr) bool {
	if !src.Is4() || !(src.IsGlobalUnicast() || src.IsLinkLocalUnicast()) || src == ifi.Prefix.Addr() || src == ifi.Broadcast() {
		return false
	}
	if c.scope != nil {
		return c.scope(src)
	}
	return ifi.Prefix.Masked().Contains(src)
}

func (c *collector) result() ([]Host, Stats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Host, 0, len(c.hosts))
	for _, h := range c.hosts {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b Host) int { return a.Addr.Compare(b.Addr) })
	return out, c.st
}
