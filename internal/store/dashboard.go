package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	covered "github.com/coveredtool/covered"
)

// The dashboard's queries: the aggregates of its overview, counted in the
// database or computed from narrow rows, so that the page stays fast over
// a large inventory.

// openStates are the remediation states in which a finding still needs
// action; the others (replaced, verified, accepted risk, false positive)
// are closed. Reports count open findings the same way.
var openStates = []RemediationState{StateOpen, StateReplacing}

// Open reports whether a finding in state s still needs action.
func (s RemediationState) Open() bool { return slices.Contains(openStates, s) }

// NextStates lists the states a user may give a finding that is in state
// from, from itself first (to edit the other fields) and then in the
// order of the life cycle. An unknown state gives nil.
func NextStates(from RemediationState) []RemediationState {
	next, ok := transitions[from]
	if !ok {
		return nil
	}
	out := []RemediationState{from}
	for _, s := range []RemediationState{StateOpen, StateReplacing, StateReplaced, StateAcceptedRisk, StateFalsePositive} {
		if slices.Contains(next, s) {
			out = append(out, s)
		}
	}
	return out
}

// FindingCount is how many open findings share a covered entity, device
// type (the asset's) and status.
type FindingCount struct {
	Entity     string         `json:"entity"`
	DeviceType string         `json:"device_type"`
	Status     covered.Status `json:"status"`
	N          int            `json:"n"`
}

// OpenFindingCounts counts the active findings in an open state, grouped
// by covered entity, device type and status, largest groups first.
func (s *Store) OpenFindingCounts(ctx context.Context) ([]FindingCount, error) {
	in, args := inList(openStates)
	rows, err := s.query(ctx, `SELECT f.covered_entity, a.device_type, f.status, count(*) FROM findings f
		JOIN assets a ON a.id = f.asset_id
		WHERE f.active = TRUE AND f.merged_into IS NULL AND f.state IN (`+in+`)
		GROUP BY f.covered_entity, a.device_type, f.status
		ORDER BY count(*) DESC, f.covered_entity, a.device_type, f.status`, stringsOf(args)...)
	if err != nil {
		return nil, fmt.Errorf("store: open finding counts: %w", err)
	}
	defer rows.Close()
	var out []FindingCount
	for rows.Next() {
		var c FindingCount
		var status string
		if err := rows.Scan(&c.Entity, &c.DeviceType, &status, &c.N); err != nil {
			return nil, fmt.Errorf("store: open finding counts: %w", err)
		}
		c.Status = covered.Status(status)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: open finding counts: %w", err)
	}
	return out, nil
}

// AssetStatusCounts counts the live (not merged) assets by status.
func (s *Store) AssetStatusCounts(ctx context.Context) (map[covered.Status]int, error) {
	rows, err := s.query(ctx, `SELECT status, count(*) FROM assets WHERE merged_into IS NULL GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: asset status counts: %w", err)
	}
	defer rows.Close()
	out := map[covered.Status]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: asset status counts: %w", err)
		}
		out[covered.Status(status)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: asset status counts: %w", err)
	}
	return out, nil
}

// OpenFindingsAt returns, for each instant of at, how many findings were
// open then: found before it, not cleared by then, and in an open state by
// their remediation history (the state of the last change before it).
// Findings merged into another are left out: the survivor carries on.
// It reads one narrow row per finding and per remediation change, and
// counts in memory.
func (s *Store) OpenFindingsAt(ctx context.Context, at []time.Time) ([]int, error) {
	type span struct {
		found, cleared time.Time
		active         bool
		changes        []stateChange
	}
	spans := map[int64]*span{}
	err := s.each(ctx, `SELECT id, first_found, active, cleared_at FROM findings WHERE merged_into IS NULL`, nil,
		func(sc func(...any) error) error {
			var id int64
			var sp span
			if err := sc(&id, ts(&sp.found), &sp.active, ts(&sp.cleared)); err != nil {
				return err
			}
			spans[id] = &sp
			return nil
		})
	if err == nil {
		err = s.each(ctx, `SELECT finding_id, at, state FROM remediations ORDER BY finding_id, id`, nil,
			func(sc func(...any) error) error {
				var id int64
				var c stateChange
				var state string
				if err := sc(&id, ts(&c.at), &state); err != nil {
					return err
				}
				c.state = RemediationState(state)
				if sp := spans[id]; sp != nil {
					sp.changes = append(sp.changes, c)
				}
				return nil
			})
	}
	if err != nil {
		return nil, fmt.Errorf("store: open findings over time: %w", err)
	}
	out := make([]int, len(at))
	for _, sp := range spans {
		for i, t := range at {
			if !sp.found.Before(t) || !sp.active && !sp.cleared.IsZero() && sp.cleared.Before(t) {
				continue
			}
			if stateBefore(sp.changes, t).Open() {
				out[i]++
			}
		}
	}
	return out, nil
}

type stateChange struct {
	at    time.Time
	state RemediationState
}

// stateBefore is the state set by the last change before t, or open.
func stateBefore(cs []stateChange, t time.Time) RemediationState {
	i := sort.Search(len(cs), func(i int) bool { return !cs[i].at.Before(t) })
	if i == 0 {
		return StateOpen
	}
	return cs[i-1].state
}

// RecentAudit returns the newest n audit entries, newest first (Audit
// lists oldest first, for following a trail).
func (s *Store) RecentAudit(ctx context.Context, n int) ([]AuditEntry, error) {
	q, args := s.paged(`SELECT `+auditCols+` FROM audit_log ORDER BY id DESC`, nil, n, 0)
	return list(ctx, s, "recent audit", scanAudit, q, args...)
}

// ChangeMark returns a value that changes whenever anything the dashboard
// aggregates changes: assets, identifications, merges, remediation, runs
// and their counts, and everything audited (settings such as the allowed
// ranges). Equal marks mean equal aggregates, so a page can keep what it
// computed until the mark moves. It costs a few index lookups.
func (s *Store) ChangeMark(ctx context.Context) (string, error) {
	v := make([]string, 9)
	err := s.r.QueryRowContext(ctx, s.d.rebind(`SELECT
		(SELECT coalesce(max(id), 0) FROM assets), (SELECT coalesce(max(id), 0) FROM identifications),
		(SELECT coalesce(max(id), 0) FROM asset_merges), (SELECT coalesce(max(id), 0) FROM remediations),
		(SELECT coalesce(max(id), 0) FROM audit_log), count(*), count(finished_at),
		coalesce(sum(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0),
		coalesce(sum(stored_observations + hosts + observations + failed), 0) FROM runs`)).
		Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8])
	if err != nil {
		return "", fmt.Errorf("store: change mark: %w", err)
	}
	return strings.Join(v, ","), nil
}

// each runs a read and calls fn with the scanner of every row.
func (s *Store) each(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
