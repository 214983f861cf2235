package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
			args := append([]string{"check", "-q", "--format", "jsonl", "--profile", tc.profile, "-p", "80,8000", "--timeout", "3s"}, l.Devices()[0].Addr.String(), l.Devices()[1].Addr.String(), l.Devices()[2].Addr.String())
			code, out, stderr := run(t, "", args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got := readFindings(t, out)
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
	} {
		code, _, stderr := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
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
