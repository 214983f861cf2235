package cli

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"sync"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/config"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
	"go4.org/netipx"
)

// globals are the flags every command shares (--db, --config) and the
// config file they lead to, loaded once on first use.
type globals struct {
	db, config string

	once sync.Once
	cfg  *config.Config
	err  error
}

func (g *globals) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&g.db, "db", "", "inventory store: a SQLite `DSN` (file path) or postgres://user@host/db (default: the config file's db, else $XDG_DATA_HOME/covered/covered.db)")
	pf.StringVar(&g.config, "config", "", "config `FILE` (default $XDG_CONFIG_HOME/covered/config.yaml when it exists): database, sites, exclusions, rates, policy and rules")
}

// conf returns the config file's settings (empty when there is none).
func (g *globals) conf() (*config.Config, error) {
	g.once.Do(func() {
		g.cfg, g.err = config.Load(g.config, g.config != "")
		if g.err != nil {
			g.err = &exitError{ExitUsage, g.err}
		}
	})
	return g.cfg, g.err
}

// dsn is the store to use: --db, else the config's db, else the default file.
func (g *globals) dsn() (string, error) {
	if g.db != "" {
		return g.db, nil
	}
	cfg, err := g.conf()
	if err != nil {
		return "", err
	}
	if cfg.DB != "" {
		return cfg.DB, nil
	}
	dir, err := dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "covered.db"), nil
}

// open opens (creating and migrating as needed) the store.
func (g *globals) open(ctx context.Context) (*store.Store, error) {
	dsn, err := g.dsn()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// siteOf names the site of a run over targets: --site when given, else the
// config's site that holds every target address, judged by each target's
// first and last address (none when they span sites, are ranges or
// hostnames: each host then still gets its own site, see hostSites).
func (g *globals) siteOf(flag string, targets []string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	cfg, err := g.conf()
	if err != nil || len(cfg.Sites) == 0 {
		return "", err
	}
	site := ""
	for _, t := range targets {
		first, last, ok := bounds(t)
		if !ok {
			return "", nil
		}
		s := cfg.SiteFor(first)
		if s == "" || cfg.SiteFor(last) != s || (site != "" && s != site) {
			return "", nil
		}
		site = s
	}
	return site, nil
}

// bounds returns the first and last address of a target written as an
// address or a CIDR.
func bounds(t string) (first, last netip.Addr, ok bool) {
	if p, err := netip.ParsePrefix(t); err == nil {
		r := netipx.RangeOfPrefix(p)
		return r.From(), r.To(), true
	}
	a, err := netip.ParseAddr(t)
	return a, a, err == nil
}

// hostSites maps each scanned host (an address) to the config's site for
// it; nil when the config defines no sites.
func (g *globals) hostSites() (func(host string) string, error) {
	cfg, err := g.conf()
	if err != nil || len(cfg.Sites) == 0 {
		return nil, err
	}
	return func(host string) string {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return ""
		}
		return cfg.SiteFor(a)
	}, nil
}

// recorder writes a run's results to the store as they come: a batch of
// hosts per transaction, so an interrupted scan keeps every batch it
// committed and the run says it was interrupted.
type recorder struct {
	st        *store.Store
	run       int64
	opt       store.IngestOptions // per-host sites from the config
	obs       []covered.Observation
	ids       []covered.Identification
	checks    []store.HostChecks // check results of the queued hosts
	hosts     int
	total     store.RunCounts
	committed store.RunCounts
	last      time.Time
	err       error
}

// flushHosts and flushEvery bound how much a crash can lose. Variables so
// that the crash test can commit after every host.
var (
	flushHosts = 256
	flushEvery = 2 * time.Second
)

// onCommit, when set (by the crash test), hears of every committed batch:
// the run and how many hosts and observations it holds so far.
var onCommit func(run int64, hosts, observations int64)

func beginRecording(ctx context.Context, st *store.Store, run store.Run, opt store.IngestOptions) (*recorder, error) {
	id, err := st.BeginRun(ctx, run)
	if err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}
	return &recorder{st: st, run: id, opt: opt, last: time.Now()}, nil
}

// addChecked queues one host's observations, identification and security
// check results (nil when no check ran); the results are written with the
// host's batch right after its observations, which map the host to its
// asset. Not safe for concurrent use; callers hold their scan's lock.
func (r *recorder) addChecked(ctx context.Context, obs []covered.Observation, id covered.Identification, checks *store.HostChecks) {
	r.obs = append(r.obs, obs...)
	r.ids = append(r.ids, id)
	if checks != nil {
		r.checks = append(r.checks, *checks)
	}
	r.hosts++
	r.total.Hosts++
	r.total.Observations += int64(len(obs))
	if r.hosts >= flushHosts || time.Since(r.last) >= flushEvery {
		r.flush(ctx)
	}
}

func (r *recorder) flush(ctx context.Context) {
	r.last = time.Now()
	if r.hosts == 0 || r.err != nil {
		return
	}
	if err := r.st.IngestWith(ctx, r.run, r.obs, r.ids, r.opt); err != nil {
		r.err = fmt.Errorf("store run %d: %w", r.run, err)
		return
	}
	// A separate transaction: a crash between the two keeps the hosts'
	// evidence, from which `covered check --from-store` finds them again.
	if err := r.st.RecordCheckFindings(ctx, r.run, r.checks); err != nil {
		r.err = fmt.Errorf("store run %d: %w", r.run, err)
		return
	}
	r.committed.Hosts += int64(len(r.ids))
	r.committed.Observations += int64(len(r.obs))
	if onCommit != nil {
		onCommit(r.run, r.committed.Hosts, r.committed.Observations)
	}
	r.obs, r.ids, r.checks, r.hosts = r.obs[:0], r.ids[:0], r.checks[:0], 0
}

// finish writes what is queued and closes the run: complete, or interrupted
// when ctx was cancelled (the closing writes then use a fresh context, so
// Ctrl-C still leaves a consistent record).
func (r *recorder) finish(ctx context.Context, failed int64) (store.FinishResult, error) {
	status := store.RunComplete
	if ctx.Err() != nil {
		status = store.RunInterrupted
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
	}
	r.flush(ctx)
	r.total.Failed = failed
	if r.err != nil {
		status = store.RunInterrupted
	}
	res, err := r.st.FinishRun(ctx, r.run, status, r.total)
	return res, errors.Join(r.err, err, r.st.Close())
}

// beginScanRecord opens the store and starts the run record of a scan: what
// was searched, with which tool, rules and lists, by whom (secrets redacted).
func (p Program) beginScanRecord(ctx context.Context, args []string, plan *scanPlan, sf *scanFlags, eng *identify.Engine) (*recorder, error) {
	st, err := p.g.open(ctx)
	if err != nil {
		return nil, err
	}
	scope := append([]string(nil), args...)
	if plan.subnetScope {
		scope = scope[:0]
		for _, ifi := range plan.broadcastIfs {
			scope = append(scope, ifi.Prefix.Masked().String())
		}
	}
	site, err := p.g.siteOf(sf.site, scope)
	if err != nil {
		st.Close()
		return nil, err
	}
	opts := map[string]any{
		"profile": sf.profile, "rate": sf.rate, "host_rate": sf.hostRate, "host_concurrency": sf.hostConcurrency,
		"workers": sf.workers, "connect_timeout": sf.connectTimeout.String(), "timeout": sf.timeout.String(),
		"broadcast": sf.broadcast, "neighbor_table": !sf.noNeighbor,
	}
	if sf.checks != "" {
		opts["checks"] = sf.checks
	}
	if sf.inputList != "" {
		opts["input_list"] = sf.inputList
	}
	if len(sf.communities) > 0 {
		opts["snmp_community"] = sf.communities // Redact replaces the values
	}
	var opt store.IngestOptions
	if sf.site == "" {
		opt.Site, err = p.g.hostSites()
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	rec, err := beginRecording(ctx, st, store.Run{
		Kind: store.RunScan, User: sf.actor, Site: site, Scope: scope, Exclusions: plan.exclusions, Ports: plan.ports.String(),
		Options: opts, ToolVersion: toolVersion(), RulesVersion: eng.Rules.Version(), ListsVersion: eng.Lists.Version,
	}, opt)
	if err != nil {
		st.Close()
		return nil, err
	}
	return rec, nil
}

// reportRecorded tells what the store did with a finished run.
func (p Program) reportRecorded(res store.FinishResult) {
	fmt.Fprintf(p.Stderr, "covered: recorded as run %d (%s)", res.Run.ID, res.Run.Status)
	if n := len(res.Verified); n > 0 {
		fmt.Fprintf(p.Stderr, "; %d replaced finding(s) verified gone", n)
	}
	if n := len(res.Reopened); n > 0 {
		fmt.Fprintf(p.Stderr, "; %d finding(s) marked replaced are still seen and were reopened: %v", n, res.Reopened)
	}
	fmt.Fprintln(p.Stderr)
}

// configDefaults fills the scan settings the user did not give on the
// command line from the config file: flags win over the file.
func (p Program) configDefaults(cmd *cobra.Command, sf *scanFlags, know *knowFlags) error {
	cfg, err := p.g.conf()
	if err != nil {
		return err
	}
	fl := cmd.Flags()
	if cfg.Rate > 0 && !fl.Changed("rate") {
		sf.rate = cfg.Rate
	}
	if cfg.HostRate > 0 && !fl.Changed("host-rate") {
		sf.hostRate = cfg.HostRate
	}
	if cfg.HostConcurrency > 0 && !fl.Changed("host-concurrency") {
		sf.hostConcurrency = cfg.HostConcurrency
	}
	return p.configKnowledge(cmd, know)
}

// configKnowledge adds the config file's policy packs and rule directories
// unless --policy or --rules were given.
func (p Program) configKnowledge(cmd *cobra.Command, know *knowFlags) error {
	cfg, err := p.g.conf()
	if err != nil {
		return err
	}
	fl := cmd.Flags()
	if !fl.Changed("policy") {
		know.policies = append(know.policies, cfg.Policy...)
	}
	if !fl.Changed("rules") {
		know.rules = append(know.rules, cfg.Rules...)
	}
	return nil
}
