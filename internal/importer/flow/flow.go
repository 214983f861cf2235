// Package flow imports flow records (an importer format family of the
// import stage): nfdump's CSV output ("nfdump-csv") and AWS VPC Flow Logs
// ("aws-vpc-flow"). A flow names two addresses; what makes one worth an
// observation is the network it belongs to, so Read needs
// src.Options.Networks (from --asn-db or --asn-prefixes) and fails at once
// without it.
//
// For each flow both addresses are looked up. When exactly one of them is
// in a network of interest, the other is the local host and the flow
// becomes one `flow.remote_asn` observation:
//
//	Host, IP   the local address
//	Value      "AS<asn> <org>" ("AS<asn>" when no name is known)
//	Path       the remote address
//	Port       the remote side's port; 0 unless the protocol is TCP or UDP
//	Transport  "tcp" or "udp" with a port, else ""
//	Seen       the flow's start, else the file's time
//
// Flows where neither or both sides are of interest say nothing about a
// host and are skipped, as are flows whose local side is no host
// (unspecified, multicast or broadcast). Repeats of the same (host, remote
// address, remote port, transport) are emitted once, through a bounded set
// that is emptied when full: memory stays constant, and identification
// dedupes again.
//
// Files are read as a stream of lines of at most 64 KiB; a gzip stream
// (VPC logs delivered to S3 or exported from CloudWatch Logs are .log.gz)
// is recognised by its magic bytes and decompressed on the fly; a damaged
// stream ends reading with an error naming the file. Bad records are
// reported with their line and reading goes on.
package flow

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

func init() {
	importer.Register(nfdumpFormat{})
	importer.Register(vpcFormat{})
}

var (
	_ importer.Format = nfdumpFormat{}
	_ importer.Format = vpcFormat{}
)

// ErrNoNetworks is Read's error when the user gave no ASN source.
var ErrNoNetworks = errors.New("flow records name remote addresses only; give --asn-db FILE (MaxMind ASN database) or --asn-prefixes FILE so covered can tell which belong to the covered carriers")

// maxSeen bounds the set of observations already emitted; at about 60
// bytes a key it stays under 8 MiB.
const maxSeen = 1 << 16

// Transport protocol numbers (IANA "Assigned Internet Protocol Numbers"),
// as Matcher.Flow takes them.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// record is one flow as a format reads it.
type record struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8 // 0 when unknown
	start        time.Time
}

type seenKey struct {
	host, remote netip.Addr
	port         uint16
	proto        uint8
}

// Matcher turns flows into flow.remote_asn observations: the lookups, the
// choice of the local side, and the bounded dedupe set. Other formats that
// carry flows (Zeek's conn.log) use it too.
type Matcher struct {
	nets   importer.NetworkLookup
	source string
	seen   time.Time
	emit   func(covered.Observation) error
	done   map[seenKey]struct{}
}

// NewMatcher reads src.Options.Networks, which must not be nil, and emits
// observations of format name.
func NewMatcher(name string, src importer.Source, emit func(covered.Observation) error) *Matcher {
	return &Matcher{nets: src.Options.Networks, source: "import:" + name, seen: src.Seen, emit: emit, done: make(map[seenKey]struct{})}
}

func (m *Matcher) flow(r *record) error {
	return m.Flow(r.src, r.dst, r.sport, r.dport, r.proto, r.start)
}

// Flow reads one flow: when exactly one side is in a network of interest,
// the other side is the host, and it gets an observation naming the network
// (once per host, remote address, port and protocol). proto is the IANA
// protocol number, 0 when unknown; start may be zero.
func (m *Matcher) Flow(src, dst netip.Addr, sport, dport uint16, proto uint8, start time.Time) error {
	sn, sok := m.nets.LookupNetwork(src)
	dn, dok := m.nets.LookupNetwork(dst)
	if sok == dok {
		return nil
	}
	local, remote, port, n := src, dst, dport, dn
	if sok {
		local, remote, port, n = dst, src, sport, sn
	}
	local, remote = local.Unmap(), remote.Unmap()
	if !isHost(local) {
		return nil
	}
	transport := ""
	switch {
	case port == 0:
		proto = 0 // a port-less flow: the observation has no transport either
	case proto == ProtoTCP:
		transport = "tcp"
	case proto == ProtoUDP:
		transport = "udp"
	default:
		port, proto = 0, 0
	}
	key := seenKey{host: local, remote: remote, port: port, proto: proto}
	if _, dup := m.done[key]; dup {
		return nil
	}
	if len(m.done) >= maxSeen {
		clear(m.done)
	}
	m.done[key] = struct{}{}
	value := "AS" + strconv.FormatUint(uint64(n.ASN), 10)
	if n.Org != "" {
		value += " " + n.Org
	}
	seen := start
	if seen.IsZero() {
		seen = m.seen
	}
	host := local.String()
	return m.emit(covered.Observation{
		Host: host, IP: host, Key: "flow.remote_asn", Value: value,
		Path: remote.String(), Port: int(port), Transport: transport,
		Seen: seen, Source: m.source,
	})
}

// isHost reports whether a can name a device: not unspecified, multicast
// or the IPv4 broadcast address.
func isHost(a netip.Addr) bool {
	return a.IsValid() && !a.IsUnspecified() && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// lineErr marks an error as the record's fault, not emit's.
type lineErr struct{ error }

func bad(format string, args ...any) error { return lineErr{fmt.Errorf(format, args...)} }

// readLines runs fn over the lines of r, gunzipping it when it starts with
// the gzip magic; a lineErr from fn is reported as the line's and reading
// goes on, any other error ends it.
func readLines(ctx context.Context, r io.Reader, s *textfile.Sink, file string, fn func(line []byte) error) error {
	r, err := maybeGunzip(r)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	return textfile.Loop(ctx, textfile.NewLines(r), s, func(line []byte, n int) error {
		err := fn(line)
		if le, ok := err.(lineErr); ok { // fn returns it unwrapped; errors.As would allocate per line
			s.BadLine(n, le.error)
			return nil
		}
		return err
	})
}

// maybeGunzip returns r, decompressed when it is a gzip stream (RFC 1952
// magic 1f 8b). Concatenated members, as S3 delivery can produce, are read
// in turn.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil // a short or unreadable stream fails in the line reader
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return zr, nil
}

// gunzipHead decompresses what it can of a gzip head for Detect, which
// only sees the first HeadSize bytes of the file.
func gunzipHead(head []byte) []byte {
	if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
		return head
	}
	zr, err := gzip.NewReader(bytes.NewReader(head))
	if err != nil {
		return nil
	}
	out := make([]byte, 8<<10)
	n, _ := io.ReadFull(zr, out)
	return out[:n]
}

// parseAddr reads an address field; dotted quads take a fast path that
// does not allocate. Zones are refused: a flow names no link.
func parseAddr(b []byte) (netip.Addr, bool) {
	if a, ok := parseIPv4(b); ok {
		return a, true
	}
	if len(b) == 0 || len(b) > 64 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	part, digits := 0, 0
	v := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && v == 0 {
				return netip.Addr{}, false // leading zero
			}
			v = v*10 + int(c-'0')
			digits++
			if v > 255 {
				return netip.Addr{}, false
			}
		case c == '.' && digits > 0 && part < 3:
			ip[part] = byte(v)
			part++
			v, digits = 0, 0
		default:
			return netip.Addr{}, false
		}
	}
	if part != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	ip[3] = byte(v)
	return netip.AddrFrom4(ip), true
}

// parsePort reads a port field: empty or "-" is 0.
func parsePort(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) == 1 && b[0] == '-' {
		return 0, true
	}
	n, ok := atoi(b, 65535)
	return uint16(n), ok
}

// atoi reads a decimal number of at most max.
func atoi(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// appendFields splits line on runs of blanks into dst.
func appendFields(dst [][]byte, line []byte) [][]byte {
	start := -1
	for i, c := range line {
		if c == ' ' || c == '\t' {
			if start >= 0 {
				dst = append(dst, line[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, line[start:])
	}
	return dst
}

// clip shortens a field for an error message.
func clip(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "..."
	}
	return string(b)
}
