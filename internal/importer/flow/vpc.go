package flow

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// vpcFormat reads AWS VPC Flow Logs as the VPC user guide ("Flow log
// records", "Flow log record examples") documents them: space-separated
// fields, "-" for a value that does not apply, in the default version 2
// format
//
//	version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
//
// or a custom format, whose header line (the first line of files delivered
// to S3) names the fields. Without a header line the default format is
// assumed. The addresses are pkt-srcaddr and pkt-dstaddr when the format
// has them (behind a NAT gateway or load balancer they are the real
// endpoints), else srcaddr and dstaddr; start is Unix seconds. NODATA and
// SKIPDATA records, and records without both addresses, carry no flow and
// are skipped. REJECT records are read like ACCEPT ones: a device that
// tried to reach a carrier's network is worth knowing about. Lines of a
// CloudWatch Logs export start with the event's ISO 8601 time, which is
// dropped.
type vpcFormat struct{}

func (vpcFormat) Name() string { return "aws-vpc-flow" }

func (vpcFormat) Description() string {
	return "AWS VPC Flow Logs, default or custom format, plain or .log.gz: hosts talking to networks of interest; needs --asn-db or --asn-prefixes"
}

func (vpcFormat) Example() string {
	return "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		"2 123456789010 eni-1235b8ca123456789 10.0.1.7 198.51.100.20 49761 443 6 20 4249 1795773600 1795773660 ACCEPT OK"
}

// vpcDefault is the default format's field list.
const vpcDefault = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

// vpcCols are the indexes of the fields read; -1 when absent.
type vpcCols struct {
	n                                     int
	src, dst, pktSrc, pktDst              int
	sport, dport, proto, start, logStatus int
}

// vpcHeader reads a header line: field names only ([a-z0-9-]), among them
// a source and a destination address.
func vpcHeader(fields [][]byte) (vpcCols, bool) {
	c := vpcCols{src: -1, dst: -1, pktSrc: -1, pktDst: -1, sport: -1, dport: -1, proto: -1, start: -1, logStatus: -1}
	for i, f := range fields {
		for _, ch := range f {
			if !('a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '-') {
				return c, false
			}
		}
		var col *int
		switch string(f) {
		case "srcaddr":
			col = &c.src
		case "dstaddr":
			col = &c.dst
		case "pkt-srcaddr":
			col = &c.pktSrc
		case "pkt-dstaddr":
			col = &c.pktDst
		case "srcport":
			col = &c.sport
		case "dstport":
			col = &c.dport
		case "protocol":
			col = &c.proto
		case "start":
			col = &c.start
		case "log-status":
			col = &c.logStatus
		}
		if col != nil && *col < 0 {
			*col = i
		}
	}
	c.n = len(fields)
	return c, (c.src >= 0 || c.pktSrc >= 0) && (c.dst >= 0 || c.pktDst >= 0)
}

var defaultCols, _ = vpcHeader(bytes.Fields([]byte(vpcDefault)))

// Detect claims a header line, or a first record in the default format
// (version 2, an eni- interface, an action and a log status where the
// format puts them), with or without a CloudWatch export's time in front.
func (vpcFormat) Detect(head []byte) bool {
	fields := bytes.Fields(textfile.FirstLine(gunzipHead(head)))
	if _, ok := vpcHeader(fields); ok {
		return true
	}
	if len(fields) == defaultCols.n+1 && isExportTime(fields[0]) {
		fields = fields[1:]
	}
	if len(fields) != defaultCols.n || string(fields[0]) != "2" || !bytes.HasPrefix(fields[2], []byte("eni-")) {
		return false
	}
	switch string(fields[12]) {
	case "ACCEPT", "REJECT", "-":
	default:
		return false
	}
	switch string(fields[13]) {
	case "OK", "NODATA", "SKIPDATA":
		return true
	}
	return false
}

// isExportTime reports whether f is the ISO 8601 time CloudWatch Logs
// puts before each event of an export ("2026-11-27T10:00:00.000Z").
func isExportTime(f []byte) bool {
	if len(f) < 20 || f[len(f)-1] != 'Z' {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, string(f))
	return err == nil
}

// Read streams the flows of a VPC flow log.
func (f vpcFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, badf func(*importer.RecordError)) error {
	if src.Options.Networks == nil {
		return ErrNoNetworks
	}
	m := NewMatcher(f.Name(), src, emit)
	s := textfile.NewSink(f.Name(), src, emit, badf)
	cols, named := defaultCols, false
	var (
		fields [][]byte
		rec    record
	)
	return readLines(ctx, r, s, src.Name, func(line []byte) error {
		fields = appendFields(fields[:0], line)
		if len(fields) == 0 {
			return nil
		}
		if c, ok := vpcHeader(fields); ok {
			cols, named = c, true
			return nil
		}
		if len(fields) == cols.n+1 && isExportTime(fields[0]) {
			fields = fields[1:]
		}
		if len(fields) != cols.n {
			if !named {
				return bad("%d fields, the default format has %d (a custom format needs its header line)", len(fields), cols.n)
			}
			return bad("%d fields, the header has %d", len(fields), cols.n)
		}
		if cols.logStatus >= 0 {
			switch string(fields[cols.logStatus]) {
			case "NODATA", "SKIPDATA":
				return nil
			}
		}
		ok, err := vpcRecord(&rec, &cols, fields)
		if err != nil || !ok {
			return err
		}
		return m.flow(&rec)
	})
}

// vpcRecord reads the fields of one record into rec; ok is false for a
// record without both addresses.
func vpcRecord(rec *record, c *vpcCols, fields [][]byte) (ok bool, err error) {
	*rec = record{}
	pick := func(pkt, plain int) []byte {
		if pkt >= 0 && string(fields[pkt]) != "-" {
			return fields[pkt]
		}
		if plain >= 0 {
			return fields[plain]
		}
		return nil
	}
	sa, da := pick(c.pktSrc, c.src), pick(c.pktDst, c.dst)
	if sa == nil || da == nil || string(sa) == "-" || string(da) == "-" {
		return false, nil
	}
	if rec.src, ok = parseAddr(sa); !ok {
		return false, bad("bad source address %q", clip(sa))
	}
	if rec.dst, ok = parseAddr(da); !ok {
		return false, bad("bad destination address %q", clip(da))
	}
	if c.sport >= 0 {
		if rec.sport, ok = parsePort(fields[c.sport]); !ok {
			return false, bad("bad srcport %q", clip(fields[c.sport]))
		}
	}
	if c.dport >= 0 {
		if rec.dport, ok = parsePort(fields[c.dport]); !ok {
			return false, bad("bad dstport %q", clip(fields[c.dport]))
		}
	}
	if c.proto >= 0 && string(fields[c.proto]) != "-" {
		n, ok := atoi(fields[c.proto], 255)
		if !ok {
			return false, bad("bad protocol %q", clip(fields[c.proto]))
		}
		rec.proto = uint8(n)
	}
	if c.start >= 0 && string(fields[c.start]) != "-" {
		n, ok := atoi(fields[c.start], 1<<40)
		if !ok {
			return false, bad("bad start %q", clip(fields[c.start]))
		}
		rec.start = time.Unix(int64(n), 0).UTC()
	}
	return true, nil
}
