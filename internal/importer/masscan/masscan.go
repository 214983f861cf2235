// Package masscan imports masscan's JSON (-oJ) and XML (-oX) output into
// observations: open ports and, from --banners scans, the banners masscan
// grabbed. masscan writes one record per line in both formats, so both are
// read line by line, each line bounded; a malformed record costs only its
// line.
package masscan

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// Format names; after "import:", every observation's Source.
const (
	JSONName = "masscan-json"
	XMLName  = "masscan-xml"
)

// MaxLineBytes bounds one record (a line, or a <host> element spread over
// lines). masscan's banners are at most a few KiB.
const MaxLineBytes = 1 << 20

// detectWindow is how far into the file Detect looks.
const detectWindow = 4096

func init() {
	importer.Register(JSONFormat{})
	importer.Register(XMLFormat{})
}

// JSONFormat reads masscan -oJ output. The zero value is ready to use.
type JSONFormat struct{}

// XMLFormat reads masscan -oX output. The zero value is ready to use.
type XMLFormat struct{}

var (
	_ importer.Format = JSONFormat{}
	_ importer.Format = XMLFormat{}
)

// Name implements importer.Format.
func (JSONFormat) Name() string { return JSONName }

// Name implements importer.Format.
func (XMLFormat) Name() string { return XMLName }

// Description implements importer.Format.
func (JSONFormat) Description() string {
	return "masscan JSON output (masscan -oJ): open ports and --banners banners (ssh, http, title, ftp, telnet, smtp...)"
}

// Description implements importer.Format.
func (XMLFormat) Description() string {
	return "masscan XML output (masscan -oX): open ports and --banners banners (ssh, http, title, ftp, telnet, smtp...)"
}

// Example implements importer.Format.
func (JSONFormat) Example() string {
	return `[
{   "ip": "10.1.2.3",   "timestamp": "1732701600", "ports": [ {"port": 22, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] }
,
{   "ip": "10.1.2.3",   "timestamp": "1732701603", "ports": [ {"port": 22, "proto": "tcp", "service": {"name": "ssh", "banner": "SSH-2.0-HUAWEI-1.5"} } ] }
]
`
}

// Example implements importer.Format.
func (XMLFormat) Example() string {
	return `<?xml version="1.0"?>
<!-- masscan v1.0 scan -->
<nmaprun scanner="masscan" start="1732701600" version="1.0-BETA"  xmloutputversion="1.03">
<scaninfo type="syn" protocol="tcp" />
<host endtime="1732701600"><address addr="10.1.2.3" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/></port></ports></host>
<host endtime="1732701603"><address addr="10.1.2.3" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open" reason="response" reason_ttl="64"/><service name="ssh" banner="SSH-2.0-HUAWEI-1.5"></service></port></ports></host>
<runstats>
<finished time="1732701610" timestr="2024-11-27 10:00:10" elapsed="10" />
<hosts up="1" down="0" total="1" />
</runstats>
</nmaprun>
`
}

// Detect claims files whose first record is a masscan JSON object: an
// object with "ip", "timestamp" and "ports", optionally inside "[".
func (JSONFormat) Detect(head []byte) bool {
	if len(head) > detectWindow {
		head = head[:detectWindow]
	}
	head = bytes.TrimLeft(head, " \t\r\n")
	if rest, ok := bytes.CutPrefix(head, []byte("[")); ok {
		head = bytes.TrimLeft(rest, " \t\r\n")
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	has := func(s string) bool { return bytes.Contains(line, []byte(s)) }
	return bytes.HasPrefix(line, []byte("{")) && has(`"ip"`) && has(`"timestamp"`) && has(`"ports"`)
}

// Detect claims nmap-style XML that masscan wrote: an <nmaprun> element
// with scanner="masscan" near the start.
func (XMLFormat) Detect(head []byte) bool {
	if len(head) > detectWindow {
		head = head[:detectWindow]
	}
	i := bytes.Index(head, []byte("<nmaprun"))
	if i < 0 {
		return false
	}
	tag, _, _ := bytes.Cut(head[i:], []byte(">"))
	return bytes.Contains(tag, []byte(`scanner="masscan"`))
}

// errNoIP rejects a record without a valid IP address.
var errNoIP = errors.New("record has no valid IP address")

// jRecord is one line of -oJ: a status record (ports[].status) or a banner
// record (ports[].service).
type jRecord struct {
	IP        string          `json:"ip"`
	Timestamp json.RawMessage `json:"timestamp"` // "1732701600"; a number in some versions
	Ports     []struct {
		Port    int    `json:"port"`
		Proto   string `json:"proto"`
		Status  string `json:"status"`
		Service *struct {
			Name   string `json:"name"`
			Banner string `json:"banner"`
		} `json:"service"`
	} `json:"ports"`
}

// Read streams the records of r. Lines that are only JSON array syntax
// ("[", "]", ",") and the "{finished: 1}" trailer of old versions are
// skipped; any other line that is not a masscan record goes to bad.
func (JSONFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	lr := textfile.NewLongLines(r, MaxLineBytes)
	for {
		line, tooLong, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %s:%d: %w", JSONName, src.Name, lr.N+1, err)
		}
		if lr.N%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		recErr := func(err error) { bad(&importer.RecordError{File: src.Name, Line: lr.N, Err: err}) }
		if tooLong {
			recErr(fmt.Errorf("line longer than %d bytes", MaxLineBytes))
			continue
		}
		line = bytes.TrimSpace(line)
		line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte(",")))
		line = bytes.TrimSpace(bytes.TrimSuffix(line, []byte(",")))
		line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte("[")))
		line = bytes.TrimSpace(bytes.TrimSuffix(line, []byte("]")))
		if len(line) == 0 || bytes.HasPrefix(line, []byte("{finished")) {
			continue
		}
		if line[0] != '{' {
			recErr(errors.New("not a JSON object"))
			continue
		}
		var rec jRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			recErr(fmt.Errorf("JSON: %w", err))
			continue
		}
		b, err := newBuilder(JSONName, rec.IP, strings.Trim(string(rec.Timestamp), `"`), src.Seen)
		if err != nil {
			recErr(err)
			continue
		}
		for _, p := range rec.Ports {
			if p.Service == nil {
				if p.Status == "open" {
					b.open(p.Proto, p.Port)
				}
				continue
			}
			b.banner(p.Service.Name, p.Service.Banner, p.Proto, p.Port)
		}
		for _, o := range b.out {
			if err := emit(o); err != nil {
				return err
			}
		}
	}
}

// xHost is one <host> line of -oX.
type xHost struct {
	EndTime   string `xml:"endtime,attr"`
	Addresses []struct {
		Addr     string `xml:"addr,attr"`
		AddrType string `xml:"addrtype,attr"`
	} `xml:"address"`
	Ports []struct {
		Protocol string `xml:"protocol,attr"`
		PortID   string `xml:"portid,attr"`
		State    struct {
			State string `xml:"state,attr"`
		} `xml:"state"`
		Service *struct {
			Name   string `xml:"name,attr"`
			Banner string `xml:"banner,attr"`
		} `xml:"service"`
	} `xml:"ports>port"`
}

// Read streams the <host> elements of r. masscan writes each on one line;
// one spread over lines is read up to MaxLineBytes and reported at the line
// it starts on. Other markup lines are skipped; a non-blank line that is
// not markup goes to bad. Read fails when r holds no <nmaprun> element and
// no host at all.
func (XMLFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	lr := textfile.NewLongLines(r, MaxLineBytes)
	seen := src.Seen
	sawRun, hosts := false, 0
	var acc []byte
	start, inHost, accTooLong := 0, false, false
	finish := func() error {
		inHost = false
		recErr := func(err error) { bad(&importer.RecordError{File: src.Name, Line: start, Err: err}) }
		if accTooLong {
			recErr(fmt.Errorf("host element longer than %d bytes", MaxLineBytes))
			return nil
		}
		var h xHost
		if err := xml.Unmarshal(acc, &h); err != nil {
			recErr(fmt.Errorf("host: %w", err))
			return nil
		}
		ip := ""
		for _, a := range h.Addresses {
			if a.AddrType == "ipv4" || a.AddrType == "ipv6" {
				ip = a.Addr
				break
			}
		}
		b, err := newBuilder(XMLName, ip, h.EndTime, seen)
		if err != nil {
			recErr(err)
			return nil
		}
		for _, p := range h.Ports {
			n, err := strconv.Atoi(p.PortID)
			if err != nil {
				continue
			}
			if p.Service == nil {
				if p.State.State == "open" {
					b.open(p.Protocol, n)
				}
				continue
			}
			b.banner(p.Service.Name, p.Service.Banner, p.Protocol, n)
		}
		for _, o := range b.out {
			if err := emit(o); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		line, tooLong, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %s:%d: %w", XMLName, src.Name, lr.N+1, err)
		}
		if lr.N%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if inHost {
			if tooLong || len(acc)+len(line)+1 > MaxLineBytes {
				accTooLong, acc = true, acc[:0]
			} else if !accTooLong {
				acc = append(append(acc, '\n'), line...)
			}
			if bytes.Contains(line, []byte("</host>")) {
				if err := finish(); err != nil {
					return err
				}
			}
			continue
		}
		if tooLong {
			bad(&importer.RecordError{File: src.Name, Line: lr.N, Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)})
			continue
		}
		t := bytes.TrimSpace(line)
		switch {
		case len(t) == 0:
		case isTag(t, "<host"):
			hosts++
			start, inHost, accTooLong = lr.N, true, false
			acc = append(acc[:0], t...)
			if bytes.Contains(t, []byte("</host>")) || bytes.HasSuffix(t, []byte("/>")) && bytes.Count(t, []byte("<")) == 1 {
				if err := finish(); err != nil {
					return err
				}
			}
		case isTag(t, "<nmaprun"):
			sawRun = true
			if ts, ok := unixTime(attrOf(t, "start")); ok {
				seen = ts
			}
		case t[0] == '<':
			// Preamble, <scaninfo>, <runstats>, closing tags: nothing observed.
		default:
			bad(&importer.RecordError{File: src.Name, Line: lr.N, Err: errors.New("not XML markup")})
		}
	}
	if inHost {
		bad(&importer.RecordError{File: src.Name, Line: start, Err: errors.New("host: unexpected end of input before </host>")})
	}
	if !sawRun && hosts == 0 {
		return fmt.Errorf("%s: %s:%d: no <nmaprun> element: not masscan XML output", XMLName, src.Name, lr.N)
	}
	return nil
}

// isTag reports whether t starts with the start tag name (followed by a
// space, ">" or "/").
func isTag(t []byte, name string) bool {
	if !bytes.HasPrefix(t, []byte(name)) {
		return false
	}
	if len(t) == len(name) {
		return true
	}
	switch t[len(name)] {
	case ' ', '\t', '>', '/':
		return true
	}
	return false
}

// attrOf finds name="value" in a start tag line.
func attrOf(t []byte, name string) string {
	_, rest, ok := bytes.Cut(t, []byte(" "+name+`="`))
	if !ok {
		return ""
	}
	v, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(v)
}

// unixTime parses masscan's Unix-seconds times.
func unixTime(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}

// maxObsPerRecord bounds the observations of one record.
const maxObsPerRecord = 1024

// builder accumulates the observations of one record.
type builder struct {
	base covered.Observation
	out  []covered.Observation
}

func newBuilder(format, ip, ts string, fallback time.Time) (*builder, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return nil, errNoIP
	}
	seen := fallback
	if t, ok := unixTime(ts); ok {
		seen = t
	}
	host := a.String()
	return &builder{base: covered.Observation{Host: host, IP: host, Source: "import:" + format, Seen: seen}}, nil
}

func (b *builder) add(key, value, transport string, port int) {
	if value == "" || len(b.out) >= maxObsPerRecord {
		return
	}
	o := b.base
	o.Key, o.Value, o.Port, o.Transport = key, value, port, transport
	b.out = append(b.out, o)
}

func validPort(transport string, port int) bool {
	return (transport == "tcp" || transport == "udp") && port > 0 && port <= 65535
}

func (b *builder) open(transport string, port int) {
	if validPort(transport, port) {
		b.add("port.open", transport+"/"+strconv.Itoa(port), transport, port)
	}
}
