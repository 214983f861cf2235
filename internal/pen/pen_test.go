package pen

import (
	"os"
	"strings"
	"testing"
)

func TestBuiltinOrg(t *testing.T) {
	tests := []struct {
		name string
		pen  int
		want string // empty: not in the table
	}{
		{"Huawei", 2011, "HUAWEI Technology Co.,Ltd"},
		{"ZTE", 3902, "Zhongxing Telecom Co.,ltd. (abbr. ZTE)"},
		{"Hikvision", 39165, "Hikvision Digital Technology Co., Ltd."},
		{"Dahua", 37496, "ZHEJIANG DAHUA TECHNOLOGY CO.,LTD"},
		{"Hytera", 40297, "Hytera Communications Co.,Ltd."},
		{"H3C look-alike", 25506, "H3C"},
		{"Cisco", 9, "ciscoSystems"},
		{"Huawei Symantec", 34774, "Huawei Symantec Technologies Co.,Ltd"},
		{"Norsat (Hytera)", 40560, "Norsat International Inc."},
		{"Kaspersky", 23668, "Kaspersky Lab ZAO"},
		{"50001 is not Hikvision", 50001, "Scildon"},
		{"formerly comment kept", 78, "LogMatrix Inc (formerly 'OpenService Inc.')"},
		{"# inside a name", 8606, "Vancouver School District # 37"},
		{"---none--- left out", 4378, ""},
		{"Dahua's unregistered device arc", 1004849, ""},
		{"negative", -1, ""},
		{"above 32 bits", 1 << 40, ""},
	}
	tab := Builtin()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tab.Org(tc.pen)
			if ok != (tc.want != "") || got != tc.want {
				t.Errorf("Org(%d) = %q, %v; want %q", tc.pen, got, ok, tc.want)
			}
		})
	}
}

func TestBuiltinInfo(t *testing.T) {
	tab := Builtin()
	if Builtin() != tab {
		t.Error("Builtin() decoded twice")
	}
	want := Info{Name: "IANA Private Enterprise Numbers", Source: builtinSource, Date: builtinDate, Entries: builtinCount}
	if got := tab.Info(); got != want {
		t.Errorf("Info() = %+v, want %+v", got, want)
	}
	if !strings.HasPrefix(builtinSource, "IANA Private Enterprise Numbers via Debian libwireshark-data ") ||
		!strings.HasPrefix(builtinUpstream, "https://www.iana.org/") || builtinUnassigned == 0 {
		t.Errorf("provenance: %q %q %d", builtinSource, builtinUpstream, builtinUnassigned)
	}
}

func TestMerge(t *testing.T) {
	f, err := os.Open("testdata/enterprise-numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fresh, err := ParseIANA(f, "enterprise-numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	old := newTable(map[uint32]string{2011: "old name", 7: "CAYMAN"}, Info{Source: "old", Date: "2020-01-01"})
	m := old.Merge(fresh.WithSource("IANA download", "2025-08-22"))
	for pen, want := range map[int]string{2011: "HUAWEI Technology Co.,Ltd", 7: "CAYMAN", 40297: "Hytera Communications Co.,Ltd."} {
		if got, ok := m.Org(pen); !ok || got != want {
			t.Errorf("merged Org(%d) = %q, %v; want %q", pen, got, ok, want)
		}
	}
	want := Info{Name: "IANA Private Enterprise Numbers", Source: "old + IANA download", Date: "2025-08-22", Entries: fresh.Info().Entries + 1}
	if got := m.Info(); got != want {
		t.Errorf("merged Info() = %+v, want %+v", got, want)
	}
	if got, _ := old.Org(2011); got != "old name" {
		t.Errorf("Merge changed its receiver: %q", got)
	}
}

func BenchmarkEnterpriseOrg(b *testing.B) {
	tab := Builtin()
	b.ReportAllocs()
	for b.Loop() {
		pen, _, ok := Enterprise("SNMPv2-SMI::enterprises.2011.2.23.96")
		if !ok {
			b.Fatal("no enterprise")
		}
		if _, ok := tab.Org(pen); !ok {
			b.Fatal("no org")
		}
	}
}
