package sipprobe

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// ErrNotSIP means the answer does not start with a SIP status line.
var ErrNotSIP = errors.New("not a SIP response")

// IDs are the random values that make our request unique and let us tell
// our response from a stray one (RFC 3261 §8.1.1.4, §8.1.1.7, §19.3).
type IDs struct {
	// Branch is the Via branch, starting with the RFC 3261 magic cookie
	// "z9hG4bK".
	Branch string
	// Tag is the From tag.
	Tag string
	// CallID is the Call-ID.
	CallID string
}

// NewIDs draws fresh IDs from crypto/rand.
func NewIDs() IDs {
	return IDs{Branch: "z9hG4bK" + rand.Text(), Tag: rand.Text()[:10], CallID: rand.Text()}
}

// Request builds the OPTIONS request of RFC 3261 §11.1 with every header
// §8.1.1 requires: network is "udp" or "tcp", local and remote are
// "host:port" (IPv6 in brackets, as SIP URIs want them).
func Request(network, local, remote string, id IDs) []byte {
	tr := strings.ToUpper(network)
	return fmt.Appendf(nil, "OPTIONS sip:%[2]s SIP/2.0\r\n"+
		"Via: SIP/2.0/%[3]s %[1]s;branch=%[4]s;rport\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:covered@%[1]s>;tag=%[5]s\r\n"+
		"To: <sip:%[2]s>\r\n"+
		"Call-ID: %[6]s\r\n"+
		"CSeq: 1 OPTIONS\r\n"+
		"Contact: <sip:covered@%[1]s;transport=%[7]s>\r\n"+
		"Accept: application/sdp\r\n"+
		"User-Agent: %[8]s\r\n"+
		"Content-Length: 0\r\n"+
		"\r\n", local, remote, tr, id.Branch, id.Tag, id.CallID, network, userAgent)
}

// Response is a parsed SIP response head.
type Response struct {
	Code   int
	Header wire.Header
}

// ParseResponse parses the head of a SIP response (RFC 3261 §7.2), from a
// datagram or a stream; a body after the empty line is ignored. Header
// names are matched case-insensitively by Get; the compact forms of §7.3.3
// are looked up by get.
func ParseResponse(b []byte) (Response, error) {
	h, err := wire.ParseHeader(b)
	if err != nil {
		return Response{}, fmt.Errorf("%w: %w", ErrNotSIP, err)
	}
	code, ok := wire.StatusCode(h.Start, "SIP")
	if !ok {
		return Response{}, fmt.Errorf("%w: %q", ErrNotSIP, h.Start[:min(len(h.Start), 16)])
	}
	return Response{Code: code, Header: h}, nil
}

// compact maps header names to their RFC 3261 §7.3.3 compact forms.
var compact = map[string]string{"call-id": "i", "content-length": "l", "via": "v"}

// get returns a header by full or compact name.
func (r Response) get(name string) (string, bool) {
	if v, ok := r.Header.Get(name); ok {
		return v, true
	}
	if c, ok := compact[strings.ToLower(name)]; ok {
		return r.Header.Get(c)
	}
	return "", false
}

// answers reports whether r answers our request: same Call-ID when it
// gives one. Devices that drop the Call-ID still get heard.
func (r Response) answers(id IDs) bool {
	v, ok := r.get("Call-ID")
	return !ok || v == id.CallID
}
