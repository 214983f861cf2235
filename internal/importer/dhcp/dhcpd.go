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
	return headLines(head, func(line []byte) bool {
		switch {
		case bytes.HasPrefix(line, []byte("authoring-byte-order ")), bytes.HasPrefix(line, []byte("server-duid ")):
			return true
		case bytes.HasPrefix(line, []byte("lease ")) && bytes.HasSuffix(line, []byte("{")):
			f := bytes.Fields(line)
			_, err := parseIP(string(f[1]))
			return len(f) == 3 && err == nil
		}
		return false
	})
}

// lease is one lease block being read.
type lease struct {
	line             int // of the `lease` statement
	skip             bool
	dev              device
	starts, cltt     time.Time
	hostname, vclass string
}

// Read streams lease blocks statement by statement. Seen is the lease's cltt
// (client last transaction time), else its starts, else src.Seen. Every
// block yields its own observations: the file keeps a lease's history, and
// each entry is a sighting. A block still open at the end of the file is
// reported at its `lease` line and dropped.
func (f dhcpdFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	s := newSink(f.Name(), src, emit, bad)
	var cur *lease
	depth := 0
	finish := func() error {
		l := cur
		cur = nil
		if l.skip {
			return nil
		}
		l.dev.seen = src.Seen
		switch {
		case !l.cltt.IsZero():
			l.dev.seen = l.cltt
		case !l.starts.IsZero():
			l.dev.seen = l.starts
		}
		return s.record(l.dev, l.hostname, l.vclass)
	}
	lr := newLineReader(r)
	err := loop(ctx, lr, s, func(line []byte, n int) error {
		rest := string(line)
		for {
			stmt, term, tail, err := cutStatement(rest)
			rest = tail
			if err != nil {
				s.badLine(n, err)
				return nil
			}
			switch term {
			case 0:
				return nil
			case '{':
				if strings.HasPrefix(stmt, "lease ") || stmt == "lease" {
					if cur != nil {
						s.badLine(cur.line, errors.New("lease block not closed"))
						cur, depth = nil, 0
					}
					if depth == 0 {
						cur = &lease{line: n}
						ip, err := parseIP(strings.TrimSpace(strings.TrimPrefix(stmt, "lease")))
						if err != nil {
							s.badLine(n, err)
							cur.skip = true
						}
						cur.dev.ip = ip
					}
				}
				depth++
			case '}':
				if depth == 0 {
					s.badLine(n, errors.New("unbalanced }"))
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
						s.badLine(n, err)
					}
				}
			}
		}
	})
	if err != nil {
		return err
	}
	if cur != nil {
		s.badLine(cur.line, errors.New("lease block not closed at end of file"))
	}
	return nil
}

// statement applies one statement of a lease block.
func (l *lease) statement(stmt string) error {
	word, arg, _ := strings.Cut(stmt, " ")
	arg = strings.TrimSpace(arg)
	var err error
	switch word {
	case "starts":
		l.starts, err = leaseTime(arg)
	case "cltt":
		l.cltt, err = leaseTime(arg)
	case "hardware":
		kind, addr, _ := strings.Cut(arg, " ")
		if kind != "ethernet" {
			return nil
		}
		mac, ok, err := normMAC(addr)
		if err != nil {
			return err
		}
		if ok {
			l.dev.mac = mac
		}
	case "client-hostname":
		l.hostname, err = quoted(arg)
	case "set", "option":
		name, val, _ := strings.Cut(arg, " ")
		if name != "vendor-class-identifier" {
			return nil
		}
		val = strings.TrimSpace(val)
		if word == "set" {
			val = strings.TrimSpace(strings.TrimPrefix(val, "="))
		}
		l.vclass, err = quoted(val)
	}
	return err
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
// hold those characters; `#` starts a comment outside them.
func cutStatement(s string) (stmt string, term byte, rest string, err error) {
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
			return strings.TrimSpace(s[:i]), c, s[i+1:], nil
		case c == '#':
			s = s[:i]
		}
	}
	if stmt = strings.TrimSpace(s); stmt != "" {
		return "", 0, "", fmt.Errorf("statement %q not ended by ;", clip(stmt))
	}
	return "", 0, "", nil
}

// quoted decodes a dhcpd string: "..." with \" \\ and \ooo octal escapes.
func quoted(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("want a quoted string, got %q", clip(s))
	}
	s = s[1 : len(s)-1]
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
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
