package neighbors_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	_ "github.com/coveredtool/covered/internal/importer/neighbors"
)

// own names the format of each sample under testdata/; every other file
// under internal/importer/*/testdata/ is another format's, which this
// package's formats must not claim.
var own = map[string]string{
	"cisco-ios-cdp.txt":    "cisco-cdp",
	"cisco-nxos-cdp.txt":   "cisco-cdp",
	"cisco-ios-lldp.txt":   "lldp",
	"cisco-nxos-lldp.txt":  "lldp",
	"huawei-vrp-lldp.txt":  "lldp",
	"h3c-comware-lldp.txt": "lldp",
	"lldpd.txt":            "lldp",
}

// extra are inputs written here: look-alikes none of this package's
// formats may claim ("") and other forms of the formats.
var extra = map[string]struct{ data, want string }{
	"cdp-neighbors-table": {"Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge\n" +
		"Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\nR2               Ser 1/0            158           R       7206VXR   Ser 1/0\n", ""},
	"lldp-neighbors-table":    {"Capability codes:\n    (R) Router, (B) Bridge, (T) Telephone\nDevice ID           Local Intf     Hold-time  Capability      Port ID\nR1                  Gi0/0          120        R               Gi0/1\n", ""},
	"h3c-local-information":   {"Global LLDP local-information:\n Chassis ID          : 3c8c-4003-26a1\n System name         : H3C\n System description  :\n   H3C Comware Platform Software\n", ""},
	"observations-with-lldp":  {`{"host":"10.0.0.1","key":"lldp.sysdescr","value":"Chassis id: x\\nLocal Intf: Gi0/1\\nDevice ID: y\\nPlatform: z"}` + "\n", ""},
	"show-cdp-entry":          {"Device ID: fred\nEntry address(es):\nIP address: 163.5.8.3\nPlatform: cisco 2500, Capabilities: Router\n", "cisco-cdp"},
	"nxos-lldp-no-local-intf": {"Chassis id: 00de.fb34.a1c0\nPort id: Ethernet1/1\nLocal Port id: Eth1/49\n", "lldp"},
	"lldpd-no-header":         {"Interface:    eth0, via: LLDP, RID: 1, Time: 0 day, 00:00:26\n  Chassis:\n    ChassisID:    mac 08:00:27:d4:4f:0b\n", "lldp"},
}

func mine(t *testing.T) []importer.Format {
	var fs []importer.Format
	for _, name := range []string{"cisco-cdp", "lldp"} {
		f, ok := importer.Lookup(name)
		if !ok {
			t.Fatalf("format %s not registered", name)
		}
		fs = append(fs, f)
	}
	return fs
}

// TestDetect checks this package's Detect against every file under
// internal/importer/*/testdata/: its own samples are claimed by exactly
// their format among all registered formats, and nothing else is claimed.
func TestDetect(t *testing.T) {
	formats := mine(t)
	dirs, err := filepath.Glob("../*/testdata")
	if err != nil || len(dirs) < 2 {
		t.Fatalf("testdata directories: %v %v", dirs, err)
	}
	seenOwn := map[string]bool{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			head, err := readHead(path)
			if err != nil {
				return err
			}
			want := ""
			if filepath.Dir(path) == filepath.Join("..", "neighbors", "testdata") {
				want = own[e.Name()]
				if want != "" {
					seenOwn[e.Name()] = true
					if got := names(importer.Detect(head)); got != want {
						t.Errorf("all formats: Detect(%s) = [%s], want [%s]", path, got, want)
					}
				}
			}
			var got []importer.Format
			for _, f := range formats {
				if f.Detect(head) {
					got = append(got, f)
				}
			}
			if names(got) != want {
				t.Errorf("Detect(%s) = [%s], want [%s]", path, names(got), want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name := range own {
		if !seenOwn[name] {
			t.Errorf("sample %s not found under testdata/", name)
		}
	}
	for name, x := range extra {
		var got []importer.Format
		for _, f := range formats {
			if f.Detect([]byte(x.data)) {
				got = append(got, f)
			}
		}
		if names(got) != x.want {
			t.Errorf("Detect(%s) = [%s], want [%s]", name, names(got), x.want)
		}
	}
}

// readHead returns what Detect sees of a file: its first HeadSize bytes.
func readHead(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if len(b) > importer.HeadSize {
		b = b[:importer.HeadSize]
	}
	return bytes.Clone(b), err
}

func names(fs []importer.Format) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Name())
	}
	return strings.Join(s, ",")
}
