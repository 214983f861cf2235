package check

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/targets"
)

// probedSet is a Device.Probed over a list of "tcp/N" and "udp/N".
func probedSet(t *testing.T, ports ...string) func(string, int) bool {
	t.Helper()
	set := map[portRef]bool{}
	for _, p := range ports {
		ref, err := parsePort(p)
		if err != nil {
			t.Fatal(err)
		}
		set[ref] = true
	}
	return func(transport string, port int) bool { return set[portRef{transport, port}] }
}

// verdict is what one Run concluded about one check.
func verdict(t *testing.T, r Result, id string) outcome {
	t.Helper()
	if len(r.Errs) > 0 {
		t.Errorf("errors: %v", r.Errs)
	}
	for _, f := range r.Findings {
		if f.Check == id {
			return found
		}
	}
	switch {
	case slices.Contains(r.Decided, id):
		return notAffected
	case slices.Contains(r.Undecided, id):
		return undecided
	}
	t.Fatalf("%s neither decided nor undecided: %+v", id, r)
	return undecided
}

// TestEvidenceOutcomes: missing evidence decides "not affected" only when
// the run looked where it comes from; an unknown identification field or a
// firmware version the range cannot place leaves the check undecided, so
// that the store keeps an earlier finding.
func TestEvidenceOutcomes(t *testing.T) {
	e, err := New(Config{Profile: Passive})
	if err != nil {
		t.Fatal(err)
	}
	telnet := covered.Observation{Key: "telnet.banner", Value: "F660\r\n\rLogin:", Port: 23}
	http80 := covered.Observation{Key: "http.response", Value: "HTTP/1.1 200 OK", Port: 80}
	hik := covered.Identification{Status: covered.StatusCovered, CoveredEntity: "Hikvision", Model: "DS-2CD2032-I"}
	isapi := func(fw, date string) covered.Observation {
		return covered.Observation{Key: "http.body", Path: "/ISAPI/System/deviceInfo", Port: 80,
			Value: "<DeviceInfo><firmwareVersion>" + fw + "</firmwareVersion>" + date + "</DeviceInfo>"}
	}
	for _, tc := range []struct {
		name, check string
		id          covered.Identification
		obs         []covered.Observation
		probed      []string // nil: Probed unknown
		want        outcome
	}{
		{"telnet seen", "cleartext-telnet", covered.Identification{}, []covered.Observation{telnet}, nil, found},
		{"telnet gone, full scan", "cleartext-telnet", covered.Identification{}, []covered.Observation{http80}, []string{"tcp/21", "tcp/23", "tcp/80"}, notAffected},
		{"scan -p 80", "cleartext-telnet", covered.Identification{}, []covered.Observation{http80}, []string{"tcp/80"}, undecided},
		{"probed unknown (interrupted scan, stored evidence)", "cleartext-telnet", covered.Identification{}, []covered.Observation{http80}, nil, undecided},
		{"ftp, scan -p 80", "cleartext-ftp", covered.Identification{}, []covered.Observation{http80}, []string{"tcp/80"}, undecided},
		{"snmp without communities (udp/161 not reported)", "cleartext-snmp-v1v2c", covered.Identification{}, []covered.Observation{http80}, []string{"tcp/80", "udp/1900"}, undecided},
		{"snmp with communities, no answer", "cleartext-snmp-v1v2c", covered.Identification{}, []covered.Observation{http80}, []string{"tcp/80", "udp/161"}, notAffected},
		{"sdk port, scan -p 80", "hikvision-sdk-port-open", hik, []covered.Observation{http80}, []string{"tcp/80"}, undecided},
		{"sdk port closed", "hikvision-sdk-port-open", hik, []covered.Observation{http80}, []string{"tcp/80", "tcp/8000"}, notAffected},
		{"sdk port open, maker unidentified", "hikvision-sdk-port-open", covered.Identification{Status: covered.StatusUnidentified},
			[]covered.Observation{{Key: "port.open", Value: "tcp/8000", Port: 8000}}, []string{"tcp/8000"}, undecided},
		{"sdk port open, not covered", "hikvision-sdk-port-open", covered.Identification{Status: covered.StatusNotCovered, Manufacturer: "Axis"},
			[]covered.Observation{{Key: "port.open", Value: "tcp/8000", Port: 8000}}, []string{"tcp/8000"}, notAffected},
		{"https seen: unless decides", "cleartext-http-admin", covered.Identification{},
			[]covered.Observation{http80, {Key: "tls.cert.subject", Value: "CN=x", Port: 443}}, nil, notAffected},
		// Firmware: ISAPI answering 401 on a rescan shows no version.
		{"7921 in range", "hikvision-cve-2017-7921-firmware", hik, []covered.Observation{isapi("V5.4.0", "<firmwareReleasedDate>build 160530</firmwareReleasedDate>")}, []string{"tcp/80"}, found},
		{"7921 no version (ISAPI 401)", "hikvision-cve-2017-7921-firmware", hik,
			[]covered.Observation{{Key: "http.response", Path: "/ISAPI/System/deviceInfo", Value: "HTTP/1.1 401 Unauthorized", Port: 80}}, []string{"tcp/80"}, undecided},
		{"7921 fixed version", "hikvision-cve-2017-7921-firmware", hik, []covered.Observation{isapi("V5.4.41", "")}, []string{"tcp/80"}, notAffected},
		{"7921 model unknown", "hikvision-cve-2017-7921-firmware", covered.Identification{Status: covered.StatusCovered, CoveredEntity: "Hikvision"},
			[]covered.Observation{isapi("V5.4.0", "")}, []string{"tcp/80"}, undecided},
		{"7921 other model line", "hikvision-cve-2017-7921-firmware", covered.Identification{Status: covered.StatusCovered, CoveredEntity: "Hikvision", Model: "DS-7608NI-K2"},
			[]covered.Observation{isapi("V5.4.0", "")}, []string{"tcp/80"}, notAffected},
		{"36260 without build date", "hikvision-cve-2021-36260-firmware", hik, []covered.Observation{isapi("V5.4.0", "")}, []string{"tcp/80"}, undecided},
		{"36260 build not a date", "hikvision-cve-2021-36260-firmware", hik, []covered.Observation{isapi("V5.4.0 build 1234", "")}, []string{"tcp/80"}, undecided},
		{"36260 old build", "hikvision-cve-2021-36260-firmware", hik, []covered.Observation{isapi("V5.4.0", "<firmwareReleasedDate>build 160530</firmwareReleasedDate>")}, []string{"tcp/80"}, found},
		{"36260 fixed build", "hikvision-cve-2021-36260-firmware", hik, []covered.Observation{isapi("V5.5.800", "<firmwareReleasedDate>build 210628</firmwareReleasedDate>")}, []string{"tcp/80"}, notAffected},
		// The family check keeps its meaning: it holds while the build
		// date is not visible and is decided once it is.
		{"dahua family, no date", "dahua-cve-2021-33044-33045-family", covered.Identification{CoveredEntity: "Dahua", Model: "IPC-HDW5231R-ZE"},
			[]covered.Observation{{Key: "dhip.response", Value: `{"Version":"2.800.0000000.16.R"}`}}, nil, found},
		{"dahua family, date seen", "dahua-cve-2021-33044-33045-family", covered.Identification{CoveredEntity: "Dahua", Model: "IPC-HDW5231R-ZE"},
			[]covered.Observation{{Key: "onvif.device_information", Value: "<tds:FirmwareVersion>2.800.0000000.25.R, build: 2021-06-01</tds:FirmwareVersion>"}}, nil, notAffected},
		{"dahua family, model unknown", "dahua-cve-2021-33044-33045-family", covered.Identification{CoveredEntity: "Dahua"}, nil, nil, undecided},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Device{Host: "h", Identification: tc.id, Observations: tc.obs}
			if tc.probed != nil {
				d.Probed = probedSet(t, tc.probed...)
			}
			if got := verdict(t, e.Run(context.Background(), d), tc.check); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.check, got, tc.want)
			}
		})
	}
}

// TestPartialScanDecidesNothingItDidNotProbe: `covered scan -p 80` of a
// device that an earlier full scan found with telnet, FTP, SNMP, UPnP and
// SDK ports: the passive checks whose evidence comes from elsewhere are
// undecided (their findings stand); a full scan without them decides.
func TestPartialScanDecidesNothingItDidNotProbe(t *testing.T) {
	e, err := New(Config{Profile: Passive})
	if err != nil {
		t.Fatal(err)
	}
	id := covered.Identification{Status: covered.StatusCovered, CoveredEntity: "Hikvision", Model: "DS-2CD2032-I"}
	obs := []covered.Observation{{Key: "http.response", Value: "HTTP/1.1 401 Unauthorized", Port: 80}, {Key: "port.open", Value: "tcp/80", Port: 80}}
	elsewhere := []string{"cleartext-telnet", "cleartext-ftp", "cleartext-snmp-v1v2c", "upnp-exposed", "onvif-device-info-without-auth",
		"rtsp-describe-without-auth", "hikvision-sdk-port-open", "hisilicon-9530-open", "hisilicon-9527-open", "xiongmai-netsdk-port-open"}
	partial := e.Run(context.Background(), &Device{Host: "h", Identification: id, Observations: obs, Probed: probedSet(t, "tcp/80")})
	for _, c := range elsewhere {
		if got := verdict(t, partial, c); got != undecided {
			t.Errorf("scan -p 80: %s %s, want undecided", c, got)
		}
	}
	if got := verdict(t, partial, "hikvision-cve-2017-7921-firmware"); got != undecided {
		t.Errorf("scan -p 80 without a version: firmware check %s, want undecided", got)
	}
	full, err := targets.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	probed := func(transport string, port int) bool {
		list := full.TCP
		if transport == "udp" {
			list = full.UDP
		}
		return slices.Contains(list, uint16(port))
	}
	complete := e.Run(context.Background(), &Device{Host: "h", Identification: id, Observations: obs, Probed: probed})
	for _, c := range elsewhere {
		if got := verdict(t, complete, c); got != notAffected {
			t.Errorf("default-profile scan: %s %s, want decided, not affected", c, got)
		}
	}
}

// TestUndecidedEvidenceSendsNothing: an active check whose preconditions
// cannot be told sends nothing and is undecided, not an error.
func TestUndecidedEvidenceSendsNothing(t *testing.T) {
	var dials atomic.Int32
	dialer := dialFunc(func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		return nil, &net.OpError{Op: "dial", Net: network}
	})
	e, err := New(Config{Profile: AuthProfile, Authorized: true, Dialer: dialer,
		Only: []string{"zte-cve-2014-2321-shell-page", "hikvision-legacy-default-password", "dahua-default-password-rtsp"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d         *Device
		undecided int
	}{
		{&Device{Host: "zte", Identification: covered.Identification{CoveredEntity: "ZTE"}}, 1},                   // model unknown
		{&Device{Host: "hik", Identification: covered.Identification{CoveredEntity: "Hikvision"}}, 1},             // no firmware version
		{&Device{Host: "dahua", Identification: covered.Identification{CoveredEntity: "Dahua"}}, 1},               // RTSP not probed
		{&Device{Host: "unknown", Identification: covered.Identification{Status: covered.StatusUnidentified}}, 3}, // maker unknown
	} {
		tc.d.Addr = netip.MustParseAddr("127.0.0.1")
		r := e.Run(context.Background(), tc.d)
		if len(r.Errs) > 0 || len(r.Findings) > 0 || len(r.Undecided) != tc.undecided || len(r.Decided) != 3-tc.undecided {
			t.Errorf("%s: %+v, want %d checks undecided and the others decided (another maker)", tc.d.Host, r, tc.undecided)
		}
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d connections for checks whose evidence does not decide", n)
	}
}

// TestBuiltinPorts: every built-in check with when conditions says where
// their evidence comes from, and the default scan profile probes at least
// one of those ports, so a full scan decides it.
// noPorts are the checks whose missing evidence never decides, on purpose.
var noPorts = map[string]bool{
	// The scan asks for the page only on devices that name ZTE.
	"zte-cve-2014-2321-shell-page-observed": true,
}

func TestBuiltinPorts(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	def, err := targets.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.All() {
		if len(c.When) == 0 {
			continue
		}
		if len(c.ports) == 0 {
			if !noPorts[c.ID] {
				t.Errorf("%s: when without ports: a miss never decides", c.ID)
			}
			continue
		}
		ok := true
		for _, p := range c.ports {
			list := def.TCP
			if p.transport == "udp" {
				list = def.UDP
			}
			ok = ok && slices.Contains(list, uint16(p.port))
		}
		if !ok {
			t.Errorf("%s: not all of %v are in the default scan profile: a default scan would never decide it", c.ID, c.Ports)
		}
	}
}

func TestLoadPortsAndExamples(t *testing.T) {
	base := "  - id: x\n    title: t\n    severity: low\n    lockout_risk: none\n    advice: a\n    source: s\n    records: [port.open]\n    side_effect: none\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad transport", base + "    when: [{key: port.open}]\n    ports: [sctp/23]\n", `"sctp/23": want tcp/N or udp/N`},
		{"port zero", base + "    when: [{key: port.open}]\n    ports: [tcp/0]\n", `"tcp/0"`},
		{"port too big", base + "    when: [{key: port.open}]\n    ports: [udp/65536]\n", `"udp/65536"`},
		{"not a number", base + "    when: [{key: port.open}]\n    ports: [tcp/telnet]\n", `"tcp/telnet"`},
		{"leading zero", base + "    when: [{key: port.open}]\n    ports: [tcp/023]\n", `"tcp/023"`},
		{"ports without when", base + "    applies: {model: x}\n    ports: [tcp/23]\n", "the check has no when"},
		{"bad outcome", base + "    when: [{key: port.open}]\n    examples:\n      - {name: e, outcome: maybe}\n", `outcome "maybe"`},
		{"undecided finding", base + "    when: [{key: port.open}]\n    examples:\n      - {name: e, finding: true, outcome: undecided}\n", "outcome undecided with finding true"},
		{"bad probed", base + "    when: [{key: port.open}]\n    examples:\n      - {name: e, probed: [23], finding: false}\n", `probed: "23"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := fstest.MapFS{"c/x.yaml": {Data: []byte("checks:\n" + tc.yaml)}}
			_, err := Load(fs, "c")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	// An example asserting "not affected" from a miss must say what was
	// probed; Set.Test says so.
	good := base + "    when: [{key: telnet.banner}]\n    ports: [tcp/23]\n    examples:\n" +
		"      - {name: seen, observations: [{key: telnet.banner, value: x}], finding: true}\n" +
		"      - {name: gone, probed: [tcp/23], finding: false}\n" +
		"      - {name: not probed, probed: [tcp/80], outcome: undecided}\n"
	s, err := Load(fstest.MapFS{"c/x.yaml": {Data: []byte("checks:\n" + good)}}, "c")
	if err != nil {
		t.Fatal(err)
	}
	if errs := s.Test(); len(errs) > 0 {
		t.Errorf("examples: %v", errs)
	}
	bad := strings.Replace(good, "probed: [tcp/23], finding: false", "finding: false", 1)
	s, err = Load(fstest.MapFS{"c/x.yaml": {Data: []byte("checks:\n" + bad)}}, "c")
	if err != nil {
		t.Fatal(err)
	}
	if errs := s.Test(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "outcome undecided, want not affected (a missing when condition decides only when the example probed all of [tcp/23])") {
		t.Errorf("a miss without probed ports: %v", errs)
	}
}

// scanProbed is Device.Probed for one host of a scan of cfg, as the CLI
// builds it (internal/cli probedPorts, less its per-probe refinements): the
// config's ports when the host's scan completed, nil otherwise.
func scanProbed(cfg *scan.Config, r scan.Result) func(transport string, port int) bool {
	if !r.Complete {
		return nil
	}
	return func(transport string, port int) bool {
		list := cfg.TCP
		switch {
		case transport == "udp":
			list = cfg.UDP
			if port == 161 && len(cfg.Options.SNMPCommunities) == 0 {
				return false // v1/v2c never asked
			}
		case transport != "tcp":
			return false
		}
		return port > 0 && port < 65536 && slices.Contains(list, uint16(port))
	}
}
