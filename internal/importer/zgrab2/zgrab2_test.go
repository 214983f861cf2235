package zgrab2_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/importer/zgrab2"
)

var fileSeen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func read(t testing.TB, input string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, zgrab2.Format{}, []byte(input), importer.Source{Name: "in", Seen: fileSeen})
}

// TestDetect tries every registered format on this package's samples and
// on every other importer's testdata: zgrab2 claims only its own files.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"zgrab2"},
		Own:     map[string]string{"scan.jsonl": "zgrab2"},
		Extra: map[string]importtest.Sample{
			"masscan-json": {Data: `{   "ip": "10.0.0.1",   "timestamp": "1", "ports": [ {"port": 80, "proto": "tcp", "status": "open"} ] }`, Want: "masscan-json"},
			"other json":   {Data: `{"ip":"10.0.0.1","data":[1,2]}`},
		},
	})
}

func TestGolden(t *testing.T) {
	obs, bad, err := read(t, string(importtest.Testdata(t, "scan.jsonl")))
	if err != nil || len(bad) > 0 {
		t.Fatalf("err %v bad %v", err, bad)
	}
	importtest.CheckObs(t, "zgrab2", obs)
	for _, o := range obs {
		if o.Seen.Equal(fileSeen) {
			t.Errorf("seen %+v", o)
		}
	}
	importtest.Golden(t, filepath.Join("testdata", "scan.jsonl.golden"), obs, nil)
	got := strings.Join(importtest.Lines(obs), "\n")
	for _, w := range []string{
		`192.168.1.64 http.header.server 80/tcp="Hikvision-Webs"`,
		`192.168.1.64 http.title 80/tcp="Hikvision & Login"`,
		`10.20.0.1 ssh.banner 22/tcp="SSH-2.0-HUAWEI-1.5"`,
		`10.20.0.1 telnet.banner 23/tcp="Warning: Telnet is not a secure protocol, and it is recommended to use Stelnet.\r\n\r\nLogin authentication\r\n\r\n\r\nUsername:"`,
		`192.168.1.64 tls.cert.subject 443/tcp="CN=192.168.1.64,O=HIKVISION\\, Inc,C=CN"`,
		`192.168.1.64 tls.cert.serial 443/tcp="57a09b37"`,
		`192.168.1.1 ftp.banner 21/tcp="220 ZXHN H108N FTP version 1.0 ready"`,
		`192.168.1.1 http.title 80/tcp="401 Unauthorized"`,
		`192.168.1.1 http.header.www_authenticate 80/tcp="Basic realm=\"ZXHN H108N\""`,
		`192.168.1.108 tcp.banner 0/="\u00a0\x00\x00\x00"`,
		`10.30.0.2 http.header.server 443/tcp="ZTE web server 1.0 ZTE corp 2015."`,
		`10.30.0.2 tls.cert.issuer 443/tcp="CN=ZTE,O=ZTE Corporation,L=Shenzhen,ST=Guangdong,C=CN"`,
		`10.30.0.2 tls.cert.serial 443/tcp="ff"`,
		`10.30.0.2 smtp.banner 25/tcp="220 mail.example.net ESMTP Huawei eSpace"`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %s", w)
		}
	}
}

func TestBadRecords(t *testing.T) {
	good := `{"ip":"10.0.0.1","data":{"ssh":{"status":"success","protocol":"ssh","result":{"server_id":{"raw":"SSH-2.0-ZTE_SSH.2.0"}}}}}`
	in := strings.Join([]string{
		good, // 1
		`{"ip":"10.0.0.2","data":{"http":{"result":{"response":{"headers":{"server":"not a list"}}}}}}`, // 2
		`not json`,    // 3
		`{"data":{}}`, // 4
		"",            // 5
		`{"ip":"10.0.0.3","data":{"banner":{"result":{"banner":"` + strings.Repeat("a", zgrab2.MaxLineBytes) + `"}}}}`, // 6
		`{"ip":"10.0.0.4",`, // 7
		strings.Replace(good, "10.0.0.1", "10.0.0.5", 1), // 8
	}, "\n")
	obs, bad, err := read(t, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"in:2: data.http.result: json: cannot unmarshal string",
		"in:3: not a JSON object",
		"in:4: record has no ip or domain",
		"in:6: line longer than 16777216 bytes",
		"in:7: JSON: unexpected end of JSON input",
	}
	if len(bad) != len(want) {
		t.Fatalf("bad records %v, want %q", bad, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(bad[i].Error(), w) {
			t.Errorf("bad record %q, want prefix %q", bad[i], w)
		}
	}
	if g := strings.Join(importtest.Lines(obs), "\n"); g != `10.0.0.1 ssh.banner 22/tcp="SSH-2.0-ZTE_SSH.2.0"`+"\n"+`10.0.0.5 ssh.banner 22/tcp="SSH-2.0-ZTE_SSH.2.0"` {
		t.Errorf("observations\n%s", g)
	}
	for _, o := range obs {
		if !o.Seen.Equal(fileSeen) {
			t.Errorf("no timestamp: seen %v, want the file's", o.Seen)
		}
	}
}

func TestBodyBounded(t *testing.T) {
	body := "<title>x</title>" + strings.Repeat("é", zgrab2.MaxBodyBytes)
	line, _ := json.Marshal(map[string]any{"ip": "10.0.0.1", "data": map[string]any{"http": map[string]any{"result": map[string]any{"response": map[string]any{"body": body}}}}})
	obs, bad, err := read(t, string(line))
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	for _, o := range obs {
		if o.Key == "http.body" && (len(o.Value) > zgrab2.MaxBodyBytes || !strings.HasPrefix(o.Value, "<title>") || o.Path != "/") {
			t.Errorf("body of %d bytes, path %q", len(o.Value), o.Path)
		}
	}
}

func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	ex := zgrab2.Format{}.Example()
	err := zgrab2.Format{}.Read(context.Background(), strings.NewReader(ex+ex), importer.Source{Name: "x"},
		func(covered.Observation) error { n++; return stop }, func(*importer.RecordError) { t.Error("bad record") })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d observations, want stop after 1", err, n)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(zgrab2.Format{}.Example())
	// Small seeds: the minimizer is quadratic in the input's size.
	f.Add(`{"ip":"10.0.0.1","data":{"http":{"result":{"response":{"headers":{"server":["Hikvision-Webs"]},"body":"<title>x</title>","request":{"url":{"scheme":"https","host":"a:8443","path":"/"},"tls_log":{"handshake_log":{"server_certificates":{"certificate":{"parsed":{"subject_dn":"C=CN, CN=a","issuer_dn":"CN=b","serial_number":"12"}}}}}}}},"timestamp":"2024-11-27T10:00:01Z"},"telnet":{"result":{"banner":"x"}}}}`)
	f.Add(`{"domain":"x","data":{"tls":{"result":{"handshake_log":{"server_certificates":{"certificate":{"parsed":{"subject_dn":"a=b, c, d=e","serial_number":"-1"}}}}}}}}`)
	c := importtest.Fuzz{Src: importer.Source{Name: "in", Seen: fileSeen}, PerObs: 8, ReadErr: func([]byte, int, error) bool { return true },
		Check: func(o covered.Observation) string {
			if o.Key == "http.body" && len(o.Value) > zgrab2.MaxBodyBytes {
				return "body too long"
			}
			return ""
		}}
	f.Fuzz(func(t *testing.T, in string) {
		importtest.FuzzRead(t, []byte(in), c, zgrab2.Format{})
	})
}
