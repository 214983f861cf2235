package nmapxml

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// read runs the format over input and collects what it reports.
func read(t testing.TB, input string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, Format{}, []byte(input), testSrc)
}

// testSrc is the Source the tests read with.
var testSrc = importer.Source{Name: "in.xml", Seen: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}

// hostXML is a small well-formed host on one line.
func hostXML(ip string) string {
	return `<host starttime="1795773601" endtime="1795773660"><status state="up"/><address addr="` + ip + `" addrtype="ipv4"/>` +
		`<ports><port protocol="tcp" portid="22"><state state="open"/><service name="ssh" product="Huawei VRP sshd" extrainfo="protocol 2.0"><cpe>cpe:/o:huawei:vrp</cpe></service></port></ports></host>`
}

const head = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" start="1795773600">
`

func hostsOf(obs []covered.Observation) []string {
	var out []string
	for _, o := range obs {
		if len(out) == 0 || out[len(out)-1] != o.Host {
			out = append(out, o.Host)
		}
	}
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"nmaprun", head, true},
		{"doctype only", "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n", true},
		{"stylesheet", `<?xml-stylesheet href="file:///usr/share/nmap/nmap.xsl" type="text/xsl"?>`, true},
		{"other xml", `<?xml version="1.0"?><rss></rss>`, false},
		{"jsonl", `{"host":"10.1.2.3","key":"mac","value":"x"}`, false},
		{"late", strings.Repeat(" ", 5000) + "<nmaprun>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Format{}).Detect([]byte(tt.head)); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExampleReads(t *testing.T) {
	obs, bad, err := read(t, Format{}.Example())
	if err != nil || len(bad) > 0 {
		t.Fatalf("err %v, bad %v", err, bad)
	}
	got := importtest.KeyValues(obs)
	want := "mac=00:E0:FC:01:02:03 hostname=sw1.example.net port.open=tcp/22 nmap.service=Huawei VRP sshd (protocol 2.0) nmap.cpe=cpe:/o:huawei:vrp"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if obs[0].Host != "10.1.2.3" || obs[0].MAC != "00:E0:FC:01:02:03" || obs[0].Source != "import:nmap-xml" ||
		!obs[0].Seen.Equal(time.Unix(1795773660, 0)) {
		t.Errorf("first observation %+v", obs[0])
	}
}

// TestHostile: each malformed input gives one record error on the right
// line, and the hosts around it are still read.
func TestHostile(t *testing.T) {
	// Lines: 1-3 head, 4 host A, 5 the bad part, 6 host C, 7 </nmaprun>.
	around := func(bad string) string {
		return head + hostXML("10.0.0.1") + "\n" + bad + "\n" + hostXML("10.0.0.3") + "\n</nmaprun>\n"
	}
	tests := []struct {
		name    string
		input   string
		line    int
		errHas  string
		hosts   []string
		readErr string
	}{
		{
			name:   "truncated file",
			input:  head + hostXML("10.0.0.1") + "\n" + hostXML("10.0.0.2")[:150],
			line:   5,
			errHas: "host at line 5: XML syntax error on line 5: unexpected EOF",
			hosts:  []string{"10.0.0.1"},
		},
		{
			name:   "huge attribute",
			input:  around(`<host><address addr="10.0.0.2" addrtype="ipv4"/><hostnames><hostname name="` + strings.Repeat("a", MaxHostBytes+10) + `"/></hostnames></host>`),
			line:   5,
			errHas: "host at line 5: element larger than 4194304 bytes",
			hosts:  []string{"10.0.0.1", "10.0.0.3"},
		},
		{
			name:   "deep nesting",
			input:  around(`<host><address addr="10.0.0.2" addrtype="ipv4"/>` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</host>`),
			line:   5,
			errHas: "host: elements nested deeper than 64",
			hosts:  []string{"10.0.0.1", "10.0.0.3"},
		},
		{
			name:   "mismatched tags inside a host",
			input:  around(`<host><address addr="10.0.0.2" addrtype="ipv4"/><ports></host>`),
			line:   5,
			errHas: "host at line 5: XML syntax error on line 5: element <ports> closed by </host>",
			hosts:  []string{"10.0.0.1", "10.0.0.3"},
		},
		{
			name:   "non-XML between hosts",
			input:  around("\x00\x01 binary junk"),
			line:   5,
			errHas: "XML syntax error: illegal character code U+0000",
			hosts:  []string{"10.0.0.1", "10.0.0.3"},
		},
		{
			name:   "host without address",
			input:  around(`<host><status state="up"/><hostnames><hostname name="x" type="PTR"/></hostnames></host>`),
			line:   5,
			errHas: "host: no IPv4, IPv6 or MAC address",
			hosts:  []string{"10.0.0.1", "10.0.0.3"},
		},
		{
			name:    "not XML at all",
			input:   "hello\nworld\n",
			line:    0,
			hosts:   nil,
			readErr: "nmap-xml: in.xml:3: no <nmaprun> element: not nmap XML output",
		},
		{
			name:    "binary",
			input:   "\x89PNG\r\n\x1a\n\x00\x00",
			line:    1,
			errHas:  "XML syntax error: invalid UTF-8",
			readErr: "not nmap XML output",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, bad, err := read(t, tt.input)
			if tt.readErr == "" && err != nil {
				t.Fatalf("Read: %v", err)
			}
			if tt.readErr != "" && (err == nil || !strings.Contains(err.Error(), tt.readErr)) {
				t.Fatalf("Read error %v, want %q", err, tt.readErr)
			}
			if tt.line == 0 {
				if len(bad) != 0 {
					t.Errorf("bad records %v, want none", bad)
				}
			} else {
				if len(bad) != 1 {
					t.Fatalf("bad records %v, want 1", bad)
				}
				if bad[0].Line != tt.line || bad[0].File != "in.xml" || !strings.Contains(bad[0].Err.Error(), tt.errHas) {
					t.Errorf("bad record %q (line %d), want line %d containing %q", bad[0], bad[0].Line, tt.line, tt.errHas)
				}
			}
			if got := hostsOf(obs); fmt.Sprint(got) != fmt.Sprint(tt.hosts) {
				t.Errorf("hosts %v, want %v", got, tt.hosts)
			}
		})
	}
}

func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Format{}.Read(context.Background(), strings.NewReader(head+hostXML("10.0.0.1")+hostXML("10.0.0.2")+"</nmaprun>"), importer.Source{Name: "x"},
		func(covered.Observation) error { n++; return stop }, func(*importer.RecordError) { t.Error("bad record") })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d observations, want stop after 1", err, n)
	}
}

func TestSeenFallbacks(t *testing.T) {
	noTimes := `<host><address addr="10.0.0.9" addrtype="ipv4"/><hostnames><hostname name="h" type="user"/></hostnames></host>`
	obs, _, _ := read(t, head+noTimes+"</nmaprun>")
	if len(obs) != 1 || !obs[0].Seen.Equal(time.Unix(1795773600, 0)) {
		t.Errorf("run start not used: %+v", obs)
	}
	obs, _, _ = read(t, "<nmaprun>"+noTimes+"</nmaprun>")
	if len(obs) != 1 || !obs[0].Seen.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("src.Seen not used: %+v", obs)
	}
}

func TestScripts(t *testing.T) {
	in := head + `<host><address addr="10.0.0.5" addrtype="ipv4"/><ports>
<port protocol="tcp" portid="443"><state state="open"/><service name="http" product="Hikvision IP camera httpd"/>
<script id="http-title" output="Site doesn&apos;t have a title (text/html)."><elem key="Content-Type">text/html</elem></script>
<script id="ssl-cert" output="Subject: ..."><table key="subject"><elem key="commonName">192.168.1.64</elem><elem key="organizationName">HIKVISION, Inc</elem><elem key="countryName">CN</elem></table><table key="issuer"><elem key="commonName">hikvision</elem></table></script>
</port>
<port protocol="tcp" portid="80"><state state="open"/><service name="http"/>
<script id="http-server-header" output="App-webs/"><elem>App-webs/</elem></script>
<script id="http-title" output="Login"><elem key="title">Login</elem></script>
<script id="rtsp-methods" output="OPTIONS, DESCRIBE"/>
</port>
<port protocol="tcp" portid="23"><state state="open"/><service name="telnet"/><script id="banner" output="ZXHN H108N login:"/></port>
<port protocol="udp" portid="161"><state state="open"/><service name="snmp"/><script id="snmp-sysdescr" output="Huawei Versatile Routing Platform Software&#xa;  System uptime: 1 day"/></port>
<port protocol="tcp" portid="25"><state state="closed"/><service name="smtp" product="Postfix smtpd"/></port>
</ports></host></nmaprun>`
	obs, bad, err := read(t, in)
	if err != nil || len(bad) > 0 {
		t.Fatalf("err %v bad %v", err, bad)
	}
	var got []string
	for _, o := range obs {
		got = append(got, fmt.Sprintf("%s %d/%s=%s", o.Key, o.Port, o.Transport, o.Value))
	}
	want := []string{
		"port.open 443/tcp=tcp/443",
		"nmap.service 443/tcp=Hikvision IP camera httpd",
		"tls.cert.subject 443/tcp=CN=192.168.1.64,O=HIKVISION\\, Inc,C=CN",
		"tls.cert.issuer 443/tcp=CN=hikvision",
		"port.open 80/tcp=tcp/80",
		"http.header.server 80/tcp=App-webs/",
		"http.title 80/tcp=Login",
		"port.open 23/tcp=tcp/23",
		"telnet.banner 23/tcp=ZXHN H108N login:",
		"port.open 161/udp=udp/161",
		"snmp.sysdescr 161/udp=Huawei Versatile Routing Platform Software",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOS(t *testing.T) {
	in := head + `<host><address addr="10.0.0.6" addrtype="ipv4"/><os>
<osmatch name="Huawei VRP 8.100" accuracy="95"><osclass vendor="Huawei" accuracy="95"><cpe>cpe:/o:huawei:vrp:8.100</cpe></osclass></osmatch>
<osmatch name="Huawei VRP 5.160" accuracy="91"><osclass><cpe>cpe:/o:huawei:vrp:5.160</cpe></osclass></osmatch>
<osmatch name="Linux 2.6.32" accuracy="88"><osclass><cpe>cpe:/o:linux:linux_kernel:2.6.32</cpe></osclass></osmatch>
</os></host></nmaprun>`
	obs, _, _ := read(t, in)
	got := importtest.KeyValues(obs)
	want := "nmap.cpe=cpe:/o:huawei:vrp:8.100 nmap.cpe=cpe:/o:huawei:vrp:5.160 nmap.os=Huawei VRP 8.100"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// maxObsPerByte bounds observations by input size: the smallest element
// that yields one (<cpe>x</cpe>) takes well over 8 bytes.
const maxObsPerByte = 8

func FuzzRead(f *testing.F) {
	f.Add(Format{}.Example())
	f.Add(head + hostXML("10.0.0.1") + "</nmaprun>")
	f.Add(head + hostXML("10.0.0.1")[:90])
	f.Add("<nmaprun><host><address addr=\"::1\" addrtype=\"ipv6\"/><os><osmatch name=\"x\" accuracy=\"99\"/></os></host>")
	f.Add("\x00<host \n<host><host>")
	c := importtest.Fuzz{Src: testSrc, PerObs: maxObsPerByte, ReadErr: func([]byte, int, error) bool { return true }}
	f.Fuzz(func(t *testing.T, in string) {
		importtest.FuzzRead(t, []byte(in), c, Format{})
	})
}
