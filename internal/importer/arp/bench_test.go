package arp

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// synthetic returns about size bytes of one format: a header, then entries
// from gen until the size is reached.
func synthetic(size int, header string, gen func(b *bytes.Buffer, i int)) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	b.WriteString(header)
	for i := 0; b.Len() < size; i++ {
		gen(&b, i)
	}
	return b.Bytes()
}

// BenchmarkRead reports MB/s of each format on about 10 MB of synthetic
// entries; the project's bar for importers is 100 MB/s per core.
func BenchmarkRead(b *testing.B) {
	const size = 10 << 20
	inputs := []struct {
		name, format string
		data         []byte
	}{
		{"ip-neigh", "ip-neigh", synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10.%d.%d.%d dev eth0 lladdr 00:e0:fc:%02x:%02x:%02x REACHABLE\n", i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		{"proc-net-arp", "ip-neigh", synthetic(size, "IP address       HW type     Flags       HW address            Mask     Device\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10.%d.%d.%-8d 0x1         0x2         00:e0:fc:%02x:%02x:%02x     *        eth0\n", i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		{"windows-arp", "windows-arp", synthetic(size, "Interface: 10.0.0.2 --- 0x5\r\n  Internet Address      Physical Address      Type\r\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "  10.%d.%d.%-12d 00-e0-fc-%02x-%02x-%02x     dynamic   \r\n", i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		{"cisco-arp", "cisco-arp", synthetic(size, "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "Internet  10.%d.%d.%-12d %3d   00e0.fc%02x.%02x%02x  ARPA   Vlan10\n", i>>16&0xff, i>>8&0xff, i&0xff, i%240, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		{"cisco-mac-table", "cisco-arp", synthetic(size, "Vlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "  %-4d  00e0.fc%02x.%02x%02x    DYNAMIC     Gi1/0/%d\n", i%4000+1, i>>16&0xff, i>>8&0xff, i&0xff, i%48+1)
		})},
	}
	for _, in := range inputs {
		f, _ := importer.Lookup(in.format)
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := f.Read(context.Background(), bytes.NewReader(in.data), importer.Source{Name: "bench", Seen: seen},
					func(covered.Observation) error { n++; return nil },
					func(e *importer.RecordError) { b.Fatal(e) })
				if err != nil || n == 0 {
					b.Fatalf("Read: %v, %d observations", err, n)
				}
			}
		})
	}
}
