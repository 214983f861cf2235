package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Kind is which compliance report to render.
type Kind string

// The report kinds of `covered report --kind`.
const (
	// KindInventory lists every asset with its identification, and counts
	// by status, covered entity, device type and site.
	KindInventory Kind = "inventory"
	// Kind889 maps covered and suspected findings to their regimes and
	// gives, per item, the fields FAR 52.204-25(d)(2) asks a contractor to
	// report, with the one- and ten-business-day deadlines.
	Kind889 Kind = "889"
	// KindInquiry is the reasonable-inquiry record: every run and import
	// considered, totals, gaps, and a factual statement of the result.
	KindInquiry Kind = "inquiry"
)

// Format is the output file format.
type Format string

// The formats of `covered report --format`. Every kind renders in every
// format.
const (
	FormatHTML Format = "html"
	FormatPDF  Format = "pdf"
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
	FormatXLSX Format = "xlsx"
)

// Kinds lists the report kinds in the order the CLI documents them.
func Kinds() []Kind { return []Kind{KindInventory, Kind889, KindInquiry} }

// Formats lists the output formats.
func Formats() []Format { return []Format{FormatHTML, FormatPDF, FormatCSV, FormatJSON, FormatXLSX} }

// ParseKind validates a --kind value.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown report kind %q (want inventory, 889 or inquiry)", s)
}

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown report format %q (want html, pdf, csv, json or xlsx)", s)
}

// Render writes the report of kind in format to w. The output depends only
// on d: the same Data gives byte-identical output in every format (nothing
// reads the clock; PDF and XLSX properties carry d.Generated).
func Render(w io.Writer, kind Kind, format Format, d Data) error {
	doc, err := build(kind, &d)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case FormatHTML:
		err = writeHTML(bw, doc)
	case FormatPDF:
		err = writePDF(bw, doc)
	case FormatCSV:
		err = writeCSV(bw, doc)
	case FormatJSON:
		err = writeJSON(bw, doc)
	case FormatXLSX:
		err = writeXLSX(bw, doc)
	default:
		return fmt.Errorf("render %s report: unknown format %q", kind, format)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("render %s report as %s: %w", kind, format, err)
	}
	return nil
}
