package sipprobe

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
	"github.com/coveredtool/covered/internal/probe/wire/wiretest"
)

// checkRequest holds a received request to RFC 3261 §8.1.1 and §11.1 and
// returns its header for the reply.
func checkRequest(req []byte, network, remote string) (wire.Header, error) {
	h, err := wire.ParseHeader(req)
	if err != nil {
		return h, err
	}
	var problems []string
	want := map[string]string{"Max-Forwards": "70", "CSeq": "1 OPTIONS", "Accept": "application/sdp", "Content-Length": "0"}
	for name, v := range want {
		if got, _ := h.Get(name); got != v {
			problems = append(problems, fmt.Sprintf("%s %q, want %q", name, got, v))
		}
	}
	via, _ := h.Get("Via")
	from, _ := h.Get("From")
	to, _ := h.Get("To")
	callID, _ := h.Get("Call-ID")
	contact, _ := h.Get("Contact")
	switch {
	case h.Start != "OPTIONS sip:"+remote+" SIP/2.0":
		problems = append(problems, "request line "+h.Start)
	case !strings.HasPrefix(via, "SIP/2.0/"+strings.ToUpper(network)+" ") || !strings.Contains(via, ";branch=z9hG4bK"):
		problems = append(problems, "Via "+via)
	case !strings.Contains(from, ";tag=") || to != "<sip:"+remote+">" || callID == "" || contact == "":
		problems = append(problems, "From/To/Call-ID/Contact "+from+" | "+to+" | "+callID+" | "+contact)
	case !bytes.HasSuffix(req, []byte("\r\n\r\n")):
		problems = append(problems, "no empty line at the end")
	}
	if _, ok := h.Get("Authorization"); ok {
		problems = append(problems, "carries credentials")
	}
	if problems != nil {
		return h, fmt.Errorf("bad request %q: %s", req, strings.Join(problems, "; "))
	}
	return h, nil
}

// render fills a transcript's response with the request's values, as a
// UAS copies them (RFC 3261 §8.2.6.2).
func render(tmpl []byte, req wire.Header) []byte {
	var args []string
	for _, f := range []string{"Via", "From", "To", "Call-ID", "CSeq"} {
		v, _ := req.Get(f)
		args = append(args, "{"+strings.ToLower(f)+"}", v)
	}
	return []byte(strings.NewReplacer(args...).Replace(string(tmpl)))
}

// serve plays tr as a SIP device over network and returns its address.
func serve(t *testing.T, tr wiretest.Transcript, network string) netip.AddrPort {
	var addr atomic.Pointer[netip.AddrPort] // set once the listener is up
	respond := func(req []byte) [][]byte {
		h, err := checkRequest(req, network, addr.Load().String())
		if err != nil {
			t.Error(err)
			return nil
		}
		var out [][]byte
		for _, s := range tr.Steps {
			out = append(out, render(s.Data, h))
		}
		return out
	}
	if network == "udp" {
		ap := wiretest.ServeUDP(t, respond)
		addr.Store(&ap)
		return ap
	}
	ap := wiretest.ServeTCP(t, func(c net.Conn) error {
		req, err := wire.ReadHeader(bufio.NewReader(c), maxMessage)
		if err != nil {
			return fmt.Errorf("read request: %w", err)
		}
		for _, d := range respond(req) {
			c.Write(d)
		}
		if extra, _ := io.ReadAll(c); len(extra) > 0 {
			return fmt.Errorf("probe sent more: %q", extra)
		}
		return nil
	})
	addr.Store(&ap)
	return ap
}

func TestTranscripts(t *testing.T) {
	for _, tr := range wiretest.LoadDir(t, "testdata") {
		for _, p := range []*Prober{UDP, TCP} {
			t.Run(tr.Name+"/"+p.network, func(t *testing.T) {
				t.Parallel()
				ap := serve(t, tr, p.network)
				r := wiretest.Run(p, &net.Dialer{}, ap, time.Second)
				wiretest.Check(t, r.Obs, wiretest.WithPort(tr.Want, ap.Port(), p.network))
				want := strings.NewReplacer("{hostport}", ap.String(), "{network}", p.network).Replace(tr.Err)
				if r.ErrText() != want {
					t.Errorf("error = %q, want %q", r.ErrText(), want)
				}
			})
		}
	}
}

func TestRequest(t *testing.T) {
	got := string(Request("udp", "[2001:db8::5]:40000", "[2001:db8::1]:5060", IDs{Branch: "z9hG4bKb1", Tag: "t1", CallID: "c1"}))
	want := "OPTIONS sip:[2001:db8::1]:5060 SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP [2001:db8::5]:40000;branch=z9hG4bKb1;rport\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:covered@[2001:db8::5]:40000>;tag=t1\r\n" +
		"To: <sip:[2001:db8::1]:5060>\r\n" +
		"Call-ID: c1\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"Contact: <sip:covered@[2001:db8::5]:40000;transport=udp>\r\n" +
		"Accept: application/sdp\r\n" +
		"User-Agent: covered\r\n" +
		"Content-Length: 0\r\n\r\n"
	if got != want {
		t.Errorf("Request =\n%q\nwant\n%q", got, want)
	}
	a, b := NewIDs(), NewIDs()
	if a == b || !strings.HasPrefix(a.Branch, "z9hG4bK") || len(a.Branch) < 7+16 {
		t.Errorf("NewIDs = %+v, %+v: want fresh IDs with the magic cookie", a, b)
	}
}

func TestRegistered(t *testing.T) {
	for _, want := range []struct{ transport, name string }{{"udp", "sip"}, {"tcp", "sip-tcp"}} {
		ps := probe.ForPort(want.transport, 5060)
		if len(ps) == 0 || ps[0].Name() != want.name {
			t.Errorf("ForPort(%s, 5060) = %v, want the %s probe", want.transport, ps, want.name)
		}
	}
}

// TestHostile checks that devices that stall, flood or close early cost at
// most the timeout and the caps.
func TestHostile(t *testing.T) {
	const timeout = 500 * time.Millisecond
	tests := []struct {
		name    string
		udp     func(req []byte) [][]byte
		tcp     wiretest.Handler
		want    []covered.Observation
		wantErr string // after "sip HOST:PORT/NET: "
	}{
		{name: "udp silence", udp: func([]byte) [][]byte { return nil }},
		{name: "udp datagram flood", wantErr: `not a SIP response: "\x00\x01"`,
			udp: func([]byte) [][]byte { return bytes.Fields(bytes.Repeat([]byte("\x00\x01 "), 100)) }},
		{name: "udp endless provisional", want: []covered.Observation{{Key: "sip.header.server", Value: "p"}},
			udp: func([]byte) [][]byte {
				return bytes.SplitAfter(bytes.Repeat([]byte("SIP/2.0 100 Trying\r\nServer: p\r\n\r\n"), 50), []byte("\r\n\r\n"))
			}},
		{name: "tcp silence", tcp: wiretest.Silence},
		{name: "tcp endless headers", tcp: wiretest.Flood([]byte("SIP/2.0 200 OK\r\nServer: s\r\n"), []byte("X-Pad: y\r\n")),
			want: []covered.Observation{{Key: "sip.header.server", Value: "s"}}},
		{name: "tcp close mid-line", tcp: wiretest.Send([]byte("SIP/2.0 200 OK\r\nServer: Huawei Soft"))},
		{name: "tcp endless status line", tcp: wiretest.Flood([]byte("SIP/2.0 200 "), []byte("A")), wantErr: "header too large"},
		{name: "tcp lying content length", tcp: wiretest.Flood([]byte("SIP/2.0 100 Trying\r\nServer: s\r\nContent-Length: 99999999\r\n\r\n"), []byte("x")),
			want: []covered.Observation{{Key: "sip.header.server", Value: "s"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := TCP
			var ap netip.AddrPort
			if tc.udp != nil {
				p, ap = UDP, wiretest.ServeUDP(t, tc.udp)
			} else {
				ap = wiretest.ServeTCP(t, tc.tcp)
			}
			r := wiretest.Run(p, &net.Dialer{}, ap, timeout)
			if r.Elapsed > timeout+2*time.Second {
				t.Errorf("took %v with a %v timeout", r.Elapsed, timeout)
			}
			wiretest.Check(t, r.Obs, wiretest.WithPort(tc.want, ap.Port(), p.network))
			want := ""
			if tc.wantErr != "" {
				want = "sip " + ap.String() + "/" + p.network + ": " + tc.wantErr
			}
			if r.ErrText() != want {
				t.Errorf("error = %q, want %q", r.ErrText(), want)
			}
		})
	}
}

// seeds are the transcripts' responses with plausible request values.
func seeds(f *testing.F) [][]byte {
	req, _ := wire.ParseHeader(Request("udp", "127.0.0.1:5062", "127.0.0.1:5060", IDs{"z9hG4bKx", "t", "c"}))
	var out [][]byte
	for _, tr := range wiretest.LoadDir(f, "testdata") {
		out = append(out, render(tr.Sent(), req))
	}
	return out
}

// FuzzParseResponse: any datagram parses to a SIP status and clean
// fields, or an error wrapping ErrNotSIP, never a panic.
func FuzzParseResponse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ParseResponse(in)
		if err != nil {
			return
		}
		if r.Code < 100 || r.Code > 999 {
			t.Fatalf("code %d", r.Code)
		}
		for _, fl := range r.Header.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name+fl.Value, "\r\n") {
				t.Fatalf("bad field %q: %q", fl.Name, fl.Value)
			}
		}
	})
}

// FuzzStream: any TCP byte stream ends in at most maxMessages reads within
// the caps, never a panic.
func FuzzStream(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		calls := 0
		next := stream(bufio.NewReader(bytes.NewReader(in)))
		counted := func() ([]byte, error) {
			calls++
			b, err := next()
			if len(b) > maxMessage {
				t.Fatalf("head of %d bytes over the cap", len(b))
			}
			return b, err
		}
		r, err := await(counted, IDs{CallID: "c"})
		if calls > maxMessages || (r.Code != 0 && r.Code < 100) {
			t.Fatalf("%d reads, code %d, error %v", calls, r.Code, err)
		}
	})
}
