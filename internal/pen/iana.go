package pen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// maxIANALine bounds one line of enterprise-numbers.txt; real lines are
// under 200 bytes.
const maxIANALine = 64 << 10

var ianaUpdated = regexp.MustCompile(`^\(last updated (\d{4}-\d{2}-\d{2})\)$`)

// ParseIANA reads IANA's own registry file,
// https://www.iana.org/assignments/enterprise-numbers.txt, so that users can
// refresh the built-in table without a new release: merge the result over
// Builtin() with Merge. name labels errors ("enterprise-numbers.txt:12: ...")
// and Info's Source; Info's Date is the file's "(last updated YYYY-MM-DD)".
//
// The format is a free-text header, then one record per number: the number
// alone on a line, followed by indented lines for the organisation, the
// contact and the e-mail address (only the organisation, the first indented
// line, is kept). "End of Document" ends the registry and must be present,
// so that a cut download is an error rather than a smaller table. Numbers listed with
// organisation "---none---" are left out. A repeated number, a number without
// an organisation, or any other unindented line is an error.
func ParseIANA(r io.Reader, name string) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxIANALine)
	orgs := map[uint32]string{}
	lines := map[uint32]int{} // where each number was seen
	var (
		date    string
		cur     uint32
		curLine int // 0 until the first record
		hasOrg  bool
	)
	finish := func() error {
		if curLine != 0 && !hasOrg {
			return fmt.Errorf("%s:%d: enterprise %d has no organization line", name, curLine, cur)
		}
		return nil
	}
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		if curLine == 0 && !isDecimal(line) {
			if m := ianaUpdated.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				date = m[1]
			}
			continue // header
		}
		switch {
		case strings.TrimSpace(line) == "":
		case line[0] == ' ' || line[0] == '\t':
			if hasOrg {
				continue // contact and e-mail
			}
			hasOrg = true
			org := strings.TrimSpace(strings.ReplaceAll(line, "\t", " "))
			if org == "" {
				return nil, fmt.Errorf("%s:%d: enterprise %d has an empty organization", name, n, cur)
			}
			if org != unassigned {
				orgs[cur] = org
			}
		case isDecimal(line):
			if err := finish(); err != nil {
				return nil, err
			}
			v, err := strconv.ParseUint(line, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: enterprise number %s: %w", name, n, line, err)
			}
			if first, dup := lines[uint32(v)]; dup {
				return nil, fmt.Errorf("%s:%d: enterprise %d repeated (first on line %d)", name, n, v, first)
			}
			cur, curLine, hasOrg = uint32(v), n, false
			lines[cur] = n
		case strings.TrimSpace(line) == "End of Document":
			if err := finish(); err != nil {
				return nil, err
			}
			return newTable(orgs, Info{Source: "IANA " + name, Date: date}), nil
		default:
			return nil, fmt.Errorf("%s:%d: want an enterprise number, an indented line or \"End of Document\", got %q", name, n, clip(line))
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, n+1, maxIANALine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if curLine == 0 {
		return nil, fmt.Errorf("%s: no enterprise numbers found", name)
	}
	// The real file ends with this line; without it, a download was cut.
	return nil, fmt.Errorf("%s:%d: file ends without \"End of Document\" (truncated?)", name, n)
}

// isDecimal reports whether s is a non-empty run of ASCII digits.
func isDecimal(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// clip shortens a line quoted in an error.
func clip(s string) string {
	if len(s) > maxErrInput {
		return s[:maxErrInput] + "..."
	}
	return s
}
