package mdnsprobe

import (
	"testing"

	"github.com/miekg/dns"
)

// FuzzParseResponse: any datagram unpacks or errors; whatever it holds is
// filed within the per-name caps and renders without panicking.
func FuzzParseResponse(f *testing.F) {
	z := hikCamera()
	for _, q := range []dns.Question{
		question(servicesName, dns.TypePTR),
		question("_http._tcp.local.", dns.TypePTR),
		question(`HIKVISION\ DS-2CD2387G2-LU._device-info._tcp.local.`, dns.TypeTXT),
	} {
		m := &dns.Msg{MsgHdr: dns.MsgHdr{Id: 7}, Question: []dns.Question{q}}
		for _, b := range z.respond(m, nil) {
			f.Add(b)
		}
	}
	f.Add([]byte{0xde, 0xad})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseResponse(b, 7)
		if err != nil {
			return
		}
		r := newRecords()
		r.add(m)
		for owner, targets := range r.ptr {
			if len(targets) > maxPerOwner {
				t.Fatalf("%d PTR targets kept for %s", len(targets), owner)
			}
			for _, tg := range targets {
				_ = Plain(tg)
			}
		}
		for _, txt := range r.txt {
			_ = JoinTXT(txt)
		}
		for _, srv := range r.srv {
			_ = HostLabel(srv)
		}
	})
}
