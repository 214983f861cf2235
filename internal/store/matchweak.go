package store

import (
	"context"
	"slices"
	"strings"
)

// matchWeak ties groups without a strong match to an asset of the same site
// by hostname, then by current address. A candidate is refused when it holds
// a different strong identifier of a kind the group also has (a replacement
// device that took over the old one's name or address), when its maker
// differs from the group's identified maker, or when another host of this
// run is already on it.
func (m *matcher) matchWeak(ctx context.Context, groups []*group) error {
	// Weak identifiers are looked up within their host's site, one site
	// at a time (a batch has few).
	names := map[string][]string{} // site -> hostnames
	ips := map[string][]string{}   // site -> addresses
	for _, g := range groups {
		for _, id := range g.ids {
			switch id.kind {
			case LinkHostname:
				names[id.site] = append(names[id.site], id.value)
			case LinkIP:
				ips[id.site] = append(ips[id.site], id.value)
			}
		}
	}
	byName := map[ident][]int64{}
	byIP := map[ident][]int64{}
	cands := map[int64]*candidate{}
	lookup := func(kind, q, col string, bySite map[string][]string, hits map[ident][]int64) error {
		for site, values := range bySite {
			err := inChunks(dedupe(values), m.s.d.chunk(), func(part []string) error {
				cond, args := inSet(m.s.d, part)
				rows, err := m.s.txQuery(ctx, m.tx, q+cond(col), append([]any{site}, args...)...)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var v string
					var a int64
					if err := rows.Scan(&v, &a); err != nil {
						return err
					}
					k := ident{kind, v, site}
					hits[k] = append(hits[k], a)
					cands[a] = nil
				}
				return rows.Err()
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := lookup(LinkHostname, `SELECT value, asset_id FROM asset_links
		WHERE kind = 'hostname' AND site = ? AND `, "value", names, byName); err != nil {
		return err
	}
	if err := lookup(LinkIP, `SELECT last_ip, id FROM assets
		WHERE site = ? AND merged_into IS NULL AND `, "last_ip", ips, byIP); err != nil {
		return err
	}
	if len(cands) == 0 {
		return nil
	}
	if err := m.loadCandidates(ctx, cands); err != nil {
		return err
	}
	for _, g := range groups {
		for _, kind := range []string{LinkHostname, LinkIP} {
			hits := byName
			if kind == LinkIP {
				hits = byIP
			}
			var best int64
			var bestValue string
			for _, id := range g.ids {
				if id.kind != kind {
					continue
				}
				v := id.value
				for _, a := range hits[id] {
					a = m.resolve(a)
					c := cands[a]
					if c == nil || !m.acceptable(g, a, c) {
						continue
					}
					if best == 0 || c.lastSeen.After(cands[best].lastSeen) ||
						(c.lastSeen.Equal(cands[best].lastSeen) && a > best) {
						best, bestValue = a, v
					}
				}
			}
			if best != 0 {
				g.asset, g.matchKind, g.matchValue = best, kind, bestValue
				m.claimed[best] = g
				break
			}
		}
	}
	return nil
}

func (m *matcher) acceptable(g *group, asset int64, c *candidate) bool {
	if other, ok := m.claimed[asset]; ok && other != g {
		return false
	}
	for _, h := range c.runHosts {
		if !slices.ContainsFunc(g.hosts, func(x *hostFacts) bool { return x.host == h }) {
			return false
		}
	}
	for _, kind := range []string{LinkMAC, LinkSerial, LinkTLS} {
		mine := g.values(kind)
		if len(mine) > 0 && len(c.strong[kind]) > 0 {
			// Sharing one would have been a strong match, so any value
			// here means the two disagree.
			return false
		}
	}
	if mf := g.manufacturer(); mf != "" && c.manufacturer != "" && !strings.EqualFold(mf, c.manufacturer) {
		return false
	}
	return true
}

func (m *matcher) loadCandidates(ctx context.Context, cands map[int64]*candidate) error {
	ids := make([]int64, 0, len(cands))
	for id := range cands {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return inChunks(ids, m.s.d.chunk(), func(part []int64) error {
		cond, args := inSet(m.s.d, part)
		rows, err := m.s.txQuery(ctx, m.tx, `SELECT id, manufacturer, last_seen FROM assets WHERE `+cond("id"), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			c := &candidate{strong: map[string][]string{}}
			var id int64
			if err := rows.Scan(&id, &c.manufacturer, ts(&c.lastSeen)); err != nil {
				rows.Close()
				return err
			}
			cands[id] = c
		}
		if err := closeRows(rows); err != nil {
			return err
		}
		rows, err = m.s.txQuery(ctx, m.tx, `SELECT asset_id, kind, value FROM asset_links
			WHERE `+cond("asset_id")+` AND kind IN ('mac', 'serial', 'tls')`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var kind, value string
			if err := rows.Scan(&id, &kind, &value); err != nil {
				rows.Close()
				return err
			}
			if c := cands[id]; c != nil {
				c.strong[kind] = append(c.strong[kind], value)
			}
		}
		if err := closeRows(rows); err != nil {
			return err
		}
		rows, err = m.s.txQuery(ctx, m.tx, `SELECT asset_id, host FROM asset_sightings
			WHERE run_id = ? AND `+cond("asset_id"), append([]any{m.run.ID}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var host string
			if err := rows.Scan(&id, &host); err != nil {
				rows.Close()
				return err
			}
			if c := cands[id]; c != nil {
				c.runHosts = append(c.runHosts, host)
			}
		}
		return closeRows(rows)
	})
}
