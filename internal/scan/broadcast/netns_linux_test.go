//go:build linux

package broadcast

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/coveredtool/covered/internal/lab"
)

// wantKey is the observation key each lab protocol must yield, the same
// key the unicast probe emits.
var wantKey = map[string]string{
	"ssdp": "ssdp.header.server", "wsd": "wsd.probe_match", "mdns": "mdns.service",
	"sadp": "sadp.response", "dhip": "dhip.response",
}

// TestNetnsDiscovery runs lab devices in a network namespace the test
// creates and discovers them by multicast and broadcast over the veth
// pair, pinned to that veth (TTL 1, so nothing leaves the pair). Lab
// devices bind their unicast addresses only, so a relay in the namespace
// plays the part of their multicast and broadcast sockets: it listens on
// the groups and the subnet broadcast address, hands each request to every
// device's unicast socket, and sends each answer back from that device's
// address, as a device answering the group would.
func TestNetnsDiscovery(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skipf("needs the ip command (iproute2): %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces (CI runs it as root)")
	}
	l, err := lab.StartNetns(context.Background(), lab.NetnsConfig{Config: lab.Config{
		Profiles: []string{"hikvision-ipc", "dahua-ipc", "axis-camera", "hp-printer", "tplink-router"},
	}})
	if errors.Is(err, lab.ErrNetnsUnavailable) {
		t.Skipf("netns mode unavailable here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	devs := l.Devices()
	subnet := netip.PrefixFrom(devs[0].Addr, 24).Masked()
	ifs, err := Interfaces([]string{hostVeth(t, subnet)})
	if err != nil {
		t.Fatal(err)
	}
	startRelay(t, devs, subnet)

	t.Run("subnet scope", func(t *testing.T) {
		found, st, err := Run(context.Background(), Config{Interfaces: ifs, Window: 2 * time.Second})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		t.Logf("stats %+v", st)
		checkFound(t, devs, found, netip.Addr{})
	})
	t.Run("exclusion wins", func(t *testing.T) {
		excluded := devs[0].Addr
		found, st, err := Run(context.Background(), Config{Interfaces: ifs, Window: 2 * time.Second,
			Scope: func(a netip.Addr) bool { return subnet.Contains(a) && a != excluded }})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if st.OutOfScope == 0 {
			t.Errorf("stats %+v: want replies from %s counted out of scope", st, excluded)
		}
		checkFound(t, devs, found, excluded)
	})
}

// checkFound asserts every device that speaks a discovery protocol was
// found with that protocol's key, that nothing else was, and that skip
// was not.
func checkFound(t *testing.T, devs []lab.Device, found []Host, skip netip.Addr) {
	t.Helper()
	byAddr := map[netip.Addr]Host{}
	for _, h := range found {
		byAddr[h.Addr] = h
	}
	known := map[netip.Addr]bool{}
	spoken := map[string]bool{}
	for _, d := range devs {
		known[d.Addr] = true
		h, ok := byAddr[d.Addr]
		if d.Addr == skip {
			if ok {
				t.Errorf("%s (%s) is out of scope but was kept: %d observations", d.Profile, d.Addr, len(h.Observations))
			}
			continue
		}
		for _, p := range d.Ports {
			key, ok := wantKey[p.Proto]
			if !ok || p.Transport != "udp" {
				continue
			}
			spoken[p.Proto] = true
			if !hasKey(h, key, p.Number) {
				t.Errorf("%s (%s) speaks %s: no %s observation on udp/%d; got %s", d.Profile, d.Addr, p.Proto, key, p.Number, keys(h))
			}
		}
	}
	if len(spoken) != len(wantKey) {
		t.Errorf("the lab devices speak only %v of the %d protocols: the test checks too little", spoken, len(wantKey))
	}
	for _, h := range found {
		if !known[h.Addr] {
			t.Errorf("found %s, which is no lab device", h.Addr)
		}
	}
}

func hasKey(h Host, key string, port uint16) bool {
	for _, o := range h.Observations {
		if o.Key == key && o.Port == int(port) && o.Host == h.Addr.String() && o.Transport == "udp" && o.Source == "scan:broadcast" {
			return true
		}
	}
	return false
}

func keys(h Host) string {
	var out []string
	for _, o := range h.Observations {
		out = append(out, fmt.Sprintf("%s@%d", o.Key, o.Port))
	}
	return "[" + strings.Join(out, " ") + "]"
}

// hostVeth is the name of the lab's veth end on this side: the interface
// holding the subnet's first address.
func hostVeth(t *testing.T, subnet netip.Prefix) string {
	t.Helper()
	all, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifi := range all {
		if p, ok := ipv4Prefix(ifi); ok && p.Addr() == subnet.Addr().Next() {
			return ifi.Name
		}
	}
	t.Fatalf("no interface holds %s", subnet.Addr().Next())
	return ""
}

// labNamespace finds the namespace holding addr (the lab does not export
// its name).
func labNamespace(t *testing.T, addr netip.Addr) *os.File {
	t.Helper()
	names, _ := filepath.Glob("/var/run/netns/covered-lab-*")
	for _, n := range names {
		out, err := exec.Command("ip", "-n", filepath.Base(n), "-4", "-o", "addr").Output()
		if err == nil && strings.Contains(string(out), " "+addr.String()+"/") {
			f, err := os.Open(n)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}
	}
	t.Fatalf("no lab namespace holds %s", addr)
	return nil
}

// inNetns runs fn on a locked thread switched into ns; sockets opened there
// stay in ns.
func inNetns(ns *os.File, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		return errors.Join(ferr, err) // thread stays locked and is retired
	}
	runtime.UnlockOSThread()
	return ferr
}
