// Package all links in the built-in probes: importing it for side effects
// registers every probe package with internal/probe. It is the one list of
// built-in probes; a probe package itself never needs a central edit.
package all

import (
	_ "github.com/coveredtool/covered/internal/probe/dhipprobe"   // Dahua DHIP discovery
	_ "github.com/coveredtool/covered/internal/probe/ftpprobe"    // FTP greeting
	_ "github.com/coveredtool/covered/internal/probe/httpprobe"   // HTTP and HTTPS
	_ "github.com/coveredtool/covered/internal/probe/mdnsprobe"   // mDNS unicast
	_ "github.com/coveredtool/covered/internal/probe/rtspprobe"   // RTSP OPTIONS/DESCRIBE
	_ "github.com/coveredtool/covered/internal/probe/sadpprobe"   // Hikvision SADP discovery
	_ "github.com/coveredtool/covered/internal/probe/sipprobe"    // SIP OPTIONS
	_ "github.com/coveredtool/covered/internal/probe/snmpprobe"   // SNMPv3 discovery; v1/v2c with a given community
	_ "github.com/coveredtool/covered/internal/probe/ssdpprobe"   // SSDP and UPnP description
	_ "github.com/coveredtool/covered/internal/probe/sshprobe"    // SSH identification
	_ "github.com/coveredtool/covered/internal/probe/telnetprobe" // Telnet banner
	_ "github.com/coveredtool/covered/internal/probe/tlsprobe"    // TLS certificates
	_ "github.com/coveredtool/covered/internal/probe/vendorprobe" // vendor SDK ports (read only)
	_ "github.com/coveredtool/covered/internal/probe/wsdprobe"    // WS-Discovery and ONVIF device information
)
