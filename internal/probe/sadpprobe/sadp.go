// Package sadpprobe is the Hikvision SADP probe of the discovery stage: it
// sends one SADP inquiry by unicast to UDP 37020 of the target and emits
// the device's ProbeMatch reply verbatim (sadp.response). SADP is
// Hikvision's own discovery protocol, so any answer is Hikvision firmware
// (the model, serial and firmware version in it tell which product and
// brand: Hikvision, EZVIZ, HIKMICRO, or an OEM label).
//
// Devices that answer only to the multicast group are found by
// --broadcast mode, not here.
package sadpprobe

import (
	"context"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// maxReplies bounds the datagrams read: a device sends one ProbeMatch.
const maxReplies = 16

// Prober is the SADP probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name is "sadp".
func (*Prober) Name() string { return "sadp" }

// Transport is "udp".
func (*Prober) Transport() string { return "udp" }

// Ports is the SADP port, 37020.
func (*Prober) Ports() []uint16 { return []uint16{37020} }

// Probe sends the inquiry and emits the first ProbeMatch. Silence is not an
// error; a reply that is not a ProbeMatch is.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	return wire.AskUDP(ctx, d, t, opt, "sadp", inquiry(newUUID()), maxReplies, func(b []byte) error {
		if _, err := parseReply(b); err != nil {
			return err
		}
		emit(covered.Observation{Key: "sadp.response", Value: string(b)})
		return nil
	})
}
