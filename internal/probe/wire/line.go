package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// ErrLineTooLong means a line did not end within the cap; the bytes read so
// far are returned with it. Devices that flood or lie end up here.
var ErrLineTooLong = errors.New("line too long")

// ErrHeaderTooLarge means a header block did not end within its byte cap.
var ErrHeaderTooLarge = errors.New("header too large")

// ErrNoStartLine means a header block had no status or request line.
var ErrNoStartLine = errors.New("no start line")

// ReadLine reads one line of at most max bytes, terminator included, and
// returns it with its terminator ("\n" or "\r\n") so that callers can keep
// the device's bytes verbatim. It returns io.EOF when nothing was read,
// io.ErrUnexpectedEOF with the partial line when the peer stopped mid-line,
// and ErrLineTooLong with max bytes when no "\n" came in time.
func ReadLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for len(line) < max {
		b, err := r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return line, err
		}
		line = append(line, b)
		if b == '\n' {
			return line, nil
		}
	}
	return line, ErrLineTooLong
}

// TrimEOL removes one trailing "\n" or "\r\n".
func TrimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// ReadHeader reads a start line and header lines through the empty line
// that ends them (RFC 2326 §6-7, RFC 3261 §7), at most max bytes in all, and
// returns them verbatim. Empty lines before the start line are skipped (RFC
// 3261 §7.5 allows keep-alive CRLFs) but still count against max. On error
// it returns what it read, so a truncated reply can still be reported.
func ReadHeader(r *bufio.Reader, max int) ([]byte, error) {
	var raw []byte
	used := 0
	for {
		if used >= max {
			return raw, ErrHeaderTooLarge
		}
		line, err := ReadLine(r, max-used)
		used += len(line)
		blank := len(TrimEOL(line)) == 0
		if blank && len(raw) == 0 {
			if err != nil {
				return raw, err
			}
			continue
		}
		raw = append(raw, line...)
		if errors.Is(err, ErrLineTooLong) {
			return raw, ErrHeaderTooLarge
		}
		if err != nil {
			return raw, err
		}
		if blank {
			return raw, nil
		}
	}
}

// Field is one header field; Value has folded lines joined by one space.
type Field struct {
	Name, Value string
}

// Header is a parsed RTSP, SIP or HTTP header block.
type Header struct {
	// Start is the status or request line without its line end.
	Start  string
	Fields []Field
}

// Get returns the value of the first field called name (case-insensitive).
func (h Header) Get(name string) (string, bool) {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// ParseHeader parses a header block as ReadHeader returns it, or the head
// of a datagram (the body after the empty line is ignored). It accepts "\n"
// as well as "\r\n", turns a bare CR into a space, joins folded lines (a
// line starting with a space or tab continues the previous field), and
// skips lines without a colon rather than failing, because the point is to
// read what devices say, not to judge their conformance. Only a block
// without a start line is an error.
func ParseHeader(raw []byte) (Header, error) {
	var h Header
	rest := raw
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		// A bare CR inside a line becomes a space (RFC 9112 §2.2), so no
		// field can smuggle a line break to whoever prints it.
		line = bytes.ReplaceAll(line, []byte("\r"), []byte(" "))
		if h.Start == "" {
			if s := strings.TrimSpace(string(line)); s != "" {
				h.Start = s
			}
			continue
		}
		if len(line) == 0 {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h.Fields) > 0 {
			f := &h.Fields[len(h.Fields)-1]
			f.Value = strings.TrimSpace(f.Value + " " + strings.TrimSpace(string(line)))
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		n := strings.TrimSpace(string(name))
		if !ok || n == "" {
			continue
		}
		h.Fields = append(h.Fields, Field{Name: n, Value: strings.TrimSpace(string(value))})
	}
	if h.Start == "" {
		return h, ErrNoStartLine
	}
	return h, nil
}

// StatusCode returns the code of a status line "PROTO/x.y NNN reason" (RTSP,
// SIP, HTTP), and false when start is not one for proto.
func StatusCode(start, proto string) (int, bool) {
	rest, ok := strings.CutPrefix(start, proto+"/")
	if !ok {
		return 0, false
	}
	_, rest, ok = strings.Cut(rest, " ")
	rest = strings.TrimLeft(rest, " ")
	if !ok || len(rest) < 3 || (len(rest) > 3 && rest[3] != ' ') {
		return 0, false
	}
	code := 0
	for _, c := range rest[:3] {
		if c < '0' || c > '9' {
			return 0, false
		}
		code = code*10 + int(c-'0')
	}
	if code < 100 {
		return 0, false
	}
	return code, true
}
