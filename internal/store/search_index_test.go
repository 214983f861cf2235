package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	covered "github.com/coveredtool/covered"
)

// searchQueries are the queries the indexed search is held to the scan
// with: one, two, three and more characters; mixed case; addresses and
// MACs; LIKE's wildcards and escape, FTS5's quote, and the index
// separator; text beyond ASCII, whose case LIKE keeps in SQLite and ILIKE
// folds in PostgreSQL.
var searchQueries = []string{
	"a", "1", "_", "%", `\`, ":", "Ü",
	"1b", "%_", "Ab", "ca", "::", "ün",
	"10.", "c_l", "0%_", "HIK", ":fc", "cam", "CAM", "ünï", "ÜNÏ", "ωme", `"Qu`, "...", "a\x1fb",
	"cisco", "Cisco C9300", "00:e0:fc:00:00:01", "00:E0:FC", "44:19:B6:00:00:02", "10.0.0.1", "10.0.7.77", "10.0.3.6",
	"hikvision", "cam_lobby", "CAM-LOBBY", "100%_sure", "00:1B:54:00:09:0A and then some more text than thirty-two trigrams",
	"catalyst 9300 48-PORT PoE+ switch, Network Advantage license", `"Quoted" Inc`, `srv\back`, "fe80::1", "Branch_Office%1",
	"Huawei Technologies", "AR6120", "AR1220", "C9300", "lab δ", "Lab Δ", "nothing at all", "ds-2cd2142fwd-i",
}

// searchFilters are the lists each query is asked for: every filter that
// meets the search, the paths through the index (the id order, counts) and
// around it (a page in the last-seen order of a query matching most
// assets).
func searchFilters(q string) []AssetFilter {
	return []AssetFilter{
		{Search: q},
		{Search: q, IncludeMerged: true},
		{Search: q, Sort: "-last_seen", Limit: 3},
		{Search: q, Sort: "last_seen", Limit: 2, Offset: 1},
		{Search: q, Sort: "-id", Limit: 4},
		{Search: q, Sort: "status"},
		{Search: q, Sort: "-ip", Limit: 5},
		{Search: q, Status: []covered.Status{covered.StatusCovered, covered.StatusSuspected}},
		{Search: q, Site: "Branch_Office%1"},
	}
}

// compareSearch checks that every query of searchQueries lists and counts
// exactly the same assets, in the same order, through the search index as
// through the plain LIKE scan (the search as it was before it had an index),
// and returns the ids each query found (default filter).
func compareSearch(t *testing.T, s *Store, ref *Store) map[string][]int64 {
	t.Helper()
	ctx := context.Background()
	if !s.searchIndex || !ref.searchIndex {
		t.Fatalf("search index: %v, %v; want both", s.searchIndex, ref.searchIndex)
	}
	found := map[string][]int64{}
	for _, q := range searchQueries {
		for _, f := range searchFilters(q) {
			got, err := s.Assets(ctx, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			n, err := s.CountAssets(ctx, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			ref.searchIndex = false
			want, err := ref.Assets(ctx, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			wantN, err := ref.CountAssets(ctx, f)
			ref.searchIndex = true
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			if !slices.Equal(ids(got), ids(want)) || n != wantN {
				t.Errorf("search %q (sort %q, limit %d, offset %d, merged %v, status %v, site %q): indexed %v (count %d), scan %v (count %d)",
					q, f.Sort, f.Limit, f.Offset, f.IncludeMerged, f.Status, f.Site, ids(got), n, ids(want), wantN)
			}
			if f.Sort == "" && !f.IncludeMerged && f.Status == nil && f.Site == "" {
				found[q] = ids(got)
			}
		}
	}
	return found
}

func ids(as []Asset) []int64 {
	out := []int64{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// checkSearchIndex runs FTS5's integrity check, which for an
// external-content table compares the index with the assets it was made
// from (SQLite; PostgreSQL maintains its index itself).
func checkSearchIndex(t *testing.T, s *Store) {
	t.Helper()
	if s.d.postgres() {
		return
	}
	if _, err := s.w.Exec(`INSERT INTO assets_search (assets_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("search index out of step with assets: %v", err)
	}
}

func identification(host string, st covered.Status, entity, manufacturer, model string) covered.Identification {
	id := idOf(host, st, entity, manufacturer)
	id.Model = model
	return id
}

// searchFixture stores assets whose searchable columns hold a bit of
// everything: mixed case, MACs and addresses of both families, % _ \ and "
// in the data, text beyond ASCII, two sites, a merge, and a common word
// (Cisco) on most assets.
func searchFixture(t *testing.T, s *Store) {
	t.Helper()
	hosts := []host{
		{name: "10.0.0.1", ip: "10.0.0.1", mac: "00:E0:FC:00:00:01"},
		{name: "cam_lobby", ip: "10.0.1.3", mac: "44:19:b6:00:00:02"},
		{name: "CAM-LOBBY-2", ip: "10.0.1.4"},
		{name: "printer%floor_2", ip: "10.0.2.50"},
		{name: `srv\backslash`, ip: "10.0.2.51"},
		{name: "ünïcode-Gerät", ip: "10.0.2.52"},
		{name: "10.0.2.53", ip: "10.0.2.53"},
		{name: "fe80::1", ip: "fe80::1", mac: "aa:bb:cc:dd:ee:ff"},
		{name: "10.0.3.5", ip: "10.0.3.5", mac: "00:e0:fc:33:00:05"},
		{name: "10.0.3.6", ip: "10.0.3.6", kv: []string{"inventory.serial", "SN-33-0006"}},
		{name: "a\x1fb", ip: "10.0.2.54"},
	}
	ids := []covered.Identification{
		identification("10.0.0.1", covered.StatusCovered, "Huawei", "Huawei", "AR1220"),
		identification("cam_lobby", covered.StatusCovered, "Hikvision", "Hikvision", "DS-2CD2142FWD-I"),
		identification("CAM-LOBBY-2", covered.StatusNotCovered, "", "Axis", "M3045-V"),
		identification("printer%floor_2", covered.StatusNotCovered, "", "HP", "LaserJet 100%_sure"),
		identification(`srv\backslash`, covered.StatusNotCovered, "", `Acme "Quoted" Inc.`, ""),
		identification("ünïcode-Gerät", covered.StatusNotCovered, "", "Gerätebau", "Ωmega"),
		identification("10.0.2.53", covered.StatusSuspected, "", "ÜNÏ Systems", "X1"),
		identification("fe80::1", covered.StatusNotCovered, "", "Cisco", "Catalyst 9300 48-port PoE+ switch, Network Advantage license"),
		notCovered("10.0.3.5", "Huawei"),
		notCovered("10.0.3.6", "Huawei"),
		notCovered("a\x1fb", "Cisco"),
	}
	for i := range 14 {
		name := fmt.Sprintf("10.0.9.%d", i+1)
		hosts = append(hosts, host{name: name, ip: name, mac: fmt.Sprintf("00:1b:54:00:09:%02x", i+1)})
		ids = append(ids, identification(name, covered.StatusNotCovered, "", "Cisco", "C9300-48P"))
	}
	doScan(t, s, Run{Scope: []string{"10.0.0.0/8"}}, hosts, ids)
	// Another site: new assets of their own.
	doScan(t, s, Run{Site: "Branch_Office%1", Scope: []string{"10.0.0.0/8"}}, []host{
		{name: "10.0.0.1", ip: "10.0.0.1", mac: "00:e0:fc:00:00:99"},
		{name: "branch-cam", ip: "10.0.1.3"},
	}, []covered.Identification{
		notCovered("10.0.0.1", "Cisco"), identification("branch-cam", covered.StatusCovered, "Hikvision", "Hikvision", "DS-2CD"),
	})
}

// searchChanges changes the searchable columns the ways the store does:
// an asset moves address (matched by MAC) and is identified anew, and two
// assets turn out to be one device (the merge leaves a tombstone).
func searchChanges(t *testing.T, s *Store) {
	t.Helper()
	doScan(t, s, Run{Scope: []string{"10.0.0.0/8"}}, []host{
		{name: "10.0.7.77", ip: "10.0.7.77", mac: "00:e0:fc:00:00:01"},
		{name: "10.0.3.7", ip: "10.0.3.7", mac: "00:e0:fc:33:00:05", kv: []string{"onvif.serial", "SN-33-0006"}},
	}, []covered.Identification{
		identification("10.0.7.77", covered.StatusCovered, "Huawei", "Huawei Technologies", "AR6120"),
		notCovered("10.0.3.7", "Huawei"),
	})
}

// TestAssetSearchIndexed: the indexed search finds exactly what the LIKE
// scan finds, for every kind of query and filter, as assets are added,
// change address and identification, merge, are edited and deleted, and
// after an export is imported into a new store.
func TestAssetSearchIndexed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		searchFixture(t, s)
		found := compareSearch(t, s, s)
		checkSearchIndex(t, s)
		pg := s.d.postgres()
		for q, want := range map[string]int{
			"cam_": 1, "CAM": 3, "100%_sure": 1, `"Quoted"`: 1, `\`: 1, "10.0.0.1": 2, "00:e0:fc:00:00:01": 1, "ds-2cd": 2,
			"Branch_Office%1": 2, "cisco": 17, "catalyst 9300 48-PORT PoE+ switch, Network Advantage license": 1, "ünï": map[bool]int{false: 1, true: 2}[pg], "ÜNÏ": map[bool]int{false: 1, true: 2}[pg],
		} {
			if n, err := s.CountAssets(ctx, AssetFilter{Search: q}); err != nil || n != want {
				t.Errorf("search %q: %d assets (%v), want %d", q, n, err, want)
			}
		}

		searchChanges(t, s)
		after := compareSearch(t, s, s)
		checkSearchIndex(t, s)
		moved := found["00:e0:fc:00:00:01"]
		if len(moved) != 1 || !slices.Equal(after["10.0.7.77"], moved) || !slices.Equal(after["AR6120"], moved) ||
			len(after["AR1220"]) != 0 || slices.Contains(after["10.0.0.1"], moved[0]) {
			t.Errorf("asset %v after its move: 10.0.7.77 finds %v, AR6120 %v, AR1220 %v, 10.0.0.1 %v",
				moved, after["10.0.7.77"], after["AR6120"], after["AR1220"], after["10.0.0.1"])
		}
		merged, err := s.Assets(ctx, AssetFilter{Search: "10.0.3.", IncludeMerged: true})
		if err != nil {
			t.Fatal(err)
		}
		var tombstones int
		for _, a := range merged {
			if a.MergedInto != 0 {
				tombstones++
				if slices.Contains(after["10.0.3."], a.ID) {
					t.Errorf("merged asset %d found without IncludeMerged", a.ID)
				}
			}
		}
		if tombstones != 1 {
			t.Errorf("search 10.0.3. with merged: %d tombstones, want 1", tombstones)
		}

		// Edits outside ingest: a searchable column, a column the index
		// does not hold, a new asset and its deletion.
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.w.ExecContext(ctx, s.d.rebind(q), args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Each searchable column alone, on assets of their own.
		cisco := after["C9300"]
		for i, col := range searchColumns {
			exec(`UPDATE assets SET `+col+` = ? WHERE id = ?`, "zq-"+col, cisco[i])
		}
		for i, col := range searchColumns {
			if got, err := s.Assets(ctx, AssetFilter{Search: "ZQ-" + col}); err != nil || !slices.Equal(ids(got), cisco[i:i+1]) {
				t.Errorf("search ZQ-%s: %v (%v), want %v", col, ids(got), err, cisco[i:i+1])
			}
		}
		checkSearchIndex(t, s)
		exec(`UPDATE assets SET site = 'Lab Δ' WHERE id = ?`, after["cam_lobby"][0])
		exec(`UPDATE assets SET last_seen = first_seen, confidence = 0.1 WHERE id = ?`, after["cam_lobby"][0])
		exec(`INSERT INTO assets (id, site, first_seen, last_seen, first_run_id, last_run_id, last_host, manufacturer)
			VALUES (1000, 'Lab Δ', ?, ?, 1, 1, 'short-lived', 'Cisco')`, s.d.tv(t0), s.d.tv(t0))
		for q, want := range map[string]int{"Lab Δ": 2, "lab δ": map[bool]int{false: 0, true: 2}[pg], "short-lived": 1} {
			if n, err := s.CountAssets(ctx, AssetFilter{Search: q}); err != nil || n != want {
				t.Errorf("search %q: %d assets (%v), want %d", q, n, err, want)
			}
		}
		compareSearch(t, s, s)
		exec(`DELETE FROM assets WHERE id = 1000`)
		final := compareSearch(t, s, s)
		checkSearchIndex(t, s)
		if slices.Contains(final["short-lived"], 1000) || slices.Contains(final["cisco"], 1000) {
			t.Errorf("deleted asset still found: %v", final["short-lived"])
		}

		// Export and import: the index is not exported, and the imported
		// store's search finds what the original's does.
		var other *Store
		if pg {
			other = openPostgresTest(t)
		} else {
			other = openSQLiteTest(t)
		}
		if err := other.Import(ctx, strings.NewReader(exportString(t, s)), "restorer"); err != nil {
			t.Fatal(err)
		}
		if dump := exportString(t, other); strings.Contains(dump, "assets_search") {
			t.Error("export holds the search index")
		}
		if imported := compareSearch(t, other, s); !mapsEqual(imported, final) {
			t.Errorf("imported store finds %v, want %v", imported, final)
		}
		checkSearchIndex(t, other)
	})
}

func mapsEqual(a, b map[string][]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestAssetSearchPlan: a search of three characters or more reads the
// search index; a shorter one does not. On PostgreSQL, where a table this
// small is quicker to scan, sequential scans are made to look expensive
// and merged assets included, so that the plan shows whether the index can
// answer the search's condition at all.
func TestAssetSearchPlan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		searchFixture(t, s)
		for q, indexed := range map[string]bool{"hikvision": true, "00:e0:fc": true, "cam_": true, "ca": false, "%": false} {
			for _, count := range []bool{false, true} {
				where, args := s.assetWhere(AssetFilter{Search: q, IncludeMerged: s.d.postgres()}, true)
				query := `SELECT ` + assetCols + ` FROM assets a` + whereClause(where) + ` ORDER BY a.id LIMIT 50`
				if count {
					query = `SELECT count(*) FROM assets a` + whereClause(where)
				}
				plan := explain(t, s, query, args)
				uses := strings.Contains(plan, "assets_search")
				if uses != indexed {
					t.Errorf("search %q (count %v): plan uses the index %v, want %v:\n%s", q, count, uses, indexed, plan)
				}
			}
		}
	})
}

// explain returns the plan of query: EXPLAIN QUERY PLAN for SQLite;
// PostgreSQL's EXPLAIN with sequential scans made to look expensive.
func explain(t *testing.T, s *Store, query string, args []any) string {
	t.Helper()
	ctx := context.Background()
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	prefix := "EXPLAIN QUERY PLAN "
	if s.d.postgres() {
		prefix = "EXPLAIN "
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(ctx, prefix+s.d.rebind(query), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// TestSearchIndexBackfill: migration 8 indexes the assets stored before it.
func TestSearchIndexBackfill(t *testing.T) {
	for _, backend := range []string{BackendSQLite, BackendPostgres} {
		t.Run(backend, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "old.db")
			if backend == BackendPostgres {
				dsn = postgresTestDSN(t)
			}
			old := openTest(t, dsn, 7)
			if old.searchIndex {
				t.Fatal("version 7 has a search index")
			}
			searchFixture(t, old)
			searchChanges(t, old)
			before := compareSearchScan(t, old)
			old.Close()

			s := openTest(t, dsn, 0)
			if got := compareSearch(t, s, s); !mapsEqual(got, before) {
				t.Errorf("after migration: %v, want %v", got, before)
			}
			checkSearchIndex(t, s)
		})
	}
}

// compareSearchScan returns what each query finds without an index.
func compareSearchScan(t *testing.T, s *Store) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for _, q := range searchQueries {
		got, err := s.Assets(context.Background(), AssetFilter{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		out[q] = ids(got)
	}
	return out
}

// TestAssetSearchWithoutTrigrams: on PostgreSQL, a role that may not
// install pg_trgm still migrates (without the index), and searches by
// scanning. It needs a database where pg_trgm is not installed, so it makes
// one, and a role without CREATE on it; it is skipped unless the test role
// may create both.
func TestAssetSearchWithoutTrigrams(t *testing.T) {
	base := os.Getenv("COVERED_TEST_POSTGRES")
	if base == "" {
		postgresTestDSN(t) // skips, or fails in CI
	}
	ctx := context.Background()
	admin, err := openPgx(base)
	if err != nil {
		t.Fatal(err)
	}
	// Closed after the cleanups below, which drop the role and database
	// through it (cleanups run after the test function's own defers).
	t.Cleanup(func() { admin.Close() })
	var may bool
	if err := admin.QueryRowContext(ctx, `SELECT rolsuper OR (rolcreaterole AND rolcreatedb) FROM pg_roles
		WHERE rolname = current_user`).Scan(&may); err != nil {
		t.Fatal(err)
	}
	if !may {
		t.Skip("the test role may not create roles and databases")
	}
	name := fmt.Sprintf("covered_notrgm_%d", os.Getpid())
	mustExec := func(db *sql.DB, q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	mustExec(admin, "DROP ROLE IF EXISTS "+name)
	mustExec(admin, "CREATE ROLE "+name+" LOGIN PASSWORD '"+name+"'")
	t.Cleanup(func() { cleanupExec(t, admin, "DROP ROLE IF EXISTS "+name) })
	mustExec(admin, "CREATE DATABASE "+name)
	t.Cleanup(func() { cleanupExec(t, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	mustExec(admin, "REVOKE CREATE ON DATABASE "+name+" FROM PUBLIC")

	adminURL, roleURL := pgURL(t, base, name, "", ""), pgURL(t, base, name, name, name)+"&search_path=inventory"
	other, err := openPgx(adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var installed int
	if err := other.QueryRowContext(ctx, `SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'`).Scan(&installed); err != nil {
		t.Fatal(err)
	}
	if installed > 0 {
		t.Skip("pg_trgm comes with every new database here (template1)")
	}
	mustExec(other, "CREATE SCHEMA inventory AUTHORIZATION "+name)
	other.Close()

	s := openTest(t, roleURL, 0)
	if s.searchIndex {
		t.Fatal("search index without pg_trgm")
	}
	searchFixture(t, s)
	for q, want := range map[string]int{"hikvision": 2, "cam_": 1, "cisco": 17, "ca": 4} {
		if n, err := s.CountAssets(ctx, AssetFilter{Search: q}); err != nil || n != want {
			t.Errorf("search %q: %d assets (%v), want %d", q, n, err, want)
		}
	}
}

// cleanupExec runs a cleanup statement, reporting a failure: a role or a
// database left behind outlives the test.
func cleanupExec(t *testing.T, db *sql.DB, q string) {
	if _, err := db.ExecContext(context.Background(), q); err != nil {
		t.Errorf("%s: %v", q, err)
	}
}

// pgURL is base with another database and, when set, user and password;
// its query (with at least sslmode) is kept, so more can follow with "&".
func pgURL(t *testing.T, base, db, user, password string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "prefer")
	}
	u.RawQuery = q.Encode()
	return u.String()
}
