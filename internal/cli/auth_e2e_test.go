package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/lab/labtest"
	"github.com/coveredtool/covered/internal/store"
)

// TestAuthChecksKeepPasswordsOut runs `covered scan --checks auth
// --i-am-authorized` against two lab Dahua cameras on 127.97.2.0/24 (one
// still on admin/admin over RTSP Digest, one that refuses every default)
// into a SQLite store, then `covered report` (HTML and JSON) and `covered
// export`, and proves that the passwords tried, in clear and in the forms
// that go on the wire (user:password, its base64, the Digest HA1 and
// response), appear in none of them: not in the database, its WAL, the
// export, the reports, the findings file or anything printed. The finding
// names the account that worked.
//
// The password "admin" is also that account's name, which the finding must
// show, so for it the test looks for the credential forms (admin:admin,
// base64, Digest values) rather than the bare word; 666666 is looked for
// bare as well.
func TestAuthChecksKeepPasswordsOut(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	l := startTestLab(t, "127.97.2.1", false, "dahua-ipc-rtsp-default", "dahua-ipc-rtsp-changed")
	hosts := map[string]string{}
	for _, d := range l.Devices() {
		hosts[d.Profile] = d.Addr.String()
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "auth.db")
	findings := filepath.Join(dir, "findings.jsonl")
	args := append([]string{"scan", "--format", "jsonl", "--no-neighbor", "--db", db, "--checks", "auth", "--i-am-authorized",
		"--checks-output", findings, "-p", "80,554,37777", "--timeout", "3s"}, labTargets(l)...)
	code, scanOut, scanErr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("scan: exit %d: %s", code, scanErr)
	}
	data, err := os.ReadFile(findings)
	if err != nil {
		t.Fatal(err)
	}
	got := readFindings(t, string(data))
	f, ok := got[hosts["dahua-ipc-rtsp-default"]]["dahua-default-password-rtsp"]
	if !ok || f.SideEffect != "auth" || f.Requests < 1 || f.Requests > 2 {
		t.Fatalf("default camera: finding %+v (present %v); all: %v", f, ok, got)
	}
	if _, ok := got[hosts["dahua-ipc-rtsp-changed"]]["dahua-default-password-rtsp"]; ok {
		t.Error("the camera that refuses the defaults was reported")
	}
	if !strings.Contains(string(data), "account admin:") {
		t.Errorf("the finding does not say which account worked: %s", data)
	}

	// A second process within the attempt window tries no account again:
	// the store remembers the attempts, the checks are undecided and the
	// finding of the first run stays active.
	code, again, againErr := run(t, "", append([]string{"check", "--format", "jsonl", "--db", db, "--profile", "auth", "--i-am-authorized",
		"-p", "80,554,37777", "--timeout", "3s"}, labTargets(l)...)...)
	if code != ExitOK {
		t.Fatalf("second check: exit %d: %s", code, againErr)
	}
	if strings.Contains(again, "dahua-default-password-rtsp") || !strings.Contains(againErr, "undecided") {
		t.Errorf("second run within the window: findings %q, summary %q", again, againErr)
	}
	if kept := checkFindingsOf(t, db, hosts["dahua-ipc-rtsp-default"]); !kept["dahua-default-password-rtsp"] {
		t.Errorf("the default-password finding after the second run: stored %v, want active", kept)
	}

	htmlFile, jsonFile := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.json")
	_, htmlOut, htmlErr := runOK(t, "report", "--db", db, "--format", "html", "-o", htmlFile)
	_, jsonOut, jsonErr := runOK(t, "report", "--db", db, "--format", "json", "-o", jsonFile)
	_, export, exportErr := runOK(t, "export", "--db", db)
	for name, text := range map[string]string{"export": export} {
		if !strings.Contains(text, "dahua-default-password-rtsp") || !strings.Contains(text, "account admin:") {
			t.Errorf("%s lacks the finding or its account", name)
		}
	}
	jsonReport, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	// The report lists the check finding (its evidence, with the account,
	// is in the store, the export and the findings file).
	if !strings.Contains(string(jsonReport), "dahua-default-password-rtsp") || !strings.Contains(string(jsonReport), hosts["dahua-ipc-rtsp-default"]) {
		t.Errorf("JSON report lacks the finding")
	}

	texts := map[string][]byte{
		"scan output": []byte(scanOut), "scan messages": []byte(scanErr), "findings file": data,
		"html report output": []byte(htmlOut + htmlErr), "json report output": []byte(jsonOut + jsonErr),
		"export": []byte(export), "export messages": []byte(exportErr), "json report": jsonReport,
	}
	if b, err := os.ReadFile(htmlFile); err == nil {
		texts["html report"] = b
	} else {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(db + "*") // the database, its WAL and shared memory
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	stored := false
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(fn)] = b
		stored = stored || bytes.Contains(b, []byte("account admin:"))
	}
	if !stored {
		t.Error("no database file holds the finding's evidence: the absence checks would be vacuous")
	}

	secrets := []string{"666666"}
	for _, acct := range [][2]string{{"admin", "admin"}, {"666666", "666666"}} {
		user, pass := acct[0], acct[1]
		for _, d := range l.Devices() {
			uri := "rtsp://" + d.Addr.String() + ":554/cam/realmonitor?channel=1&subtype=0"
			secrets = append(secrets, labtest.SecretForms(user, pass, labtest.RTSPRealm(t, d.Addr.String()), "1736541895", "DESCRIBE", uri)...)
		}
	}
	for name, b := range texts {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains %q (a tried password or its wire form)", name, s)
			}
		}
	}
}

// checkFindingsOf maps the check findings stored for the asset last seen
// at host to whether each is active.
func checkFindingsOf(t *testing.T, db, host string) map[string]bool {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.CheckFindings(context.Background(), store.CheckFindingFilter{IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range list {
		if f.Host == host {
			out[f.Check] = f.Active
		}
	}
	return out
}

// runOK runs covered and fails the test unless it exits 0.
func runOK(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	code, out, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("covered %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return code, out, stderr
}
