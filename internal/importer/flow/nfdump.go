package flow

import (
	"bytes"
	"context"
	"io"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// nfdumpFormat reads `nfdump -o csv` output. Columns are found by name in
// the header line, which comes in two vocabularies (nfdump's output_csv.c
// and its nfdump.conf.dist csv formats):
//
//   - nfdump 1.6 to 1.7.4: "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,...",
//     times "2024-06-28 23:17:41" (milliseconds in some versions), the
//     protocol as a name ("TCP");
//   - nfdump 1.7.5 on, and `-o csv:%fmt`: "firstSeen,duration,proto,srcAddr,
//     srcPort,dstAddr,dstPort,packets,bytes,flows", times with
//     milliseconds, the protocol as a number, "%tsr" raw seconds
//     ("1705314700.123") and csv-fast's milliseconds since the epoch.
//
// ICMP destination ports are "type.code" and read as no port. nfdump
// writes times in the local time zone of the machine it ran on without
// naming it; they are read as UTC (run nfdump with TZ=UTC to make that
// exact). The "Summary" block nfdump prints after the flows is skipped, and
// a new header line (several outputs joined into one file) starts over.
type nfdumpFormat struct{}

func (nfdumpFormat) Name() string { return "nfdump-csv" }

func (nfdumpFormat) Description() string {
	return "nfdump -o csv flows (1.6 and 1.7 headers): hosts talking to networks of interest; needs --asn-db or --asn-prefixes"
}

func (nfdumpFormat) Example() string {
	return "firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\n" +
		"2026-11-27 10:00:00.123,1.500,6,10.0.0.7,51514,198.51.100.20,443,12,3400,1"
}

// Detect claims a first line that is an nfdump CSV header (gzip'd or not).
func (nfdumpFormat) Detect(head []byte) bool {
	_, ok := nfdumpHeader(textfile.FirstLine(gunzipHead(head)))
	return ok
}

// nfdumpCols are the indexes of the columns read; -1 when absent.
type nfdumpCols struct {
	n                      int // number of columns
	ts, sa, da, sp, dp, pr int
}

// nfdumpHeader reads a header line: comma-separated names, among them the
// two addresses.
func nfdumpHeader(line []byte) (nfdumpCols, bool) {
	c := nfdumpCols{ts: -1, sa: -1, da: -1, sp: -1, dp: -1, pr: -1}
	if len(line) == 0 || !('a' <= line[0] && line[0] <= 'z' || 'A' <= line[0] && line[0] <= 'Z') {
		return c, false // every column name starts with a letter; data lines do not
	}
	for name := range bytes.SplitSeq(line, []byte(",")) {
		name = bytes.TrimSpace(name)
		if !isName(name) {
			return c, false
		}
		var col *int
		switch strings.ToLower(string(name)) {
		case "ts", "firstseen":
			col = &c.ts
		case "sa", "srcaddr":
			col = &c.sa
		case "da", "dstaddr":
			col = &c.da
		case "sp", "srcport":
			col = &c.sp
		case "dp", "dstport":
			col = &c.dp
		case "pr", "proto":
			col = &c.pr
		}
		if col != nil && *col < 0 {
			*col = c.n
		}
		c.n++
	}
	return c, c.sa >= 0 && c.da >= 0
}

// isName reports whether b is a column name: letters, digits, '_' and '-'.
func isName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Read streams the flows of an nfdump CSV file.
func (f nfdumpFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, badf func(*importer.RecordError)) error {
	if src.Options.Networks == nil {
		return ErrNoNetworks
	}
	m := NewMatcher(f.Name(), src, emit)
	s := textfile.NewSink(f.Name(), src, emit, badf)
	var (
		cols      nfdumpCols
		header    bool
		inSummary bool
		fields    [][]byte
		rec       record
	)
	return readLines(ctx, r, s, src.Name, func(line []byte) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return nil
		}
		if c, ok := nfdumpHeader(line); ok {
			cols, header, inSummary = c, true, false
			return nil
		}
		if string(line) == "Summary" {
			inSummary = true
			return nil
		}
		if inSummary {
			return nil
		}
		if !header {
			return bad("data line before an nfdump csv header (nfdump -q leaves the header out)")
		}
		fields = fields[:0]
		for field := range bytes.SplitSeq(line, []byte(",")) {
			fields = append(fields, bytes.TrimSpace(field))
		}
		if len(fields) != cols.n {
			return bad("%d fields, the header has %d", len(fields), cols.n)
		}
		if err := nfdumpRecord(&rec, &cols, fields); err != nil {
			return err
		}
		return m.flow(&rec)
	})
}

// nfdumpRecord reads the columns of one line into rec.
func nfdumpRecord(rec *record, c *nfdumpCols, fields [][]byte) error {
	*rec = record{}
	var ok bool
	if rec.src, ok = parseAddr(fields[c.sa]); !ok {
		return bad("bad source address %q", clip(fields[c.sa]))
	}
	if rec.dst, ok = parseAddr(fields[c.da]); !ok {
		return bad("bad destination address %q", clip(fields[c.da]))
	}
	if c.pr >= 0 {
		rec.proto = nfdumpProto(fields[c.pr])
	}
	var err error
	if c.sp >= 0 {
		if rec.sport, err = nfdumpPort(fields[c.sp], "source"); err != nil {
			return err
		}
	}
	if c.dp >= 0 {
		if rec.dport, err = nfdumpPort(fields[c.dp], "destination"); err != nil {
			return err
		}
	}
	if c.ts >= 0 {
		if rec.start, ok = nfdumpTime(fields[c.ts]); !ok {
			return bad("bad start time %q", clip(fields[c.ts]))
		}
	}
	return nil
}

// nfdumpPort reads a port; ICMP's "type.code" is no port.
func nfdumpPort(b []byte, side string) (uint16, error) {
	if p, ok := parsePort(b); ok {
		return p, nil
	}
	if t, c, dot := bytes.Cut(b, []byte(".")); dot {
		if _, ok := atoi(t, 255); ok {
			if _, ok := atoi(c, 255); ok {
				return 0, nil
			}
		}
	}
	return 0, bad("bad %s port %q", side, clip(b))
}

// nfdumpProto reads the protocol column: a number (1.7.5 on) or one of the
// names nfdump 1.6 prints. Other names are protocols without ports.
func nfdumpProto(b []byte) uint8 {
	if n, ok := atoi(b, 255); ok {
		return uint8(n)
	}
	switch strings.ToUpper(string(b)) {
	case "TCP":
		return ProtoTCP
	case "UDP":
		return ProtoUDP
	case "ICMP":
		return ProtoICMP
	case "ICMP6", "IPV6-ICMP":
		return ProtoICMPv6
	}
	return 0
}

// nfdumpTime reads a start time: "2006-01-02 15:04:05[.000]" (UTC, see
// nfdumpFormat), Unix seconds with a fraction, or whole milliseconds since
// the epoch. nfdump's "0000-00-00 00:00:00.000" (no time) is the zero time.
func nfdumpTime(b []byte) (time.Time, bool) {
	if len(b) == 0 || bytes.HasPrefix(b, []byte("0000-00-00")) {
		return time.Time{}, true
	}
	if t, ok := dateTime(b); ok {
		return t, true
	}
	sec, frac, dot := bytes.Cut(b, []byte("."))
	s, ok := atoi(sec, 1<<53)
	if !ok {
		return time.Time{}, false
	}
	if !dot {
		if len(sec) >= 12 { // milliseconds (csv-fast)
			return time.UnixMilli(int64(s)).UTC(), true
		}
		return time.Unix(int64(s), 0).UTC(), true
	}
	if len(frac) == 0 || len(frac) > 9 {
		return time.Time{}, false
	}
	ns, ok := atoi(frac, 999_999_999)
	if !ok {
		return time.Time{}, false
	}
	for i := len(frac); i < 9; i++ {
		ns *= 10
	}
	return time.Unix(int64(s), int64(ns)).UTC(), true
}

// dateTime reads "2006-01-02 15:04:05" with an optional fraction of up to
// nine digits, in UTC, without time.Parse's cost.
func dateTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' && b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, j int) int {
		n, ok := atoi(b[i:j], 9999)
		if !ok {
			return -1
		}
		return int(n)
	}
	y, mo, d, h, mi, s := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 {
		return time.Time{}, false
	}
	ns := 0
	if rest := b[19:]; len(rest) > 0 {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return time.Time{}, false
		}
		n, ok := atoi(rest[1:], 999_999_999)
		if !ok {
			return time.Time{}, false
		}
		ns = int(n)
		for i := len(rest) - 1; i < 9; i++ {
			ns *= 10
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // 31 April
	}
	return t, true
}
