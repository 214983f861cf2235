package httpprobe

import (
	"bytes"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/twmb/murmur3"

	"github.com/coveredtool/covered"
)

// The expected hashes below were computed outside Go, in Python 3:
//
//	import base64, hashlib
//	enc = base64.encodebytes(data)   # what codecs.encode(data, "base64") gives
//	hashlib.md5(data).hexdigest(), mmh3_32(enc) as a signed int
//
// with a pure-Python MurmurHash3 x86_32 (seed 0) that reproduces the
// published vectors checked in TestMurmur3Vectors, i.e. what Shodan's
// mmh3.hash computes. bytes(range(100)) encodes to 136 base64 characters, so
// its text has two lines (76 + 60, each ending in "\n"): a hash of unwrapped
// base64 would differ, which is the mistake this vector catches.
var iconVectors = []struct {
	name string
	data []byte
	md5  string
	mmh3 string
}{
	{"hello", []byte("hello"), "5d41402abc4b2a76b9719d911017c592", "1155597304"},
	{"bytes 0-99", seq(100), "7acedd1a84a4cfcb6e7a16003242945e", "-1165240594"},
	{"bytes 0-255 twice", append(seq(256), seq(256)...), "f5c8e3c31c044bae0e65569560b54332", "-1173581353"},
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestMurmur3Vectors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
	}{
		{"", 0},
		{"hello", 0x248bfa47},
		{"The quick brown fox jumps over the lazy dog", 0x2e4ff723},
	} {
		if got := murmur3.Sum32([]byte(tc.in)); got != tc.want {
			t.Errorf("murmur3.Sum32(%q) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
}

func TestFaviconHashes(t *testing.T) {
	for _, tc := range iconVectors {
		t.Run(tc.name, func(t *testing.T) {
			if got := faviconMD5(tc.data); got != tc.md5 {
				t.Errorf("md5 %s, want %s", got, tc.md5)
			}
			if got := faviconMMH3(tc.data); got != tc.mmh3 {
				t.Errorf("mmh3 %s, want %s", got, tc.mmh3)
			}
		})
	}
}

func TestEncodeBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"short", []byte("hello"), "aGVsbG8=\n"},
		{"exactly one line", bytes.Repeat([]byte{0}, 57), string(bytes.Repeat([]byte("A"), 76)) + "\n"},
		{"one line and one char", bytes.Repeat([]byte{0}, 58), string(bytes.Repeat([]byte("A"), 76)) + "\nAA==\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(encodeBytes(tc.in)); got != tc.want {
				t.Errorf("encodeBytes = %q, want %q", got, tc.want)
			}
		})
	}
	if got := encodeBytes(seq(100)); len(got) != 138 || got[76] != '\n' || got[137] != '\n' {
		t.Errorf("bytes 0-99: %d bytes %q, want 138 with newlines at 76 and 137", len(got), got)
	}
}

func TestFaviconPath(t *testing.T) {
	base := &url.URL{Scheme: "http", Host: "192.0.2.7", Path: "/"}
	for _, tc := range []struct {
		name  string
		links []string
		want  string
	}{
		{"no link", nil, "/favicon.ico"},
		{"relative", []string{"img/fav.ico"}, "/img/fav.ico"},
		{"absolute path with query", []string{"/doc/ui/favicon.ico?v=2#x"}, "/doc/ui/favicon.ico?v=2"},
		{"same host absolute", []string{"http://192.0.2.7/f.png"}, "/f.png"},
		{"same host explicit default port", []string{"http://192.0.2.7:80/f.png"}, "/f.png"},
		{"other port", []string{"http://192.0.2.7:8080/f.png"}, "/favicon.ico"},
		{"other host", []string{"https://cdn.example/f.ico"}, "/favicon.ico"},
		{"protocol-relative other host", []string{"//cdn.example/f.ico"}, "/favicon.ico"},
		{"other scheme", []string{"https://192.0.2.7/f.ico"}, "/favicon.ico"},
		{"data URI", []string{"data:image/x-icon;base64,AAAB"}, "/favicon.ico"},
		{"first usable wins", []string{"https://cdn.example/a.ico", "/b.ico", "/c.ico"}, "/b.ico"},
		{"unparsable then usable", []string{"http://[::1", "/ok.ico"}, "/ok.ico"},
		{"dot segments", []string{"../../x/../fav.ico"}, "/fav.ico"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := faviconPath(base, tc.links); got != tc.want {
				t.Errorf("faviconPath(%q) = %q, want %q", tc.links, got, tc.want)
			}
		})
	}
}

// TestFaviconFetched: the icon linked from the page is fetched from the same
// device and hashed; an HTML answer for the icon is not.
func TestFaviconFetched(t *testing.T) {
	page := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" +
		`<html><head><LINK REL="Shortcut Icon" HREF="img/fav.ico"><title>NVR</title></head></html>`
	icon := string(seq(100))
	s := startServer(t, nil, replay(func(target string) []byte {
		switch target {
		case "/":
			return []byte(page)
		case "/img/fav.ico":
			return []byte("HTTP/1.1 200 OK\r\nContent-Type: image/x-icon\r\n\r\n" + icon)
		}
		return []byte("HTTP/1.1 404 Not Found\r\n\r\n")
	}))
	got, err := run(t, New(), s.target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{
		{Key: "http.response", Path: "/", Value: page},
		{Key: "http.title", Path: "/", Value: "NVR"},
		{Key: "http.favicon.md5", Path: "/img/fav.ico", Value: "7acedd1a84a4cfcb6e7a16003242945e"},
		{Key: "http.favicon.mmh3", Path: "/img/fav.ico", Value: "-1165240594"},
	}
	diffObs(t, got, want)
	if got := s.targets(); len(got) < 2 || got[1] != "/img/fav.ico" {
		t.Errorf("requests %q, want the linked icon second", got)
	}
}

func TestFaviconNotAnIcon(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply string
	}{
		{"login page for every path", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>login</html>"},
		{"not found", "HTTP/1.1 404 Not Found\r\nContent-Type: image/x-icon\r\n\r\n\x00\x00\x01\x00"},
		{"empty", "HTTP/1.1 200 OK\r\nContent-Type: image/x-icon\r\nContent-Length: 0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, nil, replay(func(target string) []byte {
				if target == "/" {
					return []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello")
				}
				return []byte(tc.reply)
			}))
			got, err := run(t, New(), s.target(), 2*time.Second)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if i := slices.IndexFunc(got, func(o covered.Observation) bool { return o.Key == "http.favicon.md5" }); i >= 0 {
				t.Errorf("hashed a non-icon: %+v", got[i])
			}
		})
	}
}
