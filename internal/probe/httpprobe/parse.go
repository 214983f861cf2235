package httpprobe

import (
	"bytes"
	"html"
	"strings"
)

// MaxTitle caps the http.title value, in bytes of the element's text: a
// title is a short label, and a page that never closes its <title> must
// not turn the rest of the body into one.
const MaxTitle = 512

// Title returns the http.title value of a page: the text of the first
// <title> element in body (at most MaxTitle bytes of it), with HTML
// entities decoded and runs of white space collapsed to one space, or ""
// when there is none. Embedded web servers often pad titles with newlines
// and tabs; collapsing them lets rules anchor on the text alone.
func Title(body []byte) string {
	start := indexFold(body, []byte("<title"), 0)
	for start >= 0 {
		// "<title" must end the tag name: "<titlebar>" is not a title.
		next := start + len("<title")
		if next < len(body) && (body[next] == '>' || isSpace(body[next]) || body[next] == '/') {
			break
		}
		start = indexFold(body, []byte("<title"), next)
	}
	if start < 0 {
		return ""
	}
	open := bytes.IndexByte(body[start:], '>')
	if open < 0 {
		return ""
	}
	text := body[start+open+1:]
	if end := indexFold(text, []byte("</title"), 0); end >= 0 {
		text = text[:end]
	} else {
		return ""
	}
	if len(text) > MaxTitle {
		text = text[:MaxTitle]
	}
	return strings.Join(strings.Fields(html.UnescapeString(string(text))), " ")
}

// iconLinks returns the href of every <link> whose rel names an icon
// ("icon", "shortcut icon"), in document order. The caller resolves and
// filters them; this only reads the markup.
func iconLinks(body []byte) []string {
	var out []string
	for i := 0; ; {
		at := indexFold(body, []byte("<link"), i)
		if at < 0 {
			return out
		}
		i = at + len("<link")
		if i < len(body) && !isSpace(body[i]) {
			continue // "<linkfoo", not a link element
		}
		attrs, end := tagAttrs(body[i:])
		i += end
		if rel, ok := attrs["rel"]; ok && hasToken(rel, "icon") {
			if href := strings.TrimSpace(attrs["href"]); href != "" {
				out = append(out, href)
			}
		}
	}
}

// tagAttrs parses the attributes of a start tag from just after its name
// up to the closing '>'. It returns lower-cased names mapped to raw values
// (first occurrence wins, as in browsers) and how many bytes it consumed.
// It is deliberately forgiving: broken markup yields fewer attributes, never
// an error.
func tagAttrs(b []byte) (map[string]string, int) {
	attrs := map[string]string{}
	i := 0
	for i < len(b) {
		for i < len(b) && (isSpace(b[i]) || b[i] == '/') {
			i++
		}
		if i >= len(b) {
			break
		}
		if b[i] == '>' {
			return attrs, i + 1
		}
		ns := i
		for i < len(b) && !isSpace(b[i]) && b[i] != '=' && b[i] != '>' && b[i] != '/' {
			i++
		}
		name := strings.ToLower(string(b[ns:i]))
		if ns == i { // a stray '=' or the like: skip it
			i++
			continue
		}
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		val := ""
		if i < len(b) && b[i] == '=' {
			i++
			for i < len(b) && isSpace(b[i]) {
				i++
			}
			if i < len(b) && (b[i] == '"' || b[i] == '\'') {
				q := b[i]
				i++
				vs := i
				for i < len(b) && b[i] != q {
					i++
				}
				val = string(b[vs:i])
				if i < len(b) {
					i++
				}
			} else {
				vs := i
				for i < len(b) && !isSpace(b[i]) && b[i] != '>' {
					i++
				}
				val = string(b[vs:i])
			}
		}
		if _, dup := attrs[name]; !dup {
			attrs[name] = html.UnescapeString(val)
		}
	}
	return attrs, i
}

// hasToken reports whether the space-separated list s holds tok, ignoring
// case (HTML rel values are case-insensitive token lists).
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// headerBlock returns the status line and header fields exactly as they
// came off the wire, including the blank line that ends them, taken from
// the start of raw. Interim 1xx responses that precede the final one are
// skipped when final is not itself 1xx. ok is false when raw holds no
// complete header block.
func headerBlock(raw []byte, final int) (block []byte, ok bool) {
	for {
		end := HeaderEnd(raw)
		if end < 0 {
			return nil, false
		}
		block, rest := raw[:end], raw[end:]
		if final < 100 || final >= 200 {
			if code, ok := statusCode(block); ok && code >= 100 && code < 200 && code != final {
				raw = rest
				continue
			}
		}
		return block, true
	}
}

// HeaderEnd returns the index just past the blank line ending the first
// header block in b ("\r\n\r\n", or "\n\n" as lenient servers send), or -1.
func HeaderEnd(b []byte) int {
	crlf := bytes.Index(b, []byte("\r\n\r\n"))
	lf := bytes.Index(b, []byte("\n\n"))
	switch {
	case crlf < 0 && lf < 0:
		return -1
	case lf < 0 || (crlf >= 0 && crlf < lf):
		return crlf + 4
	default:
		return lf + 2
	}
}

// statusCode reads the three-digit code of an "HTTP/x.y NNN ..." line.
func statusCode(block []byte) (int, bool) {
	sp := bytes.IndexByte(block, ' ')
	if sp < 0 || len(block) < sp+4 {
		return 0, false
	}
	code := 0
	for _, c := range block[sp+1 : sp+4] {
		if c < '0' || c > '9' {
			return 0, false
		}
		code = code*10 + int(c-'0')
	}
	return code, true
}

// indexFold is bytes.Index ignoring ASCII case, starting at from. needle
// must be lower case.
func indexFold(b, needle []byte, from int) int {
	for i := from; i >= 0 && i+len(needle) <= len(b); i++ {
		if equalFoldASCII(b[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(a, lower []byte) bool {
	for i := range lower {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
