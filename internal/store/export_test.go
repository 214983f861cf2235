package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

// fill builds a store with every kind of row: runs, merges, findings with
// remediation history, verification, identification changes, and
// observation values that are not text.
func fill(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	weird := host{name: "10.11.0.9", ip: "10.11.0.9", kv: []string{
		"http.body", "bin\x00ary\xff\xfe", "http.title", "hex:looks-encoded", "snmp.sysdescr", "Ünïcode ✓",
		"http.response", strings.Repeat("A", MaxValueBytes),
	}}
	doScan(t, s, Run{Scope: []string{"10.11.0.0/24"}, Options: map[string]any{"rate": 100.0, "profile": "safe"}}, []host{
		{name: "10.11.0.5", ip: "10.11.0.5", mac: "00:e0:fc:11:00:05"},
		{name: "10.11.0.6", ip: "10.11.0.6", kv: []string{"inventory.serial", "SN-11-0006-XYZ"}},
		weird,
	}, []covered.Identification{
		idOf("10.11.0.5", covered.StatusCovered, "Huawei", "Huawei"), idOf("10.11.0.6", covered.StatusCovered, "Huawei", "Huawei"),
		notCovered(weird.name, "Cisco"),
	})
	fs, _ := s.Findings(ctx, FindingFilter{})
	exp := time.Now().Add(30 * 24 * time.Hour)
	if _, err := s.SetRemediation(ctx, fs[0].ID, RemediationChange{State: StateAcceptedRisk, Reason: new("isolated"), Expires: &exp}, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetRemediation(ctx, fs[1].ID, RemediationChange{State: StateReplaced}, "bob"); err != nil {
		t.Fatal(err)
	}
	// Run 2 sees MAC and serial on one host (merge), misses nothing else.
	doScan(t, s, Run{Scope: []string{"10.11.0.0/24"}}, []host{
		{name: "10.11.0.7", ip: "10.11.0.7", mac: "00:e0:fc:11:00:05", kv: []string{"onvif.serial", "SN-11-0006-XYZ"}},
	}, []covered.Identification{idOf("10.11.0.7", covered.StatusSuspected, "Huawei", "Huawei")})
}

func exportString(t *testing.T, s *Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.Export(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// dropImportAudit removes the audit line Import adds about itself.
func dropImportAudit(dump string) string {
	var keep []string
	for _, l := range strings.SplitAfter(dump, "\n") {
		if !strings.Contains(l, `"action":"store.import"`) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

func TestExportRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		fill(t, s)
		dump := exportString(t, s)
		for _, want := range []string{`"table":"runs"`, `"table":"asset_merges"`, `"table":"remediations"`, `"table":"audit_log"`,
			`"value":"hex:62696e00617279fffe"`, `"value":"hex:6865783a6c6f6f6b732d656e636f646564"`, `"value":"Ünïcode ✓"`} {
			if !strings.Contains(dump, want) {
				t.Errorf("export lacks %s", want)
			}
		}
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
			t.Errorf("export of the import differs (%d vs %d bytes)", len(again), len(dump))
		}
		if err := other.Import(ctx, strings.NewReader(dump), "restorer"); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("second import: %v, want refusal", err)
		}
		// The restored store keeps working: ids continue after the restored ones.
		run, _ := doScan(t, other, Run{}, []host{{name: "10.11.0.99", ip: "10.11.0.99"}}, []covered.Identification{
			idOf("10.11.0.99", covered.StatusCovered, "ZTE", "ZTE")})
		if run <= 2 || assetOf(t, other, run, "10.11.0.99") <= 3 {
			t.Errorf("new run %d or asset reused a restored id", run)
		}
	})
}

// A SQLite inventory moves to PostgreSQL through Export and Import and
// exports byte for byte the same there.
func TestExportAcrossBackends(t *testing.T) {
	src := openSQLiteTest(t)
	dst := openPostgresTest(t)
	fill(t, src)
	dump := exportString(t, src)
	if err := dst.Import(context.Background(), strings.NewReader(dump), "migrator"); err != nil {
		t.Fatal(err)
	}
	if again := dropImportAudit(exportString(t, dst)); again != dump {
		a, b := strings.Split(dump, "\n"), strings.Split(again, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("line %d differs:\nsqlite:   %.300s\npostgres: %.300s", i+1, a[i], b[i])
			}
		}
		t.Fatalf("exports differ in length: %d vs %d lines", len(a), len(b))
	}
}

func TestImportRejectsBadInput(t *testing.T) {
	s := openSQLiteTest(t)
	for _, tc := range []struct{ in, want string }{
		{`{"table":"passwords","id":1}`, `line 1: unknown table "passwords"`},
		{`{"table":"runs","id":1}`, `line 1 (runs): column kind missing`},
		{`not json`, `line 1: invalid character`},
	} {
		err := s.Import(context.Background(), strings.NewReader(tc.in), "x")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Import(%s) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
