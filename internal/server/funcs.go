package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// funcs are the template helpers.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"num":   num,
	"pct":   func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
	"label": func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"join":  func(sep string, v []string) string { return strings.Join(v, sep) },
	"clip":  clip,
	"shown": shown,
	"dict":  dict,
	"json": func(b json.RawMessage) string {
		if len(b) == 0 || string(b) == "null" || string(b) == "{}" {
			return ""
		}
		return string(b)
	},
}

// num writes an integer with thousands separators: 12,345.
func num(n any) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// clip shortens s to at most n bytes, on a character boundary, marking the
// cut with an ellipsis.
func clip(n int, s string) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// maxShown is how much of one observed value a page shows; the API and
// the reports have it whole.
const maxShown = 16 << 10

// shown is a raw observed value (a banner, a reply) as a page shows it:
// bytes that are not text, and control characters other than line breaks
// and tabs, as \xNN, so that what the device sent stays visible and cannot
// upset the page; long values cut at maxShown with a note.
func shown(v string) string {
	var b strings.Builder
	i := 0
	for i < len(v) && b.Len() < maxShown {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20 && r != '\n' && r != '\t' && r != '\r', r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, v[i])
		default:
			b.WriteString(v[i : i+size])
		}
		i += size
	}
	if i < len(v) {
		fmt.Fprintf(&b, "\n… (%s bytes in all; the API has the whole value)", num(len(v)))
	}
	return b.String()
}

// urlQuery escapes a value for a URL query.
func urlQuery(v string) string { return url.QueryEscape(v) }

// dict makes a map from key, value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: want key, value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
