package mdnsprobe

import (
	"errors"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/miekg/dns"

	"github.com/coveredtool/covered"
)

// This file exports the request and the reply parsing for --broadcast mode
// (internal/scan/broadcast), so an answer to the multicast service
// enumeration is read exactly as one heard by unicast.

// ServicesQuery returns a DNS-SD service type enumeration (PTR
// _services._dns-sd._udp.local, RFC 6763 §9) with a fresh ID, and that ID.
// With unicastResponse the question's QU bit is set (RFC 6762 §5.4), so a
// responder sent it on the multicast group answers to the sender directly.
func ServicesQuery(unicastResponse bool) (req []byte, id uint16, err error) {
	q := question(servicesName, dns.TypePTR)
	if unicastResponse {
		q.Qclass |= 1 << 15
	}
	id = randomID()
	req, err = query(id, q)
	return req, id, err
}

// ResponseObservations parses one datagram as Probe does and returns what
// the records in it say, with the probe's keys: mdns.service for each
// service type enumerated and each instance named, mdns.txt for an
// instance's TXT strings (Path = the instance) and hostname for an SRV
// target. Unlike Probe it asks no follow-up questions: only records in
// this reply (answers and additional records) count. A query, or a reply
// to another ID, gives no observations and no error; bytes that are not
// DNS are an error.
func ResponseObservations(b []byte, id uint16) ([]covered.Observation, error) {
	m, err := parseResponse(b, id)
	if errors.Is(err, wire.ErrSkip) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec := newRecords()
	rec.add(m)
	var out []covered.Observation
	types := rec.ptr[servicesName]
	if len(types) > maxTypes {
		types = types[:maxTypes]
	}
	var instances []string
	for _, typ := range types {
		out = append(out, covered.Observation{Key: "mdns.service", Value: Plain(typ)})
		for _, inst := range rec.ptr[strings.ToLower(typ)] {
			if len(instances) < maxInstances && !containsFold(instances, inst) {
				instances = append(instances, inst)
			}
		}
	}
	hosts := map[string]bool{}
	for _, inst := range instances {
		key := strings.ToLower(inst)
		name := Plain(inst)
		out = append(out, covered.Observation{Key: "mdns.service", Value: name})
		if txt := JoinTXT(rec.txt[key]); txt != "" {
			out = append(out, covered.Observation{Key: "mdns.txt", Value: txt, Path: name})
		}
		if h := HostLabel(rec.srv[key]); h != "" && !hosts[strings.ToLower(h)] {
			hosts[strings.ToLower(h)] = true
			out = append(out, covered.Observation{Key: "hostname", Value: h})
		}
	}
	return out, nil
}
