// Package probe defines what an active probe is and keeps the registry of
// them. Probes are the discovery stage of the pipeline: each one speaks one
// protocol to one target port and reports what the device revealed as
// observations (DESIGN vocabulary). One protocol, one package under
// internal/probe/<proto>probe; each registers itself in init, and
// internal/probe/all imports the built-in ones, so adding a probe never edits
// a central file.
//
// Probes never open sockets themselves: they get a Dialer (internal/safedial
// in production) that enforces scope, rate limits, deadlines and byte caps.
package probe

import (
	"context"
	"net"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/coveredtool/covered"
)

// Dialer opens connections for probes. The scanner's dialer refuses
// addresses outside the scan scope, waits for the global and per-host rate
// limiters, and returns connections whose reads are bounded in time and
// bytes (see internal/safedial). network is "tcp" or "udp".
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Target is one port of one host to probe.
type Target struct {
	Addr netip.Addr
	Port uint16
	// Transport is "tcp" or "udp".
	Transport string
	// Hostname is the name the user gave, when the target came from one
	// (used as the HTTP Host header and TLS server name).
	Hostname string
}

// HostPort is the dialable "addr:port" form.
func (t Target) HostPort() string { return netip.AddrPortFrom(t.Addr, t.Port).String() }

// Options are the user's choices that change what probes send.
type Options struct {
	// SNMPCommunities are tried for SNMP v1/v2c GETs, only when given.
	// They are secrets: probes never put them in observations.
	SNMPCommunities []string
	// Timeout bounds one exchange (connect, request, reply) when the
	// context has no earlier deadline.
	Timeout time.Duration
}

// Emit records one observation. The probe fills Key, Value and, where they
// apply, Path; the scanner fills Host, Port, Transport, Source and Seen
// when the probe leaves them empty.
type Emit func(covered.Observation)

// Probe is one protocol's prober.
type Probe interface {
	// Name is short and unique ("http", "ssh", "snmp").
	Name() string
	// Transport is "tcp" or "udp".
	Transport() string
	// Ports are the ports this probe runs on by default.
	Ports() []uint16
	// Probe talks to one target and emits what it learns. It returns an
	// error only for failures worth reporting (the target answered
	// nonsense); a closed port or a timeout is not an error, just no
	// observations.
	Probe(ctx context.Context, d Dialer, t Target, opt Options, emit Emit) error
}

var (
	mu       sync.RWMutex // guards registry
	registry = map[string]Probe{}
)

// Register adds a probe; it panics on a duplicate name (a programming error
// caught by any test that imports both).
func Register(p Probe) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[p.Name()]; dup {
		panic("probe: duplicate registration of " + p.Name())
	}
	registry[p.Name()] = p
}

// All returns the registered probes sorted by name.
func All() []Probe {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Probe, 0, len(registry))
	for _, p := range registry {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// ForPort returns the probes that run on transport/port by default, sorted
// by name.
func ForPort(transport string, port uint16) []Probe {
	var out []Probe
	for _, p := range All() {
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
