package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one change to the record: who, when, what, to which object,
// with details (for remediation: every changed field, old and new).
type AuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`      // remediation.set, remediation.verify, asset.merge, ...
	ObjectType string          `json:"object_type"` // finding, asset, run, store
	ObjectID   int64           `json:"object_id"`
	Details    json.RawMessage `json:"details"`
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	Actor      string
	Action     string
	ObjectType string
	ObjectID   int64
	Since      time.Time
	// After keeps entries with a larger id: the next page of the oldest-first
	// log starts after the last id of the previous one (keyset paging).
	After int64
	Limit int
}

// audit appends an entry inside the transaction that makes the change, so
// the log can never miss a committed change or record one that rolled back.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, at time.Time, actor, action, objType string, objID int64, details any) error {
	b, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	_, err = s.txExec(ctx, tx, `INSERT INTO audit_log (at, actor, action, object_type, object_id, details)
		VALUES (?, ?, ?, ?, ?, ?)`, s.d.tv(at), actor, action, objType, objID, string(b))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit lists audit entries, oldest first.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.ObjectType != "" {
		where, args = append(where, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != 0 {
		where, args = append(where, "object_id = ?"), append(args, f.ObjectID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, s.d.tv(f.Since))
	}
	if f.After > 0 {
		where, args = append(where, "id > ?"), append(args, f.After)
	}
	q, args := s.paged(`SELECT `+auditCols+` FROM audit_log`+whereClause(where)+` ORDER BY id`, args, f.Limit, 0)
	return list(ctx, s, "audit", scanAudit, q, args...)
}

const auditCols = `id, at, actor, action, object_type, object_id, details`

func scanAudit(sc interface{ Scan(...any) error }) (AuditEntry, error) {
	var e AuditEntry
	var details string
	if err := sc.Scan(&e.ID, ts(&e.At), &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, jsonText{&details}); err != nil {
		return e, err
	}
	e.Details = json.RawMessage(compactJSON(details)) // JSONB reformats; give both backends one form
	return e, nil
}
