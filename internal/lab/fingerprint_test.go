package lab

import (
	"net"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/oui"
	"github.com/coveredtool/covered/internal/pen"
)

// TestRepliesMatchTheProjectsRules ties the lab to public facts rather than
// to itself: the project's fingerprint rules (each resting on recog, vendor
// documentation or other public sources) must read every device's replies
// as the profile's ground truth says. A reply that a rule attributes to
// another maker is an error; a covered or identified device must have at
// least one reply that a rule attributes to its maker; an unidentified one
// none.
func TestRepliesMatchTheProjectsRules(t *testing.T) {
	rules, err := fingerprint.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Truth.Status == StatusHostile {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			tr := p.Truth
			ok := map[string]bool{}
			for _, n := range []string{tr.Manufacturer, tr.Brand, tr.CoveredEntity, tr.Component} {
				if n != "" {
					ok[n] = true
				}
			}
			makers := 0
			for _, f := range p.Facts() {
				if len(rules.Rules(f.Key)) == 0 {
					continue
				}
				res, matched := rules.Match(f.Key, f.Value, f.Path)
				if !matched {
					continue
				}
				named := res.Manufacturer
				if named == "" {
					named = res.Brand
				}
				if named == "" {
					named = res.Component
				}
				t.Logf("%s/%d %s -> rule %s names %s", f.Transport, f.Port, f.Key, res.Rule.ID, named)
				if !ok[named] {
					t.Errorf("%s %q (path %q): rule %s names %q, but the truth is %+v", f.Key, short(f.Value), f.Path, res.Rule.ID, named, tr)
				}
				if res.Manufacturer != "" && (res.Manufacturer == tr.Manufacturer || res.Manufacturer == tr.CoveredEntity) {
					makers++
				}
			}
			switch tr.Status {
			case StatusCovered, StatusNotCovered:
				if makers == 0 {
					t.Errorf("no reply names the maker %s (or %s) by any rule", tr.Manufacturer, tr.CoveredEntity)
				}
			case StatusUnidentified:
				if makers != 0 {
					t.Errorf("an unidentified device has replies naming a maker")
				}
			}
		})
	}
}

// TestCoveredMakersCarryTheirSignatures checks the signals the issue names
// per vendor, so that a profile edit cannot quietly drop one.
func TestCoveredMakersCarryTheirSignatures(t *testing.T) {
	want := map[string][]string{
		"hikvision-ipc":       {"http.header.server=App-webs/", "tls.cert.subject=CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN", "sadp.response", "rtsp.response", "http.body", "port.open=tcp/8000"},
		"hikvision-nvr":       {"http.header.server=DNVRS-Webs", "http.header.www_authenticate", "telnet.banner", "sadp.response"},
		"dahua-ipc":           {"rtsp.header.server=Dahua Rtsp Server", "dhip.response", "port.open=tcp/37777", "http.body"},
		"huawei-ar-router":    {"ssh.banner=SSH-2.0-HUAWEI-1.5", "telnet.banner", "snmp.sysdescr", "snmp.sysobjectid", "snmp.engineid"},
		"huawei-home-gateway": {"http.header.www_authenticate=Basic realm=\"HuaweiHomeGateway\"", "ssdp.header.server=Linux UPnP/1.0 Huawei-ATP-IGD", "upnp.description"},
		"zte-zxhn-router":     {"http.header.server=Mini web server 1.0 ZTE corp 2005.", "telnet.banner=ZXHN H108N\r\nLogin:"},
		"zte-f660-ont":        {"sip.header.server"},
		"zte-zxr10-switch":    {"snmp.sysdescr", "snmp.sysobjectid"},
		"hytera-repeater":     {"snmp.sysobjectid=1.3.6.1.4.1.40297.1", "snmp.engineid"},
		"xiongmai-dvr":        {"port.open=tcp/9527", "port.open=tcp/9530", "port.open=tcp/34567"},
		"cisco-router":        {"ssh.banner=SSH-2.0-Cisco-1.25", "snmp.sysdescr"},
		"h3c-switch":          {"ssh.banner=SSH-2.0-Comware-7.1.064", "snmp.sysobjectid=1.3.6.1.4.1.25506.1.2164"},
		"hp-printer":          {"port.open=tcp/9100"},
	}
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		need, ok := want[p.Name]
		if !ok {
			continue
		}
		delete(want, p.Name)
		have := map[string]bool{}
		for _, f := range p.Facts() {
			have[f.Key] = true
			have[f.Key+"="+f.Value] = true
		}
		for _, n := range need {
			if !have[n] {
				t.Errorf("%s: no fact %q", p.Name, n)
			}
		}
	}
	for name := range want {
		t.Errorf("profile %s is missing", name)
	}
}

// TestSNMPEnterprisesAndOUIsAreTheMakers checks the numbers that carry no
// rule: sysObjectID enterprise numbers against the IANA registry, and MAC
// prefixes against the IEEE registry.
func TestSNMPEnterprisesAndOUIsAreTheMakers(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	// Registry names of the makers when they differ from the vocabulary.
	alias := map[string][]string{
		"Hanwha": {"samsung techwin", "hanwha"}, "MikroTik": {"routerboard", "mikrotik"},
		"HP": {"hewlett", "hp inc"}, "LTS": {"lt security"}, "Imou": {"huacheng"}, "Cisco": {"cisco", "ciscosystems"},
		"TP-Link": {"tp-link"}, "H3C": {"h3c"}, "Juniper": {"juniper"}, "Ubiquiti": {"ubiquiti"},
	}
	names := func(tr Truth, extra ...string) []string {
		var out []string
		for _, n := range append([]string{tr.Manufacturer, tr.Brand, tr.CoveredEntity}, extra...) {
			if n == "" {
				continue
			}
			out = append(out, strings.ToLower(n))
			out = append(out, alias[n]...)
		}
		return out
	}
	matches := func(org string, ns []string) bool {
		org = strings.ToLower(org)
		for _, n := range ns {
			if strings.Contains(org, n) {
				return true
			}
		}
		return false
	}
	pens, ouis := pen.Builtin(), oui.Builtin()
	for _, p := range ps {
		for _, f := range p.Facts() {
			if f.Key != "snmp.sysobjectid" {
				continue
			}
			num, _, ok := pen.Enterprise(f.Value)
			if !ok {
				t.Errorf("%s: sysObjectID %s is not under 1.3.6.1.4.1", p.Name, f.Value)
				continue
			}
			org, _ := pens.Org(num)
			if !matches(org, names(p.Truth, p.Vendor)) {
				t.Errorf("%s: sysObjectID enterprise %d is %q, not the maker", p.Name, num, org)
			}
		}
		if p.OUI == nil {
			continue
		}
		hw, err := net.ParseMAC(p.OUI.Value + ":00:00:01")
		if err != nil {
			t.Errorf("%s: OUI %q: %v", p.Name, p.OUI.Value, err)
			continue
		}
		e, found := ouis.Lookup([6]byte(hw))
		if !found || !matches(e.Org, names(p.Truth, p.Vendor)) {
			t.Errorf("%s: OUI %s is registered to %q, not the maker", p.Name, p.OUI.Value, e.Org)
		}
	}
}
