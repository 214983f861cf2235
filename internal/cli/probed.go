package cli

import (
	"errors"
	"net/netip"

	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/scan"
)

// probedPorts are the ports a scan configuration probes on every host it
// finishes, for check.Device.Probed: its TCP ports (each connected to, and
// probed when open) and its UDP ports that some probe handles, less the
// ports it skips (printers). A check whose evidence is missing decides "not
// affected" only when all of its ports are among these.
type probedPorts struct {
	tcp, udp map[int]bool
}

// newProbedPorts reads cfg as scan.Run will use it.
func newProbedPorts(cfg *scan.Config) *probedPorts {
	pp := &probedPorts{tcp: map[int]bool{}, udp: map[int]bool{}}
	probes := cfg.Probes
	if probes == nil {
		probes = probe.All()
	}
	handled := map[uint16]bool{} // UDP ports some probe sends to
	for _, p := range probes {
		if p.Transport() == "udp" {
			for _, port := range p.Ports() {
				handled[port] = true
			}
		}
	}
	skip := func(transport string, port uint16) bool { return cfg.Skip != nil && cfg.Skip(transport, port) }
	for _, port := range cfg.TCP {
		if !skip("tcp", port) {
			pp.tcp[int(port)] = true
		}
	}
	for _, port := range cfg.UDP {
		if handled[port] && !skip("udp", port) {
			pp.udp[int(port)] = true
		}
	}
	// The SNMP probe asks v1/v2c (snmp.sysdescr, the evidence of the
	// cleartext SNMP check) only with the communities the user gives;
	// without them it sends engine discovery alone, which can never show
	// a v1/v2c answer. So a run without communities does not count udp/161
	// as probed: its silence there must not clear an SNMP finding. (No
	// other check reads evidence from udp/161's probe alone.)
	if len(cfg.Options.SNMPCommunities) == 0 {
		delete(pp.udp, 161)
	}
	return pp
}

// forHost is check.Device.Probed for one host's result: nil (unknown) when
// the host's scan did not complete (an interrupted scan decides nothing
// from what it did not see), else the configuration's ports less those
// where a probe failed on this host (its silence there says nothing).
func (pp *probedPorts) forHost(r scan.Result) func(transport string, port int) bool {
	if pp == nil || !r.Complete {
		return nil
	}
	failed := map[int]bool{}
	for _, err := range r.Errors {
		var pe *scan.ProbeError
		if !errors.As(err, &pe) {
			return nil // a failure of unknown place: nothing is known
		}
		ap, perr := netip.ParseAddrPort(pe.Target)
		if perr != nil {
			return nil
		}
		failed[int(ap.Port())] = true // on either transport: the error does not say
	}
	return func(transport string, port int) bool {
		if failed[port] {
			return false
		}
		switch transport {
		case "tcp":
			return pp.tcp[port]
		case "udp":
			return pp.udp[port]
		}
		return false
	}
}
