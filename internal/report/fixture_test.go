package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/coveredtool/covered"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	rulesV1 = "2026.11.20-1"
	rulesV2 = "2026.12.15-1"
	listsV  = "2026.11.20-1"
)

var (
	ndaaFCC  = []string{"fcc-covered-list", "ndaa-889"}
	scopeVSS = "covered to the extent it is used for public safety, security of government facilities, physical security surveillance of critical infrastructure, and other national security purposes"
)

// fixture is a realistic month of work at three sites: scans and imports,
// Huawei, Hikvision, Dahua (via a Lorex relabel) and ZTE findings in
// different remediation states, a false positive (H3C), non-covered and
// unidentified assets, coverage gaps, and a contract with a site override.
func fixture() Data {
	ident := func(host string, st covered.Status, entity, mfr, brand, model, dtype, fw string, conf float64) covered.Identification {
		id := covered.Identification{Host: host, Status: st, CoveredEntity: entity, Manufacturer: mfr, Brand: brand,
			Model: model, DeviceType: dtype, Firmware: fw, Confidence: conf, RulesVersion: rulesV2, ListsVersion: listsV,
			Regimes: []string{}, Review: []string{}}
		if st == covered.StatusCovered || st == covered.StatusSuspected {
			id.Regimes = ndaaFCC
		}
		return id
	}
	return Data{
		Title:        "Quarterly covered equipment review - Example Federal Services LLC",
		Generated:    ts("2026-12-30T15:00:00Z"),
		Tool:         "covered 0.9.0",
		RulesVersion: rulesV2,
		ListsVersion: listsV,
		Scope:        "runs r-1001 to r-1004; sites hq, branch-7, warehouse; 2026-11-23 to 2026-12-24",
		Runs: []Run{
			{ID: "r-1003", Kind: "scan", Started: ts("2026-12-23T10:00:00Z"), Finished: ts("2026-12-23T10:52:00Z"),
				Operator: "jdoe", Site: "hq", Targets: []string{"10.1.0.0/16"}, Exclusions: []string{"10.1.99.0/24"},
				Ports: "default", Tool: "covered 0.9.0", RulesVersion: rulesV2, ListsVersion: listsV,
				Hosts: 418, Observations: 9377, Failed: 0, Status: "complete"},
			{ID: "r-1001", Kind: "scan", Started: ts("2026-11-23T09:00:00Z"), Finished: ts("2026-11-23T09:41:00Z"),
				Operator: "jdoe", Site: "hq", Targets: []string{"10.1.0.0/16"}, Exclusions: []string{"10.1.99.0/24"},
				Ports: "default", Tool: "covered 0.8.2", RulesVersion: rulesV1, ListsVersion: listsV,
				Hosts: 412, Observations: 9120, Status: "complete"},
			{ID: "r-1002", Kind: "import:nmap", Started: ts("2026-12-01T14:05:00Z"), Finished: ts("2026-12-01T14:05:09Z"),
				Operator: "asmith", Site: "branch-7", Sources: []string{"branch7-nmap-2026-12-01.xml"},
				Tool: "covered 0.8.2", RulesVersion: rulesV1, ListsVersion: listsV,
				Hosts: 88, Observations: 1504, Failed: 3, Status: "partial"},
			{ID: "r-1004", Kind: "import:dhcp", Started: ts("2026-12-24T08:30:00Z"), Finished: ts("2026-12-24T08:30:02Z"),
				Operator: "svc-covered", Site: "warehouse", Sources: []string{"warehouse-dhcpd.leases"},
				Tool: "covered 0.9.0", RulesVersion: rulesV2, ListsVersion: listsV,
				Hosts: 37, Observations: 111, Status: "complete"},
		},
		Assets: []Asset{
			{ID: "a-0001", Site: "hq", IP: "10.1.2.3", MAC: "00:e0:fc:12:34:56", Hostname: "core-rtr-1",
				FirstSeen: ts("2026-11-23T09:12:00Z"), LastSeen: ts("2026-12-23T10:14:00Z"), Runs: []string{"r-1001", "r-1003"},
				Identification: ident("10.1.2.3", covered.StatusCovered, "Huawei", "Huawei", "Huawei", "AR1220", "router", "V200R009C00", 0.97)},
			{ID: "a-0002", Site: "hq", IP: "10.1.20.15", MAC: "44:19:b6:aa:bb:cc", Hostname: "cam-lobby",
				FirstSeen: ts("2026-11-25T09:20:00Z"), LastSeen: ts("2026-12-23T10:20:00Z"), Runs: []string{"r-1003"},
				Identification: ident("10.1.20.15", covered.StatusCovered, "Hikvision", "Hikvision", "Hikvision", "DS-2CD2143G2-I", "ip-camera", "V5.7.3", 0.95)},
			{ID: "a-0003", Site: "branch-7", IP: "192.168.7.20", MAC: "00:1f:54:01:02:03", Hostname: "nvr-01",
				FirstSeen: ts("2026-12-01T14:05:00Z"), LastSeen: ts("2026-12-01T14:05:00Z"), Runs: []string{"r-1002"},
				Identification: ident("192.168.7.20", covered.StatusCovered, "Dahua", "Dahua", "Lorex", "N841A6", "nvr", "V4.001", 0.88)},
			{ID: "a-0004", Site: "hq", IP: "10.1.5.9", MAC: "34:4b:50:0a:0b:0c",
				FirstSeen: ts("2026-12-23T10:31:00Z"), LastSeen: ts("2026-12-23T10:31:00Z"), Runs: []string{"r-1003"},
				Identification: ident("10.1.5.9", covered.StatusSuspected, "ZTE", "ZTE", "", "ZXHN F670L", "ont", "", 0.6)},
			{ID: "a-0005", Site: "warehouse", IP: "10.3.0.2", MAC: "3c:8c:40:11:22:33", Hostname: "wh-sw-1",
				FirstSeen: ts("2026-12-24T08:30:00Z"), LastSeen: ts("2026-12-24T08:30:00Z"), Runs: []string{"r-1004"},
				Identification: ident("10.3.0.2", covered.StatusSuspected, "Huawei", "Huawei", "", "", "switch", "", 0.55)},
			{ID: "a-0006", Site: "branch-7", IP: "192.168.7.31", MAC: "3c:ef:8c:44:55:66", Hostname: "cam-dock",
				FirstSeen: ts("2026-12-01T14:05:00Z"), LastSeen: ts("2026-12-01T14:05:00Z"), Runs: []string{"r-1002"},
				Identification: ident("192.168.7.31", covered.StatusCovered, "Dahua", "Dahua", "Dahua", "IPC-HDW2431T", "ip-camera", "V2.800", 0.93)},
			{ID: "a-0007", Site: "hq", IP: "10.1.0.1", MAC: "00:1b:54:aa:00:01", Hostname: "core-sw-1",
				FirstSeen: ts("2026-11-23T09:05:00Z"), LastSeen: ts("2026-12-23T10:05:00Z"), Runs: []string{"r-1001", "r-1003"},
				Identification: ident("10.1.0.1", covered.StatusNotCovered, "", "Cisco", "Cisco", "C9300-48P", "switch", "17.9.4", 0.99)},
			{ID: "a-0008", Site: "hq", IP: "10.1.30.40", Hostname: "print-3f",
				FirstSeen: ts("2026-11-23T09:30:00Z"), LastSeen: ts("2026-12-23T10:40:00Z"), Runs: []string{"r-1001", "r-1003"},
				Identification: ident("10.1.30.40", covered.StatusNotCovered, "", "HP", "HP", "LaserJet M507", "printer", "", 0.9)},
			{ID: "a-0009", Site: "branch-7", IP: "192.168.7.99",
				FirstSeen: ts("2026-12-01T14:05:00Z"), LastSeen: ts("2026-12-01T14:05:00Z"), Runs: []string{"r-1002"},
				Identification: ident("192.168.7.99", covered.StatusUnidentified, "", "", "", "", "", "", 0)},
		},
		Findings: []Finding{
			{ID: "f-0001", AssetID: "a-0001", Entity: "Huawei", Status: covered.StatusCovered, Regimes: ndaaFCC,
				Brand: "Huawei", Manufacturer: "Huawei", Product: "VRP router", Model: "AR1220", DeviceType: "router", Firmware: "V200R009C00",
				Discovered: ts("2026-11-23T09:12:00Z"), LastSeen: ts("2026-12-23T10:14:00Z"),
				Remediation: Remediation{State: StateReplacing, Owner: "net-ops", Due: ts("2027-01-15T00:00:00Z"), Ticket: "CHG-4411",
					Notes: "replacement router ordered", Reported: ts("2026-11-24T16:00:00Z"), FollowUp: ts("2026-12-08T12:00:00Z")},
				Evidence: "SSH banner HUAWEI-1.5 and SNMP sysObjectID 1.3.6.1.4.1.2011.2.224"},
			{ID: "f-0002", AssetID: "a-0002", Entity: "Hikvision", Status: covered.StatusCovered, Regimes: ndaaFCC,
				Brand: "Hikvision", Manufacturer: "Hikvision", Product: "network camera", Model: "DS-2CD2143G2-I", DeviceType: "ip-camera",
				Firmware: "V5.7.3", ScopeNote: scopeVSS, Discovered: ts("2026-11-25T09:20:00Z"), LastSeen: ts("2026-12-23T10:20:00Z"),
				Remediation: Remediation{State: StateOpen, Owner: "facilities"},
				Evidence:    "ISAPI /ISAPI/System/deviceInfo names Hikvision DS-2CD2143G2-I"},
			{ID: "f-0003", AssetID: "a-0003", Entity: "Dahua", Status: covered.StatusCovered, Regimes: ndaaFCC,
				Brand: "Lorex", Manufacturer: "Dahua", Product: "NVR", Model: "N841A6", DeviceType: "nvr", Firmware: "V4.001",
				ScopeNote: scopeVSS, Discovered: ts("2026-12-01T14:05:00Z"), LastSeen: ts("2026-12-01T14:05:00Z"),
				Remediation: Remediation{State: StateAcceptedRisk, Owner: "branch-7 IT", Ticket: "INC-2290",
					Notes: "moved to isolated VLAN 666, no internet", Reported: ts("2026-12-02T10:00:00Z")},
				Evidence: "DHIP discovery reply and Dahua CGI on a Lorex-branded NVR"},
			{ID: "f-0004", AssetID: "a-0004", Entity: "ZTE", Status: covered.StatusSuspected, Regimes: ndaaFCC,
				Manufacturer: "ZTE", Model: "ZXHN F670L", DeviceType: "ont",
				Discovered: ts("2026-12-24T11:00:00Z"), LastSeen: ts("2026-12-23T10:31:00Z"),
				Remediation: Remediation{State: StateOpen},
				Evidence:    "MAC prefix 34:4B:50 (zte corporation) only"},
			{ID: "f-0005", AssetID: "a-0005", Entity: "Huawei", Status: covered.StatusSuspected, Regimes: ndaaFCC,
				Manufacturer: "Huawei", DeviceType: "switch", Discovered: ts("2026-12-24T08:30:00Z"),
				Remediation: Remediation{State: StateFalsePositive, Owner: "net-ops", Notes: "H3C S5130 (Comware), not Huawei"},
				Evidence:    "sysObjectID under 1.3.6.1.4.1.2011.10 (legacy Huawei-3Com subtree)"},
			{ID: "f-0006", AssetID: "a-0006", Entity: "Dahua", Status: covered.StatusCovered, Regimes: ndaaFCC,
				Brand: "Dahua", Manufacturer: "Dahua", Model: "IPC-HDW2431T", DeviceType: "ip-camera", Firmware: "V2.800",
				ScopeNote: scopeVSS, Discovered: ts("2026-12-01T14:05:00Z"), LastSeen: ts("2026-12-01T14:05:00Z"),
				Remediation: Remediation{State: StateReplacedVerified, Owner: "branch-7 IT", Ticket: "INC-2291", Notes: "camera removed and destroyed 2026-12-09",
					Reported: ts("2026-12-02T10:00:00Z"), FollowUp: ts("2026-12-10T10:00:00Z")},
				Evidence: "DHIP reply Dahua IPC-HDW2431T"},
		},
		Checks: []CheckFinding{
			{Check: "cleartext-telnet", Title: "Telnet management in cleartext", Severity: "medium", AssetID: "a-0001",
				Host: "core-rtr-1", Advice: "Disable Telnet; manage the device over SSH.",
				FirstSeen: ts("2026-11-23T09:12:00Z"), LastSeen: ts("2026-12-23T10:14:00Z")},
			{Check: "dahua-cve-2021-33044-33045-family", Title: "Dahua model family named in the CVE-2021-33044/33045 login-bypass advisory",
				Severity: "high", CVEs: []string{"CVE-2021-33044", "CVE-2021-33045"}, KEV: true, KEVDateAdded: "2024-08-21",
				AssetID: "a-0006", Host: "cam-dock", Advice: "Compare the firmware with Dahua's advisory and update.",
				FirstSeen: ts("2026-12-01T14:05:00Z"), LastSeen: ts("2026-12-01T14:05:00Z")},
		},
		Trend: []TrendPoint{
			{Date: ts("2026-12-01T00:00:00Z"), Open: 4},
			{Date: ts("2026-11-23T00:00:00Z"), Open: 1},
			{Date: ts("2026-11-25T00:00:00Z"), Open: 2},
			{Date: ts("2026-12-10T00:00:00Z"), Open: 2},
			{Date: ts("2026-12-24T00:00:00Z"), Open: 3},
			{Date: ts("2026-12-30T00:00:00Z"), Open: 3},
		},
		Gaps: []Gap{
			{Kind: "unscanned-range", What: "10.2.0.0/16 (site lab)", Why: "in the site map since 2026-10-01, never targeted by a run"},
			{Kind: "source-not-imported", What: "DHCP leases of branch-7", Why: "no import:dhcp run for branch-7"},
			{Kind: "stale-site", What: "warehouse", Why: "no active scan; only a DHCP import (2026-12-24)"},
		},
		Contract: &Contract{
			Number: "W52P1J-24-D-0001", Office: "Army Contracting Command – Rock Island", Order: "W52P1J-25-F-0042",
			Supplier: Supplier{Name: "Example Networks LLC", UEI: "ABCDEF123456", CAGE: "1AB23"},
			Contact:  "Jane Doe, Facility Security Officer",
			Sites: map[string]SiteContract{
				"branch-7":  {Order: "W52P1J-25-F-0077", Supplier: Supplier{Name: "Regional Integrator Inc.", CAGE: "7XY89"}},
				"warehouse": {Supplier: Supplier{UEI: "ZZZZZZ999999"}},
			},
		},
	}
}

// hostile puts attacker-controlled strings everywhere a device or a user
// can reach.
func hostile() Data {
	d := fixture()
	evil := []string{
		"<script>alert(1)</script>",
		"\"><img src=x onerror=alert(1)>",
		"=HYPERLINK(\"http://evil.example/\",\"x\")",
		"bad \xff\xfe utf8 \x00 nul \x1b[31m",
		"line1\nline2,\"quoted\"",
		"華為 Huawei 海康威视 🙂 \u202edcba",
		strings.Repeat("A", 1<<20),
	}
	pick := func(i int) string { return evil[i%len(evil)] }
	d.Title = "Report " + pick(0)
	d.Scope = pick(3)
	d.Runs[0].Operator = pick(1)
	d.Runs[1].Targets = []string{pick(2), pick(6)}
	d.Runs[2].Sources = []string{pick(5)}
	for i := range d.Assets {
		a := &d.Assets[i]
		a.Hostname = pick(i)
		a.Site = fmt.Sprintf("site-%d %s", i%3, pick(i+1))
		a.Identification.Model = pick(i + 2)
		a.Identification.Rationale = pick(i + 3)
	}
	for i := range d.Findings {
		f := &d.Findings[i]
		f.Entity = pick(i)
		f.Model = pick(i + 1)
		f.Brand = pick(i + 2)
		f.Remediation.Notes = pick(i + 3)
		f.Evidence = pick(i + 4)
		f.DeviceType = pick(i + 5)
	}
	for i := range d.Checks {
		c := &d.Checks[i]
		c.Title = pick(i)
		c.Host = pick(i + 1)
		c.Advice = pick(i + 2)
		c.Check = pick(i + 3)
		c.CVEs = []string{pick(i + 4)}
	}
	d.Gaps = append(d.Gaps, Gap{Kind: pick(0), What: pick(6), Why: pick(3)})
	d.Contract.Number = pick(2)
	d.Contract.Contact = pick(5)
	return d
}
