package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/coveredtool/covered/internal/store"
)

// runsShown is how many runs the runs page and the diff form list.
const runsShown = 200

type runsData struct {
	Kind, Status, Site string
	Kinds              []store.RunKind
	RunStatuses        []store.RunStatus
	Runs               []store.Run
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	q := newQuery(r)
	d := runsData{Kind: q.str("kind"), Status: q.str("status"), Site: q.str("site"),
		Kinds:       []store.RunKind{store.RunScan, store.RunImport, store.RunReidentify, store.RunCheck},
		RunStatuses: []store.RunStatus{store.RunRunning, store.RunComplete, store.RunInterrupted}}
	var err error
	d.Runs, err = s.st.Runs(r.Context(), store.RunFilter{Kind: store.RunKind(d.Kind), Status: store.RunStatus(d.Status), Site: d.Site, Limit: runsShown})
	if err != nil {
		return err
	}
	return s.page(w, r, p, http.StatusOK, "runs", "Runs", d)
}

// runData is one run with the identification changes it made and the run
// a diff compares it with.
type runData struct {
	Run      store.Run
	Options  []option
	Changes  []store.IdentificationChange
	Previous int64
}

type option struct{ Key, Value string }

func (s *Server) runPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d := runData{}
	if d.Run, err = s.st.Run(r.Context(), id); err != nil {
		return err
	}
	if d.Changes, err = s.st.IdentificationChanges(r.Context(), id); err != nil {
		return err
	}
	if d.Previous, err = s.st.PreviousRun(r.Context(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for k, v := range d.Run.Options {
		d.Options = append(d.Options, option{k, fmt.Sprint(v)})
	}
	slices.SortFunc(d.Options, func(a, b option) int {
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	return s.page(w, r, p, http.StatusOK, "run", "Run "+strconv.FormatInt(id, 10), d)
}

var errNoPair = &httpError{http.StatusNotFound, "no two runs to compare"}

// diffData is the diff page: the form choosing two runs, and their diff.
type diffData struct {
	From, To int64
	Runs     []store.Run
	Diff     *store.Diff
	Message  string
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	var d diffData
	var err error
	if d.Runs, err = s.st.Runs(r.Context(), store.RunFilter{Limit: runsShown}); err != nil {
		return err
	}
	code := http.StatusOK
	q := newQuery(r)
	if q.str("from") == "" && q.str("to") == "" {
		d.From, d.To, err = s.latestPair(r.Context())
	} else {
		d.From, d.To, err = s.diffRuns(r, q)
	}
	if err == nil {
		var diff store.Diff
		diff, err = s.st.Diff(r.Context(), d.From, d.To)
		d.Diff = &diff
	}
	var he *httpError
	switch {
	case errors.As(err, &he) && he.code < 500:
		d.Message, code = he.msg, he.code
	case errors.Is(err, errNoPair):
		d.Message = "No two complete runs over the same site and targets yet: choose the runs to compare."
		if len(d.Runs) >= 2 {
			d.From, d.To = d.Runs[1].ID, d.Runs[0].ID
		}
	case errors.Is(err, store.ErrNotFound):
		d.Message, code = "No such run, or no complete earlier run over the same site and targets: choose the runs to compare.", http.StatusNotFound
	case err != nil:
		return err
	}
	return s.page(w, r, p, code, "diff", "Diff", d)
}
