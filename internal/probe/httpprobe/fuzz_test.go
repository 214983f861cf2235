package httpprobe

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// Every parser of network bytes in this package has a fuzz target here,
// seeded with every section of the transcripts.

func transcriptSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, file := range transcriptFiles(f) {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range a.Files {
			out = append(out, s.Data, bytes.ReplaceAll(s.Data, []byte("\n"), []byte("\r\n")))
		}
	}
	return out
}

func addTranscriptSeeds(f *testing.F) {
	for _, s := range transcriptSeeds(f) {
		f.Add(s)
	}
}

func FuzzTitle(f *testing.F) {
	addTranscriptSeeds(f)
	f.Add([]byte("<TITLE lang=x>a &amp; b</TITLE>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := Title(body)
		if len(got) > MaxTitle {
			t.Fatalf("title of %d bytes, cap is %d", len(got), MaxTitle)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("title %q keeps outer or doubled white space", got)
		}
	})
}

func FuzzIconLinks(f *testing.F) {
	addTranscriptSeeds(f)
	f.Add([]byte(`<link rel="shortcut icon" href="//evil.example/x.ico"><link rel=icon href=../a.ico>`))
	base := &url.URL{Scheme: "http", Host: "192.0.2.7:8080", Path: "/"}
	f.Fuzz(func(t *testing.T, body []byte) {
		links := iconLinks(body)
		for _, l := range links {
			if l == "" || l != strings.TrimSpace(l) {
				t.Fatalf("link %q is empty or padded", l)
			}
		}
		// Whatever the page links, the icon fetched is a path on the
		// target itself.
		p := faviconPath(base, links)
		u, err := url.ParseRequestURI(p)
		if err != nil || !strings.HasPrefix(p, "/") || u.Host != "" {
			t.Fatalf("faviconPath(%q) = %q, not a local request target (%v)", links, p, err)
		}
	})
}

func FuzzHeaderBlock(f *testing.F) {
	for _, s := range transcriptSeeds(f) {
		f.Add(s, 200)
	}
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), 200)
	f.Fuzz(func(t *testing.T, raw []byte, final int) {
		block, ok := headerBlock(raw, final)
		if !ok {
			return
		}
		if !bytes.Contains(raw, block) {
			t.Fatalf("block %q is not part of the input", block)
		}
		if !bytes.HasSuffix(block, []byte("\n\n")) && !bytes.HasSuffix(block, []byte("\r\n\r\n")) {
			t.Fatalf("block %q does not end with a blank line", block)
		}
	})
}

// FuzzResponse feeds arbitrary bytes to the whole probe as a device's answer
// to every request: it must return without hanging or panicking, and keep
// every observation within its caps.
func FuzzResponse(f *testing.F) {
	for _, file := range transcriptFiles(f) {
		for _, r := range loadTranscript(f, file).responses {
			f.Add(r)
		}
	}
	f.Fuzz(func(t *testing.T, reply []byte) {
		s := startServer(t, nil, replay(func(string) []byte { return reply }))
		start := time.Now()
		got, _ := run(t, New(), s.target(), 200*time.Millisecond)
		// Each request is bounded by the 200 ms timeout; the rest is room
		// for a loaded machine. A hang would last until the server's 10 s
		// deadline.
		if d := time.Since(start); d > maxRequests*200*time.Millisecond+3*time.Second {
			t.Fatalf("probe took %v", d)
		}
		for _, o := range got {
			if len(o.Value) > maxCapture+maxPrefix {
				t.Fatalf("%s value of %d bytes", o.Key, len(o.Value))
			}
		}
		if s.conns() > maxRequests {
			t.Fatalf("%d connections", s.conns())
		}
	})
}
