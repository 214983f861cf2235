package lab

import (
	"net"
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

const (
	mdnsTTL      = 120
	servicesEnum = "_services._dns-sd._udp.local."
)

// answerMDNS answers one-shot (unicast) mDNS queries, RFC 6762 §5.1 and
// §6.7: service enumeration (RFC 6763 §9), PTR for the device's service
// types with SRV, TXT and A as additional records, and direct SRV, TXT and
// A questions. Replies go back to the query's source address and port.
func (s *service) answerMDNS(req []byte, _ netip.AddrPort) [][]byte {
	var q dns.Msg
	if err := q.Unpack(req); err != nil || q.Response || len(q.Question) == 0 {
		return nil
	}
	spec := s.svc.MDNS
	host := dns.Fqdn(escapeLabel(expand(spec.Hostname, s.dev.Addr, s.dev.hw)) + ".local")
	a := &dns.A{Hdr: hdr(host, dns.TypeA), A: net.IP(s.dev.Addr.AsSlice())}
	var r dns.Msg
	r.SetReply(&q)
	r.Authoritative = true
	seen := map[string]bool{}
	add := func(extra bool, rrs ...dns.RR) {
		for _, rr := range rrs {
			if seen[rr.String()] {
				continue
			}
			seen[rr.String()] = true
			if extra {
				r.Extra = append(r.Extra, rr)
			} else {
				r.Answer = append(r.Answer, rr)
			}
		}
	}
	for _, qu := range q.Question {
		name := strings.ToLower(qu.Name)
		for _, sv := range spec.Services {
			typ := strings.ToLower(dns.Fqdn(sv.Type + ".local"))
			inst := dns.Fqdn(escapeLabel(expand(sv.Instance, s.dev.Addr, s.dev.hw)) + "." + sv.Type + ".local")
			srv := &dns.SRV{Hdr: hdr(inst, dns.TypeSRV), Port: sv.Port, Target: host}
			txt := &dns.TXT{Hdr: hdr(inst, dns.TypeTXT), Txt: s.mdnsTXT(sv)}
			switch {
			case name == servicesEnum && wants(qu, dns.TypePTR):
				add(false, &dns.PTR{Hdr: hdr(servicesEnum, dns.TypePTR), Ptr: dns.Fqdn(sv.Type + ".local")})
			case name == typ && wants(qu, dns.TypePTR):
				add(false, &dns.PTR{Hdr: hdr(dns.Fqdn(sv.Type+".local"), dns.TypePTR), Ptr: inst})
				add(true, srv, txt, a)
			case name == strings.ToLower(inst):
				if wants(qu, dns.TypeSRV) {
					add(false, srv)
				}
				if wants(qu, dns.TypeTXT) {
					add(false, txt)
				}
				add(true, a)
			}
		}
		if name == strings.ToLower(host) && wants(qu, dns.TypeA) {
			add(false, a)
		}
	}
	if len(r.Answer) == 0 {
		return nil
	}
	out, err := r.Pack()
	if err != nil {
		return nil
	}
	return [][]byte{out}
}

func (s *service) mdnsTXT(sv MDNSService) []string {
	txt := make([]string, len(sv.TXT))
	for i, t := range sv.TXT {
		txt[i] = expand(t, s.dev.Addr, s.dev.hw)
	}
	if len(txt) == 0 {
		txt = []string{""} // RFC 6763 §6.1: an empty TXT record holds one empty string
	}
	return txt
}

func wants(q dns.Question, t uint16) bool { return q.Qtype == t || q.Qtype == dns.TypeANY }

func hdr(name string, t uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: mdnsTTL}
}

// escapeLabel writes an instance name (which may hold spaces and dots,
// RFC 6763 §4.3) as one label in presentation format.
func escapeLabel(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case '.', ' ', '\\', '"', '(', ')', ';', '@', '$':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
