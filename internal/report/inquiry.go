package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coveredtool/covered"
)

// inquiryModel is the JSON form of the reasonable-inquiry record.
type inquiryModel struct {
	header
	Statement string        `json:"statement"`
	Totals    inquiryTotals `json:"totals"`
	Runs      []*Run        `json:"runs"`
	Gaps      []Gap         `json:"gaps"`
	Trend     []TrendPoint  `json:"trend"`
}

// inquiryTotals sum up what was searched.
type inquiryTotals struct {
	Runs         int       `json:"runs"`
	ByKind       []count   `json:"runs_by_kind"`
	From         time.Time `json:"from,omitzero"`
	To           time.Time `json:"to,omitzero"`
	Sites        []string  `json:"sites"`
	Sources      []string  `json:"sources"`
	Operators    []string  `json:"operators"`
	RulesVersion []string  `json:"rules_versions"`
	ListsVersion []string  `json:"lists_versions"`
	Hosts        int       `json:"hosts"`
	Observations int       `json:"observations"`
	Failed       int       `json:"failed"`
	Assets       int       `json:"assets"`
	Covered      int       `json:"covered"`
	Suspected    int       `json:"suspected"`
	Gaps         int       `json:"gaps"`
}

// set collects distinct non-empty strings and returns them sorted.
type set map[string]struct{}

func (s set) add(vs ...string) {
	for _, v := range vs {
		if v != "" {
			s[v] = struct{}{}
		}
	}
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func buildInquiry(h header, d *Data, _ *index) *doc {
	runs := make([]*Run, len(d.Runs))
	for i := range d.Runs {
		runs[i] = &d.Runs[i]
	}
	slices.SortStableFunc(runs, func(a, b *Run) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	t := inquiryTotals{Runs: len(runs), Assets: len(d.Assets), Gaps: len(d.Gaps)}
	kinds := map[string]int{}
	sites, sources, ops, rules, lists := set{}, set{}, set{}, set{}, set{}
	for _, r := range runs {
		kinds[orUnknown(r.Kind)]++
		sites.add(r.Site)
		sources.add(r.Sources...)
		ops.add(r.Operator)
		rules.add(r.RulesVersion)
		lists.add(r.ListsVersion)
		t.Hosts += r.Hosts
		t.Observations += r.Observations
		t.Failed += r.Failed
		if !r.Started.IsZero() && (t.From.IsZero() || r.Started.Before(t.From)) {
			t.From = r.Started
		}
		end := r.Finished
		if end.IsZero() {
			end = r.Started
		}
		if end.After(t.To) {
			t.To = end
		}
	}
	for i := range d.Assets {
		sites.add(d.Assets[i].Site)
	}
	for i := range d.Findings {
		f := &d.Findings[i]
		if !flagged(f) {
			continue
		}
		if f.Status == covered.StatusCovered {
			t.Covered++
		} else {
			t.Suspected++
		}
	}
	t.ByKind = sortedCounts(kinds)
	t.Sites, t.Sources, t.Operators = sites.sorted(), sources.sorted(), ops.sorted()
	t.RulesVersion, t.ListsVersion = rules.sorted(), lists.sorted()

	gaps := nonNil(d.Gaps)
	m := inquiryModel{header: h, Statement: statement(&t, d), Totals: t, Runs: runs, Gaps: gaps, Trend: nonNil(d.Trend)}

	runTable := &table{name: "Runs", caption: "Every run and import considered",
		cols: []column{
			{name: "Run", width: 12}, {name: "Kind", width: 12}, {name: "Started", width: 17}, {name: "Finished", width: 17},
			{name: "Operator", width: 12}, {name: "Site", width: 12}, {name: "Targets", width: 30}, {name: "Exclusions", width: 20, nopdf: true},
			{name: "Ports", width: 16}, {name: "Sources", width: 30}, {name: "Tool", width: 10, nopdf: true}, {name: "Rules version", width: 14},
			{name: "Lists version", width: 14}, {name: "Hosts", width: 7, num: true}, {name: "Observations", width: 9, num: true},
			{name: "Failed", width: 7, num: true}, {name: "Status", width: 10, status: true},
		},
		n: len(runs),
		row: func(i int, r []string) {
			x := runs[i]
			r[0], r[1], r[2], r[3], r[4], r[5] = x.ID, x.Kind, stamp(x.Started), stamp(x.Finished), x.Operator, x.Site
			r[6], r[7], r[8], r[9] = join(x.Targets), join(x.Exclusions), x.Ports, join(x.Sources)
			r[10], r[11], r[12] = x.Tool, x.RulesVersion, x.ListsVersion
			r[13], r[14], r[15], r[16] = itoa(x.Hosts), itoa(x.Observations), itoa(x.Failed), x.Status
		}}
	gapTable := &table{name: "Gaps", caption: "What the inquiry did not cover",
		cols: []column{{name: "Kind", width: 20}, {name: "What", width: 40}, {name: "Why", width: 60}},
		n:    len(gaps),
		row:  func(i int, r []string) { r[0], r[1], r[2] = gaps[i].Kind, gaps[i].What, gaps[i].Why }}

	return &doc{
		model:     m,
		statement: m.Statement,
		facts: []fact{
			{"Runs and imports", itoa(t.Runs)},
			{"Period", period(t.From, t.To)},
			{"Sites", join(t.Sites)},
			{"Sources", join(t.Sources)},
			{"Operators", join(t.Operators)},
			{"Rules versions used", join(t.RulesVersion)},
			{"Lists versions used", join(t.ListsVersion)},
			{"Hosts answering", itoa(t.Hosts)},
			{"Observations", itoa(t.Observations)},
			{"Failed targets or records", itoa(t.Failed)},
			{"Assets examined", itoa(t.Assets)},
			{"Covered", itoa(t.Covered)},
			{"Suspected", itoa(t.Suspected)},
			{"Gaps recorded", itoa(t.Gaps)},
		},
		notes: []string{"FAR 52.204-25(a) defines a reasonable inquiry as one designed to uncover any information in the entity's " +
			"possession about the identity of the producer or provider of covered telecommunications equipment or services used by the entity, " +
			"excluding the need for an internal or third-party audit. This record lists the automated discovery that was actually performed."},
		tables: []*table{
			countsTable("Counts", "Runs by kind", []string{"run kind"}, [][]count{t.ByKind}),
			runTable, gapTable,
		},
		csv: runTable,
	}
}

func period(from, to time.Time) string {
	if from.IsZero() && to.IsZero() {
		return ""
	}
	return stamp(from) + " to " + stamp(to)
}

// statement is the sentence the inquiry record backs. It states what was
// found and what was searched, and never more: a negative result is
// qualified by the runs and gaps it rests on.
func statement(t *inquiryTotals, d *Data) string {
	if t.Runs == 0 {
		return "No scan, capture or import is recorded for this scope, so this record does not show that any equipment was examined."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d run(s) and import(s) between %s and %s examined %d asset(s)", t.Runs, day(t.From.UTC()), day(t.To.UTC()), t.Assets)
	if len(t.Sites) > 0 {
		fmt.Fprintf(&b, " at %d site(s)", len(t.Sites))
	}
	switch {
	case t.Covered+t.Suspected == 0:
		b.WriteString(" and identified no equipment as covered or suspected covered")
	default:
		fmt.Fprintf(&b, " and identified %d item(s) as covered and %d as suspected covered", t.Covered, t.Suspected)
	}
	fmt.Fprintf(&b, " under the covered lists in version %s (fingerprint rules %s).", orWord(d.ListsVersion, "unknown"), orWord(d.RulesVersion, "unknown"))
	if t.Gaps > 0 {
		fmt.Fprintf(&b, " The result covers only the scope listed; %d gap(s) in coverage are recorded below.", t.Gaps)
	} else {
		b.WriteString(" The result covers only the scope listed; no gaps in coverage were recorded.")
	}
	if t.Failed > 0 {
		fmt.Fprintf(&b, " %d target(s) or record(s) failed and were not examined.", t.Failed)
	}
	return b.String()
}
