package store

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The bulk reads below give reports what the list calls do not, for a
// whole inventory in a few queries each, however many assets it holds.

// BulkFilter selects the live (not merged) assets a bulk read covers; zero
// fields do not narrow, and the fields that are set must all hold.
type BulkFilter struct {
	Site   string  // assets of this site
	RunIDs []int64 // assets one of these runs sighted
	Since  time.Time
	Until  time.Time // assets last seen at or after Since and first seen at or before Until
}

// assetCond returns the condition on assets alias a and its arguments.
func (s *Store) assetCond(f BulkFilter) (string, []any) {
	where := []string{"a.merged_into IS NULL"}
	var args []any
	if f.Site != "" {
		where, args = append(where, "a.site = ?"), append(args, f.Site)
	}
	if len(f.RunIDs) > 0 {
		cond, rargs := inSet(s.d, f.RunIDs)
		where = append(where, "a.id IN (SELECT asset_id FROM asset_sightings WHERE "+cond("run_id")+")")
		args = append(args, rargs...)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "a.last_seen >= ?"), append(args, s.d.tv(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "a.first_seen <= ?"), append(args, s.d.tv(f.Until))
	}
	return strings.Join(where, " AND "), args
}

// CurrentIdentifications returns, by id, the full identification of every
// asset of f as the identify stage produced it: each asset's current one
// and the one that raised each of its findings (which a later scan may
// have superseded). Bodies are decoded on every core.
func (s *Store) CurrentIdentifications(ctx context.Context, f BulkFilter) (map[int64]IdentificationRecord, error) {
	cond, args := s.assetCond(f)
	rows, err := s.query(ctx, `SELECT i.id, i.asset_id, i.run_id, i.at, i.body FROM identifications i
		WHERE i.id IN (SELECT a.identification_id FROM assets a WHERE `+cond+`)
		OR i.id IN (SELECT fi.identification_id FROM findings fi JOIN assets a ON a.id = fi.asset_id WHERE `+cond+`)`,
		append(args, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: current identifications: %w", err)
	}
	defer rows.Close()
	var recs []IdentificationRecord
	var bodies []string
	for rows.Next() {
		var r IdentificationRecord
		var body string
		if err := rows.Scan(&r.ID, &r.AssetID, &r.RunID, ts(&r.At), jsonText{&body}); err != nil {
			return nil, fmt.Errorf("store: current identifications: %w", err)
		}
		recs, bodies = append(recs, r), append(bodies, body)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: current identifications: %w", err)
	}
	if err := decodeBodies(recs, bodies); err != nil {
		return nil, fmt.Errorf("store: current identifications: %w", err)
	}
	out := make(map[int64]IdentificationRecord, len(recs))
	for _, r := range recs {
		out[r.ID] = r
	}
	return out, nil
}

// decodeBodies unmarshals bodies[i] into recs[i].Identification, in
// parallel: decoding is most of the cost of reading 100,000 of them.
func decodeBodies(recs []IdentificationRecord, bodies []string) error {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(recs)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				if err := json.Unmarshal([]byte(bodies[i]), &recs[i].Identification); err != nil {
					errs[w] = fmt.Errorf("identification %d: %w", recs[i].ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// SightingRow is one run's sighting of an asset, as bulk reads give it.
type SightingRow struct {
	RunID   int64     `json:"run_id"`
	AssetID int64     `json:"asset_id"`
	Host    string    `json:"host"`
	IP      string    `json:"ip,omitempty"`
	Seen    time.Time `json:"seen"` // last time the run saw the host
}

// Sightings returns every sighting (by any run) of the assets of f, in
// storage order, which is run order.
func (s *Store) Sightings(ctx context.Context, f BulkFilter) ([]SightingRow, error) {
	cond, args := s.assetCond(f)
	q := `SELECT x.run_id, x.asset_id, x.host, x.ip, x.last_seen FROM asset_sightings x`
	if cond != "a.merged_into IS NULL" {
		q += ` WHERE x.asset_id IN (SELECT a.id FROM assets a WHERE ` + cond + `)`
	} else {
		args = nil // every sighting points at a live asset: merges move them
	}
	rows, err := s.query(ctx, q+` ORDER BY x.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: sightings: %w", err)
	}
	defer rows.Close()
	var out []SightingRow
	for rows.Next() {
		var x SightingRow
		if err := rows.Scan(&x.RunID, &x.AssetID, &x.Host, &x.IP, ts(&x.Seen)); err != nil {
			return nil, fmt.Errorf("store: sightings: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sightings: %w", err)
	}
	return out, nil
}

// RemediationHistories returns the remediation history of every finding,
// by finding id, oldest first: RemediationHistory for all of them in one
// query.
func (s *Store) RemediationHistories(ctx context.Context) (map[int64][]RemediationEvent, error) {
	rows, err := s.query(ctx, `SELECT id, finding_id, at, actor, state, owner, due, ticket, notes, reason, expires,
		run_id, comment, reported, follow_up FROM remediations ORDER BY finding_id, id`)
	if err != nil {
		return nil, fmt.Errorf("store: remediation histories: %w", err)
	}
	defer rows.Close()
	out := map[int64][]RemediationEvent{}
	for rows.Next() {
		e, err := scanRemediationEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: remediation histories: %w", err)
		}
		out[e.FindingID] = append(out[e.FindingID], e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: remediation histories: %w", err)
	}
	return out, nil
}
