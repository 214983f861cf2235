// Package all links in the built-in probes: importing it for side effects
// registers every probe package with internal/probe. It is the one list of
// built-in probes; a probe package itself never needs a central edit.
package all

import (
	_ "github.com/coveredtool/covered/internal/probe/ftpprobe"    // FTP greeting
	_ "github.com/coveredtool/covered/internal/probe/httpprobe"   // HTTP and HTTPS
	_ "github.com/coveredtool/covered/internal/probe/rtspprobe"   // RTSP OPTIONS/DESCRIBE
	_ "github.com/coveredtool/covered/internal/probe/sipprobe"    // SIP OPTIONS
	_ "github.com/coveredtool/covered/internal/probe/sshprobe"    // SSH identification
	_ "github.com/coveredtool/covered/internal/probe/telnetprobe" // Telnet banner
	_ "github.com/coveredtool/covered/internal/probe/tlsprobe"    // TLS certificates
	_ "github.com/coveredtool/covered/internal/probe/vendorprobe" // vendor SDK ports (read only)
)
