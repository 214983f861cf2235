package dhcp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/oui"
)

// maxLine bounds one line; longer lines are reported as bad and skipped.
const maxLine = 64 << 10

// maxOption is the longest value a DHCP option can carry (RFC 2132: one
// length octet). Longer values are not what a client sent.
const maxOption = 255

// errLong reports a line over maxLine bytes.
var errLong = fmt.Errorf("line longer than %d bytes", maxLine)

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
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > maxLine {
		return nil, errLong
	}
	return line, nil
}

// normMAC parses s with oui.ParseMAC and writes it as lowercase
// colon-separated hex, so that the same device groups alike whatever
// notation the source used. ok is false for addresses that name no device:
// all-zero (incomplete), multicast and broadcast.
func normMAC(s string) (mac string, ok bool, err error) {
	hw, fast := quickMAC(s)
	if !fast {
		if hw, err = oui.ParseMAC(s); err != nil {
			return "", false, err
		}
	}
	mac, ok = macString(hw)
	return mac, ok, nil
}

// macString writes hw as lowercase colon-separated hex; ok is false for
// addresses that name no device: all-zero, multicast and broadcast.
func macString(hw [6]byte) (mac string, ok bool) {
	switch oui.KindOf(hw) {
	case oui.Invalid, oui.Multicast:
		return "", false
	}
	const digits = "0123456789abcdef"
	var b [17]byte
	for i, o := range hw {
		if i > 0 {
			b[3*i-1] = ':'
		}
		b[3*i], b[3*i+1] = digits[o>>4], digits[o&0x0f]
	}
	return string(b[:]), true
}

// quickMAC reads the commonest notations quickly: six groups of two hex
// digits separated by ':' or '-', and Cisco's three dotted groups of four.
// Anything else is left to oui.ParseMAC.
func quickMAC(s string) (hw [6]byte, ok bool) {
	if len(s) == 14 && s[4] == '.' && s[9] == '.' { // Cisco 0011.2233.4455
		s = s[0:2] + ":" + s[2:4] + ":" + s[5:7] + ":" + s[7:9] + ":" + s[10:12] + ":" + s[12:14]
	}
	if len(s) != 17 || (s[2] != ':' && s[2] != '-') {
		return hw, false
	}
	for i := range hw {
		if i > 0 && s[3*i-1] != s[2] {
			return hw, false
		}
		hi, lo := unhex(s[3*i]), unhex(s[3*i+1])
		if hi > 15 || lo > 15 {
			return hw, false
		}
		hw[i] = hi<<4 | lo
	}
	return hw, true
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 255
}

// parseIP checks an address and returns it in canonical form.
func parseIP(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		if len(s) > 64 {
			s = s[:64]
		}
		return "", fmt.Errorf("bad IP address %q", s)
	}
	if a.Is4() {
		return s, nil // ParseAddr takes only the canonical dotted quad
	}
	return a.String(), nil
}

// device is one client as a record names it: the observations of a record
// share it.
type device struct {
	ip, mac string
	seen    time.Time
}

// host is the device key: the IP, or the MAC when there is none.
func (d device) host() string {
	if d.ip != "" {
		return d.ip
	}
	return d.mac
}

// sink turns a record's values into observations of one format.
type sink struct {
	source string
	emit   func(covered.Observation) error
	bad    func(*importer.RecordError)
	file   string
}

func newSink(name string, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) *sink {
	return &sink{source: "import:" + name, emit: emit, bad: bad, file: src.Name}
}

func (s *sink) badLine(line int, err error) {
	s.bad(&importer.RecordError{File: s.file, Line: line, Err: err})
}

// obs emits one observation of d unless value is empty or d has no key.
func (s *sink) obs(d device, key, value string) error {
	if value == "" || d.host() == "" {
		return nil
	}
	return s.emit(covered.Observation{Host: d.host(), Key: key, Value: value, Source: s.source, Seen: d.seen, IP: d.ip, MAC: d.mac})
}

// record emits the usual observations of a DHCP record: its MAC, then
// hostname and vendor class when present.
func (s *sink) record(d device, hostname, vendor string) error {
	if err := s.obs(d, "mac", d.mac); err != nil {
		return err
	}
	if err := s.obs(d, "dhcp.hostname", hostname); err != nil {
		return err
	}
	return s.obs(d, "dhcp.vendor_class", vendor)
}

// loop reads lines until EOF, calling fn for each. It reports over-long
// lines, checks ctx every 4096 lines, and ends on fn's error.
func loop(ctx interface{ Err() error }, lr *lineReader, s *sink, fn func(line []byte, n int) error) error {
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
		if err := fn(line, lr.n); err != nil {
			return err
		}
	}
}

// firstLine returns the first non-blank line of head, trimmed.
func firstLine(head []byte) []byte {
	for len(head) > 0 {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			return line
		}
	}
	return nil
}

// headLines calls fn for each complete trimmed line of head until fn returns
// true; the last line is skipped when head was cut inside it.
func headLines(head []byte, fn func(line []byte) bool) bool {
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte("\n"))
		if !found && len(head) >= importer.HeadSize {
			return false
		}
		head = rest
		if fn(bytes.TrimSpace(line)) {
			return true
		}
	}
	return false
}

// inLocation is the zone of times a file writes without one: the zone of
// src.Seen (the file's modification time, local), UTC when it is unknown.
func inLocation(src importer.Source) *time.Location {
	if src.Seen.IsZero() {
		return time.UTC
	}
	return src.Seen.Location()
}
