package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/store"
)

// link is path with the query q, changed by key, value pairs (an empty
// value removes the key).
func link(path string, q url.Values, kv ...string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			c.Del(kv[i])
		} else {
			c.Set(kv[i], kv[i+1])
		}
	}
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}

// pager is the previous and next links of a paged list.
type pager struct {
	Prev, Next, Shown string
}

// paging makes the pager of a list at offset with limit per page; total < 0
// means unknown, with more telling whether a next page exists.
func paging(path string, q url.Values, offset, limit, n, total int, more bool) pager {
	var pg pager
	if offset > 0 {
		pg.Prev = link(path, q, "offset", strconv.Itoa(max(0, offset-limit)))
	}
	if total >= 0 {
		more = offset+n < total
	}
	if more {
		pg.Next = link(path, q, "offset", strconv.Itoa(offset+limit))
	}
	switch {
	case n == 0:
		pg.Shown = "none"
	case total >= 0:
		pg.Shown = fmt.Sprintf("%s–%s of %s", num(offset+1), num(offset+n), num(total))
	default:
		pg.Shown = fmt.Sprintf("%s–%s", num(offset+1), num(offset+n))
	}
	return pg
}

// statusNames are the identification statuses, for filter forms.
var statusNames = []covered.Status{covered.StatusCovered, covered.StatusSuspected, covered.StatusNotCovered, covered.StatusUnidentified}

// assetsData is the assets page.
type assetsData struct {
	Q, Status, Entity, DeviceType, Site, Subnet, Sort string
	Statuses                                          []covered.Status
	Cols                                              []sortCol
	Items                                             []store.Asset
	Total                                             int
	Pager                                             pager
	Error                                             string
}

// sortCol is a sortable column header: its link sorts by it, the other way
// round when it is the current order.
type sortCol struct {
	Label, Href string
	Dir         string // ascending, descending or "" (aria-sort)
}

func sortCols(path string, q url.Values, current string, cols ...string) []sortCol {
	var out []sortCol
	for i := 0; i+1 < len(cols); i += 2 {
		key, c := cols[i+1], sortCol{Label: cols[i]}
		next := key
		switch current {
		case key:
			c.Dir, next = "ascending", "-"+key
		case "-" + key:
			c.Dir = "descending"
		}
		c.Href = link(path, q, "sort", next, "offset", "", "after", "", "before", "")
		out = append(out, c)
	}
	return out
}

func (s *Server) assetsPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	q := newQuery(r)
	f := assetFilter(q)
	// The id order (the default) pages by key, as the API's after= does, so
	// that a deep page costs what the first one costs; before= goes back.
	// The other orders page by offset.
	byKey := (f.Sort == "" || f.Sort == "id" || f.Sort == "-id") && f.Offset == 0
	before := int64(q.int("before", 0, 0, 1<<31-1))
	if before > 0 && (!byKey || f.After > 0) {
		q.fail("before", "pages the id order only, without after or offset")
	}
	d := assetsData{Q: q.str("q"), Status: q.str("status"), Entity: q.str("entity"), DeviceType: q.str("device_type"),
		Site: q.str("site"), Subnet: q.str("subnet"), Sort: q.str("sort"), Statuses: statusNames}
	d.Cols = sortCols("/assets", q.v, d.Sort, "Asset", "id", "Address", "ip", "Status", "status", "Last seen", "last_seen")
	if q.err != nil {
		d.Error = q.err.Error()
		return s.page(w, r, p, http.StatusBadRequest, "assets", "Assets", d)
	}
	var err error
	if d.Total, err = s.counts.assets(r.Context(), s.st, f); err != nil { // as the API's, a few seconds old at most
		return err
	}
	if byKey {
		d.Items, d.Pager, err = s.assetsByKey(r.Context(), q.v, f, before, d.Total)
	} else {
		d.Items, err = s.st.Assets(r.Context(), f)
		d.Pager = paging("/assets", q.v, f.Offset, f.Limit, len(d.Items), d.Total, false)
	}
	if err != nil {
		return err
	}
	return s.page(w, r, p, http.StatusOK, "assets", "Assets", d)
}

// assetsByKey reads a page of assets in id order after f.After, or the
// page before the asset id before, with the links to the pages around it.
func (s *Server) assetsByKey(ctx context.Context, q url.Values, f store.AssetFilter, before int64, total int) ([]store.Asset, pager, error) {
	var pg pager
	lf := f
	lf.Limit++ // one more tells whether the list goes on
	if before > 0 {
		lf.After, lf.Sort = before, "-id" // backwards, reversed below
		if f.Sort == "-id" {
			lf.Sort = "id"
		}
	}
	items, err := s.st.Assets(ctx, lf)
	if err != nil {
		return nil, pg, err
	}
	more := len(items) > f.Limit
	items = items[:min(len(items), f.Limit)]
	if before > 0 {
		slices.Reverse(items)
	}
	if n := len(items); n > 0 {
		first, last := strconv.FormatInt(items[0].ID, 10), strconv.FormatInt(items[n-1].ID, 10)
		if before > 0 && more || before == 0 && f.After > 0 {
			pg.Prev = link("/assets", q, "before", first, "after", "")
		}
		if before == 0 && more || before > 0 {
			pg.Next = link("/assets", q, "after", last, "before", "")
		}
		pg.Shown = fmt.Sprintf("%s of %s, #%s to #%s", plural(n, "asset"), num(total), first, last)
	} else if before > 0 || f.After > 0 {
		pg.Prev, pg.Shown = link("/assets", q, "before", "", "after", ""), "no more assets"
	}
	return items, pg, nil
}

// assetData is the asset page: the detail with each finding's history and
// the states its form offers, and the asset's security check findings.
type assetData struct {
	store.AssetDetail
	Findings []findingView
	// Checks are the asset's active security check findings.
	Checks []store.CheckFinding
}

type findingView struct {
	store.Finding
	History []store.RemediationEvent
	States  []store.RemediationState
}

func (s *Server) assetPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.st.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	if d.ID != id { // merged: the survivor's page is the one to keep
		http.Redirect(w, r, "/assets/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
		return nil
	}
	data := assetData{AssetDetail: d}
	for _, f := range d.Findings {
		h, err := s.st.RemediationHistory(r.Context(), f.ID)
		if err != nil {
			return err
		}
		data.Findings = append(data.Findings, findingView{f, h, store.NextStates(f.Remediation.State)})
	}
	if data.Checks, err = s.st.CheckFindings(r.Context(), store.CheckFindingFilter{AssetID: d.ID}); err != nil {
		return err
	}
	title := "Asset " + strconv.FormatInt(d.ID, 10)
	if d.LastIP != "" {
		title += " (" + d.LastIP + ")"
	}
	return s.page(w, r, p, http.StatusOK, "asset", title, data)
}

// remediationFields are the remediation form's optional fields: absent
// ones stay as they are, empty ones clear the value.
var remediationFields = []string{"owner", "due", "ticket", "notes", "reason", "expires", "reported", "follow_up"}

// remediationForm applies the remediation form of the asset page, or a
// quick action of the findings page, through the API's setRemediation.
func (s *Server) remediationForm(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("form: %v", err)
	}
	b := remediationBody{State: r.PostForm.Get("state"), Comment: strings.TrimSpace(r.PostForm.Get("comment"))}
	dst := []**string{&b.Owner, &b.Due, &b.Ticket, &b.Notes, &b.Reason, &b.Expires, &b.Reported, &b.FollowUp}
	for i, name := range remediationFields {
		if vs, ok := r.PostForm[name]; ok && len(vs) > 0 {
			v := strings.TrimSpace(vs[0])
			*dst[i] = &v
		}
	}
	back := r.PostForm.Get("back")
	f, err := s.setRemediation(r, id, b, p)
	if back == "" && err == nil {
		back = fmt.Sprintf("/assets/%d#finding-%d", f.AssetID, f.ID)
	}
	return s.done(w, r, back, err, fmt.Sprintf("Finding %d not changed", id), "Finding %d (%s on %s) is now %s.", f.ID, f.CoveredEntity, f.IP, strings.ReplaceAll(string(f.Remediation.State), "_", " "))
}
