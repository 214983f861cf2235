package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RemediationState is where the removal of a flagged device stands.
type RemediationState string

// Remediation states. replaced_verified is set only by verification (a
// complete run over the device's address did not see it): a person can say
// a device was replaced, only a scan can confirm it.
const (
	StateOpen             RemediationState = "open"
	StateReplacing        RemediationState = "replacing"
	StateReplaced         RemediationState = "replaced"
	StateReplacedVerified RemediationState = "replaced_verified"
	StateAcceptedRisk     RemediationState = "accepted_risk"  // needs Reason and Expires
	StateFalsePositive    RemediationState = "false_positive" // needs Reason
)

// transitions lists the states a user may move a finding to from each
// state. Staying in the same state (to change owner, due date, ticket,
// notes, or renew an accepted risk) is always allowed.
var transitions = map[RemediationState][]RemediationState{
	StateOpen:             {StateReplacing, StateReplaced, StateAcceptedRisk, StateFalsePositive},
	StateReplacing:        {StateOpen, StateReplaced, StateAcceptedRisk, StateFalsePositive},
	StateReplaced:         {StateOpen, StateReplacing},
	StateReplacedVerified: {StateOpen},
	StateAcceptedRisk:     {StateOpen, StateReplacing, StateReplaced, StateFalsePositive},
	StateFalsePositive:    {StateOpen},
}

// Remediation is the current remediation of a finding.
type Remediation struct {
	State  RemediationState `json:"state"`
	Owner  string           `json:"owner,omitempty"`
	Due    time.Time        `json:"due,omitzero"`
	Ticket string           `json:"ticket,omitempty"`
	Notes  string           `json:"notes,omitempty"`
	// Reason justifies accepted_risk and false_positive.
	Reason string `json:"reason,omitempty"`
	// Expires ends an accepted risk; after it the risk must be reviewed.
	Expires time.Time `json:"expires,omitzero"`
	// Reported is when the first report of the covered equipment went to
	// the contracting officer (FAR 52.204-25(d)(2)(i), due within one
	// business day of discovery); FollowUp is when the follow-up report
	// with the mitigation went ((d)(2)(ii), within ten business days).
	Reported  time.Time `json:"reported,omitzero"`
	FollowUp  time.Time `json:"follow_up,omitzero"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RiskExpired reports whether an accepted risk has run out at now, which
// reports show as needing review.
func (r Remediation) RiskExpired(now time.Time) bool {
	return r.State == StateAcceptedRisk && !r.Expires.IsZero() && now.After(r.Expires)
}

// RemediationChange is a user's edit of a remediation. Nil fields and an
// empty State are left as they are; a non-nil empty string clears a field.
type RemediationChange struct {
	State   RemediationState
	Owner   *string
	Due     *time.Time
	Ticket  *string
	Notes   *string
	Reason  *string
	Expires *time.Time
	// Reported and FollowUp set the FAR 52.204-25(d)(2) report dates; a
	// zero time clears one.
	Reported *time.Time
	FollowUp *time.Time
	// Comment is recorded with the history entry only.
	Comment string
}

// ValidationError is a rejected remediation change. Field names the input
// at fault so that a form or CLI can point at it.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Msg }

// RemediationEvent is one entry of a finding's remediation history: the
// state after the change, who made it and why.
type RemediationEvent struct {
	ID        int64 `json:"id"`
	FindingID int64 `json:"finding_id"`
	Remediation
	Actor   string `json:"actor"`
	RunID   int64  `json:"run_id,omitempty"` // set for changes made by verification
	Comment string `json:"comment,omitempty"`
}

// SetRemediation applies a user's change to a finding's remediation. It
// validates the change (state machine, required reason and expiry), then
// writes the new state, a history entry and an audit entry (old -> new per
// field) in one transaction, and returns the updated finding.
func (s *Store) SetRemediation(ctx context.Context, findingID int64, c RemediationChange, actor string) (Finding, error) {
	var out Finding
	err := s.write(ctx, func(tx *sql.Tx) error {
		if strings.TrimSpace(actor) == "" {
			return &ValidationError{"actor", "who makes the change is required"}
		}
		f, err := s.txFinding(ctx, tx, findingID)
		if err != nil {
			return err
		}
		if f.MergedInto != 0 {
			return fmt.Errorf("finding was merged into finding %d; change that one", f.MergedInto)
		}
		now := s.clock()
		next, err := applyChange(f.Remediation, c, now)
		if err != nil {
			return err
		}
		diff := remediationDiff(f.Remediation, next)
		if len(diff) == 0 {
			return &ValidationError{"change", "nothing to change"}
		}
		next.UpdatedBy, next.UpdatedAt = actor, now
		if err := s.writeRemediation(ctx, tx, findingID, next, actor, now, 0, c.Comment); err != nil {
			return err
		}
		details := map[string]any{"changes": diff}
		if c.Comment != "" {
			details["comment"] = c.Comment
		}
		if err := s.audit(ctx, tx, now, actor, "remediation.set", "finding", findingID, details); err != nil {
			return err
		}
		out, err = s.txFinding(ctx, tx, findingID)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("store: set remediation of finding %d: %w", findingID, err)
	}
	return out, nil
}

// applyChange validates c against the current remediation and returns the
// new one.
func applyChange(cur Remediation, c RemediationChange, now time.Time) (Remediation, error) {
	next := cur
	if c.State != "" && c.State != cur.State {
		if _, known := transitions[c.State]; !known {
			return next, &ValidationError{"state", fmt.Sprintf("unknown state %q", c.State)}
		}
		if c.State == StateReplacedVerified {
			return next, &ValidationError{"state", "replaced_verified is set only by a scan that no longer sees the device; set replaced"}
		}
		allowed := false
		for _, t := range transitions[cur.State] {
			allowed = allowed || t == c.State
		}
		if !allowed {
			return next, &ValidationError{"state", fmt.Sprintf("cannot go from %s to %s", cur.State, c.State)}
		}
		next.State = c.State
		// Reason and expiry justify one state; they do not carry over.
		next.Reason, next.Expires = "", time.Time{}
	}
	if c.Owner != nil {
		next.Owner = strings.TrimSpace(*c.Owner)
	}
	if c.Due != nil {
		next.Due = c.Due.UTC()
	}
	if c.Ticket != nil {
		next.Ticket = strings.TrimSpace(*c.Ticket)
	}
	if c.Notes != nil {
		next.Notes = *c.Notes
	}
	if c.Reason != nil {
		next.Reason = strings.TrimSpace(*c.Reason)
	}
	if c.Expires != nil {
		next.Expires = c.Expires.UTC()
	}
	if c.Reported != nil {
		next.Reported = c.Reported.UTC()
	}
	if c.FollowUp != nil {
		next.FollowUp = c.FollowUp.UTC()
	}
	switch {
	case !next.FollowUp.IsZero() && next.Reported.IsZero():
		return next, &ValidationError{"follow_up", "a follow-up report needs the date of the first report"}
	case !next.FollowUp.IsZero() && next.FollowUp.Before(next.Reported):
		return next, &ValidationError{"follow_up", fmt.Sprintf("follow-up report %s is before the first report %s",
			next.FollowUp.Format(time.DateOnly), next.Reported.Format(time.DateOnly))}
	}
	switch next.State {
	case StateAcceptedRisk:
		if next.Reason == "" {
			return next, &ValidationError{"reason", "accepted_risk needs a reason"}
		}
		if next.Expires.IsZero() {
			return next, &ValidationError{"expires", "accepted_risk needs an expiry date"}
		}
		if c.Expires != nil && !next.Expires.After(now) {
			return next, &ValidationError{"expires", fmt.Sprintf("expiry %s is not in the future", next.Expires.Format(time.DateOnly))}
		}
	case StateFalsePositive:
		if next.Reason == "" {
			return next, &ValidationError{"reason", "false_positive needs a reason"}
		}
	default:
		if c.Expires != nil && !next.Expires.IsZero() {
			return next, &ValidationError{"expires", fmt.Sprintf("only accepted_risk has an expiry, not %s", next.State)}
		}
	}
	return next, nil
}

// remediationDiff lists changed fields as {"old": ..., "new": ...}.
func remediationDiff(a, b Remediation) map[string]map[string]string {
	d := map[string]map[string]string{}
	add := func(field, old, new string) {
		if old != new {
			d[field] = map[string]string{"old": old, "new": new}
		}
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	add("state", string(a.State), string(b.State))
	add("owner", a.Owner, b.Owner)
	add("due", date(a.Due), date(b.Due))
	add("ticket", a.Ticket, b.Ticket)
	add("notes", a.Notes, b.Notes)
	add("reason", a.Reason, b.Reason)
	add("expires", date(a.Expires), date(b.Expires))
	add("reported", date(a.Reported), date(b.Reported))
	add("follow_up", date(a.FollowUp), date(b.FollowUp))
	return d
}

// writeRemediation stores the new current remediation on the finding and
// appends it to the history.
func (s *Store) writeRemediation(ctx context.Context, tx *sql.Tx, findingID int64, r Remediation, actor string, now time.Time, runID int64, comment string) error {
	if _, err := s.txExec(ctx, tx, `UPDATE findings SET state = ?, owner = ?, due = ?, ticket = ?, notes = ?, reason = ?,
		expires = ?, reported = ?, follow_up = ?, updated_by = ?, updated_at = ? WHERE id = ?`, string(r.State), r.Owner,
		s.d.tv(r.Due), r.Ticket, r.Notes, r.Reason, s.d.tv(r.Expires), s.d.tv(r.Reported), s.d.tv(r.FollowUp), actor,
		s.d.tv(now), findingID); err != nil {
		return err
	}
	_, err := s.txExec(ctx, tx, `INSERT INTO remediations (finding_id, at, actor, state, owner, due, ticket, notes,
		reason, expires, reported, follow_up, run_id, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		findingID, s.d.tv(now), actor, string(r.State), r.Owner, s.d.tv(r.Due), r.Ticket, r.Notes, r.Reason,
		s.d.tv(r.Expires), s.d.tv(r.Reported), s.d.tv(r.FollowUp), ni(runID), comment)
	return err
}

// RemediationHistory returns every remediation change of a finding, oldest
// first, including the "open" entry written when the finding was raised.
func (s *Store) RemediationHistory(ctx context.Context, findingID int64) ([]RemediationEvent, error) {
	rows, err := s.query(ctx, `SELECT id, finding_id, at, actor, state, owner, due, ticket, notes, reason, expires,
		run_id, comment, reported, follow_up FROM remediations WHERE finding_id = ? ORDER BY id`, findingID)
	if err != nil {
		return nil, fmt.Errorf("store: remediation history of finding %d: %w", findingID, err)
	}
	defer rows.Close()
	var out []RemediationEvent
	for rows.Next() {
		e, err := scanRemediationEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: remediation history of finding %d: %w", findingID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: remediation history of finding %d: %w", findingID, err)
	}
	if len(out) == 0 {
		if _, err := s.Finding(ctx, findingID); errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// scanRemediationEvent reads a remediations row selected as id, finding_id,
// at, actor, state, owner, due, ticket, notes, reason, expires, run_id,
// comment, reported, follow_up.
func scanRemediationEvent(rows *sql.Rows) (RemediationEvent, error) {
	var e RemediationEvent
	var state string
	err := rows.Scan(&e.ID, &e.FindingID, ts(&e.UpdatedAt), &e.Actor, &state, &e.Owner, ts(&e.Due), &e.Ticket,
		&e.Notes, &e.Reason, ts(&e.Expires), nullInt{&e.RunID}, &e.Comment, ts(&e.Reported), ts(&e.FollowUp))
	e.State, e.UpdatedBy = RemediationState(state), e.Actor
	return e, err
}
