package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

// checkScan is a scan of hosts whose check results are recorded in the same
// run, after the hosts' observations.
func checkScan(t *testing.T, s *Store, hosts []host, checks []HostChecks) int64 {
	t.Helper()
	ctx := context.Background()
	run := beginRun(t, s, Run{})
	var obs []covered.Observation
	var ids []covered.Identification
	for _, h := range hosts {
		obs = append(obs, h.obs(t0.Add(time.Duration(run)*time.Hour))...)
		ids = append(ids, notCovered(h.name, "Hikvision"))
	}
	if err := s.Ingest(ctx, run, obs, ids); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordCheckFindings(ctx, run, checks); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishRun(ctx, run, RunComplete, RunCounts{}); err != nil {
		t.Fatal(err)
	}
	return run
}

func cf(check, severity string, cves ...string) CheckFinding {
	return CheckFinding{Check: check, Title: "title of " + check, Severity: severity, CVEs: cves, KEV: len(cves) > 0,
		KEVDateAdded: map[bool]string{true: "2021-11-03"}[len(cves) > 0], SideEffect: "none",
		Evidence: []CheckEvidence{{Key: "firmware", Value: "V5.4.0 build 160530", Port: 80, Path: "/"}},
		Advice:   "update", Source: "advisory"}
}

func byCheck(list []CheckFinding) map[string]CheckFinding {
	out := map[string]CheckFinding{}
	for _, f := range list {
		out[f.Host+" "+f.Check] = f
	}
	return out
}

func TestCheckFindingsLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := host{name: "10.9.0.1", ip: "10.9.0.1", mac: "00:11:22:33:44:01"}
		b := host{name: "10.9.0.2", ip: "10.9.0.2", mac: "00:11:22:33:44:02"}
		secret := cf("snmp-v1v2c", "medium")
		secret.Evidence = append(secret.Evidence, CheckEvidence{Key: "snmp.community", Value: "s3cr3t-community"})
		all := []string{"hik-7921", "snmp-v1v2c", "telnet"}
		run1 := checkScan(t, s, []host{a, b}, []HostChecks{
			{Host: a.name, Ran: all, Findings: []CheckFinding{cf("hik-7921", "critical", "CVE-2017-7921"), secret}},
			{Host: b.name, Ran: all, Findings: []CheckFinding{cf("telnet", "high")}},
		})
		assetA, assetB := assetOf(t, s, run1, a.name), assetOf(t, s, run1, b.name)
		got, err := s.CheckFindings(ctx, CheckFindingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].Check != "hik-7921" || got[1].Check != "telnet" || got[2].Check != "snmp-v1v2c" {
			t.Fatalf("findings (want critical, high, medium): %+v", got)
		}
		f := got[0]
		if f.AssetID != assetA || !f.Active || !f.KEV || f.KEVDateAdded != "2021-11-03" || strings.Join(f.CVEs, ",") != "CVE-2017-7921" ||
			f.FirstRun != run1 || f.LastRun != run1 || f.Host != a.name || f.IP != a.ip || f.LastSeen.IsZero() ||
			len(f.Evidence) != 1 || f.Evidence[0] != (CheckEvidence{Key: "firmware", Value: "V5.4.0 build 160530", Port: 80, Path: "/"}) {
			t.Errorf("critical finding %+v", f)
		}
		if ev := got[2].Evidence; len(ev) != 2 || ev[1].Value != Redacted {
			t.Errorf("secret evidence not redacted: %+v", ev)
		}
		dump := exportString(t, s)
		if strings.Contains(dump, "s3cr3t-community") || !strings.Contains(dump, `"table":"check_findings"`) {
			t.Error("export leaks the community or lacks check_findings")
		}

		// Run 2 runs only hik-7921 on a, which no longer shows it: that
		// finding clears; snmp-v1v2c (not run) and b (not seen) stay.
		run2 := checkScan(t, s, []host{a}, []HostChecks{{Host: a.name, Ran: []string{"hik-7921"}}})
		got, _ = s.CheckFindings(ctx, CheckFindingFilter{})
		if m := byCheck(got); len(got) != 2 || m[a.name+" snmp-v1v2c"].ID == 0 || m[b.name+" telnet"].ID == 0 {
			t.Errorf("after run 2: %+v", got)
		}
		all2, _ := s.CheckFindings(ctx, CheckFindingFilter{IncludeInactive: true, CheckID: "hik-7921"})
		if len(all2) != 1 || all2[0].Active || all2[0].ClearedRun != run2 {
			t.Errorf("cleared finding: %+v", all2)
		}

		// Run 3 finds it again: active, first run kept.
		run3 := checkScan(t, s, []host{a}, []HostChecks{{Host: a.name, Ran: all, Findings: []CheckFinding{cf("hik-7921", "critical", "CVE-2017-7921")}}})
		got, _ = s.CheckFindings(ctx, CheckFindingFilter{AssetID: assetA, Severity: []string{"critical"}})
		if len(got) != 1 || !got[0].Active || got[0].FirstRun != run1 || got[0].LastRun != run3 || got[0].ClearedRun != 0 {
			t.Errorf("found again: %+v", got)
		}
		// Run 3 ran snmp-v1v2c on a without finding it: cleared.
		if got, _ := s.CheckFindings(ctx, CheckFindingFilter{AssetID: assetA}); len(got) != 1 {
			t.Errorf("asset a after run 3: %+v", got)
		}
		if got, _ := s.CheckFindings(ctx, CheckFindingFilter{AssetID: assetB, Limit: 1}); len(got) != 1 || got[0].Check != "telnet" {
			t.Errorf("asset b: %+v", got)
		}

		// A host the run did not see, and a finished run, are refused.
		run4 := beginRun(t, s, Run{})
		if err := s.RecordCheckFindings(ctx, run4, []HostChecks{{Host: "10.9.0.77", Findings: []CheckFinding{cf("telnet", "high")}}}); err == nil ||
			!strings.Contains(err.Error(), "not sighted") {
			t.Errorf("unsighted host: %v", err)
		}
		if err := s.RecordCheckFindings(ctx, run1, []HostChecks{{Host: a.name}}); err == nil || !strings.Contains(err.Error(), "not running") {
			t.Errorf("finished run: %v", err)
		}
	})
}

// Check findings follow a merge to the surviving asset, and survive an
// export and import.
func TestCheckFindingsMergeAndExport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := host{name: "10.9.1.1", ip: "10.9.1.1", mac: "00:11:22:33:55:01"}
		b := host{name: "10.9.1.2", ip: "10.9.1.2", kv: []string{"inventory.serial", "SN-CHECK-0001"}}
		run1 := checkScan(t, s, []host{a, b}, []HostChecks{
			{Host: a.name, Findings: []CheckFinding{cf("telnet", "high"), cf("ftp", "medium")}},
			{Host: b.name, Findings: []CheckFinding{cf("telnet", "high"), cf("rtsp", "low")}},
		})
		// One host shows both the MAC and the serial: the assets merge.
		c := host{name: "10.9.1.3", ip: "10.9.1.3", mac: "00:11:22:33:55:01", kv: []string{"onvif.serial", "SN-CHECK-0001"}}
		run2 := checkScan(t, s, []host{c}, nil)
		survivor := assetOf(t, s, run2, c.name)
		got, err := s.CheckFindings(ctx, CheckFindingFilter{IncludeInactive: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("after merge: %+v", got)
		}
		for _, f := range got {
			if f.AssetID != survivor || f.FirstRun != run1 {
				t.Errorf("after merge: %+v (survivor %d)", f, survivor)
			}
		}
		dump := exportString(t, s)
		var other *Store
		if s.Backend() == BackendSQLite {
			other = openSQLiteTest(t)
		} else {
			other = openPostgresTest(t)
		}
		if err := other.Import(ctx, strings.NewReader(dump), "restorer"); err != nil {
			t.Fatal(err)
		}
		if again := dropImportAudit(exportString(t, other)); again != dump {
			t.Error("export of the import differs")
		}
	})
}

// TestCheckRunMigration upgrades a store made before runs of kind check
// (migration 6 rebuilds SQLite's runs table): what was there survives, the
// other tables' foreign keys still bind to runs, and a check run over stored
// evidence records and clears findings by asset.
func TestCheckRunMigration(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "inventory.db") },
		"postgres": func(t *testing.T) string { return postgresTestDSN(t) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dsn := dsns[name](t)
			old, err := open(ctx, dsn, 5)
			if err != nil {
				t.Fatal(err)
			}
			a := host{name: "10.9.1.1", ip: "10.9.1.1", mac: "00:11:22:33:45:01"}
			if _, err := old.BeginRun(ctx, Run{Kind: RunCheck}); err == nil {
				t.Error("version 5 accepted a run of kind check")
			}
			scan := checkScan(t, old, []host{a}, []HostChecks{{Host: a.name, Ran: []string{"telnet"}, Findings: []CheckFinding{cf("telnet", "high")}}})
			old.Close()

			s := openTest(t, dsn, 0)
			if r, err := s.Run(ctx, scan); err != nil || r.Kind != RunScan || r.Status != RunComplete {
				t.Fatalf("scan run after the upgrade: %+v, %v", r, err)
			}
			list, err := s.CheckFindings(ctx, CheckFindingFilter{})
			if err != nil || len(list) != 1 || !list[0].Active || list[0].FirstRun != scan {
				t.Fatalf("findings after the upgrade: %+v, %v", list, err)
			}
			if _, err := s.w.ExecContext(ctx, `UPDATE check_findings SET last_run_id = 999999`); err == nil {
				t.Error("check_findings.last_run_id accepted a run that does not exist: its foreign key no longer binds to runs")
			}
			seen := t0.Add(-48 * time.Hour)
			run := beginRun(t, s, Run{Kind: RunCheck})
			if err := s.RecordCheckFindings(ctx, run, []HostChecks{{AssetID: list[0].AssetID, Seen: seen, Ran: []string{"telnet", "snmp"},
				Findings: []CheckFinding{cf("snmp", "medium")}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishRun(ctx, run, RunComplete, RunCounts{Hosts: 1}); err != nil {
				t.Fatal(err)
			}
			after, err := s.CheckFindings(ctx, CheckFindingFilter{IncludeInactive: true})
			if err != nil {
				t.Fatal(err)
			}
			got := byCheck(after)
			if f := got[a.name+" telnet"]; f.Active || f.ClearedRun != run {
				t.Errorf("a check run that no longer finds telnet: %+v", f)
			}
			if f := got[a.name+" snmp"]; !f.Active || f.FirstRun != run || !f.LastSeen.Equal(seen) {
				t.Errorf("a check run's new finding: %+v, want last seen %v (the evidence's time)", f, seen)
			}
		})
	}
}
