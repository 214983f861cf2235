package oui

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMAC(t *testing.T) {
	want := [6]byte{0x00, 0xe0, 0xfc, 0x12, 0x3a, 0xbc}
	tests := []struct {
		name, in string
	}{
		{"colon lower", "00:e0:fc:12:3a:bc"},
		{"colon upper", "00:E0:FC:12:3A:BC"},
		{"dash IEEE", "00-E0-FC-12-3A-BC"},
		{"Cisco dotted", "00e0.fc12.3abc"},
		{"bare", "00e0fc123abc"},
		{"two halves", "00e0fc-123abc"},
		{"spaces", "00 e0 fc 12 3a bc"},
		{"BSD short octets", "0:e0:fc:12:3a:bc"},
		{"surrounding space", "  00:e0:fc:12:3a:bc\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMAC(tc.in)
			if err != nil {
				t.Fatalf("ParseMAC(%q): %v", tc.in, err)
			}
			if got != want {
				t.Errorf("ParseMAC(%q) = %s, want %s", tc.in, FormatMAC(got), FormatMAC(want))
			}
		})
	}
	short, err := ParseMAC("0:1:2:a:b:c")
	if err != nil || short != [6]byte{0, 1, 2, 0xa, 0xb, 0xc} {
		t.Errorf(`ParseMAC("0:1:2:a:b:c") = %v, %v`, short, err)
	}
}

func TestParseMACErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", `parse MAC "": empty`},
		{"blank", "   ", `parse MAC "   ": empty`},
		{"five octets", "00:11:22:33:44", `parse MAC "00:11:22:33:44": 5 groups; want 6 groups of 2 hex digits, 3 of 4, 2 of 6, or 12 digits`},
		{"seven octets", "00:11:22:33:44:55:66", `parse MAC "00:11:22:33:44:55:66": 7 groups; want 6 groups of 2 hex digits, 3 of 4, 2 of 6, or 12 digits`},
		{"EUI-64", "00:11:22:ff:fe:33:44:55", `parse MAC "00:11:22:ff:fe:33:44:55": 8 octets: an EUI-64, not a 48-bit MAC address`},
		{"EUI-64 bare", "001122fffe334455", `parse MAC "001122fffe334455": 8 octets: an EUI-64, not a 48-bit MAC address`},
		{"bad digit", "00:1g:22:33:44:55", `parse MAC "00:1g:22:33:44:55": invalid character 'g' at offset 4`},
		{"non-ASCII", "00:11:22:33:44:5é", `parse MAC "00:11:22:33:44:5é": invalid character 'é' at offset 16`},
		{"mixed separators", "00:11-22:33:44:55", `parse MAC "00:11-22:33:44:55": mixed separators ':' and '-'`},
		{"long octet", "00:11:22:33:44:555", `parse MAC "00:11:22:33:44:555": group 6 "555" has 3 digits, want 1 or 2`},
		{"empty group", "00::22:33:44:55", `parse MAC "00::22:33:44:55": empty group 2`},
		{"trailing separator", "00:11:22:33:44:55:", `parse MAC "00:11:22:33:44:55:": empty group 7`},
		{"Cisco short group", "00e0.fc12.3ab", `parse MAC "00e0.fc12.3ab": group 3 "3ab" has 3 digits, want 4`},
		{"eleven digits", "00e0fc123ab", `parse MAC "00e0fc123ab": group 1 "00e0fc123ab" has 11 digits, want 12`},
		{"IPv4", "192.168.1.1", `parse MAC "192.168.1.1": 4 groups; want 6 groups of 2 hex digits, 3 of 4, 2 of 6, or 12 digits`},
		{"too long", strings.Repeat("ab", 40), `parse MAC "` + strings.Repeat("ab", 32) + `": 80 bytes, longer than any MAC notation`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMAC(tc.in)
			if err == nil {
				t.Fatalf("ParseMAC(%q) succeeded, want error %s", tc.in, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("ParseMAC(%q) error:\n got %s\nwant %s", tc.in, err, tc.want)
			}
			var me *MACError
			if !errors.As(err, &me) {
				t.Errorf("error %T is not a *MACError", err)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name, mac string
		want      Kind
	}{
		{"Huawei universal", "00:E0:FC:01:02:03", Universal},
		{"locally administered x2", "02:00:00:00:00:01", Local},
		{"randomized x6", "66:12:34:56:78:9A", Local},
		{"randomized xA", "DA:A1:19:00:00:01", Local},
		{"randomized xE", "AE:01:02:03:04:05", Local},
		{"IPv4 multicast", "01:00:5E:00:00:FB", Multicast},
		{"IPv6 multicast", "33:33:00:00:00:01", Multicast},
		{"STP", "01:80:C2:00:00:00", Multicast},
		{"broadcast", "FF:FF:FF:FF:FF:FF", Multicast},
		{"all zero", "00:00:00:00:00:00", Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hw, err := ParseMAC(tc.mac)
			if err != nil {
				t.Fatal(err)
			}
			if got := KindOf(hw); got != tc.want {
				t.Errorf("KindOf(%s) = %v, want %v", tc.mac, got, tc.want)
			}
		})
	}
}

func TestFormatMAC(t *testing.T) {
	if got := FormatMAC([6]byte{0, 0xe0, 0xfc, 0x0a, 0xbc, 0xff}); got != "00:E0:FC:0A:BC:FF" {
		t.Errorf("FormatMAC = %q", got)
	}
	for k, want := range map[Kind]string{Invalid: "invalid", Universal: "universal", Local: "local", Multicast: "multicast", Kind(9): "invalid"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
