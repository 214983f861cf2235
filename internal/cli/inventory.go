package cli

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
)

// listFlags are the filters the listing commands share.
type listFlags struct {
	status       []string
	entity, site string
	subnet       string
	since, until string
	limit        int
}

func (f *listFlags) register(cmd *cobra.Command, subnet bool) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.status, "status", nil, "only these `STATUSES` (covered, suspected, not_covered, unidentified; comma-separated)")
	fl.StringVar(&f.entity, "entity", "", "only this covered `ENTITY` (e.g. Huawei)")
	fl.StringVar(&f.site, "site", "", "only this `SITE`")
	if subnet {
		fl.StringVar(&f.subnet, "subnet", "", "only addresses in this `CIDR`")
	}
	fl.StringVar(&f.since, "since", "", "only seen at or after `TIME` (RFC 3339, a date, or a duration ago like 72h)")
	fl.StringVar(&f.until, "until", "", "only seen at or before `TIME`")
	fl.IntVar(&f.limit, "limit", 0, "at most `N` rows (0: all)")
}

func (f *listFlags) statuses() ([]covered.Status, error) {
	var out []covered.Status
	for _, s := range f.status {
		st := covered.Status(strings.TrimSpace(s))
		switch st {
		case covered.StatusCovered, covered.StatusSuspected, covered.StatusNotCovered, covered.StatusUnidentified:
			out = append(out, st)
		default:
			return nil, usageErr("--status %q: want covered, suspected, not_covered or unidentified", s)
		}
	}
	return out, nil
}

// parseWhen reads a time as RFC 3339, a date (YYYY-MM-DD, local midnight) or
// a duration before now ("72h").
func parseWhen(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usageErr("--%s %q: want RFC 3339 (2026-11-27T10:00:00Z), a date (2026-11-27) or a duration ago (72h)", flag, s)
}

// withStore opens the store for a read or edit command and closes it after.
func (p Program) withStore(ctx context.Context, fn func(*store.Store) error) error {
	st, err := p.g.open(ctx)
	if err != nil {
		return err
	}
	return errors.Join(fn(st), st.Close())
}

// writeRows writes rows in the chosen format.
func writeRows[T any](p Program, out *outFlags, cols []output.Column[T], rows []T) error {
	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	o := output.New(w, format, cols)
	for _, r := range rows {
		if err := o.Write(r); err != nil {
			return errors.Join(err, closeOut())
		}
	}
	return errors.Join(o.Close(), closeOut())
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

var runColumns = []output.Column[store.Run]{
	{Name: "id", Value: func(r store.Run) string { return idText(r.ID) }},
	{Name: "kind", Value: func(r store.Run) string { return string(r.Kind) }},
	{Name: "status", Value: func(r store.Run) string { return string(r.Status) }},
	{Name: "started", Value: func(r store.Run) string { return timeText(r.Started) }},
	{Name: "finished", Value: func(r store.Run) string { return timeText(r.Finished) }, Wide: true},
	{Name: "site", Value: func(r store.Run) string { return r.Site }},
	{Name: "scope", Value: func(r store.Run) string { return strings.Join(r.Scope, " ") }},
	{Name: "exclusions", Value: func(r store.Run) string { return strings.Join(r.Exclusions, " ") }, Wide: true},
	{Name: "ports", Value: func(r store.Run) string { return r.Ports }, Wide: true},
	{Name: "hosts", Value: func(r store.Run) string { return strconv.FormatInt(r.Counts.Hosts, 10) }},
	{Name: "observations", Value: func(r store.Run) string { return strconv.FormatInt(r.StoredObservations, 10) }},
	{Name: "user", Value: func(r store.Run) string { return r.User }},
	{Name: "rules_version", Value: func(r store.Run) string { return r.RulesVersion }, Wide: true},
	{Name: "lists_version", Value: func(r store.Run) string { return r.ListsVersion }, Wide: true},
	{Name: "tool_version", Value: func(r store.Run) string { return r.ToolVersion }, Wide: true},
}

func (p Program) runsCmd() *cobra.Command {
	var (
		out         outFlags
		kind, state string
		site, since string
		limit       int
	)
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List recorded scans and imports: what was searched, when, by whom, with which rules and lists",
		Example: `  covered runs
  covered runs --kind scan --site hq --since 720h -o runs.csv --format csv`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := parseWhen("since", since, time.Now())
			if err != nil {
				return err
			}
			return p.withStore(cmd.Context(), func(st *store.Store) error {
				runs, err := st.Runs(cmd.Context(), store.RunFilter{Kind: store.RunKind(kind), Status: store.RunStatus(state), Site: site, Since: t, Limit: limit})
				if err != nil {
					return err
				}
				return writeRows(p, &out, runColumns, runs)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&kind, "kind", "", "only runs of this `KIND` (scan, import, reidentify, check)")
	fl.StringVar(&state, "status", "", "only runs in this `STATUS` (running, complete, interrupted)")
	fl.StringVar(&site, "site", "", "only runs of this `SITE`")
	fl.StringVar(&since, "since", "", "only runs started at or after `TIME`")
	fl.IntVar(&limit, "limit", 0, "at most `N` runs, newest first (0: all)")
	out.register(cmd)
	return cmd
}

var assetColumns = []output.Column[store.Asset]{
	{Name: "id", Value: func(a store.Asset) string { return idText(a.ID) }},
	{Name: "status", Value: func(a store.Asset) string { return string(a.Status) }},
	{Name: "entity", Value: func(a store.Asset) string { return a.CoveredEntity }},
	{Name: "manufacturer", Value: func(a store.Asset) string { return a.Manufacturer }},
	{Name: "brand", Value: func(a store.Asset) string { return a.Brand }, Wide: true},
	{Name: "model", Value: func(a store.Asset) string { return a.Model }},
	{Name: "device_type", Value: func(a store.Asset) string { return a.DeviceType }},
	{Name: "ip", Value: func(a store.Asset) string { return a.LastIP }},
	{Name: "mac", Value: func(a store.Asset) string { return a.LastMAC }, Wide: true},
	{Name: "site", Value: func(a store.Asset) string { return a.Site }},
	{Name: "first_seen", Value: func(a store.Asset) string { return timeText(a.FirstSeen) }, Wide: true},
	{Name: "last_seen", Value: func(a store.Asset) string { return timeText(a.LastSeen) }},
	{Name: "confidence", Value: func(a store.Asset) string { return strconv.FormatFloat(a.Confidence, 'f', 2, 64) }},
}

func (p Program) assetsCmd() *cobra.Command {
	var (
		out        outFlags
		lf         listFlags
		deviceType string
		sortBy     string
		offset     int
	)
	cmd := &cobra.Command{
		Use:   "assets [ID]",
		Short: "List the devices in the inventory, or show one with its evidence and history",
		Long: `assets lists the devices the store has merged across scans and imports. A
device keeps its identity through address changes (by MAC, serial, certificate
or hostname); 'covered assets ID' shows why, with its sightings, identification
history, findings and the observations behind them.`,
		Example: `  covered assets --status covered,suspected
  covered assets --entity Hikvision --subnet 10.20.0.0/16 --format csv -o cameras.csv
  covered assets 42 --format json`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			if len(a) == 1 {
				id, err := strconv.ParseInt(a[0], 10, 64)
				if err != nil {
					return usageErr("asset ID %q is not a number", a[0])
				}
				return p.withStore(ctx, func(st *store.Store) error { return p.showAsset(ctx, st, id, &out) })
			}
			f, err := lf.assetFilter(time.Now())
			if err != nil {
				return err
			}
			f.DeviceType, f.Sort, f.Offset = deviceType, store.AssetSort(sortBy), offset
			return p.withStore(ctx, func(st *store.Store) error {
				assets, err := st.Assets(ctx, f)
				if err != nil {
					return err
				}
				return writeRows(p, &out, assetColumns, assets)
			})
		},
	}
	lf.register(cmd, true)
	cmd.Flags().StringVar(&deviceType, "device-type", "", "only this `TYPE` (camera, nvr, router, phone...)")
	cmd.Flags().StringVar(&sortBy, "sort", "", "order by `FIELD` (id, last_seen, first_seen, ip, status; prefix - for descending)")
	cmd.Flags().IntVar(&offset, "offset", 0, "skip the first `N` rows")
	out.register(cmd)
	return cmd
}

func (lf *listFlags) assetFilter(now time.Time) (store.AssetFilter, error) {
	var f store.AssetFilter
	var err error
	if f.Status, err = lf.statuses(); err != nil {
		return f, err
	}
	if lf.subnet != "" {
		if f.Subnet, err = netip.ParsePrefix(lf.subnet); err != nil {
			return f, usageErr("--subnet %q: %v", lf.subnet, err)
		}
	}
	if f.SeenSince, err = parseWhen("since", lf.since, now); err != nil {
		return f, err
	}
	if f.SeenUntil, err = parseWhen("until", lf.until, now); err != nil {
		return f, err
	}
	f.Entity, f.Site, f.Limit = lf.entity, lf.site, lf.limit
	return f, nil
}

// showAsset prints one asset: JSON formats give the whole record; the table
// explains it for a person.
func (p Program) showAsset(ctx context.Context, st *store.Store, id int64, out *outFlags) error {
	d, err := st.Asset(ctx, id)
	if err != nil {
		return err
	}
	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	if format == output.JSON || format == output.JSONL {
		o := output.New(w, format, []output.Column[store.AssetDetail]{})
		return errors.Join(o.Write(d), o.Close(), closeOut())
	}
	explain, err := st.Explain(ctx, id)
	if err != nil {
		return errors.Join(err, closeOut())
	}
	fmt.Fprintf(w, "asset %d: %s", d.ID, d.Status)
	if d.CoveredEntity != "" {
		fmt.Fprintf(w, " (%s)", d.CoveredEntity)
	}
	fmt.Fprintf(w, "\n  %s %s %s, last seen %s at %s", d.Manufacturer, d.Model, d.DeviceType, timeText(d.LastSeen), d.LastIP)
	if d.Site != "" {
		fmt.Fprintf(w, " (site %s)", d.Site)
	}
	fmt.Fprintf(w, "\n  first seen %s in run %d; seen in %d run(s)\n", timeText(d.FirstSeen), d.FirstRun, len(d.Sightings))
	if d.Identification != nil {
		fmt.Fprintf(w, "  why: %s\n", d.Identification.Rationale)
	}
	for _, e := range explain {
		fmt.Fprintf(w, "  identity: %s\n", e)
	}
	for _, f := range d.Findings {
		fmt.Fprintf(w, "  finding %d: %s %s, remediation %s\n", f.ID, f.Status, f.CoveredEntity, f.Remediation.State)
	}
	for _, o := range d.Observations {
		fmt.Fprintf(w, "  evidence (run %d): %s = %s\n", o.RunID, o.Key, shortLine(o.Value, 100))
	}
	return closeOut()
}

var findingColumns = []output.Column[store.Finding]{
	{Name: "id", Value: func(f store.Finding) string { return idText(f.ID) }},
	{Name: "asset", Value: func(f store.Finding) string { return idText(f.AssetID) }},
	{Name: "status", Value: func(f store.Finding) string { return string(f.Status) }},
	{Name: "entity", Value: func(f store.Finding) string { return f.CoveredEntity }},
	{Name: "manufacturer", Value: func(f store.Finding) string { return f.Manufacturer }},
	{Name: "model", Value: func(f store.Finding) string { return f.Model }},
	{Name: "ip", Value: func(f store.Finding) string { return f.IP }},
	{Name: "site", Value: func(f store.Finding) string { return f.Site }},
	{Name: "first_found", Value: func(f store.Finding) string { return timeText(f.FirstFound) }},
	{Name: "last_seen", Value: func(f store.Finding) string { return timeText(f.LastSeen) }, Wide: true},
	{Name: "state", Value: func(f store.Finding) string { return string(f.Remediation.State) }},
	{Name: "owner", Value: func(f store.Finding) string { return f.Remediation.Owner }},
	{Name: "due", Value: func(f store.Finding) string { return dateText(f.Remediation.Due) }},
	{Name: "ticket", Value: func(f store.Finding) string { return f.Remediation.Ticket }, Wide: true},
	{Name: "reason", Value: func(f store.Finding) string { return f.Remediation.Reason }, Wide: true},
	{Name: "expires", Value: func(f store.Finding) string { return dateText(f.Remediation.Expires) }, Wide: true},
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func (p Program) findingsCmd() *cobra.Command {
	var (
		out      outFlags
		lf       listFlags
		states   []string
		inactive bool
	)
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "List covered and suspected findings with their remediation",
		Example: `  covered findings
  covered findings --entity Huawei --state open,replacing
  covered findings --site hq --format csv -o findings.csv`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := lf.statuses()
			if err != nil {
				return err
			}
			f := store.FindingFilter{Status: st, Entity: lf.entity, Site: lf.site, IncludeInactive: inactive, Limit: lf.limit}
			for _, s := range states {
				rs, err := remediationState(s)
				if err != nil {
					return err
				}
				f.States = append(f.States, rs)
			}
			return p.withStore(cmd.Context(), func(s *store.Store) error {
				list, err := s.Findings(cmd.Context(), f)
				if err != nil {
					return err
				}
				return writeRows(p, &out, findingColumns, list)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&lf.status, "status", nil, "only `STATUSES` covered or suspected")
	fl.StringVar(&lf.entity, "entity", "", "only this covered `ENTITY`")
	fl.StringVar(&lf.site, "site", "", "only this `SITE`")
	fl.IntVar(&lf.limit, "limit", 0, "at most `N` rows (0: all)")
	fl.StringSliceVar(&states, "state", nil, "only these remediation `STATES` ("+strings.Join(stateNames(), ", ")+")")
	fl.BoolVar(&inactive, "all", false, "also findings that were cleared (no longer identified as covered) or merged")
	out.register(cmd)
	return cmd
}

func stateNames() []string {
	return []string{string(store.StateOpen), string(store.StateReplacing), string(store.StateReplaced),
		string(store.StateReplacedVerified), string(store.StateAcceptedRisk), string(store.StateFalsePositive)}
}

func remediationState(s string) (store.RemediationState, error) {
	for _, n := range stateNames() {
		if s == n {
			return store.RemediationState(s), nil
		}
	}
	return "", usageErr("remediation state %q: want one of %s", s, strings.Join(stateNames(), ", "))
}

// actor names who makes a change, for the audit log.
func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return "unknown"
}

func (p Program) findingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "finding",
		Short: "Track the remediation of one finding",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var (
		out                              outFlags
		state, owner, due, ticket, notes string
		reason, expires, comment         string
		reported, followUp               string
	)
	set := &cobra.Command{
		Use:   "set ID --state STATE",
		Short: "Set a finding's remediation state, owner, due date, ticket or notes",
		Long: `set records a remediation change and writes it to the audit log with who and
when. States: open, replacing, replaced (a later scan of the device's address
that no longer sees it confirms it as replaced_verified; one that still sees it
reopens the finding), accepted_risk (needs --reason and --expires) and
false_positive (needs --reason). replaced_verified is set only by a scan.

--reported and --follow-up record when the reports FAR 52.204-25(d)(2) asks
for went to the contracting officer: the first within one business day of
discovery, the follow-up with the mitigation within ten. They take a date
(YYYY-MM-DD, local midnight) or an RFC 3339 time; an empty value clears one.`,
		Example: `  covered finding set 12 --state replacing --owner net-ops --due 2027-01-31 --ticket CHG-4411
  covered finding set 12 --state replaced --notes "swapped for a non-covered model"
  covered finding set 7 --state accepted_risk --reason "isolated lab VLAN, waiver W-22" --expires 2027-06-30
  covered finding set 12 --reported 2026-11-28 --follow-up 2026-12-09`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			id, err := strconv.ParseInt(a[0], 10, 64)
			if err != nil {
				return usageErr("finding ID %q is not a number", a[0])
			}
			var c store.RemediationChange
			fl := cmd.Flags()
			if fl.Changed("state") {
				if c.State, err = remediationState(state); err != nil {
					return err
				}
			}
			str := func(name string, v *string) *string {
				if fl.Changed(name) {
					return v
				}
				return nil
			}
			c.Owner, c.Ticket, c.Notes, c.Reason = str("owner", &owner), str("ticket", &ticket), str("notes", &notes), str("reason", &reason)
			c.Comment = comment
			for _, d := range []struct {
				name, v string
				to      **time.Time
			}{{"due", due, &c.Due}, {"expires", expires, &c.Expires}} {
				if !fl.Changed(d.name) {
					continue
				}
				t, err := time.ParseInLocation(time.DateOnly, d.v, time.Local)
				if err != nil {
					return usageErr("--%s %q: want a date like 2027-01-31", d.name, d.v)
				}
				*d.to = &t
			}
			for _, d := range []struct {
				name, v string
				to      **time.Time
			}{{"reported", reported, &c.Reported}, {"follow-up", followUp, &c.FollowUp}} {
				if !fl.Changed(d.name) {
					continue
				}
				var t time.Time
				if d.v != "" {
					if t, err = time.ParseInLocation(time.DateOnly, d.v, time.Local); err != nil {
						if t, err = time.Parse(time.RFC3339, d.v); err != nil {
							return usageErr("--%s %q: want a date like 2027-01-31 or a time like 2027-01-31T14:00:00Z", d.name, d.v)
						}
					}
				}
				*d.to = &t
			}
			return p.withStore(cmd.Context(), func(st *store.Store) error {
				f, err := st.SetRemediation(cmd.Context(), id, c, actor())
				if err != nil {
					return &exitError{ExitUsage, err}
				}
				return writeRows(p, &out, findingColumns, []store.Finding{f})
			})
		},
	}
	fl := set.Flags()
	fl.StringVar(&state, "state", "", "remediation `STATE`: "+strings.Join(stateNames(), ", "))
	fl.StringVar(&owner, "owner", "", "who is responsible (`NAME`)")
	fl.StringVar(&due, "due", "", "due `DATE` (YYYY-MM-DD)")
	fl.StringVar(&ticket, "ticket", "", "ticket `REF` in your tracker")
	fl.StringVar(&notes, "notes", "", "free `TEXT`")
	fl.StringVar(&reason, "reason", "", "why (`TEXT`; required for accepted_risk and false_positive)")
	fl.StringVar(&expires, "expires", "", "when an accepted risk must be reviewed again (`DATE`)")
	fl.StringVar(&reported, "reported", "", "when the first FAR 52.204-25(d)(2) report went to the contracting officer (`DATE`)")
	fl.StringVar(&followUp, "follow-up", "", "when the follow-up report with the mitigation went (`DATE`)")
	fl.StringVar(&comment, "comment", "", "a `TEXT` kept with this change in the history")
	out.register(set)
	cmd.AddCommand(set)
	return cmd
}

var diffColumns = []output.Column[diffRow]{
	{Name: "change", Value: func(r diffRow) string { return r.Change }},
	{Name: "asset", Value: func(r diffRow) string { return idText(r.Asset) }},
	{Name: "finding", Value: func(r diffRow) string { return idText(r.Finding) }},
	{Name: "ip", Value: func(r diffRow) string { return r.IP }},
	{Name: "status", Value: func(r diffRow) string { return string(r.Status) }},
	{Name: "entity", Value: func(r diffRow) string { return r.Entity }},
	{Name: "device", Value: func(r diffRow) string { return r.Device }},
	{Name: "detail", Value: func(r diffRow) string { return r.Detail }},
}

// diffRow is one line of `covered diff`.
type diffRow struct {
	Change  string         `json:"change"` // new, gone, changed, new_finding, resolved_finding
	Asset   int64          `json:"asset_id"`
	Finding int64          `json:"finding_id,omitempty"`
	IP      string         `json:"ip,omitempty"`
	Status  covered.Status `json:"status,omitempty"`
	Entity  string         `json:"covered_entity,omitempty"`
	Device  string         `json:"device,omitempty"`
	Detail  string         `json:"detail,omitempty"`
}

func diffRows(d store.Diff) []diffRow {
	var rows []diffRow
	view := func(change string, v store.AssetView) diffRow {
		return diffRow{Change: change, Asset: v.AssetID, IP: v.IP, Status: v.Status, Entity: v.CoveredEntity,
			Device: strings.TrimSpace(v.Manufacturer + " " + v.Model + " " + v.DeviceType)}
	}
	for _, v := range d.New {
		rows = append(rows, view("new", v))
	}
	for _, v := range d.Gone {
		rows = append(rows, view("gone", v))
	}
	for _, c := range d.Changed {
		r := view("changed", c.After)
		var parts []string
		for _, f := range c.Fields {
			before, after := field(c.Before, f), field(c.After, f)
			parts = append(parts, fmt.Sprintf("%s %q → %q", f, before, after))
		}
		r.Detail = strings.Join(parts, "; ")
		rows = append(rows, r)
	}
	for _, f := range d.NewFindings {
		rows = append(rows, diffRow{Change: "new_finding", Asset: f.AssetID, Finding: f.FindingID, Status: f.Status, Entity: f.CoveredEntity})
	}
	for _, f := range d.ResolvedFindings {
		rows = append(rows, diffRow{Change: "resolved_finding", Asset: f.AssetID, Finding: f.FindingID, Status: f.Status, Entity: f.CoveredEntity})
	}
	return rows
}

func field(v store.AssetView, name string) string {
	switch name {
	case "ip":
		return v.IP
	case "status":
		return string(v.Status)
	case "covered_entity":
		return v.CoveredEntity
	case "manufacturer":
		return v.Manufacturer
	case "model":
		return v.Model
	case "device_type":
		return v.DeviceType
	}
	return ""
}

func (p Program) diffCmd() *cobra.Command {
	var (
		out  outFlags
		site string
	)
	cmd := &cobra.Command{
		Use:   "diff [RUN_A RUN_B]",
		Short: "Show new, gone and changed devices and findings between two runs",
		Long: `diff compares what two runs saw. With no runs it compares the last two
complete scans of the same scope (and site, with --site).`,
		Example: `  covered diff
  covered diff 3 7 --format json`,
		Args: args(func(cmd *cobra.Command, a []string) error {
			if len(a) != 0 && len(a) != 2 {
				return fmt.Errorf("give two run IDs, or none for the last two runs of a scope")
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, a []string) error {
			ctx := cmd.Context()
			return p.withStore(ctx, func(st *store.Store) error {
				var ra, rb int64
				if len(a) == 2 {
					var err1, err2 error
					ra, err1 = strconv.ParseInt(a[0], 10, 64)
					rb, err2 = strconv.ParseInt(a[1], 10, 64)
					if err1 != nil || err2 != nil {
						return usageErr("run IDs must be numbers: %q %q", a[0], a[1])
					}
				} else {
					latest, err := st.Runs(ctx, store.RunFilter{Kind: store.RunScan, Status: store.RunComplete, Site: site, Limit: 1})
					if err != nil {
						return err
					}
					if len(latest) == 0 {
						return usageErr("no complete scan recorded yet")
					}
					if ra, rb, err = st.LastTwoRuns(ctx, latest[0].Site, latest[0].Scope); err != nil {
						return err
					}
					if ra == 0 {
						return usageErr("only one complete scan of %s so far: nothing to compare", strings.Join(latest[0].Scope, " "))
					}
				}
				d, err := st.Diff(ctx, ra, rb)
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stderr, "covered: run %d → run %d: %d new, %d gone, %d changed devices; %d new and %d resolved findings\n",
					d.RunA, d.RunB, len(d.New), len(d.Gone), len(d.Changed), len(d.NewFindings), len(d.ResolvedFindings))
				return writeRows(p, &out, diffColumns, diffRows(d))
			})
		},
	}
	cmd.Flags().StringVar(&site, "site", "", "with no runs given, the last two scans of this `SITE`")
	out.register(cmd)
	return cmd
}

func (p Program) exportCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the whole store as JSON Lines (backup, or input for another tool)",
		Long: `export writes every table of the store (runs, observations, assets, their
identifiers and sightings, identifications, findings, remediation history and
the audit log) as JSON Lines, one object per row with a "table" field.`,
		Example: `  covered export -o covered-backup.jsonl
  covered export | gzip > backup.jsonl.gz`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := outFlags{path: path}
			w, _, closeOut, err := out.open(p.Stdout)
			if err != nil {
				return err
			}
			err = p.withStore(cmd.Context(), func(st *store.Store) error { return st.Export(cmd.Context(), w) })
			return errors.Join(err, closeOut())
		},
	}
	cmd.Flags().StringVarP(&path, "output", "o", "-", "write to `FILE` (- for standard output)")
	return cmd
}

// shortLine keeps an evidence value on one line and short, for people.
func shortLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (p Program) reidentifyCmd() *cobra.Command {
	var (
		out  outFlags
		know knowFlags
	)
	cmd := &cobra.Command{
		Use:   "reidentify",
		Short: "Re-run identification and classification on stored observations, without rescanning",
		Long: `reidentify applies the current rules and covered lists (plus --rules and
--policy) to every asset's stored observations, records the result as a run of
kind reidentify, and lists what changed: after a rules or list update, findings
appear or clear without touching the network.`,
		Example: `  covered reidentify
  covered reidentify --policy texas-2026.yaml --format csv -o changes.csv`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.configKnowledge(cmd, &know); err != nil {
				return err
			}
			eng, err := newEngine(&know)
			if err != nil {
				return err
			}
			return p.withStore(cmd.Context(), func(st *store.Store) error { return p.reidentify(cmd.Context(), st, eng, &out) })
		},
	}
	know.register(cmd)
	out.register(cmd)
	return cmd
}

// reidentifyBatch is how many assets one transaction replaces.
const reidentifyBatch = 1000

func (p Program) reidentify(ctx context.Context, st *store.Store, eng *identify.Engine, out *outFlags) error {
	runID, err := st.BeginRun(ctx, store.Run{Kind: store.RunReidentify, Scope: []string{}, Exclusions: []string{},
		Options: map[string]any{}, ToolVersion: toolVersion(), RulesVersion: eng.Rules.Version(), ListsVersion: eng.Lists.Version})
	if err != nil {
		return err
	}
	var (
		changes []store.IdentificationChange
		pending []store.AssetIdentification
		cur     int64
		obs     []covered.Observation
		counts  store.RunCounts
	)
	flushAsset := func() {
		if len(obs) == 0 {
			return
		}
		host := obs[len(obs)-1].Host
		for i := range obs {
			obs[i].Host = host // one device, whatever it was called in each run
		}
		pending = append(pending, store.AssetIdentification{AssetID: cur, Identification: identifyHost(eng, obs)})
		counts.Hosts++
		obs = obs[:0]
	}
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		c, err := st.ReplaceIdentifications(ctx, runID, pending)
		changes = append(changes, c...)
		pending = pending[:0]
		return err
	}
	err = st.Observations(ctx, store.ObservationFilter{}, func(r store.ObservationRecord) error {
		if r.AssetID != cur {
			flushAsset()
			if len(pending) >= reidentifyBatch {
				if err := flush(); err != nil {
					return err
				}
			}
			cur = r.AssetID
		}
		obs = append(obs, r.Observation)
		counts.Observations++
		return nil
	})
	if err == nil {
		flushAsset()
		err = flush()
	}
	status := store.RunComplete
	if err != nil {
		status = store.RunInterrupted
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, ferr := st.FinishRun(fctx, runID, status, counts); ferr != nil {
		err = errors.Join(err, ferr)
	}
	if err != nil {
		return fmt.Errorf("reidentify (run %d): %w", runID, err)
	}
	if !out.quiet {
		fmt.Fprintf(p.Stderr, "covered: re-identified %d assets from %d observations as run %d: %d changed\n",
			counts.Hosts, counts.Observations, runID, len(changes))
	}
	rows := make([]changeRow, len(changes))
	for i, c := range changes {
		rows[i] = changeRow{c.AssetID, c.OldStatus, c.NewStatus, c.OldEntity, c.NewEntity, c.RunID}
	}
	return writeRows(p, out, changeColumns, rows)
}

// changeRow is one line of `covered reidentify`: what a rules or list
// update changed about one asset.
type changeRow struct {
	Asset     int64          `json:"asset_id"`
	OldStatus covered.Status `json:"old_status"`
	NewStatus covered.Status `json:"new_status"`
	OldEntity string         `json:"old_entity,omitempty"`
	NewEntity string         `json:"new_entity,omitempty"`
	Run       int64          `json:"run_id"`
}

var changeColumns = []output.Column[changeRow]{
	{Name: "asset", Value: func(c changeRow) string { return idText(c.Asset) }},
	{Name: "old_status", Value: func(c changeRow) string { return string(c.OldStatus) }},
	{Name: "new_status", Value: func(c changeRow) string { return string(c.NewStatus) }},
	{Name: "old_entity", Value: func(c changeRow) string { return c.OldEntity }},
	{Name: "new_entity", Value: func(c changeRow) string { return c.NewEntity }},
	{Name: "run", Value: func(c changeRow) string { return idText(c.Run) }},
}
