package dhcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

var _ importer.Format = dnsmasqFormat{}

// dnsmasqFormat reads dnsmasq's lease file (dnsmasq.leases) and the
// dnsmasq-dhcp lines of a syslog. With --log-dhcp, dnsmasq logs each
// transaction over several lines tied by its transaction id; they are
// gathered into one textfile.Device.
type dnsmasqFormat struct{}

func (dnsmasqFormat) Name() string { return "dnsmasq-leases" }

func (dnsmasqFormat) Description() string {
	return "dnsmasq lease file (dnsmasq.leases) or dnsmasq-dhcp syslog lines (vendor class, requested options)"
}

func (dnsmasqFormat) Example() string {
	return "1795000000 00:e0:fc:12:34:56 10.0.0.5 AR1220 01:00:e0:fc:12:34:56\n" +
		"Nov 27 10:00:00 gw dnsmasq-dhcp[812]: 2830431862 vendor class: HUAWEI AR1220"
}

const dnsmasqTag = "dnsmasq-dhcp"

// Detect claims a file whose first line is a dnsmasq lease or whose head
// holds dnsmasq-dhcp log lines.
func (dnsmasqFormat) Detect(head []byte) bool {
	if isLeaseLine(textfile.FirstLine(head)) {
		return true
	}
	return textfile.HeadLines(head, func(line []byte) bool {
		i := bytes.Index(line, []byte(dnsmasqTag))
		return i >= 0 && (bytes.HasPrefix(line[i+len(dnsmasqTag):], []byte("[")) || bytes.HasPrefix(line[i+len(dnsmasqTag):], []byte(":")))
	})
}

// isLeaseLine reports whether line looks like `expiry mac ip ...`.
func isLeaseLine(line []byte) bool {
	f := bytes.Fields(line)
	if len(f) < 4 || bytes.Contains(line, []byte(dnsmasqTag)) {
		return false
	}
	if _, err := strconv.ParseUint(string(f[0]), 10, 64); err != nil {
		return false
	}
	_, err := textfile.ParseIP(string(f[2]))
	return err == nil
}

// maxTransactions bounds the log transactions held at once; the oldest is
// written out when a new one would pass it.
const maxTransactions = 256

// transaction is what the log lines of one transaction id said so far.
type transaction struct {
	xid              string
	rawMAC           string // the MAC as the log wrote it, when dev.MAC is set
	dev              textfile.Device
	hostname, vendor string
	params           []byte
	nparams          int
}

// dnsmasqReader holds the state of one Read.
type dnsmasqReader struct {
	s        *textfile.Sink
	src      importer.Source
	loc      *time.Location
	mode     byte // 0 undecided, 'l' lease file, 's' syslog
	v6       bool // past the lease file's duid line
	txs      map[string]*transaction
	free     []*transaction // flushed, for reuse
	last     *transaction   // the transaction of the previous line
	order    []string
	lastTime []byte
	lastSeen time.Time
}

// Read streams either file. Lease lines have no time of their own (the
// first field is when the lease expires) and take src.Seen; log lines take
// their syslog time, read in the zone of src.Seen, with the year of
// src.Seen. DHCPv6 leases (after the `duid` line) carry no MAC and are
// skipped, as are other programs' syslog lines.
func (f dnsmasqFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	d := &dnsmasqReader{s: textfile.NewSink(f.Name(), src, emit, bad), src: src, loc: inLocation(src), txs: map[string]*transaction{}}
	err := textfile.Loop(ctx, textfile.NewLines(r), d.s, d.line)
	if err != nil {
		return err
	}
	for len(d.order) > 0 {
		if err := d.flushOldest(); err != nil {
			return err
		}
	}
	return nil
}

func (d *dnsmasqReader) line(line []byte, n int) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	i := bytes.Index(line, []byte(dnsmasqTag))
	if d.mode == 0 {
		d.mode = 's'
		if i < 0 && (isLeaseLine(line) || bytes.HasPrefix(line, []byte("duid "))) {
			d.mode = 'l'
		}
	}
	if d.mode == 'l' {
		return d.lease(line, n)
	}
	if i < 0 {
		return nil
	}
	msg := line[i+len(dnsmasqTag):]
	if len(msg) > 0 && msg[0] == '[' {
		j := bytes.IndexByte(msg, ']')
		if j < 0 {
			return nil
		}
		msg = msg[j+1:]
	}
	msg, ok := bytes.CutPrefix(msg, []byte(": "))
	if !ok {
		return nil
	}
	if len(msg) == 0 {
		return nil
	}
	// A view of the line, not a copy: a gigabyte of log is fifteen million
	// lines, and most of each is read and dropped. logLine clones what it
	// keeps.
	return d.logLine(d.logTime(line[:i]), unsafe.String(&msg[0], len(msg)), n)
}

// lease reads `expiry mac ip hostname client-id`; hostname "*" is none.
func (d *dnsmasqReader) lease(line []byte, n int) error {
	f := strings.Fields(string(line))
	if f[0] == "duid" {
		d.v6 = true
		return nil
	}
	if d.v6 {
		return nil
	}
	if len(f) < 4 {
		d.s.BadLine(n, fmt.Errorf("%d fields, want expiry mac ip hostname [client-id]", len(f)))
		return nil
	}
	if _, err := strconv.ParseUint(f[0], 10, 64); err != nil {
		d.s.BadLine(n, fmt.Errorf("bad expiry %q", clip(f[0])))
		return nil
	}
	dev := textfile.Device{Seen: d.src.Seen}
	var err error
	if dev.IP, err = textfile.ParseIP(f[2]); err != nil {
		d.s.BadLine(n, err)
		return nil
	}
	mac, ok, err := textfile.NormMAC(f[1])
	if err != nil {
		d.s.BadLine(n, err)
		return nil
	}
	if ok {
		dev.MAC = mac
	}
	name := f[3]
	if name == "*" {
		name = ""
	}
	return record(d.s, dev, name, "", "")
}

// logTime reads the syslog time before the tag: "Nov 27 10:00:00 host " or
// an RFC 3339 stamp; src.Seen when there is none. The last stamp is cached:
// consecutive lines mostly share it.
func (d *dnsmasqReader) logTime(prefix []byte) time.Time {
	prefix = bytes.TrimSpace(prefix)
	if len(prefix) >= 15 && bytes.Equal(prefix[:15], d.lastTime) {
		return d.lastSeen
	}
	if len(prefix) >= 15 {
		if t, err := time.ParseInLocation("Jan _2 15:04:05", string(prefix[:15]), d.loc); err == nil {
			ref := d.src.Seen
			if ref.IsZero() {
				ref = time.Now().In(d.loc)
			}
			t = t.AddDate(ref.Year(), 0, 0)
			if t.After(ref.AddDate(0, 0, 1)) {
				t = t.AddDate(-1, 0, 0)
			}
			d.lastTime = append(d.lastTime[:0], prefix[:15]...)
			d.lastSeen = t
			return t
		}
	}
	first, _, _ := bytes.Cut(prefix, []byte(" "))
	if t, err := time.Parse(time.RFC3339Nano, string(first)); err == nil {
		return t
	}
	return d.src.Seen
}

// logLine reads one dnsmasq-dhcp message: "[xid ]text". msg is a view of
// the line being read: what outlives the call is cloned.
func (d *dnsmasqReader) logLine(seen time.Time, msg string, n int) error {
	xid := ""
	if sp := strings.IndexByte(msg, ' '); sp > 0 && allDigits(msg[:sp]) {
		xid, msg = msg[:sp], msg[sp+1:]
	}
	if xid == "" {
		// Without --log-dhcp only the messages are logged: take the ACKs.
		if !strings.HasPrefix(msg, "DHCPACK(") {
			return nil
		}
		var t transaction
		t.dev.Seen = seen
		if err := t.message(msg); err != nil {
			d.s.BadLine(n, err)
			return nil
		}
		return record(d.s, t.dev, t.hostname, "", "")
	}
	// A transaction's lines mostly come together: try the last one first.
	t := d.last
	if t == nil || t.xid != xid {
		t = d.txs[xid]
	}
	if t == nil {
		if len(d.order) == maxTransactions {
			if err := d.flushOldest(); err != nil {
				return err
			}
		}
		t = d.newTransaction(seen)
		t.xid = strings.Clone(xid)
		d.txs[t.xid] = t
		d.order = append(d.order, t.xid)
	}
	d.last = t
	var err error
	switch {
	case strings.HasPrefix(msg, "vendor class: "):
		t.vendor, err = optionValue(strings.TrimPrefix(msg, "vendor class: "))
		t.vendor = strings.Clone(t.vendor)
	case strings.HasPrefix(msg, "client provides name: "):
		t.hostname, err = optionValue(strings.TrimPrefix(msg, "client provides name: "))
		t.hostname = strings.Clone(t.hostname)
	case strings.HasPrefix(msg, "requested options: "):
		err = t.options(strings.TrimPrefix(msg, "requested options: "))
	case strings.HasPrefix(msg, "DHCP"):
		err = t.message(msg)
	}
	if err != nil {
		d.s.BadLine(n, err)
	}
	return nil
}

func (d *dnsmasqReader) flushOldest() error {
	xid := d.order[0]
	d.order = d.order[1:]
	t := d.txs[xid]
	delete(d.txs, xid)
	if d.last == t {
		d.last = nil
	}
	// record clones params once it knows the record is new.
	var params string
	if len(t.params) > 0 {
		params = unsafe.String(&t.params[0], len(t.params))
	}
	err := record(d.s, t.dev, t.hostname, t.vendor, params)
	d.free = append(d.free, t)
	return err
}

// newTransaction takes a flushed transaction for reuse, or a new one.
func (d *dnsmasqReader) newTransaction(seen time.Time) *transaction {
	if n := len(d.free); n > 0 {
		t := d.free[n-1]
		d.free = d.free[:n-1]
		*t = transaction{dev: textfile.Device{Seen: seen}, params: t.params[:0]}
		return t
	}
	return &transaction{dev: textfile.Device{Seen: seen}}
}

// dhcpv4Messages are the message types that name a client's MAC.
var dhcpv4Messages = map[string]bool{
	"DISCOVER": true, "OFFER": true, "REQUEST": true, "ACK": true,
	"NAK": true, "DECLINE": true, "RELEASE": true, "INFORM": true,
}

// message reads "DHCPTYPE(iface) [ip] mac [name]". DHCPv6 and BOOTP
// messages and other DHCP-prefixed lines are left alone.
func (t *transaction) message(msg string) error {
	kind, rest, ok := strings.Cut(msg, "(")
	if !ok || !dhcpv4Messages[strings.TrimPrefix(kind, "DHCP")] {
		return nil
	}
	_, rest, ok = strings.Cut(rest, ") ")
	if !ok {
		return nil
	}
	// REQUEST and ACK name the same address and MAC: each is parsed once
	// per transaction.
	first, rest := nextField(rest)
	if first != "" && first == t.dev.IP {
		first, rest = nextField(rest)
	} else if ip, err := textfile.ParseIP(first); err == nil {
		t.dev.IP = strings.Clone(ip)
		first, rest = nextField(rest)
	}
	if first == "" {
		return fmt.Errorf("%s without a MAC address", kind)
	}
	if first != t.rawMAC {
		mac, ok, err := textfile.NormMAC(first)
		if err != nil {
			return err
		}
		t.dev.MAC, t.rawMAC = "", ""
		if ok {
			t.dev.MAC, t.rawMAC = mac, mac
			if first != mac {
				t.rawMAC = strings.Clone(first)
			}
		}
	}
	var err error
	if kind == "DHCPACK" && t.hostname == "" {
		if name := strings.Join(strings.Fields(rest), " "); name != "" {
			t.hostname, err = optionValue(name)
			t.hostname = strings.Clone(t.hostname)
		}
	}
	return err
}

// nextField splits the first space-separated field off s.
func nextField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// options appends the numbers of "1:netmask, 3:router, 249" to params. A
// long list spans several lines, each ending in a comma but the last. Every
// DHCP exchange logs one, so it is parsed by hand.
func (t *transaction) options(list string) error {
	for len(list) > 0 {
		item := list
		if i := strings.IndexByte(list, ','); i >= 0 {
			item, list = list[:i], list[i+1:]
		} else {
			list = ""
		}
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		num := item
		if i := strings.IndexByte(item, ':'); i >= 0 {
			num = item[:i]
		}
		v, ok := 0, len(num) > 0 && len(num) <= 3
		for i := 0; ok && i < len(num); i++ {
			c := num[i]
			ok = '0' <= c && c <= '9'
			v = v*10 + int(c-'0')
		}
		if !ok || v > 255 {
			return fmt.Errorf("bad option number %q", clip(item))
		}
		if t.nparams == maxOption {
			return errors.New("more options than a DHCP request can ask for")
		}
		if t.nparams > 0 {
			t.params = append(t.params, ',')
		}
		t.params = strconv.AppendUint(t.params, uint64(v), 10)
		t.nparams++
	}
	return nil
}

// optionValue checks that v fits in a DHCP option.
func optionValue(v string) (string, error) {
	if len(v) > maxOption {
		return "", fmt.Errorf("value of %d bytes, longer than a DHCP option", len(v))
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
