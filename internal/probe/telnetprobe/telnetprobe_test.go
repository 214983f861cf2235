package telnetprobe

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
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

// TestHostile checks that devices that stall, flood, negotiate forever or
// drip cost at most the timeout and the byte caps.
func TestHostile(t *testing.T) {
	const timeout = time.Second
	tests := []struct {
		name   string
		device wiretest.Handler
		idle   time.Duration
		want   []covered.Observation
	}{
		{name: "silence", device: wiretest.Silence},
		{name: "flood text", device: wiretest.Flood([]byte("Banner "), []byte("A")),
			want: []covered.Observation{{Key: "telnet.banner", Value: "Banner " + strings.Repeat("A", maxText-len("Banner "))}}},
		{name: "endless negotiation", device: wiretest.Flood(nil, []byte{iac, will, 1, iac, do, 24})},
		{name: "endless subnegotiation", device: wiretest.Flood([]byte{iac, sb, 24}, []byte("x"))},
		{name: "only blank lines", device: wiretest.Send([]byte("\r\n\r\n"))},
		{name: "goes quiet without a prompt", idle: 50 * time.Millisecond,
			device: func(c net.Conn) error { c.Write([]byte("Hello\r\n")); io.Copy(io.Discard, c); return nil },
			want:   []covered.Observation{{Key: "telnet.banner", Value: "Hello\r\n"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ap := wiretest.ServeTCP(t, tc.device)
			r := wiretest.Run(&Prober{Idle: tc.idle}, &net.Dialer{}, ap, timeout)
			if r.Elapsed > timeout+2*time.Second {
				t.Errorf("took %v with a %v timeout", r.Elapsed, timeout)
			}
			if tc.idle > 0 && r.Elapsed >= timeout {
				t.Errorf("took %v: the %v idle limit did not end the read", r.Elapsed, tc.idle)
			}
			wiretest.Check(t, r.Obs, wiretest.WithPort(tc.want, ap.Port(), "tcp"))
			if r.Err != nil {
				t.Errorf("error = %v, want nil", r.Err)
			}
		})
	}
}

// TestDrip: one byte per 100ms is cut off at the deadline, and what
// arrived is a prefix of the banner.
func TestDrip(t *testing.T) {
	const timeout = 450 * time.Millisecond
	banner := "ZXHN H108N\r\nLogin:"
	ap := wiretest.ServeTCP(t, wiretest.Drip([]byte(banner), 100*time.Millisecond))
	r := wiretest.Run(&Prober{}, &net.Dialer{}, ap, timeout)
	if r.Elapsed > timeout+2*time.Second || r.Err != nil {
		t.Errorf("took %v, error %v; want within %v and nil", r.Elapsed, r.Err, timeout)
	}
	wiretest.CheckPrefix(t, r.Obs, "telnet.banner", banner)
}

// TestDebugConsoleReadOnly: on 9527 the probe answers no negotiation at
// all; the fake device fails the test on any byte it receives.
// Source of the bytes: busybox networking/telnetd.c iacs_to_send, and the
// "(none) login: " prompt login(1) prints on a host without a hostname.
func TestDebugConsoleReadOnly(t *testing.T) {
	tr := wiretest.Transcript{Steps: []wiretest.Step{
		{Op: "send", Data: []byte("\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\n(none) login: ")},
	}}
	ap := wiretest.ServeTCP(t, tr.Handler())
	tgt := probe.Target{Addr: ap.Addr(), Port: readOnlyPort, Transport: "tcp"}
	r := wiretest.RunTarget(&Prober{}, wiretest.Redirect{To: ap}, tgt, 2*time.Second)
	wiretest.Check(t, r.Obs, []covered.Observation{{Key: "telnet.banner", Value: "\r\n(none) login: ", Port: readOnlyPort, Transport: "tcp"}})
	if r.Err != nil {
		t.Errorf("error = %v, want nil", r.Err)
	}
}

func TestAtPrompt(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"ZXHN H108N\r\nLogin:", true},
		{"F668\r\n\rLogin: ", true},
		{"\r\n\r\n>>User name:", true},
		{"Login authentication\r\n\r\nPassword:", true},
		{"Welcome\r\nAccount:", true},
		{"\r\nZXAN#", true},
		{"<HUAWEI>", true},
		{"192.0.0.64 login: ", true},
		{"Warning: Telnet is not a secure protocol", false},
		{"Note:", false},
		{"Login: admin\r\n", false},
		{"", false},
		{"\r\n", false},
		{strings.Repeat("x", 70) + "#", false},
	}
	for _, tc := range tests {
		if got := atPrompt([]byte(tc.text)); got != tc.want {
			t.Errorf("atPrompt(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		text, reply string
	}{
		{name: "plain", in: "abc\r\n", text: "abc\r\n"},
		{name: "do and will refused", in: "\xff\xfd\x18\xff\xfb\x01x", text: "x", reply: "\xff\xfc\x18\xff\xfe\x01"},
		{name: "dont and wont need no answer", in: "\xff\xfe\x01\xff\xfc\x03", text: ""},
		{name: "repeat answered once", in: "\xff\xfd\x18\xff\xfd\x18", reply: "\xff\xfc\x18"},
		{name: "escaped 255", in: "a\xff\xffb", text: "a\xffb"},
		{name: "two-byte commands", in: "\xff\xf1a\xff\xf9b", text: "ab"},
		{name: "subnegotiation skipped", in: "\xff\xfa\x18\x01\xff\xff\xff\xf0z", text: "z"},
		{name: "CR NUL", in: "a\r\x00b", text: "a\rb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n nvt
			text, reply := n.decode(nil, nil, []byte(tc.in))
			if string(text) != tc.text || string(reply) != tc.reply {
				t.Errorf("decode(%q) = %q, %q; want %q, %q", tc.in, text, reply, tc.text, tc.reply)
			}
		})
	}
}

// FuzzDecode: decoding is the same however the stream is split, the text
// is never longer than the input, and replies are only refusals, each
// option at most once per verb.
func FuzzDecode(f *testing.F) {
	for _, tr := range wiretest.LoadDir(f, "testdata") {
		f.Add(tr.Sent(), uint16(3))
	}
	f.Add([]byte("\xff\xfa\xff"), uint16(1))
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		var whole nvt
		text, reply := whole.decode(nil, nil, in)
		k := int(cut) % (len(in) + 1)
		var split nvt
		text2, reply2 := split.decode(nil, nil, in[:k])
		text2, reply2 = split.decode(text2, reply2, in[k:])
		if !bytes.Equal(text, text2) || !bytes.Equal(reply, reply2) {
			t.Fatalf("split at %d changes the result: %q %q vs %q %q", k, text, reply, text2, reply2)
		}
		if len(text) > len(in) || bytes.IndexByte(text, 0) >= 0 {
			t.Fatalf("text %q from %q", text, in)
		}
		seen := map[[2]byte]bool{}
		if len(reply)%3 != 0 {
			t.Fatalf("reply %q is not whole commands", reply)
		}
		for i := 0; i < len(reply); i += 3 {
			c := [2]byte{reply[i+1], reply[i+2]}
			if reply[i] != iac || (c[0] != wont && c[0] != dont) || seen[c] {
				t.Fatalf("reply %q: want only first-time WONT/DONT", reply)
			}
			seen[c] = true
		}
		atPrompt(text)
	})
}
