package identify_test

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/oui"
	"github.com/coveredtool/covered/internal/pen"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/coveredtool/covered/internal/useragent"
)

var engine = sync.OnceValue(func() *identify.Engine {
	rules, err := fingerprint.Builtin()
	if err != nil {
		panic(err)
	}
	return &identify.Engine{Rules: rules, OUI: oui.Builtin(), PEN: pen.Builtin(), UA: useragent.Default(), Lists: policy.Builtin()}
})

// run identifies and classifies the observations, one host per result.
func run(t testing.TB, obs []covered.Observation) []covered.Identification {
	t.Helper()
	e := engine()
	b := e.NewBatch()
	for _, o := range obs {
		b.Add(o)
	}
	var out []covered.Identification
	b.Each(func(id covered.Identification) bool {
		classify.Apply(e.Lists, &id)
		out = append(out, id)
		return true
	})
	return out
}

func obs(host string, kv ...string) []covered.Observation {
	var out []covered.Observation
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, covered.Observation{Host: host, Key: kv[i], Value: kv[i+1]})
	}
	return out
}

func TestIdentifyHosts(t *testing.T) {
	tests := []struct {
		name         string
		obs          []covered.Observation
		status       covered.Status
		entity       string
		manufacturer string
		brand        string
		review       []string
		minConf      float64
	}{
		{
			name: "huawei switch, agreeing signals",
			obs: obs("h", "ssh.banner", "SSH-2.0-HUAWEI-1.5", "snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.23.95",
				"mac", "00-E0-FC-01-02-03"),
			status: covered.StatusCovered, entity: "Huawei", manufacturer: "Huawei", brand: "Huawei", minConf: 0.99,
		},
		{
			name:   "huawei MAC block alone",
			obs:    obs("h", "mac", "00:e0:fc:aa:bb:cc"),
			status: covered.StatusCovered, entity: "Huawei", manufacturer: "Huawei", minConf: 0.6,
		},
		{
			name:   "randomized MAC is no vendor evidence",
			obs:    obs("h", "mac", "02:e0:fc:aa:bb:cc"),
			status: covered.StatusUnidentified,
		},
		{
			name:   "multicast MAC is no vendor evidence",
			obs:    obs("h", "mac", "01:00:5e:00:00:fb"),
			status: covered.StatusUnidentified,
		},
		{
			name:   "H3C comware is not Huawei",
			obs:    obs("h", "ssh.banner", "SSH-2.0-Comware-7.1.064", "snmp.sysobjectid", "1.3.6.1.4.1.25506.11.1.239"),
			status: covered.StatusNotCovered, manufacturer: "H3C",
		},
		{
			name:   "legacy Huawei-3Com subtree is H3C",
			obs:    obs("h", "snmp.sysobjectid", "1.3.6.1.4.1.2011.10.1.2"),
			status: covered.StatusNotCovered, manufacturer: "H3C",
		},
		{
			name:   "Honor phone after the sale",
			obs:    obs("h", "http.user_agent", "Mozilla/5.0 (Linux; Android 13; HONOR ANY-NX1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"),
			status: covered.StatusNotCovered, manufacturer: "Honor", review: []string{covered.ReviewFormerAffiliate},
		},
		{
			name:   "Honor MAC block",
			obs:    obs("h", "mac", "04:79:75:01:02:03"),
			status: covered.StatusNotCovered, manufacturer: "Honor", review: []string{covered.ReviewFormerAffiliate},
		},
		{
			name:   "traffic with China Unicom (Americas)",
			obs:    obs("h", "flow.remote_asn", "AS19174 China Unicom (Americas) Operations Ltd"),
			status: covered.StatusSuspected, entity: "China Unicom", minConf: 0.6,
		},
		{
			name:   "traffic with China Mobile's network asks for review only",
			obs:    obs("h", "flow.remote_asn", "AS9808", "flow.remote_asn", "AS64500 Example"),
			status: covered.StatusUnidentified, review: []string{covered.ReviewCarrierNetwork},
		},
		{
			name:   "LLDP system description reads like sysDescr",
			obs:    obs("h", "lldp.sysdescr", "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (S5720 V200R011C10SPC500)"),
			status: covered.StatusCovered, entity: "Huawei", manufacturer: "Huawei",
		},
		{
			name:   "CDP platform reads like an inventory model",
			obs:    obs("h", "lldp.platform", "ZXHN F660"),
			status: covered.StatusCovered, entity: "ZTE", manufacturer: "ZTE",
		},
		{
			name:   "Cisco by enterprise number",
			obs:    obs("h", "snmp.sysobjectid", "1.3.6.1.4.1.9.1.2066"),
			status: covered.StatusNotCovered, manufacturer: "Cisco",
		},
		{
			name:   "Hikvision camera web server and realm",
			obs:    obs("h", "http.header.server", "Hikvision-Webs", "http.header.www_authenticate", `Digest realm="hikvision", nonce="x"`),
			status: covered.StatusCovered, entity: "Hikvision", manufacturer: "Hikvision", minConf: 0.9,
		},
		{
			name:   "raw HTTP response is split into its parts",
			obs:    obs("h", "http.response", "HTTP/1.1 401 Unauthorized\r\nServer: ZTE web server 1.0 ZTE corp 2015.\r\nWWW-Authenticate: Basic realm=\"ZXHN F670L\"\r\n\r\n<html><title>F670L</title></html>"),
			status: covered.StatusCovered, entity: "ZTE", manufacturer: "ZTE", minConf: 0.9,
		},
		{
			name:   "bare body under http.response has its title read",
			obs:    obs("h", "http.response", "<html><head><title>ZXHN H298A</title></head></html>"),
			status: covered.StatusCovered, entity: "ZTE",
		},
		{
			name:   "Shanghai Dahua Scale Factory is not Dahua",
			obs:    obs("h", "snmp.sysdescr", "Shanghai Dahua Scale Factory weighing terminal"),
			status: covered.StatusNotCovered, manufacturer: "Shanghai Dahua Scale",
		},
		{
			name:   "Hikvision MAC block",
			obs:    obs("h", "mac", "04:03:12:00:00:01"),
			status: covered.StatusCovered, entity: "Hikvision", manufacturer: "Hikvision",
		},
		{
			name:   "generic agent software is no maker",
			obs:    obs("h", "snmp.sysobjectid", "1.3.6.1.4.1.8072.3.2.10"),
			status: covered.StatusUnidentified,
		},
		{
			name:   "unknown key only",
			obs:    obs("h", "x.unknown", "HUAWEI"),
			status: covered.StatusUnidentified,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := run(t, tt.obs)
			if len(ids) != 1 {
				t.Fatalf("got %d identifications, want 1", len(ids))
			}
			id := ids[0]
			if id.Status != tt.status || id.CoveredEntity != tt.entity {
				t.Errorf("status %q entity %q, want %q %q\nrationale: %s\nevidence: %+v", id.Status, id.CoveredEntity, tt.status, tt.entity, id.Rationale, id.Evidence)
			}
			if tt.manufacturer != "" && id.Manufacturer != tt.manufacturer {
				t.Errorf("manufacturer %q, want %q", id.Manufacturer, tt.manufacturer)
			}
			if tt.brand != "" && id.Brand != tt.brand {
				t.Errorf("brand %q, want %q", id.Brand, tt.brand)
			}
			if id.Confidence < tt.minConf {
				t.Errorf("confidence %.3f, want at least %.2f", id.Confidence, tt.minConf)
			}
			if tt.review != nil && !slices.Equal(id.Review, tt.review) {
				t.Errorf("review %v, want %v", id.Review, tt.review)
			}
			if id.Rationale == "" || !strings.HasSuffix(id.Rationale, ".") {
				t.Errorf("rationale %q is not a sentence", id.Rationale)
			}
			if id.Status.Flags(covered.StatusSuspected) != (len(id.Regimes) > 0) {
				t.Errorf("regimes %v do not fit status %s", id.Regimes, id.Status)
			}
		})
	}
}

// TestIndependentSignalsRaiseConfidence: agreeing evidence from different
// keys counts more than either alone; repeating one key does not.
func TestIndependentSignalsRaiseConfidence(t *testing.T) {
	one := run(t, obs("h", "mac", "00:e0:fc:aa:bb:cc"))[0].Confidence
	twice := run(t, obs("h", "mac", "00:e0:fc:aa:bb:cc", "mac", "00:e0:fc:aa:bb:cd"))[0].Confidence
	two := run(t, obs("h", "mac", "00:e0:fc:aa:bb:cc", "snmp.sysobjectid", "1.3.6.1.4.1.2011.2.23.95"))[0].Confidence
	if twice != one {
		t.Errorf("two MACs of one host: confidence %.3f, want %.3f as for one", twice, one)
	}
	if two <= one {
		t.Errorf("MAC and sysObjectID: confidence %.3f, want more than MAC alone %.3f", two, one)
	}
}

// TestConflictIsKept: evidence for two makers is shown, and a covered maker
// among the losers makes the verdict suspected.
func TestConflictIsKept(t *testing.T) {
	id := run(t, obs("h", "snmp.sysobjectid", "1.3.6.1.4.1.9.1.2066", "ssh.banner", "SSH-2.0-Cisco-1.25", "mac", "00:e0:fc:aa:bb:cc"))[0]
	if id.Status != covered.StatusSuspected || id.CoveredEntity != "Huawei" {
		t.Errorf("status %s entity %q, want suspected Huawei; rationale: %s", id.Status, id.CoveredEntity, id.Rationale)
	}
	if len(id.Conflicts) != 1 || id.Conflicts[0].Manufacturer != "Huawei" {
		t.Errorf("conflicts %+v, want Huawei", id.Conflicts)
	}
	if !slices.Contains(id.Review, covered.ReviewConflict) {
		t.Errorf("review %v lacks %s", id.Review, covered.ReviewConflict)
	}
}

func TestOrderOfFirstAppearance(t *testing.T) {
	in := append(obs("b", "mac", "00:e0:fc:00:00:01"), obs("a", "mac", "00:e0:fc:00:00:02")...)
	in = append(in, obs("b", "ssh.banner", "SSH-2.0-HUAWEI-1.5")...)
	ids := run(t, in)
	if len(ids) != 2 || ids[0].Host != "b" || ids[1].Host != "a" {
		t.Fatalf("hosts out of order: %+v", ids)
	}
}

func BenchmarkIdentify(b *testing.B) {
	e := engine()
	in := append(obs("h", "ssh.banner", "SSH-2.0-HUAWEI-1.5", "snmp.sysobjectid", "1.3.6.1.4.1.2011.2.23.95"),
		obs("h", "snmp.sysdescr", "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (S5720 V200R011C10SPC600)",
			"http.header.server", "nginx", "hostname", "sw-01")...)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		batch := e.NewBatch()
		for _, o := range in {
			batch.Add(o)
		}
		batch.Each(func(id covered.Identification) bool { classify.Apply(e.Lists, &id); return true })
	}
}

// TestRepeatCountsOnceAcrossCacheTurnover: the same observation seen twice
// is one piece of evidence, however many distinct values came between
// (enough to turn every memo and intern table over).
func TestRepeatCountsOnceAcrossCacheTurnover(t *testing.T) {
	b := engine().NewBatch()
	banner := covered.Observation{Host: "h", Key: "ssh.banner", Value: "SSH-2.0-HUAWEI-1.5", Port: 22}
	b.Add(banner)
	for i := range 40_000 { // distinct models: distinct claims, so the intern tables turn over too
		b.Add(covered.Observation{Host: "other", Key: "snmp.sysdescr",
			Value: "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (S5720-" + strconv.Itoa(i) + " V200R011C10SPC600)"})
	}
	b.Add(banner)
	var got covered.Identification
	b.Each(func(id covered.Identification) bool { got = id; return false })
	n := 0
	for _, e := range got.Evidence {
		if e.Key == "ssh.banner" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the banner seen twice gives %d pieces of evidence, want 1: %+v", n, got.Evidence)
	}
}
