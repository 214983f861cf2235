package masscan

import (
	"bufio"
	"bytes"
	"io"
)

// lineReader reads lines of at most max bytes. A longer line is consumed
// and reported as too long; memory stays bounded by max.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
	n   int // number of the line last returned, 1-based
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its line ending. At the end of input
// it returns io.EOF; any other error is the input's own failure.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
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
		l.n++
		line = bytes.TrimSuffix(l.buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > l.max {
			tooLong, line = true, nil
		}
		return line, tooLong, nil
	}
}
