package ftpprobe

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
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

// TestHostile checks that servers that stall, flood or drip cost at most
// the timeout and the byte caps.
func TestHostile(t *testing.T) {
	const timeout = 300 * time.Millisecond
	manyLines := "220-x\r\n" + strings.Repeat("220-x\r\n", maxLines-1)
	tests := []struct {
		name    string
		device  wiretest.Handler
		want    []covered.Observation
		wantErr string // after "ftp HOST:PORT: "
	}{
		{name: "silence", device: wiretest.Silence},
		{name: "endless line", device: wiretest.Flood([]byte("220 "), []byte("A")),
			want: []covered.Observation{{Key: "ftp.banner", Value: "220 " + strings.Repeat("A", maxLine-4)}}},
		{name: "endless multi-line reply", device: wiretest.Flood(nil, []byte("220-x\r\n")),
			want: []covered.Observation{{Key: "ftp.banner", Value: strings.TrimSuffix(manyLines, "\r\n")}}},
		{name: "binary noise", device: wiretest.Send([]byte("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")),
			wantErr: `not an FTP reply: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"`},
		{name: "too short to judge", device: wiretest.Send([]byte("22"))},
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
			want := ""
			if tc.wantErr != "" {
				want = "ftp " + ap.String() + ": " + tc.wantErr
			}
			if r.ErrText() != want {
				t.Errorf("error = %q, want %q", r.ErrText(), want)
			}
		})
	}
}

// TestDrip: one byte per 100ms is cut off at the deadline; what arrived is
// a prefix of the greeting.
func TestDrip(t *testing.T) {
	const timeout = 450 * time.Millisecond
	greeting := "220 (vsFTPd 3.0.3)\r\n"
	ap := wiretest.ServeTCP(t, wiretest.Drip([]byte(greeting), 100*time.Millisecond))
	r := wiretest.Run(&Prober{}, &net.Dialer{}, ap, timeout)
	if r.Elapsed > timeout+2*time.Second || r.Err != nil {
		t.Errorf("took %v, error %v; want within %v and nil", r.Elapsed, r.Err, timeout)
	}
	wiretest.CheckPrefix(t, r.Obs, "ftp.banner", greeting)
}

func TestReadReply(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{name: "single", in: "220 ok\r\n", want: "220 ok"},
		{name: "code only", in: "220\r\n", want: "220"},
		{name: "bare LF", in: "220-a\n220 b\n", want: "220-a\n220 b"},
		{name: "other code does not end", in: "220-a\r\n221 b\r\n220 c\r\n", want: "220-a\r\n221 b\r\n220 c"},
		{name: "hyphen line does not end", in: "220-a\r\n220-b\r\n220\r\n", want: "220-a\r\n220-b\r\n220"},
		{name: "not a reply", in: "HELLO\r\n", err: ErrNotReply},
		{name: "letter in code", in: "22x ok\r\n", err: ErrNotReply},
		{name: "no separator", in: "2200 ok\r\n", err: ErrNotReply},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadReply(bufio.NewReader(strings.NewReader(tc.in)))
			if string(got) != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("ReadReply(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

// FuzzReadReply: any bytes give a reply that starts with a code and is
// verbatim from the input and within the caps, or an error, never a panic.
func FuzzReadReply(f *testing.F) {
	for _, tr := range wiretest.LoadDir(f, "testdata") {
		f.Add(tr.Sent())
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		reply, err := ReadReply(bufio.NewReader(bytes.NewReader(in)))
		if len(reply) == 0 {
			if err == nil {
				t.Fatal("no reply and no error")
			}
			return
		}
		if _, _, ok := replyCode(reply); !ok && !errors.Is(err, wire.ErrLineTooLong) {
			t.Fatalf("reply %q does not start with a reply code", reply)
		}
		if len(reply) > maxReply || !bytes.HasPrefix(in, reply) {
			t.Fatalf("reply %q: longer than %d or not verbatim", reply, maxReply)
		}
	})
}
