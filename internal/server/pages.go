package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
	"go4.org/netipx"
)

// pageRoutes are the dashboard's pages and forms. The forms need the same
// role as the API routes that do the same.
func (s *Server) pageRoutes() []route {
	v, o, a := auth.Viewer, auth.Operator, auth.Admin
	c := &markCache{m: map[string]*markEntry{}}
	return []route{
		{"GET", "/{$}", v, false, func(w http.ResponseWriter, r *http.Request, p *principal) error {
			return s.overviewPage(w, r, p, c)
		}},
		{"GET", "/assets", v, false, s.assetsPage},
		{"GET", "/assets/{id}", v, false, s.assetPage},
		{"GET", "/findings", v, false, s.findingsPage},
		{"POST", "/findings/{id}/remediation", o, false, s.remediationForm},
		{"GET", "/runs", v, false, s.runsPage},
		{"GET", "/runs/{id}", v, false, s.runPage},
		{"GET", "/diff", v, false, s.diffPage},
		{"GET", "/reports", v, false, s.reportsPage},
		{"GET", "/reports/download", v, false, s.reportDownload},
		{"GET", "/scan", v, false, s.scanPage},
		{"POST", "/scan", o, false, s.scanForm},
		{"GET", "/admin", a, false, s.adminPage},
		{"POST", "/admin/users", a, false, s.adminCreateUser},
		{"POST", "/admin/users/{id}", a, false, s.adminUpdateUser},
		{"POST", "/admin/tokens", a, false, s.adminCreateToken},
		{"POST", "/admin/tokens/{id}/revoke", a, false, s.adminRevokeToken},
		{"POST", "/admin/ranges", a, false, s.adminSetRanges},
	}
}

// formError is the message to show back on the form for an error a user
// can fix (a refused value, a conflict); other errors are not the form's.
func formError(err error) (string, bool) {
	var he *httpError
	var ve *store.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ve):
		return ve.Error(), true
	case errors.As(err, &mbe):
		return "the form is too large", true
	case errors.As(err, &he) && he.code >= 400 && he.code < 500 && he.code != http.StatusNotFound:
		return he.msg, true
	}
	return "", false
}

// done answers a form post: back to the page at to with the outcome (what
// failed: the reason; or the message format makes), or err itself when it
// is not about the form.
func (s *Server) done(w http.ResponseWriter, r *http.Request, to string, err error, what, format string, args ...any) error {
	if err != nil {
		msg, ok := formError(err)
		if !ok {
			return err
		}
		s.redirect(w, r, to, flash{Error: true, Text: what + ": " + msg})
		return nil
	}
	s.redirect(w, r, to, flash{Text: fmt.Sprintf(format, args...)})
	return nil
}

// overviewData is the overview page.
type overviewData struct {
	Assets    int
	ByStatus  []bar
	OpenTotal int
	ByEntity  []bar
	ByType    []bar
	// Checks are the open (active) security check findings by severity.
	ChecksTotal int
	Checks      []bar
	Trend       *trendChart
	Runs        []store.Run
	RangesSet   bool
	Gaps        []rangeGap
	StaleSites  []staleSite
}

// bar is one row of a bar chart: a label, its count and its share of the
// largest row in percent (the bar's length).
type bar struct {
	Label, Class, Href string
	N                  int
	Pct                int
}

func bars(labels []string, counts map[string]int, href func(string) string) []bar {
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	var out []bar
	for _, l := range labels {
		n := counts[l]
		b := bar{Label: l, N: n, Href: href(l)}
		if n > 0 {
			b.Pct = max(1, n*100/most)
		}
		out = append(out, b)
	}
	return out
}

// byCount sorts the keys of counts largest first, then by name.
func byCount(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

// staleAfter is how long a site may go without a run before the overview
// lists it as a gap.
const staleAfter = 30 * 24 * time.Hour

type staleSite struct {
	Site    string
	LastRun store.Run
}

// markCache keeps figures that are costly to compute over a large
// inventory (the overview's) while the store's change mark stays the same,
// so that they are never stale. One request computes a missing or outdated
// value while the others that want it wait.
type markCache struct {
	mu sync.Mutex
	m  map[string]*markEntry
}

type markEntry struct {
	mu   sync.Mutex
	mark string
	v    any
}

// maxCached bounds the cache; past it, it starts again empty.
const maxCached = 1000

func cached[T any](c *markCache, mark, key string, compute func() (T, error)) (T, error) {
	c.mu.Lock()
	e := c.m[key]
	if e == nil {
		if len(c.m) >= maxCached {
			clear(c.m)
		}
		e = &markEntry{}
		c.m[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.mark != mark || e.v == nil {
		v, err := compute()
		if err != nil {
			return v, err
		}
		e.mark, e.v = mark, v
	}
	return e.v.(T), nil
}

// overviewPage shows the overview, computed again only when the store
// changed or the day did.
func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, p *principal, c *markCache) error {
	mark, err := s.st.ChangeMark(r.Context())
	if err != nil {
		return err
	}
	d, err := cached(c, mark+" "+s.now().UTC().Format(time.DateOnly), "overview", func() (overviewData, error) {
		return s.overview(r.Context())
	})
	if err != nil {
		return err
	}
	return s.page(w, r, p, http.StatusOK, "overview", "Overview", d)
}

// overview computes the overview's figures.
func (s *Server) overview(ctx context.Context) (overviewData, error) {
	var d overviewData
	counts, err := s.st.OpenFindingCounts(ctx)
	if err != nil {
		return d, err
	}
	statuses, err := s.st.AssetStatusCounts(ctx)
	if err != nil {
		return d, err
	}
	runs, err := s.st.Runs(ctx, store.RunFilter{})
	if err != nil {
		return d, err
	}
	ranges, initialized, err := s.st.AllowedRanges(ctx)
	if err != nil {
		return d, err
	}
	entity, dtype, status := map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range counts {
		d.OpenTotal += c.N
		entity[c.Entity] += c.N
		dtype[orUnknown(c.DeviceType)] += c.N
	}
	d.ByEntity = bars(byCount(entity), entity, func(e string) string { return "/findings?entity=" + urlQuery(e) })
	d.ByType = bars(byCount(dtype), dtype, func(t string) string {
		if t == unknownType {
			return "/assets?status=covered,suspected"
		}
		return "/assets?status=covered,suspected&device_type=" + urlQuery(t)
	})
	order := []string{string(covered.StatusCovered), string(covered.StatusSuspected), string(covered.StatusNotCovered), string(covered.StatusUnidentified)}
	for _, st := range order {
		status[st] = statuses[covered.Status(st)]
		d.Assets += status[st]
	}
	d.ByStatus = bars(order, status, func(st string) string { return "/assets?status=" + st })
	for i := range d.ByStatus {
		d.ByStatus[i].Class = "st-" + d.ByStatus[i].Label
	}
	checks, err := s.st.ActiveCheckCounts(ctx)
	if err != nil {
		return d, err
	}
	sevs := slices.Clone(checkSeverities)
	for sev, n := range checks {
		d.ChecksTotal += n
		if !slices.Contains(sevs, sev) {
			sevs = append(sevs, sev)
		}
	}
	d.Checks = bars(sevs, checks, func(string) string { return "" }) // no page lists them yet
	for i := range d.Checks {
		d.Checks[i].Class = "sev-" + d.Checks[i].Label
	}
	if d.Trend, err = s.trend(ctx, runs); err != nil {
		return d, err
	}
	d.Runs = runs[:min(len(runs), 8)]
	d.RangesSet = initialized
	d.Gaps = gaps(ranges, runs)
	d.StaleSites = staleSites(runs, s.now())
	return d, nil
}

const unknownType = "(device type unknown)"

func orUnknown(t string) string {
	if t == "" {
		return unknownType
	}
	return t
}

// trendDays is how many days with runs the trend shows, the newest.
const trendDays = 60

// trendChart is the open-findings trend as an SVG polyline: one point per
// day on which a run started, and today.
type trendChart struct {
	W, H, Max         int
	Left, Top, Bottom int // the plot area's edges; the y axis is left of Left
	Points            string
	Dots              []trendDot
	Labels            bool // few enough points to print each value
	First, Last       time.Time
}

type trendDot struct {
	X, Y int
	Date time.Time
	Open int
}

// trend counts the open findings at the end of each run day (now, for
// today), as the reports' trend does.
func (s *Server) trend(ctx context.Context, runs []store.Run) (*trendChart, error) {
	if len(runs) == 0 {
		return nil, nil
	}
	now := s.now().UTC()
	days := map[time.Time]bool{now.Truncate(24 * time.Hour): true}
	for _, r := range runs {
		days[r.Started.UTC().Truncate(24*time.Hour)] = true
	}
	sorted := make([]time.Time, 0, len(days))
	for d := range days {
		sorted = append(sorted, d)
	}
	slices.SortFunc(sorted, time.Time.Compare)
	sorted = sorted[max(0, len(sorted)-trendDays):]
	ends := make([]time.Time, len(sorted))
	for i, d := range sorted {
		ends[i] = d.Add(24 * time.Hour)
		if ends[i].After(now) {
			ends[i] = now
		}
	}
	open, err := s.st.OpenFindingsAt(ctx, ends)
	if err != nil {
		return nil, err
	}
	c := &trendChart{W: 640, H: 150, Left: 40, Top: 16, Bottom: 134, Max: 1, First: sorted[0], Last: sorted[len(sorted)-1]}
	for _, n := range open {
		c.Max = max(c.Max, n)
	}
	c.Labels = len(sorted) <= 20
	var pts []string
	for i, d := range sorted {
		x := (c.Left + c.W) / 2 // one day: in the middle
		if len(sorted) > 1 {
			x = c.Left + 10 + i*(c.W-c.Left-20)/(len(sorted)-1)
		}
		y := c.Bottom - open[i]*(c.Bottom-c.Top)/c.Max
		c.Dots = append(c.Dots, trendDot{X: x, Y: y, Date: d, Open: open[i]})
		pts = append(pts, fmt.Sprintf("%d,%d", x, y))
	}
	c.Points = strings.Join(pts, " ")
	return c, nil
}

// rangeGap is an allowed range that complete scans did not cover whole.
type rangeGap struct {
	Range         string
	Scanned, Size uint64
}

// gaps compares the allowed ranges with the scopes of complete scans: a
// range no scan covered whole is a gap. Scope entries that are not
// addresses, CIDRs or ranges (hostnames) do not count.
func gaps(ranges []netip.Prefix, runs []store.Run) []rangeGap {
	var b netipx.IPSetBuilder
	for _, r := range runs {
		if r.Kind != store.RunScan || r.Status != store.RunComplete {
			continue
		}
		for _, t := range r.Scope {
			if rg, ok := scopeRange(strings.TrimSpace(t)); ok {
				b.AddRange(rg)
			}
		}
	}
	scanned, _ := b.IPSet()
	var out []rangeGap
	for _, p := range ranges {
		var in netipx.IPSetBuilder
		in.AddPrefix(p)
		in.Intersect(scanned)
		set, _ := in.IPSet()
		g := rangeGap{Range: p.String(), Size: rangeSize(netipx.RangeOfPrefix(p))}
		for _, rg := range set.Ranges() {
			g.Scanned += rangeSize(rg)
		}
		if g.Scanned < g.Size {
			out = append(out, g)
		}
	}
	return out
}

// staleSites are the named sites whose newest run is older than staleAfter.
func staleSites(runs []store.Run, now time.Time) []staleSite {
	newest := map[string]store.Run{}
	for _, r := range runs {
		if n, ok := newest[r.Site]; r.Site != "" && (!ok || r.Started.After(n.Started)) {
			newest[r.Site] = r
		}
	}
	var out []staleSite
	for site, r := range newest {
		if now.Sub(r.Started) > staleAfter {
			out = append(out, staleSite{site, r})
		}
	}
	slices.SortFunc(out, func(a, b staleSite) int { return strings.Compare(a.Site, b.Site) })
	return out
}

// scopeRange reads a run's scope entry: what parseTarget reads, and the
// scanner's IPv4 shorthand that ranges the last octet (192.0.2.10-20).
func scopeRange(tok string) (netipx.IPRange, bool) {
	if rg, err := parseTarget(tok); err == nil {
		return rg, true
	}
	left, right, ok := strings.Cut(tok, "-")
	from, err := netip.ParseAddr(left)
	n, nerr := strconv.Atoi(right)
	if !ok || err != nil || nerr != nil || !from.Is4() || n < 0 || n > 255 {
		return netipx.IPRange{}, false
	}
	b := from.As4()
	b[3] = byte(n)
	rg := netipx.IPRangeFrom(from, netip.AddrFrom4(b))
	return rg, rg.IsValid()
}
