package obsfile

import (
	"unicode/utf8"
)

// fastRecord holds the fields parseFast decoded. The has bits tell a missing
// host, key or value from an empty one.
type fastRecord struct {
	host, key, value              string
	transport, path, source, seen string
	ip, mac                       string
	port                          int
	hasHost, hasKey, hasValue     bool
}

// maxIntern bounds the table of repeated short field values (keys, sources,
// transports) the reader shares instead of allocating per line.
const maxIntern = 4096

// parseFast decodes the shape nearly every record has: one flat object with
// the exact lower-case field names, string values and a plain integer port.
// It needs no reflection and allocates only the strings it returns, several
// times less work than encoding/json on the million-line files identify
// reads. It returns false on anything else (differently cased or unknown
// names, null, nesting, floats, surrogate escapes, invalid UTF-8, bad
// syntax), and the caller decodes the line with encoding/json, which also
// words the errors. FuzzParseFast checks that whatever parseFast accepts,
// encoding/json decodes to the same record.
func (r *Reader) parseFast(raw []byte, rec *fastRecord) bool {
	*rec = fastRecord{}
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			name, next, ok := fieldName(raw, i)
			if !ok {
				return false
			}
			i = skipSpace(raw, next)
			if i >= len(raw) || raw[i] != ':' {
				return false
			}
			i = skipSpace(raw, i+1)
			if string(name) == "port" {
				if i, ok = parsePort(raw, i, &rec.port); !ok {
					return false
				}
			} else {
				field := rec.field(name)
				if field == nil {
					return false
				}
				intern := field == &rec.key || field == &rec.transport || field == &rec.source
				var v string
				if v, i, ok = r.str(raw, i, intern); !ok {
					return false
				}
				*field = v
			}
			i = skipSpace(raw, i)
			if i >= len(raw) {
				return false
			}
			if raw[i] == '}' {
				i++
				break
			}
			if raw[i] != ',' {
				return false
			}
			i = skipSpace(raw, i+1)
		}
	}
	return skipSpace(raw, i) == len(raw)
}

// field returns where the string field called name goes, nil for a name
// the fast path does not know.
func (rec *fastRecord) field(name []byte) *string {
	switch string(name) {
	case "host":
		rec.hasHost = true
		return &rec.host
	case "key":
		rec.hasKey = true
		return &rec.key
	case "value":
		rec.hasValue = true
		return &rec.value
	case "transport":
		return &rec.transport
	case "path":
		return &rec.path
	case "source":
		return &rec.source
	case "seen":
		return &rec.seen
	case "ip":
		return &rec.ip
	case "mac":
		return &rec.mac
	}
	return nil
}

// fieldName returns the bytes of the object key at b[i]; names with escapes
// go to encoding/json.
func fieldName(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, j, false
		}
	}
	return nil, len(b), false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// parsePort reads a JSON integer in 0..999999 (the range check comes later,
// with its own message); anything else goes to encoding/json.
func parsePort(b []byte, i int, port *int) (int, bool) {
	start, n := i, 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		n = n*10 + int(b[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > 6 || (digits > 1 && b[start] == '0') {
		return i, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return i, false
	}
	*port = n
	return i, true
}

// str decodes the JSON string starting at b[i]. Field names and small
// repeated values (intern) are looked up without allocating.
func (r *Reader) str(b []byte, i int, intern bool) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	i++
	start, ascii := i, true
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s := b[start:i]
			if !ascii && !utf8.Valid(s) {
				return "", i, false // encoding/json would replace bytes with U+FFFD
			}
			return r.text(s, intern), i + 1, true
		case c == '\\':
			return r.escaped(b, start, intern)
		case c < 0x20:
			return "", i, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		i++
	}
	return "", i, false
}

// text turns bytes into a string, sharing one copy of small repeated values.
func (r *Reader) text(s []byte, intern bool) string {
	if !intern || len(s) > 64 {
		return string(s)
	}
	if v, ok := r.interned[string(s)]; ok {
		return v
	}
	v := string(s)
	if len(r.interned) < maxIntern {
		if r.interned == nil {
			r.interned = map[string]string{}
		}
		r.interned[v] = v
	}
	return v
}

// escaped decodes a string with backslash escapes, the slow path of str.
func (r *Reader) escaped(b []byte, start int, intern bool) (string, int, bool) {
	out := r.scratch[:0]
	ascii := true
	for i := start; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			r.scratch = out
			if !ascii && !utf8.Valid(out) {
				return "", i, false
			}
			return r.text(out, intern), i + 1, true
		case c < 0x20:
			return "", i, false
		case c != '\\':
			if c >= utf8.RuneSelf {
				ascii = false
			}
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", i, false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+6 > len(b) {
				return "", i, false
			}
			rr := 0
			for _, h := range b[i+2 : i+6] {
				switch {
				case h >= '0' && h <= '9':
					rr = rr<<4 | int(h-'0')
				case h >= 'a' && h <= 'f':
					rr = rr<<4 | int(h-'a'+10)
				case h >= 'A' && h <= 'F':
					rr = rr<<4 | int(h-'A'+10)
				default:
					return "", i, false
				}
			}
			if rr >= 0xD800 && rr < 0xE000 {
				return "", i, false // surrogates: encoding/json's pairing rules
			}
			out = utf8.AppendRune(out, rune(rr))
			i += 6
			continue
		default:
			return "", i, false
		}
		i += 2
	}
	return "", len(b), false
}
