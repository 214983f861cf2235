package asn

import (
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// writeMMDB builds a MaxMind DB of records (CIDR to record) in a temporary
// directory. The networks are documentation prefixes, so mmdbwriter must
// be told to accept reserved space.
func writeMMDB(t testing.TB, dbType string, records map[string]mmdbtype.Map) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IncludeReservedNetworks: true, RecordSize: 24})
	if err != nil {
		t.Fatal(err)
	}
	// Shorter prefixes first: mmdbwriter's Insert replaces every network
	// inside the one inserted, so a /32 written after a /48 in it would
	// erase the /48 (map order made that a coin toss).
	nets := make([]*net.IPNet, 0, len(records))
	for cidr := range records {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, n)
	}
	sort.Slice(nets, func(i, j int) bool {
		a, _ := nets[i].Mask.Size()
		b, _ := nets[j].Mask.Size()
		return a < b
	})
	for _, n := range nets {
		if err := w.Insert(n, records[n.String()]); err != nil {
			t.Fatalf("insert %s: %v", n, err)
		}
	}
	path := filepath.Join(t.TempDir(), strings.ReplaceAll(dbType, " ", "-")+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// geoLiteASN is a GeoLite2-ASN-shaped database of the test networks.
func geoLiteASN(t testing.TB) string {
	rec := func(asn uint32, org string) mmdbtype.Map {
		return mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(asn), "autonomous_system_organization": mmdbtype.String(org)}
	}
	return writeMMDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"198.51.100.0/24":    rec(36678, "CHINA TELECOM (AMERICAS) CORPORATION"),
		"203.0.113.0/24":     rec(4134, "CHINANET-BACKBONE"),
		"192.0.2.0/25":       rec(19174, "China Unicom (Americas) Operations Ltd"),
		"192.0.2.128/25":     rec(64500, "EXAMPLE-ORDINARY"),
		"2001:db8::/32":      rec(64501, "DOC-V6"),
		"2001:db8:3667::/48": rec(36678, "CHINA TELECOM (AMERICAS) CORPORATION"),
	})
}

func TestMMDB(t *testing.T) {
	db, err := Open(geoLiteASN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkLookups(t, db, []lookupCase{
		{"198.51.100.7", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"::ffff:198.51.100.7", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"203.0.113.255", 4134, "CHINANET-BACKBONE"},
		{"192.0.2.1", 19174, "China Unicom (Americas) Operations Ltd"},
		{"192.0.2.129", 64500, "EXAMPLE-ORDINARY"},
		{"2001:db8:3667::1", 36678, "CHINA TELECOM (AMERICAS) CORPORATION"},
		{"2001:db8:1::1", 64501, "DOC-V6"},
		{"10.0.0.1", 0, ""},
		{"2001:db9::1", 0, ""},
	})
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, ok := db.Lookup(mustAddr("198.51.100.7")); ok {
		t.Error("lookup after Close answered")
	}
}

func TestMMDBIPinfo(t *testing.T) {
	path := writeMMDB(t, "ipinfo asn.mmdb", map[string]mmdbtype.Map{
		"203.0.113.0/24":  {"asn": mmdbtype.String("AS4134"), "name": mmdbtype.String("CHINANET-BACKBONE"), "domain": mmdbtype.String("chinatelecom.cn")},
		"198.51.100.0/24": {"asn": mmdbtype.String("AS36678"), "as_name": mmdbtype.String("CTUSA")},
		"192.0.2.0/24":    {"asn": mmdbtype.String("-"), "name": mmdbtype.String("no ASN")},
	})
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkLookups(t, db, []lookupCase{
		{"203.0.113.1", 4134, "CHINANET-BACKBONE"},
		{"198.51.100.1", 36678, "CTUSA"},
		{"192.0.2.1", 0, ""},
	})
}

func TestMMDBNotASN(t *testing.T) {
	city := writeMMDB(t, "GeoLite2-City", map[string]mmdbtype.Map{
		"198.51.100.0/24": {"country": mmdbtype.Map{"iso_code": mmdbtype.String("US")}},
	})
	_, err := Open(city)
	want := "MaxMind DB " + city + ` (type "GeoLite2-City") has no autonomous_system_number field: give an ASN database such as GeoLite2-ASN.mmdb`
	if err == nil || err.Error() != want {
		t.Errorf("Open(city) = %v, want %s", err, want)
	}
	empty := writeMMDB(t, "GeoLite2-ASN", nil)
	_, err = Open(empty)
	want = "MaxMind DB " + empty + ` (type "GeoLite2-ASN") holds no networks`
	if err == nil || err.Error() != want {
		t.Errorf("Open(empty) = %v, want %s", err, want)
	}
}

// TestMMDBCorrupt checks that a damaged database is refused at Open
// instead of answering garbage later.
func TestMMDBCorrupt(t *testing.T) {
	data, err := os.ReadFile(geoLiteASN(t))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.mmdb")
	damaged := append([]byte{}, data...)
	for i := 0; i < 64; i++ {
		damaged[i] = 0xff
	}
	if err := os.WriteFile(bad, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad); err == nil || !strings.HasPrefix(err.Error(), "MaxMind DB "+bad+" is damaged: ") {
		t.Errorf("Open(damaged) = %v, want a corrupt-database error", err)
	}
	noMeta := filepath.Join(t.TempDir(), "nometa.bin")
	if err := os.WriteFile(noMeta, []byte{0, 1, 2, 3, 0xff, 0xfe}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(noMeta)
	want := "ASN source " + noMeta + " is neither a prefix list (UTF-8 text) nor a MaxMind DB: error opening database: invalid MaxMind DB file"
	if err == nil || err.Error() != want {
		t.Errorf("Open(binary) = %v, want %s", err, want)
	}
}

// TestWatchSkipsOrg checks that Watch over a MaxMind DB still names the
// interesting networks, though it decodes names only for them.
func TestWatchSkipsOrg(t *testing.T) {
	db, err := Open(geoLiteASN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	asked := map[uint32]int{}
	w := Watch(db, func(asn uint32) (string, bool) {
		asked[asn]++
		return "curated", asn == 36678
	})
	n, ok := w.LookupNetwork(mustAddr("198.51.100.9"))
	if !ok || n.ASN != 36678 || n.Org != "CHINA TELECOM (AMERICAS) CORPORATION" {
		t.Errorf("LookupNetwork(CTUSA) = %+v, %v", n, ok)
	}
	if n, ok := w.LookupNetwork(mustAddr("192.0.2.200")); ok {
		t.Errorf("LookupNetwork(ordinary) = %+v, want not ok", n)
	}
	if asked[36678] != 1 || asked[64500] != 1 {
		t.Errorf("interesting asked %v, want once per lookup", asked)
	}
}
