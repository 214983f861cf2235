package scan

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// fakeDialer answers TCP dials from a table: open ports get one end of a
// pipe, others are refused. It records every dial.
type fakeDialer struct {
	mu    sync.Mutex
	open  map[string]bool
	dials []string
}

func (d *fakeDialer) DialContext(_ context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dials = append(d.dials, network+" "+addr)
	d.mu.Unlock()
	if d.open[addr] {
		c, s := net.Pipe()
		s.Close()
		return c, nil
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
}

// fakeProbe emits one observation per target it is run on.
type fakeProbe struct {
	name, transport string
	ports           []uint16
}

func (p fakeProbe) Name() string      { return p.name }
func (p fakeProbe) Transport() string { return p.transport }
func (p fakeProbe) Ports() []uint16   { return p.ports }
func (p fakeProbe) Probe(_ context.Context, _ probe.Dialer, t probe.Target, _ probe.Options, emit probe.Emit) error {
	if t.Port == 23 {
		return errors.New("nonsense reply")
	}
	emit(covered.Observation{Key: "ssh.banner", Value: "SSH-2.0-HUAWEI-1.5"})
	return nil
}

func TestRunHost(t *testing.T) {
	addr := netip.MustParseAddr("192.0.2.7")
	d := &fakeDialer{open: map[string]bool{"192.0.2.7:22": true, "192.0.2.7:23": true}}
	cfg := Config{
		Hosts:  func(yield func(Host) bool) { yield(Host{Addr: addr}) },
		TCP:    []uint16{22, 23, 80, 9100},
		Dialer: d,
		Probes: []probe.Probe{
			fakeProbe{"ssh", "tcp", []uint16{22, 23}},
			fakeProbe{"http", "tcp", []uint16{80}},
			fakeProbe{"printer", "tcp", []uint16{9100}},
		},
		Skip: func(_ string, port uint16) bool { return port == 9100 },
	}
	var got []Result
	st, err := Run(context.Background(), cfg, func(r Result) { got = append(got, r) })
	if err != nil || len(got) != 1 {
		t.Fatalf("Run: %v, %d results", err, len(got))
	}
	r := got[0]
	if !r.Up || len(r.OpenTCP) != 2 || r.OpenTCP[0] != 22 || r.OpenTCP[1] != 23 {
		t.Errorf("up %v open %v, want up with 22 and 23", r.Up, r.OpenTCP)
	}
	if len(r.Errors) != 1 {
		t.Errorf("errors %v, want the port 23 nonsense", r.Errors)
	}
	var banners, open int
	for _, o := range r.Observations {
		if o.Host != "192.0.2.7" || o.Source == "" || o.Seen.IsZero() {
			t.Errorf("observation without provenance: %+v", o)
		}
		switch o.Key {
		case "ssh.banner":
			banners++
			if o.Port != 22 || o.Transport != "tcp" {
				t.Errorf("banner from %d/%s, want 22/tcp", o.Port, o.Transport)
			}
		case "port.open":
			open++
		}
	}
	if banners != 1 || open != 2 {
		t.Errorf("%d banners and %d open ports, want 1 and 2", banners, open)
	}
	for _, dial := range d.dials {
		if dial == "tcp 192.0.2.7:9100" {
			t.Error("the skipped printer port was dialed")
		}
	}
	if st.Hosts != 1 || st.Up != 1 || st.WithObservations != 1 {
		t.Errorf("stats %+v", st)
	}
	if !r.Complete {
		t.Error("a host whose probes all ran is not Complete")
	}
}

// cancelProbe cancels the scan while it probes, then emits what it saw.
type cancelProbe struct{ cancel context.CancelFunc }

func (cancelProbe) Name() string      { return "cancel" }
func (cancelProbe) Transport() string { return "tcp" }
func (cancelProbe) Ports() []uint16   { return []uint16{22} }
func (p cancelProbe) Probe(ctx context.Context, _ probe.Dialer, _ probe.Target, _ probe.Options, emit probe.Emit) error {
	p.cancel()
	<-ctx.Done()
	emit(covered.Observation{Key: "ssh.banner", Value: "SSH-2.0-partial"})
	return ctx.Err()
}

// TestRunIncompleteHost: a host whose probes the scan's cancellation cut
// short is reported with what it showed, not Complete.
func TestRunIncompleteHost(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := netip.MustParseAddr("192.0.2.8")
	cfg := Config{
		Hosts:  func(yield func(Host) bool) { yield(Host{Addr: addr}) },
		TCP:    []uint16{22},
		Dialer: &fakeDialer{open: map[string]bool{"192.0.2.8:22": true}},
		Probes: []probe.Probe{cancelProbe{cancel}},
	}
	var got []Result
	_, err := Run(ctx, cfg, func(r Result) { got = append(got, r) })
	if !errors.Is(err, context.Canceled) || len(got) != 1 {
		t.Fatalf("Run: %v, %d results", err, len(got))
	}
	if got[0].Complete || len(got[0].Observations) == 0 {
		t.Errorf("interrupted host: complete %v, %d observations; want partial observations, not complete", got[0].Complete, len(got[0].Observations))
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	cfg := Config{
		Hosts: func(yield func(Host) bool) {
			for i := range 1000 {
				if !yield(Host{Addr: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})}) {
					return
				}
			}
		},
		TCP: []uint16{22}, Dialer: &fakeDialer{}, Probes: []probe.Probe{}, Workers: 2,
	}
	_, err := Run(ctx, cfg, func(Result) { n++ })
	if !errors.Is(err, context.Canceled) || n > 4 {
		t.Errorf("err %v after %d hosts, want context.Canceled at once", err, n)
	}
}
