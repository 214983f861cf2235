// Package accesslog imports web and proxy access logs (an importer format
// family of the import stage): Apache/Nginx "combined" logs ("access-log")
// and Squid native access.log with a trailing User-Agent ("squid-log").
// Each line with a User-Agent becomes an `http.user_agent` observation
// whose Host is the client IP and whose Seen is the line's time; "-" and
// empty User-Agents are skipped.
//
// Proxy logs repeat the same client and User-Agent millions of times, and
// identification needs each pair once: a (client IP, User-Agent) pair is
// emitted once per file, at its first line. The set of pairs already
// emitted is bounded (1<<20 pairs, 64 MiB of keys); past it, new pairs are
// emitted every time they occur rather than letting memory grow.
//
// Lines are parsed as bytes, without regular expressions; only the client
// and User-Agent of a pair not seen before become strings. Lines longer
// than 64 KiB, lines with unbalanced quotes or without a valid timestamp,
// and lines whose client is not an IP address (checked only on lines with a
// User-Agent not yet emitted) are reported with their line, and reading
// goes on. Seen is in UTC.
package accesslog

import (
	"bytes"
	"context"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

func init() {
	importer.Register(combinedFormat{})
	importer.Register(squidFormat{})
}

var (
	_ importer.Format = combinedFormat{}
	_ importer.Format = squidFormat{}
)

// combinedFormat reads Apache/Nginx combined logs. An extra trailing quoted
// field holding a structured-field string (logged as `"\"Pixel 7\""` by
// Apache or `"\x22Pixel 7\x22"` by nginx), as an nginx log_format adding
// "$http_sec_ch_ua_model" writes it, becomes an
// `http.header.sec_ch_ua_model` observation, deduplicated like the
// User-Agent; other extra fields are ignored.
type combinedFormat struct{}

func (combinedFormat) Name() string { return "access-log" }

func (combinedFormat) Description() string {
	return "Apache/Nginx combined access log (User-Agent, optional trailing Sec-CH-UA-Model)"
}

func (combinedFormat) Example() string {
	return `10.0.0.7 - - [27/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 123 "-" "Mozilla/5.0 (Linux; Android 10; ELE-L29) AppleWebKit/537.36"`
}

// Detect claims a first line that parses as a combined (or common) log line
// with a User-Agent or at least a [timestamp] and quoted request.
func (combinedFormat) Detect(head []byte) bool {
	line, ok := firstLine(head)
	if !ok {
		return false
	}
	var rec record
	if parseCombined(line, &rec) != nil {
		return false
	}
	_, err := parseIP(rec.client)
	return err == nil
}

// Read streams the file's User-Agents (and Sec-CH-UA-Model hints), once per
// client and value.
func (f combinedFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	return loop(ctx, r, newSink(f.Name(), src, emit, bad), parseCombined)
}

// squidFormat reads Squid native access.log lines; only lines whose
// logformat appends a quoted "%{User-Agent}>h" yield observations.
type squidFormat struct{}

func (squidFormat) Name() string { return "squid-log" }

func (squidFormat) Description() string {
	return `Squid native access.log with a trailing "%{User-Agent}>h" field`
}

func (squidFormat) Example() string {
	return `1732701600.123     45 10.0.0.5 TCP_MISS/200 1234 GET http://example.com/ - HIER_DIRECT/93.184.216.34 text/html "Mozilla/5.0 (Linux; Android 12; ANY-LX2) AppleWebKit/537.36"`
}

// Detect claims a first line of ten native fields starting with a Unix time
// with a fraction and a client IP, with a CODE/STATUS result.
func (squidFormat) Detect(head []byte) bool {
	line, ok := firstLine(head)
	if !ok {
		return false
	}
	var rec record
	if parseSquid(line, &rec) != nil {
		return false
	}
	first, _, _ := bytes.Cut(skipSpaces(line), []byte(" "))
	sec, frac, found := bytes.Cut(first, []byte("."))
	if !found || len(sec) < 9 || len(frac) != 3 { // Squid writes milliseconds
		return false
	}
	_, err := parseIP(rec.client)
	return err == nil
}

// Read streams the file's User-Agents, once per client and value. Lines
// without a trailing quoted field carry no User-Agent and are skipped.
func (f squidFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	return loop(ctx, r, newSink(f.Name(), src, emit, bad), parseSquid)
}

// firstLine returns the first non-blank complete line of head.
func firstLine(head []byte) ([]byte, bool) {
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte("\n"))
		if !found && len(head) >= importer.HeadSize {
			return nil, false
		}
		head = rest
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) > 0 {
			return line, true
		}
	}
	return nil, false
}
