package mdnsprobe

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/miekg/dns"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// zone is what an emulated responder knows: records by lowercase owner
// name and type, and the additional records it attaches to an answer.
type zone struct {
	answers map[string][]dns.RR // "name/TYPE" → records
	extras  map[string][]dns.RR
}

func key(name string, t uint16) string { return strings.ToLower(name) + "/" + dns.TypeToString[t] }

func hdr(name string, t uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: 120}
}

// hikCamera is a camera advertising DNS-SD services the way RFC 6763
// describes (§9 type enumeration, §4 instance names, §6 TXT key=value,
// §12.1 SRV/TXT as additional records of a PTR answer), with the instance
// names and TXT keys the fingerprint rules mdns-service-hikvision-instance
// and mdns-txt-hikvision take from shared/domain README §7. The second
// instance's records are left out of the PTR answer so the probe must ask.
func hikCamera() *zone {
	const (
		http   = "_http._tcp.local."
		info   = "_device-info._tcp.local."
		inst1  = "DS-2CD2387G2-LU._http._tcp.local."
		inst2  = `HIKVISION\ DS-2CD2387G2-LU._device-info._tcp.local.`
		target = "DS-2CD2387G2-LU.local."
	)
	return &zone{
		answers: map[string][]dns.RR{
			key(servicesName, dns.TypePTR): {
				&dns.PTR{Hdr: hdr(servicesName, dns.TypePTR), Ptr: http},
				&dns.PTR{Hdr: hdr(servicesName, dns.TypePTR), Ptr: info},
			},
			key(http, dns.TypePTR):  {&dns.PTR{Hdr: hdr(http, dns.TypePTR), Ptr: inst1}},
			key(info, dns.TypePTR):  {&dns.PTR{Hdr: hdr(info, dns.TypePTR), Ptr: inst2}},
			key(inst2, dns.TypeTXT): {&dns.TXT{Hdr: hdr(inst2, dns.TypeTXT), Txt: []string{"model=DS-2CD2387G2-LU", "mfg=Hikvision"}}},
			key(inst2, dns.TypeSRV): {&dns.SRV{Hdr: hdr(inst2, dns.TypeSRV), Target: target}},
		},
		extras: map[string][]dns.RR{
			key(http, dns.TypePTR): {
				&dns.SRV{Hdr: hdr(inst1, dns.TypeSRV), Port: 80, Target: target},
				&dns.TXT{Hdr: hdr(inst1, dns.TypeTXT), Txt: []string{"path=/"}},
			},
		},
	}
}

// responder answers legacy unicast queries (RFC 6762 §6.7: unicast to the
// source port, ID echoed, questions repeated); datagrams that are not DNS
// messages get no answer.
type responder struct{ *wiretest.UDPDevice }

func startResponder(t *testing.T, respond func(q *dns.Msg, raw []byte) [][]byte) responder {
	t.Helper()
	return responder{wiretest.StartUDPDevice(t, nil, func(raw []byte) [][]byte {
		q := new(dns.Msg)
		if q.Unpack(raw) != nil {
			return nil
		}
		return respond(q, raw)
	})}
}

// queries are the DNS messages received so far.
func (r responder) queries() []*dns.Msg {
	var out []*dns.Msg
	for _, raw := range r.Requests() {
		q := new(dns.Msg)
		if q.Unpack(raw) == nil {
			out = append(out, q)
		}
	}
	return out
}

func (z *zone) respond(q *dns.Msg, _ []byte) [][]byte {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	for _, qq := range q.Question {
		m.Answer = append(m.Answer, z.answers[key(qq.Name, qq.Qtype)]...)
		m.Extra = append(m.Extra, z.extras[key(qq.Name, qq.Qtype)]...)
	}
	if len(m.Answer) == 0 {
		return nil // mDNS responders stay silent when they have no answer
	}
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return [][]byte{b}
}

func run(t *testing.T, tg probe.Target, timeout time.Duration) ([]covered.Observation, time.Duration, error) {
	t.Helper()
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{}).Probe(context.Background(), &wiretest.Scoped{Allow: tg.Addr}, tg, probe.Options{Timeout: timeout}, func(o covered.Observation) { obs = append(obs, o) })
	return obs, time.Since(start), err
}

func TestProbeHikvisionCamera(t *testing.T) {
	r := startResponder(t, hikCamera().respond)
	obs, _, err := run(t, r.Target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	const inst2 = "HIKVISION DS-2CD2387G2-LU._device-info._tcp.local"
	want := []covered.Observation{
		{Key: "mdns.service", Value: "_http._tcp.local"},
		{Key: "mdns.service", Value: "_device-info._tcp.local"},
		{Key: "mdns.service", Value: "DS-2CD2387G2-LU._http._tcp.local"},
		{Key: "mdns.txt", Value: "path=/", Path: "DS-2CD2387G2-LU._http._tcp.local"},
		{Key: "hostname", Value: "DS-2CD2387G2-LU"},
		{Key: "mdns.service", Value: inst2},
		{Key: "mdns.txt", Value: "model=DS-2CD2387G2-LU;mfg=Hikvision", Path: inst2},
	}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
	// _services, two type PTRs, one TXT+SRV for the instance without extras.
	queries := r.queries()
	if len(queries) != 4 {
		t.Errorf("%d queries, want 4", len(queries))
	}
	for _, q := range queries {
		if q.Response || q.RecursionDesired || q.Opcode != dns.OpcodeQuery {
			t.Errorf("query header: %+v", q.MsgHdr)
		}
		for _, qq := range q.Question {
			if qq.Qclass != dns.ClassINET {
				t.Errorf("question class %d", qq.Qclass)
			}
		}
	}
}

func TestPlain(t *testing.T) {
	tests := []struct{ in, name, txt string }{
		{`HIKVISION\ DS-2CD\.1._http._tcp.local.`, "HIKVISION DS-2CD.1._http._tcp.local", `HIKVISION DS-2CD.1._http._tcp.local.`},
		{`a\032b\"c\\.`, `a b"c\`, `a b"c\.`},
		{`x\999.`, "x999", "x999."},
		{`end\`, `end\`, `end\`},
		{"_http._tcp.local.", "_http._tcp.local", "_http._tcp.local."},
	}
	for _, tc := range tests {
		if got := Plain(tc.in); got != tc.name {
			t.Errorf("Plain(%q) = %q, want %q", tc.in, got, tc.name)
		}
		if got := unescape(tc.in, false); got != tc.txt {
			t.Errorf("unescape(%q, false) = %q, want %q", tc.in, got, tc.txt)
		}
	}
}

// TestTXTBytesRoundTrip: TXT bytes come out as the device sent them, even
// those miekg/dns escapes.
func TestTXTBytesRoundTrip(t *testing.T) {
	inst := "cam._http._tcp.local."
	z := &zone{answers: map[string][]dns.RR{
		key(servicesName, dns.TypePTR):        {&dns.PTR{Hdr: hdr(servicesName, dns.TypePTR), Ptr: "_http._tcp.local."}},
		key("_http._tcp.local.", dns.TypePTR): {&dns.PTR{Hdr: hdr("_http._tcp.local.", dns.TypePTR), Ptr: inst}},
		key(inst, dns.TypeTXT):                {&dns.TXT{Hdr: hdr(inst, dns.TypeTXT), Txt: []string{`ty=Brother "HL" \ x`, "\\255raw"}}},
	}}
	r := startResponder(t, z.respond)
	obs, _, err := run(t, r.Target(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var txt string
	for _, o := range obs {
		if o.Key == "mdns.txt" {
			txt = o.Value
		}
	}
	if want := "ty=Brother \"HL\"  x;\xffraw"; txt != want {
		t.Errorf("mdns.txt = %q, want %q", txt, want)
	}
}
