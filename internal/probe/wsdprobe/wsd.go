// Package wsdprobe is the WS-Discovery/ONVIF probe of the discovery stage:
// it sends one unicast WS-Discovery Probe for ONVIF network video
// transmitters to UDP 3702 of the target and emits the reply
// (wsd.probe_match), whose Scopes name the maker and model. When the match
// advertises an http device service address on the target itself, it asks
// that service for GetDeviceInformation without credentials and emits the
// answer (onvif.device_information); a device that wants authentication
// gets nothing more.
//
// Multicast discovery of a whole segment belongs to --broadcast mode and is
// not done here.
package wsdprobe

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// maxReplies bounds the datagrams read: a device sends one ProbeMatches.
const maxReplies = 16

// maxXAddrs bounds the device service addresses on the target that are
// tried.
const maxXAddrs = 4

// Prober is the WS-Discovery probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name is "wsd".
func (*Prober) Name() string { return "wsd" }

// Transport is "udp".
func (*Prober) Transport() string { return "udp" }

// Ports is the WS-Discovery port, 3702.
func (*Prober) Ports() []uint16 { return []uint16{3702} }

// Probe sends the Probe, emits the first ProbeMatches reply and follows it
// to GetDeviceInformation. Silence is not an error; a reply that is not a
// SOAP ProbeMatches is.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	conn, err := d.DialContext(ctx, "udp", t.HostPort())
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("wsd: dial %s: %w", t.HostPort(), err)
	}
	id := newMessageID()
	var matches []match
	n, err := wire.Exchange(ctx, conn, probeMessage(id), wire.ExchangeEnd(ctx, opt), maxReplies, 0, func(b []byte) error {
		m, err := parseProbeMatches(b, id)
		if err != nil {
			return err
		}
		matches = m
		emit(covered.Observation{Key: "wsd.probe_match", Value: string(b)})
		return nil
	})
	conn.Close()
	if n == 0 {
		return err
	}
	tries := 0
	for _, m := range matches {
		for _, xaddr := range strings.Fields(m.XAddrs) {
			if tries == maxXAddrs || ctx.Err() != nil {
				return nil
			}
			u, port, ok := wire.TargetURL(xaddr, t.Addr)
			if !ok {
				continue // another host, a name, https: never followed
			}
			tries++
			if deviceInformation(ctx, d, t, opt, u, port, emit) {
				return nil
			}
		}
	}
	return nil
}

// deviceInformation POSTs GetDeviceInformation to u, an http URL on the
// target, and emits the reply when it is one (not a 401, not a SOAP
// fault). It reports whether it emitted.
func deviceInformation(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, u *url.URL, port uint16, emit probe.Emit) bool {
	hdr := http.Header{"Content-Type": {deviceInformationContentType}}
	status, body, err := wire.HTTPDo(ctx, d, t.Addr, port, http.MethodPost, u, hdr, deviceInformationRequest, wire.ExchangeEnd(ctx, opt))
	if err != nil || status != http.StatusOK || !isDeviceInformation(body) {
		return false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	emit(covered.Observation{Key: "onvif.device_information", Value: string(body), Path: path, Port: int(port), Transport: "tcp"})
	return true
}
