package lab

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestThousandDevices starts 1,000 devices in a weighted mix plus the
// hostile set, spot-checks them and closes everything.
func TestThousandDevices(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 1,000 devices; skipped with -short")
	}
	before := runtime.NumGoroutine()
	start := time.Now()
	l, err := Start(context.Background(), Config{Base: netip.MustParseAddr("127.11.0.1"), Count: 1000, Weighted: true, Seed: 1, Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("started %d devices, %d sockets in %v", len(l.Devices()), l.Sockets(), time.Since(start))
	devs := l.Devices()
	if len(devs) != 1008 {
		t.Fatalf("%d devices", len(devs))
	}
	for _, d := range []Device{devs[0], devs[499], devs[999]} {
		for _, p := range d.Ports {
			if p.Transport != "tcp" {
				continue
			}
			c, err := net.DialTimeout("tcp", netip.AddrPortFrom(d.Addr, p.Number).String(), time.Second)
			if err != nil {
				t.Errorf("%s %s:%d: %v", d.Profile, d.Addr, p.Number, err)
				continue
			}
			c.Close()
		}
	}
	start = time.Now()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("closed in %v", time.Since(start))
	if after := settle(before + 2); after > before+2 {
		t.Errorf("goroutines %d before, %d after", before, after)
	}
}

// TestNetnsDevicesHaveTheirOwnMACs runs a few devices in a network
// namespace and checks that the host's neighbor table learns each
// device's own MAC address.
func TestNetnsDevicesHaveTheirOwnMACs(t *testing.T) {
	l, err := StartNetns(context.Background(), NetnsConfig{Config: Config{Profiles: []string{"hikvision-ipc", "dahua-ipc", "axis-camera"}}})
	if errors.Is(err, ErrNetnsUnavailable) {
		t.Skipf("netns mode unavailable here (CI runs it as root): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	for _, d := range l.Devices() {
		c, err := net.DialTimeout("tcp", netip.AddrPortFrom(d.Addr, 80).String(), 2*time.Second)
		if err != nil {
			t.Fatalf("%s %s: %v", d.Profile, d.Addr, err)
		}
		c.Close()
		out, err := exec.Command("ip", "neigh", "show", d.Addr.String()).CombinedOutput()
		if err != nil {
			t.Fatalf("ip neigh: %v: %s", err, out)
		}
		if !strings.Contains(string(out), "lladdr "+d.MAC) {
			t.Errorf("%s at %s: neighbor entry %q, want MAC %s", d.Profile, d.Addr, strings.TrimSpace(string(out)), d.MAC)
		}
	}
}
