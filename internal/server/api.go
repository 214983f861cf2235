package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
)

// Paging bounds: a page of the API holds at most maxLimit items.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// query reads and checks URL query parameters, keeping the first error so
// that a handler can read them all and then report one clear message.
type query struct {
	v   map[string][]string
	err error
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query()} }

func (q *query) str(name string) string {
	if vs := q.v[name]; len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = badRequest("parameter %s: %s", name, fmt.Sprintf(format, args...))
	}
}

func (q *query) int(name string, def, lo, hi int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.fail(name, "want a whole number from %d to %d, got %q", lo, hi, s)
		return def
	}
	return n
}

func (q *query) id(name string) int64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		q.fail(name, "want a positive id, got %q", s)
	}
	return n
}

// time reads RFC 3339 or a date (YYYY-MM-DD, midnight UTC).
func (q *query) time(name string) time.Time {
	s := q.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := parseWhen(s)
	if err != nil {
		q.fail(name, "want a date (2026-11-27) or RFC 3339 time, got %q", s)
	}
	return t
}

func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// statuses reads a comma-separated list of identification statuses.
func (q *query) statuses(name string) []covered.Status {
	var out []covered.Status
	for _, s := range q.list(name) {
		switch st := covered.Status(s); st {
		case covered.StatusCovered, covered.StatusSuspected, covered.StatusNotCovered, covered.StatusUnidentified:
			out = append(out, st)
		default:
			q.fail(name, "unknown status %q (covered, suspected, not_covered, unidentified)", s)
		}
	}
	return out
}

func (q *query) list(name string) []string {
	var out []string
	for _, v := range q.v[name] {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// page is a paged list answer.
type page[T any] struct {
	Items []T `json:"items"`
	// Total counts every match (assets: refreshed every few seconds).
	Total  int `json:"total,omitempty"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	// Next is the "after" of the next page (for runs, newest first, its
	// "before"), when the list is in id order and this page was full.
	Next int64 `json:"next,omitempty"`
}

// assetFilter reads the asset filters shared by the API and the assets page.
func assetFilter(q *query) store.AssetFilter {
	f := store.AssetFilter{
		Status: q.statuses("status"), Entity: q.str("entity"), Site: q.str("site"), DeviceType: q.str("device_type"),
		Search: q.str("q"), SeenSince: q.time("seen_since"), SeenUntil: q.time("seen_until"),
		FirstSince: q.time("first_seen_since"), FirstUntil: q.time("first_seen_until"),
		Sort:  store.AssetSort(q.str("sort")),
		Limit: q.int("limit", defaultLimit, 1, maxLimit), Offset: q.int("offset", 0, 0, 1<<31-1),
		After: int64(q.int("after", 0, 0, 1<<31-1)),
	}
	if s := q.str("subnet"); s != "" {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			q.fail("subnet", "want a CIDR such as 10.1.0.0/16, got %q", s)
		}
		f.Subnet = p
	}
	switch k := strings.TrimPrefix(string(f.Sort), "-"); k {
	case "", "id", "last_seen", "ip", "status":
		if f.After != 0 && k != "" && k != "id" {
			q.fail("after", "pages the id order only (sort=id or sort=-id)")
		}
	default:
		q.fail("sort", "want id, last_seen, ip or status, with - in front to reverse; got %q", f.Sort)
	}
	return f
}

func (s *Server) apiAssets(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r)
	f := assetFilter(q)
	if q.err != nil {
		return q.err
	}
	items, err := s.st.Assets(r.Context(), f)
	if err != nil {
		return err
	}
	total, err := s.counts.assets(r.Context(), s.st, f)
	if err != nil {
		return err
	}
	pg := page[store.Asset]{Items: nonNil(items), Total: total, Limit: f.Limit, Offset: f.Offset}
	if k := strings.TrimPrefix(string(f.Sort), "-"); len(items) == f.Limit && (k == "" || k == "id") {
		pg.Next = items[len(items)-1].ID
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

// pathID reads the {id} path segment.
func pathID(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, badRequest("id: want a positive number, got %q", r.PathValue("id"))
	}
	return n, nil
}

func (s *Server) apiAsset(w http.ResponseWriter, r *http.Request, _ *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.st.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// findingFilter reads the finding filters shared by the API and the page.
func findingFilter(q *query) store.FindingFilter {
	f := store.FindingFilter{
		Status: q.statuses("status"), Entity: q.str("entity"), Site: q.str("site"),
		AssetID: q.id("asset"), IncludeInactive: q.str("inactive") == "true",
		Limit: q.int("limit", defaultLimit, 1, maxLimit), Offset: q.int("offset", 0, 0, 1<<31-1),
	}
	for _, st := range q.list("state") {
		rs := store.RemediationState(st)
		if !validState(rs) {
			q.fail("state", "unknown state %q (open, replacing, replaced, replaced_verified, accepted_risk, false_positive)", st)
		}
		f.States = append(f.States, rs)
	}
	return f
}

func validState(s store.RemediationState) bool {
	switch s {
	case store.StateOpen, store.StateReplacing, store.StateReplaced, store.StateReplacedVerified, store.StateAcceptedRisk, store.StateFalsePositive:
		return true
	}
	return false
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r)
	f := findingFilter(q)
	if q.err != nil {
		return q.err
	}
	items, err := s.st.Findings(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[store.Finding]{Items: nonNil(items), Limit: f.Limit, Offset: f.Offset})
	return nil
}

// findingDetail is a finding with its remediation history.
type findingDetail struct {
	store.Finding
	History []store.RemediationEvent `json:"history"`
}

func (s *Server) apiFinding(w http.ResponseWriter, r *http.Request, _ *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.st.Finding(r.Context(), id)
	if err != nil {
		return err
	}
	h, err := s.st.RemediationHistory(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, findingDetail{f, nonNil(h)})
	return nil
}

// remediationBody is a remediation update; absent fields stay as they are.
// Dates are YYYY-MM-DD; an empty string clears a date or text.
type remediationBody struct {
	State    string  `json:"state"`
	Owner    *string `json:"owner"`
	Due      *string `json:"due"`
	Ticket   *string `json:"ticket"`
	Notes    *string `json:"notes"`
	Reason   *string `json:"reason"`
	Expires  *string `json:"expires"`
	Reported *string `json:"reported"`
	FollowUp *string `json:"follow_up"`
	Comment  string  `json:"comment"`
}

// change checks the body and turns it into a store change.
func (b remediationBody) change(current store.RemediationState) (store.RemediationChange, error) {
	c := store.RemediationChange{State: current, Owner: b.Owner, Ticket: b.Ticket, Notes: b.Notes, Reason: b.Reason, Comment: b.Comment}
	if b.State != "" {
		c.State = store.RemediationState(b.State)
		if !validState(c.State) {
			return c, badRequest("state: unknown state %q", b.State)
		}
	}
	for _, d := range []struct {
		name string
		in   *string
		out  **time.Time
	}{{"due", b.Due, &c.Due}, {"expires", b.Expires, &c.Expires}, {"reported", b.Reported, &c.Reported}, {"follow_up", b.FollowUp, &c.FollowUp}} {
		if d.in == nil {
			continue
		}
		var t time.Time
		if *d.in != "" {
			var err error
			if t, err = time.Parse(time.DateOnly, *d.in); err != nil {
				return c, badRequest("%s: want a date such as 2026-12-31, got %q", d.name, *d.in)
			}
		}
		*d.out = &t
	}
	return c, nil
}

func (s *Server) apiSetRemediation(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b remediationBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	f, err := s.setRemediation(r, id, b, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// setRemediation applies b to finding id as p (the API and the form).
func (s *Server) setRemediation(r *http.Request, id int64, b remediationBody, p *principal) (store.Finding, error) {
	cur, err := s.st.Finding(r.Context(), id)
	if err != nil {
		return store.Finding{}, err
	}
	c, err := b.change(cur.Remediation.State)
	if err != nil {
		return store.Finding{}, err
	}
	return s.st.SetRemediation(r.Context(), id, c, p.name)
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r)
	f := store.RunFilter{Kind: store.RunKind(q.str("kind")), Status: store.RunStatus(q.str("status")), Site: q.str("site"),
		Since: q.time("since"), Before: int64(q.int("before", 0, 0, 1<<31-1)), Limit: q.int("limit", defaultLimit, 1, maxLimit)}
	if q.err != nil {
		return q.err
	}
	runs, err := s.st.Runs(r.Context(), f)
	if err != nil {
		return err
	}
	pg := page[store.Run]{Items: nonNil(runs), Limit: f.Limit}
	if len(runs) == f.Limit {
		pg.Next = runs[len(runs)-1].ID // newest first: the next page is before it
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request, _ *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := s.st.Run(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, run)
	return nil
}

// diffRuns resolves the from/to parameters: both given, or only "to" (its
// previous run), or neither (the newest complete run and its previous one).
func (s *Server) diffRuns(r *http.Request, q *query) (a, b int64, err error) {
	a, b = q.id("from"), q.id("to")
	if q.err != nil {
		return 0, 0, q.err
	}
	switch {
	case a != 0 && b != 0:
	case b != 0:
		a, err = s.st.PreviousRun(r.Context(), b)
	case a != 0:
		return 0, 0, badRequest("parameter to: give the later run too")
	default:
		a, b, err = s.latestPair(r.Context())
	}
	if err == nil && (a == 0 || b == 0) || errors.Is(err, store.ErrNotFound) {
		err = errNoPair
	}
	return a, b, err
}

// latestPair is the newest complete run that has an earlier run of the
// same scope to compare with, and that run.
func (s *Server) latestPair(ctx context.Context) (from, to int64, err error) {
	runs, err := s.st.Runs(ctx, store.RunFilter{Status: store.RunComplete, Limit: 50})
	if err != nil {
		return 0, 0, err
	}
	for _, run := range runs {
		prev, err := s.st.PreviousRun(ctx, run.ID)
		if err == nil {
			return prev, run.ID, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return 0, 0, err
		}
	}
	return 0, 0, errNoPair
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request, _ *principal) error {
	a, b, err := s.diffRuns(r, newQuery(r))
	if err != nil {
		return err
	}
	d, err := s.st.Diff(r.Context(), a, b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// reportKinds and reportFormats are what `covered report` takes.
var (
	reportKinds   = []string{"inventory", "889", "inquiry"}
	reportFormats = []string{"html", "pdf", "csv", "json", "xlsx"}
)

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, _ *principal) error {
	return s.report(w, r, r.PathValue("kind"))
}

// report renders a report download (the API and the reports page).
func (s *Server) report(w http.ResponseWriter, r *http.Request, kind string) error {
	if s.cfg.Report == nil {
		return &httpError{http.StatusNotImplemented, "reports are not available on this server"}
	}
	q := newQuery(r)
	req := ReportRequest{Kind: kind, Format: q.str("format"), Site: q.str("site"), Run: q.id("run")}
	if req.Format == "" {
		req.Format = "html"
	}
	switch {
	case q.err != nil:
		return q.err
	case !oneOf(req.Kind, reportKinds):
		return badRequest("kind: want one of %s, got %q", strings.Join(reportKinds, ", "), req.Kind)
	case !oneOf(req.Format, reportFormats):
		return badRequest("parameter format: want one of %s, got %q", strings.Join(reportFormats, ", "), req.Format)
	}
	// Rendered to memory first, so that a failure is a clean error and
	// not half a file.
	var buf bytes.Buffer
	ctype, name, err := s.cfg.Report(r.Context(), req, &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}

// scanBody starts a scan.
type scanBody struct {
	Targets []string `json:"targets"`
	Site    string   `json:"site"`
}

func (s *Server) apiStartScan(w http.ResponseWriter, r *http.Request, p *principal) error {
	var b scanBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	run, err := s.startScan(r, b, p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/runs/"+strconv.FormatInt(run, 10))
	writeJSON(w, http.StatusAccepted, map[string]any{"run": run})
	return nil
}

func (s *Server) apiAllowedRanges(w http.ResponseWriter, r *http.Request, _ *principal) error {
	ranges, initialized, err := s.st.AllowedRanges(r.Context())
	if err != nil {
		return err
	}
	out := make([]string, len(ranges))
	for i, p := range ranges {
		out[i] = p.String()
	}
	writeJSON(w, http.StatusOK, map[string]any{"ranges": out, "initialized": initialized})
	return nil
}

func (s *Server) apiSetAllowedRanges(w http.ResponseWriter, r *http.Request, p *principal) error {
	var b struct {
		Ranges []string `json:"ranges"`
	}
	if err := readJSON(r, &b); err != nil {
		return err
	}
	ps, err := parsePrefixes(b.Ranges)
	if err != nil {
		return err
	}
	if err := s.st.SetAllowedRanges(r.Context(), ps, p.name); err != nil {
		return err
	}
	return s.apiAllowedRanges(w, r, p)
}

// parsePrefixes reads CIDRs or single addresses.
func parsePrefixes(in []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, badRequest("range %q: want a CIDR such as 10.20.0.0/16 or one address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96) // as the scanner reads such addresses
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// userView is a user as the API shows it: never the password hash.
type userView struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u store.User) userView {
	return userView{u.ID, u.Name, u.Role, u.Disabled, u.CreatedAt}
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, _ *principal) error {
	us, err := s.st.Users(r.Context())
	if err != nil {
		return err
	}
	out := make([]userView, len(us))
	for i, u := range us {
		out[i] = viewUser(u)
	}
	writeJSON(w, http.StatusOK, page[userView]{Items: out, Limit: len(out)})
	return nil
}

type userBody struct {
	Name     string  `json:"name"`
	Role     *string `json:"role"`
	Password *string `json:"password"`
	Disabled *bool   `json:"disabled"`
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	var b userBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	u, err := s.createUser(r, b, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewUser(u))
	return nil
}

// createUser checks and creates a user (the API and the admin form).
func (s *Server) createUser(r *http.Request, b userBody, p *principal) (store.User, error) {
	if !validUserName(b.Name) {
		return store.User{}, badRequest("name: 1 to 64 letters, digits, dots, dashes, underscores or @")
	}
	if b.Role == nil || b.Password == nil {
		return store.User{}, badRequest("give name, role and password")
	}
	role, err := auth.ParseRole(*b.Role)
	if err != nil {
		return store.User{}, badRequest("role: %v", err)
	}
	hash, err := auth.HashPassword(*b.Password)
	if err != nil {
		return store.User{}, badRequest("password: %v", err)
	}
	u, err := s.st.CreateUser(r.Context(), b.Name, string(role), hash, p.name)
	if err != nil && isExists(err) {
		return u, &httpError{http.StatusConflict, fmt.Sprintf("a user %q exists already", b.Name)}
	}
	return u, err
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b userBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	if b.Name != "" {
		return badRequest("name: a user cannot be renamed")
	}
	u, err := s.updateUser(r, id, b, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(u))
	return nil
}

// updateUser checks and applies a change of role, password or disabled
// (the API and the admin form).
func (s *Server) updateUser(r *http.Request, id int64, b userBody, p *principal) (store.User, error) {
	var c store.UserChange
	if b.Role != nil {
		role, err := auth.ParseRole(*b.Role)
		if err != nil {
			return store.User{}, badRequest("role: %v", err)
		}
		rs := string(role)
		c.Role = &rs
	}
	if b.Password != nil {
		hash, err := auth.HashPassword(*b.Password)
		if err != nil {
			return store.User{}, badRequest("password: %v", err)
		}
		c.PasswordHash = &hash
	}
	c.Disabled = b.Disabled
	u, err := s.st.UpdateUser(r.Context(), id, c, p.name)
	if isLastAdmin(err) {
		err = &httpError{http.StatusConflict, "this would leave no enabled administrator"}
	}
	return u, err
}

// tokenView is an API token as listed: never its hash.
type tokenView struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// Token is the secret itself, shown once when the token is created.
	Token string `json:"token,omitempty"`
}

func viewToken(t store.Token) tokenView {
	v := tokenView{ID: t.ID, Name: t.Name, Role: t.Role, CreatedAt: t.CreatedAt}
	if !t.LastUsed.IsZero() {
		v.LastUsed = &t.LastUsed
	}
	if !t.RevokedAt.IsZero() {
		v.RevokedAt = &t.RevokedAt
	}
	return v
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, _ *principal) error {
	ts, err := s.st.Tokens(r.Context())
	if err != nil {
		return err
	}
	out := make([]tokenView, len(ts))
	for i, t := range ts {
		out[i] = viewToken(t)
	}
	writeJSON(w, http.StatusOK, page[tokenView]{Items: out, Limit: len(out)})
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	var b struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if err := readJSON(r, &b); err != nil {
		return err
	}
	v, err := s.createToken(r, b.Name, b.Role, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// createToken makes an API token; the view carries the secret, once.
func (s *Server) createToken(r *http.Request, name, roleName string, p *principal) (tokenView, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return tokenView{}, badRequest("name: give the token a name of up to 100 characters")
	}
	role, err := auth.ParseRole(roleName)
	if err != nil {
		return tokenView{}, badRequest("role: %v", err)
	}
	plain, hash := auth.NewSecret(tokenSecretPrefix)
	t, err := s.st.CreateToken(r.Context(), store.Token{Name: name, Role: string(role), Hash: hash, UserID: p.userID, CreatedAt: s.now()}, p.name)
	if err != nil {
		return tokenView{}, err
	}
	v := viewToken(t)
	v.Token = plain
	return v, nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.st.RevokeToken(r.Context(), id, p.name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r)
	f := store.AuditFilter{Actor: q.str("actor"), Action: q.str("action"), ObjectType: q.str("object_type"),
		ObjectID: q.id("object_id"), Since: q.time("since"), After: int64(q.int("after", 0, 0, 1<<31-1)),
		Limit: q.int("limit", defaultLimit, 1, maxLimit)}
	if q.err != nil {
		return q.err
	}
	es, err := s.st.Audit(r.Context(), f)
	if err != nil {
		return err
	}
	pg := page[store.AuditEntry]{Items: nonNil(es), Limit: f.Limit}
	if len(es) == f.Limit {
		pg.Next = es[len(es)-1].ID
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, _ *http.Request, p *principal) error {
	writeJSON(w, http.StatusOK, map[string]any{"name": p.name, "role": p.role})
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if _, err := s.st.CountUsers(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "store unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": s.cfg.Version})
	return nil
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// checkSeverities are the severities of security checks, most severe first.
var checkSeverities = []string{"critical", "high", "medium", "low", "info"}

// checkFindingFilter reads the check finding filters.
func checkFindingFilter(q *query) store.CheckFindingFilter {
	f := store.CheckFindingFilter{
		AssetID: q.id("asset"), CheckID: q.str("check"), Site: q.str("site"),
		IncludeInactive: q.str("inactive") == "true",
		Limit:           q.int("limit", defaultLimit, 1, maxLimit), Offset: q.int("offset", 0, 0, 1<<31-1),
	}
	for _, sv := range q.list("severity") {
		if !oneOf(sv, checkSeverities) {
			q.fail("severity", "unknown severity %q (%s)", sv, strings.Join(checkSeverities, ", "))
		}
		f.Severity = append(f.Severity, sv)
	}
	return f
}

func (s *Server) apiCheckFindings(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r)
	f := checkFindingFilter(q)
	if q.err != nil {
		return q.err
	}
	items, err := s.st.CheckFindings(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[store.CheckFinding]{Items: nonNil(items), Limit: f.Limit, Offset: f.Offset})
	return nil
}
