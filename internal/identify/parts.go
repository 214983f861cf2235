package identify

import (
	"html"
	"strings"
)

// httpResponse splits a raw HTTP response into the parts that have their own
// rule files (Server, WWW-Authenticate, title) and also runs the rules for
// the raw reply (header combinations, body text).
// A value that does not start with a status line is a bare body (some
// sources record only the body) and has no headers.
func (e *Engine) httpResponse(v, path string) []claim {
	head, body := "", v
	if strings.HasPrefix(v, "HTTP/") {
		var ok bool
		if head, body, ok = strings.Cut(v, "\r\n\r\n"); !ok {
			head, body, _ = strings.Cut(v, "\n\n")
		}
	}
	var out []claim
	if s := header(head, "server"); s != "" {
		out = append(out, e.rules("http.header.server", s, path)...)
	}
	if s := header(head, "www-authenticate"); s != "" {
		out = append(out, e.rules("http.header.www_authenticate", s, path)...)
	}
	if t := title(body); t != "" {
		out = append(out, e.rules("http.title", t, path)...)
	}
	return append(out, e.rules("http.response", v, path)...)
}

// httpBody runs the body rules of the page and the title rules on its title.
func (e *Engine) httpBody(v, path string) []claim {
	out := e.rules("http.body", v, path)
	if t := title(v); t != "" {
		out = append(out, e.rules("http.title", t, path)...)
	}
	return out
}

// rtspResponse does for RTSP what httpResponse does for HTTP.
func (e *Engine) rtspResponse(v, path string) []claim {
	var out []claim
	if s := header(v, "server"); s != "" {
		out = append(out, e.rules("rtsp.header.server", s, path)...)
	}
	return append(out, e.rules("rtsp.response", v, path)...)
}

// header returns the first value of a header (case-insensitive name) in a
// block of header lines.
func header(head, name string) string {
	for line := range strings.Lines(head) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// title extracts the text of the first <title> element, entities decoded.
func title(body string) string {
	lower := strings.ToLower(body)
	i := strings.Index(lower, "<title")
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	end := strings.Index(lower[start:], "</title")
	if end < 0 {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(body[start : start+end]))
}

// corporate suffixes dropped from registrant names that no policy company
// claims, so "Cisco Systems, Inc" reads "Cisco Systems".
var orgSuffixes = []string{
	"co., ltd.", "co.,ltd.", "co., ltd", "co.,ltd", "co ltd", "co.", "corporation", "corp.", "corp",
	"incorporated", "inc.", "inc", "llc", "l.l.c.", "ltd.", "ltd", "limited", "gmbh", "ag", "s.a.", "sa",
	"b.v.", "bv", "ab", "oy", "a/s", "s.p.a.", "pty", "plc", "k.k.",
}

func cleanOrg(org string) string {
	s := strings.TrimSpace(org)
	for changed := true; changed; {
		changed = false
		lower := strings.ToLower(s)
		for _, suf := range orgSuffixes {
			if strings.HasSuffix(lower, " "+suf) || strings.HasSuffix(lower, ","+suf) {
				s = strings.TrimRight(strings.TrimSpace(s[:len(s)-len(suf)]), " ,")
				changed = true
				break
			}
		}
	}
	return s
}
