package cli

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/store"
)

// TestScanKeepsFindingsItDidNotProbe: a telnet finding stored by a full
// scan is not cleared by a later `covered scan -p 80` of the same host
// (telnet was not probed: the check is undecided), and is cleared by a full
// scan once the host no longer offers telnet (same address and device, the
// telnet service gone).
func TestScanKeepsFindingsItDidNotProbe(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	const addr = "127.94.0.1"
	db := filepath.Join(t.TempDir(), "inv.db")
	scanArgs := func(extra ...string) []string {
		return append(append([]string{"scan", "-q", "--format", "jsonl", "--no-neighbor", "--db", db, "--timeout", "1s", "--connect-timeout", "1s"}, extra...), addr)
	}
	telnetFinding := func(t *testing.T) (store.CheckFinding, bool) {
		t.Helper()
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fs, err := st.CheckFindings(context.Background(), store.CheckFindingFilter{CheckID: "cleartext-telnet", IncludeInactive: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) > 1 {
			t.Fatalf("%d telnet findings: %+v", len(fs), fs)
		}
		if len(fs) == 0 {
			return store.CheckFinding{}, false
		}
		return fs[0], true
	}

	// An F660 ONT with telnet: the full (default profile) scan finds it.
	l := startTestLab(t, addr, false, "zte-f660-ont")
	mustRun(t, scanArgs()...)
	f, ok := telnetFinding(t)
	if !ok || !f.Active || f.FirstRun != 1 || f.IP != addr {
		t.Fatalf("after the full scan: telnet finding %+v (found %v), want active from run 1", f, ok)
	}

	// scan -p 80: telnet was not probed, so the finding stands.
	mustRun(t, scanArgs("-p", "80")...)
	f, _ = telnetFinding(t)
	if !f.Active || f.LastRun != 1 || f.ClearedRun != 0 {
		t.Errorf("after scan -p 80: telnet finding %+v, want still active from run 1", f)
	}

	// The same ONT with telnet turned off (the lab's F660 without it; same
	// model, address and web interface): a full scan probes tcp/23, finds
	// nothing there and clears the finding.
	l.Close()
	startTestLab(t, addr, false, "zte-f660-webshell")
	mustRun(t, scanArgs()...)
	f, _ = telnetFinding(t)
	if f.Active || f.ClearedRun != 3 {
		t.Errorf("after a full scan without telnet: telnet finding %+v, want cleared by run 3", f)
	}
}

// TestProbedPorts: what a scan's configuration says it probed on a host.
func TestProbedPorts(t *testing.T) {
	udpProbe := fakeUDPProbe{ports: []uint16{161, 1900}}
	cfg := scan.Config{TCP: []uint16{23, 80, 9100}, UDP: []uint16{53, 161, 1900}, Probes: []probe.Probe{udpProbe},
		Skip: func(_ string, port uint16) bool { return port == 9100 }}
	host := netip.MustParseAddr("192.0.2.1")
	complete := scan.Result{Host: scan.Host{Addr: host}, Complete: true}
	p := newProbedPorts(&cfg).forHost(complete)
	for _, tc := range []struct {
		transport string
		port      int
		want      bool
	}{
		{"tcp", 23, true}, {"tcp", 80, true},
		{"tcp", 9100, false}, // skipped (printer)
		{"tcp", 21, false},   // not in the run
		{"udp", 1900, true},
		{"udp", 53, false},  // no probe sends there
		{"udp", 161, false}, // no community: v1/v2c was never asked
		{"sctp", 23, false},
	} {
		if got := p(tc.transport, tc.port); got != tc.want {
			t.Errorf("%s/%d: %v, want %v", tc.transport, tc.port, got, tc.want)
		}
	}
	cfg.Options.SNMPCommunities = []string{"public"}
	if !newProbedPorts(&cfg).forHost(complete)("udp", 161) {
		t.Error("udp/161 with a community to try: not probed")
	}
	if newProbedPorts(&cfg).forHost(scan.Result{Host: scan.Host{Addr: host}}) != nil {
		t.Error("a host whose scan did not complete: Probed is not nil")
	}
	failed := complete
	failed.Errors = []error{&scan.ProbeError{Probe: "telnet", Target: "192.0.2.1:23", Err: errors.New("reset")}}
	if p := newProbedPorts(&cfg).forHost(failed); p == nil || p("tcp", 23) || !p("tcp", 80) {
		t.Error("a port whose probe failed counts as probed")
	}
	failed.Errors = []error{errors.New("somewhere")}
	if newProbedPorts(&cfg).forHost(failed) != nil {
		t.Error("a failure of unknown place: Probed is not nil")
	}
}

type fakeUDPProbe struct{ ports []uint16 }

func (fakeUDPProbe) Name() string      { return "fake" }
func (fakeUDPProbe) Transport() string { return "udp" }
func (p fakeUDPProbe) Ports() []uint16 { return p.ports }
func (fakeUDPProbe) Probe(context.Context, probe.Dialer, probe.Target, probe.Options, probe.Emit) error {
	return nil
}
