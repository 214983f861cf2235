package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

// An inventory written by schema version 1 (before findings existed) is
// upgraded on Open, and the upgrade raises findings for what version 1
// already knew to be covered.
func TestMigrateFromVersion1(t *testing.T) {
	for _, backend := range []string{BackendSQLite, BackendPostgres} {
		t.Run(backend, func(t *testing.T) {
			var dsn string
			if backend == BackendSQLite {
				dsn = filepath.Join(t.TempDir(), "old.db")
			} else {
				dsn = postgresTestDSN(t)
			}
			ctx := context.Background()
			old, err := open(ctx, dsn, 1)
			if err != nil {
				t.Fatal(err)
			}
			tv := old.d.tv
			tx, err := old.w.BeginTx(ctx, nil) // the asset/identification references resolve at commit
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO runs (kind, status, actor, machine, started_at) VALUES ('scan', 'complete', 'old', 'box', ?)`, []any{tv(t0)}},
				{`INSERT INTO assets (id, first_seen, last_seen, first_run_id, last_run_id, last_host, last_ip, status,
					covered_entity, manufacturer, identification_id) VALUES (1, ?, ?, 1, 1, '10.0.0.1', '10.0.0.1', 'covered', 'Huawei', 'Huawei', 1)`,
					[]any{tv(t0), tv(t0)}},
				{`INSERT INTO assets (id, first_seen, last_seen, first_run_id, last_run_id, last_host, status)
					VALUES (2, ?, ?, 1, 1, '10.0.0.2', 'not_covered')`, []any{tv(t0), tv(t0)}},
				{`INSERT INTO identifications (id, asset_id, run_id, host, at, status, covered_entity, manufacturer, body)
					VALUES (1, 1, 1, '10.0.0.1', ?, 'covered', 'Huawei', 'Huawei', '{"host":"10.0.0.1","status":"covered"}')`, []any{tv(t0)}},
				{`INSERT INTO asset_sightings (run_id, asset_id, host, ip, first_seen, last_seen) VALUES (1, 1, '10.0.0.1', '10.0.0.1', ?, ?)`,
					[]any{tv(t0), tv(t0)}},
			} {
				if _, err := tx.ExecContext(ctx, old.d.rebind(q.sql), q.args...); err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if _, err := old.w.ExecContext(ctx, `SELECT * FROM findings`); err == nil {
				t.Fatal("version 1 already has findings")
			}
			old.Close()

			s := openTest(t, dsn, 0)
			fs, err := s.Findings(ctx, FindingFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 1 || fs[0].AssetID != 1 || fs[0].CoveredEntity != "Huawei" || fs[0].Remediation.State != StateOpen || fs[0].FirstRun != 1 {
				t.Fatalf("findings after upgrade = %+v", fs)
			}
			h, _ := s.RemediationHistory(ctx, fs[0].ID)
			if len(h) != 1 || h[0].Actor != "migration" {
				t.Errorf("history after upgrade = %+v", h)
			}
			// The upgraded store takes new runs.
			run, _ := doScan(t, s, Run{}, []host{{name: "10.0.0.1", ip: "10.0.0.1"}}, nil)
			if a := assetOf(t, s, run, "10.0.0.1"); a != 1 {
				t.Errorf("old asset not matched by address: got asset %d", a)
			}
		})
	}
}

// A reader never waits for a scan: while a long ingest commits batch after
// batch, listing assets and findings keeps answering.
func TestReaderDuringIngest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		run := beginRun(t, s, Run{})
		var done atomic.Bool
		var ingestErr error
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done.Store(true)
			for b := range 12 {
				var obs []covered.Observation
				var ids []covered.Identification
				for i := b * 400; i < (b+1)*400; i++ {
					o, id := benchHost(i, 0, 10, t0)
					obs, ids = append(obs, o...), append(ids, id)
				}
				if ingestErr = s.Ingest(ctx, run, obs, ids); ingestErr != nil {
					return
				}
			}
		}()
		reads, worst := 0, time.Duration(0)
		for !done.Load() {
			start := time.Now()
			if _, err := s.Assets(ctx, AssetFilter{Status: []covered.Status{covered.StatusCovered}, Limit: 50, Sort: "-last_seen"}); err != nil {
				t.Fatalf("Assets during ingest: %v", err)
			}
			if _, err := s.Findings(ctx, FindingFilter{Limit: 50}); err != nil {
				t.Fatalf("Findings during ingest: %v", err)
			}
			reads++
			worst = max(worst, time.Since(start))
		}
		wg.Wait()
		if ingestErr != nil {
			t.Fatal(ingestErr)
		}
		if reads < 5 {
			t.Errorf("only %d reads completed during the ingest", reads)
		}
		if worst > 2*time.Second {
			t.Errorf("slowest read took %v during the ingest", worst)
		}
		t.Logf("%d reads during ingest, slowest %v", reads, worst)
	})
}

func TestRedact(t *testing.T) {
	in := map[string]any{
		"snmp_community": []any{"public", "s3cret"}, "SNMPCommunity": "x", "auth-password": "p", "api_token": "t",
		"client_secret": "c", "rate": 100, "nested": map[string]any{"ssh_passphrase": "pp", "user": "admin"},
		"list": []any{map[string]any{"token": "t2"}},
	}
	got := Redact(in)
	for _, k := range []string{"snmp_community", "SNMPCommunity", "auth-password", "api_token", "client_secret"} {
		if got[k] != Redacted {
			t.Errorf("%s = %v, want redacted", k, got[k])
		}
	}
	if got["rate"] != 100 || got["nested"].(map[string]any)["user"] != "admin" {
		t.Errorf("non-secrets changed: %v", got)
	}
	if got["nested"].(map[string]any)["ssh_passphrase"] != Redacted || got["list"].([]any)[0].(map[string]any)["token"] != Redacted {
		t.Errorf("nested secrets kept: %v", got)
	}
	if in["api_token"] != "t" {
		t.Error("Redact changed its input")
	}
}

// Secrets passed as run options never reach the database file.
func TestSecretsNotStored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "inv.db")
	s := openTest(t, path, 0)
	const planted = "Pl4nted-S3cret-Community"
	opts := map[string]any{"snmp_community": planted, "credentials": map[string]any{"password": planted + "-pw"}, "rate": 50}
	run := beginRun(t, s, Run{Options: Redact(opts)})
	run2 := beginRun(t, s, Run{Options: opts}) // BeginRun redacts even if the caller forgot
	for _, id := range []int64{run, run2} {
		r, err := s.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Options["snmp_community"] != Redacted || r.Options["rate"] != 50.0 {
			t.Errorf("stored options = %v", r.Options)
		}
	}
	s.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(planted)) {
			t.Errorf("%s contains the planted secret", filepath.Base(f))
		}
	}
}

func TestAssetFilters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		doScan(t, s, Run{Site: "hq"}, []host{
			{name: "10.12.0.1", ip: "10.12.0.1"}, {name: "10.12.1.1", ip: "10.12.1.1"}, {name: "2001:db8::1", ip: "2001:db8::1"},
		}, []covered.Identification{
			idOf("10.12.0.1", covered.StatusCovered, "Huawei", "Huawei"), notCovered("10.12.1.1", "Cisco"),
			idOf("2001:db8::1", covered.StatusSuspected, "ZTE", "ZTE"),
		})
		doScan(t, s, Run{Site: "branch"}, []host{{name: "10.12.0.2", ip: "10.12.0.2"}}, nil)
		cases := []struct {
			name string
			f    AssetFilter
			want []string // last IPs in order
		}{
			{"all", AssetFilter{}, []string{"10.12.0.1", "10.12.1.1", "2001:db8::1", "10.12.0.2"}},
			{"subnet v4", AssetFilter{Subnet: netip.MustParsePrefix("10.12.0.0/24")}, []string{"10.12.0.1", "10.12.0.2"}},
			{"subnet v6", AssetFilter{Subnet: netip.MustParsePrefix("2001:db8::/64")}, []string{"2001:db8::1"}},
			{"site", AssetFilter{Site: "branch"}, []string{"10.12.0.2"}},
			{"status", AssetFilter{Status: []covered.Status{covered.StatusCovered, covered.StatusSuspected}}, []string{"10.12.0.1", "2001:db8::1"}},
			{"entity", AssetFilter{Entity: "zte"}, []string{"2001:db8::1"}},
			{"sort ip desc", AssetFilter{Sort: "-ip", Limit: 2}, []string{"2001:db8::1", "10.12.1.1"}},
			{"sort status", AssetFilter{Sort: SortStatus, Limit: 2}, []string{"10.12.0.1", "2001:db8::1"}},
			{"offset", AssetFilter{Offset: 3}, []string{"10.12.0.2"}},
			{"seen since", AssetFilter{SeenSince: t0.Add(90 * time.Minute)}, []string{"10.12.0.2"}},
			{"seen until", AssetFilter{SeenUntil: t0.Add(90 * time.Minute), Site: "hq"}, []string{"10.12.0.1", "10.12.1.1", "2001:db8::1"}},
			{"first seen since", AssetFilter{FirstSince: t0.Add(90 * time.Minute)}, []string{"10.12.0.2"}},
			{"first seen until", AssetFilter{FirstUntil: t0.Add(90 * time.Minute), Status: []covered.Status{covered.StatusCovered}}, []string{"10.12.0.1"}},
		}
		for _, tc := range cases {
			got, err := s.Assets(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var ips []string
			for _, a := range got {
				ips = append(ips, a.LastIP)
			}
			if strings.Join(ips, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: %v, want %v", tc.name, ips, tc.want)
			}
		}
		if _, err := s.Assets(ctx, AssetFilter{Sort: "vendor"}); err == nil || !strings.Contains(err.Error(), `unknown sort "vendor"`) {
			t.Errorf("bad sort: %v", err)
		}
	})
}

// Kill test: a child process ingests batches into a SQLite file and says
// "committed N" after each commit; the parent SIGKILLs it at many different
// moments, then checks the file's integrity and that every reported batch is
// complete and no batch is partial.
const helperEnv = "COVERED_STORE_HELPER_DB"

const (
	killHosts    = 200 // hosts per batch
	killObsPer   = 10  // observations per host
	killBatchObs = killHosts * killObsPer
)

func TestHelperIngest(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process for TestKillDuringIngest")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	run, err := s.BeginRun(ctx, Run{Kind: RunScan, User: "kill-test"})
	if err != nil {
		fmt.Println("begin:", err)
		os.Exit(3)
	}
	fmt.Printf("run %d\n", run)
	for b := 0; ; b++ {
		var obs []covered.Observation
		var ids []covered.Identification
		for i := range killHosts {
			o, id := benchHost(int(run)*100_000+b*killHosts+i, 0, killObsPer, t0)
			obs, ids = append(obs, o...), append(ids, id)
		}
		if err := s.Ingest(ctx, run, obs, ids); err != nil {
			fmt.Println("ingest:", err)
			os.Exit(3)
		}
		fmt.Printf("committed %d\n", b+1)
	}
}

func TestKillDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 24 child processes")
	}
	path := filepath.Join(t.TempDir(), "killed.db")
	const points = 24
	committed := map[int64]int{} // run -> batches reported committed
	for i := range points {
		// Spread the kill moments over opening, migrating, the first batch
		// and later batches; the odd offsets avoid lining up with batches.
		delay := time.Duration(i*i*3+i*17) * time.Millisecond
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperIngest$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		var run int64
		for l := range lines {
			switch {
			case strings.HasPrefix(l, "run "):
				run, _ = strconv.ParseInt(strings.TrimPrefix(l, "run "), 10, 64)
			case strings.HasPrefix(l, "committed "):
				n, _ := strconv.Atoi(strings.TrimPrefix(l, "committed "))
				committed[run] = n
			case strings.HasPrefix(l, "open:"), strings.HasPrefix(l, "begin:"), strings.HasPrefix(l, "ingest:"):
				t.Fatalf("kill point %d: helper failed: %s", i, l)
			}
		}
		cmd.Wait()
		checkAfterKill(t, path, i, committed)
	}
	total := 0
	for _, n := range committed {
		total += n
	}
	t.Logf("%d kill points, %d runs, %d batches reported committed", points, len(committed), total)
	if total == 0 {
		t.Error("no kill point came after a committed batch")
	}
}

func checkAfterKill(t *testing.T, path string, point int, committed map[int64]int) {
	t.Helper()
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return // killed before the file was created
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("kill point %d: reopen: %v", point, err)
	}
	defer s.Close()
	var check string
	if err := s.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("kill point %d: integrity_check = %q, %v", point, check, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.stored_observations,
		(SELECT count(*) FROM observations o WHERE o.run_id = r.id),
		(SELECT count(*) FROM asset_sightings x WHERE x.run_id = r.id),
		(SELECT count(*) FROM identifications i WHERE i.run_id = r.id)
		FROM runs r`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var run, stored, obs, sightings, idents int64
		if err := rows.Scan(&run, &stored, &obs, &sightings, &idents); err != nil {
			t.Fatal(err)
		}
		batches := obs / killBatchObs
		if obs%killBatchObs != 0 || stored != obs || sightings != batches*killHosts || idents != batches*killHosts {
			t.Fatalf("kill point %d: run %d has %d observations (counter %d), %d sightings, %d identifications: a partial batch",
				point, run, obs, stored, sightings, idents)
		}
		// The child may die between a commit and its report, never the
		// other way round.
		if rep := int64(committed[run]); batches != rep && batches != rep+1 {
			t.Fatalf("kill point %d: run %d has %d batches, child reported %d", point, run, batches, rep)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
