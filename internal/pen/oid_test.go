package pen

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseOID(t *testing.T) {
	huawei := []uint32{1, 3, 6, 1, 4, 1, 2011, 2, 23}
	tests := []struct {
		name, in string
		want     []uint32
	}{
		{"dotted", "1.3.6.1.4.1.2011.2.23", huawei},
		{"leading dot", ".1.3.6.1.4.1.2011.2.23", huawei},
		{"iso prefix", "iso.3.6.1.4.1.2011.2.23", huawei},
		{"module", "SNMPv2-SMI::enterprises.2011.2.23", huawei},
		{"enterprises", "enterprises.2011.2.23", huawei},
		{"full names", ".iso.org.dod.internet.private.enterprises.2011.2.23", huawei},
		{"IANA spelling", "iso.org.dod.internet.private.enterprise.2011.2.23", huawei},
		{"mixed names", "iso.3.dod.1.private.1.2011.2.23", huawei},
		{"spaces", "  1.3.6.1.4.1.2011.2.23\n", huawei},
		{"mib-2", "SNMPv2-SMI::mib-2.1.2.0", []uint32{1, 3, 6, 1, 2, 1, 1, 2, 0}},
		{"sysObjectID 0.0", "SNMPv2-SMI::zeroDotZero", []uint32{0, 0}},
		{"single arc", "2", []uint32{2}},
		{"largest arc", "1.3.4294967295", []uint32{1, 3, 4294967295}},
		{"joint arc above 39", "2.999.1", []uint32{2, 999, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOID(tc.in)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("ParseOID(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseOIDErrors(t *testing.T) {
	manyArcs := "1.3" + strings.Repeat(".1", 127) // 129 arcs
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", `parse OID "": empty`},
		{"double dot", "1.3..6", `parse OID "1.3..6": part 3 is empty`},
		{"trailing dot", "1.3.6.", `parse OID "1.3.6.": part 4 is empty`},
		{"two leading dots", "..1.3", `parse OID "..1.3": part 1 is empty`},
		{"nothing after module", "SNMPv2-SMI::", `parse OID "SNMPv2-SMI::": part 1 is empty`},
		{"bad module", "SNMP v2::enterprises.9", `parse OID "SNMP v2::enterprises.9": invalid MIB module name "SNMP v2"`},
		{"empty module", "::enterprises.9", `parse OID "::enterprises.9": invalid MIB module name ""`},
		{"leading zero", "1.3.06.1", `parse OID "1.3.06.1": "06" has a leading zero`},
		{"overflow", "1.3.4294967296", `parse OID "1.3.4294967296": "4294967296" exceeds 4294967295`},
		{"negative", "1.3.-6", `parse OID "1.3.-6": "-6" is neither a number nor a known name`},
		{"hex", "1.3.0x6", `parse OID "1.3.0x6": "0x6" is neither a number nor a known name`},
		{"unknown name", "SNMPv2-MIB::sysObjectID.0", `parse OID "SNMPv2-MIB::sysObjectID.0": "sysObjectID" is neither a number nor a known name`},
		{"name out of place", "1.3.6.1.4.1.enterprises", `parse OID "1.3.6.1.4.1.enterprises": name "enterprises" cannot follow 1.3.6.1.4.1`},
		{"first arc", "3.6.1", `parse OID "3.6.1": first arc is 3, want 0, 1 or 2`},
		{"second arc", "1.40.1", `parse OID "1.40.1": second arc is 40, want at most 39 under 1`},
		{"too many arcs", manyArcs, `parse OID "` + manyArcs[:128] + `": more than 128 arcs`},
		{"too long", strings.Repeat("1", 3000), `parse OID "` + strings.Repeat("1", 128) + `": 3000 bytes, longer than any OID of 128 arcs`},
		{"IP address", "192.168.1.1", `parse OID "192.168.1.1": first arc is 192, want 0, 1 or 2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOID(tc.in)
			if err == nil || err.Error() != tc.want {
				t.Errorf("ParseOID(%q) error:\n got %v\nwant %s", tc.in, err, tc.want)
			}
			var oe *OIDError
			if !errors.As(err, &oe) {
				t.Errorf("error %T is not an *OIDError", err)
			}
		})
	}
}

func TestEnterprise(t *testing.T) {
	tests := []struct {
		name, oid string
		pen       int
		rest      []uint32
		ok        bool
	}{
		{"Huawei Quidway", "1.3.6.1.4.1.2011.2.23.96", 2011, []uint32{2, 23, 96}, true},
		{"ZTE OLT", ".1.3.6.1.4.1.3902.1082.1001", 3902, []uint32{1082, 1001}, true},
		{"Hikvision", "iso.3.6.1.4.1.39165.1.6.0", 39165, []uint32{1, 6, 0}, true},
		{"Dahua unregistered arc", "SNMPv2-SMI::enterprises.1004849.3.2.10", 1004849, []uint32{3, 2, 10}, true},
		{"Hytera", "enterprises.40297", 40297, []uint32{}, true},
		{"Cisco", "SNMPv2-SMI::enterprises.9.1.1208", 9, []uint32{1, 1208}, true},
		{"enterprises itself", "1.3.6.1.4.1", 0, nil, false},
		{"mib-2", "1.3.6.1.2.1.1.2.0", 0, nil, false},
		{"net-snmp agent OID", "1.3.6.1.6.3.1.1", 0, nil, false},
		{"zeroDotZero", "SNMPv2-SMI::zeroDotZero", 0, nil, false},
		{"look-alike prefix", "1.3.6.1.4.2.2011", 0, nil, false},
		{"malformed", "1.3.6.1.4.1.2011..2", 0, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pen, rest, ok := Enterprise(tc.oid)
			if pen != tc.pen || ok != tc.ok || !slices.Equal(rest, tc.rest) {
				t.Errorf("Enterprise(%q) = %d, %v, %v; want %d, %v, %v", tc.oid, pen, rest, ok, tc.pen, tc.rest, tc.ok)
			}
		})
	}
}

func TestFormatOID(t *testing.T) {
	if got := FormatOID([]uint32{1, 3, 6, 1, 4, 1, 4294967295}); got != "1.3.6.1.4.1.4294967295" {
		t.Errorf("FormatOID = %q", got)
	}
	if got := FormatOID(nil); got != "" {
		t.Errorf("FormatOID(nil) = %q", got)
	}
}
