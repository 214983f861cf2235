// Package inventory imports asset, MDM and CMDB exports (importer formats
// of the import stage): "inventory-csv" reads comma, semicolon or tab
// separated text and "inventory-xlsx" Excel workbooks, as Microsoft Intune,
// Jamf Pro, ServiceNow, Lansweeper and home-grown spreadsheets write them.
//
// The header row is found among the first rows (exports often start with a
// title) by its column names, matched without regard to case, spaces or
// punctuation against the names those products use; --map
// (importer.Options.Columns) names the others. Each row becomes
// observations of one device: inventory.manufacturer, inventory.model,
// inventory.serial, inventory.imei, mac (every MAC column) and hostname.
// Their Host is the row's IP address, else its first MAC, else its name,
// else "serial:" and its serial; a row with none of them is reported. An
// inventory row says what the device is, which the network often cannot:
// a phone's maker and model are rarely on the wire.
//
// Reading streams: memory does not grow with the number of rows. A bad
// value (a MAC, IP address or IMEI that does not parse) is reported with
// its row and the rest of the row is still used; records longer than
// 64 KiB or wider than 4096 columns are reported and skipped.
package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

func init() {
	importer.Register(csvFormat{})
	importer.Register(xlsxFormat{})
}

var (
	_ importer.Format = csvFormat{}
	_ importer.Format = xlsxFormat{}
)

const (
	// maxRecord bounds one row, in bytes of its cells (CSV: of its text).
	maxRecord = 64 << 10
	// maxColumns bounds the cells of one row.
	maxColumns = 4096
)

// ErrNoIdentifier is what errors.Is finds in the error of a row that names
// no address, name or serial to key its observations by.
var ErrNoIdentifier = errors.New("no IP address, MAC address, name or serial to identify the device")

// rowError is everything wrong with one row; the row's good values were
// still used.
type rowError struct {
	sheet string // XLSX only: RecordError.Line holds the row, not the sheet
	errs  []error
}

func (e *rowError) Error() string {
	var b strings.Builder
	if e.sheet != "" {
		fmt.Fprintf(&b, "sheet %s: ", strconv.Quote(clip(e.sheet, 64)))
	}
	for i, err := range e.errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *rowError) Unwrap() []error { return e.errs }

// rows turns the rows of one table into observations.
type rows struct {
	source, file string
	seen         time.Time
	emit         func(covered.Observation) error
	bad          func(*importer.RecordError)

	// scratch, reused row to row
	macs, models, imeis []string
	errs                []error
}

func newRows(name string, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) *rows {
	return &rows{source: "import:" + name, file: src.Name, seen: src.Seen, emit: emit, bad: bad}
}

// badRecord reports a row that could not be read at all.
func (p *rows) badRecord(line int, sheet string, err error) {
	p.bad(&importer.RecordError{File: p.file, Line: line, Err: &rowError{sheet: sheet, errs: []error{err}}})
}

// row emits the observations of one data row. line is its line (CSV) or
// row number (XLSX, with sheet naming the sheet). Only an error from emit
// is returned; the row's own faults go to bad.
func (p *rows) row(l *layout, cells []string, line int, sheet string) error {
	if blank(cells) || p.repeatedHeader(l, cells) {
		return nil
	}
	p.macs, p.models, p.imeis, p.errs = p.macs[:0], p.models[:0], p.imeis[:0], p.errs[:0]
	var ip, serialNo, manufacturer, hostname string
	for f := range numFields {
		for _, col := range l.cols[f] {
			if col >= len(cells) {
				continue
			}
			v := cell(cells[col])
			if v == "" {
				continue
			}
			if len(v) > maxValue {
				p.errs = append(p.errs, fmt.Errorf("column %s: %d bytes, longer than %d", p.colName(l, col), len(v), maxValue))
				continue
			}
			switch f {
			case fManufacturer:
				manufacturer = first(manufacturer, v)
			case fModel:
				p.models = appendNew(p.models, v)
			case fSerial:
				serialNo = first(serialNo, serial(v))
			case fHostname:
				hostname = first(hostname, v)
			case fIP:
				a, err := parseIP(v)
				if err != nil {
					p.errs = append(p.errs, fmt.Errorf("column %s: %w", p.colName(l, col), err))
					continue
				}
				ip = first(ip, a)
			case fMAC:
				eachItem(v, func(s string) {
					mac, ok, err := parseMAC(s)
					if err != nil {
						p.errs = append(p.errs, fmt.Errorf("column %s: %w", p.colName(l, col), err))
					} else if ok {
						p.macs = appendNew(p.macs, mac)
					}
				})
			case fIMEI:
				eachItem(v, func(s string) {
					imei, err := normIMEI(s)
					if err != nil {
						p.errs = append(p.errs, fmt.Errorf("column %s: %w", p.colName(l, col), err))
					} else if imei != "" {
						p.imeis = appendNew(p.imeis, imei)
					}
				})
			}
		}
	}
	var mac string
	if len(p.macs) > 0 {
		mac = p.macs[0]
	}
	host := ip
	switch {
	case host != "":
	case mac != "":
		host = mac
	case hostname != "":
		host = hostname
	case len(serialNo) >= 4: // shorter ones are not unique enough to key a device
		host = "serial:" + serialNo
	default:
		p.errs = append(p.errs, ErrNoIdentifier)
	}
	if len(p.errs) > 0 {
		p.bad(&importer.RecordError{File: p.file, Line: line, Err: &rowError{sheet: sheet, errs: slices.Clone(p.errs)}})
	}
	if host == "" {
		return nil
	}
	obs := func(key, value string) error {
		if value == "" {
			return nil
		}
		return p.emit(covered.Observation{Host: host, Key: key, Value: value, Source: p.source, Seen: p.seen, IP: ip, MAC: mac})
	}
	if err := obs("hostname", hostname); err != nil {
		return err
	}
	if err := obs("inventory.manufacturer", manufacturer); err != nil {
		return err
	}
	for _, v := range p.models {
		if err := obs("inventory.model", v); err != nil {
			return err
		}
	}
	if err := obs("inventory.serial", serialNo); err != nil {
		return err
	}
	for _, v := range p.imeis {
		if err := obs("inventory.imei", v); err != nil {
			return err
		}
	}
	for _, v := range p.macs {
		if err := obs("mac", v); err != nil {
			return err
		}
	}
	return nil
}

// repeatedHeader reports whether a row repeats the header, as exports
// paged into one file do.
func (p *rows) repeatedHeader(l *layout, cells []string) bool {
	n := 0
	for f := range numFields {
		for _, col := range l.cols[f] {
			if col >= len(cells) || !strings.EqualFold(strings.TrimSpace(cells[col]), strings.TrimSpace(l.header[col])) {
				return false
			}
			n++
		}
	}
	return n > 0
}

// colName names a column in a message.
func (p *rows) colName(l *layout, col int) string {
	return strconv.Quote(clip(strings.TrimSpace(l.header[col]), 40))
}

func first(have, v string) string {
	if have != "" {
		return have
	}
	return v
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
