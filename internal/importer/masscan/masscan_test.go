package masscan_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/importer/masscan"
)

var fileSeen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func read(t testing.TB, f importer.Format, input string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, f, []byte(input), importer.Source{Name: "in", Seen: fileSeen})
}

// TestDetect tries every registered format on this package's samples and
// on every other importer's testdata: masscan's formats claim only their
// own files, and nmap-xml (which steps aside for scanner="masscan") does
// not claim masscan's XML.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"masscan-json", "masscan-xml"},
		Own: map[string]string{
			"scan.json": "masscan-json",
			"scan.xml":  "masscan-xml",
		},
		Extra: map[string]importtest.Sample{
			"nmap": {Data: "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\" start=\"1\">\n", Want: "nmap-xml"},
		},
	})
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		file string
		f    importer.Format
	}{
		{"scan.json", masscan.JSONFormat{}},
		{"scan.xml", masscan.XMLFormat{}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			obs, bad, err := read(t, tt.f, string(importtest.Testdata(t, tt.file)))
			if err != nil || len(bad) > 0 {
				t.Fatalf("err %v bad %v", err, bad)
			}
			importtest.CheckObs(t, tt.f.Name(), obs)
			for _, o := range obs {
				if o.Seen.Equal(fileSeen) {
					t.Errorf("seen %+v", o)
				}
			}
			importtest.Golden(t, filepath.Join("testdata", tt.file+".golden"), obs, nil)
		})
	}
}

func TestMapping(t *testing.T) {
	in, _ := os.ReadFile(filepath.Join("testdata", "scan.json"))
	obs, _, _ := read(t, masscan.JSONFormat{}, string(in))
	got := strings.Join(importtest.Lines(obs), "\n")
	for _, w := range []string{
		`192.168.1.64 port.open 80/tcp="tcp/80"`,
		`192.168.1.64 http.response 80/tcp="HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: Hikvision-Webs\r\nContent-Length: 480\r\n\r\n"`,
		`192.168.1.64 http.title 80/tcp="Login"`,
		`10.20.0.1 ssh.banner 22/tcp="SSH-2.0-HUAWEI-1.5"`,
		`192.168.1.1 ftp.banner 21/tcp="220 ZXHN H108N FTP version 1.0 ready"`,
		`192.168.1.1 http.header.server 80/tcp="Mini web server 1.0 ZTE corp 2005."`,
		`192.168.1.1 port.open 161/udp="udp/161"`,
		`192.168.1.108 tcp.banner 37777/tcp="\u00a0\x00\x00\x00"`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %s", w)
		}
	}
	if strings.Contains(got, "443/tcp") {
		t.Errorf("ssl/X509 banners not skipped:\n%s", got)
	}
	xin, _ := os.ReadFile(filepath.Join("testdata", "scan.xml"))
	obs, _, _ = read(t, masscan.XMLFormat{}, string(xin))
	got = strings.Join(importtest.Lines(obs), "\n")
	for _, w := range []string{
		`192.168.1.64 http.response 80/tcp="HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: Hikvision-Webs\r\n\r\n"`,
		`192.168.1.1 telnet.banner 23/tcp="\r\nF660 login: "`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %s in\n%s", w, got)
		}
	}
	if n := strings.Count(got, "port.open 80/tcp"); n != 1 {
		t.Errorf("port.open tcp/80 %d times, want 1 (banner records add none)", n)
	}
	if !obs[0].Seen.Equal(time.Unix(1732701600, 0)) {
		t.Errorf("seen %v", obs[0].Seen)
	}
}

func TestBadRecordsJSON(t *testing.T) {
	good := func(ip string) string {
		return `{   "ip": "` + ip + `",   "timestamp": "1732701600", "ports": [ {"port": 22, "proto": "tcp", "status": "open"} ] }`
	}
	in := strings.Join([]string{
		"[",
		good("10.0.0.1"),
		",",
		`{ "ip": "10.0.0.2", "ports": [ {"port": "x"} ] }`, // 4: wrong type
		",",
		`{ "ip": "not-an-ip", "timestamp": "1", "ports": [] }`, // 6
		"garbage", // 7
		`{ "ip": "10.0.0.3", "timestamp": "1732701600", "ports": [ {"port": 22, "proto": "tcp", "status": "open", "x": "` + strings.Repeat("a", masscan.MaxLineBytes) + `"} ] }`, // 8
		good("10.0.0.4") + ",",
		"{finished: 1}",
		"]",
	}, "\n")
	obs, bad, err := read(t, masscan.JSONFormat{}, in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range bad {
		got = append(got, b.Error())
	}
	want := []string{
		"in:4: JSON: json: cannot unmarshal",
		"in:6: record has no valid IP address",
		"in:7: not a JSON object",
		"in:8: line longer than 1048576 bytes",
	}
	if len(got) != len(want) {
		t.Fatalf("bad records %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("bad record %q, want prefix %q", got[i], want[i])
		}
	}
	if len(obs) != 2 || obs[0].Host != "10.0.0.1" || obs[1].Host != "10.0.0.4" {
		t.Errorf("observations %v", importtest.Lines(obs))
	}
}

func TestBadRecordsXML(t *testing.T) {
	host := func(ip string) string {
		return `<host endtime="1732701600"><address addr="` + ip + `" addrtype="ipv4"/><ports><port protocol="tcp" portid="80"><state state="open"/></port></ports></host>`
	}
	in := strings.Join([]string{
		`<nmaprun scanner="masscan" start="1732701000">`, // 1
		host("10.0.0.1"), // 2
		`<host endtime="1"><address addr="10.0.0.2" addrtype="ipv4"/><ports></host>`, // 3
		"junk line", // 4
		`<host><address addr="10.0.0.9" addrtype="mac"/></host>`, // 5
		`<host endtime="1732701600">`,                            // 6: spread over lines
		`<address addr="10.0.0.5" addrtype="ipv4"/><ports><port protocol="tcp" portid="8000"><state state="open"/></port></ports>`,
		`</host>`,
		host("10.0.0.6"), // 9
		`<host><address addr="10.0.0.7" addrtype="ipv4"/>`, // 10: never closed
	}, "\n")
	obs, bad, err := read(t, masscan.XMLFormat{}, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"in:3: host: XML syntax error on line 1: element <ports> closed by </host>",
		"in:4: not XML markup",
		"in:5: record has no valid IP address",
		"in:10: host: unexpected end of input before </host>",
	}
	var got []string
	for _, b := range bad {
		got = append(got, b.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad records\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if g := strings.Join(importtest.Lines(obs), "\n"); g != `10.0.0.1 port.open 80/tcp="tcp/80"`+"\n"+`10.0.0.5 port.open 8000/tcp="tcp/8000"`+"\n"+`10.0.0.6 port.open 80/tcp="tcp/80"` {
		t.Errorf("observations\n%s", g)
	}
	if _, _, err := read(t, masscan.XMLFormat{}, "hello\n"); err == nil || !strings.Contains(err.Error(), "not masscan XML output") {
		t.Errorf("non-XML input: err %v", err)
	}
}

func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("stop")
	for _, f := range []importer.Format{masscan.JSONFormat{}, masscan.XMLFormat{}} {
		n := 0
		err := f.Read(context.Background(), strings.NewReader(f.Example()), importer.Source{Name: "x"},
			func(covered.Observation) error { n++; return stop }, func(*importer.RecordError) { t.Error("bad record") })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("%s: err %v after %d observations, want stop after 1", f.Name(), err, n)
		}
	}
}

func TestExamples(t *testing.T) {
	for _, f := range []importer.Format{masscan.JSONFormat{}, masscan.XMLFormat{}} {
		obs, bad, err := read(t, f, f.Example())
		if err != nil || len(bad) > 0 {
			t.Fatalf("%s: err %v bad %v", f.Name(), err, bad)
		}
		if g := strings.Join(importtest.Lines(obs), "\n"); g != `10.1.2.3 port.open 22/tcp="tcp/22"`+"\n"+`10.1.2.3 ssh.banner 22/tcp="SSH-2.0-HUAWEI-1.5"` {
			t.Errorf("%s: %s", f.Name(), g)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(masscan.JSONFormat{}.Example())
	f.Add(masscan.XMLFormat{}.Example())
	f.Add("<host>\n<host>\n</host>\n{\"ip\":\"::1\",\"ports\":[{\"port\":1,\"proto\":\"tcp\",\"service\":{\"name\":\"x\",\"banner\":\"\\\\x4\"}}]}")
	c := importtest.Fuzz{Src: importer.Source{Name: "in", Seen: fileSeen}, PerObs: 8, ReadErr: func([]byte, int, error) bool { return true }}
	f.Fuzz(func(t *testing.T, in string) {
		importtest.FuzzRead(t, []byte(in), c, masscan.JSONFormat{}, masscan.XMLFormat{})
	})
}
