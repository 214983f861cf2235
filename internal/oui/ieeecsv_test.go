package oui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseFixture reads testdata/<name>, a sample of Debian ieee-data's copy of
// the IEEE files (see testdata/README.md).
func parseFixture(t *testing.T, name string) *Table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ParseIEEECSV(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestParseIEEECSVFixtures(t *testing.T) {
	tab := parseFixture(t, "oui.csv").
		Merge(parseFixture(t, "mam.csv")).
		Merge(parseFixture(t, "oui36.csv")).
		Merge(parseFixture(t, "iab.csv"))
	tests := []struct {
		name, mac string
		want      Entry
	}{
		{"quoted name", "00:E0:FC:00:00:01", Entry{"00:E0:FC", 24, "MA-L", "HUAWEI TECHNOLOGIES CO.,LTD"}},
		{"Hikvision", "C0:56:E3:00:00:01", Entry{"C0:56:E3", 24, "MA-L", "Hangzhou Hikvision Digital Technology Co.,Ltd."}},
		{"lower-case registrant", "08:60:83:00:00:01", Entry{"08:60:83", 24, "MA-L", "zte corporation"}},
		{"address spans two lines", "C4:04:D8:00:00:01", Entry{"C4:04:D8", 24, "MA-L", "Aviva Links Inc."}},
		{"repeated assignment: last row wins", "08:00:30:00:00:01", Entry{"08:00:30", 24, "MA-L", "CERN"}},
		{"MA-M", "78:72:64:50:00:01", Entry{"78:72:64:50/28", 28, "MA-M", "CALTTA TECHNOLOGIES CO.,LTD."}},
		{"MA-M private", "74:1A:E0:90:00:01", Entry{"74:1A:E0:90/28", 28, "MA-M", "Private"}},
		{"MA-S", "70:B3:D5:0A:E0:01", Entry{"70:B3:D5:0A:E0/36", 36, "MA-S", "Norsat International Inc."}},
		{"MA-S parent", "70:B3:D5:0A:F0:01", Entry{"70:B3:D5", 24, "MA-L", "IEEE Registration Authority"}},
		{"IAB", "00:50:C2:7D:50:01", Entry{"00:50:C2:7D:50/36", 36, "IAB", "DEUTA-WERKE GmbH"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tab.Lookup(mustMAC(t, tc.mac))
			if !ok || got != tc.want {
				t.Errorf("Lookup(%s) = %+v, %v; want %+v", tc.mac, got, ok, tc.want)
			}
		})
	}
	want := Info{Name: "IEEE MAC address blocks", Source: "IEEE oui.csv + IEEE mam.csv + IEEE oui36.csv + IEEE iab.csv", Entries: 16}
	if got := tab.Info(); got != want {
		t.Errorf("Info() = %+v, want %+v", got, want)
	}
}

func TestParseIEEECSVErrors(t *testing.T) {
	const head = "Registry,Assignment,Organization Name,Organization Address\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "x.csv: empty file, want header Registry,Assignment,Organization Name,Organization Address"},
		{"header only", head, "x.csv: no assignments after the header"},
		{"wrong header", "Registry,Assignment,Name,Address\n", `x.csv:1: header has "Name" in column 3, want Registry,Assignment,Organization Name,Organization Address`},
		{"short header", "Registry,Assignment\n", "x.csv: record on line 1: wrong number of fields"},
		{"missing field", head + "MA-L,00E0FC,HUAWEI\n", "x.csv: record on line 2: wrong number of fields"},
		{"bare quote", head + "MA-L,00E0FC,HU\"AWEI,\n", `x.csv: parse error on line 2, column 15: bare " in non-quoted-field`},
		{"unknown registry", head + "MA-X,00E0FC,HUAWEI,\n", `x.csv:2: unknown registry "MA-X", want MA-L, MA-M, MA-S or IAB`},
		{"CID", head + "CID,3A72C2,HUAWEI,\n", "x.csv:2: registry CID holds company IDs, not MAC address blocks"},
		{"wrong length", head + "MA-M,00E0FC,HUAWEI,\n", `x.csv:2: MA-M assignment "00E0FC" has 6 characters, want 7 hex digits`},
		{"not hex", head + "MA-L,00E0FG,HUAWEI,\n", `x.csv:2: MA-L assignment: prefix "00E0FG": invalid hex digit 'G'`},
		{"empty name", head + "MA-L,00E0FC,OK,\nMA-L,00E0FD, ,\n", "x.csv:3: MA-L 00E0FD: empty organization name"},
		{"line after multi-line field", head + "MA-L,00E0FC,A,\"x\ny\"\nMA-L,00E0FD,,\n", "x.csv:4: MA-L 00E0FD: empty organization name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIEEECSV(strings.NewReader(tc.in), "x.csv")
			if err == nil || err.Error() != tc.want {
				t.Errorf("ParseIEEECSV error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestParseIEEECSVBOM(t *testing.T) {
	in := "\uFEFFRegistry,Assignment,Organization Name,Organization Address\r\nMA-L,00e0fc,HUAWEI\tTECHNOLOGIES ,\r\n"
	tab, err := ParseIEEECSV(strings.NewReader(in), "bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := tab.Lookup(mustMAC(t, "00:e0:fc:00:00:01")); !ok || e.Org != "HUAWEI TECHNOLOGIES" {
		t.Errorf("Lookup = %+v, %v", e, ok)
	}
}

// TestParseIEEECSVDebian reads the full IEEE files when Debian's ieee-data
// package is installed; it checks that real downloads parse, not their
// content, which changes every day.
func TestParseIEEECSVDebian(t *testing.T) {
	for _, name := range []string{"oui.csv", "mam.csv", "oui36.csv", "iab.csv"} {
		path := filepath.Join("/usr/share/ieee-data", name)
		f, err := os.Open(path)
		if err != nil {
			t.Skipf("ieee-data not installed: %v", err)
		}
		tab, err := ParseIEEECSV(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if tab.Info().Entries < 1000 {
			t.Errorf("%s: only %d entries", name, tab.Info().Entries)
		}
	}
}
