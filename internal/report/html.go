// Package report is the output stage of the pipeline: it renders results
// for people and for the records a federal contractor keeps.
//
// Render writes the compliance reports (inventory, 889, inquiry) in HTML,
// PDF, CSV, JSON and XLSX from Data, a plain input model the CLI fills from
// the store; the package never imports the store. HTML writes the one-page
// report of `covered demo` straight from identifications. Every format is
// self-contained (no external resources, so reports open on air-gapped
// machines) and deterministic (the same input gives the same bytes).
package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"

	"github.com/coveredtool/covered"
)

// Meta says what was searched, so the report records the inquiry itself.
type Meta struct {
	Title        string
	Scope        string // targets as given
	Ports        string
	Started      time.Time
	Duration     time.Duration
	Tool         string // tool version
	RulesVersion string
	ListsVersion string
	Notes        []string
}

//go:embed page.html.tmpl
var pageTmpl string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
}).Parse(pageTmpl))

type view struct {
	Meta
	Rows   []covered.Identification
	Counts map[string]int
	Total  int
}

// HTML writes the one-page report of `covered demo`: every identified
// device with its evidence, for a single scan without a store. Flagged
// hosts (covered, then suspected) come first; the rest keep their order.
func HTML(w io.Writer, m Meta, ids []covered.Identification) error {
	rows := append([]covered.Identification(nil), ids...)
	rank := map[covered.Status]int{covered.StatusCovered: 0, covered.StatusSuspected: 1, covered.StatusNotCovered: 2, covered.StatusUnidentified: 3}
	sort.SliceStable(rows, func(i, j int) bool { return rank[rows[i].Status] < rank[rows[j].Status] })
	v := view{Meta: m, Rows: rows, Counts: map[string]int{}, Total: len(rows)}
	for _, r := range rows {
		v.Counts[string(r.Status)]++
	}
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("render HTML report: %w", err)
	}
	return nil
}
