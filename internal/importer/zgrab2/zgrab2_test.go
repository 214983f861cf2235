package zgrab2_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/accesslog"
	_ "github.com/coveredtool/covered/internal/importer/arp"
	_ "github.com/coveredtool/covered/internal/importer/dhcp"
	_ "github.com/coveredtool/covered/internal/importer/masscan"
	_ "github.com/coveredtool/covered/internal/importer/nmapxml"
	_ "github.com/coveredtool/covered/internal/importer/observations"
	_ "github.com/coveredtool/covered/internal/importer/zeek"
	"github.com/coveredtool/covered/internal/importer/zgrab2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var fileSeen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func read(t testing.TB, input string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	var obs []covered.Observation
	var bad []*importer.RecordError
	err := zgrab2.Format{}.Read(context.Background(), strings.NewReader(input), importer.Source{Name: "in", Seen: fileSeen},
		func(o covered.Observation) error { obs = append(obs, o); return nil },
		func(e *importer.RecordError) { bad = append(bad, e) })
	return obs, bad, err
}

func lines(obs []covered.Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, fmt.Sprintf("%s %s %d/%s=%q", o.Host, o.Key, o.Port, o.Transport, o.Value))
	}
	return out
}

// TestDetect tries every registered format on this package's samples and
// on every other importer's testdata: zgrab2 claims only its own files.
func TestDetect(t *testing.T) {
	want := map[string]string{
		"testdata/scan.jsonl": "zgrab2",
		"example":             "zgrab2",
	}
	samples := map[string][]byte{
		"example":      []byte(zgrab2.Format{}.Example()),
		"observations": []byte(`{"host":"10.1.2.3","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n"),
		"masscan-json": []byte(`{   "ip": "10.0.0.1",   "timestamp": "1", "ports": [ {"port": 80, "proto": "tcp", "status": "open"} ] }`),
		"other json":   []byte(`{"ip":"10.0.0.1","data":[1,2]}`),
		"empty":        nil,
	}
	for _, dir := range []string{"testdata", "../accesslog/testdata", "../arp/testdata", "../dhcp/testdata", "../nmapxml/testdata", "../zeek/testdata", "../masscan/testdata"} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".golden") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > importer.HeadSize {
				b = b[:importer.HeadSize]
			}
			samples[filepath.Join(dir, e.Name())] = b
		}
	}
	for name, head := range samples {
		var got []string
		for _, f := range importer.Detect(head) {
			got = append(got, f.Name())
		}
		if w, ok := want[name]; ok {
			if strings.Join(got, ",") != w {
				t.Errorf("Detect(%s) = %v, want [%s]", name, got, w)
			}
		} else if (zgrab2.Format{}).Detect(head) {
			t.Errorf("zgrab2 claims %s (Detect: %v)", name, got)
		}
	}
}

func TestGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "scan.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	obs, bad, err := read(t, string(in))
	if err != nil || len(bad) > 0 {
		t.Fatalf("err %v bad %v", err, bad)
	}
	var buf bytes.Buffer
	for _, o := range obs {
		if _, ok := covered.Keys[o.Key]; !ok {
			t.Errorf("key %q not in the vocabulary", o.Key)
		}
		if o.Source != "import:zgrab2" || o.Seen.Equal(fileSeen) {
			t.Errorf("source/seen %+v", o)
		}
		b, _ := json.Marshal(o)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "scan.jsonl.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("observations differ from %s (run with -update and review the diff):\n%s", golden, buf.String())
	}
	got := strings.Join(lines(obs), "\n")
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
	if g := strings.Join(lines(obs), "\n"); g != `10.0.0.1 ssh.banner 22/tcp="SSH-2.0-ZTE_SSH.2.0"`+"\n"+`10.0.0.5 ssh.banner 22/tcp="SSH-2.0-ZTE_SSH.2.0"` {
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
	f.Fuzz(func(t *testing.T, in string) {
		obs, _, _ := read(t, in)
		if len(obs) > len(in)/8+1 {
			t.Fatalf("%d observations from %d bytes", len(obs), len(in))
		}
		for _, o := range obs {
			if o.Host == "" || o.Key == "" || o.Value == "" || o.Source != "import:zgrab2" {
				t.Fatalf("bad observation %+v", o)
			}
			if o.Key == "http.body" && len(o.Value) > zgrab2.MaxBodyBytes {
				t.Fatalf("body of %d bytes", len(o.Value))
			}
		}
	})
}
