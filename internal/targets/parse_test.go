package targets

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name             string
		include, exclude []string
		r                Resolver
		want             string
	}{
		{"empty token", []string{""}, nil, nil, `target "": empty target`},
		{"empty before prefix", []string{"/24"}, nil, nil, `target "/24": empty target`},
		{"octet too big", []string{"192.0.2.256"}, nil, nil, `target "192.0.2.256": octet 4 "256": 256 is more than 255`},
		{"huge octet", []string{"192.0.2.99999999999999999999"}, nil, nil,
			`target "192.0.2.99999999999999999999": octet 4 "99999999999999999999": 99999999999999999999 is more than 255`},
		{"three octets", []string{"192.0.2"}, nil, nil, `target "192.0.2": has 3 octets, want 4`},
		{"five octets", []string{"192.0.2.1.5"}, nil, nil, `target "192.0.2.1.5": has 5 octets, want 4`},
		{"bare number", []string{"3232235777"}, nil, nil, `target "3232235777": has 1 octets, want 4`},
		{"backwards range", []string{"192.0.2.5-1"}, nil, nil, `target "192.0.2.5-1": octet 4 "5-1": range 5-1 runs backwards`},
		{"leading zero", []string{"192.0.2.010"}, nil, nil, `target "192.0.2.010": octet 4 "010": "010" has a leading zero (octal or decimal?)`},
		{"empty list element", []string{"192.0.2.1,,2"}, nil, nil, `target "192.0.2.1,,2": octet 4 "1,,2": empty element`},
		{"empty octet", []string{"192..2.1"}, nil, nil, `target "192..2.1": octet 2 "": empty element`},
		{"star in list", []string{"192.0.2.1,*"}, nil, nil, `target "192.0.2.1,*": octet 4 "1,*": "*" is not a number`},
		{"double dash", []string{"192.0.2.1-2-3"}, nil, nil, `target "192.0.2.1-2-3": octet 4 "1-2-3": "2-3" is not a number`},
		{"ipv4 prefix too long", []string{"192.0.2.0/33"}, nil, nil, `target "192.0.2.0/33": prefix length /33 is longer than 32 for IPv4`},
		{"prefix not a number", []string{"192.0.2.0/x"}, nil, nil, `target "192.0.2.0/x": prefix length "x" is not a number from 0 to 128`},
		{"empty prefix", []string{"192.0.2.0/"}, nil, nil, `target "192.0.2.0/": prefix length "" is not a number from 0 to 128`},
		{"two slashes", []string{"192.0.2.0/24/8"}, nil, nil, `target "192.0.2.0/24/8": prefix length "24/8" is not a number from 0 to 128`},
		{"prefix over 128", []string{"2001:db8::/129"}, nil, nil, `target "2001:db8::/129": prefix length /129 is longer than 128`},
		{"ipv4 block too big", []string{"10.0.0.0/7"}, nil, nil, `target "10.0.0.0/7": 33554432 addresses, more than the limit of 2^24 (16777216)`},
		{"all of ipv4", []string{"*.*.*.*"}, nil, nil, `target "*.*.*.*": 4294967296 addresses, more than the limit of 2^24 (16777216)`},
		{"ipv6 /64", []string{"2001:db8::/64"}, nil, nil,
			`target "2001:db8::/64": 2^64 addresses, more than the limit of 2^24 (16777216); IPv6 prefixes must be /104 or longer`},
		{"ipv6 /103", []string{"2001:db8::/103"}, nil, nil,
			`target "2001:db8::/103": 2^25 addresses, more than the limit of 2^24 (16777216); IPv6 prefixes must be /104 or longer`},
		{"total too big", []string{"127.0.0.0/8", "192.0.2.0/24"}, nil, nil,
			`targets: 16777472 addresses in scope, more than the limit of 2^24 (16777216); narrow the targets or add exclusions`},
		{"bad ipv6", []string{"2001:db8::zz"}, nil, nil,
			`target "2001:db8::zz": invalid IPv6 address: ParseAddr("2001:db8::zz"): each colon-separated field must have at least one digit (at "zz")`},
		{"ipv6 range", []string{"2001:db8::1-5"}, nil, nil,
			`target "2001:db8::1-5": IPv6 ranges are not supported (nmap has none either); use a prefix such as 2001:db8::/120`},
		{"zoned", []string{"fe80::1%eth0"}, nil, nil, `target "fe80::1%eth0": zoned address (%eth0) not supported`},
		{"junk", []string{"cam example"}, nil, nil, `target "cam example": not an IP address, range, CIDR or hostname`},
		{"wildcard name", []string{"*.example"}, nil, nil, `target "*.example": not an IP address, range, CIDR or hostname`},
		{"label starts with dash", []string{"-cam.example"}, nil, nil, `target "-cam.example": not an IP address, range, CIDR or hostname`},
		{"non-ascii name", []string{"kamera.bücher.example"}, nil, nil, `target "kamera.bücher.example": not an IP address, range, CIDR or hostname`},
		{"no resolver", []string{"cam.example"}, nil, nil, `target "cam.example": hostname given but no resolver`},
		{"unknown host", []string{"192.0.2.1", "nosuch.example"}, nil, testResolver,
			`target "nosuch.example": resolve nosuch.example: lookup nosuch.example: no such host`},
		{"no addresses", []string{"empty.example"}, nil, testResolver, `target "empty.example": empty.example resolves to no address`},
		{"ipv4 prefix on ipv6-only name", []string{"v6only.example/24"}, nil, testResolver,
			`target "v6only.example/24": v6only.example has no IPv4 address, and /24 applies to IPv4`},
		{"ipv6 prefix on ipv4-only name", []string{"nvr.example/120"}, nil, testResolver,
			`target "nvr.example/120": nvr.example has no IPv6 address, and /120 applies to IPv6`},
		{"hostname block too big", []string{"cam.example/4"}, nil, testResolver,
			`target "cam.example/4": 192.0.0.0/4: 2^28 addresses, more than the limit of 2^24 (16777216)`},
		{"bad exclusion", []string{"192.0.2.0/24"}, []string{"192.0.2.300"}, nil, `exclude "192.0.2.300": octet 4 "300": 300 is more than 255`},
		{"unknown excluded host", []string{"192.0.2.0/24"}, []string{"nosuch.example"}, testResolver,
			`exclude "nosuch.example": resolve nosuch.example: lookup nosuch.example: no such host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(context.Background(), tt.r, tt.include, tt.exclude)
			if err == nil {
				t.Fatalf("Parse succeeded with %d hosts, want error %q", s.Count(), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestParseCostCaps(t *testing.T) {
	many := func(tok string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = tok
		}
		return out
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             string
	}{
		{"scattered includes", many("127.*.*.1", maxScattered+1), nil,
			`target "127.*.*.1": more than 64 scattered octet ranges (such as 10.*.*.1); split the scan`},
		{"scattered exclusions", []string{"192.0.2.1"}, many("*.*.*.0", maxScattered+1),
			`exclude "*.*.*.0": more than 64 scattered octet ranges (such as 10.*.*.1); split the scan`},
		{"blocks", many("127.0.0-15.1-2,4", 4), nil, // 32 blocks each
			`target "127.0.0-15.1-2,4": octet ranges split into more than 100 blocks in all; use CIDR blocks or split the scan`},
	}
	defer func(old uint64) { maxTotalBlocks = old }(maxTotalBlocks)
	maxTotalBlocks = 100
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), nil, tt.include, tt.exclude)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestParseNoTargets(t *testing.T) {
	if _, err := Parse(context.Background(), nil, nil, []string{"192.0.2.1"}); !errors.Is(err, ErrNoTargets) {
		t.Errorf("err = %v, want ErrNoTargets", err)
	}
}

func TestParseWrapsResolverError(t *testing.T) {
	_, err := Parse(context.Background(), testResolver, []string{"nosuch.example"}, nil)
	var dnsErr interface{ Timeout() bool }
	if !errors.As(err, &dnsErr) {
		t.Errorf("resolver error not wrapped: %v", err)
	}
}

func TestParseLargeExclusionsAllowed(t *testing.T) {
	s, err := Parse(context.Background(), nil, []string{"192.0.2.1", "2001:db8::1"}, []string{"0.0.0.0/0", "*.*.*.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := hostStrings(s); len(got) != 1 || got[0] != "2001:db8::1" {
		t.Errorf("hosts = %v, want [2001:db8::1]", got)
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := ctxResolver{}
	_, err := Parse(ctx, r, []string{"cam.example"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// ctxResolver fails the way a real resolver does once ctx is done.
type ctxResolver struct{}

func (ctxResolver) LookupNetIP(ctx context.Context, _, _ string) ([]netip.Addr, error) {
	return nil, ctx.Err()
}
