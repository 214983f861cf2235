package lab

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// serveRTSP answers RTSP/1.0 requests (RFC 2326): OPTIONS with the methods
// a camera supports, DESCRIBE with the profile's challenge (401) or SDP,
// anything else with 501.
func (s *service) serveRTSP(c net.Conn) {
	tr := textproto.NewReader(bufio.NewReader(io.LimitReader(c, maxRequest)))
	for range 20 {
		c.SetDeadline(time.Now().Add(idleTimeout))
		line, err := tr.ReadLine()
		if err != nil {
			break
		}
		method, uri, ok := parseRTSPLine(line)
		if !ok {
			c.Write([]byte("RTSP/1.0 400 Bad Request\r\n\r\n"))
			break
		}
		hdr, err := tr.ReadMIMEHeader()
		if err != nil {
			break
		}
		if n, _ := strconv.Atoi(hdr.Get("Content-Length")); n > 0 {
			if _, err := io.CopyN(io.Discard, tr.R, int64(min(n, 64<<10))); err != nil {
				break
			}
		}
		if _, err := c.Write(s.rtspReply(method, uri, hdr.Get("CSeq"), hdr.Get("Authorization"))); err != nil {
			return
		}
	}
	finish(c)
}

func parseRTSPLine(line string) (method, uri string, ok bool) {
	f := strings.Fields(line)
	if len(f) != 3 || !strings.HasPrefix(f[2], "RTSP/") {
		return "", "", false
	}
	return f[0], f[1], true
}

func (s *service) rtspReply(method, uri, cseq, authorization string) []byte {
	r := s.svc.RTSP
	var b bytes.Buffer
	head := func(code int, reason string) {
		fmt.Fprintf(&b, "RTSP/1.0 %d %s\r\nCSeq: %s\r\n", code, reason, cseq)
		if r.Server != nil {
			fmt.Fprintf(&b, "Server: %s\r\n", s.text(r.Server))
		}
	}
	switch {
	case method == "OPTIONS":
		head(200, "OK")
		b.WriteString("Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER\r\n\r\n")
	case method == "DESCRIBE" && r.Auth != nil && r.SDP != nil && s.rtspAccepts(method, authorization):
		sdp := s.text(r.SDP)
		head(200, "OK")
		fmt.Fprintf(&b, "Content-Base: %s/\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", uri, len(sdp), sdp)
	case method == "DESCRIBE" && r.Auth != nil:
		head(401, "Unauthorized")
		fmt.Fprintf(&b, "WWW-Authenticate: %s\r\n\r\n", s.text(r.Auth))
	case method == "DESCRIBE" && r.SDP != nil:
		sdp := s.text(r.SDP)
		head(200, "OK")
		fmt.Fprintf(&b, "Content-Base: %s/\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", uri, len(sdp), sdp)
	case method == "DESCRIBE":
		head(404, "Not Found")
		b.WriteString("\r\n")
	default:
		head(501, "Not Implemented")
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// rtspAccepts reports whether authorization is a Digest answer (RFC 7616,
// MD5, with or without qop=auth) to the service's own challenge for one of
// its accounts.
func (s *service) rtspAccepts(method, authorization string) bool {
	r := s.svc.RTSP
	scheme, rest, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	if len(r.Accounts) == 0 || !strings.EqualFold(scheme, "digest") {
		return false
	}
	_, chRest, _ := strings.Cut(s.text(r.Auth), " ")
	ch, got := digestParams(chRest), digestParams(rest)
	if got["realm"] != ch["realm"] || got["nonce"] != ch["nonce"] || got["uri"] == "" {
		return false
	}
	if a := got["algorithm"]; a != "" && !strings.EqualFold(a, "MD5") {
		return false
	}
	for _, acct := range r.Accounts {
		if acct.User != got["username"] {
			continue
		}
		ha1 := md5hex(acct.User + ":" + ch["realm"] + ":" + acct.Password)
		ha2 := md5hex(method + ":" + got["uri"])
		want := md5hex(ha1 + ":" + ch["nonce"] + ":" + ha2)
		if got["qop"] == "auth" {
			want = md5hex(ha1 + ":" + ch["nonce"] + ":" + got["nc"] + ":" + got["cnonce"] + ":auth:" + ha2)
		}
		return subtle.ConstantTimeCompare([]byte(want), []byte(got["response"])) == 1
	}
	return false
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// digestParams parses Digest auth-params: name=value or name="value".
func digestParams(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, ", ") {
		name, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			v, after, _ := strings.Cut(rest[1:], `"`)
			val, s = v, after
		} else {
			v, after, _ := strings.Cut(rest, ",")
			val, s = strings.TrimSpace(v), after
		}
		out[strings.ToLower(strings.TrimSpace(name))] = val
	}
	return out
}
