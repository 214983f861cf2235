package cli

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/config"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/lab"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/report"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
)

func (p Program) demoCmd() *cobra.Command {
	var (
		lf         labFlags
		reportPath string
		quiet      bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the device lab on loopback, scan it, and write a report",
		Long: `demo shows the whole job on built-in data, on this machine only: it starts the
device lab (emulated covered and look-alike devices on 127.10.0.x), scans it
with the default safe settings plus the SNMP community "public" (the lab's
agents answer to it, as many real devices do; a real scan sends no community
unless you give one), prints what it found, scores it against the lab's ground
truth, and writes the self-contained HTML inventory report (as 'covered report'
would) of a throwaway store holding only the demo scan; with --db the scan is
recorded there instead.`,
		Example: `  covered demo
  covered demo --count 200 --report /tmp/demo.html`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return p.demo(cmd, &lf, reportPath, quiet)
		},
	}
	lf.register(cmd, 0)
	cmd.Flags().StringVar(&reportPath, "report", "covered-demo.html", "write the HTML inventory report to `FILE`")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no table; only the summary lines")
	return cmd
}

func (p Program) demo(cmd *cobra.Command, lf *labFlags, reportPath string, quiet bool) error {
	ctx := cmd.Context()
	l, err := startLab(ctx, lf)
	if err != nil {
		return err
	}
	defer l.Close()
	targetList := labTargets(l)
	target := strings.Join(targetList, " ")
	sf := &scanFlags{profile: "default", rate: 1000, hostRate: 40, hostConcurrency: 4, workers: 256,
		connectTimeout: 2 * time.Second, timeout: 3 * time.Second, communities: []string{"public"}, noNeighbor: true}
	plan, err := p.plan(ctx, targetList, sf)
	if err != nil {
		return err
	}
	eng, err := newEngine(&knowFlags{})
	if err != nil {
		return err
	}
	fmt.Fprintf(p.Stderr, "demo: %d lab devices on %s; scanning ports %s\n", len(l.Devices()), target, portsString(plan))
	start := time.Now()
	var mu sync.Mutex
	var ids []covered.Identification
	var scanObs []covered.Observation
	_, runErr := scan.Run(ctx, plan.config(sf), func(r scan.Result) {
		if len(r.Observations) == 0 {
			return
		}
		id := identifyHost(eng, r.Observations)
		mu.Lock()
		ids = append(ids, id)
		scanObs = append(scanObs, r.Observations...)
		mu.Unlock()
	})
	took := time.Since(start)
	if runErr != nil {
		return fmt.Errorf("demo scan: %w", runErr)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, _ := netip.ParseAddr(ids[i].Host)
		b, _ := netip.ParseAddr(ids[j].Host)
		return a.Less(b)
	})
	if !quiet {
		rows := output.New(p.Stdout, output.Table, identificationColumns)
		for _, id := range ids {
			if err := rows.Write(id); err != nil {
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintln(p.Stderr, demoScore(l.Devices(), ids))
	if err := p.demoReport(ctx, ids, scanObs, target, plan, eng, start, reportPath); err != nil {
		return err
	}
	fmt.Fprintf(p.Stderr, "demo: scanned in %s; report written to %s\n", took.Round(time.Millisecond), reportPath)
	return nil
}

// demoReport records the demo scan as a run in a store and writes the
// inventory report of that store to path. The store is a fresh SQLite file
// in a temporary directory unless --db was given, so that the demo never
// adds emulated devices to the user's inventory.
func (p Program) demoReport(ctx context.Context, ids []covered.Identification, obs []covered.Observation, target string,
	plan *scanPlan, eng *identify.Engine, start time.Time, path string) error {
	dsn := p.g.db
	if dsn == "" {
		dir, err := os.MkdirTemp("", "covered-demo")
		if err != nil {
			return fmt.Errorf("demo store: %w", err)
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "demo.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("demo store: %w", err)
	}
	defer st.Close()
	run, err := st.BeginRun(ctx, store.Run{Kind: store.RunScan, Started: start, Scope: strings.Fields(target),
		Ports: portsString(plan), Options: map[string]any{"demo": true, "snmp_community": []string{"public"}},
		ToolVersion: toolVersion(), RulesVersion: eng.Rules.Version(), ListsVersion: eng.Lists.Version,
		Notes: "covered demo: emulated devices on loopback"})
	if err != nil {
		return fmt.Errorf("demo store: %w", err)
	}
	if err := st.Ingest(ctx, run, obs, ids); err != nil {
		return fmt.Errorf("demo store: %w", err)
	}
	if _, err := st.FinishRun(ctx, run, store.RunComplete, store.RunCounts{}); err != nil {
		return fmt.Errorf("demo store: %w", err)
	}
	d, err := buildReportData(ctx, st, &config.Config{}, reportScope{runs: []int64{run}})
	if err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	d.Title = "covered demo: device lab scan"
	return writeReport(p.Stdout, path, report.KindInventory, report.FormatHTML, d)
}

func portsString(plan *scanPlan) string { return plan.ports.String() }

// demoScore compares what the scan flagged with the lab's ground truth.
func demoScore(devs []lab.Device, ids []covered.Identification) string {
	got := map[string]covered.Identification{}
	for _, id := range ids {
		got[id.Host] = id
	}
	var tp, fp, fn, tn, entity int
	for _, d := range devs {
		if d.Truth.Status == "hostile" {
			continue
		}
		id := got[d.Addr.String()]
		flagged := id.Status == covered.StatusCovered || id.Status == covered.StatusSuspected
		switch {
		case d.Truth.CoveredEntity != "" && flagged:
			tp++
			if id.CoveredEntity == d.Truth.CoveredEntity {
				entity++
			}
		case d.Truth.CoveredEntity != "":
			fn++
		case flagged:
			fp++
		default:
			tn++
		}
	}
	return fmt.Sprintf("demo: against the lab's ground truth: %d covered devices found of %d (%d with the right entity), %d false alarms, %d look-alikes correctly not flagged",
		tp, tp+fn, entity, fp, tn)
}
