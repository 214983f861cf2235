package rtspprobe

import (
	"bufio"
	"bytes"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
	"github.com/coveredtool/covered/internal/probe/wire/wiretest"
)

func TestTranscripts(t *testing.T) {
	for _, tr := range wiretest.LoadDir(t, "testdata") {
		t.Run(tr.Name, func(t *testing.T) {
			t.Parallel()
			wiretest.Replay(t, &Prober{}, tr, 2*time.Second)
		})
	}
}

func TestRequest(t *testing.T) {
	got := string(Request("DESCRIBE", "rtsp://[2001:db8::1]:554/", 2))
	want := "DESCRIBE rtsp://[2001:db8::1]:554/ RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: covered\r\nAccept: application/sdp\r\n\r\n"
	if got != want {
		t.Errorf("Request = %q, want %q", got, want)
	}
	for _, m := range []string{"OPTIONS", "DESCRIBE"} {
		if r := string(Request(m, "rtsp://h/", 1)); strings.Contains(strings.ToLower(r), "authorization") {
			t.Errorf("%s request carries credentials: %q", m, r)
		}
	}
}

// TestHostname: a target given by name is asked for by name, as a browser
// would; the device is reached through a redirecting dialer.
func TestHostname(t *testing.T) {
	tr := wiretest.Transcript{Steps: []wiretest.Step{
		{Op: "expect", Data: Request("OPTIONS", "rtsp://cam.example:554/", 1)},
		{Op: "send", Data: []byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n")},
		{Op: "expect", Data: Request("DESCRIBE", "rtsp://cam.example:554/", 2)},
		{Op: "send", Data: []byte("RTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\r\n")},
	}}
	ap := wiretest.ServeTCP(t, tr.Handler())
	tgt := probe.Target{Addr: netip.MustParseAddr("192.0.2.7"), Port: 554, Transport: "tcp", Hostname: "cam.example"}
	r := wiretest.RunTarget(&Prober{}, wiretest.Redirect{To: ap}, tgt, 2*time.Second)
	wiretest.Check(t, r.Obs, []covered.Observation{{Key: "rtsp.response", Value: "RTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\r\n", Port: 554, Transport: "tcp"}})
	if r.Err != nil {
		t.Errorf("error = %v, want nil", r.Err)
	}
}

// TestHostile checks that servers that stall, flood or lie about lengths
// cost at most the timeout and the byte caps.
func TestHostile(t *testing.T) {
	const timeout = 300 * time.Millisecond
	flood := "RTSP/1.0 200 OK\r\n" + strings.Repeat("X-Pad: y\r\n", maxHeader/10+1)
	status := "RTSP/1.0 200 " + strings.Repeat("A", maxHeader)
	huge := "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\nContent-Length: 999999999\r\n\r\n"
	tests := []struct {
		name   string
		device wiretest.Handler
		want   []covered.Observation
	}{
		{name: "silence", device: wiretest.Silence},
		{name: "endless headers", device: wiretest.Flood([]byte("RTSP/1.0 200 OK\r\n"), []byte("X-Pad: y\r\n")),
			want: []covered.Observation{{Key: "rtsp.response", Value: flood[:maxHeader]}}},
		{name: "endless status line", device: wiretest.Flood([]byte("RTSP/1.0 200 "), []byte("A")),
			want: []covered.Observation{{Key: "rtsp.response", Value: status[:maxHeader]}}},
		{name: "lying content length", device: wiretest.Flood([]byte(huge), []byte("v=0\r\n")),
			want: []covered.Observation{
				{Key: "rtsp.response", Value: huge},
				{Key: "rtsp.header.server", Value: "Dahua Rtsp Server"},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ap := wiretest.ServeTCP(t, tc.device)
			r := wiretest.Run(&Prober{}, &net.Dialer{}, ap, timeout)
			if r.Elapsed > timeout+2*time.Second {
				t.Errorf("took %v with a %v timeout", r.Elapsed, timeout)
			}
			wiretest.Check(t, r.Obs, wiretest.WithPort(tc.want, ap.Port(), "tcp"))
			if r.Err != nil {
				t.Errorf("error = %v, want nil", r.Err)
			}
		})
	}
}

// TestDrip: one byte per 20ms is cut off at the deadline; what arrived is
// a prefix of the reply.
func TestDrip(t *testing.T) {
	const timeout = 450 * time.Millisecond
	resp := "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n\r\n"
	ap := wiretest.ServeTCP(t, wiretest.Drip([]byte(resp), 20*time.Millisecond))
	r := wiretest.Run(&Prober{}, &net.Dialer{}, ap, timeout)
	if r.Elapsed > timeout+2*time.Second || r.Err != nil {
		t.Errorf("took %v, error %v; want within %v and nil", r.Elapsed, r.Err, timeout)
	}
	wiretest.CheckPrefix(t, r.Obs, "rtsp.response", resp)
}

// FuzzReadReply: any bytes give a verbatim, capped head with an RTSP
// status line, or an error; the fields come from that head.
func FuzzReadReply(f *testing.F) {
	for _, tr := range wiretest.LoadDir(f, "testdata") {
		f.Add(tr.Sent())
	}
	f.Add([]byte("RTSP/1.0 200 OK\r\n Folded: x\r\nA: b\r\n  c\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rep, err := ReadReply(bufio.NewReader(bytes.NewReader(in)))
		if rep.raw == nil {
			if err == nil {
				t.Fatal("no reply and no error")
			}
			return
		}
		if len(rep.raw) > maxHeader || !bytes.Contains(in, rep.raw) {
			t.Fatalf("head %q: over the cap or not verbatim", rep.raw)
		}
		if _, ok := wire.StatusCode(rep.header.Start, "RTSP"); !ok {
			t.Fatalf("head %q: start line %q is not RTSP", rep.raw, rep.header.Start)
		}
		for _, f := range rep.header.Fields {
			if f.Name == "" || strings.ContainsAny(f.Name+f.Value, "\r\n") {
				t.Fatalf("bad field %q: %q", f.Name, f.Value)
			}
		}
	})
}
