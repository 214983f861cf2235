package targets

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"sync"

	"go4.org/netipx"
)

// maxBlocks is the most contiguous blocks an octet pattern may expand to
// before it is kept as a pattern instead. "10.0.1-3.1-10" is 3 blocks and
// becomes ranges; "10.*.*.1" is 65,536 one-address blocks and stays a
// pattern, so that no target is ever listed address by address.
var maxBlocks uint64 = 4096

// Caps on what octet ranges may cost, each side: the blocks they add to the
// range set (about 48 bytes each while building) and the patterns kept as
// patterns (each checked for every address). Only a generated list of
// thousands of ranges reaches them. Variables so tests can lower them.
var (
	maxTotalBlocks uint64 = 1 << 20
	maxScattered          = 64
)

// namedTargets is a parsed list and what to call its entries in errors.
type namedTargets struct {
	kind    string // "target" or "exclude"
	targets []target
}

func parseAll(kind string, toks []string) (namedTargets, error) {
	nt := namedTargets{kind: kind, targets: make([]target, 0, len(toks))}
	for _, tok := range toks {
		t, err := parseTarget(tok)
		if err == nil && kind == "target" {
			err = t.checkSize()
		}
		if err != nil {
			return nt, fmt.Errorf("%s %q: %w", kind, tok, err)
		}
		nt.targets = append(nt.targets, t)
	}
	return nt, nil
}

// Parse builds the scope from include and exclude tokens in nmap syntax
// (see Spec for the syntax). Hostnames are resolved through r,
// which may be nil when no token is a hostname. Every error names the token
// at fault.
func Parse(ctx context.Context, r Resolver, include, exclude []string) (*Spec, error) {
	if len(include) == 0 {
		return nil, ErrNoTargets
	}
	inc, err := parseAll("target", include)
	if err != nil {
		return nil, err
	}
	exc, err := parseAll("exclude", exclude)
	if err != nil {
		return nil, err
	}
	addrs, err := resolveAll(ctx, r, inc, exc)
	if err != nil {
		return nil, err
	}
	var in, ex setBuilder
	for _, t := range exc.targets {
		if err := ex.add(t, addrs, false); err != nil {
			return nil, fmt.Errorf("exclude %q: %w", t.tok, err)
		}
	}
	for _, t := range inc.targets {
		if err := in.add(t, addrs, true); err != nil {
			return nil, fmt.Errorf("target %q: %w", t.tok, err)
		}
	}
	exSet, err := ex.b.IPSet()
	if err != nil {
		return nil, fmt.Errorf("exclusions: %w", err)
	}
	in.b.RemoveSet(exSet)
	inSet, err := in.b.IPSet()
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	s := &Spec{sparse: in.sparse, exSparse: ex.sparse}
	s.v4, s.v6 = splitRanges(inSet.Ranges())
	s.ex4, _ = splitRanges(exSet.Ranges())
	if n := s.upperBound(); n > MaxAddresses {
		return nil, fmt.Errorf("targets: %d addresses in scope, more than %s; narrow the targets or add exclusions", n, limitText)
	}
	s.names = hostNames(s, inc.targets, addrs)
	s.count = sync.OnceValue(s.countSlow)
	return s, nil
}

// setBuilder accumulates one side (includes or exclusions) of a Spec.
type setBuilder struct {
	b      netipx.IPSetBuilder
	sparse []pattern
	blocks uint64 // added to b by octet ranges
}

func (sb *setBuilder) add(t target, addrs map[string][]netip.Addr, limit bool) error {
	switch {
	case t.pat != nil:
		n := t.pat.blocks()
		if n > maxBlocks {
			if len(sb.sparse) == maxScattered {
				return fmt.Errorf("more than %d scattered octet ranges (such as 10.*.*.1); split the scan", maxScattered)
			}
			sb.sparse = append(sb.sparse, *t.pat)
			return nil
		}
		if sb.blocks += n; sb.blocks > maxTotalBlocks {
			return fmt.Errorf("octet ranges split into more than %d blocks in all; use CIDR blocks or split the scan", maxTotalBlocks)
		}
		t.pat.ranges(func(lo, hi uint32) bool {
			sb.b.AddRange(netipx.IPRangeFrom(addr4(lo), addr4(hi)))
			return true
		})
	case t.pfx.IsValid():
		sb.b.AddPrefix(t.pfx)
	default:
		pfxs, err := hostPrefixes(t, addrs[t.name])
		if err != nil {
			return err
		}
		for _, p := range pfxs {
			if free := p.Addr().BitLen() - p.Bits(); limit && free > 24 {
				return fmt.Errorf("%s: 2^%d addresses, more than %s", p, free, limitText)
			}
			sb.b.AddPrefix(p)
		}
	}
	return nil
}

// hostNames maps each in-scope address a hostname resolved to onto the
// first name given for it. Only the resolved address gets the name: in
// "gw.example/24" the other 255 addresses are other devices, and naming
// them would record false hostname evidence.
func hostNames(s *Spec, ts []target, addrs map[string][]netip.Addr) map[netip.Addr]string {
	var names map[netip.Addr]string
	for _, t := range ts {
		for _, a := range addrs[t.name] {
			if _, dup := names[a]; dup || !s.Contains(a) {
				continue
			}
			if names == nil {
				names = map[netip.Addr]string{}
			}
			names[a] = t.name
		}
	}
	return names
}

// span is a contiguous block of IPv4 addresses, as integers, inclusive.
type span struct{ lo, hi uint32 }

func addr4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func uint4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// splitRanges separates sorted ranges into IPv4 spans and IPv6 ranges.
func splitRanges(rr []netipx.IPRange) ([]span, []netipx.IPRange) {
	var v4 []span
	var v6 []netipx.IPRange
	for _, r := range rr {
		if r.From().Is4() {
			v4 = append(v4, span{uint4(r.From()), uint4(r.To())})
		} else {
			v6 = append(v6, r)
		}
	}
	return v4, v6
}

// rangeSize is the number of addresses in r, saturating at MaxUint64.
func rangeSize(r netipx.IPRange) uint64 {
	from, to := r.From().As16(), r.To().As16()
	fh, fl := be64(from[:8]), be64(from[8:])
	th, tl := be64(to[:8]), be64(to[8:])
	lo := tl - fl
	hi := th - fh
	if tl < fl {
		hi--
	}
	if hi != 0 || lo == math.MaxUint64 {
		return math.MaxUint64
	}
	return lo + 1
}

func be64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

func addSat(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}
