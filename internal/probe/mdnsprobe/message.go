package mdnsprobe

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/miekg/dns"
)

// servicesName is the DNS-SD service type enumeration name (RFC 6763 §9):
// a PTR query for it lists every service type the responder advertises.
const servicesName = "_services._dns-sd._udp.local."

// query packs one mDNS query with the given questions (class IN). It is a
// legacy unicast query (RFC 6762 §5.5, §6.7): sent from an ephemeral port
// to the target's port 5353, so the responder answers by unicast to that
// port with the query ID echoed. Recursion Desired stays zero (RFC 6762
// §18.6).
func query(id uint16, questions ...dns.Question) ([]byte, error) {
	m := &dns.Msg{MsgHdr: dns.MsgHdr{Id: id}, Question: questions}
	b, err := m.Pack()
	if err != nil {
		return nil, fmt.Errorf("mdns: pack query: %w", err)
	}
	return b, nil
}

func question(name string, qtype uint16) dns.Question {
	return dns.Question{Name: name, Qtype: qtype, Qclass: dns.ClassINET}
}

// parseResponse unpacks a reply to query id. Queries (another host's, or
// our own echoed) and replies to other IDs are wire.ErrSkip. RFC 6762 §6.7 has
// legacy unicast responses echo the ID; a responder that sends ID 0 (as
// multicast responses carry) is accepted too.
func parseResponse(b []byte, id uint16) (*dns.Msg, error) {
	var m dns.Msg
	if err := m.Unpack(b); err != nil {
		return nil, fmt.Errorf("mdns: reply is not a DNS message: %w", err)
	}
	if !m.Response || (m.Id != id && m.Id != 0) {
		return nil, wire.ErrSkip
	}
	return &m, nil
}

// records is what the replies said about names, by lowercase owner name.
type records struct {
	ptr map[string][]string // owner → targets, in arrival order
	txt map[string][]string // owner → TXT strings (presentation form)
	srv map[string]string   // owner → SRV target
}

func newRecords() *records {
	return &records{ptr: map[string][]string{}, txt: map[string][]string{}, srv: map[string]string{}}
}

// maxPerOwner caps the PTR targets kept for one name, so one reply cannot
// fan out into many queries.
const maxPerOwner = 32

// add files every PTR, TXT and SRV record of a reply, answers and
// additional records alike (responders put an instance's TXT and SRV in
// the additional section of a PTR answer, RFC 6763 §12.1).
func (r *records) add(m *dns.Msg) {
	for _, rr := range append(append([]dns.RR(nil), m.Answer...), m.Extra...) {
		owner := strings.ToLower(rr.Header().Name)
		switch rr := rr.(type) {
		case *dns.PTR:
			if len(r.ptr[owner]) < maxPerOwner && !containsFold(r.ptr[owner], rr.Ptr) {
				r.ptr[owner] = append(r.ptr[owner], rr.Ptr)
			}
		case *dns.TXT:
			if _, seen := r.txt[owner]; !seen {
				r.txt[owner] = rr.Txt
			}
		case *dns.SRV:
			if _, seen := r.srv[owner]; !seen {
				r.srv[owner] = rr.Target
			}
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Plain turns a name from miekg/dns presentation form
// ("HIKVISION\ DS-2CD\.1._http._tcp.local.") into the text the device
// sent ("HIKVISION DS-2CD.1._http._tcp.local"): escapes \X and \DDD are
// undone and the root dot dropped. Label boundaries inside an instance
// name are not kept; the value is for reading and matching, not for
// querying again. It is the form of the probe's mdns.service values, and
// the pcap importer reads mDNS heard on the wire into the same form.
func Plain(s string) string { return unescape(s, true) }

// unescape undoes miekg/dns presentation escapes; for a name (isName) it
// also drops the root label's trailing dot.
func unescape(s string, isName bool) string {
	if !strings.Contains(s, `\`) {
		if isName {
			return strings.TrimSuffix(s, ".")
		}
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isName && c == '.' && i == len(s)-1:
			// the root label's dot (an escaped dot never gets here)
		case c != '\\' || i+1 == len(s):
			b.WriteByte(c)
		case i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) &&
			int(s[i+1]-'0')*100+int(s[i+2]-'0')*10+int(s[i+3]-'0') <= 255:
			b.WriteByte(byte(int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')))
			i += 3
		default:
			b.WriteByte(s[i+1])
			i++
		}
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// JoinTXT renders TXT strings (in miekg/dns presentation form, as
// dns.TXT.Txt holds them) as one mdns.txt value: the non-empty strings
// (RFC 6763 §6: "key=value" or "key"), escapes undone, in record order,
// separated by ";". Fingerprint
// rules match keys after start-of-value or a separator, so the separator
// is part of the value's contract; a ";" inside a value stays as sent.
func JoinTXT(txt []string) string {
	parts := make([]string, 0, len(txt))
	for _, s := range txt {
		if s = unescape(s, false); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ";")
}

// HostLabel is the host name an SRV target (or the owner of an A or AAAA
// record) gives, in the form of Plain and without ".local": the name a
// device calls itself, which hostname rules anchor on.
func HostLabel(target string) string {
	h := Plain(target)
	if len(h) > 6 && strings.EqualFold(h[len(h)-6:], ".local") {
		h = h[:len(h)-6]
	}
	return h
}

// randomID returns a random DNS message ID.
func randomID() uint16 {
	var b [2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return binary.BigEndian.Uint16(b[:])
}
