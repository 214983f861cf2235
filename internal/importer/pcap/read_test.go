package pcap

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// seen is the modification time the tests give every file; only packets
// without a time of their own take it.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// cases are the captures under testdata/ (README.md says how each was
// made) and keys each must yield at least once.
var cases = []struct {
	file string
	keys []string
}{
	{"lab.pcap", []string{"http.user_agent", "http.header.sec_ch_ua_model", "http.response", "http.header.server",
		"http.header.www_authenticate", "http.title", "rtsp.response", "rtsp.header.server", "tls.sni",
		"tls.cert.subject", "tls.cert.issuer", "tls.cert.serial", "sip.header.user_agent", "sip.header.server",
		"ssdp.header.server", "mdns.service", "mdns.txt", "hostname", "mac", "dhcp.hostname", "dhcp.vendor_class",
		"dhcp.param_list"}},
	{"lab.pcapng", []string{"http.response", "tls.cert.subject", "sip.header.server", "mdns.txt", "dhcp.vendor_class"}},
	{"any-sll2.pcap", []string{"dhcp.vendor_class", "mdns.service", "ssdp.header.server", "sip.header.user_agent"}},
	{"any-sll.pcapng", []string{"dhcp.vendor_class", "mdns.service", "ssdp.header.server", "sip.header.server"}},
	{"synthetic.pcapng", []string{"mac", "dhcp.vendor_class", "mdns.txt", "ssdp.header.server", "http.user_agent"}},
}

// read runs the format over data and returns what it emitted.
func read(t testing.TB, data []byte, name string) ([]covered.Observation, []*importer.RecordError) {
	t.Helper()
	obs, bad, err := importtest.Run(t, Format{}, data, importer.Source{Name: name, Seen: seen})
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return obs, bad
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			obs, bad := importtest.ReadSample(t, Format{}, tc.file, importer.Source{Seen: seen})
			if len(bad) != 0 {
				t.Errorf("bad records in a sound capture: %v", bad)
			}
			keys := map[string]bool{}
			for _, o := range obs {
				keys[o.Key] = true
				if (o.Port == 0) != (o.Transport == "") {
					t.Errorf("port and transport disagree: %+v", o)
				}
				if o.IP != "" && o.IP != o.Host {
					t.Errorf("IP %q is not the host %q", o.IP, o.Host)
				}
			}
			for _, k := range tc.keys {
				if !keys[k] {
					t.Errorf("no %s observation", k)
				}
			}
		})
	}
}

// TestSpotChecks spells out facts the captures must give, and one they
// must not: a routed packet's Ethernet source is the gateway's MAC, never
// the remote host's.
func TestSpotChecks(t *testing.T) {
	lab, _ := read(t, importtest.Testdata(t, "lab.pcap"), "lab.pcap")
	synth, _ := read(t, importtest.Testdata(t, "synthetic.pcapng"), "synthetic.pcapng")
	has := func(obs []covered.Observation, host, key, value string, port int) {
		t.Helper()
		for _, o := range obs {
			if o.Host == host && o.Key == key && o.Value == value && o.Port == port {
				return
			}
		}
		t.Errorf("%s: no %s = %q on port %d", host, key, value, port)
	}
	has(lab, "127.90.0.3", "tls.cert.subject", "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN", 443)
	has(lab, "127.90.0.3", "http.header.server", "App-webs/", 80)
	has(lab, "127.90.0.6", "sip.header.server", "F660/V2.22.21P1T14S", 5060)
	has(lab, "127.90.0.4", "sip.header.user_agent", "HUAWEI-EchoLife HG8121H/V3R018C00S110", 5060)
	has(lab, "127.90.0.5", "ssdp.header.server", "Linux UPnP/1.0 Huawei-ATP-IGD", 1900)
	has(lab, "127.90.0.2", "rtsp.header.server", "Dahua Rtsp Server", 554)
	has(lab, "127.90.0.1", "mdns.service", "AXIS M3045-V - ACCC8E000000._axis-video._tcp.local", 5353)
	has(lab, "127.90.0.50", "tls.sni", "connectivitycheck.platform.hicloud.com", 0)
	has(lab, "127.90.0.50", "dhcp.vendor_class", "HUAWEI:android:ELE", 0)
	has(lab, "00:56:6d:5a:11:22", "dhcp.param_list", "1,3,6,15,26,28,51,58,59,43,114", 0)
	has(lab, "127.90.0.60", "mdns.txt", "path=/;model=DS-2CD2387G2-LU;manufacturer=HIKVISION", 5353)
	has(lab, "127.90.0.70", "sip.header.user_agent", "Huawei eSpace 7910 V200R003C00SPC700", 0)
	has(lab, "127.90.0.71", "sip.header.server", "Huawei SoftX3000 V300R010", 5060)
	has(synth, "127.90.0.60", "mac", "04:ee:cd:33:44:55", 0)
	has(synth, "00:4b:0d:77:88:99", "dhcp.vendor_class", "HUAWEI:android:BAH3-W09", 0)
	has(synth, "::1", "hostname", "HUAWEI-MatePad-Pro", 5353)
	has(synth, "127.90.9.9", "http.user_agent", "HikCentral/2.3.1", 0)
	for _, o := range synth {
		if o.Host == "127.90.9.9" && (o.MAC != "" || o.Key == "mac") {
			t.Errorf("the gateway's MAC given to a routed host: %+v", o)
		}
		if o.Host == "127.90.0.80" {
			t.Errorf("an ARP probe's target reported: %+v", o)
		}
	}
}

// TestFormatsAgree reads one session captured by tcpdump (pcap, µs) and
// dumpcap (pcapng, ns): the facts must be the same.
func TestFormatsAgree(t *testing.T) {
	a, _ := read(t, importtest.Testdata(t, "lab.pcap"), "lab.pcap")
	b, _ := read(t, importtest.Testdata(t, "lab.pcapng"), "lab.pcapng")
	if len(a) != len(b) {
		t.Fatalf("pcap gives %d observations, pcapng %d", len(a), len(b))
	}
	for i := range a {
		// Two capturing processes stamp each packet on their own.
		if d := a[i].Seen.Sub(b[i].Seen).Abs(); d > time.Millisecond {
			t.Errorf("observation %d seen %v apart", i, d)
		}
		a[i].Seen, b[i].Seen = time.Time{}, time.Time{}
		if a[i] != b[i] {
			t.Errorf("observation %d: pcap %+v, pcapng %+v", i, a[i], b[i])
		}
	}
}

// TestVariants rewrites lab.pcap as the other classic pcap flavours a
// file can be: big-endian, nanosecond, gzip-compressed. Same facts.
func TestVariants(t *testing.T) {
	orig, ng := importtest.Testdata(t, "lab.pcap"), importtest.Testdata(t, "lab.pcapng")
	for _, v := range []struct {
		name       string
		data, from []byte
	}{
		{"big-endian", bigEndian(t, orig), orig},
		{"nanosecond", nanosecond(t, orig), orig},
		{"gzip", gzipped(t, orig), orig},
		{"gzip-pcapng", gzipped(t, ng), ng},
	} {
		t.Run(v.name, func(t *testing.T) {
			want, _ := read(t, v.from, v.name)
			if !(Format{}).Detect(v.data[:min(len(v.data), importer.HeadSize)]) {
				t.Error("Detect does not claim it")
			}
			got, bad := read(t, v.data, v.name)
			if len(bad) > 0 {
				t.Errorf("bad records: %v", bad)
			}
			if len(got) != len(want) {
				t.Fatalf("%d observations, want %d", len(got), len(want))
			}
			for i := range got {
				g, w := got[i], want[i]
				if g != w {
					t.Errorf("observation %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestEmitError checks that an error from emit ends Read with that error.
func TestEmitError(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsOnEmitError(t, Format{}, importtest.Testdata(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}

func TestCanceled(t *testing.T) {
	importtest.StopsWhenCanceled(t, Format{}, importtest.Testdata(t, "lab.pcap"), importer.Source{Name: "lab.pcap"})
}

// TestReadError checks that a failing input (not a damaged file) ends Read
// with an error naming the file.
func TestReadError(t *testing.T) {
	failing := errors.New("disk on fire")
	r := ioReaderFunc(func(p []byte) (int, error) { return 0, failing })
	err := Format{}.Read(context.Background(), r, importer.Source{Name: "x.pcap"},
		func(covered.Observation) error { return nil }, func(e *importer.RecordError) { t.Errorf("bad record %v", e) })
	if !errors.Is(err, failing) || err.Error() != "read x.pcap: disk on fire" {
		t.Errorf("Read = %v", err)
	}
}

type ioReaderFunc func([]byte) (int, error)

func (f ioReaderFunc) Read(p []byte) (int, error) { return f(p) }
