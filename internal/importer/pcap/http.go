package pcap

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/coveredtool/covered/internal/probe/httpprobe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

const (
	// maxMessages bounds the messages read from one stream.
	maxMessages = 16
	// maxPrefix is the body prefix kept in http.response, as the HTTP
	// probe keeps it.
	maxPrefix = 4 << 10
)

// message is one HTTP, RTSP or SIP message found in a stream.
type message struct {
	head   []byte      // start line and header fields as sent, with the blank line
	header wire.Header // head parsed
	body   []byte      // what the stream holds of the body, transfer coding removed
}

// values returns every value of the header fields called name.
func (m *message) values(name string) []string {
	var out []string
	for _, f := range m.header.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

func (m *message) get(name string) string {
	v, _ := m.header.Get(name)
	return v
}

// splitMessages cuts a stream into up to maxMessages messages (RFC 9112
// §6.3 framing, which RTSP and SIP share). noBody says whether the n-th
// message has no body whatever its headers (a response to HEAD, 1xx, 204,
// 304); a message whose length is unknown takes the rest of the stream.
// The last message may be cut short by the end of what was kept.
func splitMessages(b []byte, noBody func(n int, m *message) bool) []message {
	var out []message
	for len(out) < maxMessages {
		b = bytes.TrimLeft(b, "\r\n") // keep-alive CRLFs between SIP messages
		end := httpprobe.HeaderEnd(b)
		if end < 0 {
			return out
		}
		h, err := wire.ParseHeader(b[:end])
		if err != nil {
			return out
		}
		m := message{head: b[:end], header: h}
		b = b[end:]
		switch cl, chunked := m.get("Content-Length"), isChunked(m.values("Transfer-Encoding")); {
		case noBody(len(out), &m):
		case chunked:
			var rest []byte
			m.body, rest = dechunk(b)
			b = rest
		case cl != "":
			n, err := strconv.Atoi(cl)
			if err != nil || n < 0 {
				return append(out, m)
			}
			m.body, b = b[:min(n, len(b))], b[min(n, len(b)):]
		case strings.HasPrefix(m.header.Start, "HTTP/"):
			m.body, b = b, nil // an HTTP response without a length runs to the close
		default:
			// A request, or an RTSP or SIP message, without a length has
			// no body (RFC 2326 §12.14, RFC 3261 §20.14).
		}
		out = append(out, m)
		if len(b) == 0 {
			return out
		}
	}
	return out
}

func isChunked(te []string) bool {
	for _, v := range te {
		if strings.Contains(strings.ToLower(v), "chunked") {
			return true
		}
	}
	return false
}

// dechunk decodes as much of a chunked body as b holds, at most maxPrefix
// bytes of it, and returns the rest of b after the body (nil when the body
// does not end within b).
func dechunk(b []byte) (body, rest []byte) {
	for {
		line, after, ok := bytes.Cut(b, []byte("\n"))
		if !ok {
			return body, nil
		}
		size := strings.TrimSpace(string(line))
		if i := strings.IndexByte(size, ';'); i >= 0 {
			size = size[:i] // chunk extensions
		}
		n, err := strconv.ParseUint(strings.TrimSpace(size), 16, 31)
		if err != nil {
			return body, nil
		}
		if n == 0 {
			// Trailer fields, then the blank line.
			if end := httpprobe.HeaderEnd(append([]byte("\r\n"), after...)); end >= 0 {
				return body, after[end-2:]
			}
			return body, nil
		}
		chunk := after[:min(int(n), len(after))]
		if room := maxPrefix - len(body); room > 0 {
			body = append(body, chunk[:min(room, len(chunk))]...)
		}
		if int(n) > len(after) {
			return body, nil
		}
		b = bytes.TrimPrefix(bytes.TrimPrefix(after[n:], []byte("\r")), []byte("\n"))
	}
}

// requestTarget returns the method and target of a request line.
func requestTarget(start string) (method, target string) {
	method, rest, _ := strings.Cut(start, " ")
	target, _, _ = strings.Cut(rest, " ")
	return method, target
}

// decoded returns at most limit bytes of the start of a message body as a
// client reads it: with gzip content coding undone (browsers ask for it;
// the probe asks for none and gets the plain body, the shape the rules
// expect).
func decoded(m *message, limit int) []byte {
	body := m.body
	if !strings.EqualFold(strings.TrimSpace(m.get("Content-Encoding")), "gzip") || len(body) == 0 {
		return body[:min(len(body), limit)]
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	out := make([]byte, limit)
	n, _ := io.ReadFull(zr, out) // a body cut short still yields its start
	return out[:n]
}

// indexFold is bytes.Index ignoring ASCII case from index from; needle is
// lower case.
func indexFold(b []byte, needle string, from int) int {
	for i := from; i >= 0 && i+len(needle) <= len(b); i++ {
		match := true
		for j := 0; j < len(needle); j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// cookie matches the value of a Set-Cookie field. A capture holds the
// sessions of the people on the network, which the probe never sees; an
// inventory must not keep them. The cookie's name stays: rules match it
// (Cisco's "webvpn").
var cookie = regexp.MustCompile(`(?im)^(Set-Cookie:[ \t]*[^=\r\n]*=)[^;\r\n]*`)

// redact blanks subscriber identifiers (the elements of mobile routers'
// device pages, Huawei HiLink /api/device/information, that identify a SIM
// and its subscriber rather than the device), as the HTTP probe does, and
// cookie values in an http.response value: identifying a maker needs none
// of them.
func redact(s string) string {
	if strings.Contains(s, "<") {
		s = httpprobe.RedactSubscriber(s)
	}
	if indexFold([]byte(s), "set-cookie:", 0) >= 0 {
		s = cookie.ReplaceAllString(s, "${1}REDACTED")
	}
	return s
}
