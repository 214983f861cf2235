package flow

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/asn"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)

// interesting is the Watch filter of the tests: the covered carriers'
// ASNs of covered_asns.csv, with curated names for lists that give none.
func interesting(n uint32) (string, bool) {
	name, ok := map[uint32]string{
		36678: "China Telecom (Americas)",
		19174: "China Unicom (Americas)",
		4134:  "China Telecom backbone (ChinaNet)",
		4837:  "China Unicom backbone (CHINA169)",
		9808:  "China Mobile (CMNET)",
	}[n]
	return name, ok
}

// networks is testdata/networks.txt through Watch: documentation prefixes
// standing for AS36678, AS4134 and AS19174, and ordinary ones.
func networks(t testing.TB) importer.NetworkLookup {
	t.Helper()
	db, err := asn.Open("testdata/networks.txt")
	if err != nil {
		t.Fatal(err)
	}
	return asn.Watch(db, interesting)
}

// The samples under testdata/ follow the formats as documented: nfdump's
// output_csv.c and nfdump.conf.dist (the 1.6 fixed header and 1.7.5's
// default csv format, a Summary block, a second output appended with raw
// and millisecond times), and the Amazon VPC user guide's "Flow log
// records" and "Flow log record examples" (the default format with its S3
// header line, NODATA and SKIPDATA records, a custom format with
// pkt-srcaddr/pkt-dstaddr behind a NAT gateway, a CloudWatch Logs export
// without header). Each holds flows to the covered carriers' prefixes,
// replies and repeats, ordinary traffic and deliberately bad records.
var cases = []struct {
	file, format string
	wantObs      int
	wantBad      []int // lines reported bad, in order
}{
	{"nfdump-1.6.csv", "nfdump-csv", 4, []int{8, 9}},
	{"nfdump-1.7.csv", "nfdump-csv", 7, []int{7, 8}},
	{"vpc-default.log", "aws-vpc-flow", 4, []int{8, 9}},
	{"vpc-default.log.gz", "aws-vpc-flow", 4, []int{8, 9}},
	{"vpc-custom.log", "aws-vpc-flow", 2, []int{7}},
	{"vpc-cloudwatch-export.log", "aws-vpc-flow", 3, []int{4}},
}

func formatNamed(name string) importer.Format {
	for _, f := range []importer.Format{nfdumpFormat{}, vpcFormat{}} {
		if f.Name() == name {
			return f
		}
	}
	panic("no format " + name)
}

func run(t testing.TB, f importer.Format, data []byte, name string, nets importer.NetworkLookup) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, f, data, importer.Source{Name: name, Seen: seen, Options: importer.Options{Networks: nets}})
}

func TestRead(t *testing.T) {
	nets := networks(t)
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			obs, bad, err := run(t, formatNamed(tc.format), importtest.Testdata(t, tc.file), tc.file, nets)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			importtest.CheckBadLines(t, bad, tc.file, tc.wantBad)
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
			importtest.CheckObs(t, tc.format, obs)
			for _, o := range obs {
				if o.Key != "flow.remote_asn" || o.Host != o.IP || !strings.HasPrefix(o.Value, "AS") || o.Path == "" {
					t.Errorf("incomplete observation %+v", o)
				}
				if (o.Port != 0) != (o.Transport != "") {
					t.Errorf("port %d with transport %q", o.Port, o.Transport)
				}
			}
			golden(t, tc.file, obs, bad)
		})
	}
}

// golden compares obs and bad with the sample's golden file. The .gz
// sample shares the plain file's golden: its errors are written with the
// plain file's name, and it is compared with the file even under -update.
func golden(t *testing.T, file string, obs []covered.Observation, bad []*importer.RecordError) {
	t.Helper()
	plain := strings.TrimSuffix(file, ".gz")
	path := filepath.Join("testdata", plain+".golden")
	if plain == file {
		importtest.Golden(t, path, obs, bad)
		return
	}
	renamed := make([]*importer.RecordError, len(bad))
	for i, e := range bad {
		e := *e
		e.File = strings.TrimSuffix(e.File, ".gz")
		renamed[i] = &e
	}
	importtest.SameAsGolden(t, path, obs, renamed)
}

func TestNoNetworks(t *testing.T) {
	for _, f := range []importer.Format{nfdumpFormat{}, vpcFormat{}} {
		_, _, err := run(t, f, []byte(f.Example()), "x", nil)
		if !errors.Is(err, ErrNoNetworks) {
			t.Errorf("%s: Read = %v, want ErrNoNetworks", f.Name(), err)
		}
	}
	want := "flow records name remote addresses only; give --asn-db FILE (MaxMind ASN database) or --asn-prefixes FILE so covered can tell which belong to the covered carriers"
	if ErrNoNetworks.Error() != want {
		t.Errorf("ErrNoNetworks = %q", ErrNoNetworks)
	}
}

// TestRecord checks single records of each format: the observation, or
// the exact error.
func TestRecord(t *testing.T) {
	nets := networks(t)
	nfHdr := "firstSeen,proto,srcAddr,srcPort,dstAddr,dstPort\n"
	vpcHdr := vpcDefault + "\n"
	for _, tc := range []struct {
		name, format, data string
		want               string // "host path port/transport value seen", "" for none
		wantErr            string
	}{
		{"outbound tcp", "nfdump-csv", nfHdr + "2027-01-01 00:00:00,6,10.0.0.1,40000,198.51.100.1,443\n",
			"10.0.0.1 198.51.100.1 443/tcp AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2027-01-01T00:00:00Z", ""},
		{"inbound takes the remote source port", "nfdump-csv", nfHdr + "2027-01-01 00:00:00,17,203.0.113.1,5353,10.0.0.1,53\n",
			"10.0.0.1 203.0.113.1 5353/udp AS4134 CHINANET-BACKBONE 2027-01-01T00:00:00Z", ""},
		{"name from the callback", "nfdump-csv", nfHdr + "2027-01-01 00:00:00.5,6,10.0.0.1,1,203.0.113.129,2\n",
			"10.0.0.1 203.0.113.129 2/tcp AS19174 China Unicom (Americas) 2027-01-01T00:00:00.5Z", ""},
		{"mapped addresses", "nfdump-csv", nfHdr + "1798761600,6,::ffff:10.0.0.1,1,::ffff:198.51.100.1,2\n",
			"10.0.0.1 198.51.100.1 2/tcp AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2027-01-01T00:00:00Z", ""},
		{"no time", "nfdump-csv", "sa,da\n10.0.0.1,198.51.100.1\n",
			"10.0.0.1 198.51.100.1 0/ AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2026-11-27T23:00:00Z", ""},
		{"proto name", "nfdump-csv", "pr,sa,da,dp\nudp,10.0.0.1,198.51.100.1,53\n",
			"10.0.0.1 198.51.100.1 53/udp AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2026-11-27T23:00:00Z", ""},
		{"gre has no port", "nfdump-csv", "pr,sa,da,dp\n47,10.0.0.1,198.51.100.1,53\n",
			"10.0.0.1 198.51.100.1 0/ AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2026-11-27T23:00:00Z", ""},
		{"both interesting", "nfdump-csv", "sa,da\n203.0.113.1,198.51.100.1\n", "", ""},
		{"neither", "nfdump-csv", "sa,da\n10.0.0.1,192.0.2.1\n", "", ""},
		{"broadcast local", "nfdump-csv", "sa,da\n255.255.255.255,198.51.100.1\n", "", ""},
		{"multicast local", "nfdump-csv", "sa,da\nff02::1,2001:db8:3667::1\n", "", ""},
		{"no header", "nfdump-csv", "10.0.0.1,198.51.100.1\n", "", "line:1: data line before an nfdump csv header (nfdump -q leaves the header out)"},
		{"field count", "nfdump-csv", "sa,da\n10.0.0.1\n", "", "line:2: 1 fields, the header has 2"},
		{"bad src", "nfdump-csv", "sa,da\n10.0.0.01,198.51.100.1\n", "", `line:2: bad source address "10.0.0.01"`},
		{"bad dst", "nfdump-csv", "sa,da\n10.0.0.1,fe80::1%eth0\n", "", `line:2: bad destination address "fe80::1%eth0"`},
		{"bad port", "nfdump-csv", "sa,da,sp\n10.0.0.1,198.51.100.1,x\n", "", `line:2: bad source port "x"`},
		{"bad icmp", "nfdump-csv", "sa,da,dp\n10.0.0.1,198.51.100.1,8.256\n", "", `line:2: bad destination port "8.256"`},
		{"bad time", "nfdump-csv", "ts,sa,da\n2027-02-30 00:00:00,10.0.0.1,198.51.100.1\n", "", `line:2: bad start time "2027-02-30 00:00:00"`},
		{"bad fraction", "nfdump-csv", "ts,sa,da\n1798761600.1234567890,10.0.0.1,198.51.100.1\n", "", `line:2: bad start time "1798761600.1234567890"`},

		{"vpc outbound", "aws-vpc-flow", vpcHdr + "2 1 eni-1 10.0.0.1 198.51.100.1 40000 443 6 1 1 1798761600 1798761660 ACCEPT OK\n",
			"10.0.0.1 198.51.100.1 443/tcp AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2027-01-01T00:00:00Z", ""},
		{"vpc no header", "aws-vpc-flow", "2 1 eni-1 198.51.100.1 10.0.0.1 40000 443 17 1 1 1798761600 1798761660 REJECT OK\n",
			"10.0.0.1 198.51.100.1 40000/udp AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2027-01-01T00:00:00Z", ""},
		{"vpc missing values", "aws-vpc-flow", "srcaddr dstaddr srcport dstport protocol start\n10.0.0.1 198.51.100.1 - - - -\n",
			"10.0.0.1 198.51.100.1 0/ AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2026-11-27T23:00:00Z", ""},
		{"vpc tabs and CRLF", "aws-vpc-flow", "srcaddr\tdstaddr\r\n10.0.0.1\t198.51.100.1\r\n",
			"10.0.0.1 198.51.100.1 0/ AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2026-11-27T23:00:00Z", ""},
		{"vpc pkt addresses", "aws-vpc-flow", "srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n10.0.0.9 198.51.100.1 10.0.0.1 198.51.100.2\n",
			"10.0.0.1 198.51.100.2 0/ AS36678 CHINA TELECOM (AMERICAS) CORPORATION 2026-11-27T23:00:00Z", ""},
		{"vpc only pkt addresses", "aws-vpc-flow", "pkt-srcaddr pkt-dstaddr\n10.0.0.1 -\n", "", ""},
		{"vpc nodata", "aws-vpc-flow", "2 1 eni-1 - - - - - - - 1798761600 1798761660 - NODATA\n", "", ""},
		{"vpc custom without header", "aws-vpc-flow", "10.0.0.1 198.51.100.1\n", "", "line:1: 2 fields, the default format has 14 (a custom format needs its header line)"},
		{"vpc field count", "aws-vpc-flow", "srcaddr dstaddr\n10.0.0.1 198.51.100.1 x\n", "", "line:2: 3 fields, the header has 2"},
		{"vpc bad protocol", "aws-vpc-flow", "srcaddr dstaddr protocol\n10.0.0.1 198.51.100.1 256\n", "", `line:2: bad protocol "256"`},
		{"vpc bad port", "aws-vpc-flow", "srcaddr dstaddr dstport\n10.0.0.1 198.51.100.1 65536\n", "", `line:2: bad dstport "65536"`},
		{"vpc bad start", "aws-vpc-flow", "srcaddr dstaddr start\n10.0.0.1 198.51.100.1 2027-01-01\n", "", `line:2: bad start "2027-01-01"`},
		{"vpc bad address", "aws-vpc-flow", "srcaddr dstaddr\n10.0.0.1 198.51.100\n", "", `line:2: bad destination address "198.51.100"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, formatNamed(tc.format), []byte(tc.data), "line", nets)
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, e := range bad {
				errs = append(errs, e.Error())
			}
			if got := strings.Join(errs, "\n"); got != tc.wantErr {
				t.Errorf("errors %q, want %q", got, tc.wantErr)
			}
			var got []string
			for _, o := range obs {
				got = append(got, fmt.Sprintf("%s %s %d/%s %s %s", o.Host, o.Path, o.Port, o.Transport, o.Value, o.Seen.Format(time.RFC3339Nano)))
			}
			want := []string{}
			if tc.want != "" {
				want = append(want, tc.want)
			}
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("got %q\nwant %q", got, want)
			}
		})
	}
}

// TestDedupBound checks that a full set is emptied rather than grown: the
// next repeat is emitted again, and memory stays bounded.
func TestDedupBound(t *testing.T) {
	var n int
	m := NewMatcher("nfdump-csv", importer.Source{Name: "x", Seen: seen, Options: importer.Options{Networks: networks(t)}},
		func(covered.Observation) error { n++; return nil })
	for i := range maxSeen - 1 {
		m.done[seenKey{port: uint16(i), proto: 1}] = struct{}{}
	}
	rec := record{src: netip.MustParseAddr("10.0.0.1"), dst: netip.MustParseAddr("198.51.100.1"), dport: 443, proto: ProtoTCP}
	for range 3 {
		if err := m.flow(&rec); err != nil {
			t.Fatal(err)
		}
	}
	if n != 1 || len(m.done) != maxSeen {
		t.Fatalf("%d observations and %d keys, want 1 and %d", n, len(m.done), maxSeen)
	}
	rec.dport = 444 // a new key into a full set empties it
	if err := m.flow(&rec); err != nil {
		t.Fatal(err)
	}
	rec.dport = 443 // forgotten, so emitted again
	if err := m.flow(&rec); err != nil {
		t.Fatal(err)
	}
	if n != 3 || len(m.done) != 2 {
		t.Errorf("%d observations and %d keys, want 3 and 2", n, len(m.done))
	}
}

func TestLongLine(t *testing.T) {
	data := "sa,da\n10.0.0.1,198.51.100.1\n" + strings.Repeat("x", textfile.MaxLine+10) + "\n10.0.0.2,198.51.100.1\n"
	obs, bad, err := run(t, nfdumpFormat{}, []byte(data), "long", networks(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].Line != 3 || !errors.Is(bad[0].Err, textfile.ErrLong) {
		t.Errorf("bad = %v, want one ErrLong at line 3", bad)
	}
	if len(obs) != 2 {
		t.Errorf("%d observations, want 2", len(obs))
	}
}

// TestGzip checks concatenated gzip members and a damaged stream.
func TestGzip(t *testing.T) {
	var buf bytes.Buffer
	for _, part := range []string{vpcDefault + "\n", "2 1 eni-1 10.0.0.1 198.51.100.1 1 2 6 1 1 1798761600 1798761660 ACCEPT OK\n"} {
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	obs, bad, err := run(t, vpcFormat{}, buf.Bytes(), "two.gz", networks(t))
	if err != nil || len(bad) != 0 || len(obs) != 1 {
		t.Errorf("Read(two members) = %d obs, %v, %v", len(obs), bad, err)
	}
	damaged := append([]byte{}, buf.Bytes()...)
	damaged[len(damaged)-5] ^= 0xff // the second member's CRC
	_, _, err = run(t, vpcFormat{}, damaged, "damaged.gz", networks(t))
	if !errors.Is(err, gzip.ErrChecksum) || !strings.HasPrefix(err.Error(), "read damaged.gz: ") {
		t.Errorf("Read(damaged) = %v, want a checksum error naming the file", err)
	}
	_, _, err = run(t, vpcFormat{}, []byte{0x1f, 0x8b, 0}, "short.gz", networks(t))
	if err == nil || !strings.HasPrefix(err.Error(), "read short.gz: gzip: ") {
		t.Errorf("Read(short) = %v, want a gzip error naming the file", err)
	}
}

func TestEmitError(t *testing.T) {
	nets := networks(t)
	for _, tc := range cases {
		src := importer.Source{Name: tc.file, Seen: seen, Options: importer.Options{Networks: nets}}
		importtest.StopsOnEmitError(t, formatNamed(tc.format), importtest.Testdata(t, tc.file), src)
	}
}

func TestCanceled(t *testing.T) {
	src := importer.Source{Options: importer.Options{Networks: networks(t)}}
	for _, f := range []importer.Format{nfdumpFormat{}, vpcFormat{}} {
		importtest.StopsWhenCanceled(t, f, []byte("x\n"), src)
	}
}
