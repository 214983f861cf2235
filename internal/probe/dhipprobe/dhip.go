// Package dhipprobe is the Dahua DHIP probe of the discovery stage: it
// sends one DHDiscover.search frame by unicast to UDP 37810 of the target
// and emits the device's reply verbatim, binary header included
// (dhip.response). DHIP is Dahua's own protocol, so any answer is Dahua
// firmware; the deviceInfo in it (DeviceClass, DeviceType, Vendor,
// Version) tells the product and the label (Dahua, Imou, Amcrest, Lorex,
// other OEMs).
//
// Devices that answer only to the multicast group are found by
// --broadcast mode, not here.
package dhipprobe

import (
	"context"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// maxReplies bounds the datagrams read: a device sends one reply.
const maxReplies = 16

// Prober is the DHIP probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name is "dhip".
func (*Prober) Name() string { return "dhip" }

// Transport is "udp".
func (*Prober) Transport() string { return "udp" }

// Ports is the DHIP discovery port, 37810.
func (*Prober) Ports() []uint16 { return []uint16{37810} }

// Probe sends the search and emits the first well-framed reply. Silence is
// not an error; a reply that is not a DHIP frame with a JSON body is.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	return wire.AskUDP(ctx, d, t, opt, "dhip", searchRequest(), maxReplies, func(b []byte) error {
		if _, err := parseReply(b); err != nil {
			return err
		}
		emit(covered.Observation{Key: "dhip.response", Value: string(b)})
		return nil
	})
}
