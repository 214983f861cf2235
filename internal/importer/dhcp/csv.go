package dhcp

import (
	"errors"
	"strings"
)

// maxFields bounds the fields of one CSV line; the formats here have fewer
// than 32.
const maxFields = 256

// splitCSV splits one CSV line (RFC 4180 quoting, "" inside quotes) into
// dst. Records span one line: the formats read here never break lines
// inside a field.
func splitCSV(dst []string, line string) ([]string, error) {
	dst = dst[:0]
	for {
		if len(dst) == maxFields {
			return nil, errors.New("too many fields")
		}
		if !strings.HasPrefix(line, `"`) {
			field, rest, more := strings.Cut(line, ",")
			dst = append(dst, field)
			if !more {
				return dst, nil
			}
			line = rest
			continue
		}
		var b strings.Builder
		i := 1
		for {
			j := strings.IndexByte(line[i:], '"')
			if j < 0 {
				return nil, errors.New("unterminated quoted field")
			}
			b.WriteString(line[i : i+j])
			i += j + 1
			if i < len(line) && line[i] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		dst = append(dst, b.String())
		line = line[i:]
		if line == "" {
			return dst, nil
		}
		if line[0] != ',' {
			return nil, errors.New("text after quoted field")
		}
		line = line[1:]
	}
}

// columns maps header names to their index.
type columns map[string]int

func newColumns(header []string, norm func(string) string) columns {
	c := columns{}
	for i, h := range header {
		if _, dup := c[norm(h)]; !dup {
			c[norm(h)] = i
		}
	}
	return c
}

// get returns the field called name of rec, "" when absent.
func (c columns) get(rec []string, name string) string {
	if i, ok := c[name]; ok && i < len(rec) {
		return rec[i]
	}
	return ""
}
