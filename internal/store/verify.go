package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// FinishResult says what finishing a run did to remediation.
type FinishResult struct {
	Run Run `json:"run"`
	// Verified are findings moved from replaced to replaced_verified: the
	// run covered the device's last known address and did not see it.
	Verified []int64 `json:"verified"`
	// Reopened are findings moved from replaced (or replaced_verified) back
	// to open because the run still saw the device.
	Reopened []int64 `json:"reopened"`
}

// FinishRun records the end of a run and then verifies replacements:
//
//   - a finding in state replaced or replaced_verified whose asset this run
//     saw goes back to open ("reopened: still seen in run N"), whatever the
//     run's status or scope, because seeing a device is proof it is there;
//   - when the run is complete, a finding in state replaced whose asset the
//     run did not see, and whose last known address (in the run's site) is
//     inside the run's scope and not excluded, becomes replaced_verified.
//
// An interrupted run or one without a scope (an import) verifies nothing:
// not seeing a device proves nothing if nobody looked. Zero counts are
// filled in from what Ingest stored.
func (s *Store) FinishRun(ctx context.Context, runID int64, status RunStatus, counts RunCounts) (FinishResult, error) {
	var res FinishResult
	if status != RunComplete && status != RunInterrupted {
		return res, fmt.Errorf("store: finish run %d: status %q is not complete or interrupted", runID, status)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		run, err := s.txRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		if run.Status != RunRunning {
			return fmt.Errorf("run is already %s", run.Status)
		}
		now := s.clock()
		if counts.Observations == 0 {
			counts.Observations = run.StoredObservations
		}
		if counts.Hosts == 0 {
			if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM asset_sightings WHERE run_id = ?`, runID).Scan(&counts.Hosts); err != nil {
				return err
			}
		}
		if _, err := s.txExec(ctx, tx, `UPDATE runs SET status = ?, finished_at = ?, hosts = ?, observations = ?, failed = ?
			WHERE id = ?`, string(status), s.d.tv(now), counts.Hosts, counts.Observations, counts.Failed, runID); err != nil {
			return err
		}
		if res.Reopened, err = s.reopenSeen(ctx, tx, run, now); err != nil {
			return fmt.Errorf("reopen: %w", err)
		}
		if status == RunComplete {
			if res.Verified, err = s.verifyGone(ctx, tx, run, now); err != nil {
				return fmt.Errorf("verify: %w", err)
			}
		}
		res.Run, err = s.txRun(ctx, tx, runID)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("store: finish run %d: %w", runID, err)
	}
	return res, nil
}

type verifyCandidate struct {
	finding     int64
	state       RemediationState
	ip, host    string
	remediation Remediation
}

func (s *Store) replacedFindings(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]verifyCandidate, error) {
	rows, err := s.txQuery(ctx, tx, `SELECT f.id, f.state, a.last_ip, a.last_host, f.owner, f.due, f.ticket, f.notes,
		f.reported, f.follow_up FROM findings f JOIN assets a ON a.id = f.asset_id WHERE f.merged_into IS NULL AND `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verifyCandidate
	for rows.Next() {
		var c verifyCandidate
		var state string
		if err := rows.Scan(&c.finding, &state, &c.ip, &c.host, &c.remediation.Owner, ts(&c.remediation.Due),
			&c.remediation.Ticket, &c.remediation.Notes, ts(&c.remediation.Reported), ts(&c.remediation.FollowUp)); err != nil {
			return nil, err
		}
		c.state = RemediationState(state)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) reopenSeen(ctx context.Context, tx *sql.Tx, run Run, now time.Time) ([]int64, error) {
	cands, err := s.replacedFindings(ctx, tx, `f.state IN ('replaced', 'replaced_verified')
		AND EXISTS (SELECT 1 FROM asset_sightings x WHERE x.asset_id = f.asset_id AND x.run_id = ?)`, run.ID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, c := range cands {
		comment := fmt.Sprintf("reopened: still seen in run %d", run.ID)
		if c.state == StateReplacedVerified {
			comment = fmt.Sprintf("reopened: seen again in run %d after verified replacement", run.ID)
		}
		if err := s.systemTransition(ctx, tx, c, StateOpen, run.ID, now, "remediation.reopen", comment); err != nil {
			return nil, err
		}
		out = append(out, c.finding)
	}
	return out, nil
}

func (s *Store) verifyGone(ctx context.Context, tx *sql.Tx, run Run, now time.Time) ([]int64, error) {
	sc, err := newScope(ctx, run.Scope, run.Exclusions)
	if err != nil {
		return nil, err
	}
	if sc.empty() {
		return nil, nil
	}
	// The sites the run covered: its own and those it gave hosts.
	cands, err := s.replacedFindings(ctx, tx, `f.state = 'replaced'
		AND (a.site = ? OR a.site IN (SELECT b.site FROM asset_sightings y JOIN assets b ON b.id = y.asset_id WHERE y.run_id = ?))
		AND NOT EXISTS (SELECT 1 FROM asset_sightings x WHERE x.asset_id = f.asset_id AND x.run_id = ?)`, run.Site, run.ID, run.ID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, c := range cands {
		if !sc.contains(c.ip, c.host) {
			continue
		}
		where := c.ip
		if where == "" {
			where = c.host
		}
		comment := fmt.Sprintf("verified: not seen in run %d, which covered %s", run.ID, where)
		if err := s.systemTransition(ctx, tx, c, StateReplacedVerified, run.ID, now, "remediation.verify", comment); err != nil {
			return nil, err
		}
		out = append(out, c.finding)
	}
	return out, nil
}

// systemTransition is a remediation change made by verification: it keeps
// owner, due date, ticket and notes, and is logged like a user's change.
func (s *Store) systemTransition(ctx context.Context, tx *sql.Tx, c verifyCandidate, to RemediationState, runID int64, now time.Time, action, comment string) error {
	r := c.remediation
	r.State = to
	if err := s.writeRemediation(ctx, tx, c.finding, r, SystemActor, now, runID, comment); err != nil {
		return err
	}
	return s.audit(ctx, tx, now, SystemActor, action, "finding", c.finding, map[string]any{
		"changes": map[string]any{"state": map[string]string{"old": string(c.state), "new": string(to)}},
		"run":     runID, "comment": comment,
	})
}
