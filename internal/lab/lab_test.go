package lab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"
)

// startLab starts a lab for a test and closes it at the end.
func startLab(t *testing.T, cfg Config) *Lab {
	t.Helper()
	l, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// settle waits for the goroutine count to drop to at most want.
func settle(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && n > want; i++ {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func TestStartCloseLeavesNoGoroutinesOrListeners(t *testing.T) {
	before := runtime.NumGoroutine()
	l, err := Start(context.Background(), Config{Base: netip.MustParseAddr("127.10.1.1"), Count: 30, Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	devs := l.Devices()
	if len(devs) != 30+8 {
		t.Fatalf("%d devices, want 38", len(devs))
	}
	// Talk to a few services so that connection goroutines exist too.
	for _, d := range devs[:10] {
		for _, p := range d.Ports {
			if p.Transport == "tcp" && !strings.HasPrefix(p.Proto, "hostile") {
				if c, err := net.DialTimeout("tcp", netip.AddrPortFrom(d.Addr, p.Number).String(), time.Second); err == nil {
					defer c.Close()
				}
			}
		}
	}
	if runtime.NumGoroutine() <= before {
		t.Fatal("the lab runs no goroutines?")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if after := settle(before + 2); after > before+2 {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines: %d before Start, %d after Close\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
	for _, d := range devs {
		for _, p := range d.Ports {
			if p.Transport != "tcp" {
				continue
			}
			if c, err := net.DialTimeout("tcp", netip.AddrPortFrom(d.Addr, p.Number).String(), time.Second); err == nil {
				c.Close()
				t.Errorf("%s:%d still accepts after Close", d.Addr, p.Number)
			}
		}
	}
}

func TestContextCancelClosesTheLab(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l, err := Start(ctx, Config{Base: netip.MustParseAddr("127.10.2.1"), Profiles: []string{"linux-server"}})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	addr := netip.AddrPortFrom(l.Devices()[0].Addr, 22).String()
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the lab still accepts after its context ended")
}

func TestDevicesAndTruth(t *testing.T) {
	l := startLab(t, Config{Base: netip.MustParseAddr("127.10.3.254"), Count: 4, Profiles: []string{"hikvision-ipc", "axis-camera"}})
	devs := l.Devices()
	wantAddrs := []string{"127.10.3.254", "127.10.4.1", "127.10.4.2", "127.10.4.3"} // .255 and .0 skipped
	for i, d := range devs {
		if d.Addr.String() != wantAddrs[i] {
			t.Errorf("device %d at %s, want %s", i, d.Addr, wantAddrs[i])
		}
	}
	if devs[0].Profile != "axis-camera" || devs[1].Profile != "hikvision-ipc" || devs[2].Profile != "axis-camera" {
		t.Errorf("round-robin in name order: got %s, %s, %s", devs[0].Profile, devs[1].Profile, devs[2].Profile)
	}
	if !strings.HasPrefix(devs[1].MAC, "bc:ad:28:") {
		t.Errorf("hikvision device MAC %s does not carry the profile OUI", devs[1].MAC)
	}
	var buf bytes.Buffer
	if err := l.Truth(&buf); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		for _, k := range []string{"host", "mac", "profile", "manufacturer", "brand", "covered_entity", "status", "ports"} {
			if _, ok := line[k]; !ok {
				t.Errorf("line %d has no %q: %s", n+1, k, sc.Text())
			}
		}
		if line["host"] != devs[n].Addr.String() || line["status"] != devs[n].Truth.Status {
			t.Errorf("line %d: %s", n+1, sc.Text())
		}
		n++
	}
	if n != len(devs) {
		t.Errorf("%d truth lines for %d devices", n, len(devs))
	}
	if got := string(mustJSON(t, devs[1].Truth)); !strings.Contains(got, `"covered_entity":"Hikvision"`) {
		t.Errorf("truth %s", got)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStartErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown profile", Config{Profiles: []string{"nokia-phone"}}, `lab: unknown profile "nokia-phone"`},
		{"not loopback", Config{Base: netip.MustParseAddr("10.0.0.1")}, "lab: base address 10.0.0.1 is not in 127.0.0.0/8"},
		{"leaves loopback", Config{Base: netip.MustParseAddr("127.255.255.250"), Count: 10}, "lab: 10 devices from 127.255.255.250 leave 127.0.0.0/8"},
		{"negative count", Config{Count: -1}, "lab: count -1 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Start(context.Background(), tc.cfg)
			if err == nil {
				l.Close()
				t.Fatal("Start succeeded")
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestBindConflictReleasesEverything(t *testing.T) {
	base := netip.MustParseAddr("127.10.5.1")
	hold, err := net.Listen("tcp4", "127.10.5.2:22")
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	before := runtime.NumGoroutine()
	_, err = Start(context.Background(), Config{Base: base, Count: 3, Profiles: []string{"linux-server"}})
	if err == nil || !strings.Contains(err.Error(), "listen tcp/127.10.5.2:22") {
		t.Fatalf("error %v, want a listen error naming 127.10.5.2:22", err)
	}
	if c, err := net.DialTimeout("tcp", "127.10.5.1:22", time.Second); err == nil {
		c.Close()
		t.Error("the first device still listens after the failed Start")
	}
	if after := settle(before); after > before+1 {
		t.Errorf("goroutines %d -> %d", before, after)
	}
}

func TestAssignIsDeterministic(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	chosen, _, err := selectProfiles(ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := func(seed uint64) string {
		var b strings.Builder
		for _, p := range assign(chosen, 200, true, seed) {
			b.WriteString(p.Name + " ")
		}
		return b.String()
	}
	if a, b := names(1), names(1); a != b {
		t.Error("the same seed gave two mixes")
	}
	if names(1) == names(2) {
		t.Error("two seeds gave the same mix")
	}
	count := map[string]int{}
	for _, p := range assign(chosen, 10000, true, 7) {
		count[p.Name]++
	}
	if count["hikvision-ipc"] < 2*count["zte-olt"] {
		t.Errorf("weights ignored: hikvision-ipc %d, zte-olt %d", count["hikvision-ipc"], count["zte-olt"])
	}
}

func TestFDBudget(t *testing.T) {
	l := startLab(t, Config{Base: netip.MustParseAddr("127.10.6.1")})
	max, sum := 0, 0
	for _, d := range l.Devices() {
		max = maxInt(max, len(d.Ports))
		sum += len(d.Ports)
	}
	if l.Sockets() != sum {
		t.Errorf("Sockets() = %d, ports = %d", l.Sockets(), sum)
	}
	t.Logf("%d devices, %d sockets, at most %d per device, %.1f on average", len(l.Devices()), sum, max, float64(sum)/float64(len(l.Devices())))
	if max > 8 {
		t.Errorf("a device holds %d sockets; the package doc promises at most 8", max)
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
