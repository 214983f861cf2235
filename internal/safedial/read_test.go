package safedial

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadCapped(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		r       io.Reader
		max     int64
		want    string
		wantErr error
	}{
		{"short reply", strings.NewReader("hello"), 10, "hello", nil},
		{"exactly the cap", strings.NewReader("hello"), 5, "hello", nil},
		{"longer than the cap", strings.NewReader("hello world"), 5, "hello", ErrTooLong},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader("abc")), 10, "abc", nil},
		{"large reply grows the buffer", strings.NewReader(strings.Repeat("x", 5000)), 4000, strings.Repeat("x", 4000), ErrTooLong},
		{"error keeps what was read", io.MultiReader(strings.NewReader("SSH-2.0-"), iotest.ErrReader(boom)), 100, "SSH-2.0-", boom},
		{"zero cap", strings.NewReader("x"), 0, "", ErrTooLong},
		{"empty", strings.NewReader(""), 0, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCapped(tt.r, tt.max)
			if string(got) != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ReadCapped = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestReadLine(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    []string // successive lines; the last call's error is wantErr
		wantErr error
	}{
		{"crlf and lf", "220 ready\r\n221 bye\n", 64, []string{"220 ready", "221 bye", ""}, io.EOF},
		{"empty line", "\r\nx\n", 64, []string{"", "x", ""}, io.EOF},
		{"no newline at end", "SSH-2.0-dropbear", 64, []string{"SSH-2.0-dropbear"}, io.ErrUnexpectedEOF},
		{"too long leaves the rest", "abcdefgh\n", 4, []string{"abcd"}, ErrTooLong},
		{"line of exactly max with its newline", "abc\n", 4, []string{"abc", ""}, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(tt.in))
			var err error
			for i, want := range tt.want {
				var got []byte
				got, err = ReadLine(br, tt.max)
				if string(got) != want {
					t.Fatalf("line %d = %q, want %q (err %v)", i, got, want, err)
				}
				if i < len(tt.want)-1 && err != nil {
					t.Fatalf("line %d: %v", i, err)
				}
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("last error %v, want %v", err, tt.wantErr)
			}
		})
	}
	// The cap leaves the rest of the line unread.
	br := bufio.NewReader(strings.NewReader("abcdefgh\n"))
	ReadLine(br, 4)
	if rest, _ := ReadLine(br, 64); string(rest) != "efgh" {
		t.Fatalf("after a too-long line, the rest reads %q, want %q", rest, "efgh")
	}
}

func TestReadUntil(t *testing.T) {
	in := "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\nbody"
	br := bufio.NewReader(iotest.OneByteReader(strings.NewReader(in)))
	got, err := ReadUntil(br, []byte("\r\n\r\n"), 1024)
	if err != nil || string(got) != "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n" {
		t.Fatalf("ReadUntil = %q, %v", got, err)
	}
	if rest, _ := io.ReadAll(br); string(rest) != "body" {
		t.Fatalf("rest %q, want %q", rest, "body")
	}
	if _, err := ReadUntil(bufio.NewReader(strings.NewReader(in)), []byte("\r\n\r\n"), 10); !errors.Is(err, ErrTooLong) {
		t.Fatalf("short cap: %v, want ErrTooLong", err)
	}
	if _, err := ReadUntil(bufio.NewReader(strings.NewReader(in)), nil, 10); err == nil {
		t.Fatal("empty delimiter accepted")
	}
}

func TestReadFrame(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		n, max  int64
		want    string
		wantErr error
	}{
		{"whole frame", "0123456789", 4, 100, "0123", nil},
		{"empty frame", "", 0, 100, "", nil},
		{"claimed length over the cap", "0123", 1 << 40, 1 << 20, "", ErrTooLong},
		{"negative length", "0123", -1, 100, "", ErrTooLong},
		{"short frame", "012", 10, 100, "012", io.ErrUnexpectedEOF},
		{"nothing at all", "", 10, 100, "", io.EOF},
		{"frame larger than the first buffer", strings.Repeat("z", 3000), 3000, 4096, strings.Repeat("z", 3000), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadFrame(iotest.HalfReader(strings.NewReader(tt.in)), tt.n, tt.max)
			if string(got) != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ReadFrame = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// The helpers never return more than their cap and never panic, whatever
// the peer sends.
func FuzzReadHelpers(f *testing.F) {
	f.Add([]byte("SSH-2.0-HUAWEI-1.5\r\n"), 16)
	f.Add([]byte("HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n<html>"), 64)
	f.Add([]byte("\n\n\r\r\n"), 1)
	f.Add([]byte{0xff, 0xfe, 0, '\n'}, 0)
	f.Fuzz(func(t *testing.T, data []byte, limit int) {
		limit &= 0xffff
		if line, err := ReadLine(bufio.NewReader(bytes.NewReader(data)), limit); len(line) > limit {
			t.Fatalf("ReadLine returned %d bytes over a cap of %d (%v)", len(line), limit, err)
		} else if err == nil && bytes.IndexByte(line, '\n') >= 0 {
			t.Fatalf("ReadLine returned a newline: %q", line)
		}
		if got, _ := ReadCapped(iotest.OneByteReader(bytes.NewReader(data)), int64(limit)); len(got) > limit {
			t.Fatalf("ReadCapped returned %d bytes over a cap of %d", len(got), limit)
		}
		n := int64(len(data)) - int64(limit%7)
		if got, err := ReadFrame(bytes.NewReader(data), n, int64(limit)); int64(len(got)) > max(n, 0) {
			t.Fatalf("ReadFrame(%d) returned %d bytes (%v)", n, len(got), err)
		}
	})
}
