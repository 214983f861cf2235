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
	"unicode/utf8"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

var _ importer.Format = dhcpdFormat{}

// dhcpdFormat reads ISC dhcpd's lease database, dhcpd.leases(5).
type dhcpdFormat struct{}

func (dhcpdFormat) Name() string { return "dhcpd-leases" }

func (dhcpdFormat) Description() string {
	return "ISC dhcpd lease database (dhcpd.leases): MAC, client hostname and vendor class per lease"
}

func (dhcpdFormat) Example() string {
	return `lease 10.0.0.5 {
  starts 3 2026/11/25 09:12:01;
  ends 3 2026/11/25 21:12:01;
  cltt 3 2026/11/25 09:12:01;
  binding state active;
  hardware ethernet 00:e0:fc:12:34:56;
  client-hostname "AR1220";
  set vendor-class-identifier = "HUAWEI AR1220";
}`
}

// Detect claims files with a `lease <address> {` line or dhcpd's own
// header statements (server-duid, authoring-byte-order).
func (dhcpdFormat) Detect(head []byte) bool {
	return textfile.HeadLines(head, func(line []byte) bool {
		switch {
		case bytes.HasPrefix(line, []byte("authoring-byte-order ")), bytes.HasPrefix(line, []byte("server-duid ")):
			return true
		case bytes.HasPrefix(line, []byte("lease ")) && bytes.HasSuffix(line, []byte("{")):
			f := bytes.Fields(line)
			_, err := textfile.ParseIP(string(f[1]))
			return len(f) == 3 && err == nil
		}
		return false
	})
}

// lease is one lease block being read.
type lease struct {
	line             int // of the `lease` statement
	skip             bool
	dev              textfile.Device
	starts, cltt     time.Time
	hostname, vclass string
}

// Read streams lease blocks statement by statement. Seen is the lease's cltt
// (client last transaction time), else its starts, else src.Seen. Every
// block yields its own observations: the file keeps a lease's history, and
// each entry is a sighting. A block still open at the end of the file is
// reported at its `lease` line and dropped.
func (f dhcpdFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	s := textfile.NewSink(f.Name(), src, emit, bad)
	var cur *lease
	depth := 0
	finish := func() error {
		l := cur
		cur = nil
		if l.skip {
			return nil
		}
		l.dev.Seen = src.Seen
		switch {
		case !l.cltt.IsZero():
			l.dev.Seen = l.cltt
		case !l.starts.IsZero():
			l.dev.Seen = l.starts
		}
		return record(s, l.dev, l.hostname, l.vclass, "")
	}
	var buf lease // cur points here while a block is open
	lr := textfile.NewLines(r)
	err := textfile.Loop(ctx, lr, s, func(line []byte, n int) error {
		rest := line
		for {
			stmt, term, tail, err := cutStatement(rest)
			rest = tail
			if err != nil {
				s.BadLine(n, err)
				return nil
			}
			switch term {
			case 0:
				return nil
			case '{':
				if bytes.HasPrefix(stmt, []byte("lease ")) || string(stmt) == "lease" {
					if cur != nil {
						s.BadLine(cur.line, errors.New("lease block not closed"))
						cur, depth = nil, 0
					}
					if depth == 0 {
						buf = lease{line: n}
						cur = &buf
						ip, err := textfile.ParseIP(string(bytes.TrimSpace(bytes.TrimPrefix(stmt, []byte("lease")))))
						if err != nil {
							s.BadLine(n, err)
							cur.skip = true
						}
						cur.dev.IP = ip
					}
				}
				depth++
			case '}':
				if depth == 0 {
					s.BadLine(n, errors.New("unbalanced }"))
					continue
				}
				depth--
				if depth == 0 && cur != nil {
					if err := finish(); err != nil {
						return err
					}
				}
			case ';':
				if cur != nil && depth == 1 && !cur.skip {
					if err := cur.statement(stmt); err != nil {
						s.BadLine(n, err)
					}
				}
			}
		}
	})
	if err != nil {
		return err
	}
	if cur != nil {
		s.BadLine(cur.line, errors.New("lease block not closed at end of file"))
	}
	return nil
}

// statement applies one statement of a lease block. It works on the raw
// bytes of the line and allocates strings only for the values it keeps.
func (l *lease) statement(stmt []byte) error {
	word, arg, _ := bytes.Cut(stmt, []byte(" "))
	arg = bytes.TrimSpace(arg)
	var err error
	switch string(word) {
	case "starts":
		l.starts, err = leaseTimeBytes(arg)
	case "cltt":
		l.cltt, err = leaseTimeBytes(arg)
	case "hardware":
		kind, addr, _ := bytes.Cut(arg, []byte(" "))
		if string(kind) != "ethernet" {
			return nil
		}
		var mac string
		var ok bool
		if hw, fast := quickMACBytes(addr); fast {
			mac, ok = textfile.MACString(hw)
		} else if mac, ok, err = textfile.NormMAC(string(addr)); err != nil {
			return err
		}
		if ok {
			l.dev.MAC = mac
		}
	case "client-hostname":
		l.hostname, err = quoted(arg)
	case "set", "option":
		name, val, _ := bytes.Cut(arg, []byte(" "))
		if string(name) != "vendor-class-identifier" {
			return nil
		}
		val = bytes.TrimSpace(val)
		if string(word) == "set" {
			val = bytes.TrimSpace(bytes.TrimPrefix(val, []byte("=")))
		}
		l.vclass, err = quoted(val)
	}
	return err
}

// quickMACBytes is quickMAC for the six-groups notation, on bytes.
func quickMACBytes(s []byte) (hw [6]byte, ok bool) {
	if len(s) != 17 || (s[2] != ':' && s[2] != '-') {
		return hw, false
	}
	for i := range hw {
		if i > 0 && s[3*i-1] != s[2] {
			return hw, false
		}
		hi, lo := textfile.Unhex(s[3*i]), textfile.Unhex(s[3*i+1])
		if hi > 15 || lo > 15 {
			return hw, false
		}
		hw[i] = hi<<4 | lo
	}
	return hw, true
}

// leaseTimeBytes is leaseTime without allocating for its commonest input,
// `W YYYY/MM/DD HH:MM:SS` in ASCII with an in-range date and time; anything
// else goes to leaseTime.
func leaseTimeBytes(b []byte) (time.Time, error) {
	var f [3][]byte
	n := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c >= utf8.RuneSelf {
			return leaseTime(string(b))
		}
		if asciiSpace(c) {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] < utf8.RuneSelf && !asciiSpace(b[j]) {
			j++
		}
		if j < len(b) && b[j] >= utf8.RuneSelf {
			return leaseTime(string(b))
		}
		if n == len(f) {
			return leaseTime(string(b))
		}
		f[n] = b[i:j]
		n++
		i = j
	}
	if n != 3 {
		return leaseTime(string(b))
	}
	d, t := f[1], f[2]
	if len(d) != 10 || d[4] != '/' || d[7] != '/' || len(t) != 8 || t[2] != ':' || t[5] != ':' {
		return leaseTime(string(b))
	}
	num := func(s []byte) (int, bool) {
		v := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(d[0:4])
	month, ok2 := num(d[5:7])
	day, ok3 := num(d[8:10])
	hour, ok4 := num(t[0:2])
	minute, ok5 := num(t[3:5])
	sec, ok6 := num(t[6:8])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return leaseTime(string(b))
	}
	tm := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if tm.Day() != day { // day out of range for the month
		return leaseTime(string(b))
	}
	return tm, nil
}

// asciiSpace reports the ASCII bytes strings.Fields splits on.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// leaseTime reads `W YYYY/MM/DD HH:MM:SS` (UTC, dhcpd's default), `epoch N`
// (db-time-format local) or `never`.
func leaseTime(s string) (time.Time, error) {
	f := strings.Fields(s)
	switch {
	case len(f) == 1 && f[0] == "never":
		return time.Time{}, nil
	case len(f) == 2 && f[0] == "epoch":
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return time.Time{}, fmt.Errorf("bad epoch time %q", f[1])
		}
		return time.Unix(n, 0).UTC(), nil
	case len(f) == 3:
		t, err := time.Parse("2006/01/02 15:04:05", f[1]+" "+f[2])
		if err != nil {
			return time.Time{}, fmt.Errorf("bad lease time %q", s)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("bad lease time %q", s)
}

// cutStatement returns the first statement of s and the character that ends
// it (';', '{' or '}'; 0 when s holds no more statements). Quoted strings may
// hold those characters; `#` starts a comment outside them. stmt and rest
// share s's memory.
func cutStatement(s []byte) (stmt []byte, term byte, rest []byte, err error) {
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == ';' || c == '{' || c == '}':
			return bytes.TrimSpace(s[:i]), c, s[i+1:], nil
		case c == '#':
			s = s[:i]
		}
	}
	if stmt = bytes.TrimSpace(s); len(stmt) != 0 {
		return nil, 0, nil, fmt.Errorf("statement %q not ended by ;", clip(string(stmt)))
	}
	return nil, 0, nil, nil
}

// quoted decodes a dhcpd string: "..." with \" \\ and \ooo octal escapes.
func quoted(s []byte) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("want a quoted string, got %q", clip(string(s)))
	}
	s = s[1 : len(s)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s), nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		if i+2 < len(s) && isOctal(s[i]) && isOctal(s[i+1]) && isOctal(s[i+2]) {
			b.WriteByte((s[i]-'0')<<6 | (s[i+1]-'0')<<3 | (s[i+2] - '0'))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// clip shortens s for error messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
