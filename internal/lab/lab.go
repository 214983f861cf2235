package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBase is the first device address when Config.Base is unset.
var DefaultBase = netip.AddrFrom4([4]byte{127, 10, 0, 1})

// Config chooses the devices of a lab.
type Config struct {
	// Base is the first device address (default 127.10.0.1). Devices take
	// consecutive addresses, skipping those ending in .0 and .255; all of
	// them must stay inside 127.0.0.0/8.
	Base netip.Addr
	// Count is the number of (non-hostile) devices; 0 means one per
	// selected profile.
	Count int
	// Profiles restricts the devices to these profile names; empty means
	// every non-hostile built-in profile. Naming a hostile profile here
	// adds it like any other.
	Profiles []string
	// Weighted draws profiles by their Weight, reproducibly from Seed,
	// instead of round-robin in name order.
	Weighted bool
	Seed     uint64
	// Hostile adds one device per hostile profile after the Count others.
	Hostile bool
	// Logger receives start/stop and per-connection errors (default:
	// discard).
	Logger *slog.Logger
}

// Device is one emulated device as the scanner should see it.
type Device struct {
	Addr    netip.Addr `json:"host"`
	MAC     string     `json:"mac"`
	Profile string     `json:"profile"`
	Vendor  string     `json:"vendor"`
	Model   string     `json:"model"`
	Kind    string     `json:"kind"`
	Ports   []Port     `json:"ports"`
	Truth   Truth      `json:"truth"`
}

// Port is one service of a device.
type Port struct {
	Number    uint16 `json:"port"`
	Transport string `json:"transport"` // "tcp" or "udp"
	Proto     string `json:"proto"`     // "http", "snmp", "hostile-flood", ...
}

// device is a Device with what the servers need.
type device struct {
	Device
	profile *Profile
	hw      [6]byte
	// received counts bytes clients sent to raw (vendor) ports, by port.
	received map[uint16]*atomic.Int64
}

// Lab is a running set of emulated devices. Close stops it; a Lab is safe
// for concurrent use.
type Lab struct {
	log     *slog.Logger
	devices []*device
	done    chan struct{}
	wg      sync.WaitGroup
	certs   *certCache
	stop    func() bool // detaches Close from the Start context
	once    sync.Once
	sockets int
	// listen opens sockets; StartNetns swaps it for one that opens them
	// inside the namespace.
	listen   listenFunc
	teardown func() error

	mu      sync.Mutex // guards closed, conns and closers
	closed  bool
	conns   map[net.Conn]struct{}
	closers []io.Closer
}

type listenFunc func(network string, ap netip.AddrPort) (io.Closer, error)

// Start binds every device's services and serves them until Close or until
// ctx is done. It fails, having released everything, when a profile name
// is unknown, an address leaves 127.0.0.0/8, the file descriptor limit is
// too low for the sockets needed, or a bind fails.
func Start(ctx context.Context, cfg Config) (*Lab, error) {
	l, err := newLab(cfg, true)
	if err != nil {
		return nil, err
	}
	l.listen = listenLocal
	if err := l.start(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// newLab chooses the devices and their addresses.
func newLab(cfg Config, loopback bool) (*Lab, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if !cfg.Base.IsValid() {
		cfg.Base = DefaultBase
	}
	if loopback && (!cfg.Base.Is4() || cfg.Base.As4()[0] != 127) {
		return nil, fmt.Errorf("lab: base address %s is not in 127.0.0.0/8", cfg.Base)
	}
	all, err := Profiles()
	if err != nil {
		return nil, fmt.Errorf("lab: load profiles: %w", err)
	}
	chosen, hostile, err := selectProfiles(all, cfg.Profiles)
	if err != nil {
		return nil, err
	}
	if cfg.Count < 0 {
		return nil, fmt.Errorf("lab: count %d is negative", cfg.Count)
	}
	if cfg.Count == 0 {
		cfg.Count = len(chosen)
	}
	var order []*Profile
	if len(chosen) > 0 {
		order = assign(chosen, cfg.Count, cfg.Weighted, cfg.Seed)
	}
	if cfg.Hostile {
		order = append(order, hostile...)
	}
	l := &Lab{log: cfg.Logger, done: make(chan struct{}), conns: map[net.Conn]struct{}{}, certs: newCertCache()}
	addr := cfg.Base
	for i, p := range order {
		if i > 0 {
			addr = nextHost(addr)
		}
		if !addr.IsValid() || (loopback && addr.As4()[0] != 127) {
			return nil, fmt.Errorf("lab: %d devices from %s leave 127.0.0.0/8", len(order), cfg.Base)
		}
		l.devices = append(l.devices, newDevice(p, addr, i))
	}
	return l, nil
}

// start raises the descriptor limit, binds every service and starts the
// loops. On error everything bound so far is released.
func (l *Lab) start(ctx context.Context) error {
	for _, d := range l.devices {
		l.sockets += len(d.Ports)
	}
	if err := ensureFDs(l.sockets); err != nil {
		return fmt.Errorf("lab: %d devices: %w", len(l.devices), err)
	}
	for _, d := range l.devices {
		for i := range d.profile.Services {
			if err := l.serve(d, &d.profile.Services[i]); err != nil {
				l.Close()
				return err
			}
		}
	}
	l.stop = context.AfterFunc(ctx, func() { l.Close() })
	l.log.Info("lab started", "devices", len(l.devices), "sockets", l.sockets)
	return nil
}

// serve binds one service and starts its loop.
func (l *Lab) serve(d *device, s *Service) error {
	ap := netip.AddrPortFrom(d.Addr, s.Port)
	c, err := l.listen(s.Transport(), ap)
	if err != nil {
		return fmt.Errorf("lab: device %s (%s): listen %s/%s: %w", d.Addr, d.Profile, s.Transport(), ap, err)
	}
	if !l.keep(c) {
		return errors.New("lab: closed while starting")
	}
	sv := &service{lab: l, dev: d, svc: s}
	l.wg.Add(1)
	switch c := c.(type) {
	case net.Listener:
		h, delay, err := sv.tcpHandler()
		if err != nil {
			l.wg.Done()
			return fmt.Errorf("lab: device %s (%s) port %d: %w", d.Addr, d.Profile, s.Port, err)
		}
		go l.acceptLoop(c, h, delay)
	case *net.UDPConn:
		go l.udpLoop(c, sv.udpHandler())
	}
	return nil
}

// keep registers a socket for Close.
func (l *Lab) keep(c io.Closer) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return false
	}
	l.closers = append(l.closers, c)
	return true
}

// Devices lists the devices in address order.
func (l *Lab) Devices() []Device {
	out := make([]Device, len(l.devices))
	for i, d := range l.devices {
		out[i] = d.Device
		out[i].Ports = append([]Port(nil), d.Ports...)
	}
	return out
}

// Sockets is the number of listening sockets (TCP) and bound sockets (UDP)
// the lab holds: its file descriptor cost before any connection.
func (l *Lab) Sockets() int { return l.sockets }

// Received is the number of bytes clients sent to a raw vendor port (the
// printer's 9100, the SDK ports) of the device at addr, so tests can check
// that a scanner left a port alone. It is -1 when there is no such port.
func (l *Lab) Received(addr netip.Addr, port uint16) int64 {
	for _, d := range l.devices {
		if d.Addr == addr {
			if n, ok := d.received[port]; ok {
				return n.Load()
			}
		}
	}
	return -1
}

// truthLine is one line of Truth's output.
type truthLine struct {
	Host    string   `json:"host"`
	MAC     string   `json:"mac"`
	Profile string   `json:"profile"`
	Vendor  string   `json:"vendor"`
	Model   string   `json:"model"`
	Kind    string   `json:"kind"`
	Ports   []string `json:"ports"`
	Truth
}

// Truth writes the ground truth as JSON Lines, one device per line in
// address order: host, mac, profile, vendor, model, kind, ports
// ("tcp/80"), manufacturer, brand, covered_entity, status, and component
// and review when set. Scoring tools join it with identifications on host.
func (l *Lab) Truth(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, d := range l.devices {
		line := truthLine{Host: d.Addr.String(), MAC: d.MAC, Profile: d.Profile, Vendor: d.Vendor,
			Model: d.Model, Kind: d.Kind, Truth: d.Truth}
		for _, p := range d.Ports {
			line.Ports = append(line.Ports, fmt.Sprintf("%s/%d", p.Transport, p.Number))
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("lab: write ground truth: %w", err)
		}
	}
	return nil
}

// Close stops every listener and connection and waits for all goroutines
// of the lab to end. It is safe to call more than once.
func (l *Lab) Close() error {
	var err error
	l.once.Do(func() {
		if l.stop != nil {
			l.stop()
		}
		l.mu.Lock()
		l.closed = true
		closers, conns := l.closers, l.conns
		l.conns = map[net.Conn]struct{}{}
		l.mu.Unlock()
		close(l.done)
		for _, c := range closers {
			c.Close()
		}
		for c := range conns {
			c.Close()
		}
		l.wg.Wait()
		if l.teardown != nil {
			err = l.teardown()
		}
		l.log.Info("lab stopped", "devices", len(l.devices))
	})
	return err
}

// sleep waits d or until the lab closes; it reports whether the lab is
// still open.
func (l *Lab) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.done:
		return false
	}
}
