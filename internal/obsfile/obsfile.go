// Package obsfile reads and writes observations as JSON Lines, the format of
// `covered identify` input and of every export (DESIGN: observation
// contract). It sits between discovery and identification: probes, importers
// and captures write with Writer; identify reads with Reader.
//
// Reading streams: memory does not grow with the number of lines. A bad line
// is reported as a *LineError naming file and line and reading goes on.
package obsfile

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/coveredtool/covered"
)

// MaxValue is the longest value kept. Longer values are cut to this length and
// the cut is reported as a Note, so one huge HTTP body cannot exhaust memory.
const MaxValue = 1 << 20

// MaxLine bounds one input line. A longer line is skipped (and reported):
// a value can be at most MaxValue after cutting, and hex doubles it, so
// 16 MiB leaves room for any legitimate record.
const MaxLine = 16 << 20

// hexPrefix marks a value written as hex because it is not clean UTF-8.
const hexPrefix = "hex:"

// LineError is a rejected input record.
type LineError struct {
	File string // name as given by the caller, "-" for stdin
	Line int    // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Note is something the reader changed in an accepted record (a cut value).
type Note struct {
	File string
	Line int
	Msg  string
}

func (n Note) String() string { return fmt.Sprintf("%s:%d: %s", n.File, n.Line, n.Msg) }

// Reader reads observations from JSON Lines.
type Reader struct {
	name  string
	br    *bufio.Reader
	line  int
	buf   []byte
	notes []Note
	// parseFast's state: the record, a buffer for unescaping, and shared
	// copies of repeated short values.
	fast     fastRecord
	scratch  []byte
	interned map[string]string
}

// NewReader reads observations from r; name appears in errors ("-" for stdin).
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 256<<10)}
}

// Line is the number of the line last read.
func (r *Reader) Line() int { return r.line }

// Notes returns and clears the notes gathered since the last call.
func (r *Reader) Notes() []Note {
	n := r.notes
	r.notes = nil
	return n
}

// record mirrors Observation with pointers so missing required fields can be
// told apart from empty ones.
type record struct {
	Host      *string `json:"host"`
	Key       *string `json:"key"`
	Value     *string `json:"value"`
	Port      int     `json:"port"`
	Transport string  `json:"transport"`
	Path      string  `json:"path"`
	Source    string  `json:"source"`
	Seen      string  `json:"seen"`
	IP        string  `json:"ip"`
	MAC       string  `json:"mac"`
}

// Next returns the next observation. At the end it returns io.EOF. A bad
// record gives a *LineError; the caller may keep calling Next. Any other error
// is a read failure and ends the stream.
func (r *Reader) Next() (covered.Observation, error) {
	for {
		raw, err := r.readLine()
		if err != nil {
			return covered.Observation{}, err
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		o, perr := r.parse(raw)
		if perr != nil {
			return covered.Observation{}, &LineError{File: r.name, Line: r.line, Err: perr}
		}
		return o, nil
	}
}

// readLine returns the next line without its newline. Lines over MaxLine are
// drained and reported as a LineError.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	r.line++
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) <= MaxLine {
			r.buf = append(r.buf, chunk...)
		} else if len(r.buf) <= MaxLine {
			r.buf = append(r.buf, chunk[:MaxLine-len(r.buf)+1]...) // mark as over
		}
		switch {
		case err == nil:
			return r.finish()
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(r.buf) == 0 {
				return nil, io.EOF
			}
			return r.finish()
		default:
			return nil, fmt.Errorf("read %s line %d: %w", r.name, r.line, err)
		}
	}
}

func (r *Reader) finish() ([]byte, error) {
	if len(r.buf) > MaxLine {
		return nil, &LineError{File: r.name, Line: r.line, Err: fmt.Errorf("line longer than %d bytes, skipped", MaxLine)}
	}
	return bytes.TrimSuffix(r.buf, []byte("\n")), nil
}

// lenientRecord reads a value that is not a JSON string (a number written
// by hand), which the fast path's *string cannot hold.
type lenientRecord struct {
	record
	Value *json.RawMessage `json:"value"`
}

func (r *Reader) parse(raw []byte) (covered.Observation, error) {
	var rec record
	if r.parseFast(raw, &r.fast) {
		f := &r.fast
		rec = record{Port: f.port, Transport: f.transport, Path: f.path, Source: f.source, Seen: f.seen, IP: f.ip, MAC: f.mac}
		if f.hasHost {
			rec.Host = &f.host
		}
		if f.hasKey {
			rec.Key = &f.key
		}
		if f.hasValue {
			rec.Value = &f.value
		}
	} else if err := json.Unmarshal(raw, &rec); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field != "value" {
			return covered.Observation{}, fmt.Errorf("invalid JSON: %v", jsonReason(err))
		}
		var lr lenientRecord
		if err := json.Unmarshal(raw, &lr); err != nil {
			return covered.Observation{}, fmt.Errorf("invalid JSON: %v", jsonReason(err))
		}
		v, err := scalarText(*lr.Value)
		if err != nil {
			return covered.Observation{}, fmt.Errorf(`"value": %v`, err)
		}
		rec, rec.Value = lr.record, &v
	}
	switch {
	case rec.Host == nil || *rec.Host == "":
		return covered.Observation{}, errors.New(`missing "host"`)
	case rec.Key == nil || *rec.Key == "":
		return covered.Observation{}, errors.New(`missing "key"`)
	case rec.Value == nil:
		return covered.Observation{}, errors.New(`missing "value"`)
	}
	val, err := decodeHex(*rec.Value)
	if err != nil {
		return covered.Observation{}, fmt.Errorf(`"value": %v`, err)
	}
	if len(val) > MaxValue {
		r.notes = append(r.notes, Note{File: r.name, Line: r.line,
			Msg: fmt.Sprintf("value of %q is %d bytes, cut to %d", *rec.Key, len(val), MaxValue)})
		val = val[:MaxValue]
	}
	o := covered.Observation{
		Host: *rec.Host, Key: *rec.Key, Value: val, Port: rec.Port,
		Transport: rec.Transport, Path: rec.Path, Source: rec.Source, IP: rec.IP, MAC: rec.MAC,
	}
	if rec.Port < 0 || rec.Port > 65535 {
		return covered.Observation{}, fmt.Errorf(`"port" %d out of range`, rec.Port)
	}
	if rec.Seen != "" {
		if err := o.Seen.UnmarshalText([]byte(rec.Seen)); err != nil {
			return covered.Observation{}, fmt.Errorf(`"seen" %q is not RFC 3339`, rec.Seen)
		}
	}
	return o, nil
}

// scalarText accepts, to be lenient with hand-written files, a number or
// boolean as its text.
func scalarText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || raw[0] == '{' || raw[0] == '[' || string(raw) == "null" {
		return "", errors.New("must be a string")
	}
	return string(raw), nil
}

// decodeHex turns a "hex:" value back into its bytes.
func decodeHex(s string) (string, error) {
	h, ok := strings.CutPrefix(s, hexPrefix)
	if !ok {
		return s, nil
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return "", fmt.Errorf("bad hex after %q: %v", hexPrefix, err)
	}
	return string(b), nil
}

// jsonReason shortens encoding/json errors to what a user can act on.
func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q must be %s, not %s", te.Field, te.Type, te.Value)
	}
	return err.Error()
}

// EncodeValue renders a value as the contract says: clean UTF-8 as is,
// anything else (or anything already starting with "hex:") as hex.
func EncodeValue(v string) string {
	if utf8.ValidString(v) && !strings.ContainsRune(v, 0) && !strings.HasPrefix(v, hexPrefix) {
		return v
	}
	return hexPrefix + hex.EncodeToString([]byte(v))
}
