// Package output writes result rows in the formats every listing command
// shares (DESIGN command-line contract): jsonl, json, csv and table. It is
// the last stage of the command line and knows nothing about what the rows
// mean beyond the columns a command gives it.
package output

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// Format is an output format.
type Format string

// The formats of the command-line contract.
const (
	JSONL Format = "jsonl"
	JSON  Format = "json"
	CSV   Format = "csv"
	Table Format = "table"
)

// Formats lists the accepted format names.
var Formats = []Format{JSONL, JSON, CSV, Table}

// ParseFormat checks a --format value. An empty value picks the default for
// w: table on a terminal, jsonl otherwise.
func ParseFormat(s string, w io.Writer) (Format, error) {
	if s == "" {
		if IsTerminal(w) {
			return Table, nil
		}
		return JSONL, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want jsonl, json, csv or table)", s)
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Column is one column of the csv and table formats.
type Column[T any] struct {
	Name  string
	Value func(T) string
	// Wide columns are left out of the table format (they stay in csv).
	Wide bool
}

// Writer writes rows of type T. JSON formats encode T itself; csv and table
// use the columns. Rows stream in jsonl, json and csv; the table is aligned
// and therefore written at Close. Output is buffered: Flush pushes what is
// written so far (a scan does after each host), Close pushes the rest.
type Writer[T any] struct {
	f     Format
	bw    *bufio.Writer
	cols  []Column[T]
	enc   *json.Encoder
	jbuf  bytes.Buffer
	buf   []byte // the row being written
	csv   *csv.Writer
	tab   *tabwriter.Writer
	n     int
	begun bool
}

// appender is a row type that writes its JSON form itself, faster than
// reflection and byte-identical to encoding/json without HTML escaping
// (covered.Identification does).
type appender interface{ AppendJSON([]byte) []byte }

// New starts writing rows to w in format f.
func New[T any](w io.Writer, f Format, cols []Column[T]) *Writer[T] {
	out := &Writer[T]{f: f, bw: bufio.NewWriterSize(w, 64<<10), cols: cols}
	switch f {
	case JSONL, JSON:
		out.enc = json.NewEncoder(&out.jbuf)
		out.enc.SetEscapeHTML(false)
	case CSV:
		out.csv = csv.NewWriter(out.bw)
	case Table:
		out.tab = tabwriter.NewWriter(out.bw, 2, 4, 2, ' ', 0)
	}
	return out
}

// writeJSON writes row, and a newline when nl is set.
func (o *Writer[T]) writeJSON(row *T, nl bool) error {
	if a, ok := any(row).(appender); ok {
		o.buf = a.AppendJSON(o.buf[:0])
	} else {
		o.jbuf.Reset()
		if err := o.enc.Encode(row); err != nil {
			return err
		}
		o.buf = append(o.buf[:0], bytes.TrimSuffix(o.jbuf.Bytes(), []byte("\n"))...)
	}
	if nl {
		o.buf = append(o.buf, '\n')
	}
	_, err := o.bw.Write(o.buf)
	return err
}

// Write writes one row.
func (o *Writer[T]) Write(row T) error {
	o.n++
	switch o.f {
	case JSONL:
		return o.writeJSON(&row, true)
	case JSON:
		sep := ",\n"
		if !o.begun {
			sep = "[\n"
			o.begun = true
		}
		if _, err := o.bw.WriteString(sep); err != nil {
			return err
		}
		return o.writeJSON(&row, false)
	case CSV:
		if !o.begun {
			o.begun = true
			if err := o.csv.Write(o.names(false)); err != nil {
				return err
			}
		}
		return o.csv.Write(o.values(row, false))
	case Table:
		if !o.begun {
			o.begun = true
			fmt.Fprintln(o.tab, strings.Join(upper(o.names(true)), "\t"))
		}
		vals := o.values(row, true)
		for i, v := range vals {
			vals[i] = oneLine(v)
		}
		_, err := fmt.Fprintln(o.tab, strings.Join(vals, "\t"))
		return err
	}
	return fmt.Errorf("unknown format %q", o.f)
}

// Flush writes out the rows buffered so far.
func (o *Writer[T]) Flush() error {
	if o.csv != nil {
		o.csv.Flush()
		if err := o.csv.Error(); err != nil {
			return err
		}
	}
	return o.bw.Flush()
}

// Close finishes the output (closing bracket, flush).
func (o *Writer[T]) Close() error {
	switch o.f {
	case JSON:
		s := "\n]\n"
		if !o.begun {
			s = "[]\n"
		}
		if _, err := o.bw.WriteString(s); err != nil {
			return err
		}
	case CSV:
		if !o.begun {
			o.csv.Write(o.names(false))
		}
	case Table:
		if err := o.tab.Flush(); err != nil {
			return err
		}
	}
	return o.Flush()
}

// Count is the number of rows written.
func (o *Writer[T]) Count() int { return o.n }

func (o *Writer[T]) names(table bool) []string {
	var s []string
	for _, c := range o.cols {
		if !(table && c.Wide) {
			s = append(s, c.Name)
		}
	}
	return s
}

func (o *Writer[T]) values(row T, table bool) []string {
	var s []string
	for _, c := range o.cols {
		if !(table && c.Wide) {
			s = append(s, c.Value(row))
		}
	}
	return s
}

func upper(s []string) []string {
	for i := range s {
		s[i] = strings.ToUpper(s[i])
	}
	return s
}

// oneLine keeps table cells on one line and reasonably short.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
