// Package textfile holds what the line-oriented importers share: a bounded
// line reader that counts lines, MAC and address normalisation, and a Sink
// that turns a record's values into observations. DHCP leases and logs, ARP
// and neighbour tables are all lines of text with a MAC and an address.
package textfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/netip"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/oui"
)

// MaxLine bounds one line; longer lines are reported as bad and skipped.
const MaxLine = 64 << 10

// ErrLong is what errors.Is finds in the error of a line over the reader's
// limit; the error itself names the limit.
var ErrLong = errors.New("line too long")

type longError struct{ max int }

func (e longError) Error() string   { return fmt.Sprintf("line longer than %d bytes", e.max) }
func (e longError) Is(t error) bool { return t == ErrLong }

// Lines streams lines with bounded memory: it never holds more than
// MaxLine bytes of one line.
type Lines struct {
	br  *bufio.Reader
	max int
	N   int // number of the line last returned, 1-based
}

func NewLines(r io.Reader) *Lines {
	return NewLinesMax(r, MaxLine)
}

// NewLinesMax is NewLines with another bound on one line.
func NewLinesMax(r io.Reader, max int) *Lines {
	return &Lines{br: bufio.NewReaderSize(r, max+1), max: max}
}

// Next returns the next line without its line ending. The slice is valid
// until the following call. It returns ErrLong for an over-long line (whose
// rest is skipped) and io.EOF at the end.
func (l *Lines) Next() ([]byte, error) {
	line, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.N++
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		return nil, longError{l.max}
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	l.N++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > l.max {
		return nil, longError{l.max}
	}
	return line, nil
}

// NormMAC parses s with oui.ParseMAC and writes it as lowercase
// colon-separated hex, so that the same Device groups alike whatever
// notation the source used. ok is false for addresses that name no Device:
// all-zero (incomplete), multicast and broadcast.
func NormMAC(s string) (mac string, ok bool, err error) {
	hw, fast := quickMAC(s)
	if !fast {
		if hw, err = oui.ParseMAC(s); err != nil {
			return "", false, err
		}
	}
	mac, ok = MACString(hw)
	return mac, ok, nil
}

// MACString writes hw as lowercase colon-separated hex; ok is false for
// addresses that name no device: all-zero, multicast and broadcast.
func MACString(hw [6]byte) (mac string, ok bool) {
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
		hi, lo := Unhex(s[3*i]), Unhex(s[3*i+1])
		if hi > 15 || lo > 15 {
			return hw, false
		}
		hw[i] = hi<<4 | lo
	}
	return hw, true
}

func Unhex(c byte) byte {
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

// ParseIP checks an address and returns it in canonical form.
func ParseIP(s string) (string, error) {
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

// Device is one client as a record names it: the observations of a record
// share it.
type Device struct {
	IP, MAC string
	Seen    time.Time
}

// host is the Device key: the IP, or the MAC when there is none.
func (d Device) Host() string {
	if d.IP != "" {
		return d.IP
	}
	return d.MAC
}

// Sink turns a record's values into observations of one format. It drops
// repeats: logs and lease files state the same facts of a client at every
// renewal, and a gigabyte of DHCP log holds a few hundred thousand distinct
// facts among millions. A fact (host, MAC, key, value) is emitted once per
// hour of record time it is seen in, so first and last sightings survive to
// the hour.
type Sink struct {
	source  string
	emit    func(covered.Observation) error
	bad     func(*importer.RecordError)
	file    string
	seed    maphash.Seed
	hours   map[uint64]int64 // fact hash → hour it was last emitted in
	records map[uint64]int64 // record hash → hour, see Fresh
	buf     []byte           // the parts of a fact or record, to hash
}

// maxFacts bounds the repeat filter (about 40 bytes each); when it is full
// it starts over, which only lets some repeats through.
const maxFacts = 1 << 18

func NewSink(name string, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) *Sink {
	return &Sink{source: "import:" + name, emit: emit, bad: bad, file: src.Name, seed: maphash.MakeSeed(),
		hours: map[uint64]int64{}, records: map[uint64]int64{}}
}

// Fresh reports whether a whole record (the device and up to three values)
// is new this hour, and remembers it. Formats whose records repeat call it
// first: one check per record is cheaper than one per observation, and a
// log's clients are far fewer than its records.
func (s *Sink) Fresh(d Device, a, b, c string) bool {
	return !s.seenThisHour(s.records, d, a, b, c)
}

// repeat reports whether the fact was emitted in the same hour already, and
// remembers it otherwise.
func (s *Sink) repeat(d Device, key, value string) bool {
	return s.seenThisHour(s.hours, d, key, value, "")
}

func (s *Sink) seenThisHour(m map[uint64]int64, d Device, a, b, c string) bool {
	buf := s.buf[:0]
	for _, part := range [...]string{d.IP, d.MAC, a, b, c} {
		buf = append(append(buf, part...), 0)
	}
	s.buf = buf
	sum := maphash.Bytes(s.seed, buf)
	hour := d.Seen.Unix() / 3600
	if last, ok := m[sum]; ok && last == hour {
		return true
	}
	if len(m) >= maxFacts {
		clear(m)
	}
	m[sum] = hour
	return false
}

func (s *Sink) BadLine(line int, err error) {
	s.bad(&importer.RecordError{File: s.file, Line: line, Err: err})
}

// Obs emits one observation of d unless value is empty or d has no key.
func (s *Sink) Obs(d Device, key, value string) error {
	if value == "" || d.Host() == "" || s.repeat(d, key, value) {
		return nil
	}
	return s.emit(covered.Observation{Host: d.Host(), Key: key, Value: value, Source: s.source, Seen: d.Seen, IP: d.IP, MAC: d.MAC})
}

// Loop reads lines until EOF, calling fn for each. It reports over-long
// lines, checks ctx every 4096 lines, and ends on fn's error.
func Loop(ctx interface{ Err() error }, lr *Lines, s *Sink, fn func(line []byte, n int) error) error {
	for {
		if lr.N%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if errors.Is(err, ErrLong) {
			s.BadLine(lr.N, err)
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", s.file, err)
		}
		if err := fn(line, lr.N); err != nil {
			return err
		}
	}
}

// FirstLine returns the first non-blank line of head, trimmed.
func FirstLine(head []byte) []byte {
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

// HeadLines calls fn for each complete trimmed line of head until fn returns
// true; the last line is skipped when head was cut inside it.
func HeadLines(head []byte, fn func(line []byte) bool) bool {
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

// LongLines reads lines of at most max bytes, for formats whose records
// can be far longer than MaxLine (one JSON object per line). A longer line is consumed
// and reported as too long; memory stays bounded by max.
type LongLines struct {
	r   *bufio.Reader
	max int
	buf []byte
	N   int // number of the line last returned, 1-based
}

func NewLongLines(r io.Reader, max int) *LongLines {
	return &LongLines{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Next returns the next line without its line ending. At the end of input
// it returns io.EOF; any other error is the input's own failure.
func (l *LongLines) Next() (line []byte, tooLong bool, err error) {
	l.buf = l.buf[:0]
	got := false
	for {
		frag, err := l.r.ReadSlice('\n')
		if len(frag) > 0 {
			got = true
		}
		if !tooLong {
			if len(l.buf)+len(frag) > l.max+2 { // room for "\r\n"
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, frag...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if !got {
				return nil, false, io.EOF
			}
		case err != nil:
			return nil, false, err
		}
		l.N++
		line = bytes.TrimSuffix(l.buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > l.max {
			tooLong, line = true, nil
		}
		return line, tooLong, nil
	}
}
