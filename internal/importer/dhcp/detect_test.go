package dhcp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/arp"
	_ "github.com/coveredtool/covered/internal/importer/dhcp"
	_ "github.com/coveredtool/covered/internal/importer/observations"
)

// wantFormat names the format of every sample in this package's and the arp
// package's testdata, so that each Detect is tried on every other format's
// files.
var wantFormat = map[string]string{
	"dhcpd.leases":            "dhcpd-leases",
	"kea-leases4.csv":         "kea-leases",
	"kea-leases4-old.csv":     "kea-leases",
	"dnsmasq.leases":          "dnsmasq-leases",
	"dnsmasq-syslog.log":      "dnsmasq-leases",
	"windows-leases.csv":      "windows-dhcp",
	"windows-audit.log":       "windows-dhcp",
	"ip-neigh.txt":            "ip-neigh",
	"proc-net-arp.txt":        "ip-neigh",
	"windows-arp.txt":         "windows-arp",
	"cisco-show-ip-arp.txt":   "cisco-arp",
	"cisco-mac-table.txt":     "cisco-arp",
	"observations.jsonl":      "observations",
	"empty":                   "",
	"unrelated-nmap-grepable": "",
}

// extra are inputs from outside both packages that none of them may claim.
var extra = map[string]string{
	"observations.jsonl":      `{"host":"10.1.2.3","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n",
	"empty":                   "",
	"unrelated-nmap-grepable": "# Nmap 7.94 scan initiated\nHost: 10.0.0.1 ()\tStatus: Up\n",
}

func TestDetect(t *testing.T) {
	samples := map[string][]byte{}
	for _, dir := range []string{"testdata", "../arp/testdata"} {
		files, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f.Name(), ".golden") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > importer.HeadSize {
				b = b[:importer.HeadSize]
			}
			samples[f.Name()] = b
		}
	}
	for name, s := range extra {
		samples[name] = []byte(s)
	}
	for name, head := range samples {
		want, ok := wantFormat[name]
		if !ok {
			t.Errorf("sample %s has no expected format in wantFormat", name)
			continue
		}
		var got []string
		for _, f := range importer.Detect(head) {
			got = append(got, f.Name())
		}
		if strings.Join(got, ",") != want {
			t.Errorf("Detect(%s) = %v, want [%s]", name, got, want)
		}
	}
}
