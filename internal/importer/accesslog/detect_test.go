package accesslog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/accesslog"
	_ "github.com/coveredtool/covered/internal/importer/arp"
	_ "github.com/coveredtool/covered/internal/importer/dhcp"
	_ "github.com/coveredtool/covered/internal/importer/nmapxml"
	_ "github.com/coveredtool/covered/internal/importer/observations"
)

// wantFormat names the format of every sample in this package's testdata
// and the other importers', so that each registered Detect is tried on
// every other format's files.
var wantFormat = map[string]string{
	"combined.log":            "access-log",
	"nginx-extra.log":         "access-log",
	"squid.log":               "squid-log",
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
	"lab.xml":                 "nmap-xml",
	"observations.jsonl":      "observations",
	"empty":                   "",
	"unrelated-nmap-grepable": "",
	"squid-common":            "",
	"iis-w3c":                 "",
}

// extra are inputs from outside the packages: the observations format has
// no testdata, and look-alikes no format may claim (a Squid line cut short,
// an IIS W3C log).
var extra = map[string]string{
	"observations.jsonl":      `{"host":"10.1.2.3","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n",
	"empty":                   "",
	"unrelated-nmap-grepable": "# Nmap 7.94 scan initiated\nHost: 10.0.0.1 ()\tStatus: Up\n",
	"squid-common":            "1732701600.123 45 10.0.0.5 TCP_MISS/200\n",
	"iis-w3c":                 "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem\n2026-11-27 10:00:00 10.0.0.1 GET /\n",
}

func TestDetect(t *testing.T) {
	samples := map[string][]byte{}
	for _, dir := range []string{"testdata", "../arp/testdata", "../dhcp/testdata", "../nmapxml/testdata"} {
		files, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.Contains(f.Name(), ".golden") || strings.HasSuffix(f.Name(), ".jsonl") {
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

// TestDetectExample checks that each format of this package claims its own
// Example and nothing else does.
func TestDetectExample(t *testing.T) {
	for _, name := range []string{"access-log", "squid-log"} {
		f, ok := importer.Lookup(name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		var got []string
		for _, g := range importer.Detect([]byte(f.Example() + "\n")) {
			got = append(got, g.Name())
		}
		if strings.Join(got, ",") != name {
			t.Errorf("Detect(%s example) = %v", name, got)
		}
	}
}
