package nmapxml

import (
	"strings"
)

// xScript is one NSE script result: the text nmap prints, and the structured
// output (elements and nested tables) scripts may add.
type xScript struct {
	ID     string   `xml:"id,attr"`
	Output string   `xml:"output,attr"`
	Elems  []xElem  `xml:"elem"`
	Tables []xTable `xml:"table"`
}

type xElem struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type xTable struct {
	Key    string   `xml:"key,attr"`
	Elems  []xElem  `xml:"elem"`
	Tables []xTable `xml:"table"`
}

// bannerKeys maps nmap's service name to the key of the raw greeting the
// banner script prints; other services get tcp.banner.
var bannerKeys = map[string]string{
	"ssh":    "ssh.banner",
	"telnet": "telnet.banner",
	"ftp":    "ftp.banner",
	"smtp":   "smtp.banner",
}

// script maps the scripts whose output is a raw value we have a key for.
// Scripts that interpret (rtsp-methods, ssh-hostkey, ftp-anon...) add
// nothing: their output is nmap's reading, not the device's words.
func (b *builder) script(s *xScript, port int, transport, service string) {
	switch s.ID {
	case "banner":
		// Not a default script, but common (--script banner).
		key := bannerKeys[service]
		if key == "" {
			key = "tcp.banner"
		}
		if transport == "tcp" {
			b.add(key, strings.TrimSpace(s.Output), port, transport)
		}
	case "http-server-header":
		// A version script: runs when -sV did not recognize an HTTP
		// service; one element per distinct Server header.
		n := 0
		for _, e := range s.Elems {
			if e.Key == "" {
				b.add("http.header.server", strings.TrimSpace(e.Value), port, transport)
				n++
			}
		}
		if n == 0 {
			for _, l := range strings.Split(s.Output, "\n") {
				b.add("http.header.server", strings.TrimSpace(l), port, transport)
			}
		}
	case "http-title":
		// Structured output has "title" only when the page has one;
		// the text then reads "Site doesn't have a title (...)".
		for _, e := range s.Elems {
			if e.Key == "title" {
				b.add("http.title", strings.TrimSpace(e.Value), port, transport)
				return
			}
		}
	case "ssl-cert":
		for _, t := range s.Tables {
			switch t.Key {
			case "subject":
				b.add("tls.cert.subject", rfc4514(t.Elems), port, transport)
			case "issuer":
				b.add("tls.cert.issuer", rfc4514(t.Elems), port, transport)
			}
		}
	case "snmp-sysdescr":
		// "<sysDescr>\n  System uptime: ..."; sysDescr may itself span
		// lines, the uptime line is nmap's.
		v := s.Output
		if i := strings.Index(v, "\n  System uptime:"); i >= 0 {
			v = v[:i]
		}
		b.add("snmp.sysdescr", strings.TrimSpace(v), port, transport)
	}
}

// shortNames are RFC 4514 §3 attribute type names for the long names nmap
// (OpenSSL) uses in ssl-cert's subject and issuer tables.
var shortNames = map[string]string{
	"commonName":             "CN",
	"countryName":            "C",
	"localityName":           "L",
	"stateOrProvinceName":    "ST",
	"organizationName":       "O",
	"organizationalUnitName": "OU",
	"streetAddress":          "STREET",
	"domainComponent":        "DC",
	"userId":                 "UID",
}

// rfc4514 writes a name table as "CN=x,O=y,...", in the order nmap gives.
func rfc4514(elems []xElem) string {
	var parts []string
	for _, e := range elems {
		if e.Key == "" {
			continue
		}
		k := shortNames[e.Key]
		if k == "" {
			k = e.Key
		}
		parts = append(parts, k+"="+escapeDN(e.Value))
	}
	return strings.Join(parts, ",")
}

// escapeDN escapes an attribute value as RFC 4514 §2.4 asks.
func escapeDN(v string) string {
	var sb strings.Builder
	for i, r := range v {
		switch {
		case strings.ContainsRune(`,+"\<>;`, r),
			i == 0 && (r == ' ' || r == '#'),
			i == len(v)-1 && r == ' ':
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}
