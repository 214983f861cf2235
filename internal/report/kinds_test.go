package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// TestItemMapping checks that each FAR 52.204-25(d)(2)(i) field comes from
// the right place: contract and per-site overrides, brand falling back to
// the manufacturer, the generated description, mitigation text and the
// deadlines with their overdue marks.
func TestItemMapping(t *testing.T) {
	d := fixture()
	x := newIndex(&d)
	today := dateOf(d.Generated)
	byID := map[string]*Finding{}
	for i := range d.Findings {
		byID[d.Findings[i].ID] = &d.Findings[i]
	}
	tests := []struct {
		finding string
		want    Item
	}{
		{"f-0001", Item{FindingID: "f-0001", AssetID: "a-0001", Site: "hq", IP: "10.1.2.3", Hostname: "core-rtr-1",
			Status: covered.StatusCovered, Entity: "Huawei", Regimes: ndaaFCC, Reportable: true,
			ContractNumber: "W52P1J-24-D-0001", OrderNumber: "W52P1J-25-F-0042", SupplierName: "Example Networks LLC",
			SupplierUEI: "ABCDEF123456", SupplierCAGE: "1AB23", Brand: "Huawei", ModelNumber: "AR1220",
			ItemDescription: "router (VRP router), firmware V200R009C00, at 10.1.2.3 [core-rtr-1], site hq",
			Mitigation:      "Replacement in progress: replacement router ordered (owner net-ops; ticket CHG-4411; target 2027-01-15)",
			Manufacturer:    "Huawei", Discovered: ts("2026-11-23T09:12:00Z"),
			ReportDue: "2026-11-24", Reported: ts("2026-11-24T16:00:00Z"),
			FollowUpDue: "2026-12-09", FollowUp: ts("2026-12-08T12:00:00Z"), Remediation: "replacing"}},
		{"f-0003", Item{FindingID: "f-0003", AssetID: "a-0003", Site: "branch-7", IP: "192.168.7.20", Hostname: "nvr-01",
			Status: covered.StatusCovered, Entity: "Dahua", Regimes: ndaaFCC, Reportable: true, ScopeNote: scopeVSS,
			ContractNumber: "W52P1J-24-D-0001", OrderNumber: "W52P1J-25-F-0077", SupplierName: "Regional Integrator Inc.",
			SupplierCAGE: "7XY89", Brand: "Lorex", ModelNumber: "N841A6",
			ItemDescription: "nvr (NVR), firmware V4.001, at 192.168.7.20 [nvr-01], site branch-7",
			Mitigation:      "Retained (risk accepted): moved to isolated VLAN 666, no internet (owner branch-7 IT; ticket INC-2290)",
			Manufacturer:    "Dahua", Discovered: ts("2026-12-01T14:05:00Z"),
			ReportDue: "2026-12-02", Reported: ts("2026-12-02T10:00:00Z"),
			FollowUpDue: "2026-12-16", FollowUpOverdue: true, Remediation: "accepted_risk"}},
		{"f-0004", Item{FindingID: "f-0004", AssetID: "a-0004", Site: "hq", IP: "10.1.5.9",
			Status: covered.StatusSuspected, Entity: "ZTE", Regimes: ndaaFCC, Reportable: true,
			ContractNumber: "W52P1J-24-D-0001", OrderNumber: "W52P1J-25-F-0042", SupplierName: "Example Networks LLC",
			SupplierUEI: "ABCDEF123456", SupplierCAGE: "1AB23", Brand: "ZTE", ModelNumber: "ZXHN F670L",
			ItemDescription: "ont, at 10.1.5.9, site hq", Mitigation: "No mitigation yet",
			Manufacturer: "ZTE", Discovered: ts("2026-12-24T11:00:00Z"),
			ReportDue: "2026-12-28", ReportOverdue: true, FollowUpDue: "2027-01-12", Remediation: "open"}},
	}
	for _, tt := range tests {
		t.Run(tt.finding, func(t *testing.T) {
			f := byID[tt.finding]
			got := newItem(f, x.asset[f.AssetID], d.Contract, today)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("item mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("not under 889", func(t *testing.T) {
		f := Finding{ID: "f-k", AssetID: "none", Entity: "Kaspersky", Status: covered.StatusCovered,
			Regimes: []string{"far-52.204-23", "fcc-covered-list"}, Manufacturer: "Kaspersky", Discovered: ts("2026-12-01T00:00:00Z")}
		got := newItem(&f, nil, nil, today)
		if got.Reportable || got.ReportDue != "" || got.ReportOverdue || got.ContractNumber != "" || got.Brand != "Kaspersky" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("explicit description", func(t *testing.T) {
		f := *byID["f-0002"]
		f.Description = "Lobby camera, asset tag 00417"
		if got := newItem(&f, x.asset[f.AssetID], nil, today); got.ItemDescription != f.Description {
			t.Errorf("description %q", got.ItemDescription)
		}
	})
}

func TestReport889(t *testing.T) {
	var m struct {
		Summary summary889 `json:"summary"`
		Regimes []regimeItems
		Items   []Item
		Excl    []excludedItem `json:"excluded_false_positives"`
	}
	if err := json.Unmarshal(render(t, Kind889, FormatJSON, fixture()), &m); err != nil {
		t.Fatal(err)
	}
	want := summary889{Items: 5, Reportable: 5, Covered: 4, Suspected: 1, ReportOverdue: 2, FollowUpOverdue: 2}
	if m.Summary != want {
		t.Errorf("summary %+v, want %+v", m.Summary, want)
	}
	var order []string
	for _, it := range m.Items {
		order = append(order, it.FindingID)
	}
	if diff := cmp.Diff([]string{"f-0001", "f-0002", "f-0003", "f-0006", "f-0004"}, order); diff != "" {
		t.Errorf("item order (-want +got):\n%s", diff)
	}
	if len(m.Excl) != 1 || m.Excl[0].FindingID != "f-0005" {
		t.Errorf("false positives: %+v", m.Excl)
	}
	if len(m.Regimes) != 2 || m.Regimes[1].Regime != "ndaa-889" || len(m.Regimes[1].Findings) != 5 {
		t.Errorf("regimes: %+v", m.Regimes)
	}

	// Without a contract the report still renders and says what is missing.
	d := fixture()
	d.Contract = nil
	out := string(render(t, Kind889, FormatHTML, d))
	if !strings.Contains(out, "No contract metadata was given") {
		t.Error("missing-contract note not shown")
	}
}

func TestInquiryStatement(t *testing.T) {
	clean := fixture()
	clean.Findings = nil
	clean.Gaps = nil
	clean.Runs[2].Failed = 0 // r-1002, the partial nmap import
	tests := []struct {
		name string
		d    Data
		want string
	}{
		{"findings", fixture(), "4 run(s) and import(s) between 2026-11-23 and 2026-12-24 examined 9 asset(s) at 3 site(s) and identified 4 item(s) as covered and 1 as suspected covered under the covered lists in version 2026.11.20-1 (fingerprint rules 2026.12.15-1). The result covers only the scope listed; 3 gap(s) in coverage are recorded below. 3 target(s) or record(s) failed and were not examined."},
		{"none found", clean, "4 run(s) and import(s) between 2026-11-23 and 2026-12-24 examined 9 asset(s) at 3 site(s) and identified no equipment as covered or suspected covered under the covered lists in version 2026.11.20-1 (fingerprint rules 2026.12.15-1). The result covers only the scope listed; no gaps in coverage were recorded."},
		{"no runs", Data{}, "No scan, capture or import is recorded for this scope, so this record does not show that any equipment was examined."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m inquiryModel
			if err := json.Unmarshal(render(t, KindInquiry, FormatJSON, tt.d), &m); err != nil {
				t.Fatal(err)
			}
			if m.Statement != tt.want {
				t.Errorf("statement\n got: %s\nwant: %s", m.Statement, tt.want)
			}
			if html := string(render(t, KindInquiry, FormatHTML, tt.d)); !strings.Contains(html, htmlEscape(tt.want)) {
				t.Error("statement missing from HTML")
			}
		})
	}
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	w := hw{bufioWriter(&b)}
	w.text(s)
	w.Flush()
	return b.String()
}

func TestInventorySummary(t *testing.T) {
	var m inventoryModel
	if err := json.Unmarshal(render(t, KindInventory, FormatJSON, fixture()), &m); err != nil {
		t.Fatal(err)
	}
	want := []count{{"covered", 4}, {"not_covered", 2}, {"suspected", 2}, {"unidentified", 1}}
	if diff := cmp.Diff(want, m.Summary.ByStatus); diff != "" {
		t.Errorf("by status (-want +got):\n%s", diff)
	}
	wantSites := []count{{"hq", 5}, {"branch-7", 3}, {"warehouse", 1}}
	if diff := cmp.Diff(wantSites, m.Summary.BySite); diff != "" {
		t.Errorf("by site (-want +got):\n%s", diff)
	}
	// Covered first, then by site and address.
	if m.Assets[0].ID != "a-0003" || m.Assets[len(m.Assets)-1].ID != "a-0009" {
		t.Errorf("asset order starts %s, ends %s", m.Assets[0].ID, m.Assets[len(m.Assets)-1].ID)
	}
}

// TestHostile checks that attacker-controlled strings come out inert and
// well-formed in every format.
func TestHostile(t *testing.T) {
	d := hostile()
	t.Run("html", func(t *testing.T) {
		out := string(render(t, KindInventory, FormatHTML, d))
		if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(out, "&#34;&gt;&lt;img src=x") {
			t.Error("hostile strings not escaped")
		}
		if !strings.Contains(out, "bad \uFFFD\uFFFD utf8 \uFFFD nul \uFFFD[31m") {
			t.Error("invalid UTF-8 and control characters not replaced")
		}
		if len(out) > 1<<20 {
			t.Errorf("a 1 MiB hostname made a %d-byte page; cells are not truncated", len(out))
		}
	})
	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(render(t, KindInquiry, FormatCSV, d))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, r := range rows {
			for _, c := range r {
				if strings.HasPrefix(c, "'=HYPERLINK") {
					found = true
				}
			}
		}
		if !found {
			t.Error("formula not defused")
		}
	})
	t.Run("json", func(t *testing.T) {
		out := render(t, Kind889, FormatJSON, d)
		if !bytes.Contains(out, []byte(`\u003cscript\u003e`)) {
			t.Error("JSON does not escape <script>")
		}
		if !json.Valid(out) {
			t.Error("invalid JSON")
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(render(t, KindInventory, FormatXLSX, d)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Assets")
		if err != nil {
			t.Fatal(err)
		}
		var script, huge bool
		for _, r := range rows {
			for _, c := range r {
				script = script || c == "<script>alert(1)</script>"
				huge = huge || (strings.HasPrefix(c, "AAAA") && strings.Contains(c, "truncated"))
			}
		}
		if !script || !huge {
			t.Errorf("cells: literal script %v, truncated huge %v", script, huge)
		}
	})
	t.Run("pdf", func(t *testing.T) {
		pdfCompress = false
		defer func() { pdfCompress = true }()
		out := render(t, Kind889, FormatPDF, d)
		// CJK is outside cp1252 and becomes "?"; the rest survives.
		if !bytes.Contains(out, []byte("?? Huawei ???? ?")) {
			t.Error("CJK text not transliterated")
		}
	})
}

func TestPDFText(t *testing.T) {
	pdfCompress = false
	defer func() { pdfCompress = true }()
	tests := map[Kind][]string{
		KindInventory: {"Assets - Every asset", "core-rtr-1", "DS-2CD2143G2-I", "Findings by covered entity"},
		Kind889:       {"Contract number", "W52P1J-25-F-0077", "Regional Integrator Inc.", "OVERDUE", "Command \x96 Rock Island", "\xa7889"},
		KindInquiry:   {"r-1002", "branch7-nmap-2026-12-01.xml", "3 gap\\(s\\) in coverage"},
	}
	for k, want := range tests {
		out := render(t, k, FormatPDF, fixture())
		for _, s := range want {
			if !bytes.Contains(out, []byte(s)) {
				t.Errorf("%s PDF lacks %q", k, s)
			}
		}
		if !bytes.Contains(out, []byte("/CreationDate (D:20261230150000)")) {
			t.Errorf("%s PDF creation date is not Generated", k)
		}
	}
}

func TestPDFTextConversion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"§889 – “quoted” €5", "\xa7889 \x96 \x93quoted\x94 \x805"},
		{"a→b ≥ 1", "a->b >= 1"},
		{"華為", "??"},
		{"bad\xffbyte\x00", "bad?byte?"},
		{"tab\tnew\nline", "tab new line"},
	}
	for _, tt := range tests {
		if got := pdfText(tt.in); got != tt.want {
			t.Errorf("pdfText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseKindFormat(t *testing.T) {
	for _, k := range Kinds() {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%s) = %v, %v", k, got, err)
		}
	}
	for _, f := range Formats() {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseKind("audit"); err == nil {
		t.Error("ParseKind accepted audit")
	}
	if _, err := ParseFormat("docx"); err == nil {
		t.Error("ParseFormat accepted docx")
	}
	if err := Render(discard{}, "audit", FormatHTML, Data{}); err == nil {
		t.Error("Render accepted an unknown kind")
	}
	if err := Render(discard{}, KindInventory, "docx", Data{}); err == nil {
		t.Error("Render accepted an unknown format")
	}
}

func bufioWriter(b *bytes.Buffer) *bufio.Writer { return bufio.NewWriter(b) }

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"nul\x00esc\x1bdel\x7f", "nul\uFFFDesc\uFFFDdel\uFFFD"},
		{"bad\xff\xfe", "bad\uFFFD\uFFFD"},
		{"c1 \u0085 control", "c1 \uFFFD control"},
		{"rtl \u202egnp.exe", "rtl \uFFFDgnp.exe"},
		{"§889 – 華為", "§889 – 華為"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
