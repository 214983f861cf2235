package store

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/coveredtool/covered/internal/targets"
)

// scope answers "did this run look at that address?" for verification. It
// is built from the targets as the user typed them: addresses, CIDRs and
// a-b ranges go into an IP set; nmap octet patterns are delegated to the
// targets package; hostnames match literally (resolving them now would
// answer for today's DNS, not the run's).
type scope struct {
	in, out           *netipx.IPSet
	inNames, outNames map[string]bool
	inSpecs, outSpecs []*targets.Spec
}

func newScope(ctx context.Context, include, exclude []string) (*scope, error) {
	sc := &scope{inNames: map[string]bool{}, outNames: map[string]bool{}}
	var err error
	if sc.in, sc.inSpecs, err = addTargets(ctx, include, sc.inNames); err != nil {
		return nil, err
	}
	if sc.out, sc.outSpecs, err = addTargets(ctx, exclude, sc.outNames); err != nil {
		return nil, err
	}
	return sc, nil
}

// empty reports whether the scope names nothing, as for an import.
func (sc *scope) empty() bool {
	return len(sc.in.Prefixes()) == 0 && len(sc.inNames) == 0 && len(sc.inSpecs) == 0
}

// contains reports whether the device last known at ip (or, without an
// address, under the host label host) was inside the scope.
func (sc *scope) contains(ip, host string) bool {
	if a, err := netip.ParseAddr(ip); err == nil {
		a = a.Unmap()
		return sc.has(sc.in, sc.inSpecs, a) && !sc.has(sc.out, sc.outSpecs, a)
	}
	name, ok := normHostname(host)
	return ok && sc.inNames[name] && !sc.outNames[name]
}

func (sc *scope) has(set *netipx.IPSet, specs []*targets.Spec, a netip.Addr) bool {
	if set.Contains(a) {
		return true
	}
	for _, sp := range specs {
		if sp.Contains(a) {
			return true
		}
	}
	return false
}

var errNoResolve = errors.New("hostnames are matched literally, not resolved")

// literalResolver makes targets.Parse refuse hostnames, which scope keeps
// as names instead.
type literalResolver struct{}

func (literalResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return nil, errNoResolve
}

func addTargets(ctx context.Context, toks []string, names map[string]bool) (*netipx.IPSet, []*targets.Spec, error) {
	var b netipx.IPSetBuilder
	var specs []*targets.Spec
	for _, tok := range toks {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		if a, err := netip.ParseAddr(tok); err == nil {
			b.Add(a.Unmap())
			continue
		}
		if p, err := netip.ParsePrefix(tok); err == nil {
			b.AddPrefix(p.Masked())
			continue
		}
		if r, ok := parseRange(tok); ok {
			b.AddRange(r)
			continue
		}
		if sp, err := targets.Parse(ctx, literalResolver{}, []string{tok}, nil); err == nil {
			specs = append(specs, sp)
			continue
		}
		// A hostname, possibly with an nmap prefix length ("gw.example/30"),
		// which only widens what its resolved address covered.
		name, _, _ := strings.Cut(tok, "/")
		if n, ok := normHostname(name); ok {
			names[n] = true
		}
	}
	set, err := b.IPSet()
	return set, specs, err
}

// parseRange reads "a-b" with two full addresses, or the IPv4 shorthand
// "192.0.2.10-20" that ranges the last octet.
func parseRange(tok string) (netipx.IPRange, bool) {
	left, right, ok := strings.Cut(tok, "-")
	if !ok {
		return netipx.IPRange{}, false
	}
	from, err := netip.ParseAddr(left)
	if err != nil {
		return netipx.IPRange{}, false
	}
	to, err := netip.ParseAddr(right)
	if err != nil {
		n, nerr := strconv.Atoi(right)
		if nerr != nil || !from.Is4() || n < 0 || n > 255 {
			return netipx.IPRange{}, false
		}
		b := from.As4()
		b[3] = byte(n)
		to = netip.AddrFrom4(b)
	}
	r := netipx.IPRangeFrom(from.Unmap(), to.Unmap())
	return r, r.IsValid()
}
