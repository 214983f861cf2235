package targets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
)

// Resolver looks up hostnames. It is an interface so that tests (and a scan
// agent with its own DNS view) can inject answers; net.DefaultResolver
// satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

var _ Resolver = net.DefaultResolver

// maxLookups bounds concurrent lookups, so a -iL file of a thousand names
// resolves in seconds without flooding the local DNS server.
const maxLookups = 8

// lookup is one hostname and the first token that named it.
type lookup struct {
	name, kind, tok string
	addrs           []netip.Addr
	err             error
}

// resolveAll looks up every distinct hostname among the targets,
// concurrently, and returns the addresses by name. The error reported is
// that of the first failing name in input order, so it does not depend on
// which lookup finished first.
func resolveAll(ctx context.Context, r Resolver, groups ...namedTargets) (map[string][]netip.Addr, error) {
	var todo []*lookup
	seen := map[string]bool{}
	for _, g := range groups {
		for _, t := range g.targets {
			if t.name == "" || seen[t.name] {
				continue
			}
			seen[t.name] = true
			todo = append(todo, &lookup{name: t.name, kind: g.kind, tok: t.tok})
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}
	if r == nil {
		return nil, fmt.Errorf("%s %q: hostname given but no resolver", todo[0].kind, todo[0].tok)
	}
	sem := make(chan struct{}, maxLookups)
	var wg sync.WaitGroup
	for _, l := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			l.addrs, l.err = r.LookupNetIP(ctx, "ip", l.name)
		}()
	}
	wg.Wait()
	out := make(map[string][]netip.Addr, len(todo))
	for _, l := range todo {
		if l.err != nil {
			return nil, fmt.Errorf("%s %q: resolve %s: %w", l.kind, l.tok, l.name, l.err)
		}
		addrs := cleanAddrs(l.addrs)
		if len(addrs) == 0 {
			return nil, fmt.Errorf("%s %q: %s resolves to no address", l.kind, l.tok, l.name)
		}
		out[l.name] = addrs
	}
	return out, nil
}

// cleanAddrs unmaps IPv4-in-IPv6 answers (the Go resolver returns them for
// network "ip"), drops zones and invalid values, and removes duplicates,
// keeping the resolver's order.
func cleanAddrs(in []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, a := range in {
		if !a.IsValid() {
			continue
		}
		a = a.Unmap().WithZone("")
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// hostPrefixes applies a hostname's prefix length to its addresses. A
// length of /32 or less means IPv4 ("gw.example/24" is the /24 around the
// gateway), a longer one IPv6; a name with no address of that family is an
// error rather than a silent empty scope.
func hostPrefixes(t target, addrs []netip.Addr) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, a := range addrs {
		bits := t.bits
		switch {
		case bits < 0:
			bits = a.BitLen()
		case a.Is4() != (bits <= 32):
			continue
		}
		out = append(out, netip.PrefixFrom(a, bits).Masked())
	}
	if len(out) == 0 {
		fam := "IPv4"
		if t.bits > 32 {
			fam = "IPv6"
		}
		return nil, fmt.Errorf("%s has no %s address, and /%d applies to %s", t.name, fam, t.bits, fam)
	}
	return out, nil
}

// ErrNoTargets reports that Parse got an empty include list; the command
// line maps it to a usage error.
var ErrNoTargets = errors.New("no targets given")
