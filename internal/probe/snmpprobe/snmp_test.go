package snmpprobe

import (
	"context"
	"encoding/hex"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/gosnmp/gosnmp"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// huaweiEngineID is an RFC 3411 §5 engine ID in format 3 (MAC address):
// 0x80000000 | PEN 2011 (Huawei, IANA enterprise numbers via
// shared/domain covered_pens.csv), then 03 and a MAC.
var huaweiEngineID = []byte{0x80, 0x00, 0x07, 0xdb, 0x03, 0x28, 0x6e, 0xd4, 0x88, 0xc7, 0x01}

// huaweiDescr is a VRP sysDescr as shared/domain README §7 quotes it.
const huaweiDescr = "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.120 (CE6870EI V200R005C10SPC800)"

// agent emulates an SNMP agent on loopback: a Report to v3 engine
// discovery (RFC 3414 §4: usmStatsUnknownEngineIDs, the USM header naming
// the authoritative engine) and a GetResponse (RFC 3416 §4.2.1) to v1/v2c
// GETs that carry the right community; wrong communities get silence, as
// real agents give. Replies are built with gosnmp's own encoder.
type agent struct {
	conn      *net.UDPConn
	engineID  []byte               // nil: v3 not spoken
	community string               // "": v1/v2c not spoken
	versions  []gosnmp.SnmpVersion // community versions answered
	descr     string

	mu   sync.Mutex // guards seen
	seen []*gosnmp.SnmpPacket
}

func startAgent(t *testing.T, a *agent) *agent {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	a.conn = conn
	t.Cleanup(func() { conn.Close() })
	go a.serve()
	return a
}

func (a *agent) serve() {
	buf := make([]byte, 65536)
	for {
		n, from, err := a.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		req, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(append([]byte(nil), buf[:n]...))
		if err != nil {
			continue
		}
		a.mu.Lock()
		a.seen = append(a.seen, req)
		a.mu.Unlock()
		if out := a.reply(req); out != nil {
			_, _ = a.conn.WriteToUDP(out, from)
		}
	}
}

func (a *agent) reply(req *gosnmp.SnmpPacket) []byte {
	var rep *gosnmp.SnmpPacket
	switch {
	case req.Version == gosnmp.Version3 && a.engineID != nil:
		rep = &gosnmp.SnmpPacket{
			Version:       gosnmp.Version3,
			MsgFlags:      gosnmp.NoAuthNoPriv,
			SecurityModel: gosnmp.UserSecurityModel,
			SecurityParameters: &gosnmp.UsmSecurityParameters{
				AuthoritativeEngineID:    string(a.engineID),
				AuthoritativeEngineBoots: 7,
				AuthoritativeEngineTime:  123456,
			},
			ContextEngineID: string(a.engineID),
			PDUType:         gosnmp.Report,
			MsgID:           req.MsgID,
			RequestID:       req.RequestID,
			Variables:       []gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.4.0", Type: gosnmp.Counter32, Value: uint32(1)}},
		}
	case req.Version != gosnmp.Version3 && a.community != "" && req.Community == a.community && a.speaks(req.Version):
		rep = &gosnmp.SnmpPacket{
			Version:   req.Version,
			Community: req.Community,
			PDUType:   gosnmp.GetResponse,
			RequestID: req.RequestID,
			Variables: []gosnmp.SnmpPDU{
				{Name: ".1.3.6.1.2.1.1.1.0", Type: gosnmp.OctetString, Value: []byte(a.descr)},
				{Name: ".1.3.6.1.2.1.1.2.0", Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.2011.2.23.96"},
			},
		}
	default:
		return nil
	}
	out, err := rep.MarshalMsg()
	if err != nil {
		panic(err)
	}
	return out
}

func (a *agent) speaks(v gosnmp.SnmpVersion) bool {
	for _, w := range a.versions {
		if w == v {
			return true
		}
	}
	return false
}

func (a *agent) target() probe.Target {
	ap := a.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	return probe.Target{Addr: ap.Addr().Unmap(), Port: ap.Port(), Transport: "udp"}
}

// run probes t and returns what was emitted, the error and the duration.
func run(t *testing.T, tg probe.Target, opt probe.Options) ([]covered.Observation, time.Duration, error) {
	t.Helper()
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{}).Probe(context.Background(), &wiretest.Scoped{Allow: tg.Addr}, tg, opt, func(o covered.Observation) { obs = append(obs, o) })
	return obs, time.Since(start), err
}

func TestProbeHuaweiAgent(t *testing.T) {
	const secret = "s3cret-c0mmunity"
	a := startAgent(t, &agent{engineID: huaweiEngineID, community: secret,
		versions: []gosnmp.SnmpVersion{gosnmp.Version2c, gosnmp.Version1}, descr: huaweiDescr})
	obs, _, err := run(t, a.target(), probe.Options{SNMPCommunities: []string{"wrong", secret}, Timeout: time.Second})
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{
		{Key: "snmp.engineid", Value: "800007db03286ed488c701"},
		{Key: "snmp.sysdescr", Value: huaweiDescr, Path: "1.3.6.1.2.1.1.1.0"},
		{Key: "snmp.sysobjectid", Value: "1.3.6.1.4.1.2011.2.23.96", Path: "1.3.6.1.2.1.1.2.0"},
	}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
}

func TestProbeWithoutCommunitiesSendsOnlyDiscovery(t *testing.T) {
	a := startAgent(t, &agent{engineID: huaweiEngineID, community: "public",
		versions: []gosnmp.SnmpVersion{gosnmp.Version2c}, descr: huaweiDescr})
	obs, _, err := run(t, a.target(), probe.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{{Key: "snmp.engineid", Value: hex.EncodeToString(huaweiEngineID)}}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations: got %+v, want %+v", obs, want)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seen) != 1 {
		t.Fatalf("agent saw %d messages, want the one discovery request", len(a.seen))
	}
	r := a.seen[0]
	usm, _ := r.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if r.Version != gosnmp.Version3 || r.PDUType != gosnmp.GetRequest || len(r.Variables) != 0 ||
		r.MsgFlags != gosnmp.Reportable || usm == nil || usm.UserName != "" || usm.AuthoritativeEngineID != "" {
		t.Errorf("discovery request is not RFC 3414 §4 shaped: %+v", r)
	}
}

func TestProbeFallsBackToV1(t *testing.T) {
	a := startAgent(t, &agent{community: "public", versions: []gosnmp.SnmpVersion{gosnmp.Version1}, descr: "ZXR10 ROS Version V4.8.23"})
	obs, _, err := run(t, a.target(), probe.Options{SNMPCommunities: []string{"public"}, Timeout: time.Second})
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{
		{Key: "snmp.sysdescr", Value: "ZXR10 ROS Version V4.8.23", Path: oidSysDescr},
		{Key: "snmp.sysobjectid", Value: "1.3.6.1.4.1.2011.2.23.96", Path: oidSysObjectID},
	}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations: got %+v, want %+v", obs, want)
	}
}

// TestCommunityNeverLeaks: the secret is absent from observations and
// errors even when the agent echoes it into sysDescr or answers nonsense.
func TestCommunityNeverLeaks(t *testing.T) {
	const secret = "Tr0ub4dor-secret"
	a := startAgent(t, &agent{engineID: huaweiEngineID, community: secret,
		versions: []gosnmp.SnmpVersion{gosnmp.Version2c}, descr: "agent config community=" + secret})
	obs, _, err := run(t, a.target(), probe.Options{SNMPCommunities: []string{secret}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if len(obs) != 3 || obs[1].Value != "agent config community="+redacted {
		t.Errorf("observations: %+v", obs)
	}
	for _, o := range obs {
		if strings.Contains(o.Value+o.Path+o.Key, secret) {
			t.Errorf("observation leaks the community: %+v", o)
		}
	}

	// A device that answers the GET with a broken message quoting the secret.
	h := startHostile(t, func(req []byte) [][]byte {
		if req[4] == 1 || req[4] == 0 { // v2c (1) or v1 (0) after 30 len 02 01
			return [][]byte{append([]byte{0x30, 0x7f, 0x02, 0x01, 0x01, 0x04, byte(len(secret))}, secret...)}
		}
		return nil
	})
	_, _, err = run(t, h, probe.Options{SNMPCommunities: []string{secret}, Timeout: time.Second})
	if err == nil {
		t.Fatal("want an error for a malformed GET reply")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the community: %v", err)
	}
	if got := scrubErr(errWith("bad "+secret), secret).Error(); got != "bad "+redacted {
		t.Errorf("scrubErr = %q", got)
	}
}

type errWith string

func (e errWith) Error() string { return string(e) }
