// Package asn maps IP addresses to autonomous systems, for the import stage:
// flow records name remote addresses only, and what makes such an address
// interesting is the network it belongs to (the covered carriers' ASNs).
//
// A DB is built from files the user already has or can fetch without
// registering anywhere: a MaxMind DB (GeoLite2-ASN, GeoIP2-ISP, DB-IP ASN
// Lite, or ipinfo's ASN databases) and prefix lists (ipverse/asn-ip
// aggregated.json and ipv4/ipv6-aggregated.txt, iptoasn.com TSV, or plain
// "CIDR ASN [name]" lines). Open tells them apart by content. Several
// files combine with Merge; Watch narrows a DB to the autonomous systems of
// interest and adapts it to importer.NetworkLookup.
//
// Lookups never touch the network: everything comes from the files.
package asn

import (
	"errors"
	"net/netip"

	"github.com/gaissmai/bart"

	"github.com/coveredtool/covered/internal/importer"
)

// entry is what a prefix list says about one prefix.
type entry struct {
	asn uint32
	org string // AS name, "" when the list gives none
}

// DB answers which autonomous system an address belongs to.
//
// Prefix lists take precedence over MaxMind databases: a user who names
// prefixes means them, and a prefix list is usually the fresher, narrower
// source (one carrier's announcements) laid over a general database. Among
// prefix lists the longest matching prefix wins, whichever file it came
// from; a prefix listed in two files keeps the first file's ASN. Among
// MaxMind databases the first one that knows the address answers.
//
// A DB is safe for concurrent lookups. Close it once lookups are over, not
// while they run; lookups after Close answer nothing.
type DB struct {
	prefixes *bart.Table[entry] // nil when no prefix list went in
	mmdbs    []*mmdb
}

// Lookup returns the autonomous system of ip: its number and, when the
// source names it, its organization. ok is false when no source knows the
// address (or knows it as AS0, "not routed"). IPv4-mapped IPv6 addresses
// are looked up as IPv4; zones are ignored.
func (db *DB) Lookup(ip netip.Addr) (asn uint32, org string, ok bool) {
	return db.find(ip, nil)
}

// find is Lookup that reads the organization from a MaxMind DB only when
// wantOrg (if not nil) says the ASN is worth it: decoding the name costs
// more than the rest of the lookup, and most addresses of a flow file
// belong to networks nobody asked about.
func (db *DB) find(ip netip.Addr, wantOrg func(asn uint32) bool) (asn uint32, org string, ok bool) {
	if db == nil || !ip.IsValid() {
		return 0, "", false
	}
	ip = ip.Unmap().WithZone("")
	if db.prefixes != nil {
		if e, found := db.prefixes.Lookup(ip); found {
			return e.asn, e.org, true
		}
	}
	for _, m := range db.mmdbs {
		if asn, org, ok := m.lookup(ip, wantOrg); ok {
			return asn, org, true
		}
	}
	return 0, "", false
}

// Len is the number of prefixes the prefix lists hold (MaxMind databases
// not counted), for messages such as "loaded 1,234 prefixes".
func (db *DB) Len() int {
	if db == nil || db.prefixes == nil {
		return 0
	}
	return db.prefixes.Size()
}

// Close releases the MaxMind databases (their memory maps). Closing twice,
// or closing both a merged DB and its parts, is harmless.
func (db *DB) Close() error {
	if db == nil {
		return nil
	}
	var errs []error
	for _, m := range db.mmdbs {
		if err := m.r.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Merge combines several databases (one per --asn-prefixes file and
// --asn-db) into one, with the precedence DB documents: prefix lists first,
// longest prefix winning across all of them and the earlier DB winning a
// tie on the same prefix; then MaxMind databases in the order given. Nil
// DBs are skipped.
//
// The merged DB shares the parts' MaxMind readers: closing it closes them.
// The parts' prefix tables are copied, so a part may be dropped.
func Merge(dbs ...*DB) *DB {
	out := &DB{}
	for _, db := range dbs {
		if db == nil {
			continue
		}
		if db.prefixes != nil {
			if out.prefixes == nil {
				out.prefixes = new(bart.Table[entry])
			}
			for pfx, e := range db.prefixes.All() {
				if _, exists := out.prefixes.Get(pfx); !exists {
					out.prefixes.Insert(pfx, e)
				}
			}
		}
		out.mmdbs = append(out.mmdbs, db.mmdbs...)
	}
	return out
}

// Watch narrows db to the autonomous systems interesting says yes to, as
// the importers' NetworkLookup. The organization is the one db gives, else
// the one interesting returns (a curated name such as "China Telecom
// (Americas)"), so a prefix list without names still reads well.
func Watch(db *DB, interesting func(asn uint32) (org string, ok bool)) importer.NetworkLookup {
	return watch{db: db, interesting: interesting}
}

type watch struct {
	db          *DB
	interesting func(uint32) (string, bool)
}

var _ importer.NetworkLookup = watch{}

func (w watch) LookupNetwork(ip netip.Addr) (importer.Network, bool) {
	var name string
	var interesting, asked bool
	ask := func(asn uint32) bool {
		name, interesting = w.interesting(asn)
		asked = true
		return interesting
	}
	asn, org, ok := w.db.find(ip, ask)
	if !ok {
		return importer.Network{}, false
	}
	if !asked {
		ask(asn)
	}
	if !interesting {
		return importer.Network{}, false
	}
	if org == "" {
		org = name
	}
	return importer.Network{ASN: asn, Org: org}, true
}
