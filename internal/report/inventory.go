package report

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/coveredtool/covered"
)

// inventoryModel is the JSON form of the inventory report.
type inventoryModel struct {
	header
	Summary  inventorySummary `json:"summary"`
	Assets   []*Asset         `json:"assets"`
	Findings []*Finding       `json:"findings"`
	Checks   []*CheckFinding  `json:"checks"`
	Trend    []TrendPoint     `json:"trend"`
}

type inventorySummary struct {
	Assets       int     `json:"assets"`
	Findings     int     `json:"findings"`
	Checks       int     `json:"checks"`
	ByStatus     []count `json:"by_status"`
	ByEntity     []count `json:"by_entity"`
	ByDeviceType []count `json:"by_device_type"`
	BySite       []count `json:"by_site"`
}

func statusOf(a *Asset) covered.Status {
	if a.Identification.Status == "" {
		return covered.StatusUnidentified
	}
	return a.Identification.Status
}

// sortAssets orders assets for people: flagged first, then by site and
// address. It sorts a slice of pointers so the caller's Data is untouched.
func sortAssets(as []Asset) []*Asset {
	out := make([]*Asset, len(as))
	for i := range as {
		out[i] = &as[i]
	}
	slices.SortStableFunc(out, func(a, b *Asset) int {
		if c := cmp.Compare(rank(statusOf(a)), rank(statusOf(b))); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		if c := compareIP(a.IP, b.IP); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// sortFindings orders findings covered first, then by discovery and id.
func sortFindings(fs []Finding) []*Finding {
	out := make([]*Finding, len(fs))
	for i := range fs {
		out[i] = &fs[i]
	}
	slices.SortStableFunc(out, func(a, b *Finding) int {
		if c := cmp.Compare(rank(a.Status), rank(b.Status)); c != 0 {
			return c
		}
		if c := a.Discovered.Compare(b.Discovered); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

func buildInventory(h header, d *Data, x *index) *doc {
	assets := sortAssets(d.Assets)
	findings := sortFindings(d.Findings)
	checks := sortChecks(d.Checks)
	status, entity, dtype, site := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, a := range assets {
		id := &a.Identification
		status[string(statusOf(a))]++
		if id.CoveredEntity != "" {
			entity[id.CoveredEntity]++
		}
		dtype[orUnknown(id.DeviceType)]++
		site[orUnknown(a.Site)]++
	}
	sum := inventorySummary{Assets: len(assets), Findings: len(findings), Checks: len(checks),
		ByStatus: sortedCounts(status), ByEntity: sortedCounts(entity),
		ByDeviceType: sortedCounts(dtype), BySite: sortedCounts(site)}

	m := inventoryModel{header: h, Summary: sum, Assets: assets, Findings: findings, Checks: nonNil(checks), Trend: nonNil(d.Trend)}

	assetTable := &table{name: "Assets", caption: "Every asset with its identification",
		cols: []column{
			{name: "Asset", width: 12}, {name: "Site", width: 12}, {name: "IP", width: 15},
			{name: "MAC", width: 17, nopdf: true}, {name: "Hostname", width: 18}, {name: "Status", width: 12, status: true},
			{name: "Covered entity", width: 14}, {name: "Regimes", width: 22}, {name: "Manufacturer", width: 14},
			{name: "Brand", width: 12}, {name: "Model", width: 16}, {name: "Device type", width: 12},
			{name: "Firmware", width: 14, nopdf: true}, {name: "Confidence", width: 8, num: true, nopdf: true}, {name: "Review", width: 14, nopdf: true},
			{name: "First seen", width: 17}, {name: "Last seen", width: 17}, {name: "Runs", width: 6, num: true, nopdf: true},
		},
		n: len(assets),
		row: func(i int, r []string) {
			a := assets[i]
			id := &a.Identification
			r[0], r[1], r[2], r[3], r[4] = a.ID, a.Site, a.IP, a.MAC, a.Hostname
			r[5], r[6], r[7] = string(statusOf(a)), id.CoveredEntity, join(id.Regimes)
			r[8], r[9], r[10], r[11], r[12] = id.Manufacturer, id.Brand, id.Model, id.DeviceType, id.Firmware
			r[13] = strconv.Itoa(int(id.Confidence*100+0.5)) + "%"
			r[14], r[15], r[16], r[17] = join(id.Review), stamp(a.FirstSeen), stamp(a.LastSeen), itoa(len(a.Runs))
		}}
	// Confidence is a percentage string; keep it text in XLSX.
	assetTable.cols[13].num = false

	return &doc{
		model: m,
		facts: []fact{
			{"Assets", itoa(sum.Assets)},
			{"Covered", itoa(status[string(covered.StatusCovered)])},
			{"Suspected", itoa(status[string(covered.StatusSuspected)])},
			{"Not covered", itoa(status[string(covered.StatusNotCovered)])},
			{"Unidentified", itoa(status[string(covered.StatusUnidentified)])},
			{"Findings", itoa(sum.Findings)},
			{"Security check findings", itoa(sum.Checks)},
		},
		notes: []string{"Status is the classification of the latest identification of each asset. " +
			"Hikvision, Dahua and Hytera equipment is covered under §889 only to the extent it is used for public safety, " +
			"security of government facilities, physical security surveillance of critical infrastructure or other national security purposes; " +
			"the scope note of each finding says so."},
		tables: []*table{
			countsTable("Counts", "Assets by status, covered entity, device type and site",
				[]string{"status", "entity", "device type", "site"},
				[][]count{sum.ByStatus, sum.ByEntity, sum.ByDeviceType, sum.BySite}),
			assetTable,
			findingsTable(findings, x),
			checksTable(checks),
		},
		csv: assetTable,
	}
}

// findingsTable lists findings with their remediation.
func findingsTable(fs []*Finding, x *index) *table {
	return &table{name: "Findings", caption: "Covered and suspected findings with remediation state",
		cols: []column{
			{name: "Finding", width: 12}, {name: "Asset", width: 12, nopdf: true}, {name: "Site", width: 12},
			{name: "Status", width: 11, status: true}, {name: "Covered entity", width: 14}, {name: "Regimes", width: 22},
			{name: "Brand", width: 12}, {name: "Manufacturer", width: 14, nopdf: true}, {name: "Model", width: 16},
			{name: "Device type", width: 12}, {name: "Firmware", width: 14, nopdf: true}, {name: "Discovered", width: 17},
			{name: "Last seen", width: 17, nopdf: true}, {name: "Remediation", width: 14, status: true}, {name: "Owner", width: 14},
			{name: "Due", width: 11}, {name: "Ticket", width: 12}, {name: "Notes", width: 30, nopdf: true}, {name: "Evidence", width: 40, nopdf: true},
		},
		n: len(fs),
		row: func(i int, r []string) {
			f := fs[i]
			site := ""
			if a := x.asset[f.AssetID]; a != nil {
				site = a.Site
			}
			r[0], r[1], r[2], r[3], r[4], r[5] = f.ID, f.AssetID, site, string(f.Status), f.Entity, join(f.Regimes)
			r[6], r[7], r[8], r[9], r[10] = f.Brand, f.Manufacturer, f.Model, f.DeviceType, f.Firmware
			r[11], r[12] = stamp(f.Discovered), stamp(f.LastSeen)
			rm := &f.Remediation
			r[13], r[14], r[15], r[16], r[17], r[18] = stateText(rm.State), rm.Owner, day(rm.Due), rm.Ticket, rm.Notes, f.Evidence
		}}
}

// checkSeverityRank orders check severities most severe first; anything
// else comes last.
var checkSeverityRank = map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}

func severityRank(s string) int {
	if r, ok := checkSeverityRank[s]; ok {
		return r
	}
	return len(checkSeverityRank)
}

// sortChecks orders check findings most severe first, then by asset and
// check. It sorts pointers so the caller's Data is untouched.
func sortChecks(cs []CheckFinding) []*CheckFinding {
	out := make([]*CheckFinding, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	slices.SortStableFunc(out, func(a, b *CheckFinding) int {
		if c := cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.AssetID), len(b.AssetID)); c != 0 { // numeric ids in number order
			return c
		}
		if c := cmp.Compare(a.AssetID, b.AssetID); c != 0 {
			return c
		}
		return cmp.Compare(a.Check, b.Check)
	})
	return out
}

// checksTable lists the active security check findings.
func checksTable(cs []*CheckFinding) *table {
	return &table{name: "Security checks", caption: "Active security check findings, most severe first",
		cols: []column{
			{name: "Check", width: 22}, {name: "Title", width: 36}, {name: "Severity", width: 9},
			{name: "CVEs", width: 18}, {name: "KEV", width: 16}, {name: "Asset", width: 8},
			{name: "Host", width: 18}, {name: "Advice", width: 50, nopdf: true},
			{name: "First seen", width: 17}, {name: "Last seen", width: 17},
		},
		n: len(cs),
		row: func(i int, r []string) {
			c := cs[i]
			r[0], r[1], r[2], r[3] = c.Check, c.Title, c.Severity, join(c.CVEs)
			r[4] = kevText(c)
			r[5], r[6], r[7], r[8], r[9] = c.AssetID, c.Host, c.Advice, stamp(c.FirstSeen), stamp(c.LastSeen)
		}}
}

// kevText says whether a check finding's CVE is known exploited, and
// since when.
func kevText(c *CheckFinding) string {
	switch {
	case !c.KEV:
		return ""
	case c.KEVDateAdded != "":
		return "yes (added " + c.KEVDateAdded + ")"
	}
	return "yes"
}

// nonNil keeps empty lists as [] in JSON, so consumers see one schema.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func stateText(s RemediationState) string {
	if s == "" {
		return string(StateOpen)
	}
	return string(s)
}
