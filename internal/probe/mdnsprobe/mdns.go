// Package mdnsprobe is the mDNS/DNS-SD probe of the discovery stage: it
// asks the target's responder on UDP 5353, by unicast, which service types
// it advertises (RFC 6763 §9), then for each type its instances and their
// TXT and SRV records. It emits mdns.service (each service type and
// instance name), mdns.txt (one instance's TXT strings joined by ";", Path
// = the instance name) and hostname (the host an SRV record names, without
// ".local"). Factory instance names and TXT keys such as model= and mfg=
// name the maker.
//
// Multicast discovery of a whole segment belongs to --broadcast mode and is
// not done here.
package mdnsprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/miekg/dns"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

const (
	// maxTypes caps the service types followed up, maxInstances the
	// instances resolved: a responder advertising hundreds cannot turn one
	// probe into hundreds of packets.
	maxTypes     = 10
	maxInstances = 16
	// maxReplies bounds the datagrams read per query: one answer is due.
	maxReplies = 8
)

// Prober is the mDNS probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name is "mdns".
func (*Prober) Name() string { return "mdns" }

// Transport is "udp".
func (*Prober) Transport() string { return "udp" }

// Ports is the mDNS port, 5353.
func (*Prober) Ports() []uint16 { return []uint16{5353} }

// session is one probe's socket and what the replies said.
type session struct {
	conn net.Conn
	opt  probe.Options
	rec  *records
	errs []error // nonsense replies, the first maxErrs
}

// maxErrs caps the nonsense errors kept for the report.
const maxErrs = 3

func (s *session) fail(err error) {
	if len(s.errs) < maxErrs {
		s.errs = append(s.errs, err)
	}
}

// ask sends one query and files the first reply to it; it reports whether
// a reply came.
func (s *session) ask(ctx context.Context, questions ...dns.Question) bool {
	id := randomID()
	q, err := query(id, questions...)
	if err != nil {
		s.fail(err)
		return false
	}
	n, err := wire.Exchange(ctx, s.conn, q, wire.ExchangeEnd(ctx, s.opt), maxReplies, 0, func(b []byte) error {
		m, err := parseResponse(b, id)
		if err != nil {
			return err
		}
		s.rec.add(m)
		return nil
	})
	if err != nil {
		s.fail(err)
	}
	return n > 0
}

// Probe enumerates service types, then instances, then their TXT and SRV
// records. A silent port is not an error; a reply that is not DNS is.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	conn, err := d.DialContext(ctx, "udp", t.HostPort())
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("mdns: dial %s: %w", t.HostPort(), err)
	}
	defer conn.Close()
	s := &session{conn: conn, opt: opt, rec: newRecords()}
	if !s.ask(ctx, question(servicesName, dns.TypePTR)) {
		return errors.Join(s.errs...)
	}
	types := s.rec.ptr[servicesName]
	if len(types) > maxTypes {
		types = types[:maxTypes]
	}
	var instances []string
	for _, typ := range types {
		emit(covered.Observation{Key: "mdns.service", Value: Plain(typ)})
		if ctx.Err() != nil {
			break
		}
		if _, known := s.rec.ptr[strings.ToLower(typ)]; !known {
			s.ask(ctx, question(typ, dns.TypePTR))
		}
		for _, inst := range s.rec.ptr[strings.ToLower(typ)] {
			if len(instances) < maxInstances && !containsFold(instances, inst) {
				instances = append(instances, inst)
			}
		}
	}
	hosts := map[string]bool{}
	for _, inst := range instances {
		key := strings.ToLower(inst)
		_, haveTXT := s.rec.txt[key]
		_, haveSRV := s.rec.srv[key]
		if (!haveTXT || !haveSRV) && ctx.Err() == nil {
			s.ask(ctx, question(inst, dns.TypeTXT), question(inst, dns.TypeSRV))
		}
		name := Plain(inst)
		emit(covered.Observation{Key: "mdns.service", Value: name})
		if txt := JoinTXT(s.rec.txt[key]); txt != "" {
			emit(covered.Observation{Key: "mdns.txt", Value: txt, Path: name})
		}
		if h := HostLabel(s.rec.srv[key]); h != "" && !hosts[strings.ToLower(h)] {
			hosts[strings.ToLower(h)] = true
			emit(covered.Observation{Key: "hostname", Value: h})
		}
	}
	return errors.Join(s.errs...)
}
