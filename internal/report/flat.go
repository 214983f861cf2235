package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
)

// writeCSV writes the kind's main table (inventory: assets; 889: items;
// inquiry: runs) as RFC 4180 CSV with a header row and CRLF line ends.
func writeCSV(bw *bufio.Writer, d *doc) error {
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	t := d.csv
	r := make([]string, len(t.cols))
	for i, c := range t.cols {
		r[i] = c.name
	}
	if err := cw.Write(r); err != nil {
		return fmt.Errorf("write CSV header: %w", err)
	}
	for i := 0; i < t.n; i++ {
		clear(r)
		t.row(i, r)
		for j := range r {
			r[j] = csvCell(r[j], t.cols[j].num)
		}
		if err := cw.Write(r); err != nil {
			return fmt.Errorf("write CSV row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// csvCell cleans a value and defuses spreadsheet formulas: a text cell
// that starts with = + - @ (or tab/CR) gets a leading apostrophe, so a
// hostname such as "=HYPERLINK(...)" stays text when the CSV is opened in a
// spreadsheet. Numbers are left alone.
func csvCell(s string, num bool) string {
	s = clean(s)
	if s == "" || num {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// writeJSON writes the kind's model, indented. encoding/json replaces
// invalid UTF-8 with U+FFFD and escapes <, > and &, so hostile strings stay
// inert even when the JSON is pasted into a page.
func writeJSON(bw *bufio.Writer, d *doc) error {
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d.model); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return nil
}
