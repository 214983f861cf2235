// Package neighbors imports what switches say about the devices next to
// them (an importer format family of the import stage): Cisco Discovery
// Protocol neighbors (format "cisco-cdp": `show cdp neighbors detail` on
// Cisco IOS and NX-OS) and LLDP neighbors (format "lldp": `show lldp
// neighbors detail` on Cisco IOS and NX-OS, `display lldp neighbor` on
// Huawei VRP and `display lldp neighbor-information` on H3C/HPE Comware,
// and the default text output of lldpd's `lldpcli show neighbors`).
//
// Each neighbor becomes `hostname` (CDP Device ID without NX-OS's serial
// suffix, else System Name; LLDP System Name), `mac` (the LLDP chassis ID
// when it is a MAC address, lowercase colon-separated), `lldp.sysdescr`
// (LLDP System Description, or the CDP Version text; lines joined with
// "\n", at most 4 KiB) and `lldp.platform` (CDP Platform: "cisco
// WS-C2960X-48FPD-L"). Host is the management address (CDP: the management
// address, else the first entry address), else the chassis MAC, else the
// name; Observation.IP and MAC are set when known. The outputs carry no
// time, so Seen is src.Seen.
//
// Neighbor blocks are found by their first line (CDP "Device ID:"; LLDP
// "Local Intf:", "Neighbor index", "Interface:" ... or a second "Chassis
// id:"), and end at the next block, a ruler of dashes, or the end of the
// file. A block without anything to name the neighbor by, with an address
// that does not parse, or with a chassis ID its type says is a MAC but is
// not, is reported with the line the block starts on, and reading goes on.
// Lines are read with textfile's bounded reader: a line over 64 KiB is
// reported and skipped.
package neighbors

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

func init() {
	importer.Register(cdpFormat{})
	importer.Register(lldpFormat{})
}

var (
	_ importer.Format = cdpFormat{}
	_ importer.Format = lldpFormat{}
)

const (
	// maxDescr bounds lldp.sysdescr: a description is a few lines; more is
	// cut at a line boundary.
	maxDescr = 4 << 10
	// maxName bounds a system name or Device ID (a DNS name is at most
	// 255 bytes); a longer one makes the block bad.
	maxName = 255
	// maxPlatform bounds a CDP platform; a longer one makes the block bad.
	maxPlatform = 1 << 10
)

// neighbor is one block of the output as read so far.
type neighbor struct {
	start       int    // line the block starts on
	name        string // Device ID or system name
	chassis     string // chassis ID as written, subtype word included (lldpd)
	chassisType string // Huawei and H3C "Chassis type", lower-cased
	ip4, ip6    string // first management (or CDP entry) address of each family
	cdpMgmt     string // CDP management address, preferred over entry addresses
	platform    string
	descr       []string
	descrLen    int
	err         error // first problem found
}

// fail keeps the block's first problem.
func (n *neighbor) fail(format string, args ...any) {
	if n.err == nil {
		n.err = fmt.Errorf(format, args...)
	}
}

// addDescr appends a line of the description, up to maxDescr bytes.
func (n *neighbor) addDescr(line string) {
	line = strings.TrimSpace(line)
	if len(n.descr) == 0 && line == "" {
		return
	}
	if n.descrLen+len(line)+1 > maxDescr {
		n.descrLen = maxDescr // full: later lines are dropped too
		return
	}
	n.descr = append(n.descr, line)
	n.descrLen += len(line) + 1
}

// address takes a management or entry address, IPv4 first, IPv6 else, and
// returns it in canonical form. Words such as "not advertised" are no
// address; something shaped like one that does not parse is the block's
// problem.
func (n *neighbor) address(v string) string {
	v, _, _ = strings.Cut(strings.TrimSpace(v), " ") // "FE80::1  (link-local)"
	if v == "" || !strings.ContainsAny(v, ".:") {
		return ""
	}
	ip, err := textfile.ParseIP(v)
	switch {
	case err != nil:
		if _, _, merr := textfile.NormMAC(v); merr != nil {
			n.fail("management address: %v", err)
		} // else a MAC: Huawei writes one when the address type is all802
		return ""
	case strings.Contains(ip, ":"):
		if n.ip6 == "" {
			n.ip6 = ip
		}
	case n.ip4 == "":
		n.ip4 = ip
	}
	return ip
}

// emitter turns finished blocks into observations.
type emitter struct {
	sink   *textfile.Sink
	source string
	seen   time.Time
	emit   func(covered.Observation) error
}

func newEmitter(name string, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) *emitter {
	return &emitter{sink: textfile.NewSink(name, src, emit, bad), source: "import:" + name, seen: src.Seen, emit: emit}
}

// neighbor emits one finished block, or reports it.
func (e *emitter) neighbor(n *neighbor) error {
	if n == nil {
		return nil
	}
	mac := n.mac()
	if len(n.name) > maxName {
		n.fail("name is %d bytes, over %d", len(n.name), maxName)
	}
	if len(n.platform) > maxPlatform {
		n.fail("platform is %d bytes, over %d", len(n.platform), maxPlatform)
	}
	ip := n.cdpMgmt
	if ip == "" {
		ip = n.ip4
	}
	if ip == "" {
		ip = n.ip6
	}
	host := ip
	if host == "" {
		host = mac
	}
	if host == "" {
		host = n.name
	}
	if n.err == nil && host == "" {
		n.fail("neighbor without a name, chassis MAC or management address")
	}
	if n.err != nil {
		e.sink.BadLine(n.start, n.err)
		return nil
	}
	for _, kv := range [...][2]string{
		{"hostname", n.name},
		{"mac", mac},
		{"lldp.sysdescr", strings.Join(n.descr, "\n")},
		{"lldp.platform", n.platform},
	} {
		if kv[1] == "" {
			continue
		}
		o := covered.Observation{Host: host, Key: kv[0], Value: kv[1], Source: e.source, Seen: e.seen, IP: ip, MAC: mac}
		if err := e.emit(o); err != nil {
			return err
		}
	}
	return nil
}

// mac is the chassis ID as a MAC address, or "" when it is not one. The
// subtype (lldpd's leading word, Huawei's Chassis type) decides when
// given; without one, an ID is taken when it parses and has separators, so
// that a serial number of twelve hex digits is not read as a MAC.
func (n *neighbor) mac() string {
	id := n.chassis
	isMAC := false
	if sub, rest, ok := strings.Cut(id, " "); ok && lldpdSubtypes[sub] {
		if sub != "mac" {
			return ""
		}
		id, isMAC = strings.TrimSpace(rest), true
	}
	if t := n.chassisType; t != "" {
		if !strings.Contains(strings.ReplaceAll(t, " ", ""), "macaddress") {
			return ""
		}
		isMAC = true
	}
	if id == "" {
		return ""
	}
	mac, ok, err := textfile.NormMAC(id)
	switch {
	case err != nil && isMAC:
		n.fail("chassis ID: %v", err)
		return ""
	case err != nil || (!isMAC && !strings.ContainsAny(id, ".:-")):
		return ""
	case !ok:
		return "" // all-zero or multicast: names no device
	}
	return mac
}

// lldpdSubtypes are the words lldpcli writes before a chassis ID.
var lldpdSubtypes = map[string]bool{"mac": true, "ip": true, "ifname": true, "ifalias": true, "local": true, "unhandled": true}

// keyValue splits "Key : value" at the first colon. key is the key
// lower-cased, its spaces collapsed, when a parser acts on it (knownKeys),
// and "" for any other key; ok is false for a line without a colon or with
// an empty key. Nothing is allocated: most lines of these outputs are
// keys no parser reads.
func keyValue(line []byte) (key string, value []byte, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i < 0 {
		return "", nil, false
	}
	var buf [40]byte
	n, space, long := 0, false, false
	for _, c := range line[:i] {
		if c == ' ' || c == '\t' {
			space = n > 0
			continue
		}
		if n+2 > len(buf) {
			long = true
			break
		}
		if space {
			buf[n] = ' '
			n++
			space = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	if n == 0 {
		return "", nil, false
	}
	value = bytes.TrimSpace(line[i+1:])
	if long {
		return "", value, true
	}
	return knownKeys[string(buf[:n])], value, true
}

// knownKeys interns the keys some parser acts on.
var knownKeys = map[string]string{}

func init() {
	for _, m := range []map[string]bool{cdpVersionEnd, lldpDescrEnd, lldpFields} {
		for k := range m {
			knownKeys[k] = k
		}
	}
	for _, k := range []string{
		"device id", "platform", "entry address(es)", "interface address(es)", "version",
		"ip address", "ipv4 address", "ipv6 address", "local port id", "lldp neighbors",
		"interface", "chassis type", "ip", "ipv6",
	} {
		knownKeys[k] = k
	}
}

// isRuler reports whether line is a row of dashes, between blocks.
func isRuler(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) >= 5 && len(bytes.Trim(t, "-")) == 0
}

// read runs a block parser over r.
func read(ctx context.Context, r io.Reader, e *emitter, line func([]byte, int) error, end func() error) error {
	if err := textfile.Loop(ctx, textfile.NewLines(r), e.sink, line); err != nil {
		return err
	}
	return end()
}
