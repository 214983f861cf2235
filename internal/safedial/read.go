package safedial

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrTooLong: a reply, line or frame is longer than the cap the caller
// gave a read helper. The helpers return the first max bytes with it, so a
// probe can still record a truncated banner.
var ErrTooLong = errors.New("longer than the cap")

// The read helpers bound memory by what actually arrived, never by what a
// peer claims: buffers start small and grow as bytes come in, up to the
// cap. They return whatever was read along with any error, so a banner
// followed by a stall or a reset is still usable.

// initialBuf is the starting buffer size of the helpers.
const initialBuf = 512

// ReadCapped reads r to EOF and returns at most max bytes. A reply longer
// than max returns its first max bytes and ErrTooLong (it reads one byte
// past max to tell the two apart). EOF is not an error here. It is for
// streams: on UDP each Read returns one datagram, truncated to the buffer,
// so read datagrams with conn.Read and a buffer of the largest size wanted.
func ReadCapped(r io.Reader, max int64) ([]byte, error) {
	if max < 0 {
		return nil, fmt.Errorf("safedial: read capped: negative cap %d", max)
	}
	buf := make([]byte, 0, min(max+1, initialBuf))
	for {
		if len(buf) == cap(buf) {
			buf = grow(buf, max+1)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return buf[:max], fmt.Errorf("safedial: read capped: %w (%d bytes)", ErrTooLong, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// grow returns buf with at least one free byte and at most limit capacity,
// doubling so large replies cost O(n) copying.
func grow(buf []byte, limit int64) []byte {
	nb := make([]byte, len(buf), min(max(2*int64(cap(buf)), initialBuf), limit))
	copy(nb, buf)
	return nb
}

// ReadLine reads one line of at most max bytes (counting its end of line)
// and returns it without the trailing "\n" or "\r\n". A line longer than
// max returns its first max bytes and ErrTooLong; the rest stays unread.
// A final line without "\n" returns its bytes and io.ErrUnexpectedEOF; no
// bytes at all returns io.EOF.
//
// It takes a *bufio.Reader so bytes after the line stay available to the
// next call; wrap the conn once per connection.
func ReadLine(br *bufio.Reader, max int) ([]byte, error) {
	line, err := ReadUntil(br, []byte{'\n'}, max)
	if err != nil {
		return line, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// ReadUntil reads until the data ends with delim (e.g. "\r\n\r\n" for an
// HTTP, RTSP or SIP header block) and returns it, delim included. At most
// max bytes are returned; errors are as for ReadLine.
func ReadUntil(br *bufio.Reader, delim []byte, max int) ([]byte, error) {
	if len(delim) == 0 || max < 0 {
		return nil, fmt.Errorf("safedial: read until: empty delimiter or negative cap %d", max)
	}
	last := delim[len(delim)-1]
	var out []byte
	// Byte by byte from the bufio buffer (no syscall per byte), so nothing
	// past the delimiter or the cap is consumed.
	for len(out) < max {
		b, err := br.ReadByte()
		switch {
		case err == io.EOF && len(out) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return out, io.ErrUnexpectedEOF
		case err != nil:
			return out, err
		}
		out = append(out, b)
		if b == last && bytes.HasSuffix(out, delim) {
			return out, nil
		}
	}
	return out, fmt.Errorf("safedial: read until %q: %w (%d bytes)", delim, ErrTooLong, max)
}

// ReadFrame reads exactly n bytes, where n usually comes from a length
// field on the wire. A length above max is refused before reading (devices
// lie about lengths); otherwise the buffer grows as bytes arrive rather
// than being allocated at the claimed size. A short frame returns the
// bytes read and io.ErrUnexpectedEOF (io.EOF if none).
func ReadFrame(r io.Reader, n, max int64) ([]byte, error) {
	if n < 0 || n > max {
		return nil, fmt.Errorf("safedial: read frame: length %d: %w (%d bytes)", n, ErrTooLong, max)
	}
	buf := make([]byte, 0, min(n, initialBuf))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = grow(buf, n)
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == nil || int64(len(buf)) == n {
			continue
		}
		if err == io.EOF {
			if len(buf) == 0 {
				return nil, io.EOF
			}
			return buf, io.ErrUnexpectedEOF
		}
		return buf, err
	}
	return buf, nil
}
