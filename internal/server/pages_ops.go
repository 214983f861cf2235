package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coveredtool/covered/internal/store"
)

// reportsData is the reports page: every kind in every format, and a form
// to narrow one to a site or a run.
type reportsData struct {
	Kinds   []reportKind
	Formats []string
	Runs    []store.Run
	Enabled bool
}

type reportKind struct{ Name, What string }

var reportKindText = map[string]string{
	"inventory": "Every asset with its identification and the evidence behind it.",
	"889":       "Section 889 / FAR 52.204-25 findings, with their remediation and report dates.",
	"inquiry":   "The reasonable-inquiry record: what was searched, how, and the gaps.",
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	d := reportsData{Formats: reportFormats, Enabled: s.cfg.Report != nil}
	for _, k := range reportKinds {
		d.Kinds = append(d.Kinds, reportKind{k, reportKindText[k]})
	}
	var err error
	if d.Runs, err = s.st.Runs(r.Context(), store.RunFilter{Limit: 50}); err != nil {
		return err
	}
	return s.page(w, r, p, http.StatusOK, "reports", "Reports", d)
}

// reportDownload is the reports page's download: the API's report, with
// the kind as a parameter so that a plain form can choose it, and errors
// as pages.
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request, _ *principal) error {
	return s.report(w, r, r.URL.Query().Get("kind"))
}

// scanData is the scan page.
type scanData struct {
	Ranges          []string
	Initialized     bool
	Targets, Site   string
	Error           string
	Recent          []store.Run
	MaxTargets      int
	MaxAddrsPerScan int
}

func (s *Server) scanPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	return s.scanView(w, r, p, http.StatusOK, scanData{})
}

func (s *Server) scanView(w http.ResponseWriter, r *http.Request, p *principal, code int, d scanData) error {
	ranges, initialized, err := s.st.AllowedRanges(r.Context())
	if err != nil {
		return err
	}
	for _, rg := range ranges {
		d.Ranges = append(d.Ranges, rg.String())
	}
	d.Initialized, d.MaxTargets, d.MaxAddrsPerScan = initialized, maxScanTargets, scanAddrLimit
	if d.Recent, err = s.st.Runs(r.Context(), store.RunFilter{Kind: store.RunScan, Limit: 10}); err != nil {
		return err
	}
	return s.page(w, r, p, code, "scan", "Scan", d)
}

// scanForm starts a scan from the scan form and shows its run; a refused
// request shows the form again with what was typed.
func (s *Server) scanForm(w http.ResponseWriter, r *http.Request, p *principal) error {
	d := scanData{Targets: r.PostFormValue("targets"), Site: strings.TrimSpace(r.PostFormValue("site"))}
	targets := strings.FieldsFunc(d.Targets, func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
	run, err := s.startScan(r, scanBody{Targets: targets, Site: d.Site}, p)
	if err != nil {
		msg, ok := formError(err)
		if !ok {
			return err
		}
		d.Error = msg
		var he *httpError
		code := http.StatusBadRequest
		if errors.As(err, &he) {
			code = he.code
		}
		return s.scanView(w, r, p, code, d)
	}
	s.redirect(w, r, fmt.Sprintf("/runs/%d", run), flash{Text: fmt.Sprintf("Scan started as run #%d over %s.", run, strings.Join(targets, ", "))})
	return nil
}
