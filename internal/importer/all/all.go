// Package all links every importer format into the binary.
package all

import (
	_ "github.com/coveredtool/covered/internal/importer/accesslog"    // Apache/Nginx combined and Squid access logs (User-Agents)
	_ "github.com/coveredtool/covered/internal/importer/arp"          // ip neigh, /proc/net/arp, arp -a, Cisco show arp / mac address-table
	_ "github.com/coveredtool/covered/internal/importer/dhcp"         // ISC dhcpd, Kea, dnsmasq, Windows DHCP
	_ "github.com/coveredtool/covered/internal/importer/flow"         // nfdump CSV and AWS VPC flow logs (covered carriers' networks)
	_ "github.com/coveredtool/covered/internal/importer/inventory"    // CSV and XLSX asset, MDM and CMDB exports
	_ "github.com/coveredtool/covered/internal/importer/masscan"      // masscan -oJ and -oX
	_ "github.com/coveredtool/covered/internal/importer/neighbors"    // Cisco CDP and LLDP neighbor output (Cisco, Huawei, H3C, lldpd)
	_ "github.com/coveredtool/covered/internal/importer/nmapxml"      // nmap -oX
	_ "github.com/coveredtool/covered/internal/importer/observations" // covered's own JSON Lines
	_ "github.com/coveredtool/covered/internal/importer/pcap"         // tcpdump/Wireshark pcap and pcapng captures
	_ "github.com/coveredtool/covered/internal/importer/sbom"         // CycloneDX and SPDX SBOMs
	_ "github.com/coveredtool/covered/internal/importer/zeek"         // Zeek software, http, dhcp, ssl, ssh, known_services logs
	_ "github.com/coveredtool/covered/internal/importer/zgrab2"       // zgrab2 JSON Lines
)
