package pcap

import (
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// maxRecords bounds the records read from one mDNS datagram.
const maxRecords = 64

// mdns reads one mDNS response (RFC 6762), an announcement or an answer,
// as facts of the responder, in the shapes the mDNS probe gives them:
// service types and instance names as mdns.service, an instance's TXT
// strings joined by ";" as mdns.txt with the instance as Path, and the host
// names of SRV targets and of A/AAAA records as hostname, without
// ".local". The probe's own reader (mdnsprobe.ResponseObservations) is not
// used: it reads only answers to a service type enumeration, and devices
// announce their services without one. Queries are skipped: their known
// answers are what other hosts said.
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
				err = add("mdns.service", plain(rr.Ptr), "")
			default:
				if err = add("mdns.service", plain(owner), ""); err == nil {
					err = add("mdns.service", plain(rr.Ptr), "")
				}
			}
		case *dns.TXT:
			if isInstance(owner) {
				err = add("mdns.txt", joinTXT(rr.Txt), plain(owner))
			}
		case *dns.SRV:
			err = add("hostname", hostLabel(rr.Target), "")
		case *dns.A, *dns.AAAA:
			if strings.HasSuffix(strings.ToLower(owner), ".local.") {
				err = add("hostname", hostLabel(owner), "")
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

// plain turns a name from miekg/dns presentation form
// ("HIKVISION\ DS-2CD\.1._http._tcp.local.") into the text the device sent
// ("HIKVISION DS-2CD.1._http._tcp.local"), as the mDNS probe does.
func plain(s string) string { return unescape(s, true) }

// unescape undoes miekg/dns presentation escapes (\X and \DDD); for a
// name it also drops the root label's dot.
func unescape(s string, name bool) string {
	if !strings.Contains(s, `\`) {
		if name {
			return strings.TrimSuffix(s, ".")
		}
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case name && c == '.' && i == len(s)-1:
		case c != '\\' || i+1 == len(s):
			b.WriteByte(c)
		case i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]):
			if v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); v <= 255 {
				b.WriteByte(byte(v))
				i += 3
			} else {
				b.WriteByte(s[i+1])
				i++
			}
		default:
			b.WriteByte(s[i+1])
			i++
		}
	}
	return b.String()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// joinTXT renders TXT strings as the mDNS probe does: the non-empty
// strings in record order, separated by ";".
func joinTXT(txt []string) string {
	parts := make([]string, 0, len(txt))
	for _, s := range txt {
		if s = unescape(s, false); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ";")
}

// hostLabel is the host name an SRV target or address record gives,
// without ".local": the name a device calls itself.
func hostLabel(name string) string {
	h := plain(name)
	if len(h) > 6 && strings.EqualFold(h[len(h)-6:], ".local") {
		h = h[:len(h)-6]
	}
	return h
}
