package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/coveredtool/covered/internal/importer/textfile"
)

// csvReader splits delimited text into records with bounded memory. It is
// its own parser because encoding/csv holds a quoted field whole, however
// long. It reads RFC 4180 leniently, as spreadsheets do: a quote inside an
// unquoted field is literal, text after a closing quote is kept, and
// quoted fields may span lines. A record longer than maxRecord bytes or
// wider than maxColumns fields is read to its end, never held, and
// reported.
type csvReader struct {
	br    *bufio.Reader
	comma byte
	line  int // lines consumed so far

	// the record being read
	st         csvState
	buf        []byte // its fields' bytes
	ends       []int  // end of each field in buf
	nf, size   int    // fields ended, bytes read
	long, wide bool
	fields     []string
}

type csvState uint8

const (
	stFieldStart csvState = iota
	stUnquoted
	stQuoted
	stQuote // a quote in a quoted field: the closing one, or the first of ""
)

// badRecord marks a record's own fault, as opposed to a failure to read.
type badRecord struct{ error }

type longError struct{}

func (longError) Error() string   { return fmt.Sprintf("record longer than %d bytes", maxRecord) }
func (longError) Is(t error) bool { return t == textfile.ErrLong }

func newCSVReader(br *bufio.Reader, comma byte) *csvReader {
	return &csvReader{br: br, comma: comma}
}

var errUnclosed = errors.New("quoted field not closed before the end of the file")

// next returns the next record and the line it starts on. The slice is
// valid until the following call. A record's own fault is a badRecord
// error (reading can go on); io.EOF ends the input; any other error is the
// input's failure.
func (r *csvReader) next() ([]string, int, error) {
	r.st, r.buf, r.ends, r.nf, r.size, r.long, r.wide = stFieldStart, r.buf[:0], r.ends[:0], 0, 0, false, false
	start := r.line + 1
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(chunk) > 0 {
			if r.size += len(chunk); r.size > maxRecord {
				r.long = true
			}
			if chunk[len(chunk)-1] == '\n' {
				r.line++
			}
			if r.scan(chunk) {
				return r.record(start)
			}
		}
		switch {
		case err == nil || errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			if r.size == 0 {
				return nil, start, io.EOF
			}
			if len(chunk) > 0 && chunk[len(chunk)-1] != '\n' {
				r.line++ // the last line has no line ending
			}
			if r.st == stQuoted {
				return nil, start, badRecord{errUnclosed}
			}
			r.endField()
			return r.record(start)
		default:
			return nil, start, err
		}
	}
}

// scan reads one chunk of a line (all of it, or the part that fitted in
// the buffer) and reports whether it ended the record.
func (r *csvReader) scan(chunk []byte) bool {
	i := 0
	for i < len(chunk) {
		switch r.st {
		case stFieldStart:
			switch chunk[i] {
			case '"':
				r.st = stQuoted
				i++
				continue
			case ' ':
				// `a, "b"`: spaces before a quote must not make it
				// literal; values are trimmed anyway.
				if r.comma != ' ' {
					i++
					continue
				}
			}
			r.st = stUnquoted
		case stUnquoted:
			j := i
			for j < len(chunk) && chunk[j] != r.comma && chunk[j] != '\n' {
				j++
			}
			r.add(chunk[i:j])
			if j == len(chunk) {
				return false
			}
			r.endField()
			if chunk[j] == '\n' {
				return true
			}
			r.st = stFieldStart
			i = j + 1
		case stQuoted:
			j := bytes.IndexByte(chunk[i:], '"')
			if j < 0 {
				r.add(chunk[i:])
				return false
			}
			r.add(chunk[i : i+j])
			r.st = stQuote
			i += j + 1
		case stQuote:
			switch c := chunk[i]; {
			case c == '"':
				r.add(chunk[i : i+1])
				r.st = stQuoted
				i++
			case c == r.comma:
				r.endField()
				r.st = stFieldStart
				i++
			case c == '\n':
				r.endField()
				return true
			case c == '\r': // of a CRLF line ending
				i++
			default:
				r.st = stUnquoted
			}
		}
	}
	return false
}

func (r *csvReader) add(b []byte) {
	if r.long {
		return
	}
	if len(r.buf)+len(b) > maxRecord {
		r.long = true
		return
	}
	r.buf = append(r.buf, b...)
}

func (r *csvReader) endField() {
	if r.nf++; r.nf > maxColumns {
		r.wide = true
	}
	if !r.long && !r.wide {
		r.ends = append(r.ends, len(r.buf))
	}
}

// record returns the fields read, or the reason the record was not kept.
func (r *csvReader) record(start int) ([]string, int, error) {
	switch {
	case r.long:
		return nil, start, badRecord{longError{}}
	case r.wide:
		return nil, start, badRecord{fmt.Errorf("record of more than %d fields", maxColumns)}
	}
	s := string(r.buf)
	r.fields = r.fields[:0]
	prev := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, s[prev:end])
		prev = end
	}
	return r.fields, start, nil
}
