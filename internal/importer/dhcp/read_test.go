package dhcp

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

// The samples under testdata/ were written from each format's documentation:
// dhcpd.leases(5) of ISC DHCP 4.4; Kea's ARM "Memfile" lease file section
// and src/lib/dhcpsrv/csv_lease_file4.h (lease4 CSV columns); dnsmasq(8)
// (lease file, --log-dhcp) and dnsmasq's src/lease.c and src/rfc2131.c
// (log_packet and log_options line shapes); Microsoft's
// Get-DhcpServerv4Lease reference and "Analyze DHCP Server Log Files"
// (audit log header and event legend). Each holds deliberately bad lines.
var cases = []struct {
	name, format, file string
	wantObs            int
	wantBad            []int // lines reported bad, in order
}{
	{"dhcpd", "dhcpd-leases", "dhcpd.leases", 9, []int{37, 42, 43, 54, 56}},
	{"kea", "kea-leases", "kea-leases4.csv", 6, []int{6, 7}},
	{"kea-old-header", "kea-leases", "kea-leases4-old.csv", 2, nil},
	{"dnsmasq-leases", "dnsmasq-leases", "dnsmasq.leases", 6, []int{3, 6}},
	{"dnsmasq-log", "dnsmasq-leases", "dnsmasq-syslog.log", 9, []int{16, 19}},
	{"windows-leases", "windows-dhcp", "windows-leases.csv", 4, []int{5, 6}},
	{"windows-audit", "windows-dhcp", "windows-audit.log", 8, []int{17, 18}},
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
		{"dhcpd-leases", "lease 10.0.0.1 {\n%s\nhardware ethernet 00:e0:fc:12:34:56;\n}\n"},
		{"kea-leases", "address,hwaddr,client_id,valid_lifetime,expire\n%s\n10.0.0.1,00:e0:fc:12:34:56,,0,0\n"},
		{"dnsmasq-leases", "0 00:e0:fc:12:34:56 10.0.0.1 a *\n%s\n0 00:e0:fc:12:34:56 10.0.0.1 a *\n"},
		{"windows-dhcp", "\"IPAddress\",\"ScopeId\",\"ClientId\"\n%s\n\"10.0.0.1\",\"10.0.0.0\",\"00-e0-fc-12-34-56\"\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			data := fmt.Appendf(nil, tc.data, long)
			obs, bad, err := run(t, tc.format, data, "long")
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || bad[0].Line != 2 || !errors.Is(bad[0].Err, textfile.ErrLong) {
				t.Errorf("bad = %v, want one textfile.ErrLong at line 2", bad)
			}
			if len(obs) == 0 {
				t.Errorf("no observations after the long line")
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
