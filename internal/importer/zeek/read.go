package zeek

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/importer/flow"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// maxLine bounds one line; longer lines are reported and skipped.
const maxLine = 256 << 10

// Bounds of the per-file set of observations already emitted; past either,
// new observations are emitted every time they occur.
const (
	maxSeen      = 1 << 20
	maxSeenBytes = 64 << 20
)

var (
	errNoFields  = errors.New("data line before a #fields header")
	errFieldCnt  = errors.New("field count does not match #fields")
	errJSON      = errors.New("invalid JSON line")
	errTime      = errors.New("bad ts: want Unix seconds or ISO 8601")
	errHost      = errors.New("host is not an IP address")
	errSeparator = errors.New("bad #separator header")
)

// reader holds the state of one file: the current TSV header and the set of
// observations already emitted.
type reader struct {
	source string
	file   string
	seen   time.Time
	emit   func(covered.Observation) error
	bad    func(*importer.RecordError)

	// TSV header state.
	sep        []byte
	unset      string
	empty      string
	path       string
	fields     map[string]int
	nfields    int
	haveFields bool

	flows *flow.Matcher // nil without a network lookup: conn.log is skipped

	done      map[string]struct{}
	doneBytes int
	key       []byte
	cols      [][]byte
}

func newReader(name string, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) *reader {
	z := &reader{
		source: "import:" + name, file: src.Name, seen: src.Seen, emit: emit, bad: bad,
		sep: []byte{'\t'}, unset: "-", empty: "(empty)", done: map[string]struct{}{},
	}
	if src.Options.Networks != nil {
		z.flows = flow.NewMatcher(name, src, emit)
	}
	return z
}

// lineErr marks an error as the line's fault.
type lineErr struct{ error }

func (z *reader) run(ctx context.Context, r io.Reader) error {
	lr := textfile.NewLinesMax(r, maxLine)
	for {
		if lr.N%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if errors.Is(err, textfile.ErrLong) {
			z.badLine(lr.N, err)
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", z.file, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		switch line[0] {
		case '#':
			err = z.header(line)
		case '{':
			err = z.jsonLine(line)
		default:
			err = z.tsvLine(line)
		}
		if err != nil {
			var le lineErr
			if errors.As(err, &le) {
				z.badLine(lr.N, le.error)
				continue
			}
			return err
		}
	}
}

func (z *reader) badLine(n int, err error) {
	z.bad(&importer.RecordError{File: z.file, Line: n, Err: err})
}

// header reads one "#name<sep>value" line. #separator always uses a space.
func (z *reader) header(line []byte) error {
	if v, ok := bytes.CutPrefix(line, []byte("#separator ")); ok {
		sep := unescapeTSV(v)
		if sep == "" {
			return lineErr{errSeparator}
		}
		z.sep = []byte(sep)
		return nil
	}
	name, val, _ := bytes.Cut(line[1:], z.sep)
	switch string(name) {
	case "unset_field":
		z.unset = string(val)
	case "empty_field":
		z.empty = string(val)
	case "path":
		z.path = string(val)
	case "fields":
		z.fields = map[string]int{}
		n := 0
		for f := range bytes.SplitSeq(val, z.sep) {
			z.fields[string(f)] = n
			n++
		}
		z.nfields = n
		z.haveFields = true
	case "open":
		// A new log section: #fields follows.
		z.haveFields = false
	}
	return nil
}

// tsvLine reads a data line under the current header.
func (z *reader) tsvLine(line []byte) error {
	if !z.haveFields {
		return lineErr{errNoFields}
	}
	if kindOf(z.path, nil) == "" {
		return nil
	}
	z.cols = z.cols[:0]
	for c := range bytes.SplitSeq(line, z.sep) {
		z.cols = append(z.cols, c)
	}
	if len(z.cols) != z.nfields {
		return lineErr{fmt.Errorf("%w: %d fields, want %d", errFieldCnt, len(z.cols), z.nfields)}
	}
	get := func(name string) string {
		i, ok := z.fields[name]
		if !ok {
			return ""
		}
		v := string(z.cols[i])
		if v == z.unset || v == z.empty || v == "-" || v == "(empty)" {
			return ""
		}
		return unescapeTSV(z.cols[i])
	}
	return z.record(kindOf(z.path, nil), get)
}

// jsonLine reads one JSON object; nested objects ("id": {"orig_h": ...})
// are flattened to dotted names, as Zeek's default JSON writes them.
func (z *reader) jsonLine(line []byte) error {
	var obj map[string]any
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil || d.More() {
		return lineErr{errJSON}
	}
	flat := make(map[string]string, len(obj))
	flatten("", obj, flat)
	path := flat["_path"]
	kind := kindOf(path, flat)
	if kind == "" {
		return nil
	}
	get := func(name string) string {
		v := flat[name]
		if v == "-" || v == "(empty)" {
			return ""
		}
		return v
	}
	return z.record(kind, get)
}

func flatten(prefix string, obj map[string]any, out map[string]string) {
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			out[prefix+k] = v
		case json.Number:
			out[prefix+k] = v.String()
		case bool:
			out[prefix+k] = strconv.FormatBool(v)
		case map[string]any:
			if prefix == "" {
				flatten(k+".", v, out)
			}
		case []any:
			// Sets and vectors: the first string element is enough for the
			// fields read here (none are containers by default).
			out[prefix+k] = ""
		}
	}
}

// kindOf names the log: from its path, or for JSON without "_path", from
// its fields. It returns "" for logs not read.
func kindOf(path string, f map[string]string) string {
	if path != "" || f == nil {
		switch path {
		case "software", "http", "dhcp", "ssl", "ssh", "known_services", "conn":
			return path
		}
		return ""
	}
	has := func(k string) bool { _, ok := f[k]; return ok }
	switch {
	case has("software_type") && has("host"):
		return "software"
	case has("user_agent") && (has("method") || has("uri") || has("trans_depth")):
		return "http"
	case has("msg_types") || (has("mac") && (has("assigned_addr") || has("client_addr"))):
		return "dhcp"
	case has("port_num") && has("port_proto") && has("host"):
		return "known_services"
	case has("cipher") || has("server_name") || has("ssl_history"):
		return "ssl"
	case has("auth_attempts") || (has("server") && has("client") && has("id.resp_h")):
		return "ssh"
	case has("id.resp_h") && (has("conn_state") || has("history") && has("proto")):
		return "conn"
	}
	return ""
}

type kv struct{ key, value string }

// connProtos are the IANA numbers of conn.log's proto field.
var connProtos = map[string]uint8{"tcp": flow.ProtoTCP, "udp": flow.ProtoUDP, "icmp": flow.ProtoICMP}

// conn reads one conn.log line as a flow; without a network lookup
// (--asn-db, --asn-prefixes) conn.log says nothing covered reads.
func (z *reader) conn(get func(string) string) error {
	if z.flows == nil {
		return nil
	}
	orig, err1 := netip.ParseAddr(get("id.orig_h"))
	resp, err2 := netip.ParseAddr(get("id.resp_h"))
	if err1 != nil || err2 != nil {
		return lineErr{fmt.Errorf("%w: %q or %q", errHost, get("id.orig_h"), get("id.resp_h"))}
	}
	seen, err := parseTS(get("ts"), z.seen)
	if err != nil {
		return lineErr{err}
	}
	return z.flows.Flow(orig, resp, uint16(portOf(get("id.orig_p"))), uint16(portOf(get("id.resp_p"))), connProtos[get("proto")], seen)
}

// record emits the observations of one line of the given kind.
func (z *reader) record(kind string, get func(string) string) error {
	if kind == "conn" {
		return z.conn(get)
	}
	var (
		host, mac string
		port      int
		transport string
		obs       [4]kv
		n         int
	)
	add := func(k, v string) {
		if v != "" {
			obs[n] = kv{k, v}
			n++
		}
	}
	switch kind {
	case "software":
		host = get("host")
		v := get("unparsed_version")
		if v == "" {
			v = get("name")
		}
		add("software.name", v)
	case "http":
		host = get("id.orig_h")
		add("http.user_agent", get("user_agent"))
	case "dhcp":
		mac = get("mac")
		for _, f := range []string{"assigned_addr", "client_addr", "requested_addr"} {
			if host = get(f); host != "" && host != "0.0.0.0" {
				break
			}
			host = ""
		}
		add("mac", mac)
		add("dhcp.hostname", get("host_name"))
		add("hostname", get("client_fqdn"))
		vc := get("client_software")
		if vc == "" {
			vc = get("vendor_class")
		}
		add("dhcp.vendor_class", vc)
	case "ssl":
		host = get("id.resp_h")
		port, transport = portOf(get("id.resp_p")), "tcp"
		s, i := get("subject"), get("issuer")
		if s == "" {
			s = get("certificate.subject")
		}
		if i == "" {
			i = get("certificate.issuer")
		}
		add("tls.cert.subject", s)
		add("tls.cert.issuer", i)
	case "ssh":
		host = get("id.resp_h")
		port, transport = portOf(get("id.resp_p")), "tcp"
		add("ssh.banner", get("server"))
	case "known_services":
		host = get("host")
		port = portOf(get("port_num"))
		transport = strings.ToLower(get("port_proto"))
		if port > 0 && (transport == "tcp" || transport == "udp") {
			add("port.open", transport+"/"+strconv.Itoa(port))
		}
	}
	if n == 0 {
		return nil
	}
	if port == 0 {
		transport = ""
	}
	ip := ""
	if host != "" {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return lineErr{fmt.Errorf("%w: %q", errHost, host)}
		}
		ip = a.Unmap().String()
		host = ip
	} else if mac != "" {
		host = mac
	} else {
		return nil
	}
	seen, err := parseTS(get("ts"), z.seen)
	if err != nil {
		return lineErr{err}
	}
	for _, o := range obs[:n] {
		z.key = append(z.key[:0], host...)
		z.key = append(append(z.key, 0), o.key...)
		z.key = append(append(z.key, 0), o.value...)
		z.key = strconv.AppendInt(append(z.key, 0), int64(port), 10)
		if _, dup := z.done[string(z.key)]; dup {
			continue
		}
		if len(z.done) < maxSeen && z.doneBytes+len(z.key) <= maxSeenBytes {
			z.done[string(z.key)] = struct{}{}
			z.doneBytes += len(z.key)
		}
		err := z.emit(covered.Observation{
			Host: host, Key: o.key, Value: o.value, Port: port, Transport: transport,
			Source: z.source, Seen: seen, IP: ip, MAC: mac,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func portOf(s string) int {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0
	}
	return p
}

// parseTS reads Zeek's ts: Unix seconds with an optional fraction, or
// ISO 8601. An absent ts gives def.
func parseTS(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
		sec, frac, _ := strings.Cut(s, ".")
		n, err := strconv.ParseInt(sec, 10, 64)
		if err != nil || len(frac) > 9 || n > 1<<40 {
			return time.Time{}, errTime
		}
		var ns int64
		for i := range 9 {
			ns *= 10
			if i < len(frac) {
				c := frac[i]
				if c < '0' || c > '9' {
					return time.Time{}, errTime
				}
				ns += int64(c - '0')
			}
		}
		return time.Unix(n, ns).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errTime
	}
	return t.UTC(), nil
}

// unescapeTSV undoes the ASCII writer's \xHH escapes and "\\".
func unescapeTSV(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			if h, ok := hexByte(b[i+2], b[i+3]); ok {
				out = append(out, h)
				i += 3
				continue
			}
		}
		if b[i] == '\\' && i+1 < len(b) && b[i+1] == '\\' {
			out = append(out, '\\')
			i++
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}

func hexByte(a, b byte) (byte, bool) {
	x, ok1 := unhex(a)
	y, ok2 := unhex(b)
	return x<<4 | y, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
