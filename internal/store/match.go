package store

import (
	"context"
	"database/sql"
	"slices"
	"time"
)

// group is the set of hosts of one batch that are one device: hosts that
// share a strong identifier (a host seen over IPv4 and IPv6, or by address
// and by name) end up in one group and on one asset.
type group struct {
	hosts []*hostFacts
	ids   []ident
	asset int64
	// matchKind and matchValue say how the group was tied to its asset:
	// "run" (the host was already matched earlier in this run), a link kind
	// and its value, or "new".
	matchKind, matchValue string
}

func (g *group) values(kind string) []string {
	var out []string
	for _, id := range g.ids {
		if id.kind == kind {
			out = append(out, id.value)
		}
	}
	return out
}

func (g *group) manufacturer() string {
	for _, h := range g.hosts {
		if h.manufacturer != "" {
			return h.manufacturer
		}
	}
	return ""
}

// candidate is what the matcher knows about an existing asset it may reuse.
type candidate struct {
	manufacturer string
	lastSeen     time.Time
	strong       map[string][]string // kind -> values of its strong links
	runHosts     []string            // hosts of this run already on it
}

// matcher ties the hosts of one batch to assets: strong identifiers first
// (merging assets they prove to be one device), then hostname within the
// site, then the address within the site, else a new asset. All lookups are
// done in bulk per batch, inside the write transaction, so the result is the
// same whether or not another process wrote in between batches.
type matcher struct {
	s   *Store
	tx  *sql.Tx
	run Run
	now time.Time

	groups    []*group
	hostAsset map[*hostFacts]int64
	// redirect maps an asset absorbed by a merge in this batch to its
	// survivor, so later groups that found the old id land on the new one.
	redirect map[int64]int64
	// claimed records which group took an asset, so that two hosts of one
	// run are never tied to one asset by a weak identifier.
	claimed map[int64]*group
	// fresh are the assets created for this batch.
	fresh map[int64]bool
}

func newMatcher(s *Store, tx *sql.Tx, run Run, now time.Time) *matcher {
	return &matcher{s: s, tx: tx, run: run, now: now, hostAsset: map[*hostFacts]int64{},
		redirect: map[int64]int64{}, claimed: map[int64]*group{}, fresh: map[int64]bool{}}
}

func (m *matcher) resolve(id int64) int64 {
	for {
		next, ok := m.redirect[id]
		if !ok {
			return id
		}
		id = next
	}
}

// touched lists the distinct assets of the batch.
func (m *matcher) touched() []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, g := range m.groups {
		if !seen[g.asset] {
			seen[g.asset] = true
			out = append(out, g.asset)
		}
	}
	return out
}

// buildGroups unions hosts that share a strong identifier.
func (m *matcher) buildGroups(hosts []*hostFacts) {
	parent := make([]int, len(hosts))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[ident]int{}
	for i, h := range hosts {
		for _, id := range h.strong() {
			if j, ok := owner[id]; ok {
				a, b := find(i), find(j)
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
				continue
			}
			owner[id] = i
		}
	}
	byRoot := map[int]*group{}
	for i, h := range hosts {
		r := find(i)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			m.groups = append(m.groups, g)
		}
		g.hosts = append(g.hosts, h)
		for _, id := range h.ids {
			if !slices.Contains(g.ids, id) {
				g.ids = append(g.ids, id)
			}
		}
	}
}

func (m *matcher) match(ctx context.Context, hosts []*hostFacts) error {
	m.buildGroups(hosts)
	prior, err := m.priorSightings(ctx, hosts)
	if err != nil {
		return err
	}
	strongHits, err := m.strongLinks(ctx)
	if err != nil {
		return err
	}
	// Pass 1: groups tied by this run's earlier batches or by strong links.
	var weak []*group
	for _, g := range m.groups {
		var cands []int64
		var by []ident
		for _, h := range g.hosts {
			if a, ok := prior[h.host]; ok {
				cands = append(cands, a)
				by = append(by, ident{kind: "run", value: h.host})
			}
		}
		for _, id := range g.ids {
			if a, ok := strongHits[id]; ok {
				cands = append(cands, a)
				by = append(by, id)
			}
		}
		if len(cands) == 0 {
			weak = append(weak, g)
			continue
		}
		survivor := int64(0)
		for _, c := range cands {
			if c = m.resolve(c); survivor == 0 || c < survivor {
				survivor = c
			}
		}
		g.asset, g.matchKind, g.matchValue = survivor, by[0].kind, by[0].value
		// A merge is explained by the identifier that proved it: a strong
		// one when the group has any, not "the same host earlier in the run".
		reason := func(i int) ident {
			if by[i].kind != "run" {
				return by[i]
			}
			for _, b := range by {
				if b.kind != "run" {
					return b
				}
			}
			return by[i]
		}
		for i, c := range cands {
			if c = m.resolve(c); c != survivor {
				// The oldest asset survives, so the id in tickets and
				// earlier reports stays the primary one.
				if err := m.s.mergeAssets(ctx, m.tx, survivor, c, reason(i), m.run.ID, m.now); err != nil {
					return err
				}
				m.redirect[c] = survivor
			}
		}
		m.claimed[survivor] = g
	}
	// Pass 2: hostname, then address, within the site.
	if len(weak) > 0 {
		if err := m.matchWeak(ctx, weak); err != nil {
			return err
		}
	}
	// New assets for the rest; groups matched before a later merge follow
	// their asset to the survivor.
	var fresh []*group
	for _, g := range m.groups {
		if g.asset == 0 {
			fresh = append(fresh, g)
		}
		g.asset = m.resolve(g.asset)
	}
	if err := m.createAssets(ctx, fresh); err != nil {
		return err
	}
	for _, g := range m.groups {
		for _, h := range g.hosts {
			m.hostAsset[h] = g.asset
		}
	}
	return nil
}

// priorSightings returns host -> asset for hosts this run already saw.
func (m *matcher) priorSightings(ctx context.Context, hosts []*hostFacts) (map[string]int64, error) {
	out := map[string]int64{}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.host
	}
	err := inChunks(names, m.s.d.chunk(), func(part []string) error {
		cond, args := inSet(m.s.d, part)
		rows, err := m.s.txQuery(ctx, m.tx, `SELECT host, asset_id FROM asset_sightings WHERE run_id = ? AND `+cond("host"),
			append([]any{m.run.ID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			var a int64
			if err := rows.Scan(&h, &a); err != nil {
				return err
			}
			out[h] = a
		}
		return rows.Err()
	})
	return out, err
}

// strongLinks finds the assets that already hold the batch's strong
// identifiers. The unique index on strong links guarantees at most one.
func (m *matcher) strongLinks(ctx context.Context) (map[ident]int64, error) {
	var values []string
	seen := map[string]bool{}
	for _, g := range m.groups {
		for _, id := range g.ids {
			if strongKind(id.kind) && !seen[id.value] {
				seen[id.value] = true
				values = append(values, id.value)
			}
		}
	}
	out := map[ident]int64{}
	err := inChunks(values, m.s.d.chunk(), func(part []string) error {
		cond, args := inSet(m.s.d, part)
		rows, err := m.s.txQuery(ctx, m.tx, `SELECT kind, value, asset_id FROM asset_links
			WHERE `+cond("value")+` AND kind IN ('mac', 'serial', 'tls')`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id ident
			var a int64
			if err := rows.Scan(&id.kind, &id.value, &a); err != nil {
				return err
			}
			out[id] = a
		}
		return rows.Err()
	})
	return out, err
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// createAssets gives each unmatched group a new asset id; Ingest writes
// the asset rows with their final state once the batch is worked out.
func (m *matcher) createAssets(ctx context.Context, groups []*group) error {
	if len(groups) == 0 {
		return nil
	}
	next, err := m.s.nextID(ctx, m.tx, "assets")
	if err != nil {
		return err
	}
	for _, g := range groups {
		g.asset, g.matchKind = next, "new"
		m.fresh[next] = true
		next++
	}
	return nil
}

func dedupe(v []string) []string {
	slices.Sort(v)
	return slices.Compact(v)
}
