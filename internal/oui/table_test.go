package oui

import (
	"regexp"
	"strings"
	"testing"
)

// mustMAC parses a MAC address for test tables.
func mustMAC(t testing.TB, s string) [6]byte {
	t.Helper()
	hw, err := ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return hw
}

func TestBuiltinLookup(t *testing.T) {
	tests := []struct {
		name, mac string
		want      Entry // zero: no match
	}{
		{"Huawei MA-L", "00:E0:FC:12:34:56", Entry{"00:E0:FC", 24, "MA-L", "HUAWEI TECHNOLOGIES CO.,LTD"}},
		{"Huawei MA-L 2", "00-1E-10-AB-CD-EF", Entry{"00:1E:10", 24, "MA-L", "HUAWEI TECHNOLOGIES CO.,LTD"}},
		{"Hikvision MA-L", "c056.e3aa.bbcc", Entry{"C0:56:E3", 24, "MA-L", "Hangzhou Hikvision Digital Technology Co.,Ltd."}},
		{"Hytera MA-L", "64:69:BC:00:00:01", Entry{"64:69:BC", 24, "MA-L", "Hytera Communications Co .,ltd"}},
		{"Caltta (ZTE) MA-M", "78:72:64:5F:FF:FF", Entry{"78:72:64:50/28", 28, "MA-M", "CALTTA TECHNOLOGIES CO.,LTD."}},
		{"MA-M neighbour", "78:72:64:60:00:00", Entry{"78:72:64:60/28", 28, "MA-M", "Shenzhen C-DIGI Technology Co.,Ltd."}},
		{"Shanghai ZTE MA-M", "AC:64:DD:51:02:03", Entry{"AC:64:DD:50/28", 28, "MA-M", "SHANGHAI ZTE TECHNOLOGIES CO.,LTD"}},
		{"Norsat (Hytera) MA-S over MA-L", "70:B3:D5:0A:E1:23", Entry{"70:B3:D5:0A:E0/36", 36, "MA-S", "Norsat International Inc."}},
		{"MA-S last address", "70:B3:D5:0A:EF:FF", Entry{"70:B3:D5:0A:E0/36", 36, "MA-S", "Norsat International Inc."}},
		{"MA-S neighbour", "70:B3:D5:0A:F0:00", Entry{"70:B3:D5:0A:F0/36", 36, "MA-S", "KMtronic ltd"}},
		{"subdivided MA-L", "78:72:64:F0:00:00", Entry{"78:72:64", 24, "MA-L", "IEEE Registration Authority"}},
		{"MA-M without MA-L parent", "1C:87:74:F0:00:00", Entry{}},
		{"unassigned", "5A:00:00:00:00:00", Entry{}},
		{"locally administered 02", "02:E0:FC:12:34:56", Entry{}},
		{"randomized x6", "06:E0:FC:12:34:56", Entry{}},
		{"randomized xA", "0A:E0:FC:12:34:56", Entry{}},
		{"randomized xE", "0E:E0:FC:12:34:56", Entry{}},
		{"historic MA-L with U/L bit (RACAL 02:07:01)", "02:07:01:00:00:01", Entry{}},
		{"historic MA-L with U/L bit (DEC AA:00:04)", "AA:00:04:00:12:34", Entry{}},
		{"IPv4 multicast", "01:00:5E:7F:FF:FA", Entry{}},
		{"broadcast", "FF:FF:FF:FF:FF:FF", Entry{}},
		{"all zero (Xerox 00:00:00)", "00:00:00:00:00:00", Entry{}},
		{"Xerox 00:00:00 block", "00:00:00:00:00:01", Entry{"00:00:00", 24, "MA-L", "XEROX CORPORATION"}},
	}
	tab := Builtin()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tab.Lookup(mustMAC(t, tc.mac))
			if ok != (tc.want != Entry{}) || got != tc.want {
				t.Errorf("Lookup(%s) = %+v, %v; want %+v", tc.mac, got, ok, tc.want)
			}
		})
	}
}

func TestBuiltinInfo(t *testing.T) {
	tab := Builtin()
	if Builtin() != tab {
		t.Error("Builtin() decoded twice")
	}
	info := tab.Info()
	total := 0
	for reg, n := range builtinCounts {
		if got := tab.Count(reg); got != n {
			t.Errorf("Count(%s) = %d, generator recorded %d", reg, got, n)
		}
		total += n
	}
	if info.Entries != total || info.Name != "IEEE MAC address blocks" ||
		!strings.HasPrefix(info.Source, "npm oui-data@") ||
		!regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(info.Date) {
		t.Errorf("Info() = %+v, want %d entries, npm source, YYYY-MM-DD date", info, total)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(builtinTarballSHA256) {
		t.Errorf("builtinTarballSHA256 = %q", builtinTarballSHA256)
	}
	n := 0
	var prev Entry
	for e := range tab.All() {
		if e.Org == "" || e.Registry == "" || (e.Bits != 24 && e.Bits != 28 && e.Bits != 36) {
			t.Fatalf("bad entry %+v", e)
		}
		if n > 0 && e.Prefix == prev.Prefix {
			t.Fatalf("duplicate prefix %s", e.Prefix)
		}
		prev = e
		n++
	}
	if n != total {
		t.Errorf("All() yielded %d entries, want %d", n, total)
	}
}

func TestMerge(t *testing.T) {
	base, err := ParseIEEECSV(strings.NewReader(
		"Registry,Assignment,Organization Name,Organization Address\n"+
			"MA-L,00E0FC,OLD NAME,\n"+
			"MA-L,AABBCC,Kept Only In Base,\n"), "base.csv")
	if err != nil {
		t.Fatal(err)
	}
	top, err := ParseIEEECSV(strings.NewReader(
		"Registry,Assignment,Organization Name,Organization Address\n"+
			"MA-L,00E0FC,NEW NAME,\n"+
			"MA-M,00E0FC1,Sub Block,\n"), "top.csv")
	if err != nil {
		t.Fatal(err)
	}
	m := base.WithSource("IEEE base.csv", "2022-08-27").Merge(top.WithSource("IEEE top.csv", "2024-08-25"))
	tests := []struct{ mac, org string }{
		{"00:E0:FC:00:00:00", "NEW NAME"},
		{"00:E0:FC:10:00:00", "Sub Block"},
		{"00:E0:FC:20:00:00", "NEW NAME"},
	}
	for _, tc := range tests {
		if e, ok := m.Lookup(mustMAC(t, tc.mac)); !ok || e.Org != tc.org {
			t.Errorf("merged Lookup(%s) = %+v, %v; want %s", tc.mac, e, ok, tc.org)
		}
	}
	want := Info{Name: "IEEE MAC address blocks", Source: "IEEE base.csv + IEEE top.csv", Date: "2024-08-25", Entries: 3}
	if got := m.Info(); got != want {
		t.Errorf("merged Info() = %+v, want %+v", got, want)
	}
	if e, ok := base.Lookup(mustMAC(t, "00:E0:FC:00:00:00")); !ok || e.Org != "OLD NAME" {
		t.Errorf("Merge changed its receiver: %+v", e)
	}
}

// BenchmarkLookup measures one lookup over a mix of MA-L, MA-M and MA-S
// hits, misses and refused local addresses.
func BenchmarkLookup(b *testing.B) {
	tab := Builtin()
	macs := [][6]byte{
		mustMAC(b, "00:E0:FC:12:34:56"), // MA-L
		mustMAC(b, "78:72:64:5F:FF:FF"), // MA-M
		mustMAC(b, "70:B3:D5:0A:E1:23"), // MA-S
		mustMAC(b, "5A:00:00:00:00:00"), // local, refused
		mustMAC(b, "3C:00:00:00:00:01"), // unassigned or MA-L
		mustMAC(b, "C0:56:E3:AA:BB:CC"), // MA-L
		mustMAC(b, "8C:1F:64:00:00:01"), // MA-S range
		mustMAC(b, "1C:87:74:F0:00:00"), // MA-M parent without MA-L
	}
	b.ReportAllocs()
	hits := 0
	for i := 0; b.Loop(); i++ {
		if _, ok := tab.Lookup(macs[i%len(macs)]); ok {
			hits++
		}
	}
	if hits == 0 {
		b.Fatal("no hits")
	}
}

// BenchmarkBuiltinDecode measures what the first Builtin call costs.
func BenchmarkBuiltinDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeTSV(builtinTSV, Info{}); err != nil {
			b.Fatal(err)
		}
	}
}
