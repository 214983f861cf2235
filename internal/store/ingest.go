package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	covered "github.com/coveredtool/covered"
)

// MaxValueBytes bounds one observation value. Probes cap what they read far
// below this; the bound keeps one bad importer line from bloating the store.
const MaxValueBytes = 1 << 20

// Ingest writes one batch of a run's observations and the identifications
// computed from them in ONE transaction: the observations, the matching of
// each host to an asset (merging assets that turn out to be one device),
// the sightings, the identifications and the findings. A crash between
// batches loses nothing that was committed and never leaves half a batch.
//
// Observations and identifications are grouped by Host; a host is one device
// of the run. A host seen again in a later batch of the same run stays on the
// asset it was matched to the first time.
func (s *Store) Ingest(ctx context.Context, runID int64, obs []covered.Observation, ids []covered.Identification) error {
	return s.IngestWith(ctx, runID, obs, ids, IngestOptions{})
}

// IngestOptions are the optional inputs of IngestWith.
type IngestOptions struct {
	// Site gives the site of a host (by its Host label), for a scan that
	// spans sites (the config maps CIDRs to sites). "" or a nil Site
	// means the run's site. A host's weak identifiers (hostname, address)
	// are matched only against assets of its site, and a new asset
	// belongs to its first host's site.
	Site func(host string) string
}

// IngestWith is Ingest with options.
func (s *Store) IngestWith(ctx context.Context, runID int64, obs []covered.Observation, ids []covered.Identification, opt IngestOptions) error {
	for i, o := range obs {
		if o.Host == "" || o.Key == "" {
			return fmt.Errorf("store: ingest run %d: observation %d: host and key are required", runID, i)
		}
		if len(o.Value) > MaxValueBytes {
			return fmt.Errorf("store: ingest run %d: observation %d (%s %s): value is %d bytes, more than %d",
				runID, i, o.Host, o.Key, len(o.Value), MaxValueBytes)
		}
	}
	for i, id := range ids {
		if id.Host == "" {
			return fmt.Errorf("store: ingest run %d: identification %d: host is required", runID, i)
		}
	}
	if len(obs) == 0 && len(ids) == 0 {
		return nil
	}
	// The bodies keep each identification exactly as identify made it;
	// the copies the store matches and writes columns from are text-safe.
	bodies := make([]string, len(ids))
	for i := range ids {
		body, err := json.Marshal(&ids[i])
		if err != nil {
			return fmt.Errorf("store: ingest run %d: identification of %s: %w", runID, ids[i].Host, err)
		}
		bodies[i] = string(body)
	}
	// Sites are looked up by the caller's host labels, before cleaning,
	// and outside the write transaction.
	var sites map[string]string
	if opt.Site != nil {
		sites = map[string]string{}
		add := func(h string) {
			if _, ok := sites[s.d.text(h)]; !ok {
				sites[s.d.text(h)] = opt.Site(h)
			}
		}
		for _, o := range obs {
			add(o.Host)
		}
		for _, id := range ids {
			add(id.Host)
		}
	}
	obs = s.d.cleanObservations(obs)
	if s.d.postgres() {
		clean := make([]covered.Identification, len(ids))
		for i, id := range ids {
			clean[i] = s.d.cleanIdentification(id)
		}
		ids = clean
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.ingest(ctx, tx, runID, obs, ids, bodies, sites)
	})
	if err != nil {
		return fmt.Errorf("store: ingest run %d: %w", runID, err)
	}
	return nil
}

func (s *Store) ingest(ctx context.Context, tx *sql.Tx, runID int64, obs []covered.Observation, ids []covered.Identification, bodies []string, sites map[string]string) error {
	run, err := s.txRun(ctx, tx, runID)
	if err != nil {
		return err
	}
	if run.Status != RunRunning {
		return fmt.Errorf("run is %s, not running", run.Status)
	}
	now := s.clock()
	siteOf := func(host string) string {
		if site := sites[host]; site != "" {
			return site
		}
		return run.Site
	}
	hosts, byHost := collectFacts(obs, ids, siteOf, now, s.d.text)

	m := newMatcher(s, tx, run, now)
	if err := m.match(ctx, hosts); err != nil {
		return fmt.Errorf("match hosts to assets: %w", err)
	}
	// Assets are written once per batch with their final state: new ones
	// got their ids from the matcher, so no insert-then-update.
	var existing []int64
	for _, id := range m.touched() {
		if !m.fresh[id] {
			existing = append(existing, id)
		}
	}
	assets, err := s.loadAssetStates(ctx, tx, existing)
	if err != nil {
		return fmt.Errorf("load assets: %w", err)
	}
	for _, g := range m.groups {
		if m.fresh[g.asset] && assets[g.asset] == nil {
			assets[g.asset] = &assetState{id: g.asset, site: g.hosts[0].site, firstRun: runID, lastRun: runID,
				status: covered.StatusUnidentified}
		}
	}
	for _, g := range m.groups {
		assets[g.asset].see(g, runID)
	}
	plan, err := s.planIdentifications(ctx, tx, runID, ids, bodies, byHost, m, assets, now)
	if err != nil {
		return fmt.Errorf("identifications: %w", err)
	}
	if err := s.writeAssetStates(ctx, tx, assets); err != nil {
		return fmt.Errorf("assets: %w", err)
	}
	if err := s.writeIdentifications(ctx, tx, plan); err != nil {
		return fmt.Errorf("identifications: %w", err)
	}
	if err := s.writeLinks(ctx, tx, m.groups); err != nil {
		return fmt.Errorf("asset links: %w", err)
	}
	sightingOf, err := s.writeSightings(ctx, tx, runID, m.groups)
	if err != nil {
		return fmt.Errorf("sightings: %w", err)
	}
	if err := s.writeObservations(ctx, tx, runID, sightingOf, obs); err != nil {
		return fmt.Errorf("observations: %w", err)
	}
	if err := s.syncFindings(ctx, tx, runID, now, plan.applied, existing); err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	if _, err := s.txExec(ctx, tx, `UPDATE runs SET stored_observations = stored_observations + ? WHERE id = ?`,
		int64(len(obs)), runID); err != nil {
		return fmt.Errorf("run counters: %w", err)
	}
	return nil
}

// writeLinks records every identifier of every host as a link of its asset
// (first and last seen), so that matching finds the asset and a merge can
// be explained later. Which runs saw a link is not stored: AssetLinks
// derives it from the observations, which are the evidence anyway.
func (s *Store) writeLinks(ctx context.Context, tx *sql.Tx, groups []*group) error {
	type key struct {
		asset int64
		ident
	}
	idx := map[key]int{}
	var rows [][]any
	for _, g := range groups {
		for _, h := range g.hosts {
			for _, id := range h.ids {
				if id.kind == LinkIP {
					continue // the address history is in the sightings
				}
				k := key{g.asset, id}
				if i, ok := idx[k]; ok {
					r := rows[i]
					if lo := s.d.tv(h.seenLo); lessTime(lo, r[4]) {
						r[4] = lo
					}
					if hi := s.d.tv(h.seenHi); lessTime(r[5], hi) {
						r[5] = hi
					}
					continue
				}
				idx[k] = len(rows)
				rows = append(rows, []any{g.asset, id.kind, id.value, id.site, s.d.tv(h.seenLo), s.d.tv(h.seenHi)})
			}
		}
	}
	return s.insertRows(ctx, tx, `INSERT INTO asset_links (asset_id, kind, value, site, first_seen, last_seen)`, 6, rows,
		`ON CONFLICT (asset_id, kind, value, site) DO UPDATE SET
			first_seen = `+s.d.least("asset_links.first_seen", "excluded.first_seen")+`,
			last_seen = `+s.d.greatest("asset_links.last_seen", "excluded.last_seen"), nil)
}

// lessTime compares two bound time values of the same dialect (strings for
// SQLite, time.Time for PostgreSQL).
func lessTime(a, b any) bool {
	switch x := a.(type) {
	case string:
		return x < b.(string)
	case time.Time:
		return x.Before(b.(time.Time))
	}
	return false
}

// writeSightings records that the run saw each host, on which asset, and
// how the host was matched to it, and returns host -> sighting id.
func (s *Store) writeSightings(ctx context.Context, tx *sql.Tx, runID int64, groups []*group) (map[string]int64, error) {
	var rows [][]any
	for _, g := range groups {
		for _, h := range g.hosts {
			rows = append(rows, []any{runID, g.asset, h.host, h.ip, h.mac, s.d.tv(h.seenLo), s.d.tv(h.seenHi),
				h.nobs, g.matchKind, g.matchValue})
		}
	}
	ids := make(map[string]int64, len(rows))
	err := s.insertRows(ctx, tx, `INSERT INTO asset_sightings (run_id, asset_id, host, ip, mac, first_seen, last_seen,
		observations, match_kind, match_value)`, 10, rows,
		`ON CONFLICT (run_id, host) DO UPDATE SET
			ip = CASE WHEN excluded.ip <> '' THEN excluded.ip ELSE asset_sightings.ip END,
			mac = CASE WHEN excluded.mac <> '' THEN excluded.mac ELSE asset_sightings.mac END,
			first_seen = `+s.d.least("asset_sightings.first_seen", "excluded.first_seen")+`,
			last_seen = `+s.d.greatest("asset_sightings.last_seen", "excluded.last_seen")+`,
			observations = asset_sightings.observations + excluded.observations
		RETURNING id, host`, func(r *sql.Rows) error {
			var id int64
			var host string
			if err := r.Scan(&id, &host); err != nil {
				return err
			}
			ids[host] = id
			return nil
		})
	return ids, err
}

// writeObservations appends the batch verbatim. Values are stored as bytes
// (BLOB/BYTEA) because the contract allows any bytes, NUL included.
//
// This is the bulk of every ingest, so the rows share one backing array,
// and a value equal to the previous row's in the same column (the host,
// its address, the source, the time: a host's observations repeat them)
// reuses that row's interface value instead of boxing it again.
func (s *Store) writeObservations(ctx context.Context, tx *sql.Tx, runID int64, sightingOf map[string]int64, obs []covered.Observation) error {
	const ncol = 12
	rows := make([][]any, len(obs))
	flat := make([]any, len(obs)*ncol)
	var prev covered.Observation
	var prevSighting int64
	run := any(runID)
	for i, o := range obs {
		r := flat[i*ncol : (i+1)*ncol : (i+1)*ncol]
		if i == 0 {
			r[0] = run
			prevSighting = sightingOf[o.Host]
			r[1], r[2], r[3], r[5], r[6], r[7] = prevSighting, o.Host, o.Key, int64(o.Port), o.Transport, o.Path
			r[8], r[9], r[10], r[11] = o.Source, s.d.tv(o.Seen), o.IP, o.MAC
		} else {
			p := rows[i-1]
			r[0] = run
			if o.Host == prev.Host {
				r[1], r[2] = p[1], p[2]
			} else {
				prevSighting = sightingOf[o.Host]
				r[1], r[2] = prevSighting, o.Host
			}
			r[3] = reuse(p[3], prev.Key, o.Key)
			r[5] = reuse(p[5], int64(prev.Port), int64(o.Port))
			r[6] = reuse(p[6], prev.Transport, o.Transport)
			r[7] = reuse(p[7], prev.Path, o.Path)
			r[8] = reuse(p[8], prev.Source, o.Source)
			if o.Seen.Equal(prev.Seen) {
				r[9] = p[9]
			} else {
				r[9] = s.d.tv(o.Seen)
			}
			r[10] = reuse(p[10], prev.IP, o.IP)
			r[11] = reuse(p[11], prev.MAC, o.MAC)
		}
		r[4] = []byte(o.Value)
		rows[i] = r
		prev = o
	}
	return s.insertRows(ctx, tx, `INSERT INTO observations (run_id, sighting_id, host, key, value, port, transport, path,
		source, seen, ip, mac)`, ncol, rows, "", nil)
}

// reuse returns boxed, the interface value of was, when v equals was, and
// v boxed anew otherwise.
func reuse[T comparable](boxed any, was, v T) any {
	if v == was {
		return boxed
	}
	return v
}

// assetState is an asset row being updated by a batch.
type assetState struct {
	id                                 int64
	site                               string
	firstSeen, lastSeen                time.Time
	firstRun, lastRun                  int64
	lastHost, lastIP, lastMAC          string
	identID                            int64
	status                             covered.Status
	entity, manufacturer, brand, model string
	deviceType                         string
	confidence                         float64
	identRun                           int64 // run of the current identification
	mergedInto                         int64
	changed                            bool
}

// see folds one group's sighting into the asset: first/last seen widen, and
// the address fields follow the newest sighting.
func (a *assetState) see(g *group, runID int64) {
	for _, h := range g.hosts {
		if a.firstSeen.IsZero() || h.seenLo.Before(a.firstSeen) {
			a.firstSeen = h.seenLo
		}
		if !h.seenHi.Before(a.lastSeen) {
			a.lastSeen = h.seenHi
			a.lastRun = runID
			a.lastHost = h.host
			if h.ip != "" {
				a.lastIP = h.ip
			}
			if h.mac != "" {
				a.lastMAC = h.mac
			}
		}
	}
	a.changed = true
}

const assetStateCols = `a.id, a.site, a.first_seen, a.last_seen, a.first_run_id, a.last_run_id, a.last_host, a.last_ip,
	a.last_mac, a.identification_id, a.status, a.covered_entity, a.manufacturer, a.brand, a.model, a.device_type,
	a.confidence, i.run_id, a.merged_into`

func (s *Store) loadAssetStates(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64]*assetState, error) {
	out := make(map[int64]*assetState, len(ids))
	err := inChunks(ids, s.d.chunk(), func(part []int64) error {
		cond, args := inSet(s.d, part)
		rows, err := s.txQuery(ctx, tx, `SELECT `+assetStateCols+` FROM assets a
			LEFT JOIN identifications i ON i.id = a.identification_id WHERE `+cond("a.id"), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a := &assetState{}
			var status string
			if err := rows.Scan(&a.id, &a.site, ts(&a.firstSeen), ts(&a.lastSeen), &a.firstRun, &a.lastRun, &a.lastHost,
				&a.lastIP, &a.lastMAC, nullInt{&a.identID}, &status, &a.entity, &a.manufacturer, &a.brand, &a.model,
				&a.deviceType, &a.confidence, nullInt{&a.identRun}, nullInt{&a.mergedInto}); err != nil {
				return err
			}
			a.status = covered.Status(status)
			out[a.id] = a
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if out[id] == nil {
			return nil, fmt.Errorf("asset %d vanished", id)
		}
	}
	return out, nil
}

// writeAssetStates writes the changed assets back in bulk. INSERT ... ON
// CONFLICT (id) DO UPDATE is the one bulk update both engines accept. The
// rows go in id order: SQLite's search index (FTS5, kept by triggers) takes
// rowids in ascending order into its pending changes and must flush them to
// a new segment, to be merged later, each time a rowid comes lower than the
// last, which in map order is every other row.
func (s *Store) writeAssetStates(ctx context.Context, tx *sql.Tx, assets map[int64]*assetState) error {
	var rows [][]any
	for _, id := range slices.Sorted(maps.Keys(assets)) {
		a := assets[id]
		if !a.changed {
			continue
		}
		var ipKey any
		if addr, err := netip.ParseAddr(a.lastIP); err == nil {
			k := addr.As16()
			ipKey = k[:]
		}
		rows = append(rows, []any{a.id, a.site, s.d.tv(a.firstSeen), s.d.tv(a.lastSeen), a.firstRun, a.lastRun,
			a.lastHost, a.lastIP, ipKey, a.lastMAC, ni(a.identID), string(a.status), a.entity, a.manufacturer,
			a.brand, a.model, a.deviceType, a.confidence})
	}
	return s.insertRows(ctx, tx, `INSERT INTO assets (id, site, first_seen, last_seen, first_run_id, last_run_id,
		last_host, last_ip, last_ip_key, last_mac, identification_id, status, covered_entity, manufacturer, brand,
		model, device_type, confidence)`, 18, rows, `ON CONFLICT (id) DO UPDATE SET
		first_seen = excluded.first_seen, last_seen = excluded.last_seen, first_run_id = excluded.first_run_id,
		last_run_id = excluded.last_run_id, last_host = excluded.last_host, last_ip = excluded.last_ip,
		last_ip_key = excluded.last_ip_key, last_mac = excluded.last_mac, identification_id = excluded.identification_id,
		status = excluded.status, covered_entity = excluded.covered_entity, manufacturer = excluded.manufacturer,
		brand = excluded.brand, model = excluded.model, device_type = excluded.device_type,
		confidence = excluded.confidence`, nil)
}

// severity orders statuses for choosing between two identifications of one
// device in one run: the more severe verdict wins, so a second host label
// of a covered device cannot hide it.
func severity(s covered.Status) int {
	switch s {
	case covered.StatusCovered:
		return 3
	case covered.StatusSuspected:
		return 2
	case covered.StatusNotCovered:
		return 1
	}
	return 0
}

// appliedIdent is an identification that became an asset's current one.
type appliedIdent struct {
	asset   int64
	identID int64
	status  covered.Status
	entity  string
	at      time.Time // when the device was seen so identified: a new finding's first-found time
}

// identPlan is what a batch writes for identifications.
type identPlan struct {
	rows, changes [][]any
	applied       []appliedIdent
}

// nextID returns the next free id of table (assets or identifications).
// Those two tables get their ids from the store rather than the database
// sequence so that a batch can write rows that reference each other in one
// pass; it is safe because every write holds the store's write lock.
func (s *Store) nextID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	var n int64
	err := s.txQueryRow(ctx, tx, `SELECT COALESCE(max(id), 0) + 1 FROM `+table).Scan(&n)
	return n, err
}

// planIdentifications assigns ids to every identification of the batch
// (all are kept as history) and decides per asset whether the best of them
// replaces the current one. A new "unidentified" verdict does not replace
// an identified one: a quick ping sweep that learnt nothing about a device
// must not erase what a full scan proved. `covered reidentify`
// (ReplaceIdentifications) recomputes from all stored observations and
// always replaces. Within a batch, the more severe verdict wins, so a
// second host label of a covered device cannot hide it.
func (s *Store) planIdentifications(ctx context.Context, tx *sql.Tx, runID int64, ids []covered.Identification, bodies []string,
	byHost map[string]*hostFacts, m *matcher, assets map[int64]*assetState, now time.Time) (identPlan, error) {
	var p identPlan
	if len(ids) == 0 {
		return p, nil
	}
	next, err := s.nextID(ctx, tx, "identifications")
	if err != nil {
		return p, err
	}
	last := map[string]int{} // host -> index of its last identification in the batch
	for i, id := range ids {
		last[id.Host] = i
	}
	identOf := map[string]int64{}
	best := map[int64]*covered.Identification{}
	var order []int64
	for i := range ids {
		id := &ids[i]
		if last[id.Host] != i {
			continue
		}
		asset := m.hostAsset[byHost[id.Host]]
		identOf[id.Host] = next
		p.rows = append(p.rows, []any{next, asset, runID, id.Host, s.d.tv(now), string(id.Status), id.CoveredEntity,
			id.Manufacturer, id.Brand, id.Model, id.DeviceType, id.Confidence, id.RulesVersion, id.ListsVersion, bodies[i]})
		next++
		b := best[asset]
		if b == nil {
			order = append(order, asset)
		}
		if b == nil || severity(id.Status) > severity(b.Status) ||
			(severity(id.Status) == severity(b.Status) && id.Confidence > b.Confidence) {
			best[asset] = id
		}
	}
	for _, asset := range order {
		id := best[asset]
		a := assets[asset]
		newID := identOf[id.Host]
		if id.Status == covered.StatusUnidentified && a.identID != 0 && a.status != covered.StatusUnidentified {
			continue
		}
		if a.identID != 0 && (a.status != id.Status || a.entity != id.CoveredEntity) {
			p.changes = append(p.changes, []any{asset, runID, s.d.tv(now), a.identID, newID, string(a.status),
				string(id.Status), a.entity, id.CoveredEntity})
		}
		a.setIdentification(newID, runID, id)
		p.applied = append(p.applied, appliedIdent{asset, newID, id.Status, id.CoveredEntity, a.lastSeen})
	}
	return p, nil
}

func (s *Store) writeIdentifications(ctx context.Context, tx *sql.Tx, p identPlan) error {
	if err := s.insertRows(ctx, tx, `INSERT INTO identifications (id, asset_id, run_id, host, at, status, covered_entity,
		manufacturer, brand, model, device_type, confidence, rules_version, lists_version, body)`, 15, p.rows, "", nil); err != nil {
		return err
	}
	return s.insertRows(ctx, tx, `INSERT INTO identification_changes (asset_id, run_id, at, old_identification_id,
		new_identification_id, old_status, new_status, old_entity, new_entity)`, 9, p.changes, "", nil)
}

func (a *assetState) setIdentification(identID, runID int64, id *covered.Identification) {
	a.identID, a.identRun = identID, runID
	a.status, a.entity = id.Status, id.CoveredEntity
	a.manufacturer, a.brand, a.model = id.Manufacturer, id.Brand, id.Model
	a.deviceType, a.confidence = id.DeviceType, id.Confidence
	a.changed = true
}
