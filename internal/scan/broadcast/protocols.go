package broadcast

import (
	"net/netip"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe/dhipprobe"
	"github.com/coveredtool/covered/internal/probe/mdnsprobe"
	"github.com/coveredtool/covered/internal/probe/sadpprobe"
	"github.com/coveredtool/covered/internal/probe/ssdpprobe"
	"github.com/coveredtool/covered/internal/probe/wsdprobe"
)

// parser turns one reply datagram into observations. It returns no
// observations and no error for a datagram that is not an answer (another
// host's request, our own echoed); an error means nonsense.
type parser func([]byte) ([]covered.Observation, error)

// protocol is one discovery protocol as --broadcast speaks it: where the
// request goes and how to build it. The request and the parsing are the
// unicast probe's (exported from its package), so a device heard either
// way yields the same observation keys.
type protocol struct {
	// Name is the unicast probe's name ("ssdp", "wsd", ...).
	Name string
	// Port is the protocol's well-known UDP port; observations carry it,
	// as the unicast probe's do.
	Port uint16
	// Group is the multicast group, or the zero Addr for a protocol sent to
	// the interface's broadcast address.
	Group netip.Addr
	// Request builds a fresh request and the parser of its replies (some
	// replies must echo an ID from the request).
	Request func() ([]byte, parser, error)
}

// The multicast groups: SSDP, WS-Discovery and SADP share the UPnP group
// (UDA 2.0 §1.1.2, WS-Discovery 2005/04 §2.4, and the public SADP clients
// cited in sadpprobe); mDNS has its own (RFC 6762 §3).
var (
	groupSSDP = netip.AddrFrom4([4]byte{239, 255, 255, 250})
	groupMDNS = netip.AddrFrom4([4]byte{224, 0, 0, 251})
)

// protocols lists what --broadcast sends, one request each per interface.
// DHIP has no multicast group in the public clients; they broadcast.
var protocols = []protocol{
	{Name: "ssdp", Port: 1900, Group: groupSSDP, Request: func() ([]byte, parser, error) {
		return ssdpprobe.SearchRequest(netip.AddrPortFrom(groupSSDP, 1900).String()), ssdpprobe.ReplyObservations, nil
	}},
	{Name: "wsd", Port: 3702, Group: groupSSDP, Request: func() ([]byte, parser, error) {
		req, id := wsdprobe.ProbeRequest()
		return req, func(b []byte) ([]covered.Observation, error) { return wsdprobe.MatchObservations(b, id) }, nil
	}},
	{Name: "mdns", Port: 5353, Group: groupMDNS, Request: func() ([]byte, parser, error) {
		// QU bit set: responders answer this sender by unicast instead of
		// to the whole group (RFC 6762 §5.4).
		req, id, err := mdnsprobe.ServicesQuery(true)
		return req, func(b []byte) ([]covered.Observation, error) { return mdnsprobe.ResponseObservations(b, id) }, err
	}},
	{Name: "sadp", Port: 37020, Group: groupSSDP, Request: func() ([]byte, parser, error) {
		return sadpprobe.InquiryRequest(), sadpprobe.ReplyObservations, nil
	}},
	{Name: "dhip", Port: 37810, Request: func() ([]byte, parser, error) {
		return dhipprobe.SearchRequest(), dhipprobe.ReplyObservations, nil
	}},
}
