package server

import (
	"net/http"
	"slices"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/store"
)

// findingsData is the findings page, the remediation queue.
type findingsData struct {
	State, Entity, Status, Site string
	Inactive                    bool
	States                      []store.RemediationState
	Statuses                    []covered.Status
	Items                       []findingRow
	Back                        string // this page, where quick actions return
	Pager                       pager
	Error                       string
}

// findingRow is a finding of the queue with the quick actions its state
// allows.
type findingRow struct {
	store.Finding
	Quick   []store.RemediationState
	Overdue bool
}

// quickStates are the states the queue offers as one-click actions.
var quickStates = []store.RemediationState{store.StateReplacing, store.StateReplaced}

var allStates = []store.RemediationState{store.StateOpen, store.StateReplacing, store.StateReplaced,
	store.StateReplacedVerified, store.StateAcceptedRisk, store.StateFalsePositive}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	q := newQuery(r)
	f := findingFilter(q)
	d := findingsData{State: q.str("state"), Entity: q.str("entity"), Status: q.str("status"), Site: q.str("site"),
		Inactive: f.IncludeInactive, States: allStates, Statuses: statusNames[:2], Back: r.URL.RequestURI()}
	if q.err != nil {
		d.Error = q.err.Error()
		return s.page(w, r, p, http.StatusBadRequest, "findings", "Findings", d)
	}
	f.Limit++ // one more tells whether there is a next page
	items, err := s.st.Findings(r.Context(), f)
	if err != nil {
		return err
	}
	more := len(items) == f.Limit
	items = items[:min(len(items), f.Limit-1)]
	now := s.now()
	for _, it := range items {
		row := findingRow{Finding: it}
		next := store.NextStates(it.Remediation.State)
		for _, st := range quickStates {
			if st != it.Remediation.State && slices.Contains(next, st) && it.MergedInto == 0 {
				row.Quick = append(row.Quick, st)
			}
		}
		due := it.Remediation.Due
		row.Overdue = it.Remediation.State.Open() && !due.IsZero() && now.After(due.AddDate(0, 0, 1))
		d.Items = append(d.Items, row)
	}
	d.Pager = paging("/findings", q.v, f.Offset, f.Limit-1, len(d.Items), -1, more)
	return s.page(w, r, p, http.StatusOK, "findings", "Findings", d)
}
