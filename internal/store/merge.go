package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// mergeAssets folds absorbed into survivor because they share the strong
// identifier by: links, sightings, identifications and findings move to the
// survivor; the absorbed asset stays as a tombstone (merged_into) so that an
// id quoted in a ticket still resolves; the merge itself is recorded in
// asset_merges and the audit log. Nothing is merged silently.
func (s *Store) mergeAssets(ctx context.Context, tx *sql.Tx, survivor, absorbed int64, by ident, runID int64, now time.Time) error {
	if err := s.mergeLinks(ctx, tx, survivor, absorbed); err != nil {
		return fmt.Errorf("merge asset %d into %d: links: %w", absorbed, survivor, err)
	}
	for _, q := range []string{
		`UPDATE asset_sightings SET asset_id = ? WHERE asset_id = ?`,
		`UPDATE identifications SET asset_id = ? WHERE asset_id = ?`,
		`UPDATE identification_changes SET asset_id = ? WHERE asset_id = ?`,
		// Tombstones that pointed at the absorbed asset now point at the
		// survivor, so resolving an old id takes one step.
		`UPDATE assets SET merged_into = ? WHERE merged_into = ?`,
	} {
		if _, err := s.txExec(ctx, tx, q, survivor, absorbed); err != nil {
			return fmt.Errorf("merge asset %d into %d: %w", absorbed, survivor, err)
		}
	}
	if err := s.mergeFindings(ctx, tx, survivor, absorbed, runID, now); err != nil {
		return fmt.Errorf("merge asset %d into %d: findings: %w", absorbed, survivor, err)
	}
	if err := s.mergeCheckFindings(ctx, tx, survivor, absorbed); err != nil {
		return fmt.Errorf("merge asset %d into %d: check findings: %w", absorbed, survivor, err)
	}
	st, err := s.loadAssetStates(ctx, tx, []int64{survivor, absorbed})
	if err != nil {
		return fmt.Errorf("merge asset %d into %d: %w", absorbed, survivor, err)
	}
	sv, ab := st[survivor], st[absorbed]
	if ab.firstSeen.Before(sv.firstSeen) {
		sv.firstSeen, sv.firstRun = ab.firstSeen, ab.firstRun
	}
	if ab.lastSeen.After(sv.lastSeen) {
		sv.lastSeen, sv.lastRun, sv.lastHost, sv.lastIP, sv.lastMAC = ab.lastSeen, ab.lastRun, ab.lastHost, ab.lastIP, ab.lastMAC
	}
	// The newer identification describes the device better.
	if ab.identID > sv.identID {
		sv.identID, sv.identRun, sv.status, sv.entity = ab.identID, ab.identRun, ab.status, ab.entity
		sv.manufacturer, sv.brand, sv.model, sv.deviceType, sv.confidence = ab.manufacturer, ab.brand, ab.model, ab.deviceType, ab.confidence
	}
	sv.changed = true
	if err := s.writeAssetStates(ctx, tx, map[int64]*assetState{survivor: sv}); err != nil {
		return fmt.Errorf("merge asset %d into %d: %w", absorbed, survivor, err)
	}
	if _, err := s.txExec(ctx, tx, `UPDATE assets SET merged_into = ?, merged_at = ? WHERE id = ?`,
		survivor, s.d.tv(now), absorbed); err != nil {
		return fmt.Errorf("merge asset %d into %d: %w", absorbed, survivor, err)
	}
	if _, err := s.txExec(ctx, tx, `INSERT INTO asset_merges (survivor_id, absorbed_id, kind, value, run_id, at)
		VALUES (?, ?, ?, ?, ?, ?)`, survivor, absorbed, by.kind, by.value, runID, s.d.tv(now)); err != nil {
		return fmt.Errorf("merge asset %d into %d: %w", absorbed, survivor, err)
	}
	return s.audit(ctx, tx, now, SystemActor, "asset.merge", "asset", survivor, map[string]any{
		"absorbed": absorbed, "kind": by.kind, "value": by.value, "run": runID,
	})
}

// mergeLinks moves the absorbed asset's links to the survivor; a link both
// hold is combined (widest first/last seen).
func (s *Store) mergeLinks(ctx context.Context, tx *sql.Tx, survivor, absorbed int64) error {
	type link struct {
		id          int64
		first, last time.Time
	}
	load := func(asset int64) (map[ident]link, error) {
		rows, err := s.txQuery(ctx, tx, `SELECT id, kind, value, site, first_seen, last_seen FROM asset_links WHERE asset_id = ?`, asset)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[ident]link{}
		for rows.Next() {
			var l link
			var id ident
			if err := rows.Scan(&l.id, &id.kind, &id.value, &id.site, ts(&l.first), ts(&l.last)); err != nil {
				return nil, err
			}
			out[id] = l
		}
		return out, rows.Err()
	}
	mine, err := load(survivor)
	if err != nil {
		return err
	}
	theirs, err := load(absorbed)
	if err != nil {
		return err
	}
	for id, l := range theirs {
		keep, dup := mine[id]
		if !dup {
			if _, err := s.txExec(ctx, tx, `UPDATE asset_links SET asset_id = ? WHERE id = ?`, survivor, l.id); err != nil {
				return err
			}
			continue
		}
		first, last := keep.first, keep.last
		if l.first.Before(first) {
			first = l.first
		}
		if l.last.After(last) {
			last = l.last
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE asset_links SET first_seen = ?, last_seen = ? WHERE id = ?`, []any{s.d.tv(first), s.d.tv(last), keep.id}},
			{`DELETE FROM asset_links WHERE id = ?`, []any{l.id}},
		} {
			if _, err := s.txExec(ctx, tx, q.sql, q.args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeFindings moves the absorbed asset's findings to the survivor. When
// both have a finding for the same covered entity, the survivor's finding
// (and its remediation) stays and takes the earlier first-found; the other
// is marked merged_into it, keeping its own remediation history.
func (s *Store) mergeFindings(ctx context.Context, tx *sql.Tx, survivor, absorbed, runID int64, now time.Time) error {
	type fnd struct {
		id, firstRun int64
		entity       string
		firstFound   time.Time
	}
	load := func(asset int64) (map[string]fnd, error) {
		rows, err := s.txQuery(ctx, tx, `SELECT id, covered_entity, first_run_id, first_found FROM findings
			WHERE asset_id = ? AND merged_into IS NULL`, asset)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]fnd{}
		for rows.Next() {
			var f fnd
			if err := rows.Scan(&f.id, &f.entity, &f.firstRun, ts(&f.firstFound)); err != nil {
				return nil, err
			}
			out[f.entity] = f
		}
		return out, rows.Err()
	}
	mine, err := load(survivor)
	if err != nil {
		return err
	}
	theirs, err := load(absorbed)
	if err != nil {
		return err
	}
	for entity, f := range theirs {
		keep, dup := mine[entity]
		if !dup {
			if _, err := s.txExec(ctx, tx, `UPDATE findings SET asset_id = ? WHERE id = ?`, survivor, f.id); err != nil {
				return err
			}
			continue
		}
		if _, err := s.txExec(ctx, tx, `UPDATE findings SET merged_into = ?, active = FALSE WHERE id = ?`, keep.id, f.id); err != nil {
			return err
		}
		if f.firstFound.Before(keep.firstFound) {
			if _, err := s.txExec(ctx, tx, `UPDATE findings SET first_found = ?, first_run_id = ? WHERE id = ?`,
				s.d.tv(f.firstFound), f.firstRun, keep.id); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, tx, now, SystemActor, "finding.merge", "finding", keep.id, map[string]any{
			"absorbed": f.id, "asset": survivor, "absorbed_asset": absorbed, "run": runID,
		}); err != nil {
			return err
		}
	}
	return nil
}
