package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
)

var (
	errNoTime   = errors.New("no [timestamp] field")
	errBadTime  = errors.New("bad timestamp, want [02/Jan/2006:15:04:05 -0700]")
	errQuote    = errors.New("unbalanced quotes")
	errFields   = errors.New("too few fields")
	errEpoch    = errors.New("bad time, want Unix seconds with milliseconds")
	errNoClient = errors.New("no client address")
)

// parseCombined reads an Apache/Nginx "combined" line:
//
//	client ident user [time] "request" status bytes "referer" "user-agent" [extra...]
//
// A common-format line (ending after bytes) has no User-Agent and is not an
// error. Of the extra trailing quoted fields, only one whose content starts
// with an escaped quote (`\"` or nginx's `\x22`), the form a structured-field
// string such as Sec-CH-UA-Model takes in a log, is read, as the model hint;
// the others are ignored.
func parseCombined(line []byte, rec *record) error {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return errNoClient
	}
	rec.client = line[:sp]
	rest := line[sp+1:]
	open := bytes.IndexByte(rest, '[')
	if open < 0 || bytes.IndexByte(rest[:open], '"') >= 0 {
		return errNoTime
	}
	rest = rest[open+1:]
	end := bytes.IndexByte(rest, ']')
	if end < 0 {
		return errNoTime
	}
	if !parseApacheTime(rest[:end], &rec.when) {
		return errBadTime
	}
	rest = rest[end+1:]
	// "request", then status and bytes, then the quoted fields.
	nq := 0
	for {
		rest = skipSpaces(rest)
		if len(rest) == 0 {
			break
		}
		if rest[0] != '"' {
			if nq == 0 {
				return fmt.Errorf("%w: no quoted request after the timestamp", errQuote)
			}
			// status, bytes, or an unquoted extra field.
			sp := bytes.IndexByte(rest, ' ')
			if sp < 0 {
				break
			}
			rest = rest[sp+1:]
			continue
		}
		field, after, ok := quoted(rest)
		if !ok {
			return errQuote
		}
		nq++
		switch {
		case nq == 3:
			rec.ua = field
		case nq > 3 && rec.model == nil && isSFString(field):
			rec.model = field
		}
		rest = after
	}
	if nq == 2 { // referer without a User-Agent: not combined
		return fmt.Errorf("%w: referer without a User-Agent field", errFields)
	}
	return nil
}

// isSFString reports a logged value that starts and ends with an escaped
// double quote: `\"Pixel 7\"` (Apache) or `\x22Pixel 7\x22` (nginx).
func isSFString(v []byte) bool {
	for _, q := range [...]string{`\"`, `\x22`} {
		if len(v) >= 2*len(q) && string(v[:len(q)]) == q && string(v[len(v)-len(q):]) == q {
			return true
		}
	}
	return false
}

// quoted reads the quoted string at the start of b (b[0] == '"'), honouring
// backslash escapes. It returns the content, still escaped, and what follows.
func quoted(b []byte) (field, rest []byte, ok bool) {
	i := 1
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return nil, nil, false
		}
		j += i
		// The quote is escaped when an odd number of backslashes precede it.
		k := j
		for k > 1 && b[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 {
			return b[1:j], b[j+1:], true
		}
		i = j + 1
	}
}

func skipSpaces(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// parseApacheTime reads "02/Jan/2006:15:04:05 -0700" by hand.
func parseApacheTime(b []byte, st *stamp) bool {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return false
	}
	var ok [7]bool
	st.day, ok[0] = num(b[0:2])
	st.year, ok[1] = num(b[7:11])
	st.hour, ok[2] = num(b[12:14])
	st.min, ok[3] = num(b[15:17])
	st.secs, ok[4] = num(b[18:20])
	oh, ok5 := num(b[22:24])
	om, ok6 := num(b[24:26])
	st.month = month(b[3:6])
	if !ok[0] || !ok[1] || !ok[2] || !ok[3] || !ok[4] || !ok5 || !ok6 || st.month == 0 ||
		st.day < 1 || st.day > 31 || st.hour > 23 || st.min > 59 || st.secs > 60 || oh > 23 || om > 59 {
		return false
	}
	st.offset = oh*3600 + om*60
	switch b[21] {
	case '-':
		st.offset = -st.offset
	case '+':
	default:
		return false
	}
	return true
}

// num reads unsigned decimal digits.
func num(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// month reads an English three-letter month abbreviation; 0 if none.
func month(b []byte) int {
	switch string(b) {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// parseSquid reads a Squid native access.log line:
//
//	time elapsed client code/status bytes method URL ident hierarchy/from type ["User-Agent"]
//
// The native format has no User-Agent; a logformat ending in
// "%{User-Agent}>h" adds it as a trailing quoted field, which is taken as
// the UA (from the first quote after the ten native fields to the last).
func parseSquid(line []byte, rec *record) error {
	rest := skipSpaces(line)
	var f [10][]byte
	for i := range f {
		rest = skipSpaces(rest)
		if len(rest) == 0 {
			return fmt.Errorf("%w: %d, want 10", errFields, i)
		}
		if rest[0] == '"' {
			return fmt.Errorf("%w: %d before a quoted field, want 10", errFields, i)
		}
		sp := bytes.IndexAny(rest, " \t")
		if sp < 0 {
			sp = len(rest)
		}
		f[i], rest = rest[:sp], rest[sp:]
	}
	if !parseEpoch(f[0], &rec.when) {
		return errEpoch
	}
	if bytes.IndexByte(f[3], '/') < 0 {
		return fmt.Errorf("bad result code %q, want CODE/STATUS", trunc(f[3]))
	}
	rec.client = f[2]
	rest = bytes.TrimRight(skipSpaces(rest), " \t")
	open := bytes.IndexByte(rest, '"')
	if open < 0 {
		return nil // no User-Agent logged; unquoted extras are ignored
	}
	end := bytes.LastIndexByte(rest, '"')
	if end == open || end != len(rest)-1 {
		return errQuote
	}
	rec.ua = rest[open+1 : end]
	return nil
}

// parseEpoch reads Squid's "1732701600.123" (seconds, optional fraction).
func parseEpoch(b []byte, st *stamp) bool {
	secs, frac, _ := bytes.Cut(b, []byte("."))
	if len(secs) == 0 || len(secs) > 12 || len(frac) > 9 {
		return false
	}
	s, ok := num(secs)
	if !ok {
		return false
	}
	ns := 0
	if len(frac) > 0 {
		if ns, ok = num(frac); !ok {
			return false
		}
		for range 9 - len(frac) {
			ns *= 10
		}
	}
	*st = stamp{epoch: true, sec: int64(s), nsec: int64(ns)}
	return true
}

// parseIP checks a client address and returns it in canonical form.
func parseIP(b []byte) (string, error) {
	a, err := netip.ParseAddr(string(b))
	if err != nil || a.Zone() != "" {
		return "", fmt.Errorf("bad client IP address %q", trunc(b))
	}
	return a.Unmap().String(), nil
}

// trunc bounds a value quoted in an error.
func trunc(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

// unescape undoes the escapes Apache (`\"`, `\\`, `\xHH`, `\n`, `\t`) and
// nginx (`\xHH`) write into logged header values.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			out = append(out, c)
			continue
		}
		switch n := b[i+1]; n {
		case '"', '\\':
			out = append(out, n)
			i++
		case 'n':
			out = append(out, '\n')
			i++
		case 't':
			out = append(out, '\t')
			i++
		case 'x':
			if i+3 < len(b) && unhex(b[i+2]) < 16 && unhex(b[i+3]) < 16 {
				out = append(out, unhex(b[i+2])<<4|unhex(b[i+3]))
				i += 3
			} else {
				out = append(out, c)
			}
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 255
}
