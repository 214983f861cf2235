package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run runs the command line in-process.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	p := Program{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	code = p.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// TestIdentifyExample is the README's main job: its output is a golden file.
func TestIdentifyExample(t *testing.T) {
	code, out, stderr := run(t, "", "identify", "--format", "jsonl", "../../examples/observations.jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr: %s", code, stderr)
	}
	golden := filepath.Join("testdata", "example.golden.jsonl")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("identify output differs from %s (run go test ./internal/cli -update after checking the change):\n%s", golden, firstDiff(string(want), out))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n- " + a + "\n+ " + b
		}
	}
	return ""
}

func TestExitStatuses(t *testing.T) {
	huawei := `{"host":"a","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n"
	cisco := `{"host":"b","key":"ssh.banner","value":"SSH-2.0-Cisco-1.25"}` + "\n"
	bad := "{not json\n"
	tests := []struct {
		name      string
		stdin     string
		args      []string
		code      int
		stderrHas string
		stdoutHas string
	}{
		{"clean", cisco, []string{"identify", "--format", "jsonl"}, ExitOK, "1 hosts", `"status":"not_covered"`},
		{"fail-on matched", huawei, []string{"identify", "--fail-on", "covered", "-q"}, ExitFailOn, "", `"status":"covered"`},
		{"fail-on suspected fires on covered", huawei, []string{"identify", "--fail-on", "suspected", "-q"}, ExitFailOn, "", ""},
		{"fail-on not matched", cisco, []string{"identify", "--fail-on", "suspected", "-q"}, ExitOK, "", ""},
		{"rejected record", cisco + bad, []string{"identify", "-q"}, ExitRejected, "-:2: invalid JSON", `"host":"b"`},
		{"lowest non-zero wins", huawei + bad, []string{"identify", "-q", "--fail-on", "covered"}, ExitFailOn, "-:2:", ""},
		{"bad fail-on", "", []string{"identify", "--fail-on", "maybe"}, ExitUsage, `--fail-on: want covered or suspected, not "maybe"`, ""},
		{"bad format", "", []string{"identify", "--format", "xml"}, ExitUsage, `unknown format "xml"`, ""},
		{"unknown flag", "", []string{"identify", "--nope"}, ExitUsage, "unknown flag: --nope", ""},
		{"unknown command", "", []string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`, ""},
		{"missing file", "", []string{"identify", "/nonexistent/obs.jsonl"}, ExitFailed, "open observations: open /nonexistent/obs.jsonl", ""},
		{"unknown key reported once", `{"host":"a","key":"x.y","value":"1"}` + "\n" + `{"host":"a","key":"x.y","value":"2"}` + "\n",
			[]string{"identify"}, ExitOK, `ignored 2 observation(s) with unknown key "x.y"`, ""},
		{"bad policy", "", []string{"identify", "--policy", "testdata/no-such-pack.yaml"}, ExitUsage, "--policy:", ""},
		{"bad rules dir", "", []string{"identify", "--rules", "testdata/badrules"}, ExitUsage, "--rules testdata/badrules:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderrHas)
			}
			if !strings.Contains(out, tt.stdoutHas) {
				t.Errorf("stdout %q lacks %q", out, tt.stdoutHas)
			}
		})
	}
}

func TestOutputFormats(t *testing.T) {
	in := `{"host":"a","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n"
	_, out, _ := run(t, in, "identify", "--format", "json", "-q")
	var ids []map[string]any
	if err := json.Unmarshal([]byte(out), &ids); err != nil || len(ids) != 1 || ids[0]["covered_entity"] != "Huawei" {
		t.Errorf("json output %q: %v", out, err)
	}
	_, out, _ = run(t, in, "identify", "--format", "csv", "-q")
	if !strings.HasPrefix(out, "host,status,entity,manufacturer,model,firmware,device_type,confidence,regimes,review,evidence,rationale\na,covered,Huawei,Huawei,") {
		t.Errorf("csv output %q", out)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.jsonl")
	if code, _, stderr := run(t, in, "identify", "-o", path); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"covered_entity":"Huawei"`) {
		t.Errorf("-o file: %q, %v", data, err)
	}
}

func TestLists(t *testing.T) {
	code, out, stderr := run(t, "", "lists", "entries", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	fcc := 0
	for _, r := range rows {
		if r["regime"] == "fcc-covered-list" {
			fcc++
		}
	}
	if fcc != 13 {
		t.Errorf("%d FCC Covered List entries, want 13", fcc)
	}
	code, out, _ = run(t, "", "lists", "companies", "--entity", "hikvision", "--format", "csv")
	if code != 0 || !strings.Contains(out, "EZVIZ") || strings.Contains(out, "Dahua,") {
		t.Errorf("companies of hikvision: exit %d\n%s", code, out)
	}
	if code, _, stderr := run(t, "", "lists", "--entity", "nope"); code != ExitUsage || !strings.Contains(stderr, `unknown entity "nope"`) {
		t.Errorf("unknown entity: exit %d, %s", code, stderr)
	}
}

func TestRulesTest(t *testing.T) {
	code, out, stderr := run(t, "", "rules", "test")
	if code != 0 || !strings.Contains(out, " 0 problem(s)") {
		t.Errorf("built-in rules: exit %d\n%s%s", code, out, stderr)
	}
	code, _, stderr = run(t, "", "rules", "test", "testdata/shadowing")
	if code != ExitFailed || !strings.Contains(stderr, "is shadowed by rule") {
		t.Errorf("shadowing rules: exit %d, stderr %s", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "", "version")
	for _, want := range []string{"covered lists", "fingerprint rules", "MAC vendors", "oui-data", "enterprise numbers", "uap-go"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"identify", "lists", "rules", "rules test", "update", "update oui", "update pen", "version"} {
		code, out, _ := run(t, "", append(strings.Fields(cmd), "--help")...)
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: exit %d, no examples:\n%s", cmd, code, out)
		}
	}
}

func TestUpdateTables(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	// A block that the embedded table gives to someone else: after the
	// update, the refreshed registry wins.
	csv := "Registry,Assignment,Organization Name,Organization Address\nMA-L,00E0FC,Example Refreshed Org,Nowhere\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken.csv" {
			io.WriteString(w, "Registry,Assignment\nMA-L,zz\n")
			return
		}
		io.WriteString(w, csv)
	}))
	defer srv.Close()

	code, _, stderr := run(t, "", "update", "oui", "--url", srv.URL+"/broken.csv")
	if code != ExitFailed || !strings.Contains(stderr, "broken.csv: nothing saved") {
		t.Fatalf("broken registry: exit %d, %s", code, stderr)
	}
	code, out, stderr := run(t, "", "update", "oui", "--url", srv.URL+"/oui.csv")
	if code != 0 || !strings.Contains(out, "saved ") {
		t.Fatalf("update: exit %d, %s %s", code, out, stderr)
	}
	_, out, _ = run(t, `{"host":"h","key":"mac","value":"00:e0:fc:01:02:03"}`+"\n", "identify", "-q")
	if !strings.Contains(out, `"manufacturer":"Example Refreshed Org"`) {
		t.Errorf("refreshed table not used: %s", out)
	}
	_, out, _ = run(t, "", "version")
	if !strings.Contains(out, "oui.csv") {
		t.Errorf("version does not show the refreshed table:\n%s", out)
	}
	code, out, stderr = run(t, "", "update", "pen", "--file", "../pen/testdata/enterprise-numbers.txt")
	if code != 0 {
		t.Fatalf("update pen: exit %d, %s %s", code, out, stderr)
	}
}
