package arp

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// BenchmarkRead reports MB/s of each format on about 10 MB of synthetic
// entries; the project's bar for importers is 100 MB/s per core.
func BenchmarkRead(b *testing.B) {
	const size = 10 << 20
	importtest.BenchInputs(b, importer.Source{Name: "bench", Seen: seen},
		importtest.Input{Name: "ip-neigh", Format: "ip-neigh", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10.%d.%d.%d dev eth0 lladdr 00:e0:fc:%02x:%02x:%02x REACHABLE\n", i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "proc-net-arp", Format: "ip-neigh", Data: importtest.Synthetic(size, "IP address       HW type     Flags       HW address            Mask     Device\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10.%d.%d.%-8d 0x1         0x2         00:e0:fc:%02x:%02x:%02x     *        eth0\n", i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "windows-arp", Format: "windows-arp", Data: importtest.Synthetic(size, "Interface: 10.0.0.2 --- 0x5\r\n  Internet Address      Physical Address      Type\r\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "  10.%d.%d.%-12d 00-e0-fc-%02x-%02x-%02x     dynamic   \r\n", i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "cisco-arp", Format: "cisco-arp", Data: importtest.Synthetic(size, "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "Internet  10.%d.%d.%-12d %3d   00e0.fc%02x.%02x%02x  ARPA   Vlan10\n", i>>16&0xff, i>>8&0xff, i&0xff, i%240, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "cisco-mac-table", Format: "cisco-arp", Data: importtest.Synthetic(size, "Vlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "  %-4d  00e0.fc%02x.%02x%02x    DYNAMIC     Gi1/0/%d\n", i%4000+1, i>>16&0xff, i>>8&0xff, i&0xff, i%48+1)
		})},
	)
}
