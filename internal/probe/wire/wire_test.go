package wire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

func TestDeadline(t *testing.T) {
	now := time.Now()
	if d := Deadline(context.Background(), time.Second); d.Sub(now) < 900*time.Millisecond || d.Sub(now) > 2*time.Second {
		t.Errorf("Deadline(1s) = now+%v", d.Sub(now))
	}
	if d := Deadline(context.Background(), 0); d.Sub(now) < DefaultTimeout-time.Second {
		t.Errorf("Deadline(0) = now+%v, want the default %v", d.Sub(now), DefaultTimeout)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if d := Deadline(ctx, time.Hour); d.Sub(now) > time.Second {
		t.Errorf("Deadline with an earlier ctx deadline = now+%v", d.Sub(now))
	}
}

func TestQuiet(t *testing.T) {
	quiet := []error{nil, io.EOF, io.ErrUnexpectedEOF, os.ErrDeadlineExceeded, context.Canceled,
		fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}),
		syscall.ECONNRESET}
	for _, err := range quiet {
		if !Quiet(err) {
			t.Errorf("Quiet(%v) = false", err)
		}
	}
	for _, err := range []error{ErrLineTooLong, ErrHeaderTooLarge, errors.New("scope: 10.0.0.1 not in targets")} {
		if Quiet(err) {
			t.Errorf("Quiet(%v) = true", err)
		}
	}
}

func TestReadLine(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"abc\r\nrest", "abc\r\n", nil},
		{"abc\n", "abc\n", nil},
		{"", "", io.EOF},
		{"ab", "ab", io.ErrUnexpectedEOF},
		{"abcdefgh\n", "abcde", ErrLineTooLong},
	}
	for _, tc := range tests {
		got, err := ReadLine(bufio.NewReader(strings.NewReader(tc.in)), 5)
		if string(got) != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ReadLine(%q, 5) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{name: "whole", in: "RTSP/1.0 200 OK\r\nA: b\r\n\r\nbody", want: "RTSP/1.0 200 OK\r\nA: b\r\n\r\n"},
		{name: "leading CRLF skipped", in: "\r\n\r\nSIP/2.0 200 OK\n\n", want: "SIP/2.0 200 OK\n\n"},
		{name: "cut", in: "RTSP/1.0 200 OK\r\nA: b", want: "RTSP/1.0 200 OK\r\nA: b", err: io.ErrUnexpectedEOF},
		{name: "too large", in: "RTSP/1.0 200 OK\r\n" + strings.Repeat("X: y\r\n", 10), want: "RTSP/1.0 200 OK\r\nX: y\r\nX: y\r\nX", err: ErrHeaderTooLarge},
		{name: "only blank lines", in: "\r\n\r\n", err: io.EOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadHeader(bufio.NewReader(strings.NewReader(tc.in)), 30)
			if string(got) != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("ReadHeader = %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	h, err := ParseHeader([]byte("\r\nSIP/2.0 200 OK\r\nServer: SIP/1.0\r\n  (Huawei)\r\nno colon\r\n: no name\r\nserver: second\nUser-Agent:x\r\n\r\nBody: not a header\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Header{Start: "SIP/2.0 200 OK", Fields: []Field{{"Server", "SIP/1.0 (Huawei)"}, {"server", "second"}, {"User-Agent", "x"}}}
	if fmt.Sprint(h) != fmt.Sprint(want) {
		t.Errorf("ParseHeader = %+v, want %+v", h, want)
	}
	if v, _ := h.Get("SERVER"); v != "SIP/1.0 (Huawei)" {
		t.Errorf("Get is not case-insensitive first-wins: %q", v)
	}
	if _, err := ParseHeader([]byte("\r\n \r\n")); !errors.Is(err, ErrNoStartLine) {
		t.Errorf("blank block: error %v, want ErrNoStartLine", err)
	}
}

func TestStatusCode(t *testing.T) {
	tests := []struct {
		start, proto string
		code         int
		ok           bool
	}{
		{"RTSP/1.0 401 Unauthorized", "RTSP", 401, true},
		{"RTSP/1.0 200", "RTSP", 200, true},
		{"SIP/2.0 100 Trying", "SIP", 100, true},
		{"RTSP/1.0 2000 OK", "RTSP", 0, false},
		{"RTSP/1.0 099 x", "RTSP", 0, false},
		{"RTSP/1.0 20x OK", "RTSP", 0, false},
		{"HTTP/1.1 200 OK", "RTSP", 0, false},
		{"RTSP/1.0", "RTSP", 0, false},
	}
	for _, tc := range tests {
		if code, ok := StatusCode(tc.start, tc.proto); code != tc.code || ok != tc.ok {
			t.Errorf("StatusCode(%q, %q) = %d, %v; want %d, %v", tc.start, tc.proto, code, ok, tc.code, tc.ok)
		}
	}
}

// TestCancelUnblocks: cancelling the context wakes a read blocked on a
// silent peer.
func TestCancelUnblocks(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			defer c.Close()
			io.Copy(io.Discard, c)
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	conn, err := Dial(ctx, &net.Dialer{}, probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: "tcp"},
		probe.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = conn.Read(make([]byte, 1))
	if !Quiet(err) || time.Since(start) > 2*time.Second {
		t.Errorf("read after cancel: %v after %v", err, time.Since(start))
	}
}

func FuzzReadLine(f *testing.F) {
	f.Add([]byte("SSH-2.0-HUAWEI-1.5\r\n"), uint8(255))
	f.Add([]byte("220-a\r\n220 b\r\n"), uint8(4))
	f.Fuzz(func(t *testing.T, in []byte, max uint8) {
		m := int(max) + 1
		line, err := ReadLine(bufio.NewReader(bytes.NewReader(in)), m)
		if len(line) > m || !bytes.HasPrefix(in, line) {
			t.Fatalf("line %q: over %d or not the input's start", line, m)
		}
		if err == nil && (len(line) == 0 || line[len(line)-1] != '\n') {
			t.Fatalf("line %q without error and without newline", line)
		}
		if i := bytes.IndexByte(line, '\n'); i >= 0 && i != len(line)-1 {
			t.Fatalf("line %q runs past its newline", line)
		}
	})
}

func FuzzReadHeader(f *testing.F) {
	f.Add([]byte("RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm=\"Hikvision\"\r\n\r\n"))
	f.Add([]byte("\r\nSIP/2.0 200 OK\nv: x\n folded\nl: 0\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		raw, err := ReadHeader(bufio.NewReader(bytes.NewReader(in)), 512)
		if len(raw) > 512 || !bytes.Contains(in, raw) {
			t.Fatalf("head %q over the cap or not verbatim", raw)
		}
		if err == nil && !bytes.HasSuffix(raw, []byte("\n")) {
			t.Fatalf("complete head %q does not end a line", raw)
		}
		h, perr := ParseHeader(raw)
		if perr == nil && (h.Start == "" || strings.ContainsAny(h.Start, "\r\n")) {
			t.Fatalf("start line %q", h.Start)
		}
		for _, fl := range h.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ":\r\n") || strings.ContainsAny(fl.Value, "\r\n") {
				t.Fatalf("field %q: %q", fl.Name, fl.Value)
			}
		}
		StatusCode(h.Start, "RTSP")
	})
}
