// Package ssdpprobe is the SSDP/UPnP probe of the discovery stage: it sends
// one unicast M-SEARCH to UDP 1900 of the target, emits the SERVER header
// of each distinct reply (ssdp.header.server), and fetches the UPnP device
// description the reply's LOCATION names (upnp.description) when that URL
// is on the target itself. Its manufacturer, modelName and serialNumber
// fields are the main Hikvision and Dahua identifiers.
//
// Multicast discovery of a whole segment belongs to --broadcast mode and is
// not done here.
package ssdpprobe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

const (
	// maxReplies bounds datagrams read: a device answers ssdp:all with one
	// reply per device, service and UUID (3+2d+k, UDA 2.0 §1.3.3), a few
	// dozen at most.
	maxReplies = 48
	// defaultSettle is how long to keep collecting after the first reply:
	// the other replies of a device follow within its MX delay (1 s asked).
	defaultSettle = 1200 * time.Millisecond
	// maxServers and maxLocations cap distinct values kept.
	maxServers   = 4
	maxLocations = 2
)

// Prober is the SSDP probe.
type Prober struct {
	// Settle is how long to keep collecting replies after the first one
	// (never past the exchange deadline); zero means 1.2 s.
	Settle time.Duration
}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name is "ssdp".
func (*Prober) Name() string { return "ssdp" }

// Transport is "udp".
func (*Prober) Transport() string { return "udp" }

// Ports is the SSDP port, 1900.
func (*Prober) Ports() []uint16 { return []uint16{1900} }

// Probe searches the target, then fetches its descriptions. Silence is not
// an error; replies that are not SSDP responses are.
func (p *Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	conn, err := d.DialContext(ctx, "udp", t.HostPort())
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("ssdp: dial %s: %w", t.HostPort(), err)
	}
	settle := p.Settle
	if settle <= 0 {
		settle = defaultSettle
	}
	var servers, locations []string
	_, err = wire.Exchange(ctx, conn, searchRequest(t.HostPort()), wire.ExchangeEnd(ctx, opt), maxReplies, settle, func(b []byte) error {
		r, err := parseReply(b)
		if err != nil {
			if errors.Is(err, errNotResponse) {
				return wire.ErrSkip
			}
			return err
		}
		if r.Server != "" && len(servers) < maxServers && !contains(servers, r.Server) {
			servers = append(servers, r.Server)
			emit(covered.Observation{Key: "ssdp.header.server", Value: r.Server})
		}
		// Only URLs on the target count towards the cap: a device must not
		// hide its own description behind links elsewhere.
		if _, _, onTarget := wire.TargetURL(r.Location, t.Addr); onTarget && len(locations) < maxLocations && !contains(locations, r.Location) {
			locations = append(locations, r.Location)
		}
		return nil
	})
	conn.Close()
	if err != nil {
		return err
	}
	var seen []string // description bodies emitted
	for _, loc := range locations {
		if ctx.Err() != nil {
			break
		}
		if body, ok := describe(ctx, d, t, opt, loc, seen, emit); ok {
			seen = append(seen, body)
		}
	}
	return nil
}

// describe fetches the device description at loc when loc is on the target
// and emits it unless an identical one was (seen). A failed fetch is the
// device's web server being closed or slow, not nonsense, so it is not
// reported.
func describe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, loc string, seen []string, emit probe.Emit) (string, bool) {
	u, port, ok := wire.TargetURL(loc, t.Addr)
	if !ok {
		return "", false
	}
	hdr := http.Header{"Accept": {"text/xml, application/xml"}}
	status, body, err := wire.HTTPDo(ctx, d, t.Addr, port, http.MethodGet, u, hdr, nil, wire.ExchangeEnd(ctx, opt))
	if err != nil || status != http.StatusOK || len(body) == 0 || contains(seen, string(body)) {
		return "", false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	emit(covered.Observation{Key: "upnp.description", Value: string(body), Path: path, Port: int(port), Transport: "tcp"})
	return string(body), true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
