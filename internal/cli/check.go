package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/check"
	"github.com/coveredtool/covered/internal/kev"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
)

// kevURL is CISA's catalog feed, for `covered update kev`.
var kevURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

// checkFlags are the options of `covered check` beyond the scan's.
type checkFlags struct {
	profile    string
	authorized bool
	only       []string
	list       bool
	profileSet bool // --profile was given (--list then shows only its checks)
	// --from-store and its filters (see checkFromStore).
	fromStore    bool
	status       []string
	entity, site string
}

func (p Program) checkCmd() *cobra.Command {
	var (
		sf   scanFlags
		cf   checkFlags
		out  outFlags
		know knowFlags
	)
	cmd := &cobra.Command{
		Use:   "check TARGETS...",
		Short: "Run security checks on the covered equipment found at the targets",
		Long: `check scans the targets like 'covered scan', identifies every device, then runs
the security checks whose side effect the profile allows, and prints findings:
check, host, severity, CVEs (and whether CISA lists them as known exploited),
evidence and advice.

Profiles (every check declares its side effect; the engine refuses more):
  passive  decide from the scan's evidence only; no extra request
  safe     add read-only requests (plain GETs of public pages) (default)
  auth     add one login attempt per default account per device per 24 h
           (remembered in the store across runs; with --no-store within
           the run only); needs --i-am-authorized. Passwords are never
           stored or printed.
No check ever changes device state or writes files.

The check is recorded in the store like a scan (the run, what it identified
and the check findings), so that findings reach the inventory, reports and
the dashboard; --no-store skips that.

A check that gets no clear answer from a device (no reply, a timeout, a
refusal, an unexpected status, an account already tried within the attempt
window) is undecided: it is counted in the summary and leaves the device's
earlier finding as it was, rather than clearing it.

--from-store checks the inventory's assets instead of targets (filtered by
--status, --entity, --site): the passive profile decides from the stored
evidence (the observations of the run that made each asset's current
identification) and sends nothing; it is recorded as a run of kind check
(findings new, still present or cleared, as of each asset's last-seen time)
unless --no-store. safe and auth scan the selected assets' last addresses
and check what answers, recorded like any check.`,
		Example: `  covered check 192.0.2.0/24
  covered check --from-store --profile passive --status covered --site hq
  covered check --profile passive -iL cameras.txt -o findings.jsonl
  covered check --profile auth --i-am-authorized 10.1.2.3
  covered check --list --profile safe`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := p.configDefaults(cmd, &sf, &know); err != nil {
				return err
			}
			cf.profileSet = cmd.Flags().Changed("profile")
			if cf.list {
				if len(a) > 0 {
					return usageErr("--list takes no targets")
				}
				return p.listChecks(&cf, &out)
			}
			if !cf.fromStore && (len(cf.status) > 0 || cf.entity != "" || cf.site != "") {
				return usageErr("--status, --entity and --site need --from-store")
			}
			if cf.fromStore {
				return p.checkFromStore(cmd.Context(), a, &sf, &cf, &out, &know)
			}
			return p.check(cmd.Context(), a, &sf, &cf, &out, &know)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&cf.list, "list", false, "list the checks (what each applies to, its side effect, request budget, lockout risk, CVEs and KEV status) and exit; with --profile, only those it runs")
	fl.StringVar(&cf.profile, "profile", "safe", "check `PROFILE`: passive, safe or auth")
	fl.BoolVar(&cf.authorized, "i-am-authorized", false, "state that you are authorized to test the devices' credentials (required by --profile auth)")
	fl.BoolVar(&cf.fromStore, "from-store", false, "check the inventory's assets (see --status, --entity, --site) instead of targets")
	fl.StringSliceVar(&cf.status, "status", nil, "with --from-store, only assets in these `STATUSES` (covered, suspected, not_covered, unidentified)")
	fl.StringVar(&cf.entity, "entity", "", "with --from-store, only assets of this covered `ENTITY`")
	fl.StringVar(&cf.site, "site", "", "with --from-store, only assets of this `SITE`")
	fl.BoolVar(&sf.noStore, "no-store", false, "do not record the check (a scan run with its findings) in the inventory store (--db)")
	fl.StringArrayVar(&cf.only, "check", nil, "run only the check `ID` (repeatable; an ID above the profile is an error)")
	fl.StringVarP(&sf.ports, "ports", "p", "", "`PORTS` to scan first, nmap style (default: the scan's default port profile)")
	fl.StringVar(&sf.inputList, "input-list", "", "read targets from `FILE` (- for standard input); also spelled -iL")
	fl.StringArrayVar(&sf.exclude, "exclude", nil, "never contact these targets (`LIST`, comma-separated)")
	fl.StringArrayVar(&sf.excludeFile, "excludefile", nil, "never contact the targets listed in `FILE`")
	sf.registerPacing(fl)
	fl.SetNormalizeFunc(nmapSpellings)
	sf.profile = "default"
	sf.noNeighbor = true
	out.register(cmd)
	know.register(cmd)
	return cmd
}

// checkFindingColumns are the csv and table columns of a finding.
var checkFindingColumns = []output.Column[check.Finding]{
	{Name: "host", Value: func(f check.Finding) string { return f.Host }},
	{Name: "severity", Value: func(f check.Finding) string { return f.Severity }},
	{Name: "check", Value: func(f check.Finding) string { return f.Check }},
	{Name: "cves", Value: func(f check.Finding) string { return strings.Join(f.CVEs, " ") }},
	{Name: "kev", Value: func(f check.Finding) string {
		if f.KEV {
			return "yes " + f.KEVDateAdded
		}
		return ""
	}},
	{Name: "side_effect", Value: func(f check.Finding) string { return f.SideEffect }, Wide: true},
	{Name: "evidence", Value: findingEvidence},
	{Name: "title", Value: func(f check.Finding) string { return f.Title }, Wide: true},
	{Name: "advice", Value: func(f check.Finding) string { return f.Advice }, Wide: true},
}

func findingEvidence(f check.Finding) string {
	var parts []string
	for _, e := range f.Evidence {
		v := e.Value
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		parts = append(parts, e.Key+"="+v)
	}
	return strings.Join(parts, "; ")
}

// kevCatalog is the embedded KEV entries with any refreshed catalog on top.
func kevCatalog() (*kev.Catalog, error) {
	c, err := kev.Builtin()
	if err != nil {
		return nil, err
	}
	for _, f := range refreshed("kev") {
		u, err := parseFile(f, func(r io.Reader) (*kev.Catalog, error) { return kev.Parse(r, f) })
		if err != nil {
			return nil, err
		}
		c = c.Merge(u)
	}
	return c, nil
}

func (p Program) check(ctx context.Context, args []string, sf *scanFlags, cf *checkFlags, out *outFlags, know *knowFlags) error {
	prof, err := check.ParseProfile(cf.profile)
	if err != nil {
		return usageErr("--profile: %v", err)
	}
	if prof == check.AuthProfile && !cf.authorized {
		return usageErr("--profile auth tries default credentials: add --i-am-authorized if you are authorized to test these devices")
	}
	plan, err := p.plan(ctx, args, sf)
	if err != nil {
		return err
	}
	kc, err := kevCatalog()
	if err != nil {
		return err
	}
	ce, err := check.New(check.Config{KEV: kc, Profile: prof, Authorized: cf.authorized, Only: cf.only, Dialer: plan.dialer, Timeout: sf.timeout})
	if err != nil {
		if errors.Is(err, check.ErrAboveProfile) || strings.Contains(err.Error(), "unknown check") {
			return usageErr("%v", err)
		}
		return err
	}
	eng, err := newEngine(know)
	if err != nil {
		return err
	}
	// The check is a scan too: recorded like one, with its findings, so
	// that they reach the inventory, reports and dashboard (--no-store to
	// skip).
	var rec *recorder
	if !sf.noStore {
		sf.checks = prof.String()
		if rec, err = p.beginScanRecord(ctx, args, plan, sf, eng); err != nil {
			return err
		}
		ce.UseAttempts(rec.st) // one attempt per account per device per window, across runs
	}
	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	rows := output.New(w, format, checkFindingColumns)
	cfg := plan.config(sf)
	probed := newProbedPorts(&cfg) // what a host's finished scan looked at
	prog := newProgress(p.Stderr, out.quiet, cfg.Total)
	var mu sync.Mutex // guards rows, werr, counts, failures, undecided
	var werr error
	counts := map[string]int{}
	failures, undecided := 0, 0
	start := time.Now()
	stats, runErr := scan.Run(ctx, cfg, func(r scan.Result) {
		var res check.Result
		var id covered.Identification
		if len(r.Observations) > 0 {
			id = identifyHost(eng, r.Observations)
			d := &check.Device{Host: r.Host.Addr.String(), Addr: r.Host.Addr, Identification: id, Observations: r.Observations,
				Probed: probed.forHost(r)}
			res = ce.Run(ctx, d)
		}
		mu.Lock()
		defer mu.Unlock()
		if rec != nil && len(r.Observations) > 0 {
			hc := storeHostChecks(res)
			hc.Host = id.Host
			rec.addChecked(ctx, r.Observations, id, &hc)
		}
		prog.hostDone(len(res.Findings) > 0)
		undecided += len(res.Undecided)
		for _, err := range res.Errs {
			failures++
			fmt.Fprintf(p.Stderr, "covered: %v\n", err)
		}
		for _, f := range res.Findings {
			counts[f.Severity]++
			if werr == nil {
				werr = rows.Write(f)
			}
		}
		if werr == nil {
			werr = rows.Flush()
		}
	})
	prog.finish()
	if rec != nil {
		res, err := rec.finish(ctx, 0)
		werr = errors.Join(werr, err)
		if !out.quiet && err == nil {
			p.reportRecorded(res)
		}
	}
	werr = errors.Join(werr, rows.Close(), closeOut())
	if werr != nil {
		return fmt.Errorf("write findings: %w", werr)
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	if !out.quiet {
		fmt.Fprintf(p.Stderr, "covered: checked %d hosts (%d up) with profile %s (%d checks) in %s: %d critical, %d high, %d medium, %d low, %d info findings; %d check errors; %s\n",
			stats.Hosts, stats.Up, prof, len(ce.Checks()), time.Since(start).Round(time.Millisecond),
			counts["critical"], counts["high"], counts["medium"], counts["low"], counts["info"], failures, undecidedSummary(undecided))
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("check interrupted after %d hosts", stats.Hosts)
	}
	return nil
}

// scanChecker runs the security checks of `covered scan --checks` on every
// identified host. A nil *scanChecker runs nothing, writes nothing and adds
// nothing to the summary: a scan without --checks is unchanged.
type scanChecker struct {
	eng    *check.Engine
	prof   check.Profile
	probed *probedPorts // the ports the scan probes on a host it finishes
	stderr io.Writer
	rows   *output.Writer[check.Finding] // --checks-output, or nil
	closeF func() error
	// counts, failures and undecided are guarded by the scan's lock (write
	// is called under it).
	counts    map[string]int
	failures  int
	undecided int
}

// checkedHost is what the checks concluded on one host.
type checkedHost struct {
	res check.Result
	hc  store.HostChecks
}

// stored is the host's results for the recorder; nil when no check ran.
func (h *checkedHost) stored() *store.HostChecks {
	if h == nil {
		return nil
	}
	return &h.hc
}

// scanChecks validates --checks, --i-am-authorized and --checks-output and
// builds the engine over the plan's dialer (so check requests obey the
// scan's scope, rates and exclusions).
func (p Program) scanChecks(sf *scanFlags, plan *scanPlan) (*scanChecker, error) {
	if sf.checks == "" || sf.checks == "none" {
		if sf.authorized || sf.checksOutput != "" {
			return nil, usageErr("--i-am-authorized and --checks-output need --checks PROFILE")
		}
		return nil, nil
	}
	prof, err := check.ParseProfile(sf.checks)
	if err != nil {
		return nil, usageErr("--checks: %v", err)
	}
	if prof == check.AuthProfile && !sf.authorized {
		return nil, usageErr("--checks auth tries default credentials: add --i-am-authorized if you are authorized to test these devices")
	}
	if sf.noStore && sf.checksOutput == "" {
		if !sf.checksSet {
			return nil, nil // the default passive checks would have nowhere to go
		}
		return nil, usageErr("--checks with --no-store needs --checks-output FILE: the findings would go nowhere")
	}
	kc, err := kevCatalog()
	if err != nil {
		return nil, err
	}
	eng, err := check.New(check.Config{KEV: kc, Profile: prof, Authorized: sf.authorized, Dialer: plan.dialer, Timeout: sf.timeout})
	if err != nil {
		return nil, err
	}
	cfg := plan.config(sf)
	c := &scanChecker{eng: eng, prof: prof, probed: newProbedPorts(&cfg), stderr: p.Stderr, counts: map[string]int{}, closeF: func() error { return nil }}
	if sf.checksOutput != "" {
		f, err := os.Create(sf.checksOutput)
		if err != nil {
			return nil, fmt.Errorf("create checks output: %w", err)
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		c.rows = output.New(bw, output.JSONL, checkFindingColumns)
		c.closeF = func() error {
			err := errors.Join(c.rows.Close(), bw.Flush(), f.Close())
			if err != nil {
				return fmt.Errorf("write %s: %w", sf.checksOutput, err)
			}
			return nil
		}
	}
	return c, nil
}

// useStore remembers authentication attempts in the run's store, so that
// the attempt window holds across runs and processes (with --no-store it
// holds within the run only).
func (c *scanChecker) useStore(st *store.Store) {
	if c != nil {
		c.eng.UseAttempts(st)
	}
}

// run runs the checks on one identified host; safe for concurrent use.
func (c *scanChecker) run(ctx context.Context, r scan.Result, id covered.Identification) *checkedHost {
	if c == nil {
		return nil
	}
	d := &check.Device{Host: id.Host, Addr: r.Host.Addr, Identification: id, Observations: r.Observations, Probed: c.probed.forHost(r)}
	if d.Host == "" {
		d.Host = r.Host.Addr.String()
	}
	h := &checkedHost{res: c.eng.Run(ctx, d)}
	h.hc = storeHostChecks(h.res)
	h.hc.Host = id.Host
	return h
}

// write counts and prints one host's results; the caller holds the scan's
// lock.
func (c *scanChecker) write(h *checkedHost) error {
	if c == nil || h == nil {
		return nil
	}
	c.undecided += len(h.res.Undecided)
	for _, err := range h.res.Errs {
		c.failures++
		fmt.Fprintf(c.stderr, "covered: %v\n", err)
	}
	var werr error
	for _, f := range h.res.Findings {
		c.counts[f.Severity]++
		if c.rows != nil && werr == nil {
			werr = c.rows.Write(f)
		}
	}
	if c.rows != nil && werr == nil {
		werr = c.rows.Flush()
	}
	return werr
}

func (c *scanChecker) close() error {
	if c == nil {
		return nil
	}
	return c.closeF()
}

// summary is the checks' part of the scan's summary line.
func (c *scanChecker) summary() string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("; checks %s (%d): %d critical, %d high, %d medium, %d low, %d info findings, %d check errors, %s",
		c.prof, len(c.eng.Checks()), c.counts["critical"], c.counts["high"], c.counts["medium"], c.counts["low"], c.counts["info"], c.failures,
		undecidedSummary(c.undecided))
}

// undecidedSummary is the summaries' count of checks that got no clear
// answer (one per check and host): they cleared nothing.
func undecidedSummary(n int) string {
	return fmt.Sprintf("%d undecided (evidence or answer missing; earlier findings kept)", n)
}

// storeHostChecks is one host's check results as the store keeps them:
// only the checks that decided count as run there, so one that got no
// clear answer (a timeout, a refusal, an attempt already used) never
// clears an earlier finding. The caller sets Host or AssetID.
func storeHostChecks(res check.Result) store.HostChecks {
	hc := store.HostChecks{Ran: res.Decided}
	for _, f := range res.Findings {
		hc.Findings = append(hc.Findings, storeCheckFinding(f))
	}
	return hc
}

// storeCheckFinding is a finding as the store keeps it.
func storeCheckFinding(f check.Finding) store.CheckFinding {
	sf := store.CheckFinding{Check: f.Check, Title: f.Title, Severity: f.Severity, CVEs: f.CVEs, KEV: f.KEV,
		KEVDateAdded: f.KEVDateAdded, SideEffect: f.SideEffect, Requests: f.Requests, Advice: f.Advice, Source: f.Source,
		Evidence: []store.CheckEvidence{}}
	for _, e := range f.Evidence {
		sf.Evidence = append(sf.Evidence, store.CheckEvidence{Key: e.Key, Value: e.Value, Port: e.Port, Path: e.Path})
	}
	return sf
}

// checkFromStore is `covered check --from-store`: the assets the filters
// select, checked passively from their stored evidence, or (safe, auth)
// scanned again at their last addresses.
func (p Program) checkFromStore(ctx context.Context, args []string, sf *scanFlags, cf *checkFlags, out *outFlags, know *knowFlags) error {
	if len(args) > 0 || sf.inputList != "" {
		return usageErr("--from-store takes its targets from the store: give filters (--status, --entity, --site), not targets")
	}
	prof, err := check.ParseProfile(cf.profile)
	if err != nil {
		return usageErr("--profile: %v", err)
	}
	lf := listFlags{status: cf.status}
	statuses, err := lf.statuses()
	if err != nil {
		return err
	}
	st, err := p.g.open(ctx)
	if err != nil {
		return err
	}
	assets, err := st.Assets(ctx, store.AssetFilter{Status: statuses, Entity: cf.entity, Site: cf.site})
	if err != nil {
		st.Close()
		return err
	}
	if prof != check.Passive {
		st.Close()
		var addrs []string
		for _, a := range assets {
			if a.LastIP != "" {
				addrs = append(addrs, a.LastIP)
			}
		}
		if len(addrs) == 0 {
			return usageErr("--from-store: no selected asset has a known address (%d assets match the filters)", len(assets))
		}
		return p.check(ctx, addrs, sf, cf, out, know)
	}
	defer st.Close()
	return p.checkStored(ctx, st, assets, sf.noStore, cf, out, know)
}

// checkStoredBatch is how many assets' check results one transaction
// records.
const checkStoredBatch = 256

// checkStored runs the passive checks on stored assets: their current
// identification and the observations of the run that made it (all the
// asset's observations when that run stored none, as after a reidentify).
// Unless noStore, it is recorded as a run of kind check whose findings are
// merged like a scan's (a check that decided and no longer finds clears
// the asset's finding), seen at the asset's last-seen time: the evidence is
// that old, not new.
func (p Program) checkStored(ctx context.Context, st *store.Store, assets []store.Asset, noStore bool, cf *checkFlags, out *outFlags, know *knowFlags) error {
	kc, err := kevCatalog()
	if err != nil {
		return err
	}
	ce, err := check.New(check.Config{KEV: kc, Profile: check.Passive, Only: cf.only})
	if err != nil {
		if errors.Is(err, check.ErrAboveProfile) || strings.Contains(err.Error(), "unknown check") {
			return usageErr("%v", err)
		}
		return err
	}
	idents, err := st.CurrentIdentifications(ctx, store.BulkFilter{Site: cf.site})
	if err != nil {
		return err
	}
	var record *store.Run // the run to record, unless noStore
	if !noStore {
		rules, err := know.ruleSet()
		if err != nil {
			return err
		}
		lists, err := know.lists()
		if err != nil {
			return err
		}
		opts := map[string]any{"checks": check.Passive.String(), "from_store": true,
			"status": append([]string{}, cf.status...), "entity": cf.entity, "site": cf.site}
		if len(cf.only) > 0 {
			opts["check"] = cf.only
		}
		record = &store.Run{Kind: store.RunCheck, Site: cf.site, Scope: []string{}, Exclusions: []string{},
			Options: opts, ToolVersion: toolVersion(), RulesVersion: rules.Version(), ListsVersion: lists.Version}
	}
	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	runID := int64(0)
	if record != nil {
		if runID, err = st.BeginRun(ctx, *record); err != nil {
			closeOut()
			return fmt.Errorf("record run: %w", err)
		}
	}
	rows := output.New(w, format, checkFindingColumns)
	counts := map[string]int{}
	start := time.Now()
	var (
		run     store.RunCounts // assets checked and the observations read
		pending []store.HostChecks
		werr    error
	)
	flush := func() error {
		if runID == 0 || len(pending) == 0 {
			return nil
		}
		err := st.RecordCheckFindings(ctx, runID, pending)
		pending = pending[:0]
		return err
	}
	for _, a := range assets {
		if err := ctx.Err(); err != nil {
			werr = err
			break
		}
		d := &check.Device{Host: a.LastHost}
		identRun := int64(0)
		if rec, ok := idents[a.IdentificationID]; ok {
			d.Identification, identRun = rec.Identification, rec.RunID
		}
		collect := func(o store.ObservationRecord) error {
			d.Observations = append(d.Observations, o.Observation)
			return nil
		}
		if identRun != 0 {
			if err := st.Observations(ctx, store.ObservationFilter{AssetID: a.ID, RunID: identRun}, collect); err != nil {
				werr = err
				break
			}
		}
		if len(d.Observations) == 0 {
			// The identification's run stored none (a reidentify): take the
			// latest run that did, not the asset's whole history, where an
			// old firmware or a closed port would speak for the device.
			latest := int64(0)
			err := st.Observations(ctx, store.ObservationFilter{AssetID: a.ID}, func(o store.ObservationRecord) error {
				if o.RunID > latest {
					latest, d.Observations = o.RunID, d.Observations[:0]
				}
				if o.RunID == latest {
					d.Observations = append(d.Observations, o.Observation)
				}
				return nil
			})
			if err != nil {
				werr = err
				break
			}
		}
		if len(d.Observations) == 0 && d.Identification.Host == "" {
			continue
		}
		run.Hosts++
		run.Observations += int64(len(d.Observations))
		res := ce.Run(ctx, d) // passive checks send nothing: they all decide
		hc := storeHostChecks(res)
		hc.AssetID, hc.Seen = a.ID, a.LastSeen
		pending = append(pending, hc)
		for _, f := range res.Findings {
			counts[f.Severity]++
			if werr = rows.Write(f); werr != nil {
				break
			}
		}
		if werr != nil {
			break
		}
		if len(pending) >= checkStoredBatch {
			if werr = flush(); werr != nil {
				break
			}
		}
	}
	if werr == nil {
		werr = flush()
	}
	werr = errors.Join(werr, rows.Close(), closeOut())
	if werr != nil {
		werr = fmt.Errorf("check stored assets: %w", werr)
	}
	if !out.quiet && werr == nil {
		fmt.Fprintf(p.Stderr, "covered: checked %d stored assets (of %d selected) with profile passive (%d checks) in %s: %d critical, %d high, %d medium, %d low, %d info findings\n",
			run.Hosts, len(assets), len(ce.Checks()), time.Since(start).Round(time.Millisecond),
			counts["critical"], counts["high"], counts["medium"], counts["low"], counts["info"])
	}
	return p.finishStoredCheck(ctx, st, runID, run, werr, out.quiet)
}

// finishStoredCheck closes the run of checkStored (none when runID is 0):
// complete, or interrupted when err is set (Ctrl-C included; the closing
// write then uses a fresh context so the record stays consistent).
func (p Program) finishStoredCheck(ctx context.Context, st *store.Store, runID int64, counts store.RunCounts, err error, quiet bool) error {
	if runID == 0 {
		return err
	}
	status := store.RunComplete
	if err != nil || ctx.Err() != nil {
		status = store.RunInterrupted
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	res, ferr := st.FinishRun(fctx, runID, status, counts)
	if ferr != nil {
		return errors.Join(err, ferr)
	}
	if !quiet {
		p.reportRecorded(res)
	}
	return err
}

// checkInfo is one line of `covered check --list`: what a check declares.
type checkInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	SideEffect  string   `json:"side_effect"`
	MaxRequests int      `json:"max_requests"`
	LockoutRisk string   `json:"lockout_risk"`
	Severity    string   `json:"severity"`
	CVEs        []string `json:"cves,omitempty"`
	// KEV is "yes YYYY-MM-DD", "no" (checked and absent, with a source in
	// the embedded table), or "" when the catalog says nothing.
	KEV     string `json:"kev,omitempty"`
	Applies string `json:"applies"`
	Records string `json:"records"`
	Source  string `json:"source"`
}

var checkInfoColumns = []output.Column[checkInfo]{
	{Name: "id", Value: func(c checkInfo) string { return c.ID }},
	{Name: "side_effect", Value: func(c checkInfo) string { return c.SideEffect }},
	{Name: "max_requests", Value: func(c checkInfo) string { return strconv.Itoa(c.MaxRequests) }},
	{Name: "lockout", Value: func(c checkInfo) string { return c.LockoutRisk }},
	{Name: "severity", Value: func(c checkInfo) string { return c.Severity }},
	{Name: "cves", Value: func(c checkInfo) string { return strings.Join(c.CVEs, " ") }},
	{Name: "kev", Value: func(c checkInfo) string { return c.KEV }},
	{Name: "applies", Value: func(c checkInfo) string { return c.Applies }, Wide: true},
	{Name: "records", Value: func(c checkInfo) string { return c.Records }, Wide: true},
	{Name: "title", Value: func(c checkInfo) string { return c.Title }},
	{Name: "source", Value: func(c checkInfo) string { return c.Source }, Wide: true},
}

// listChecks is `covered check --list`: the checks the profile runs (all of
// them when --profile is not given), with what each declares.
func (p Program) listChecks(cf *checkFlags, out *outFlags) error {
	set, err := check.Builtin()
	if err != nil {
		return err
	}
	kc, err := kevCatalog()
	if err != nil {
		return err
	}
	prof, err := check.ParseProfile(cf.profile)
	if err != nil {
		return usageErr("--profile: %v", err)
	}
	var rows []checkInfo
	for _, c := range set.All() {
		if !prof.Allows(c.SideEffect()) && cf.profileSet {
			continue
		}
		r := checkInfo{ID: c.ID, Title: c.Title, SideEffect: c.SideEffect().String(), MaxRequests: c.MaxRequests,
			LockoutRisk: c.LockoutRisk, Severity: c.Severity, CVEs: c.CVEs, Applies: appliesText(c),
			Records: strings.Join(c.Records, ", "), Source: c.Source}
		added, absent := "", false
		for _, id := range c.CVEs {
			if e, ok := kc.Lookup(id); ok && (added == "" || e.DateAdded < added) {
				added = e.DateAdded
			} else if _, ok := kc.Absent(id); ok {
				absent = true
			}
		}
		switch {
		case added != "":
			r.KEV = "yes " + added
		case absent:
			r.KEV = "no"
		}
		rows = append(rows, r)
	}
	return writeRows(p, out, checkInfoColumns, rows)
}

// appliesText says in one line which devices a check is for.
func appliesText(c *check.Check) string {
	var parts []string
	a := c.Applies
	if len(a.Entity) > 0 {
		parts = append(parts, "entity "+strings.Join(a.Entity, "|"))
	}
	if len(a.Manufacturer) > 0 {
		parts = append(parts, "maker "+strings.Join(a.Manufacturer, "|"))
	}
	if len(a.DeviceType) > 0 {
		parts = append(parts, "type "+strings.Join(a.DeviceType, "|"))
	}
	if a.Model != "" {
		parts = append(parts, "model ~ "+a.Model)
	}
	if r := c.Firmware; r != nil {
		var b []string
		for _, x := range []struct{ k, v string }{{"from ", r.Introduced}, {"before ", r.Fixed}, {"up to ", r.LastAffected}} {
			if x.v != "" {
				b = append(b, x.k+x.v)
			}
		}
		if r.BuildBefore != 0 {
			b = append(b, fmt.Sprintf("built before %06d", r.BuildBefore))
		}
		fw := "firmware " + strings.Join(b, ", ")
		if r.Undecided {
			fw = "firmware build date not visible (" + strings.Join(b, ", ") + " decides)"
		}
		parts = append(parts, fw)
	}
	for _, w := range c.When {
		parts = append(parts, "evidence "+w.Key+condText(w))
	}
	if len(parts) == 0 {
		return "any device"
	}
	return strings.Join(parts, "; ")
}

func condText(w check.Cond) string {
	if w.Match != "" {
		return " ~ " + w.Match
	}
	return ""
}
