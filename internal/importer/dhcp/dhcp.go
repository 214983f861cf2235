// Package dhcp imports DHCP server records (an importer format family of
// the import stage): ISC dhcpd and Kea lease files, dnsmasq leases and logs,
// and Windows DHCP server exports and audit logs. Each lease or logged
// transaction becomes observations of one textfile.Device: its MAC (`mac`), and
// when the record has them the client's hostname (`dhcp.hostname`, option
// 12), vendor class (`dhcp.vendor_class`, option 60) and parameter request
// list (`dhcp.param_list`, option 55, as comma-separated option numbers).
//
// Host is the leased IP, or the MAC when no IP is known. MACs are written
// as lowercase colon-separated hex, whatever the file's notation; all-zero,
// multicast and broadcast MACs are dropped. Lines longer than 64 KiB and
// records that do not parse are reported with their line, and reading goes
// on.
package dhcp

import "github.com/coveredtool/covered/internal/importer"

func init() {
	importer.Register(dhcpdFormat{})
	importer.Register(keaFormat{})
	importer.Register(dnsmasqFormat{})
	importer.Register(windowsFormat{})
}
