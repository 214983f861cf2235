package cli

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/store"
)

// TestScanKilledLosesNothing kills `covered scan` with SIGKILL at many
// moments while it records into the store, and checks after each kill that
// the database is intact, that every batch the scan reported committed is
// there in full, that no batch is there in part, and that the next scan
// records normally into the same database.
func TestScanKilledLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab two dozen times")
	}
	l := startTestLab(t, "127.34.0.1", false)
	db := filepath.Join(t.TempDir(), "killed.db")
	args := append([]string{"scan", "-q", "--format", "jsonl", "--no-neighbor", "--db", db, "--timeout", "2s",
		"--connect-timeout", "1s", "--profile", "quick"}, labTargets(l)...)
	argsJSON, _ := json.Marshal(args)

	// Point i kills the scan right after its i-th committed batch (one host
	// per batch in the child), plus a few milliseconds that land the kill
	// in the middle of the next transaction now and then; point 0 kills it
	// before anything is committed. Progress, not wall time, decides, so a
	// busy machine does not change what is tested.
	const points = 24
	killed := 0
	for i := range points {
		jitter := time.Duration(i%4) * 3 * time.Millisecond
		committed, exited := runAndKill(t, argsJSON, i, jitter)
		if !exited {
			killed++
		}
		checkStore(t, db, i, committed)
	}
	if killed < 20 {
		t.Fatalf("only %d of %d runs were killed mid-scan; the lab has too few devices for this test", killed, points)
	}
	// After all that, a scan records normally.
	code, _, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("scan after the kills: exit %d: %s", code, stderr)
	}
	checkStore(t, db, points, nil)
	t.Logf("%d kill points, %d killed mid-scan", points, killed)
}

// TestImportKilledLosesNothing does for `covered import` what
// TestScanKilledLosesNothing does for scans: the child commits every 50
// observations and is killed after its n-th commit.
func TestImportKilledLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two dozen imports")
	}
	dir := t.TempDir()
	obs := filepath.Join(dir, "obs.jsonl")
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, `{"host":"10.7.%d.%d","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.%d","port":22,"transport":"tcp"}`+"\n", i/200, i%200, i%7)
	}
	if err := os.WriteFile(obs, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "killed-import.db")
	args := []string{"import", "-q", "--format", "jsonl", "--db", db, obs}
	argsJSON, _ := json.Marshal(args)
	const points = 24
	killed := 0
	for i := range points {
		committed, exited := runAndKill(t, argsJSON, 1+i*2, time.Duration(i%3)*time.Millisecond)
		if !exited {
			killed++
		}
		checkStore(t, db, i, committed)
	}
	if killed < 20 {
		t.Fatalf("only %d of %d imports were killed before they finished", killed, points)
	}
	mustRun(t, args...)
	checkStore(t, db, points, nil)
	t.Logf("%d kill points, %d killed mid-import", points, killed)
}

// runAndKill starts a child scan, kills it jitter after its n-th commit
// report, and returns what it reported committed per run (the last report
// for each run) and whether it had already exited on its own.
func runAndKill(t *testing.T, argsJSON []byte, n int, jitter time.Duration) (map[int64][2]int64, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(argsJSON))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := map[int64][2]int64{}
	kill := func() {
		time.Sleep(jitter)
		cmd.Process.Signal(syscall.SIGKILL)
	}
	if n == 0 {
		kill()
	}
	sc := bufio.NewScanner(out)
	seen := 0
	for sc.Scan() {
		var run, hosts, obs int64
		if _, err := fmt.Sscanf(sc.Text(), "committed %d %d %d", &run, &hosts, &obs); err != nil {
			continue
		}
		committed[run] = [2]int64{hosts, obs}
		if seen++; seen == n {
			kill()
		}
	}
	err = cmd.Wait()
	exited := err == nil
	return committed, exited
}

// checkStore opens the database after a kill: SQLite's own integrity check,
// then per run: the observations stored equal the run's own count (kept in
// the same transactions), and at least what the child reported committed.
func checkStore(t *testing.T, path string, point int, committed map[int64][2]int64) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("kill point %d: integrity_check = %q, %v", point, check, err)
	}
	raw.Close()

	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("kill point %d: reopen: %v", point, err)
	}
	defer st.Close()
	runs, err := st.Runs(ctx, store.RunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		var n int64
		if err := st.Observations(ctx, store.ObservationFilter{RunID: r.ID}, func(store.ObservationRecord) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != r.StoredObservations {
			t.Errorf("kill point %d: run %d holds %d observations but counts %d: a batch is there in part", point, r.ID, n, r.StoredObservations)
		}
		if c, ok := committed[r.ID]; ok && n < c[1] {
			t.Errorf("kill point %d: run %d reported %d observations committed, the store holds %d", point, r.ID, c[1], n)
		}
		if r.Status == store.RunComplete && r.Counts.Observations != n {
			t.Errorf("kill point %d: complete run %d says %d observations, holds %d", point, r.ID, r.Counts.Observations, n)
		}
	}
	if strings.TrimSpace(check) != "ok" {
		t.Fatalf("integrity %q", check)
	}
}
