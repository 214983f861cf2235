package targets

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxListEntries bounds the entries ReadList accepts from one file
// (1,048,576); past it the file is almost certainly not a target list, and
// holding it would cost more memory than the scan itself. A variable so
// tests can lower it.
var maxListEntries = 1 << 20

// maxLine bounds one line of a list file.
const maxLine = 64 << 10

// ReadList reads an nmap -iL or --excludefile list: entries separated by
// spaces, tabs or newlines, '#' starting a comment to the end of the line.
// Each entry is checked for target syntax here, without resolving
// hostnames, so that errors can say "FILE:LINE"; name is the file name
// used in those errors ("-" for stdin is fine).
func ReadList(r io.Reader, name string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var out []string
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("%s:%d: not valid UTF-8", name, line)
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		for _, tok := range strings.Fields(text) {
			if len(out) == maxListEntries {
				return nil, fmt.Errorf("%s:%d: more than %d entries", name, line, maxListEntries)
			}
			if err := CheckTarget(tok); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			out = append(out, tok)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxLine)
		}
		return nil, fmt.Errorf("%s:%d: read: %w", name, line+1, err)
	}
	return out, nil
}

// SplitExclude splits an --exclude argument at commas, as nmap does, and
// drops empty entries and surrounding spaces. Because the comma separates
// entries, octet lists ("10.0.0,2.1") cannot appear in --exclude; nmap has
// the same rule, and --excludefile takes them.
func SplitExclude(arg string) []string {
	var out []string
	for _, s := range strings.Split(arg, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
