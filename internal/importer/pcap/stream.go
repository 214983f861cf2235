package pcap

import (
	"bytes"
	"net/netip"
	"strings"

	"github.com/coveredtool/covered/internal/probe/httpprobe"
)

// kind is what a TCP stream starts with.
type kind int

const (
	kindNone kind = iota
	kindHTTPRequest
	kindHTTPResponse
	kindRTSPRequest
	kindRTSPResponse
	kindSIP // request or response
	kindTLS
)

// maxStartLine bounds the wait for the end of a stream's first line.
const maxStartLine = 8 << 10

// verdict is judge's answer on whether a stream is worth keeping.
type verdict int

const (
	undecided verdict = iota
	keep
	discard
)

// judge decides from a stream's first bytes whether it is one the importer
// reads, so that the bytes of every other protocol are not kept.
func judge(b []byte) verdict {
	k, sure := startKind(b)
	switch {
	case !sure:
		return undecided
	case k == kindNone:
		return discard
	}
	return keep
}

// startKind tells what a stream starts with; sure is false while more
// bytes are needed to tell.
func startKind(b []byte) (k kind, sure bool) {
	if len(b) == 0 {
		return kindNone, false
	}
	if b[0] == 0x16 { // TLS handshake record, versions SSL 3.0 to TLS 1.3
		if len(b) < 3 {
			return kindNone, false
		}
		if b[1] == 3 && b[2] <= 4 {
			return kindTLS, true
		}
		return kindNone, true
	}
	line, complete := b, false
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line, complete = bytes.TrimSuffix(b[:i], []byte("\r")), true
	} else if len(b) >= maxStartLine {
		return kindNone, true
	}
	for _, s := range []struct {
		prefix string
		k      kind
	}{{"HTTP/1.", kindHTTPResponse}, {"RTSP/1.", kindRTSPResponse}, {"SIP/2.0 ", kindSIP}} {
		n := min(len(line), len(s.prefix))
		if string(line[:n]) == s.prefix[:n] {
			if n == len(s.prefix) {
				return s.k, true
			}
			if !complete {
				return kindNone, false
			}
		}
	}
	// A request line: METHOD SP target SP protocol.
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		sp = len(line)
	}
	if sp == 0 || sp > 20 || !isToken(line[:sp]) {
		return kindNone, true
	}
	if !complete {
		return kindNone, false
	}
	proto := line[bytes.LastIndexByte(line, ' ')+1:]
	switch {
	case sp == len(line):
		return kindNone, true
	case bytes.Equal(proto, []byte("HTTP/1.1")) || bytes.Equal(proto, []byte("HTTP/1.0")):
		return kindHTTPRequest, true
	case bytes.HasPrefix(proto, []byte("RTSP/")):
		return kindRTSPRequest, true
	case bytes.Equal(proto, []byte("SIP/2.0")):
		return kindSIP, true
	}
	return kindNone, true
}

// isToken reports whether b is an upper-case method name (HTTP, RTSP, SIP,
// and M-SEARCH).
func isToken(b []byte) bool {
	for _, c := range b {
		if !('A' <= c && c <= 'Z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// stream reads the kept streams of one connection.
func (r *reader) stream(f *flow) error {
	ends := [2]netip.AddrPort{f.key.lo, f.key.hi}
	var kinds [2]kind
	for d := range 2 {
		kinds[d], _ = startKind(f.dir[d].buf)
	}
	for d := range 2 {
		h := &f.dir[d]
		if len(h.buf) == 0 {
			continue
		}
		from := ends[d]
		var err error
		switch kinds[d] {
		case kindHTTPRequest:
			err = r.httpRequests(from, h)
		case kindHTTPResponse:
			var reqs []message
			if kinds[1-d] == kindHTTPRequest {
				reqs = splitMessages(f.dir[1-d].buf, func(int, *message) bool { return false })
			}
			err = r.httpResponses(from, h, reqs)
		case kindRTSPResponse:
			err = r.rtspResponses(from, h)
		case kindSIP:
			err = r.sipMessages(from, "tcp", splitMessages(h.buf, func(int, *message) bool { return false }), h.seen)
		case kindTLS:
			err = r.tlsStream(from, h)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// httpRequests reports the User-Agent and Sec-CH-UA-Model client hint of
// each request: facts about the client.
func (r *reader) httpRequests(client netip.AddrPort, h *half) error {
	for _, m := range splitMessages(h.buf, func(int, *message) bool { return false }) {
		for _, kv := range [...]struct{ name, key string }{
			{"User-Agent", "http.user_agent"},
			{"Sec-CH-UA-Model", "http.header.sec_ch_ua_model"},
		} {
			if err := r.out.add(fact{host: client.Addr(), key: kv.key, val: m.get(kv.name), seen: h.seen}); err != nil {
				return err
			}
		}
	}
	return nil
}

// httpResponses reports each response as the HTTP probe would: the raw
// response, its Server and WWW-Authenticate headers and its title, with
// the path of the request it answers when the other stream holds it.
func (r *reader) httpResponses(server netip.AddrPort, h *half, reqs []message) error {
	noBody := func(n int, m *message) bool {
		code := statusCode(m.header.Start)
		if n < len(reqs) {
			if method, _ := requestTarget(reqs[n].header.Start); method == "HEAD" {
				return true
			}
		}
		return code < 200 || code == 204 || code == 304
	}
	for n, m := range splitMessages(h.buf, noBody) {
		path := ""
		if n < len(reqs) {
			_, path = requestTarget(reqs[n].header.Start)
		}
		svc := fact{host: server.Addr(), port: server.Port(), tr: "tcp", path: path, seen: h.seen}
		body := decoded(&m, maxStream)
		add := func(key, val string) error {
			f := svc
			f.key, f.val = key, val
			return r.out.add(f)
		}
		if err := add("http.response", redact(string(m.head)+string(body[:min(len(body), maxPrefix)]))); err != nil {
			return err
		}
		for _, kv := range [...]struct{ name, key string }{
			{"Server", "http.header.server"},
			{"WWW-Authenticate", "http.header.www_authenticate"},
		} {
			for _, v := range m.values(kv.name) {
				if err := add(kv.key, v); err != nil {
					return err
				}
			}
		}
		if err := add("http.title", httpprobe.Title(body)); err != nil {
			return err
		}
	}
	return nil
}

// statusCode reads the code of a status line; 0 when there is none.
func statusCode(start string) int {
	_, rest, _ := strings.Cut(start, " ")
	if len(rest) < 3 {
		return 0
	}
	code := 0
	for _, c := range rest[:3] {
		if c < '0' || c > '9' {
			return 0
		}
		code = code*10 + int(c-'0')
	}
	return code
}

// rtspResponses reports each RTSP response as the RTSP probe would: its
// status line and headers as rtsp.response, its Server header.
func (r *reader) rtspResponses(server netip.AddrPort, h *half) error {
	for _, m := range splitMessages(h.buf, func(int, *message) bool { return false }) {
		svc := fact{host: server.Addr(), port: server.Port(), tr: "tcp", seen: h.seen}
		f := svc
		f.key, f.val = "rtsp.response", string(m.head)
		if err := r.out.add(f); err != nil {
			return err
		}
		f = svc
		f.key, f.val = "rtsp.header.server", m.get("Server")
		if err := r.out.add(f); err != nil {
			return err
		}
	}
	return nil
}
