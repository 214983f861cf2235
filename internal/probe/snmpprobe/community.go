package snmpprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/gosnmp/gosnmp"

	"github.com/coveredtool/covered/internal/probe"
)

// The two MIB-II system objects the probe reads (RFC 3418), dotted without
// a leading dot as observations carry them.
const (
	oidSysDescr    = "1.3.6.1.2.1.1.1.0"
	oidSysObjectID = "1.3.6.1.2.1.1.2.0"
)

// redacted replaces a community string wherever it would leak.
const redacted = "[community]"

// system holds the values one GetResponse gave; empty means absent.
type system struct {
	descr, objectID string
}

func (s system) empty() bool { return s.descr == "" && s.objectID == "" }

// getRequest encodes a v1 or v2c GetRequest for sysDescr.0 and
// sysObjectID.0 with the given community.
func getRequest(v gosnmp.SnmpVersion, community string, reqID uint32) ([]byte, error) {
	p := &gosnmp.SnmpPacket{
		Version:   v,
		Community: community,
		PDUType:   gosnmp.GetRequest,
		RequestID: reqID,
		Variables: []gosnmp.SnmpPDU{
			{Name: oidSysDescr, Type: gosnmp.Null},
			{Name: oidSysObjectID, Type: gosnmp.Null},
		},
	}
	b, err := p.MarshalMsg()
	if err != nil {
		// gosnmp's encoding errors never quote the community; say which
		// version failed and nothing else.
		return nil, fmt.Errorf("snmp: encode v%s get: %w", v, err)
	}
	return b, nil
}

// parseGetResponse decodes a v1/v2c GetResponse to request reqID and
// returns the system values in it. Errors never contain the community
// (the decoder does not quote it, and the caller scrubs them anyway).
func parseGetResponse(b []byte, reqID uint32) (s system, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = system{}, fmt.Errorf("snmp: malformed get reply (decoder panic)")
		}
	}()
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	pkt, err := dec.SnmpDecodePacket(b)
	if err != nil {
		return system{}, fmt.Errorf("snmp: decode get reply: %w", err)
	}
	if pkt.Version == gosnmp.Version3 || pkt.RequestID != reqID {
		return system{}, wire.ErrSkip // the v3 Report arriving late, or an old reply
	}
	if pkt.PDUType != gosnmp.GetResponse {
		return system{}, fmt.Errorf("snmp: get answered with PDU type %#x", byte(pkt.PDUType))
	}
	if pkt.Error != gosnmp.NoError {
		// v1 fails the whole PDU when one object is missing (noSuchName);
		// nothing in it is usable, but it is a valid answer.
		return system{}, nil
	}
	for _, v := range pkt.Variables {
		switch strings.TrimPrefix(v.Name, ".") {
		case oidSysDescr:
			if v.Type == gosnmp.OctetString {
				if raw, ok := v.Value.([]byte); ok {
					s.descr = string(raw)
				}
			}
		case oidSysObjectID:
			if v.Type == gosnmp.ObjectIdentifier {
				if oid, ok := v.Value.(string); ok {
					s.objectID = strings.TrimPrefix(oid, ".")
				}
			}
		}
	}
	return s, nil
}

// readSystem tries each community, v2c first and v1 when v2c gives
// nothing, one GetRequest each, and emits snmp.sysdescr and
// snmp.sysobjectid from the first answer with values. Communities are
// secrets: values and errors are scrubbed of them, and errors name a
// community only by its position in the list.
func readSystem(ctx context.Context, conn net.Conn, opt probe.Options, emit probe.Emit) error {
	var errs []error
	for i, community := range opt.SNMPCommunities {
		if community == "" {
			continue
		}
		for _, v := range []gosnmp.SnmpVersion{gosnmp.Version2c, gosnmp.Version1} {
			if ctx.Err() != nil {
				return errors.Join(errs...)
			}
			s, err := getSystem(ctx, conn, opt, v, community)
			if err != nil {
				errs = append(errs, scrubErr(fmt.Errorf("snmp: v%s get with community #%d: %w", v, i+1, err), community))
			}
			if s.empty() {
				continue
			}
			if s.descr != "" {
				emit(coveredObservation("snmp.sysdescr", scrub(s.descr, community), oidSysDescr))
			}
			if s.objectID != "" {
				emit(coveredObservation("snmp.sysobjectid", scrub(s.objectID, community), oidSysObjectID))
			}
			return nil
		}
	}
	return errors.Join(errs...)
}

// getSystem runs one GetRequest exchange.
func getSystem(ctx context.Context, conn net.Conn, opt probe.Options, v gosnmp.SnmpVersion, community string) (system, error) {
	reqID := randomID()
	req, err := getRequest(v, community, reqID)
	if err != nil {
		return system{}, err
	}
	var s system
	_, err = wire.Exchange(ctx, conn, req, wire.ExchangeEnd(ctx, opt), maxReplies, 0, func(b []byte) error {
		var perr error
		s, perr = parseGetResponse(b, reqID)
		return perr
	})
	return s, err
}

// scrub removes the community from a value a device sent back: an agent
// that echoes the secret into sysDescr must not leak it into the store.
func scrub(s, community string) string {
	if community == "" {
		return s
	}
	return strings.ReplaceAll(s, community, redacted)
}

// scrubErr returns err unchanged when its text does not contain the
// community, and otherwise a flattened copy without it (the wrapped chain
// is dropped, since any link could print the secret).
func scrubErr(err error, community string) error {
	if err == nil || community == "" || !strings.Contains(err.Error(), community) {
		return err
	}
	return errors.New(scrub(err.Error(), community))
}
