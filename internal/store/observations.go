package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	covered "github.com/coveredtool/covered"
)

// ObservationRecord is a stored observation with its provenance: the run
// that made it and the asset its host was matched to.
type ObservationRecord struct {
	ID      int64 `json:"id"`
	RunID   int64 `json:"run_id"`
	AssetID int64 `json:"asset_id"`
	covered.Observation
}

// ObservationFilter selects observations; zero fields do not filter.
type ObservationFilter struct {
	RunID   int64
	AssetID int64
	Since   time.Time // observations seen at or after
}

// Observations streams stored observations to fn, ordered by asset and then
// storage order, so that `covered reidentify` can gather one asset's
// evidence at a time without holding the store in memory. It reads from
// the read pool, so writes (ReplaceIdentifications) may run meanwhile; fn
// returning an error stops the walk and returns it.
//
// The asset of an observation is that of its sighting (run, host): the
// observations table itself is append-only and never rewritten by merges.
func (s *Store) Observations(ctx context.Context, f ObservationFilter, fn func(ObservationRecord) error) error {
	var where []string
	var args []any
	if f.RunID != 0 {
		where, args = append(where, "x.run_id = ?"), append(args, f.RunID)
	}
	if f.AssetID != 0 {
		where, args = append(where, "x.asset_id = ?"), append(args, f.AssetID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "o.seen >= ?"), append(args, s.d.tv(f.Since))
	}
	rows, err := s.query(ctx, `SELECT o.id, o.run_id, x.asset_id, o.host, o.key, o.value, o.port, o.transport, o.path,
		o.source, o.seen, o.ip, o.mac FROM observations o
		JOIN asset_sightings x ON x.id = o.sighting_id`+whereClause(where)+
		` ORDER BY x.asset_id, o.id`, args...)
	if err != nil {
		return fmt.Errorf("store: observations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ObservationRecord
		var value []byte
		if err := rows.Scan(&r.ID, &r.RunID, &r.AssetID, &r.Host, &r.Key, &value, &r.Port, &r.Transport, &r.Path,
			&r.Source, ts(&r.Seen), &r.IP, &r.MAC); err != nil {
			return fmt.Errorf("store: observations: %w", err)
		}
		r.Value = string(value)
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: observations: %w", err)
	}
	return nil
}

// IdentificationRecord is a stored identification: which asset, which run,
// and the full identification as the identify stage produced it.
type IdentificationRecord struct {
	ID      int64     `json:"id"`
	AssetID int64     `json:"asset_id"`
	RunID   int64     `json:"run_id"`
	At      time.Time `json:"at"`
	covered.Identification
}

// IdentificationChange records that an asset's current verdict changed
// (status or covered entity), and in which run: a rule update that turns a
// device from suspected to covered shows up here.
type IdentificationChange struct {
	AssetID              int64          `json:"asset_id"`
	RunID                int64          `json:"run_id"`
	At                   time.Time      `json:"at"`
	OldIdentificationID  int64          `json:"old_identification_id"`
	NewIdentificationID  int64          `json:"new_identification_id"`
	OldStatus, NewStatus covered.Status `json:"-"`
	OldEntity, NewEntity string         `json:"-"`
}

// MarshalJSON writes the old/new pairs under readable names.
func (c IdentificationChange) MarshalJSON() ([]byte, error) {
	type plain IdentificationChange
	return json.Marshal(struct {
		plain
		OldStatus covered.Status `json:"old_status"`
		NewStatus covered.Status `json:"new_status"`
		OldEntity string         `json:"old_entity"`
		NewEntity string         `json:"new_entity"`
	}{plain(c), c.OldStatus, c.NewStatus, c.OldEntity, c.NewEntity})
}

func (s *Store) identifications(ctx context.Context, where string, args ...any) ([]IdentificationRecord, error) {
	rows, err := s.query(ctx, `SELECT id, asset_id, run_id, at, body FROM identifications WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IdentificationRecord
	for rows.Next() {
		var r IdentificationRecord
		var body string
		if err := rows.Scan(&r.ID, &r.AssetID, &r.RunID, ts(&r.At), jsonText{&body}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &r.Identification); err != nil {
			return nil, fmt.Errorf("identification %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Store) identificationChanges(ctx context.Context, where string, args ...any) ([]IdentificationChange, error) {
	rows, err := s.query(ctx, `SELECT asset_id, run_id, at, old_identification_id, new_identification_id, old_status,
		new_status, old_entity, new_entity FROM identification_changes WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IdentificationChange
	for rows.Next() {
		var c IdentificationChange
		var os, ns string
		if err := rows.Scan(&c.AssetID, &c.RunID, ts(&c.At), nullInt{&c.OldIdentificationID}, &c.NewIdentificationID,
			&os, &ns, &c.OldEntity, &c.NewEntity); err != nil {
			return nil, err
		}
		c.OldStatus, c.NewStatus = covered.Status(os), covered.Status(ns)
		out = append(out, c)
	}
	return out, rows.Err()
}

// IdentificationChanges lists the verdict changes a run made.
func (s *Store) IdentificationChanges(ctx context.Context, runID int64) ([]IdentificationChange, error) {
	out, err := s.identificationChanges(ctx, `run_id = ?`, runID)
	if err != nil {
		return nil, fmt.Errorf("store: identification changes of run %d: %w", runID, err)
	}
	return out, nil
}

// AssetIdentification is a reidentification result: the asset it is for,
// since reidentify works per asset over all its stored observations.
type AssetIdentification struct {
	AssetID int64
	covered.Identification
}

// ReplaceIdentifications stores the results of `covered reidentify` (run
// of kind reidentify) as the assets' current identifications, always
// replacing the previous ones, records every status/entity change, and
// brings findings in line: new findings open, findings no longer flagged
// become inactive with their remediation history kept. Devices are not
// sighted by a reidentification, so last-seen times do not move.
func (s *Store) ReplaceIdentifications(ctx context.Context, runID int64, ids []AssetIdentification) ([]IdentificationChange, error) {
	var changes []IdentificationChange
	err := s.write(ctx, func(tx *sql.Tx) error {
		run, err := s.txRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		if run.Status != RunRunning {
			return fmt.Errorf("run is %s, not running", run.Status)
		}
		now := s.clock()
		assetIDs := make([]int64, len(ids))
		for i, id := range ids {
			assetIDs[i] = id.AssetID
		}
		assets, err := s.loadAssetStates(ctx, tx, dedupeIDs(assetIDs))
		if err != nil {
			return err
		}
		var applied []appliedIdent
		for _, id := range ids {
			a := assets[id.AssetID]
			if a.mergedInto != 0 {
				return fmt.Errorf("asset %d was merged into asset %d; identify that one", a.id, a.mergedInto)
			}
			host := id.Host
			if host == "" {
				host = a.lastHost
				id.Host = host
			}
			body, err := json.Marshal(id.Identification)
			if err != nil {
				return err
			}
			id.Identification = s.d.cleanIdentification(id.Identification)
			host = id.Host
			newID, err := s.nextID(ctx, tx, "identifications")
			if err != nil {
				return err
			}
			if _, err := s.txExec(ctx, tx, `INSERT INTO identifications (id, asset_id, run_id, host, at, status,
				covered_entity, manufacturer, brand, model, device_type, confidence, rules_version, lists_version, body)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, newID, a.id, runID, host, s.d.tv(now),
				string(id.Status), id.CoveredEntity, id.Manufacturer, id.Brand, id.Model, id.DeviceType, id.Confidence,
				id.RulesVersion, id.ListsVersion, string(body)); err != nil {
				return fmt.Errorf("asset %d: %w", a.id, err)
			}
			if a.status != id.Status || a.entity != id.CoveredEntity {
				c := IdentificationChange{AssetID: a.id, RunID: runID, At: now, OldIdentificationID: a.identID,
					NewIdentificationID: newID, OldStatus: a.status, NewStatus: id.Status, OldEntity: a.entity,
					NewEntity: id.CoveredEntity}
				if _, err := s.txExec(ctx, tx, `INSERT INTO identification_changes (asset_id, run_id, at,
					old_identification_id, new_identification_id, old_status, new_status, old_entity, new_entity)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.AssetID, runID, s.d.tv(now), ni(c.OldIdentificationID), newID,
					string(c.OldStatus), string(c.NewStatus), c.OldEntity, c.NewEntity); err != nil {
					return fmt.Errorf("asset %d: %w", a.id, err)
				}
				changes = append(changes, c)
			}
			a.setIdentification(newID, runID, &id.Identification)
			applied = append(applied, appliedIdent{a.id, newID, id.Status, id.CoveredEntity, now})
		}
		if err := s.writeAssetStates(ctx, tx, assets); err != nil {
			return err
		}
		return s.syncFindings(ctx, tx, runID, now, applied, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("store: replace identifications of run %d: %w", runID, err)
	}
	return changes, nil
}

func dedupeIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
