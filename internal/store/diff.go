package store

import (
	"context"
	"fmt"
	"slices"

	covered "github.com/coveredtool/covered"
)

// AssetView is an asset as one run saw it: its address in that run and the
// identification that run made.
type AssetView struct {
	AssetID       int64          `json:"asset_id"`
	Host          string         `json:"host"`
	IP            string         `json:"ip,omitempty"`
	Status        covered.Status `json:"status,omitempty"`
	CoveredEntity string         `json:"covered_entity,omitempty"`
	Manufacturer  string         `json:"manufacturer,omitempty"`
	Model         string         `json:"model,omitempty"`
	DeviceType    string         `json:"device_type,omitempty"`
}

// AssetChange is an asset both runs saw, with the fields that differ.
type AssetChange struct {
	Before AssetView `json:"before"`
	After  AssetView `json:"after"`
	// Fields names what changed: ip, status, covered_entity, manufacturer,
	// model, device_type.
	Fields []string `json:"fields"`
}

// FindingRef is a flagged (asset, entity) of one run, with the finding id
// it has in the store.
type FindingRef struct {
	FindingID     int64          `json:"finding_id"`
	AssetID       int64          `json:"asset_id"`
	CoveredEntity string         `json:"covered_entity"`
	Status        covered.Status `json:"status"`
}

// Diff is what changed between two runs. Assets are compared by asset id,
// so a device that moved to another address is "changed", not "gone" plus
// "new"; merges made after either run are taken into account.
type Diff struct {
	RunA    int64         `json:"run_a"`
	RunB    int64         `json:"run_b"`
	New     []AssetView   `json:"new"`     // seen in B, not A
	Gone    []AssetView   `json:"gone"`    // seen in A, not B
	Changed []AssetChange `json:"changed"` // seen in both, differently
	// NewFindings are flagged in B but not in A; ResolvedFindings flagged
	// in A and not in B (gone, or no longer identified as covered).
	NewFindings      []FindingRef `json:"new_findings"`
	ResolvedFindings []FindingRef `json:"resolved_findings"`
}

// Diff compares run a (before) with run b (after). PreviousRun and
// LastTwoRuns find the usual pair.
func (s *Store) Diff(ctx context.Context, a, b int64) (Diff, error) {
	d := Diff{RunA: a, RunB: b}
	for _, id := range []int64{a, b} {
		if _, err := s.Run(ctx, id); err != nil {
			return d, fmt.Errorf("store: diff runs %d and %d: %w", a, b, err)
		}
	}
	va, err := s.runView(ctx, a)
	if err != nil {
		return d, fmt.Errorf("store: diff runs %d and %d: %w", a, b, err)
	}
	vb, err := s.runView(ctx, b)
	if err != nil {
		return d, fmt.Errorf("store: diff runs %d and %d: %w", a, b, err)
	}
	for _, id := range sortedKeys(vb) {
		after := vb[id]
		before, ok := va[id]
		if !ok {
			d.New = append(d.New, after)
			continue
		}
		var fields []string
		for _, f := range []struct {
			name string
			x, y string
		}{
			{"ip", before.IP, after.IP},
			{"status", string(before.Status), string(after.Status)},
			{"covered_entity", before.CoveredEntity, after.CoveredEntity},
			{"manufacturer", before.Manufacturer, after.Manufacturer},
			{"model", before.Model, after.Model},
			{"device_type", before.DeviceType, after.DeviceType},
		} {
			if f.x != f.y {
				fields = append(fields, f.name)
			}
		}
		if len(fields) > 0 {
			d.Changed = append(d.Changed, AssetChange{before, after, fields})
		}
	}
	for _, id := range sortedKeys(va) {
		if _, ok := vb[id]; !ok {
			d.Gone = append(d.Gone, va[id])
		}
	}
	var flaggedAssets []int64
	for _, v := range []map[int64]AssetView{va, vb} {
		for id, x := range v {
			if flagged(x.Status) {
				flaggedAssets = append(flaggedAssets, id)
			}
		}
	}
	findingID, err := s.findingIDs(ctx, dedupeIDs(flaggedAssets))
	if err != nil {
		return d, fmt.Errorf("store: diff runs %d and %d: %w", a, b, err)
	}
	flag := func(v AssetView) (FindingRef, bool) {
		if !flagged(v.Status) {
			return FindingRef{}, false
		}
		return FindingRef{findingID[findingKey{v.AssetID, v.CoveredEntity}], v.AssetID, v.CoveredEntity, v.Status}, true
	}
	for _, id := range sortedKeys(vb) {
		fb, ok := flag(vb[id])
		if !ok {
			continue
		}
		if fa, ok := flag(va[id]); !ok || fa.CoveredEntity != fb.CoveredEntity {
			d.NewFindings = append(d.NewFindings, fb)
		}
	}
	for _, id := range sortedKeys(va) {
		fa, ok := flag(va[id])
		if !ok {
			continue
		}
		if fb, ok := flag(vb[id]); !ok || fa.CoveredEntity != fb.CoveredEntity {
			d.ResolvedFindings = append(d.ResolvedFindings, fa)
		}
	}
	return d, nil
}

// runView returns, per asset a run saw, its address and that run's
// identification (the last one the run stored for the asset).
func (s *Store) runView(ctx context.Context, runID int64) (map[int64]AssetView, error) {
	rows, err := s.query(ctx, `SELECT x.asset_id, x.host, x.ip, COALESCE(i.status, ''), COALESCE(i.covered_entity, ''),
		COALESCE(i.manufacturer, ''), COALESCE(i.model, ''), COALESCE(i.device_type, '')
		FROM asset_sightings x
		LEFT JOIN identifications i ON i.id = (SELECT max(j.id) FROM identifications j
			WHERE j.run_id = x.run_id AND j.asset_id = x.asset_id)
		WHERE x.run_id = ? ORDER BY x.id`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]AssetView{}
	for rows.Next() {
		var v AssetView
		var status string
		if err := rows.Scan(&v.AssetID, &v.Host, &v.IP, &status, &v.CoveredEntity, &v.Manufacturer, &v.Model, &v.DeviceType); err != nil {
			return nil, err
		}
		v.Status = covered.Status(status)
		if prev, ok := out[v.AssetID]; ok {
			// Several hosts of one device: keep the first, fill gaps.
			if prev.IP == "" {
				prev.IP = v.IP
			}
			out[v.AssetID] = prev
			continue
		}
		out[v.AssetID] = v
	}
	return out, rows.Err()
}

type findingKey struct {
	asset  int64
	entity string
}

// findingIDs maps (asset, entity) to finding id for the given assets.
func (s *Store) findingIDs(ctx context.Context, assets []int64) (map[findingKey]int64, error) {
	out := map[findingKey]int64{}
	err := inChunks(assets, s.d.chunk(), func(part []int64) error {
		cond, args := inSet(s.d, part)
		rows, err := s.query(ctx, `SELECT asset_id, covered_entity, id FROM findings WHERE merged_into IS NULL AND `+
			cond("asset_id"), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k findingKey
			var id int64
			if err := rows.Scan(&k.asset, &k.entity, &id); err != nil {
				return err
			}
			out[k] = id
		}
		return rows.Err()
	})
	return out, err
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
