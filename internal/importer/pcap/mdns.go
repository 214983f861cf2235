package pcap

import (
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/coveredtool/covered/internal/probe/mdnsprobe"
)

// maxRecords bounds the records read from one mDNS datagram.
const maxRecords = 64

// mdns reads one mDNS response (RFC 6762), an announcement or an answer,
// as facts of the responder, in the shapes the mDNS probe gives them (with
// its own mdnsprobe.Plain, JoinTXT and HostLabel): service types and
// instance names as mdns.service, an instance's TXT strings joined by ";"
// as mdns.txt with the instance as Path, and the host names of SRV targets
// and of A/AAAA records as hostname, without ".local". The probe's reader
// (mdnsprobe.ResponseObservations) is not used: it reads only answers to a
// service type enumeration, and devices announce their services without
// one. Queries are skipped: their known answers are what other hosts said.
func (r *reader) mdns(src netip.AddrPort, p []byte, ts time.Time) error {
	var m dns.Msg
	if m.Unpack(p) != nil || !m.Response {
		return nil
	}
	svc := fact{host: src.Addr(), port: portMDNS, tr: "udp", seen: ts}
	add := func(key, val, path string) error {
		f := svc
		f.key, f.val, f.path = key, val, path
		return r.out.add(f)
	}
	rrs := append(m.Answer, m.Extra...)
	for _, rr := range rrs[:min(len(rrs), maxRecords)] {
		owner := rr.Header().Name
		var err error
		switch rr := rr.(type) {
		case *dns.PTR:
			switch lower := strings.ToLower(owner); {
			case strings.HasSuffix(lower, ".arpa."):
				// A reverse mapping: the A records name the host.
			case lower == "_services._dns-sd._udp.local.":
				err = add("mdns.service", mdnsprobe.Plain(rr.Ptr), "")
			default:
				if err = add("mdns.service", mdnsprobe.Plain(owner), ""); err == nil {
					err = add("mdns.service", mdnsprobe.Plain(rr.Ptr), "")
				}
			}
		case *dns.TXT:
			if isInstance(owner) {
				err = add("mdns.txt", mdnsprobe.JoinTXT(rr.Txt), mdnsprobe.Plain(owner))
			}
		case *dns.SRV:
			err = add("hostname", mdnsprobe.HostLabel(rr.Target), "")
		case *dns.A, *dns.AAAA:
			if strings.HasSuffix(strings.ToLower(owner), ".local.") {
				err = add("hostname", mdnsprobe.HostLabel(owner), "")
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// isInstance reports whether a name is a DNS-SD service instance
// ("<instance>._<service>._tcp.local.", RFC 6763 §4.1).
func isInstance(name string) bool {
	lower := strings.ToLower(name)
	return strings.Contains(lower, "._tcp.") || strings.Contains(lower, "._udp.")
}
