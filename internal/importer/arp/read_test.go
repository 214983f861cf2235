package arp

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ were written from each tool's documentation
// and manual output: ip-neighbour(8) and proc(5) (/proc/net/arp), Microsoft's
// arp command reference, and Cisco IOS command references for show ip arp
// and show mac address-table. Each holds deliberately bad lines.
var cases = []struct {
	name, format, file string
	wantObs            int
	wantBad            []int // lines reported bad, in order
}{
	{"ip-neigh", "ip-neigh", "ip-neigh.txt", 5, []int{8, 9, 11}},
	{"proc-net-arp", "ip-neigh", "proc-net-arp.txt", 3, []int{5}},
	{"windows-arp", "windows-arp", "windows-arp.txt", 3, []int{8, 13, 14}},
	{"cisco-arp", "cisco-arp", "cisco-show-ip-arp.txt", 3, []int{8, 9, 10}},
	{"cisco-mac-table", "cisco-arp", "cisco-mac-table.txt", 3, []int{11, 13}},
}

// run reads data with the named format as the file name.
func run(t testing.TB, format string, data []byte, name string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, importtest.Lookup(t, format), data, importer.Source{Name: name, Seen: seen})
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad := importtest.ReadSample(t, importtest.Lookup(t, tc.format), tc.file, importer.Source{Seen: seen})
			importtest.CheckBadLines(t, bad, tc.file, tc.wantBad)
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	long := bytes.Repeat([]byte("x"), textfile.MaxLine+10)
	for _, tc := range []struct {
		format string
		data   string
	}{
		{"ip-neigh", "10.0.0.1 dev eth0 lladdr 00:e0:fc:12:34:56 REACHABLE\n%s\n10.0.0.2 dev eth0 lladdr 00:e0:fc:12:34:57 STALE\n"},
		{"windows-arp", "%s\nInterface: 10.0.0.2 --- 0x5\n  Internet Address  Physical Address  Type\n  10.0.0.1   00-e0-fc-12-34-56   dynamic\n  10.0.0.3   00-e0-fc-12-34-58   dynamic\n"},
		{"cisco-arp", "Internet  10.0.0.1   5   00e0.fc12.3456  ARPA   Vlan10\n%s\nInternet  10.0.0.2   5   00e0.fc12.3457  ARPA   Vlan10\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			data := fmt.Appendf(nil, tc.data, long)
			obs, bad, err := run(t, tc.format, data, "long")
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || (bad[0].Line != 1 && bad[0].Line != 2) || !errors.Is(bad[0].Err, textfile.ErrLong) {
				t.Errorf("bad = %v, want one textfile.ErrLong at the long line", bad)
			}
			if len(obs) != 2 {
				t.Errorf("%d observations, want 2", len(obs))
			}
		})
	}
}

// TestEmitError checks that an error from emit ends Read with that error.
func TestEmitError(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsOnEmitError(t, importtest.Lookup(t, tc.format), importtest.Testdata(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}
