package ssdpprobe

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// FuzzParseReply: any datagram parses or errors without panicking, and a
// parsed header value never spans lines.
func FuzzParseReply(f *testing.F) {
	f.Add(searchReply("http://127.0.0.1:49152/desc.xml", "upnp:rootdevice"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nSERVER: big\r\nX: aaaa"))
	f.Add([]byte("HTTP/1.1 500 Oops\r\n\r\n"))
	f.Add(searchRequest("127.0.0.1:1900"))
	f.Add([]byte("\x00\x01garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseReply(b)
		if err != nil {
			return
		}
		if strings.ContainsAny(r.Server+r.Location, "\r\n") {
			t.Fatalf("header value spans lines: %q %q", r.Server, r.Location)
		}
	})
}

// FuzzTargetURL: a URL from the wire is accepted only when its host is the
// target's address.
func FuzzTargetURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:49152/desc.xml", "http://127.0.0.2/d", "http://localhost/",
		"http://127.0.0.1@127.0.0.2/", "http://[::ffff:127.0.0.1]:80/", "https://127.0.0.1/", "http://127.0.0.1:0/"} {
		f.Add(s)
	}
	target := netip.MustParseAddr("127.0.0.1")
	f.Fuzz(func(t *testing.T, s string) {
		u, port, ok := wire.TargetURL(s, target)
		if !ok {
			return
		}
		h, err := netip.ParseAddr(u.Hostname())
		if err != nil || h.Unmap() != target || port == 0 {
			t.Fatalf("accepted %q (host %q, port %d)", s, u.Hostname(), port)
		}
	})
}
