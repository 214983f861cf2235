package inventory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// xlsxFormat reads exports as Excel workbooks.
type xlsxFormat struct{}

func (xlsxFormat) Name() string { return "inventory-xlsx" }

func (xlsxFormat) Description() string {
	return "asset/MDM/CMDB export (Lansweeper, Intune, Jamf Pro, ServiceNow...) as an Excel workbook (.xlsx)"
}

func (xlsxFormat) Example() string {
	return "(an .xlsx workbook; a sheet such as)\n" +
		"AssetName | Manufacturer | Model | Serialnumber | Mac | IPAddress\n" +
		"CAM-LOBBY | Hikvision | DS-2CD2143G2-I | DS-2CD2143G2-I20231107AAWRJ12345678 | 44:19:b6:aa:bb:cc | 10.20.0.31"
}

var zipMagic = []byte("PK\x03\x04")

// Detect claims zip archives whose first entries are a workbook's parts: a
// zip of anything else (a .docx, a plain archive) is not claimed.
func (xlsxFormat) Detect(head []byte) bool {
	return bytes.HasPrefix(head, zipMagic) &&
		(bytes.Contains(head, []byte("xl/workbook.xml")) || bytes.Contains(head, []byte("xl/worksheets/")))
}

const (
	// maxWorkbook bounds the file: a workbook is read from disk, so a
	// stream is first copied to a temporary file.
	maxWorkbook = 1 << 30
	// maxUnzipped bounds the workbook's parts once decompressed; excelize
	// writes the large ones to temporary files.
	maxUnzipped = 4 << 30
	// partInMemory is the size over which excelize keeps a worksheet or
	// the shared strings on disk rather than in memory.
	partInMemory = 16 << 20
	// maxInMemory bounds the parts excelize keeps in memory: every part
	// but the large worksheets and shared strings.
	maxInMemory = 256 << 20
)

// Read copies the workbook to a temporary file (excelize needs to seek),
// finds the header of every sheet among its first rows, then streams the
// rows of the sheets that have one, in workbook order. A row's bad values
// are reported with its row number and sheet, and its other values still
// used. Cells are read as stored, not as displayed, so that an IMEI or a
// serial stored as a number keeps all its digits.
func (f xlsxFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	o, err := parseMap(src.Options.Columns)
	if err != nil {
		return err
	}
	// One directory holds the copy and every part excelize unzips, so
	// that removing it cleans up after excelize too: on some errors it
	// returns no File to Close.
	dir, err := os.MkdirTemp("", "covered-inventory-")
	if err != nil {
		return fmt.Errorf("read %s: %w", src.Name, err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "workbook.xlsx")
	if err := spool(r, path); err != nil {
		return fmt.Errorf("read %s: %w", src.Name, err)
	}
	if err := checkZip(path); err != nil {
		return fmt.Errorf("%s: %w", src.Name, err)
	}
	var wb *excelize.File
	err = safely(func() (err error) {
		wb, err = excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: partInMemory, TmpDir: dir})
		return err
	})
	if wb != nil {
		defer wb.Close()
	}
	if err != nil {
		return fmt.Errorf("open %s as a workbook: %w", src.Name, err)
	}

	type plan struct {
		sheet string
		row   int // of the header
		lay   layout
	}
	var plans []plan
	var firstMiss error
	for _, sheet := range wb.GetSheetList() {
		h := headerFinder{o: o}
		row := 0
		err := eachRow(wb, sheet, func(n int, cells []string) (bool, error) {
			if n%4096 == 0 && ctx.Err() != nil {
				return true, ctx.Err()
			}
			row = n
			if len(cells) > maxColumns {
				cells = cells[:maxColumns]
			}
			return h.offer(cells), nil
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", src.Name, err)
		}
		if h.found {
			plans = append(plans, plan{sheet, row, h.lay})
		} else if firstMiss == nil {
			firstMiss = h.err(fmt.Sprintf(" of sheet %q", clip(sheet, 64)))
		}
	}
	if len(plans) == 0 {
		if firstMiss == nil {
			firstMiss = errors.New("no sheets")
		}
		return fmt.Errorf("%s: %w", src.Name, firstMiss)
	}

	p := newRows(f.Name(), src, emit, bad)
	for _, pl := range plans {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := eachRow(wb, pl.sheet, func(n int, cells []string) (bool, error) {
			if n%4096 == 0 && ctx.Err() != nil {
				return true, ctx.Err()
			}
			if n <= pl.row {
				return false, nil
			}
			if len(cells) > maxColumns {
				p.badRecord(n, pl.sheet, fmt.Errorf("row of more than %d cells", maxColumns))
				return false, nil
			}
			size := 0
			for _, c := range cells {
				size += len(c)
			}
			if size > maxRecord {
				p.badRecord(n, pl.sheet, fmt.Errorf("row of %d bytes, longer than %d", size, maxRecord))
				return false, nil
			}
			return false, p.row(&pl.lay, cells, n, pl.sheet)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// eachRow calls fn with the number and cells of each row of a sheet, empty
// rows included, until fn says stop or fails. Only fn's error is returned
// as is; excelize's are wrapped with the sheet.
func eachRow(wb *excelize.File, sheet string, fn func(n int, cells []string) (stop bool, err error)) error {
	var rs *excelize.Rows
	if err := safely(func() (err error) { rs, err = wb.Rows(sheet); return err }); err != nil {
		return fmt.Errorf("sheet %q: %w", sheet, err)
	}
	defer rs.Close()
	for n := 1; ; n++ {
		// excelize's iterator yields every row number up to the last
		// row, with no cells for rows the sheet leaves out, so n is the
		// row's number.
		var cells []string
		more := false
		err := safely(func() (err error) {
			if more = rs.Next(); more {
				cells, err = rs.Columns()
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("sheet %q row %d: %w", sheet, n, err)
		}
		if !more {
			if err := rs.Error(); err != nil {
				return fmt.Errorf("sheet %q: %w", sheet, err)
			}
			return nil
		}
		stop, err := fn(n, cells)
		if stop || err != nil {
			return err
		}
	}
}

// safely runs a call into excelize, turning a panic on a malformed
// workbook into an error: the file is input, and a bad one must not take
// the import down.
func safely(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("malformed workbook: %v", v)
		}
	}()
	return fn()
}

// spool copies r to path, refusing more than maxWorkbook bytes.
func spool(r io.Reader, path string) error {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("spool workbook: %w", err)
	}
	n, err := io.Copy(out, io.LimitReader(r, maxWorkbook+1))
	if cerr := out.Close(); err == nil && cerr != nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("spool workbook: %w", err)
	case n > maxWorkbook:
		return fmt.Errorf("workbook larger than %d MiB", maxWorkbook>>20)
	}
	return nil
}
