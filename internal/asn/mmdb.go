package asn

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// schema is the record layout of a MaxMind DB, found when it is opened.
type schema int

const (
	// schemaMaxMind: autonomous_system_number (uint32) and
	// autonomous_system_organization, as in GeoLite2-ASN, GeoIP2-ISP and
	// DB-IP's ASN Lite (MaxMind's "GeoIP2 and GeoLite2 database"
	// documentation, ASN and ISP databases).
	schemaMaxMind schema = iota
	// schemaIPinfo: "asn" as a string "AS13335" with "name" (ipinfo
	// asn.mmdb) or "as_name" (ipinfo country_asn.mmdb), per ipinfo's
	// database documentation.
	schemaIPinfo
)

// mmdb is one opened MaxMind DB and its layout.
type mmdb struct {
	r      *maxminddb.Reader
	schema schema
}

type maxmindRecord struct {
	ASN uint32 `maxminddb:"autonomous_system_number"`
	Org string `maxminddb:"autonomous_system_organization"`
}

type ipinfoRecord struct {
	ASN    string `maxminddb:"asn"`
	Name   string `maxminddb:"name"`
	ASName string `maxminddb:"as_name"`
}

// probeRecord reads either layout without failing on the other's types.
type probeRecord struct {
	MaxMind any `maxminddb:"autonomous_system_number"`
	IPinfo  any `maxminddb:"asn"`
}

// probeRecords bounds how many records openMMDB reads to learn the layout:
// ASN databases carry the ASN in every record, so the first ones tell.
const probeRecords = 64

// openMMDB opens path as a MaxMind DB and learns its layout from its first
// records. The reader's Verify is not called: it also insists on metadata
// (a description, languages) that third-party ASN databases may leave
// out, and the reader bounds every decode, so a damaged file yields lookup
// errors, which count as "not found", never a crash.
func openMMDB(path string) (*mmdb, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ASN source %s is neither a prefix list (UTF-8 text) nor a MaxMind DB: %w", path, err)
	}
	m, err := newMMDB(r, path)
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	return m, nil
}

func newMMDB(r *maxminddb.Reader, path string) (*mmdb, error) {
	kind := r.Metadata.DatabaseType
	n := 0
	for res := range r.Networks() {
		var p probeRecord
		if err := res.Decode(&p); err != nil {
			return nil, fmt.Errorf("MaxMind DB %s is damaged: %w", path, err)
		}
		if _, ok := asUint32(p.MaxMind); ok {
			return &mmdb{r: r, schema: schemaMaxMind}, nil
		}
		if s, ok := p.IPinfo.(string); ok {
			if _, err := parseASN(s); err == nil {
				return &mmdb{r: r, schema: schemaIPinfo}, nil
			}
		}
		if n++; n >= probeRecords {
			break
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("MaxMind DB %s (type %q) holds no networks", path, kind)
	}
	return nil, fmt.Errorf("MaxMind DB %s (type %q) has no autonomous_system_number field: give an ASN database such as GeoLite2-ASN.mmdb", path, kind)
}

// asUint32 accepts the unsigned and signed integer types the decoder gives
// for an MMDB number.
func asUint32(v any) (uint32, bool) {
	switch n := v.(type) {
	case uint64:
		if n <= math.MaxUint32 {
			return uint32(n), true
		}
	case uint32:
		return n, true
	case uint16:
		return uint32(n), true
	case int:
		if n >= 0 && n <= math.MaxUint32 {
			return uint32(n), true
		}
	case int32:
		if n >= 0 {
			return uint32(n), true
		}
	}
	return 0, false
}

// lookup finds ip. A record that does not decode counts as not found: Open
// verified the file, so that only happens to records outside the layout
// (a network without ASN data).
func (m *mmdb) lookup(ip netip.Addr, wantOrg func(uint32) bool) (asn uint32, org string, ok bool) {
	res := m.r.Lookup(ip)
	if !res.Found() {
		return 0, "", false
	}
	switch m.schema {
	case schemaMaxMind:
		if wantOrg != nil {
			if err := res.DecodePath(&asn, "autonomous_system_number"); err != nil || asn == 0 {
				return 0, "", false
			}
			if !wantOrg(asn) {
				return asn, "", true
			}
		}
		var rec maxmindRecord
		if err := res.Decode(&rec); err != nil || rec.ASN == 0 {
			return 0, "", false
		}
		return rec.ASN, rec.Org, true
	default:
		var rec ipinfoRecord
		if err := res.Decode(&rec); err != nil {
			return 0, "", false
		}
		asn, err := parseASN(rec.ASN)
		if err != nil || asn == 0 {
			return 0, "", false
		}
		org = rec.Name
		if org == "" {
			org = rec.ASName
		}
		return asn, org, true
	}
}

// parseASN reads "36678", "AS36678" or "as36678", and the asdot form
// "AS1.10" (RFC 5396) of 4-byte ASNs.
func parseASN(s string) (uint32, error) {
	t := s
	if len(t) > 2 && (t[0] == 'A' || t[0] == 'a') && (t[1] == 'S' || t[1] == 's') {
		t = t[2:]
	}
	if hi, lo, dot := strings.Cut(t, "."); dot {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil || !digits(hi) || !digits(lo) {
			return 0, fmt.Errorf("bad ASN %q", clip(s))
		}
		return uint32(h<<16 | l), nil
	}
	if !digits(t) {
		return 0, fmt.Errorf("bad ASN %q", clip(s))
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad ASN %q: above 4294967295", clip(s))
	}
	return uint32(n), nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
