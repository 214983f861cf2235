package targets

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// MaxAddresses is the most addresses a Spec may hold in scope, 2^24 (a /8).
// Beyond it a scan is almost certainly a typo ("10.0.0.0/8" for "/18") or
// an IPv6 prefix nobody can sweep; refusing up front is kinder than a
// progress bar that never moves.
const MaxAddresses = 1 << 24

// limitText names the limit in errors.
var limitText = fmt.Sprintf("the limit of 2^24 (%d)", MaxAddresses)

// minIPv6Bits is the shortest IPv6 prefix that fits MaxAddresses.
const minIPv6Bits = 128 - 24

// target is one token, checked for syntax but not yet resolved. Exactly one
// of pat, pfx and name is set.
type target struct {
	tok  string       // as the user wrote it, for errors
	pat  *pattern     // IPv4 address, CIDR or octet range
	pfx  netip.Prefix // IPv6 address (/128) or prefix, masked
	name string       // hostname, resolved later
	bits int          // prefix length after a hostname, -1 when none
}

// parseTarget checks one token's syntax. Errors do not repeat the token;
// callers prefix it.
func parseTarget(tok string) (target, error) {
	t := target{tok: tok, bits: -1}
	host, bitsText, hasBits := strings.Cut(strings.TrimSpace(tok), "/")
	if host == "" {
		return t, errors.New("empty target")
	}
	if hasBits {
		n, err := prefixLen(bitsText)
		if err != nil {
			return t, err
		}
		t.bits = n
	}
	switch {
	case strings.Contains(host, ":"):
		return t, t.parseIPv6(host)
	case strings.Trim(host, "0123456789.,-*") == "":
		return t, t.parseIPv4(host)
	case validHostname(host):
		t.name = host
		return t, nil
	default:
		return t, errors.New("not an IP address, range, CIDR or hostname")
	}
}

func prefixLen(s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 3 {
		return 0, fmt.Errorf("prefix length %q is not a number from 0 to 128", s)
	}
	n, _ := strconv.Atoi(s)
	if n > 128 {
		return 0, fmt.Errorf("prefix length /%d is longer than 128", n)
	}
	return n, nil
}

func (t *target) parseIPv4(host string) error {
	p, err := parsePattern(host)
	if err != nil {
		return err
	}
	if t.bits > 32 {
		return fmt.Errorf("prefix length /%d is longer than 32 for IPv4", t.bits)
	}
	if t.bits >= 0 {
		p.mask(t.bits)
	}
	t.pat = &p
	return nil
}

func (t *target) parseIPv6(host string) error {
	if strings.ContainsAny(host, "-*,") {
		return errors.New("IPv6 ranges are not supported (nmap has none either); use a prefix such as 2001:db8::/120")
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("invalid IPv6 address: %w", err)
	}
	if a.Zone() != "" {
		// Scope is a set of addresses; a zone is an interface, and the same
		// link-local address on two links is two devices.
		return fmt.Errorf("zoned address (%%%s) not supported", a.Zone())
	}
	if a.Is4In6() && (t.bits < 0 || t.bits >= 96) {
		// ::ffff:192.0.2.1 is an IPv4 device; treat it as one.
		b := a.Unmap().As4()
		bits := t.bits
		if bits >= 0 {
			bits -= 96
		}
		p := pattern{}
		for i := range p {
			p[i].addRange(int(b[i]), int(b[i]))
		}
		if bits >= 0 {
			p.mask(bits)
		}
		t.pat = &p
		return nil
	}
	bits := t.bits
	if bits < 0 {
		bits = 128
	}
	t.pfx = netip.PrefixFrom(a, bits).Masked()
	return nil
}

// checkSize refuses an include that alone exceeds MaxAddresses. Exclusions
// may be any size: excluding 2001:db8::/32 costs nothing.
func (t *target) checkSize() error {
	switch {
	case t.pat != nil:
		if n := t.pat.size(); n > MaxAddresses {
			return fmt.Errorf("%d addresses, more than %s", n, limitText)
		}
	case t.pfx.IsValid():
		if t.pfx.Bits() < minIPv6Bits {
			return fmt.Errorf("2^%d addresses, more than %s; IPv6 prefixes must be /%d or longer",
				128-t.pfx.Bits(), limitText, minIPv6Bits)
		}
	}
	return nil
}

// validHostname accepts DNS names in ASCII (letters, digits, '-', '_'),
// labels of 1-63 bytes, 253 bytes in all, with an optional final dot.
func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// CheckTarget reports whether tok is valid target syntax without resolving
// hostnames, so that list readers can point at the bad line.
func CheckTarget(tok string) error {
	if _, err := parseTarget(tok); err != nil {
		return fmt.Errorf("target %q: %w", tok, err)
	}
	return nil
}
