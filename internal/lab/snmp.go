package lab

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"
)

// OIDs the agent knows (RFC 3418 system group, RFC 3414 USM statistics).
const (
	oidSysDescr        = "1.3.6.1.2.1.1.1.0"
	oidSysObjectID     = "1.3.6.1.2.1.1.2.0"
	oidUnknownUserName = "1.3.6.1.6.3.15.1.1.3.0"
	oidUnknownEngineID = "1.3.6.1.6.3.15.1.1.4.0"
)

// snmpAgent answers the reads a scanner makes and nothing else: GET of
// sysDescr.0 and sysObjectID.0 under the configured community (other
// communities are dropped silently, as real agents do), and the SNMPv3
// discovery REPORT that reveals the authoritative engine ID (RFC 3414 §4)
// to anyone, since it needs no credentials. No user exists, so any other
// v3 request gets usmStatsUnknownUserNames.
type snmpAgent struct {
	s        *service
	dec      *gosnmp.GoSNMP // decoder only; used by the socket's one goroutine
	engineID string
	start    time.Time
	reports  atomic.Uint32
}

func (s *service) snmpAgent() *snmpAgent {
	a := &snmpAgent{s: s, dec: &gosnmp.GoSNMP{}, start: time.Now()}
	if e := s.svc.SNMP.EngineID; e != nil {
		h := strings.ReplaceAll(e.Value, "{mac12}", hex.EncodeToString(s.dev.hw[:]))
		if b, err := hex.DecodeString(h); err == nil { // Validate checked the shape
			a.engineID = string(b)
		}
	}
	return a
}

func (a *snmpAgent) answer(req []byte, _ netip.AddrPort) [][]byte {
	pkt, err := a.dec.SnmpDecodePacket(req)
	if err != nil {
		return nil
	}
	var resp *gosnmp.SnmpPacket
	switch pkt.Version {
	case gosnmp.Version3:
		resp = a.report(pkt)
	case gosnmp.Version1, gosnmp.Version2c:
		resp = a.get(pkt)
	}
	if resp == nil {
		return nil
	}
	out, err := resp.MarshalMsg()
	if err != nil {
		a.s.lab.log.Debug("lab: snmp marshal", "addr", a.s.dev.Addr, "err", err)
		return nil
	}
	return [][]byte{out}
}

// get answers a v1/v2c GetRequest.
func (a *snmpAgent) get(pkt *gosnmp.SnmpPacket) *gosnmp.SnmpPacket {
	spec := a.s.svc.SNMP
	if spec.Community == "" || pkt.Community != spec.Community || pkt.PDUType != gosnmp.GetRequest {
		return nil
	}
	resp := &gosnmp.SnmpPacket{Version: pkt.Version, Community: pkt.Community, PDUType: gosnmp.GetResponse,
		RequestID: pkt.RequestID}
	for i, v := range pkt.Variables {
		name := strings.TrimPrefix(v.Name, ".")
		out := gosnmp.SnmpPDU{Name: name}
		switch {
		case name == oidSysDescr && spec.SysDescr != nil:
			out.Type, out.Value = gosnmp.OctetString, []byte(a.s.text(spec.SysDescr))
		case name == oidSysObjectID && spec.SysObjectID != nil:
			out.Type, out.Value = gosnmp.ObjectIdentifier, a.s.text(spec.SysObjectID)
		case pkt.Version == gosnmp.Version1:
			// RFC 1157: the whole request fails with noSuchName.
			resp.Error, resp.ErrorIndex = gosnmp.NoSuchName, uint8(min(i+1, 255))
			resp.Variables = nullBindings(pkt.Variables)
			return resp
		default:
			out.Type = gosnmp.NoSuchObject
		}
		resp.Variables = append(resp.Variables, out)
	}
	return resp
}

func nullBindings(vs []gosnmp.SnmpPDU) []gosnmp.SnmpPDU {
	out := make([]gosnmp.SnmpPDU, len(vs))
	for i, v := range vs {
		out[i] = gosnmp.SnmpPDU{Name: strings.TrimPrefix(v.Name, "."), Type: gosnmp.Null}
	}
	return out
}

// report answers any v3 message with a REPORT carrying the engine ID,
// boots and time: usmStatsUnknownEngineIDs for discovery (the request
// names no or another engine), usmStatsUnknownUserNames otherwise.
func (a *snmpAgent) report(pkt *gosnmp.SnmpPacket) *gosnmp.SnmpPacket {
	if a.engineID == "" {
		return nil
	}
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if !ok {
		return nil
	}
	oid := oidUnknownEngineID
	if usm.AuthoritativeEngineID == a.engineID {
		oid = oidUnknownUserName
	}
	return &gosnmp.SnmpPacket{
		Version:       gosnmp.Version3,
		MsgID:         pkt.MsgID,
		MsgFlags:      gosnmp.NoAuthNoPriv,
		SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{
			AuthoritativeEngineID:    a.engineID,
			AuthoritativeEngineBoots: 1,
			AuthoritativeEngineTime:  uint32(time.Since(a.start) / time.Second),
			UserName:                 usm.UserName,
		},
		ContextEngineID: a.engineID,
		PDUType:         gosnmp.Report,
		RequestID:       pkt.RequestID,
		Variables:       []gosnmp.SnmpPDU{{Name: oid, Type: gosnmp.Counter32, Value: a.reports.Add(1)}},
	}
}
