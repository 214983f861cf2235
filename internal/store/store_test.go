package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

// forEachBackend runs fn against a fresh SQLite store and a fresh
// PostgreSQL schema, so that one suite pins the behaviour of both.
// PostgreSQL comes from COVERED_TEST_POSTGRES (see testdata/pg-setup.sh);
// without it the PostgreSQL half is skipped, except in CI (CI=true), where
// a missing database must fail the build rather than pass silently.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLiteTest(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgresTest(t)) })
}

func openSQLiteTest(t testing.TB) *Store {
	t.Helper()
	return openTest(t, filepath.Join(t.TempDir(), "sub", "inventory.db"), 0)
}

func openPostgresTest(t testing.TB) *Store {
	t.Helper()
	return openTest(t, postgresTestDSN(t), 0)
}

func openTest(t testing.TB, dsn string, version int64, opts ...Option) *Store {
	t.Helper()
	s, err := open(context.Background(), dsn, version, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var schemaSeq atomic.Int64

// postgresTestDSN creates a schema of its own for the test and returns a
// DSN whose search_path points at it; the schema is dropped afterwards.
func postgresTestDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("COVERED_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("COVERED_TEST_POSTGRES is not set; CI must test the PostgreSQL backend (run internal/store/testdata/pg-setup.sh)")
		}
		t.Skip("COVERED_TEST_POSTGRES not set; skipping PostgreSQL")
	}
	admin, err := openPgx(base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("covered_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// fixture helpers

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type host struct {
	name, ip, mac string
	kv            []string // key, value pairs
}

func (h host) obs(seen time.Time) []covered.Observation {
	var out []covered.Observation
	out = append(out, covered.Observation{Host: h.name, Key: "port.open", Value: "tcp/80", Source: "scan", Seen: seen, IP: h.ip, MAC: h.mac})
	for i := 0; i+1 < len(h.kv); i += 2 {
		out = append(out, covered.Observation{Host: h.name, Key: h.kv[i], Value: h.kv[i+1], Source: "scan", Seen: seen, IP: h.ip, MAC: h.mac})
	}
	return out
}

func idOf(host string, st covered.Status, entity, manufacturer string) covered.Identification {
	return covered.Identification{Host: host, Status: st, CoveredEntity: entity, Manufacturer: manufacturer,
		Confidence: 0.9, RulesVersion: "r1", ListsVersion: "l1", Regimes: []string{}, Review: []string{}}
}

func notCovered(host, manufacturer string) covered.Identification {
	return idOf(host, covered.StatusNotCovered, "", manufacturer)
}

func beginRun(t testing.TB, s *Store, r Run) int64 {
	t.Helper()
	if r.Kind == "" {
		r.Kind = RunScan
	}
	if r.User == "" {
		r.User = "tester"
	}
	id, err := s.BeginRun(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// doScan runs a complete scan over hosts with their identifications.
func doScan(t testing.TB, s *Store, r Run, hosts []host, ids []covered.Identification) (int64, FinishResult) {
	t.Helper()
	run := beginRun(t, s, r)
	var obs []covered.Observation
	seen := t0.Add(time.Duration(run) * time.Hour)
	for _, h := range hosts {
		obs = append(obs, h.obs(seen)...)
	}
	if err := s.Ingest(context.Background(), run, obs, ids); err != nil {
		t.Fatal(err)
	}
	res, err := s.FinishRun(context.Background(), run, RunComplete, RunCounts{})
	if err != nil {
		t.Fatal(err)
	}
	return run, res
}

// assetOf returns the asset the run's host was matched to.
func assetOf(t testing.TB, s *Store, run int64, hostName string) int64 {
	t.Helper()
	var id int64
	err := s.r.QueryRowContext(context.Background(), s.d.rebind(`SELECT asset_id FROM asset_sightings WHERE run_id = ? AND host = ?`),
		run, hostName).Scan(&id)
	if err != nil {
		t.Fatalf("asset of run %d host %s: %v", run, hostName, err)
	}
	return resolveAsset(t, s, id)
}

func resolveAsset(t testing.TB, s *Store, id int64) int64 {
	t.Helper()
	d, err := s.Asset(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func count(t testing.TB, s *Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.r.QueryRowContext(context.Background(), s.d.rebind(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestOpen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		want := BackendSQLite
		if strings.HasSuffix(t.Name(), "/postgres") {
			want = BackendPostgres
		}
		if s.Backend() != want {
			t.Errorf("Backend() = %q, want %q", s.Backend(), want)
		}
		runs, err := s.Runs(context.Background(), RunFilter{})
		if err != nil || len(runs) != 0 {
			t.Fatalf("Runs on a new store = %v, %v", runs, err)
		}
	})
}

func TestOpenRejectsNonFile(t *testing.T) {
	for _, dsn := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		if _, err := Open(context.Background(), dsn); err == nil || !strings.Contains(err.Error(), "want a file path") {
			t.Errorf("Open(%q) = %v, want a file path error", dsn, err)
		}
	}
}

func TestErrorsNameOperationAndSubject(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		run, _ := doScan(t, s, Run{}, []host{{name: "10.0.0.1", ip: "10.0.0.1"}}, nil)
		err := s.Ingest(ctx, run, host{name: "10.0.0.2"}.obs(t0), nil)
		if want := fmt.Sprintf("store: ingest run %d: run is complete, not running", run); err == nil || err.Error() != want {
			t.Errorf("ingest into a finished run: %v, want %q", err, want)
		}
		err = s.Ingest(ctx, 999, host{name: "10.0.0.2"}.obs(t0), nil)
		if !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "store: ingest run 999: ") {
			t.Errorf("ingest into a missing run: %v", err)
		}
		_, err = s.FinishRun(ctx, run, RunComplete, RunCounts{})
		if want := fmt.Sprintf("store: finish run %d: run is already complete", run); err == nil || err.Error() != want {
			t.Errorf("finish twice: %v, want %q", err, want)
		}
		if _, err := s.BeginRun(ctx, Run{Kind: "probe"}); err == nil || err.Error() != `store: begin run: kind "probe" is not scan, import, reidentify or check` {
			t.Errorf("bad kind: %v", err)
		}
	})
}

func TestWithClock(t *testing.T) {
	for _, backend := range []string{BackendSQLite, BackendPostgres} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			tick := t0.Add(123456789 * time.Nanosecond)
			clock := func() time.Time {
				tick = tick.Add(time.Second)
				return tick.In(time.FixedZone("EST", -5*3600))
			}
			dsn := filepath.Join(t.TempDir(), "clock.db")
			if backend == BackendPostgres {
				dsn = postgresTestDSN(t)
			}
			s := openTest(t, dsn, 0, WithClock(clock))
			run := beginRun(t, s, Run{})
			if err := s.Ingest(ctx, run, host{name: "10.0.0.1", ip: "10.0.0.1"}.obs(t0), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishRun(ctx, run, RunComplete, RunCounts{}); err != nil {
				t.Fatal(err)
			}
			r, err := s.Run(ctx, run)
			if err != nil {
				t.Fatal(err)
			}
			want := t0.Add(123456 * time.Microsecond)
			if !r.Started.Equal(want.Add(time.Second)) || r.Started.Location() != time.UTC {
				t.Errorf("started %v, want %v UTC (the first tick, to the microsecond)", r.Started, want.Add(time.Second))
			}
			if !r.Finished.After(r.Started) || r.Finished.Sub(want) > 10*time.Second {
				t.Errorf("finished %v, want a later tick of the clock after %v", r.Finished, r.Started)
			}
		})
	}
}
