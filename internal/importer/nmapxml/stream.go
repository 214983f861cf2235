package nmapxml

import (
	"bufio"
	"errors"
	"io"
)

// errTooLarge is what the stream returns to the XML decoder when the current
// record passes its byte limit; the decoder then stops with it.
var errTooLarge = errors.New("record too large")

// stream is the byte source of the XML decoder. Because it implements
// io.ByteReader the decoder reads through it without buffering of its own, so
// after the decoder gives up on malformed input the rest of the bytes are
// still here to resynchronize on. It counts lines and enforces a byte limit
// per record.
type stream struct {
	r       *bufio.Reader
	prefix  []byte // synthetic bytes served before r after a resync
	off     int64  // bytes consumed from r
	line    int    // 1-based line of the next byte of r
	limit   int64  // ReadByte fails with errTooLarge at this offset of r
	tripped bool   // the limit was hit
	readErr error  // a failure of r other than io.EOF
	// first is the line of the first non-blank byte since mark, 0 when
	// none: where a malformed stretch outside any element starts.
	first int
	tail  [len("<host")]byte // the last bytes consumed, for resync
}

// mark starts a new stretch for first.
func (s *stream) mark() { s.first = 0 }

func newStream(r io.Reader) *stream {
	return &stream{r: bufio.NewReaderSize(r, 64<<10), line: 1, limit: MaxHostBytes}
}

// ReadByte implements io.ByteReader for the decoder.
func (s *stream) ReadByte() (byte, error) {
	if len(s.prefix) > 0 {
		b := s.prefix[0]
		s.prefix = s.prefix[1:]
		return b, nil
	}
	if s.off >= s.limit {
		s.tripped = true
		return 0, errTooLarge
	}
	b, err := s.r.ReadByte()
	if err != nil {
		if err != io.EOF {
			s.readErr = err
		}
		return 0, err
	}
	s.off++
	copy(s.tail[:], s.tail[1:])
	s.tail[len(s.tail)-1] = b
	if s.first == 0 && b != ' ' && b != '\t' && b != '\r' && b != '\n' {
		s.first = s.line
	}
	if b == '\n' {
		s.line++
	}
	return b, nil
}

// Read implements io.Reader; the decoder uses ReadByte.
func (s *stream) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := s.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
	}
	return n, nil
}

// allow lets the current record run to n more bytes from offset from.
func (s *stream) allow(from, n int64) { s.limit = from + n }

// resync skips to the next "<host" start tag and arranges for the next
// decoder to see "<nmaprun><host...": a fresh, well-formed context. It
// reports false at the end of input, and returns the input's own failure.
// The line of the found tag is s.line when it returns.
func (s *stream) resync() (bool, error) {
	s.prefix = nil
	s.tripped = false
	const tag = "<host"
	// The decoder may have consumed the start of the tag already.
	matched := 0
	for n := len(tag) - 1; n > 0; n-- {
		if string(s.tail[len(s.tail)-n:]) == tag[:n] {
			matched = n
			break
		}
	}
	s.tail = [len(tag)]byte{}
	for {
		b, err := s.r.ReadByte()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			s.readErr = err
			return false, err
		}
		s.off++
		if matched == len(tag) {
			switch b {
			case ' ', '\t', '\r', '\n', '>', '/':
				// Lines count the newlines before the tag; a newline right
				// after "<host" belongs to the tag, so do not count it yet.
				if b == '\n' {
					s.prefix = []byte("<nmaprun>" + tag)
					s.off--
					if err := s.r.UnreadByte(); err != nil {
						return false, err
					}
				} else {
					s.prefix = []byte("<nmaprun>" + tag + string(b))
				}
				return true, nil
			}
			matched = 0
		}
		if b == '\n' {
			s.line++
		}
		switch {
		case b == tag[matched]:
			matched++
		case b == '<':
			matched = 1
		default:
			matched = 0
		}
	}
}
