package scan

import (
	"bufio"
	"net/netip"
	"os"
	"strings"
)

// NeighborTable reads the kernel's IPv4 neighbor (ARP) table. It is read
// afresh on every call, so MAC addresses learned while the scan runs are
// found; the file is small (one line per neighbor).
func NeighborTable(path string) func(netip.Addr) (string, bool) {
	if path == "" {
		path = "/proc/net/arp"
	}
	return func(a netip.Addr) (string, bool) {
		if !a.Is4() {
			return "", false
		}
		f, err := os.Open(path)
		if err != nil {
			return "", false
		}
		defer f.Close()
		return lookupARP(bufio.NewScanner(f), a.String())
	}
}

// lookupARP finds ip in /proc/net/arp lines:
// "IP address  HW type  Flags  HW address  Mask  Device". Incomplete entries
// (flags 0x0) and the all-zero address are skipped.
func lookupARP(s *bufio.Scanner, ip string) (string, bool) {
	s.Buffer(make([]byte, 4096), 4096)
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) < 4 || f[0] != ip {
			continue
		}
		if f[2] == "0x0" || f[3] == "00:00:00:00:00:00" {
			return "", false
		}
		return f[3], true
	}
	return "", false
}
