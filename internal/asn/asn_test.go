package asn

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type lookupCase struct {
	ip  string
	asn uint32 // 0: not found
	org string
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func checkLookups(t *testing.T, db *DB, cases []lookupCase) {
	t.Helper()
	for _, c := range cases {
		asn, org, ok := db.Lookup(mustAddr(c.ip))
		if ok != (c.asn != 0) || asn != c.asn || org != c.org {
			t.Errorf("Lookup(%s) = %d %q %v, want %d %q", c.ip, asn, org, ok, c.asn, c.org)
		}
	}
}

func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPrefixList(t *testing.T) {
	db := open(t, "testdata/prefixes.txt")
	checkLookups(t, db, []lookupCase{
		{"198.51.100.1", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"198.51.100.65", 64500, "EXAMPLE-CARVED-OUT"}, // longest prefix
		{"198.51.100.128", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"203.0.113.5", 4134, "CHINANET-BACKBONE"},
		{"203.0.113.130", 9808, "CHINAMOBILE-CN"}, // IPv4-mapped prefix
		{"192.0.2.10", 19174, "China Unicom (Americas) Operations Ltd"},
		{"192.0.2.130", 64501, "EXAMPLE-ORDINARY"}, // quotes dropped
		{"192.0.2.200", 64502, ""},                 // single address
		{"192.0.2.201", 64501, "EXAMPLE-ORDINARY"},
		{"2001:db8:4837::1", 4837, "CHINA169"}, // ASN first
		{"2001:db8:1::1", 64503, "DOC-V6, with a comma"},
		{"0.0.0.1", 0, ""}, // AS0 skipped
		{"10.1.1.1", 0, ""},
	})
	if db.Len() != 9 {
		t.Errorf("Len = %d, want 9", db.Len())
	}
}

func TestIpverse(t *testing.T) {
	checkLookups(t, open(t, "testdata/as/36678/aggregated.json"), []lookupCase{
		{"198.51.100.200", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"2001:db8:3667:1::1", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"203.0.113.1", 0, ""},
	})
	// The ASN of a bare list comes from its path...
	checkLookups(t, open(t, "testdata/as/19174/ipv4-aggregated.txt"), []lookupCase{
		{"203.0.113.1", 19174, ""},
		{"2001:db8:1917::1", 19174, ""},
	})
	// ...or from ipverse's header, with the description as the name.
	checkLookups(t, open(t, "testdata/ctusa-ipv4.txt"), []lookupCase{
		{"198.51.100.1", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"198.51.100.129", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
	})
}

func TestIPtoASN(t *testing.T) {
	checkLookups(t, open(t, "testdata/iptoasn.tsv"), []lookupCase{
		{"192.0.2.127", 19174, "China Unicom (Americas) Operations Ltd"},
		{"192.0.2.128", 64501, "EXAMPLE"},
		{"203.0.113.9", 4134, "CHINANET-BACKBONE"},
		{"203.0.113.10", 0, ""},
		{"0.1.2.3", 0, ""},
	})
}

// TestMerge checks the documented precedence: prefix lists before MaxMind
// databases, the longest prefix across lists, the first list on a tie.
func TestMerge(t *testing.T) {
	mm := open(t, geoLiteASN(t))
	list := open(t, "testdata/prefixes.txt")
	bare := open(t, "testdata/as/19174/ipv4-aggregated.txt")
	other, err := ParsePrefixes(strings.NewReader("203.0.113.0/24 AS64510 SECOND\n"), "second.txt")
	if err != nil {
		t.Fatal(err)
	}
	db := Merge(mm, nil, list, bare, other)
	checkLookups(t, db, []lookupCase{
		{"203.0.113.5", 19174, ""},                 // /25 of the third file beats the /24
		{"203.0.113.200", 9808, "CHINAMOBILE-CN"},  // mapped /25 of the list
		{"192.0.2.130", 64501, "EXAMPLE-ORDINARY"}, // the list beats the MaxMind DB (64500)
		{"2001:db8:3667::1", 64503, "DOC-V6, with a comma"},
		{"198.51.100.1", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
	})
	// Without prefix lists the MaxMind DB answers.
	checkLookups(t, Merge(mm), []lookupCase{{"192.0.2.130", 64500, "EXAMPLE-ORDINARY"}})
	// Same prefix in two lists: the first given wins.
	checkLookups(t, Merge(other, list), []lookupCase{{"203.0.113.5", 64510, "SECOND"}})
	checkLookups(t, Merge(list, other), []lookupCase{{"203.0.113.5", 4134, "CHINANET-BACKBONE"}})
	if err := db.Close(); err != nil {
		t.Errorf("Close merged: %v", err)
	}
}

func TestWatch(t *testing.T) {
	names := map[uint32]string{36678: "China Telecom (Americas)", 19174: "China Unicom (Americas)", 4134: "China Telecom backbone"}
	w := Watch(open(t, "testdata/prefixes.txt"), func(asn uint32) (string, bool) {
		n, ok := names[asn]
		return n, ok
	})
	for _, c := range []lookupCase{
		{"198.51.100.1", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"}, // the db's name
		{"192.0.2.200", 0, ""}, // known, not interesting
		{"10.0.0.1", 0, ""},    // unknown
	} {
		n, ok := w.LookupNetwork(mustAddr(c.ip))
		if ok != (c.asn != 0) || n.ASN != c.asn || n.Org != c.org {
			t.Errorf("LookupNetwork(%s) = %+v %v, want %d %q", c.ip, n, ok, c.asn, c.org)
		}
	}
	// A list without names takes the callback's.
	w = Watch(open(t, "testdata/as/19174/ipv4-aggregated.txt"), func(asn uint32) (string, bool) { return names[asn], asn == 19174 })
	if n, ok := w.LookupNetwork(mustAddr("203.0.113.1")); !ok || n.Org != "China Unicom (Americas)" {
		t.Errorf("LookupNetwork = %+v %v, want the callback's name", n, ok)
	}
	// A nil DB knows nothing.
	if _, ok := Watch(nil, func(uint32) (string, bool) { return "", true }).LookupNetwork(mustAddr("198.51.100.1")); ok {
		t.Error("nil DB answered")
	}
}

// TestBadInput asserts the exact error of each bad input.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"no asn", "198.51.100.0/24 AS36678\n203.0.113.0/24\n",
			`x.txt:2: "203.0.113.0/24": ` + ErrNoASN.Error()},
		{"bad prefix", "# c\n198.51.100.0/33 AS36678\n", `x.txt:2: bad prefix "198.51.100.0/33"`},
		{"bad address", "198.51.100.256 AS36678\n", `x.txt:1: bad prefix "198.51.100.256"`},
		{"zone", "fe80::1%eth0 AS36678\n", `x.txt:1: bad prefix "fe80::1%eth0"`},
		{"bad asn", "198.51.100.0/24 AS4294967296\n", `x.txt:1: bad ASN "AS4294967296": above 4294967295`},
		{"asn word", "198.51.100.0/24 CHINANET\n", `x.txt:1: bad ASN "CHINANET"`},
		{"asn first no prefix", "AS4134\n", `x.txt:1: "AS4134": no prefix after the ASN`},
		{"asn first bad prefix", "AS4134 203.0.113.0/40\n", `x.txt:1: bad prefix "203.0.113.0/40"`},
		{"range reversed", "192.0.2.9 192.0.2.1 AS1\n", `x.txt:1: bad address range 192.0.2.9 - 192.0.2.1`},
		{"range families", "192.0.2.1 2001:db8::1 AS1\n", `x.txt:1: bad address range 192.0.2.1 - 2001:db8::1`},
		{"range no asn", "192.0.2.1 192.0.2.9\n", `x.txt:1: range 192.0.2.1 - 192.0.2.9 has no ASN`},
		{"asn header", "# asn: ASX\n", `x.txt:1: bad "# asn:" line: bad ASN "ASX"`},
		{"asdot", "198.51.100.0/24 AS1.99999\n", `x.txt:1: bad ASN "AS1.99999"`},
		{"long line", "198.51.100.0/24 AS1 " + strings.Repeat("x", maxTextLine) + "\n", "x.txt:1: line longer than 4096 bytes"},
		{"json no asn", `{"handle": "X", "subnets": {"ipv4": ["198.51.100.0/24"]}}`, `x.txt:1: no "asn" member`},
		{"json syntax", "{\n\"asn\": 1,\n\"subnets\": {]}\n", `x.txt:3: bad JSON: invalid character ']' looking for beginning of object key string`},
		{"json type", "{\n  \"asn\": 1,\n  \"subnets\": {\"ipv4\": [1]}}\n", `x.txt:3: bad JSON: json: cannot unmarshal number into Go struct field .subnets.ipv4 of type string`},
		{"json trailing", `{"asn": 1} x`, `x.txt:1: bad JSON: data after the end`},
		{"json bad asn", `{"asn": "ASX"}`, `x.txt:1: bad ASN "ASX"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePrefixes(strings.NewReader(tc.data), "x.txt")
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
			var le *LineError
			if err != nil && !errors.As(err, &le) {
				t.Errorf("error %v is not a *LineError", err)
			}
		})
	}
}

// TestBadFiles opens the invalid-* samples: the errors name file and line.
func TestBadFiles(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"testdata/invalid-no-asn.txt", `testdata/invalid-no-asn.txt:3: "203.0.113.0/24": ` + ErrNoASN.Error()},
		{"testdata/invalid-subnet.json", `testdata/invalid-subnet.json:5: bad prefix "198.51.100.300/24"`},
	} {
		_, err := Open(tc.file)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Open(%s) = %v\nwant %s", tc.file, err, tc.want)
		}
		if tc.file == "testdata/invalid-no-asn.txt" && !errors.Is(err, ErrNoASN) {
			t.Errorf("errors.Is(%v, ErrNoASN) = false", err)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tarHead := make([]byte, 512)
	copy(tarHead, "GeoLite2-ASN_20260101/GeoLite2-ASN.mmdb")
	copy(tarHead[257:], "ustar\x0000")
	for _, tc := range []struct{ path, want string }{
		{write("empty", nil), "ASN source " + filepath.Join(dir, "empty") + " is empty"},
		{write("a.tar.gz", []byte{0x1f, 0x8b, 8, 0}), "ASN source " + filepath.Join(dir, "a.tar.gz") + " is gzip-compressed: decompress it first (gunzip; tar xzf for a GeoLite2 .tar.gz)"},
		{write("a.tar", tarHead), "ASN source " + filepath.Join(dir, "a.tar") + " is a tar archive: extract the .mmdb file from it first"},
		{filepath.Join(dir, "missing"), "open ASN source: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
	} {
		if _, err := Open(tc.path); err == nil || err.Error() != tc.want {
			t.Errorf("Open(%s) = %v\nwant %s", tc.path, err, tc.want)
		}
	}
	// A BOM and CRLF line ends are fine.
	db := open(t, write("bom.txt", []byte("\ufeff198.51.100.0/24 AS36678\r\n")))
	checkLookups(t, db, []lookupCase{{"198.51.100.1", 36678, ""}})
	db = open(t, write("bom.json", []byte("\ufeff{\"asn\": \"AS4134\", \"handle\": \"CHINANET-BACKBONE\", \"subnets\": {\"ipv4\": [\"203.0.113.0/24\"]}}")))
	checkLookups(t, db, []lookupCase{{"203.0.113.1", 4134, "CHINANET-BACKBONE"}})
}

func TestParseASN(t *testing.T) {
	for s, want := range map[string]uint32{"36678": 36678, "AS36678": 36678, "as4134": 4134, "AS1.10": 65546, "4294967295": 4294967295} {
		if got, err := parseASN(s); err != nil || got != want {
			t.Errorf("parseASN(%q) = %d, %v, want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "AS", "AS-1", "+1", "1e3", "AS 1", "1.", ".1", "1.2.3", "AS65536.0"} {
		if got, err := parseASN(s); err == nil {
			t.Errorf("parseASN(%q) = %d, want an error", s, got)
		}
	}
}
