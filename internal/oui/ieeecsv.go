package oui

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ieeeHeader is the first line of every IEEE registry CSV file.
var ieeeHeader = []string{"Registry", "Assignment", "Organization Name", "Organization Address"}

// ieeeRegistries gives the assignment length in hex digits and prefix length
// of each registry ParseIEEECSV accepts.
var ieeeRegistries = map[string]struct {
	digits int
	bits   uint8
}{
	"MA-L": {6, 24},
	"MA-M": {7, 28},
	"MA-S": {9, 36},
	"IAB":  {9, 36},
}

// ParseIEEECSV reads one of the IEEE Registration Authority's CSV files
// (oui.csv, mam.csv, oui36.csv, or the retired iab.csv; columns Registry,
// Assignment, Organization Name, Organization Address) so that users can
// refresh the built-in table without a new release: merge the results over
// Builtin() with Merge. name labels errors and Info's Source; errors say the
// file and line, "oui.csv:12: ...".
//
// A file may repeat an assignment (the IEEE lists three registrants for
// 08:00:30); the last row wins, as in the built-in table. cid.csv is
// rejected: company IDs are not MAC address blocks. The table has no Date;
// set one with WithSource.
func ParseIEEECSV(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(ieeeHeader)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, want header %s", name, strings.Join(ieeeHeader, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	head[0] = strings.TrimPrefix(head[0], "\uFEFF")
	for i, h := range ieeeHeader {
		if head[i] != h {
			return nil, fmt.Errorf("%s:1: header has %q in column %d, want %s", name, head[i], i+1, strings.Join(ieeeHeader, ","))
		}
	}
	b := builder{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		k, registry, org, err := ieeeRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		b.add(k, registry, org)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s: no assignments after the header", name)
	}
	return b.build(Info{Name: tableName, Source: "IEEE " + name}), nil
}

// ieeeRow checks one record of an IEEE CSV file.
func ieeeRow(rec []string) (block, string, string, error) {
	registry, assignment := rec[0], rec[1]
	if registry == "CID" {
		return block{}, "", "", errors.New("registry CID holds company IDs, not MAC address blocks")
	}
	reg, ok := ieeeRegistries[registry]
	if !ok {
		return block{}, "", "", fmt.Errorf("unknown registry %q, want MA-L, MA-M, MA-S or IAB", registry)
	}
	if len(assignment) != reg.digits {
		return block{}, "", "", fmt.Errorf("%s assignment %q has %d characters, want %d hex digits", registry, assignment, len(assignment), reg.digits)
	}
	k, _, err := parseAssignment(assignment)
	if err != nil {
		return block{}, "", "", fmt.Errorf("%s assignment: %w", registry, err)
	}
	k.bits = reg.bits // IAB has MA-S's length
	org := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, rec[2]))
	if org == "" {
		return block{}, "", "", fmt.Errorf("%s %s: empty organization name", registry, assignment)
	}
	return k, registry, org, nil
}
