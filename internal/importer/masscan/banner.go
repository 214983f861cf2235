package masscan

import (
	"strconv"
	"strings"
)

// bannerKeys maps masscan's banner names (proto_banner names in masscan's
// source) to the key of what the banner holds verbatim.
var bannerKeys = map[string]string{
	"ssh":         "ssh.banner",
	"ftp":         "ftp.banner",
	"telnet":      "telnet.banner",
	"smtp":        "smtp.banner",
	"title":       "http.title",
	"http.server": "http.header.server",
}

// banner maps one banner record. masscan names the banner after the
// protocol that produced it: "http" is the response head (kept when it is
// one), "title" the page title, "X509" a base64 certificate and "ssl" a
// cipher summary (skipped unless they carry a "subject:" line); any other
// TCP banner is the service's first bytes.
func (b *builder) banner(name, banner, transport string, port int) {
	if !validPort(transport, port) {
		return
	}
	v := unescapeX(banner)
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "http":
		if strings.HasPrefix(v, "HTTP/") {
			b.add("http.response", v, transport, port)
		}
	case "title", "http.server":
		b.add(bannerKeys[n], strings.TrimSpace(v), transport, port)
	case "ssh", "ftp", "telnet", "smtp":
		b.add(bannerKeys[n], strings.TrimRight(v, "\r\n"), transport, port)
	case "x509", "ssl":
		if len(v) > 8 && strings.EqualFold(v[:8], "subject:") {
			b.add("tls.cert.subject", strings.TrimSpace(v[8:]), transport, port)
		}
	default:
		if transport == "tcp" && strings.TrimSpace(v) != "" {
			b.add("tcp.banner", v, transport, port)
		}
	}
}

// unescapeX decodes the \xNN escapes masscan writes for bytes it does not
// print; other backslashes stay.
func unescapeX(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				sb.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
