package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/config"
	"github.com/coveredtool/covered/internal/report"
	"github.com/coveredtool/covered/internal/store"
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// readJSONL decodes every line of a testdata file into a T.
func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

// scenarioClock is the store's clock in the scenario: each step sets the
// scenario time, and every time the store stamps after it is that time plus
// one second per earlier stamp of the step.
type scenarioClock struct {
	at   time.Time
	tick time.Duration
}

func (c *scenarioClock) step(at string) { c.at, c.tick = mustTime(at), 0 }

func (c *scenarioClock) now() time.Time {
	t := c.at.Add(c.tick)
	c.tick += time.Second
	return t
}

// reportStore builds, through the store API, a month of work over the
// example network: two scans, a DHCP import, remediation (a replacement a
// later scan verifies, an accepted risk, a false positive) and an
// interrupted scan. The store's clock is the scenario's (scenarioClock), so
// that every time a report shows is fixed.
func reportStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "report.db")
	var clock scenarioClock
	st, err := store.Open(ctx, path, store.WithClock(clock.now))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	obs := readJSONL[covered.Observation](t, "testdata/report/observations.jsonl")
	ids := readJSONL[covered.Identification](t, "testdata/report/identifications.jsonl")
	var checks []store.HostChecks // recorded by the next run, then cleared
	run := func(at string, r store.Run, status store.RunStatus, hosts ...string) int64 {
		t.Helper()
		clock.step(at)
		r.Started, r.User, r.Machine = mustTime(at), "jdoe", "scanner-1"
		r.ToolVersion, r.RulesVersion, r.ListsVersion = "0.9.0", ids[0].RulesVersion, ids[0].ListsVersion
		id, err := st.BeginRun(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		var o []covered.Observation
		var idents []covered.Identification
		for i, x := range obs {
			if slices.Contains(hosts, x.Host) {
				x.Seen = mustTime(at).Add(time.Duration(i) * time.Second)
				o = append(o, x)
			}
		}
		for _, x := range ids {
			if slices.Contains(hosts, x.Host) {
				idents = append(idents, x)
			}
		}
		if err := st.Ingest(ctx, id, o, idents); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordCheckFindings(ctx, id, checks); err != nil {
			t.Fatal(err)
		}
		checks = nil
		clock.step(mustTime(at).Add(20 * time.Minute).Format(time.RFC3339))
		if _, err := st.FinishRun(ctx, id, status, store.RunCounts{}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	finding := map[string]int64{}
	findings := func() {
		fs, err := st.Findings(ctx, store.FindingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			finding[f.IP+f.CoveredEntity] = f.ID
		}
	}
	remediate := func(at, key string, c store.RemediationChange) {
		t.Helper()
		clock.step(at)
		if _, err := st.SetRemediation(ctx, finding[key], c, "asmith"); err != nil {
			t.Fatalf("remediate %s: %v", key, err)
		}
	}
	str := func(s string) *string { return &s }
	day := func(s string) *time.Time { t := mustTime(s); return &t }

	// Scans span several sites, so they have none (as siteOf decides).
	scan1 := store.Run{Kind: store.RunScan, Scope: []string{"10.20.0.0/23"}, Exclusions: []string{"10.20.1.128/25"}, Ports: "default"}
	run("2024-03-04T09:00:00Z", scan1, store.RunComplete, "10.20.0.1", "10.20.1.15", "10.20.1.40", "10.20.0.2", "10.20.1.60", "10.20.0.254", "10.20.1.70")
	findings()
	remediate("2024-03-05T10:00:00Z", "10.20.0.1Huawei", store.RemediationChange{State: store.StateReplacing, Owner: str("net-ops"),
		Due: day("2024-04-30T00:00:00Z"), Ticket: str("CHG-1001"), Notes: str("replacement switch ordered")})
	remediate("2024-03-06T10:00:00Z", "10.20.1.15Hikvision", store.RemediationChange{State: store.StateReplaced, Owner: str("facilities"), Ticket: str("CHG-1002")})
	imp := store.Run{Kind: store.RunImport, Site: "clients", Options: map[string]any{"format": "dhcp", "sources": []string{"dhcpd.leases"}}}
	run("2024-03-11T08:00:00Z", imp, store.RunComplete, "10.40.2.17", "10.40.2.18", "10.40.2.99", "ws-0042")
	findings()
	remediate("2024-03-12T10:00:00Z", "10.40.2.18Huawei", store.RemediationChange{State: store.StateAcceptedRisk,
		Reason: str("personal phone on the guest network"), Expires: day("2099-01-01T00:00:00Z")})
	remediate("2024-03-12T11:00:00Z", "10.20.1.40Dahua", store.RemediationChange{State: store.StateFalsePositive,
		Reason: str("bench sample, asset tag shows a non-Dahua OEM")})
	scan2 := scan1
	scan2.Scope = []string{"10.20.0.0/23", "10.30.0.0/24"}
	// The second scan ran security checks too: two findings.
	checks = []store.HostChecks{
		{Host: "10.20.0.1", Ran: []string{"cleartext-snmp-v1v2c"}, Findings: []store.CheckFinding{{
			Check: "cleartext-snmp-v1v2c", Title: "SNMP v1/v2c answers (community string in cleartext)", Severity: "medium",
			SideEffect: "none", Evidence: []store.CheckEvidence{{Key: "snmp.sysdescr", Value: "S5720-28X-LI-AC", Port: 161}},
			Advice: "Disable SNMP v1/v2c, use SNMPv3 with authentication and privacy, and change default communities.", Source: "shared/domain cves_safe_checks.csv"}}},
		{Host: "10.20.1.40", Ran: []string{"dahua-cve-2021-33044-33045-family"}, Findings: []store.CheckFinding{{
			Check: "dahua-cve-2021-33044-33045-family", Title: "Dahua model family named in the CVE-2021-33044/33045 login-bypass advisory",
			Severity: "high", CVEs: []string{"CVE-2021-33044", "CVE-2021-33045"}, KEV: true, KEVDateAdded: "2024-08-21",
			SideEffect: "none", Evidence: []store.CheckEvidence{{Key: "model", Value: "IPC-HDW2431T-AS-S2"}},
			Advice: "Compare the firmware with Dahua's advisory for CVE-2021-33044/33045 and update.", Source: "shared/domain cves_safe_checks.csv"}}},
	}
	run("2024-03-18T09:00:00Z", scan2, store.RunComplete, "10.20.0.1", "10.20.1.40", "10.20.0.254", "10.30.0.1")
	scan3 := store.Run{Kind: store.RunScan, Scope: []string{"10.30.0.0/16"}, Ports: "default"}
	run("2024-04-20T09:00:00Z", scan3, store.RunInterrupted, "10.30.0.1")
	return path
}

// TestReportGolden renders every kind as HTML, CSV and JSON from the
// scenario store and compares with testdata/report/*.golden (go test
// ./internal/cli -run Report -update rewrites them). It also checks that
// PDF and XLSX come out byte-identical twice.
func TestReportGolden(t *testing.T) {
	db := reportStore(t)
	base := []string{"--db", db, "--config", "testdata/report/config.yaml", "report", "-o", "-"}
	for _, kind := range report.Kinds() {
		for _, format := range []report.Format{report.FormatHTML, report.FormatCSV, report.FormatJSON} {
			name := fmt.Sprintf("%s.%s", kind, format)
			t.Run(name, func(t *testing.T) {
				args := append(slices.Clone(base), "--kind", string(kind), "--format", string(format))
				if kind == report.Kind889 {
					args = append(args, "--contract", "testdata/report/contract.yaml")
				}
				code, out, stderr := run(t, "", args...)
				if code != ExitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				checkGolden(t, filepath.Join("testdata", "report", name+".golden"), out)
			})
		}
	}
	for _, format := range []string{"pdf", "xlsx"} {
		t.Run(format+" reproducible", func(t *testing.T) {
			dir := t.TempDir()
			var got [2][]byte
			for i := range got {
				path := filepath.Join(dir, fmt.Sprintf("r%d.%s", i, format))
				if code, _, stderr := run(t, "", "--db", db, "--config", "testdata/report/config.yaml", "report", "--kind", "889", "-o", path); code != ExitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				var err error
				if got[i], err = os.ReadFile(path); err != nil {
					t.Fatal(err)
				}
			}
			if len(got[0]) == 0 || !bytes.Equal(got[0], got[1]) {
				t.Errorf("two %s reports of the same store differ (%d and %d bytes)", format, len(got[0]), len(got[1]))
			}
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run Report -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/cli -run Report -update after checking the change):\n%s", path, firstDiff(string(want), got))
	}
}

// TestReportData checks the parts of the data that the goldens show only
// as text: scope by run, site and time, the trend and the gaps.
func TestReportData(t *testing.T) {
	db := reportStore(t)
	cfgArgs := []string{"--db", db, "--config", "testdata/report/config.yaml", "report", "--format", "json", "--kind", "inventory"}
	inventory := func(t *testing.T, extra ...string) (assets []string, findings []string, trend []report.TrendPoint, generated time.Time) {
		t.Helper()
		code, out, stderr := run(t, "", append(slices.Clone(cfgArgs), extra...)...)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var m struct {
			Generated time.Time `json:"generated"`
			Assets    []struct {
				IP string `json:"ip"`
			} `json:"assets"`
			Findings []struct {
				ID          string `json:"id"`
				Remediation struct {
					State string `json:"state"`
				} `json:"remediation"`
			} `json:"findings"`
			Trend []report.TrendPoint `json:"trend"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		for _, a := range m.Assets {
			assets = append(assets, a.IP)
		}
		for _, f := range m.Findings {
			findings = append(findings, f.Remediation.State)
		}
		slices.Sort(assets)
		slices.Sort(findings)
		return assets, findings, m.Trend, m.Generated
	}
	t.Run("everything", func(t *testing.T) {
		assets, states, trend, gen := inventory(t)
		if len(assets) != 12 {
			t.Errorf("%d assets, want the 12 hosts of the example: %v", len(assets), assets)
		}
		want := []string{"accepted_risk", "false_positive", "open", "open", "replaced_verified", "replacing"}
		if !slices.Equal(states, want) {
			t.Errorf("finding states %v, want %v", states, want)
		}
		if want := mustTime("2024-04-20T09:20:00Z"); !gen.Equal(want) {
			t.Errorf("generated %s, want the last run's end %s", gen, want)
		}
		// Days: 03-04 Huawei, Hikvision, Dahua open; 03-11 the phone and
		// Kaspersky join, Hikvision is replaced; 03-18 and later the
		// accepted risk and the false positive are no longer open.
		var got []string
		for _, p := range trend {
			got = append(got, fmt.Sprintf("%s=%d", p.Date.Format(time.DateOnly), p.Open))
		}
		wantTrend := []string{"2024-03-04=3", "2024-03-11=4", "2024-03-18=3", "2024-04-20=3"}
		if !slices.Equal(got, wantTrend) {
			t.Errorf("trend %v, want %v", got, wantTrend)
		}
	})
	t.Run("by run", func(t *testing.T) {
		assets, _, _, _ := inventory(t, "--run", "3")
		if want := []string{"10.20.0.1", "10.20.0.254", "10.20.1.40", "10.30.0.1"}; !slices.Equal(assets, want) {
			t.Errorf("run 3 assets %v, want %v", assets, want)
		}
	})
	t.Run("by site", func(t *testing.T) {
		assets, _, _, _ := inventory(t, "--site", "clients")
		if want := []string{"", "10.40.2.17", "10.40.2.18", "10.40.2.99"}; !slices.Equal(assets, want) {
			t.Errorf("site clients assets %v, want %v", assets, want)
		}
	})
	t.Run("until", func(t *testing.T) {
		assets, _, _, gen := inventory(t, "--until", "2024-03-05T00:00:00Z")
		if len(assets) != 7 {
			t.Errorf("%d assets first seen by 2024-03-05, want the 7 of the first scan: %v", len(assets), assets)
		}
		if want := mustTime("2024-03-05T00:00:00Z"); !gen.Equal(want) {
			t.Errorf("generated %s, want --until %s", gen, want)
		}
	})
	t.Run("gaps", func(t *testing.T) {
		code, out, stderr := run(t, "", "--db", db, "--config", "testdata/report/config.yaml", "report", "--kind", "inquiry", "--format", "json")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var m struct {
			Gaps []report.Gap `json:"gaps"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range m.Gaps {
			got = append(got, g.Kind+" "+g.What)
		}
		want := []string{
			"stale-site core",
			"unscanned-range 10.20.1.128/25 (site cameras)",
			"stale-site cameras",
			"unscanned-range 10.30.1.0/24, 10.30.2.0/23, 10.30.4.0/22, 10.30.8.0/21, 10.30.16.0/20, 10.30.32.0/19, 10.30.64.0/18, 10.30.128.0/17 (site pon)",
			"unscanned-range 10.40.2.0/24 (site clients)",
			"stale-site clients",
			"unscanned-range 192.168.50.0/24 (site warehouse)",
			"stale-site warehouse",
			"source-not-imported ARP tables",
			"source-not-imported asset inventories",
			"source-not-imported proxy logs",
		}
		if !slices.Equal(got, want) {
			t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestReportNoRuns: an empty store still gives a valid report, whose
// inquiry statement says nothing was examined.
func TestReportNoRuns(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	code, out, stderr := run(t, "", "--db", db, "report", "--kind", "inquiry", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "No scan, capture or import is recorded for this scope") {
		t.Errorf("inquiry of an empty store does not say so:\n%s", out)
	}
	if !strings.Contains(stderr, "no run is recorded in this scope") {
		t.Errorf("stderr %q does not warn about the empty scope", stderr)
	}
	code, _, stderr = run(t, "", "--db", db, "report", "--kind", "889", "--format", "csv")
	if code != ExitOK || !strings.Contains(stderr, "no --contract given") {
		t.Errorf("889 without --contract: exit %d, stderr %q; want 0 and a note", code, stderr)
	}
}

func TestReportErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"unknown kind", []string{"--kind", "audit"}, ExitUsage, `covered: --kind: unknown report kind "audit" (want inventory, 889 or inquiry)`},
		{"unknown format", []string{"--format", "docx"}, ExitUsage, `covered: --format: unknown report format "docx" (want html, pdf, csv, json or xlsx)`},
		{"binary to stdout", []string{"--format", "pdf"}, ExitUsage, "covered: --format pdf is binary: give -o FILE"},
		{"binary by extension", []string{"--format", "xlsx", "-o", "-"}, ExitUsage, "covered: --format xlsx is binary: give -o FILE"},
		{"bad run id", []string{"--run", "x1"}, ExitUsage, `covered: --run "x1": want a run id (see covered runs)`},
		{"missing run", []string{"--run", "7"}, ExitUsage, "covered: --run 7: no such run (see covered runs)"},
		{"bad since", []string{"--since", "yesterday"}, ExitUsage, `covered: --since "yesterday": want RFC 3339 (2026-11-27T10:00:00Z), a date (2026-11-27) or a duration ago (72h)`},
		{"until before since", []string{"--since", "2024-03-02", "--until", "2024-03-01"}, ExitUsage, "covered: --until 2024-03-01 is before --since 2024-03-02"},
		{"missing contract", []string{"--contract", "testdata/report/nope.yaml"}, ExitUsage, "covered: --contract: load contract: open testdata/report/nope.yaml: no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, "", append([]string{"--db", db, "report"}, tc.args...)...)
			if first, _, _ := strings.Cut(stderr, "\n"); code != tc.code || first != tc.err {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, first, tc.code, tc.err)
			}
		})
	}
}

// TestReportFormatFromExtension: -o report.json writes JSON without
// --format, and the file appears only when the report is complete.
func TestReportFormatFromExtension(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	if code, _, stderr := run(t, "", "--db", filepath.Join(dir, "s.db"), "report", "-o", out); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) {
		t.Errorf("-o r.json did not write JSON: %.80s", data)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestDemoReport: the demo writes the full inventory report of a store of
// its own (never the default inventory) and the store it was given with --db.
func TestDemoReport(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "demo.html")
	start := time.Now()
	code, _, stderr := run(t, "", "demo", "-q", "--base", "127.37.0.1", "--device", "hikvision-ipc", "--device", "cisco-router", "--report", page)
	if code != ExitOK {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	t.Logf("demo took %s", time.Since(start))
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"covered demo: device lab scan", "Hikvision", "Findings", "127.37.0.1"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("demo report lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_DATA_HOME"), "covered", "covered.db")); err == nil {
		t.Error("the demo wrote into the default inventory")
	}
	db := filepath.Join(dir, "demo.db")
	if code, _, stderr := run(t, "", "--db", db, "demo", "-q", "--base", "127.37.0.1", "--device", "hikvision-ipc", "--report", page); code != ExitOK {
		t.Fatalf("demo --db exit %d: %s", code, stderr)
	}
	if code, out, stderr := run(t, "", "--db", db, "runs", "--format", "csv"); code != ExitOK || strings.Count(out, "\n") != 2 {
		t.Errorf("runs of the demo store: exit %d, %q %s; want one run", code, out, stderr)
	}
}

// BenchmarkReportLarge builds a store of 100,000 assets (10% flagged, two
// scans) through the store API, then times building the report data and
// rendering the HTML inventory from it:
//
//	go test ./internal/cli -run '^$' -bench ReportLarge -benchtime 1x
func BenchmarkReportLarge(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "large.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const hosts, batch = 100_000, 2000
	base := mustTime("2026-06-01T00:00:00Z")
	for visit := range 2 {
		run, err := st.BeginRun(ctx, store.Run{Kind: store.RunScan, Scope: []string{"10.0.0.0/8"}, Started: base.AddDate(0, 0, 7*visit)})
		if err != nil {
			b.Fatal(err)
		}
		for off := 0; off < hosts; off += batch {
			var obs []covered.Observation
			var ids []covered.Identification
			for i := off; i < off+batch; i++ {
				ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
				mac := fmt.Sprintf("00:1b:54:%02x:%02x:%02x", i>>16&255, i>>8&255, i&255)
				seen := base.AddDate(0, 0, 7*visit)
				obs = append(obs, covered.Observation{Host: ip, Key: "mac", Value: mac, Seen: seen, IP: ip, MAC: mac},
					covered.Observation{Host: ip, Key: "ssh.banner", Value: "SSH-2.0-HUAWEI-1.5", Port: 22, Transport: "tcp", Seen: seen, IP: ip})
				id := covered.Identification{Host: ip, Status: covered.StatusNotCovered, Manufacturer: "Cisco", Model: "C9200",
					DeviceType: "switch", Confidence: 0.9, Rationale: "bench", RulesVersion: "r1", ListsVersion: "l1"}
				if i%10 == 0 {
					id.Status, id.CoveredEntity, id.Manufacturer, id.Regimes = covered.StatusCovered, "Huawei", "Huawei", []string{"fcc-covered-list", "ndaa-889"}
				}
				ids = append(ids, id)
			}
			if err := st.Ingest(ctx, run, obs, ids); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.FinishRun(ctx, run, store.RunComplete, store.RunCounts{}); err != nil {
			b.Fatal(err)
		}
	}
	cfg := &config.Config{}
	for b.Loop() {
		start := time.Now()
		d, err := buildReportData(ctx, st, cfg, reportScope{})
		if err != nil {
			b.Fatal(err)
		}
		built := time.Since(start)
		var n countingWriter
		if err := report.Render(&n, report.KindInventory, report.FormatHTML, d); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(built.Seconds(), "data-s")
		b.ReportMetric(time.Since(start).Seconds(), "total-s")
		b.ReportMetric(float64(len(d.Assets)), "assets")
		b.ReportMetric(float64(n)/1e6, "MB")
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// TestReportFindingDates sets a finding's FAR 52.204-25(d)(2) report dates
// with `covered finding set` and checks that the 889 report shows them
// instead of calling the reports overdue.
func TestReportFindingDates(t *testing.T) {
	db := reportStore(t)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--reported", "yesterday"}, `covered: --reported "yesterday": want a date like 2027-01-31 or a time like 2027-01-31T14:00:00Z`},
		{[]string{"--follow-up", "2024-03-15"}, "covered: store: set remediation of finding 1: follow_up: a follow-up report needs the date of the first report"},
	} {
		code, _, stderr := run(t, "", append([]string{"--db", db, "finding", "set", "1"}, tc.args...)...)
		if first, _, _ := strings.Cut(stderr, "\n"); code != ExitUsage || first != tc.stderr {
			t.Errorf("finding set %q: exit %d, stderr %q; want %d, %q", tc.args, code, stderr, ExitUsage, tc.stderr)
		}
	}
	if code, _, stderr := run(t, "", "--db", db, "finding", "set", "1", "--reported", "2024-03-05T08:00:00Z",
		"--follow-up", "2024-03-15T16:30:00Z"); code != ExitOK {
		t.Fatalf("finding set: exit %d: %s", code, stderr)
	}
	code, out, stderr := run(t, "", "--db", db, "--config", "testdata/report/config.yaml", "report", "--kind", "889",
		"--format", "json", "-o", "-")
	if code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	var doc struct {
		Items []struct {
			FindingID       string    `json:"finding_id"`
			Reported        time.Time `json:"reported"`
			ReportOverdue   bool      `json:"report_overdue"`
			FollowUp        time.Time `json:"follow_up"`
			FollowUpOverdue bool      `json:"follow_up_overdue"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range doc.Items {
		if it.FindingID != "1" {
			continue
		}
		found = true
		if !it.Reported.Equal(mustTime("2024-03-05T08:00:00Z")) || !it.FollowUp.Equal(mustTime("2024-03-15T16:30:00Z")) ||
			it.ReportOverdue || it.FollowUpOverdue {
			t.Errorf("finding 1 in the 889 report: %+v, want reported 2024-03-05T08:00Z and follow-up 2024-03-15T16:30Z, neither overdue", it)
		}
	}
	if !found {
		t.Errorf("finding 1 is not in the 889 report:\n%s", out)
	}
}
