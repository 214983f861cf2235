package lab

import (
	"encoding/hex"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/miekg/dns"
)

func checkSNMP(t *testing.T, s *service, ap netip.AddrPort, facts []Fact) {
	spec := s.svc.SNMP
	get := func(community string) (*gosnmp.SnmpPacket, error) {
		g := &gosnmp.GoSNMP{Target: ap.Addr().String(), Port: ap.Port(), Community: community, Version: gosnmp.Version2c,
			Timeout: 300 * time.Millisecond, Retries: 0}
		if err := g.Connect(); err != nil {
			t.Fatal(err)
		}
		defer g.Conn.Close()
		return g.Get([]string{oidSysDescr, oidSysObjectID})
	}
	if spec.Community != "" {
		r, err := get(spec.Community)
		if err != nil {
			t.Fatalf("GET with %q: %v", spec.Community, err)
		}
		for _, v := range r.Variables {
			var want Fact
			for _, k := range []string{"snmp.sysdescr", "snmp.sysobjectid"} {
				if fs := factsOf(facts, s, k); len(fs) > 0 && fs[0].Path == strings.TrimPrefix(v.Name, ".") {
					want = fs[0]
				}
			}
			switch v.Type {
			case gosnmp.OctetString:
				if string(v.Value.([]byte)) != want.Value {
					t.Errorf("%s = %q, want %q", v.Name, v.Value, want.Value)
				}
			case gosnmp.ObjectIdentifier:
				if strings.TrimPrefix(v.Value.(string), ".") != want.Value {
					t.Errorf("%s = %q, want %q", v.Name, v.Value, want.Value)
				}
			case gosnmp.NoSuchObject:
				if want.Value != "" {
					t.Errorf("%s: noSuchObject, want %q", v.Name, want.Value)
				}
			default:
				t.Errorf("%s: type %v", v.Name, v.Type)
			}
		}
	}
	if _, err := get("not-the-community"); err == nil {
		t.Error("the agent answered a wrong community")
	}
	// SNMPv3 engine discovery: an empty-engine noAuthNoPriv GET, as RFC 3414 §4.
	req := &gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgID: 42, MsgFlags: gosnmp.Reportable, SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{}, PDUType: gosnmp.GetRequest, RequestID: 43}
	raw, err := req.MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	reply := exchangeUDPMaybe(t, ap, raw)
	if spec.EngineID == nil {
		if reply != nil {
			t.Errorf("no engine ID configured, but the agent answered v3")
		}
		return
	}
	pkt, err := (&gosnmp.GoSNMP{}).SnmpDecodePacket(reply)
	if err != nil {
		t.Fatal(err)
	}
	usm := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if got := hex.EncodeToString([]byte(usm.AuthoritativeEngineID)); got != factsOf(facts, s, "snmp.engineid")[0].Value {
		t.Errorf("engine ID %s", got)
	}
	if pkt.PDUType != gosnmp.Report || len(pkt.Variables) != 1 || strings.TrimPrefix(pkt.Variables[0].Name, ".") != oidUnknownEngineID || pkt.MsgID != 42 {
		t.Errorf("report %+v", pkt)
	}
}

func checkMDNS(t *testing.T, s *service, ap netip.AddrPort, facts []Fact) {
	q := new(dns.Msg)
	q.SetQuestion(servicesEnum, dns.TypePTR)
	raw, _ := q.Pack()
	var r dns.Msg
	if err := r.Unpack(exchangeUDP(t, ap, raw)); err != nil {
		t.Fatal(err)
	}
	if len(r.Answer) != len(s.svc.MDNS.Services) {
		t.Fatalf("service enumeration: %v", r.Answer)
	}
	want := factsOf(facts, s, "mdns.service")
	for i, sv := range s.svc.MDNS.Services {
		q := new(dns.Msg)
		q.SetQuestion(dns.Fqdn(sv.Type+".local"), dns.TypePTR)
		raw, _ := q.Pack()
		var r dns.Msg
		if err := r.Unpack(exchangeUDP(t, ap, raw)); err != nil {
			t.Fatal(err)
		}
		ptr, ok := r.Answer[0].(*dns.PTR)
		if !ok || unescape(ptr.Ptr) != want[i].Value+"." {
			t.Errorf("PTR %v, want %s", r.Answer, want[i].Value)
		}
		var txt []string
		var a net.IP
		for _, rr := range r.Extra {
			switch rr := rr.(type) {
			case *dns.TXT:
				txt = rr.Txt
			case *dns.A:
				a = rr.A
			}
		}
		if !a.Equal(net.IP(s.dev.Addr.AsSlice())) || strings.Join(txt, " ") != factsOf(facts, s, "mdns.txt")[i].Value {
			t.Errorf("additional records %v", r.Extra)
		}
	}
}

// unescape reads a DNS label in presentation format.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func exchangeUDP(t *testing.T, ap netip.AddrPort, req []byte) []byte {
	t.Helper()
	b := exchangeUDPMaybe(t, ap, req)
	if b == nil {
		t.Fatalf("no reply from udp/%s", ap)
	}
	return b
}

func exchangeUDPMaybe(t *testing.T, ap netip.AddrPort, req []byte) []byte {
	t.Helper()
	c, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(ap))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 65536)
	n, err := c.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}
