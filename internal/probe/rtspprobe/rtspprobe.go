// Package rtspprobe is the RTSP probe of the discovery stage. IP cameras and
// recorders answer RTSP requests with headers that name their maker even
// when they demand a password: "Server: Dahua Rtsp Server", a Digest realm
// "Hikvision", "Login to <serial>". The probe reports the reply's status
// line and headers as rtsp.response and its Server header as
// rtsp.header.server.
//
// What it sends (RFC 2326 §10.1 and §10.2), on one connection:
//
//	OPTIONS rtsp://HOST:PORT/ RTSP/1.0    CSeq: 1, User-Agent
//	DESCRIBE rtsp://HOST:PORT/ RTSP/1.0   CSeq: 2, User-Agent, Accept: application/sdp
//
// never with credentials, and never SETUP or PLAY: nothing that starts a
// stream.
package rtspprobe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

const (
	// maxHeader caps one reply's status line and headers.
	maxHeader = 8 << 10
	// maxBody caps an OPTIONS body skipped before DESCRIBE; a longer
	// one ends the exchange instead.
	maxBody = 8 << 10
	// maxRead caps the whole connection.
	maxRead = 2*maxHeader + maxBody
	// userAgent names the scanner, as RFC 2326 §12.41 lets clients do.
	userAgent = "covered"
)

// ErrNotRTSP means the server's reply does not start with an RTSP status
// line.
var ErrNotRTSP = errors.New("not an RTSP reply")

// Prober is the RTSP probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name implements probe.Probe.
func (*Prober) Name() string { return "rtsp" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe: 554, and 8554 and 10554 where cameras and
// streaming servers commonly also listen.
func (*Prober) Ports() []uint16 { return []uint16{554, 8554, 10554} }

// Probe implements probe.Probe.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	t.Transport = "tcp"
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("rtsp %s: %w", t.HostPort(), err)
	}
	defer c.Close()
	r := c.Reader(maxRead)
	host := t.HostPort()
	if t.Hostname != "" {
		host = net.JoinHostPort(t.Hostname, strconv.Itoa(int(t.Port)))
	}
	url := "rtsp://" + host + "/"

	// DESCRIBE's reply is the one reported: it carries the realm of a
	// camera that wants a password. OPTIONS's stands in when DESCRIBE gets
	// none, and lends its Server header when DESCRIBE's has none.
	opts, err := exchange(c, r, Request("OPTIONS", url, 1))
	resp := opts
	if err == nil {
		if err = skipBody(r, opts.header); err == nil {
			var desc reply
			desc, err = exchange(c, r, Request("DESCRIBE", url, 2))
			if desc.raw != nil {
				resp = desc
			}
		}
	}
	if resp.raw != nil {
		emit(covered.Observation{Key: "rtsp.response", Value: string(resp.raw), Port: int(t.Port), Transport: "tcp"})
		server, _ := resp.header.Get("Server")
		if server == "" {
			server, _ = opts.header.Get("Server")
		}
		if server != "" {
			emit(covered.Observation{Key: "rtsp.header.server", Value: server, Port: int(t.Port), Transport: "tcp"})
		}
		return nil // a reply is in; what went wrong after it cost nothing
	}
	if wire.Quiet(err) {
		return nil
	}
	return fmt.Errorf("rtsp %s: %w", t.HostPort(), err)
}

// Request builds an RTSP request without credentials. DESCRIBE asks for
// SDP, the description format every RTSP camera serves.
func Request(method, url string, cseq int) []byte {
	b := fmt.Appendf(nil, "%s %s RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: %s\r\n", method, url, cseq, userAgent)
	if method == "DESCRIBE" {
		b = append(b, "Accept: application/sdp\r\n"...)
	}
	return append(b, "\r\n"...)
}

// reply is one RTSP reply's head, raw and parsed; raw is nil when no RTSP
// status line arrived.
type reply struct {
	raw    []byte
	header wire.Header
}

// exchange sends req and reads the reply's head. A head cut short by a cap
// or by the peer is returned with the error, if its status line is RTSP.
func exchange(w io.Writer, r *bufio.Reader, req []byte) (reply, error) {
	if _, err := w.Write(req); err != nil {
		return reply{}, err
	}
	return ReadReply(r)
}

// ReadReply reads one reply's status line and headers (RFC 2326 §7) with
// the cap maxHeader. It returns the bytes verbatim, the parsed header, and
// an error wrapping ErrNotRTSP when what arrived is not an RTSP reply. A
// head cut short by the cap or the peer comes with the error that cut it;
// its last, partial line is in the bytes but not among the fields.
func ReadReply(r *bufio.Reader) (reply, error) {
	raw, err := wire.ReadHeader(r, maxHeader)
	if len(raw) == 0 {
		return reply{}, err
	}
	head := raw
	if err != nil { // fields only from whole lines: no half a Server value
		head = raw[:bytes.LastIndexByte(raw, '\n')+1]
	}
	h, _ := wire.ParseHeader(head)
	if h.Start == "" { // the status line itself was cut: judge what came
		h.Start = string(raw)
	}
	if _, ok := wire.StatusCode(h.Start, "RTSP"); !ok {
		if err != nil && len(raw) < len("RTSP/1.0 200") {
			return reply{}, err // too little to judge
		}
		return reply{}, fmt.Errorf("%w: %q", ErrNotRTSP, raw[:min(len(raw), 16)])
	}
	return reply{raw: raw, header: h}, err
}

// skipBody reads past a reply's body (Content-Length, RFC 2326 §12.14) so
// that the next reply can be read, if it is small enough.
func skipBody(r *bufio.Reader, h wire.Header) error {
	v, ok := h.Get("Content-Length")
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxBody {
		return fmt.Errorf("OPTIONS body of %q bytes: %w", v, wire.ErrHeaderTooLarge)
	}
	_, err = io.CopyN(io.Discard, r, int64(n))
	return err
}
