package nmapxml

import (
	"strconv"
	"strings"
)

// When -sV does not recognize a service, nmap records what the service said
// in the servicefp attribute: "SF-Port23-TCP:V=7.93%...%r(NULL,30,"...")"
// with one %r(PROBE,HEXLEN,"ESCAPED") per probe that got a reply. These are
// the device's own bytes, so the replies we have keys for become
// observations: the greeting to the NULL probe (a banner), the reply to
// GetRequest (an HTTP response) and to RTSPRequest (an RTSP response).

// fpReply is one probe's reply in a service fingerprint.
type fpReply struct {
	probe string
	data  string
}

// fpReplies parses the %r(...) entries of a service fingerprint. Entries
// whose decoded length differs from the length nmap wrote are dropped.
func fpReplies(fp string) []fpReply {
	var out []fpReply
	for {
		i := strings.Index(fp, "%r(")
		if i < 0 {
			return out
		}
		fp = fp[i+3:]
		name, rest, ok := strings.Cut(fp, ",")
		if !ok {
			return out
		}
		hexLen, rest, ok := strings.Cut(rest, ",")
		if !ok || !strings.HasPrefix(rest, `"`) {
			return out
		}
		n, err := strconv.ParseUint(hexLen, 16, 32)
		data, tail, ok := unescapeFP(rest[1:])
		fp = tail
		if !ok {
			return out
		}
		if err == nil && uint64(len(data)) == n {
			out = append(out, fpReply{probe: name, data: data})
		}
	}
}

// unescapeFP decodes nmap's fingerprint string escapes (\xHH, \r, \n, \t,
// \0, and a backslash before any other character) up to the closing quote,
// and returns the rest after it.
func unescapeFP(s string) (data, rest string, ok bool) {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return sb.String(), s[i+1:], true
		case '\\':
			if i+1 >= len(s) {
				return "", "", false
			}
			i++
			switch e := s[i]; e {
			case 'r':
				sb.WriteByte('\r')
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case '0':
				sb.WriteByte(0)
			case 'x':
				if i+2 >= len(s) {
					return "", "", false
				}
				v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
				if err != nil {
					return "", "", false
				}
				sb.WriteByte(byte(v))
				i += 2
			default:
				sb.WriteByte(e)
			}
		default:
			sb.WriteByte(c)
		}
	}
	return "", "", false
}

// fingerprint maps the replies of an unrecognized service.
func (b *builder) fingerprint(fp, service string, port int, transport string) {
	for _, r := range fpReplies(fp) {
		switch r.probe {
		case "NULL":
			key := bannerKeys[service]
			v := r.data
			if service == "telnet" {
				v = stripTelnet(v)
			}
			if key == "" {
				key = "tcp.banner"
			} else {
				v = strings.TrimRight(v, "\r\n")
			}
			if strings.TrimSpace(v) != "" {
				b.add(key, v, port, transport)
			}
		case "GetRequest":
			if strings.HasPrefix(r.data, "HTTP/") {
				b.add("http.response", r.data, port, transport)
			}
		case "RTSPRequest":
			if strings.HasPrefix(r.data, "RTSP/") {
				b.add("rtsp.response", r.data, port, transport)
			}
		}
	}
}

// Telnet (RFC 854) command bytes.
const (
	tIAC = 255
	tSB  = 250
	tSE  = 240
	tWIL = 251
	tDNT = 254
)

// stripTelnet drops Telnet negotiation (IAC sequences) and NULs from a
// greeting, keeping the text.
func stripTelnet(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0:
		case c != tIAC:
			sb.WriteByte(c)
		case i+1 < len(s) && s[i+1] == tIAC:
			sb.WriteByte(tIAC)
			i++
		case i+1 < len(s) && s[i+1] >= tWIL && s[i+1] <= tDNT:
			i += 2
		case i+1 < len(s) && s[i+1] == tSB:
			j := strings.Index(s[i:], string([]byte{tIAC, tSE}))
			if j < 0 {
				return sb.String()
			}
			i += j + 1
		default:
			i++
		}
	}
	return sb.String()
}
