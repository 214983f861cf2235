package report

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/coveredtool/covered"
)

// doc is one report laid out independently of the output format: the JSON
// model of the kind, the facts of its title page, its charts and its
// tables. Each writer (HTML, PDF, CSV, JSON, XLSX) only decides how these
// look, so every format says the same thing.
type doc struct {
	kind      Kind
	title     string
	generated time.Time
	tool      string
	// statement is the one sentence the report exists to make (inquiry), or
	// empty.
	statement string
	// notes are caveats printed under the facts.
	notes  []string
	facts  []fact
	charts []chart
	trend  []TrendPoint
	// tables in display order; csv is the one table the CSV format writes.
	tables []*table
	csv    *table
	// model is what the JSON format writes.
	model any
}

type fact struct{ name, value string }

// count is one bar of a chart or one line of a summary.
type count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// chart is a bar chart; charts are always backed by a table or summary with
// the same numbers, so the page stays readable without graphics.
type chart struct {
	id, title, desc string
	bars            []count
}

// column of a table. width is in characters and drives XLSX column widths,
// PDF cell widths and nothing in HTML.
type column struct {
	name   string
	width  float64
	num    bool // integer cells: right-aligned, numbers in XLSX
	status bool // a covered.Status or remediation state, styled in HTML
	nopdf  bool // left out of PDF tables, which must fit a landscape page
}

// table is rows produced on demand: row(i, r) fills r (len(cols)) for row
// i. Writers stream rows one at a time, so a 100,000-asset report never
// holds more than one row of cell strings.
type table struct {
	name    string // sheet name (<= 31 chars) and HTML id
	caption string
	cols    []column
	n       int
	row     func(i int, r []string)
}

// header is the part of every kind's JSON model that says what the report
// is and what made it.
type header struct {
	Kind         Kind      `json:"kind"`
	Title        string    `json:"title"`
	Generated    time.Time `json:"generated"`
	Tool         string    `json:"tool"`
	RulesVersion string    `json:"rules_version"`
	ListsVersion string    `json:"lists_version"`
	Scope        string    `json:"scope"`
}

var defaultTitles = map[Kind]string{
	KindInventory: "Asset inventory",
	Kind889:       "Section 889 covered telecommunications equipment report",
	KindInquiry:   "Reasonable inquiry record",
}

func build(kind Kind, d *Data) (*doc, error) {
	title := d.Title
	if title == "" {
		title = defaultTitles[kind]
	}
	h := header{Kind: kind, Title: clean(title), Generated: d.Generated, Tool: d.Tool,
		RulesVersion: d.RulesVersion, ListsVersion: d.ListsVersion, Scope: d.Scope}
	x := newIndex(d)
	var doc *doc
	switch kind {
	case KindInventory:
		doc = buildInventory(h, d, x)
	case Kind889:
		doc = build889(h, d, x)
	case KindInquiry:
		doc = buildInquiry(h, d, x)
	default:
		return nil, fmt.Errorf("render report: unknown kind %q", kind)
	}
	doc.kind, doc.title, doc.generated, doc.tool = kind, h.Title, d.Generated, d.Tool
	doc.facts = append([]fact{
		{"Report", h.Title},
		{"Generated", stamp(d.Generated)},
		{"Scope", d.Scope},
		{"Tool", d.Tool},
		{"Rules version", d.RulesVersion},
		{"Lists version", d.ListsVersion},
	}, doc.facts...)
	doc.charts = append(doc.charts, findingCharts(d, x)...)
	doc.trend = slices.Clone(d.Trend)
	slices.SortStableFunc(doc.trend, func(a, b TrendPoint) int { return a.Date.Compare(b.Date) })
	if kind != Kind889 && len(doc.trend) > 0 {
		tr := doc.trend
		doc.tables = append(doc.tables, &table{name: "Trend", caption: "Open findings over time",
			cols: []column{{name: "Date", width: 12}, {name: "Open findings", width: 12, num: true}},
			n:    len(tr),
			row:  func(i int, r []string) { r[0], r[1] = day(tr[i].Date), itoa(tr[i].Open) }})
	}
	return doc, nil
}

// index holds lookups shared by the kinds.
type index struct {
	asset map[string]*Asset
}

func newIndex(d *Data) *index {
	x := &index{asset: make(map[string]*Asset, len(d.Assets))}
	for i := range d.Assets {
		x.asset[d.Assets[i].ID] = &d.Assets[i]
	}
	return x
}

// where is the site of a finding's asset, or its /24 (/64) subnet when the
// asset has no site, so the by-site chart always has a place to put it.
func (x *index) where(f *Finding) string {
	a := x.asset[f.AssetID]
	if a == nil {
		return "(unknown asset)"
	}
	if a.Site != "" {
		return a.Site
	}
	if ip, err := netip.ParseAddr(a.IP); err == nil {
		bits := 24
		if ip.Is6() && !ip.Is4In6() {
			bits = 64
		}
		if p, err := ip.Prefix(bits); err == nil {
			return p.String()
		}
	}
	return "(no site)"
}

// flagged findings are the ones counted and charted: covered or suspected,
// and not reviewed as false positives.
func flagged(f *Finding) bool {
	return (f.Status == covered.StatusCovered || f.Status == covered.StatusSuspected) &&
		f.Remediation.State != StateFalsePositive
}

func findingCharts(d *Data, x *index) []chart {
	entity, dtype, site := map[string]int{}, map[string]int{}, map[string]int{}
	for i := range d.Findings {
		f := &d.Findings[i]
		if !flagged(f) {
			continue
		}
		entity[orUnknown(f.Entity)]++
		dtype[orUnknown(f.DeviceType)]++
		site[x.where(f)]++
	}
	return []chart{
		{"by-entity", "Findings by covered entity", "Covered and suspected findings per covered entity", topCounts(entity, 12)},
		{"by-device-type", "Findings by device type", "Covered and suspected findings per device type", topCounts(dtype, 12)},
		{"by-site", "Findings by site", "Covered and suspected findings per site (subnet where no site is known)", topCounts(site, 12)},
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// sortedCounts turns a tally into counts, largest first, ties by name, so
// output never depends on map order.
func sortedCounts(m map[string]int) []count {
	out := make([]count, 0, len(m))
	for k, v := range m {
		out = append(out, count{clean(k), v})
	}
	slices.SortFunc(out, func(a, b count) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

// topCounts keeps the n largest and folds the rest into "other", so a chart
// stays legible with hundreds of sites.
func topCounts(m map[string]int, n int) []count {
	c := sortedCounts(m)
	if len(c) <= n {
		return c
	}
	rest := 0
	for _, x := range c[n-1:] {
		rest += x.Count
	}
	return append(c[:n-1:n-1], count{fmt.Sprintf("other (%d)", len(c)-n+1), rest})
}

// countsTable lists several tallies as one Dimension/Name/Count table.
func countsTable(name, caption string, groups []string, counts [][]count) *table {
	type line struct {
		group string
		count
	}
	var lines []line
	for i, g := range groups {
		for _, c := range counts[i] {
			lines = append(lines, line{g, c})
		}
	}
	return &table{name: name, caption: caption,
		cols: []column{{name: "Dimension", width: 14}, {name: "Value", width: 30}, {name: "Count", width: 8, num: true}},
		n:    len(lines),
		row: func(i int, r []string) {
			r[0], r[1], r[2] = lines[i].group, lines[i].Name, itoa(lines[i].Count)
		}}
}

var statusRank = map[covered.Status]int{covered.StatusCovered: 0, covered.StatusSuspected: 1,
	covered.StatusNotCovered: 2, covered.StatusUnidentified: 3}

func rank(s covered.Status) int {
	if r, ok := statusRank[s]; ok {
		return r
	}
	return 4
}

// compareIP orders addresses numerically, unparseable ones last by text.
func compareIP(a, b string) int {
	pa, ea := netip.ParseAddr(a)
	pb, eb := netip.ParseAddr(b)
	switch {
	case ea == nil && eb == nil:
		return pa.Compare(pb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return cmp.Compare(a, b)
}

// regimeNames are the display names of the built-in regime ids; policy
// pack ids are shown as they are.
var regimeNames = map[string]string{
	"ndaa-889":         "NDAA FY2019 §889 / FAR 52.204-25",
	"fcc-covered-list": "FCC Covered List (47 CFR 1.50002)",
	"far-52.204-23":    "FAR 52.204-23 (Kaspersky)",
}

func regimeName(id string) string {
	if n, ok := regimeNames[id]; ok {
		return n
	}
	return id
}
