package report

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeXLSX writes a workbook with a Summary sheet (facts, statement,
// notes) and one sheet per table, each with a styled, frozen header row and
// column widths. Rows go through excelize's StreamWriter, which keeps
// memory flat for 100,000-row sheets. Document properties carry
// d.generated, and excelize writes zip entries without timestamps, so the
// same doc gives the same bytes.
func writeXLSX(bw *bufio.Writer, d *doc) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close workbook: %w", cerr)
		}
	}()
	stamp := d.generated.UTC().Format(time.RFC3339)
	if d.generated.IsZero() {
		stamp = "2000-01-01T00:00:00Z"
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: d.title, Creator: orWord(d.tool, "covered"), LastModifiedBy: orWord(d.tool, "covered"),
		Created: stamp, Modified: stamp, Subject: string(d.kind), Language: "en-US",
	}); err != nil {
		return fmt.Errorf("set workbook properties: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	if err != nil {
		return fmt.Errorf("create header style: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("create text style: %w", err)
	}

	if err := f.SetSheetName("Sheet1", "Summary"); err != nil {
		return fmt.Errorf("name summary sheet: %w", err)
	}
	summary := &table{name: "Summary", cols: []column{{name: "Field", width: 26}, {name: "Value", width: 100}}}
	var lines [][2]string
	for _, x := range d.facts {
		lines = append(lines, [2]string{x.name, x.value})
	}
	if d.statement != "" {
		lines = append(lines, [2]string{"Statement", d.statement})
	}
	for _, n := range d.notes {
		lines = append(lines, [2]string{"Note", n})
	}
	summary.n = len(lines)
	summary.row = func(i int, r []string) { r[0], r[1] = lines[i][0], lines[i][1] }
	if err := xlsxSheet(f, summary, head, wrap); err != nil {
		return err
	}
	for _, t := range d.tables {
		if _, err := f.NewSheet(t.name); err != nil {
			return fmt.Errorf("add sheet %s: %w", t.name, err)
		}
		if err := xlsxSheet(f, t, head, 0); err != nil {
			return err
		}
	}
	// No SetActiveSheet: the Summary sheet is already the first and active
	// one, and SetActiveSheet would parse every streamed sheet back into
	// memory (seconds for 100,000 rows).
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return canonicalZip(bw, buf.Bytes())
}

// canonicalZip rewrites a zip with its entries in a fixed order:
// [Content_Types].xml first (as Office writes it), then by name. excelize
// writes streamed worksheets in sync.Map order, which differs from run to
// run; entries are copied raw, without recompressing.
func canonicalZip(w io.Writer, b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fmt.Errorf("reorder workbook: %w", err)
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		ca, cb := a.Name == "[Content_Types].xml", b.Name == "[Content_Types].xml"
		switch {
		case ca && !cb:
			return -1
		case cb && !ca:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	zw := zip.NewWriter(w)
	for _, f := range files {
		if err := zw.Copy(f); err != nil {
			return fmt.Errorf("reorder workbook: %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("reorder workbook: %w", err)
	}
	return nil
}

// maxXLSXCell is below Excel's 32,767-character cell limit (counted in
// UTF-16 units, hence the margin).
const maxXLSXCell = 16000

func xlsxSheet(f *excelize.File, t *table, head, body int) error {
	sw, err := f.NewStreamWriter(t.name)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", t.name, err)
	}
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width+2); err != nil {
			return fmt.Errorf("sheet %s: column width: %w", t.name, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet %s: freeze header: %w", t.name, err)
	}
	vals := make([]any, len(t.cols))
	for i, c := range t.cols {
		vals[i] = c.name
	}
	if err := sw.SetRow("A1", vals, excelize.RowOpts{StyleID: head}); err != nil {
		return fmt.Errorf("sheet %s: header: %w", t.name, err)
	}
	r := make([]string, len(t.cols))
	var opts []excelize.RowOpts
	if body != 0 {
		opts = []excelize.RowOpts{{StyleID: body}}
	}
	for i := 0; i < t.n; i++ {
		clear(r)
		t.row(i, r)
		for j, c := range t.cols {
			vals[j] = xlsxValue(r[j], c.num)
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("sheet %s: row %d: %w", t.name, i+2, err)
		}
		if err := sw.SetRow(cell, vals, opts...); err != nil {
			return fmt.Errorf("sheet %s: row %d: %w", t.name, i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet %s: %w", t.name, err)
	}
	return nil
}

// xlsxValue stores counts as numbers and everything else as text (never
// as a formula, so hostile strings starting with "=" stay inert).
func xlsxValue(s string, num bool) any {
	if num {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return truncate(clean(s), maxXLSXCell)
}
