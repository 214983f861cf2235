package scan

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

func TestNeighborTable(t *testing.T) {
	arp := `IP address       HW type     Flags       HW address            Mask     Device
192.0.2.10       0x1         0x2         00:e0:fc:12:34:56     *        eth0
192.0.2.11       0x1         0x0         00:00:00:00:00:00     *        eth0
192.0.2.12       0x1         0x2         3c:ef:8c:00:00:01     *        eth0
`
	path := filepath.Join(t.TempDir(), "arp")
	if err := os.WriteFile(path, []byte(arp), 0o644); err != nil {
		t.Fatal(err)
	}
	lookup := NeighborTable(path)
	tests := []struct {
		addr, mac string
		ok        bool
	}{
		{"192.0.2.10", "00:e0:fc:12:34:56", true},
		{"192.0.2.11", "", false}, // incomplete entry
		{"192.0.2.12", "3c:ef:8c:00:00:01", true},
		{"192.0.2.13", "", false},
		{"2001:db8::1", "", false},
	}
	for _, tt := range tests {
		mac, ok := lookup(netip.MustParseAddr(tt.addr))
		if mac != tt.mac || ok != tt.ok {
			t.Errorf("%s: %q %v, want %q %v", tt.addr, mac, ok, tt.mac, tt.ok)
		}
	}
	if _, ok := NeighborTable(filepath.Join(t.TempDir(), "missing"))(netip.MustParseAddr("192.0.2.10")); ok {
		t.Error("a missing table found an address")
	}
}
