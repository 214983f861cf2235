package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/store"
)

// checkFinding is the part of a finding line the tests read.
type checkFinding struct {
	Check      string `json:"check"`
	Host       string `json:"host"`
	KEV        bool   `json:"kev"`
	SideEffect string `json:"side_effect"`
	Requests   int    `json:"requests"`
}

func readFindings(t *testing.T, out string) map[string]map[string]checkFinding {
	t.Helper()
	got := map[string]map[string]checkFinding{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var f checkFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		if got[f.Host] == nil {
			got[f.Host] = map[string]checkFinding{}
		}
		got[f.Host][f.Check] = f
	}
	return got
}

func TestCheckLab(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	l := startTestLab(t, "127.95.2.1", false, "hikvision-ipc-v540", "hikvision-ipc-2021fix", "zte-f660-webshell")
	hosts := map[string]string{}
	for _, d := range l.Devices() {
		hosts[d.Profile] = d.Addr.String()
	}
	for _, tc := range []struct {
		profile string
		want    map[string][]string
		absent  map[string][]string
	}{
		{"passive",
			map[string][]string{"hikvision-ipc-v540": {"hikvision-cve-2017-7921-firmware", "hikvision-cve-2021-36260-firmware"},
				"zte-f660-webshell": {"zte-cve-2014-2321-shell-page-observed"}},
			map[string][]string{"hikvision-ipc-2021fix": {"hikvision-cve-2017-7921-firmware", "hikvision-cve-2021-36260-firmware"},
				"zte-f660-webshell": {"zte-cve-2014-2321-shell-page"}}},
		{"safe",
			map[string][]string{"zte-f660-webshell": {"zte-cve-2014-2321-shell-page", "zte-cve-2014-2321-shell-page-observed"}},
			map[string][]string{"hikvision-ipc-2021fix": {"hikvision-cve-2021-36260-firmware"}}},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "covered.db")
			args := append([]string{"check", "-q", "--format", "jsonl", "--db", db, "--profile", tc.profile, "-p", "80,8000", "--timeout", "3s"}, l.Devices()[0].Addr.String(), l.Devices()[1].Addr.String(), l.Devices()[2].Addr.String())
			code, out, stderr := run(t, "", args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got := readFindings(t, out)
			// What was printed is what was recorded.
			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.CheckFindings(context.Background(), store.CheckFindingFilter{})
			st.Close()
			n := 0
			for _, fs := range got {
				n += len(fs)
			}
			if err != nil || len(stored) != n || n == 0 {
				t.Errorf("%d findings printed, %d stored (%v)", n, len(stored), err)
			}
			for prof, ids := range tc.want {
				for _, id := range ids {
					if _, ok := got[hosts[prof]][id]; !ok {
						t.Errorf("%s: %s missing; got %v", prof, id, got[hosts[prof]])
					}
				}
			}
			for prof, ids := range tc.absent {
				for _, id := range ids {
					if _, ok := got[hosts[prof]][id]; ok {
						t.Errorf("%s: %s reported", prof, id)
					}
				}
			}
			if f := got[hosts["hikvision-ipc-v540"]]["hikvision-cve-2017-7921-firmware"]; !f.KEV || f.Requests != 0 || f.SideEffect != "none" {
				t.Errorf("7921 finding %+v", f)
			}
		})
	}
}

func TestCheckUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--profile", "auth", "127.95.3.1"}, "--i-am-authorized"},
		{[]string{"check", "--profile", "loud", "127.95.3.1"}, `profile "loud"`},
		{[]string{"check", "--profile", "passive", "--check", "zte-cve-2014-2321-shell-page", "127.95.3.1"}, "above the chosen profile"},
		{[]string{"check", "--from-store", "127.95.3.1"}, "not targets"},
		{[]string{"check", "--entity", "ZTE", "127.95.3.1"}, "need --from-store"},
		{[]string{"check", "--list", "127.95.3.1"}, "takes no targets"},
	} {
		code, _, stderr := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestCheckList: --list shows what every check declares, and with
// --profile only the checks that profile runs.
func TestCheckList(t *testing.T) {
	list := func(args ...string) map[string]checkInfo {
		t.Helper()
		code, out, stderr := run(t, "", append([]string{"check", "--list", "--format", "jsonl"}, args...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		got := map[string]checkInfo{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var c checkInfo
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			got[c.ID] = c
		}
		return got
	}
	all := list()
	if c := all["dahua-default-password-rtsp"]; c.SideEffect != "auth" || c.MaxRequests != 2 || c.LockoutRisk != "medium" {
		t.Errorf("auth check: %+v", c)
	}
	if c := all["hikvision-cve-2021-36260-firmware"]; c.KEV != "yes 2022-01-10" || !strings.Contains(c.Applies, "built before 210628") {
		t.Errorf("36260: %+v", c)
	}
	if c := all["huawei-hg532-cve-2017-17215-upnp-exposed"]; c.KEV != "no" {
		t.Errorf("17215: KEV %q, want no (recorded absent)", c.KEV)
	}
	safe := list("--profile", "safe")
	if _, ok := safe["dahua-default-password-rtsp"]; ok || len(safe) >= len(all) {
		t.Errorf("--profile safe lists %d of %d checks, including auth ones", len(safe), len(all))
	}
	if _, ok := safe["zte-cve-2014-2321-shell-page"]; !ok {
		t.Error("--profile safe misses the read check")
	}
}

func TestUpdateKEVFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	f := filepath.Join(dir, "known_exploited_vulnerabilities.json")
	cat := `{"catalogVersion":"2026.11.20","count":1,"vulnerabilities":[{"cveID":"CVE-2017-17215","vendorProject":"Huawei","product":"HG532","dateAdded":"2022-01-01"}]}`
	if err := os.WriteFile(f, []byte(cat), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "update", "kev", "--file", f)
	if code != ExitOK || !strings.Contains(out, "saved") || !strings.Contains(stderr, "1 entries") {
		t.Fatalf("exit %d out %q err %q", code, out, stderr)
	}
	c, err := kevCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup("CVE-2017-17215"); !ok {
		t.Error("loaded catalog not used")
	}
	if _, ok := c.Lookup("CVE-2021-33044"); !ok {
		t.Error("embedded entries lost")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"title":"x"}`), 0o644)
	if code, _, stderr := run(t, "", "update", "kev", "--file", bad); code == ExitOK || !strings.Contains(stderr, "nothing saved") {
		t.Errorf("bad catalog: exit %d %q", code, stderr)
	}
}

// TestScanChecks runs `covered scan --checks` against the lab on
// 127.96.0.0/16: the identifications on standard output are unchanged, the
// findings go to --checks-output and the store, the summary counts them.
func TestScanChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	l := startTestLab(t, "127.96.2.1", false, "hikvision-ipc-v540", "hikvision-ipc-2021fix", "zte-f660-webshell")
	hosts := map[string]string{}
	var addrs []string
	for _, d := range l.Devices() {
		hosts[d.Profile] = d.Addr.String()
		addrs = append(addrs, d.Addr.String())
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "inv.db")
	findings := filepath.Join(dir, "findings.jsonl")
	args := append([]string{"scan", "--format", "jsonl", "--no-neighbor", "--db", db, "--checks", "safe",
		"--checks-output", findings, "-p", "80,8000", "--timeout", "3s"}, addrs...)
	code, out, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if ids := readIDs(t, out); len(ids) != 3 || ids[hosts["zte-f660-webshell"]]["status"] == nil {
		t.Errorf("identifications on stdout: %v", ids)
	}
	data, err := os.ReadFile(findings)
	if err != nil {
		t.Fatal(err)
	}
	got := readFindings(t, string(data))
	for prof, ids := range map[string][]string{
		"hikvision-ipc-v540": {"hikvision-cve-2017-7921-firmware", "hikvision-cve-2021-36260-firmware"},
		"zte-f660-webshell":  {"zte-cve-2014-2321-shell-page", "zte-cve-2014-2321-shell-page-observed"},
	} {
		for _, id := range ids {
			if _, ok := got[hosts[prof]][id]; !ok {
				t.Errorf("%s: %s missing from --checks-output; got %v", prof, id, got[hosts[prof]])
			}
		}
	}
	if _, ok := got[hosts["hikvision-ipc-2021fix"]]["hikvision-cve-2021-36260-firmware"]; ok {
		t.Error("fixed firmware reported")
	}
	n := 0
	for _, m := range got {
		n += len(m)
	}
	if !strings.Contains(stderr, "; checks safe (") || !strings.Contains(stderr, "findings, 0 check errors, ") ||
		!strings.Contains(stderr, " undecided (evidence or answer missing; earlier findings kept)") {
		t.Errorf("summary lacks the checks: %s", stderr)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, err := st.CheckFindings(context.Background(), store.CheckFindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != n {
		t.Errorf("store holds %d check findings, --checks-output %d", len(stored), n)
	}
	for _, f := range stored {
		if _, ok := got[f.Host][f.Check]; !ok || !f.Active || f.FirstRun != 1 {
			t.Errorf("stored %+v not in the output", f)
		}
	}
	st.Close()

	// check --from-store: passive decides from the stored evidence alone
	// (no safe check's finding), safe scans the selected assets again.
	code, out, stderr = run(t, "", "check", "--format", "jsonl", "--db", db, "--from-store", "--profile", "passive")
	if code != ExitOK {
		t.Fatalf("from-store passive: exit %d: %s", code, stderr)
	}
	// It is recorded as a run of kind check: the passive findings are its
	// own now, and the safe check's finding, which it did not run, stands.
	runs := jsonLines(t, mustRun(t, "runs", "--db", db, "--kind", "check", "--format", "jsonl"))
	if len(runs) != 1 || runs[0]["status"] != "complete" || runs[0]["kind"] != "check" {
		t.Fatalf("from-store passive run record: %v", runs)
	}
	checkRun, _ := runs[0]["id"].(float64)
	if opts, _ := runs[0]["options"].(map[string]any); opts["from_store"] != true || opts["checks"] != "passive" {
		t.Errorf("from-store passive run options: %v", runs[0]["options"])
	}
	if want := fmt.Sprintf("recorded as run %d (complete)", int64(checkRun)); !strings.Contains(stderr, want) {
		t.Errorf("from-store passive messages lack %q: %s", want, stderr)
	}
	st, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	after, err := st.CheckFindings(context.Background(), store.CheckFindingFilter{})
	st.Close()
	if err != nil || len(after) != n {
		t.Fatalf("after from-store passive: %d active check findings, want %d (%v)", len(after), n, err)
	}
	for _, f := range after {
		want := int64(checkRun)
		if f.SideEffect != "none" {
			want = 1 // the scan's: passive did not run the check
		}
		if f.LastRun != want || f.FirstRun != 1 {
			t.Errorf("after from-store passive: %s on %s first run %d last run %d, want last run %d", f.Check, f.Host, f.FirstRun, f.LastRun, want)
		}
	}
	code, _, stderr = run(t, "", "check", "--format", "jsonl", "--db", db, "--from-store", "--profile", "passive", "--no-store")
	if code != ExitOK || strings.Contains(stderr, "recorded as run") {
		t.Errorf("from-store passive --no-store: exit %d: %s", code, stderr)
	}
	if runs := jsonLines(t, mustRun(t, "runs", "--db", db, "--format", "jsonl")); len(runs) != 2 {
		t.Errorf("--no-store recorded a run: %v", runs)
	}
	fromStore := readFindings(t, out)
	for prof, ids := range map[string][]string{
		"hikvision-ipc-v540": {"hikvision-cve-2017-7921-firmware", "hikvision-cve-2021-36260-firmware"},
		"zte-f660-webshell":  {"zte-cve-2014-2321-shell-page-observed"},
	} {
		for _, id := range ids {
			if _, ok := fromStore[hosts[prof]][id]; !ok {
				t.Errorf("from-store passive: %s: %s missing; got %v", prof, id, fromStore[hosts[prof]])
			}
		}
	}
	if _, ok := fromStore[hosts["zte-f660-webshell"]]["zte-cve-2014-2321-shell-page"]; ok {
		t.Error("from-store passive ran a safe check")
	}
	if _, ok := fromStore[hosts["hikvision-ipc-2021fix"]]["hikvision-cve-2021-36260-firmware"]; ok {
		t.Error("from-store passive: fixed firmware reported")
	}
	code, out, stderr = run(t, "", "check", "-q", "--format", "jsonl", "--db", db, "--from-store", "--entity", "ZTE",
		"--profile", "safe", "-p", "80,8000", "--timeout", "3s")
	if code != ExitOK {
		t.Fatalf("from-store safe: exit %d: %s", code, stderr)
	}
	safe := readFindings(t, out)
	if _, ok := safe[hosts["zte-f660-webshell"]]["zte-cve-2014-2321-shell-page"]; !ok || len(safe) != 1 {
		t.Errorf("from-store safe --entity ZTE: %v", safe)
	}
	code, out, _ = run(t, "", "check", "-q", "--format", "jsonl", "--db", db, "--from-store", "--profile", "passive", "--site", "elsewhere")
	if code != ExitOK || strings.TrimSpace(out) != "" {
		t.Errorf("from-store --site elsewhere: exit %d, %q", code, out)
	}
}

func TestScanChecksUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--no-store", "--checks", "auth", "127.96.3.1"}, "--i-am-authorized"},
		{[]string{"scan", "--no-store", "--checks", "loud", "127.96.3.1"}, `profile "loud"`},
		{[]string{"scan", "--no-store", "--checks", "passive", "127.96.3.1"}, "--checks-output"},
		{[]string{"scan", "--no-store", "--checks", "none", "--checks-output", "x.jsonl", "127.96.3.1"}, "need --checks"},
	} {
		code, _, stderr := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestCheckFromStoreAfterReidentify: when the current identification comes
// from a reidentify run (which stores no observations), check --from-store
// decides from the latest run's evidence, not the asset's whole history:
// a camera updated since its first import is not flagged by its old
// firmware.
func TestCheckFromStoreAfterReidentify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	obs := func(name, build, seen string) string {
		f := filepath.Join(dir, name)
		lines := []string{
			`{"host":"10.9.8.7","key":"mac","value":"c0:56:e3:00:00:01","seen":"` + seen + `"}`,
			`{"host":"10.9.8.7","key":"http.header.server","value":"App-webs/","port":80,"seen":"` + seen + `"}`,
			`{"host":"10.9.8.7","key":"http.body","path":"/ISAPI/System/deviceInfo","port":80,"seen":"` + seen + `","value":"<DeviceInfo><model>DS-2CD2032-I</model><firmwareVersion>V5.5.800</firmwareVersion><firmwareReleasedDate>build ` + build + `</firmwareReleasedDate></DeviceInfo>"}`,
		}
		if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	mustRun(t, "import", "-q", "--db", db, "--format", "jsonl", "-o", os.DevNull, obs("old.jsonl", "160530", "2024-01-01T00:00:00Z"))
	mustRun(t, "import", "-q", "--db", db, "--format", "jsonl", "-o", os.DevNull, obs("new.jsonl", "210628", "2025-01-01T00:00:00Z"))
	mustRun(t, "reidentify", "-q", "--db", db, "--format", "jsonl", "-o", os.DevNull)
	out := mustRun(t, "check", "-q", "--db", db, "--from-store", "--profile", "passive", "--format", "jsonl")
	if strings.Contains(out, "hikvision-cve-2021-36260-firmware") {
		t.Errorf("the firmware of the first import was judged, not the latest:\n%s", out)
	}
}
