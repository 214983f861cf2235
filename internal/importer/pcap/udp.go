package pcap

import (
	"bytes"
	"net/netip"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/probe/ssdpprobe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

// Well-known UDP ports the importer reads by port; SIP is recognized by
// its start line on any port.
const (
	portDHCPServer = 67
	portDHCPClient = 68
	portSSDP       = 1900
	portSIP        = 5060
	portMDNS       = 5353
)

// datagram reads one UDP payload.
func (r *reader) datagram(src, dst netip.AddrPort, p []byte, ts time.Time) error {
	switch sp, dp := src.Port(), dst.Port(); {
	case sp == portDHCPServer || sp == portDHCPClient || dp == portDHCPServer || dp == portDHCPClient:
		return r.dhcp(p, ts)
	case sp == portMDNS || dp == portMDNS:
		return r.mdns(src, p, ts)
	case sp == portSSDP || dp == portSSDP:
		return r.ssdp(src, p, ts)
	}
	if k, _ := startKind(p); k == kindSIP {
		// One message per datagram (RFC 3261 §18.1.1).
		msgs := splitMessages(p, func(int, *message) bool { return false })
		return r.sipMessages(src, "udp", msgs[:min(1, len(msgs))], ts)
	}
	return nil
}

// ssdp reports the SERVER header of a NOTIFY announcement or of a search
// response (UPnP Device Architecture 2.0 §1.2.2, §1.3.3), a fact of the
// device that sent it. Responses are read by the SSDP probe's own parser.
func (r *reader) ssdp(src netip.AddrPort, p []byte, ts time.Time) error {
	svc := fact{host: src.Addr(), port: portSSDP, tr: "udp", key: "ssdp.header.server", seen: ts}
	if bytes.HasPrefix(p, []byte("NOTIFY ")) {
		h, err := wire.ParseHeader(p)
		if err != nil {
			return nil
		}
		svc.val, _ = h.Get("SERVER")
		return r.out.add(svc)
	}
	obs, err := ssdpprobe.ReplyObservations(p)
	if err != nil {
		return nil // not SSDP after all
	}
	for _, o := range obs {
		f := svc
		f.key, f.val = o.Key, o.Value
		if err := r.out.add(f); err != nil {
			return err
		}
	}
	return nil
}

// sipMessages reports the User-Agent and Server headers of SIP messages
// as facts of their sender (RFC 3261 §20.41, §20.35): a phone's or
// gateway's requests carry User-Agent, its responses usually Server and
// sometimes User-Agent. The port is the sender's when it sent a response
// or from the SIP port, where it listens; a client's ephemeral port names
// no service.
func (r *reader) sipMessages(sender netip.AddrPort, transport string, msgs []message, ts time.Time) error {
	for _, m := range msgs {
		f := fact{host: sender.Addr(), seen: ts}
		if _, resp := wire.StatusCode(m.header.Start, "SIP"); resp || sender.Port() == portSIP {
			f.port, f.tr = sender.Port(), transport
		} else if !strings.HasSuffix(m.header.Start, " SIP/2.0") {
			continue
		}
		for _, kv := range [...]struct{ name, key string }{
			{"User-Agent", "sip.header.user_agent"},
			{"Server", "sip.header.server"},
		} {
			g := f
			g.key, g.val = kv.key, m.get(kv.name)
			if err := r.out.add(g); err != nil {
				return err
			}
		}
	}
	return nil
}
