// Package output writes result rows in the formats every listing command
// shares (DESIGN command-line contract): jsonl, json, csv and table. It is
// the last stage of the command line and knows nothing about what the rows
// mean beyond the columns a command gives it.
package output

import (
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
// and therefore written at Close.
type Writer[T any] struct {
	f     Format
	w     io.Writer
	cols  []Column[T]
	enc   *json.Encoder
	csv   *csv.Writer
	tab   *tabwriter.Writer
	n     int
	begun bool
}

// New starts writing rows to w in format f.
func New[T any](w io.Writer, f Format, cols []Column[T]) *Writer[T] {
	out := &Writer[T]{f: f, w: w, cols: cols}
	switch f {
	case JSONL, JSON:
		out.enc = json.NewEncoder(w)
		out.enc.SetEscapeHTML(false)
	case CSV:
		out.csv = csv.NewWriter(w)
	case Table:
		out.tab = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	}
	return out
}

// Write writes one row.
func (o *Writer[T]) Write(row T) error {
	o.n++
	switch o.f {
	case JSONL:
		return o.enc.Encode(row)
	case JSON:
		sep := ",\n"
		if !o.begun {
			sep = "[\n"
			o.begun = true
		}
		if _, err := io.WriteString(o.w, sep); err != nil {
			return err
		}
		b, err := json.Marshal(row)
		if err != nil {
			return err
		}
		_, err = o.w.Write(b)
		return err
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

// Close finishes the output (closing bracket, flush).
func (o *Writer[T]) Close() error {
	switch o.f {
	case JSON:
		s := "\n]\n"
		if !o.begun {
			s = "[]\n"
		}
		_, err := io.WriteString(o.w, s)
		return err
	case CSV:
		if !o.begun {
			o.csv.Write(o.names(false))
		}
		o.csv.Flush()
		return o.csv.Error()
	case Table:
		return o.tab.Flush()
	}
	return nil
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
