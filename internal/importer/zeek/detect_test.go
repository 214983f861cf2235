package zeek_test

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
	_ "github.com/coveredtool/covered/internal/importer/zeek"
)

// wantFormat names the format of every sample in this package's testdata
// and the other importers', so that each registered Detect is tried on
// every other format's files.
var wantFormat = map[string]string{
	"software.log":            "zeek",
	"http.log":                "zeek",
	"dhcp.log":                "zeek",
	"known_services.log":      "zeek",
	"conn.log":                "zeek",
	"zeek.json":               "zeek",
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
	"iis-w3c":                 "",
	"zeek-conn-json-no-uid":   "",
	"bro-cut-output":          "",
	"observations-with-uid":   "observations",
	"zeek-software-json":      "zeek",
	"zeek-tsv-no-path-header": "",
}

var extra = map[string]string{
	"observations.jsonl":      `{"host":"10.1.2.3","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n",
	"empty":                   "",
	"iis-w3c":                 "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem\n2026-11-27 10:00:00 10.0.0.1 GET /\n",
	"zeek-conn-json-no-uid":   `{"ts":1795773661.0,"id.orig_h":"10.0.0.3"}` + "\n",
	"bro-cut-output":          "1795773600.1\t10.0.0.21\tMozilla/5.0\n",
	"observations-with-uid":   `{"host":"10.1.2.3","key":"ssh.banner","value":"x","ts":1,"uid":"C1"}` + "\n",
	"zeek-software-json":      `{"ts":1795773664.0,"host":"10.0.0.71","software_type":"HTTP::BROWSER","name":"Safari"}` + "\n",
	"zeek-tsv-no-path-header": "#separator \\x09\n#fields\tts\n1\n",
}

func TestDetect(t *testing.T) {
	samples := map[string][]byte{}
	for _, dir := range []string{"testdata", "../accesslog/testdata", "../arp/testdata", "../dhcp/testdata", "../nmapxml/testdata"} {
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

func TestDetectExample(t *testing.T) {
	f, ok := importer.Lookup("zeek")
	if !ok {
		t.Fatal("zeek not registered")
	}
	var got []string
	for _, g := range importer.Detect([]byte(f.Example() + "\n")) {
		got = append(got, g.Name())
	}
	if strings.Join(got, ",") != "zeek" {
		t.Errorf("Detect(zeek example) = %v", got)
	}
}
