package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Token is an API token. The client holds the token; the store keeps its
// hex SHA-256 (Hash). Its Role bounds what it may do, whoever created it.
type Token struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // what it is for, e.g. "ci" or "metrics"
	Role string `json:"role"` // viewer, operator or admin
	// Hash is the hex SHA-256 of the token. Never serialised.
	Hash string `json:"-"`
	// UserID is the user who created the token; 0 for one the server made
	// by itself.
	UserID    int64     `json:"user_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used,omitzero"`  // zero when never used
	RevokedAt time.Time `json:"revoked_at,omitzero"` // zero while the token is live
}

const maxTokenName = 128 // bytes

const tokenCols = `t.id, t.name, t.role, t.hash, t.user_id, t.created_at, t.last_used, t.revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (Token, error) {
	var t Token
	err := sc.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, nullInt{&t.UserID}, ts(&t.CreatedAt), ts(&t.LastUsed), ts(&t.RevokedAt))
	return t, err
}

// CreateToken stores a new token and returns it with its ID and CreatedAt
// (the store's clock); t.LastUsed and t.RevokedAt are ignored. Name, Hash
// and Role are required; UserID, when set, must name an existing user. A
// Hash already stored is ErrExists. The audit entry (token.create) records
// the name, role and creator, never the hash.
func (s *Store) CreateToken(ctx context.Context, t Token, actor string) (Token, error) {
	var out Token
	err := s.write(ctx, func(tx *sql.Tx) error {
		name := strings.TrimSpace(t.Name)
		if err := firstErr(checkActor(actor), checkTokenName(name), checkRole(t.Role),
			checkSecretText("hash", t.Hash, maxHashBytes)); err != nil {
			return err
		}
		if t.Hash == "" {
			return &ValidationError{"hash", "the token hash is required"}
		}
		if t.UserID != 0 {
			var n int
			if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM users WHERE id = ?`, t.UserID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("user %d: %w", t.UserID, ErrNotFound)
			}
		}
		var n int
		if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM api_tokens WHERE hash = ?`, t.Hash).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrExists
		}
		now := s.clock()
		out = Token{Name: name, Role: t.Role, Hash: t.Hash, UserID: t.UserID, CreatedAt: now}
		if err := s.txQueryRow(ctx, tx, `INSERT INTO api_tokens (name, role, hash, user_id, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, name, t.Role, t.Hash, ni(t.UserID), s.d.tv(now)).Scan(&out.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, actor, "token.create", "token", out.ID, map[string]any{
			"name": name, "role": t.Role, "user_id": t.UserID})
	})
	if err != nil {
		return Token{}, fmt.Errorf("store: create token %q: %w", t.Name, err)
	}
	return out, nil
}

func checkTokenName(name string) error {
	switch {
	case name == "":
		return &ValidationError{"name", "a token name is required"}
	case len(name) > maxTokenName:
		return &ValidationError{"name", fmt.Sprintf("token name is %d bytes long, the limit is %d", len(name), maxTokenName)}
	case !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return &ValidationError{"name", "token name must be text without control characters"}
	}
	return nil
}

// TokenByHash returns the live token whose hash is hash. A token that does
// not exist, was revoked, or whose creator is now disabled is ErrNotFound:
// disabling a user cuts off the tokens they made as well as their sessions.
func (s *Store) TokenByHash(ctx context.Context, hash string) (Token, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens t
		LEFT JOIN users u ON u.id = t.user_id
		WHERE t.hash = ? AND t.revoked_at IS NULL AND (u.id IS NULL OR u.disabled = FALSE)`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// TouchToken records that a token was used at at. Each call is a write;
// call it when the recorded time is stale enough to matter (a minute), not
// on every request.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if at.IsZero() {
			return &ValidationError{"last_used", "a time is required"}
		}
		res, err := s.txExec(ctx, tx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, s.d.tv(at), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: touch token %d: %w", id, err)
	}
	return nil
}

// Tokens lists every token, revoked ones too, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	return list(ctx, s, "tokens", scanToken, `SELECT `+tokenCols+` FROM api_tokens t ORDER BY t.id`)
}

// RevokeToken revokes a token for good. Revoking a revoked token changes
// nothing and is not an error; a missing one is ErrNotFound. The audit
// entry is token.revoke.
func (s *Store) RevokeToken(ctx context.Context, id int64, actor string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(actor); err != nil {
			return err
		}
		t, err := scanToken(s.txQueryRow(ctx, tx, `SELECT `+tokenCols+` FROM api_tokens t WHERE t.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || !t.RevokedAt.IsZero() {
			return err
		}
		now := s.clock()
		if _, err := s.txExec(ctx, tx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, s.d.tv(now), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, actor, "token.revoke", "token", id, map[string]any{"name": t.Name, "role": t.Role})
	})
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	return nil
}
