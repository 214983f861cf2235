package inventory

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// csvFormat reads exports as delimited text.
type csvFormat struct{}

func (csvFormat) Name() string { return "inventory-csv" }

func (csvFormat) Description() string {
	return "asset/MDM/CMDB export (Intune, Jamf Pro, ServiceNow, Lansweeper...) as CSV: comma, semicolon or tab separated"
}

func (csvFormat) Example() string {
	return "Device name,Manufacturer,Model,Serial number,IMEI,Wi-Fi MAC\n" +
		"LAB-PHONE-07,ZTE,Blade A72,320455812345,490154203237518,00:19:c6:12:34:56"
}

var (
	utf8BOM = []byte{0xEF, 0xBB, 0xBF}
	// delimiters are tried in this order; the one that finds the best
	// header wins, the earlier on a tie.
	delimiters = []byte{',', ';', '\t'}
)

// Detect claims text whose first rows hold a header with at least two
// recognised columns, one of them describing the device (manufacturer,
// model, serial or IMEI): addresses and names alone are what DHCP lease and
// neighbour tables hold, and those have their own formats.
func (csvFormat) Detect(head []byte) bool {
	if bytes.HasPrefix(head, zipMagic) || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	_, l, ok := sniff(bytes.TrimPrefix(head, utf8BOM), overrides{})
	return ok && l.hasAsset()
}

// sniff finds the delimiter whose split of head's first rows yields the
// best header.
func sniff(head []byte, o overrides) (comma byte, lay layout, ok bool) {
	bestRows := 0
	for _, d := range delimiters {
		cr := newCSVReader(bufio.NewReaderSize(bytes.NewReader(head), 4096), d)
		h := headerFinder{o: o}
		findHeader(cr, &h)
		if !h.found {
			continue
		}
		if !ok || h.lay.score > lay.score || (h.lay.score == lay.score && h.rows < bestRows) {
			comma, lay, ok, bestRows = d, h.lay, true, h.rows
		}
	}
	return comma, lay, ok
}

// findHeader reads records into h until it has found the header or looked
// far enough. It returns only the input's failures.
func findHeader(cr *csvReader, h *headerFinder) error {
	for {
		rec, _, err := cr.next()
		var bad badRecord
		switch {
		case err == io.EOF:
			return nil
		case errors.As(err, &bad):
			if h.rows++; h.rows >= maxHeaderRows {
				return nil
			}
			continue
		case err != nil:
			return err
		}
		if h.offer(rec) {
			return nil
		}
	}
}

// Read finds the delimiter and the header in the first rows, then streams
// the rows after the header. A record over the bounds, or one whose quoted
// field never closes, is reported and skipped; a row's bad values are
// reported and its other values still used.
func (f csvFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	o, err := parseMap(src.Options.Columns)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, importer.HeadSize)
	head, err := br.Peek(importer.HeadSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("read %s: %w", src.Name, err)
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return fmt.Errorf("%s: UTF-16 text; save the export as CSV UTF-8", src.Name)
	}
	bom := bytes.HasPrefix(head, utf8BOM)
	comma, _, ok := sniff(bytes.TrimPrefix(head, utf8BOM), o)
	if !ok {
		// Without the --map columns, the error shows the header as split
		// by the delimiter that recognises most of it.
		if comma, _, ok = sniff(bytes.TrimPrefix(head, utf8BOM), overrides{}); !ok {
			comma = ','
		}
	}
	if bom {
		if _, err := br.Discard(len(utf8BOM)); err != nil {
			return fmt.Errorf("read %s: %w", src.Name, err)
		}
	}
	cr := newCSVReader(br, comma)
	h := headerFinder{o: o}
	if err := findHeader(cr, &h); err != nil {
		return fmt.Errorf("read %s: %w", src.Name, err)
	}
	if !h.found {
		return fmt.Errorf("%s: %w", src.Name, h.err(""))
	}
	p := newRows(f.Name(), src, emit, bad)
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, line, err := cr.next()
		var badRec badRecord
		switch {
		case err == io.EOF:
			return nil
		case errors.As(err, &badRec):
			p.badRecord(line, "", badRec.error)
			continue
		case err != nil:
			return fmt.Errorf("read %s: %w", src.Name, err)
		}
		if err := p.row(&h.lay, rec, line, ""); err != nil {
			return err
		}
	}
}
