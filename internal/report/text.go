package report

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Report text comes from devices (banners, hostnames, model strings) and is
// hostile until proven otherwise. Every format gets it through clean, which
// makes it valid UTF-8 without control characters (XML 1.0, used by XLSX,
// cannot carry them at all) or bidirectional overrides, and the format's
// own escaping on top.

// clean returns s as valid UTF-8 with invalid bytes, control characters
// (except tab and newline) and bidi overrides replaced by U+FFFD. It does not allocate when s
// is already clean, which is the common case.
func clean(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c >= 0x80 {
			return cleanSlow(s, i)
		}
	}
	return s
}

func cleanSlow(s string, from int) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:from])
	for i := from; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			r = utf8.RuneError
		case r < 0x20 && r != '\t' && r != '\n', r == 0x7f, r >= 0x80 && r < 0xa0,
			r == 0xfffe, r == 0xffff, r >= 0xd800 && r < 0xe000:
			r = utf8.RuneError
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			// Bidirectional overrides let a device name reorder the text
			// around it on screen ("Trojan Source"); a report must show
			// what was observed, in order.
			r = utf8.RuneError
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// truncate shortens s to at most n runes, marking the cut, so one huge
// banner cannot make a page or a cell unusable.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	if cut == 0 {
		return s
	}
	return s[:cut] + "… [truncated, " + strconv.Itoa(len(s)) + " bytes]"
}

// Times in tables are UTC to the minute; deadlines are calendar days.
const (
	stampLayout = "2006-01-02 15:04Z"
	dayLayout   = time.DateOnly
)

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(stampLayout)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dayLayout)
}

func itoa(n int) string { return strconv.Itoa(n) }

func join(ss []string) string { return strings.Join(ss, ", ") }

// orDash stands in for an empty value where a blank would read as an
// omission by the report writer rather than an unknown value.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
