// Package scan is the active discovery engine: for each host in scope it
// finds open TCP ports by connecting, runs the probes registered for each
// open port and each UDP port, reads the neighbor table for the host's MAC
// address, and hands every host's observations on as soon as the host is
// done, so memory stays bounded by the hosts in flight, not the scan size.
//
// The engine opens no sockets itself: every connection goes through the
// probe.Dialer it is given (internal/safedial in production), which enforces
// scope, rates, deadlines and byte caps.
package scan

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// Host is one host to scan.
type Host struct {
	Addr netip.Addr
	Name string // the hostname the user gave, if any
}

// Config says what to scan and how. Hosts, Dialer and at least one port are
// required.
type Config struct {
	// Hosts yields the hosts in scope, lazily.
	Hosts func(yield func(Host) bool)
	// Total is the number of hosts Hosts yields, for progress (0 if unknown).
	Total uint64
	// TCP and UDP are the ports to scan.
	TCP, UDP []uint16
	// Dialer opens every connection.
	Dialer probe.Dialer
	// Probes are the probes to run; nil means all registered ones.
	Probes []probe.Probe
	// Options are passed to every probe.
	Options probe.Options
	// Workers is the number of hosts scanned at once (default 256).
	Workers int
	// ProbeTimeout bounds one probe's whole exchange (default 8s).
	ProbeTimeout time.Duration
	// Neighbor returns the MAC address of a host on a local segment, if the
	// neighbor table knows it. Nil disables MAC lookup.
	Neighbor func(netip.Addr) (string, bool)
	// Skip reports ports that must never be probed (printers). Connecting
	// to them is skipped too.
	Skip func(transport string, port uint16) bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Result is one host's scan outcome.
type Result struct {
	Host Host
	// Up is true when the host answered at all (an open port, a refused
	// connection, or a UDP reply).
	Up bool
	// OpenTCP lists the TCP ports that accepted a connection.
	OpenTCP []uint16
	// Observations are what the probes learned, in the order they arrived.
	Observations []covered.Observation
	// Errors are probe failures worth reporting (nonsense replies).
	Errors []error
	// Complete is true when the host's scan ran to its end: every TCP port
	// of the config was tried and every probe of its open TCP ports and of
	// the UDP ports ran, none cut short by the scan's context ending. Only
	// then does a port's missing observation mean the host did not show it
	// (a probe that failed is in Errors). False for a host of an
	// interrupted scan, and for results made elsewhere (broadcast replies).
	Complete bool
}

// Stats counts what a scan did.
type Stats struct {
	Hosts, Up, WithObservations uint64
	Observations                uint64
}

// Run scans every host and calls out with each host's result as soon as the
// host is done (from several goroutines: out must be safe for concurrent
// use). It returns when every host is done or ctx ends.
func Run(ctx context.Context, cfg Config, out func(Result)) (Stats, error) {
	if cfg.Hosts == nil || cfg.Dialer == nil {
		return Stats{}, errors.New("scan: Hosts and Dialer are required")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 256
	}
	if cfg.ProbeTimeout <= 0 {
		cfg.ProbeTimeout = 8 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Probes == nil {
		cfg.Probes = probe.All()
	}
	var st Stats
	jobs := make(chan Host)
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range jobs {
				r := scanHost(ctx, &cfg, h)
				atomic.AddUint64(&st.Hosts, 1)
				if r.Up {
					atomic.AddUint64(&st.Up, 1)
				}
				if len(r.Observations) > 0 {
					atomic.AddUint64(&st.WithObservations, 1)
					atomic.AddUint64(&st.Observations, uint64(len(r.Observations)))
				}
				out(r)
			}
		}()
	}
	for h := range cfg.Hosts {
		select {
		case jobs <- h:
			continue
		case <-ctx.Done():
		}
		break
	}
	close(jobs)
	wg.Wait()
	return st, ctx.Err()
}

// scanHost runs the TCP connect scan, then the probes of the open TCP ports
// and of the UDP ports, all bounded by the dialer's per-host limits.
func scanHost(ctx context.Context, cfg *Config, h Host) Result {
	r := Result{Host: h}
	var mu sync.Mutex // guards r
	emit := func(port uint16, transport string) probe.Emit {
		return func(o covered.Observation) {
			o.Host = h.Addr.String()
			if o.Port == 0 {
				o.Port = int(port)
			}
			if o.Transport == "" && port != 0 {
				o.Transport = transport
			}
			if o.Source == "" {
				o.Source = "scan"
			}
			if o.Seen.IsZero() {
				o.Seen = cfg.Now().UTC().Truncate(time.Second)
			}
			if o.IP == "" {
				o.IP = h.Addr.String()
			}
			mu.Lock()
			r.Observations = append(r.Observations, o)
			mu.Unlock()
		}
	}

	// 1. TCP connect: which ports are open. Refused means the host is up.
	var wg sync.WaitGroup
	for _, p := range cfg.TCP {
		if cfg.Skip != nil && cfg.Skip("tcp", p) {
			continue
		}
		wg.Add(1)
		go func(p uint16) {
			defer wg.Done()
			open, up := connect(ctx, cfg, h, p)
			mu.Lock()
			r.Up = r.Up || up
			if open {
				r.OpenTCP = append(r.OpenTCP, p)
			}
			mu.Unlock()
		}(p)
	}
	wg.Wait()
	slices.Sort(r.OpenTCP)

	// 2. Probes of open TCP ports and of every UDP port, concurrently; the
	// dialer's per-host semaphore keeps the number of sockets small.
	for _, p := range r.OpenTCP {
		for _, pr := range forPort(cfg.Probes, "tcp", p) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runProbe(ctx, cfg, pr, h, p, "tcp", emit(p, "tcp"), &mu, &r)
			}()
		}
	}
	for _, p := range cfg.UDP {
		if cfg.Skip != nil && cfg.Skip("udp", p) {
			continue
		}
		for _, pr := range forPort(cfg.Probes, "udp", p) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runProbe(ctx, cfg, pr, h, p, "udp", emit(p, "udp"), &mu, &r)
			}()
		}
	}
	wg.Wait()
	// Every probe has returned; one that the scan's context cut short may
	// have seen nothing it would have seen.
	r.Complete = ctx.Err() == nil

	if len(r.Observations) > 0 {
		r.Up = true
	}
	for _, p := range r.OpenTCP {
		emit(p, "tcp")(covered.Observation{Key: "port.open", Value: "tcp/" + strconv.Itoa(int(p))})
	}
	if r.Up && cfg.Neighbor != nil {
		if mac, ok := cfg.Neighbor(h.Addr); ok {
			emit(0, "")(covered.Observation{Key: "mac", Value: mac, MAC: mac, Source: "scan:neighbor"})
		}
	}
	return r
}

func runProbe(ctx context.Context, cfg *Config, pr probe.Probe, h Host, port uint16, transport string, emit probe.Emit, mu *sync.Mutex, r *Result) {
	pctx, cancel := context.WithTimeout(ctx, cfg.ProbeTimeout)
	defer cancel()
	t := probe.Target{Addr: h.Addr, Port: port, Transport: transport, Hostname: h.Name}
	if err := pr.Probe(pctx, cfg.Dialer, t, cfg.Options, emit); err != nil && ctx.Err() == nil {
		mu.Lock()
		r.Errors = append(r.Errors, &ProbeError{Probe: pr.Name(), Target: t.HostPort(), Err: err})
		mu.Unlock()
	}
}

// ProbeError is a probe failure on one target.
type ProbeError struct {
	Probe, Target string
	Err           error
}

func (e *ProbeError) Error() string { return e.Probe + " " + e.Target + ": " + e.Err.Error() }
func (e *ProbeError) Unwrap() error { return e.Err }

// connect tries one TCP port. open: the handshake completed; up: the host
// answered (completed or refused).
func connect(ctx context.Context, cfg *Config, h Host, port uint16) (open, up bool) {
	cctx, cancel := context.WithTimeout(ctx, cfg.ProbeTimeout)
	defer cancel()
	c, err := cfg.Dialer.DialContext(cctx, "tcp", netip.AddrPortFrom(h.Addr, port).String())
	if err == nil {
		c.Close()
		return true, true
	}
	return false, errors.Is(err, syscall.ECONNREFUSED) || isRefused(err)
}

func isRefused(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) {
		var se syscall.Errno
		if errors.As(op.Err, &se) {
			return se == syscall.ECONNREFUSED
		}
	}
	return false
}

func forPort(probes []probe.Probe, transport string, port uint16) []probe.Probe {
	var out []probe.Probe
	for _, p := range probes {
		if p.Transport() != transport {
			continue
		}
		for _, q := range p.Ports() {
			if q == port {
				out = append(out, p)
				break
			}
		}
	}
	return out
}
