package oui

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxMACInput bounds the input ParseMAC looks at; the longest notation it
// accepts is 17 bytes, so anything past this is not a MAC address and would
// only bloat error messages.
const maxMACInput = 64

// MACError reports why a string is not a MAC address. It is a type so that
// callers (importers, the CLI) can tell a bad address from other failures
// with errors.As and show Reason next to their own line numbers.
type MACError struct {
	// Input is the rejected string, cut to 64 bytes.
	Input string
	// Reason says what is wrong, e.g. "invalid character 'g' at offset 3".
	Reason string
}

// Error returns `parse MAC "<input>": <reason>`.
func (e *MACError) Error() string {
	return fmt.Sprintf("parse MAC %q: %s", e.Input, e.Reason)
}

func macError(s, format string, args ...any) error {
	if len(s) > maxMACInput {
		s = s[:maxMACInput]
	}
	// A copy: callers may pass a view of a buffer they reuse.
	return &MACError{Input: strings.Clone(s), Reason: fmt.Sprintf(format, args...)}
}

// ParseMAC reads a 48-bit MAC address in the notations that scanners,
// switches and inventories print, so that importers need no notation logic
// of their own. Surrounding spaces are ignored; hex digits may be either case.
// One separator, used throughout, may be ':', '-', '.' or ' ':
//
//	00:e0:fc:12:34:56   6 groups of 2 digits (Linux, IEEE "00-E0-FC-12-34-56")
//	0:e0:fc:1:2:3       6 groups of 1 or 2 digits (BSD and macOS arp)
//	00e0.fc12.3456      3 groups of 4 digits (Cisco)
//	00e0fc-123456       2 groups of 6 digits (some HP and Huawei CLIs)
//	00e0fc123456        12 digits without separator
//
// Anything else, including 8-octet EUI-64 identifiers, is rejected with a
// *MACError saying why.
func ParseMAC(s string) (hw [6]byte, err error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return hw, macError(s, "empty")
	}
	if len(in) > maxMACInput {
		return hw, macError(s, "%d bytes, longer than any MAC notation", len(in))
	}
	var sep byte
	for i := 0; i < len(in); i++ {
		c := in[i]
		if hexDigit(c) >= 0 {
			continue
		}
		if c != ':' && c != '-' && c != '.' && c != ' ' {
			r, _ := utf8.DecodeRuneInString(in[i:])
			return hw, macError(s, "invalid character %q at offset %d", r, i)
		}
		if sep != 0 && c != sep {
			return hw, macError(s, "mixed separators %q and %q", sep, c)
		}
		sep = c
	}
	groups := []string{in}
	if sep != 0 {
		groups = strings.Split(in, string(sep))
	}
	for i, g := range groups {
		if g == "" {
			return hw, macError(s, "empty group %d", i+1)
		}
	}
	if len(groups) == 6 {
		for i, g := range groups {
			if len(g) > 2 {
				return hw, macError(s, "group %d %q has %d digits, want 1 or 2", i+1, g, len(g))
			}
			for j := 0; j < len(g); j++ {
				hw[i] = hw[i]<<4 | byte(hexDigit(g[j]))
			}
		}
		return hw, nil
	}
	digits := strings.Join(groups, "")
	switch {
	case len(groups) == 8 || (len(groups) == 1 && len(digits) == 16):
		return hw, macError(s, "8 octets: an EUI-64, not a 48-bit MAC address")
	case len(groups) != 1 && len(groups) != 2 && len(groups) != 3:
		return hw, macError(s, "%d groups; want 6 groups of 2 hex digits, 3 of 4, 2 of 6, or 12 digits", len(groups))
	}
	want := 12 / len(groups)
	for i, g := range groups {
		if len(g) != want {
			return hw, macError(s, "group %d %q has %d digits, want %d", i+1, g, len(g), want)
		}
	}
	for i := range hw {
		hw[i] = byte(hexDigit(digits[2*i]))<<4 | byte(hexDigit(digits[2*i+1]))
	}
	return hw, nil
}

// FormatMAC writes hw as "00:E0:FC:12:34:56", the notation of Entry.Prefix,
// so that reports show addresses and blocks alike.
func FormatMAC(hw [6]byte) string {
	const digits = "0123456789ABCDEF"
	var b [17]byte
	for i, o := range hw {
		if i > 0 {
			b[3*i-1] = ':'
		}
		b[3*i], b[3*i+1] = digits[o>>4], digits[o&0x0f]
	}
	return string(b[:])
}

// hexDigit returns the value of a hex digit, or -1.
func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
