// Package zgrab2 imports zgrab2's JSON Lines output into observations: one
// line per target, with a result per scan module under "data". The fields
// read are those zgrab2's modules write: http (response headers, body),
// ssh (server_id.raw), tls (handshake_log.server_certificates), and the
// banner, telnet, ftp and smtp greetings. Each line is bounded and decoded
// into small structs; a malformed line costs only itself.
package zgrab2

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/probe/tlsprobe"
)

// Name is the format's name and, after "import:", every observation's Source.
const Name = "zgrab2"

// MaxLineBytes bounds one line (one target's results).
const MaxLineBytes = 16 << 20

// MaxBodyBytes bounds the http.body value: the start of the body.
const MaxBodyBytes = 64 << 10

func init() { importer.Register(Format{}) }

// Format reads zgrab2 output. The zero value is ready to use.
type Format struct{}

var _ importer.Format = Format{}

// Name implements importer.Format.
func (Format) Name() string { return Name }

// Description implements importer.Format.
func (Format) Description() string {
	return "zgrab2 JSON Lines output: HTTP Server header, title and body, SSH identification, TLS certificate subject/issuer/serial, banner/telnet/ftp/smtp greetings"
}

// Example implements importer.Format.
func (Format) Example() string {
	return `{"ip":"10.1.2.3","data":{"ssh":{"status":"success","protocol":"ssh","result":{"server_id":{"raw":"SSH-2.0-HUAWEI-1.5","version":"2.0","software":"HUAWEI-1.5"}},"timestamp":"2024-11-27T10:00:00Z"}}}
`
}

// Detect claims files whose first non-blank line is a JSON object with
// zgrab2's "ip" (or "domain") and "data" members.
func (Format) Detect(head []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimLeft(head, " \t\r\n"), []byte("\n"))
	has := func(s string) bool { return bytes.Contains(line, []byte(s)) }
	return bytes.HasPrefix(line, []byte("{")) && (has(`"ip":`) || has(`"domain":`)) && has(`"data":{`) &&
		(has(`"status":`) || has(`"result":`)) && !has(`"ports":`)
}

// record is one line: a target and its module results.
type record struct {
	IP     string            `json:"ip"`
	Domain string            `json:"domain"`
	Data   map[string]module `json:"data"`
}

// module is one module's response (zgrab2.ScanResponse).
type module struct {
	Status    string          `json:"status"`
	Protocol  string          `json:"protocol"`
	Port      int             `json:"port"` // written by newer zgrab2 versions
	Timestamp string          `json:"timestamp"`
	Result    json.RawMessage `json:"result"`
}

// defaultPorts are zgrab2's default ports of the modules read, used when
// the output does not say which port was scanned.
var defaultPorts = map[string]int{
	"http": 80, "ssh": 22, "tls": 443, "telnet": 23, "ftp": 21, "smtp": 25,
}

// bannerKeys maps modules whose result has a "banner" to its key.
var bannerKeys = map[string]string{
	"banner": "tcp.banner",
	"telnet": "telnet.banner",
	"ftp":    "ftp.banner",
	"smtp":   "smtp.banner",
}

// httpResult is the http module's result (modules/http: Results, with the
// response of lib/http: Response, Request and its TLS log).
type httpResult struct {
	Response *struct {
		Headers struct {
			Server          []string `json:"server"`
			WWWAuthenticate []string `json:"www_authenticate"`
		} `json:"headers"`
		Body    string `json:"body"`
		Request *struct {
			URL *struct {
				Scheme string `json:"scheme"`
				Host   string `json:"host"` // "host:port" when not the scheme's port
				Path   string `json:"path"`
			} `json:"url"`
			TLSLog *tlsLog `json:"tls_log"`
		} `json:"request"`
	} `json:"response"`
}

// tlsLog is zgrab2's TLS log (the tls module's result, and an HTTPS
// request's tls_log): the leaf certificate as zcrypto parses it.
type tlsLog struct {
	HandshakeLog struct {
		ServerCertificates *struct {
			Certificate struct {
				Parsed *struct {
					SubjectDN    string `json:"subject_dn"`
					IssuerDN     string `json:"issuer_dn"`
					SerialNumber string `json:"serial_number"` // decimal
				} `json:"parsed"`
			} `json:"certificate"`
		} `json:"server_certificates"`
	} `json:"handshake_log"`
}

type sshResult struct {
	ServerID *struct {
		Raw string `json:"raw"`
	} `json:"server_id"`
}

type bannerResult struct {
	Banner string `json:"banner"`
}

// Read streams the lines of r. A line that is too long, not JSON, has no
// target or a module result of the wrong shape goes to bad with its line.
func (Format) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	lr := textfile.NewLongLines(r, MaxLineBytes)
	for {
		line, tooLong, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %s:%d: %w", Name, src.Name, lr.N+1, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		recErr := func(err error) { bad(&importer.RecordError{File: src.Name, Line: lr.N, Err: err}) }
		if tooLong {
			recErr(fmt.Errorf("line longer than %d bytes", MaxLineBytes))
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		obs, err := observations(line, src.Seen)
		if err != nil {
			recErr(err)
			continue
		}
		for _, o := range obs {
			if err := emit(o); err != nil {
				return err
			}
		}
	}
}

var errNoTarget = errors.New("record has no ip or domain")

func observations(line []byte, fallback time.Time) ([]covered.Observation, error) {
	if line[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return nil, fmt.Errorf("JSON: %w", err)
	}
	host, ip := strings.TrimSpace(rec.Domain), ""
	if a, err := netip.ParseAddr(strings.TrimSpace(rec.IP)); err == nil {
		ip = a.String()
		host = ip
	}
	if host == "" {
		return nil, errNoTarget
	}
	b := builder{base: covered.Observation{Host: host, IP: ip, Source: "import:" + Name}}
	// Modules in a stable order: by name.
	names := make([]string, 0, len(rec.Data))
	for n := range rec.Data {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		m := rec.Data[n]
		if err := b.module(n, &m, fallback); err != nil {
			return nil, fmt.Errorf("data.%s.result: %w", n, err)
		}
	}
	return b.out, nil
}

// maxObsPerRecord bounds the observations of one line.
const maxObsPerRecord = 4096

type builder struct {
	base covered.Observation
	seen time.Time
	port int
	out  []covered.Observation
}

func (b *builder) add(key, value, path string) {
	if value == "" || len(b.out) >= maxObsPerRecord {
		return
	}
	o := b.base
	o.Key, o.Value, o.Path, o.Seen = key, value, path, b.seen
	if b.port > 0 {
		o.Port, o.Transport = b.port, "tcp"
	}
	b.out = append(b.out, o)
}

func (b *builder) module(name string, m *module, fallback time.Time) error {
	proto := m.Protocol
	if proto == "" {
		proto = name
	}
	if len(m.Result) == 0 || string(m.Result) == "null" {
		return nil
	}
	b.seen = fallback
	if t, err := time.Parse(time.RFC3339Nano, m.Timestamp); err == nil {
		b.seen = t.UTC()
	}
	b.port = defaultPorts[proto]
	if m.Port > 0 && m.Port <= 65535 {
		b.port = m.Port
	}
	switch proto {
	case "http":
		var h httpResult
		if err := json.Unmarshal(m.Result, &h); err != nil {
			return err
		}
		b.http(&h)
	case "ssh":
		var s sshResult
		if err := json.Unmarshal(m.Result, &s); err != nil {
			return err
		}
		if s.ServerID != nil {
			b.add("ssh.banner", strings.TrimRight(s.ServerID.Raw, "\r\n"), "")
		}
	case "tls":
		var t tlsLog
		if err := json.Unmarshal(m.Result, &t); err != nil {
			return err
		}
		b.tls(&t)
	case "banner", "telnet", "ftp", "smtp":
		var r bannerResult
		if err := json.Unmarshal(m.Result, &r); err != nil {
			return err
		}
		v := r.Banner
		if proto != "banner" {
			v = strings.TrimRight(v, "\r\n")
		}
		if strings.TrimSpace(v) != "" {
			b.add(bannerKeys[proto], v, "")
		}
	}
	return nil
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func (b *builder) http(h *httpResult) {
	resp := h.Response
	if resp == nil {
		return
	}
	path := "/"
	if resp.Request != nil && resp.Request.URL != nil {
		u := resp.Request.URL
		if u.Path != "" {
			path = u.Path
		}
		if ap, err := netip.ParseAddrPort(u.Host); err == nil && ap.Port() > 0 {
			b.port = int(ap.Port())
		} else if _, p, ok := strings.Cut(u.Host, ":"); ok && !strings.Contains(p, ":") {
			if n, err := strconv.Atoi(p); err == nil && n > 0 && n <= 65535 {
				b.port = n
			}
		} else if u.Scheme == "https" && b.port == 80 {
			b.port = 443
		}
	}
	for _, s := range resp.Headers.Server {
		b.add("http.header.server", strings.TrimSpace(s), "")
	}
	for _, s := range resp.Headers.WWWAuthenticate {
		b.add("http.header.www_authenticate", strings.TrimSpace(s), "")
	}
	if m := titleRE.FindStringSubmatch(resp.Body); m != nil {
		b.add("http.title", strings.Join(strings.Fields(html.UnescapeString(m[1])), " "), "")
	}
	body := resp.Body
	if len(body) > MaxBodyBytes {
		n := MaxBodyBytes
		for n > MaxBodyBytes-utf8.UTFMax && !utf8.RuneStart(body[n]) {
			n--
		}
		body = body[:n]
	}
	b.add("http.body", body, path)
	if resp.Request != nil && resp.Request.TLSLog != nil {
		b.tls(resp.Request.TLSLog)
	}
}

func (b *builder) tls(t *tlsLog) {
	sc := t.HandshakeLog.ServerCertificates
	if sc == nil || sc.Certificate.Parsed == nil {
		return
	}
	p := sc.Certificate.Parsed
	b.add("tls.cert.subject", rfc4514(p.SubjectDN), "")
	b.add("tls.cert.issuer", rfc4514(p.IssuerDN), "")
	b.add("tls.cert.serial", serialHex(p.SerialNumber), "")
}

// serialHex writes zcrypto's decimal serial number as covered's
// tls.cert.serial, as the TLS probe writes it (tlsprobe.SerialHex); "" when
// it is no decimal number.
func serialHex(dec string) string {
	n, ok := new(big.Int).SetString(strings.TrimSpace(dec), 10)
	if !ok {
		return ""
	}
	return tlsprobe.SerialHex(n)
}

// attrStart matches the start of an attribute in zcrypto's DN string: the
// ", " before it, then a type name or dotted OID and "=".
var attrStart = regexp.MustCompile(`, ([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+)=`)

// longNames maps zcrypto's short names to those Go's pkix.Name.String
// (RFC 4514) writes, where they differ.
var longNames = map[string]string{
	"serialNumber": "SERIALNUMBER",
	"street":       "STREET",
	"postalCode":   "POSTALCODE",
}

// rfc4514 turns zcrypto's DN string, "C=CN, O=Hikvision, CN=x" (the
// certificate's order, values unescaped, ", " between), into RFC 4514 as
// covered's own TLS probe writes it: last attribute first, values escaped,
// "," between: "CN=x,O=Hikvision,C=CN".
func rfc4514(dn string) string {
	dn = strings.TrimSpace(dn)
	if dn == "" {
		return ""
	}
	var parts []string
	prev := 0
	for _, m := range attrStart.FindAllStringIndex(dn, -1) {
		parts = append(parts, dn[prev:m[0]])
		prev = m[0] + 2
	}
	parts = append(parts, dn[prev:])
	out := make([]string, 0, len(parts))
	for i := len(parts) - 1; i >= 0; i-- {
		k, v, ok := strings.Cut(parts[i], "=")
		if !ok {
			return dn // not zcrypto's form: keep as written
		}
		if l := longNames[k]; l != "" {
			k = l
		}
		out = append(out, k+"="+escapeDN(v))
	}
	return strings.Join(out, ",")
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
