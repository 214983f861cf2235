package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/coveredtool/covered"
)

// large is a site-wide deployment: 100,000 assets over 40 sites, 10,000 of
// them flagged, 200 runs, a year of trend.
func large() Data {
	d := fixture()
	entities := []struct{ entity, mfr, model, dtype string }{
		{"Huawei", "Huawei", "S5735-L24T4S-A", "switch"},
		{"Hikvision", "Hikvision", "DS-2CD2143G2-I", "ip-camera"},
		{"Dahua", "Dahua", "IPC-HDW2431T", "ip-camera"},
		{"ZTE", "ZTE", "ZXHN F670L", "ont"},
	}
	states := []RemediationState{StateOpen, StateReplacing, StateAcceptedRisk, StateReplacedVerified, StateFalsePositive}
	base := ts("2026-06-01T00:00:00Z")
	d.Assets = make([]Asset, 100_000)
	d.Findings = make([]Finding, 0, 10_000)
	for i := range d.Assets {
		site := fmt.Sprintf("site-%02d", i%40)
		ip := fmt.Sprintf("10.%d.%d.%d", i%40, (i/250)%256, i%250+1)
		a := Asset{ID: fmt.Sprintf("a-%06d", i), Site: site, IP: ip,
			MAC: fmt.Sprintf("00:1b:54:%02x:%02x:%02x", i>>16&0xff, i>>8&0xff, i&0xff), Hostname: fmt.Sprintf("host-%d.corp.example", i),
			FirstSeen: base.Add(time.Duration(i) * time.Minute), LastSeen: base.Add(time.Duration(i)*time.Minute + 90*24*time.Hour),
			Runs: []string{"r-1", "r-2"}}
		a.Identification = covered.Identification{Host: ip, Status: covered.StatusNotCovered, Manufacturer: "Cisco", Brand: "Cisco",
			Model: "C9200-24T", DeviceType: "switch", Firmware: "17.9.4", Confidence: 0.9, RulesVersion: rulesV2, ListsVersion: listsV}
		if i%10 == 0 {
			e := entities[(i/10)%len(entities)]
			st := covered.StatusCovered
			if i%30 == 0 {
				st = covered.StatusSuspected
			}
			a.Identification = covered.Identification{Host: ip, Status: st, CoveredEntity: e.entity, Regimes: ndaaFCC,
				Manufacturer: e.mfr, Brand: e.mfr, Model: e.model, DeviceType: e.dtype, Confidence: 0.9}
			d.Findings = append(d.Findings, Finding{ID: fmt.Sprintf("f-%06d", i), AssetID: a.ID, Entity: e.entity, Status: st,
				Regimes: ndaaFCC, Brand: e.mfr, Manufacturer: e.mfr, Model: e.model, DeviceType: e.dtype,
				Discovered: base.Add(time.Duration(i) * time.Minute * 3),
				Remediation: Remediation{State: states[i/10%len(states)], Owner: "net-ops", Ticket: fmt.Sprintf("CHG-%d", i),
					Notes: "replacement scheduled"},
				Evidence: "SSH banner and SNMP sysObjectID"})
		}
		d.Assets[i] = a
	}
	d.Runs = nil
	for i := range 200 {
		d.Runs = append(d.Runs, Run{ID: fmt.Sprintf("r-%d", i), Kind: "scan", Started: base.Add(time.Duration(i) * 24 * time.Hour),
			Finished: base.Add(time.Duration(i)*24*time.Hour + time.Hour), Operator: "svc-covered", Site: fmt.Sprintf("site-%02d", i%40),
			Targets: []string{fmt.Sprintf("10.%d.0.0/16", i%40)}, Ports: "default", Hosts: 2500, Observations: 40000, Status: "complete"})
	}
	d.Trend = nil
	for i := range 365 {
		d.Trend = append(d.Trend, TrendPoint{Date: base.AddDate(0, 0, i), Open: 4000 + i%50})
	}
	return d
}

// BenchmarkRender renders the large data set. Run with
//
//	go test ./internal/report -run '^$' -bench Render -benchmem -benchtime 3x
func BenchmarkRender(b *testing.B) {
	d := large()
	cases := []struct {
		k Kind
		f Format
	}{
		{KindInventory, FormatHTML}, {KindInventory, FormatXLSX}, {KindInventory, FormatCSV},
		{KindInventory, FormatJSON}, {KindInventory, FormatPDF},
		{Kind889, FormatHTML}, {Kind889, FormatXLSX}, {Kind889, FormatPDF},
		{KindInquiry, FormatHTML}, {KindInquiry, FormatXLSX},
	}
	for _, c := range cases {
		b.Run(string(c.k)+"."+string(c.f), func(b *testing.B) {
			var n countWriter
			for b.Loop() {
				n = 0
				if err := Render(&n, c.k, c.f, d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/1e6, "MB")
		})
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
