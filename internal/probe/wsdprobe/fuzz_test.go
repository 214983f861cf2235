package wsdprobe

import (
	"net/netip"
	"testing"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// FuzzParseProbeMatches: any datagram gives matches or an error, never a
// panic; an accepted reply holds at least one match.
func FuzzParseProbeMatches(f *testing.F) {
	const id = "urn:uuid:11111111-2222-4333-8444-555555555555"
	f.Add(probeMatches(id, "http://127.0.0.1/onvif/device_service"))
	f.Add(probeMatches("urn:uuid:other", ""))
	f.Add(probeMessage(id))
	f.Add([]byte(soapFault))
	f.Add([]byte(deviceInfo))
	f.Add([]byte("<garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseProbeMatches(b, id)
		if err == nil && len(m) == 0 {
			t.Fatal("accepted a reply without matches")
		}
		_ = isDeviceInformation(b)
	})
}

// FuzzTargetURL: an XAddr from the wire is accepted only when its host is
// the target's address.
func FuzzTargetURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1/onvif/device_service", "http://127.0.0.2/d", "http://localhost/",
		"http://127.0.0.1@127.0.0.2/", "http://[::ffff:127.0.0.1]:80/", "https://127.0.0.1/", "http://127.0.0.1:0/"} {
		f.Add(s)
	}
	target := netip.MustParseAddr("127.0.0.1")
	f.Fuzz(func(t *testing.T, s string) {
		u, port, ok := wire.TargetURL(s, target)
		if !ok {
			return
		}
		h, err := netip.ParseAddr(u.Hostname())
		if err != nil || h.Unmap() != target || port == 0 {
			t.Fatalf("accepted %q (host %q, port %d)", s, u.Hostname(), port)
		}
	})
}
