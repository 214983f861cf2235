package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	covered "github.com/coveredtool/covered"
)

// SystemActor is the actor of changes the store makes by itself
// (verification, merges, findings raised by a run), as opposed to a user.
const SystemActor = "covered"

// Finding is an asset that an identification flagged as covered or
// suspected, one per asset and covered entity. Findings are re-computable
// from identifications; their remediation is not, which is why a finding is
// never deleted: when a later identification stops flagging the asset the
// finding becomes inactive (Cleared*), and it is active again if the asset is
// flagged again.
type Finding struct {
	ID            int64          `json:"id"`
	AssetID       int64          `json:"asset_id"`
	CoveredEntity string         `json:"covered_entity"`
	Status        covered.Status `json:"status"` // covered or suspected, from the latest flagging identification
	Active        bool           `json:"active"`
	FirstRun      int64          `json:"first_run"`
	FirstFound    time.Time      `json:"first_found"`
	LastRun       int64          `json:"last_run"`
	LastSeen      time.Time      `json:"last_seen"`
	// IdentificationID is the identification that raised the finding.
	IdentificationID int64     `json:"identification_id"`
	ClearedRun       int64     `json:"cleared_run,omitempty"`
	Cleared          time.Time `json:"cleared,omitzero"`
	// MergedInto is set when the asset was merged into another that had a
	// finding for the same entity; that finding carries on.
	MergedInto  int64       `json:"merged_into,omitempty"`
	Remediation Remediation `json:"remediation"`
	// Site, IP and Manufacturer/Model are the asset's, for listings.
	Site         string `json:"site,omitempty"`
	IP           string `json:"ip,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Model        string `json:"model,omitempty"`
}

// FindingFilter selects findings; zero fields do not filter.
type FindingFilter struct {
	AssetID         int64
	Status          []covered.Status
	Entity          string
	States          []RemediationState
	Site            string
	IncludeInactive bool // also cleared and merged findings
	Limit, Offset   int
}

const findingCols = `f.id, f.asset_id, f.covered_entity, f.status, f.active, f.first_run_id, f.first_found,
	f.last_run_id, f.last_seen, f.identification_id, f.cleared_run_id, f.cleared_at, f.merged_into, f.state, f.owner,
	f.due, f.ticket, f.notes, f.reason, f.expires, f.reported, f.follow_up, f.updated_by, f.updated_at, a.site, a.last_ip, a.manufacturer, a.model`

func scanFinding(sc interface{ Scan(...any) error }) (Finding, error) {
	var f Finding
	var status, state string
	err := sc.Scan(&f.ID, &f.AssetID, &f.CoveredEntity, &status, &f.Active, &f.FirstRun, ts(&f.FirstFound),
		&f.LastRun, ts(&f.LastSeen), &f.IdentificationID, nullInt{&f.ClearedRun}, ts(&f.Cleared), nullInt{&f.MergedInto},
		&state, &f.Remediation.Owner, ts(&f.Remediation.Due), &f.Remediation.Ticket, &f.Remediation.Notes,
		&f.Remediation.Reason, ts(&f.Remediation.Expires), ts(&f.Remediation.Reported), ts(&f.Remediation.FollowUp),
		&f.Remediation.UpdatedBy, ts(&f.Remediation.UpdatedAt),
		&f.Site, &f.IP, &f.Manufacturer, &f.Model)
	f.Status, f.Remediation.State = covered.Status(status), RemediationState(state)
	return f, err
}

// Findings lists findings, oldest first.
func (s *Store) Findings(ctx context.Context, f FindingFilter) ([]Finding, error) {
	var where []string
	var args []any
	if !f.IncludeInactive {
		where = append(where, "f.active = TRUE AND f.merged_into IS NULL")
	}
	if f.AssetID != 0 {
		where, args = append(where, "f.asset_id = ?"), append(args, f.AssetID)
	}
	if len(f.Status) > 0 {
		in, a := inList(f.Status)
		where, args = append(where, "f.status IN ("+in+")"), append(args, stringsOf(a)...)
	}
	if len(f.States) > 0 {
		in, a := inList(f.States)
		where, args = append(where, "f.state IN ("+in+")"), append(args, stringsOf(a)...)
	}
	if f.Entity != "" {
		where, args = append(where, "lower(f.covered_entity) = lower(?)"), append(args, f.Entity)
	}
	if f.Site != "" {
		where, args = append(where, "a.site = ?"), append(args, f.Site)
	}
	q, args := s.paged(`SELECT `+findingCols+` FROM findings f JOIN assets a ON a.id = f.asset_id`+whereClause(where)+
		` ORDER BY f.id`, args, f.Limit, f.Offset)
	return list(ctx, s, "findings", scanFinding, q, args...)
}

// Finding returns one finding.
func (s *Store) Finding(ctx context.Context, id int64) (Finding, error) {
	f, err := scanFinding(s.queryRow(ctx, `SELECT `+findingCols+
		` FROM findings f JOIN assets a ON a.id = f.asset_id WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("store: finding %d: %w", id, err)
	}
	return f, nil
}

func (s *Store) txFinding(ctx context.Context, tx *sql.Tx, id int64) (Finding, error) {
	f, err := scanFinding(s.txQueryRow(ctx, tx, `SELECT `+findingCols+
		` FROM findings f JOIN assets a ON a.id = f.asset_id WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("finding %d: %w", id, ErrNotFound)
	}
	return f, err
}

// stringsOf converts typed string values (Status, RemediationState) to
// plain strings for binding: drivers do not accept named string types.
func stringsOf(a []any) []any {
	for i, v := range a {
		a[i] = fmt.Sprint(v)
	}
	return a
}

// paged appends LIMIT and OFFSET to q as parameters, not literals, so that
// every page of a list is one prepared statement (readStmt caches by text).
func (s *Store) paged(q string, args []any, limit, offset int) (string, []any) {
	if limit <= 0 && offset <= 0 {
		return q, args
	}
	q += " LIMIT ? OFFSET ?"
	switch {
	case limit > 0:
		return q, append(args, limit, offset)
	case s.d.postgres():
		return q, append(args, nil, offset) // LIMIT NULL: none
	default:
		return q, append(args, -1, offset) // a negative LIMIT: none
	}
}

func flagged(s covered.Status) bool {
	return s == covered.StatusCovered || s == covered.StatusSuspected
}

// syncFindings brings findings in line with identifications that just
// became current (applied; sighted are the pre-existing assets the run saw): a flagged (asset, entity) gets an active finding, a new one
// starting in remediation state open; findings of those assets no longer
// flagged become inactive. Then the active findings of every asset the run
// saw take this run as their last sighting.
func (s *Store) syncFindings(ctx context.Context, tx *sql.Tx, runID int64, now time.Time, applied []appliedIdent, sighted []int64) error {
	type fnd struct {
		id     int64
		entity string
		status covered.Status
		active bool
	}
	// Which assets can have findings already: for Ingest, the pre-existing
	// assets the batch saw (sighted), a superset of the applied ones that
	// are not brand new; for a reidentification (nothing sighted), the
	// applied ones.
	existing := map[int64][]fnd{}
	assets := sighted
	if assets == nil {
		for _, a := range applied {
			assets = append(assets, a.asset)
		}
		assets = dedupeIDs(assets)
	}
	err := inChunks(assets, s.d.chunk(), func(part []int64) error {
		cond, args := inSet(s.d, part)
		rows, err := s.txQuery(ctx, tx, `SELECT asset_id, id, covered_entity, status, active FROM findings
			WHERE merged_into IS NULL AND `+cond("asset_id"), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a int64
			var f fnd
			var st string
			if err := rows.Scan(&a, &f.id, &f.entity, &st, &f.active); err != nil {
				return err
			}
			f.status = covered.Status(st)
			existing[a] = append(existing[a], f)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	var fresh [][]any
	var reactivated []int64
	for _, ap := range applied {
		found := false
		for _, f := range existing[ap.asset] {
			switch {
			case flagged(ap.status) && f.entity == ap.entity:
				found = true
				if f.status != ap.status || !f.active {
					if _, err := s.txExec(ctx, tx, `UPDATE findings SET status = ?, active = TRUE, cleared_run_id = NULL,
						cleared_at = NULL WHERE id = ?`, string(ap.status), f.id); err != nil {
						return err
					}
					reactivated = append(reactivated, f.id)
				}
			case f.active:
				if _, err := s.txExec(ctx, tx, `UPDATE findings SET active = FALSE, cleared_run_id = ?, cleared_at = ?
					WHERE id = ?`, runID, s.d.tv(now), f.id); err != nil {
					return err
				}
			}
		}
		if flagged(ap.status) && !found {
			at := s.d.tv(ap.at)
			fresh = append(fresh, []any{ap.asset, ap.entity, string(ap.status), runID, at, runID, at, ap.identID,
				SystemActor, s.d.tv(now)})
		}
	}
	var remediations [][]any
	err = s.insertRows(ctx, tx, `INSERT INTO findings (asset_id, covered_entity, status, first_run_id, first_found,
		last_run_id, last_seen, identification_id, updated_by, updated_at)`, 10, fresh, `RETURNING id`,
		func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			remediations = append(remediations, []any{id, s.d.tv(now), SystemActor, string(StateOpen), runID,
				fmt.Sprintf("found in run %d", runID)})
			return nil
		})
	if err != nil {
		return err
	}
	if err := s.insertRows(ctx, tx, `INSERT INTO remediations (finding_id, at, actor, state, run_id, comment)`, 6,
		remediations, "", nil); err != nil {
		return err
	}
	// The run saw these assets: their active findings were seen again.
	var touch []int64
	for _, a := range sighted {
		for _, f := range existing[a] {
			if f.active || slices.Contains(reactivated, f.id) {
				touch = append(touch, f.id)
			}
		}
	}
	return inChunks(touch, s.d.chunk(), func(part []int64) error {
		cond, args := inSet(s.d, part)
		_, err := s.txExec(ctx, tx, `UPDATE findings SET last_run_id = ?,
			last_seen = (SELECT last_seen FROM assets WHERE assets.id = findings.asset_id)
			WHERE active = TRUE AND `+cond("id"), append([]any{runID}, args...)...)
		return err
	})
}
