package pen

import (
	"os"
	"strings"
	"testing"
)

func TestParseIANASample(t *testing.T) {
	f, err := os.Open("testdata/enterprise-numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ParseIANA(f, "enterprise-numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pen  int
		want string // empty: not in the table
	}{
		{0, "Reserved"},
		{9, "ciscoSystems"},
		{78, "LogMatrix Inc (formerly 'OpenService Inc.')"},
		{131, ""}, // ---none---
		{2011, "HUAWEI Technology Co.,Ltd"},
		{3902, "Zhongxing Telecom Co.,ltd. (abbr. ZTE)"},
		{12036, "École normale supérieure - Paris"},
		{25506, "H3C"},
		{37496, "ZHEJIANG DAHUA TECHNOLOGY CO.,LTD"},
		{39165, "Hikvision Digital Technology Co., Ltd."},
		{40297, "Hytera Communications Co.,Ltd."},
		{4294967295, "Sample Highest Number Ltd."},
		{1, ""},
	}
	for _, tc := range tests {
		got, ok := tab.Org(tc.pen)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("Org(%d) = %q, %v; want %q", tc.pen, got, ok, tc.want)
		}
	}
	want := Info{Name: "IANA Private Enterprise Numbers", Source: "IANA enterprise-numbers.txt", Date: "2024-08-23", Entries: 12}
	if got := tab.Info(); got != want {
		t.Errorf("Info() = %+v, want %+v", got, want)
	}
}

func TestParseIANAErrors(t *testing.T) {
	const head = "PRIVATE ENTERPRISE NUMBERS\n\n(last updated 2024-08-23)\n\nDecimal\n| Organization\n"
	const end = "End of Document\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "x.txt: no enterprise numbers found"},
		{"header only", head, "x.txt: no enterprise numbers found"},
		{"truncated", head + "0\n  Reserved\n    IANA\n", `x.txt:9: file ends without "End of Document" (truncated?)`},
		{"no organization", head + "0\n  Reserved\n1\n2\n  IBM\n" + end, "x.txt:9: enterprise 1 has no organization line"},
		{"no organization at end", head + "0\n  Reserved\n1\n" + end, "x.txt:9: enterprise 1 has no organization line"},
		{"repeated", head + "7\n  CAYMAN\n7\n  CAYMAN again\n" + end, "x.txt:9: enterprise 7 repeated (first on line 7)"},
		{"overflow", head + "4294967296\n  Too Big\n" + end, "x.txt:7: enterprise number 4294967296: strconv.ParseUint: parsing \"4294967296\": value out of range"},
		{"stray text", head + "0\n  Reserved\nReserved\n" + end, `x.txt:9: want an enterprise number, an indented line or "End of Document", got "Reserved"`},
		{"number and name on one line", head + "0\n  Reserved\n9 ciscoSystems\n" + end, `x.txt:9: want an enterprise number, an indented line or "End of Document", got "9 ciscoSystems"`},
		{"long line", head + "0\n  " + strings.Repeat("x", 70000) + "\n", "x.txt:8: line longer than 65536 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIANA(strings.NewReader(tc.in), "x.txt")
			if err == nil || err.Error() != tc.want {
				t.Errorf("ParseIANA error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestParseIANACRLF(t *testing.T) {
	in := "(last updated 2025-08-22)\r\n\r\n21\r\n  EON\r\n    Michael Waters\r\n      ---none---\r\n\r\nEnd of Document\r\n"
	tab, err := ParseIANA(strings.NewReader(in), "crlf.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := tab.Org(21); !ok || got != "EON" || tab.Info().Date != "2025-08-22" {
		t.Errorf("Org(21) = %q, %v; Info %+v", got, ok, tab.Info())
	}
}
