package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// jsonLines decodes jsonl output into maps.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		rows = append(rows, m)
	}
	return rows
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("covered %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// TestRemediationVerifiedByScan follows a covered camera through its life:
// found by a scan, marked replaced by a person, reopened because the next
// scan still sees it, marked replaced again, and confirmed replaced by a
// scan of its address that no longer finds it. Every step is in the audit
// trail, and the store reads back through runs, assets, findings, diff and
// export.
func TestRemediationVerifiedByScan(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	db := filepath.Join(t.TempDir(), "inv.db")
	l := startTestLab(t, "127.35.0.1", false, "hikvision-ipc", "juniper-switch")
	targets := labTargets(l)
	scan := append([]string{"scan", "-q", "--no-neighbor", "--db", db, "--format", "jsonl", "--site", "lab"}, targets...)

	mustRun(t, scan...)
	findings := jsonLines(t, mustRun(t, "findings", "--db", db, "--format", "jsonl"))
	if len(findings) != 1 || findings[0]["covered_entity"] != "Hikvision" {
		t.Fatalf("findings after the first scan = %v, want one Hikvision finding", findings)
	}
	id := strconv.Itoa(int(findings[0]["id"].(float64)))

	// Accepted risk needs a reason and an expiry: refused, and nothing changes.
	if code, _, stderr := run(t, "", "finding", "set", id, "--db", db, "--state", "accepted_risk"); code != ExitUsage || !strings.Contains(stderr, "reason") {
		t.Errorf("accepted_risk without reason: exit %d, %s", code, stderr)
	}
	mustRun(t, "finding", "set", id, "--db", db, "--state", "replaced", "--owner", "cctv-team", "--ticket", "CHG-1")

	// The camera is still there: the next scan reopens the finding.
	mustRun(t, scan...)
	f := jsonLines(t, mustRun(t, "findings", "--db", db, "--format", "jsonl"))[0]
	if st := f["remediation"].(map[string]any)["state"]; st != "open" {
		t.Errorf("after a scan that still sees the camera, state = %v, want open", st)
	}

	// Replaced for real: the lab stops; a scan of the same addresses no
	// longer finds it and confirms the replacement.
	mustRun(t, "finding", "set", id, "--db", db, "--state", "replaced")
	l.Close()
	code, _, stderr := run(t, "", scan...)
	if code != ExitOK {
		t.Fatalf("scan of the empty addresses: exit %d: %s", code, stderr)
	}
	f = jsonLines(t, mustRun(t, "findings", "--db", db, "--format", "jsonl", "--all"))[0]
	if st := f["remediation"].(map[string]any)["state"]; st != "replaced_verified" {
		t.Errorf("after a scan that no longer sees the camera, state = %v, want replaced_verified", st)
	}

	runs := jsonLines(t, mustRun(t, "runs", "--db", db, "--format", "jsonl"))
	if len(runs) != 3 || runs[0]["site"] != "lab" {
		t.Errorf("runs = %d (%v), want 3 of site lab", len(runs), runs)
	}
	assets := jsonLines(t, mustRun(t, "assets", "--db", db, "--format", "jsonl", "--status", "covered"))
	if len(assets) != 1 {
		t.Errorf("covered assets = %v, want 1", assets)
	}
	detail := mustRun(t, "assets", strconv.Itoa(int(assets[0]["id"].(float64))), "--db", db, "--format", "table")
	for _, want := range []string{"Hikvision", "identity:", "finding " + id} {
		if !strings.Contains(detail, want) {
			t.Errorf("asset detail lacks %q:\n%s", want, detail)
		}
	}
	diff := jsonLines(t, mustRun(t, "diff", "--db", db, "--format", "jsonl"))
	gone := 0
	for _, d := range diff {
		if d["change"] == "gone" {
			gone++
		}
	}
	if gone != 2 {
		t.Errorf("diff of the last two scans: %d gone, want 2 (%v)", gone, diff)
	}
	export := mustRun(t, "export", "--db", db)
	for _, table := range []string{`"table":"runs"`, `"table":"observations"`, `"table":"audit_log"`} {
		if !strings.Contains(export, table) {
			t.Errorf("export has no %s rows", table)
		}
	}
	if !strings.Contains(export, "cctv-team") {
		t.Error("export lacks the remediation owner set by hand")
	}
}

// TestSecretsStayOut plants an SNMP community and checks that it reaches
// neither the store file, the export, nor anything printed.
func TestSecretsStayOut(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	const secret = "s3cr3t-Community-9f27"
	dir := t.TempDir()
	db := filepath.Join(dir, "secret.db")
	l := startTestLab(t, "127.36.0.1", false, "huawei-switch", "hikvision-ipc")
	args := append([]string{"scan", "--no-neighbor", "--db", db, "--format", "jsonl", "--snmp-community", secret}, labTargets(l)...)
	code, out, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	export := mustRun(t, "export", "--db", db)
	runs := mustRun(t, "runs", "--db", db, "--format", "jsonl")
	if !strings.Contains(runs, "[redacted]") {
		t.Errorf("the run record does not show the community as redacted: %s", runs)
	}
	for name, text := range map[string]string{"scan output": out, "scan messages": stderr, "export": export, "runs": runs} {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains the SNMP community", name)
		}
	}
	files, _ := filepath.Glob(db + "*") // the database, its WAL and shared memory
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s contains the SNMP community", filepath.Base(f))
		}
	}
}

// TestConfigSites: without --site, each scanned host takes the site whose
// CIDR in the config file holds its address, and listings filter by it.
func TestConfigSites(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "sites.db")
	l := startTestLab(t, "127.38.0.1", false, "hikvision-ipc", "juniper-switch")
	conf := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(conf, []byte("sites:\n  - name: cctv\n    cidrs: [127.38.0.1/32]\n  - name: core\n    cidrs: [127.38.0.0/24]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, append([]string{"scan", "-q", "--no-neighbor", "--db", db, "--config", conf, "--format", "jsonl"}, labTargets(l)...)...)
	for site, want := range map[string]string{"cctv": "127.38.0.1", "core": "127.38.0.2"} {
		assets := jsonLines(t, mustRun(t, "assets", "--db", db, "--format", "jsonl", "--site", site))
		if len(assets) != 1 || assets[0]["last_ip"] != want {
			t.Errorf("assets of site %s = %v, want the device at %s", site, assets, want)
		}
	}
	if code, _, stderr := run(t, "", "scan", "--config", filepath.Join(dir, "missing.yaml"), "127.38.0.1"); code != ExitUsage || !strings.Contains(stderr, "missing.yaml") {
		t.Errorf("missing --config: exit %d, %s", code, stderr)
	}
}

// TestReidentifyAfterPolicyChange: a list update applied with reidentify
// turns a stored TP-Link router into a finding without rescanning, and says
// what changed.
func TestReidentifyAfterPolicyChange(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	db := filepath.Join(t.TempDir(), "reid.db")
	l := startTestLab(t, "127.39.0.1", false, "tplink-router", "hikvision-ipc")
	mustRun(t, append([]string{"scan", "-q", "--no-neighbor", "--db", db}, labTargets(l)...)...)
	l.Close() // nothing is scanned again
	if f := jsonLines(t, mustRun(t, "findings", "--db", db, "--format", "jsonl")); len(f) != 1 {
		t.Fatalf("findings before the policy change: %v, want the Hikvision camera only", f)
	}
	changes := jsonLines(t, mustRun(t, "reidentify", "-q", "--db", db, "--format", "jsonl", "--policy", "../policy/testdata/texas-2026.yaml"))
	if len(changes) != 1 || changes[0]["new_entity"] != "TP-Link" || changes[0]["new_status"] == changes[0]["old_status"] {
		t.Fatalf("reidentify changes = %v, want one (the TP-Link router)", changes)
	}
	f := jsonLines(t, mustRun(t, "findings", "--db", db, "--format", "jsonl"))
	entities := map[any]bool{}
	for _, x := range f {
		entities[x["covered_entity"]] = true
	}
	if len(f) != 2 || !entities["TP-Link"] {
		t.Errorf("findings after reidentify: %v, want Hikvision and TP-Link", f)
	}
	runs := jsonLines(t, mustRun(t, "runs", "--db", db, "--format", "jsonl", "--kind", "reidentify"))
	if len(runs) != 1 || runs[0]["status"] != "complete" {
		t.Errorf("reidentify run record: %v", runs)
	}
}
