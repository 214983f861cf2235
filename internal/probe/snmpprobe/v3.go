package snmpprobe

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/gosnmp/gosnmp"

	"github.com/coveredtool/covered/internal/probe"
)

// discoveryRequest is the SNMPv3 engine discovery message of RFC 3414 §4:
// a GetRequest with no variable bindings, an empty user name and engine ID,
// noAuthNoPriv and the reportable flag. It carries no credentials; the
// agent answers with a Report whose USM header names its authoritative
// engine (ID, boots, time).
func discoveryRequest(msgID, reqID uint32) ([]byte, error) {
	p := &gosnmp.SnmpPacket{
		Version:            gosnmp.Version3,
		MsgFlags:           gosnmp.Reportable | gosnmp.NoAuthNoPriv,
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{},
		PDUType:            gosnmp.GetRequest,
		MsgID:              msgID,
		RequestID:          reqID,
		MsgMaxSize:         wire.MaxDatagram - 1,
	}
	b, err := p.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("snmp: encode engine discovery: %w", err)
	}
	return b, nil
}

// parseReport decodes an SNMPv3 reply to the discovery request msgID and
// returns the agent's authoritative engine ID.
//
// The engine ID's first four octets are, per RFC 3411 §5 (SnmpEngineID),
// the IANA private enterprise number of the agent's vendor with the top bit
// set (0x80000000 | PEN) for the RFC 3411 format, or the bare PEN for the
// older RFC 1910 format: 80 00 07 db is Huawei (PEN 2011). identify maps it
// with the PEN table, so the raw bytes are all the probe reports.
//
// gosnmp decodes the BER; it is third-party code fed hostile bytes, so a
// panic inside it is turned into an error rather than crashing the scan.
func parseReport(b []byte, msgID uint32) (engineID []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			engineID, err = nil, fmt.Errorf("snmp: malformed v3 reply (decoder panic: %v)", r)
		}
	}()
	// The decoder's own Version only selects validation; the packet's
	// version is read from the wire. v2c keeps gosnmp from demanding v3
	// credentials just to parse.
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	pkt, err := dec.SnmpDecodePacket(b)
	if err != nil {
		return nil, fmt.Errorf("snmp: decode v3 reply: %w", err)
	}
	if pkt.Version != gosnmp.Version3 {
		return nil, wire.ErrSkip // a late v1/v2c reply on the same socket
	}
	if pkt.MsgID != msgID {
		return nil, wire.ErrSkip
	}
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if !ok || usm == nil {
		return nil, fmt.Errorf("snmp: v3 reply without USM security parameters")
	}
	id := usm.AuthoritativeEngineID
	// RFC 3411 §5: SnmpEngineID ::= OCTET STRING (SIZE(5..32)).
	if len(id) < 5 || len(id) > 32 {
		return nil, fmt.Errorf("snmp: v3 reply engine ID has %d octets, want 5..32", len(id))
	}
	return []byte(id), nil
}

// discoverEngine runs the engine discovery exchange and emits snmp.engineid
// (lowercase hex) when the agent reports one.
func discoverEngine(ctx context.Context, conn net.Conn, opt probe.Options, emit probe.Emit) error {
	msgID := randomID()
	req, err := discoveryRequest(msgID, randomID())
	if err != nil {
		return err
	}
	var id []byte
	n, err := wire.Exchange(ctx, conn, req, wire.ExchangeEnd(ctx, opt), maxReplies, 0, func(b []byte) error {
		var perr error
		id, perr = parseReport(b, msgID)
		return perr
	})
	if n == 0 {
		return err
	}
	emit(coveredObservation("snmp.engineid", hex.EncodeToString(id), ""))
	return nil
}
