package sshprobe

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/netip"
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

// TestHostile checks that devices that stall, flood or drip cost at most
// the timeout and the byte caps.
func TestHostile(t *testing.T) {
	const timeout = 300 * time.Millisecond
	long := "SSH-2.0-" + strings.Repeat("A", maxLine-len("SSH-2.0-"))
	tests := []struct {
		name    string
		device  wiretest.Handler
		want    []covered.Observation
		wantErr string // after "ssh HOST:PORT: "
	}{
		{name: "silence", device: wiretest.Silence},
		{name: "flood ident", device: wiretest.Flood([]byte("SSH-2.0-"), []byte("A")),
			want: []covered.Observation{{Key: "ssh.banner", Value: long}}},
		{name: "flood without newline", device: wiretest.Flood(nil, []byte("A")),
			wantErr: "no SSH identification line (255 bytes): line too long"},
		{name: "flood of lines", device: wiretest.Flood(nil, []byte("Hello\r\n")),
			wantErr: "no SSH identification line in the first 8 lines"},
		{name: "close at once", device: wiretest.Send(nil)},
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
				want = "ssh " + ap.String() + ": " + tc.wantErr
			}
			if r.ErrText() != want {
				t.Errorf("error = %q, want %q", r.ErrText(), want)
			}
		})
	}
}

// TestDrip: a device sending one byte per 100ms is cut off at the
// deadline; what arrived by then is a prefix of its line.
func TestDrip(t *testing.T) {
	const timeout = 350 * time.Millisecond
	line := "SSH-2.0-HUAWEI-1.5\r\n"
	ap := wiretest.ServeTCP(t, wiretest.Drip([]byte(line), 100*time.Millisecond))
	r := wiretest.Run(&Prober{}, &net.Dialer{}, ap, timeout)
	if r.Elapsed > timeout+2*time.Second {
		t.Errorf("took %v with a %v timeout", r.Elapsed, timeout)
	}
	if r.Err != nil {
		t.Errorf("error = %v, want nil", r.Err)
	}
	wiretest.CheckPrefix(t, r.Obs, "ssh.banner", strings.TrimSuffix(line, "\r\n"))
}

func TestClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ap := ln.Addr().String()
	ln.Close()
	r := wiretest.Run(&Prober{}, &net.Dialer{}, netip.MustParseAddrPort(ap), time.Second)
	if r.Err != nil || len(r.Obs) != 0 {
		t.Errorf("closed port: obs %v, error %v; want none and nil", r.Obs, r.Err)
	}
}

// TestCancel: cancelling the scan unblocks a probe waiting on a silent
// device long before its own timeout.
func TestCancel(t *testing.T) {
	ap := wiretest.ServeTCP(t, wiretest.Silence)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := (&Prober{}).Probe(ctx, &net.Dialer{}, probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: "tcp"},
		probe.Options{Timeout: 10 * time.Second}, func(covered.Observation) { t.Error("unexpected observation") })
	if err != nil {
		t.Errorf("error = %v, want nil", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v to take effect", d)
	}
}

func TestRegistered(t *testing.T) {
	for _, port := range []uint16{22, 2222} {
		found := false
		for _, p := range probe.ForPort("tcp", port) {
			found = found || p.Name() == "ssh"
		}
		if !found {
			t.Errorf("ssh probe not registered for tcp/%d", port)
		}
	}
}

// FuzzReadIdent: any bytes give either an identification line within the
// cap or an error, never both and never a panic.
func FuzzReadIdent(f *testing.F) {
	for _, tr := range wiretest.LoadDir(f, "testdata") {
		f.Add(tr.Sent())
	}
	f.Add([]byte("SSH-"))
	f.Fuzz(func(t *testing.T, in []byte) {
		id, err := ReadIdent(bufio.NewReader(bytes.NewReader(in)))
		if (id == "") == (err == nil) {
			t.Fatalf("ReadIdent = %q, %v: want exactly one of line and error", id, err)
		}
		if id == "" {
			return
		}
		if !strings.HasPrefix(id, "SSH-") || len(id) > maxLine || strings.Contains(id, "\n") {
			t.Fatalf("ReadIdent = %q: not one capped SSH- line", id)
		}
		if !bytes.Contains(in, []byte(id)) {
			t.Fatalf("ReadIdent = %q: not verbatim from the input", id)
		}
	})
}
