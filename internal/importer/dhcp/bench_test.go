package dhcp

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

func benchInputs() map[string][]byte {
	const size = 10 << 20
	return map[string][]byte{
		"dhcpd-leases": importtest.Synthetic(size, "authoring-byte-order little-endian;\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "lease 10.%d.%d.%d {\n  starts 3 2026/11/25 09:12:01;\n  ends 3 2026/11/25 21:12:01;\n  cltt 3 2026/11/25 09:12:01;\n  binding state active;\n  next binding state free;\n  hardware ethernet 00:e0:fc:%02x:%02x:%02x;\n  uid \"\\001\\000\\340\\374\\0224V\";\n  set vendor-class-identifier = \"MSFT 5.0\";\n  client-hostname \"host-%d\";\n}\n",
				i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff, i)
		}),
		"kea-leases": importtest.Synthetic(size, "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10.%d.%d.%d,00:e0:fc:%02x:%02x:%02x,01:00:e0:fc:%02x:%02x:%02x,3600,1795600800,1,0,0,host-%d.example.org,0,,0\n",
				i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff, i)
		}),
		"dnsmasq-leases": importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "1795600800 00:e0:fc:%02x:%02x:%02x 10.%d.%d.%d host-%d 01:00:e0:fc:%02x:%02x:%02x\n",
				i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff, i, i>>16&0xff, i>>8&0xff, i&0xff)
		}),
		"dnsmasq-log": importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			p := "Nov 27 10:00:00 gw dnsmasq-dhcp[812]: "
			fmt.Fprintf(b, "%s%d vendor class: MSFT 5.0\n%s%d DHCPREQUEST(eth0) 10.%d.%d.%d 00:e0:fc:%02x:%02x:%02x\n%s%d DHCPACK(eth0) 10.%d.%d.%d 00:e0:fc:%02x:%02x:%02x host-%d\n%s%d requested options: 1:netmask, 3:router, 6:dns-server, 15:domain-name\n",
				p, i, p, i, i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff,
				p, i, i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff, i, p, i)
		}),
		"windows-dhcp": importtest.Synthetic(size, "ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name, TransactionID, QResult,Probationtime, CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError.\n", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10,11/27/26,10:05:12,Assign,10.%d.%d.%d,host-%d.corp.example,00E0FC%02X%02X%02X,,%d,0,,,,0x4D53465420352E30,MSFT 5.0,,,,0\n",
				i>>16&0xff, i>>8&0xff, i&0xff, i, i>>16&0xff, i>>8&0xff, i&0xff, i)
		}),
	}
}

// BenchmarkRead reports MB/s of each format on about 10 MB of synthetic
// records; the project's bar for importers is 100 MB/s per core.
func BenchmarkRead(b *testing.B) {
	for name, data := range benchInputs() {
		format := name
		if format == "dnsmasq-log" {
			format = "dnsmasq-leases"
		}
		b.Run(name, func(b *testing.B) {
			importtest.Bench(b, importtest.Lookup(b, format), data, importer.Source{Name: "bench", Seen: seen})
		})
	}
}
