package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/coveredtool/covered/internal/store"
	"go4.org/netipx"
)

// maxScanTargets bounds one web scan: at most this many target tokens and,
// across them, scanAddrLimit addresses (a /16).
const (
	maxScanTargets = 64
	scanAddrLimit  = 1 << 16
)

// startScan checks a scan request against the allowed ranges and starts it.
func (s *Server) startScan(r *http.Request, b scanBody, p *principal) (int64, error) {
	if s.cfg.Scan == nil {
		return 0, &httpError{http.StatusNotImplemented, "scans are not available on this server"}
	}
	if len(b.Targets) == 0 {
		return 0, badRequest("targets: give at least one address, CIDR or range")
	}
	if len(b.Targets) > maxScanTargets {
		return 0, badRequest("targets: at most %d per scan", maxScanTargets)
	}
	ranges, _, err := s.st.AllowedRanges(r.Context())
	if err != nil {
		return 0, err
	}
	allowed := s.scanSet(ranges)
	var total uint64
	var targets []string
	for _, t := range b.Targets {
		t = strings.TrimSpace(t)
		rg, err := parseTarget(t)
		if err != nil {
			return 0, badRequest("target %q: %v", t, err)
		}
		if !allowed.ContainsRange(rg) {
			return 0, &httpError{http.StatusForbidden, fmt.Sprintf("target %s is outside the ranges an administrator allowed", t)}
		}
		total += rangeSize(rg)
		if total > scanAddrLimit {
			return 0, badRequest("targets: more than %d addresses in one scan", scanAddrLimit)
		}
		// The scanner gets CIDRs, which mean the same to every parser.
		for _, p := range rg.Prefixes() {
			if p.IsSingleIP() {
				targets = append(targets, p.Addr().String())
			} else {
				targets = append(targets, p.String())
			}
		}
	}
	run, body, err := s.cfg.Scan(s.ctx, ScanRequest{Targets: targets, Site: strings.TrimSpace(b.Site), Actor: p.name})
	if err != nil {
		return 0, err
	}
	if err := s.background(body); err != nil {
		return 0, err
	}
	s.st.AuditEvent(r.Context(), p.name, "scan.start", "run", run, map[string]any{"targets": targets})
	return run, nil
}

// loopback is where loopback addresses live; unspecified are the "this
// host" addresses, never a scan target.
var (
	loopback    = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	unspecified = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("::/128")}
)

// scanSet is the set of addresses scans may target: the allowed ranges,
// except loopback and the server's own addresses, which are allowed only by
// a range that names them alone (a range inside 127.0.0.0/8, ::1, or one
// own address), never by a broader range that happens to include them.
func (s *Server) scanSet(ranges []netip.Prefix) *netipx.IPSet {
	var special, explicit netipx.IPSetBuilder
	for _, p := range append(loopback, unspecified...) {
		special.AddPrefix(p)
	}
	own := map[netip.Addr]bool{}
	for _, a := range s.cfg.OwnAddrs {
		special.Add(a)
		own[a] = true
	}
	for _, p := range ranges {
		if insideAny(p, loopback) || p.IsSingleIP() && own[p.Addr()] {
			explicit.AddPrefix(p)
		}
	}
	var b netipx.IPSetBuilder
	for _, p := range ranges {
		b.AddPrefix(p)
	}
	sp, _ := special.IPSet()
	b.RemoveSet(sp)
	ex, _ := explicit.IPSet()
	b.AddSet(ex)
	set, _ := b.IPSet()
	return set
}

func insideAny(p netip.Prefix, in []netip.Prefix) bool {
	for _, q := range in {
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// parseTarget reads an address, a CIDR or a from-to range. Web scans take
// no hostnames and no octet patterns: what they cover must be checkable
// against the allowed ranges before anything is sent.
func parseTarget(t string) (netipx.IPRange, error) {
	if a, err := netip.ParseAddr(t); err == nil {
		return netipx.IPRangeFrom(a.Unmap(), a.Unmap()), nil
	}
	if p, err := netip.ParsePrefix(t); err == nil {
		return unmapRange(netipx.RangeOfPrefix(p.Masked()))
	}
	if rg, err := netipx.ParseIPRange(t); err == nil {
		return unmapRange(rg)
	}
	return netipx.IPRange{}, errors.New("want an address, a CIDR (10.1.2.0/24) or a range (10.1.2.10-10.1.2.20)")
}

// unmapRange turns IPv4-mapped IPv6 ranges into IPv4, as the scanner and
// the dialer do, so that ::ffff:127.0.0.1 is checked as the loopback
// address it is. A range straddling mapped and other IPv6 addresses is
// refused rather than guessed at.
func unmapRange(rg netipx.IPRange) (netipx.IPRange, error) {
	from, to := rg.From(), rg.To()
	if from.Is4In6() != to.Is4In6() {
		return netipx.IPRange{}, errors.New("a range must not mix IPv4-mapped and other IPv6 addresses")
	}
	return netipx.IPRangeFrom(from.Unmap(), to.Unmap()), nil
}

// rangeSize counts a range's addresses, saturating far above any limit.
func rangeSize(rg netipx.IPRange) uint64 {
	n := uint64(0)
	for _, p := range rg.Prefixes() {
		host := p.Addr().BitLen() - p.Bits()
		if host >= 32 {
			return 1 << 32
		}
		n += 1 << host
	}
	return n
}

func isExists(err error) bool    { return errors.Is(err, store.ErrExists) }
func isLastAdmin(err error) bool { return errors.Is(err, store.ErrLastAdmin) }
