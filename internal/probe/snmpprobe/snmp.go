// Package snmpprobe is the SNMP probe of the discovery stage: it asks an
// agent on UDP 161 who made it, emitting snmp.engineid (always, from SNMPv3
// engine discovery, which needs no credentials) and snmp.sysdescr and
// snmp.sysobjectid (only when the user gave community strings).
//
// Requests are the read-only minimum: one credential-free v3 discovery
// message, and per community one v2c GetRequest for sysDescr.0 and
// sysObjectID.0 with a v1 retry. gosnmp encodes and decodes the messages;
// the probe sends them itself over the probe.Dialer's socket so that scope,
// rate limits and deadlines stay with the scanner.
package snmpprobe

import (
	"context"
	"errors"
	"fmt"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// Prober is the SNMP probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name is "snmp".
func (*Prober) Name() string { return "snmp" }

// Transport is "udp".
func (*Prober) Transport() string { return "udp" }

// Ports is the SNMP agent port, 161.
func (*Prober) Ports() []uint16 { return []uint16{161} }

// Probe runs engine discovery and, with communities, the system GETs on
// one socket. A silent agent is not an error; a reply that does not decode
// is.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	conn, err := d.DialContext(ctx, "udp", t.HostPort())
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("snmp: dial %s: %w", t.HostPort(), err)
	}
	defer conn.Close()
	errV3 := discoverEngine(ctx, conn, opt, emit)
	var errCommunity error
	if len(opt.SNMPCommunities) > 0 {
		errCommunity = readSystem(ctx, conn, opt, emit)
	}
	return errors.Join(errV3, errCommunity)
}

// coveredObservation builds an observation; the scanner fills host, port,
// transport, source and time.
func coveredObservation(key, value, path string) covered.Observation {
	return covered.Observation{Key: key, Value: value, Path: path}
}

// maxReplies bounds the datagrams read per exchange: an agent sends one.
const maxReplies = 16
