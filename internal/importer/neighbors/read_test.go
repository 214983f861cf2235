package neighbors

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ are described in testdata/README.md; some
// hold deliberately bad neighbor blocks.
var cases = []struct {
	name, format, file string
	wantHosts          []string // Host of each neighbor emitted, in order
	wantBad            []string // errors reported, in order
}{
	{"cisco-ios-cdp", "cisco-cdp", "cisco-ios-cdp.txt",
		[]string{"10.20.0.2", "10.30.4.17", "10.20.0.1", "10.30.8.21"}, []string{
			"cisco-ios-cdp.txt:60: empty Device ID",
			`cisco-ios-cdp.txt:68: management address: bad IP address "10.20.7.300"`,
			"cisco-ios-cdp.txt:76: neighbor block without a Device ID line",
		}},
	{"cisco-nxos-cdp", "cisco-cdp", "cisco-nxos-cdp.txt",
		[]string{"192.0.2.11", "192.0.2.40"}, nil},
	{"cisco-ios-lldp", "lldp", "cisco-ios-lldp.txt",
		[]string{"10.20.3.5", "10.30.12.64", "10.20.0.30"}, []string{
			"cisco-ios-lldp.txt:82: neighbor without a name, chassis MAC or management address",
			`cisco-ios-lldp.txt:94: management address: bad IP address "10.20.1.256"`,
		}},
	{"cisco-nxos-lldp", "lldp", "cisco-nxos-lldp.txt",
		[]string{"192.0.2.11", "192.0.2.40"}, nil},
	{"huawei-vrp-lldp", "lldp", "huawei-vrp-lldp.txt",
		[]string{"10.20.2.2", "10.30.12.71", "10.20.0.3", "zte-olt-c600"}, []string{
			`huawei-vrp-lldp.txt:81: chassis ID: parse MAC "0019-c6e2": group 1 "0019" has 4 digits, want 6`,
		}},
	{"h3c-comware-lldp", "lldp", "h3c-comware-lldp.txt",
		[]string{"10.40.0.2", "10.40.0.3"}, nil},
	{"lldpd", "lldp", "lldpd.txt",
		[]string{"10.50.0.1", "192.0.2.11", "08:00:27:d4:4f:0b", "10.20.0.2"}, []string{
			`lldpd.txt:50: chassis ID: parse MAC "00:19:c6:zz:01:02": invalid character 'z' at offset 9`,
		}},
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
			var got []string
			for _, e := range bad {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.wantBad) {
				t.Errorf("bad blocks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.wantBad, "\n"))
			}
			var hosts []string
			for _, o := range obs {
				if len(hosts) == 0 || hosts[len(hosts)-1] != o.Host {
					hosts = append(hosts, o.Host)
				}
				if !o.Seen.Equal(seen) {
					t.Errorf("observation %+v not seen at the file's time", o)
				}
				if o.Host != o.IP && o.Host != o.MAC && o.IP != "" {
					t.Errorf("Host %q is neither the IP nor the MAC of %+v", o.Host, o)
				}
			}
			if !slices.Equal(hosts, tc.wantHosts) {
				t.Errorf("hosts %q, want %q", hosts, tc.wantHosts)
			}
		})
	}
}

// TestValues checks single blocks for the value of each key.
func TestValues(t *testing.T) {
	long := strings.Repeat("x", 1000)
	for _, tc := range []struct {
		name, format, data string
		want               []string // key=value
	}{
		{"cdp-nxos-serial-and-ipv6", "cisco-cdp",
			"Device ID:sw9(FOX1234ABCD)\nInterface address(es):\n    IPv6 Address: FE80::1  (link-local)\nPlatform: N9K-C93180YC-EX, Capabilities: Switch\n",
			[]string{"hostname=sw9", "lldp.platform=N9K-C93180YC-EX"}},
		{"cdp-version-ends-at-key", "cisco-cdp",
			"Device ID: r1\nEntry address(es):\n  IP address: 10.0.0.1\nVersion :\nline one\nline two\nadvertisement version: 2\n",
			[]string{"hostname=r1", "lldp.sysdescr=line one\nline two"}},
		{"cdp-description-bounded", "cisco-cdp",
			"Device ID: r1\nVersion :\n" + strings.Repeat(long+"\n", 6) + "\n",
			[]string{"hostname=r1", "lldp.sysdescr=" + strings.TrimSuffix(strings.Repeat(long+"\n", 4), "\n")}},
		{"lldp-chassis-not-mac", "lldp",
			"Local Intf: Gi0/1\nChassis id: FOC1234X0AB\nSystem Name: sw3\n",
			[]string{"hostname=sw3"}},
		{"lldp-chassis-twelve-digits-no-separator", "lldp",
			"Local Intf: Gi0/1\nChassis id: 001122334455\nSystem Name: sw4\n",
			[]string{"hostname=sw4"}},
		{"lldp-multicast-chassis", "lldp",
			"Local Intf: Gi0/1\nChassis id: 0180.c200.000e\nSystem Name: sw5\n",
			[]string{"hostname=sw5"}},
		{"lldp-ipv6-only", "lldp",
			"Chassis id: 00e0.fc12.3456\nSystem Name: sw6\nManagement Address: not advertised\nManagement Address IPV6: 2001:DB8::6\n",
			[]string{"hostname=sw6", "mac=00:e0:fc:12:34:56"}},
		{"huawei-all802-address", "lldp",
			"Neighbor index :1\nChassis type   :MAC address\nChassis ID     :00e0-fc12-3456\nManagement address type  :all802\nManagement address value :00e0-fc12-3456\n",
			[]string{"mac=00:e0:fc:12:34:56"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, []byte(tc.data), "v")
			if err != nil || len(bad) != 0 {
				t.Fatalf("Read = %v, bad %v", err, bad)
			}
			if got := importtest.KeyValues(obs); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	long := bytes.Repeat([]byte("x"), textfile.MaxLine+10)
	for _, tc := range []struct {
		format, data string
	}{
		{"cisco-cdp", "Device ID: r1\nEntry address(es):\n  IP address: 10.0.0.1\n%s\n-----\nDevice ID: r2\nEntry address(es):\n  IP address: 10.0.0.2\n"},
		{"lldp", "Local Intf: Gi0/1\nChassis id: 00e0.fc12.3456\n%s\nSystem Name: sw1\n----------\nLocal Intf: Gi0/2\nChassis id: 00e0.fc12.3457\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, fmt.Appendf(nil, tc.data, long), "long")
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || !errors.Is(bad[0].Err, textfile.ErrLong) {
				t.Errorf("bad = %v, want one textfile.ErrLong", bad)
			}
			hosts := map[string]bool{}
			for _, o := range obs {
				hosts[o.Host] = true
			}
			if len(hosts) != 2 {
				t.Errorf("%d neighbors, want 2: %v", len(hosts), obs)
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

// TestExample checks that each format reads its --list example without a
// bad record; TestDetect that it claims it.
func TestExample(t *testing.T) {
	for _, f := range []importer.Format{cdpFormat{}, lldpFormat{}} {
		importtest.ReadsExample(t, f, importer.Source{Name: "example", Seen: seen})
	}
}
