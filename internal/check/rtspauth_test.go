package check

import (
	"bufio"
	"net/textproto"
	"strings"
	"testing"
)

func reader(s string) *textproto.Reader {
	return textproto.NewReader(bufio.NewReader(strings.NewReader(s)))
}

// TestReadRTSPReply: only a whole reply to the request asked gives a
// verdict; anything cut short, oversized or out of sequence is an error.
func TestReadRTSPReply(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		code     int
		body     string
		fail     bool
	}{
		{name: "401", in: "RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"n\"\r\n\r\n", code: 401},
		{name: "200 with SDP", in: "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n", code: 200, body: "v=0\n"},
		{name: "header cut short", in: "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n", fail: true},
		{name: "body cut short", in: "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 10\r\n\r\nv=0", fail: true},
		{name: "oversized body", in: "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 40000\r\n\r\n", fail: true},
		{name: "negative length", in: "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: -1\r\n\r\n", fail: true},
		{name: "reply to another request", in: "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", fail: true},
		{name: "no CSeq", in: "RTSP/1.0 200 OK\r\n\r\n", fail: true},
		{name: "HTTP, not RTSP", in: "HTTP/1.1 200 OK\r\nCSeq: 2\r\n\r\n", fail: true},
		{name: "empty", in: "", fail: true},
	} {
		code, _, body, err := readRTSPReply(reader(tc.in), "2")
		if tc.fail {
			if err == nil {
				t.Errorf("%s: accepted (code %d)", tc.name, code)
			}
			continue
		}
		if err != nil || code != tc.code || string(body) != tc.body {
			t.Errorf("%s: code %d body %q err %v, want %d %q", tc.name, code, body, err, tc.code, tc.body)
		}
	}
}

func TestDigestChallenge(t *testing.T) {
	for _, tc := range []struct {
		in        []string
		ok        bool
		realm     string
		qopAuth   bool
		algorithm string
	}{
		{in: []string{`Digest realm="Login to 4C0A1B2PAZ00001", nonce="1736541895"`}, ok: true, realm: "Login to 4C0A1B2PAZ00001"},
		{in: []string{`Basic realm="x"`, `Digest realm="a\"b\\c", nonce="n", qop="auth,auth-int"`}, ok: true, realm: `a"b\c`, qopAuth: true},
		{in: []string{`Digest realm="x", nonce="n", qop="auth-int"`}, ok: false},
		{in: []string{`Digest realm="x", nonce="n", algorithm=MD5-sess`}, ok: false},
		{in: []string{`Digest realm="x", nonce="n", algorithm=SHA-256`}, ok: true, realm: "x", algorithm: "SHA-256"},
		{in: []string{`Digest realm="x"`}, ok: false},
	} {
		ch, ok := digestChallenge(tc.in)
		if ok != tc.ok || (ok && (ch.realm != tc.realm || ch.qopAuth != tc.qopAuth || ch.algorithm != tc.algorithm)) {
			t.Errorf("%q: %+v %v", tc.in, ch, ok)
		}
	}
	// What the header carries is the escaped form; the hash uses the value.
	ch, _ := digestChallenge([]string{`Digest realm="a\"b\\c", nonce="n"`})
	h, err := ch.authorization("DESCRIBE", "rtsp://127.0.0.1/x", "admin", "pw")
	if err != nil || !strings.Contains(h, `realm="a\"b\\c"`) {
		t.Errorf("authorization %q, %v", h, err)
	}
}

// FuzzRTSPReply: no reply makes the reader panic or return more than its
// bound, and every parse of a challenge round-trips through quote.
func FuzzRTSPReply(f *testing.F) {
	f.Add("RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm=\"a\\\"b\", nonce=\"n\", qop=\"auth\"\r\nContent-Length: 3\r\n\r\nabc")
	f.Add("RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 99999999999\r\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		_, hdr, body, err := readRTSPReply(reader(in), "2")
		if len(body) > maxRTSPReply {
			t.Fatalf("body of %d bytes", len(body))
		}
		if err != nil {
			return
		}
		if ch, ok := digestChallenge(hdr.Values("Www-Authenticate")); ok {
			if got := authParams(`realm="` + quote(ch.realm) + `"`)["realm"]; got != ch.realm {
				t.Fatalf("realm %q round-trips as %q", ch.realm, got)
			}
		}
	})
}
