package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go4.org/netipx"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/config"
	"github.com/coveredtool/covered/internal/report"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
)

// reportFlags are the options of `covered report`.
type reportFlags struct {
	kind, format, output string
	runs                 []string
	site                 string
	since, until, now    string
	contract, title      string
}

func (p Program) reportCmd() *cobra.Command {
	var rf reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write a compliance report from the inventory: asset inventory, §889 report or reasonable-inquiry record",
		Long: `report renders what the inventory store knows as a document to hand over:

  inventory  every asset with its current identification, findings with their
             remediation, counts by status, entity, device type and site, and
             the trend of open findings
  889        covered and suspected findings with the fields FAR 52.204-25(d)(2)
             asks for and the one- and ten-business-day deadlines; contract
             numbers and the supplier come from --contract
  inquiry    the reasonable-inquiry record: every run and import considered,
             what they searched, and the gaps (site ranges no complete scan
             covered, sites without a recent run, sources never imported)

The scope is every run in the store unless narrowed by --run, --site, --since
and --until. The report is reproducible: its date and every time in it come
from the store (the newest run or remediation change), not from the clock, so
the same store gives byte-identical reports; --now sets the date instead.

The format follows the -o extension (.html, .pdf, .csv, .json, .xlsx) unless
--format is given; standard output (-o -, the default) takes text formats only.`,
		Example: `  covered report -o inventory.html
  covered report --kind 889 --contract contract.yaml -o 889.pdf
  covered report --kind inquiry --site hq --since 2026-10-01 --until 2026-12-31 -o inquiry.xlsx
  covered report --kind inventory --run 12 --run 14 --format csv -o -`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return p.report(cmd.Context(), &rf) },
	}
	fl := cmd.Flags()
	fl.StringVar(&rf.kind, "kind", string(report.KindInventory), "report `KIND`: inventory, 889 or inquiry")
	fl.StringVar(&rf.format, "format", "", "output `FORMAT`: html, pdf, csv, json or xlsx (default: from the -o extension, else html)")
	fl.StringVarP(&rf.output, "output", "o", "-", "write the report to `FILE` (- is standard output, for html, csv and json)")
	fl.StringArrayVar(&rf.runs, "run", nil, "only this run `ID` and what it saw (repeatable; see covered runs)")
	fl.StringVar(&rf.site, "site", "", "only runs and assets of this `SITE`")
	fl.StringVar(&rf.since, "since", "", "only runs started and assets seen at or after `TIME` (RFC 3339, a date, or a duration ago like 720h)")
	fl.StringVar(&rf.until, "until", "", "only runs started and assets first seen at or before `TIME`; also the report date when earlier than the store's newest time")
	fl.StringVar(&rf.now, "now", "", "date the report at `TIME` instead of the store's newest time (deadlines and \"overdue\" are relative to it)")
	fl.StringVar(&rf.contract, "contract", "", "contract metadata `FILE` (YAML: contract_number, contracting_office, order_number, supplier, contact, sites)")
	fl.StringVar(&rf.title, "title", "", "report `TITLE` (default: one per kind)")
	return cmd
}

// reportScope is what a report covers. Zero fields do not narrow it.
type reportScope struct {
	runs         []int64
	site         string
	since, until time.Time
	// now dates the report; zero means the store's newest time.
	now time.Time
}

// parse validates the flags into a scope, a kind and a format.
func (rf *reportFlags) parse(wall time.Time) (reportScope, report.Kind, report.Format, error) {
	var sc reportScope
	kind, err := report.ParseKind(rf.kind)
	if err != nil {
		return sc, "", "", usageErr("--kind: %v", err)
	}
	fs := rf.format
	if fs == "" {
		fs = "html"
		if ext := strings.TrimPrefix(filepath.Ext(rf.output), "."); rf.output != "-" && ext != "" {
			if _, err := report.ParseFormat(ext); err == nil {
				fs = ext
			}
		}
	}
	format, err := report.ParseFormat(fs)
	if err != nil {
		return sc, "", "", usageErr("--format: %v", err)
	}
	if rf.output == "-" && (format == report.FormatPDF || format == report.FormatXLSX) {
		return sc, "", "", usageErr("--format %s is binary: give -o FILE", format)
	}
	for _, r := range rf.runs {
		id, err := strconv.ParseInt(strings.TrimSpace(r), 10, 64)
		if err != nil || id <= 0 {
			return sc, "", "", usageErr("--run %q: want a run id (see covered runs)", r)
		}
		sc.runs = append(sc.runs, id)
	}
	sc.site = rf.site
	if sc.since, err = parseWhen("since", rf.since, wall); err != nil {
		return sc, "", "", err
	}
	if sc.until, err = parseWhen("until", rf.until, wall); err != nil {
		return sc, "", "", err
	}
	if !sc.since.IsZero() && !sc.until.IsZero() && sc.until.Before(sc.since) {
		return sc, "", "", usageErr("--until %s is before --since %s", rf.until, rf.since)
	}
	if sc.now, err = parseWhen("now", rf.now, wall); err != nil {
		return sc, "", "", err
	}
	return sc, kind, format, nil
}

func (p Program) report(ctx context.Context, rf *reportFlags) error {
	sc, kind, format, err := rf.parse(time.Now())
	if err != nil {
		return err
	}
	var contract *report.Contract
	if rf.contract != "" {
		if contract, err = report.LoadContract(rf.contract); err != nil {
			return &exitError{ExitUsage, fmt.Errorf("--contract: %w", err)}
		}
	} else if kind == report.Kind889 {
		fmt.Fprintln(p.Stderr, "covered: no --contract given: the 889 report leaves the contract number, contracting office, order number and supplier blank")
	}
	cfg, err := p.g.conf()
	if err != nil {
		return err
	}
	var d report.Data
	err = p.withStore(ctx, func(st *store.Store) error {
		d, err = buildReportData(ctx, st, cfg, sc)
		return err
	})
	if err != nil {
		return err
	}
	d.Title, d.Contract = rf.title, contract
	if len(d.Runs) == 0 {
		fmt.Fprintln(p.Stderr, "covered: no run is recorded in this scope; the report says so")
	}
	return writeReport(p.Stdout, rf.output, kind, format, d)
}

// writeReport renders to standard output or, through a temporary file
// renamed at the end, to path, so that a failed render never leaves half a
// report where the previous one was.
func writeReport(stdout io.Writer, path string, kind report.Kind, format report.Format, d report.Data) error {
	if path == "-" {
		return report.Render(stdout, kind, format, d)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	err = report.Render(tmp, kind, format, d)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write report %s: %w", path, cerr)
	}
	if err == nil {
		if err = os.Chmod(tmp.Name(), 0o644); err == nil {
			err = os.Rename(tmp.Name(), path)
		}
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// buildReportData reads what the report of scope needs from the store:
// runs, assets with their current identification, active findings with
// their remediation, active security check findings, the trend of open
// findings and the coverage gaps against the config's sites. Every time
// in it, Generated included, comes from the store (or sc.now), so the
// same store gives the same Data.
//
// It makes a fixed number of store calls whatever the number of assets:
// the list calls for runs, assets, findings and check findings, and the
// bulk reads for what no list call returns (sightings, identification
// bodies, remediation history).
func buildReportData(ctx context.Context, st *store.Store, cfg *config.Config, sc reportScope) (report.Data, error) {
	var d report.Data
	all, err := st.Runs(ctx, store.RunFilter{})
	if err != nil {
		return d, fmt.Errorf("report: %w", err)
	}
	runs, err := selectRuns(all, sc)
	if err != nil {
		return d, err
	}
	assets, err := st.Assets(ctx, store.AssetFilter{IncludeMerged: true})
	if err != nil {
		return d, fmt.Errorf("report: %w", err)
	}
	findings, err := st.Findings(ctx, store.FindingFilter{IncludeInactive: true})
	if err != nil {
		return d, fmt.Errorf("report: %w", err)
	}
	checks, err := st.CheckFindings(ctx, store.CheckFindingFilter{})
	if err != nil {
		return d, fmt.Errorf("report: %w", err)
	}
	snap, err := readSnapshot(ctx, st, sc)
	if err != nil {
		return d, err
	}

	d.Generated = generatedAt(sc, all, snap)
	d.Tool = "covered " + toolVersion()
	d.Scope = scopeText(sc)
	inRun := map[int64]bool{}
	for _, r := range runs {
		inRun[r.ID] = true
		d.Runs = append(d.Runs, reportRun(r))
		if d.RulesVersion == "" && r.RulesVersion != "" {
			d.RulesVersion, d.ListsVersion = r.RulesVersion, r.ListsVersion
		}
	}

	survivor := map[int64]int64{}
	for _, a := range assets {
		if a.MergedInto != 0 {
			survivor[a.ID] = a.MergedInto
		}
	}
	live := func(id int64) int64 {
		for n := 0; n < 64 && survivor[id] != 0; n++ {
			id = survivor[id]
		}
		return id
	}
	seenBy := map[int64][]int64{} // live asset -> runs that saw it, ascending
	for _, s := range snap.sightings {
		a := live(s.asset)
		if rs := seenBy[a]; len(rs) == 0 || rs[len(rs)-1] != s.run {
			seenBy[a] = append(rs, s.run)
		}
	}
	inScope := map[int64]bool{}
	for _, a := range assets {
		if a.MergedInto != 0 || !assetInScope(a, seenBy[a.ID], inRun, sc) {
			continue
		}
		inScope[a.ID] = true
		d.Assets = append(d.Assets, reportAsset(a, seenBy[a.ID], snap.idents))
	}
	var trendFindings []store.Finding
	for _, f := range findings {
		if f.MergedInto != 0 || !inScope[f.AssetID] {
			continue
		}
		trendFindings = append(trendFindings, f)
		if f.Active {
			d.Findings = append(d.Findings, reportFinding(f, snap.idents))
		}
	}
	for _, c := range checks { // active ones, of live assets
		if inScope[c.AssetID] {
			d.Checks = append(d.Checks, reportCheck(c))
		}
	}
	d.Trend = openTrend(runs, trendFindings, snap.events, d.Generated)
	d.Gaps = coverageGaps(cfg, runs, sc.site, d.Generated)
	return d, nil
}

// selectRuns returns the runs of scope, newest first. Named runs that do
// not exist are a usage error rather than an empty report: the user asked
// for something specific.
func selectRuns(all []store.Run, sc reportScope) ([]store.Run, error) {
	byID := map[int64]bool{}
	for _, r := range all {
		byID[r.ID] = true
	}
	want := map[int64]bool{}
	for _, id := range sc.runs {
		if !byID[id] {
			return nil, usageErr("--run %d: no such run (see covered runs)", id)
		}
		want[id] = true
	}
	var out []store.Run
	for _, r := range all {
		switch {
		case len(want) > 0 && !want[r.ID]:
		case sc.site != "" && r.Site != sc.site:
		case !sc.since.IsZero() && r.Started.Before(sc.since):
		case !sc.until.IsZero() && r.Started.After(sc.until):
		default:
			out = append(out, r)
		}
	}
	return out, nil
}

// assetInScope: with --run, the asset was seen by one of those runs;
// otherwise it belongs to the site and its sightings overlap the window.
func assetInScope(a store.Asset, runs []int64, inRun map[int64]bool, sc reportScope) bool {
	if len(sc.runs) > 0 {
		return slices.ContainsFunc(runs, func(r int64) bool { return inRun[r] })
	}
	switch {
	case sc.site != "" && a.Site != sc.site:
		return false
	case !sc.since.IsZero() && a.LastSeen.Before(sc.since):
		return false
	case !sc.until.IsZero() && a.FirstSeen.After(sc.until):
		return false
	}
	return true
}

// generatedAt is --now, else the newest time the store records (run starts
// and ends, remediation changes), capped at --until: a report is as of the
// last thing it knows, so it is the same whenever it is rendered.
func generatedAt(sc reportScope, runs []store.Run, snap *snapshot) time.Time {
	if !sc.now.IsZero() {
		return sc.now.UTC()
	}
	var t time.Time
	later := func(x time.Time) {
		if x.After(t) {
			t = x
		}
	}
	for _, r := range runs {
		later(r.Started)
		later(r.Finished)
	}
	for _, evs := range snap.events {
		for _, e := range evs {
			later(e.at)
		}
	}
	if !sc.until.IsZero() && sc.until.Before(t) {
		t = sc.until
	}
	return t.UTC()
}

// scopeText says in words what the report covers.
func scopeText(sc reportScope) string {
	var parts []string
	if len(sc.runs) > 0 {
		ids := make([]string, len(sc.runs))
		for i, id := range sc.runs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		parts = append(parts, "runs "+strings.Join(ids, ", "))
	}
	if sc.site != "" {
		parts = append(parts, "site "+sc.site)
	}
	switch {
	case !sc.since.IsZero() && !sc.until.IsZero():
		parts = append(parts, timeText(sc.since)+" to "+timeText(sc.until))
	case !sc.since.IsZero():
		parts = append(parts, "since "+timeText(sc.since))
	case !sc.until.IsZero():
		parts = append(parts, "until "+timeText(sc.until))
	}
	if len(parts) == 0 {
		return "every run and asset in the inventory"
	}
	return strings.Join(parts, "; ")
}

// reportRun maps a stored run. An interrupted run did not search its whole
// scope, which the report calls "partial".
func reportRun(r store.Run) report.Run {
	out := report.Run{ID: strconv.FormatInt(r.ID, 10), Kind: string(r.Kind), Started: r.Started.UTC(),
		Operator: r.User, Site: r.Site, Targets: r.Scope, Exclusions: r.Exclusions, Ports: r.Ports,
		Tool: r.ToolVersion, RulesVersion: r.RulesVersion, ListsVersion: r.ListsVersion,
		Hosts: int(r.Counts.Hosts), Observations: int(r.Counts.Observations), Failed: int(r.Counts.Failed)}
	if !r.Finished.IsZero() {
		out.Finished = r.Finished.UTC()
	}
	if out.Observations == 0 {
		out.Observations = int(r.StoredObservations)
	}
	if r.Kind == store.RunImport {
		if f, ok := r.Options["format"].(string); ok && f != "" {
			out.Kind = "import:" + f
		}
	}
	out.Sources = optionStrings(r.Options, "sources", "files", "input_list")
	switch r.Status {
	case store.RunInterrupted:
		out.Status = "partial"
	default:
		out.Status = string(r.Status)
	}
	return out
}

// optionStrings collects the string values of run options that name inputs.
func optionStrings(opts map[string]any, keys ...string) []string {
	var out []string
	for _, k := range keys {
		switch v := opts[k].(type) {
		case string:
			if v != "" {
				out = append(out, v)
			}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok && s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func reportAsset(a store.Asset, runs []int64, idents map[int64]*covered.Identification) report.Asset {
	out := report.Asset{ID: strconv.FormatInt(a.ID, 10), Site: a.Site, IP: a.LastIP, MAC: a.LastMAC,
		FirstSeen: a.FirstSeen.UTC(), LastSeen: a.LastSeen.UTC()}
	if a.LastHost != a.LastIP {
		out.Hostname = a.LastHost
	}
	for _, r := range runs {
		out.Runs = append(out.Runs, strconv.FormatInt(r, 10))
	}
	if id := idents[a.IdentificationID]; id != nil {
		out.Identification = *id
	} else {
		// No identification stored (or none yet): what the asset row says.
		out.Identification = covered.Identification{Host: a.LastHost, Status: a.Status, CoveredEntity: a.CoveredEntity,
			Manufacturer: a.Manufacturer, Brand: a.Brand, Model: a.Model, DeviceType: a.DeviceType, Confidence: a.Confidence}
	}
	if out.Identification.Status == "" {
		out.Identification.Status = covered.StatusUnidentified
	}
	return out
}

// reportCheck maps a stored check finding; its host is the asset's last
// host name, else its address.
func reportCheck(c store.CheckFinding) report.CheckFinding {
	out := report.CheckFinding{Check: c.Check, Title: c.Title, Severity: c.Severity, CVEs: c.CVEs, KEV: c.KEV,
		KEVDateAdded: c.KEVDateAdded, AssetID: strconv.FormatInt(c.AssetID, 10), Host: c.Host, Advice: c.Advice,
		FirstSeen: c.FirstSeen.UTC(), LastSeen: c.LastSeen.UTC()}
	if out.Host == "" {
		out.Host = c.IP
	}
	return out
}

func reportFinding(f store.Finding, idents map[int64]*covered.Identification) report.Finding {
	out := report.Finding{ID: strconv.FormatInt(f.ID, 10), AssetID: strconv.FormatInt(f.AssetID, 10),
		Entity: f.CoveredEntity, Status: f.Status, Manufacturer: f.Manufacturer, Model: f.Model,
		Discovered: f.FirstFound.UTC(), LastSeen: f.LastSeen.UTC(), Regimes: []string{}}
	if id := idents[f.IdentificationID]; id != nil {
		out.Regimes = id.Regimes
		out.Brand, out.Product, out.DeviceType, out.Firmware, out.ScopeNote = id.Brand, id.Product, id.DeviceType, id.Firmware, id.ScopeNote
		if out.Model == "" {
			out.Model = id.Model
		}
		if out.Manufacturer == "" {
			out.Manufacturer = id.Manufacturer
		}
		out.Evidence = evidenceText(id)
	}
	r := f.Remediation
	out.Remediation = report.Remediation{State: report.RemediationState(r.State), Owner: r.Owner, Due: utc(r.Due),
		Ticket: r.Ticket, Notes: r.Notes, Reported: utc(r.Reported), FollowUp: utc(r.FollowUp)}
	// The reason and expiry justify accepted_risk and false_positive; the
	// report model has no field for them, so they travel in the notes.
	var extra []string
	if r.Reason != "" {
		extra = append(extra, "reason: "+r.Reason)
	}
	if !r.Expires.IsZero() {
		extra = append(extra, "risk accepted until "+r.Expires.UTC().Format(time.DateOnly))
	}
	if len(extra) > 0 {
		out.Remediation.Notes = strings.TrimSpace(strings.Join(append([]string{r.Notes}, extra...), "; "))
		out.Remediation.Notes = strings.TrimPrefix(out.Remediation.Notes, "; ")
	}
	return out
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// evidenceText is the identification's rationale, or else its three most
// certain pieces of evidence.
func evidenceText(id *covered.Identification) string {
	if id.Rationale != "" {
		return id.Rationale
	}
	ev := slices.Clone(id.Evidence)
	slices.SortStableFunc(ev, func(a, b covered.Evidence) int { return cmp.Compare(b.Certainty, a.Certainty) })
	var parts []string
	for i := 0; i < len(ev) && i < 3; i++ {
		parts = append(parts, ev[i].Key+" "+ev[i].Value)
	}
	return strings.Join(parts, "; ")
}

// snapshot is what the report needs that the store's list calls do not
// return, read with the store's bulk calls.
type snapshot struct {
	sightings []sighting                        // in id order
	idents    map[int64]*covered.Identification // the wanted identifications by id
	events    map[int64][]remediationEvent      // by finding, oldest first
}

type sighting struct{ run, asset int64 }

type remediationEvent struct {
	at    time.Time
	state report.RemediationState
}

// readSnapshot reads the sightings and the full identifications of the
// assets of scope, and the remediation history of every finding (the
// report's date is the newest change of any), in three queries however
// large the inventory.
func readSnapshot(ctx context.Context, st *store.Store, sc reportScope) (*snapshot, error) {
	f := store.BulkFilter{RunIDs: sc.runs}
	if len(sc.runs) == 0 {
		f = store.BulkFilter{Site: sc.site, Since: sc.since, Until: sc.until}
	}
	snap := &snapshot{}
	sightings, err := st.Sightings(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	snap.sightings = make([]sighting, len(sightings))
	for i, x := range sightings {
		snap.sightings[i] = sighting{x.RunID, x.AssetID}
	}
	idents, err := st.CurrentIdentifications(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	snap.idents = make(map[int64]*covered.Identification, len(idents))
	for id, r := range idents {
		snap.idents[id] = &r.Identification
	}
	history, err := st.RemediationHistories(ctx)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	snap.events = make(map[int64][]remediationEvent, len(history))
	for id, evs := range history {
		out := make([]remediationEvent, len(evs))
		for i, e := range evs {
			out[i] = remediationEvent{e.UpdatedAt, report.RemediationState(e.State)}
		}
		snap.events[id] = out
	}
	return snap, nil
}

// openTrend counts, at the end of each day on which a run of the scope
// started and on the report's day, the findings that were open then: found
// by that time, not cleared by then, and in an open remediation state by
// their history. It is an approximation in two ways, both from what the
// store keeps: a finding keeps only its latest clearance, so one cleared
// and flagged again counts as open from its first discovery on; and a
// finding merged into another is left to the survivor.
func openTrend(runs []store.Run, findings []store.Finding, events map[int64][]remediationEvent, generated time.Time) []report.TrendPoint {
	days := map[time.Time]bool{}
	dayOf := func(t time.Time) time.Time {
		y, m, d := t.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	for _, r := range runs {
		days[dayOf(r.Started)] = true
	}
	if len(days) == 0 {
		return nil
	}
	if !generated.IsZero() {
		days[dayOf(generated)] = true
	}
	sorted := make([]time.Time, 0, len(days))
	for d := range days {
		sorted = append(sorted, d)
	}
	slices.SortFunc(sorted, time.Time.Compare)
	out := make([]report.TrendPoint, 0, len(sorted))
	for _, day := range sorted {
		end := day.AddDate(0, 0, 1)
		n := 0
		for _, f := range findings {
			if !f.FirstFound.Before(end) || (!f.Active && !f.Cleared.IsZero() && f.Cleared.Before(end)) {
				continue
			}
			if stateAt(events[f.ID], end).Open() {
				n++
			}
		}
		out = append(out, report.TrendPoint{Date: day, Open: n})
	}
	return out
}

// stateAt is the remediation state in force just before t: that of the
// last change before it, or open.
func stateAt(evs []remediationEvent, t time.Time) report.RemediationState {
	i := sort.Search(len(evs), func(i int) bool { return !evs[i].at.Before(t) })
	if i == 0 {
		return report.StateOpen
	}
	return evs[i-1].state
}

// staleAfter is how old a site's newest run may be before the inquiry
// record calls the site stale.
const staleAfter = 30 * 24 * time.Hour

// importSources are the inventories a reasonable inquiry should consult
// besides active scans, with the import formats that stand for each.
var importSources = []struct {
	what    string
	formats []string
}{
	{"DHCP leases", []string{"dhcp", "leases", "dhcpd", "kea"}},
	{"ARP tables", []string{"arp", "neighbor", "neighbour"}},
	{"asset inventories", []string{"inventory", "cmdb", "csv", "snipeit", "glpi"}},
	{"proxy logs", []string{"proxy", "squid", "zeek"}},
}

// coverageGaps lists what the runs of the scope did not cover: config
// site ranges no complete scan's targets (less its exclusions) reached,
// sites without a run in the 30 days before the report's date, and kinds
// of source never imported.
func coverageGaps(cfg *config.Config, runs []store.Run, site string, generated time.Time) []report.Gap {
	var gaps []report.Gap
	var b netipx.IPSetBuilder
	for _, r := range runs {
		if r.Kind != store.RunScan || r.Status != store.RunComplete {
			continue
		}
		var in, out netipx.IPSetBuilder
		addTargets(&in, r.Scope)
		addTargets(&out, r.Exclusions)
		ex, _ := out.IPSet()
		in.RemoveSet(ex)
		s, _ := in.IPSet()
		b.AddSet(s)
	}
	scanned, _ := b.IPSet()
	for _, s := range cfg.Sites {
		if site != "" && s.Name != site {
			continue
		}
		var sb netipx.IPSetBuilder
		for _, p := range s.CIDRs {
			sb.AddPrefix(p)
		}
		whole, _ := sb.IPSet()
		sb.RemoveSet(scanned)
		rest, _ := sb.IPSet()
		if ps := rest.Prefixes(); len(ps) > 0 {
			why := "no complete scan of this scope targeted it"
			if !rest.Equal(whole) {
				why = "no complete scan of this scope targeted these addresses (or they were excluded); the rest of the site was scanned"
			}
			gaps = append(gaps, report.Gap{Kind: "unscanned-range", What: prefixList(ps, 8) + " (site " + s.Name + ")", Why: why})
		}
		var newest time.Time
		for _, r := range runs {
			if r.Site == s.Name || scopeOverlaps(r.Scope, s.CIDRs) {
				if r.Started.After(newest) {
					newest = r.Started
				}
			}
		}
		switch {
		case newest.IsZero():
			gaps = append(gaps, report.Gap{Kind: "stale-site", What: s.Name, Why: "no run of this scope at this site"})
		case generated.Sub(newest) > staleAfter:
			gaps = append(gaps, report.Gap{Kind: "stale-site", What: s.Name,
				Why: fmt.Sprintf("newest run started %s, more than 30 days before the report date", newest.UTC().Format(time.DateOnly))})
		}
	}
	imported := map[string]bool{}
	for _, r := range runs {
		if r.Kind == store.RunImport {
			f, _ := r.Options["format"].(string)
			imported[strings.ToLower(f)] = true
		}
	}
	for _, src := range importSources {
		if !slices.ContainsFunc(src.formats, func(f string) bool { return imported[f] }) {
			gaps = append(gaps, report.Gap{Kind: "source-not-imported", What: src.what,
				Why: "no import of " + src.what + " in this scope: devices only they know of (switched off during scans, on unscanned segments, behind firewalls) were not considered"})
		}
	}
	return gaps
}

// addTargets adds the targets written as addresses, CIDRs or a-b ranges;
// hostnames and nmap octet patterns are left out, so a scope given that way
// shows as a gap rather than as coverage nobody can check.
func addTargets(b *netipx.IPSetBuilder, targets []string) {
	for _, t := range targets {
		if p, err := netip.ParsePrefix(t); err == nil {
			b.AddPrefix(p.Masked())
		} else if a, err := netip.ParseAddr(t); err == nil {
			b.Add(a.Unmap())
		} else if r, err := netipx.ParseIPRange(t); err == nil {
			b.AddRange(r)
		}
	}
}

func scopeOverlaps(targets []string, cidrs []netip.Prefix) bool {
	var b netipx.IPSetBuilder
	addTargets(&b, targets)
	s, _ := b.IPSet()
	for _, p := range cidrs {
		if s.OverlapsPrefix(p) {
			return true
		}
	}
	return false
}

// prefixList writes at most n prefixes and how many more there are.
func prefixList(ps []netip.Prefix, n int) string {
	var parts []string
	for i, p := range ps {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(ps)-n))
			break
		}
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ", ")
}
