package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportObservations: a scan's observation file, imported, gives the
// scan's identifications and records an import run whose findings match;
// a bad line is reported as FILE:LINE with exit 4 and the rest imported.
func TestImportObservations(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	dir := t.TempDir()
	obs := filepath.Join(dir, "obs.jsonl")
	l := startTestLab(t, "127.40.0.1", false, "hikvision-ipc", "huawei-ar-router", "juniper-switch")
	scanned := readIDs(t, mustRun(t, append([]string{"scan", "-q", "--no-store", "--no-neighbor", "--format", "jsonl", "--observations", obs}, labTargets(l)...)...))

	db := filepath.Join(dir, "import.db")
	imported := readIDs(t, mustRun(t, "import", "-q", "--db", db, "--format", "jsonl", obs))
	if len(imported) != len(scanned) {
		t.Fatalf("import found %d hosts, the scan %d", len(imported), len(scanned))
	}
	for host, id := range scanned {
		if imported[host]["status"] != id["status"] || imported[host]["covered_entity"] != id["covered_entity"] {
			t.Errorf("%s: import says %v %v, the scan %v %v", host, imported[host]["status"], imported[host]["covered_entity"], id["status"], id["covered_entity"])
		}
	}
	runs := jsonLines(t, mustRun(t, "runs", "--db", db, "--format", "jsonl"))
	if len(runs) != 1 || runs[0]["kind"] != "import" || runs[0]["status"] != "complete" {
		t.Fatalf("runs = %v, want one complete import", runs)
	}
	if f := jsonLines(t, mustRun(t, "findings", "--db", db, "--format", "jsonl")); len(f) != 2 {
		t.Errorf("findings = %v, want Hikvision and Huawei", f)
	}

	// A broken line: reported with its place, the rest imported, exit 4.
	data, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.jsonl")
	os.WriteFile(broken, append([]byte("{\"host\":\"10.9.9.9\",\"key\":\"ssh.banner\",\"value\":\"SSH-2.0-HUAWEI-1.5\"}\n{not json\n"), data...), 0o644)
	code, out, stderr := run(t, "", "import", "--no-store", "--format", "jsonl", broken)
	if code != ExitRejected || !strings.Contains(stderr, "broken.jsonl:2:") {
		t.Errorf("broken line: exit %d, stderr %s", code, stderr)
	}
	if got := readIDs(t, out); len(got) != len(scanned)+1 {
		t.Errorf("broken file: %d hosts imported, want %d", len(got), len(scanned)+1)
	}

	if code, _, stderr := run(t, "", "import", "--no-store", filepath.Join("testdata", "example.golden.jsonl")); code != ExitUsage || !strings.Contains(stderr, "name it first") {
		t.Errorf("unknown format: exit %d, %s", code, stderr)
	}
	if list := mustRun(t, "import", "--list", "--format", "csv"); !strings.Contains(list, "observations,") {
		t.Errorf("--list lacks the observations format:\n%s", list)
	}
}
