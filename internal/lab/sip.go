package lab

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
)

// answerSIP replies 200 OK to OPTIONS (RFC 3261 §11.2), copying Via, From,
// Call-ID and CSeq, tagging To, and carrying the profile's Server or
// User-Agent header. Other requests and malformed datagrams get nothing.
func (s *service) answerSIP(req []byte, _ netip.AddrPort) [][]byte {
	lines := strings.Split(strings.ReplaceAll(string(req), "\r\n", "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "OPTIONS ") || !strings.HasSuffix(lines[0], " SIP/2.0") {
		return nil
	}
	var via []string
	hdr := map[string]string{}
	for _, l := range lines[1:] {
		if l == "" {
			break
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k { // compact forms, RFC 3261 §7.3.3
		case "v":
			k = "via"
		case "f":
			k = "from"
		case "t":
			k = "to"
		case "i":
			k = "call-id"
		}
		if k == "via" {
			via = append(via, v)
		} else if _, seen := hdr[k]; !seen {
			hdr[k] = v
		}
	}
	if len(via) == 0 || hdr["from"] == "" || hdr["to"] == "" || hdr["call-id"] == "" || hdr["cseq"] == "" {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("SIP/2.0 200 OK\r\n")
	for _, v := range via {
		fmt.Fprintf(&b, "Via: %s\r\n", v)
	}
	to := hdr["to"]
	if !strings.Contains(to, ";tag=") {
		to += ";tag=" + strings.ReplaceAll(s.dev.MAC, ":", "")
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n", hdr["from"], to, hdr["call-id"], hdr["cseq"])
	if t := s.svc.SIP.Server; t != nil {
		fmt.Fprintf(&b, "Server: %s\r\n", s.text(t))
	}
	if t := s.svc.SIP.UserAgent; t != nil {
		fmt.Fprintf(&b, "User-Agent: %s\r\n", s.text(t))
	}
	b.WriteString("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n")
	return [][]byte{b.Bytes()}
}
