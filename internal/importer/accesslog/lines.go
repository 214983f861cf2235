package accesslog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// maxLine bounds one line; longer lines are reported as bad and skipped.
const maxLine = 64 << 10

// errLong reports a line over maxLine bytes.
var errLong = fmt.Errorf("line longer than %d bytes", maxLine)

// Bounds of the per-file set of pairs already emitted. Past either, pairs
// not yet seen are emitted every time they occur instead of growing the set.
const (
	maxPairs     = 1 << 20  // pairs remembered
	maxPairBytes = 64 << 20 // bytes of remembered keys
)

// lineReader streams lines with bounded memory: it never holds more than
// maxLine bytes of one line.
type lineReader struct {
	br *bufio.Reader
	n  int // number of the line last returned, 1-based
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, maxLine+1)}
}

// next returns the next line without its line ending. The slice is valid
// until the following call. It returns errLong for an over-long line (whose
// rest is skipped) and io.EOF at the end.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.n++
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		return nil, errLong
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	l.n++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > maxLine {
		return nil, errLong
	}
	return line, nil
}

// record is what one line says: the fields are slices of the line, valid
// until the next line is read.
type record struct {
	client []byte // client address as logged
	ua     []byte // User-Agent as logged (log escapes not yet undone); nil when absent
	model  []byte // Sec-CH-UA-Model as logged; nil when absent
	when   stamp  // the line's time, converted only when emitted
}

// sink emits the observations of one file, once per (client, key, value).
type sink struct {
	source string
	file   string
	emit   func(covered.Observation) error
	bad    func(*importer.RecordError)

	// seen holds "kind client \x00 value" keys already emitted; it stops
	// growing at maxPairs entries or maxPairBytes bytes.
	seen      map[string]struct{}
	seenBytes int
	key       []byte // scratch for building keys
}

func newSink(name string, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) *sink {
	return &sink{source: "import:" + name, file: src.Name, emit: emit, bad: bad, seen: map[string]struct{}{}}
}

func (s *sink) badLine(line int, err error) {
	s.bad(&importer.RecordError{File: s.file, Line: line, Err: err})
}

// record emits the observations of rec not emitted before in this file.
// A client that is not an IP address is the line's error (lineErr).
func (s *sink) record(rec *record) error {
	if isAbsent(rec.ua) && isAbsent(rec.model) {
		return nil
	}
	var ip string
	for _, kv := range [...]struct {
		kind  byte
		key   string
		value []byte
	}{{'u', "http.user_agent", rec.ua}, {'m', "http.header.sec_ch_ua_model", rec.model}} {
		if isAbsent(kv.value) {
			continue
		}
		s.key = append(append(append(append(s.key[:0], kv.kind), rec.client...), 0), kv.value...)
		if _, dup := s.seen[string(s.key)]; dup { // no allocation: the compiler keys by the bytes
			continue
		}
		if ip == "" {
			var err error
			if ip, err = parseIP(rec.client); err != nil {
				return lineErr{err}
			}
		}
		if len(s.seen) < maxPairs && s.seenBytes+len(s.key) <= maxPairBytes {
			s.seen[string(s.key)] = struct{}{}
			s.seenBytes += len(s.key)
		}
		o := covered.Observation{Host: ip, IP: ip, Key: kv.key, Value: unescape(kv.value), Source: s.source, Seen: rec.when.time()}
		if err := s.emit(o); err != nil {
			return err
		}
	}
	return nil
}

// isAbsent reports a missing or placeholder header value.
func isAbsent(v []byte) bool {
	return len(v) == 0 || (len(v) == 1 && v[0] == '-')
}

// lineErr marks an error as the line's fault, not emit's.
type lineErr struct{ error }

// loop reads lines until EOF, parsing each with parse and emitting its
// record. It reports over-long and unparsable lines, checks ctx every 4096
// lines, and ends on emit's error.
func loop(ctx context.Context, r io.Reader, s *sink, parse func(line []byte, rec *record) error) error {
	lr := newLineReader(r)
	var rec record
	for {
		if lr.n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if errors.Is(err, errLong) {
			s.badLine(lr.n, err)
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", s.file, err)
		}
		if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			continue
		}
		rec = record{}
		if err := parse(line, &rec); err != nil {
			s.badLine(lr.n, err)
			continue
		}
		if err := s.record(&rec); err != nil {
			var le lineErr
			if errors.As(err, &le) {
				s.badLine(lr.n, le.error)
				continue
			}
			return err
		}
	}
}

// stamp is a line's time as parsed, turned into a time.Time only when an
// observation needs it.
type stamp struct {
	epoch            bool  // Squid: sec and nsec are set
	sec, nsec        int64 // Unix time (epoch)
	year, month, day int   // Apache: calendar fields
	hour, min, secs  int
	offset           int // seconds east of UTC
}

// time returns the stamp in UTC.
func (st stamp) time() time.Time {
	if st.epoch {
		return time.Unix(st.sec, st.nsec).UTC()
	}
	t := time.Date(st.year, time.Month(st.month), st.day, st.hour, st.min, st.secs, 0, time.UTC)
	return t.Add(-time.Duration(st.offset) * time.Second)
}
